//! The outbox: every message Passerelle sends (a registration confirmed or put on the waiting
//! list, a seat freed, a reminder two days before) is first written to the store's outbox, in
//! the same request that decided it, then delivered by [`deliver_pending`]: by SMTP when a
//! server is configured, written as `.eml` files in a folder otherwise (the demo). A message
//! about a gathering carries an iCalendar (`.ics`) invitation. A failed sending stays pending,
//! with its error, and is tried again at the next round.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventLike};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use model::{Gathering, NewMessage, OutboxMessage, Participant};

use crate::AppState;

/// How many pending messages one round delivers at most.
const ROUND: u32 = 200;

/// How long before a gathering its seated participants are reminded of it.
pub const REMINDER_BEFORE: Duration = Duration::hours(48);

/// Where messages go.
#[derive(Clone, Default)]
pub enum Delivery {
    /// Queued, never delivered (tests that do not look at messages).
    #[default]
    Off,
    /// Written as `<id>.eml` files in this folder (the demo, or a machine without SMTP).
    Folder(PathBuf),
    /// Sent through the SMTP server of this URL (`smtps://user:password@host`, or
    /// `smtp://host:587?tls=required`), checked when it is set. It holds a password: it is
    /// never printed. The connection is made when there is something to send.
    Smtp(SmtpUrl),
}

/// An SMTP server's URL, checked; its `Debug` hides it.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivery::Off => f.write_str("Off"),
            Delivery::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            Delivery::Smtp(_) => f.write_str("Smtp(..)"),
        }
    }
}

impl Delivery {
    /// An SMTP delivery from its URL; the error never repeats the URL (it holds a password).
    pub fn smtp(url: &str) -> Result<Self, String> {
        transport_builder(url).map(|_| Delivery::Smtp(SmtpUrl(url.to_string())))
    }
}

fn transport_builder(
    url: &str,
) -> Result<lettre::transport::smtp::AsyncSmtpTransportBuilder, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|err| {
        format!("smtp_url: not an SMTP URL such as smtps://user:password@host ({err})")
    })
}

/// Whether a text is a sender or recipient (`name <address>` or an address).
pub fn is_mailbox(text: &str) -> bool {
    text.parse::<Mailbox>().is_ok()
}

/// What a round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// A message as sent: plain text, with its calendar invitation attached when it has one.
pub fn email(message: &OutboxMessage, from: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|err| format!("mail_from: {from:?} is not an address ({err})"))?;
    let to: Mailbox = message
        .message
        .recipient
        .parse()
        .map_err(|err| format!("recipient: not an address ({err})"))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(message.message.subject.clone())
        .date(message.queued_at.into())
        .message_id(Some(format!("<outbox-{}@passerelle>", message.id)));
    let text = SinglePart::plain(message.message.body.clone());
    let built = match &message.message.calendar {
        None => builder.singlepart(text),
        Some(calendar) => {
            let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|err| format!("calendar: {err}"))?;
            builder.multipart(MultiPart::mixed().singlepart(text).singlepart(
                Attachment::new("invitation.ics".to_string()).body(calendar.clone(), kind),
            ))
        }
    };
    built.map_err(|err| format!("message {}: {err}", message.id))
}

/// Delivers the pending messages, the oldest first, and records each outcome.
pub async fn deliver_pending(state: &AppState) -> anyhow::Result<Delivered> {
    let delivery = &state.config.delivery;
    if matches!(delivery, Delivery::Off) {
        return Ok(Delivered::default());
    }
    let transport = match delivery {
        Delivery::Smtp(SmtpUrl(url)) => {
            Some(transport_builder(url).map_err(anyhow::Error::msg)?.build())
        }
        _ => None,
    };
    let mut done = Delivered::default();
    for message in state.store.pending_messages(ROUND).await? {
        let outcome = match email(&message, &state.config.mail_from) {
            Err(why) => Err(why),
            Ok(email) => match delivery {
                Delivery::Off => continue,
                Delivery::Folder(dir) => write_eml(dir, message.id, &email.formatted()).await,
                Delivery::Smtp(_) => match &transport {
                    Some(transport) => transport
                        .send(email)
                        .await
                        .map(|_| ())
                        .map_err(|err| format!("smtp: {err}")),
                    None => continue,
                },
            },
        };
        match &outcome {
            Ok(()) => done.sent += 1,
            Err(why) => {
                done.failed += 1;
                tracing::warn!(message = message.id, error = %why, "message not delivered: kept for the next round");
            }
        }
        state
            .store
            .message_sent(message.id, outcome, state.now())
            .await?;
    }
    Ok(done)
}

async fn write_eml(dir: &std::path::Path, id: i64, bytes: &[u8]) -> Result<(), String> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|err| format!("{}: {err}", dir.display()))?;
    let path = dir.join(format!("{id}.eml"));
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|err| format!("{}: {err}", path.display()))
}

/// What a calendar invitation says of a gathering.
pub struct Invitation<'a> {
    /// Unique and stable for the gathering (`meeting-12@passerelle`).
    pub uid: String,
    pub title: &'a str,
    pub gathering: &'a Gathering,
    pub place: Option<&'a str>,
    pub link: Option<&'a str>,
    pub stamp: DateTime<Utc>,
}

/// The gathering as an iCalendar file (RFC 5545).
pub fn calendar(invitation: &Invitation<'_>) -> String {
    let mut event = icalendar::Event::new();
    event
        .uid(&invitation.uid)
        .summary(invitation.title)
        .timestamp(invitation.stamp)
        .starts(invitation.gathering.gathering.starts_at)
        .ends(invitation.gathering.gathering.ends_at);
    if let Some(place) = invitation.place {
        event.location(place);
    }
    if let Some(link) = invitation.link {
        event.url(link);
    }
    let mut calendar = Calendar::new();
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar.push(event.done());
    calendar.done().to_string()
}

/// The address of a participant who is a user (job seekers are written to by their advisor).
pub async fn address_of(
    state: &AppState,
    participant: Participant,
) -> anyhow::Result<Option<String>> {
    Ok(match participant {
        Participant::User(id) => state
            .store
            .user(id)
            .await?
            .map(|user| user.email.as_str().to_string()),
        Participant::JobSeeker(_) => None,
    })
}

/// Queues a message.
pub async fn queue(state: &AppState, message: NewMessage) -> anyhow::Result<()> {
    state.store.queue_message(&message, state.now()).await?;
    Ok(())
}

/// Every `outbox_every`: queues the reminders due, then delivers what is pending.
pub(crate) async fn outbox_loop(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(state.config.outbox_every);
    loop {
        ticker.tick().await;
        if let Err(err) = crate::meetings::queue_reminders(&state).await {
            tracing::error!(error = %err, "reminders not queued: tried again at the next round");
        }
        match deliver_pending(&state).await {
            Ok(done) if done != Delivered::default() => {
                tracing::info!(sent = done.sent, failed = done.failed, "outbox delivered")
            }
            Ok(_) => {}
            Err(err) => tracing::error!(error = %err, "outbox not delivered"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::TimeZone;

    fn message(calendar: Option<String>) -> OutboxMessage {
        OutboxMessage {
            id: 7,
            message: NewMessage {
                recipient: "conseillere@francetravail.fr".to_string(),
                subject: "Inscription confirmée : Les métiers de la logistique".to_string(),
                body: "Bonjour,\nvotre place est réservée.".to_string(),
                calendar,
            },
            queued_at: Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap(),
            sent_at: None,
            attempts: 0,
            last_error: None,
        }
    }

    #[test]
    fn an_invitation_is_a_calendar_event_with_its_times_and_place() {
        let gathering = Gathering {
            id: 3,
            gathering: model::NewGathering {
                starts_at: Utc.with_ymd_and_hms(2026, 12, 14, 8, 30, 0).unwrap(),
                ends_at: Utc.with_ymd_and_hms(2026, 12, 14, 10, 30, 0).unwrap(),
                capacity_on_site: 30,
                capacity_remote: 0,
            },
            attendance_closed_at: None,
        };
        let ics = calendar(&Invitation {
            uid: "meeting-3@passerelle".to_string(),
            title: "Les métiers de la logistique, qui recrutent",
            gathering: &gathering,
            place: Some("France Travail Saint-Denis; salle 2"),
            link: None,
            stamp: Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap(),
        });
        for line in [
            "BEGIN:VCALENDAR",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:meeting-3@passerelle",
            "DTSTART:20261214T083000Z",
            "DTEND:20261214T103000Z",
            // RFC 5545 escapes commas and semicolons in text.
            "SUMMARY:Les métiers de la logistique\\, qui recrutent",
            "LOCATION:France Travail Saint-Denis\\; salle 2",
            "END:VCALENDAR",
        ] {
            assert!(ics.lines().any(|l| l == line), "{line} not in\n{ics}");
        }
    }

    #[test]
    fn a_message_is_plain_text_with_its_invitation_attached() {
        let plain = email(
            &message(None),
            "Passerelle <ne-pas-repondre@passerelle.test>",
        )
        .unwrap();
        let text = String::from_utf8(plain.formatted()).unwrap();
        assert!(text.contains("To: conseillere@francetravail.fr"), "{text}");
        assert!(text.contains("Message-ID: <outbox-7@passerelle>"), "{text}");
        assert!(!text.contains("text/calendar"), "{text}");
        let with = email(
            &message(Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_string())),
            "ne-pas-repondre@passerelle.test",
        )
        .unwrap();
        let text = String::from_utf8(with.formatted()).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(
            text.contains("text/calendar; charset=utf-8; method=PUBLISH"),
            "{text}"
        );
        assert!(text.contains("filename=\"invitation.ics\""), "{text}");
        // An address that is not one is said, not sent.
        let mut wrong = message(None);
        wrong.message.recipient = "pas une adresse".to_string();
        assert!(
            email(&wrong, "a@b.fr")
                .unwrap_err()
                .starts_with("recipient:")
        );
        assert!(
            email(&message(None), "nobody")
                .unwrap_err()
                .starts_with("mail_from:")
        );
    }

    #[test]
    fn an_smtp_url_that_is_not_one_is_refused_without_repeating_it() {
        let err = Delivery::smtp("http://user:secret@host").unwrap_err();
        assert!(err.starts_with("smtp_url:"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        assert!(Delivery::smtp("smtp://127.0.0.1:2525").is_ok());
        assert_eq!(
            format!("{:?}", Delivery::smtp("smtps://u:secret@h").unwrap()),
            "Smtp(..)"
        );
    }
}

//! Joint information meetings of both networks. Each is a gathering (`model::Gathering`):
//! seats per modality, a waiting list, attendance once it is over; what happens to a
//! registration is told to the person through the outbox, with the meeting's invitation.

pub mod api;
pub mod pages;

use model::{GatheringRegistration, Meeting, Modality, NewMessage, Seat};

use crate::AppState;
use crate::outbox::{self, Invitation};

/// What a message tells a registered person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Registered: a seat, or a place on the waiting list.
    Registered,
    /// A seat freed went to them.
    Promoted,
    /// The meeting is in two days.
    Reminder,
    /// The organisers gave their registration up.
    Cancelled,
}

/// Paris time, as people read it.
pub fn paris(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %Hh%M")
        .to_string()
}

/// The message a registration's person gets, in French; `None` for someone with no address.
pub fn message(
    meeting: &Meeting,
    gathering: &model::Gathering,
    registration: &GatheringRegistration,
    told: Told,
    recipient: String,
    now: chrono::DateTime<chrono::Utc>,
) -> NewMessage {
    let theme = meeting.meeting.theme.as_str();
    let when = paris(meeting.meeting.starts_at);
    let how = match registration.modality {
        Modality::OnSite => format!(
            "sur place : {}",
            meeting
                .meeting
                .place
                .as_deref()
                .unwrap_or("lieu à préciser")
        ),
        Modality::Remote => format!(
            "en ligne : {}",
            meeting
                .meeting
                .online_link
                .as_deref()
                .unwrap_or("lien à venir")
        ),
    };
    let seated = registration.seat == Seat::Registered;
    let told = if told == Told::Cancelled || registration.seat == Seat::Cancelled {
        Told::Cancelled
    } else {
        told
    };
    let (subject, opening) = match (told, seated) {
        (Told::Registered, true) => (
            format!("Inscription confirmée : {theme}"),
            "Votre place est réservée pour la réunion d'information".to_string(),
        ),
        (Told::Registered, false) => (
            format!("Liste d'attente : {theme}"),
            "La réunion d'information est complète : vous êtes sur la liste d'attente, et serez prévenu(e) si une place se libère. Réunion".to_string(),
        ),
        (Told::Promoted, _) => (
            format!("Une place s'est libérée : {theme}"),
            "Une place s'est libérée : vous êtes inscrit(e) à la réunion d'information".to_string(),
        ),
        (Told::Reminder, _) => (
            format!("Rappel : {theme}, le {when}"),
            "Rappel : vous êtes inscrit(e) à la réunion d'information".to_string(),
        ),
        (Told::Cancelled, _) => (
            format!("Inscription annulée : {theme}"),
            "Les organisateurs ont annulé votre inscription à la réunion d'information"
                .to_string(),
        ),
    };
    let body = format!(
        "Bonjour,\n\n{opening} « {theme} », le {when} (heure de Paris), {how}.\n\n\
         Vous pouvez vous désinscrire depuis la page « Réunions » de Passerelle, pour laisser la place à une autre personne.\n\n\
         — Passerelle (message automatique, merci de ne pas y répondre)\n"
    );
    // Where this person goes: the place, or the link.
    let (place, link) = match registration.modality {
        Modality::OnSite => (meeting.meeting.place.as_deref(), None),
        Modality::Remote => (
            meeting.meeting.online_link.as_deref(),
            meeting.meeting.online_link.as_deref(),
        ),
    };
    let calendar = (seated && told != Told::Cancelled).then(|| {
        outbox::calendar(&Invitation {
            uid: format!("meeting-{}@passerelle", meeting.id),
            title: theme,
            gathering,
            place,
            link,
            stamp: now,
        })
    });
    NewMessage {
        recipient,
        subject,
        body,
        calendar,
    }
}

/// Queues what a registration's person is told, if they have an address.
pub(crate) async fn tell(
    state: &AppState,
    meeting: &Meeting,
    registration: &GatheringRegistration,
    told: Told,
) -> anyhow::Result<()> {
    let Some(recipient) = outbox::address_of(state, registration.participant).await? else {
        return Ok(());
    };
    let Some(gathering) = state.store.gathering(meeting.gathering_id).await? else {
        return Ok(());
    };
    let message = message(
        meeting,
        &gathering,
        registration,
        told,
        recipient,
        state.now(),
    );
    outbox::queue(state, message).await
}

/// Queues a reminder for every seated participant of a meeting starting within
/// [`outbox::REMINDER_BEFORE`], once each.
pub async fn queue_reminders(state: &AppState) -> anyhow::Result<usize> {
    let due = state
        .store
        .take_reminders(state.now(), outbox::REMINDER_BEFORE)
        .await?;
    let mut queued = 0;
    for registration in &due {
        if let Some(meeting) = state
            .store
            .meeting_of_gathering(registration.gathering_id)
            .await?
        {
            tell(state, &meeting, registration, Told::Reminder).await?;
            queued += 1;
        }
    }
    Ok(queued)
}

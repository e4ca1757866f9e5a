//! Retention and erasure (`model::retention`): the daily sweep, a person's erasure request
//! filed (by their advisor here, by the person from their own space) and processed by an
//! administrator, the person told by e-mail through the outbox, every step audited. The
//! French words of the page and the messages are here.

pub mod api;
pub mod pages;

use std::sync::Arc;

use chrono::NaiveDate;
use model::retention::{
    self as rules, Disposal, ErasureBlocker, ErasureRequest, ErasureState, NewErasureRequest,
    RecordKind, RetentionReport,
};
use model::{NewAuditEvent, NewMessage};
use serde_json::json;

use crate::AppState;
use crate::access::Principal;
use crate::error::ApiResult;

/// Who files an erasure request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedBy {
    /// The person themself, from their own space.
    Person,
    /// Their France Travail advisor (the account), on their behalf.
    Advisor { user: i64 },
}

impl RequestedBy {
    fn event(self, action: &str, kind: &str, id: i64, detail: serde_json::Value) -> NewAuditEvent {
        let (actor, by) = match self {
            RequestedBy::Person => (None, "person"),
            RequestedBy::Advisor { user } => (Some(user), "advisor"),
        };
        let mut detail = detail;
        if let Some(map) = detail.as_object_mut() {
            map.insert("by".to_string(), json!(by));
            if self == RequestedBy::Person {
                // As every act of the person in their own space (`api::Actor::Person`).
                map.insert("by_person".to_string(), json!(id));
            }
        }
        NewAuditEvent {
            actor,
            action: action.to_string(),
            subject_kind: kind.to_string(),
            subject_id: Some(id),
            detail,
        }
    }
}

/// An erasure request filed, with what would block it today and the first day it could
/// proceed (none when nothing blocks it, or when it waits for a duo's end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    pub request: ErasureRequest,
    pub blockers: Vec<ErasureBlocker>,
    pub can_proceed_on: Option<NaiveDate>,
}

/// Files an erasure request for a person (the caller checked who may): audited, answered with
/// what blocks it today. `Conflict` when one is already pending, `NotFound` for an unknown
/// person.
pub async fn file_erasure_request(
    state: &AppState,
    job_seeker_id: i64,
    requested_by: RequestedBy,
) -> ApiResult<Filed> {
    let now = state.now();
    let new = NewErasureRequest {
        job_seeker_id,
        requested_by: match requested_by {
            RequestedBy::Person => rules::RequestedBy::Person,
            RequestedBy::Advisor { .. } => rules::RequestedBy::Advisor,
        },
        requested_by_user: match requested_by {
            RequestedBy::Person => None,
            RequestedBy::Advisor { user } => Some(user),
        },
    };
    let request = state.store.file_erasure_request(&new, now).await?;
    let blockers = state.store.erasure_blockers(job_seeker_id, now).await?;
    state
        .audit_one(requested_by.event(
            "erasure.request",
            "job_seeker",
            job_seeker_id,
            json!({ "request": request.id }),
        ))
        .await?;
    let can_proceed_on = rules::can_proceed_on(&blockers, state.config.expiry_days);
    Ok(Filed {
        request,
        blockers,
        can_proceed_on,
    })
}

/// Processes a pending request as `principal` (an administrator; the caller checked): the
/// person anonymised when nothing blocks it, told by e-mail either way, the engine of this
/// instance updated at once, audited.
pub async fn process_erasure_request(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> ApiResult<ErasureRequest> {
    let now = state.now();
    let processed = state
        .store
        .process_erasure_request(id, principal.user.id, now)
        .await?;
    let request = processed.request;
    let person = request.job_seeker_id;
    if request.state == ErasureState::Done
        && let Some(updated) = state.store.job_seeker_by_id(person).await?
    {
        let mut sourcing = state.sourcing.write().unwrap_or_else(|e| e.into_inner());
        if let Err(err) = sourcing.engine.upsert_job_seeker(&updated) {
            tracing::warn!(job_seeker = person, %err, "job seeker left out of the engine");
        }
    }
    let detail = json!({
        "request": request.id,
        "state": request.state.as_str(),
        "blockers": request.blockers.iter().map(blocker_kind).collect::<Vec<_>>(),
    });
    state
        .audit_one(principal.event("erasure.process", "job_seeker", person, detail))
        .await?;
    if let Some(recipient) = processed.recipient {
        let message = NewMessage {
            recipient,
            subject: match request.state {
                ErasureState::Done => "Vos données ont été effacées".to_string(),
                _ => "Votre demande d'effacement ne peut pas encore aboutir".to_string(),
            },
            body: message_body(&request, state.config.expiry_days),
            calendar: None,
        };
        state.store.queue_message(&message, now).await?;
    }
    Ok(request)
}

/// Runs the retention sweep at the service's clock, audited when it changed anything (or when
/// asked by an administrator).
pub async fn sweep(
    state: &AppState,
    principal: Option<&Principal>,
    dry_run: bool,
) -> ApiResult<RetentionReport> {
    let report = state.store.sweep(state.now(), dry_run).await?;
    if !dry_run && (report.total() > 0 || principal.is_some()) {
        let detail = json!({
            "dry_run": dry_run,
            "counts": report.counts.iter().map(|c| (c.kind.as_str(), c.count))
                .collect::<std::collections::BTreeMap<_, _>>(),
        });
        let event = NewAuditEvent {
            actor: principal.map(|p| p.user.id),
            action: "retention.sweep".to_string(),
            subject_kind: "retention".to_string(),
            subject_id: None,
            detail,
        };
        state.audit_one(event).await?;
    }
    Ok(report)
}

/// How often the retention sweep runs.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The daily retention sweep (its first run at start).
pub async fn retention_loop(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(SWEEP_EVERY);
    loop {
        ticker.tick().await;
        match sweep(&state, None, false).await {
            Ok(report) if report.total() == 0 => {}
            Ok(report) => {
                for count in report.counts.iter().filter(|c| c.count > 0) {
                    tracing::info!(
                        kind = count.kind.as_str(),
                        disposal = count.disposal.as_str(),
                        count = count.count,
                        "retention sweep"
                    );
                }
            }
            Err(err) => tracing::error!(error = ?err, "retention sweep failed"),
        }
    }
}

/// A blocker's kind, for the audit trail.
pub fn blocker_kind(blocker: &ErasureBlocker) -> &'static str {
    match blocker {
        ErasureBlocker::TrainingPlan { .. } => "training_plan",
        ErasureBlocker::HireUnderObligation { .. } => "hire_under_obligation",
        ErasureBlocker::OpenReferral { .. } => "open_referral",
        ErasureBlocker::OpenDuo { .. } => "open_duo",
    }
}

/// A day in French (`3 avril 2026`).
pub fn day_fr(day: NaiveDate) -> String {
    use chrono::Datelike;
    let month = model::text::MONTHS_FR
        .get(day.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", day.day(), day.year())
}

/// What blocks an erasure, and until when, in French.
pub fn blocker_fr(blocker: &ErasureBlocker, expiry_days: u32) -> String {
    let when = match blocker.earliest(expiry_days) {
        Some(day) => format!("au plus tôt le {}", day_fr(day)),
        None => "à sa clôture".to_string(),
    };
    match blocker {
        ErasureBlocker::TrainingPlan { plan_id, .. } => {
            format!("un plan de formation en cours (n° {plan_id}) : levé à sa clôture, {when}")
        }
        ErasureBlocker::HireUnderObligation { plan_id, .. } => format!(
            "une embauche après formation soumise aux obligations du dispositif (plan n° \
             {plan_id}) : levée le {}",
            blocker
                .earliest(expiry_days)
                .map(day_fr)
                .unwrap_or_default()
        ),
        ErasureBlocker::OpenReferral { referral_id, .. } => format!(
            "une mise en relation en cours (n° {referral_id}) : levée à sa réponse ou à son \
             expiration, {when}"
        ),
        ErasureBlocker::OpenDuo { duo_id, .. } => {
            format!("un duo en cours (n° {duo_id}) : levé {when}")
        }
    }
}

/// The e-mail telling the person what became of their request.
fn message_body(request: &ErasureRequest, expiry_days: u32) -> String {
    match request.state {
        ErasureState::Done => "Bonjour,\n\nVotre demande d'effacement a été traitée : votre \
             identité et vos coordonnées ont été effacées de Passerelle, votre consentement \
             retiré et les notes vous concernant supprimées.\n\nSont conservés, sans votre nom : \
             le journal des accès (qui a consulté quel dossier, désigné par un numéro), exigé \
             pour prouver que chaque accès était légitime, et les statistiques du comité de \
             pilotage, qui ne permettent d'identifier personne.\n\nVous ne recevrez plus de \
             message de Passerelle.\n"
            .to_string(),
        _ => {
            let mut body = "Bonjour,\n\nVotre demande d'effacement ne peut pas encore aboutir, \
                 car :\n"
                .to_string();
            for blocker in &request.blockers {
                body.push_str(&format!("- {}\n", blocker_fr(blocker, expiry_days)));
            }
            match rules::can_proceed_on(&request.blockers, expiry_days) {
                Some(day) => body.push_str(&format!(
                    "\nVous pourrez la renouveler à partir du {}.\n",
                    day_fr(day)
                )),
                None => {
                    body.push_str("\nVous pourrez la renouveler une fois ces démarches closes.\n")
                }
            }
            body
        }
    }
}

/// A kind of record in French.
pub fn kind_fr(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::JobSeeker => "Dossier d'un demandeur d'emploi",
        RecordKind::ClosedReferral => "Mise en relation close",
        RecordKind::Session => "Session de connexion",
        RecordKind::ApiToken => "Jeton d'API",
        RecordKind::OutboxMessage => "Message électronique envoyé",
        RecordKind::PersonPass => "Lien ou code d'accès à l'espace personnel",
        RecordKind::PersonSession => "Session de l'espace personnel",
        RecordKind::ConsentChange => "Signal de changement de consentement",
        RecordKind::StaffInvitation => "Invitation à un poste d'une structure",
    }
}

pub fn disposal_fr(disposal: Disposal) -> &'static str {
    match disposal {
        Disposal::Delete => "Suppression",
        Disposal::Anonymise => "Anonymisation (les agrégats restent)",
    }
}

pub fn state_fr(state: ErasureState) -> &'static str {
    match state {
        ErasureState::Requested => "À traiter",
        ErasureState::Done => "Effacé",
        ErasureState::Refused => "Refusé",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_what_blocks_and_when() {
        let request = ErasureRequest {
            id: 1,
            job_seeker_id: 2,
            requested_by: rules::RequestedBy::Person,
            requested_by_user: None,
            requested_at: chrono::DateTime::UNIX_EPOCH,
            state: ErasureState::Refused,
            blockers: vec![ErasureBlocker::TrainingPlan {
                plan_id: 7,
                state: model::training_plans::PlanState::InTraining,
                ends_on: NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            }],
            processed_at: None,
            processed_by: None,
        };
        assert_eq!(
            message_body(&request, 30),
            "Bonjour,\n\nVotre demande d'effacement ne peut pas encore aboutir, car :\n\
             - un plan de formation en cours (n° 7) : levé à sa clôture, au plus tôt le 1 mai \
             2026\n\nVous pourrez la renouveler à partir du 1 mai 2026.\n"
        );
    }
}

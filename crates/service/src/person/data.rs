//! The person's rights of access (GDPR arts. 15 and 20): who accessed their data, and all of
//! it as one document.

use std::collections::HashMap;

use super::Person;
use super::api::{
    PersonConsentView, PersonInvitationView, PersonReferralView, consent_of, proposals_of,
};
use crate::api::*;

/// One access to the person's data, as they read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessView {
    pub at: DateTime<Utc>,
    /// What was done (`job_seeker.read`, `referral.move`, `person.sign_in`...).
    pub action: String,
    /// Who: an account's name, `you` (the person), or `system`.
    pub who: String,
    /// The structures the account belongs to.
    pub structures: Vec<String>,
}

pub(crate) async fn access_history_of(
    state: &AppState,
    person: &Person,
) -> AppResult<Vec<AccessView>> {
    let id = person.job_seeker.id;
    let events = crate::job_seekers::api::access_events(state, id).await?;
    let mut people: HashMap<i64, (String, Vec<String>)> = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events.iter().rev() {
        let (who, structures) = match event.event.actor {
            Some(user) => {
                if let std::collections::hash_map::Entry::Vacant(entry) = people.entry(user) {
                    let name = state
                        .store
                        .user(user)
                        .await?
                        .map(|u| u.display_name)
                        .unwrap_or_else(|| format!("compte {user} (supprimé)"));
                    let mut structures = Vec::new();
                    for membership in state.store.memberships(user).await? {
                        structures.push(structure_name(state, membership.structure_id).await?);
                    }
                    entry.insert((name, structures));
                }
                people.get(&user).cloned().unwrap_or_default()
            }
            None if event.event.detail.get("by_person").is_some() => {
                ("you".to_string(), Vec::new())
            }
            None => ("system".to_string(), Vec::new()),
        };
        out.push(AccessView {
            at: event.at,
            action: event.event.action.clone(),
            who,
            structures,
        });
    }
    state
        .audit_one(person.actor().event(
            "person.read",
            "job_seeker",
            id,
            json!({ "what": "access_history" }),
        ))
        .await?;
    Ok(out)
}

/// Who accessed the person's data, when and how, newest first (GDPR art. 15).
#[utoipa::path(get, path = "/api/v1/person/access-history", tag = "person", security(("person" = [])),
    responses((status = 200, body = Vec<AccessView>), (status = 401, body = Problem)))]
pub(crate) async fn access_history(
    State(state): St,
    person: Person,
) -> AppResult<Json<Vec<AccessView>>> {
    Ok(Json(access_history_of(&state, &person).await?))
}

/// Everything Passerelle holds about the person (GDPR arts. 15 and 20).
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonData {
    pub exported_at: DateTime<Utc>,
    pub job_seeker: JobSeekerView,
    pub consent: PersonConsentView,
    pub referrals: Vec<PersonReferralView>,
    /// Each referral as kept (with a hire's start or why not hired) and every move of it,
    /// with its note.
    #[schema(value_type = Vec<Object>)]
    pub referral_history: Vec<serde_json::Value>,
    pub invitations: Vec<PersonInvitationView>,
    #[schema(value_type = Vec<Object>)]
    pub duos: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub training_plans: Vec<serde_json::Value>,
    /// Every evaluation recorded about the person, by any structure (`own` is always false
    /// here: it speaks of the reader's structure).
    pub evaluations: Vec<crate::evaluations::api::SharedEvaluationView>,
    /// The kinds of evaluation the person shares with other structures than the one that
    /// recorded them (`mrs`, `caces`, `language`, `skills_assessment`).
    pub shared_evaluations: Vec<String>,
    pub access_history: Vec<AccessView>,
}

pub(crate) async fn data_of(state: &AppState, person: &Person) -> AppResult<PersonData> {
    let id = person.job_seeker.id;
    let proposals = proposals_of(state, person).await?;
    let consent = consent_of(state, person).await?;
    let mut duos = Vec::new();
    for duo in state.store.duos_of_job_seeker(id).await? {
        duos.push(
            serde_json::to_value(&duo)
                .map_err(|err| ApiError::Internal(format!("duo {}: {err}", duo.id)))?,
        );
    }
    let mut training_plans = Vec::new();
    let offer_ids: Vec<i64> = proposals.referrals.iter().map(|r| r.offer_id).collect();
    for plan in super::duos::plans_through_offers(state, id, &offer_ids).await? {
        training_plans.push(
            serde_json::to_value(&plan)
                .map_err(|err| ApiError::Internal(format!("plan {}: {err}", plan.id)))?,
        );
    }
    let mut referral_history = Vec::new();
    for referral in &proposals.referrals {
        let kept = state.store.referral(referral.id).await?;
        let log = state.store.referral_log(referral.id).await?;
        referral_history.push(json!({ "referral": kept, "log": log }));
    }
    let today = state.now().date_naive();
    let evaluations = state
        .store
        .evaluations_of(id)
        .await?
        .iter()
        .map(|e| crate::evaluations::api::evaluation_view(e, &[], today))
        .collect();
    let shared_evaluations = state
        .store
        .shared_evaluation_kinds(id)
        .await?
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    let access_history = access_history_of(state, person).await?;
    Ok(PersonData {
        exported_at: state.now(),
        job_seeker: job_seeker_view(&person.job_seeker, Fields::Full),
        consent,
        referrals: proposals.referrals,
        referral_history,
        invitations: proposals.invitations,
        duos,
        training_plans,
        evaluations,
        shared_evaluations,
        access_history,
    })
}

/// All the person's data as one JSON file to download.
#[utoipa::path(get, path = "/api/v1/person/data", tag = "person", security(("person" = [])),
    responses((status = 200, body = PersonData), (status = 401, body = Problem)))]
pub(crate) async fn download(State(state): St, person: Person) -> AppResult<Response> {
    let data = data_of(&state, &person).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"mes-donnees-passerelle.json\""),
        )],
        Json(data),
    )
        .into_response())
}

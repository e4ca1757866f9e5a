//! Duos and training plans as the person sees them in their own space: a duo proposed to them
//! they answer themself (the workflow's `Mover::PersonSide` moves, as their coordinator answers
//! for them); a training plan they follow (it is agreed between the offer's structure and
//! their agency, with them).

use model::{Duo, DuoState};

use super::Person;
use crate::api::*;

/// A duo with a temp worker, as the person sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDuoView {
    pub id: i64,
    /// The occupation discovered (ROME code) and its name.
    pub rome: String,
    pub occupation: String,
    /// The mentor: their pseudonym until both sides said yes, then their first name.
    pub mentor: String,
    /// The mentor's agency.
    pub agency: String,
    pub months: u8,
    /// proposed, mentor_agreed, seeker_agreed, accepted, active, completed, stopped, declined
    pub state: String,
    pub proposed_at: DateTime<Utc>,
    /// The answers open to the person now (`accepted`, `declined`).
    pub moves: Vec<String>,
}

/// A training plan (training before hiring), as the person sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonPlanView {
    pub id: i64,
    pub offer_title: String,
    pub employer: String,
    /// `poei`, `afpr`, ...
    pub scheme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// proposed, agreed, in_training, completed, hired, abandoned
    pub state: String,
}

/// The answers open to the person on a duo in this state: a yes while it waits for theirs
/// (the other side's may have come already), a no until both said yes. Once under way, a stop
/// needs its reason and goes through their coordinator.
pub(crate) fn duo_moves(state: DuoState) -> Vec<String> {
    let yes = workflow::DUOS
        .check(state, DuoState::SeekerAgreed, Mover::PersonSide, None, None)
        .is_ok()
        || workflow::DUOS
            .check(state, DuoState::Accepted, Mover::PersonSide, None, None)
            .is_ok();
    let no = workflow::DUOS
        .check(state, DuoState::Declined, Mover::PersonSide, None, None)
        .is_ok();
    let mut moves = Vec::new();
    if yes {
        moves.push("accepted".to_string());
    }
    if no {
        moves.push("declined".to_string());
    }
    moves
}

async fn duo_view(state: &AppState, duo: &Duo) -> AppResult<PersonDuoView> {
    let mentor = state.store.mentor(duo.duo.mentor_id).await?;
    let revealed = crate::access::reveals(
        crate::access::Link::DuoWithOwnMentor,
        crate::access::LinkState::Duo(duo.state),
    );
    let mentor_name = match mentor {
        Some(m) if revealed && m.withdrawn_at.is_none() => m.mentor.first_name.to_string(),
        _ => model::mentor_pseudonym(duo.duo.mentor_id),
    };
    Ok(PersonDuoView {
        id: duo.id,
        rome: duo.duo.rome.as_str().to_string(),
        occupation: refdata::rome()
            .occupation(duo.duo.rome.as_str())
            .map_or_else(
                || duo.duo.rome.as_str().to_string(),
                |o| o.label.to_string(),
            ),
        mentor: mentor_name,
        agency: structure_name(state, duo.mentor_agency_id).await?,
        months: duo.duo.months,
        state: duo.state.as_str().to_string(),
        proposed_at: duo.proposed_at,
        moves: duo_moves(duo.state),
    })
}

/// The person's duos and training plans, newest first.
pub(crate) async fn duos_and_plans(
    state: &AppState,
    person: &Person,
) -> AppResult<(Vec<PersonDuoView>, Vec<PersonPlanView>)> {
    let id = person.job_seeker.id;
    let mut duos = Vec::new();
    for duo in state.store.duos_of_job_seeker(id).await? {
        duos.push(duo_view(state, &duo).await?);
    }
    duos.sort_by_key(|d| std::cmp::Reverse(d.proposed_at));
    let referrals = state
        .store
        .referrals(ReferralScope::JobSeeker(id), 0, 500)
        .await?;
    let mut plans = Vec::new();
    let offer_ids: Vec<i64> = referrals.iter().map(|r| r.offer_id).collect();
    for plan in plans_through_offers(state, id, &offer_ids).await? {
        let (offer, owner) = offer_and_owner(state, plan.plan.offer_id).await?;
        plans.push(PersonPlanView {
            id: plan.id,
            offer_title: offer.record.title.clone(),
            employer: structure_name(state, owner).await?,
            scheme: plan.plan.scheme.as_str().to_string(),
            starts_on: plan.plan.starts_on,
            ends_on: plan.plan.ends_on,
            state: plan.state.as_str().to_string(),
        });
    }
    plans.sort_by_key(|p| std::cmp::Reverse(p.starts_on));
    Ok((duos, plans))
}

/// The training plans of the person `id`, found through the offers of their referrals
/// (`offer_ids`, each read once), in the order of the offers.
pub(crate) async fn plans_through_offers(
    state: &AppState,
    id: i64,
    offer_ids: &[i64],
) -> AppResult<Vec<model::training_plans::TrainingPlan>> {
    let mut plans = Vec::new();
    let mut offers_seen = Vec::new();
    for &offer_id in offer_ids {
        if offers_seen.contains(&offer_id) {
            continue;
        }
        offers_seen.push(offer_id);
        plans.extend(
            state
                .store
                .training_plans_of_offer(offer_id)
                .await?
                .into_iter()
                .filter(|p| p.plan.job_seeker_id == id),
        );
    }
    Ok(plans)
}

/// The person answers a duo proposed to them: yes (their side's agreement, or the duo's
/// acceptance once the mentor's side agreed) or no, under the duo workflow's moves for their
/// side, audited as theirs.
pub(crate) async fn answer_duo_as(
    state: &AppState,
    person: &Person,
    id: i64,
    input: &super::api::AnswerInput,
) -> AppResult<PersonDuoView> {
    if input.modality.is_some() {
        return Err(ApiError::field("/modality", "only for an invitation"));
    }
    // Another person's duo is answered like one that does not exist.
    let duo = state
        .store
        .duo(id)
        .await?
        .filter(|d| d.duo.job_seeker_id == person.job_seeker.id)
        .ok_or_else(|| ApiError::NotFound(format!("duo {id}")))?;
    let to = match input.to.trim() {
        "accepted" => DuoState::SeekerAgreed,
        "declined" => DuoState::Declined,
        _ => return Err(ApiError::field("/to", "accepted or declined")),
    };
    if !duo_moves(duo.state).iter().any(|m| m == input.to.trim()) {
        return Err(ApiError::Conflict(format!(
            "this duo is {}: it can no longer be answered here (your advisor can help)",
            duo.state
        )));
    }
    let now = state.now();
    let moved = state
        .store
        .move_duo(id, to, Mover::PersonSide, None, now.date_naive(), now)
        .await?;
    state
        .audit_one(person.actor().event(
            "duo.move",
            "duo",
            id,
            json!({ "to": moved.state.as_str(), "job_seeker": person.job_seeker.id }),
        ))
        .await?;
    duo_view(state, &moved).await
}

/// The person answers a duo proposed to them (`accepted` or `declined`): the same workflow as
/// their coordinator's answer for them, audited as the person's.
#[utoipa::path(post, path = "/api/v1/person/duos/{id}/answer", tag = "person", security(("person" = [])),
    params(("id" = i64, Path, description = "duo id")), request_body = super::api::AnswerInput,
    responses((status = 200, body = PersonDuoView), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn answer_duo(
    State(state): St,
    person: Person,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<super::api::AnswerInput>,
) -> AppResult<Json<PersonDuoView>> {
    Ok(Json(answer_duo_as(&state, &person, id, &input).await?))
}

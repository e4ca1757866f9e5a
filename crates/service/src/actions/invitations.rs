//! Invitations to an action, drawn by the engine: a campaign over the action's open offers
//! (each offer's list under its territory's priority policy), nobody invited to more than
//! [`CAP`] actions in [`PERIOD_DAYS`] days nor twice to the same one; each person's agency
//! relays them and records the answer, an accepted one registering the person. The organisers
//! see the people by pseudonym until they accept (`access::REVEALS`); no status is shown to
//! anyone, nor kept with an invitation.

use std::collections::HashMap;

use crate::actions::api::{as_organiser, audit_named, find, name_if_readable};
use crate::api::*;
use model::{Action, ActionState, Invitation, InvitationState, Modality};

/// The most invitations one person receives across actions in [`PERIOD_DAYS`].
pub const CAP: u16 = 3;
/// The period of [`CAP`], in days.
pub const PERIOD_DAYS: i64 = 30;
/// Invitations wanted per position of an offer (about half of those invited come).
pub const PER_POSITION: u16 = 2;
/// Days an agency has to answer, at most (and never past the day before the action).
pub const ANSWER_DAYS: i64 = 10;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// Invitations wanted per position of each offer, 1 to 10 (default 2).
    pub per_position: Option<u16>,
    /// The most invitations one person may have received across actions in the last 30
    /// days, this one included, 1 to 10 (default 3).
    pub cap: Option<u16>,
    /// When the answers are due (default: ten days from now, or the day before the action if
    /// sooner); before the action starts.
    pub deadline: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DrawView {
    /// Invitations drawn and stored (people already invited to this action left out).
    pub invited: usize,
    /// The open offers the campaign was drawn over.
    pub offers: usize,
    /// How many went to each France Travail agency (their advisors relay them).
    pub agencies: Vec<AgencyCount>,
    pub deadline: DateTime<Utc>,
    /// The campaign the invitations come from, against the best possible.
    pub campaign: DrawReport,
}

/// A draw's campaign: its proposals (a person proposed for several offers is invited once, for
/// the best), their total score, and how far that is at most from the best possible. No
/// priority status is reported to the organisers: the shares of a few dozen people would say
/// too much of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrawReport {
    /// Open offers drawn over.
    pub offers: usize,
    pub proposals: usize,
    pub total_score: f64,
    /// No assignment of the same candidate lists under the same cap can total more.
    pub bound: f64,
    /// 1 − total / bound: how far the draw may be from the best possible, at most.
    pub gap: f64,
    /// The greedy kept: two_pass, global or priced.
    pub method: String,
    pub offers_without_proposal: usize,
    pub people_proposed: usize,
}

/// People drawn, each (person, offer), the best first, and the campaign's report.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub people: Vec<(i64, i64)>,
    pub report: DrawReport,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyCount {
    pub structure_id: i64,
    pub name: String,
    pub invitations: usize,
}

/// An invitation as the organisers see it: the person by pseudonym until they accept.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganiserInvitationView {
    pub id: i64,
    pub pseudonym: String,
    /// The person's name, once they accepted.
    pub name: Option<String>,
    pub agency: String,
    pub offer_id: Option<i64>,
    /// proposed, relayed, accepted, declined, expired, cancelled
    pub state: String,
    pub deadline: DateTime<Utc>,
    /// registered or waiting, once accepted.
    pub seat: Option<String>,
}

/// An invitation as the person's agency sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyInvitationView {
    pub id: i64,
    pub action_id: i64,
    pub action_title: String,
    /// The action's kind (job_dating, forum...).
    pub action_kind: String,
    pub starts_at: DateTime<Utc>,
    /// Seats in the place and through the link (0: not held so).
    pub capacity_on_site: u32,
    pub capacity_remote: u32,
    pub job_seeker_id: i64,
    pub name: String,
    pub offer_title: Option<String>,
    /// proposed, relayed, accepted, declined, expired, cancelled
    pub state: String,
    pub deadline: DateTime<Utc>,
    /// The states the user may record now.
    pub moves: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInvitationRequest {
    /// relayed, accepted, declined (the person's agency), cancelled (the organisers)
    pub to: String,
    /// on_site or remote, for an acceptance (default: on site when the action is held in a
    /// place).
    pub modality: Option<String>,
}

fn bounded(value: Option<u16>, default: u16, path: &str) -> AppResult<u16> {
    match value {
        None => Ok(default),
        Some(n) if (1..=10).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::field(path, format!("{n}: from 1 to 10"))),
    }
}

/// Draws invitations for an action (its organisers): a campaign over its open offers, each
/// person invited once, nobody past the cap, the priority policy of each offer's territory
/// applied. The people go to their agencies, by pseudonym to the organisers.
#[utoipa::path(post, path = "/api/v1/actions/{id}/invitations", tag = "actions",
    params(("id" = i64, Path, description = "action id")), request_body = DrawRequest,
    responses((status = 201, body = DrawView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn draw_invitations(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<DrawRequest>,
) -> AppResult<(StatusCode, Json<DrawView>)> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let per_position = bounded(request.per_position, PER_POSITION, "/per_position")?;
    let cap = bounded(request.cap, CAP, "/cap")?;
    let now = state.now();
    let starts_at = action.action.gathering.starts_at;
    if action.state != ActionState::Published || starts_at <= now {
        return Err(ApiError::Conflict(
            "state: invitations are drawn for a published action that has not started".to_string(),
        ));
    }
    let deadline = match request.deadline {
        Some(deadline) if deadline <= now || deadline > starts_at => {
            return Err(ApiError::field(
                "/deadline",
                "after now, and no later than the action's start",
            ));
        }
        Some(deadline) => deadline,
        None => (now + Duration::days(ANSWER_DAYS))
            .min(starts_at - Duration::days(1))
            .max(now + Duration::hours(1))
            .min(starts_at),
    };
    let Drawn { people, report } = draw(&state, &action, per_position, cap, now).await?;
    let mut agency_of: HashMap<i64, i64> = HashMap::new();
    let mut new = Vec::with_capacity(people.len());
    for (person, offer) in people {
        let (_, agency) = job_seeker_and_agency(&state, person).await?;
        agency_of.insert(person, agency);
        new.push(model::NewInvitation {
            action_id: id,
            job_seeker_id: person,
            offer_id: Some(offer),
            agency_id: agency,
            deadline,
            created_by: Some(principal.user.id),
        });
    }
    let stored = state.store.create_invitations(&new, now).await?;
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for invitation in &stored {
        *counts.entry(invitation.invitation.agency_id).or_default() += 1;
    }
    let mut agencies = Vec::with_capacity(counts.len());
    for (structure_id, invitations) in counts {
        agencies.push(AgencyCount {
            structure_id,
            name: state
                .store
                .structure(structure_id)
                .await?
                .map(|s| s.record.name)
                .unwrap_or_default(),
            invitations,
        });
    }
    agencies.sort_by(|a, b| b.invitations.cmp(&a.invitations).then(a.name.cmp(&b.name)));
    let detail = json!({
        "invited": stored.len(), "offers": action.action.offers.len(),
        "per_position": per_position, "cap": cap, "campaign": report,
    });
    state
        .audit_one(principal.event("action.invite", "action", id, detail))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DrawView {
            invited: stored.len(),
            offers: action.action.offers.len(),
            agencies,
            deadline,
            campaign: report,
        }),
    ))
}

/// The report of an action's last draw, from the audit trail (which records each draw).
pub(crate) async fn last_draw(state: &AppState, action_id: i64) -> AppResult<Option<DrawReport>> {
    let query = model::AuditQuery {
        action: Some("action.invite".to_string()),
        subject_kind: Some("action".to_string()),
        subject_id: Some(action_id),
        ..model::AuditQuery::default()
    };
    let mut last = None;
    let mut after = 0;
    loop {
        let events = state.store.query_audit(&query, after, 200).await?;
        let Some(newest) = events.last() else {
            break;
        };
        after = newest.id;
        last = events.into_iter().next_back();
    }
    Ok(last.and_then(|e| serde_json::from_value(e.event.detail.get("campaign")?.clone()).ok()))
}

/// The campaign: (person, offer) for each person drawn, the best first, and its report.
async fn draw(
    state: &Arc<AppState>,
    action: &Action,
    per_position: u16,
    cap: u16,
    now: DateTime<Utc>,
) -> AppResult<Drawn> {
    let mut already: HashMap<i64, u16> = state
        .store
        .invitations_since(now - Duration::days(PERIOD_DAYS))
        .await?
        .into_iter()
        .map(|(person, n)| (person, u16::try_from(n).unwrap_or(u16::MAX)))
        .collect();
    // Those already invited to this action count as full: never drawn twice.
    for invitation in state.store.invitations_of_action(action.id).await? {
        already.insert(invitation.invitation.job_seeker_id, u16::MAX);
    }
    let policies = state
        .policies
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let offers = action.action.offers.clone();
    let today = now.date_naive();
    let worker = state.clone();
    // A campaign is CPU work: on the blocking pool.
    tokio::task::spawn_blocking(move || {
        let sourcing = worker.sourcing.read().unwrap_or_else(|e| e.into_inner());
        campaign(
            &sourcing,
            offers,
            today,
            per_position,
            cap,
            already,
            policies,
        )
    })
    .await
    .map_err(|err| ApiError::Internal(format!("campaign: {err}")))?
}

/// The campaign over the open ones of `offers` (each offer's list under its territory's
/// policy, nobody past `cap` with what they `already` received): (person, offer) for each
/// person drawn, for the offer where they score best, the best first, with the campaign's
/// report. What the API draws and `passerelle bench actions` times.
pub fn campaign(
    sourcing: &crate::Loaded,
    offers: Vec<i64>,
    today: NaiveDate,
    per_position: u16,
    cap: u16,
    already: HashMap<i64, u16>,
    policies: Vec<model::policy::PriorityPolicy>,
) -> AppResult<Drawn> {
    let open: Vec<i64> = offers
        .into_iter()
        .filter(|o| sourcing.offers.contains_key(o))
        .collect();
    if open.is_empty() {
        return Err(ApiError::Conflict(
            "offers: none of the action's offers is open: invitations are drawn over open offers"
                .to_string(),
        ));
    }
    let mut request = engine::CampaignRequest::new(open, today);
    request.per_position = per_position;
    request.capacity = cap;
    request.already = already;
    request.policies = Some(policies);
    // The proposals alone: no pass over every job seeker to measure them.
    request.measure = false;
    let outcome = sourcing
        .engine
        .campaign(&request)
        .map_err(|err| ApiError::Internal(format!("campaign: {err}")))?;
    let report = DrawReport {
        offers: outcome.offers,
        proposals: outcome.campaign.proposals,
        total_score: outcome.campaign.total_score,
        bound: outcome.bound,
        gap: outcome.gap,
        method: outcome.method.as_str().to_string(),
        offers_without_proposal: outcome.campaign.offers_without_proposal,
        people_proposed: outcome.campaign.people_proposed,
    };
    // One invitation per person, for the offer where they score best.
    let mut best: HashMap<i64, (f64, i64)> = HashMap::new();
    for p in outcome.proposals {
        let entry = best.entry(p.job_seeker_id).or_insert((p.score, p.offer_id));
        if p.score > entry.0 {
            *entry = (p.score, p.offer_id);
        }
    }
    let mut drawn: Vec<(i64, (f64, i64))> = best.into_iter().collect();
    drawn.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(&b.0)));
    Ok(Drawn {
        people: drawn
            .into_iter()
            .map(|(person, (_, offer))| (person, offer))
            .collect(),
        report,
    })
}

/// The invitations of an action, for its organisers: each person by pseudonym, named once
/// they accepted.
#[utoipa::path(get, path = "/api/v1/actions/{id}/invitations", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 200, body = Vec<OrganiserInvitationView>), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn action_invitations(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<OrganiserInvitationView>>> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let mut out = Vec::new();
    let mut named = Vec::new();
    for invitation in state.store.invitations_of_action(id).await? {
        let (seeker, agency) =
            job_seeker_and_agency(&state, invitation.invitation.job_seeker_id).await?;
        let accepted = invitation.state == InvitationState::Accepted;
        let name =
            name_if_readable(&state, &principal, &seeker, agency, accepted, &mut named).await;
        let seat = match invitation.registration_id {
            Some(r) => state
                .store
                .gathering_registration(r)
                .await?
                .map(|r| r.seat.to_string()),
            None => None,
        };
        out.push(OrganiserInvitationView {
            id: invitation.id,
            pseudonym: seeker.pseudonym.clone(),
            name,
            agency: state
                .store
                .structure(agency)
                .await?
                .map(|s| s.record.name)
                .unwrap_or_default(),
            offer_id: invitation.invitation.offer_id,
            state: invitation.state.to_string(),
            deadline: invitation.invitation.deadline,
            seat,
        });
    }
    audit_named(&state, &principal, &named, "action_invitations", id).await?;
    Ok(Json(out))
}

/// The moves the person's agency may record now.
fn agency_moves(invitation: &Invitation, now: DateTime<Utc>) -> Vec<String> {
    if invitation.invitation.deadline < now {
        return Vec::new();
    }
    [
        InvitationState::Relayed,
        InvitationState::Accepted,
        InvitationState::Declined,
    ]
    .into_iter()
    .filter(|to| {
        workflow::INVITATIONS
            .check(invitation.state, *to, Mover::PersonSide, None, None)
            .is_ok()
    })
    .map(|to| to.to_string())
    .collect()
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InvitationsQuery {
    /// SIRET of the France Travail agency (default: the user's only one).
    pub structure: Option<String>,
}

/// The invitations of an agency's job seekers, for their advisors: those to answer first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "actions", params(InvitationsQuery),
    responses((status = 200, body = Vec<AgencyInvitationView>), (status = 403, body = Problem)))]
pub(crate) async fn agency_invitations(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<InvitationsQuery>,
) -> AppResult<Json<Vec<AgencyInvitationView>>> {
    let (agency, _) = listing(
        &state,
        &principal,
        Resource::SeekerInvitations,
        Verb::Read,
        query.structure.as_deref(),
    )
    .await?;
    let now = state.now();
    let mut out = Vec::new();
    let mut actions: HashMap<i64, Action> = HashMap::new();
    let mut events = Vec::new();
    for invitation in state.store.invitations_of_agency(agency, 500).await? {
        let action_id = invitation.invitation.action_id;
        if let std::collections::hash_map::Entry::Vacant(entry) = actions.entry(action_id) {
            entry.insert(find(&state, action_id).await?);
        }
        let Some(action) = actions.get(&action_id) else {
            continue;
        };
        let Some(seeker) = state
            .store
            .job_seeker_by_id(invitation.invitation.job_seeker_id)
            .await?
        else {
            continue;
        };
        let offer_title = match invitation.invitation.offer_id {
            Some(offer) => state
                .store
                .offer_by_id(offer)
                .await?
                .map(|o| o.record.title),
            None => None,
        };
        events.push(principal.event(
            "job_seeker.read",
            "job_seeker",
            seeker.id,
            json!({ "through": "invitations", "invitation": invitation.id }),
        ));
        out.push(AgencyInvitationView {
            id: invitation.id,
            action_id,
            action_title: action.action.title.clone(),
            action_kind: action.action.kind.to_string(),
            starts_at: action.action.gathering.starts_at,
            capacity_on_site: action.action.gathering.capacity_on_site,
            capacity_remote: action.action.gathering.capacity_remote,
            job_seeker_id: seeker.id,
            name: format!("{} {}", seeker.record.first_name, seeker.record.last_name),
            offer_title,
            state: invitation.state.to_string(),
            deadline: invitation.invitation.deadline,
            moves: agency_moves(&invitation, now),
        });
    }
    audit(&state, events).await?;
    Ok(Json(out))
}

/// Records a person's answer (their agency: relayed, accepted — the person is registered —,
/// declined) or withdraws an invitation not answered yet (the organisers: cancelled).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/state", tag = "actions",
    params(("id" = i64, Path, description = "invitation id")), request_body = MoveInvitationRequest,
    responses((status = 204), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn move_invitation(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<MoveInvitationRequest>,
) -> AppResult<StatusCode> {
    let invitation = state
        .store
        .invitation(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("invitation {id}")))?;
    let action = find(&state, invitation.invitation.action_id).await?;
    let to = InvitationState::parse(request.to.trim())
        .filter(|s| *s != InvitationState::Proposed && *s != InvitationState::Expired)
        .ok_or_else(|| ApiError::field("/to", "relayed, accepted, declined or cancelled"))?;
    let by = if to == InvitationState::Cancelled {
        as_organiser(&principal, &action)?;
        Mover::Organiser
    } else {
        principal
            .grant(
                Resource::SeekerInvitations,
                Verb::Write,
                Some(invitation.invitation.agency_id),
            )
            .map_err(forbidden)?;
        Mover::PersonSide
    };
    let modality = answer_modality(&action, to, request.modality.as_deref())?;
    let moved = state
        .store
        .move_invitation(id, to, by, modality, state.now())
        .await?;
    let detail = json!({
        "invitation": id, "to": to.as_str(), "job_seeker": invitation.invitation.job_seeker_id,
        "registration": moved.registration_id,
    });
    state
        .audit_one(principal.event("action.invitation", "action", action.id, detail))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The way a person takes part in an action, as an answer asks it (`/modality`; by default on
/// site when the action is held there), refused for an acceptance the action has no seat of.
pub(crate) fn answer_modality(
    action: &Action,
    to: InvitationState,
    asked: Option<&str>,
) -> AppResult<Modality> {
    let held_on_site = action.action.gathering.capacity_on_site > 0;
    let modality = match asked.map(str::trim) {
        None | Some("") if held_on_site => Modality::OnSite,
        None | Some("") => Modality::Remote,
        Some(text) => Modality::parse(text)
            .ok_or_else(|| ApiError::field("/modality", "on_site or remote"))?,
    };
    if to == InvitationState::Accepted && action.action.gathering.capacity(modality) == 0 {
        return Err(ApiError::field(
            "/modality",
            "the action is not held this way",
        ));
    }
    Ok(modality)
}

/// Expires the invitations left unanswered past their deadline (the sweep, with the
/// referrals'); how many.
pub async fn expire_invitations(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let expired = state.store.expire_invitations(now).await?;
    if expired > 0 {
        state
            .audit_one(NewAuditEvent {
                actor: None,
                action: "invitation.expire".to_string(),
                subject_kind: "action_invitations".to_string(),
                subject_id: None,
                detail: json!({ "expired": expired }),
            })
            .await
            .map_err(|err| anyhow::anyhow!("{err:?}"))?;
    }
    Ok(expired)
}

/// Withdraws the invitations of a cancelled action still waiting for an answer.
pub(crate) async fn cancel_open(state: &AppState, action: i64) -> AppResult<usize> {
    let mut cancelled = 0;
    for invitation in state.store.invitations_of_action(action).await? {
        if matches!(
            invitation.state,
            InvitationState::Proposed | InvitationState::Relayed
        ) {
            state
                .store
                .move_invitation(
                    invitation.id,
                    InvitationState::Cancelled,
                    Mover::System,
                    Modality::OnSite,
                    state.now(),
                )
                .await?;
            cancelled += 1;
        }
    }
    Ok(cancelled)
}

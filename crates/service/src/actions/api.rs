//! Co-organised recruitment actions: a France Travail agency and one or more agencies prepare
//! one (a draft), link it to their offers (those at risk first) and occupations, publish it,
//! hold it and close it.

use crate::api::*;
use model::{Action, ActionKind, ActionState, PublicTag, StructureKind};

/// A structure, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StructureRef {
    pub id: i64,
    pub name: String,
}

/// An offer an action is for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionOfferView {
    pub id: i64,
    pub title: String,
    /// ROME 4.0 code.
    pub rome: String,
    /// INSEE code of the workplace's commune.
    pub commune: String,
    pub structure_id: i64,
    /// open, filled, cancelled, expired
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    pub id: i64,
    /// job_dating, forum, mrs, company_visit, occupation_discovery, workshop,
    /// collective_information
    pub kind: String,
    pub title: String,
    pub description: String,
    /// draft, published, held, closed, cancelled
    pub state: String,
    /// The France Travail agency that leads it.
    pub lead: StructureRef,
    /// The agencies that co-organise it.
    pub partners: Vec<StructureRef>,
    pub offers: Vec<ActionOfferView>,
    /// ROME 4.0 codes.
    pub romes: Vec<String>,
    /// INSEE code of the commune where it is held, with `address`.
    pub commune: Option<String>,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub prerequisites: Vec<String>,
    /// The action's own tags (open_to_disabled_workers, beginners_welcome,
    /// no_diploma_required, under_26, over_50): never anyone's status.
    pub public_tags: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Seats in the place and through the link (0: not held so).
    pub capacity_on_site: u32,
    pub capacity_remote: u32,
    /// A member of an organising structure who may manage it.
    pub organising: bool,
    /// The states the user may move it to now.
    pub moves: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionRequest {
    /// job_dating, forum, mrs, company_visit, occupation_discovery, workshop,
    /// collective_information
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The France Travail agency that leads it (default: the user's own, for an advisor).
    pub lead: Option<i64>,
    /// The agencies that co-organise it, 1 to 10 (default: the user's own, for an agency).
    #[serde(default)]
    pub partners: Vec<i64>,
    /// Offers of the organisers, open, up to 50.
    #[serde(default)]
    pub offers: Vec<i64>,
    /// ROME codes, up to 20 (default: the offers' occupations).
    #[serde(default)]
    pub romes: Vec<String>,
    /// INSEE code of the commune where it is held, in the region served.
    pub commune: Option<String>,
    pub address: Option<String>,
    pub online_link: Option<String>,
    pub starts_at: DateTime<Utc>,
    /// Default: two hours after the start.
    pub ends_at: Option<DateTime<Utc>>,
    /// Seats in the place (default 30 when held in a commune).
    pub capacity_on_site: Option<u32>,
    /// Seats through the link (default 50 with a link).
    pub capacity_remote: Option<u32>,
    /// Up to 10 lines (a licence, a level...).
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub public_tags: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveActionRequest {
    /// published, held, closed or cancelled
    pub to: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionsQuery {
    /// Only the actions of the user's own structures (default: false).
    pub mine: Option<bool>,
    /// Actions starting on this day or later (default: 90 days ago).
    pub since: Option<NaiveDate>,
}

/// The most offers, occupations, co-organisers and prerequisites of one action.
const MOST_OFFERS: usize = 50;
const MOST_ROMES: usize = 20;
const MOST_PARTNERS: usize = 10;
const MOST_PREREQUISITES: usize = 10;
/// The longest link of an action (its column's CHECK).
const LINK_CHARS: usize = 500;

/// The structure through which the user organises the action: one of theirs that leads or
/// co-organises it, where their role writes actions.
pub(crate) fn as_organiser(principal: &Principal, action: &Action) -> AppResult<i64> {
    principal
        .seats
        .iter()
        .map(|s| s.structure_id)
        .find(|s| {
            action.is_organised_by(*s)
                && principal
                    .grant(Resource::Actions, Verb::Write, Some(*s))
                    .is_ok()
        })
        .ok_or_else(|| {
            forbidden(
                "this action is organised by other structures: only its organisers manage it"
                    .to_string(),
            )
        })
}

/// Whether the user may read the action: a draft is its organisers' only.
fn readable(principal: &Principal, action: &Action) -> AppResult<()> {
    principal
        .grant(Resource::Actions, Verb::Read, None)
        .map_err(forbidden)?;
    if action.state == ActionState::Draft && as_organiser(principal, action).is_err() {
        return Err(forbidden(
            "this action is a draft of other structures: it is read once published".to_string(),
        ));
    }
    Ok(())
}

pub(crate) async fn structure_ref(state: &AppState, id: i64) -> AppResult<StructureRef> {
    Ok(StructureRef {
        id,
        name: structure_name(state, id).await?,
    })
}

pub(crate) async fn action_view(
    state: &AppState,
    principal: &Principal,
    action: &Action,
) -> AppResult<ActionView> {
    let organising = as_organiser(principal, action).is_ok();
    let gathering = &action.action.gathering;
    let moves = if organising {
        let closed = state
            .store
            .gathering(action.gathering_id)
            .await?
            .is_some_and(|g| g.attendance_closed_at.is_some());
        super::moves_open(action, closed, state.now())
            .into_iter()
            .map(|s| s.as_str().to_string())
            .collect()
    } else {
        Vec::new()
    };
    let mut partners = Vec::with_capacity(action.action.partners.len());
    for id in &action.action.partners {
        partners.push(structure_ref(state, *id).await?);
    }
    let mut offers = Vec::with_capacity(action.action.offers.len());
    for id in &action.action.offers {
        if let Some(offer) = state.store.offer_by_id(*id).await? {
            offers.push(ActionOfferView {
                id: offer.id,
                title: offer.record.title.clone(),
                rome: offer.record.rome.to_string(),
                commune: offer.record.commune.to_string(),
                structure_id: state
                    .structure_id(offer.record.structure_siret.as_str())
                    .await?
                    .unwrap_or_default(),
                status: offer.record.status.to_string(),
            });
        }
    }
    Ok(ActionView {
        id: action.id,
        kind: action.action.kind.to_string(),
        title: action.action.title.clone(),
        description: action.action.description.clone(),
        state: action.state.to_string(),
        lead: structure_ref(state, action.action.lead).await?,
        partners,
        offers,
        romes: action.action.romes.iter().map(|r| r.to_string()).collect(),
        commune: action.action.commune.as_ref().map(|c| c.to_string()),
        address: action.action.address.clone(),
        online_link: action.action.online_link.clone(),
        prerequisites: action.action.prerequisites.clone(),
        public_tags: action
            .action
            .public_tags
            .iter()
            .map(|t| t.to_string())
            .collect(),
        starts_at: gathering.starts_at,
        ends_at: gathering.ends_at,
        capacity_on_site: gathering.capacity_on_site,
        capacity_remote: gathering.capacity_remote,
        organising,
        moves,
        created_at: action.created_at,
        changed_at: action.changed_at,
    })
}

pub(crate) async fn find(state: &AppState, id: i64) -> AppResult<Action> {
    state
        .store
        .action(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("action {id}")))
}

/// The actions the user may read: every published one (held, closed or cancelled after), and
/// the drafts of their own structures; from a day, the soonest first.
#[utoipa::path(get, path = "/api/v1/actions", tag = "actions", params(ActionsQuery),
    responses((status = 200, body = Vec<ActionView>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn list_actions(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<ActionsQuery>,
) -> AppResult<Json<Vec<ActionView>>> {
    principal
        .grant(Resource::Actions, Verb::Read, None)
        .map_err(forbidden)?;
    let since = match query.since {
        Some(day) => {
            if let Some(problem) = date_field("?since", Some(day)) {
                return Err(ApiError::Invalid(vec![problem]));
            }
            day.and_time(chrono::NaiveTime::MIN).and_utc()
        }
        None => state.now() - Duration::days(90),
    };
    let mine = query.mine.unwrap_or(false);
    let mut out = Vec::new();
    for action in state.store.actions_from(since).await? {
        let organising = as_organiser(&principal, &action).is_ok();
        if (mine && !organising) || readable(&principal, &action).is_err() {
            continue;
        }
        out.push(action_view(&state, &principal, &action).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "actions",
    params(("id" = i64, Path, description = "action id")),
    responses((status = 200, body = ActionView), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn get_action(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<ActionView>> {
    let action = find(&state, id).await?;
    readable(&principal, &action)?;
    Ok(Json(action_view(&state, &principal, &action).await?))
}

/// The user's structures of a kind where their role writes actions.
fn writing_seats(
    principal: &Principal,
    structures: &[model::Structure],
    kind: StructureKind,
) -> Vec<i64> {
    principal
        .seats
        .iter()
        .map(|s| s.structure_id)
        .filter(|id| {
            structures
                .iter()
                .any(|s| s.id == *id && s.record.kind == kind)
                && principal
                    .grant(Resource::Actions, Verb::Write, Some(*id))
                    .is_ok()
        })
        .collect()
}

/// Prepares an action, a draft: led by a France Travail agency with one or more agencies, for
/// their offers and occupations, in a commune of the region or online. The user is a member
/// of one of its organisers.
#[utoipa::path(post, path = "/api/v1/actions", tag = "actions", request_body = NewActionRequest,
    responses((status = 201, body = ActionView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn create_action(
    State(state): St,
    principal: Principal,
    JsonBody(request): JsonBody<NewActionRequest>,
) -> AppResult<(StatusCode, Json<ActionView>)> {
    principal
        .grant(Resource::Actions, Verb::Write, None)
        .map_err(forbidden)?;
    let structures = state.store.structures().await?;
    let active = |id: i64, kind: StructureKind| {
        structures.iter().any(|s| {
            s.id == id && s.record.kind == kind && s.record.status == model::StructureStatus::Active
        })
    };
    let mut problems = Vec::new();
    let kind = ActionKind::parse(request.kind.trim());
    if kind.is_none() {
        problems.push(FieldProblem::new(
            "/kind",
            format!(
                "one of {}",
                ActionKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let title = request.title.trim().to_string();
    if !(3..=model::text::LINE_CHARS).contains(&title.chars().count()) {
        problems.push(FieldProblem::new("/title", "between 3 and 200 characters"));
    }
    let description = request.description.trim().to_string();
    problems.extend(
        [
            line_field("/title", Some(&title), model::text::LINE_CHARS),
            paragraph_field("/description", Some(&description), model::text::NOTE_CHARS),
        ]
        .into_iter()
        .flatten(),
    );
    // The lead: the one asked, or the user's own France Travail agency.
    let lead = match request.lead {
        Some(id) => Some(id),
        None => writing_seats(&principal, &structures, StructureKind::FranceTravail)
            .first()
            .copied(),
    };
    match lead {
        Some(id) if active(id, StructureKind::FranceTravail) => {}
        Some(id) => problems.push(FieldProblem::new(
            "/lead",
            format!("structure {id} is not an active France Travail agency"),
        )),
        None => problems.push(FieldProblem::new(
            "/lead",
            "the France Travail agency that leads the action",
        )),
    }
    let mut partners = if request.partners.is_empty() {
        writing_seats(&principal, &structures, StructureKind::AgenceEmploi)
    } else {
        request.partners.clone()
    };
    partners.sort_unstable();
    partners.dedup();
    if partners.is_empty() || partners.len() > MOST_PARTNERS {
        problems.push(FieldProblem::new(
            "/partners",
            format!("from 1 to {MOST_PARTNERS} agencies that co-organise it"),
        ));
    }
    for (i, id) in request.partners.iter().enumerate() {
        if !active(*id, StructureKind::AgenceEmploi) {
            problems.push(FieldProblem::new(
                format!("/partners/{i}"),
                format!("structure {id} is not an active agence d'emploi"),
            ));
        }
    }
    // The organisers as they may be: an active France Travail agency, active agencies.
    let organisers: Vec<i64> = lead
        .filter(|id| active(*id, StructureKind::FranceTravail))
        .into_iter()
        .chain(
            partners
                .iter()
                .copied()
                .filter(|id| active(*id, StructureKind::AgenceEmploi)),
        )
        .collect();
    // The user organises it through one of their structures.
    if !organisers.iter().any(|s| {
        principal
            .grant(Resource::Actions, Verb::Write, Some(*s))
            .is_ok()
    }) {
        return Err(forbidden(
            "an action is prepared by one of its organisers: make your structure its lead or \
             a co-organiser"
                .to_string(),
        ));
    }
    let mut offers = request.offers.clone();
    offers.sort_unstable();
    offers.dedup();
    if offers.len() > MOST_OFFERS {
        problems.push(FieldProblem::new(
            "/offers",
            format!("at most {MOST_OFFERS} offers"),
        ));
        offers.clear();
    }
    let mut romes: Vec<domain::RomeCode> = Vec::new();
    for (i, id) in request.offers.iter().enumerate().take(MOST_OFFERS) {
        let path = format!("/offers/{i}");
        let Some(offer) = state.store.offer_by_id(*id).await? else {
            problems.push(FieldProblem::new(path, format!("no offer has the id {id}")));
            continue;
        };
        let owner = state
            .structure_id(offer.record.structure_siret.as_str())
            .await?;
        // Each organiser brings its own offers: an action is never built on another
        // structure's offers by someone who does not manage them.
        let own = owner.is_some_and(|o| {
            organisers.contains(&o)
                && principal
                    .grant(Resource::Actions, Verb::Write, Some(o))
                    .is_ok()
        });
        if !own {
            problems.push(FieldProblem::new(
                path,
                format!("offer {id} is not one of your structure's offers"),
            ));
        } else if offer.record.status != model::OfferStatus::Open {
            problems.push(FieldProblem::new(path, format!("offer {id} is not open")));
        } else if request.romes.is_empty() {
            romes.push(offer.record.rome.clone());
        }
    }
    if request.romes.len() > MOST_ROMES {
        problems.push(FieldProblem::new(
            "/romes",
            format!("at most {MOST_ROMES} occupations"),
        ));
    }
    for (i, code) in request.romes.iter().enumerate().take(MOST_ROMES) {
        match domain::RomeCode::parse(code.trim()) {
            Ok(rome) => romes.push(rome),
            Err(err) => problems.push(FieldProblem::new(format!("/romes/{i}"), err.to_string())),
        }
    }
    romes.sort();
    romes.dedup();
    if romes.is_empty() && request.romes.is_empty() && offers.is_empty() {
        problems.push(FieldProblem::new(
            "/romes",
            "at least one occupation (a ROME code) or one offer",
        ));
    }
    let commune = match request.commune.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => match domain::InseeCode::parse(code) {
            Ok(insee)
                if refdata::geo().commune(insee.as_str()).is_some_and(|c| {
                    refdata::geo()
                        .department(c.department)
                        .is_some_and(|d| d.region == state.config.region)
                }) =>
            {
                Some(insee)
            }
            Ok(insee) => {
                problems.push(FieldProblem::new(
                    "/commune",
                    format!("{insee}: not a commune of the region served"),
                ));
                None
            }
            Err(err) => {
                problems.push(FieldProblem::new("/commune", err.to_string()));
                None
            }
        },
    };
    let address = request
        .address
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    problems.extend(line_field(
        "/address",
        address.as_deref(),
        model::text::PLACE_CHARS,
    ));
    if address.is_some() && commune.is_none() && request.commune.is_none() {
        problems.push(FieldProblem::new(
            "/commune",
            "an address is in a commune: give its code",
        ));
    }
    let prerequisites: Vec<String> = request
        .prerequisites
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if prerequisites.len() > MOST_PREREQUISITES {
        problems.push(FieldProblem::new(
            "/prerequisites",
            format!("at most {MOST_PREREQUISITES} prerequisites"),
        ));
    }
    for (i, p) in prerequisites.iter().enumerate() {
        problems.extend(line_field(
            &format!("/prerequisites/{i}"),
            Some(p),
            model::text::LINE_CHARS,
        ));
    }
    let mut public_tags = Vec::new();
    for (i, tag) in request.public_tags.iter().enumerate() {
        match PublicTag::parse(tag.trim()) {
            Some(tag) if !public_tags.contains(&tag) => public_tags.push(tag),
            Some(_) => {}
            None => problems.push(FieldProblem::new(
                format!("/public_tags/{i}"),
                format!(
                    "one of {}",
                    PublicTag::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
    let checked = gathering::check(
        gathering::Requested {
            what: "an action",
            starts_at: request.starts_at,
            ends_at: request.ends_at,
            on_site: commune.is_some(),
            online_link: request.online_link,
            capacity_on_site: request.capacity_on_site,
            capacity_remote: request.capacity_remote,
            default_seats: (30, 50),
        },
        state.now(),
        &mut problems,
    );
    // The schema keeps an action's link shorter than a meeting's.
    problems.extend(line_field(
        "/online_link",
        checked.online_link.as_deref(),
        LINK_CHARS,
    ));
    let (Some(kind), Some(lead), true) = (kind, lead, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    let action = state
        .store
        .create_action(
            &model::NewAction {
                kind,
                title,
                description,
                lead,
                partners,
                offers,
                romes,
                commune,
                address,
                online_link: checked.online_link,
                prerequisites,
                public_tags,
                gathering: checked.gathering,
                created_by: Some(principal.user.id),
            },
            state.now(),
        )
        .await?;
    let detail = json!({ "kind": action.action.kind.as_str(), "offers": action.action.offers });
    state
        .audit_one(principal.event("action.create", "action", action.id, detail))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(action_view(&state, &principal, &action).await?),
    ))
}

/// Moves an action (its organisers): publishes a draft before it starts, marks it held once
/// started, closes it once its attendance is, or cancels it.
#[utoipa::path(post, path = "/api/v1/actions/{id}/state", tag = "actions",
    params(("id" = i64, Path, description = "action id")), request_body = MoveActionRequest,
    responses((status = 200, body = ActionView), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn move_action(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<MoveActionRequest>,
) -> AppResult<Json<ActionView>> {
    let action = find(&state, id).await?;
    as_organiser(&principal, &action)?;
    let to = ActionState::parse(request.to.trim())
        .filter(|s| *s != ActionState::Draft)
        .ok_or_else(|| ApiError::field("/to", "published, held, closed or cancelled"))?;
    let moved = state
        .store
        .move_action(id, to, Mover::Organiser, state.now())
        .await?;
    // A cancelled action's unanswered invitations are withdrawn.
    let withdrawn = if to == ActionState::Cancelled {
        super::invitations::cancel_open(&state, id).await?
    } else {
        0
    };
    let detail =
        json!({ "from": action.state.as_str(), "to": to.as_str(), "withdrawn": withdrawn });
    state
        .audit_one(principal.event("action.move", "action", id, detail))
        .await?;
    Ok(Json(action_view(&state, &principal, &moved).await?))
}

/// An open offer a structure may link to an action, with its risk.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateOfferView {
    pub offer: ActionOfferView,
    /// At risk of not being filled, by the model in force (none without a model).
    pub at_risk: Option<bool>,
    /// The predicted share not filled by the horizon, in percent.
    pub not_filled_percent: Option<u32>,
}

/// The open offers of a structure the user organises actions for, those at risk first (then
/// by predicted share not filled, then by id): what an action may be linked to.
#[utoipa::path(get, path = "/api/v1/actions/offers", tag = "actions", params(StructureQuery),
    responses((status = 200, body = Vec<CandidateOfferView>), (status = 403, body = Problem)))]
pub(crate) async fn candidate_offers(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
) -> AppResult<Json<Vec<CandidateOfferView>>> {
    let (structure, _) = query
        .listing(&state, &principal, Resource::Actions, Verb::Write)
        .await?;
    let mut out = Vec::new();
    for offer in state.store.offers_of_structure(structure).await? {
        if offer.record.status != model::OfferStatus::Open {
            continue;
        }
        let risk = crate::difficulty::pages::risk(&state, offer.id).await;
        out.push(CandidateOfferView {
            offer: ActionOfferView {
                id: offer.id,
                title: offer.record.title.clone(),
                rome: offer.record.rome.to_string(),
                commune: offer.record.commune.to_string(),
                structure_id: structure,
                status: offer.record.status.to_string(),
            },
            at_risk: risk.map(|r| r.0),
            not_filled_percent: risk.map(|r| r.1),
        });
    }
    out.sort_by_key(|o| {
        (
            !o.at_risk.unwrap_or(false),
            std::cmp::Reverse(o.not_filled_percent.unwrap_or(0)),
            o.offer.id,
        )
    });
    Ok(Json(out))
}

/// A person's name as an organiser of an action may read it: once the person accepted the
/// action's invitation (`accepted`: `access::REVEALS`' invitation link, for every organiser,
/// the lead agency's advisors included), or as their own agency; the person is added to
/// `named`, the reads to audit.
pub(crate) async fn name_if_readable(
    state: &AppState,
    principal: &Principal,
    seeker: &model::JobSeeker,
    agency: i64,
    accepted: bool,
    named: &mut Vec<i64>,
) -> Option<String> {
    let fields = if accepted {
        Ok(Fields::Identity)
    } else {
        readable_fields(state, principal, seeker.id, agency).await
    };
    match fields {
        Ok(fields) if fields >= Fields::Identity => {
            named.push(seeker.id);
            Some(format!(
                "{} {}",
                seeker.record.first_name, seeker.record.last_name
            ))
        }
        _ => None,
    }
}

/// Writes the reads of the people `named` through an action's list to the audit trail.
pub(crate) async fn audit_named(
    state: &AppState,
    principal: &Principal,
    named: &[i64],
    through: &str,
    action: i64,
) -> AppResult<()> {
    let detail = json!({ "through": through, "action": action });
    audit_reads(state, principal, named.iter().copied(), detail).await
}

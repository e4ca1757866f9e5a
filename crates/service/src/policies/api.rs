//! Priority policies: which priority publics every shortlist of a territory protects, and how.
//! Read by every member of the partnership (the pages link to the policy in force); set by the
//! steering committee and the administrators, for the region or one of its departments, from
//! a day on (never in the past: which policy applied on which day stays true). Every change is
//! audited and kept.

use std::collections::BTreeMap;

use model::PriorityStatus;
use model::policy::{Floor, InForce, PolicyRecord, PolicyRule, PriorityPolicy, Territory};

use crate::api::*;

/// A priority policy: where it applies, what it protects and how, from when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyView {
    /// `None` for the default, never set.
    pub id: Option<i64>,
    /// `region`, or the department's code.
    pub territory: String,
    /// `fair` (FA*IR for one status) or `floors` (minimum shares for several).
    pub kind: String,
    /// FA*IR: the protected status.
    pub status: Option<String>,
    /// FA*IR: the target proportion.
    pub p: Option<f64>,
    /// FA*IR: the significance.
    pub alpha: Option<f64>,
    /// Floors: the minimum share of every prefix of the list, by status.
    pub floors: Option<BTreeMap<String, f64>>,
    /// The first day it applies; `None` for the default.
    pub effective_from: Option<NaiveDate>,
    /// Passerelle's default (the published shares), never set by a committee.
    pub default: bool,
}

impl PolicyView {
    fn of(
        id: Option<i64>,
        territory: Option<&Territory>,
        rule: &PolicyRule,
        from: Option<NaiveDate>,
    ) -> Self {
        let (kind, status, p, alpha, floors) = match rule {
            PolicyRule::Fair { status, p, alpha } => (
                "fair",
                Some(status.as_str().to_string()),
                Some(*p),
                Some(*alpha),
                None,
            ),
            PolicyRule::Floors { floors } => (
                "floors",
                None,
                None,
                None,
                Some(
                    floors
                        .iter()
                        .map(|f| (f.status.as_str().to_string(), f.share))
                        .collect(),
                ),
            ),
        };
        Self {
            id,
            territory: match territory {
                Some(Territory::Department(code)) => code.clone(),
                _ => "region".to_string(),
            },
            kind: kind.to_string(),
            status,
            p,
            alpha,
            floors,
            effective_from: from,
            default: id.is_none(),
        }
    }

    pub(crate) fn in_force(found: &InForce) -> Self {
        Self::of(
            found.id,
            found.territory.as_ref(),
            &found.rule,
            found.effective_from,
        )
    }
}

/// A policy as it was set: when, by whom, why.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyChangeView {
    #[serde(flatten)]
    pub policy: PolicyView,
    pub note: Option<String>,
    /// The account that set it.
    pub set_by: Option<i64>,
    pub set_at: DateTime<Utc>,
}

fn change_view(stored: &PriorityPolicy) -> PolicyChangeView {
    PolicyChangeView {
        policy: PolicyView::of(
            Some(stored.id),
            Some(&stored.record.territory),
            &stored.record.rule,
            Some(stored.record.effective_from),
        ),
        note: stored.record.note.clone(),
        set_by: stored.record.set_by,
        set_at: stored.set_at,
    }
}

/// The policies in force today and their history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoliciesView {
    /// The region's INSEE code.
    pub region: String,
    /// In force today: the region's first, then each department's (its own, or the region's).
    pub in_force: Vec<PolicyView>,
    /// Every policy ever set, newest first.
    pub history: Vec<PolicyChangeView>,
}

/// A policy to set.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// `region`, or the code of one of the region's departments (`93`).
    pub territory: String,
    /// `fair` (FA*IR for one status) or `floors` (minimum shares for several).
    pub kind: String,
    /// FA*IR: the protected status (`rqth`, `long_term`, `rsa`, `qpv`, `senior`,
    /// `young_unqualified`).
    #[serde(default)]
    pub status: Option<String>,
    /// FA*IR: the target proportion, strictly between 0 and 1.
    #[serde(default)]
    pub p: Option<f64>,
    /// FA*IR: the significance, strictly between 0 and 1 (0.1 is usual).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Floors: the minimum share by status, each in (0, 1], summing to at most 1.
    #[serde(default)]
    pub floors: Option<BTreeMap<String, f64>>,
    /// The first day it applies: today (the default) or later.
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// Why (the committee's decision); at most 2,000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

fn status_named(text: &str, field: &str) -> AppResult<PriorityStatus> {
    PriorityStatus::parse(text).ok_or_else(|| {
        let known: Vec<&str> = PriorityStatus::ALL.iter().map(|s| s.as_str()).collect();
        ApiError::field(
            field,
            format!("not a priority status: one of {}", known.join(", ")),
        )
    })
}

/// The record an input asks for, or every wrong field named (`/p`, `/floors/rqth`...).
pub(crate) fn parse_input(
    input: &PolicyInput,
    region: &str,
    today: NaiveDate,
    set_by: Option<i64>,
) -> AppResult<PolicyRecord> {
    let territory = match input.territory.trim() {
        "region" => Territory::Region(region.to_string()),
        code => match refdata::geo().department(code) {
            Some(d) if d.region == region => Territory::Department(d.code.to_string()),
            Some(_) => {
                return Err(ApiError::field(
                    "/territory",
                    format!("department {code} is not in the region ({region})"),
                ));
            }
            None => {
                return Err(ApiError::field(
                    "/territory",
                    "`region` or a department's code, such as 93",
                ));
            }
        },
    };
    let rule = match input.kind.as_str() {
        "fair" => {
            if input.floors.is_some() {
                return Err(ApiError::field(
                    "/floors",
                    "FA*IR takes status, p and alpha",
                ));
            }
            let status = status_named(
                input
                    .status
                    .as_deref()
                    .ok_or_else(|| ApiError::field("/status", "FA*IR protects one status"))?,
                "/status",
            )?;
            PolicyRule::Fair {
                status,
                p: input
                    .p
                    .ok_or_else(|| ApiError::field("/p", "the target proportion is needed"))?,
                alpha: input.alpha.unwrap_or(0.1),
            }
        }
        "floors" => {
            if input.status.is_some() || input.p.is_some() || input.alpha.is_some() {
                return Err(ApiError::field(
                    "/floors",
                    "minimum shares take floors only (status, p and alpha are FA*IR's)",
                ));
            }
            let given = input
                .floors
                .as_ref()
                .ok_or_else(|| ApiError::field("/floors", "a share for each status protected"))?;
            let mut floors = Vec::with_capacity(given.len());
            for (status, share) in given {
                floors.push(Floor {
                    status: status_named(status, &format!("/floors/{status}"))?,
                    share: *share,
                });
            }
            PolicyRule::Floors { floors }
        }
        _ => return Err(ApiError::field("/kind", "`fair` or `floors`")),
    };
    if let Some((field, reason)) = rule.problem() {
        // Floors are named by status, not by position, in the input.
        let field = match (&rule, field.strip_prefix("floors/")) {
            (PolicyRule::Floors { floors }, Some(rest)) => {
                let index: usize = rest
                    .split('/')
                    .next()
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(0);
                floors
                    .get(index)
                    .map_or("floors".to_string(), |f| format!("floors/{}", f.status))
            }
            _ => field,
        };
        return Err(ApiError::field(format!("/{field}"), reason));
    }
    let effective_from = input.effective_from.unwrap_or(today);
    if effective_from < today {
        return Err(ApiError::field(
            "/effective_from",
            "today or later: the policy that applied on a past day stays as it was",
        ));
    }
    if let Some(problem) = model::text::date_problem(effective_from) {
        return Err(ApiError::field("/effective_from", problem));
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(problem) =
        note.and_then(|n| model::text::paragraph_problem(n, model::text::NOTE_CHARS))
    {
        return Err(ApiError::field("/note", problem));
    }
    Ok(PolicyRecord {
        territory,
        rule,
        effective_from,
        note: note.map(str::to_string),
        set_by,
    })
}

/// The priority policies in force today, for the region and each of its departments, and
/// every policy ever set.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies",
    responses((status = 200, body = PoliciesView), (status = 403, body = Problem)))]
pub(crate) async fn list_policies(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<PoliciesView>> {
    principal
        .grant(Resource::Policies, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(policies_view(&state)))
}

pub(crate) fn policies_view(state: &AppState) -> PoliciesView {
    let today = state.now().date_naive();
    let region = state.config.region.clone();
    let policies = state.policies.read().unwrap_or_else(|e| e.into_inner());
    let mut departments: Vec<&str> = refdata::geo()
        .departments()
        .filter(|d| d.region == region)
        .map(|d| d.code)
        .collect();
    departments.sort_unstable();
    let mut in_force = vec![PolicyView::in_force(&model::policy::in_force(
        &policies, None, today,
    ))];
    for code in departments {
        let mut view = PolicyView::in_force(&model::policy::in_force(&policies, Some(code), today));
        // Each department is named, whether its own policy or the region's applies.
        view.territory = code.to_string();
        in_force.push(view);
    }
    let mut history: Vec<PolicyChangeView> = policies.iter().map(change_view).collect();
    history.reverse();
    PoliciesView {
        region,
        in_force,
        history,
    }
}

/// Sets a priority policy for the region or one of its departments, from a day on (today by
/// default). Shortlists already proposed are not changed.
#[utoipa::path(post, path = "/api/v1/policies", tag = "policies",
    request_body = PolicyInput,
    responses((status = 200, body = PolicyChangeView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn set_policy(
    State(state): St,
    principal: Principal,
    JsonBody(input): JsonBody<PolicyInput>,
) -> AppResult<Json<PolicyChangeView>> {
    Ok(Json(set(&state, &principal, &input).await?))
}

pub(crate) async fn set(
    state: &AppState,
    principal: &Principal,
    input: &PolicyInput,
) -> AppResult<PolicyChangeView> {
    principal
        .grant(Resource::Policies, Verb::Write, None)
        .map_err(forbidden)?;
    let now = state.now();
    let record = parse_input(
        input,
        &state.config.region,
        now.date_naive(),
        Some(principal.user.id),
    )?;
    let stored = state.store.add_priority_policy(&record, now).await?;
    state
        .policies
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .push(stored.clone());
    let detail = json!({
        "territory": record.territory.code(),
        "scope": record.territory.scope(),
        "rule": record.rule.describe(),
        "effective_from": record.effective_from,
    });
    state
        .audit_one(principal.event("policy.set", "priority_policy", stored.id, detail))
        .await?;
    Ok(change_view(&stored))
}

/// A policy to try, as query parameters: the fields of [`PolicyInput`], the floors written
/// `rqth=0.1,qpv=0.2`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimulationQuery {
    /// `region`, or one of the region's departments.
    pub territory: String,
    /// `fair` or `floors`.
    pub kind: String,
    pub status: Option<String>,
    pub p: Option<f64>,
    pub alpha: Option<f64>,
    /// `rqth=0.1,qpv=0.2`.
    pub floors: Option<String>,
}

/// One priority public under the policy in force and under the one tried.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedShare {
    pub status: String,
    /// Its share of the people eligible for the offers measured.
    pub pool: f64,
    /// Its share of the people the policy in force chooses.
    pub in_force: f64,
    /// Its share of the people the policy tried would choose.
    pub tried: f64,
}

/// What a policy would change, over the newest open offers of a territory: aggregates only.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationView {
    pub territory: String,
    /// Open offers measured (the newest, at most 300).
    pub offers: usize,
    pub in_force: PolicyView,
    pub tried: PolicyView,
    pub shares: Vec<SimulatedShare>,
    /// Mean score of the people chosen, under each policy: what merit gives up.
    pub mean_score_in_force: f64,
    pub mean_score_tried: f64,
}

/// The most open offers a simulation measures.
const SIMULATED_OFFERS: usize = 300;

/// What if: the shares of each priority public in the served shortlists of a territory's
/// newest open offers under the policy in force and under another, beside their shares in the
/// eligible pool, and the mean score each gives up. For the steering committee and the
/// administrators; aggregates only, never a list.
#[utoipa::path(get, path = "/api/v1/policies/simulation", tag = "policies",
    params(SimulationQuery),
    responses((status = 200, body = SimulationView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn simulate_policy(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<SimulationQuery>,
) -> AppResult<Json<SimulationView>> {
    Ok(Json(simulate(&state, &principal, &query).await?))
}

pub(crate) async fn simulate(
    state: &Arc<AppState>,
    principal: &Principal,
    query: &SimulationQuery,
) -> AppResult<SimulationView> {
    principal
        .grant(Resource::Policies, Verb::Write, None)
        .map_err(forbidden)?;
    let mut floors = None;
    if let Some(text) = query.floors.as_deref() {
        if text.chars().count() > 200 {
            return Err(ApiError::field("?floors", "at most 200 characters"));
        }
        let mut map = BTreeMap::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((status, share)) = part.split_once('=') else {
                return Err(ApiError::field(
                    "?floors",
                    "STATUS=SHARE,... such as rqth=0.1,qpv=0.2",
                ));
            };
            let share: f64 = share
                .trim()
                .parse()
                .map_err(|_| ApiError::field("?floors", format!("{status}: not a number")))?;
            if map.insert(status.trim().to_string(), share).is_some() {
                return Err(ApiError::field(
                    "?floors",
                    format!("{}: given twice", status.trim()),
                ));
            }
        }
        floors = Some(map);
    }
    let input = PolicyInput {
        territory: query.territory.clone(),
        kind: query.kind.clone(),
        status: query.status.clone(),
        p: query.p,
        alpha: query.alpha,
        floors,
        effective_from: None,
        note: None,
    };
    let today = state.now().date_naive();
    let record =
        parse_input(&input, &state.config.region, today, None).map_err(|err| match err {
            // The body's pointers become the query's parameters.
            ApiError::Invalid(problems) => ApiError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldProblem {
                        path: format!(
                            "?{}",
                            p.path
                                .trim_start_matches('/')
                                .split('/')
                                .next()
                                .unwrap_or("")
                        ),
                        message: p.message,
                    })
                    .collect(),
            ),
            other => other,
        })?;
    let k = crate::offers::api::SHORTLIST_LENGTH;
    let tried = engine::Policy::from_rule(&record.rule, k)
        .map_err(|reason| ApiError::field("?kind", reason))?;
    let department = match &record.territory {
        Territory::Department(code) => Some(code.clone()),
        Territory::Region(_) => None,
    };
    let worker = state.clone();
    let tried_rule = record.rule.clone();
    tokio::task::spawn_blocking(move || {
        let sourcing = worker.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let mut ids = sourcing.engine.open_offers(department.as_deref());
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(SIMULATED_OFFERS);
        let in_force_here = {
            let policies = worker.policies.read().unwrap_or_else(|e| e.into_inner());
            model::policy::in_force(&policies, department.as_deref(), today)
        };
        let (mut pool, mut eligible) = ([0u64; 6], 0u64);
        let (mut now_held, mut now_count, mut now_score) = ([0u64; 6], 0u64, 0.0f64);
        let (mut try_held, mut try_count, mut try_score) = ([0u64; 6], 0u64, 0.0f64);
        for id in &ids {
            let offer_department = sourcing.engine.offer_department(*id);
            let Ok((_, current)) = worker.policy_for(offer_department, today, k) else {
                continue;
            };
            for (policy, held, count, score, measure) in [
                (
                    &current,
                    &mut now_held,
                    &mut now_count,
                    &mut now_score,
                    true,
                ),
                (&tried, &mut try_held, &mut try_count, &mut try_score, false),
            ] {
                let Ok(list) = sourcing.engine.shortlist(
                    *id,
                    &ShortlistRequest {
                        k,
                        today,
                        policy: Some(policy),
                        exposure: measure,
                    },
                ) else {
                    continue;
                };
                for (slot, n) in held.iter_mut().zip(list.holders(&sourcing.engine)) {
                    *slot += n;
                }
                *count += list.entries.len() as u64;
                *score += list.entries.iter().map(|e| e.score).sum::<f64>();
                if let Some(exposure) = &list.exposure {
                    eligible += exposure.pool as u64;
                    for s in &exposure.statuses {
                        if let Some(i) = PriorityStatus::ALL.iter().position(|x| *x == s.status)
                            && let Some(slot) = pool.get_mut(i)
                        {
                            *slot += s.in_pool as u64;
                        }
                    }
                }
            }
        }
        let share = |part: u64, whole: u64| {
            if whole == 0 {
                0.0
            } else {
                part as f64 / whole as f64
            }
        };
        let shares = PriorityStatus::ALL
            .iter()
            .enumerate()
            .map(|(i, status)| {
                let at = |a: &[u64; 6]| a.get(i).copied().unwrap_or(0);
                SimulatedShare {
                    status: status.as_str().to_string(),
                    pool: share(at(&pool), eligible),
                    in_force: share(at(&now_held), now_count),
                    tried: share(at(&try_held), try_count),
                }
            })
            .collect();
        SimulationView {
            territory: department.clone().unwrap_or_else(|| "region".to_string()),
            offers: ids.len(),
            in_force: PolicyView::in_force(&in_force_here),
            tried: PolicyView {
                default: false,
                ..PolicyView::of(None, Some(&record.territory), &tried_rule, None)
            },
            shares,
            mean_score_in_force: if now_count == 0 {
                0.0
            } else {
                now_score / now_count as f64
            },
            mean_score_tried: if try_count == 0 {
                0.0
            } else {
                try_score / try_count as f64
            },
        }
    })
    .await
    .map_err(|err| ApiError::Internal(format!("simulating a policy: {err}")))
}

//! The steering committee's figures on the training plans over HTTP: the region's plans of
//! a period counted (`super::count`), every count under twenty withheld, and the breaches of
//! the schemes' obligations (no person named).

use std::collections::HashMap;

use super::Counts;
use crate::actions::api::structure_ref;
use crate::api::*;
use model::training_plans::TrainingPlan;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanCountsQuery {
    /// The first day of the plans proposed (default: a year before `to`).
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    pub to: Option<NaiveDate>,
}

/// A count, withheld (null) under `secret_below`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeCountView {
    pub scheme: String,
    pub label: String,
    pub entries: Option<u64>,
}

/// A plan whose scheme's contract did not follow.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreachView {
    pub plan_id: i64,
    pub scheme: String,
    /// The offer's structure, which was to hire.
    pub structure: String,
    /// The version of the scheme broken.
    pub rule: String,
    pub reason: String,
}

/// The region's plans proposed in a period: counts withheld (null) under `secret_below`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanCountsView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub secret_below: u64,
    pub proposed: Option<u64>,
    /// Entries in training (under way, completed, hired, or abandoned after their start).
    pub entries: Option<u64>,
    pub entries_by_scheme: Vec<SchemeCountView>,
    pub completed: Option<u64>,
    pub hired: Option<u64>,
    pub abandoned: Option<u64>,
    /// In a job of at least a month (or open-ended) starting within six months of the
    /// training's end.
    pub employed_at_six_months: Option<u64>,
    pub breaches: Vec<BreachView>,
}

/// A count as shown: withheld under `tension::SECRET_BELOW`.
fn shown(n: u64) -> Option<u64> {
    (n >= crate::tension::SECRET_BELOW).then_some(n)
}

/// The region's plans proposed in a period, for the steering committee: entries in training
/// by scheme, completed, hired, abandoned, in a job six months after, every count under
/// twenty withheld; and the breaches of the schemes' obligations, each plan by its id, its
/// scheme, the offer's structure and the rule broken (no person named).
#[utoipa::path(get, path = "/api/v1/training-plans/counts", tag = "training plans",
    params(PlanCountsQuery),
    responses((status = 200, body = PlanCountsView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn plan_counts(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<PlanCountsQuery>,
) -> AppResult<Json<PlanCountsView>> {
    let grant = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .map_err(forbidden)?;
    if grant.rule.reach != Reach::Any {
        return Err(forbidden(
            "the region's training plans are counted for the steering committee and the \
             administrators"
                .to_string(),
        ));
    }
    let today = state.now().date_naive();
    let to = query.to.unwrap_or(today);
    let from = query
        .from
        .or_else(|| to.checked_sub_days(chrono::Days::new(365)))
        .unwrap_or(to);
    let mut problems: Vec<FieldProblem> = date_field("?from", Some(from))
        .into_iter()
        .chain(date_field("?to", Some(to)))
        .collect();
    if from > to {
        problems.push(FieldProblem::new("?to", "on or after ?from"));
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let since = from
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| ApiError::field("?from", "a day"))?;
    let plans: Vec<TrainingPlan> = state
        .store
        .training_plans_since(since)
        .await?
        .into_iter()
        .filter(|p| p.proposed_at.date_naive() <= to)
        .collect();
    let counts: Counts = super::count(&plans, today);
    let mut structures: HashMap<i64, String> = HashMap::new();
    let mut breaches = Vec::with_capacity(counts.breaches.len());
    for b in &counts.breaches {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            structures.entry(b.offer_structure_id)
        {
            slot.insert(structure_ref(&state, b.offer_structure_id).await?.name);
        }
        breaches.push(BreachView {
            plan_id: b.plan_id,
            scheme: b.scheme.to_string(),
            structure: structures
                .get(&b.offer_structure_id)
                .cloned()
                .unwrap_or_default(),
            rule: b.rule.to_string(),
            reason: b.reason.clone(),
        });
    }
    Ok(Json(PlanCountsView {
        from,
        to,
        secret_below: crate::tension::SECRET_BELOW,
        proposed: shown(counts.proposed),
        entries: shown(counts.entries),
        entries_by_scheme: counts
            .entries_by_scheme
            .iter()
            .map(|(scheme, n)| SchemeCountView {
                scheme: scheme.to_string(),
                label: scheme.label().to_string(),
                entries: shown(*n),
            })
            .collect(),
        completed: shown(counts.completed),
        hired: shown(counts.hired),
        abandoned: shown(counts.abandoned),
        employed_at_six_months: shown(counts.employed_six_months),
        breaches,
    }))
}

//! The steering committee's figures on the duos over HTTP: the counts of the last twelve
//! months and the pilot's evaluation (`super::evaluation`), aggregates only.

use super::evaluation::{EvaluationView, evaluate};
use crate::api::*;

/// The region's duos of the last twelve months, for the steering committee: counts only.
#[utoipa::path(get, path = "/api/v1/duos/counts", tag = "duos",
    responses((status = 200, body = inline(serde_json::Value)), (status = 403, body = Problem)))]
pub(crate) async fn duo_counts(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<store::DuoCounts>> {
    let grant = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .map_err(forbidden)?;
    if grant.rule.reach != Reach::Any {
        return Err(forbidden(
            "the region's duo counts are the steering committee's and the administrators'"
                .to_string(),
        ));
    }
    let now = state.now();
    let counts = state
        .store
        .duo_counts(
            now - Duration::days(365),
            now + Duration::days(1),
            now.date_naive(),
        )
        .await?;
    Ok(Json(counts))
}

/// Whether the duos' participants were hired more often than comparable people who had
/// none, and the lottery's winners than its losers: rates, differences and their 95 %
/// intervals, withheld under twenty people. Computed once a day (it reads the whole
/// region's job seekers), at its first read.
#[utoipa::path(get, path = "/api/v1/duos/evaluation", tag = "duos",
    responses((status = 200, body = EvaluationView), (status = 403, body = Problem)))]
pub(crate) async fn duo_evaluation(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<EvaluationView>> {
    let grant = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .map_err(forbidden)?;
    if grant.rule.reach != Reach::Any {
        return Err(forbidden(
            "the pilot's evaluation is the steering committee's and the administrators'"
                .to_string(),
        ));
    }
    let today = state.now().date_naive();
    let cached = state
        .duo_evaluation
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .filter(|(day, _)| *day == today);
    let view = match cached {
        Some((_, view)) => view,
        None => {
            let view = Arc::new(evaluate(state.store.as_ref(), today).await?);
            *state
                .duo_evaluation
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some((today, view.clone()));
            view
        }
    };
    Ok(Json(view.as_ref().clone()))
}

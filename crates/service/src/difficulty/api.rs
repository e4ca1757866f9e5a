//! An open offer's predicted difficulty, with its factors and reasons: read by whoever may read
//! the offer.

use super::Assessment;
use crate::api::*;

/// An offer's difficulty as the model in force predicts it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DifficultyView {
    /// The model's version (its id in the store) and when it was trained.
    pub model_version: i64,
    pub trained_at: chrono::DateTime<chrono::Utc>,
    #[serde(flatten)]
    pub assessment: Assessment,
}

/// How likely an open offer is not to be filled by 30, 47 and 90 days of its publication
/// (knowing it is still open), when it will likely be filled, each factor's part and the top
/// reasons in French. The prediction is Passerelle's own, distinct from the flag the offer
/// declares and from the official tension of its occupation.
#[utoipa::path(get, path = "/api/v1/offers/{id}/difficulty", tag = "offers",
    params(("id" = i64, Path, description = "offer id")),
    responses((status = 200, body = DifficultyView), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem,
               description = "The offer is not open, or no model is trained yet")))]
pub(crate) async fn offer_difficulty(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<DifficultyView>> {
    let (offer, owner) = offer_and_owner(&state, id).await?;
    principal
        .grant(Resource::Offers, Verb::Read, Some(owner))
        .map_err(forbidden)?;
    if offer.record.status != model::OfferStatus::Open {
        return Err(ApiError::Conflict(format!(
            "offer {id} is {}: it has an outcome, not a prediction",
            offer.record.status
        )));
    }
    Ok(Json(assess(&state, id).await?.ok_or_else(|| {
        ApiError::Conflict(
            "no difficulty model is trained yet: run `passerelle difficulty train`".to_string(),
        )
    })?))
}

/// The assessment of an offer by the model in force, if one is trained.
pub(crate) async fn assess(state: &AppState, id: i64) -> AppResult<Option<DifficultyView>> {
    let Some(loaded) = state.difficulty_model().await? else {
        return Ok(None);
    };
    let history = state
        .store
        .offer_history(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("offer {id}")))?;
    let assessment = loaded
        .trained
        .assess(&history, state.now())
        .ok_or_else(|| {
            ApiError::Internal(format!(
                "difficulty model {} could not assess offer {id}",
                loaded.id
            ))
        })?;
    Ok(Some(DifficultyView {
        model_version: loaded.id,
        trained_at: loaded.trained_at,
        assessment,
    }))
}

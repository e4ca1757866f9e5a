//! Aggregated indicators through the API: no nominative data.

use crate::api::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentFigures {
    pub department: String,
    pub open_offers: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Indicators {
    /// Open offers in the engine, by department of the workplace.
    pub departments: Vec<DepartmentFigures>,
    /// Referrals by state (of the manager's agency, or all).
    pub referrals: std::collections::BTreeMap<String, u64>,
}

/// Aggregated figures, no nominative data: open offers by department and referrals by state.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(StructureQuery),
    responses((status = 200, body = Indicators), (status = 403, body = Problem)))]
pub(crate) async fn indicators(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
) -> AppResult<Json<Indicators>> {
    let any = principal
        .grants(Resource::Indicators, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == Reach::Any);
    let scope = if any && query.structure.is_none() {
        ReferralScope::All
    } else {
        let (id, _) = listing(
            &state,
            &principal,
            Resource::Indicators,
            Verb::Read,
            query.structure.as_deref(),
        )
        .await?;
        ReferralScope::OfferOwner(id)
    };
    let departments = {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for id in sourcing.engine.open_offers(None) {
            if let Some(d) = sourcing.engine.offer_department(id) {
                *counts.entry(d.to_string()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(department, open_offers)| DepartmentFigures {
                department,
                open_offers,
            })
            .collect()
    };
    let mut referrals = std::collections::BTreeMap::new();
    for tally in state.store.referral_tallies(scope).await? {
        *referrals.entry(tally.state).or_insert(0u64) += tally.count;
    }
    Ok(Json(Indicators {
        departments,
        referrals,
    }))
}

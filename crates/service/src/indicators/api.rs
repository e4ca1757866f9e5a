//! Aggregated indicators through the API: no nominative data. The same tallies as the
//! steering page (`indicators::tallies`), so that both give the same figures.

use crate::api::*;
use crate::indicators::Figures;

/// One month's figures of a department.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentFigures {
    pub department: String,
    /// Offers open now, by the department of their workplace.
    pub open_offers: u64,
    /// Offers published, shortlists served (and the candidates they showed), referrals
    /// proposed and hires, in each of the last six months, oldest first.
    pub months: Vec<MonthFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Indicators {
    /// The region, or the structure the figures are about.
    pub scope: String,
    pub departments: Vec<DepartmentFigures>,
    /// Referrals by state (of the manager's agency, or all).
    pub referrals: std::collections::BTreeMap<String, u64>,
}

/// Aggregated figures, no nominative data: by department, the open offers and six months of
/// offers, shortlists, referrals and hires; referrals by state. The steering page shows these.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(StructureQuery),
    responses((status = 200, body = Indicators), (status = 403, body = Problem)))]
pub(crate) async fn indicators(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<StructureQuery>,
) -> AppResult<Json<Indicators>> {
    let tallies =
        crate::indicators::tallies(&state, &principal, query.structure.as_deref()).await?;
    let mut codes: std::collections::BTreeSet<&String> = tallies.by.keys().collect();
    codes.extend(tallies.open_by.keys());
    let departments = codes
        .into_iter()
        .map(|code| DepartmentFigures {
            department: code.clone(),
            open_offers: tallies.open_by.get(code).copied().unwrap_or(0),
            months: tallies
                .months
                .iter()
                .map(|month| MonthFigures {
                    month: month.clone(),
                    figures: tallies
                        .by
                        .get(code)
                        .and_then(|m| m.get(month))
                        .copied()
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(Indicators {
        scope: tallies.scope_label,
        departments,
        referrals: tallies.referrals_by_state,
    }))
}

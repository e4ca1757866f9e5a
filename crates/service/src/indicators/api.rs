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

use crate::indicators::report::{self, AskedQuery};
use crate::indicators::tables::{Cell, Column, Compared, Line};
use model::indicators::Indicator;

/// An indicator of the registry, as the glossary defines it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub id: &'static str,
    /// `network`, `sourcing`, `shortage` or `reconversion`.
    pub axis: &'static str,
    pub axis_label: &'static str,
    pub label: &'static str,
    pub definition: &'static str,
    /// The formula in words.
    pub formula: &'static str,
    /// `count`, `share` (between 0 and 1) or `days` (a median).
    pub unit: &'static str,
    /// What it may be cut by: `department`, `month`, `quarter`, `year`.
    pub dimensions: Vec<&'static str>,
    pub source: &'static str,
    /// Counts under it are withheld, with whatever would let them be recomputed.
    pub threshold: u64,
}

impl From<&Indicator> for IndicatorView {
    fn from(i: &Indicator) -> Self {
        IndicatorView {
            id: i.id,
            axis: i.axis.as_str(),
            axis_label: i.axis.label(),
            label: i.label,
            definition: i.definition,
            formula: i.formula_text,
            unit: i.unit().as_str(),
            dimensions: i.dimensions().iter().map(|d| d.as_str()).collect(),
            source: i.source,
            threshold: i.threshold,
        }
    }
}

/// The registry of the steering committee's indicators: what each one counts, how, by what
/// it may be cut, its source and its secrecy threshold.
/// A route that takes no query: any key is refused with a 422 naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

#[utoipa::path(get, path = "/api/v1/steering/indicators", tag = "indicators",
    responses((status = 200, body = Vec<IndicatorView>), (status = 403, body = Problem)))]
pub(crate) async fn registry(
    principal: Principal,
    QueryParams(_): QueryParams<NoQuery>,
) -> AppResult<Json<Vec<IndicatorView>>> {
    principal
        .grant(Resource::Indicators, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(
        model::indicators::REGISTRY
            .iter()
            .map(IndicatorView::from)
            .collect(),
    ))
}

/// One indicator over a period, by department and time step, under statistical secrecy.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorTableView {
    pub indicator: IndicatorView,
    /// As asked: `2026-Q3`, `2026-07` or `2026`.
    pub period: String,
    pub period_label: String,
    /// The time step of the columns.
    pub by: &'static str,
    /// The department asked, if any: the comparison is its own.
    pub department: Option<String>,
    /// No event was counted in the period: its figures are nothing, not zeros.
    pub empty: bool,
    /// Counts withheld in the table (under the threshold, or to protect one that is).
    pub withheld: usize,
    pub columns: Vec<Column>,
    /// The departments, then the region (`key` = `region`).
    pub lines: Vec<Line>,
    /// The total over the period (the department's, or the region's) with the period before
    /// and the same period a year before.
    pub compared: Compared,
}

/// One indicator of the registry over a period, by department and by month, quarter or year,
/// compared with the period before and the same period a year before. Counts under the
/// indicator's threshold are withheld, and so are the cells that would let them be
/// recomputed; a share is withheld with its numerator or its denominator.
#[utoipa::path(get, path = "/api/v1/steering/indicators/{id}", tag = "indicators",
    params(("id" = String, Path, description = "The indicator's id in the registry"), AskedQuery),
    responses((status = 200, body = IndicatorTableView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn indicator_table(
    State(state): St,
    principal: Principal,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<AskedQuery>,
) -> AppResult<Json<IndicatorTableView>> {
    report::require_region(&principal)?;
    let indicator = report::indicator(&id)?;
    let asked = query.read(state.now().date_naive())?;
    let mut report = report::report(
        state.store.as_ref(),
        &state.config.region,
        &[indicator],
        &asked,
        state.now(),
    )
    .await?;
    let figure = report
        .figures
        .pop()
        .ok_or_else(|| ApiError::Internal("the report has no figure".to_string()))?;
    let table = figure.table;
    Ok(Json(IndicatorTableView {
        indicator: IndicatorView::from(indicator),
        period: asked.period.to_string(),
        period_label: asked.period.label(),
        by: asked.step.as_str(),
        department: asked.department,
        empty: table.empty,
        withheld: table.withheld,
        columns: table.columns,
        lines: table.lines,
        compared: figure.compared,
    }))
}

/// One indicator's headline in a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeadlineView {
    pub indicator: IndicatorView,
    pub empty: bool,
    pub compared: Compared,
    /// Each department's total over the period (withheld under secrecy as in the table).
    pub departments: Vec<DepartmentCell>,
    /// The figure of the region (or the department asked) over the periods leading to this
    /// one, oldest first: thirteen months to a month, five quarters to a quarter, eight
    /// quarters to a year.
    pub trend: Vec<TrendPoint>,
}

/// One period of a trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendPoint {
    /// `2026-Q3`, `2026-07`.
    pub period: String,
    pub label: String,
    pub cell: Cell,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentCell {
    pub department: String,
    pub cell: Cell,
}

/// Every indicator of the registry over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub period: String,
    pub period_label: String,
    pub department: Option<String>,
    pub computed_at: DateTime<Utc>,
    pub figures: Vec<HeadlineView>,
}

/// Every indicator of the registry over `asked`, for the region, computed now.
async fn whole_report(state: &AppState, asked: &report::Asked) -> AppResult<report::Report> {
    report::report(
        state.store.as_ref(),
        &state.config.region,
        &report::all(),
        asked,
        state.now(),
    )
    .await
}

/// The committee's report: every indicator of the registry over a period (default: the
/// last quarter over), for the region or a department, each compared with the period before
/// and the same period a year before, with each department's total.
#[utoipa::path(get, path = "/api/v1/steering/report", tag = "indicators", params(AskedQuery),
    responses((status = 200, body = ReportView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn steering_report(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<AskedQuery>,
) -> AppResult<Json<ReportView>> {
    report::require_region(&principal)?;
    let asked = query.read(state.now().date_naive())?;
    let report = whole_report(&state, &asked).await?;
    Ok(Json(ReportView {
        period: asked.period.to_string(),
        period_label: asked.period.label(),
        department: asked.department,
        computed_at: report.at,
        figures: report
            .figures
            .into_iter()
            .map(|f| HeadlineView {
                indicator: IndicatorView::from(f.table.indicator),
                empty: f.table.empty,
                compared: f.compared,
                departments: f
                    .table
                    .lines
                    .iter()
                    .filter(|l| l.key != crate::indicators::tables::REGION)
                    .map(|l| DepartmentCell {
                        department: l.key.clone(),
                        cell: l.total,
                    })
                    .collect(),
                trend: f
                    .trend
                    .into_iter()
                    .map(|(p, cell)| TrendPoint {
                        period: p.to_string(),
                        label: p.label(),
                        cell,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// The report as a file: its period, time step and department, and the format.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// As in `/api/v1/steering/report`.
    pub period: Option<String>,
    pub by: Option<String>,
    pub department: Option<String>,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

impl ExportQuery {
    pub(crate) fn from_page(
        query: crate::indicators::report_pages::ReportPageQuery,
        format: &str,
    ) -> Self {
        ExportQuery {
            period: query.period,
            by: query.by,
            department: query.department,
            format: Some(format.to_string()),
        }
    }
}

/// The report as a spreadsheet (a summary sheet with the filters, the export's date and the
/// sources, one sheet per indicator, the definitions) or as CSV (one line per figure).
/// Withheld figures are written `secret` (XLSX) or with the state `withheld` and no value
/// (CSV).
#[utoipa::path(get, path = "/api/v1/steering/export", tag = "indicators", params(ExportQuery),
    responses(
        (status = 200, description = "The report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 200, description = "The report as CSV", content_type = "text/csv"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn export(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<ExportQuery>,
) -> AppResult<Response> {
    report::require_region(&principal)?;
    let csv = match query.format.as_deref() {
        None | Some("") | Some("xlsx") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::field(
                "?format",
                format!(
                    "{:?} is not a format: expected xlsx or csv",
                    other.chars().take(20).collect::<String>()
                ),
            ));
        }
    };
    let asked = AskedQuery {
        period: query.period,
        by: query.by,
        department: query.department,
    }
    .read(state.now().date_naive())?;
    let report = whole_report(&state, &asked).await?;
    let name = format!(
        "passerelle-pilotage-{}{}",
        asked.period,
        asked
            .department
            .as_deref()
            .map(|d| format!("-{d}"))
            .unwrap_or_default()
    );
    let (bytes, content_type, extension) = if csv {
        (
            crate::indicators::export::csv(&report)
                .map_err(|e| ApiError::Internal(format!("writing the CSV: {e}")))?,
            "text/csv; charset=utf-8",
            "csv",
        )
    } else {
        (
            crate::indicators::export::xlsx(&report)
                .map_err(|e| ApiError::Internal(format!("writing the workbook: {e}")))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

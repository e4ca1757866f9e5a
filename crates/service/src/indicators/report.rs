//! What the committee asks for (an indicator or all of them, a period, a time step, a
//! department), read and checked once for the API, the pages, the exports and the command;
//! and the report: every indicator of the registry over a period with its comparisons.

use chrono::{DateTime, NaiveDate, Utc};
use model::indicators::{Dimension, Indicator, Period, REGISTRY};
use store::Store;

use super::tables::{self, Counted, TableError, WithComparisons};
use crate::access::{Principal, Reach, Resource, Verb};
use crate::error::{ApiError, FieldProblem};

/// A request as typed: every part optional.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AskedQuery {
    /// `2026` (a year), `2026-Q3` (a quarter) or `2026-07` (a month); default: the last
    /// quarter that is over.
    pub period: Option<String>,
    /// The time step of the columns: `month`, `quarter` or `year`; or, for one indicator, a
    /// cut of the region by quarter: `occupation_family`, `priority_public` or
    /// `commune_group`, or by year: `occupation` (see the indicator's dimensions); default:
    /// `month`.
    pub by: Option<String>,
    /// A department's code (`93`): its figures beside the region's; default: the region.
    pub department: Option<String>,
}

/// A request understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub period: Period,
    pub step: Dimension,
    pub department: Option<String>,
}

impl AskedQuery {
    /// Reads the request, each wrong part named (`?period`, `?by`, `?department`). Values are
    /// read as sent: a space or a control character around one is refused, not trimmed.
    pub fn read(&self, today: NaiveDate) -> Result<Asked, ApiError> {
        let mut problems = Vec::new();
        let period = match self.period.as_deref().filter(|p| !p.is_empty()) {
            None => Some(tables::default_quarter(today)),
            Some(text) => match Period::parse(text) {
                Ok(p) => Some(p),
                Err(e) => {
                    problems.push(FieldProblem::new("?period", e.to_string()));
                    None
                }
            },
        };
        let step = match self.by.as_deref().filter(|p| !p.is_empty()) {
            None => Some(Dimension::Month),
            Some(text) => match Dimension::parse(text).filter(|d| *d != Dimension::Department) {
                Some(d) => Some(d),
                None => {
                    problems.push(FieldProblem::new(
                        "?by",
                        format!(
                            "{:?} is neither a time step nor a cut: expected month, quarter, \
                             year, occupation_family, occupation, priority_public or \
                             commune_group",
                            text.chars().take(40).collect::<String>()
                        ),
                    ));
                    None
                }
            },
        };
        let department = self
            .department
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        if let Some(code) = &department
            && refdata::geo().department(code).is_none()
        {
            problems.push(FieldProblem::new(
                "?department",
                format!(
                    "{:?} is not a department code",
                    code.chars().take(40).collect::<String>()
                ),
            ));
        }
        if let (Some(period), Some(step)) = (period, step) {
            // A cut is published by quarter, by occupation by year.
            let columns = if step == Dimension::Occupation {
                tables::columns(period, Dimension::Year)
                    .map_err(|_| "a cut by occupation is published by year only".to_string())
            } else if step.cut().is_some() {
                tables::columns(period, Dimension::Quarter).map_err(|_| {
                    format!(
                        "a cut by {} is published by quarter or year, not by month",
                        step.label()
                    )
                })
            } else {
                tables::columns(period, step).map_err(|e| e.to_string())
            };
            if let Err(e) = columns {
                problems.push(FieldProblem::new("?by", e));
            }
            if step.cut().is_some() && department.is_some() {
                problems.push(FieldProblem::new(
                    "?department",
                    format!(
                        "a cut by {} is the region's: ask it without a department",
                        step.label()
                    ),
                ));
            }
        }
        match (period, step) {
            (Some(period), Some(step)) if problems.is_empty() => Ok(Asked {
                period,
                step,
                department,
            }),
            _ => Err(ApiError::Invalid(problems)),
        }
    }
}

/// The indicator of `id`, or a 422 naming it.
pub fn indicator(id: &str) -> Result<&'static Indicator, ApiError> {
    model::indicators::find(id).ok_or_else(|| {
        ApiError::field(
            "id",
            format!(
                "{:?} is not an indicator of the registry (see /api/v1/steering/indicators)",
                id.chars().take(60).collect::<String>()
            ),
        )
    })
}

/// The committee's figures are the region's, read by department: for who reads the region's
/// indicators (the steering committee, the administrators).
pub fn require_region(principal: &Principal) -> Result<(), ApiError> {
    let grant = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .map_err(ApiError::Forbidden)?;
    if grant.rule.reach != Reach::Any {
        return Err(ApiError::Forbidden(
            "the region's indicators are read by the steering committee and the administrators"
                .to_string(),
        ));
    }
    Ok(())
}

impl From<TableError> for ApiError {
    fn from(e: TableError) -> Self {
        let field = match e {
            TableError::Dimension { .. } | TableError::Step { .. } => "?by",
            TableError::Department(_) | TableError::CutOfDepartment(_) => "?department",
        };
        ApiError::field(field, e.to_string())
    }
}

/// Indicators over a period, each with its comparisons.
pub struct Report {
    pub asked: Asked,
    pub figures: Vec<WithComparisons>,
    /// The departments of the tables, with their names.
    pub departments: Vec<(String, String)>,
    /// When the figures were computed.
    pub at: DateTime<Utc>,
}

/// `indicators` over the request's period, with their comparisons, read from the store once.
pub async fn report(
    store: &dyn Store,
    region: &str,
    indicators: &[&'static Indicator],
    asked: &Asked,
    now: DateTime<Utc>,
) -> Result<Report, ApiError> {
    if asked.step.cut().is_some() && indicators.len() != 1 {
        return Err(ApiError::field(
            "?by",
            "the report is read by month, quarter or year; a cut is asked of one indicator",
        ));
    }
    let measures = tables::measures_of(indicators.iter().copied());
    let periods = tables::compared_periods(asked.period);
    let mut counted = Counted::load(store, region, &measures, &periods, now).await?;
    if asked.step.cut().is_some() {
        counted
            .load_cut(store, region, (indicators, asked.step), &periods, now)
            .await?;
    }
    let figures = indicators
        .iter()
        .map(|i| {
            tables::compared(
                &counted,
                i,
                asked.period,
                asked.step,
                asked.department.as_deref(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Report {
        asked: asked.clone(),
        figures,
        departments: counted.departments,
        at: now,
    })
}

/// Every indicator of the registry.
pub fn all() -> Vec<&'static Indicator> {
    REGISTRY.iter().collect()
}

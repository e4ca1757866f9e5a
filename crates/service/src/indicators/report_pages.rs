//! The committee's pages on the registry (issue 20): the glossary (`/pilotage/glossaire`),
//! the quarterly report (`/pilotage/rapport`: the headline figures per axis with their
//! comparisons, a quadrant of the departments, a map of the departments shaded by a chosen
//! indicator, printable), one indicator by department and time step
//! (`/pilotage/indicateurs/{id}`: a chart, a map and the table), and the report's
//! spreadsheet and CSV. Each page calls the API handler it shows; every chart has its table.

use chrono::Datelike;
use model::indicators::{Axis, Dimension, Indicator, Period, REGISTRY, Unit};

use super::api::{self as steering_api, HeadlineView, IndicatorTableView};
pub use super::charts::{Bar, Placed, Quadrant, change, shown};
use super::charts::{quadrant, shaded_map, short_label, spark};
use super::report::{self, AskedQuery};
use super::tables::{self, Cell, CellState};
use crate::json::{PagePath, Path, QueryParams};
use crate::pages::*;

/// The indicator the report's map shades unless another is chosen.
const MAP_DEFAULT: &str = "filled_47_days";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportPageQuery {
    pub period: Option<String>,
    pub department: Option<String>,
    /// The indicator the map shades.
    pub map: Option<String>,
    pub by: Option<String>,
}

impl ReportPageQuery {
    fn asked(&self) -> AskedQuery {
        AskedQuery {
            period: self.period.clone(),
            by: self.by.clone(),
            department: self.department.clone(),
        }
    }
}

pub struct HeadlineRow {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub current: String,
    pub previous: String,
    pub previous_change: String,
    pub year_before: String,
    pub year_change: String,
    pub empty: bool,
    /// The trend's figures as written, oldest first, and its small chart.
    pub trend: Vec<String>,
    pub spark: Vec<Bar>,
    pub spark_width: f64,
}

pub struct AxisBlock {
    pub id: &'static str,
    pub label: &'static str,
    pub question: &'static str,
    pub rows: Vec<HeadlineRow>,
    /// The trend's periods, as its table heads them.
    pub trend: Vec<String>,
}

#[derive(Template)]
#[template(path = "indicators/report.html")]
struct ReportPage {
    chrome: Chrome,
    period_label: String,
    scope: String,
    filter: Vec<Field>,
    axes: Vec<AxisBlock>,
    quadrant: Option<Quadrant>,
    map_label: &'static str,
    map_unit: &'static str,
    map: Vec<Placed>,
    map_legend: Vec<(&'static str, String)>,
    download: String,
    computed_at: String,
    empty: bool,
    error: Option<String>,
}

/// The region's departments for the selects: "the region" first.
fn department_options(departments: &[(String, String)]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Toute la région".to_string()))
        .chain(
            departments
                .iter()
                .map(|(code, name)| (code.clone(), format!("{code} — {name}"))),
        )
        .collect()
}

fn region_departments(state: &AppState) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = refdata::geo()
        .departments()
        .filter(|d| d.region == state.config.region)
        .map(|d| (d.code.to_string(), d.name.to_string()))
        .collect();
    out.sort();
    out
}

fn period_options(state: &AppState, chosen: &str) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = tables::recent_quarters(state.now().date_naive())
        .into_iter()
        .map(|p| (p.to_string(), p.label()))
        .collect();
    if !chosen.is_empty() && !options.iter().any(|(v, _)| v == chosen) {
        let label = Period::parse(chosen).map_or_else(|_| chosen.to_string(), |p| p.label());
        options.insert(0, (chosen.to_string(), label));
    }
    options
}

/// The API's refusal in French, field by field.
fn refusal(problems: &[crate::error::FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let what = match p.path.as_str() {
                "?period" => {
                    "Période : une année (2026), un trimestre (2026-Q3) ou un mois (2026-07)"
                }
                "?department" => "Département : un département de la région",
                "?by" => {
                    "Pas de temps : le mois, le trimestre ou l'année, plus court que la période"
                }
                "?map" | "id" => "Indicateur : un indicateur du glossaire",
                _ => "Demande non comprise",
            };
            what.to_string()
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

pub async fn report_page(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ReportPageQuery>,
) -> PageResult {
    let map_id = query.map.clone().filter(|m| !m.is_empty());
    let map_indicator = match map_id.as_deref() {
        None => report::indicator(MAP_DEFAULT),
        Some(id) => report::indicator(id)
            .map_err(|_| ApiError::field("?map", "not an indicator of the registry")),
    };
    let result = match map_indicator {
        Ok(map_indicator) => steering_api::steering_report(
            State(state.clone()),
            principal.clone(),
            QueryParams(query.asked()),
        )
        .await
        .map(|json| (json.0, map_indicator)),
        Err(e) => Err(e),
    };
    let (view, map_indicator, error) = match result {
        Ok((view, map)) => (Some(view), map, None),
        Err(ApiError::Invalid(problems)) => (
            None,
            report::indicator(MAP_DEFAULT)?,
            Some(refusal(&problems)),
        ),
        Err(other) => return Err(other.into()),
    };
    let departments = region_departments(&state);
    let period_value = query.period.clone().unwrap_or_default();
    let mut period = Field::text("period", "Période", &period_value);
    period.kind = "select";
    period.options = period_options(&state, &period_value);
    if period_value.is_empty()
        && let Some(v) = &view
    {
        period.value = v.period.clone();
    }
    let mut department = Field::text(
        "department",
        "Territoire",
        query.department.as_deref().unwrap_or_default(),
    );
    department.kind = "select";
    department.options = department_options(&departments);
    let mut map_field = Field::text("map", "Indicateur de la carte", map_indicator.id);
    map_field.kind = "select";
    map_field.options = REGISTRY
        .iter()
        .map(|i| (i.id.to_string(), i.label.to_string()))
        .collect();
    let refused = error.is_some();
    let Some(view) = view else {
        let page = ReportPage {
            chrome: Chrome::new(
                &principal,
                form_title("Rapport du comité de pilotage", true),
                "/pilotage",
            ),
            period_label: String::new(),
            scope: String::new(),
            filter: vec![period, department, map_field],
            axes: Vec::new(),
            quadrant: None,
            map_label: map_indicator.label,
            map_unit: map_indicator.unit().label(),
            map: Vec::new(),
            map_legend: Vec::new(),
            download: String::new(),
            computed_at: String::new(),
            empty: true,
            error,
        };
        return Ok(render_form(&page, refused));
    };
    let scope = match &view.department {
        Some(code) => departments
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.clone(), |(c, n)| format!("{c} — {n}")),
        None => "toute la région".to_string(),
    };
    let axes = Axis::ALL
        .into_iter()
        .map(|axis| AxisBlock {
            id: axis.as_str(),
            label: axis.label(),
            question: axis.question(),
            rows: view
                .figures
                .iter()
                .filter(|f| f.indicator.axis == axis.as_str())
                .map(headline_row)
                .collect(),
            trend: view
                .figures
                .first()
                .map(|f| f.trend.iter().map(|p| short_label(&p.period)).collect())
                .unwrap_or_default(),
        })
        .collect();
    let empty = view.figures.iter().all(|f| f.empty);
    let find = |id: &str| view.figures.iter().find(|f| f.indicator.id == id);
    let quadrant = match (find("filled_47_days"), find("abandonment_rate")) {
        (Some(x), Some(y)) => quadrant(x, y, &departments),
        _ => None,
    };
    let (map_points, map_legend) = find(map_indicator.id)
        .map(|f| shaded_map(&f.departments, map_indicator, &departments))
        .unwrap_or_default();
    let download = format!(
        "period={}&department={}",
        encode(&view.period),
        encode(view.department.as_deref().unwrap_or_default())
    );
    let page = ReportPage {
        chrome: Chrome::new(&principal, "Rapport du comité de pilotage", "/pilotage"),
        period_label: view.period_label.clone(),
        scope,
        filter: vec![period, department, map_field],
        axes,
        quadrant,
        map_label: map_indicator.label,
        map_unit: map_indicator.unit().label(),
        map: map_points,
        map_legend,
        download,
        computed_at: crate::meetings::paris(view.computed_at).to_string(),
        empty,
        error: None,
    };
    Ok(render(&page))
}

fn headline_row(f: &HeadlineView) -> HeadlineRow {
    let unit = unit_of(f.indicator.unit);
    let c = &f.compared;
    HeadlineRow {
        id: f.indicator.id,
        label: f.indicator.label,
        unit: unit.label(),
        current: shown(c.current, unit),
        previous: shown(c.previous, unit),
        previous_change: change(c.current, c.previous, unit),
        year_before: shown(c.year_before, unit),
        year_change: change(c.current, c.year_before, unit),
        empty: f.empty,
        trend: f.trend.iter().map(|p| shown(p.cell, unit)).collect(),
        spark: spark(&f.trend, unit),
        spark_width: 140.0 / f.trend.len().max(1) as f64,
    }
}

fn unit_of(code: &str) -> Unit {
    match code {
        "share" => Unit::Share,
        "days" => Unit::Days,
        _ => Unit::Count,
    }
}

pub struct GlossaryEntry {
    pub id: &'static str,
    pub axis: &'static str,
    pub label: &'static str,
    pub definition: &'static str,
    pub formula: &'static str,
    pub unit: &'static str,
    pub dimensions: String,
    pub source: &'static str,
    pub threshold: u64,
}

#[derive(Template)]
#[template(path = "indicators/glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    entries: Vec<GlossaryEntry>,
    /// The reader may open the region's figures (the report, each indicator's page).
    region: bool,
}

/// The glossary: every indicator of the registry, as the exports' "Définitions" sheet.
pub async fn glossary(Viewer(principal): Viewer) -> PageResult {
    let found =
        steering_api::registry(principal.clone(), QueryParams(steering_api::NoQuery {})).await?;
    let entries = found
        .0
        .iter()
        .filter_map(|v| model::indicators::find(v.id))
        .map(|i| GlossaryEntry {
            id: i.id,
            axis: i.axis.label(),
            label: i.label,
            definition: i.definition,
            formula: i.formula_text,
            unit: i.unit().label(),
            dimensions: i
                .dimensions()
                .iter()
                .map(|d| d.label())
                .collect::<Vec<_>>()
                .join(", "),
            source: i.source,
            threshold: i.threshold,
        })
        .collect();
    Ok(render(&GlossaryPage {
        chrome: Chrome::new(&principal, "Glossaire des indicateurs", "/pilotage"),
        entries,
        region: report::require_region(&principal).is_ok(),
    }))
}

pub struct TableLine {
    pub label: String,
    pub cells: Vec<String>,
    pub total: String,
    pub region: bool,
}

#[derive(Template)]
#[template(path = "indicators/indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    indicator: &'static Indicator,
    period_label: String,
    scope: String,
    filter: Vec<Field>,
    bars: Vec<Bar>,
    bar_width: f64,
    max: String,
    columns: Vec<String>,
    lines: Vec<TableLine>,
    map: Vec<Placed>,
    map_legend: Vec<(&'static str, String)>,
    empty: bool,
    withheld: usize,
    /// The cut's name, when the lines are a cut's groups.
    cut: Option<&'static str>,
    error: Option<String>,
}

/// One indicator by department and time step: its chart (the region's, or the department's,
/// by column), its map (each department's total) and its table.
pub async fn indicator_page(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<ReportPageQuery>,
) -> PageResult {
    let indicator = report::indicator(&id).map_err(|_| ApiError::NotFound("indicator".into()))?;
    let mut asked = query.asked();
    if asked.period.as_deref().is_none_or(str::is_empty) {
        // By default the year of the last quarter over, month by month.
        let last = tables::default_quarter(state.now().date_naive());
        asked.period = Some(Period::Year(last.start().year()).to_string());
    }
    if asked.by.as_deref().is_none_or(str::is_empty)
        && asked
            .period
            .as_deref()
            .and_then(|p| Period::parse(p).ok())
            .is_some_and(|p| matches!(p, Period::Year(_)))
    {
        // A department's figures are published by quarter: a year is read by quarter.
        asked.by = Some("quarter".to_string());
    }
    let result = steering_api::indicator_table(
        State(state.clone()),
        principal.clone(),
        Path(id.clone()),
        QueryParams(asked.clone()),
    )
    .await;
    let departments = region_departments(&state);
    let period_value = asked.period.clone().unwrap_or_default();
    let mut period = Field::text(
        "period",
        "Période (2026, 2026-Q3 ou 2026-07)",
        &period_value,
    );
    period.kind = "text";
    let mut by = Field::text(
        "by",
        "Découpage (pas de temps, ou la région par trimestre)",
        asked.by.as_deref().unwrap_or("month"),
    );
    by.kind = "select";
    by.options = indicator
        .dimensions()
        .into_iter()
        .filter(|d| *d != Dimension::Department)
        .map(|d| {
            let label = if d.is_time() {
                d.label().to_string()
            } else {
                format!("par {}", d.label())
            };
            (d.as_str().to_string(), label)
        })
        .collect();
    let mut department = Field::text(
        "department",
        "Territoire",
        asked.department.as_deref().unwrap_or_default(),
    );
    department.kind = "select";
    department.options = department_options(&departments);
    let filter = vec![period, by, department];
    let view = match result {
        Ok(json) => json.0,
        Err(ApiError::Invalid(problems)) => {
            let page = IndicatorPage {
                chrome: Chrome::new(&principal, form_title(indicator.label, true), "/pilotage"),
                indicator,
                period_label: String::new(),
                scope: String::new(),
                filter,
                bars: Vec::new(),
                bar_width: 0.0,
                max: String::new(),
                columns: Vec::new(),
                lines: Vec::new(),
                map: Vec::new(),
                map_legend: Vec::new(),
                empty: true,
                withheld: 0,
                cut: None,
                error: Some(refusal(&problems)),
            };
            return Ok(render_form(&page, true));
        }
        Err(other) => return Err(other.into()),
    };
    let unit = indicator.unit();
    let IndicatorTableView {
        period_label,
        department: chosen,
        empty,
        withheld,
        columns,
        lines,
        by: step,
        ..
    } = view;
    let scope = chosen
        .as_ref()
        .and_then(|code| departments.iter().find(|(c, _)| c == code))
        .map_or_else(
            || "toute la région".to_string(),
            |(c, n)| format!("{c} — {n}"),
        );
    let cut = Dimension::parse(step)
        .filter(|d| d.cut().is_some())
        .map(Dimension::label);
    // The chart: the region's (or the department's) figure by column; for a cut, each
    // group's figure over the period.
    // (Axis label, name in full, figure.)
    let series: Vec<(String, String, Cell)> = if cut.is_some() {
        let many = lines.len() > 20;
        lines
            .iter()
            .filter(|l| l.key != tables::REGION)
            .map(|l| {
                let label = match l.key.as_str() {
                    "rqth" => "RQTH".to_string(),
                    "priority" => "Autres prioritaires".to_string(),
                    "none" if !many => "Aucun statut".to_string(),
                    key if key.len() == 1 => key.to_string(),
                    _ => String::new(),
                };
                (label, l.label.clone(), l.total)
            })
            .collect()
    } else {
        let shown_line = lines
            .iter()
            .find(|l| l.key == chosen.as_deref().unwrap_or(tables::REGION));
        columns
            .iter()
            .zip(shown_line.map(|l| l.cells.clone()).unwrap_or_default())
            .map(|(column, cell)| (short_label(&column.key), column.label.clone(), cell))
            .collect()
    };
    let value = |cell: &Cell| {
        (cell.state == CellState::Published)
            .then_some(cell.value)
            .flatten()
    };
    let top = series
        .iter()
        .filter_map(|(_, _, c)| value(c))
        .fold(0.0f64, f64::max);
    let top = if top <= 0.0 { 1.0 } else { top };
    let n = series.len().max(1) as f64;
    let bar_width = (560.0 / n * 0.7).max(2.0);
    let bars = series
        .iter()
        .enumerate()
        .map(|(i, (label, name, cell))| {
            let height = value(cell).map_or(0.0, |v| v / top * 180.0);
            Bar {
                x: 60.0 + i as f64 * 560.0 / n + (560.0 / n - bar_width) / 2.0,
                y: 200.0 - height,
                height,
                label: label.clone(),
                name: name.clone(),
                value: shown(*cell, unit),
                withheld: cell.state == CellState::Withheld,
            }
        })
        .collect();
    let cells: Vec<steering_api::DepartmentCell> = lines
        .iter()
        .filter(|l| l.key != tables::REGION)
        .map(|l| steering_api::DepartmentCell {
            department: l.key.clone(),
            cell: l.total,
        })
        .collect();
    // A cut's lines are not departments: no map.
    let (map, map_legend) = if cut.is_some() {
        (Vec::new(), Vec::new())
    } else {
        shaded_map(&cells, indicator, &departments)
    };
    let page = IndicatorPage {
        chrome: Chrome::new(&principal, indicator.label, "/pilotage"),
        indicator,
        period_label,
        scope,
        filter,
        bars,
        bar_width,
        max: shown(Cell::published(top), unit),
        columns: columns.iter().map(|c| c.label.clone()).collect(),
        lines: lines
            .iter()
            .map(|l| TableLine {
                label: l.label.clone(),
                cells: l.cells.iter().map(|c| shown(*c, unit)).collect(),
                total: shown(l.total, unit),
                region: l.key == tables::REGION,
            })
            .collect(),
        map,
        map_legend,
        empty,
        withheld,
        cut,
        error: None,
    };
    Ok(render(&page))
}

/// The report as a spreadsheet.
pub async fn report_xlsx(
    state: St,
    viewer: Viewer,
    query: PageQuery<ReportPageQuery>,
) -> PageResult {
    download(state, viewer, query, "xlsx").await
}

/// The report as CSV.
pub async fn report_csv(
    state: St,
    viewer: Viewer,
    query: PageQuery<ReportPageQuery>,
) -> PageResult {
    download(state, viewer, query, "csv").await
}

/// The report as a file, through the API's export.
async fn download(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ReportPageQuery>,
    format: &str,
) -> PageResult {
    Ok(steering_api::export(
        State(state),
        principal,
        QueryParams(steering_api::ExportQuery::from_page(query, format)),
    )
    .await?)
}

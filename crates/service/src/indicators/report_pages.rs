//! The committee's pages on the registry (issue 20): the glossary (`/pilotage/glossaire`),
//! the quarterly report (`/pilotage/rapport`: the headline figures per axis with their
//! comparisons, a quadrant of the departments, a map of the departments shaded by a chosen
//! indicator, printable), one indicator by department and time step
//! (`/pilotage/indicateurs/{id}`: a chart, a map and the table), and the report's
//! spreadsheet and CSV. Each page calls the API handler it shows; every chart has its table.

use chrono::Datelike;
use model::indicators::{Axis, Dimension, Indicator, Period, REGISTRY, Unit};

use super::api::{self as steering_api, HeadlineView, IndicatorTableView};
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

/// A figure as the pages write it.
pub fn shown(cell: Cell, unit: Unit) -> String {
    match (cell.state, cell.value) {
        (CellState::Published, Some(v)) => match unit {
            Unit::Count => thousands(v.round() as i64),
            Unit::Share => format!("{:.1} %", v * 100.0).replace('.', ","),
            Unit::Days => format!("{} j", v.round() as i64),
        },
        (CellState::Withheld, _) => "secret".to_string(),
        (CellState::QuarterOnly, _) => "par trim.".to_string(),
        _ => "—".to_string(),
    }
}

/// How `current` compares with `before`: a relative change for counts, points for shares,
/// days for medians.
pub fn change(current: Cell, before: Cell, unit: Unit) -> String {
    let (Some(now), Some(then)) = (
        (current.state == CellState::Published)
            .then_some(current.value)
            .flatten(),
        (before.state == CellState::Published)
            .then_some(before.value)
            .flatten(),
    ) else {
        return String::new();
    };
    let signed = |x: f64, decimals: usize, suffix: &str| {
        let text = format!("{:+.*}{suffix}", decimals, x).replace('.', ",");
        text.replace('-', "−")
    };
    match unit {
        Unit::Count if then > 0.0 => signed((now - then) / then * 100.0, 0, " %"),
        Unit::Count => String::new(),
        Unit::Share => signed((now - then) * 100.0, 1, " pt"),
        Unit::Days => signed(now - then, 0, " j"),
    }
}

/// A column's key as an axis shows it: `07/26` for a month, `T3 26` for a quarter.
fn short_label(key: &str) -> String {
    match (key.get(2..4), key.get(5..)) {
        (Some(year), Some(quarter)) if quarter.starts_with('Q') => {
            format!("T{} {year}", quarter.trim_start_matches('Q'))
        }
        (Some(year), Some(month)) if month.len() == 2 => format!("{month}/{year}"),
        _ => key.to_string(),
    }
}

/// An integer with French thousands separators (narrow no-break spaces).
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
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

/// A department placed on a chart or a map.
pub struct Placed {
    pub code: String,
    pub name: String,
    pub x: f64,
    pub y: f64,
    /// The class of its shade (`pa-map__c1`..`c5`, `pa-map__secret`).
    pub class: &'static str,
    pub value: String,
    pub other: String,
}

/// The quadrant: each department's fill rate at 47 days against its abandonment rate, the
/// lines at the region's.
pub struct Quadrant {
    pub points: Vec<Placed>,
    pub mean_x: f64,
    pub mean_y: f64,
    pub region_x: String,
    pub region_y: String,
    pub left_out: Vec<String>,
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

/// A trend's small chart, 200 × 64: one bar per period on the indicator's own scale, a
/// withheld figure a hatched bar of full height, a figure of nothing no bar.
fn spark(trend: &[steering_api::TrendPoint], unit: Unit) -> Vec<Bar> {
    let value = |p: &steering_api::TrendPoint| {
        (p.cell.state == CellState::Published)
            .then_some(p.cell.value)
            .flatten()
    };
    let top = trend.iter().filter_map(value).fold(0.0f64, f64::max);
    let top = if top <= 0.0 { 1.0 } else { top };
    let step = 200.0 / trend.len().max(1) as f64;
    trend
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let height = value(p).map_or(0.0, |v| v / top * 48.0);
            Bar {
                x: i as f64 * step + step * 0.15,
                y: 52.0 - height,
                height,
                label: p.label.clone(),
                name: p.label.clone(),
                value: shown(p.cell, unit),
                withheld: p.cell.state == CellState::Withheld,
            }
        })
        .collect()
}

fn unit_of(code: &str) -> Unit {
    match code {
        "share" => Unit::Share,
        "days" => Unit::Days,
        _ => Unit::Count,
    }
}

/// The departments' places on the map: the mean of their communes' coordinates, projected
/// (equirectangular at the region's latitude) into a 400 × 300 box.
fn places(departments: &[(String, String)]) -> Vec<(String, String, f64, f64)> {
    let geo = refdata::geo();
    let mut centres = Vec::new();
    for (code, name) in departments {
        let (mut lat, mut lon, mut n) = (0.0, 0.0, 0.0);
        for c in geo.communes().iter().filter(|c| c.department == code) {
            lat += c.latitude;
            lon += c.longitude;
            n += 1.0;
        }
        if n > 0.0 {
            centres.push((code.clone(), name.clone(), lat / n, lon / n));
        }
    }
    let (min_lat, max_lat) = bounds(centres.iter().map(|c| c.2));
    let (min_lon, max_lon) = bounds(centres.iter().map(|c| c.3));
    let squeeze = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let width = ((max_lon - min_lon) * squeeze).max(1e-6);
    let height = (max_lat - min_lat).max(1e-6);
    let scale = (340.0 / width).min(240.0 / height);
    centres
        .into_iter()
        .map(|(code, name, lat, lon)| {
            let x = 30.0 + (lon - min_lon) * squeeze * scale + (340.0 - width * scale) / 2.0;
            let y = 30.0 + (max_lat - lat) * scale + (240.0 - height * scale) / 2.0;
            (code, name, x, y)
        })
        .collect()
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// The departments shaded in five classes of equal width between the lowest and the
/// highest published figure; a withheld one hatched.
fn shaded_map(
    cells: &[steering_api::DepartmentCell],
    indicator: &Indicator,
    departments: &[(String, String)],
) -> (Vec<Placed>, Vec<(&'static str, String)>) {
    let unit = indicator.unit();
    let value = |code: &str| {
        cells
            .iter()
            .find(|c| c.department == code)
            .map_or(Cell::UNDEFINED, |c| c.cell)
    };
    let published: Vec<f64> = cells
        .iter()
        .filter(|c| c.cell.state == CellState::Published)
        .filter_map(|c| c.cell.value)
        .collect();
    let (lo, hi) = bounds(published.iter().copied());
    const CLASSES: [&str; 5] = [
        "pa-map__c1",
        "pa-map__c2",
        "pa-map__c3",
        "pa-map__c4",
        "pa-map__c5",
    ];
    let class_of = |v: f64| {
        if hi - lo < 1e-9 {
            return "pa-map__c3";
        }
        let step = ((v - lo) / (hi - lo).max(1e-9) * 5.0).floor() as usize;
        CLASSES.get(step.min(4)).copied().unwrap_or("pa-map__c1")
    };
    let points = places(departments)
        .into_iter()
        .map(|(code, name, x, y)| {
            let cell = value(&code);
            let class = match (cell.state, cell.value) {
                (CellState::Published, Some(v)) => class_of(v),
                (CellState::Withheld, _) => "pa-map__secret",
                _ => "pa-map__none",
            };
            Placed {
                value: shown(cell, unit),
                code,
                name,
                x,
                y,
                class,
                other: String::new(),
            }
        })
        .collect();
    let legend = if published.is_empty() {
        Vec::new()
    } else if hi - lo < 1e-9 {
        // Every department the same: one class, one figure.
        vec![("pa-map__c3", shown(Cell::published(lo), unit))]
    } else {
        (0..5)
            .filter_map(|i| {
                let from = lo + (hi - lo) * i as f64 / 5.0;
                let to = lo + (hi - lo) * (i + 1) as f64 / 5.0;
                let words = format!(
                    "{} à {}",
                    shown(Cell::published(from), unit),
                    shown(Cell::published(to), unit)
                );
                CLASSES.get(i).map(|c| (*c, words))
            })
            .collect()
    };
    (points, legend)
}

/// Each department's fill rate at 47 days (across) against its abandonment rate (down),
/// in a 400 × 300 box, with the region's two rates as the quadrant's lines.
fn quadrant(
    x: &HeadlineView,
    y: &HeadlineView,
    departments: &[(String, String)],
) -> Option<Quadrant> {
    let region_x = x.compared.current;
    let region_y = y.compared.current;
    let value_of = |h: &HeadlineView, code: &str| {
        h.departments
            .iter()
            .find(|c| c.department == code)
            .and_then(|c| (c.cell.state == CellState::Published).then_some(c.cell.value))
            .flatten()
    };
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    for (code, name) in departments {
        match (value_of(x, code), value_of(y, code)) {
            (Some(a), Some(b)) => found.push((code.clone(), name.clone(), a, b)),
            _ => left_out.push(format!("{code} — {name}")),
        }
    }
    if found.is_empty() {
        return None;
    }
    let (x_lo, x_hi) = bounds(found.iter().map(|f| f.2).chain(region_x.value));
    let (y_lo, y_hi) = bounds(found.iter().map(|f| f.3).chain(region_y.value));
    let pad = |lo: f64, hi: f64| {
        let span = (hi - lo).max(0.02);
        ((lo - span * 0.1).max(0.0), (hi + span * 0.1).min(1.0))
    };
    let (x_lo, x_hi) = pad(x_lo, x_hi);
    let (y_lo, y_hi) = pad(y_lo, y_hi);
    let px = |v: f64| 50.0 + (v - x_lo) / (x_hi - x_lo).max(1e-9) * 330.0;
    let py = |v: f64| 260.0 - (v - y_lo) / (y_hi - y_lo).max(1e-9) * 240.0;
    let points = found
        .into_iter()
        .map(|(code, name, a, b)| Placed {
            x: px(a),
            y: py(b),
            value: shown(Cell::published(a), Unit::Share),
            other: shown(Cell::published(b), Unit::Share),
            class: "pa-quadrant__point",
            code,
            name,
        })
        .collect();
    Some(Quadrant {
        points,
        mean_x: region_x.value.map_or(px((x_lo + x_hi) / 2.0), px),
        mean_y: region_y.value.map_or(py((y_lo + y_hi) / 2.0), py),
        region_x: shown(region_x, Unit::Share),
        region_y: shown(region_y, Unit::Share),
        left_out,
    })
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

/// One column of the indicator's chart.
pub struct Bar {
    /// The name in full, for the bar's title.
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub height: f64,
    pub label: String,
    pub value: String,
    pub withheld: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_label_months_and_quarters_shortly() {
        assert_eq!(short_label("2026-07"), "07/26");
        assert_eq!(short_label("2026-Q3"), "T3 26");
        assert_eq!(short_label("2026"), "2026");
    }
}

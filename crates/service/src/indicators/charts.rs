//! The committee's figures as its pages write and draw them: a figure and its change in
//! French words, and the charts, SVG drawn by the server, each followed on its page by its
//! table — a trend's small bars, the map of the departments shaded in five classes, the
//! quadrant of the departments.

use model::indicators::{Indicator, Unit};

use super::api::{self as steering_api, HeadlineView};
use super::tables::{Cell, CellState};

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
pub(super) fn short_label(key: &str) -> String {
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

/// A trend's small chart, 200 × 64: one bar per period on the indicator's own scale, a
/// withheld figure a hatched bar of full height, a figure of nothing no bar.
pub(super) fn spark(trend: &[steering_api::TrendPoint], unit: Unit) -> Vec<Bar> {
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
pub(super) fn shaded_map(
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
pub(super) fn quadrant(
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

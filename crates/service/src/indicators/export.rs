//! The committee's report as files (issue 20, point 3): a workbook (rust_xlsxwriter) with a
//! summary sheet (the filters, the export's date, the sources' editions and every headline
//! figure with its comparisons), one sheet per indicator (departments × time steps, the
//! region's line last) and a "Définitions" sheet (the glossary); and the same figures as CSV,
//! one line per figure. Withheld figures are written "secret", never as a number; a
//! department's month, published by quarter only, "par trimestre".

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::report::Report;
use super::tables::{Cell, CellState};
use model::indicators::{Axis, REGISTRY, Unit};

/// The word written for a figure that is not a number.
fn word(cell: Cell) -> &'static str {
    match cell.state {
        CellState::Withheld => "secret",
        CellState::QuarterOnly => "par trimestre",
        CellState::Undefined | CellState::Published => "",
    }
}

/// The sources' editions, as the exports cite them.
pub fn sources(report: &Report) -> Vec<(String, String)> {
    let span = match (
        report.figures.first().map(|f| f.table.period.start()),
        report.figures.first().map(|f| f.table.period.end()),
    ) {
        (Some(from), Some(until)) => format!(
            "du {} au {} (chaque chiffre comparé à la période précédente de même durée et à la \
             même période un an avant)",
            from.format("%d/%m/%Y"),
            (until - chrono::Days::new(1))
                .min(report.at.date_naive())
                .format("%d/%m/%Y")
        ),
        _ => String::new(),
    };
    vec![
        (
            "Données".to_string(),
            format!("Passerelle, activité enregistrée {span}"),
        ),
        (
            "Tension officielle".to_string(),
            "DARES – France Travail, Les tensions sur le marché du travail en 2019 (FAP 225)"
                .to_string(),
        ),
        (
            "Métiers".to_string(),
            "France Travail, ROME v3.47 (open data)".to_string(),
        ),
        (
            "Secret statistique".to_string(),
            "effectifs inférieurs à 20 masqués, ainsi que les cases qui permettraient de les \
             recalculer (secret secondaire) ; un taux est masqué avec son numérateur ou son \
             dénominateur"
                .to_string(),
        ),
    ]
}

/// The filters of the report, in words.
pub fn filters(report: &Report) -> Vec<(String, String)> {
    let department = match &report.asked.department {
        Some(code) => report
            .departments
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.clone(), |(c, name)| format!("{c} — {name}")),
        None => "toute la région".to_string(),
    };
    vec![
        ("Période".to_string(), report.asked.period.label()),
        ("Territoire".to_string(), department),
        (
            "Pas de temps".to_string(),
            report.asked.step.label().to_string(),
        ),
        (
            "Exporté le".to_string(),
            crate::meetings::paris(report.at).to_string(),
        ),
    ]
}

/// The workbook's bytes.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let formats = |unit: Unit| match unit {
        Unit::Count => Format::new().set_num_format("# ##0"),
        Unit::Share => Format::new().set_num_format("0.0%"),
        Unit::Days => Format::new().set_num_format("0"),
    };

    let summary = workbook.add_worksheet();
    summary.set_name("Synthèse")?;
    summary.write_string_with_format(0, 0, "Passerelle — rapport du comité de pilotage", &title)?;
    let mut row = 2u32;
    for (name, value) in filters(report).into_iter().chain(sources(report)) {
        summary.write_string_with_format(row, 0, name, &bold)?;
        summary.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    let head = [
        "Axe",
        "Indicateur",
        "Unité",
        "Période",
        "Période précédente",
        "Même période un an avant",
        "Identifiant",
    ];
    for (col, text) in (0u16..).zip(head) {
        summary.write_string_with_format(row, col, text, &bold)?;
    }
    summary.set_column_width(0, 14)?;
    summary.set_column_width(1, 48)?;
    summary.set_column_width(2, 16)?;
    for col in 3..6 {
        summary.set_column_width(col, 18)?;
    }
    summary.set_column_width(6, 26)?;
    for figure in &report.figures {
        row += 1;
        let indicator = figure.table.indicator;
        let format = formats(indicator.unit());
        summary.write_string(row, 0, axis_short(indicator.axis))?;
        summary.write_string(row, 1, indicator.label)?;
        summary.write_string(row, 2, indicator.unit().label())?;
        let compared = &figure.compared;
        for (col, cell) in [
            (3u16, compared.current),
            (4, compared.previous),
            (5, compared.year_before),
        ] {
            write_cell(summary, row, col, cell, &format)?;
        }
        summary.write_string(row, 6, indicator.id)?;
    }

    for figure in &report.figures {
        let table = &figure.table;
        let indicator = table.indicator;
        let format = formats(indicator.unit());
        let sheet = workbook.add_worksheet();
        // Sheet names are at most 31 characters; the registry's ids are shorter.
        sheet.set_name(indicator.id)?;
        sheet.write_string_with_format(0, 0, indicator.label, &title)?;
        sheet.write_string(
            1,
            0,
            format!("{} — {}", indicator.unit().label(), table.period.label()),
        )?;
        sheet.write_string_with_format(2, 0, indicator.formula_text, &wrap)?;
        if table.empty {
            sheet.write_string(
                3,
                0,
                "Aucune activité enregistrée sur la période : pas de chiffre.",
            )?;
        }
        sheet.write_string_with_format(5, 0, "Département", &bold)?;
        sheet.set_column_width(0, 36)?;
        for (col, column) in (1u16..).zip(&table.columns) {
            sheet.write_string_with_format(5, col, &column.label, &bold)?;
            sheet.set_column_width(col, 16)?;
        }
        let total_col = u16::try_from(table.columns.len() + 1).unwrap_or(u16::MAX);
        sheet.write_string_with_format(5, total_col, "Période", &bold)?;
        for (row, line) in (6u32..).zip(&table.lines) {
            sheet.write_string(row, 0, &line.label)?;
            for (col, cell) in (1u16..).zip(&line.cells) {
                write_cell(sheet, row, col, *cell, &format)?;
            }
            write_cell(sheet, row, total_col, line.total, &format)?;
        }
        // The trend: the same figure over the periods leading to this one.
        let row = 6 + u32::try_from(table.lines.len()).unwrap_or(u32::MAX - 8) + 1;
        let scope = report
            .asked
            .department
            .as_deref()
            .map_or_else(|| "Région".to_string(), |d| format!("Département {d}"));
        sheet.write_string_with_format(row, 0, "Évolution", &bold)?;
        sheet.write_string(row + 1, 0, scope)?;
        for (col, (period, cell)) in (1u16..).zip(&figure.trend) {
            sheet.write_string_with_format(row, col, period.label(), &bold)?;
            write_cell(sheet, row + 1, col, *cell, &format)?;
        }
    }

    let glossary = workbook.add_worksheet();
    glossary.set_name("Définitions")?;
    let head = [
        "Identifiant",
        "Axe",
        "Indicateur",
        "Définition",
        "Formule",
        "Unité",
        "Dimensions",
        "Source",
        "Seuil du secret",
    ];
    for (col, text) in (0u16..).zip(head) {
        glossary.write_string_with_format(0, col, text, &bold)?;
    }
    for (col, width) in [(0u16, 24.0), (2, 36.0), (3, 60.0), (4, 60.0), (7, 48.0)] {
        glossary.set_column_width(col, width)?;
    }
    for (row, i) in (1u32..).zip(REGISTRY) {
        let dimensions = i
            .dimensions()
            .iter()
            .map(|d| d.label())
            .collect::<Vec<_>>()
            .join(", ");
        for (col, text) in (0u16..).zip([
            i.id,
            axis_short(i.axis),
            i.label,
            i.definition,
            i.formula_text,
            i.unit().label(),
            &dimensions,
            i.source,
        ]) {
            glossary.write_string_with_format(row, col, text, &wrap)?;
        }
        glossary.write_number(row, 8, i.threshold as f64)?;
    }
    workbook.save_to_buffer()
}

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    format: &Format,
) -> Result<(), XlsxError> {
    match cell.value {
        Some(value) if cell.state == CellState::Published => {
            sheet.write_number_with_format(row, col, value, format)?;
        }
        _ => {
            sheet.write_string(row, col, word(cell))?;
        }
    }
    Ok(())
}

/// The axis in a few words, for a column.
pub fn axis_short(axis: Axis) -> &'static str {
    match axis {
        Axis::Network => "1 Se connaître",
        Axis::Sourcing => "2 Sourcing",
        Axis::Shortage => "3 Tension",
        Axis::Reconversion => "4 Reconversion",
    }
}

/// The report as CSV: one line per figure (indicator, period or column, territory), the
/// figure as a number with a point (shares between 0 and 1) or empty, and its state.
pub fn csv(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "indicator",
        "label",
        "unit",
        "period",
        "column",
        "territory",
        "territory_label",
        "state",
        "value",
    ])?;
    for figure in &report.figures {
        let table = &figure.table;
        let indicator = table.indicator;
        let period = table.period.to_string();
        for line in &table.lines {
            let cells = table
                .columns
                .iter()
                .map(|c| c.key.as_str())
                .zip(&line.cells)
                .chain(std::iter::once((period.as_str(), &line.total)));
            for (column, cell) in cells {
                let value = match (cell.state, cell.value) {
                    (CellState::Published, Some(v)) => v.to_string(),
                    _ => String::new(),
                };
                let state = match cell.state {
                    CellState::Published => "published",
                    CellState::Withheld => "withheld",
                    CellState::Undefined => "undefined",
                    CellState::QuarterOnly => "quarter_only",
                };
                out.write_record([
                    indicator.id,
                    indicator.label,
                    indicator.unit().as_str(),
                    &period,
                    column,
                    &line.key,
                    &line.label,
                    state,
                    &value,
                ])?;
            }
        }
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

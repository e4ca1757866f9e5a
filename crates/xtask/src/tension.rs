//! The DARES tension indicators, 2019 edition (`../shared/data/dares-tensions-2019/`): per FAP
//! family and territory, the national series since 2011, and the FAP 225 → ROME crosswalk kept
//! for the codes ROME 4.0 still has.
//!
//! The files are read as published, quirks included (a header ending with a space, classes and
//! region codes written as floats, `reg ` with a space). A line that cannot be read is reported
//! with its number and left out; it never stops the generator. A missing value stays empty,
//! never zero.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::tsv::{Files, Table};

/// The columns of `tensions.csv`, by their published names (trimmed).
const TENSION_COLUMNS: [&str; 15] = [
    "fap",
    "Emploi moyen",
    "Tension",
    "Catégorie Tension",
    "Intensité d'embauches",
    "Lien formation-emploi",
    "Manque de main-d'œuvre disponible",
    "Non-durabilité de l'emploi",
    "Conditions de travail contraignantes",
    "Inadéquation géographique",
    "Année",
    "niveau_geo",
    "niveau_fap",
    "reg",
    "dep",
];

/// The header of the generated `tension/tensions.tsv`.
const TENSIONS_HEADER: [&str; 13] = [
    "fap",
    "nomenclature",
    "level",
    "territory",
    "employment",
    "score",
    "class",
    "hiring",
    "training_link",
    "labour_shortage",
    "non_durable",
    "working_conditions",
    "geographic_mismatch",
];

/// What was read, and the lines left out with why.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: usize,
    pub skipped: Vec<String>,
}

pub fn generate(dir: &Path, rome_codes: &BTreeSet<String>, files: &mut Files) -> Result<Report> {
    let mut report = Report::default();
    let tensions = read(&dir.join("tensions.csv"), b',')?;
    files.add(
        "tension/tensions.tsv",
        tension_table(&tensions, &mut report)?,
    );
    let series = read(&dir.join("evol_tensions.csv"), b',')?;
    files.add(
        "tension/national_series.tsv",
        series_table(&series, &mut report)?,
    );
    let crosswalk = read(&dir.join("fap225_rome.csv"), b';')?;
    files.add(
        "tension/fap_rome.tsv",
        crosswalk_table(&crosswalk, rome_codes, &mut report)?,
    );
    Ok(report)
}

/// The file's lines as trimmed cells, the header first; a line the CSV reader cannot read is
/// an error (the file itself is broken, not one of its values).
fn read(path: &Path, delimiter: u8) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        lines.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(lines)
}

/// Checks the header and yields the data lines with their line numbers (from 2), reporting
/// those that do not have the header's number of cells.
fn data_lines<'a>(
    file: &'static str,
    lines: &'a [Vec<String>],
    header: &[&str],
    report: &mut Report,
) -> Result<Vec<(usize, &'a [String])>> {
    let Some(first) = lines.first() else {
        bail!("{file}: empty");
    };
    if first.len() != header.len() || first.iter().zip(header).any(|(a, b)| a != b) {
        bail!("{file}: header {first:?}, expected {header:?}");
    }
    let mut kept = Vec::new();
    for (i, cells) in lines.iter().enumerate().skip(1) {
        if cells.iter().all(String::is_empty) {
            // A blank line (`;;` at the end of the crosswalk): nothing to read.
        } else if cells.len() == header.len() {
            kept.push((i + 1, cells.as_slice()));
        } else {
            report.skipped.push(format!(
                "{file} line {}: {} cells, expected {}",
                i + 1,
                cells.len(),
                header.len()
            ));
        }
    }
    Ok(kept)
}

/// A FAP code: five characters for FAP 225 (`A0Z40`), three for FAP 87 (`A0Z`).
fn fap_code(text: &str) -> Option<&'static str> {
    match text.as_bytes() {
        [a, b, c, rest @ ..]
            if a.is_ascii_uppercase()
                && b.is_ascii_digit()
                && c.is_ascii_uppercase()
                && rest.iter().all(u8::is_ascii_digit) =>
        {
            match rest.len() {
                2 => Some("fap225"),
                0 => Some("fap87"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A cell that may be empty (missing): its number as written, or why it is not one.
fn number(cell: &str, column: &str) -> std::result::Result<Option<f64>, String> {
    if cell.is_empty() || cell == "n.d." || cell == "n.d" || cell == "NA" {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(format!("{column}: {cell:?} is not a number")),
    }
}

/// A class 1–5 written as a float (`5.0`).
fn class(cell: &str, column: &str) -> std::result::Result<String, String> {
    match number(cell, column)? {
        None => Ok(String::new()),
        Some(n) if n.fract() == 0.0 && (1.0..=5.0).contains(&n) => Ok(format!("{n:.0}")),
        Some(_) => Err(format!("{column}: {cell:?} is not a class from 1 to 5")),
    }
}

fn tension_table(lines: &[Vec<String>], report: &mut Report) -> Result<String> {
    let mut table = Table::new(&TENSIONS_HEADER);
    let mut seen = BTreeSet::new();
    let mut skipped = Vec::new();
    let mut rows = 0;
    for (line, c) in data_lines("tensions.csv", lines, &TENSION_COLUMNS, report)? {
        match tension_row(c) {
            Ok(row) => {
                let [fap, _, level, territory, ..] = &row;
                if seen.insert((fap.clone(), level.clone(), territory.clone())) {
                    table.row(&row)?;
                    rows += 1;
                } else {
                    skipped.push(format!(
                        "tensions.csv line {line}: {fap} {level} {territory} given twice; the first is kept"
                    ));
                }
            }
            Err(reason) => skipped.push(format!("tensions.csv line {line}: {reason}")),
        }
    }
    report.rows += rows;
    report.skipped.extend(skipped);
    Ok(table.render())
}

fn tension_row(cells: &[String]) -> std::result::Result<[String; 13], String> {
    let [
        fap,
        employment,
        score,
        tension,
        hiring,
        training,
        shortage,
        non_durable,
        conditions,
        geographic,
        year,
        geo,
        nomenclature,
        region,
        department,
    ] = cells
    else {
        return Err(format!("{} cells, expected 15", cells.len()));
    };
    let code_kind =
        fap_code(fap).ok_or_else(|| format!("fap: {fap:?} is not a FAP 225 or FAP 87 code"))?;
    let declared = match nomenclature.as_str() {
        "fap 225" => "fap225",
        "fap 87" => "fap87",
        other => return Err(format!("niveau_fap: {other:?} is not fap 225 or fap 87")),
    };
    if declared != code_kind {
        return Err(format!("fap: {fap:?} is not a code of {nomenclature}"));
    }
    if year != "2019" {
        return Err(format!("Année: {year:?}, this edition is 2019"));
    }
    let (level, territory) = match geo.as_str() {
        "nat" => ("nation", String::new()),
        "reg" => ("region", region_code(region)?),
        "dep" => ("department", department_code(department)?),
        other => return Err(format!("niveau_geo: {other:?} is not nat, reg or dep")),
    };
    let employment = number(employment, "Emploi moyen")?
        .map(|n| format!("{n:.0}"))
        .unwrap_or_default();
    let score = number(score, "Tension")?
        .map(|n| format!("{n:.4}"))
        .unwrap_or_default();
    Ok([
        fap.clone(),
        code_kind.to_string(),
        level.to_string(),
        territory,
        employment,
        score,
        class(tension, "Catégorie Tension")?,
        class(hiring, "Intensité d'embauches")?,
        class(training, "Lien formation-emploi")?,
        class(shortage, "Manque de main-d'œuvre disponible")?,
        class(non_durable, "Non-durabilité de l'emploi")?,
        class(conditions, "Conditions de travail contraignantes")?,
        class(geographic, "Inadéquation géographique")?,
    ])
}

/// A region's INSEE code, written as a float (`11.0`, `1.0`): two digits.
fn region_code(cell: &str) -> std::result::Result<String, String> {
    match number(cell, "reg")? {
        Some(n) if n.fract() == 0.0 && (1.0..100.0).contains(&n) => Ok(format!("{n:02.0}")),
        _ => Err(format!("reg: {cell:?} is not a region code")),
    }
}

/// A department's code: two digits, 2A, 2B, or three digits overseas.
fn department_code(cell: &str) -> std::result::Result<String, String> {
    let ok = match cell.len() {
        2 => cell.bytes().all(|b| b.is_ascii_digit()) || cell == "2A" || cell == "2B",
        3 => cell.starts_with("97") && cell.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    if ok {
        Ok(cell.to_string())
    } else {
        Err(format!("dep: {cell:?} is not a department code"))
    }
}

fn series_table(lines: &[Vec<String>], report: &mut Report) -> Result<String> {
    let mut table = Table::new(&["fap", "year", "score"]);
    let mut skipped = Vec::new();
    for (line, c) in data_lines(
        "evol_tensions.csv",
        lines,
        &["fap", "Tension", "Année"],
        report,
    )? {
        let row = (|| {
            let [fap, score, year] = c else {
                return Err(format!("{} cells, expected 3", c.len()));
            };
            fap_code(fap).ok_or_else(|| format!("fap: {fap:?} is not a FAP code"))?;
            let year: u16 = year
                .parse()
                .ok()
                .filter(|y| (2000..2100).contains(y))
                .ok_or_else(|| format!("Année: {year:?} is not a year"))?;
            let score = number(score, "Tension")?
                .map(|n| format!("{n:.4}"))
                .unwrap_or_default();
            Ok::<_, String>([fap.clone(), year.to_string(), score])
        })();
        match row {
            Ok(row) => table.row(&row)?,
            Err(reason) => skipped.push(format!("evol_tensions.csv line {line}: {reason}")),
        }
    }
    report.skipped.extend(skipped);
    Ok(table.render())
}

/// FAP 225 → ROME: the pairs whose code ROME 4.0 still has; `NA` (a family without ROME code)
/// is not a pair.
fn crosswalk_table(
    lines: &[Vec<String>],
    rome_codes: &BTreeSet<String>,
    report: &mut Report,
) -> Result<String> {
    let mut table = Table::new(&["fap", "rome"]);
    let mut pairs = BTreeSet::new();
    let mut skipped = Vec::new();
    for (line, c) in data_lines(
        "fap225_rome.csv",
        lines,
        &["Fap", "Rome", "intitule_rome"],
        report,
    )? {
        let [fap, rome, _] = c else {
            continue;
        };
        if fap_code(fap) != Some("fap225") {
            skipped.push(format!(
                "fap225_rome.csv line {line}: Fap: {fap:?} is not a FAP 225 code"
            ));
        } else if rome == "NA" {
            // A family that no ROME code describes.
        } else if !rome_codes.contains(rome) {
            skipped.push(format!(
                "fap225_rome.csv line {line}: Rome: {rome:?} is not a ROME 4.0 code"
            ));
        } else if pairs.insert((fap.clone(), rome.clone())) {
            table.row(&[fap.as_str(), rome.as_str()])?;
        }
    }
    report.skipped.extend(skipped);
    Ok(table.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> Vec<String> {
        line.split(',').map(str::to_string).collect()
    }

    fn header() -> Vec<String> {
        TENSION_COLUMNS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn published_quirks_are_read_and_missing_values_stay_missing() {
        let lines = vec![
            header(),
            cells(
                "A0Z40,63100,-0.006062928049646171,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,",
            ),
            cells("A0Z40,100,0.1527896795599538,,,,,,,,2019,reg,fap 225,3.0,"),
            cells("A0Z,600,0.5,5.0,1.0,2.0,3.0,4.0,5.0,1.0,2019,dep,fap 87,,2A"),
            cells("A0Z40,200,,,,,,,,,2019,dep,fap 225,,75"),
        ];
        let mut report = Report::default();
        let text = tension_table(&lines, &mut report).unwrap();
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                TENSIONS_HEADER.join("\t").as_str(),
                "A0Z\tfap87\tdepartment\t2A\t600\t0.5000\t5\t1\t2\t3\t4\t5\t1",
                "A0Z40\tfap225\tdepartment\t75\t200\t\t\t\t\t\t\t\t",
                "A0Z40\tfap225\tnation\t\t63100\t-0.0061\t3\t5\t3\t2\t5\t4\t5",
                "A0Z40\tfap225\tregion\t03\t100\t0.1528\t\t\t\t\t\t\t",
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_by_number_and_left_out() {
        let lines = vec![
            header(),
            cells("A0Z40,1,0.1,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,"),
            cells("ZZ,1,0.1,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,"),
            cells("A0Z41,1,abc,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,"),
            cells("A0Z42,1,0.1,7.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,"),
            cells("A0Z43,1,0.1,3.0,5.0"),
            cells("A0Z44,1,0.1,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,canton,fap 225,,"),
            cells("A0Z40,1,0.2,3.0,5.0,3.0,2.0,5.0,4.0,5.0,2019,nat,fap 225,,"),
        ];
        let mut report = Report::default();
        let text = tension_table(&lines, &mut report).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert_eq!(
            report.skipped,
            [
                "tensions.csv line 6: 5 cells, expected 15",
                "tensions.csv line 3: fap: \"ZZ\" is not a FAP 225 or FAP 87 code",
                "tensions.csv line 4: Tension: \"abc\" is not a number",
                "tensions.csv line 5: Catégorie Tension: \"7.0\" is not a class from 1 to 5",
                "tensions.csv line 7: niveau_geo: \"canton\" is not nat, reg or dep",
                "tensions.csv line 8: A0Z40 nation  given twice; the first is kept",
            ]
        );
    }

    #[test]
    fn the_crosswalk_keeps_rome_4_codes_and_leaves_families_without_code() {
        let lines: Vec<Vec<String>> = [
            "Fap;Rome;intitule_rome",
            "A0Z00;NA;NA",
            "A0Z40;A1416;x",
            "A0Z40;A1416;x",
            "A0Z41;Z9999;y",
            "A0;A1416;z",
        ]
        .iter()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
        let codes = BTreeSet::from(["A1416".to_string()]);
        let mut report = Report::default();
        let text = crosswalk_table(&lines, &codes, &mut report).unwrap();
        assert_eq!(text, "fap\trome\nA0Z40\tA1416\n");
        assert_eq!(
            report.skipped,
            [
                "fap225_rome.csv line 5: Rome: \"Z9999\" is not a ROME 4.0 code",
                "fap225_rome.csv line 6: Fap: \"A0\" is not a FAP 225 code",
            ]
        );
    }
}

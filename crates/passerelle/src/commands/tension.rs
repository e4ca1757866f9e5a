//! `passerelle tension ...`: the tension of occupations by territory. `official` is the DARES /
//! France Travail publication embedded in the binary (structural tension); `local` is
//! Passerelle's own measure on its offers and job seekers. The two are never merged.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use refdata::tension::{FamilyTension, Level, OfficialTension, Territory};
use serde::Serialize;
use service::tension::{FILL_DELAYS, LocalTension, Measure, Occupations, Period, Territories};

use super::{now, open_store, write_json};
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub enum TensionCommand {
    /// The official tension of an occupation: class 1–5, score, the six complementary
    /// indicators, the FAP families behind the code, the level that answered and the edition
    ///
    /// The department falls back to its region, then to the nation, when the edition has no
    /// value there (every Île-de-France department, in the 2019 edition):
    /// `passerelle tension official --rome J1501 --department 93`.
    Official {
        /// ROME code, e.g. J1501
        #[arg(long)]
        rome: String,
        /// Department code (93, 2A, 971)
        #[arg(long, conflicts_with = "region")]
        department: Option<String>,
        /// Region INSEE code (11 for Île-de-France)
        #[arg(long)]
        region: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Passerelle's own measure of tension, on its offers and job seekers: per occupation (ROME
    /// code or FAP family) and territory (department or group of communes), offers per 10 job
    /// seekers, job seekers within reach of the offers, the
    /// dissimilarity of where offers and job seekers are, the share declared hard to fill, the
    /// fill rates at 30, 47 and 90 days, the median time to fill and the share abandoned for
    /// lack of candidates.
    ///
    /// Any figure on fewer than 20 offers or people is withheld (secret statistique). The
    /// period is a quarter, a month, or a year cut by month (default: the last quarter
    /// ended): `passerelle tension local --department 93 --quarter 2026-Q3`. By FAP family,
    /// an offer counts in every family of its occupation (the DARES crosswalk is many to many)
    /// and a person once in each family of what they seek.
    Local {
        /// Only the offers of this department (93, 2A, 971); every department when absent
        #[arg(long)]
        department: Option<String>,
        /// What an occupation is: a ROME code, or a FAP 225 family of the DARES crosswalk
        #[arg(long, value_enum, default_value = "rome")]
        occupations: OccupationsArg,
        /// What a territory is: a department, or a group of communes (the EPT in the Grand
        /// Paris, Paris as one, the EPCI elsewhere)
        #[arg(long, value_enum, default_value = "department")]
        territories: TerritoriesArg,
        /// A quarter, e.g. 2026-Q3
        #[arg(long, value_name = "YYYY-Qn", conflicts_with_all = ["month", "year"])]
        quarter: Option<String>,
        /// A month, e.g. 2026-07
        #[arg(long, value_name = "YYYY-MM", conflicts_with = "year")]
        month: Option<String>,
        /// A year, cut by month
        #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(2000..=2199))]
        year: Option<i32>,
        /// Only this ROME code (occupations by ROME code)
        #[arg(long, conflicts_with = "fap")]
        rome: Option<String>,
        /// Only this FAP 225 family, e.g. T4Z60 (occupations by FAP family)
        #[arg(long)]
        fap: Option<String>,
        /// The day of measure (default: today): a fill rate judges only the offers published
        /// at least that many days before
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// How many rows to print, the most offers first (text only)
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Database URL (default: the settings' database)
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(
    command: TensionCommand,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        TensionCommand::Local {
            department,
            quarter,
            month,
            year,
            occupations,
            territories,
            rome,
            fap,
            today,
            limit,
            database,
            json,
        } => {
            let settings = Settings::load(config_file, database.as_deref())?;
            let today = today.unwrap_or_else(|| now().date_naive());
            let period = Period::parse(quarter.as_deref(), month.as_deref(), year, today)
                .map_err(anyhow::Error::msg)?;
            let department = match department {
                None => None,
                Some(code) => {
                    let code = code.trim().to_ascii_uppercase();
                    let known = refdata::geo().department(&code).with_context(|| {
                        format!("department: {code} is not a French department")
                    })?;
                    Some(known.code)
                }
            };
            let occupations = match occupations {
                OccupationsArg::Rome => Occupations::Rome,
                OccupationsArg::Fap => Occupations::Fap,
            };
            let territories = match territories {
                TerritoriesArg::Department => Territories::Department,
                TerritoriesArg::CommuneGroup => Territories::CommuneGroup,
            };
            let occupation = match (rome, fap) {
                (Some(_), _) if occupations == Occupations::Fap => {
                    anyhow::bail!("rome: occupations by FAP family: give --fap, not --rome")
                }
                (_, Some(_)) if occupations == Occupations::Rome => {
                    anyhow::bail!("fap: give --occupations fap with --fap")
                }
                (Some(code), _) => Some(
                    refdata::rome()
                        .find(&code)
                        .map_err(|err| anyhow::anyhow!("rome: {err}"))?
                        .code
                        .to_string(),
                ),
                (_, Some(code)) => Some(
                    service::tension::fap_family(&code)
                        .map_err(|err| anyhow::anyhow!("fap: {err}"))?,
                ),
                (None, None) => None,
            };
            crate::block_on(local(
                &settings,
                Measure {
                    period,
                    occupations,
                    territories,
                    department,
                    occupation,
                    today,
                },
                limit,
                json,
                out,
            ))?
        }
        TensionCommand::Official {
            rome,
            department,
            region,
            json,
        } => {
            let occupation = refdata::rome()
                .find(&rome)
                .map_err(|err| anyhow::anyhow!("rome: {err}"))?;
            let territory = match (&department, &region) {
                (Some(d), _) => Territory::Department(d.trim()),
                (None, Some(r)) => Territory::Region(r.trim()),
                (None, None) => Territory::Nation,
            };
            let tension = refdata::tensions()
                .official(occupation.code, territory)
                .with_context(|| format!("the official tension of {}", occupation.code))?;
            if json {
                write_json(out, &tension)
            } else {
                write_text(out, occupation.label, &tension, territory)
            }
        }
    }
}

fn level_name(level: Level, territory: Option<&str>) -> String {
    let geo = refdata::geo();
    match (level, territory) {
        (Level::Department, Some(code)) => geo.department(code).map_or(code.to_string(), |d| {
            format!("department {code} ({})", d.name)
        }),
        (Level::Region, Some(code)) => geo
            .region(code)
            .map_or(code.to_string(), |r| format!("region {code} ({})", r.name)),
        _ => "France".to_string(),
    }
}

fn class_or_dash(class: Option<u8>) -> String {
    class.map_or("-".to_string(), |c| c.to_string())
}

fn write_text(
    out: &mut dyn Write,
    label: &str,
    tension: &OfficialTension,
    asked: Territory<'_>,
) -> anyhow::Result<()> {
    writeln!(out, "{}  {label}", tension.rome)?;
    let answered = level_name(tension.level, tension.territory);
    let asked_name = match asked {
        Territory::Department(code) => level_name(Level::Department, Some(code)),
        Territory::Region(code) => level_name(Level::Region, Some(code)),
        Territory::Nation => "France".to_string(),
    };
    if answered == asked_name {
        writeln!(out, "territory: {answered}")?;
    } else {
        writeln!(
            out,
            "territory: {answered} (no value for {asked_name} in this edition)"
        )?;
    }
    writeln!(
        out,
        "tension: class {} of 5, score {:.3}{}",
        tension.class,
        tension.score,
        if tension.combined {
            " (the families' scores weighted by their employment; the class of that score)"
        } else {
            ""
        }
    )?;
    for (label, class) in tension.indicators.labelled() {
        writeln!(out, "  {label}: {}", class_or_dash(class))?;
    }
    writeln!(out, "FAP families:")?;
    for family in &tension.families {
        write_family(out, family)?;
    }
    writeln!(out, "source: {}", tension.edition)?;
    Ok(())
}

fn write_family(out: &mut dyn Write, family: &FamilyTension) -> anyhow::Result<()> {
    writeln!(
        out,
        "  {}  class {}  score {}  employment {}",
        family.fap,
        class_or_dash(family.class),
        family.score.map_or("-".to_string(), |s| format!("{s:.3}")),
        family.employment.map_or("-".to_string(), |e| e.to_string()),
    )?;
    Ok(())
}

async fn local(
    settings: &Settings,
    asked: Measure,
    limit: usize,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let (period, department, today) = (asked.period.name.clone(), asked.department, asked.today);
    let (occupations, territories) = (asked.occupations, asked.territories);
    let mut cells = service::tension::measure(store.as_ref(), asked).await?;
    service::tension::sort_for_display(&mut cells);
    if json {
        return write_json(
            out,
            &LocalReport {
                measure: "local: Passerelle's own offers and job seekers (not the DARES tension)",
                period: &period,
                occupations,
                territories,
                department,
                measured_on: today,
                secret_below: service::tension::SECRET_BELOW,
                cells: &cells,
            },
        );
    }
    let (occupation_word, territory_word) = (
        match occupations {
            Occupations::Rome => "occupation",
            Occupations::Fap => "FAP family",
        },
        match territories {
            Territories::Department => "department",
            Territories::CommuneGroup => "group of communes",
        },
    );
    writeln!(
        out,
        "Local tension: Passerelle's own offers and job seekers (not the DARES tension), {period}{}, by {occupation_word} and {territory_word}, measured on {today}",
        department
            .map(|d| format!(", offers of department {d}"))
            .unwrap_or_default(),
    )?;
    if cells.is_empty() {
        writeln!(out, "no offer was published in that period")?;
        return Ok(());
    }
    for cell in cells.iter().take(limit) {
        write_cell(out, cell, occupations, territories)?;
    }
    writeln!(
        out,
        "{} of {} {occupation_word} × {territory_word} × period cells shown; a figure on fewer than {} offers or people is withheld (secret statistique)",
        cells.len().min(limit),
        cells.len(),
        service::tension::SECRET_BELOW
    )?;
    if occupations == Occupations::Fap {
        writeln!(
            out,
            "an offer counts in every FAP family of its occupation (the DARES crosswalk is many to many): families do not add up"
        )?;
    }
    Ok(())
}

/// `--occupations`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OccupationsArg {
    Rome,
    Fap,
}

/// `--territories`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TerritoriesArg {
    Department,
    CommuneGroup,
}

#[derive(Serialize)]
struct LocalReport<'a> {
    /// Passerelle's own measure, not the DARES tension.
    measure: &'static str,
    period: &'a str,
    occupations: Occupations,
    territories: Territories,
    department: Option<&'a str>,
    measured_on: NaiveDate,
    secret_below: u64,
    cells: &'a [LocalTension],
}

fn secret<T>(value: Option<T>, shown: impl Fn(T) -> String) -> String {
    value.map_or("secret (< 20)".to_string(), shown)
}

fn percent(value: Option<f64>) -> String {
    secret(value, |v| format!("{:.0} %", v * 100.0))
}

fn write_cell(
    out: &mut dyn Write,
    cell: &LocalTension,
    occupations: Occupations,
    territories: Territories,
) -> anyhow::Result<()> {
    let label = match occupations {
        Occupations::Rome => refdata::rome()
            .occupation(&cell.occupation)
            .map_or(String::new(), |o| format!("  {}", o.label)),
        Occupations::Fap => String::new(),
    };
    let place = match territories {
        Territories::Department => cell.territory.clone(),
        Territories::CommuneGroup => territories
            .name(&cell.territory)
            .map_or(cell.territory.clone(), |name| {
                format!("{name}, {}", cell.territory)
            }),
    };
    writeln!(
        out,
        "{}{label}  ({place} · {})",
        cell.occupation, cell.period
    )?;
    if cell.offers.is_none() {
        writeln!(
            out,
            "  fewer than 20 offers: figures withheld (secret statistique); job seekers {}",
            secret(cell.seekers, |n| n.to_string())
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "  offers {} · job seekers {} · offers per 10 job seekers {} · job seekers within reach per offer {} · dissimilarity {}",
        secret(cell.offers, |n| n.to_string()),
        secret(cell.seekers, |n| n.to_string()),
        secret(cell.offers_per_10_seekers, |v| format!("{v:.1}")),
        secret(cell.seekers_within_reach, |v| format!("{v:.1}")),
        secret(cell.dissimilarity, |v| format!("{v:.2}")),
    )?;
    let filled: Vec<String> = FILL_DELAYS
        .iter()
        .zip(cell.filled_within)
        .map(|(days, share)| format!("{days} days {}", percent(share)))
        .collect();
    writeln!(
        out,
        "  declared hard to fill {} · filled within {} · median time to fill {} · abandoned for lack of candidates {}",
        percent(cell.hard_to_fill_share),
        filled.join(", "),
        secret(cell.median_days_to_fill, |d| format!("{d:.0} days")),
        percent(cell.abandoned_share),
    )?;
    Ok(())
}

//! `passerelle tension ...`: the tension of occupations by territory. `official` is the DARES /
//! France Travail publication embedded in the binary (structural tension), never Passerelle's
//! own measure.

use std::io::Write;

use anyhow::Context;
use clap::Subcommand;
use refdata::tension::{FamilyTension, Level, OfficialTension, Territory};

use super::write_json;

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
}

pub fn run(command: TensionCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
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

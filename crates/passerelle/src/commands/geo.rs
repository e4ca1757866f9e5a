//! `passerelle geo ...`: French communes and distances.

use std::io::Write;

use anyhow::bail;
use clap::Subcommand;
use refdata::{Commune, Geo};
use serde::Serialize;

use super::write_json;

#[derive(Debug, Subcommand)]
pub enum GeoCommand {
    /// Find communes by INSEE code, postcode or name
    ///
    /// Prints code, name, department, region, postcodes, population, latitude, longitude and
    /// whether the coordinates are approximate. A postcode or a name may give several communes,
    /// most populated first.
    Commune {
        /// INSEE code (93066), postcode (93200) or name (evry courcouronnes)
        query: String,
        /// Print JSON (always a list) instead of text
        #[arg(long)]
        json: bool,
    },
    /// Great-circle distance in kilometres between two communes
    Distance {
        /// First commune: INSEE code, postcode or name
        from: String,
        /// Second commune: INSEE code, postcode or name
        to: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct CommuneView<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    arrondissement_of: Option<&'a str>,
    department: &'a str,
    department_name: Option<&'a str>,
    region: &'a str,
    region_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epci: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epci_name: Option<&'a str>,
    postcodes: &'a [&'a str],
    population: u32,
    latitude: f64,
    longitude: f64,
    approximate: bool,
}

impl<'a> CommuneView<'a> {
    fn new(geo: &'a Geo, c: &'a Commune) -> Self {
        Self {
            code: c.code,
            name: c.name,
            arrondissement_of: c.arrondissement_of,
            department: c.department,
            department_name: geo.department(c.department).map(|d| d.name),
            region: c.region,
            region_name: geo.region(c.region).map(|r| r.name),
            epci: c.epci,
            epci_name: c.epci.and_then(|e| geo.epci(e)).map(|e| e.name),
            postcodes: &c.postcodes,
            population: c.population,
            latitude: c.latitude,
            longitude: c.longitude,
            approximate: c.approximate,
        }
    }
}

#[derive(Serialize)]
struct DistanceView<'a> {
    from: CommuneView<'a>,
    to: CommuneView<'a>,
    kilometres: f64,
    /// True when either commune's coordinates are approximate.
    approximate: bool,
}

/// Exactly one commune for `query`, or an error listing the candidates.
fn one<'a>(geo: &'a Geo, query: &str) -> anyhow::Result<&'a Commune> {
    let found = geo.find(query)?;
    match found.as_slice() {
        [one] => Ok(one),
        many => {
            let list: Vec<String> = many
                .iter()
                .take(10)
                .map(|c| format!("{} ({}, {})", c.name, c.department, c.code))
                .collect();
            bail!(
                "{query:?} names {} communes; give an INSEE code instead: {}{}",
                many.len(),
                list.join(", "),
                if many.len() > 10 { ", ..." } else { "" }
            )
        }
    }
}

pub fn run(command: GeoCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    let geo = refdata::geo();
    match command {
        GeoCommand::Commune { query, json } => {
            let found = geo.find(&query)?;
            if json {
                let views: Vec<CommuneView> =
                    found.iter().map(|c| CommuneView::new(geo, c)).collect();
                return write_json(out, &views);
            }
            for c in found {
                let v = CommuneView::new(geo, c);
                writeln!(
                    out,
                    "{}  {}  {} {}  {} {}  postcodes {}  population {}  {:.5}, {:.5}{}",
                    v.code,
                    v.name,
                    v.department,
                    v.department_name.unwrap_or(""),
                    v.region,
                    v.region_name.unwrap_or(""),
                    v.postcodes.join(" "),
                    v.population,
                    v.latitude,
                    v.longitude,
                    if v.approximate { " (approximate)" } else { "" }
                )?;
            }
            Ok(())
        }
        GeoCommand::Distance { from, to, json } => {
            let (a, b) = (one(geo, &from)?, one(geo, &to)?);
            let kilometres = (refdata::distance_km(a.point(), b.point()) * 100.0).round() / 100.0;
            let approximate = a.approximate || b.approximate;
            if json {
                return write_json(
                    out,
                    &DistanceView {
                        from: CommuneView::new(geo, a),
                        to: CommuneView::new(geo, b),
                        kilometres,
                        approximate,
                    },
                );
            }
            writeln!(
                out,
                "{kilometres:.2} km from {} ({}) to {} ({}){}",
                a.name,
                a.code,
                b.name,
                b.code,
                if approximate {
                    ", one end placed approximately"
                } else {
                    ""
                }
            )?;
            Ok(())
        }
    }
}

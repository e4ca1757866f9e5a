//! Structures (France Travail agencies, agences d'emploi, partners) as CSV or JSON.
//!
//! Columns (CSV header, or keys of each JSON object): `siret`, `type` (france_travail,
//! agence_emploi, cap_emploi, mission_locale, akto, fastt, other), `nom`, `reseau`, `adresse`,
//! `code_postal`, `commune` (INSEE code), `latitude`, `longitude`, `email`, `telephone`,
//! `site_web`, `statut` (active, closed; default active). Required: siret, type, nom, commune.

use std::collections::BTreeMap;
use std::io::Write;

use domain::{Email, PhoneNumber, Postcode, Siret};
use model::{StructureKind, StructureRecord, StructureStatus};
use serde_json::Value;

use crate::table::{Table, writer};
use crate::{Fields, FileError, Row, RowError, known_commune};

pub const COLUMNS: [&str; 13] = [
    "siret",
    "type",
    "nom",
    "reseau",
    "adresse",
    "code_postal",
    "commune",
    "latitude",
    "longitude",
    "email",
    "telephone",
    "site_web",
    "statut",
];

fn record(position: usize, get: &dyn Fn(&str) -> Option<String>) -> Row<StructureRecord> {
    let mut f = Fields::default();
    let required = |f: &mut Fields, column: &str| f.required(column, get(column));
    let siret = required(&mut f, "siret").and_then(|s| f.take("siret", Siret::parse(&s)));
    let kind = required(&mut f, "type").and_then(|k| match StructureKind::parse(&k) {
        Some(kind) => Some(kind),
        None => {
            f.error("type", format!("{k:?} is not one of {}", kinds()));
            None
        }
    });
    let name = required(&mut f, "nom");
    let commune = required(&mut f, "commune").and_then(|c| f.take("commune", known_commune(&c)));
    let postcode = get("code_postal").map(|p| f.take("code_postal", Postcode::parse(&p)));
    let coordinate = |f: &mut Fields, column: &str, limit: f64| {
        get(column).map(|v| match v.replace(',', ".").parse::<f64>() {
            Ok(x) if x.abs() <= limit => Some(x),
            _ => {
                f.error(
                    column,
                    format!("{v:?} is not a number between -{limit} and {limit}"),
                );
                None
            }
        })
    };
    let latitude = coordinate(&mut f, "latitude", 90.0);
    let longitude = coordinate(&mut f, "longitude", 180.0);
    if latitude.is_some() != longitude.is_some() {
        f.error("longitude", "latitude and longitude go together");
    }
    let email = get("email").map(|e| f.take("email", Email::parse(&e)));
    let phone = get("telephone").map(|p| f.take("telephone", PhoneNumber::parse(&p)));
    let status = match get("statut") {
        None => Some(StructureStatus::Active),
        Some(s) => match StructureStatus::parse(&s) {
            Some(status) => Some(status),
            None => {
                f.error("statut", format!("{s:?} is not active or closed"));
                None
            }
        },
    };
    f.finish(position, || {
        Some(StructureRecord {
            siret: siret?,
            kind: kind?,
            name: name?,
            network: get("reseau"),
            address: get("adresse"),
            postcode: postcode.flatten(),
            commune: commune?,
            coordinates: latitude.flatten().zip(longitude.flatten()),
            email: email.flatten(),
            phone: phone.flatten(),
            website: get("site_web"),
            status: status?,
        })
    })
}

fn kinds() -> String {
    StructureKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn read_csv(bytes: &[u8]) -> Result<Vec<Row<StructureRecord>>, FileError> {
    let table = Table::read(bytes, &["siret", "type", "nom", "commune"])?;
    Ok(table
        .lines()
        .map(|(line, row)| record(line, &|c| row.optional(c).map(str::to_string)))
        .collect())
}

pub fn read_json(bytes: &[u8]) -> Result<Vec<Row<StructureRecord>>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let items: Vec<Value> = serde_json::from_slice(bytes)
        .map_err(|err| FileError(format!("expected a JSON array of structures: {err}")))?;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(object) = item else {
                return Err(RowError {
                    position: i + 1,
                    errors: vec![crate::FieldError::new("structure", "not a JSON object")],
                });
            };
            let get = |column: &str| -> Option<String> {
                match object.get(column) {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                }
            };
            record(i + 1, &get)
        })
        .collect())
}

fn cells(s: &StructureRecord) -> [String; 13] {
    [
        s.siret.to_string(),
        s.kind.as_str().to_string(),
        s.name.clone(),
        s.network.clone().unwrap_or_default(),
        s.address.clone().unwrap_or_default(),
        s.postcode
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        s.commune.to_string(),
        s.coordinates.map(|c| c.0.to_string()).unwrap_or_default(),
        s.coordinates.map(|c| c.1.to_string()).unwrap_or_default(),
        s.email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        s.phone.as_ref().map(|p| p.national()).unwrap_or_default(),
        s.website.clone().unwrap_or_default(),
        s.status.as_str().to_string(),
    ]
}

pub fn write_csv(structures: &[StructureRecord], out: &mut dyn Write) -> std::io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(COLUMNS)?;
    for s in structures {
        csv.write_record(cells(s))?;
    }
    csv.flush()
}

pub fn write_json(structures: &[StructureRecord], out: &mut dyn Write) -> std::io::Result<()> {
    let items: Vec<BTreeMap<&str, Value>> = structures
        .iter()
        .map(|s| {
            COLUMNS
                .iter()
                .zip(cells(s))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| {
                    let value = match *k {
                        "latitude" | "longitude" => v
                            .parse::<f64>()
                            .map_or(Value::String(v.clone()), Value::from),
                        _ => Value::String(v),
                    };
                    (*k, value)
                })
                .collect()
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    out.write_all(b"\n")
}

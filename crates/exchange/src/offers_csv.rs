//! Offers as CSV, for agencies whose tools export spreadsheets rather than France Travail's
//! JSON. The columns follow the Offres d'emploi v2 fields:
//!
//! | column | content | required |
//! |---|---|---|
//! | `structure_siret` | SIRET of the owner (or `--structure` on import) | |
//! | `reference` | the owner's reference of the offer | yes |
//! | `intitule`, `description` | title, text | title |
//! | `code_rome`, `appellation`, `appellation_ogr` | occupation | ROME code |
//! | `commune`, `code_postal`, `lieu`, `latitude`, `longitude` | workplace (INSEE code) | commune |
//! | `type_contrat` | CDI, CDD, MIS, SAI, DIN... | yes |
//! | `nature_contrat`, `duree`, `duree_jours`, `horaires`, `heures_hebdo` | contract details | |
//! | `temps_travail` | `plein` or `partiel` | |
//! | `salaire`, `qualification`, `secteur_naf` | | |
//! | `experience` | `D` beginners accepted (default), `S` wished, `E` required | |
//! | `experience_mois` | months of experience | |
//! | `permis` | licences asked for, `\|`-separated labels | |
//! | `competences` | OGR codes of ROME skills, `\|`-separated, each `:E` required (default) or `:S` wished (`100007:E\|100010:S`) | |
//! | `nombre_postes` | default 1 | |
//! | `accessible_th`, `difficile_a_pourvoir` | `oui` or `non` (default) | |
//! | `debut` | start date | |
//! | `statut` | `open` (default), `filled`, `cancelled`, `expired` | |
//! | `date_publication`, `date_actualisation`, `date_cloture` | dates, or dates and times | publication |
//! | `motif_cloture` | why a cancelled offer was: `lack_of_candidates` or `need_withdrawn` | |
//!
//! `salaire` is France Travail's label ("Mensuel de 1800.00 Euros à 2000.00 Euros sur 12
//! mois"), read into a monthly gross range when it can be, as in the JSON.

use std::io::Write;

use domain::{ExternalId, Postcode, RomeCode, Siret};
use model::{ContractType, ExperienceRequired, OfferRecord, OfferSkill, OfferStatus, WorkingTime};

use crate::table::{Line, Table, writer};
use crate::text::{date, timestamp};
use crate::{Fields, FileError, Row, known_commune, point};

pub const COLUMNS: [&str; 33] = [
    "structure_siret",
    "reference",
    "intitule",
    "description",
    "code_rome",
    "appellation",
    "appellation_ogr",
    "commune",
    "code_postal",
    "lieu",
    "latitude",
    "longitude",
    "type_contrat",
    "nature_contrat",
    "duree",
    "duree_jours",
    "horaires",
    "heures_hebdo",
    "temps_travail",
    "salaire",
    "qualification",
    "secteur_naf",
    "experience",
    "experience_mois",
    "permis",
    "competences",
    "nombre_postes",
    "accessible_th",
    "difficile_a_pourvoir",
    "debut",
    "statut",
    "date_publication",
    "date_actualisation",
];

/// `date_cloture` and `motif_cloture` come last, after [`COLUMNS`].
const CLOSED: &str = "date_cloture";
const CLOSE_REASON: &str = "motif_cloture";

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn yes_no(f: &mut Fields, column: &str, cell: &str) -> Option<bool> {
    match cell.to_lowercase().as_str() {
        "" | "non" | "false" | "0" => Some(false),
        "oui" | "true" | "1" => Some(true),
        other => {
            f.error(column, format!("{other:?} is not oui or non"));
            None
        }
    }
}

fn number<T: std::str::FromStr>(
    f: &mut Fields,
    column: &str,
    cell: Option<&str>,
) -> Option<Option<T>> {
    match cell {
        None => Some(None),
        Some(text) => match text.replace(',', ".").parse::<T>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                f.error(column, format!("{text:?} is not a number"));
                None
            }
        },
    }
}

fn record(position: usize, line: &Line<'_>, owner: Option<&Siret>) -> Row<OfferRecord> {
    let mut f = Fields::default();
    let required = |f: &mut Fields, column: &str| f.required(column, line.optional(column));
    let structure_siret = f.owner("structure_siret", line.optional("structure_siret"), owner);
    let external_id =
        required(&mut f, "reference").and_then(|v| f.take("reference", ExternalId::parse(v)));
    let title = required(&mut f, "intitule").map(str::to_string);
    let rome = required(&mut f, "code_rome").and_then(|v| f.take("code_rome", RomeCode::parse(v)));
    let commune = required(&mut f, "commune").and_then(|v| f.take("commune", known_commune(v)));
    let postcode = line
        .optional("code_postal")
        .map(|v| f.take("code_postal", Postcode::parse(v)));
    let latitude = number::<f64>(&mut f, "latitude", line.optional("latitude"));
    let longitude = number::<f64>(&mut f, "longitude", line.optional("longitude"));
    let coordinates = f.take("latitude", point(latitude.flatten(), longitude.flatten()));
    let contract_type = required(&mut f, "type_contrat").and_then(|v| {
        match ContractType::parse(&v.to_uppercase()) {
            Some(kind) => Some(kind),
            None => {
                f.error(
                    "type_contrat",
                    format!("{v:?} is not a contract type (CDI, CDD, MIS...)"),
                );
                None
            }
        }
    });
    let duration_days = number::<u32>(&mut f, "duree_jours", line.optional("duree_jours"));
    let weekly_hours = number::<f64>(&mut f, "heures_hebdo", line.optional("heures_hebdo"));
    if let Some(Some(hours)) = weekly_hours
        && !(hours > 0.0 && hours <= 60.0)
    {
        f.error("heures_hebdo", format!("{hours} is not between 0 and 60"));
    }
    let working_time = match line.get("temps_travail").to_lowercase().as_str() {
        "" => Some(None),
        "plein" | "temps plein" => Some(Some(WorkingTime::FullTime)),
        "partiel" | "temps partiel" => Some(Some(WorkingTime::PartTime)),
        other => {
            f.error(
                "temps_travail",
                format!("{other:?} is not plein or partiel"),
            );
            None
        }
    };
    let experience_required = match line.optional("experience") {
        None => Some(ExperienceRequired::Beginner),
        Some(code) => match ExperienceRequired::parse(&code.to_uppercase()) {
            Some(e) => Some(e),
            None => {
                f.error("experience", format!("{code:?} is not D, S or E"));
                None
            }
        },
    };
    let experience_months =
        number::<u16>(&mut f, "experience_mois", line.optional("experience_mois"));
    let mut skills = Vec::new();
    let max = crate::offers_json::MAX_LIST;
    if list(line.get("competences")).nth(max).is_some() {
        f.error("competences", format!("at most {max} skills"));
    }
    for item in list(line.get("competences")).take(max) {
        let (code, requirement) = match item.split_once(':') {
            Some((code, requirement)) => (code.trim(), requirement.trim().to_uppercase()),
            None => (item, "E".to_string()),
        };
        if requirement != "E" && requirement != "S" {
            f.error(
                "competences",
                format!("{item:?}: the requirement is E or S"),
            );
            continue;
        }
        match refdata::rome().skill(code) {
            Some(skill) => skills.push(OfferSkill {
                code: Some(code.to_string()),
                label: skill.label.to_string(),
                requirement: Some(requirement),
            }),
            None => f.error(
                "competences",
                format!("{code:?} is not the OGR code of a ROME skill"),
            ),
        }
    }
    let positions = match number::<u16>(&mut f, "nombre_postes", line.optional("nombre_postes")) {
        Some(Some(0)) => {
            f.error("nombre_postes", "at least 1");
            None
        }
        Some(n) => Some(n.unwrap_or(1)),
        None => None,
    };
    let accessible_th = yes_no(&mut f, "accessible_th", line.get("accessible_th"));
    let hard_to_fill = yes_no(
        &mut f,
        "difficile_a_pourvoir",
        line.get("difficile_a_pourvoir"),
    );
    let starts_on = line.optional("debut").map(|v| f.take("debut", date(v)));
    let status = match line.optional("statut") {
        None => Some(OfferStatus::Open),
        Some(s) => match OfferStatus::parse(s) {
            Some(status) => Some(status),
            None => {
                f.error(
                    "statut",
                    format!("{s:?} is not open, filled, cancelled or expired"),
                );
                None
            }
        },
    };
    let published_at =
        required(&mut f, "date_publication").and_then(|v| f.take("date_publication", timestamp(v)));
    let source_updated_at = line
        .optional("date_actualisation")
        .map(|v| f.take("date_actualisation", timestamp(v)));
    let closed_at = line.optional(CLOSED).map(|v| f.take(CLOSED, timestamp(v)));
    if let Some(status) = status
        && (status == OfferStatus::Open) != closed_at.is_none()
    {
        f.error(CLOSED, "set exactly when the offer is not open");
    }
    let close_reason = match line.optional(CLOSE_REASON) {
        None => Some(None),
        Some(text) => match (model::CloseReason::parse(text), status) {
            (Some(reason), Some(OfferStatus::Cancelled)) => Some(Some(reason)),
            (Some(_), _) => {
                f.error(CLOSE_REASON, "only a cancelled offer has a closing reason");
                None
            }
            (None, _) => {
                f.error(
                    CLOSE_REASON,
                    format!("{text:?} is not lack_of_candidates or need_withdrawn"),
                );
                None
            }
        },
    };
    use model::text::{DESCRIPTION_CHARS, LINE_CHARS};
    f.line("intitule", title.as_deref(), LINE_CHARS);
    f.paragraph(
        "description",
        Some(line.get("description")),
        DESCRIPTION_CHARS,
    );
    for column in [
        "appellation",
        "lieu",
        "nature_contrat",
        "duree",
        "horaires",
        "salaire",
        "permis",
    ] {
        f.line(column, line.optional(column), LINE_CHARS);
    }
    for column in ["qualification", "secteur_naf", "appellation_ogr"] {
        f.line(column, line.optional(column), 20);
    }
    f.finish(position, || {
        Some(OfferRecord {
            structure_siret: structure_siret?,
            external_id: external_id?,
            title: title?,
            description: line.get("description").to_string(),
            rome: rome?,
            job_title: line.optional("appellation").map(str::to_string),
            job_title_ogr: line.optional("appellation_ogr").map(str::to_string),
            workplace_label: line.optional("lieu").map(str::to_string),
            commune: commune?,
            postcode: postcode.flatten(),
            coordinates: coordinates?,
            contract_type: contract_type?,
            contract_nature: line.optional("nature_contrat").map(str::to_string),
            duration_label: line.optional("duree").map(str::to_string),
            duration_days: duration_days?,
            hours_label: line.optional("horaires").map(str::to_string),
            weekly_hours: weekly_hours?,
            working_time: working_time?,
            salary_label: line.optional("salaire").map(str::to_string),
            wage: crate::wage::of_label(line.optional("salaire"), weekly_hours.flatten()),
            qualification_code: line.optional("qualification").map(str::to_string),
            sector_code: line.optional("secteur_naf").map(str::to_string),
            experience_required: experience_required?,
            experience_months: experience_months?,
            licences: list(line.get("permis")).map(str::to_string).collect(),
            skills,
            positions: positions?,
            accessible_th: accessible_th?,
            hard_to_fill: hard_to_fill?,
            starts_on: starts_on.flatten(),
            status: status?,
            published_at: published_at?,
            source_updated_at: source_updated_at.flatten(),
            closed_at: closed_at.flatten(),
            close_reason: close_reason?,
        })
    })
}

pub fn read(bytes: &[u8], owner: Option<&Siret>) -> Result<Vec<Row<OfferRecord>>, FileError> {
    let mut rows = Vec::new();
    read_each(bytes, owner, &mut |row| rows.push(row))?;
    Ok(rows)
}

pub fn read_each(
    bytes: &[u8],
    owner: Option<&Siret>,
    sink: &mut dyn FnMut(Row<OfferRecord>),
) -> Result<(), FileError> {
    let table = Table::read(
        bytes,
        &[
            "reference",
            "intitule",
            "code_rome",
            "commune",
            "type_contrat",
            "date_publication",
        ],
    )?;
    for (n, line) in table.lines() {
        sink(record(n, &line, owner));
    }
    Ok(())
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Writes offers as CSV. Skills are written by OGR code (their labels are the ROME's): a
/// skill without a code is not written.
pub fn write(offers: &[OfferRecord], out: &mut dyn Write) -> std::io::Result<()> {
    let mut csv = writer(out);
    let mut header = COLUMNS.to_vec();
    header.push(CLOSED);
    header.push(CLOSE_REASON);
    csv.write_record(&header)?;
    for o in offers {
        let skills = o
            .skills
            .iter()
            .filter_map(|s| {
                let code = s.code.as_ref()?;
                Some(format!(
                    "{code}:{}",
                    s.requirement.as_deref().unwrap_or("E")
                ))
            })
            .collect::<Vec<_>>()
            .join("|");
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        csv.write_record([
            o.structure_siret.to_string(),
            o.external_id.to_string(),
            o.title.clone(),
            o.description.clone(),
            o.rome.to_string(),
            opt(&o.job_title),
            opt(&o.job_title_ogr),
            o.commune.to_string(),
            o.postcode
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            opt(&o.workplace_label),
            o.coordinates.map(|c| c.0.to_string()).unwrap_or_default(),
            o.coordinates.map(|c| c.1.to_string()).unwrap_or_default(),
            o.contract_type.as_str().to_string(),
            opt(&o.contract_nature),
            opt(&o.duration_label),
            o.duration_days.map(|d| d.to_string()).unwrap_or_default(),
            opt(&o.hours_label),
            o.weekly_hours.map(|h| h.to_string()).unwrap_or_default(),
            match o.working_time {
                Some(WorkingTime::FullTime) => "plein",
                Some(WorkingTime::PartTime) => "partiel",
                None => "",
            }
            .to_string(),
            o.salary_label
                .clone()
                .or_else(|| o.wage.map(|w| w.label()))
                .unwrap_or_default(),
            opt(&o.qualification_code),
            opt(&o.sector_code),
            o.experience_required.as_str().to_string(),
            o.experience_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            o.licences.join("|"),
            skills.clone(),
            o.positions.to_string(),
            if o.accessible_th { "oui" } else { "non" }.to_string(),
            if o.hard_to_fill { "oui" } else { "non" }.to_string(),
            o.starts_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            o.status.as_str().to_string(),
            time(o.published_at),
            o.source_updated_at.map(time).unwrap_or_default(),
            o.closed_at.map(time).unwrap_or_default(),
            o.close_reason
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
        ])?;
    }
    csv.flush()
}

//! Offers in France Travail's *Offres d'emploi v2* JSON: `{"resultats": [...]}` or a plain
//! array of offers with camelCase fields.
//!
//! | field | stored as | required |
//! |---|---|---|
//! | `id` | the offer's reference | yes |
//! | `intitule`, `description` | title, text | title |
//! | `romeCode`, `appellationlibelle` | occupation, job title | ROME code |
//! | `lieuTravail.commune` (INSEE code), `.codePostal`, `.libelle`, `.latitude`, `.longitude` | workplace | the commune, or a postcode of a single commune |
//! | `typeContrat`, `typeContratLibelle`, `natureContrat` | contract | type |
//! | `experienceExige` (D, S, E), `experienceLibelle` (`6 Mois`, `2 An(s)`) | experience | |
//! | `competences[{code, libelle, exigence}]`, `permis[{libelle}]` | skills, licences | |
//! | `salaire.libelle`, `dureeTravailLibelle`, `dureeTravailLibelleConverti` | pay, hours, full or part time | |
//! | `nombrePostes` (default 1), `accessibleTH`, `offresManqueCandidats` | positions, open to disabled workers, hard to fill | |
//! | `qualificationCode`, `codeNAF` or `secteurActivite` | qualification, employer's sector | |
//! | `dateCreation`, `dateActualisation` | published, updated | publication |
//!
//! What the format has no field for (the owner structure, the status, closing date and reason,
//! weekly hours, duration in days, start date, the job title's OGR code) travels in an extension
//! object `"passerelle"` (`structureSiret`, `status`, `closedAt`, `closeReason` — for a cancelled
//! offer, `lack_of_candidates` or `need_withdrawn` —, `weeklyHours`, `durationDays`, `startsOn`,
//! `experienceMonths`, `jobTitleOgr`), which France Travail's clients ignore. Without
//! `structureSiret`, the importer says which structure owns the offers (`--structure SIRET`).
//!
//! `salaire.libelle` is kept as written and read into a monthly gross range when it can be: a
//! period (`Mensuel`, `Horaire`, `Annuel`), one figure or a range (`Mensuel de 1800.00 Euros à
//! 2000.00 Euros sur 12 mois`, `Horaire de 11,88 Euros`), payments over 12 to 16 months; an hourly
//! figure is paid for the offer's weekly hours (35 when it does not say) over 52 weeks. A label that
//! cannot be read is said in the import report (`salaire.libelle: …; the label is kept, with no
//! numeric wage`); the offer is imported without a numeric wage. An offer written out with a wage
//! and no label gets the monthly label.

use std::io::Write;

use domain::{ExternalId, InseeCode, Postcode, RomeCode, Siret};
use model::{ContractType, ExperienceRequired, OfferRecord, OfferSkill, OfferStatus, WorkingTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::{experience_label, experience_months, timestamp};
use crate::{FieldError, Fields, FileError, Row, RowError, known_commune, point};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Lieu {
    #[serde(skip_serializing_if = "Option::is_none")]
    libelle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_postal: Option<String>,
    /// INSEE code of the commune.
    #[serde(skip_serializing_if = "Option::is_none")]
    commune: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Competence {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default)]
    libelle: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exigence: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Permis {
    libelle: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exigence: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Salaire {
    #[serde(skip_serializing_if = "Option::is_none")]
    libelle: Option<String>,
}

/// Passerelle's extension: what Offres d'emploi v2 has no field for.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Extension {
    #[serde(skip_serializing_if = "Option::is_none")]
    structure_siret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    close_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    starts_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weekly_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    experience_months: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title_ogr: Option<String>,
}

/// One offer as the file has it.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intitule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_creation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_actualisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lieu_travail: Option<Lieu>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rome_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rome_libelle: Option<String>,
    #[serde(rename = "appellationlibelle", skip_serializing_if = "Option::is_none")]
    appellation_libelle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    type_contrat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    type_contrat_libelle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nature_contrat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    experience_exige: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    experience_libelle: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    competences: Vec<Competence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    permis: Vec<Permis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salaire: Option<Salaire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duree_travail_libelle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duree_travail_libelle_converti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nombre_postes: Option<u32>,
    #[serde(rename = "accessibleTH", skip_serializing_if = "Option::is_none")]
    accessible_th: Option<bool>,
    /// A string in the API, a number in some exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    qualification_code: Option<Value>,
    #[serde(rename = "codeNAF", skip_serializing_if = "Option::is_none")]
    code_naf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secteur_activite: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offres_manque_candidats: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passerelle: Option<Extension>,
}

/// The most skills or permits one offer may list.
pub const MAX_LIST: usize = 100;

/// Reads a file of offers. `owner` is the structure the offers belong to when the file does
/// not say (France Travail's own files never do).
pub fn read(bytes: &[u8], owner: Option<&Siret>) -> Result<Vec<Row<OfferRecord>>, FileError> {
    let mut rows = Vec::new();
    read_each(bytes, owner, &mut |row| rows.push(row))?;
    Ok(rows)
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    resultats: Option<Vec<&'a serde_json::value::RawValue>>,
}

/// As [`read`], handing each row to `sink` as soon as it is read. Offers are split as raw
/// text first and parsed one by one: a large file is never held as a JSON tree.
pub fn read_each(
    bytes: &[u8],
    owner: Option<&Siret>,
    sink: &mut dyn FnMut(Row<OfferRecord>),
) -> Result<(), FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text =
        std::str::from_utf8(bytes).map_err(|err| FileError(format!("not UTF-8 text: {err}")))?;
    let shape_error = || {
        FileError(
            "expected an array of offers, or an object with a \"resultats\" array".to_string(),
        )
    };
    let json_error = |err: serde_json::Error| match err.classify() {
        serde_json::error::Category::Data => shape_error(),
        _ => FileError(format!("not a JSON document: {err}")),
    };
    let offers: Vec<&serde_json::value::RawValue> = match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(text).map_err(json_error)?,
        Some(b'{') => serde_json::from_str::<Envelope>(text)
            .map_err(json_error)?
            .resultats
            .ok_or_else(shape_error)?,
        _ => {
            return Err(FileError(
                "not a JSON document: it starts with neither [ nor {".to_string(),
            ));
        }
    };
    for (i, raw) in offers.into_iter().enumerate() {
        sink(offer(i + 1, raw.get(), owner));
    }
    Ok(())
}

fn offer(position: usize, text: &str, owner: Option<&Siret>) -> Row<OfferRecord> {
    let raw: Raw =
        match serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)) {
            Ok(raw) => raw,
            Err(err) => {
                // An error of the offer as a whole (not an object, a field given twice) has
                // the root's path, ".": it is the offer's.
                let field = match err.path().to_string() {
                    path if path == "." => "offer".to_string(),
                    path => path,
                };
                return Err(RowError {
                    position,
                    errors: vec![FieldError::new(field, err.into_inner().to_string())],
                });
            }
        };
    let mut f = Fields::default();
    let extension = raw.passerelle.unwrap_or_default();
    let lieu = raw.lieu_travail.unwrap_or_default();

    let external_id = match &raw.id {
        Some(id) => f.take("id", ExternalId::parse(id)),
        None => {
            f.error("id", "missing: the offer's reference");
            None
        }
    };
    let structure_siret = f.owner(
        "passerelle.structureSiret",
        extension.structure_siret.as_deref(),
        owner,
    );
    let title = match raw.intitule.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => Some(title.to_string()),
        _ => {
            f.error("intitule", "missing: the offer's title");
            None
        }
    };
    let rome = match &raw.rome_code {
        Some(code) => f.take("romeCode", RomeCode::parse(code)),
        None => {
            f.error("romeCode", "missing: the ROME code of the occupation");
            None
        }
    };
    let postcode = match &lieu.code_postal {
        Some(code) => f.take("lieuTravail.codePostal", Postcode::parse(code)),
        None => None,
    };
    let commune = match (&lieu.commune, &postcode) {
        (Some(code), _) => f.take("lieuTravail.commune", known_commune(code)),
        // Without the commune, a postcode of a single commune (or arrondissement) will do.
        (None, Some(postcode)) => match single_commune(postcode) {
            Some(code) => Some(code),
            None => {
                f.error(
                    "lieuTravail.commune",
                    "missing, and the postcode does not name a single commune",
                );
                None
            }
        },
        // The postcode was given but is wrong: that is the error to fix.
        (None, None) if lieu.code_postal.is_some() => None,
        (None, None) => {
            f.error(
                "lieuTravail.commune",
                "missing: the INSEE code of the workplace",
            );
            None
        }
    };
    let coordinates = f
        .take("lieuTravail.latitude", point(lieu.latitude, lieu.longitude))
        .flatten();
    let contract_type = match raw.type_contrat.as_deref() {
        Some(code) => match ContractType::parse(code) {
            Some(kind) => Some(kind),
            None => {
                f.error(
                    "typeContrat",
                    format!("{code:?} is not a contract type (CDI, CDD, MIS...)"),
                );
                None
            }
        },
        None => {
            f.error(
                "typeContrat",
                "missing: the contract type (CDI, CDD, MIS...)",
            );
            None
        }
    };
    let experience_required = match raw.experience_exige.as_deref() {
        None => Some(ExperienceRequired::Beginner),
        Some(code) => match ExperienceRequired::parse(code) {
            Some(e) => Some(e),
            None => {
                f.error("experienceExige", format!("{code:?} is not D, S or E"));
                None
            }
        },
    };
    let published_at = match &raw.date_creation {
        Some(text) => f.take("dateCreation", timestamp(text)),
        None => {
            f.error("dateCreation", "missing: when the offer was published");
            None
        }
    };
    let source_updated_at = match &raw.date_actualisation {
        Some(text) => f.take("dateActualisation", timestamp(text)).map(Some),
        None => Some(None),
    };
    let status = match extension.status.as_deref() {
        None => Some(OfferStatus::Open),
        Some(text) => match OfferStatus::parse(text) {
            Some(status) => Some(status),
            None => {
                f.error(
                    "passerelle.status",
                    format!("{text:?} is not open, filled, cancelled or expired"),
                );
                None
            }
        },
    };
    let closed_at = match &extension.closed_at {
        Some(text) => f.take("passerelle.closedAt", timestamp(text)).map(Some),
        None => Some(None),
    };
    if let (Some(status), Some(closed_at)) = (status, closed_at)
        && (status == OfferStatus::Open) != closed_at.is_none()
    {
        f.error(
            "passerelle.closedAt",
            "set exactly when the offer is not open",
        );
    }
    let close_reason = match extension.close_reason.as_deref() {
        None => Some(None),
        Some(text) => match (model::CloseReason::parse(text), status) {
            (Some(reason), Some(OfferStatus::Cancelled)) => Some(Some(reason)),
            (Some(_), _) => {
                f.error(
                    "passerelle.closeReason",
                    "only a cancelled offer has a closing reason",
                );
                None
            }
            (None, _) => {
                f.error(
                    "passerelle.closeReason",
                    format!("{text:?} is not lack_of_candidates or need_withdrawn"),
                );
                None
            }
        },
    };
    let starts_on = match &extension.starts_on {
        Some(text) => f
            .take("passerelle.startsOn", crate::text::date(text))
            .map(Some),
        None => Some(None),
    };
    let positions = match raw.nombre_postes {
        None => Some(1),
        Some(n) => match u16::try_from(n) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                f.error("nombrePostes", format!("{n} is not between 1 and 65535"));
                None
            }
        },
    };
    if let Some(hours) = extension.weekly_hours
        && !(hours > 0.0 && hours <= 60.0)
    {
        f.error(
            "passerelle.weeklyHours",
            format!("{hours} is not between 0 and 60"),
        );
    }
    let working_time = match raw.duree_travail_libelle_converti.as_deref() {
        Some("Temps plein") => Some(WorkingTime::FullTime),
        Some("Temps partiel") => Some(WorkingTime::PartTime),
        _ => None,
    };
    let qualification_code = match raw.qualification_code {
        Some(Value::String(code)) => Some(code),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let experience_months_value = extension.experience_months.or_else(|| {
        raw.experience_libelle
            .as_deref()
            .and_then(experience_months)
    });

    use model::text::{DESCRIPTION_CHARS, LINE_CHARS};
    f.line("intitule", title.as_deref(), LINE_CHARS);
    f.paragraph("description", raw.description.as_deref(), DESCRIPTION_CHARS);
    let lines = [
        ("appellationlibelle", raw.appellation_libelle.as_deref()),
        ("lieuTravail.libelle", lieu.libelle.as_deref()),
        ("natureContrat", raw.nature_contrat.as_deref()),
        ("typeContratLibelle", raw.type_contrat_libelle.as_deref()),
        ("dureeTravailLibelle", raw.duree_travail_libelle.as_deref()),
        (
            "salaire.libelle",
            raw.salaire.as_ref().and_then(|s| s.libelle.as_deref()),
        ),
    ];
    for (field, text) in lines {
        f.line(field, text, LINE_CHARS);
    }
    // Codes are short; lists are bounded too (France Travail's offers carry a few of each).
    const CODE_CHARS: usize = 20;
    let codes = [
        ("qualificationCode", qualification_code.as_deref()),
        ("codeNAF", raw.code_naf.as_deref()),
        ("secteurActivite", raw.secteur_activite.as_deref()),
        ("passerelle.jobTitleOgr", extension.job_title_ogr.as_deref()),
    ];
    for (field, text) in codes {
        f.line(field, text, CODE_CHARS);
    }
    if raw.permis.len() > MAX_LIST {
        f.error("permis", format!("at most {MAX_LIST} permits"));
    }
    if raw.competences.len() > MAX_LIST {
        f.error("competences", format!("at most {MAX_LIST} skills"));
    }
    for (i, permis) in raw.permis.iter().enumerate().take(MAX_LIST) {
        f.line(
            &format!("permis/{i}/libelle"),
            Some(&permis.libelle),
            LINE_CHARS,
        );
    }
    for (i, skill) in raw.competences.iter().enumerate().take(MAX_LIST) {
        f.line(
            &format!("competences/{i}/libelle"),
            Some(&skill.libelle),
            LINE_CHARS,
        );
        f.line(
            &format!("competences/{i}/code"),
            skill.code.as_deref(),
            CODE_CHARS,
        );
        f.line(
            &format!("competences/{i}/exigence"),
            skill.exigence.as_deref(),
            CODE_CHARS,
        );
    }

    f.finish(position, || {
        Some(OfferRecord {
            structure_siret: structure_siret?,
            external_id: external_id?,
            title: title?,
            description: raw.description.unwrap_or_default(),
            rome: rome?,
            job_title: raw.appellation_libelle,
            job_title_ogr: extension.job_title_ogr,
            workplace_label: lieu.libelle,
            commune: commune?,
            postcode,
            coordinates,
            contract_type: contract_type?,
            contract_nature: raw.nature_contrat,
            duration_label: raw.type_contrat_libelle,
            duration_days: extension.duration_days,
            hours_label: raw.duree_travail_libelle,
            weekly_hours: extension.weekly_hours,
            working_time,
            wage: crate::wage::of_label(
                raw.salaire.as_ref().and_then(|s| s.libelle.as_deref()),
                extension.weekly_hours,
            ),
            salary_label: raw.salaire.and_then(|s| s.libelle),
            qualification_code,
            sector_code: raw.code_naf.or(raw.secteur_activite),
            experience_required: experience_required?,
            experience_months: experience_months_value,
            licences: raw.permis.into_iter().map(|p| p.libelle).collect(),
            skills: raw
                .competences
                .into_iter()
                .map(|c| OfferSkill {
                    code: c.code,
                    label: c.libelle,
                    requirement: c.exigence,
                })
                .collect(),
            positions: positions?,
            accessible_th: raw.accessible_th.unwrap_or(false),
            hard_to_fill: raw.offres_manque_candidats.unwrap_or(false),
            starts_on: starts_on?,
            status: status?,
            published_at: published_at?,
            source_updated_at: source_updated_at?,
            closed_at: closed_at?,
            close_reason: close_reason?,
        })
    })
}

/// The one commune a postcode names; a city's arrondissement rather than the city (75011 is
/// Paris 11e, not Paris).
fn single_commune(postcode: &Postcode) -> Option<InseeCode> {
    crate::specific_commune(&refdata::geo().lookup(postcode.as_str()))
}

fn raw_of(offer: &OfferRecord) -> Raw {
    let rome_label = refdata::rome()
        .occupation(offer.rome.as_str())
        .map(|o| o.label.to_string());
    Raw {
        id: Some(offer.external_id.to_string()),
        intitule: Some(offer.title.clone()),
        description: Some(offer.description.clone()),
        date_creation: Some(
            offer
                .published_at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ),
        date_actualisation: offer
            .source_updated_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        lieu_travail: Some(Lieu {
            libelle: offer.workplace_label.clone(),
            latitude: offer.coordinates.map(|c| c.0),
            longitude: offer.coordinates.map(|c| c.1),
            code_postal: offer.postcode.as_ref().map(ToString::to_string),
            commune: Some(offer.commune.to_string()),
        }),
        rome_code: Some(offer.rome.to_string()),
        rome_libelle: rome_label,
        appellation_libelle: offer.job_title.clone(),
        type_contrat: Some(offer.contract_type.as_str().to_string()),
        type_contrat_libelle: offer.duration_label.clone(),
        nature_contrat: offer.contract_nature.clone(),
        experience_exige: Some(offer.experience_required.as_str().to_string()),
        experience_libelle: offer.experience_months.map(experience_label),
        competences: offer
            .skills
            .iter()
            .map(|s| Competence {
                code: s.code.clone(),
                libelle: s.label.clone(),
                exigence: s.requirement.clone(),
            })
            .collect(),
        permis: offer
            .licences
            .iter()
            .map(|l| Permis {
                libelle: l.clone(),
                exigence: None,
            })
            .collect(),
        salaire: offer
            .salary_label
            .clone()
            .or_else(|| offer.wage.map(|w| w.label()))
            .map(|libelle| Salaire {
                libelle: Some(libelle),
            }),
        duree_travail_libelle: offer.hours_label.clone(),
        duree_travail_libelle_converti: offer.working_time.map(|w| match w {
            WorkingTime::FullTime => "Temps plein".to_string(),
            WorkingTime::PartTime => "Temps partiel".to_string(),
        }),
        nombre_postes: Some(u32::from(offer.positions)),
        accessible_th: Some(offer.accessible_th),
        qualification_code: offer.qualification_code.clone().map(Value::String),
        code_naf: offer.sector_code.clone().filter(|c| c.len() > 2),
        // The division: a code's first two characters, or all of a shorter one (found by
        // `offers_json_reads_damaged_files`: a sector "0" was written as none).
        secteur_activite: offer
            .sector_code
            .as_ref()
            .map(|c| c.chars().take(2).collect()),
        offres_manque_candidats: Some(offer.hard_to_fill),
        passerelle: Some(Extension {
            structure_siret: Some(offer.structure_siret.to_string()),
            status: Some(offer.status.as_str().to_string()),
            closed_at: offer
                .closed_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            close_reason: offer.close_reason.map(|r| r.as_str().to_string()),
            starts_on: offer.starts_on.map(|d| d.format("%Y-%m-%d").to_string()),
            weekly_hours: offer.weekly_hours,
            duration_days: offer.duration_days,
            experience_months: offer.experience_months,
            job_title_ogr: offer.job_title_ogr.clone(),
        }),
    }
}

/// Writes offers one at a time into `{"resultats": [...]}`, one offer per line.
pub struct Writer<'a> {
    out: &'a mut dyn Write,
    first: bool,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut dyn Write) -> std::io::Result<Self> {
        out.write_all(b"{\"resultats\": [\n")?;
        Ok(Self { out, first: true })
    }

    pub fn write(&mut self, offer: &OfferRecord) -> std::io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
        }
        self.first = false;
        serde_json::to_writer(&mut *self.out, &raw_of(offer))?;
        Ok(())
    }

    pub fn finish(self) -> std::io::Result<()> {
        self.out.write_all(b"\n]}\n")
    }
}

/// Writes offers as `{"resultats": [...]}`, one offer per line.
pub fn write(offers: &[OfferRecord], out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = Writer::new(out)?;
    for offer in offers {
        writer.write(offer)?;
    }
    writer.finish()
}

//! Job seekers as CSV, the way a France Travail portfolio export or an advisor's spreadsheet
//! holds them. UTF-8 with or without BOM, `;` or `,` separated, dates `JJ/MM/AAAA` or ISO.
//!
//! | column | content | required |
//! |---|---|---|
//! | `identifiant` | France Travail identifier of the person | yes |
//! | `prenom`, `nom` | first and last name | yes |
//! | `email`, `telephone` | contact | |
//! | `date_naissance` | date | |
//! | `commune` | INSEE code of the commune of residence | yes |
//! | `disponible_le` | date from which the person is available | |
//! | `mobilite_km` | commute limit in km, 0 to 300 | yes |
//! | `metiers` | 1 to 3 ROME codes, `\|`-separated, each optionally `:OGR` of a job title (`N1101:11679\|N1103`) | yes |
//! | `competences` | OGR codes of ROME skills, `\|`-separated | |
//! | `qualifications` | `kind:code`, `\|`-separated: `permis:B`, `caces:R489-3`, `habilitation:B1V`, `autre:...` | |
//! | `langues` | ISO 639-1 code, optionally `:level` (`fr:C2\|en:B1`) | |
//! | `experience` | `ROME:months`, `\|`-separated (`N1101:24`) | |
//! | `contrats` | contract types wished (`MIS\|CDI`) | |
//! | `temps_travail` | `plein`, `partiel` or `indifferent` (default) | |
//! | `rqth`, `longue_duree`, `rsa`, `qpv`, `senior`, `jeune_sans_qualification` | priority status: empty or `non`, `oui` (held, not disclosed to agencies), `oui-divulgue` (held and disclosed) | |
//! | `consentement_le` | when the person agreed to be proposed to agencies (date or date and time) | |
//! | `consentement_portee` | `toutes_agences` or `agences_departement` (with `consentement_le`) | |
//! | `agence_siret` | SIRET of the person's France Travail agency | yes |
//! | `conseiller_email` | e-mail of the portfolio advisor (an existing user) | |
//! | `inscrit_le` | registration date | yes |
//! | `statut` | `actif` (default), `suspendu`, `sorti` | |

use std::collections::BTreeMap;
use std::io::Write;

use domain::{
    CommuteLimitKm, Email, ExternalId, PersonName, PhoneNumber, RomeCode, Siret, Target, Targets,
};
use model::{
    Consent, ConsentScope, ContractType, Disclosure, Experience, JobSeekerRecord, JobSeekerStatus,
    Language, PriorityStatus, Qualification, WorkingTimePreference,
};

use crate::table::{Line, Table, writer};
use crate::text::{date, timestamp};
use crate::{Fields, FileError, Row, known_commune};

pub const COLUMNS: [&str; 27] = [
    "identifiant",
    "prenom",
    "nom",
    "email",
    "telephone",
    "date_naissance",
    "commune",
    "disponible_le",
    "mobilite_km",
    "metiers",
    "competences",
    "qualifications",
    "langues",
    "experience",
    "contrats",
    "temps_travail",
    "rqth",
    "longue_duree",
    "rsa",
    "qpv",
    "senior",
    "jeune_sans_qualification",
    "consentement_le",
    "consentement_portee",
    "agence_siret",
    "conseiller_email",
    "inscrit_le",
];

/// The priority columns, in `PriorityStatus::ALL` order.
const PRIORITY_COLUMNS: [(&str, PriorityStatus); 6] = [
    ("rqth", PriorityStatus::Rqth),
    ("longue_duree", PriorityStatus::LongTerm),
    ("rsa", PriorityStatus::Rsa),
    ("qpv", PriorityStatus::Qpv),
    ("senior", PriorityStatus::Senior),
    ("jeune_sans_qualification", PriorityStatus::YoungUnqualified),
];

const QUALIFICATION_KINDS: [(&str, &str); 4] = [
    ("permis", "driving_licence"),
    ("caces", "caces"),
    ("habilitation", "electrical"),
    ("autre", "other"),
];

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn record(position: usize, line: &Line<'_>) -> Row<JobSeekerRecord> {
    let mut f = Fields::default();
    let required = |f: &mut Fields, column: &str| f.required(column, line.optional(column));
    let external_id =
        required(&mut f, "identifiant").and_then(|v| f.take("identifiant", ExternalId::parse(v)));
    let first_name =
        required(&mut f, "prenom").and_then(|v| f.take("prenom", PersonName::parse(v)));
    let last_name = required(&mut f, "nom").and_then(|v| f.take("nom", PersonName::parse(v)));
    let email = line
        .optional("email")
        .map(|v| f.take("email", Email::parse(v)));
    let phone = line
        .optional("telephone")
        .map(|v| f.take("telephone", PhoneNumber::parse(v)));
    let birth_date = line
        .optional("date_naissance")
        .map(|v| f.take("date_naissance", date(v)));
    let commune = required(&mut f, "commune").and_then(|v| f.take("commune", known_commune(v)));
    let available_from = line
        .optional("disponible_le")
        .map(|v| f.take("disponible_le", date(v)));
    let commute_limit = required(&mut f, "mobilite_km")
        .and_then(|v| f.take("mobilite_km", CommuteLimitKm::parse(v)));
    let targets = required(&mut f, "metiers").and_then(|cell| {
        let mut targets = Vec::new();
        for item in list(cell) {
            let (code, title) = match item.split_once(':') {
                Some((code, title)) => (code, Some(title.trim().to_string())),
                None => (item, None),
            };
            let rome = f.take("metiers", RomeCode::parse(code))?;
            targets.push(Target {
                rome,
                job_title: title,
            });
        }
        f.take("metiers", Targets::new(targets))
    });
    let skills: Vec<String> = list(line.get("competences")).map(str::to_string).collect();
    let mut qualifications = Vec::new();
    for item in list(line.get("qualifications")) {
        let Some((kind, code)) = item.split_once(':') else {
            f.error(
                "qualifications",
                format!("{item:?} is not kind:code (e.g. permis:B)"),
            );
            continue;
        };
        match QUALIFICATION_KINDS
            .iter()
            .find(|(french, _)| *french == kind.trim())
        {
            Some((_, stored)) => qualifications.push(Qualification {
                kind: stored.to_string(),
                code: code.trim().to_string(),
            }),
            None => f.error(
                "qualifications",
                format!("{kind:?} is not permis, caces, habilitation or autre"),
            ),
        }
    }
    let languages: Vec<Language> = list(line.get("langues"))
        .map(|item| match item.split_once(':') {
            Some((code, level)) => Language {
                code: code.trim().to_lowercase(),
                level: Some(level.trim().to_uppercase()),
            },
            None => Language {
                code: item.to_lowercase(),
                level: None,
            },
        })
        .collect();
    let mut experience = Vec::new();
    for item in list(line.get("experience")) {
        let parsed = item.split_once(':').and_then(|(code, months)| {
            Some((
                RomeCode::parse(code).ok()?,
                months.trim().parse::<u16>().ok()?,
            ))
        });
        match parsed {
            Some((rome, months)) => experience.push(Experience { rome, months }),
            None => f.error(
                "experience",
                format!("{item:?} is not ROME:months (e.g. N1101:24)"),
            ),
        }
    }
    let mut contract_types = Vec::new();
    for item in list(line.get("contrats")) {
        match ContractType::parse(&item.to_uppercase()) {
            Some(kind) => contract_types.push(kind),
            None => f.error(
                "contrats",
                format!("{item:?} is not a contract type (CDI, CDD, MIS...)"),
            ),
        }
    }
    let working_time = match line.get("temps_travail").to_lowercase().as_str() {
        "" | "indifferent" | "indifférent" => Some(WorkingTimePreference::Any),
        "plein" | "temps plein" => Some(WorkingTimePreference::FullTime),
        "partiel" | "temps partiel" => Some(WorkingTimePreference::PartTime),
        other => {
            f.error(
                "temps_travail",
                format!("{other:?} is not plein, partiel or indifferent"),
            );
            None
        }
    };
    let mut priorities = BTreeMap::new();
    for (column, status) in PRIORITY_COLUMNS {
        match line.get(column).to_lowercase().as_str() {
            "" | "non" => {}
            "oui" => {
                priorities.insert(status, Disclosure::Private);
            }
            "oui-divulgue" | "oui-divulgué" => {
                priorities.insert(status, Disclosure::Disclosed);
            }
            other => f.error(column, format!("{other:?} is not non, oui or oui-divulgue")),
        }
    }
    let consent = match (
        line.optional("consentement_le"),
        line.optional("consentement_portee"),
    ) {
        (None, None) => Some(None),
        (Some(when), scope) => {
            let given_at = f.take("consentement_le", timestamp(when));
            let scope = match scope.unwrap_or("toutes_agences") {
                "toutes_agences" => Some(ConsentScope::AllAgencies),
                "agences_departement" => Some(ConsentScope::DepartmentAgencies),
                other => {
                    f.error(
                        "consentement_portee",
                        format!("{other:?} is not toutes_agences or agences_departement"),
                    );
                    None
                }
            };
            given_at
                .zip(scope)
                .map(|(given_at, scope)| Some(Consent { given_at, scope }))
        }
        (None, Some(_)) => {
            f.error(
                "consentement_le",
                "missing: a consent scope needs the date of the consent",
            );
            None
        }
    };
    let agency_siret =
        required(&mut f, "agence_siret").and_then(|v| f.take("agence_siret", Siret::parse(v)));
    let advisor_email = line
        .optional("conseiller_email")
        .map(|v| f.take("conseiller_email", Email::parse(v)));
    let registered_on = required(&mut f, "inscrit_le").and_then(|v| f.take("inscrit_le", date(v)));
    let status = match line.get("statut").to_lowercase().as_str() {
        "" | "actif" => Some(JobSeekerStatus::Active),
        "suspendu" => Some(JobSeekerStatus::Suspended),
        "sorti" => Some(JobSeekerStatus::Left),
        other => {
            f.error(
                "statut",
                format!("{other:?} is not actif, suspendu or sorti"),
            );
            None
        }
    };
    f.finish(position, || {
        Some(JobSeekerRecord {
            external_id: external_id?,
            first_name: first_name?,
            last_name: last_name?,
            email: email.flatten(),
            phone: phone.flatten(),
            birth_date: birth_date.flatten(),
            commune: commune?,
            available_from: available_from.flatten(),
            commute_limit: commute_limit?,
            targets: targets?,
            skills,
            qualifications,
            languages,
            experience,
            contract_types,
            working_time: working_time?,
            priorities,
            consent: consent?,
            agency_siret: agency_siret?,
            advisor_email: advisor_email.flatten(),
            registered_on: registered_on?,
            status: status?,
        })
    })
}

pub fn read(bytes: &[u8]) -> Result<Vec<Row<JobSeekerRecord>>, FileError> {
    let mut rows = Vec::new();
    read_each(bytes, &mut |row| rows.push(row))?;
    Ok(rows)
}

/// As [`read`], handing each row to `sink` as soon as it is parsed.
pub fn read_each(
    bytes: &[u8],
    sink: &mut dyn FnMut(Row<JobSeekerRecord>),
) -> Result<(), FileError> {
    let table = Table::read(
        bytes,
        &[
            "identifiant",
            "prenom",
            "nom",
            "commune",
            "mobilite_km",
            "metiers",
            "agence_siret",
            "inscrit_le",
        ],
    )?;
    for (n, line) in table.lines() {
        sink(record(n, &line));
    }
    Ok(())
}

fn french_date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Writes job seekers one at a time, after the header line.
pub struct Writer<'a> {
    csv: csv::Writer<&'a mut dyn Write>,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut dyn Write) -> std::io::Result<Self> {
        let mut csv = writer(out);
        let mut header: Vec<&str> = COLUMNS.to_vec();
        header.push("statut");
        csv.write_record(&header)?;
        Ok(Self { csv })
    }

    pub fn write(&mut self, s: &JobSeekerRecord) -> std::io::Result<()> {
        let join = |items: Vec<String>| items.join("|");
        let mut cells: Vec<String> = vec![
            s.external_id.to_string(),
            s.first_name.to_string(),
            s.last_name.to_string(),
            s.email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            s.phone.as_ref().map(|p| p.national()).unwrap_or_default(),
            s.birth_date.map(french_date).unwrap_or_default(),
            s.commune.to_string(),
            s.available_from.map(french_date).unwrap_or_default(),
            s.commute_limit.km().to_string(),
            join(
                s.targets
                    .as_slice()
                    .iter()
                    .map(|t| match &t.job_title {
                        Some(title) => format!("{}:{title}", t.rome),
                        None => t.rome.to_string(),
                    })
                    .collect(),
            ),
            join(s.skills.clone()),
            join(
                s.qualifications
                    .iter()
                    .map(|q| {
                        let kind = QUALIFICATION_KINDS
                            .iter()
                            .find(|(_, stored)| *stored == q.kind)
                            .map_or("autre", |(french, _)| french);
                        format!("{kind}:{}", q.code)
                    })
                    .collect(),
            ),
            join(
                s.languages
                    .iter()
                    .map(|l| match &l.level {
                        Some(level) => format!("{}:{level}", l.code),
                        None => l.code.clone(),
                    })
                    .collect(),
            ),
            join(
                s.experience
                    .iter()
                    .map(|e| format!("{}:{}", e.rome, e.months))
                    .collect(),
            ),
            join(
                s.contract_types
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            ),
            match s.working_time {
                WorkingTimePreference::FullTime => "plein",
                WorkingTimePreference::PartTime => "partiel",
                WorkingTimePreference::Any => "indifferent",
            }
            .to_string(),
        ];
        for (_, status) in PRIORITY_COLUMNS {
            cells.push(
                match s.priorities.get(&status) {
                    None => "non",
                    Some(Disclosure::Private) => "oui",
                    Some(Disclosure::Disclosed) => "oui-divulgue",
                }
                .to_string(),
            );
        }
        cells.push(
            s.consent
                .map(|c| {
                    c.given_at
                        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                })
                .unwrap_or_default(),
        );
        cells.push(
            s.consent
                .map(|c| match c.scope {
                    ConsentScope::AllAgencies => "toutes_agences",
                    ConsentScope::DepartmentAgencies => "agences_departement",
                })
                .unwrap_or_default()
                .to_string(),
        );
        cells.push(s.agency_siret.to_string());
        cells.push(
            s.advisor_email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
        cells.push(french_date(s.registered_on));
        cells.push(
            match s.status {
                JobSeekerStatus::Active => "actif",
                JobSeekerStatus::Suspended => "suspendu",
                JobSeekerStatus::Left => "sorti",
            }
            .to_string(),
        );
        self.csv.write_record(&cells)?;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.csv.flush()
    }
}

pub fn write(seekers: &[JobSeekerRecord], out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = Writer::new(out)?;
    for seeker in seekers {
        writer.write(seeker)?;
    }
    writer.finish()
}

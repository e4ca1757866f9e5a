//! What both backends share: records flattened into column values, and column values parsed
//! back into records. The SQL differs per backend; the meaning of each column does not.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::ParseError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Result, StoreError};
use model::*;

/// Rows per multi-row INSERT statement on SQLite (its limit is 32,766 bound values).
pub const SQLITE_ROWS_PER_STATEMENT: usize = 500;

pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_string())
}

pub fn from_json<T: DeserializeOwned>(text: &str, column: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|err| StoreError::Corrupt(format!("{column}: {err}")))
}

pub fn parse<T>(value: &str, column: &str, parse: fn(&str) -> Result<T, ParseError>) -> Result<T> {
    parse(value).map_err(|err| StoreError::Corrupt(format!("{column}: {err}")))
}

pub fn parse_opt<T>(
    value: Option<String>,
    column: &str,
    parse_fn: fn(&str) -> Result<T, ParseError>,
) -> Result<Option<T>> {
    value.map(|v| parse(&v, column, parse_fn)).transpose()
}

pub fn text_enum<T>(value: &str, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown value {value:?}")))
}

pub fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> Option<(f64, f64)> {
    latitude.zip(longitude)
}

/// The six priority flags and their disclosure, in `PriorityStatus::ALL` order.
pub fn priority_flags(priorities: &BTreeMap<PriorityStatus, Disclosure>) -> [(bool, bool); 6] {
    let mut flags = [(false, false); 6];
    for (slot, status) in flags.iter_mut().zip(PriorityStatus::ALL) {
        if let Some(disclosure) = priorities.get(status) {
            *slot = (true, *disclosure == Disclosure::Disclosed);
        }
    }
    flags
}

pub fn priorities_from_flags(flags: [(bool, bool); 6]) -> BTreeMap<PriorityStatus, Disclosure> {
    flags
        .iter()
        .zip(PriorityStatus::ALL)
        .filter(|((has, _), _)| *has)
        .map(|((_, disclosed), status)| {
            let disclosure = if *disclosed {
                Disclosure::Disclosed
            } else {
                Disclosure::Private
            };
            (*status, disclosure)
        })
        .collect()
}

/// A job seeker flattened into the columns of `job_seekers`, its targets apart.
pub struct JobSeekerRow {
    pub external_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub commune_code: String,
    pub available_from: Option<NaiveDate>,
    pub commute_limit_km: i64,
    pub skills: String,
    pub qualifications: String,
    pub languages: String,
    pub experience: String,
    pub contract_types: String,
    pub working_time: &'static str,
    pub flags: [(bool, bool); 6],
    pub consent_at: Option<DateTime<Utc>>,
    pub consent_scope: Option<&'static str>,
    pub advisor_user_id: Option<i64>,
    pub agency_structure_id: i64,
    pub registered_on: NaiveDate,
    pub status: &'static str,
    pub content_hash: String,
    /// (rank, ROME code, job title OGR)
    pub targets: Vec<(i64, String, Option<String>)>,
}

/// The column list of `job_seekers` as written, in `JobSeekerRow` order (timestamps last).
pub const JOB_SEEKER_COLUMNS: [&str; 36] = [
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "commune_code",
    "available_from",
    "commute_limit_km",
    "skills",
    "qualifications",
    "languages",
    "experience",
    "contract_types",
    "working_time",
    "rqth",
    "rqth_disclosed",
    "long_term",
    "long_term_disclosed",
    "rsa",
    "rsa_disclosed",
    "qpv",
    "qpv_disclosed",
    "senior",
    "senior_disclosed",
    "young_unqualified",
    "young_unqualified_disclosed",
    "consent_at",
    "consent_scope",
    "advisor_user_id",
    "agency_structure_id",
    "registered_on",
    "status",
    "content_hash",
    "created_at",
    "updated_at",
];

/// The columns an update changes: all written ones but the key and the creation time.
/// The `SET` list of a job seeker upsert. Once consent was recorded in Passerelle
/// (`consent_recorded_at`), an import keeps the recorded consent and disclosures: a file never
/// gives back a consent the person withdrew, nor shows a status they chose to hide. A
/// disclosure is kept only while the file still says the status is held; `and` is the
/// backend's conjunction of two flags (`*` on SQLite's integers, `AND` on booleans).
pub fn job_seeker_update_set(and: &str) -> String {
    JOB_SEEKER_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "external_id" | "created_at"))
        .map(|c| {
            if matches!(*c, "consent_at" | "consent_scope") {
                format!(
                    "{c} = CASE WHEN job_seekers.consent_recorded_at IS NULL THEN excluded.{c} \
                     ELSE job_seekers.{c} END"
                )
            } else if let Some(status) = c.strip_suffix("_disclosed") {
                format!(
                    "{c} = CASE WHEN job_seekers.consent_recorded_at IS NULL THEN excluded.{c} \
                     ELSE (job_seekers.{c} {and} excluded.{status}) END"
                )
            } else {
                format!("{c} = excluded.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn job_seeker_row(record: &JobSeekerRecord, agency: i64, advisor: Option<i64>) -> JobSeekerRow {
    JobSeekerRow {
        external_id: record.external_id.to_string(),
        first_name: record.first_name.to_string(),
        last_name: record.last_name.to_string(),
        email: record.email.as_ref().map(ToString::to_string),
        phone: record.phone.as_ref().map(ToString::to_string),
        birth_date: record.birth_date,
        commune_code: record.commune.to_string(),
        available_from: record.available_from,
        commute_limit_km: i64::from(record.commute_limit.km()),
        skills: json(&record.skills),
        qualifications: json(&record.qualifications),
        languages: json(&record.languages),
        experience: json(&record.experience),
        contract_types: json(&record.contract_types),
        working_time: record.working_time.as_str(),
        flags: priority_flags(&record.priorities),
        consent_at: record.consent.map(|c| c.given_at),
        consent_scope: record.consent.map(|c| c.scope.as_str()),
        advisor_user_id: advisor,
        agency_structure_id: agency,
        registered_on: record.registered_on,
        status: record.status.as_str(),
        content_hash: content_hash(record),
        targets: record
            .targets
            .as_slice()
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, t.rome.to_string(), t.job_title.clone()))
            .collect(),
    }
}

/// The columns read back for a job seeker, with the agency's SIRET and the advisor's e-mail.
/// `{json}` is how each backend turns a JSON column into text.
/// The job seeker's fields as (JSON key, SQL expression) pairs, read back as one JSON
/// document per row: one value per row crosses the driver instead of forty. `json_column`
/// turns a JSON column into text (embedded as a string, parsed on our side: cheaper than
/// having the database re-parse it); `targets` is the backend's expression for the targets as
/// a JSON array of `[rome_code, job_title_ogr]` in rank order.
pub fn job_seeker_document_fields(
    json_column: fn(&str) -> String,
    targets: &str,
) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![("targets", targets.to_string())];
    for column in [
        "id",
        "pseudonym",
        "external_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "birth_date",
        "commune_code",
        "available_from",
        "commute_limit_km",
        "working_time",
        "rqth",
        "rqth_disclosed",
        "long_term",
        "long_term_disclosed",
        "rsa",
        "rsa_disclosed",
        "qpv",
        "qpv_disclosed",
        "senior",
        "senior_disclosed",
        "young_unqualified",
        "young_unqualified_disclosed",
        "consent_at",
        "consent_scope",
        "registered_on",
        "status",
        "created_at",
        "updated_at",
    ] {
        fields.push((column, format!("j.{column}")));
    }
    for column in [
        "skills",
        "qualifications",
        "languages",
        "experience",
        "contract_types",
    ] {
        fields.push((column, json_column(&format!("j.{column}"))));
    }
    fields.push(("agency_siret", "s.siret".to_string()));
    fields.push(("advisor_email", "u.email".to_string()));
    fields
}

pub const JOB_SEEKER_FROM: &str = "FROM job_seekers j \
    JOIN structures s ON s.id = j.agency_structure_id \
    LEFT JOIN users u ON u.id = j.advisor_user_id";

/// Booleans come back as `true`/`false` from PostgreSQL and `1`/`0` from SQLite.
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a boolean, 0 or 1")
        }
        fn visit_bool<E: serde::de::Error>(self, value: bool) -> std::result::Result<bool, E> {
            Ok(value)
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> std::result::Result<bool, E> {
            Ok(value != 0)
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> std::result::Result<bool, E> {
            Ok(value != 0)
        }
    }
    deserializer.deserialize_any(Flag)
}

#[derive(serde::Deserialize)]
struct ExperienceDocument {
    rome: String,
    months: u16,
}

/// A job seeker as one JSON document of [`job_seeker_document_fields`].
#[derive(serde::Deserialize)]
pub struct JobSeekerDocument {
    id: i64,
    pseudonym: String,
    external_id: String,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    birth_date: Option<NaiveDate>,
    commune_code: String,
    available_from: Option<NaiveDate>,
    commute_limit_km: i64,
    working_time: String,
    #[serde(deserialize_with = "flag")]
    rqth: bool,
    #[serde(deserialize_with = "flag")]
    rqth_disclosed: bool,
    #[serde(deserialize_with = "flag")]
    long_term: bool,
    #[serde(deserialize_with = "flag")]
    long_term_disclosed: bool,
    #[serde(deserialize_with = "flag")]
    rsa: bool,
    #[serde(deserialize_with = "flag")]
    rsa_disclosed: bool,
    #[serde(deserialize_with = "flag")]
    qpv: bool,
    #[serde(deserialize_with = "flag")]
    qpv_disclosed: bool,
    #[serde(deserialize_with = "flag")]
    senior: bool,
    #[serde(deserialize_with = "flag")]
    senior_disclosed: bool,
    #[serde(deserialize_with = "flag")]
    young_unqualified: bool,
    #[serde(deserialize_with = "flag")]
    young_unqualified_disclosed: bool,
    consent_at: Option<DateTime<Utc>>,
    consent_scope: Option<String>,
    registered_on: NaiveDate,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// JSON columns, as text.
    skills: String,
    qualifications: String,
    languages: String,
    experience: String,
    contract_types: String,
    agency_siret: String,
    advisor_email: Option<String>,
    targets: Vec<(String, Option<String>)>,
}

/// The columns of [`JobSeekerDocument::from_text`], in order: what a text `COPY` of job
/// seekers selects (`j` the job seeker, `s` its agency, `u` its advisor).
pub const JOB_SEEKER_TEXT_COLUMNS: [&str; 37] = [
    "j.id",
    "j.pseudonym",
    "j.external_id",
    "j.first_name",
    "j.last_name",
    "j.email",
    "j.phone",
    "j.birth_date",
    "j.commune_code",
    "j.available_from",
    "j.commute_limit_km",
    "j.working_time",
    "j.rqth",
    "j.rqth_disclosed",
    "j.long_term",
    "j.long_term_disclosed",
    "j.rsa",
    "j.rsa_disclosed",
    "j.qpv",
    "j.qpv_disclosed",
    "j.senior",
    "j.senior_disclosed",
    "j.young_unqualified",
    "j.young_unqualified_disclosed",
    "j.consent_at",
    "j.consent_scope",
    "j.registered_on",
    "j.status",
    "j.created_at",
    "j.updated_at",
    "j.skills",
    "j.qualifications",
    "j.languages",
    "j.experience",
    "j.contract_types",
    "s.siret",
    "u.email",
];

/// The columns of a [`SourcingProfile`], in the order [`sourcing_from_text`] reads them, each
/// passed through `text` (SQLite casts integers to text; PostgreSQL's COPY is text already).
pub fn sourcing_columns(text: fn(&str) -> String) -> Vec<String> {
    [
        "j.id",
        "j.pseudonym",
        "j.commune_code",
        "j.available_from",
        "j.commute_limit_km",
        "j.skills",
        "j.qualifications",
        "j.experience",
        "j.contract_types",
        "j.working_time",
        "j.rqth",
        "j.long_term",
        "j.rsa",
        "j.qpv",
        "j.senior",
        "j.young_unqualified",
        "j.consent_scope",
        "j.status",
    ]
    .iter()
    .map(|c| text(c))
    .collect()
}

/// The columns of [`sourcing_columns`] then the targets, as one JSON array (SQLite's read).
#[derive(serde::Deserialize)]
struct SourcingRow(
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<(String, Option<String>)>,
);

/// Splits a [`SourcingRow`] into the fields [`sourcing_from_text`] reads and the targets.
#[allow(clippy::type_complexity)]
pub fn sourcing_row_from_json(
    text: &str,
) -> Result<(Vec<Option<String>>, Vec<(String, Option<String>)>)> {
    let r: SourcingRow = from_json(text, "job seeker row")?;
    Ok((
        vec![
            r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15,
            r.16, r.17,
        ],
        r.18,
    ))
}

/// A sourcing profile from the text fields of [`sourcing_columns`] and its targets.
pub fn sourcing_from_text(
    fields: Vec<Option<String>>,
    targets: Vec<(String, Option<String>)>,
) -> Result<SourcingProfile> {
    let mut fields = fields.into_iter();
    let mut next = |name: &str| -> Result<Option<String>> {
        fields
            .next()
            .ok_or_else(|| StoreError::Corrupt(format!("job seeker row: {name} missing")))
    };
    let required = |value: Option<String>, name: &str| -> Result<String> {
        value.ok_or_else(|| StoreError::Corrupt(format!("{name}: NULL")))
    };
    let id: i64 = {
        let text = required(next("id")?, "id")?;
        text.parse()
            .map_err(|_| StoreError::Corrupt(format!("id: {text:?}")))?
    };
    let pseudonym = required(next("pseudonym")?, "pseudonym")?;
    let commune = parse(
        &required(next("commune_code")?, "commune_code")?,
        "commune_code",
        domain::InseeCode::parse,
    )?;
    let available_from = match next("available_from")? {
        Some(v) => Some(
            parse_iso_date(&v)
                .ok_or_else(|| StoreError::Corrupt(format!("available_from: {v:?}")))?,
        ),
        None => None,
    };
    let km = required(next("commute_limit_km")?, "commute_limit_km")?;
    let commute_limit = km
        .parse::<u16>()
        .ok()
        .and_then(|km| domain::CommuteLimitKm::new(km).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("commute_limit_km: {km}")))?;
    let skills = from_json(&required(next("skills")?, "skills")?, "skills")?;
    let qualifications = from_json(
        &required(next("qualifications")?, "qualifications")?,
        "qualifications",
    )?;
    let experience = from_json::<Vec<ExperienceDocument>>(
        &required(next("experience")?, "experience")?,
        "experience",
    )?
    .into_iter()
    .map(|e| {
        Ok(Experience {
            rome: parse(&e.rome, "experience", domain::RomeCode::parse)?,
            months: e.months,
        })
    })
    .collect::<Result<_>>()?;
    let contract_types = from_json::<Vec<String>>(
        &required(next("contract_types")?, "contract_types")?,
        "contract_types",
    )?
    .iter()
    .map(|c| text_enum(c, "contract_types", ContractType::parse))
    .collect::<Result<_>>()?;
    let working_time = text_enum(
        &required(next("working_time")?, "working_time")?,
        "working_time",
        WorkingTimePreference::parse,
    )?;
    let mut priorities = Vec::new();
    for status in PriorityStatus::ALL {
        let flag = next("priority flag")?;
        if matches!(flag.as_deref(), Some("t" | "1" | "true")) {
            priorities.push(*status);
        }
    }
    let consent = next("consent_scope")?
        .map(|c| text_enum(&c, "consent_scope", ConsentScope::parse))
        .transpose()?;
    let status = text_enum(
        &required(next("status")?, "status")?,
        "status",
        JobSeekerStatus::parse,
    )?;
    let targets = targets
        .into_iter()
        .map(|(rome, job_title)| {
            Ok(domain::Target {
                rome: parse(
                    &rome,
                    "job_seeker_targets.rome_code",
                    domain::RomeCode::parse,
                )?,
                job_title,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let targets = domain::Targets::new(targets)
        .map_err(|err| StoreError::Corrupt(format!("targets of job seeker {id}: {err}")))?;
    Ok(SourcingProfile {
        id,
        pseudonym,
        commune,
        available_from,
        commute_limit,
        targets,
        skills,
        qualifications,
        experience,
        contract_types,
        working_time,
        priorities,
        consent,
        status,
    })
}

/// One row of a PostgreSQL text `COPY`: tab-separated, `\N` for NULL, backslash escapes.
pub fn copy_text_fields(line: &[u8]) -> Vec<Option<String>> {
    line.split(|b| *b == b'\t')
        .map(|field| {
            if field == b"\\N" {
                return None;
            }
            let mut out = Vec::with_capacity(field.len());
            let mut bytes = field.iter();
            while let Some(&b) = bytes.next() {
                if b != b'\\' {
                    out.push(b);
                    continue;
                }
                match bytes.next() {
                    Some(b'n') => out.push(b'\n'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b'b') => out.push(8),
                    Some(b'f') => out.push(12),
                    Some(b'v') => out.push(11),
                    Some(&other) => out.push(other),
                    None => {}
                }
            }
            Some(
                String::from_utf8(out)
                    .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
            )
        })
        .collect()
}

/// `YYYY-MM-DD` read directly (the general parser costs microseconds a call, and the engine's
/// load reads millions of dates).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year: i32 = text.get(0..4)?.parse().ok()?;
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A PostgreSQL `timestamptz` in its text form with the session in UTC:
/// `2026-01-05 08:00:00+00`, fractional seconds optional.
pub fn parse_pg_timestamp(text: &str) -> Result<DateTime<Utc>> {
    // The usual form, read directly; anything else through the general parser.
    let fast = || -> Option<DateTime<Utc>> {
        let date = parse_iso_date(text.get(0..10)?)?;
        let rest = text.get(10..)?.strip_prefix(' ')?.strip_suffix("+00")?;
        let (clock, fraction) = match rest.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (rest, None),
        };
        let mut parts = clock.split(':').map(|p| p.parse::<u32>().ok());
        let (hour, minute, second) = (parts.next()??, parts.next()??, parts.next()??);
        let nanos = match fraction {
            Some(f) if !f.is_empty() && f.len() <= 9 => {
                f.parse::<u32>().ok()? * 10u32.pow(9 - u32::try_from(f.len()).ok()?)
            }
            Some(_) => return None,
            None => 0,
        };
        let time = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
        Some(date.and_time(time).and_utc())
    };
    if let Some(t) = fast() {
        return Ok(t);
    }
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")
        .map(|t| t.with_timezone(&Utc))
        .map_err(|err| StoreError::Corrupt(format!("timestamp {text:?}: {err}")))
}

impl JobSeekerDocument {
    pub fn parse_json(text: &str) -> Result<JobSeeker> {
        let document: JobSeekerDocument = from_json(text, "job seeker")?;
        document.into_job_seeker()
    }

    /// A job seeker from the text fields of [`JOB_SEEKER_TEXT_COLUMNS`] and its targets.
    pub fn from_text(
        fields: Vec<Option<String>>,
        targets: Vec<(String, Option<String>)>,
    ) -> Result<JobSeeker> {
        let mut fields = fields.into_iter();
        let mut next = |name: &str| -> Result<Option<String>> {
            fields
                .next()
                .ok_or_else(|| StoreError::Corrupt(format!("job seeker row: {name} missing")))
        };
        let required = |value: Option<String>, name: &str| -> Result<String> {
            value.ok_or_else(|| StoreError::Corrupt(format!("{name}: NULL")))
        };
        let int = |value: String, name: &str| -> Result<i64> {
            value
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("{name}: {value:?}")))
        };
        let date = |value: Option<String>, name: &str| -> Result<Option<NaiveDate>> {
            value
                .map(|v| {
                    parse_iso_date(&v).ok_or_else(|| StoreError::Corrupt(format!("{name}: {v:?}")))
                })
                .transpose()
        };
        let boolean = |value: Option<String>| value.as_deref() == Some("t");
        let id = int(required(next("id")?, "id")?, "id")?;
        let pseudonym = required(next("pseudonym")?, "pseudonym")?;
        let external_id = required(next("external_id")?, "external_id")?;
        let first_name = required(next("first_name")?, "first_name")?;
        let last_name = required(next("last_name")?, "last_name")?;
        let email = next("email")?;
        let phone = next("phone")?;
        let birth_date = date(next("birth_date")?, "birth_date")?;
        let commune_code = required(next("commune_code")?, "commune_code")?;
        let available_from = date(next("available_from")?, "available_from")?;
        let commute_limit_km = int(
            required(next("commute_limit_km")?, "commute_limit_km")?,
            "commute_limit_km",
        )?;
        let working_time = required(next("working_time")?, "working_time")?;
        let mut flags = [false; 12];
        for flag in flags.iter_mut() {
            *flag = boolean(next("priority flag")?);
        }
        let consent_at = next("consent_at")?
            .map(|t| parse_pg_timestamp(&t))
            .transpose()?;
        let consent_scope = next("consent_scope")?;
        let registered_on = date(next("registered_on")?, "registered_on")?
            .ok_or_else(|| StoreError::Corrupt("registered_on: NULL".to_string()))?;
        let status = required(next("status")?, "status")?;
        let created_at = parse_pg_timestamp(&required(next("created_at")?, "created_at")?)?;
        let updated_at = parse_pg_timestamp(&required(next("updated_at")?, "updated_at")?)?;
        let skills = required(next("skills")?, "skills")?;
        let qualifications = required(next("qualifications")?, "qualifications")?;
        let languages = required(next("languages")?, "languages")?;
        let experience = required(next("experience")?, "experience")?;
        let contract_types = required(next("contract_types")?, "contract_types")?;
        let agency_siret = required(next("agency_siret")?, "agency_siret")?;
        let advisor_email = next("advisor_email")?;
        let [
            rqth,
            rqth_disclosed,
            long_term,
            long_term_disclosed,
            rsa,
            rsa_disclosed,
            qpv,
            qpv_disclosed,
            senior,
            senior_disclosed,
            young_unqualified,
            young_unqualified_disclosed,
        ] = flags;
        JobSeekerDocument {
            id,
            pseudonym,
            external_id,
            first_name,
            last_name,
            email,
            phone,
            birth_date,
            commune_code,
            available_from,
            commute_limit_km,
            working_time,
            rqth,
            rqth_disclosed,
            long_term,
            long_term_disclosed,
            rsa,
            rsa_disclosed,
            qpv,
            qpv_disclosed,
            senior,
            senior_disclosed,
            young_unqualified,
            young_unqualified_disclosed,
            consent_at,
            consent_scope,
            registered_on,
            status,
            created_at,
            updated_at,
            skills,
            qualifications,
            languages,
            experience,
            contract_types,
            agency_siret,
            advisor_email,
            targets,
        }
        .into_job_seeker()
    }

    fn into_job_seeker(self) -> Result<JobSeeker> {
        let external = self.external_id;
        let targets = self
            .targets
            .into_iter()
            .map(|(rome, job_title)| {
                Ok(domain::Target {
                    rome: parse(
                        &rome,
                        "job_seeker_targets.rome_code",
                        domain::RomeCode::parse,
                    )?,
                    job_title,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let targets = domain::Targets::new(targets).map_err(|err| {
            StoreError::Corrupt(format!("targets of job seeker {external}: {err}"))
        })?;
        let consent = match (self.consent_at, self.consent_scope) {
            (Some(given_at), Some(scope)) => Some(Consent {
                given_at,
                scope: text_enum(&scope, "consent_scope", ConsentScope::parse)?,
            }),
            _ => None,
        };
        let km = self.commute_limit_km;
        let record = JobSeekerRecord {
            external_id: parse(&external, "external_id", domain::ExternalId::parse)?,
            first_name: parse(&self.first_name, "first_name", domain::PersonName::parse)?,
            last_name: parse(&self.last_name, "last_name", domain::PersonName::parse)?,
            email: parse_opt(self.email, "email", domain::Email::parse)?,
            phone: parse_opt(self.phone, "phone", domain::PhoneNumber::parse)?,
            birth_date: self.birth_date,
            commune: parse(&self.commune_code, "commune_code", domain::InseeCode::parse)?,
            available_from: self.available_from,
            commute_limit: u16::try_from(km)
                .ok()
                .and_then(|km| domain::CommuteLimitKm::new(km).ok())
                .ok_or_else(|| StoreError::Corrupt(format!("commute_limit_km: {km}")))?,
            targets,
            skills: from_json(&self.skills, "skills")?,
            qualifications: from_json(&self.qualifications, "qualifications")?,
            languages: from_json(&self.languages, "languages")?,
            experience: from_json::<Vec<ExperienceDocument>>(&self.experience, "experience")?
                .into_iter()
                .map(|e| {
                    Ok(Experience {
                        rome: parse(&e.rome, "experience", domain::RomeCode::parse)?,
                        months: e.months,
                    })
                })
                .collect::<Result<_>>()?,
            contract_types: from_json::<Vec<String>>(&self.contract_types, "contract_types")?
                .iter()
                .map(|c| text_enum(c, "contract_types", ContractType::parse))
                .collect::<Result<_>>()?,
            working_time: text_enum(
                &self.working_time,
                "working_time",
                WorkingTimePreference::parse,
            )?,
            priorities: priorities_from_flags([
                (self.rqth, self.rqth_disclosed),
                (self.long_term, self.long_term_disclosed),
                (self.rsa, self.rsa_disclosed),
                (self.qpv, self.qpv_disclosed),
                (self.senior, self.senior_disclosed),
                (self.young_unqualified, self.young_unqualified_disclosed),
            ]),
            consent,
            agency_siret: parse(&self.agency_siret, "agency_siret", domain::Siret::parse)?,
            advisor_email: parse_opt(self.advisor_email, "advisor_email", domain::Email::parse)?,
            registered_on: self.registered_on,
            status: text_enum(&self.status, "status", JobSeekerStatus::parse)?,
        };
        Ok(JobSeeker {
            id: self.id,
            pseudonym: self.pseudonym,
            record,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Job seekers are read in pages of this many, by increasing id.
pub const READ_PAGE: i64 = 5_000;

/// An offer flattened into the columns of `offers`.
pub struct OfferRow {
    pub structure_id: i64,
    pub external_id: String,
    pub title: String,
    pub description: String,
    pub rome_code: String,
    pub job_title: Option<String>,
    pub job_title_ogr: Option<String>,
    pub workplace_label: Option<String>,
    pub commune_code: String,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contract_type: &'static str,
    pub contract_nature: Option<String>,
    pub duration_label: Option<String>,
    pub duration_days: Option<i64>,
    pub hours_label: Option<String>,
    pub weekly_hours: Option<f64>,
    pub working_time: Option<&'static str>,
    pub salary_label: Option<String>,
    pub qualification_code: Option<String>,
    pub sector_code: Option<String>,
    pub experience_required: &'static str,
    pub experience_months: Option<i64>,
    pub licences: String,
    pub skills: String,
    pub positions: i64,
    pub accessible_th: bool,
    pub hard_to_fill: bool,
    pub starts_on: Option<NaiveDate>,
    pub status: &'static str,
    pub published_at: DateTime<Utc>,
    pub source_updated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub content_hash: String,
}

pub const OFFER_COLUMNS: [&str; 37] = [
    "structure_id",
    "external_id",
    "title",
    "description",
    "rome_code",
    "job_title",
    "job_title_ogr",
    "workplace_label",
    "commune_code",
    "postcode",
    "latitude",
    "longitude",
    "contract_type",
    "contract_nature",
    "duration_label",
    "duration_days",
    "hours_label",
    "weekly_hours",
    "working_time",
    "salary_label",
    "qualification_code",
    "sector_code",
    "experience_required",
    "experience_months",
    "licences",
    "skills",
    "positions",
    "accessible_th",
    "hard_to_fill",
    "starts_on",
    "status",
    "published_at",
    "source_updated_at",
    "closed_at",
    "content_hash",
    "created_at",
    "updated_at",
];

pub fn offer_update_set() -> String {
    OFFER_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "structure_id" | "external_id" | "created_at"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The offer's row, or why the record cannot be stored as it is.
pub fn offer_row(record: &OfferRecord, structure_id: i64) -> Result<OfferRow, String> {
    if record.title.trim().is_empty() {
        return Err("title: is empty".to_string());
    }
    if (record.status == OfferStatus::Open) != record.closed_at.is_none() {
        return Err("closed_at: set exactly when the status is not open".to_string());
    }
    if record.positions == 0 {
        return Err("positions: at least 1".to_string());
    }
    if let Some(hours) = record.weekly_hours
        && !(hours > 0.0 && hours <= 60.0)
    {
        return Err(format!("weekly_hours: {hours} is not between 0 and 60"));
    }
    if let Some((lat, lon)) = record.coordinates
        && !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
    {
        return Err("coordinates: out of range".to_string());
    }
    Ok(OfferRow {
        structure_id,
        external_id: record.external_id.to_string(),
        title: record.title.trim().to_string(),
        description: record.description.clone(),
        rome_code: record.rome.to_string(),
        job_title: record.job_title.clone(),
        job_title_ogr: record.job_title_ogr.clone(),
        workplace_label: record.workplace_label.clone(),
        commune_code: record.commune.to_string(),
        postcode: record.postcode.as_ref().map(ToString::to_string),
        latitude: record.coordinates.map(|c| c.0),
        longitude: record.coordinates.map(|c| c.1),
        contract_type: record.contract_type.as_str(),
        contract_nature: record.contract_nature.clone(),
        duration_label: record.duration_label.clone(),
        duration_days: record.duration_days.map(i64::from),
        hours_label: record.hours_label.clone(),
        weekly_hours: record.weekly_hours,
        working_time: record.working_time.map(WorkingTime::as_str),
        salary_label: record.salary_label.clone(),
        qualification_code: record.qualification_code.clone(),
        sector_code: record.sector_code.clone(),
        experience_required: record.experience_required.as_str(),
        experience_months: record.experience_months.map(i64::from),
        licences: json(&record.licences),
        skills: json(&record.skills),
        positions: i64::from(record.positions),
        accessible_th: record.accessible_th,
        hard_to_fill: record.hard_to_fill,
        starts_on: record.starts_on,
        status: record.status.as_str(),
        published_at: record.published_at,
        source_updated_at: record.source_updated_at,
        closed_at: record.closed_at,
        content_hash: content_hash(record),
    })
}

pub fn offer_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT o.id, s.siret AS structure_siret, o.external_id, o.title, o.description, \
         o.rome_code, o.job_title, o.job_title_ogr, o.workplace_label, o.commune_code, \
         o.postcode, o.latitude, o.longitude, o.contract_type, o.contract_nature, \
         o.duration_label, o.duration_days, o.hours_label, o.weekly_hours, o.working_time, \
         o.salary_label, o.qualification_code, o.sector_code, o.experience_required, \
         o.experience_months, {} AS licences, {} AS skills, o.positions, o.accessible_th, \
         o.hard_to_fill, o.starts_on, o.status, o.published_at, o.source_updated_at, \
         o.closed_at, o.created_at, o.updated_at \
         FROM offers o JOIN structures s ON s.id = o.structure_id",
        json_as_text("o.licences"),
        json_as_text("o.skills"),
    )
}

macro_rules! offer_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        let record = $crate::OfferRecord {
            structure_siret: parse(
                &row.try_get::<String, _>("structure_siret")?,
                "structure_siret",
                domain::Siret::parse,
            )?,
            external_id: parse(
                &row.try_get::<String, _>("external_id")?,
                "external_id",
                domain::ExternalId::parse,
            )?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            rome: parse(
                &row.try_get::<String, _>("rome_code")?,
                "rome_code",
                domain::RomeCode::parse,
            )?,
            job_title: row.try_get("job_title")?,
            job_title_ogr: row.try_get("job_title_ogr")?,
            workplace_label: row.try_get("workplace_label")?,
            commune: parse(
                &row.try_get::<String, _>("commune_code")?,
                "commune_code",
                domain::InseeCode::parse,
            )?,
            postcode: parse_opt(
                row.try_get("postcode")?,
                "postcode",
                domain::Postcode::parse,
            )?,
            coordinates: coordinates(row.try_get("latitude")?, row.try_get("longitude")?),
            contract_type: text_enum(
                &row.try_get::<String, _>("contract_type")?,
                "contract_type",
                $crate::ContractType::parse,
            )?,
            contract_nature: row.try_get("contract_nature")?,
            duration_label: row.try_get("duration_label")?,
            duration_days: row
                .try_get::<Option<i64>, _>("duration_days")?
                .and_then(|d| u32::try_from(d).ok()),
            hours_label: row.try_get("hours_label")?,
            weekly_hours: row.try_get("weekly_hours")?,
            working_time: row
                .try_get::<Option<String>, _>("working_time")?
                .map(|w| text_enum(&w, "working_time", $crate::WorkingTime::parse))
                .transpose()?,
            salary_label: row.try_get("salary_label")?,
            qualification_code: row.try_get("qualification_code")?,
            sector_code: row.try_get("sector_code")?,
            experience_required: text_enum(
                &row.try_get::<String, _>("experience_required")?,
                "experience_required",
                $crate::ExperienceRequired::parse,
            )?,
            experience_months: row
                .try_get::<Option<i64>, _>("experience_months")?
                .and_then(|m| u16::try_from(m).ok()),
            licences: from_json(&row.try_get::<String, _>("licences")?, "licences")?,
            skills: from_json(&row.try_get::<String, _>("skills")?, "skills")?,
            positions: u16::try_from(row.try_get::<i64, _>("positions")?)
                .map_err(|_| $crate::StoreError::Corrupt("positions".to_string()))?,
            accessible_th: row.try_get("accessible_th")?,
            hard_to_fill: row.try_get("hard_to_fill")?,
            starts_on: row.try_get("starts_on")?,
            status: text_enum(
                &row.try_get::<String, _>("status")?,
                "status",
                $crate::OfferStatus::parse,
            )?,
            published_at: row.try_get("published_at")?,
            source_updated_at: row.try_get("source_updated_at")?,
            closed_at: row.try_get("closed_at")?,
        };
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Offer {
            id: row.try_get("id")?,
            record,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }};
}
pub(crate) use offer_from_row;

/// A structure's row values.
pub struct StructureRow {
    pub siret: String,
    pub kind: &'static str,
    pub name: String,
    pub network: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub commune_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub status: &'static str,
    pub content_hash: String,
}

pub const STRUCTURE_COLUMNS: [&str; 16] = [
    "siret",
    "kind",
    "name",
    "network",
    "address",
    "postcode",
    "commune_code",
    "latitude",
    "longitude",
    "email",
    "phone",
    "website",
    "status",
    "content_hash",
    "created_at",
    "updated_at",
];

pub fn structure_update_set() -> String {
    STRUCTURE_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "siret" | "created_at"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn structure_row(record: &StructureRecord) -> Result<StructureRow, String> {
    if record.name.trim().is_empty() {
        return Err("name: is empty".to_string());
    }
    Ok(StructureRow {
        siret: record.siret.to_string(),
        kind: record.kind.as_str(),
        name: record.name.trim().to_string(),
        network: record.network.clone(),
        address: record.address.clone(),
        postcode: record.postcode.as_ref().map(ToString::to_string),
        commune_code: record.commune.to_string(),
        latitude: record.coordinates.map(|c| c.0),
        longitude: record.coordinates.map(|c| c.1),
        email: record.email.as_ref().map(ToString::to_string),
        phone: record.phone.as_ref().map(ToString::to_string),
        website: record.website.clone(),
        status: record.status.as_str(),
        content_hash: content_hash(record),
    })
}

pub const STRUCTURE_SELECT: &str = "SELECT id, siret, kind, name, network, address, postcode, \
    commune_code, latitude, longitude, email, phone, website, status, created_at, updated_at \
    FROM structures";

macro_rules! structure_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Structure {
            id: row.try_get("id")?,
            record: $crate::StructureRecord {
                siret: parse(
                    &row.try_get::<String, _>("siret")?,
                    "siret",
                    domain::Siret::parse,
                )?,
                kind: text_enum(
                    &row.try_get::<String, _>("kind")?,
                    "kind",
                    $crate::StructureKind::parse,
                )?,
                name: row.try_get("name")?,
                network: row.try_get("network")?,
                address: row.try_get("address")?,
                postcode: parse_opt(
                    row.try_get("postcode")?,
                    "postcode",
                    domain::Postcode::parse,
                )?,
                commune: parse(
                    &row.try_get::<String, _>("commune_code")?,
                    "commune_code",
                    domain::InseeCode::parse,
                )?,
                coordinates: coordinates(row.try_get("latitude")?, row.try_get("longitude")?),
                email: parse_opt(row.try_get("email")?, "email", domain::Email::parse)?,
                phone: parse_opt(row.try_get("phone")?, "phone", domain::PhoneNumber::parse)?,
                website: row.try_get("website")?,
                status: text_enum(
                    &row.try_get::<String, _>("status")?,
                    "status",
                    $crate::StructureStatus::parse,
                )?,
            },
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }};
}
pub(crate) use structure_from_row;

pub const USER_SELECT: &str =
    "SELECT id, email, display_name, password_hash, status, created_at FROM users";

/// An API token from a row of `api_tokens` (either backend).
macro_rules! token_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::ApiToken {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }};
}
pub(crate) use token_from_row;

macro_rules! user_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::User {
            id: row.try_get("id")?,
            email: parse(
                &row.try_get::<String, _>("email")?,
                "email",
                domain::Email::parse,
            )?,
            display_name: row.try_get("display_name")?,
            password_hash: row.try_get("password_hash")?,
            status: text_enum(
                &row.try_get::<String, _>("status")?,
                "status",
                $crate::UserStatus::parse,
            )?,
            created_at: row.try_get("created_at")?,
        })
    }};
}
pub(crate) use user_from_row;

pub const REFERRAL_SELECT: &str = "SELECT r.id, r.job_seeker_id, r.offer_id, r.state, \
    r.proposed_by_user_id, r.hire_starts_on, r.not_hired_reason, r.created_at, r.updated_at \
    FROM referrals r";

macro_rules! referral_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Referral {
            id: row.try_get("id")?,
            job_seeker_id: row.try_get("job_seeker_id")?,
            offer_id: row.try_get("offer_id")?,
            state: text_enum(
                &row.try_get::<String, _>("state")?,
                "state",
                $crate::ReferralState::parse,
            )?,
            proposed_by: row.try_get("proposed_by_user_id")?,
            hire_starts_on: row.try_get("hire_starts_on")?,
            not_hired_reason: row.try_get("not_hired_reason")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }};
}
pub(crate) use referral_from_row;

/// How precisely an API token's last use is kept.
pub const TOKEN_USE_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

/// The audit trail's columns; `detail` as text (PostgreSQL casts its JSONB).
pub fn audit_select(detail: &str) -> String {
    format!(
        "SELECT id, at, actor_user_id, action, subject_kind, subject_id, {detail} AS detail, \
         prev_hash, hash FROM audit_events"
    )
}

macro_rules! audit_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::AuditEvent {
            id: row.try_get("id")?,
            at: row.try_get("at")?,
            event: $crate::NewAuditEvent {
                actor: row.try_get("actor_user_id")?,
                action: row.try_get("action")?,
                subject_kind: row.try_get("subject_kind")?,
                subject_id: row.try_get("subject_id")?,
                detail: from_json(&row.try_get::<String, _>("detail")?, "detail")?,
            },
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }};
}
pub(crate) use audit_from_row;

pub const SESSION_COLUMNS: &str = "s.id AS session_id, s.user_id, s.csrf_token, \
    s.created_at AS session_created_at, s.expires_at";

macro_rules! session_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Session {
            id: row.try_get("session_id")?,
            user_id: row.try_get("user_id")?,
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("session_created_at")?,
            expires_at: row.try_get("expires_at")?,
        })
    }};
}
pub(crate) use session_from_row;

/// The WHERE clause of a referral listing (`r` is the referral), with one placeholder `{p}`
/// for the scope's id when it has one.
pub fn referral_scope_filter(scope: ReferralScope, placeholder: &str) -> (String, Option<i64>) {
    match scope {
        ReferralScope::OfferOwner(id) => (
            format!("r.offer_id IN (SELECT id FROM offers WHERE structure_id = {placeholder})"),
            Some(id),
        ),
        ReferralScope::JobSeekerAgency(id) => (
            format!(
                "r.job_seeker_id IN (SELECT id FROM job_seekers WHERE agency_structure_id = \
                 {placeholder})"
            ),
            Some(id),
        ),
        ReferralScope::Structure(id) => (
            format!(
                "EXISTS (SELECT 1 FROM (SELECT {placeholder} AS sid) p WHERE \
                 r.offer_id IN (SELECT id FROM offers WHERE structure_id = p.sid) OR \
                 r.job_seeker_id IN (SELECT id FROM job_seekers WHERE agency_structure_id = p.sid))"
            ),
            Some(id),
        ),
        ReferralScope::JobSeeker(id) => (format!("r.job_seeker_id = {placeholder}"), Some(id)),
        ReferralScope::Offer(id) => (format!("r.offer_id = {placeholder}"), Some(id)),
        ReferralScope::All => ("TRUE".to_string(), None),
    }
}

/// The department of a commune's INSEE code, in SQL (overseas departments have three digits).
pub const DEPARTMENT_OF_COMMUNE: &str = "CASE WHEN o.commune_code LIKE '97%' THEN substr(o.commune_code, 1, 3) \
     ELSE substr(o.commune_code, 1, 2) END";

/// The department of a job seeker's commune (`j`), as [`DEPARTMENT_OF_COMMUNE`] for an offer.
pub const PERSON_DEPARTMENT: &str = "CASE WHEN j.commune_code LIKE '97%' THEN substr(j.commune_code, 1, 3) \
     ELSE substr(j.commune_code, 1, 2) END";

/// Whether a person's consent (its scope, their department, the offer's department) covers a
/// proposal; `None` (no such person or offer) is left to the foreign keys.
pub fn check_consent_covers(found: Option<(Option<String>, String, String)>) -> Result<()> {
    match found {
        Some((None, _, _)) => Err(StoreError::Invalid(
            "job_seeker_id: this person has not consented to be proposed to agencies".to_string(),
        )),
        Some((Some(scope), person, offer))
            if scope == ConsentScope::DepartmentAgencies.as_str() && person != offer =>
        {
            Err(StoreError::Invalid(
                "job_seeker_id: this person consented to the agencies of their department only"
                    .to_string(),
            ))
        }
        _ => Ok(()),
    }
}

/// The columns of a meeting, for both backends' reads.
pub const MEETING_SELECT: &str = "SELECT id, organiser_structure_id, theme, starts_at, place, \
    online_link, territory, created_by_user_id, created_at FROM meetings";

/// The states a referral can still leave: expiry looks at these.
pub const OPEN_REFERRAL_STATES: &str = "('proposed', 'accepted', 'interview')";

/// Whether a record must be written, given the content hash stored under its key (if any),
/// counted in the report as created, updated or unchanged.
pub fn needs_write(report: &mut BulkReport, stored: Option<&String>, hash: &str) -> bool {
    match stored {
        Some(stored) if stored == hash => {
            report.unchanged += 1;
            false
        }
        Some(_) => {
            report.updated += 1;
            true
        }
        None => {
            report.created += 1;
            true
        }
    }
}

/// Indices of the records to write, the first of each key kept, and the later duplicates
/// rejected: one transaction cannot write the same key twice.
pub fn first_of_each_key<K: Ord>(
    keys: impl Iterator<Item = K>,
) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut seen: BTreeMap<K, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut rejected = Vec::new();
    for (i, key) in keys.enumerate() {
        match seen.get(&key) {
            Some(first) => {
                rejected.push((i, format!("same key as record {} of this batch", first + 1)))
            }
            None => {
                seen.insert(key, i);
                kept.push(i);
            }
        }
    }
    (kept, rejected)
}

/// The migrations of one backend, embedded.
pub fn migrator(migrations: &[(i64, &'static str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use std::borrow::Cow;
    Migrator {
        migrations: Cow::Owned(
            migrations
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect(),
        ),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

/// Checks a transition request before it reaches the database.
pub fn check_transition(request: &TransitionRequest) -> Result<()> {
    if request.hire_starts_on.is_some() && request.to != ReferralState::Hired {
        return Err(StoreError::Invalid(
            "hire_starts_on: only for a hire".to_string(),
        ));
    }
    if request.not_hired_reason.is_some() && request.to != ReferralState::NotHired {
        return Err(StoreError::Invalid(
            "not_hired_reason: only when not hired".to_string(),
        ));
    }
    Ok(())
}

/// `SELECT` of a priority policy; `json_as_text` reads a JSON column as text.
pub fn policy_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, scope, code, {} AS rule, effective_from, note, set_by_user_id, set_at \
         FROM priority_policies",
        json_as_text("rule")
    )
}

/// The territory of a `priority_policies` row.
pub fn territory(scope: &str, code: String) -> Result<model::policy::Territory> {
    match scope {
        "region" => Ok(model::policy::Territory::Region(code)),
        "department" => Ok(model::policy::Territory::Department(code)),
        other => Err(StoreError::Corrupt(format!("scope: unknown `{other}`"))),
    }
}

/// A priority policy from a row of [`policy_select`].
macro_rules! policy_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok(model::policy::PriorityPolicy {
            id: row.try_get("id")?,
            record: model::policy::PolicyRecord {
                territory: territory(&row.try_get::<String, _>("scope")?, row.try_get("code")?)?,
                rule: from_json(&row.try_get::<String, _>("rule")?, "rule")?,
                effective_from: row.try_get("effective_from")?,
                note: row.try_get("note")?,
                set_by: row.try_get("set_by_user_id")?,
            },
            set_at: row.try_get("set_at")?,
        })
    }};
}
pub(crate) use policy_from_row;

/// `SELECT` of a person's consent events.
pub fn consent_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, job_seeker_id, scope, channel, {} AS disclosed, recorded_by_user_id, \
         recorded_at FROM consent_events",
        json_as_text("disclosed")
    )
}

/// A consent event from a row of [`consent_select`].
macro_rules! consent_from_row {
    ($row:expr) => {{
        use sqlx::Row as _;
        use $crate::common::*;
        let row = $row;
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::ConsentEvent {
            id: row.try_get("id")?,
            job_seeker_id: row.try_get("job_seeker_id")?,
            change: $crate::ConsentChange {
                scope: row
                    .try_get::<Option<String>, _>("scope")?
                    .map(|s| text_enum(&s, "scope", $crate::ConsentScope::parse))
                    .transpose()?,
                channel: text_enum(
                    &row.try_get::<String, _>("channel")?,
                    "channel",
                    $crate::ConsentChannel::parse,
                )?,
                disclosed: from_json(&row.try_get::<String, _>("disclosed")?, "disclosed")?,
            },
            recorded_by: row.try_get("recorded_by_user_id")?,
            recorded_at: row.try_get("recorded_at")?,
        })
    }};
}
pub(crate) use consent_from_row;

/// The statuses' columns of `job_seekers`, held and disclosed, in [`PriorityStatus::ALL`] order.
pub fn disclosure_set(placeholder: &mut dyn FnMut() -> String) -> String {
    PriorityStatus::ALL
        .iter()
        .map(|s| format!("{s}_disclosed = {}", placeholder()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which disclosed status the person does not hold, if one: `held` in [`PriorityStatus::ALL`]
/// order.
pub fn undisclosable(change: &ConsentChange, held: [bool; 6]) -> Option<PriorityStatus> {
    change.disclosed.iter().copied().find(|status| {
        !PriorityStatus::ALL
            .iter()
            .zip(held)
            .any(|(s, h)| s == status && h)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_read_as_the_general_parser_reads_them() {
        assert_eq!(
            parse_iso_date("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        for bad in ["2026-02-30", "2026-2-28", "26-02-28", "2026/02/28", ""] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        for text in [
            "2026-01-05 08:00:00+00",
            "2026-01-05 08:00:00.5+00",
            "2026-01-05 08:00:00.123456+00",
            "2026-01-05 23:59:59.000001+00",
            "2026-01-05 08:00:00+02",
        ] {
            let general = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")
                .map(|t| t.with_timezone(&Utc))
                .ok();
            assert_eq!(parse_pg_timestamp(text).ok(), general, "{text}");
        }
        assert!(parse_pg_timestamp("2026-01-05 25:00:00+00").is_err());
    }
}

//! A job seeker as rows: flattened into the columns of `job_seekers` (and their targets) to
//! be written, and read back from one JSON document (SQLite, and single reads on both) or from
//! `COPY`'s text fields (PostgreSQL's bulk reads), into the same [`JobSeeker`].

use chrono::{DateTime, NaiveDate, Utc};

use crate::bulk::{Staged, Value, parse_iso_date, parse_pg_timestamp};
use crate::common::*;
use crate::{Result, StoreError};
use model::*;

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
    /// The name and reference folded for search (`refdata::text::normalise`).
    pub search_text: String,
    /// (rank, ROME code, job title OGR)
    pub targets: Vec<(i64, String, Option<String>)>,
}

/// The column list of `job_seekers` as written, in `JobSeekerRow` order (timestamps last).
pub const JOB_SEEKER_COLUMNS: [&str; 37] = [
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
    "search_text",
    "created_at",
    "updated_at",
];

/// The columns an update changes: all written ones but the key and the creation time.
/// The `SET` list of a job seeker upsert. Once consent was recorded in Passerelle
/// (`consent_recorded_at`), an import keeps the recorded consent and disclosures: a file never
/// gives back a consent the person withdrew, nor shows a status they chose to hide. A
/// disclosure is kept only while the file still says the status is held.
pub fn job_seeker_update_set() -> String {
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
                     ELSE (job_seekers.{c} AND excluded.{status}) END"
                )
            } else {
                format!("{c} = excluded.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl JobSeekerRow {
    /// The row as a bulk write stages it, in [`JOB_SEEKER_COLUMNS`] order.
    pub fn staged(&self, now: DateTime<Utc>) -> Staged<'_> {
        let mut values = vec![
            Value::Text(Some(&self.external_id)),
            Value::Text(Some(&self.first_name)),
            Value::Text(Some(&self.last_name)),
            Value::Text(self.email.as_deref()),
            Value::Text(self.phone.as_deref()),
            Value::Date(self.birth_date),
            Value::Text(Some(&self.commune_code)),
            Value::Date(self.available_from),
            Value::Int(Some(self.commute_limit_km)),
            Value::Text(Some(&self.skills)),
            Value::Text(Some(&self.qualifications)),
            Value::Text(Some(&self.languages)),
            Value::Text(Some(&self.experience)),
            Value::Text(Some(&self.contract_types)),
            Value::Text(Some(self.working_time)),
        ];
        for (has, disclosed) in self.flags {
            values.push(Value::Bool(has));
            values.push(Value::Bool(disclosed));
        }
        values.extend([
            Value::Time(self.consent_at),
            Value::Text(self.consent_scope),
            Value::Int(self.advisor_user_id),
            Value::Int(Some(self.agency_structure_id)),
            Value::Date(Some(self.registered_on)),
            Value::Text(Some(self.status)),
            Value::Text(Some(&self.content_hash)),
            Value::Text(Some(&self.search_text)),
            Value::Time(Some(now)),
            Value::Time(Some(now)),
        ]);
        Staged {
            key: self.external_id.clone(),
            lookup: &self.external_id,
            hash: &self.content_hash,
            values,
        }
    }

    /// The rows of `job_seeker_targets` of this person, once stored under `id`.
    pub fn target_rows(&self, id: i64) -> impl Iterator<Item = Vec<Value<'_>>> {
        self.targets.iter().map(move |(rank, rome, title)| {
            vec![
                Value::Int(Some(id)),
                Value::Int(Some(*rank)),
                Value::Text(Some(rome)),
                Value::Text(title.as_deref()),
            ]
        })
    }
}

/// What a portfolio search reads of a person: last name, first name and reference, folded.
pub fn search_text(last_name: &str, first_name: &str, external_id: &str) -> String {
    refdata::text::normalise(&format!("{last_name} {first_name} {external_id}"))
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
        search_text: search_text(
            record.last_name.as_str(),
            record.first_name.as_str(),
            record.external_id.as_str(),
        ),
        targets: record
            .targets
            .as_slice()
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, t.rome.to_string(), t.job_title.clone()))
            .collect(),
    }
}

/// The columns read back for a job seeker, with the agency's SIRET and the advisor's e-mail,
/// as the arguments of a JSON object builder (`'key', expression, ...`), read back as one JSON
/// document per row: one value per row crosses the driver instead of forty. `json_column`
/// turns a JSON column into text (embedded as a string, parsed on our side: cheaper than
/// having the database re-parse it); `targets` is the backend's expression for the targets as
/// a JSON array of `[rome_code, job_title_ogr]` in rank order.
pub fn job_seeker_document_fields(json_column: fn(&str) -> String, targets: &str) -> String {
    let mut fields = vec![format!("'targets', {targets}")];
    for column in job_seeker_read_columns() {
        fields.push(format!("'{column}', j.{column}"));
    }
    for column in JOB_SEEKER_JSON_COLUMNS {
        fields.push(format!(
            "'{column}', {}",
            json_column(&format!("j.{column}"))
        ));
    }
    fields.push("'agency_siret', s.siret".to_string());
    fields.push("'advisor_email', u.email".to_string());
    fields.join(", ")
}

pub const JOB_SEEKER_FROM: &str = "FROM job_seekers j \
    JOIN structures s ON s.id = j.agency_structure_id \
    LEFT JOIN users u ON u.id = j.advisor_user_id";

/// The plain columns of `job_seekers` read back, in [`JobSeekerDocument`] order: the id and
/// the pseudonym, then the written ones in [`JOB_SEEKER_COLUMNS`] order but the JSON columns
/// (read after them) and those a job seeker is not read from (its agency and advisor come as
/// their SIRET and e-mail).
fn job_seeker_read_columns() -> impl Iterator<Item = &'static str> {
    ["id", "pseudonym"]
        .into_iter()
        .chain(JOB_SEEKER_COLUMNS.into_iter().filter(|column| {
            !JOB_SEEKER_JSON_COLUMNS.contains(column)
                && !matches!(
                    *column,
                    "advisor_user_id" | "agency_structure_id" | "content_hash" | "search_text"
                )
        }))
}

/// The JSON columns of `job_seekers` read back, after [`job_seeker_read_columns`].
const JOB_SEEKER_JSON_COLUMNS: [&str; 6] = [
    "skills",
    "qualifications",
    "languages",
    "experience",
    "contract_types",
    "proven_skills",
];

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
    proven_skills: String,
    agency_siret: String,
    advisor_email: Option<String>,
    targets: Vec<(String, Option<String>)>,
}

/// The columns of [`JobSeekerDocument::from_text`], in order: what a text `COPY` of job
/// seekers selects (`j` the job seeker, `s` its agency, `u` its advisor), the fields of
/// [`job_seeker_document_fields`].
pub fn job_seeker_text_columns() -> Vec<String> {
    job_seeker_read_columns()
        .chain(JOB_SEEKER_JSON_COLUMNS)
        .map(|column| format!("j.{column}"))
        .chain(["s.siret".to_string(), "u.email".to_string()])
        .collect()
}

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
        "j.proven_skills",
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
            r.16, r.17, r.18,
        ],
        r.19,
    ))
}

/// The text fields of a row, read in order (a `COPY` line, or SQLite's array of texts).
struct TextFields(std::vec::IntoIter<Option<String>>);

impl TextFields {
    fn new(fields: Vec<Option<String>>) -> Self {
        Self(fields.into_iter())
    }

    /// The next field, `None` when it is NULL.
    fn next(&mut self, name: &str) -> Result<Option<String>> {
        self.0
            .next()
            .ok_or_else(|| StoreError::Corrupt(format!("job seeker row: {name} missing")))
    }

    /// The next field, which cannot be NULL.
    fn required(&mut self, name: &str) -> Result<String> {
        self.next(name)?
            .ok_or_else(|| StoreError::Corrupt(format!("{name}: NULL")))
    }

    fn int(&mut self, name: &str) -> Result<i64> {
        let value = self.required(name)?;
        value
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("{name}: {value:?}")))
    }

    /// The next field as a priority flag of a `COPY` line (`t` or `f`).
    fn flag(&mut self) -> Result<bool> {
        Ok(self.next("priority flag")?.as_deref() == Some("t"))
    }

    /// The next field as an ISO date, if not NULL.
    fn date(&mut self, name: &str) -> Result<Option<NaiveDate>> {
        self.next(name)?
            .map(|v| {
                parse_iso_date(&v).ok_or_else(|| StoreError::Corrupt(format!("{name}: {v:?}")))
            })
            .transpose()
    }
}

/// A person's targets from their (ROME code, job title OGR) pairs in rank order; `person`
/// names them in the error.
fn targets_from_pairs(
    targets: Vec<(String, Option<String>)>,
    person: &dyn std::fmt::Display,
) -> Result<domain::Targets> {
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
    domain::Targets::new(targets)
        .map_err(|err| StoreError::Corrupt(format!("targets of job seeker {person}: {err}")))
}

fn commute_limit_from_km(km: i64) -> Result<domain::CommuteLimitKm> {
    u16::try_from(km)
        .ok()
        .and_then(|km| domain::CommuteLimitKm::new(km).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("commute_limit_km: {km}")))
}

/// The `experience` column (a JSON array of `{rome, months}`).
fn experience_from_json(text: &str) -> Result<Vec<Experience>> {
    from_json::<Vec<ExperienceDocument>>(text, "experience")?
        .into_iter()
        .map(|e| {
            Ok(Experience {
                rome: parse(&e.rome, "experience", domain::RomeCode::parse)?,
                months: e.months,
            })
        })
        .collect()
}

/// The `contract_types` column (a JSON array of their names).
fn contract_types_from_json(text: &str) -> Result<Vec<ContractType>> {
    from_json::<Vec<String>>(text, "contract_types")?
        .iter()
        .map(|c| text_enum(c, "contract_types", ContractType::parse))
        .collect()
}

/// A sourcing profile from the text fields of [`sourcing_columns`] and its targets.
pub fn sourcing_from_text(
    fields: Vec<Option<String>>,
    targets: Vec<(String, Option<String>)>,
) -> Result<SourcingProfile> {
    let mut fields = TextFields::new(fields);
    let id = fields.int("id")?;
    let pseudonym = fields.required("pseudonym")?;
    let commune = parse(
        &fields.required("commune_code")?,
        "commune_code",
        domain::InseeCode::parse,
    )?;
    let available_from = fields.date("available_from")?;
    let commute_limit = commute_limit_from_km(fields.int("commute_limit_km")?)?;
    let skills = from_json(&fields.required("skills")?, "skills")?;
    let qualifications = from_json(&fields.required("qualifications")?, "qualifications")?;
    let experience = experience_from_json(&fields.required("experience")?)?;
    let contract_types = contract_types_from_json(&fields.required("contract_types")?)?;
    let working_time = text_enum(
        &fields.required("working_time")?,
        "working_time",
        WorkingTimePreference::parse,
    )?;
    let mut priorities = Vec::new();
    for status in PriorityStatus::ALL {
        let flag = fields.next("priority flag")?;
        if matches!(flag.as_deref(), Some("t" | "1" | "true")) {
            priorities.push(*status);
        }
    }
    let consent = fields
        .next("consent_scope")?
        .map(|c| text_enum(&c, "consent_scope", ConsentScope::parse))
        .transpose()?;
    let status = text_enum(
        &fields.required("status")?,
        "status",
        JobSeekerStatus::parse,
    )?;
    let proven_skills = from_json(&fields.required("proven_skills")?, "proven_skills")?;
    let targets = targets_from_pairs(targets, &id)?;
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
        proven_skills,
    })
}

impl JobSeekerDocument {
    pub fn parse_json(text: &str) -> Result<JobSeeker> {
        let document: JobSeekerDocument = from_json(text, "job seeker")?;
        document.into_job_seeker()
    }

    /// A job seeker from the text fields of [`job_seeker_text_columns`] and its targets.
    pub fn from_text(
        fields: Vec<Option<String>>,
        targets: Vec<(String, Option<String>)>,
    ) -> Result<JobSeeker> {
        let mut fields = TextFields::new(fields);
        // Read in the order of the text columns: a struct's fields are evaluated as written.
        JobSeekerDocument {
            id: fields.int("id")?,
            pseudonym: fields.required("pseudonym")?,
            external_id: fields.required("external_id")?,
            first_name: fields.required("first_name")?,
            last_name: fields.required("last_name")?,
            email: fields.next("email")?,
            phone: fields.next("phone")?,
            birth_date: fields.date("birth_date")?,
            commune_code: fields.required("commune_code")?,
            available_from: fields.date("available_from")?,
            commute_limit_km: fields.int("commute_limit_km")?,
            working_time: fields.required("working_time")?,
            rqth: fields.flag()?,
            rqth_disclosed: fields.flag()?,
            long_term: fields.flag()?,
            long_term_disclosed: fields.flag()?,
            rsa: fields.flag()?,
            rsa_disclosed: fields.flag()?,
            qpv: fields.flag()?,
            qpv_disclosed: fields.flag()?,
            senior: fields.flag()?,
            senior_disclosed: fields.flag()?,
            young_unqualified: fields.flag()?,
            young_unqualified_disclosed: fields.flag()?,
            consent_at: fields
                .next("consent_at")?
                .map(|t| parse_pg_timestamp(&t))
                .transpose()?,
            consent_scope: fields.next("consent_scope")?,
            registered_on: fields
                .date("registered_on")?
                .ok_or_else(|| StoreError::Corrupt("registered_on: NULL".to_string()))?,
            status: fields.required("status")?,
            created_at: parse_pg_timestamp(&fields.required("created_at")?)?,
            updated_at: parse_pg_timestamp(&fields.required("updated_at")?)?,
            skills: fields.required("skills")?,
            qualifications: fields.required("qualifications")?,
            languages: fields.required("languages")?,
            experience: fields.required("experience")?,
            contract_types: fields.required("contract_types")?,
            proven_skills: fields.required("proven_skills")?,
            agency_siret: fields.required("agency_siret")?,
            advisor_email: fields.next("advisor_email")?,
            targets,
        }
        .into_job_seeker()
    }

    fn into_job_seeker(self) -> Result<JobSeeker> {
        let external = self.external_id;
        let targets = targets_from_pairs(self.targets, &external)?;
        let consent = match (self.consent_at, self.consent_scope) {
            (Some(given_at), Some(scope)) => Some(Consent {
                given_at,
                scope: text_enum(&scope, "consent_scope", ConsentScope::parse)?,
            }),
            _ => None,
        };
        let record = JobSeekerRecord {
            external_id: parse(&external, "external_id", domain::ExternalId::parse)?,
            first_name: parse(&self.first_name, "first_name", domain::PersonName::parse)?,
            last_name: parse(&self.last_name, "last_name", domain::PersonName::parse)?,
            email: parse_opt(self.email, "email", domain::Email::parse)?,
            phone: parse_opt(self.phone, "phone", domain::PhoneNumber::parse)?,
            birth_date: self.birth_date,
            commune: parse(&self.commune_code, "commune_code", domain::InseeCode::parse)?,
            available_from: self.available_from,
            commute_limit: commute_limit_from_km(self.commute_limit_km)?,
            targets,
            skills: from_json(&self.skills, "skills")?,
            qualifications: from_json(&self.qualifications, "qualifications")?,
            languages: from_json(&self.languages, "languages")?,
            experience: experience_from_json(&self.experience)?,
            contract_types: contract_types_from_json(&self.contract_types)?,
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
            proven_skills: from_json(&self.proven_skills, "proven_skills")?,
        })
    }
}

/// Job seekers are read in pages of this many, by increasing id.
pub const READ_PAGE: i64 = 5_000;

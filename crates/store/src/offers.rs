//! Offers: written in bulk from files and pushes, read one by one, by owner, or all the open
//! ones for the engine.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{ExternalId, Siret};
use futures_util::TryStreamExt;

use crate::backend::both_backends;
use crate::bulk::{Staged, Table, Value};
use crate::common::*;
use crate::{Result, StoreError};
use model::dashboard::{DashboardQuery, OfferDashboard};
use model::*;

/// Offers.
#[async_trait]
pub trait Offers: Send + Sync {
    /// Writes offers; a record whose owner structure is unknown is rejected.
    async fn upsert_offers(
        &self,
        records: &[OfferRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;

    async fn offer(&self, owner: &Siret, external_id: &ExternalId) -> Result<Option<Offer>>;

    async fn offer_by_id(&self, id: i64) -> Result<Option<Offer>>;

    /// The offers a structure owns, by id.
    async fn offers_of_structure(&self, structure_id: i64) -> Result<Vec<Offer>>;

    async fn load_offers(&self) -> Result<Vec<Offer>>;

    /// The offers written (created, changed, opened or closed) at or after `since`, by id.
    async fn offers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<Offer>>;

    /// The open offers, by id: what the engine ranks.
    async fn load_open_offers(&self) -> Result<Vec<Offer>>;

    /// Opens or closes an offer; `closed_at` follows. `reason` says why a cancelled offer was
    /// (any other status has none).
    async fn set_offer_status(
        &self,
        offer_id: i64,
        status: OfferStatus,
        reason: Option<CloseReason>,
        now: DateTime<Utc>,
    ) -> Result<Offer>;

    /// A structure's dashboard: its open offers and those without referral counted, one page
    /// of the open offers with their referral counts, and its referrals counted by state.
    async fn offer_dashboard(&self, query: &DashboardQuery) -> Result<OfferDashboard>;
}

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
    pub wage_min: Option<f64>,
    pub wage_max: Option<f64>,
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
    pub close_reason: Option<&'static str>,
    pub content_hash: String,
}

pub const OFFER_COLUMNS: [&str; 40] = [
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
    "wage_min",
    "wage_max",
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
    "close_reason",
    "content_hash",
    "created_at",
    "updated_at",
];

impl OfferRow {
    /// The row as a bulk write stages it, in [`OFFER_COLUMNS`] order; its key is the owner
    /// and the reference (see [`OFFER_KEY`]).
    fn staged(&self, now: DateTime<Utc>) -> Staged<'_> {
        Staged {
            key: format!("{}:{}", self.structure_id, self.external_id),
            lookup: &self.external_id,
            hash: &self.content_hash,
            values: vec![
                Value::Int(Some(self.structure_id)),
                Value::Text(Some(&self.external_id)),
                Value::Text(Some(&self.title)),
                Value::Text(Some(&self.description)),
                Value::Text(Some(&self.rome_code)),
                Value::Text(self.job_title.as_deref()),
                Value::Text(self.job_title_ogr.as_deref()),
                Value::Text(self.workplace_label.as_deref()),
                Value::Text(Some(&self.commune_code)),
                Value::Text(self.postcode.as_deref()),
                Value::Float(self.latitude),
                Value::Float(self.longitude),
                Value::Text(Some(self.contract_type)),
                Value::Text(self.contract_nature.as_deref()),
                Value::Text(self.duration_label.as_deref()),
                Value::Int(self.duration_days),
                Value::Text(self.hours_label.as_deref()),
                Value::Float(self.weekly_hours),
                Value::Text(self.working_time),
                Value::Text(self.salary_label.as_deref()),
                Value::Float(self.wage_min),
                Value::Float(self.wage_max),
                Value::Text(self.qualification_code.as_deref()),
                Value::Text(self.sector_code.as_deref()),
                Value::Text(Some(self.experience_required)),
                Value::Int(self.experience_months),
                Value::Text(Some(&self.licences)),
                Value::Text(Some(&self.skills)),
                Value::Int(Some(self.positions)),
                Value::Bool(self.accessible_th),
                Value::Bool(self.hard_to_fill),
                Value::Date(self.starts_on),
                Value::Text(Some(self.status)),
                Value::Time(Some(self.published_at)),
                Value::Time(self.source_updated_at),
                Value::Time(self.closed_at),
                Value::Text(self.close_reason),
                Value::Text(Some(&self.content_hash)),
                Value::Time(Some(now)),
                Value::Time(Some(now)),
            ],
        }
    }
}

/// An offer's key as one text: its owner's id and its reference.
const OFFER_KEY: &str = "CAST(structure_id AS TEXT) || ':' || external_id";

pub fn offer_update_set() -> String {
    OFFER_COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "structure_id" | "external_id" | "created_at"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How far past the time of writing an offer's dates may be: a start planned, a file dated
/// ahead by a time zone or a clock; beyond, a date is a mistake (2099) that would skew every
/// history read on "the last recorded day".
pub const DATES_AHEAD: chrono::Duration = chrono::Duration::days(366);

/// The offer's row, or why the record cannot be stored as it is (`now`: the time of writing).
pub fn offer_row(
    record: &OfferRecord,
    structure_id: i64,
    now: DateTime<Utc>,
) -> Result<OfferRow, String> {
    if record.title.trim().is_empty() {
        return Err("title: is empty".to_string());
    }
    if (record.status == OfferStatus::Open) != record.closed_at.is_none() {
        return Err("closed_at: set exactly when the status is not open".to_string());
    }
    if record.published_at > now + DATES_AHEAD {
        return Err(format!(
            "published_at: {} is more than a year after today",
            record.published_at.date_naive()
        ));
    }
    if let Some(closed_at) = record.closed_at {
        if closed_at < record.published_at {
            return Err(format!(
                "closed_at: {} is before the publication ({})",
                closed_at.date_naive(),
                record.published_at.date_naive()
            ));
        }
        if closed_at > now + DATES_AHEAD {
            return Err(format!(
                "closed_at: {} is more than a year after today",
                closed_at.date_naive()
            ));
        }
    }
    if record.close_reason.is_some() && record.status != OfferStatus::Cancelled {
        return Err("close_reason: only a cancelled offer has one".to_string());
    }
    if record.positions == 0 {
        return Err("positions: at least 1".to_string());
    }
    if let Some(wage) = record.wage {
        MonthlyWage::new(wage.min, wage.max).map_err(|e| format!("wage: {e}"))?;
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
        wage_min: record.wage.map(|w| w.min),
        wage_max: record.wage.map(|w| w.max),
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
        close_reason: record.close_reason.map(CloseReason::as_str),
        content_hash: content_hash(record),
    })
}

pub fn offer_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT o.id, s.siret AS structure_siret, o.external_id, o.title, o.description, \
         o.rome_code, o.job_title, o.job_title_ogr, o.workplace_label, o.commune_code, \
         o.postcode, o.latitude, o.longitude, o.contract_type, o.contract_nature, \
         o.duration_label, o.duration_days, o.hours_label, o.weekly_hours, o.working_time, \
         o.salary_label, o.wage_min, o.wage_max, o.qualification_code, o.sector_code, o.experience_required, \
         o.experience_months, {} AS licences, {} AS skills, o.positions, o.accessible_th, \
         o.hard_to_fill, o.starts_on, o.status, o.published_at, o.source_updated_at, \
         o.closed_at, o.close_reason, o.created_at, o.updated_at \
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
            structure_siret: parsed_column(row, "structure_siret", domain::Siret::parse)?,
            external_id: parsed_column(row, "external_id", domain::ExternalId::parse)?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            rome: parsed_column(row, "rome_code", domain::RomeCode::parse)?,
            job_title: row.try_get("job_title")?,
            job_title_ogr: row.try_get("job_title_ogr")?,
            workplace_label: row.try_get("workplace_label")?,
            commune: parsed_column(row, "commune_code", domain::InseeCode::parse)?,
            postcode: parse_opt(
                row.try_get("postcode")?,
                "postcode",
                domain::Postcode::parse,
            )?,
            coordinates: coordinates(row.try_get("latitude")?, row.try_get("longitude")?),
            contract_type: enum_column(row, "contract_type", $crate::ContractType::parse)?,
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
            wage: wage(row.try_get("wage_min")?, row.try_get("wage_max")?)?,
            qualification_code: row.try_get("qualification_code")?,
            sector_code: row.try_get("sector_code")?,
            experience_required: enum_column(
                row,
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
            status: enum_column(row, "status", $crate::OfferStatus::parse)?,
            published_at: row.try_get("published_at")?,
            source_updated_at: row.try_get("source_updated_at")?,
            closed_at: row.try_get("closed_at")?,
            close_reason: row
                .try_get::<Option<String>, _>("close_reason")?
                .map(|r| text_enum(&r, "close_reason", $crate::CloseReason::parse))
                .transpose()?,
        };
        ::std::result::Result::<_, $crate::StoreError>::Ok($crate::Offer {
            id: row.try_get("id")?,
            record,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }};
}

both_backends! {
    impl This {
        /// Offers matching `filter` (a WHERE clause over `o`, or nothing), by id.
        async fn offers_where(&self, filter: &str) -> Result<Vec<Offer>> {
            let sql = format!("{} {filter} ORDER BY o.id", offer_select(This::json_text));
            let mut rows = sqlx::query(&sql).fetch(&self.pool);
            let mut offers = Vec::new();
            while let Some(row) = rows.try_next().await? {
                offers.push(offer_from_row!(&row)?);
            }
            Ok(offers)
        }
    }

    #[async_trait]
    impl Offers for This {
        async fn offer(&self, owner: &Siret, external_id: &ExternalId) -> Result<Option<Offer>> {
            let sql = format!(
                "{} WHERE s.siret = $1 AND o.external_id = $2",
                offer_select(This::json_text)
            );
            let row = sqlx::query(&sql)
                .bind(owner.as_str())
                .bind(external_id.as_str())
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| offer_from_row!(row)).transpose()
        }

        async fn offer_by_id(&self, id: i64) -> Result<Option<Offer>> {
            let sql = format!("{} WHERE o.id = $1", offer_select(This::json_text));
            let row = sqlx::query(&sql)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(|row| offer_from_row!(row)).transpose()
        }

        async fn offers_of_structure(&self, structure_id: i64) -> Result<Vec<Offer>> {
            // The id is a number: safe to write into the clause.
            self.offers_where(&format!("WHERE o.structure_id = {structure_id}"))
                .await
        }

        async fn offers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<Offer>> {
            let sql = format!(
                "{} WHERE o.updated_at >= $1 ORDER BY o.id",
                offer_select(This::json_text)
            );
            let rows = sqlx::query(&sql).bind(since).fetch_all(&self.pool).await?;
            rows.iter().map(|row| offer_from_row!(row)).collect()
        }

        async fn load_offers(&self) -> Result<Vec<Offer>> {
            self.offers_where("").await
        }

        async fn load_open_offers(&self) -> Result<Vec<Offer>> {
            self.offers_where("WHERE o.status = 'open'").await
        }


        async fn upsert_offers(
            &self,
            records: &[OfferRecord],
            now: DateTime<Utc>,
        ) -> Result<BulkReport> {
            let mut report = BulkReport::default();
            let mut tx = self.begin_write().await?;
            let owners = This::ids_by_key(
                &mut tx,
                "structures",
                "siret",
                records.iter().map(|r| r.structure_siret.to_string()),
            )
            .await?;
            let rows = rows_to_write(
                records,
                |r| (r.structure_siret.as_str(), r.external_id.as_str()),
                &mut report,
                |record| {
                    let owner = owners.get(record.structure_siret.as_str()).ok_or_else(|| {
                        format!(
                            "structure_siret: no structure has the SIRET {}",
                            record.structure_siret
                        )
                    })?;
                    offer_row(record, *owner, now)
                },
            );
            let staged: Vec<Staged> = rows.iter().map(|row| row.staged(now)).collect();
            let update = offer_update_set();
            let table = Table {
                name: "offers",
                columns: &OFFER_COLUMNS,
                conflict: "structure_id, external_id",
                key: OFFER_KEY,
                lookup: "external_id",
                update: &update,
            };
            This::write_staged(&mut tx, &table, &staged, &mut report).await?;
            tx.commit().await?;
            Ok(report)
        }

        async fn set_offer_status(
            &self,
            offer_id: i64,
            status: OfferStatus,
            reason: Option<CloseReason>,
            now: DateTime<Utc>,
        ) -> Result<Offer> {
            if reason.is_some() && status != OfferStatus::Cancelled {
                return Err(StoreError::Invalid(
                    "close_reason: only a cancelled offer has one".to_string(),
                ));
            }
            let done = sqlx::query(
                "UPDATE offers SET status = $1, closed_at = CASE WHEN $1 = 'open' THEN NULL \
                 ELSE coalesce(closed_at, $2) END, close_reason = $4, updated_at = $2 \
                 WHERE id = $3",
            )
            .bind(status.as_str())
            .bind(now)
            .bind(offer_id)
            .bind(reason.map(CloseReason::as_str))
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("offer {offer_id}")));
            }
            let sql = format!("{} WHERE o.id = $1", offer_select(This::json_text));
            let row = sqlx::query(&sql)
                .bind(offer_id)
                .fetch_one(&self.pool)
                .await?;
            offer_from_row!(&row)
        }

        async fn offer_dashboard(&self, query: &DashboardQuery) -> Result<OfferDashboard> {
            let structure = query.structure_id;
            // One snapshot for every count, so that they add up.
            let mut tx = self.pool.begin().await?;
            let (open_offers, open_without_referral): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM referrals r \
                 WHERE r.offer_id = o.id) THEN 1 ELSE 0 END), 0) \
                 FROM offers o WHERE o.structure_id = $1 AND o.status = 'open'",
            )
            .bind(structure)
            .fetch_one(&mut *tx)
            .await?;
            let states: Vec<(String, i64)> = sqlx::query_as(
                "SELECT r.state, COUNT(*) FROM referrals r JOIN offers o ON o.id = r.offer_id \
                 WHERE o.structure_id = $1 GROUP BY r.state",
            )
            .bind(structure)
            .fetch_all(&mut *tx)
            .await?;
            let mut referrals_by_state = Vec::with_capacity(ReferralState::ALL.len());
            for state in ReferralState::ALL {
                let n = states
                    .iter()
                    .find(|(s, _)| s == state.as_str())
                    .map_or(0, |(_, n)| *n);
                referrals_by_state.push((*state, count(n)));
            }
            let open_sql = format!(
                "{} WHERE o.structure_id = $1 AND o.status = 'open' ORDER BY o.id \
                 LIMIT $2 OFFSET $3",
                offer_select(This::json_text)
            );
            let rows = sqlx::query(&open_sql)
                .bind(structure)
                .bind(i64::from(query.limit))
                .bind(i64::try_from(query.offset).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
            let page = rows
                .iter()
                .map(|row| offer_from_row!(row))
                .collect::<Result<Vec<Offer>>>()?;
            let mut open = Vec::with_capacity(page.len());
            if let (Some(first), Some(last)) = (page.first(), page.last()) {
                let counted: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT r.offer_id, COUNT(*) FROM referrals r JOIN offers o \
                     ON o.id = r.offer_id WHERE o.structure_id = $1 AND r.offer_id >= $2 \
                     AND r.offer_id <= $3 GROUP BY r.offer_id",
                )
                .bind(structure)
                .bind(first.id)
                .bind(last.id)
                .fetch_all(&mut *tx)
                .await?;
                for offer in page {
                    let n = counted
                        .iter()
                        .find(|(id, _)| *id == offer.id)
                        .map_or(0, |(_, n)| *n);
                    open.push((offer, count(n)));
                }
            }
            let without_sql = format!(
                "{} WHERE o.structure_id = $1 AND o.status = 'open' AND NOT EXISTS \
                 (SELECT 1 FROM referrals r WHERE r.offer_id = o.id) ORDER BY o.id LIMIT $2",
                offer_select(This::json_text)
            );
            let rows = sqlx::query(&without_sql)
                .bind(structure)
                .bind(i64::from(query.without_limit))
                .fetch_all(&mut *tx)
                .await?;
            let without_referral = rows
                .iter()
                .map(|row| offer_from_row!(row))
                .collect::<Result<Vec<Offer>>>()?;
            tx.commit().await?;
            Ok(OfferDashboard {
                open_offers: count(open_offers),
                open_without_referral: count(open_without_referral),
                referrals_by_state,
                open,
                without_referral,
            })
        }
    }
}

/// A SQL count as the unsigned number it is.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

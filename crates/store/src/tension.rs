//! Local tension: offers by occupation, commune, month and outcome, and job seekers by
//! occupation, commune and commute limit, counted by the database for the tension feature.

use async_trait::async_trait;
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;
use model::{LocalQuery, OfferGroup, SeekerGroup};

/// Counts for the local tension.
#[async_trait]
pub trait LocalTension: Send + Sync {
    /// The offers published in the query's period, grouped by occupation, commune, month of
    /// publication, declared flag, status and whole days open (closed offers).
    async fn offer_groups(&self, query: &LocalQuery) -> Result<Vec<OfferGroup>>;

    /// The active job seekers targeting each occupation (of the query, or all), grouped by
    /// commune and commute limit.
    async fn seeker_groups(&self, query: &LocalQuery) -> Result<Vec<SeekerGroup>>;
}

both_backends! {
    #[async_trait]
    impl LocalTension for This {
        async fn offer_groups(&self, query: &LocalQuery) -> Result<Vec<OfferGroup>> {
            let month = This::month("o.published_at");
            let days = This::days_between("o.published_at", "o.closed_at");
            let sql = format!(
                "SELECT o.rome_code, o.commune_code, {month} AS month, o.hard_to_fill, o.status, \
                 {days} AS days_open, o.close_reason, COUNT(*) AS n FROM offers o \
                 WHERE o.published_at >= $1 AND o.published_at < $2 \
                 AND (CAST($3 AS TEXT) IS NULL OR o.rome_code = $3) \
                 GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7"
            );
            let rows = sqlx::query(&sql)
                .bind(day_start(query.from))
                .bind(day_start(query.to))
                .bind(query.rome.as_deref())
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(OfferGroup {
                        rome: row.try_get(0)?,
                        commune: row.try_get(1)?,
                        month: row.try_get(2)?,
                        hard_to_fill: row.try_get(3)?,
                        status: text_enum(
                            &row.try_get::<String, _>(4)?,
                            "status",
                            OfferStatus::parse,
                        )?,
                        days_open: row.try_get(5)?,
                        close_reason: row
                            .try_get::<Option<String>, _>(6)?
                            .map(|r| text_enum(&r, "close_reason", CloseReason::parse))
                            .transpose()?,
                        offers: unsigned(row.try_get(7)?),
                    })
                })
                .collect()
        }

        async fn seeker_groups(&self, query: &LocalQuery) -> Result<Vec<SeekerGroup>> {
            let rows = sqlx::query(
                "SELECT t.rome_code, j.commune_code, j.commute_limit_km, COUNT(*) AS n \
                 FROM job_seeker_targets t JOIN job_seekers j ON j.id = t.job_seeker_id \
                 WHERE j.status = 'active' AND (CAST($1 AS TEXT) IS NULL OR t.rome_code = $1) \
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            )
            .bind(query.rome.as_deref())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let limit: i64 = row.try_get(2)?;
                    Ok(SeekerGroup {
                        rome: row.try_get(0)?,
                        commune: row.try_get(1)?,
                        commute_limit_km: u16::try_from(limit).map_err(|_| {
                            StoreError::Corrupt(format!("commute_limit_km: {limit}"))
                        })?,
                        seekers: unsigned(row.try_get(3)?),
                    })
                })
                .collect()
        }
    }
}

/// Midnight UTC of a day: the bound of a period of publication.
fn day_start(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

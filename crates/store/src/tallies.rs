//! Tallies: offers, referrals and shortlists counted by department and month for the steering
//! figures, never one row per person.

use async_trait::async_trait;
use sqlx::Row as _;

use crate::Result;
use crate::backend::both_backends;
use crate::common::*;
use crate::referrals::referral_scope_filter;
use model::*;

/// Counts for the steering figures.
#[async_trait]
pub trait Tallies: Send + Sync {
    /// Offers (of one owner, or all) counted by department, month of publication, month of
    /// last change and status.
    async fn offer_tallies(&self, structure: Option<i64>) -> Result<Vec<Tally>>;

    /// Referrals in `scope` counted by the offer's department, month of proposal, month of
    /// last move and state.
    async fn referral_tallies(&self, scope: ReferralScope) -> Result<Vec<Tally>>;

    /// Adds shortlist counts to the stored ones (what an instance served since its last flush).
    async fn add_shortlist_tallies(&self, tallies: &[ShortlistTally]) -> Result<()>;

    /// Shortlist counts, of one offer owner or of all, by department and month.
    async fn shortlist_tallies(&self, structure: Option<i64>) -> Result<Vec<ShortlistTally>>;

    /// The distinct people proposed (by month of proposal) and hired (by month of the hire)
    /// in the whole territory, by the offer's department, and those holding each status.
    async fn referral_holder_tallies(&self) -> Result<Vec<HolderTally>>;
}

both_backends! {
    /// A count column (`COUNT(*)` or a stored tally) as an unsigned number.
    fn count(row: &Row, column: &str) -> Result<u64> {
        Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
    }

    fn tally_from_row(row: &Row) -> Result<Tally> {
        Ok(Tally {
            department: row.try_get("department")?,
            month: row.try_get("month")?,
            changed_month: row.try_get("changed_month")?,
            state: row.try_get("state")?,
            count: count(row, "n")?,
        })
    }


    /// The candidates holding each priority status, from a `shortlist_tallies` row.
    fn holders(row: &Row) -> Result<[u64; 6]> {
        let mut out = [0u64; 6];
        for (slot, status) in out.iter_mut().zip(model::PriorityStatus::ALL) {
            *slot = count(row, status.as_str())?;
        }
        Ok(out)
    }

    #[async_trait]
    impl Tallies for This {
        async fn offer_tallies(&self, structure: Option<i64>) -> Result<Vec<Tally>> {
            let m_o_published_at = This::month("o.published_at");
            let m_o_updated_at = This::month("o.updated_at");
            let sql = format!(
                "SELECT {DEPARTMENT_OF_COMMUNE} AS department, {m_o_published_at} AS month, \
                 {m_o_updated_at} AS changed_month, o.status AS state, COUNT(*) AS n \
                 FROM offers o WHERE CAST($1 AS BIGINT) IS NULL OR o.structure_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            );
            let rows = sqlx::query(&sql)
                .bind(structure)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(tally_from_row).collect()
        }

        async fn referral_tallies(&self, scope: ReferralScope) -> Result<Vec<Tally>> {
            let (filter, id) = referral_scope_filter(scope, "$1");
            let m_r_created_at = This::month("r.created_at");
            let m_r_updated_at = This::month("r.updated_at");
            let sql = format!(
                "SELECT {DEPARTMENT_OF_COMMUNE} AS department, {m_r_created_at} AS month, \
                 {m_r_updated_at} AS changed_month, r.state AS state, COUNT(*) AS n \
                 FROM referrals r JOIN offers o ON o.id = r.offer_id WHERE {filter} \
                 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            );
            let mut query = sqlx::query(&sql);
            if let Some(id) = id {
                query = query.bind(id);
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.iter().map(tally_from_row).collect()
        }

        async fn referral_holder_tallies(&self) -> Result<Vec<HolderTally>> {
            let m_r_created_at = This::month("r.created_at");
            let m_r_updated_at = This::month("r.updated_at");
            let sql = format!(
                "SELECT t.department, t.month, t.kind, COUNT(DISTINCT t.job_seeker_id) AS n, \
                 COUNT(DISTINCT CASE WHEN t.rqth THEN t.job_seeker_id END) AS rqth, COUNT(DISTINCT CASE WHEN t.long_term THEN t.job_seeker_id END) AS long_term, COUNT(DISTINCT CASE WHEN t.rsa THEN t.job_seeker_id END) AS rsa, COUNT(DISTINCT CASE WHEN t.qpv THEN t.job_seeker_id END) AS qpv, COUNT(DISTINCT CASE WHEN t.senior THEN t.job_seeker_id END) AS senior, COUNT(DISTINCT CASE WHEN t.young_unqualified THEN t.job_seeker_id END) AS young_unqualified \
                 FROM (SELECT {DEPARTMENT_OF_COMMUNE} AS department, {m_r_created_at} AS month, \
                       'proposed' AS kind, r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
                       FROM referrals r JOIN offers o ON o.id = r.offer_id \
                       JOIN job_seekers j ON j.id = r.job_seeker_id \
                       UNION ALL \
                       SELECT {DEPARTMENT_OF_COMMUNE}, {m_r_updated_at}, 'hired', r.job_seeker_id, j.rqth, j.long_term, j.rsa, j.qpv, j.senior, j.young_unqualified \
                       FROM referrals r JOIN offers o ON o.id = r.offer_id \
                       JOIN job_seekers j ON j.id = r.job_seeker_id WHERE r.state = 'hired') t \
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            );
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(HolderTally {
                        department: row.try_get("department")?,
                        month: row.try_get("month")?,
                        kind: row.try_get("kind")?,
                        people: count(row, "n")?,
                        holders: holders(row)?,
                    })
                })
                .collect()
        }

        async fn add_shortlist_tallies(&self, tallies: &[ShortlistTally]) -> Result<()> {
            let mut tx = self.begin_write().await?;
            for t in tallies {
                let [h0, h1, h2, h3, h4, h5] = t.holders;
                let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                sqlx::query(
                    "INSERT INTO shortlist_tallies (structure_id, department, month, shortlists, \
                     candidates, rqth, long_term, rsa, qpv, senior, young_unqualified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (structure_id, department, month) DO UPDATE SET \
                     shortlists = shortlist_tallies.shortlists + excluded.shortlists, \
                     candidates = shortlist_tallies.candidates + excluded.candidates, \
                     rqth = shortlist_tallies.rqth + excluded.rqth, \
                     long_term = shortlist_tallies.long_term + excluded.long_term, \
                     rsa = shortlist_tallies.rsa + excluded.rsa, \
                     qpv = shortlist_tallies.qpv + excluded.qpv, \
                     senior = shortlist_tallies.senior + excluded.senior, \
                     young_unqualified = shortlist_tallies.young_unqualified + excluded.young_unqualified",
                )
                .bind(t.structure_id)
                .bind(&t.department)
                .bind(&t.month)
                .bind(i64::try_from(t.shortlists).unwrap_or(i64::MAX))
                .bind(i64::try_from(t.candidates).unwrap_or(i64::MAX))
                .bind(count(h0))
                .bind(count(h1))
                .bind(count(h2))
                .bind(count(h3))
                .bind(count(h4))
                .bind(count(h5))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        async fn shortlist_tallies(&self, structure: Option<i64>) -> Result<Vec<ShortlistTally>> {
            let rows = sqlx::query(
                "SELECT structure_id, department, month, shortlists, candidates, rqth, long_term, rsa, qpv, \
                 senior, young_unqualified \
                 FROM shortlist_tallies WHERE CAST($1 AS BIGINT) IS NULL OR structure_id = $1 \
                 ORDER BY department, month, structure_id",
            )
            .bind(structure)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(ShortlistTally {
                        structure_id: row.try_get("structure_id")?,
                        department: row.try_get("department")?,
                        month: row.try_get("month")?,
                        shortlists: count(row, "shortlists")?,
                        candidates: count(row, "candidates")?,
                        holders: holders(row)?,
                    })
                })
                .collect()
        }
    }
}

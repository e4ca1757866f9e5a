//! Local tension: offers by occupation, commune, month and outcome, and job seekers by
//! occupation, commune and commute limit, counted for the tension feature. A region's year is
//! hundreds of thousands of groups: the database reads and joins, in the order of an index
//! where it can, and the counting that would make it sort everything is done here.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::Row as _;

use crate::backend::both_backends;
use crate::common::*;
use crate::{Result, StoreError};
use model::*;
use model::{LocalQuery, OfferGroup, SeekerGroup, SeekerSet};

/// Counts for the local tension.
#[async_trait]
pub trait LocalTension: Send + Sync {
    /// The offers published in the query's period, grouped by occupation, commune, month of
    /// publication, declared flag, status, whole days open (closed offers) and close reason, in
    /// that order (an unknown value first).
    async fn offer_groups(&self, query: &LocalQuery) -> Result<Vec<OfferGroup>>;

    /// The active job seekers targeting each occupation (of the query, or all), grouped by
    /// commune and commute limit, in the order of commune, limit and occupation.
    async fn seeker_groups(&self, query: &LocalQuery) -> Result<Vec<SeekerGroup>>;

    /// Every active job seeker, grouped by commune, commute limit and the set of occupations
    /// they target, in the order of commune, limit and set: what a family of occupations needs
    /// to count each person once.
    async fn seeker_sets(&self) -> Result<Vec<SeekerSet>>;
}

both_backends! {
    /// The commune and commute limit that open a row of people grouped by both.
    fn commune_and_limit(row: &Row) -> Result<(String, u16)> {
        let commune: String = row.try_get(0)?;
        let limit: i64 = row.try_get(1)?;
        let commute_limit_km = u16::try_from(limit)
            .map_err(|_| StoreError::Corrupt(format!("commute_limit_km: {limit}")))?;
        Ok((commune, commute_limit_km))
    }

    #[async_trait]
    impl LocalTension for This {
        async fn offer_groups(&self, query: &LocalQuery) -> Result<Vec<OfferGroup>> {
            // Nearly every offer of a year is a group of its own (its days open), so the
            // database reads them and they are counted here: a GROUP BY would sort them all
            // only to hand over as many rows (SQLite, scale 1.0: 1.6 s of sorting for 357,080
            // groups of 370,046 offers). They are read from the index `offers_tension` alone,
            // each as one text (`rome|commune|month|flag|status|days|reason`): one value per
            // row instead of seven, one allocation for a new group and none for a known one
            // (SQLite, scale 1.0: 5.1 s → see BENCHMARKS.md).
            let sql = format!(
                "SELECT o.rome_code || '|' || o.commune_code || '|' || {month} || '|' || \
                 CASE WHEN o.hard_to_fill THEN '1' ELSE '0' END || '|' || o.status || '|' || \
                 COALESCE(CAST({days} AS TEXT), '') || '|' || COALESCE(o.close_reason, '') \
                 FROM offers o \
                 WHERE o.published_at >= $1 AND o.published_at < $2 \
                 AND (CAST($3 AS TEXT) IS NULL OR o.rome_code = $3)",
                month = This::month("o.published_at"),
                days = This::days_between("o.published_at", "o.closed_at"),
            );
            // Each row is counted as it comes, never all held at once.
            let mut rows = sqlx::query(&sql)
                .bind(day_start(query.from))
                .bind(day_start(query.to))
                .bind(query.rome.as_deref())
                .fetch(&self.pool);
            let mut counts: HashMap<String, u64> = HashMap::new();
            while let Some(row) = rows.try_next().await? {
                let key: &str = row.try_get(0)?;
                match counts.get_mut(key) {
                    Some(n) => *n += 1,
                    None => {
                        counts.insert(key.to_string(), 1);
                    }
                }
            }
            let mut groups = counts
                .iter()
                .map(|(key, offers)| offer_group(key, *offers))
                .collect::<Result<Vec<_>>>()?;
            groups.sort_unstable_by(|a, b| {
                (&a.rome, &a.commune, &a.month, a.hard_to_fill, a.status.as_str())
                    .cmp(&(&b.rome, &b.commune, &b.month, b.hard_to_fill, b.status.as_str()))
                    .then_with(|| a.days_open.cmp(&b.days_open))
                    .then_with(|| {
                        a.close_reason
                            .map(|r| r.as_str())
                            .cmp(&b.close_reason.map(|r| r.as_str()))
                    })
            });
            Ok(groups)
        }

        async fn seeker_groups(&self, query: &LocalQuery) -> Result<Vec<SeekerGroup>> {
            // Every occupation: the people are read from `job_seekers_tension`, in the order of
            // commune and limit, each joined with their targets, and grouped in that order, so
            // the database sorts nothing: each (commune, limit) hands over its people's ROME
            // codes one after the other, counted here. Grouping by (occupation, commune,
            // limit) in SQL sorted 1.4 million targets into 672,022 groups (SQLite, scale 1.0:
            // 4.5 s, 2.0 s with the index; this: 1.0 s). CROSS JOIN keeps SQLite from
            // starting with the targets, whose every row would then fetch a person's whole row
            // at random. One occupation: its targets first.
            let (people, rome) = if query.rome.is_some() {
                ("job_seeker_targets t CROSS JOIN job_seekers j", "t.rome_code = $1")
            } else {
                (
                    "job_seekers j CROSS JOIN job_seeker_targets t",
                    "CAST($1 AS TEXT) IS NULL",
                )
            };
            let sql = format!(
                "SELECT j.commune_code, j.commute_limit_km, {codes} AS codes \
                 FROM {people} WHERE t.job_seeker_id = j.id AND j.status = 'active' AND {rome} \
                 GROUP BY 1, 2 ORDER BY j.commune_code{byte_order}, 2",
                codes = This::concat_texts("t.rome_code"),
                byte_order = This::BYTE_ORDER,
            );
            let mut rows = sqlx::query(&sql)
                .bind(query.rome.as_deref())
                .fetch(&self.pool);
            let mut groups = Vec::new();
            while let Some(row) = rows.try_next().await? {
                let (commune, commute_limit_km) = commune_and_limit(&row)?;
                let codes: String = row.try_get(2)?;
                for (rome, seekers) in count_codes(&codes)? {
                    groups.push(SeekerGroup {
                        rome: rome.to_string(),
                        commune: commune.clone(),
                        commute_limit_km,
                        seekers,
                    });
                }
            }
            Ok(groups)
        }

        async fn seeker_sets(&self) -> Result<Vec<SeekerSet>> {
            // As `seeker_groups`, read in (commune, limit) order with nothing sorted; each
            // target comes as `id:ROME,` so that a person's targets are put together here.
            let sql = format!(
                "SELECT j.commune_code, j.commute_limit_km, {pairs} AS pairs \
                 FROM job_seekers j CROSS JOIN job_seeker_targets t \
                 WHERE t.job_seeker_id = j.id AND j.status = 'active' \
                 GROUP BY 1, 2 ORDER BY j.commune_code{byte_order}, 2",
                pairs = This::concat_texts(
                    "CAST(j.id AS TEXT) || ':' || t.rome_code || ','"
                ),
                byte_order = This::BYTE_ORDER,
            );
            let mut rows = sqlx::query(&sql).fetch(&self.pool);
            let mut sets = Vec::new();
            while let Some(row) = rows.try_next().await? {
                let (commune, commute_limit_km) = commune_and_limit(&row)?;
                let pairs: String = row.try_get(2)?;
                for (romes, seekers) in count_sets(&pairs)? {
                    sets.push(SeekerSet {
                        romes: romes.into_iter().map(str::to_string).collect(),
                        commune: commune.clone(),
                        commute_limit_km,
                        seekers,
                    });
                }
            }
            Ok(sets)
        }
    }
}

/// `id:ROME,` pairs written one after the other (a person's targets in any order): the sets
/// of targets, each with how many people hold exactly it, in set order.
fn count_sets(pairs: &str) -> Result<BTreeMap<Vec<&str>, u64>> {
    let mut people: HashMap<&str, Vec<&str>> = HashMap::new();
    for pair in pairs.split(',').filter(|p| !p.is_empty()) {
        let Some((id, rome)) = pair.split_once(':').filter(|(_, r)| r.len() == 5) else {
            return Err(StoreError::Corrupt(format!(
                "a job seeker's target {:?}",
                pair.chars().take(40).collect::<String>()
            )));
        };
        people.entry(id).or_default().push(rome);
    }
    let mut sets = BTreeMap::new();
    for mut romes in people.into_values() {
        romes.sort_unstable();
        romes.dedup();
        *sets.entry(romes).or_default() += 1;
    }
    Ok(sets)
}

/// A group of offers from its text as read, `rome|commune|month|flag|status|days|reason`.
fn offer_group(key: &str, offers: u64) -> Result<OfferGroup> {
    let corrupt = || StoreError::Corrupt(format!("an offer's tension fields {key:?}"));
    let mut fields = key.split('|');
    let mut next = || fields.next().ok_or_else(corrupt);
    let (rome, commune, month) = (next()?, next()?, next()?);
    let hard_to_fill = match next()? {
        "1" => true,
        "0" => false,
        _ => return Err(corrupt()),
    };
    let status = text_enum(next()?, "status", OfferStatus::parse)?;
    let days_open = match next()? {
        "" => None,
        days => Some(days.parse::<i64>().map_err(|_| corrupt())?),
    };
    let close_reason = match next()? {
        "" => None,
        reason => Some(text_enum(reason, "close_reason", CloseReason::parse)?),
    };
    Ok(OfferGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        month: month.to_string(),
        hard_to_fill,
        status,
        days_open,
        close_reason,
        offers,
    })
}

/// ROME codes (five characters each, the schema checks it) written one after the other, each
/// with how many times it occurs, in code order.
fn count_codes(codes: &str) -> Result<BTreeMap<&str, u64>> {
    if !codes.is_ascii() || !codes.len().is_multiple_of(5) {
        return Err(StoreError::Corrupt(format!(
            "ROME codes of {} bytes",
            codes.len()
        )));
    }
    let mut counts = BTreeMap::new();
    for start in (0..codes.len()).step_by(5) {
        if let Some(code) = codes.get(start..start + 5) {
            *counts.entry(code).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Midnight UTC of a day: the bound of a period of publication.
fn day_start(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn codes_written_one_after_the_other_are_counted() {
        let counts = count_codes("N1103J1501N1103A1101N1103").unwrap();
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            vec![("A1101", 1), ("J1501", 1), ("N1103", 3)]
        );
        assert!(count_codes("").unwrap().is_empty());
        assert!(count_codes("N1103J150").is_err());
        assert!(count_codes("N1103J150é").is_err());
    }

    #[test]
    fn targets_are_put_together_by_person_and_the_sets_counted() {
        let sets = count_sets("7:N1103,9:J1501,7:A1101,12:N1103,9:J1501,8:A1101,8:N1103,")
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>();
        assert_eq!(
            sets,
            vec![
                (vec!["A1101", "N1103"], 2),
                (vec!["J1501"], 1),
                (vec!["N1103"], 1),
            ]
        );
        assert!(count_sets("").unwrap().is_empty());
        assert!(count_sets("7:N110,").is_err());
        assert!(count_sets("7N1103,").is_err());
    }
}

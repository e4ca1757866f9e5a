//! Job seekers: France Travail's portfolios written in bulk, read one by one, by agency, or
//! streamed whole for the engine (each backend its fastest way); and the consent and
//! disclosures a person gives in Passerelle, with their history.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::ExternalId;
use sqlx::sqlite::SqlitePool;
use sqlx::types::Json;
use sqlx::{Postgres, Row as _, Transaction};

use crate::backend::{PostgresStore, SqliteStore, both_backends};
use crate::bulk::{Staged, Table, Value, copy_out_lines, copy_text_fields};
use crate::common::*;
use crate::job_seeker_rows::*;
use crate::{Result, StoreError};
use model::portfolio::{PortfolioQuery, PortfolioSort};
use model::*;

/// Job seekers and their consent.
#[async_trait]
pub trait JobSeekers: Send + Sync {
    /// Writes job seekers; a record whose agency or advisor is unknown is rejected, the others
    /// are written.
    async fn upsert_job_seekers(
        &self,
        records: &[JobSeekerRecord],
        now: DateTime<Utc>,
    ) -> Result<BulkReport>;

    async fn job_seeker(&self, external_id: &ExternalId) -> Result<Option<JobSeeker>>;

    async fn job_seeker_by_id(&self, id: i64) -> Result<Option<JobSeeker>>;

    /// The job seekers of a France Travail agency's portfolio with an id above `after`, by
    /// id, at most `limit`.
    async fn job_seekers_of_agency(
        &self,
        agency_structure_id: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<JobSeeker>>;

    /// Hands every job seeker, by id, to `sink`, holding one at a time: what the engine reads
    /// at start. Returns how many there were. An error from `sink` stops the stream.
    async fn stream_job_seekers(
        &self,
        sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
    ) -> Result<u64>;

    /// Hands every job seeker's [`SourcingProfile`] (what the engine needs, no identity) to
    /// `sink`, by id, holding one at a time. Returns how many there were.
    async fn stream_sourcing_profiles(
        &self,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64>;

    /// One page of an agency's portfolio: the people matching every criterion of `query`, in
    /// its order, and how many match in all.
    async fn search_portfolio(&self, query: &PortfolioQuery) -> Result<(u64, Vec<JobSeeker>)>;

    /// The sourcing profiles of the job seekers written (created or changed) at or after
    /// `since`, by id, in one read: what the engine takes in on each refresh.
    async fn sourcing_profiles_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<SourcingProfile>>;

    /// The ids of the job seekers written (created or changed) at or after `since`, by id.
    async fn job_seekers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<i64>>;

    /// Every job seeker, by id, in memory.
    async fn load_job_seekers(&self) -> Result<Vec<JobSeeker>> {
        let mut seekers = Vec::new();
        self.stream_job_seekers(&mut |seeker| {
            seekers.push(seeker);
            Ok(())
        })
        .await?;
        Ok(seekers)
    }

    /// Records a person's consent and disclosures as given to Passerelle, and keeps the change
    /// in their history, in one transaction; from then on imports keep what was recorded. A
    /// disclosed status the person does not hold is refused (`Invalid`), nothing written.
    /// `None` when there is no such person.
    async fn record_consent(
        &self,
        job_seeker_id: i64,
        change: &ConsentChange,
        recorded_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<JobSeeker>>;

    /// A person's consent history, oldest first.
    async fn consent_events(&self, job_seeker_id: i64) -> Result<Vec<ConsentEvent>>;
}

/// `SELECT` of a person's consent events.
pub fn consent_select(json_as_text: fn(&str) -> String) -> String {
    format!(
        "SELECT id, job_seeker_id, scope, channel, {} AS disclosed, {} AS shared_evaluations, \
         recorded_by_user_id, recorded_at FROM consent_events",
        json_as_text("disclosed"),
        json_as_text("shared_evaluations")
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
                shared_evaluations: from_json(
                    &row.try_get::<String, _>("shared_evaluations")?,
                    "shared_evaluations",
                )?,
            },
            recorded_by: row.try_get("recorded_by_user_id")?,
            recorded_at: row.try_get("recorded_at")?,
        })
    }};
}

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

/// The `WHERE` clause of a portfolio search over `j` (`$1` the agency), and the values of its
/// other placeholders, in order: a `LIKE` pattern per word, then the ROME code.
fn portfolio_filter(query: &PortfolioQuery) -> (String, Vec<String>) {
    let mut values = Vec::new();
    let mut clause = format!(
        "j.agency_structure_id = $1{}",
        search_words_filter(
            &query.words,
            PortfolioQuery::MAX_WORDS,
            &["j.search_text", "lower(j.pseudonym)"],
            &mut values,
            1,
        )
    );
    if let Some(status) = query.status {
        // The column of a status is its own name (the enum's, never typed text).
        clause.push_str(&format!(" AND j.{}", status.as_str()));
    }
    if let Some(rome) = &query.rome_code {
        values.push(rome.clone());
        clause.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM job_seeker_targets t WHERE t.job_seeker_id = j.id \
             AND t.rome_code = ${})",
            values.len() + 1
        ));
    }
    (clause, values)
}

/// The columns of `job_seeker_targets` as written.
const TARGET_COLUMNS: [&str; 4] = ["job_seeker_id", "rank", "rome_code", "job_title_ogr"];

both_backends! {
    impl This {
        /// Fills in the search text of the people written before it existed (migration 0007),
        /// a batch at a time; how many were filled.
        pub(crate) async fn fill_search_text(&self) -> Result<u64> {
            let mut filled = 0;
            loop {
                let rows = sqlx::query(
                    "SELECT id, last_name, first_name, external_id FROM job_seekers \
                     WHERE search_text IS NULL ORDER BY id LIMIT 2000",
                )
                .fetch_all(&self.pool)
                .await?;
                if rows.is_empty() {
                    return Ok(filled);
                }
                let mut tx = self.begin_write().await?;
                for row in &rows {
                    let text = search_text(
                        &row.try_get::<String, _>("last_name")?,
                        &row.try_get::<String, _>("first_name")?,
                        &row.try_get::<String, _>("external_id")?,
                    );
                    sqlx::query("UPDATE job_seekers SET search_text = $1 WHERE id = $2")
                        .bind(text)
                        .bind(row.try_get::<i64, _>("id")?)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                filled += rows.len() as u64;
            }
        }
    }

    #[async_trait]
    impl JobSeekers for This {
        async fn job_seekers_changed_since(&self, since: DateTime<Utc>) -> Result<Vec<i64>> {
            Ok(
                sqlx::query_scalar("SELECT id FROM job_seekers WHERE updated_at >= $1 ORDER BY id")
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?,
            )
        }

        async fn consent_events(&self, job_seeker_id: i64) -> Result<Vec<ConsentEvent>> {
            let rows = sqlx::query(&format!(
                "{} WHERE job_seeker_id = $1 ORDER BY id",
                consent_select(This::json_text)
            ))
            .bind(job_seeker_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(|row| consent_from_row!(row)).collect()
        }


        async fn upsert_job_seekers(
            &self,
            records: &[JobSeekerRecord],
            now: DateTime<Utc>,
        ) -> Result<BulkReport> {
            let mut report = BulkReport::default();
            let mut tx = self.begin_write().await?;
            let agencies = This::ids_by_key(
                &mut tx,
                "structures",
                "siret",
                records.iter().map(|r| r.agency_siret.to_string()),
            )
            .await?;
            let advisors = This::ids_by_key(
                &mut tx,
                "users",
                "lower(email)",
                records
                    .iter()
                    .filter_map(|r| r.advisor_email.as_ref().map(|e| e.as_str().to_lowercase())),
            )
            .await?;
            let rows = rows_to_write(
                records,
                |r| r.external_id.as_str(),
                &mut report,
                |record| {
                    let agency = agencies.get(record.agency_siret.as_str()).ok_or_else(|| {
                        format!(
                            "agency_siret: no structure has the SIRET {}",
                            record.agency_siret
                        )
                    })?;
                    let advisor = match &record.advisor_email {
                        Some(email) => Some(
                            *advisors.get(&email.as_str().to_lowercase()).ok_or_else(|| {
                                "advisor_email: no user has this e-mail address".to_string()
                            })?,
                        ),
                        None => None,
                    };
                    Ok(job_seeker_row(record, *agency, advisor))
                },
            );
            let staged: Vec<Staged> = rows.iter().map(|row| row.staged(now)).collect();
            let update = job_seeker_update_set();
            let table = Table {
                name: "job_seekers",
                columns: &JOB_SEEKER_COLUMNS,
                conflict: "external_id",
                key: "external_id",
                lookup: "external_id",
                update: &update,
            };
            let written: HashMap<String, i64> = This::write_staged(&mut tx, &table, &staged, &mut report)
                .await?
                .into_iter()
                .collect();
            // The targets of everyone written, replaced.
            let ids: Vec<i64> = written.values().copied().collect();
            sqlx::query(&format!(
                "DELETE FROM job_seeker_targets WHERE job_seeker_id IN ({})",
                This::each_int("$1")
            ))
            .bind(Json(&ids))
            .execute(&mut *tx)
            .await?;
            let targets: Vec<Vec<Value>> = rows
                .iter()
                .filter_map(|row| written.get(&row.external_id).map(|id| row.target_rows(*id)))
                .flatten()
                .collect();
            This::insert_rows(&mut tx, "job_seeker_targets", &TARGET_COLUMNS, &targets).await?;
            tx.commit().await?;
            Ok(report)
        }

        async fn job_seeker(&self, external_id: &ExternalId) -> Result<Option<JobSeeker>> {
            let sql = format!("{} WHERE j.external_id = $1", This::document_select());
            let row = sqlx::query(&sql)
                .bind(external_id.as_str())
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
                .transpose()
        }

        async fn job_seeker_by_id(&self, id: i64) -> Result<Option<JobSeeker>> {
            let sql = format!("{} WHERE j.id = $1", This::document_select());
            let row = sqlx::query(&sql)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
                .transpose()
        }

        async fn job_seekers_of_agency(
            &self,
            agency_structure_id: i64,
            after: i64,
            limit: u32,
        ) -> Result<Vec<JobSeeker>> {
            let sql = format!(
                "{} WHERE j.agency_structure_id = $1 AND j.id > $2 ORDER BY j.id LIMIT $3",
                This::document_select()
            );
            let rows = sqlx::query(&sql)
                .bind(agency_structure_id)
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
                .collect()
        }

        async fn stream_job_seekers(
            &self,
            sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
        ) -> Result<u64> {
            self.stream_people(sink).await
        }

        async fn stream_sourcing_profiles(
            &self,
            sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
        ) -> Result<u64> {
            self.stream_profiles(None, sink).await
        }

        async fn search_portfolio(
            &self,
            query: &PortfolioQuery,
        ) -> Result<(u64, Vec<JobSeeker>)> {
            let (filter, patterns) = portfolio_filter(query);
            let count_sql = format!("SELECT count(*) FROM job_seekers j WHERE {filter}");
            let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(query.agency_structure_id);
            for pattern in &patterns {
                count = count.bind(pattern);
            }
            let total = count.fetch_one(&self.pool).await?;
            let order = match query.sort {
                PortfolioSort::Name => format!("j.search_text{}, j.id", This::BYTE_ORDER),
                PortfolioSort::Registered => "j.registered_on DESC, j.id".to_string(),
            };
            let next = patterns.len() + 2;
            let sql = format!(
                "{} WHERE {filter} ORDER BY {order} LIMIT ${next} OFFSET ${}",
                This::document_select(),
                next + 1
            );
            let mut page = sqlx::query(&sql).bind(query.agency_structure_id);
            for pattern in &patterns {
                page = page.bind(pattern);
            }
            let rows = page
                .bind(i64::from(query.limit))
                .bind(i64::try_from(query.offset).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            let seekers = rows
                .iter()
                .map(|row| JobSeekerDocument::parse_json(&row.try_get::<String, _>("document")?))
                .collect::<Result<Vec<_>>>()?;
            Ok((u64::try_from(total).unwrap_or(0), seekers))
        }

        async fn sourcing_profiles_changed_since(
            &self,
            since: DateTime<Utc>,
        ) -> Result<Vec<SourcingProfile>> {
            let mut profiles = Vec::new();
            self.stream_profiles(Some(since), &mut |profile| {
                profiles.push(profile);
                Ok(())
            })
            .await?;
            Ok(profiles)
        }

        async fn record_consent(
            &self,
            job_seeker_id: i64,
            change: &ConsentChange,
            recorded_by: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Option<JobSeeker>> {
            let mut tx = self.begin_write().await?;
            let Some(row) = sqlx::query(&format!(
                "SELECT rqth, long_term, rsa, qpv, senior, young_unqualified, consent_at, \
                 consent_scope FROM job_seekers WHERE id = $1{}",
                This::FOR_UPDATE
            ))
            .bind(job_seeker_id)
            .fetch_optional(&mut *tx)
            .await?
            else {
                return Ok(None);
            };
            let mut held = [false; 6];
            for (slot, status) in held.iter_mut().zip(PriorityStatus::ALL) {
                *slot = row.try_get::<bool, _>(status.as_str())?;
            }
            if let Some(status) = undisclosable(change, held) {
                return Err(StoreError::Invalid(format!(
                    "disclosed: {status} is not a status this person holds"
                )));
            }
            let old_scope: Option<String> = row.try_get("consent_scope")?;
            let old_at: Option<DateTime<Utc>> = row.try_get("consent_at")?;
            let scope = change.scope.map(ConsentScope::as_str);
            // The consent's date is when it was given in this scope: a change of disclosures
            // alone keeps it.
            let given_at = match (scope, old_scope.as_deref(), old_at) {
                (Some(new), Some(old), Some(at)) if new == old => Some(at),
                (Some(_), _, _) => Some(now),
                (None, _, _) => None,
            };
            let mut n = 2;
            let set = disclosure_set(&mut || {
                n += 1;
                format!("${n}")
            });
            let sql = format!(
                "UPDATE job_seekers SET consent_at = $1, consent_scope = $2, {set}, \
                 consent_recorded_at = ${now}, updated_at = ${now}, shared_evaluations = ${shared} \
                 WHERE id = ${id}",
                now = n + 1,
                id = n + 2,
                shared = n + 3,
            );
            let mut query = sqlx::query(&sql).bind(given_at).bind(scope);
            for status in PriorityStatus::ALL {
                query = query.bind(change.disclosed.contains(status));
            }
            let shared = crate::evaluation_records::shared_json(&change.shared_evaluations);
            query
                .bind(now)
                .bind(job_seeker_id)
                .bind(&shared)
                .execute(&mut *tx)
                .await?;
            let disclosed: Vec<&str> = change.disclosed.iter().map(|s| s.as_str()).collect();
            sqlx::query(
                "INSERT INTO consent_events (job_seeker_id, scope, channel, disclosed, \
                 shared_evaluations, recorded_by_user_id, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(job_seeker_id)
            .bind(scope)
            .bind(change.channel.as_str())
            .bind(Json(&disclosed))
            .bind(&shared)
            .bind(recorded_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            crate::evaluation_records::refresh_proven!(tx, job_seeker_id);
            crate::changes::log_change!(tx, job_seeker_id, now);
            tx.commit().await?;
            self.job_seeker_by_id(job_seeker_id).await
        }
    }
}

/// A job seeker's targets as a JSON array of [rome_code, job_title_ogr], in rank order (SQLite).
const SQLITE_TARGETS: &str = "(SELECT json_group_array(json_array(t.rome_code, t.job_title_ogr)) FROM \
    (SELECT rome_code, job_title_ogr FROM job_seeker_targets WHERE job_seeker_id = j.id \
    ORDER BY rank) t)";

/// A job seeker's targets as a JSON array of [rome_code, job_title_ogr], in rank order
/// (PostgreSQL).
const POSTGRES_TARGETS: &str = "SELECT coalesce(json_agg(json_build_array(t.rome_code, \
    t.job_title_ogr) ORDER BY t.rank), '[]') FROM job_seeker_targets t WHERE t.job_seeker_id = j.id";

impl SqliteStore {
    /// `SELECT <job seeker as one JSON document> AS document, j.id FROM ...`
    fn document_select() -> String {
        format!(
            "SELECT json_object({}) AS document, j.id {JOB_SEEKER_FROM}",
            job_seeker_document_fields(str::to_string, &format!("json({SQLITE_TARGETS})"))
        )
    }

    /// Every job seeker, as JSON documents read page by page.
    async fn stream_people(
        &self,
        sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
    ) -> Result<u64> {
        let sql = format!(
            "{} WHERE j.id > $1 ORDER BY j.id LIMIT $2",
            Self::document_select()
        );
        self.stream_documents(sql, None, &mut |document| {
            sink(JobSeekerDocument::parse_json(document)?)
        })
        .await
    }

    /// Every sourcing profile (written at or after `since`, if given): one JSON array of texts
    /// per row, as SQLite hands one value over faster than nineteen.
    async fn stream_profiles(
        &self,
        since: Option<DateTime<Utc>>,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64> {
        let sql = format!(
            "SELECT json_array({}, json({SQLITE_TARGETS})) AS document, j.id FROM job_seekers j \
             WHERE j.id > $1 AND ($3 IS NULL OR j.updated_at >= $3) ORDER BY j.id LIMIT $2",
            sourcing_columns(|c| format!("CAST({c} AS TEXT)")).join(", ")
        );
        self.stream_documents(sql, since, &mut |document| {
            let (fields, targets) = sourcing_row_from_json(document)?;
            sink(sourcing_from_text(fields, targets)?)
        })
        .await
    }

    /// Runs `sql` (selecting `document` and `j.id`, with `WHERE j.id > ? ORDER BY j.id LIMIT
    /// ?`) page by page (short reads, bounded memory), the next page read while this one is
    /// handed to `each`, one document at a time. Returns how many there were.
    async fn stream_documents(
        &self,
        sql: String,
        since: Option<DateTime<Utc>>,
        each: &mut (dyn FnMut(&str) -> Result<()> + Send),
    ) -> Result<u64> {
        async fn page(
            pool: SqlitePool,
            sql: String,
            after: i64,
            since: Option<DateTime<Utc>>,
        ) -> Result<Vec<(i64, String)>> {
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(READ_PAGE)
                .bind(since)
                .fetch_all(&pool)
                .await?;
            rows.iter()
                .map(|row| Ok((row.try_get("id")?, row.try_get("document")?)))
                .collect()
        }
        let mut pending = tokio::spawn(page(self.pool.clone(), sql.clone(), 0, since));
        let mut count = 0;
        loop {
            let rows = pending
                .await
                .map_err(|err| StoreError::Corrupt(format!("reading job seekers: {err}")))??;
            let Some(&(after, _)) = rows.last() else {
                break;
            };
            pending = tokio::spawn(page(self.pool.clone(), sql.clone(), after, since));
            for (_, document) in &rows {
                each(document)?;
                count += 1;
            }
        }
        Ok(count)
    }
}

impl PostgresStore {
    /// `SELECT <job seeker as one JSON document> AS document, j.id FROM ...`
    fn document_select() -> String {
        format!(
            "SELECT json_build_object({})::text AS document, j.id {JOB_SEEKER_FROM}",
            job_seeker_document_fields(
                |column| format!("{column}::text"),
                &format!("({POSTGRES_TARGETS})::json"),
            )
        )
    }

    /// Every job seeker, from `COPY`'s text rows.
    async fn stream_people(
        &self,
        sink: &mut (dyn FnMut(JobSeeker) -> Result<()> + Send),
    ) -> Result<u64> {
        let sql = format!(
            "COPY (SELECT {} {JOB_SEEKER_FROM} ORDER BY j.id) TO STDOUT",
            job_seeker_text_columns().join(", ")
        );
        self.stream_with_targets(&sql, "", &mut |fields, targets| {
            sink(JobSeekerDocument::from_text(fields, targets)?)
        })
        .await
    }

    /// Every sourcing profile (written at or after `since`, if given), from `COPY`'s text rows.
    async fn stream_profiles(
        &self,
        since: Option<DateTime<Utc>>,
        sink: &mut (dyn FnMut(SourcingProfile) -> Result<()> + Send),
    ) -> Result<u64> {
        // COPY takes no parameter: the time is ours, written out in full.
        let filter = since.map_or(String::new(), |t| {
            format!(
                "WHERE j.updated_at >= '{}'::timestamptz",
                t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            )
        });
        let sql = format!(
            "COPY (SELECT {} FROM job_seekers j {filter} ORDER BY j.id) TO STDOUT",
            sourcing_columns(str::to_string).join(", ")
        );
        self.stream_with_targets(&sql, &filter, &mut |fields, targets| {
            sink(sourcing_from_text(fields, targets)?)
        })
        .await
    }

    /// Runs the job-seeker `COPY` statement `sql` (id first, ordered by id) and hands each row's
    /// text fields, with that job seeker's targets, to `each`. Two text COPY streams in one
    /// snapshot: the targets (small) first, then the rows, merged on the id. COPY is
    /// PostgreSQL's fastest way out, and text rows are cheaper to produce than JSON.
    /// `filter` is the `WHERE` clause over `j` that `sql` applies, to read only their targets.
    async fn stream_with_targets(
        &self,
        sql: &str,
        filter: &str,
        each: &mut RowSink<'_>,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut cursor = all_targets(&mut tx, filter).await?.into_iter().peekable();
        let mut count = 0;
        copy_out_lines(&mut tx, sql, &mut |line| {
            let fields = copy_text_fields(line);
            let id: i64 = fields
                .first()
                .and_then(|f| f.as_deref())
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| StoreError::Corrupt("job seeker row without id".to_string()))?;
            let mine = targets_of(&mut cursor, id);
            each(fields, mine)?;
            count += 1;
            Ok(())
        })
        .await?;
        tx.commit().await?;
        Ok(count)
    }
}

type TargetRow = (i64, String, Option<String>);

/// Receives a job seeker row's text fields and that job seeker's targets.
type RowSink<'a> =
    dyn FnMut(Vec<Option<String>>, Vec<(String, Option<String>)>) -> Result<()> + Send + 'a;

/// The targets of the job seekers `filter` keeps (every one when empty), by job seeker then
/// rank, in the transaction's snapshot.
async fn all_targets(tx: &mut Transaction<'_, Postgres>, filter: &str) -> Result<Vec<TargetRow>> {
    let mut targets: Vec<TargetRow> = Vec::new();
    let within = if filter.is_empty() {
        String::new()
    } else {
        format!("WHERE job_seeker_id IN (SELECT j.id FROM job_seekers j {filter})")
    };
    copy_out_lines(
        tx,
        &format!(
            "COPY (SELECT job_seeker_id, rome_code, job_title_ogr FROM job_seeker_targets \
             {within} ORDER BY job_seeker_id, rank) TO STDOUT"
        ),
        &mut |line| {
            let mut fields = copy_text_fields(line).into_iter();
            let id = fields.next().flatten().and_then(|id| id.parse().ok());
            let rome = fields.next().flatten();
            let title = fields.next().flatten();
            match (id, rome) {
                (Some(id), Some(rome)) => {
                    targets.push((id, rome, title));
                    Ok(())
                }
                _ => Err(StoreError::Corrupt("job_seeker_targets row".to_string())),
            }
        },
    )
    .await?;
    Ok(targets)
}

/// Takes the targets of job seeker `id` from the front of `cursor` (both sorted by id).
fn targets_of(
    cursor: &mut std::iter::Peekable<std::vec::IntoIter<TargetRow>>,
    id: i64,
) -> Vec<(String, Option<String>)> {
    let mut mine = Vec::new();
    while let Some((owner, _, _)) = cursor.peek() {
        if *owner > id {
            break;
        }
        if let Some((owner, rome, title)) = cursor.next()
            && owner == id
        {
            mine.push((rome, title));
        }
    }
    mine
}

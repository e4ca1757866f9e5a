//! Bulk writes, the one place the two backends write differently: SQLite in multi-row
//! statements, PostgreSQL with `COPY` into a temporary table merged into the real one. A
//! record reaches them as a [`Staged`] row (its natural key, content hash and column values,
//! once for both), and both answer the ids they wrote, counting what was created, updated or
//! left unchanged. The text format of `COPY` (in and out) is here too.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use futures_util::TryStreamExt;
use sqlx::query_builder::Separated;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Row, Sqlite, Transaction};

use crate::backend::{Dialect, PostgresStore, SqliteStore, both_backends};
use crate::common::needs_write;
use crate::{BulkReport, Result, StoreError};

/// The most bound values in one SQLite statement (its limit is 32,766).
const SQLITE_MAX_BINDS: usize = 16_000;

/// A column's value in a bulk write.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(bool),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
}

/// One record of a bulk write: its key as [`Table::key`] spells it, the value its lookup
/// column holds, its content hash, and its values in the order of [`Table::columns`].
#[derive(Debug)]
pub struct Staged<'a> {
    pub key: String,
    pub lookup: &'a str,
    pub hash: &'a str,
    pub values: Vec<Value<'a>>,
}

/// Where a bulk write goes.
pub struct Table<'a> {
    pub name: &'a str,
    pub columns: &'a [&'a str],
    /// The unique key `ON CONFLICT` names.
    pub conflict: &'a str,
    /// The key as one text, in SQL (what [`Staged::key`] holds).
    pub key: &'a str,
    /// An indexed column to find the stored rows by.
    pub lookup: &'a str,
    /// `SET` of the upsert, from `excluded`.
    pub update: &'a str,
}

/// What a bulk write wrote: the key and id of every row created or changed.
pub type Written = Vec<(String, i64)>;

impl SqliteStore {
    /// Upserts `rows` into `table`, leaving alone those whose content hash is unchanged.
    pub(crate) async fn write_staged(
        tx: &mut Transaction<'_, Sqlite>,
        table: &Table<'_>,
        rows: &[Staged<'_>],
        report: &mut BulkReport,
    ) -> Result<Written> {
        let lookups: Vec<&str> = rows.iter().map(|r| r.lookup).collect();
        let sql = format!(
            "SELECT {} AS key, content_hash FROM {} WHERE {} IN ({})",
            table.key,
            table.name,
            table.lookup,
            Self::each_text("$1")
        );
        let stored: HashMap<String, String> = sqlx::query(&sql)
            .bind(sqlx::types::Json(&lookups))
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("key")?, row.try_get("content_hash")?)))
            .collect::<Result<_>>()?;
        let to_write: Vec<&Staged> = rows
            .iter()
            .filter(|row| needs_write(report, stored.get(&row.key), row.hash))
            .collect();
        let mut written = Vec::with_capacity(to_write.len());
        for chunk in to_write.chunks(SQLITE_MAX_BINDS / table.columns.len().max(1)) {
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO {} ({}) ",
                table.name,
                table.columns.join(", ")
            ));
            query.push_values(chunk, |mut b, row| {
                for value in &row.values {
                    bind(&mut b, *value);
                }
            });
            query.push(format!(
                " ON CONFLICT ({}) DO UPDATE SET {} RETURNING id, {} AS key",
                table.conflict, table.update, table.key
            ));
            for row in query.build().fetch_all(&mut **tx).await? {
                written.push((row.try_get("key")?, row.try_get("id")?));
            }
        }
        Ok(written)
    }

    /// Inserts `rows` (values in the order of `columns`) into `table`.
    pub(crate) async fn insert_rows(
        tx: &mut Transaction<'_, Sqlite>,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value<'_>>],
    ) -> Result<()> {
        for chunk in rows.chunks(SQLITE_MAX_BINDS / columns.len().max(1)) {
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO {table} ({}) ",
                columns.join(", ")
            ));
            query.push_values(chunk, |mut b, row| {
                for value in row {
                    bind(&mut b, *value);
                }
            });
            query.build().execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Binds one value of a multi-row SQLite statement.
fn bind<'q>(b: &mut Separated<'_, 'q, Sqlite, &'static str>, value: Value<'q>) {
    match value {
        Value::Text(v) => b.push_bind(v),
        Value::Int(v) => b.push_bind(v),
        Value::Float(v) => b.push_bind(v),
        Value::Bool(v) => b.push_bind(v),
        Value::Date(v) => b.push_bind(v),
        Value::Time(v) => b.push_bind(v),
    };
}

impl PostgresStore {
    /// Upserts `rows` into `table` through `COPY` into a temporary table, leaving alone those
    /// whose content hash is unchanged.
    pub(crate) async fn write_staged(
        tx: &mut Transaction<'_, Postgres>,
        table: &Table<'_>,
        rows: &[Staged<'_>],
        report: &mut BulkReport,
    ) -> Result<Written> {
        let list = table.columns.join(", ");
        sqlx::query(&format!(
            "CREATE TEMP TABLE staged ON COMMIT DROP AS SELECT {list} FROM {} WITH NO DATA",
            table.name
        ))
        .execute(&mut **tx)
        .await?;
        copy_in(
            tx,
            "staged",
            table.columns,
            rows.iter().map(|r| &r.values[..]),
        )
        .await?;
        let sql = format!(
            "INSERT INTO {name} ({list}) SELECT {list} FROM staged \
             ON CONFLICT ({conflict}) DO UPDATE SET {update} \
             WHERE {name}.content_hash <> excluded.content_hash \
             RETURNING id, {key} AS key, (xmax = 0) AS inserted",
            name = table.name,
            conflict = table.conflict,
            update = table.update,
            key = table.key,
        );
        let mut written = Vec::new();
        for row in sqlx::query(&sql).fetch_all(&mut **tx).await? {
            if row.try_get::<bool, _>("inserted")? {
                report.created += 1;
            } else {
                report.updated += 1;
            }
            written.push((row.try_get("key")?, row.try_get("id")?));
        }
        sqlx::query("DROP TABLE staged").execute(&mut **tx).await?;
        report.unchanged += rows.len().saturating_sub(written.len()) as u64;
        Ok(written)
    }

    /// Inserts `rows` (values in the order of `columns`) into `table` with `COPY`.
    pub(crate) async fn insert_rows(
        tx: &mut Transaction<'_, Postgres>,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value<'_>>],
    ) -> Result<()> {
        copy_in(tx, table, columns, rows.iter().map(|r| &r[..])).await
    }
}

/// Streams `rows` into `table (columns)` with `COPY ... FROM STDIN` in text format.
async fn copy_in<'v>(
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = &'v [Value<'v>]>,
) -> Result<()> {
    let mut data = String::new();
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            copy_value(&mut data, value);
        }
        data.push('\n');
    }
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut copy = tx.copy_in_raw(&statement).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// A value in `COPY`'s text format: `\N` for NULL, backslash escapes.
fn copy_value(out: &mut String, value: &Value) {
    let text = match *value {
        Value::Text(v) => v.map(str::to_string),
        Value::Int(v) => v.map(|v| v.to_string()),
        Value::Float(v) => v.map(|v| v.to_string()),
        Value::Bool(v) => Some(if v { "t" } else { "f" }.to_string()),
        Value::Date(v) => v.map(|d| d.format("%Y-%m-%d").to_string()),
        Value::Time(v) => v.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    };
    match text {
        None => out.push_str("\\N"),
        Some(text) => {
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    other => out.push(other),
                }
            }
        }
    }
}

/// Runs a `COPY ... TO STDOUT` in text format and hands each row (without its line end) to
/// `row`.
pub(crate) async fn copy_out_lines(
    tx: &mut Transaction<'_, Postgres>,
    statement: &str,
    row: &mut (dyn FnMut(&[u8]) -> Result<()> + Send),
) -> Result<()> {
    let mut stream = tx.copy_out_raw(statement).await?;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.try_next().await? {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = pending
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            if let Some(line) = pending.get(start..start + end) {
                row(line)?;
            }
            start += end + 1;
        }
        pending.drain(..start);
    }
    if !pending.is_empty() {
        row(&pending)?;
    }
    Ok(())
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

both_backends! {
    impl This {
        /// Key → id of the rows of `table` whose `key` (a text column or expression) is one of
        /// `keys`: the stored rows a bulk write refers to (a structure by SIRET, a user by
        /// lower-cased e-mail).
        pub(crate) async fn ids_by_key(
            tx: &mut Transaction<'_, Db>,
            table: &str,
            key: &str,
            keys: impl Iterator<Item = String>,
        ) -> Result<HashMap<String, i64>> {
            let keys: BTreeSet<String> = keys.collect();
            let sql = format!(
                "SELECT id, {key} AS lookup_key FROM {table} WHERE {key} IN ({})",
                This::each_text("$1")
            );
            let rows = sqlx::query(&sql)
                .bind(Json(&keys))
                .fetch_all(&mut **tx)
                .await?;
            rows.iter()
                .map(|row| Ok((row.try_get("lookup_key")?, row.try_get("id")?)))
                .collect()
        }
    }
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

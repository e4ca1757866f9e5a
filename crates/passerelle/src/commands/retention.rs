//! `passerelle retention run [--dry-run] [--today DAY]`: applies the retention table
//! (`model::retention::RULES`) to the database, each rule in one transaction, and prints what
//! it removed or anonymised per rule.

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use clap::Subcommand;
use model::retention::{RULES, RetentionReport, Trigger};

use super::open_store;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Apply the retention table: anonymise job seekers inactive for two years and closed
    /// referrals after two years, delete expired sessions and tokens and outbox messages
    /// after 90 days; print what each rule removed
    ///
    /// The service runs the same sweep every day. The audit trail is never changed.
    Run {
        /// Count what would be removed, change nothing
        #[arg(long)]
        dry_run: bool,
        /// The day the retention is counted on (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: a SQLite file
        /// in the data folder; also PASSERELLE_DATABASE_URL)
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
}

pub fn run(
    command: RetentionCommand,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        RetentionCommand::Run {
            dry_run,
            today,
            database,
        } => {
            let settings = Settings::load(config_file, database.as_deref())?;
            crate::block_on(sweep(&settings, dry_run, today, out))?
        }
    }
}

async fn sweep(
    settings: &Settings,
    dry_run: bool,
    today: Option<NaiveDate>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    // A day given is read at noon UTC, the time of day the service's daily sweep has no say in.
    let now = match today {
        Some(day) => day
            .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
            .and_utc(),
        None => super::now(),
    };
    let report = store.sweep(now, dry_run).await?;
    write_report(&report, out)
}

/// From when a rule counts, in words.
fn trigger_words(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::LastActivity => "last activity",
        Trigger::ClosedSince => "closing",
        Trigger::Expiry => "expiry",
        Trigger::Created => "creation",
    }
}

/// The report as a table: one line per rule, then the total.
fn write_report(report: &RetentionReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let (verb, head) = if report.dry_run {
        ("would be", "dry run: nothing changed")
    } else {
        ("", "applied")
    };
    writeln!(
        out,
        "retention sweep on {} ({head})",
        report.at.format("%Y-%m-%d")
    )?;
    writeln!(
        out,
        "{:<16} {:<10} {:<36} {:>9}",
        "record", "action", "retention", "count"
    )?;
    for count in &report.counts {
        let retention = RULES
            .iter()
            .find(|r| r.kind == count.kind)
            .map(|r| match r.days {
                0 => "until expiry or revocation".to_string(),
                days => format!("{days} days after {}", trigger_words(r.trigger)),
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{:<16} {:<10} {:<36} {:>9}",
            count.kind.as_str(),
            count.disposal.as_str(),
            retention,
            count.count
        )?;
    }
    let total = report.total();
    if verb.is_empty() {
        writeln!(out, "{total} record(s) removed or anonymised")?;
    } else {
        writeln!(out, "{total} record(s) {verb} removed or anonymised")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use model::retention::{Disposal, RecordKind, RuleCount};

    #[test]
    fn the_report_is_a_table_per_rule() {
        let report = RetentionReport {
            dry_run: true,
            at: chrono::Utc.with_ymd_and_hms(2029, 3, 1, 12, 0, 0).unwrap(),
            counts: vec![
                RuleCount {
                    kind: RecordKind::JobSeeker,
                    disposal: Disposal::Anonymise,
                    count: 12,
                },
                RuleCount {
                    kind: RecordKind::Session,
                    disposal: Disposal::Delete,
                    count: 3,
                },
            ],
        };
        let mut out = Vec::new();
        write_report(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "retention sweep on 2029-03-01 (dry run: nothing changed)\n\
             record           action     retention                                count\n\
             job_seeker       anonymise  730 days after last activity                12\n\
             session          delete     until expiry or revocation                   3\n\
             15 record(s) would be removed or anonymised\n"
        );
    }
}

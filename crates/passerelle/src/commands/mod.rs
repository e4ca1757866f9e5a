pub mod bench;
pub mod bench_actions;
pub mod bench_duos;
pub mod bench_engine;
pub mod bench_reconversion;
pub mod bench_steering;
mod demo_duos;
mod demo_plans;
pub mod difficulty;
pub mod directory;
pub mod exchange;
pub mod fair;
pub mod geo;
pub mod migrate;
pub mod peer;
pub mod reconversion;
pub mod report;
pub mod retention;
pub mod rome;
pub mod serve;
pub mod simulate;
mod simulate_directory;
mod simulate_plans;
pub mod sourcing;
pub mod tension;
pub mod trainings;

use std::io::Write;

use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use store::Store;

use crate::settings::Settings;

/// The options of a command that reads the database and can answer in JSON.
#[derive(Debug, clap::Args)]
pub struct ReadOptions {
    /// Database URL (default: the settings' database)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// Writes `value` as pretty JSON and a final line break.
pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).context("writing JSON")?;
    writeln!(out)?;
    Ok(())
}

/// Connects to the settings' database and brings its schema up to date.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::connect(&settings.database).await?;
    store.migrate().await?;
    Ok(store)
}

/// The job seeker of `--job-seeker` `external`, whose reading by the command `action` (with
/// `detail`) is first recorded in the audit trail at `now`.
pub async fn audited_job_seeker(
    store: &dyn Store,
    external: &domain::ExternalId,
    action: &str,
    detail: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<store::JobSeeker> {
    let seeker = store.job_seeker(external).await?.ok_or_else(|| {
        anyhow::anyhow!("--job-seeker: no job seeker has the identifier {external}")
    })?;
    store
        .append_audit(
            &store::NewAuditEvent {
                actor: None,
                action: action.to_string(),
                subject_kind: "job_seeker".to_string(),
                subject_id: Some(seeker.id),
                detail,
            },
            now,
        )
        .await
        .context("recording the read in the audit trail")?;
    Ok(seeker)
}

/// The time of day, read at the edge: the commands pass it down to what they call.
#[allow(clippy::disallowed_methods)] // the edge reads the clock
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// A bar for `len` records of `what`, with the rate and the time left.
pub fn progress(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>12} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

/// Generates batches on a thread of their own while the store writes the previous one.
pub fn batches<T: Send + 'static>(
    total: u64,
    batch: u64,
    make: impl Fn(u64) -> Option<T> + Send + 'static,
) -> tokio::sync::mpsc::Receiver<Vec<T>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    std::thread::spawn(move || {
        let mut start = 0;
        while start < total {
            let end = (start + batch).min(total);
            let records: Vec<T> = (start..end).filter_map(&make).collect();
            if sender.blocking_send(records).is_err() {
                return;
            }
            start = end;
        }
    });
    receiver
}

//! `passerelle import ...` and `passerelle export ...`: files in the formats of the field.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use domain::Siret;
use exchange::{FieldError, Row, RowError};
use indicatif::{ProgressBar, ProgressStyle};
use store::{BulkReport, Store, StoreError};

use super::{now, open_store};
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// Offers: France Travail Offres d'emploi v2 JSON, or CSV
    Offers,
    /// Job seekers: CSV (the columns are in docs/formats.md)
    JobSeekers,
    /// Structures: CSV or JSON
    Structures,
    /// The shared directory: structures and their services, in data·inclusion v1 JSON (a
    /// folder holding structures.json and services.json)
    Directory,
    /// The training catalogue: LHEO 2.2 or 2.3 XML (the full offer or the Carif-Oref index)
    Trainings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    /// data·inclusion v1 (for the directory)
    #[value(name = "data-inclusion")]
    DataInclusion,
    /// LHEO 2.3 XML (for the training catalogue)
    Lheo,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    what: What,
    /// The file to import
    file: PathBuf,
    /// Database URL (default: the settings' database)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The file's format (default: from its extension)
    #[arg(long)]
    format: Option<Format>,
    /// For offers: the SIRET of the structure that owns them, when the file does not say
    #[arg(long, value_name = "SIRET")]
    structure: Option<String>,
    /// Check the file and report, without writing anything
    #[arg(long)]
    dry_run: bool,
    /// Where to write the rejected rows (default: FILE.rejects.csv beside the file)
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
    what: What,
    /// The file to write
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The format (default: from the file's extension)
    #[arg(long)]
    format: Option<Format>,
    /// Database URL (default: the settings' database)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

/// Rows written per transaction.
const BATCH: usize = 5_000;

fn format_of(path: &Path, given: Option<Format>) -> anyhow::Result<Format> {
    if let Some(format) = given {
        return Ok(format);
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("xml") => Ok(Format::Lheo),
        _ => bail!(
            "cannot tell the format of {} from its extension: give --format json or --format csv",
            path.display()
        ),
    }
}

/// The file's length is unknown until it is read: a spinner with the count and the rate.
fn progress() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {human_pos} rows ({per_sec})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message("importing");
    bar
}

/// A rejected row: where, which field, why.
struct Rejected {
    position: usize,
    field: String,
    reason: String,
}

fn rejected_of(error: RowError) -> Vec<Rejected> {
    error
        .errors
        .into_iter()
        .map(|FieldError { field, reason }| Rejected {
            position: error.position,
            field,
            reason,
        })
        .collect()
}

/// Batches of parsed rows, as they come.
type Batches<T> = tokio::sync::mpsc::Receiver<Vec<Row<T>>>;
/// The parsing thread, and how the file as a whole fared.
type Parser = std::thread::JoinHandle<Result<(), exchange::FileError>>;

/// Parses on a thread of its own, handing rows over in batches, so that parsing the next batch
/// overlaps writing this one.
fn parse_in_background<T: Send + 'static>(
    parse: impl FnOnce(&mut dyn FnMut(Row<T>)) -> Result<(), exchange::FileError> + Send + 'static,
) -> (Batches<T>, Parser) {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let handle = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let result = parse(&mut |row| {
            batch.push(row);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                let _ = sender.blocking_send(full);
            }
        });
        if !batch.is_empty() {
            let _ = sender.blocking_send(batch);
        }
        result
    });
    (receiver, handle)
}

/// Writes the good rows as they come, in batches, into `store` (none: a dry run, nothing
/// written), and gathers every rejection.
async fn write_rows<T: Send + 'static>(
    parse: impl FnOnce(&mut dyn FnMut(Row<T>)) -> Result<(), exchange::FileError> + Send + 'static,
    store: Option<&dyn Store>,
    notice: fn(&T) -> Option<exchange::FieldError>,
    write: impl AsyncFn(&dyn Store, &[T]) -> Result<BulkReport, StoreError>,
) -> anyhow::Result<(usize, BulkReport, Vec<Rejected>, Vec<Rejected>)> {
    let (mut receiver, parser) = parse_in_background(parse);
    let mut read = 0;
    let mut rejected = Vec::new();
    let mut notices = Vec::new();
    let mut report = BulkReport::default();
    let bar = progress();
    while let Some(rows) = receiver.recv().await {
        read += rows.len();
        let mut positions = Vec::with_capacity(rows.len());
        let mut batch = Vec::with_capacity(rows.len());
        for row in rows {
            match row {
                Ok((position, record)) => {
                    if let Some(said) = notice(&record) {
                        notices.push(Rejected {
                            position,
                            field: said.field,
                            reason: said.reason,
                        });
                    }
                    positions.push(position);
                    batch.push(record);
                }
                Err(error) => rejected.extend(rejected_of(error)),
            }
        }
        if let Some(store) = store
            && !batch.is_empty()
        {
            let written = write(store, &batch).await?;
            for (index, message) in &written.rejected {
                let (field, reason) = message
                    .split_once(": ")
                    .unwrap_or(("row", message.as_str()));
                rejected.push(Rejected {
                    position: positions.get(*index).copied().unwrap_or(0),
                    field: field.to_string(),
                    reason: reason.to_string(),
                });
            }
            report.created += written.created;
            report.updated += written.updated;
            report.unchanged += written.unchanged;
        }
        bar.inc(positions.len() as u64);
    }
    bar.finish_and_clear();
    parser
        .join()
        .map_err(|_| anyhow::anyhow!("the file reader stopped unexpectedly"))??;
    rejected.sort_by_key(|r| r.position);
    Ok((read, report, rejected, notices))
}

pub async fn import(
    args: ImportArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    if args.what == What::Directory {
        return super::directory::import(&args.file, &settings, args.dry_run, out).await;
    }
    if args.what == What::Trainings {
        if !matches!(args.format, None | Some(Format::Lheo)) {
            bail!("the training catalogue is read in LHEO (--format lheo)");
        }
        return super::trainings::import(&args.file, &settings, args.dry_run, args.rejects, out)
            .await;
    }
    let format = format_of(&args.file, args.format)?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let owner = args
        .structure
        .as_deref()
        .map(Siret::parse)
        .transpose()
        .map_err(|err| anyhow::anyhow!("--structure: {err}"))?;
    let store: Option<std::sync::Arc<dyn Store>> = if args.dry_run {
        None
    } else {
        Some(open_store(&settings).await?)
    };
    let now = now();
    let store = store.as_deref();
    let (read, report, rejected, notices) = match (args.what, format) {
        (What::Directory, _) | (_, Format::DataInclusion) => {
            bail!("data·inclusion is the directory's format: `passerelle import directory DIR`")
        }
        (What::Trainings, _) | (_, Format::Lheo) => {
            bail!("LHEO is the training catalogue's format: `passerelle import trainings FILE.xml`")
        }
        (What::Offers, format) => {
            let read_each = match format {
                Format::Csv => exchange::offers_csv::read_each,
                Format::Json | Format::DataInclusion | Format::Lheo => {
                    exchange::offers_json::read_each
                }
            };
            write_rows(
                move |sink| read_each(&bytes, owner.as_ref(), sink),
                store,
                exchange::wage::notice,
                async |store, batch| store.upsert_offers(batch, now).await,
            )
            .await
        }
        (What::JobSeekers, Format::Csv) => {
            write_rows(
                move |sink| exchange::job_seekers_csv::read_each(&bytes, sink),
                store,
                |_| None,
                async |store, batch| store.upsert_job_seekers(batch, now).await,
            )
            .await
        }
        (What::JobSeekers, Format::Json) => bail!("job seekers are imported from CSV"),
        (What::Structures, format) => {
            write_rows(
                move |sink| {
                    let rows = match format {
                        Format::Csv => exchange::structures::read_csv(&bytes),
                        Format::Json | Format::DataInclusion | Format::Lheo => {
                            exchange::structures::read_json(&bytes)
                        }
                    }?;
                    rows.into_iter().for_each(sink);
                    Ok(())
                },
                store,
                |_| None,
                async |store, batch| store.upsert_structures(batch, now).await,
            )
            .await
        }
    }
    .map_err(|err| match err.downcast::<exchange::FileError>() {
        Ok(file) => anyhow::anyhow!("{}: {file}", args.file.display()),
        Err(other) => other,
    })?;

    let rows_rejected: std::collections::BTreeSet<usize> =
        rejected.iter().map(|r| r.position).collect();
    if args.dry_run {
        writeln!(
            out,
            "dry run of {}: {read} read, {} valid, {} rejected; nothing written (references to \
             structures and advisors are checked only when writing)",
            args.file.display(),
            read - rows_rejected.len(),
            rows_rejected.len()
        )?;
    } else {
        writeln!(
            out,
            "{} into {}: {read} read, {} created, {} updated, {} unchanged, {} rejected",
            args.file.display(),
            settings.database,
            report.created,
            report.updated,
            report.unchanged,
            rows_rejected.len()
        )?;
    }
    let unit = if format == Format::Json {
        "position"
    } else {
        "line"
    };
    let noted: Vec<&Rejected> = notices
        .iter()
        .filter(|n| !rows_rejected.contains(&n.position))
        .collect();
    if !noted.is_empty() {
        writeln!(
            out,
            "{} row(s) {} with a note:",
            noted.len(),
            if args.dry_run { "valid" } else { "written" }
        )?;
        for n in noted.iter().take(5) {
            writeln!(out, "  {unit} {}: {}: {}", n.position, n.field, n.reason)?;
        }
        if noted.len() > 5 {
            writeln!(out, "  ...")?;
        }
    }
    let Some(rejects_path) = rejects_file(&args.file, args.rejects.clone(), &rejected)? else {
        return Ok(());
    };
    let mut file = std::fs::File::create(&rejects_path)
        .with_context(|| format!("writing {}", rejects_path.display()))?;
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut file);
    csv.write_record([unit, "field", "reason"])?;
    for r in &rejected {
        csv.write_record([r.position.to_string(), r.field.clone(), r.reason.clone()])?;
    }
    csv.flush()?;
    writeln!(
        out,
        "rejected rows, with the field and the reason: {}",
        rejects_path.display()
    )?;
    for r in rejected.iter().take(5) {
        writeln!(out, "  {unit} {}: {}: {}", r.position, r.field, r.reason)?;
    }
    if rejected.len() > 5 {
        writeln!(out, "  ...")?;
    }
    Ok(())
}

/// Where the rejects of `file` are written: `rejects` when given, else `FILE.rejects.csv`
/// beside it. None when nothing was `rejected`: then the stale file of an earlier run, if any,
/// is removed.
pub(super) fn rejects_file<T>(
    file: &Path,
    rejects: Option<PathBuf>,
    rejected: &[T],
) -> anyhow::Result<Option<PathBuf>> {
    let rejects_path = rejects.unwrap_or_else(|| {
        let mut name = file.to_path_buf().into_os_string();
        name.push(".rejects.csv");
        PathBuf::from(name)
    });
    if !rejected.is_empty() {
        return Ok(Some(rejects_path));
    }
    if rejects_path.exists() {
        std::fs::remove_file(&rejects_path)
            .with_context(|| format!("removing the stale {}", rejects_path.display()))?;
    }
    Ok(None)
}

pub async fn export(
    args: ExportArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    if args.what == What::Directory {
        if !matches!(args.format, None | Some(Format::DataInclusion)) {
            bail!("the directory is exported as data·inclusion (--format data-inclusion)");
        }
        return super::directory::export(&args.out, &settings, out).await;
    }
    if args.what == What::Trainings {
        if !matches!(args.format, None | Some(Format::Lheo)) {
            bail!("the training catalogue is written in LHEO (--format lheo)");
        }
        let store = open_store(&settings).await?;
        return super::trainings::export(&args.out, store.as_ref(), out).await;
    }
    let format = format_of(&args.out, args.format)?;
    let store = open_store(&settings).await?;
    let mut buffer: Vec<u8> = Vec::new();
    let count = match (args.what, format) {
        (What::Directory, _) | (_, Format::DataInclusion) => bail!(
            "data·inclusion is the directory's format: `passerelle export directory --format \
             data-inclusion --out DIR`"
        ),
        (What::Trainings, _) | (_, Format::Lheo) => bail!(
            "LHEO is the training catalogue's format: `passerelle export trainings --format lheo \
             --out FILE.xml`"
        ),
        (What::Offers, format) => {
            let offers: Vec<_> = store
                .load_offers()
                .await?
                .into_iter()
                .map(|o| o.record)
                .collect();
            match format {
                Format::Csv => exchange::offers_csv::write(&offers, &mut buffer)?,
                Format::Json | Format::DataInclusion | Format::Lheo => {
                    exchange::offers_json::write(&offers, &mut buffer)?
                }
            }
            offers.len()
        }
        (What::JobSeekers, Format::Csv) => {
            let seekers: Vec<_> = store
                .load_job_seekers()
                .await?
                .into_iter()
                .map(|j| j.record)
                .collect();
            // Personal data, RQTH included: the read is in the audit trail before the file exists.
            store
                .append_audit(
                    &store::NewAuditEvent {
                        actor: None,
                        action: "job_seekers.export".to_string(),
                        subject_kind: "job_seeker".to_string(),
                        subject_id: None,
                        detail: serde_json::json!({
                            "count": seekers.len(),
                            "out": args.out.display().to_string(),
                        }),
                    },
                    now(),
                )
                .await
                .context("recording the export in the audit trail")?;
            exchange::job_seekers_csv::write(&seekers, &mut buffer)?;
            seekers.len()
        }
        (What::Structures, format) => {
            let structures: Vec<_> = store
                .structures()
                .await?
                .into_iter()
                .map(|s| s.record)
                .collect();
            match format {
                Format::Csv => exchange::structures::write_csv(&structures, &mut buffer)?,
                Format::Json | Format::DataInclusion | Format::Lheo => {
                    exchange::structures::write_json(&structures, &mut buffer)?
                }
            }
            structures.len()
        }
        (What::JobSeekers, Format::Json) => bail!("job seekers are exported as CSV (--format csv)"),
    };
    // Written whole or not at all: a temporary file renamed into place.
    let partial = args.out.with_extension("partial");
    std::fs::write(&partial, &buffer).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    writeln!(out, "exported {count} records to {}", args.out.display())?;
    Ok(())
}

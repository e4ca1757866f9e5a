//! `passerelle import trainings FILE.xml` and `passerelle export trainings --format lheo`: the
//! training catalogue in LHEO. The file is read as a stream on a thread of its own (never the
//! whole tree in memory) while the store writes its sessions in one transaction: a file
//! refused as a whole halfway (malformed, say) writes nothing.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use exchange::lheo::Reject;
use indicatif::{ProgressBar, ProgressStyle};
use model::trainings::TrainingSessionRecord;
use store::{Store, StoreError, TrainingBatch};

use super::{now, open_store};
use crate::settings::Settings;

/// Sessions handed to the store at a time.
const BATCH: usize = 2_000;

/// What the reading thread found, beside the sessions it handed over.
struct Read {
    sessions: usize,
    rejected: Vec<Reject>,
}

/// Reads `file` on a thread, handing its sessions over in batches to `sender` (none: a dry
/// run), then [`TrainingBatch::End`], or [`TrainingBatch::Abort`] when the file as a whole is
/// refused.
fn read_in_background(
    file: PathBuf,
    sender: Option<tokio::sync::mpsc::Sender<TrainingBatch>>,
    bar: ProgressBar,
) -> std::thread::JoinHandle<anyhow::Result<Read>> {
    std::thread::spawn(move || {
        let input =
            std::fs::File::open(&file).with_context(|| format!("reading {}", file.display()))?;
        let mut read = Read {
            sessions: 0,
            rejected: Vec::new(),
        };
        let mut batch: Vec<TrainingSessionRecord> = Vec::with_capacity(BATCH);
        let send = |batch: TrainingBatch| {
            if let Some(sender) = &sender {
                // The store stopped listening only when it failed: it says why.
                let _ = sender.blocking_send(batch);
            }
        };
        let result = exchange::lheo::read_each(BufReader::new(input), &mut |item| match item {
            Ok(session) => {
                read.sessions += 1;
                bar.inc(1);
                batch.push(session);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    send(TrainingBatch::Sessions(full));
                }
            }
            Err(reject) => read.rejected.push(reject),
        });
        match result {
            Ok(_) => {
                if !batch.is_empty() {
                    send(TrainingBatch::Sessions(batch));
                }
                send(TrainingBatch::End);
                Ok(read)
            }
            Err(error) => {
                let message = format!("{}: {error}", file.display());
                send(TrainingBatch::Abort(message.clone()));
                Err(anyhow::anyhow!("{message}; nothing written"))
            }
        }
    })
}

fn progress() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg} {human_pos} sessions ({per_sec})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message("importing the catalogue");
    bar
}

/// Imports a catalogue; rejected elements go to `rejects` (default `FILE.rejects.csv`), each
/// with its path in the file and the reason.
pub async fn import(
    file: &Path,
    settings: &Settings,
    dry_run: bool,
    rejects: Option<PathBuf>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !file.is_file() {
        anyhow::bail!("{} is not a file", file.display());
    }
    let store = if dry_run {
        None
    } else {
        Some(open_store(settings).await?)
    };
    let bar = progress();
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let reader = read_in_background(
        file.to_path_buf(),
        store.as_ref().map(|_| sender),
        bar.clone(),
    );
    let written = match &store {
        Some(store) => Some(store.import_training_sessions(receiver, now()).await),
        None => None,
    };
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the file reader stopped unexpectedly"))?;
    bar.finish_and_clear();
    let read = read?;
    let mut rejected: Vec<(String, String)> = read
        .rejected
        .into_iter()
        .map(|r| (r.path, r.reason))
        .collect();
    match written {
        None => writeln!(
            out,
            "dry run of {}: {} sessions valid, {} elements rejected; nothing written",
            file.display(),
            read.sessions,
            rejected.len()
        )?,
        Some(Err(StoreError::Invalid(reason))) => anyhow::bail!("{reason}"),
        Some(Err(other)) => return Err(other.into()),
        Some(Ok(report)) => {
            for (position, reason) in &report.rejected {
                let (field, reason) = reason.split_once(": ").unwrap_or(("session", reason));
                rejected.push((
                    format!("session #{} ({field})", position + 1),
                    reason.into(),
                ));
            }
            writeln!(
                out,
                "{} into {}: {} sessions read, {} created, {} updated, {} unchanged, {} \
                 rejected",
                file.display(),
                settings.database,
                read.sessions,
                report.created,
                report.updated,
                report.unchanged,
                rejected.len()
            )?;
        }
    }
    let Some(rejects_path) = super::exchange::rejects_file(file, rejects, &rejected)? else {
        return Ok(());
    };
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(&rejects_path)
        .with_context(|| format!("writing {}", rejects_path.display()))?;
    csv.write_record(["path", "reason"])?;
    for (path, reason) in &rejected {
        csv.write_record([path, reason])?;
    }
    csv.flush()?;
    writeln!(
        out,
        "rejected elements, with their path and the reason: {}",
        rejects_path.display()
    )?;
    for (path, reason) in rejected.iter().take(5) {
        writeln!(out, "  {path}: {reason}")?;
    }
    if rejected.len() > 5 {
        writeln!(out, "  ...")?;
    }
    Ok(())
}

/// Writes the whole catalogue as LHEO 2.3, whole or not at all.
pub async fn export(out_file: &Path, store: &dyn Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let sessions: Vec<TrainingSessionRecord> = store
        .training_sessions()
        .await?
        .into_iter()
        .map(|s| s.record)
        .collect();
    let partial = out_file.with_extension("partial");
    {
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("writing {}", partial.display()))?;
        let mut writer = std::io::BufWriter::new(file);
        exchange::lheo::write(&mut writer, &sessions)
            .with_context(|| format!("writing {}", partial.display()))?;
        writer
            .flush()
            .with_context(|| format!("writing {}", partial.display()))?;
    }
    std::fs::rename(&partial, out_file)
        .with_context(|| format!("writing {}", out_file.display()))?;
    writeln!(
        out,
        "exported {} training sessions to {} (LHEO 2.3)",
        sessions.len(),
        out_file.display()
    )?;
    Ok(())
}

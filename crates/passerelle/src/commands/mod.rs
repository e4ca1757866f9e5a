pub mod bench;
pub mod bench_engine;
pub mod directory;
pub mod exchange;
pub mod fair;
pub mod geo;
pub mod migrate;
pub mod peer;
pub mod rome;
pub mod serve;
pub mod simulate;
pub mod sourcing;
pub mod tension;

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

/// Writes `value` as pretty JSON and a final line break.
pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).context("writing JSON")?;
    writeln!(out)?;
    Ok(())
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

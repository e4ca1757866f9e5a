pub mod bench;
pub mod exchange;
pub mod geo;
pub mod migrate;
pub mod rome;

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

/// Writes `value` as pretty JSON and a final line break.
pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).context("writing JSON")?;
    writeln!(out)?;
    Ok(())
}

//! `passerelle migrate`: create or upgrade the database schema.

use std::io::Write;

use super::open_store;
use crate::settings::Settings;

pub async fn run(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let counts = store.counts().await?;
    writeln!(
        out,
        "{} database {} is up to date ({} structures, {} job seekers, {} offers)",
        store.backend().as_str(),
        settings.database,
        counts.structures,
        counts.job_seekers,
        counts.offers
    )?;
    Ok(())
}

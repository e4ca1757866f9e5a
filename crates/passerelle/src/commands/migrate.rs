//! `passerelle migrate`: create or upgrade the database schema.

use std::io::Write;

use crate::settings::Settings;

pub async fn run(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = store::connect(&settings.database).await?;
    store.migrate().await?;
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

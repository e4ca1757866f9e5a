//! `passerelle simulate`: a realistic simulated region, written as import files and/or loaded
//! into a database.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use simulate::{Config, Region, Summary};
use store::Store;

use super::{now, open_store};
use crate::commands::{batches, progress};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// INSEE code of the region (11: Île-de-France, the one with published figures)
    #[arg(long, default_value = "11")]
    pub(crate) region: String,
    /// Size relative to the real region: 1.0 is about 975,000 job seekers (0.001 to 5)
    #[arg(long, default_value_t = 1.0)]
    pub(crate) scale: f64,
    /// Seed: the same seed gives the same region
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// The day the simulated data describes (YYYY-MM-DD)
    #[arg(long, default_value = "2026-11-02")]
    pub(crate) as_of: NaiveDate,
    /// Write structures.csv, demandeurs.csv and offres.json into this folder
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Load the region into this database (sqlite://PATH or postgres://...)
    #[arg(long, value_name = "URL")]
    pub(crate) database: Option<String>,
}

/// Records per batch, generated on a thread of their own.
const BATCH: u64 = 10_000;

struct Files {
    structures: PathBuf,
    job_seekers: BufWriter<std::fs::File>,
    offers: BufWriter<std::fs::File>,
}

fn create(dir: &Path, name: &str) -> anyhow::Result<BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

pub async fn run(
    args: SimulateArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.out.is_none() && args.database.is_none() {
        bail!("say where the region goes: --out DIR (import files), --database URL, or both");
    }
    let config = Config::new(&args.region, args.scale, args.seed, args.as_of)
        .map_err(|e| anyhow::anyhow!(e))?;
    let region = std::sync::Arc::new(Region::new(config).map_err(|e| anyhow::anyhow!(e))?);
    let now = now();

    let store: Option<std::sync::Arc<dyn Store>> = match &args.database {
        Some(url) => {
            let settings = Settings::load(config_file, Some(url))?;
            Some(open_store(&settings).await?)
        }
        None => None,
    };
    let mut files = match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            Some(Files {
                structures: dir.join("structures.csv"),
                job_seekers: create(dir, "demandeurs.csv")?,
                offers: create(dir, "offres.json")?,
            })
        }
        None => None,
    };

    let mut summary = Summary::default();
    for structure in region.structures() {
        summary.add_structure(structure);
    }
    if let Some(files) = &files {
        let mut file = create(
            files.structures.parent().unwrap_or(Path::new(".")),
            "structures.csv",
        )?;
        exchange::structures::write_csv(region.structures(), &mut file)?;
        file.flush()?;
    }
    let services = region.services();
    if let Some(files) = &files {
        // The shared directory, in data·inclusion v1: import with `passerelle import directory`.
        let dir = files
            .structures
            .parent()
            .unwrap_or(Path::new("."))
            .join("annuaire");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let structures: Vec<_> = region
            .structures()
            .iter()
            .map(|s| (s.clone(), args.as_of))
            .collect();
        for (name, value) in [
            (
                "structures.json",
                exchange::inclusion::write_structures(&structures, &Default::default()),
            ),
            (
                "services.json",
                exchange::inclusion::write_services(&services),
            ),
        ] {
            let mut file = create(&dir, name)?;
            serde_json::to_writer_pretty(&mut file, &value)?;
            writeln!(file)?;
            file.flush()?;
        }
    }
    if let Some(store) = &store {
        let report = store.upsert_structures(region.structures(), now).await?;
        if !report.rejected.is_empty() {
            bail!(
                "the database refused simulated structures: {:?}",
                report.rejected.first()
            );
        }
        let report = store.upsert_services(&services, now).await?;
        if !report.rejected.is_empty() {
            bail!(
                "the database refused simulated services: {:?}",
                report.rejected.first()
            );
        }
    }

    let total = region.job_seeker_count();
    let bar = progress(total, "job seekers");
    {
        let generator = region.clone();
        let mut receiver = batches(total, BATCH, move |i| generator.job_seeker(i));
        let mut writer = match files.as_mut() {
            Some(files) => Some(exchange::job_seekers_csv::Writer::new(
                &mut files.job_seekers,
            )?),
            None => None,
        };
        while let Some(batch) = receiver.recv().await {
            for seeker in &batch {
                summary.add_job_seeker(seeker);
                if let Some(writer) = writer.as_mut() {
                    writer.write(seeker)?;
                }
            }
            if let Some(store) = &store {
                let report = store.upsert_job_seekers(&batch, now).await?;
                if let Some((_, reason)) = report.rejected.first() {
                    bail!("the database refused a simulated job seeker: {reason}");
                }
            }
            bar.inc(batch.len() as u64);
        }
        if let Some(writer) = writer {
            writer.finish()?;
        }
    }
    bar.finish_and_clear();

    let offers = region.offer_count();
    let bar = progress(offers, "offers");
    {
        let generator = region.clone();
        let mut receiver = batches(offers, BATCH, move |i| generator.offer(i));
        let mut writer = match files.as_mut() {
            Some(files) => Some(exchange::offers_json::Writer::new(&mut files.offers)?),
            None => None,
        };
        while let Some(batch) = receiver.recv().await {
            for offer in &batch {
                summary.add_offer(offer);
                if let Some(writer) = writer.as_mut() {
                    writer.write(offer)?;
                }
            }
            if let Some(store) = &store {
                let report = store.upsert_offers(&batch, now).await?;
                if let Some((_, reason)) = report.rejected.first() {
                    bail!("the database refused a simulated offer: {reason}");
                }
            }
            bar.inc(batch.len() as u64);
        }
        if let Some(writer) = writer {
            writer.finish()?;
        }
    }
    bar.finish_and_clear();
    if let Some(files) = files.as_mut() {
        files.job_seekers.flush()?;
        files.offers.flush()?;
    }

    let region_name = refdata::geo().region(&args.region).map_or("", |r| r.name);
    writeln!(
        out,
        "simulated region {} {region_name}, scale {}, seed {}, as of {}",
        args.region, args.scale, args.seed, args.as_of
    )?;
    if let Some(dir) = &args.out {
        writeln!(
            out,
            "files: {} (import with passerelle import structures|job-seekers|offers|directory)",
            [
                "structures.csv",
                "demandeurs.csv",
                "offres.json",
                "annuaire/"
            ]
            .map(|f| dir.join(f).display().to_string())
            .join(", ")
        )?;
    }
    if let Some(url) = &args.database {
        let url =
            store::DatabaseUrl::parse(url).map_err(|e| anyhow::anyhow!("database URL: {e}"))?;
        writeln!(out, "loaded into {url}")?;
    }
    writeln!(
        out,
        "directory: {} services of {} structures (data·inclusion v1)",
        services.len(),
        region.structures().len()
    )?;
    write!(out, "{summary}")?;
    Ok(())
}

//! `passerelle bench ...`: performance figures measured in-process, for BENCHMARKS.md.
//!
//! This is the edge of the program, so reading the clock is allowed here.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;
use refdata::tension::Territory;

use super::open_store;
use crate::commands::{batches, progress};
use crate::settings::Settings;
use crate::synthetic::Synthetic;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Co-organised actions on a loaded database: the invitations of an action over its
    /// offers drawn from the whole region, and the funnel of every action of a year
    Actions(super::bench_actions::ActionsBenchArgs),
    /// Duos on a loaded database: the mentors suggested for one job seeker
    Duos(super::bench_duos::DuosBenchArgs),
    /// The steering committee's figures on a loaded database: every indicator by month over
    /// a year, and the spreadsheet of a quarter
    Steering(super::bench_steering::SteeringBenchArgs),
    /// Reconversion paths on a loaded database: one person's, then the whole region's
    Reconversion(super::bench_reconversion::ReconversionBenchArgs),
    /// The sourcing engine on a loaded database: build time, memory, shortlist latency, every
    /// open offer on every core, a campaign; with --peer, the same shortlists in PostGIS SQL
    Engine(super::bench_engine::EngineBenchArgs),
    /// Loading the embedded reference data, and searches and lookups on it
    Refdata {
        /// How many times each query is repeated (the median is printed)
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        iterations: u32,
    },
    /// Writing synthetic job seekers and offers in batches, then reading every job seeker back
    ///
    /// Records are a function of --seed and their index: a second run over the same database
    /// rewrites nothing, and a run killed midway is completed by running it again.
    Store {
        /// Database URL (default: the settings' database)
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// How many job seekers to write
        #[arg(long, default_value_t = 1_000_000)]
        job_seekers: u64,
        /// How many offers to write
        #[arg(long, default_value_t = 100_000)]
        offers: u64,
        /// Records per transaction
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        batch: u64,
        /// Seed of the synthetic records
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Do not read the job seekers back
        #[arg(long)]
        write_only: bool,
    },
}

/// Generates `total` records in batches and writes them, timing the whole; the line to print.
async fn write_timed<T: Send + 'static>(
    total: u64,
    batch: u64,
    what: &'static str,
    make: impl Fn(u64) -> Option<T> + Send + 'static,
    write: impl AsyncFn(&[T]) -> store::Result<store::BulkReport>,
) -> anyhow::Result<String> {
    let start = Instant::now();
    let bar = progress(total, what);
    let mut receiver = batches(total, batch, make);
    let mut written = store::BulkReport::default();
    while let Some(records) = receiver.recv().await {
        let report = write(&records)
            .await
            .with_context(|| format!("writing a batch of {what}"))?;
        bar.inc(records.len() as u64);
        written.add(report, 0);
    }
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    Ok(format!(
        "write {total} {what} in batches of {batch}: {seconds:.1} s ({:.0} per second; \
         {} created, {} updated, {} unchanged, {} rejected)",
        total as f64 / seconds.max(1e-9),
        written.created,
        written.updated,
        written.unchanged,
        written.rejected.len()
    ))
}

async fn bench_store(
    settings: &Settings,
    job_seekers: u64,
    offers: u64,
    batch: u64,
    seed: u64,
    write_only: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let store = open_store(settings).await?;
    writeln!(
        out,
        "database: {} ({})",
        settings.database,
        store.backend().as_str()
    )?;
    let synthetic = std::sync::Arc::new(Synthetic::new(seed));
    let report = store
        .upsert_structures(&synthetic.structures(), now)
        .await?;
    writeln!(
        out,
        "structures: {} created, {} unchanged",
        report.created, report.unchanged
    )?;

    let line = write_timed(
        job_seekers,
        batch,
        "job seekers",
        {
            let generator = synthetic.clone();
            move |i| generator.job_seeker(i)
        },
        async |records| store.upsert_job_seekers(records, now).await,
    )
    .await?;
    writeln!(out, "{line}")?;
    let line = write_timed(
        offers,
        batch,
        "offers",
        {
            let generator = synthetic.clone();
            move |i| generator.offer(i)
        },
        async |records| store.upsert_offers(records, now).await,
    )
    .await?;
    writeln!(out, "{line}")?;

    if !write_only {
        let start = Instant::now();
        let total = store.counts().await?.job_seekers;
        let bar = progress(total, "reading");
        let mut targets = 0usize;
        let read = store
            .stream_job_seekers(&mut |seeker| {
                targets += seeker.record.targets.as_slice().len();
                bar.inc(1);
                Ok(())
            })
            .await?;
        bar.finish_and_clear();
        let seconds = start.elapsed().as_secs_f64();
        writeln!(
            out,
            "read back {read} job seekers ({targets} target occupations), parsed into domain types: \
             {seconds:.1} s ({:.0} per second)",
            read as f64 / seconds.max(1e-9)
        )?;
    }
    if let Some(path) = settings.database.sqlite_path() {
        let size: u64 = ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
            .map(|m| m.len())
            .sum();
        writeln!(
            out,
            "database file: {:.0} MiB",
            size as f64 / (1024.0 * 1024.0)
        )?;
    }
    Ok(())
}

const SEARCHES: [&str; 8] = [
    "cariste",
    "preparateur commandes",
    "aide soignante",
    "prepa commande",
    "developpeur web",
    "agent entretien",
    "conducteur bus",
    "aide soigante",
];

const COMMUNES: [&str; 6] = [
    "93066",
    "93200",
    "evry courcouronnes",
    "saint-denis",
    "paris 11",
    "evry courcouronne",
];

/// The median of `iterations` timings of `f`.
fn median(iterations: u32, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

pub fn run(
    command: BenchCommand,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        BenchCommand::Engine(args) => crate::block_on(super::bench_engine::run(args, config, out))?,
        BenchCommand::Duos(args) => crate::block_on(super::bench_duos::run(args, config, out))?,
        BenchCommand::Reconversion(args) => {
            crate::block_on(super::bench_reconversion::run(args, config, out))?
        }
        BenchCommand::Steering(args) => {
            crate::block_on(super::bench_steering::run(args, config, out))?
        }
        BenchCommand::Actions(args) => {
            crate::block_on(super::bench_actions::run(args, config, out))?
        }
        BenchCommand::Store {
            database,
            job_seekers,
            offers,
            batch,
            seed,
            write_only,
        } => {
            let settings = Settings::load(config, database.as_deref())?;
            crate::block_on(bench_store(
                &settings,
                job_seekers,
                offers,
                batch,
                seed,
                write_only,
                out,
            ))?
        }
        BenchCommand::Refdata { iterations } => {
            let start = Instant::now();
            let rome = refdata::rome();
            let rome_load = start.elapsed();
            let start = Instant::now();
            let geo = refdata::geo();
            let geo_load = start.elapsed();
            let titles: usize = rome.occupations().iter().map(|o| o.job_titles.len()).sum();
            writeln!(
                out,
                "load ROME ({} occupations, {titles} job titles, indexed): {:.1} ms",
                rome.occupations().len(),
                rome_load.as_secs_f64() * 1e3
            )?;
            writeln!(
                out,
                "load geography ({} communes and arrondissements, indexed): {:.1} ms",
                geo.communes().len(),
                geo_load.as_secs_f64() * 1e3
            )?;
            writeln!(out, "median of {iterations} runs each:")?;
            for query in SEARCHES {
                let time = median(iterations, || {
                    std::hint::black_box(rome.search(std::hint::black_box(query), 10));
                });
                writeln!(out, "  rome search {query:?}: {}", micros(time))?;
            }
            let time = median(iterations, || {
                std::hint::black_box(rome.find(std::hint::black_box("N1101")).is_ok());
            });
            writeln!(out, "  rome show \"N1101\" (lookup): {}", micros(time))?;
            // The official tension of every code the DARES crosswalk covers in every
            // department, falling back to the region and the nation where the edition is empty.
            let start = Instant::now();
            let tensions = refdata::tensions();
            let tension_load = start.elapsed();
            let pairs: Vec<(&str, &str)> = rome
                .occupations()
                .iter()
                .filter(|o| !tensions.families(o.code).is_empty())
                .flat_map(|o| geo.departments().map(move |d| (o.code, d.code)))
                .collect();
            let time = median(iterations.min(20), || {
                for (code, department) in &pairs {
                    std::hint::black_box(
                        tensions
                            .official(
                                std::hint::black_box(code),
                                Territory::Department(department),
                            )
                            .is_ok(),
                    );
                }
            });
            let each = time.as_secs_f64() / pairs.len().max(1) as f64;
            writeln!(
                out,
                "  tension official, {} (code, department) pairs (tables loaded in {:.1} ms): {:.3} µs a lookup",
                pairs.len(),
                tension_load.as_secs_f64() * 1e3,
                each * 1e6
            )?;
            for query in COMMUNES {
                let time = median(iterations, || {
                    std::hint::black_box(geo.find(std::hint::black_box(query)).is_ok());
                });
                writeln!(out, "  geo commune {query:?}: {}", micros(time))?;
            }
            // The worst cases a request can ask for: the longest text the lookups read.
            let longest_words: String = (0..refdata::text::MAX_QUERY_WORDS)
                .map(|i| format!("preparatrice{i} "))
                .collect::<String>()
                .chars()
                .take(refdata::text::MAX_QUERY_CHARS)
                .collect();
            let fuzzy_name = "x".repeat(refdata::text::MAX_FUZZY_CHARS);
            let megabyte = "saint denis ".repeat(90_000);
            let worst: [(&str, &str, u8); 5] = [
                (
                    "rome search, longest query read (200 characters, 16 words)",
                    longest_words.as_str(),
                    0,
                ),
                (
                    "rome search, 1 MB of text (read up to the limit)",
                    megabyte.as_str(),
                    0,
                ),
                (
                    "geo commune not found, longest name with fuzzy suggestions (64 characters; command line only)",
                    fuzzy_name.as_str(),
                    1,
                ),
                (
                    "geo commune, 1 MB of text (read up to the limit, no fuzzy suggestions)",
                    megabyte.as_str(),
                    1,
                ),
                (
                    "geo lookup not found, 64 characters (what the server runs: no suggestions)",
                    fuzzy_name.as_str(),
                    2,
                ),
            ];
            writeln!(out, "worst cases (median of {iterations} runs each):")?;
            for (label, query, kind) in worst {
                let time = median(iterations, || match kind {
                    0 => {
                        std::hint::black_box(rome.search(std::hint::black_box(query), 10));
                    }
                    1 => {
                        std::hint::black_box(geo.find(std::hint::black_box(query)).is_ok());
                    }
                    _ => {
                        std::hint::black_box(geo.lookup(std::hint::black_box(query)).len());
                    }
                });
                writeln!(out, "  {label}: {}", micros(time))?;
            }
            let (a, b) = (geo.commune("75056"), geo.commune("93066"));
            if let (Some(a), Some(b)) = (a, b) {
                let time = median(iterations, || {
                    std::hint::black_box(refdata::distance_km(
                        std::hint::black_box(a.point()),
                        b.point(),
                    ));
                });
                writeln!(
                    out,
                    "  geo distance 75056 93066 (computation): {}",
                    micros(time)
                )?;
            }
            Ok(())
        }
    }
}

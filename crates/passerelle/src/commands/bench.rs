//! `passerelle bench ...`: performance figures measured in-process, for BENCHMARKS.md.
//!
//! This is the edge of the program, so reading the clock is allowed here.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::time::{Duration, Instant};

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Loading the embedded reference data, and searches and lookups on it
    Refdata {
        /// How many times each query is repeated (the median is printed)
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        iterations: u32,
    },
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

pub fn run(command: BenchCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
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
            for query in COMMUNES {
                let time = median(iterations, || {
                    std::hint::black_box(geo.find(std::hint::black_box(query)).is_ok());
                });
                writeln!(out, "  geo commune {query:?}: {}", micros(time))?;
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

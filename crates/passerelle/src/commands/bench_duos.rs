//! `passerelle bench duos`: the mentors suggested for one job seeker on a loaded database, as
//! the API suggests them (the occupations a duo can be about for the person, the mentors with
//! a place left who practise one, read in one query, ranked) — for people taken evenly over
//! the region's France Travail agencies; each person's time, their median, 95th percentile and
//! maximum, after a first call that loads the embedded reference data (timed apart); and the
//! pilot's evaluation, as the steering committee's page computes it.
#![allow(clippy::disallowed_methods)] // a benchmark is an edge: it reads the clock

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;

use super::{now, open_store};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct DuosBenchArgs {
    /// Database URL (default: the settings' database), loaded beforehand with
    /// `passerelle simulate --scale 1 --database URL` (which writes the mentors and duos)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Job seekers whose mentors are suggested, taken evenly over the agencies
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    people: u32,
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

pub async fn run(
    args: DuosBenchArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let store = open_store(&settings).await?;
    let today = now().date_naive();
    let agencies: Vec<i64> = store
        .structures()
        .await?
        .into_iter()
        .filter(|s| s.record.kind == store::StructureKind::FranceTravail)
        .map(|s| s.id)
        .collect();
    let per_agency = (args.people as usize).div_ceil(agencies.len().max(1));
    let mut people = Vec::new();
    for agency in agencies {
        let page = store.job_seekers_of_agency(agency, 0, 5_000).await?;
        let step = (page.len() / per_agency.max(1)).max(1);
        people.extend(page.into_iter().step_by(step).take(per_agency));
    }
    people.truncate(args.people as usize);
    if people.is_empty() {
        bail!("no job seeker in the database: load a region first (passerelle simulate)");
    }
    // The first call loads the embedded reference data (occupations, tension) the process
    // keeps: timed apart, as the server pays it once.
    let start = Instant::now();
    if let Some(first) = people.first() {
        service::duos::suggestions(store.as_ref(), first, today).await?;
    }
    let first_call = start.elapsed();
    let mut times = Vec::with_capacity(people.len());
    let (mut with_any, mut suggested) = (0usize, 0usize);
    for seeker in &people {
        let start = Instant::now();
        let (_, found) = service::duos::suggestions(store.as_ref(), seeker, today).await?;
        times.push(start.elapsed());
        with_any += usize::from(!found.is_empty());
        suggested += found.len();
    }
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).copied().unwrap_or_default()
    };
    writeln!(
        out,
        "first call (loads the reference data): {}",
        millis(first_call)
    )?;
    writeln!(
        out,
        "mentor suggestions for {} job seekers: median {}, p95 {}, max {} per person; {} with at \
         least one mentor ({:.1} suggested on average)",
        times.len(),
        millis(at(0.5)),
        millis(at(0.95)),
        millis(at(1.0)),
        with_any,
        suggested as f64 / times.len() as f64
    )?;
    // The pilot's evaluation, as the steering committee's page asks for it.
    let mut runs = Vec::new();
    let mut evaluation = None;
    for _ in 0..3 {
        let start = Instant::now();
        evaluation = Some(service::duos::evaluation::evaluate(store.as_ref(), today).await?);
        runs.push(start.elapsed());
    }
    runs.sort();
    let shown = evaluation
        .map(|e| {
            e.matched
                .iter()
                .map(|m| match (m.participants, m.comparison) {
                    (Some(p), Some(c)) => {
                        format!("{} months: {p} participants, {c} compared", m.months)
                    }
                    _ => format!("{} months: withheld", m.months),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    writeln!(
        out,
        "the pilot's evaluation ({shown}): median {} over 3 runs",
        millis(runs.get(1).copied().unwrap_or_default())
    )?;
    Ok(())
}

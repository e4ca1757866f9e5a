//! `passerelle bench reconversion`: the reconversion paths on a loaded database — gathering
//! the region once (open offers, a year of offers and today's job seekers by occupation and
//! place, the catalogue), then each person's paths as the API computes them: for a sample,
//! each person's time with the median, 95th percentile and maximum; then for every job
//! seeker of the region, split over the machine's cores.
#![allow(clippy::disallowed_methods)] // a benchmark is an edge: it reads the clock

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use chrono::NaiveDate;
use clap::Args;
use service::reconversion::{self, PathPerson};

use super::{now, open_store};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ReconversionBenchArgs {
    /// Database URL (default: the settings' database), loaded beforehand with
    /// `passerelle simulate --scale 1 --database URL`
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// People timed one by one, taken evenly over the region
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    sample: u32,
    /// Threads for the whole region (default: the machine's cores)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Option<u32>,
    /// The day of the paths (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<NaiveDate>,
}

/// What the paths read of a person, without their identity.
struct Person {
    targets: Vec<String>,
    skills: Vec<String>,
    commune: String,
    commute_km: u16,
    registered_on: NaiveDate,
}

impl Person {
    fn path_person(&self) -> Option<PathPerson<'_>> {
        let commune = refdata::geo().commune(&self.commune)?;
        Some(PathPerson {
            targets: self.targets.iter().map(String::as_str).collect(),
            skills: &self.skills,
            home: commune.point(),
            department: commune.department,
            commute_km: self.commute_km,
            registered_on: self.registered_on,
        })
    }
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

pub async fn run(
    args: ReconversionBenchArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let store = open_store(&settings).await?;
    let day = args.day.unwrap_or_else(|| now().date_naive());

    let started = Instant::now();
    let mut people = Vec::new();
    store
        .stream_job_seekers(&mut |seeker| {
            let r = &seeker.record;
            if r.status == store::JobSeekerStatus::Active {
                people.push(Person {
                    targets: r.targets.codes(),
                    skills: r.skills.clone(),
                    commune: r.commune.as_str().to_string(),
                    commute_km: r.commute_limit.km(),
                    registered_on: r.registered_on,
                });
            }
            Ok(())
        })
        .await?;
    let read_people = started.elapsed();
    if people.is_empty() {
        bail!("no job seeker in the database: load a region first (passerelle simulate)");
    }
    let started = Instant::now();
    let context = reconversion::load(store.as_ref(), day).await?;
    let gathered = started.elapsed();
    writeln!(
        out,
        "reconversion paths on {day}: {} active job seekers (read in {:.1} s), the region \
         gathered in {:.1} s",
        people.len(),
        read_people.as_secs_f64(),
        gathered.as_secs_f64()
    )?;

    // One person at a time, the first call apart (it loads the embedded reference data).
    let step = (people.len() / args.sample as usize).max(1);
    let sample: Vec<&Person> = people
        .iter()
        .step_by(step)
        .take(args.sample as usize)
        .collect();
    if let Some(first) = sample.first().and_then(|p| p.path_person()) {
        let started = Instant::now();
        let _ = reconversion::paths(&first, &context);
        writeln!(
            out,
            "  first call (reference data loaded): {}",
            millis(started.elapsed())
        )?;
    }
    let mut times = Vec::with_capacity(sample.len());
    let mut targets = 0usize;
    for person in &sample {
        let Some(person) = person.path_person() else {
            continue;
        };
        let started = Instant::now();
        let paths = reconversion::paths(&person, &context);
        times.push(started.elapsed());
        targets += paths.targets.len();
    }
    times.sort_unstable();
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    writeln!(
        out,
        "  one person ({} people): median {}, p95 {}, max {}; {:.1} targets each",
        times.len(),
        millis(at(0.5)),
        millis(at(0.95)),
        millis(at(1.0)),
        targets as f64 / times.len().max(1) as f64
    )?;

    // The whole region, split over the threads.
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(2, |n| n.get()),
        |n| n as usize,
    );
    let chunk = people.len().div_ceil(threads);
    let started = Instant::now();
    let counted: Vec<(usize, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = people
            .chunks(chunk.max(1))
            .map(|part| {
                let context = &context;
                scope.spawn(move || {
                    let (mut done, mut found) = (0, 0);
                    for person in part {
                        if let Some(person) = person.path_person() {
                            found += reconversion::paths(&person, context).targets.len();
                            done += 1;
                        }
                    }
                    (done, found)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 0)))
            .collect()
    });
    let elapsed = started.elapsed();
    let done: usize = counted.iter().map(|c| c.0).sum();
    let found: usize = counted.iter().map(|c| c.1).sum();
    writeln!(
        out,
        "  the whole region: {done} people on {threads} threads in {:.1} s ({:.0} people/s), \
         {found} targets",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64().max(1e-9)
    )?;
    Ok(())
}

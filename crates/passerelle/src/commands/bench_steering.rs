//! `passerelle bench steering`: the steering committee's figures on a loaded database — every
//! indicator of the registry for the region by month over a year (with the comparisons the
//! pages give), then the spreadsheet of a quarter, then one indicator's page cut by
//! occupation family, occupation, priority public and intercommunality, each run a few times
//! (the median and the slowest are printed), as the pages and `passerelle report` compute
//! them.
#![allow(clippy::disallowed_methods)] // a benchmark is an edge: it reads the clock

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use model::indicators::Dimension;
use service::indicators::{export, report};

use super::open_store;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct SteeringBenchArgs {
    /// Database URL (default: the settings' database), loaded beforehand with
    /// `passerelle simulate --scale 1 --database URL`
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The year whose months are read
    #[arg(long, default_value = "2026")]
    year: String,
    /// The quarter whose spreadsheet is written
    #[arg(long, default_value = "2026-Q3")]
    quarter: String,
    /// The day the figures are read on (what happened up to its end)
    #[arg(long, default_value = "2026-11-02")]
    today: NaiveDate,
    /// Runs of each measure
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let slowest = times.last().copied().unwrap_or_default();
    format!("median {}, slowest {}", seconds(median), seconds(slowest))
}

pub async fn run(
    args: SteeringBenchArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let store = open_store(&settings).await?;
    let refused = |e: service::error::ApiError| anyhow::anyhow!("{e:?}");
    let now = args
        .today
        .succ_opt()
        .unwrap_or(args.today)
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let indicators = report::all();
    let by_month = report::AskedQuery {
        period: Some(args.year.clone()),
        by: Some("month".to_string()),
        department: None,
    }
    .read(args.today)
    .map_err(refused)?;
    let quarter = report::AskedQuery {
        period: Some(args.quarter.clone()),
        by: None,
        department: None,
    }
    .read(args.today)
    .map_err(refused)?;
    let counts = store.counts().await?;
    writeln!(
        out,
        "{} indicators on {} ({} offers, {} referrals), {} runs each",
        indicators.len(),
        settings.database,
        counts.offers,
        counts.referrals,
        args.runs
    )?;
    let mut times = Vec::new();
    let mut withheld = 0;
    for _ in 0..args.runs {
        let started = Instant::now();
        let r = report::report(store.as_ref(), "11", &indicators, &by_month, now)
            .await
            .map_err(refused)?;
        times.push(started.elapsed());
        withheld = r.figures.iter().map(|f| f.table.withheld).sum::<usize>();
    }
    writeln!(
        out,
        "every indicator by department and month over {} with its comparisons: {} ({} figures withheld)",
        args.year,
        summary(&mut times),
        withheld
    )?;
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..args.runs {
        let started = Instant::now();
        let r = report::report(store.as_ref(), "11", &indicators, &quarter, now)
            .await
            .map_err(refused)?;
        let bytes = export::xlsx(&r)?;
        times.push(started.elapsed());
        size = bytes.len();
    }
    writeln!(
        out,
        "the spreadsheet of {} (read, computed and written, {} KB): {}",
        args.quarter,
        size / 1024,
        summary(&mut times)
    )?;
    // One indicator's page cut another way over the year: read, published linked to the
    // department table, with its comparisons; each indicator that allows the cut, once per
    // run.
    for dimension in [
        Dimension::OccupationFamily,
        Dimension::Occupation,
        Dimension::PriorityPublic,
        Dimension::CommuneGroup,
    ] {
        let asked = report::AskedQuery {
            period: Some(args.year.clone()),
            by: Some(dimension.as_str().to_string()),
            department: None,
        }
        .read(args.today)
        .map_err(refused)?;
        let allowing: Vec<_> = indicators
            .iter()
            .copied()
            .filter(|i| i.allows(dimension))
            .collect();
        let mut times = Vec::new();
        let mut lines = 0;
        for _ in 0..args.runs {
            for indicator in &allowing {
                let started = Instant::now();
                let r = report::report(store.as_ref(), "11", &[indicator], &asked, now)
                    .await
                    .map_err(refused)?;
                times.push(started.elapsed());
                lines = lines.max(r.figures.first().map_or(0, |f| f.table.lines.len()));
            }
        }
        writeln!(
            out,
            "one indicator cut by {} over {} ({} indicators, up to {} lines): {}",
            dimension.as_str(),
            args.year,
            allowing.len(),
            lines,
            summary(&mut times)
        )?;
    }
    Ok(())
}

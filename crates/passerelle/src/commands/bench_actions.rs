//! `passerelle bench actions`: the co-organised actions' costs on a loaded database — drawing
//! the invitations of an action over its offers from the whole region (the invitations of the
//! last thirty days read for the cap, then the campaign, as the API draws them; nothing
//! written), and the funnel of every action of a year, counted by the database.
#![allow(clippy::disallowed_methods)] // a benchmark is an edge: it reads the clock

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;

use super::{now, open_store};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ActionsBenchArgs {
    /// Database URL (default: the settings' database), loaded beforehand with
    /// `passerelle simulate --scale 1 --database URL` (which writes the year of actions)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Offers of the action whose invitations are drawn
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=50))]
    offers: u16,
    /// Times each measure is repeated (the median is printed)
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    repeat: u32,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub async fn run(
    args: ActionsBenchArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let store = open_store(&settings).await?;
    let now = now();
    let start = Instant::now();
    let loaded = super::sourcing::load(store.as_ref(), settings.scoring, true).await?;
    writeln!(
        out,
        "engine loaded in {:.1} s (not counted below)",
        start.elapsed().as_secs_f64()
    )?;
    // The action's offers: open ones taken evenly over the region's.
    let mut open: Vec<i64> = loaded.offers.keys().copied().collect();
    open.sort_unstable();
    if open.len() < usize::from(args.offers) {
        bail!(
            "{} open offers in the database: load a region first (passerelle simulate)",
            open.len()
        );
    }
    let step = open.len() / usize::from(args.offers);
    let offers: Vec<i64> = open
        .iter()
        .step_by(step.max(1))
        .take(usize::from(args.offers))
        .copied()
        .collect();
    let policies = store.priority_policies().await?;
    let mut draws = Vec::new();
    let mut drawn = 0;
    for _ in 0..args.repeat {
        let start = Instant::now();
        let already = store
            .invitations_since(
                now - chrono::Duration::days(service::actions::invitations::PERIOD_DAYS),
            )
            .await?
            .into_iter()
            .map(|(person, n)| (person, u16::try_from(n).unwrap_or(u16::MAX)))
            .collect();
        let people = service::actions::invitations::campaign(
            &loaded,
            offers.clone(),
            now.date_naive(),
            service::actions::invitations::PER_POSITION,
            service::actions::invitations::CAP,
            already,
            policies.clone(),
        )
        .map_err(|err| anyhow::anyhow!("{err:?}"))?;
        draws.push(start.elapsed());
        drawn = people.people.len();
    }
    writeln!(
        out,
        "invitations of an action over {} offers: {drawn} people drawn from {} job seekers, \
         median {} over {} runs (cap read and campaign)",
        offers.len(),
        loaded.pseudonyms.len(),
        millis(median(draws)),
        args.repeat
    )?;
    let since = now - chrono::Duration::days(365);
    let mut funnels = Vec::new();
    let mut stages = Vec::new();
    for _ in 0..args.repeat {
        let start = Instant::now();
        stages = store.action_funnel(None, since, now).await?;
        funnels.push(start.elapsed());
    }
    let actions = store.actions_from(since).await?.len();
    writeln!(
        out,
        "funnel of the {actions} actions of a year: {}, median {} over {} runs",
        stages
            .iter()
            .map(|s| format!("{} {}", s.stage, s.count))
            .collect::<Vec<_>>()
            .join(", "),
        millis(median(funnels)),
        args.repeat
    )?;
    Ok(())
}

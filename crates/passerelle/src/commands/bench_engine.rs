//! `passerelle bench engine`: the sourcing engine on a loaded database — building it, one
//! shortlist at a time, every open offer on every core, a campaign — and, with `--peer`, the
//! same shortlists written as SQL on PostgreSQL + PostGIS, in the same run.
#![allow(clippy::disallowed_methods)] // the edge reads the clock

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use engine::{CampaignRequest, Policy, ShortlistRequest};
use model::PriorityStatus;

use super::open_store;
use super::sourcing;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct EngineBenchArgs {
    /// Database URL (default: the settings' database), loaded beforehand, e.g. with
    /// `passerelle simulate --scale 1 --database URL`
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Shortlists timed one by one on one thread (open offers taken evenly)
    #[arg(long, default_value_t = 5_000)]
    queries: usize,
    /// Shortlist length
    #[arg(long, default_value_t = 30)]
    k: usize,
    /// FA*IR policy of the timed shortlists, STATUS:P:ALPHA
    #[arg(
        long,
        default_value = "rqth:0.1:0.1",
        conflicts_with = "territory_policy"
    )]
    fair: String,
    /// Time the shortlists under the priority policy each offer's territory has in force on
    /// --today, as the service serves them (the stored policies, else Passerelle's default),
    /// instead of --fair
    #[arg(long)]
    territory_policy: bool,
    /// Offers whose shortlist is compared with the exhaustive scorer
    #[arg(long, default_value_t = 200)]
    check: usize,
    /// The day of the shortlists (the simulated region's reference day by default)
    #[arg(long, default_value = "2026-11-02")]
    today: NaiveDate,
    /// Skip the campaign over every open offer
    #[arg(long)]
    no_campaign: bool,
    /// Only build the engine and report its memory
    #[arg(long)]
    build_only: bool,
    /// Also time the same shortlists as SQL on this PostgreSQL database (PostGIS installed),
    /// which must hold the same data (the --database itself when it is PostgreSQL)
    #[arg(long, value_name = "URL")]
    peer: Option<String>,
    /// Shortlists the peer answers (it is slow)
    #[arg(long, default_value_t = 200)]
    peer_queries: usize,
}

/// Resident and peak memory of this process, from /proc (Linux), in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn evenly<T: Copy>(items: &[T], n: usize) -> Vec<T> {
    if items.is_empty() || n == 0 {
        return Vec::new();
    }
    let step = (items.len() as f64 / n.min(items.len()) as f64).max(1.0);
    (0..n.min(items.len()))
        .filter_map(|i| items.get((i as f64 * step) as usize).copied())
        .collect()
}

pub async fn run(
    args: EngineBenchArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let store = open_store(&settings).await?;
    let counts = store.counts().await?;
    writeln!(
        out,
        "database: {} ({}), {} job seekers, {} offers",
        settings.database,
        store.backend().as_str(),
        counts.job_seekers,
        counts.offers
    )?;

    let (rss_before, _) = memory();
    let start = Instant::now();
    let loaded = sourcing::load(store.as_ref(), settings.scoring, false).await?;
    let build = start.elapsed();
    let (rss_after, peak) = memory();
    let engine = loaded.engine;
    writeln!(
        out,
        "build the engine from the store (job seekers, open offers): {:.1} s, of which {:.1} s building the engine and the rest reading the store ({} job seekers, {} offers, {} left out)",
        build.as_secs_f64(),
        loaded.building.as_secs_f64(),
        engine.job_seeker_count(),
        engine.offer_count(),
        loaded.skipped
    )?;
    writeln!(
        out,
        "engine memory: {} by its own count; resident memory grew by {} (peak {})",
        mib(engine.heap_bytes() as u64),
        mib(rss_after.saturating_sub(rss_before)),
        mib(peak)
    )?;

    if args.build_only {
        return Ok(());
    }
    let open = engine.open_offers(None);
    // One policy for every offer (--fair), or each territory's (--territory-policy): built once
    // per department, as the service caches them.
    let fair = {
        let parts: Vec<&str> = args.fair.split(':').collect();
        let (status, p, alpha) = match parts.as_slice() {
            [s, p, a] => (
                PriorityStatus::parse(s).context("--fair: unknown status")?,
                p.parse::<f64>().context("--fair: p")?,
                a.parse::<f64>().context("--fair: alpha")?,
            ),
            _ => anyhow::bail!("--fair: expected STATUS:P:ALPHA"),
        };
        Policy::fair(status, args.k, p, alpha).map_err(|e| anyhow::anyhow!("--fair: {e}"))?
    };
    let mut territorial: std::collections::HashMap<Option<&'static str>, Policy> =
        std::collections::HashMap::new();
    let policy_name = if args.territory_policy {
        let history = store.priority_policies().await?;
        for id in &open {
            let department = engine.offer_department(*id);
            if let std::collections::hash_map::Entry::Vacant(slot) = territorial.entry(department) {
                let in_force = model::policy::in_force(&history, department, args.today);
                slot.insert(
                    Policy::from_rule(&in_force.rule, args.k)
                        .map_err(|e| anyhow::anyhow!("the territory's policy: {e}"))?,
                );
            }
        }
        let mut names: Vec<String> = territorial.values().map(Policy::describe).collect();
        names.sort();
        names.dedup();
        format!("each territory's policy: {}", names.join(" | "))
    } else {
        format!("FA*IR {}", args.fair)
    };
    let policy_of = |id: i64| -> &Policy {
        if args.territory_policy {
            territorial
                .get(&engine.offer_department(id))
                .unwrap_or(&fair)
        } else {
            &fair
        }
    };
    let request = ShortlistRequest {
        k: args.k,
        today: args.today,
        policy: None,
        exposure: false,
    };

    // Exactness first: the index against the exhaustive scorer.
    let checked = evenly(&open, args.check);
    let mut same = 0;
    for id in &checked {
        let indexed = engine.shortlist(
            *id,
            &ShortlistRequest {
                policy: None,
                ..request.clone()
            },
        )?;
        let exhaustive = engine.shortlist_exhaustive(*id, args.k, args.today)?;
        same += usize::from(indexed.entries == exhaustive);
    }
    writeln!(
        out,
        "identical to the exhaustive scorer: {same} of {} shortlists",
        checked.len()
    )?;

    let sample = evenly(&open, args.queries);
    let mut times = Vec::with_capacity(sample.len());
    let (mut scored, mut read, mut buckets) = (0usize, 0usize, 0usize);
    for id in &sample {
        let start = Instant::now();
        let shortlist = engine.shortlist(
            *id,
            &ShortlistRequest {
                policy: Some(policy_of(*id)),
                ..request.clone()
            },
        )?;
        times.push(start.elapsed());
        scored += shortlist.scored;
        read += shortlist.read;
        buckets += shortlist.buckets;
        std::hint::black_box(shortlist);
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len().max(1)).unwrap_or(1);
    writeln!(
        out,
        "one shortlist (k = {}, {}), {} open offers, one thread: p50 {}, p99 {}, mean {}, max {}; on average {:.0} buckets bounded, {:.0} of their members read and {:.0} pairs scored",
        args.k,
        policy_name,
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(mean),
        ms(times.last().copied().unwrap_or_default()),
        buckets as f64 / times.len().max(1) as f64,
        read as f64 / times.len().max(1) as f64,
        scored as f64 / times.len().max(1) as f64
    )?;

    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let start = Instant::now();
    // Offers are handed out one at a time (some cost ten times others), by occupation and
    // place so that consecutive ones read the same buckets.
    let batch = engine.batch_order(&open);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let total: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (engine, request, open, next, policy_of) =
                    (&engine, &request, &batch, &next, &policy_of);
                scope.spawn(move || {
                    let mut candidates = 0;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(id) = open.get(i) else { break };
                        let request = ShortlistRequest {
                            policy: Some(policy_of(*id)),
                            ..request.clone()
                        };
                        if let Ok(s) = engine.shortlist(*id, &request) {
                            candidates += s.entries.len();
                        }
                    }
                    candidates
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    writeln!(
        out,
        "the shortlists of all {} open offers on {threads} threads: {:.2} s ({total} candidates)",
        open.len(),
        start.elapsed().as_secs_f64()
    )?;

    if !args.no_campaign {
        let mut campaign = CampaignRequest::new(open.clone(), args.today);
        campaign.threads = threads;
        if args.territory_policy {
            campaign.policies = Some(store.priority_policies().await?);
        }
        let start = Instant::now();
        let lists = engine.campaign_lists(&campaign)?;
        let listed = start.elapsed();
        let edges = lists.edges();
        let instance = lists.instance(&campaign)?;
        let solving = Instant::now();
        let solution = engine::assignment::solve(
            &instance,
            engine::assignment::Effort {
                iterations: campaign.iterations,
                threads,
                ..Default::default()
            },
        )?;
        let solved = solving.elapsed();
        let outcome = engine.campaign_over(lists, &campaign)?;
        let total = start.elapsed();
        writeln!(
            out,
            "campaign over all {} open offers (capacity {}, {} per position) on {threads} threads: {:.2} s",
            outcome.offers,
            campaign.capacity,
            campaign.per_position,
            total.as_secs_f64()
        )?;
        writeln!(
            out,
            "  candidate lists: {:.2} s ({edges} candidate pairs); bound, assignment and measures: {:.2} s",
            listed.as_secs_f64(),
            (total - listed).as_secs_f64()
        )?;
        writeln!(
            out,
            "  the assignment alone, timed again: {:.2} s for the bound ({} steps) and the three greedies, {} people, gap {:.2}%",
            solved.as_secs_f64(),
            solution.iterations,
            instance.people().len(),
            100.0 * solution.gap
        )?;
        writeln!(out, "  eligible pool: {} job seekers", outcome.pool)?;
        sourcing::write_campaign_table(out, &outcome, "  ")?;
        writeln!(out, "  score loss: {:.2}%", 100.0 * outcome.score_loss)?;
        sourcing::write_campaign_report(out, &outcome, "  ")?;
    }

    if let Some(peer) = &args.peer {
        let url = store::DatabaseUrl::parse(peer).map_err(|e| anyhow::anyhow!("--peer: {e}"))?;
        let peer = super::peer::PostgisPeer::prepare(&url, &engine_tiers(&settings)).await?;
        writeln!(out, "peer: PostgreSQL + PostGIS, {}", peer.describe())?;
        let sample = evenly(&open, args.peer_queries);
        let (mut engine_time, mut peer_time) = (Duration::ZERO, Duration::ZERO);
        let mut identical = 0;
        let plain = ShortlistRequest {
            policy: None,
            ..request.clone()
        };
        for id in &sample {
            let start = Instant::now();
            let ours = engine.shortlist(*id, &plain)?;
            engine_time += start.elapsed();
            let start = Instant::now();
            let theirs = peer.shortlist(*id, args.k, args.today).await?;
            peer_time += start.elapsed();
            let ours: Vec<(i64, f64)> = ours
                .entries
                .iter()
                .map(|e| (e.job_seeker_id, e.score))
                .collect();
            identical += usize::from(super::peer::same_ranking(&ours, &theirs));
        }
        let n = sample.len().max(1) as f64;
        writeln!(
            out,
            "the same {} shortlists (k = {}, without the policy), one at a time: engine {:.3} ms, PostGIS {:.1} ms on average; engine {:.0}× faster; identical top-k: {identical} of {}",
            sample.len(),
            args.k,
            engine_time.as_secs_f64() * 1e3 / n,
            peer_time.as_secs_f64() * 1e3 / n,
            peer_time.as_secs_f64() / engine_time.as_secs_f64().max(1e-12),
            sample.len()
        )?;
    }
    Ok(())
}

fn engine_tiers(settings: &Settings) -> super::peer::PeerScoring {
    let c = &settings.scoring;
    super::peer::PeerScoring {
        weights: [
            c.weights.occupation,
            c.weights.skills,
            c.weights.distance,
            c.weights.availability,
            c.weights.conditions,
            c.weights.experience,
        ],
        same_code: c.tiers.same_code,
        same_code_other_title: c.tiers.same_code_other_title,
        proche: c.tiers.proche,
        evolution: c.tiers.evolution,
        same_domain: c.tiers.same_domain,
        distance_half_km: c.distance_half_km,
        max_delay_days: c.max_delay_days,
    }
}

//! `passerelle shortlist`, `suggest` and `campaign`: the sourcing engine over a database.
//!
//! Each command builds the engine from the store (every job seeker, offer and structure),
//! answers, and records in the audit trail what the priority policy changed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use engine::{
    Breakdown, CampaignRequest, Entry, Exposure, Metrics, Policy, ScoringConfig, ShortlistRequest,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use store::{NewAuditEvent, Offer, Store};

use super::{ReadOptions, audited_job_seeker, now, open_store, write_json};
use crate::settings::Settings;

pub use service::sourcing::Loaded;

fn spinner(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {human_pos} ({per_sec})") {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}

/// Builds the engine from the store, with a spinner while job seekers are read.
pub async fn load(
    store: &dyn Store,
    config: ScoringConfig,
    details: bool,
) -> anyhow::Result<Loaded> {
    let bar = spinner("loading job seekers");
    let loaded = service::sourcing::load(store, config, details, &mut || bar.inc(1)).await;
    bar.finish_and_clear();
    let loaded = loaded?;
    if loaded.skipped > 0 {
        eprintln!(
            "warning: {} records left out of the engine: a code they hold is unknown to the reference data",
            loaded.skipped
        );
    }
    Ok(loaded)
}

#[derive(Debug, Args)]
pub struct ShortlistArgs {
    /// The offer: its id in Passerelle, or with --structure, the owner's reference
    #[arg(long, value_name = "ID")]
    offer: String,
    /// The SIRET of the offer's owner, when --offer is its reference
    #[arg(long, value_name = "SIRET")]
    structure: Option<String>,
    /// How many candidates
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000))]
    k: u32,
    /// Guarantee one priority status with FA*IR: STATUS:P:ALPHA (e.g. rqth:0.1:0.1)
    #[arg(long, value_name = "STATUS:P:ALPHA", conflicts_with = "floors")]
    fair: Option<String>,
    /// Minimum shares for several statuses: STATUS=SHARE,... (e.g. rqth=0.1,long_term=0.3)
    #[arg(long, value_name = "STATUS=SHARE,...", conflicts_with = "no_policy")]
    floors: Option<String>,
    /// Rank on merit alone, without the territory's priority policy (an operator's
    /// comparison; the service never does)
    #[arg(long, conflicts_with = "fair")]
    no_policy: bool,
    /// Also show each priority status's share in the shortlist against the eligible pool
    #[arg(long)]
    exposure: bool,
    /// The day of the shortlist (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    #[command(flatten)]
    read: ReadOptions,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The job seeker's France Travail identifier
    #[arg(long, value_name = "ID")]
    job_seeker: String,
    /// How many offers
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    k: u32,
    /// The day of the suggestion (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    #[command(flatten)]
    read: ReadOptions,
}

#[derive(Debug, Args)]
pub struct CampaignArgs {
    /// Only the open offers whose workplace is in this department (default: every open offer)
    #[arg(long, value_name = "CODE")]
    department: Option<String>,
    /// The most proposals one job seeker may receive in the campaign
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=100))]
    capacity: u16,
    /// Proposals wanted per position of an offer
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=50))]
    per_position: u16,
    /// The day of the campaign (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    /// Rank each offer's candidates on merit alone, without its territory's priority policy
    /// (an operator's comparison)
    #[arg(long)]
    no_policy: bool,
    /// Write the proposals to this CSV file (offer, candidate pseudonym, score)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    read: ReadOptions,
}

async fn open(
    config_file: Option<&Path>,
    database: Option<&str>,
) -> anyhow::Result<(Settings, std::sync::Arc<dyn Store>)> {
    let settings = Settings::load(config_file, database)?;
    let store = open_store(&settings).await?;
    Ok((settings, store))
}

/// One character per component: a bar from ▁ (low) to █ (full), · for zero.
fn bars(b: &Breakdown) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    [
        b.occupation,
        b.skills,
        b.distance,
        b.availability,
        b.conditions,
        b.experience,
    ]
    .iter()
    .map(|v| {
        if *v <= 0.0 {
            '·'
        } else {
            let level = ((v * 8.0).ceil() as usize).clamp(1, 8) - 1;
            LEVELS.get(level).copied().unwrap_or('█')
        }
    })
    .map(|c| format!("{c:^3}"))
    .collect::<Vec<String>>()
    .join(" ")
}

fn commune_name(code: &str) -> String {
    refdata::geo().commune(code).map_or_else(
        || code.to_string(),
        |c| format!("{} ({})", c.name, c.department),
    )
}

fn describe_offer(offer: &Offer) -> String {
    let r = &offer.record;
    format!(
        "offer {} · {} · {} · {} · {} · {} position{}",
        offer.id,
        r.title,
        r.rome,
        commune_name(r.commune.as_str()),
        r.contract_type,
        r.positions,
        if r.positions > 1 { "s" } else { "" }
    )
}

fn write_exposure(out: &mut dyn Write, exposure: &Exposure, what: &str) -> anyhow::Result<()> {
    writeln!(
        out,
        "\n{:<20} {:>12} {:>12}",
        "priority status",
        format!("in {what}"),
        "in pool"
    )?;
    let share = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    };
    for s in &exposure.statuses {
        writeln!(
            out,
            "{:<20} {:>11.1}% {:>11.1}%",
            s.status.as_str(),
            share(s.in_shortlist, exposure.shortlisted),
            share(s.in_pool, exposure.pool)
        )?;
    }
    writeln!(
        out,
        "({} in {what}, {} eligible job seekers in the pool)",
        exposure.shortlisted, exposure.pool
    )?;
    Ok(())
}

#[derive(Serialize)]
struct ShownEntry<'a> {
    rank: usize,
    candidate: &'a str,
    score: f64,
    distance_km: f64,
    matched_rome: &'a str,
    match_kind: engine::MatchKind,
    breakdown: &'a Breakdown,
}

#[derive(Serialize)]
struct ShownShortlist<'a> {
    offer_id: i64,
    title: &'a str,
    policy: Option<String>,
    candidates: Vec<ShownEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<&'a Exposure>,
}

fn find_offer(loaded: &Loaded, offer: &str, structure: Option<&str>) -> anyhow::Result<i64> {
    match structure {
        None => {
            let id: i64 = offer.parse().map_err(|_| {
                anyhow::anyhow!("--offer: `{offer}` is not an id; give --structure SIRET to use the owner's reference")
            })?;
            if !loaded.offers.contains_key(&id) {
                bail!("--offer: no open offer has id {id}");
            }
            Ok(id)
        }
        Some(siret) => {
            let siret =
                domain::Siret::parse(siret).map_err(|e| anyhow::anyhow!("--structure: {e}"))?;
            loaded
                .offers
                .values()
                .find(|o| {
                    o.record.structure_siret == siret && o.record.external_id.as_str() == offer
                })
                .map(|o| o.id)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--offer: structure {siret} has no offer with reference `{offer}`"
                    )
                })
        }
    }
}

pub async fn shortlist(
    args: ShortlistArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let k = args.k as usize;
    let chosen = match (&args.fair, &args.floors) {
        (Some(fair), _) => {
            Some(Policy::parse_fair(fair, k).map_err(|e| anyhow::anyhow!("--fair: {e}"))?)
        }
        (None, Some(floors)) => {
            Some(Policy::parse_floors(floors).map_err(|e| anyhow::anyhow!("--floors: {e}"))?)
        }
        (None, None) => None,
    };
    let (settings, store) = open(config_file, args.read.database.as_deref()).await?;
    let loaded = load(store.as_ref(), settings.scoring, true).await?;
    let offer_id = find_offer(&loaded, &args.offer, args.structure.as_deref())?;
    let now = now();
    let today = args.today.unwrap_or_else(|| now.date_naive());
    // By default the policy in force in the offer's territory, as the service applies it.
    let policy = match chosen {
        Some(policy) => Some(policy),
        None if args.no_policy => None,
        None => {
            let history = store.priority_policies().await?;
            let in_force =
                model::policy::in_force(&history, loaded.engine.offer_department(offer_id), today);
            Some(
                Policy::from_rule(&in_force.rule, k)
                    .map_err(|e| anyhow::anyhow!("the territory's priority policy: {e}"))?,
            )
        }
    };
    let shortlist = loaded.engine.shortlist(
        offer_id,
        &ShortlistRequest {
            k,
            today,
            policy: policy.as_ref(),
            exposure: args.exposure,
        },
    )?;
    if let Some(adjustment) = &shortlist.adjustment {
        store
            .append_audit(
                &NewAuditEvent {
                    actor: None,
                    action: "shortlist.rerank".to_string(),
                    subject_kind: "offer".to_string(),
                    subject_id: Some(offer_id),
                    detail: serde_json::to_value(adjustment)?,
                },
                now,
            )
            .await
            .context("recording the re-ranking in the audit trail")?;
    }
    let offer = loaded.offers.get(&offer_id).context("offer vanished")?;
    let pseudonym = |e: &Entry| {
        loaded
            .pseudonyms
            .get(&e.job_seeker_id)
            .map_or("?", String::as_str)
    };
    if args.read.json {
        let shown = ShownShortlist {
            offer_id,
            title: &offer.record.title,
            policy: policy.as_ref().map(Policy::describe),
            candidates: shortlist
                .entries
                .iter()
                .map(|e| ShownEntry {
                    rank: e.rank,
                    candidate: pseudonym(e),
                    score: e.score,
                    distance_km: e.distance_km,
                    matched_rome: e.matched_rome,
                    match_kind: e.match_kind,
                    breakdown: &e.breakdown,
                })
                .collect(),
            exposure: shortlist.exposure.as_ref(),
        };
        return write_json(out, &shown);
    }
    writeln!(out, "{}", describe_offer(offer))?;
    writeln!(
        out,
        "{} candidate{}{}",
        shortlist.entries.len(),
        if shortlist.entries.len() == 1 {
            ""
        } else {
            "s"
        },
        policy
            .as_ref()
            .map(|p| format!(" (priority policy {})", p.describe()))
            .unwrap_or_default()
    )?;
    if shortlist.entries.is_empty() {
        writeln!(
            out,
            "Nobody fits yet: no consenting job seeker targets a close occupation within commuting distance."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\n{:>4}  {:<19}  {:>5}  {:<23}  {:>6}  matched",
        "rank", "candidate", "score", "occ skl dst avl cnd exp", "km"
    )?;
    for e in &shortlist.entries {
        writeln!(
            out,
            "{:>4}  {:<19}  {:>5.3}  {:<23}  {:>6.1}  {} ({})",
            e.rank,
            pseudonym(e),
            e.score,
            bars(&e.breakdown),
            e.distance_km,
            e.matched_rome,
            serde_json::to_value(e.match_kind)?
                .as_str()
                .unwrap_or_default()
                .replace('_', " ")
        )?;
    }
    writeln!(
        out,
        "\nocc occupation · skl skills · dst distance · avl availability · cnd contract and hours · exp experience"
    )?;
    if let Some(exposure) = &shortlist.exposure {
        write_exposure(out, exposure, "shortlist")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ShownSuggestion<'a> {
    rank: usize,
    offer_id: i64,
    title: &'a str,
    commune: String,
    contract: &'a str,
    score: f64,
    distance_km: f64,
    matched_rome: &'a str,
    match_kind: engine::MatchKind,
    breakdown: &'a Breakdown,
}

pub async fn suggest(
    args: SuggestArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let external = domain::ExternalId::parse(&args.job_seeker)
        .map_err(|e| anyhow::anyhow!("--job-seeker: {e}"))?;
    let (settings, store) = open(config_file, args.read.database.as_deref()).await?;
    let now = now();
    let seeker = audited_job_seeker(
        store.as_ref(),
        &external,
        "job_seeker.suggest",
        serde_json::json!({ "k": args.k }),
        now,
    )
    .await?;
    let loaded = load(store.as_ref(), settings.scoring, true).await?;
    let today = args.today.unwrap_or_else(|| now.date_naive());
    let suggestions = loaded.engine.suggest(seeker.id, args.k as usize, today)?;
    let shown: Vec<ShownSuggestion<'_>> = suggestions
        .iter()
        .filter_map(|s| {
            let offer = loaded.offers.get(&s.offer_id)?;
            Some(ShownSuggestion {
                rank: s.rank,
                offer_id: s.offer_id,
                title: &offer.record.title,
                commune: commune_name(offer.record.commune.as_str()),
                contract: offer.record.contract_type.as_str(),
                score: s.score,
                distance_km: s.distance_km,
                matched_rome: s.matched_rome,
                match_kind: s.match_kind,
                breakdown: &s.breakdown,
            })
        })
        .collect();
    if args.read.json {
        return write_json(out, &shown);
    }
    writeln!(
        out,
        "job seeker {} · {} offer{}",
        seeker.pseudonym,
        shown.len(),
        if shown.len() == 1 { "" } else { "s" }
    )?;
    if shown.is_empty() {
        writeln!(
            out,
            "No open offer fits yet: widen the target occupations or the commute limit."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\n{:>4}  {:>7}  {:>5}  {:<23}  {:>6}  offer",
        "rank", "id", "score", "occ skl dst avl cnd exp", "km"
    )?;
    for s in &shown {
        writeln!(
            out,
            "{:>4}  {:>7}  {:>5.3}  {:<23}  {:>6.1}  {} · {} · {}",
            s.rank,
            s.offer_id,
            s.score,
            bars(s.breakdown),
            s.distance_km,
            s.title,
            s.commune,
            s.contract
        )?;
    }
    Ok(())
}

/// The campaign's figures beside the independent lists', one row each, indented by `indent`.
pub fn write_campaign_table(
    out: &mut dyn Write,
    outcome: &engine::CampaignOutcome,
    indent: &str,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{indent}{:<28} {:>12} {:>12}",
        "", "campaign", "independent"
    )?;
    let (c, i) = (&outcome.campaign, &outcome.independent);
    let rows: [(&str, String, String); 7] = [
        (
            "proposals",
            c.proposals.to_string(),
            i.proposals.to_string(),
        ),
        (
            "total score",
            format!("{:.1}", c.total_score),
            format!("{:.1}", i.total_score),
        ),
        (
            "congestion (−1 even, 0 one)",
            format!("{:.3}", c.congestion),
            format!("{:.3}", i.congestion),
        ),
        (
            "coverage of the pool",
            format!("{:.1}%", 100.0 * c.coverage),
            format!("{:.1}%", 100.0 * i.coverage),
        ),
        ("Gini", format!("{:.3}", c.gini), format!("{:.3}", i.gini)),
        (
            "offers with every position",
            format!("{:.1}%", 100.0 * c.offers_covered),
            format!("{:.1}%", 100.0 * i.offers_covered),
        ),
        (
            "most proposals to one person",
            c.max_per_person.to_string(),
            i.max_per_person.to_string(),
        ),
    ];
    for (name, a, b) in rows {
        writeln!(out, "{indent}{name:<28} {a:>12} {b:>12}")?;
    }
    Ok(())
}

/// What the assignment is worth against the best possible, how the proposals spread over
/// people and offers, and the priority publics against the policies' targets.
pub fn write_campaign_report(
    out: &mut dyn Write,
    outcome: &engine::CampaignOutcome,
    indent: &str,
) -> anyhow::Result<()> {
    let c = &outcome.campaign;
    writeln!(
        out,
        "{indent}assignment: {} (total {:.1}); no assignment of these lists can exceed {:.1}: within {:.2}% of the best possible",
        outcome.method.as_str(),
        c.total_score,
        outcome.bound,
        100.0 * outcome.gap
    )?;
    let totals: Vec<String> = outcome
        .greedy_totals
        .iter()
        .map(|(m, t)| format!("{} {t:.1}", m.as_str()))
        .collect();
    writeln!(
        out,
        "{indent}greedies: {}; bound after {} subgradient step{}",
        totals.join(", "),
        outcome.iterations,
        if outcome.iterations == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "{indent}offers left without any proposal: {} of {}",
        c.offers_without_proposal, outcome.offers
    )?;
    let spread: Vec<String> = c
        .per_person
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} × {}", k + 1))
        .collect();
    writeln!(
        out,
        "{indent}people proposed: {} ({}), {:.2} proposals each",
        c.people_proposed,
        spread.join(", "),
        if c.people_proposed == 0 {
            0.0
        } else {
            c.proposals as f64 / c.people_proposed as f64
        }
    )?;
    if !outcome.targets.is_empty() {
        let shown: Vec<String> = outcome
            .targets
            .iter()
            .map(|t| {
                let among = outcome
                    .exposure
                    .statuses
                    .iter()
                    .find(|s| s.status == t.status)
                    .map_or(0, |s| s.in_shortlist);
                let share = if outcome.exposure.shortlisted == 0 {
                    0.0
                } else {
                    among as f64 / outcome.exposure.shortlisted as f64
                };
                format!(
                    "{} {:.1}% (policies aim at {:.1}%)",
                    t.status.as_str(),
                    100.0 * share,
                    100.0 * t.share
                )
            })
            .collect();
        writeln!(
            out,
            "{indent}priority publics among the proposals: {}",
            shown.join(", ")
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ShownCampaign<'a> {
    department: Option<&'a str>,
    offers: usize,
    pool: usize,
    capacity: u16,
    per_position: u16,
    /// `territory` (each offer's territory's policy) or `none`.
    priority_policy: &'static str,
    campaign: &'a Metrics,
    independent: &'a Metrics,
    score_loss: f64,
    /// No assignment of the same lists under the same capacities can total more.
    bound: f64,
    /// 1 − the campaign's total / bound.
    gap: f64,
    method: engine::assignment::Method,
    exposure: &'a Exposure,
    targets: &'a [engine::StatusTarget],
}

pub async fn campaign(
    args: CampaignArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(d) = &args.department {
        domain::DepartmentCode::parse(d).map_err(|e| anyhow::anyhow!("--department: {e}"))?;
    }
    let (settings, store) = open(config_file, args.read.database.as_deref()).await?;
    let loaded = load(store.as_ref(), settings.scoring, true).await?;
    let offers = loaded.engine.open_offers(args.department.as_deref());
    if offers.is_empty() {
        bail!(
            "no open offer{}: nothing to propose",
            args.department
                .as_deref()
                .map(|d| format!(" in department {d}"))
                .unwrap_or_default()
        );
    }
    let now = now();
    let mut request = CampaignRequest::new(offers, args.today.unwrap_or_else(|| now.date_naive()));
    request.capacity = args.capacity;
    request.per_position = args.per_position;
    request.threads = std::thread::available_parallelism().map_or(1, usize::from);
    if !args.no_policy {
        request.policies = Some(store.priority_policies().await?);
    }
    let outcome = loaded.engine.campaign(&request)?;
    store
        .append_audit(
            &NewAuditEvent {
                actor: None,
                action: "campaign.run".to_string(),
                subject_kind: "department".to_string(),
                subject_id: None,
                detail: serde_json::json!({
                    "department": args.department,
                    "offers": outcome.offers,
                    "proposals": outcome.proposals.len(),
                    "capacity": args.capacity,
                    "per_position": args.per_position,
                    "priority_policy": if args.no_policy { "none" } else { "territory" },
                }),
            },
            now,
        )
        .await
        .context("recording the campaign in the audit trail")?;
    if let Some(path) = &args.out {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["offer_id", "offer_reference", "candidate", "score"])?;
        for p in &outcome.proposals {
            let reference = loaded
                .offers
                .get(&p.offer_id)
                .map_or("", |o| o.record.external_id.as_str());
            let candidate = loaded
                .pseudonyms
                .get(&p.job_seeker_id)
                .map_or("?", String::as_str);
            writer.write_record([
                p.offer_id.to_string(),
                reference.to_string(),
                candidate.to_string(),
                format!("{:.4}", p.score),
            ])?;
        }
        let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        let partial = path.with_extension("partial");
        std::fs::write(&partial, bytes)
            .with_context(|| format!("writing {}", partial.display()))?;
        std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.read.json {
        return write_json(
            out,
            &ShownCampaign {
                department: args.department.as_deref(),
                offers: outcome.offers,
                pool: outcome.pool,
                capacity: args.capacity,
                per_position: args.per_position,
                priority_policy: if args.no_policy { "none" } else { "territory" },
                campaign: &outcome.campaign,
                independent: &outcome.independent,
                score_loss: outcome.score_loss,
                bound: outcome.bound,
                gap: outcome.gap,
                method: outcome.method,
                exposure: &outcome.exposure,
                targets: &outcome.targets,
            },
        );
    }
    writeln!(
        out,
        "campaign over {} open offer{}{} · {} eligible job seekers · at most {} proposal{} each, {} per position",
        outcome.offers,
        if outcome.offers == 1 { "" } else { "s" },
        args.department
            .as_deref()
            .map(|d| format!(" in department {d}"))
            .unwrap_or_default(),
        outcome.pool,
        args.capacity,
        if args.capacity == 1 { "" } else { "s" },
        args.per_position
    )?;
    writeln!(
        out,
        "{}",
        if args.no_policy {
            "no priority policy: candidates ranked on merit alone"
        } else {
            "each offer's list follows the priority policy in force in its territory"
        }
    )?;
    writeln!(out)?;
    write_campaign_table(out, &outcome, "")?;
    writeln!(
        out,
        "\nscore given up against the independent lists: {:.2}%",
        100.0 * outcome.score_loss
    )?;
    write_campaign_report(out, &outcome, "")?;
    write_exposure(out, &outcome.exposure, "proposals")?;
    if let Some(path) = &args.out {
        writeln!(
            out,
            "\nwrote {} proposals to {}",
            outcome.proposals.len(),
            path.display()
        )?;
    }
    Ok(())
}

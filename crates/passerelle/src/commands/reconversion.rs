//! `passerelle reconversion --job-seeker ID`: the reconversion paths of one person, explained,
//! beside the simple rule of earlier systems and where the two part. `passerelle schemes
//! check`: which training schemes fund a session for a person (and an offer), and for each
//! one that does not, the rule it fails.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;
use service::reconversion::{self, Difference, Paths};
use store::NewAuditEvent;

use super::{audited_job_seeker, now, open_store, write_json};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ReconversionArgs {
    /// The job seeker's France Travail identifier
    #[arg(long, value_name = "ID")]
    job_seeker: String,
    /// The day of the paths (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    day: Option<NaiveDate>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
    /// Database URL (default: the settings' database)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SchemesCommand {
    /// The schemes that fund a training session for a person, with their reasons, or the
    /// rule each other one fails (`passerelle schemes check --person ID --session 12
    /// --offer 40`)
    Check {
        /// The job seeker's France Travail identifier
        #[arg(long, value_name = "ID")]
        person: String,
        /// The training session's id in Passerelle
        #[arg(long, value_name = "ID")]
        session: i64,
        /// The offer the training prepares for, if any (its id in Passerelle)
        #[arg(long, value_name = "ID")]
        offer: Option<i64>,
        /// The day the plan is made (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        day: Option<NaiveDate>,
        /// CIPI's maximum hours: the sources disagree (see docs/schemes.md)
        #[arg(long, value_name = "HOURS")]
        cipi_max_hours: Option<u32>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// Database URL (default: the settings' database)
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
}

pub async fn schemes(
    command: SchemesCommand,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let SchemesCommand::Check {
        person,
        session,
        offer,
        day,
        cipi_max_hours,
        json,
        database,
    } = command;
    let settings = Settings::load(config, database.as_deref())?;
    let external =
        domain::ExternalId::parse(&person).map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    let store = open_store(&settings).await?;
    let seeker = store
        .job_seeker(&external)
        .await?
        .ok_or_else(|| anyhow::anyhow!("--person: no job seeker has the identifier {external}"))?;
    let training = store
        .training_session(session)
        .await?
        .ok_or_else(|| anyhow::anyhow!("--session: no training session has the id {session}"))?;
    let offer = match offer {
        Some(id) => Some(
            store
                .offer_by_id(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--offer: no offer has the id {id}"))?,
        ),
        None => None,
    };
    let now = now();
    store
        .append_audit(
            &NewAuditEvent {
                actor: None,
                action: "job_seeker.schemes".to_string(),
                subject_kind: "job_seeker".to_string(),
                subject_id: Some(seeker.id),
                detail: serde_json::json!({ "session": session }),
            },
            now,
        )
        .await
        .context("recording the read in the audit trail")?;
    let day = day.unwrap_or_else(|| now.date_naive());
    let mut scheme_settings = model::schemes::SchemeSettings::default();
    if let Some(hours) = cipi_max_hours {
        scheme_settings.cipi_max_hours = hours;
    }
    let views = reconversion::funding::funding(
        &scheme_settings,
        &seeker.record,
        offer.as_ref().map(|o| &o.record),
        &training.record,
        day,
    )
    .ok_or_else(|| {
        anyhow::anyhow!(
            "--session: the session's first and last days are not known ({} to {}): no scheme \
             can be checked",
            training.record.starts,
            training.record.ends
        )
    })?;
    if json {
        return write_json(out, &views);
    }
    writeln!(
        out,
        "{} for session #{} «{}» ({} to {}){} on {day}:",
        external,
        training.id,
        training.record.title,
        training.record.starts,
        training.record.ends,
        offer
            .as_ref()
            .map_or_else(String::new, |o| format!(", offer #{}", o.id))
    )?;
    for view in &views {
        let verdict = if view.eligible { "yes" } else { "no " };
        writeln!(
            out,
            "  {verdict} {:<10} {}",
            view.scheme,
            view.reasons.join("; ")
        )?;
    }
    writeln!(out, "  ({})", reconversion::funding::UNKNOWN_OF_A_PERSON)?;
    Ok(())
}

#[derive(Serialize)]
struct Shown<'a> {
    job_seeker: &'a str,
    day: NaiveDate,
    #[serde(flatten)]
    paths: &'a Paths,
    simple_rule: Vec<&'static str>,
    differences: Vec<Difference>,
}

pub async fn run(
    args: ReconversionArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let settings = Settings::load(config, args.database.as_deref())?;
    let external = domain::ExternalId::parse(&args.job_seeker)
        .map_err(|e| anyhow::anyhow!("--job-seeker: {e}"))?;
    let store = open_store(&settings).await?;
    let now = now();
    let seeker = audited_job_seeker(
        store.as_ref(),
        &external,
        "job_seeker.reconversion",
        serde_json::json!({}),
        now,
    )
    .await?;
    let day = args.day.unwrap_or_else(|| now.date_naive());
    let context = reconversion::load(store.as_ref(), day).await?;
    let person = reconversion::path_person(&seeker.record).ok_or_else(|| {
        anyhow::anyhow!(
            "the job seeker's commune {} is not one Passerelle places",
            seeker.record.commune
        )
    })?;
    let paths = reconversion::paths(&person, &context);
    let shown = Shown {
        job_seeker: external.as_str(),
        day,
        paths: &paths,
        simple_rule: reconversion::simple_rule(&person, &context),
        differences: reconversion::compare(&person, &context, &paths),
    };
    if args.json {
        return write_json(out, &shown);
    }
    print(&shown, out)
}

fn print(shown: &Shown<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let rome = refdata::rome();
    let label = |code: &str| rome.occupation(code).map_or("", |o| o.label);
    writeln!(
        out,
        "{} on {}: {} months of search ({})",
        shown.job_seeker,
        shown.day,
        shown.paths.months_searching,
        service::reconversion::api_strength(shown.paths.strength).replace('_', " ")
    )?;
    if shown.paths.targets.is_empty() {
        writeln!(
            out,
            "no occupation within one or two links recruits within the person's commute"
        )?;
    }
    for (rank, target) in shown.paths.targets.iter().enumerate() {
        let route: Vec<String> = target
            .route
            .iter()
            .map(|s| format!("{} →({:?}) {}", s.from, s.kind, s.to))
            .collect();
        writeln!(
            out,
            "{:>2}. {} {} — score {:.2}",
            rank + 1,
            target.rome,
            target.label,
            target.score
        )?;
        writeln!(out, "    route: {}", route.join(", "))?;
        writeln!(
            out,
            "    skills: {} shared, {} to acquire; official tension class {}; offers per 10 \
             job seekers here {}; {} open offers within reach",
            target.shared_skills.len(),
            target.missing_skills.len(),
            target
                .official_class
                .map_or_else(|| "unknown".to_string(), |c| c.to_string()),
            target
                .local
                .offers_per_10_seekers
                .map_or_else(|| "withheld".to_string(), |r| format!("{r:.1}")),
            target.offers_within_reach
        )?;
        for session in &target.sessions {
            writeln!(
                out,
                "    session #{}: {} ({}, {}), from {}{}, {:.0} km",
                session.id,
                session.title,
                session.body,
                session.city,
                session.starts_on,
                session
                    .hours
                    .map_or_else(String::new, |h| format!(", {h} h")),
                session.distance_km
            )?;
        }
    }
    let simple: Vec<String> = shown
        .simple_rule
        .iter()
        .map(|code| format!("{code} {}", label(code)))
        .collect();
    writeln!(
        out,
        "simple rule (close occupation, offers per job seeker ≥ 1.5 × the current one's, top 5): {}",
        if simple.is_empty() {
            "none".to_string()
        } else {
            simple.join("; ")
        }
    )?;
    for difference in &shown.differences {
        writeln!(
            out,
            "  {} {}: {} — {}",
            difference.rome,
            label(difference.rome),
            if difference.in_paths {
                "in the paths, not the simple rule"
            } else {
                "in the simple rule, not the paths' first five"
            },
            difference.why
        )?;
    }
    Ok(())
}

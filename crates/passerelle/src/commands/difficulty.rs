//! `passerelle difficulty ...`: the model that predicts which open offers will not be filled.
//! `train` fits it on the year of history the store holds and keeps it as the model in force
//! (with its honest evaluation); `evaluate` only measures it, against three baselines.

// The command times its own steps: it is an edge, it reads the clock.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Subcommand;
use serde::Serialize;
use service::difficulty::{self, Context, Evaluation, HORIZONS, TEST_DAYS};
use store::{LocalQuery, Store};

use super::{ReadOptions, now, open_store, write_json};
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub enum DifficultyCommand {
    /// Train the model on the offers published during the year before `--today` and keep it
    /// as the model in force (versioned, with its span and its evaluation)
    ///
    /// Closed offers are events (filled, or closed unfilled), open ones are censored. The
    /// evaluation kept with the model is `evaluate`'s, run first.
    Train(Args),
    /// Measure the model on offers it never saw: trained on those published before a cut-off
    /// (their outcomes as known then), tested on those published after (as known today);
    /// PR-AUC and Brier score at 30, 47 and 90 days, calibration, concordance, against the
    /// official class alone, Kaplan–Meier per occupation and the declared flag
    Evaluate {
        #[command(flatten)]
        args: Args,
        /// The cut-off (default: 120 days before `--today`)
        #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "test_database")]
        cutoff: Option<NaiveDate>,
        /// Test on another database instead (a region simulated with another seed): train on
        /// all of `--database`, test on all of this one
        #[arg(long, value_name = "URL")]
        test_database: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The day the history is read on (default: the day after the last publication or closing
    /// the store records, which is today for a live database)
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    #[command(flatten)]
    read: ReadOptions,
}

/// One database's year of history.
struct History {
    offers: Vec<model::OfferHistory>,
    context: Context,
    seconds: f64,
}

async fn history(store: &dyn Store, on: DateTime<Utc>) -> anyhow::Result<History> {
    let started = Instant::now();
    let (from, to) = difficulty::span(on);
    let query = LocalQuery {
        from: from.date_naive(),
        to: to.date_naive(),
        rome: None,
    };
    // Two independent reads, on two connections at once.
    let (offers, seekers) =
        tokio::try_join!(store.offer_histories(from, to), store.seeker_groups(&query))?;
    let context = Context::new(&offers, &seekers);
    Ok(History {
        offers,
        context,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The day a history is read on: the one given (not after today: outcomes to come are not
/// known), or the day after the store's last recorded publication or closing (a simulated
/// region describes a day of its own), never after today.
pub async fn today_of(
    store: &dyn Store,
    given: Option<NaiveDate>,
) -> anyhow::Result<DateTime<Utc>> {
    let today = now().date_naive() + Duration::days(1);
    let day = match given {
        Some(day) if day > today => {
            anyhow::bail!("today: {day} is in the future; outcomes are known up to {today} at most")
        }
        Some(day) => day,
        None => match store.latest_offer_activity().await? {
            Some(last) => (last.date_naive() + Duration::days(1)).min(today),
            None => today,
        },
    };
    Ok(day_start(day))
}

/// Opens a database that must already exist: an evaluation or a training reads, it never
/// creates an empty SQLite file where a path was mistyped.
async fn open_existing(settings: &Settings) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    if let Some(path) = settings.database.sqlite_path()
        && !path.exists()
    {
        anyhow::bail!("database: {} does not exist", path.display());
    }
    open_store(settings).await
}

/// Fewer test offers than this say nothing.
const MIN_TEST_OFFERS: usize = 20;

/// What `train` reports and keeps with the model.
#[derive(Debug, Serialize)]
pub struct Trained {
    version: i64,
    span_from: DateTime<Utc>,
    span_to: DateTime<Utc>,
    offers: usize,
    open_offers: usize,
    at_risk: usize,
    load_seconds: f64,
    fit_seconds: f64,
    score_all_open_seconds: f64,
    evaluation: Evaluation,
}

pub fn run(
    command: DifficultyCommand,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        DifficultyCommand::Train(args) => {
            let settings = Settings::load(config_file, args.read.database.as_deref())?;
            crate::block_on(train(&settings, &args, out))?
        }
        DifficultyCommand::Evaluate {
            args,
            cutoff,
            test_database,
        } => {
            let settings = Settings::load(config_file, args.read.database.as_deref())?;
            let test = test_database
                .map(|url| Settings::load(config_file, Some(&url)))
                .transpose()?;
            crate::block_on(evaluate(&settings, &args, cutoff, test.as_ref(), out))?
        }
    }
}

fn split(
    history: &History,
    cutoff: DateTime<Utc>,
) -> (Vec<&model::OfferHistory>, Vec<&model::OfferHistory>) {
    history.offers.iter().partition(|o| o.published_at < cutoff)
}

async fn evaluate(
    settings: &Settings,
    args: &Args,
    cutoff: Option<NaiveDate>,
    test: Option<&Settings>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let store = open_existing(settings).await?;
    let today = today_of(store.as_ref(), args.today).await?;
    let history = history(store.as_ref(), today).await?;
    let evaluation = match test {
        None => {
            let cutoff = cutoff.map_or(today - Duration::days(TEST_DAYS), day_start);
            if cutoff >= today {
                anyhow::bail!("cutoff: must be before the day the history is read on ({today})");
            }
            // The context holds no outcome (counts of seekers and offers, median wages): the
            // same serves both sides.
            let (train, test) = split(&history, cutoff);
            difficulty::evaluate(
                &train,
                history.context.clone(),
                cutoff,
                &test,
                &history.context,
                today,
            )?
            .0
        }
        Some(other) => {
            if other.database == settings.database {
                anyhow::bail!(
                    "test-database: the same database as --database; an evaluation tests on \
                     offers the model never saw"
                );
            }
            let other_store = open_existing(other).await?;
            let tested = self::history(other_store.as_ref(), today).await?;
            let train: Vec<&model::OfferHistory> = history.offers.iter().collect();
            let test: Vec<&model::OfferHistory> = tested.offers.iter().collect();
            difficulty::evaluate(
                &train,
                history.context.clone(),
                today,
                &test,
                &tested.context,
                today,
            )?
            .0
        }
    };
    if evaluation.test_offers < MIN_TEST_OFFERS {
        anyhow::bail!(
            "too few test offers: {} (at least {MIN_TEST_OFFERS}); choose an earlier --cutoff or \
             a larger --test-database",
            evaluation.test_offers
        );
    }
    if args.read.json {
        write_json(out, &evaluation)
    } else {
        write_evaluation(out, &evaluation)
    }
}

async fn train(settings: &Settings, args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = open_existing(settings).await?;
    let today = today_of(store.as_ref(), args.today).await?;
    let report = train_and_keep(store.as_ref(), today).await?;
    if args.read.json {
        return write_json(out, &report);
    }
    write_trained(out, &report)
}

/// Trains the model on the year before `today`, evaluates it first, and keeps it as the model
/// in force.
pub async fn train_and_keep(store: &dyn Store, today: DateTime<Utc>) -> anyhow::Result<Trained> {
    let history = history(store, today).await?;
    let cutoff = today - Duration::days(TEST_DAYS);
    let (before, after) = split(&history, cutoff);
    let (evaluation, _) = difficulty::evaluate(
        &before,
        history.context.clone(),
        cutoff,
        &after,
        &history.context,
        today,
    )?;
    let started = Instant::now();
    let trained = difficulty::train(&history.offers, history.context.clone(), today)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let open: Vec<&model::OfferHistory> = history
        .offers
        .iter()
        .filter(|o| o.status == model::OfferStatus::Open)
        .collect();
    let at_risk = open
        .iter()
        .filter_map(|o| trained.assess(o, today))
        .filter(|a| a.at_risk)
        .count();
    let score_all_open_seconds = started.elapsed().as_secs_f64();
    let (span_from, span_to) = difficulty::span(today);
    let mut report = Trained {
        version: 0,
        span_from,
        span_to,
        offers: history.offers.len(),
        open_offers: open.len(),
        at_risk,
        load_seconds: history.seconds,
        fit_seconds,
        score_all_open_seconds,
        evaluation,
    };
    report.version = store
        .save_difficulty_model(&model::NewDifficultyModel {
            trained_at: now(),
            span_from,
            span_to,
            observations: history.offers.len() as u64,
            model: serde_json::to_value(&trained)?,
            // The version is the row's id: not known before it is written.
            metrics: {
                let mut metrics = serde_json::to_value(&report)?;
                if let Some(fields) = metrics.as_object_mut() {
                    fields.remove("version");
                }
                metrics
            },
        })
        .await?;
    Ok(report)
}

/// What `train` prints.
pub fn write_trained(out: &mut dyn Write, report: &Trained) -> anyhow::Result<()> {
    writeln!(
        out,
        "difficulty model {} trained on {} offers published from {} to {} ({} still open, \
         {} at risk: at least {:.0} % likely not to be filled {} days after publication)",
        report.version,
        report.offers,
        report.span_from.date_naive(),
        report.span_to.date_naive(),
        report.open_offers,
        report.at_risk,
        difficulty::AT_RISK * 100.0,
        difficulty::AT_RISK_DAYS
    )?;
    writeln!(
        out,
        "read in {:.2} s, fitted in {:.2} s, every open offer scored in {:.3} s ({:.1} µs each)",
        report.load_seconds,
        report.fit_seconds,
        report.score_all_open_seconds,
        report.score_all_open_seconds * 1e6 / report.open_offers.max(1) as f64
    )?;
    writeln!(out)?;
    write_evaluation(out, &report.evaluation)
}

fn figure(value: Option<f64>) -> String {
    value.map_or("     -".to_string(), |v| format!("{v:6.3}"))
}

fn write_evaluation(out: &mut dyn Write, e: &Evaluation) -> anyhow::Result<()> {
    writeln!(
        out,
        "evaluation: trained on {} offers as known on {}, tested on {} offers as known on {}",
        e.train_offers,
        e.trained_on.date_naive(),
        e.test_offers,
        e.tested_on.date_naive()
    )?;
    let shares: Vec<String> = HORIZONS
        .iter()
        .zip(e.labelled.iter().zip(&e.not_filled_share))
        .map(|(t, (n, share))| {
            format!(
                "{t} days {} of {n}",
                share.map_or("-".to_string(), |s| format!("{:.1} %", s * 100.0))
            )
        })
        .collect();
    writeln!(out, "not filled by: {}", shares.join(", "))?;
    writeln!(
        out,
        "{:<30} {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}   {:>7}",
        "predictor", "PR 30", "PR 47", "PR 90", "Br 30", "Br 47", "Br 90", "C-index"
    )?;
    for s in std::iter::once(&e.model).chain(&e.baselines) {
        writeln!(
            out,
            "{:<30} {} {} {}   {} {} {}   {}",
            s.name,
            figure(s.pr_auc[0]),
            figure(s.pr_auc[1]),
            figure(s.pr_auc[2]),
            figure(s.brier[0]),
            figure(s.brier[1]),
            figure(s.brier[2]),
            figure(s.c_index)
        )?;
    }
    writeln!(
        out,
        "(PR: average precision of \"not filled by\", higher is better; Br: Brier score, lower \
         is better)"
    )?;
    writeln!(out, "calibration at 47 days, by decile of predicted risk:")?;
    for bin in &e.calibration_47 {
        writeln!(
            out,
            "  predicted {:5.1} %  observed {:5.1} %  ({} offers)",
            bin.mean_predicted * 100.0,
            bin.observed_share * 100.0,
            bin.count
        )?;
    }
    Ok(())
}

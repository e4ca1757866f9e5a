//! An honest evaluation: the model trained on one period (or one region) is tested on offers it
//! never saw, against three baselines fitted on the same training offers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use survival::metrics::{self, CalibrationBin};
use survival::{GroupCurves, GroupOptions, Outcome};

use model::OfferHistory;

use super::{Context, HORIZONS, TrainError, Trained, features, observed, official_class, train};

/// One predictor's figures on the test offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub name: &'static str,
    /// Average precision (PR-AUC) of "not filled by 30, 47, 90 days".
    pub pr_auc: [Option<f64>; 3],
    /// Brier score of the same, lower is better.
    pub brier: [Option<f64>; 3],
    /// Harrell's concordance of the time to fill (P(filled by 47 days) as the score).
    pub c_index: Option<f64>,
}

/// The evaluation's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The training offers' outcomes are those known on this day.
    pub trained_on: DateTime<Utc>,
    /// The test offers' outcomes are those known on this day.
    pub tested_on: DateTime<Utc>,
    pub train_offers: usize,
    pub test_offers: usize,
    /// Test offers whose label at each horizon is known, and the share not filled by then.
    pub labelled: [usize; 3],
    pub not_filled_share: [Option<f64>; 3],
    pub model: Scores,
    /// The official class alone, Aalen–Johansen (Kaplan–Meier with competing ends) per
    /// occupation, the declared flag: each fitted on the training offers.
    pub baselines: Vec<Scores>,
    /// The model's calibration by decile of predicted risk at 47 days.
    pub calibration_47: Vec<CalibrationBin>,
}

type Baseline = (&'static str, fn(&OfferHistory) -> String);

const BASELINES: [Baseline; 3] = [
    ("official class alone", |o| {
        official_class(o).map_or_else(|| "none".to_string(), |c| c.to_string())
    }),
    ("Kaplan–Meier per occupation", |o| o.rome.clone()),
    ("declared flag", |o| o.hard_to_fill.to_string()),
];

/// Trains on `train_offers` as known on `train_on` (with their own context), then scores
/// `test_offers` (with theirs) against their outcomes as known on `test_on`. Gives the
/// figures and the model.
pub fn evaluate(
    train_offers: &[&OfferHistory],
    train_context: Context,
    train_on: DateTime<Utc>,
    test_offers: &[&OfferHistory],
    test_context: &Context,
    test_on: DateTime<Utc>,
) -> Result<(Evaluation, Trained), TrainError> {
    let owned: Vec<OfferHistory> = train_offers.iter().map(|o| (*o).clone()).collect();
    let trained = train(&owned, train_context, train_on)?;
    let test: Vec<(&OfferHistory, f64, Outcome)> = test_offers
        .iter()
        .filter_map(|o| observed(o, test_on).map(|(d, out)| (*o, d, out)))
        .collect();
    let days: Vec<f64> = test.iter().map(|t| t.1).collect();
    let outcomes: Vec<Outcome> = test.iter().map(|t| t.2).collect();

    // The model's P(not filled by t) from publication.
    let model_risk: Vec<[f64; 3]> = test
        .iter()
        .map(|(o, _, _)| {
            let x = features(o, test_context);
            trained
                .survival
                .predict(&x)
                .map_or([f64::NAN; 3], |p| HORIZONS.map(|t| p.not_filled_by(t)))
        })
        .collect();
    let mut labelled = [0; 3];
    let mut not_filled_share = [None; 3];
    for (h, &t) in HORIZONS.iter().enumerate() {
        let labels: Vec<bool> = test
            .iter()
            .filter_map(|(_, d, out)| metrics::label_not_filled(*d, *out, t))
            .collect();
        if let (Some(slot), Some(share)) = (labelled.get_mut(h), not_filled_share.get_mut(h)) {
            *slot = labels.len();
            *share = (!labels.is_empty())
                .then(|| labels.iter().filter(|l| **l).count() as f64 / labels.len() as f64);
        }
    }
    let model = scores("survival model", &model_risk, &days, &outcomes);
    let calibration_47 = {
        let (probs, labels) = labelled_at(&model_risk, &days, &outcomes, 1);
        metrics::calibration(&probs, &labels, 10).unwrap_or_default()
    };

    let train_observed: Vec<(&OfferHistory, f64, Outcome)> = train_offers
        .iter()
        .filter_map(|o| observed(o, train_on).map(|(d, out)| (*o, d, out)))
        .collect();
    let mut baselines = Vec::with_capacity(BASELINES.len());
    for (name, key) in BASELINES {
        let data: Vec<(String, f64, Outcome)> = train_observed
            .iter()
            .map(|(o, d, out)| (key(o), *d, *out))
            .collect();
        let Ok(curves) = GroupCurves::fit(&data, &GroupOptions::default()) else {
            continue;
        };
        let risk: Vec<[f64; 3]> = test
            .iter()
            .map(|(o, _, _)| {
                let k = key(o);
                HORIZONS.map(|t| curves.not_filled_by(&k, t))
            })
            .collect();
        baselines.push(scores(name, &risk, &days, &outcomes));
    }
    Ok((
        Evaluation {
            trained_on: train_on,
            tested_on: test_on,
            train_offers: train_observed.len(),
            test_offers: test.len(),
            labelled,
            not_filled_share,
            model,
            baselines,
            calibration_47,
        },
        trained,
    ))
}

/// The predictions and labels of the offers labelled at horizon `h`.
fn labelled_at(
    risk: &[[f64; 3]],
    days: &[f64],
    outcomes: &[Outcome],
    h: usize,
) -> (Vec<f64>, Vec<bool>) {
    let t = HORIZONS.get(h).copied().unwrap_or(47.0);
    risk.iter()
        .zip(days.iter().zip(outcomes))
        .filter_map(|(r, (d, out))| {
            let label = metrics::label_not_filled(*d, *out, t)?;
            let p = *r.get(h)?;
            p.is_finite().then_some((p, label))
        })
        .unzip()
}

fn scores(name: &'static str, risk: &[[f64; 3]], days: &[f64], outcomes: &[Outcome]) -> Scores {
    let mut pr_auc = [None; 3];
    let mut brier = [None; 3];
    for h in 0..HORIZONS.len() {
        let (probs, labels) = labelled_at(risk, days, outcomes, h);
        if let Some(slot) = pr_auc.get_mut(h) {
            *slot = metrics::average_precision(&probs, &labels).ok();
        }
        if let Some(slot) = brier.get_mut(h) {
            *slot = metrics::brier(&probs, &labels).ok();
        }
    }
    let fill_scores: Vec<f64> = risk
        .iter()
        .map(|r| 1.0 - r.get(1).copied().unwrap_or(f64::NAN))
        .collect();
    let c_index = metrics::concordance(&fill_scores, days, outcomes)
        .ok()
        .map(|c| c.c_index);
    Scores {
        name,
        pr_auc,
        brier,
        c_index,
    }
}

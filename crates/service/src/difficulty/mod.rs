//! Offers at risk: will an open offer be filled, and when, predicted from the history the store
//! holds, explained factor by factor, evaluated against three baselines.
//!
//! The prediction is the third signal of hard-to-fill offers, never merged with the two others:
//! the **declared** flag (the offer's file) and the **structural** tension (DARES, `refdata`).
//! It reads only what the store holds (the offers' conditions and outcomes, the job seekers'
//! targets) and the embedded reference data, never the simulator's internals.
//!
//! - [`Context`]: what the features need beyond the offer itself, built from the histories
//!   (no outcome enters it): job seekers per occupation and department, offers published per
//!   occupation, department and month, the occupations' median wages.
//! - [`features`]: the offer's covariates, named by [`FEATURES`].
//! - [`Trained`]: a fitted `survival::Model` with its context, stored as JSON in the store's
//!   `difficulty_models` (its id is its version).
//! - [`evaluate`]: train on the offers published before a cut-off (their outcomes as known at
//!   the cut-off), test on those published after (their outcomes as known today), against the
//!   official class alone, Aalen–Johansen per occupation and the declared flag.
//! - [`Assessment`]: one offer's probabilities, expected time to fill, factors and reasons.

pub mod api;
mod evaluate;
mod explain;
pub mod pages;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use model::{ContractType, ExperienceRequired, OfferHistory, OfferStatus, SeekerGroup};
use refdata::tension::Territory;

pub use evaluate::{Evaluation, Scores, evaluate};
pub use explain::{Assessment, Factor};

/// The horizons of the prediction, in days: a month, the published median time to fill
/// (47 days, France Travail), a quarter.
pub const HORIZONS: [f64; 3] = [30.0, 47.0, 90.0];
/// An open offer is "at risk" when it is at least [`AT_RISK`] likely not to be filled
/// [`AT_RISK_DAYS`] days after its publication (a quarter: about three offers in ten are not,
/// when published; an offer still open at 90 days is at risk by definition).
pub const AT_RISK: f64 = 0.5;
pub const AT_RISK_DAYS: u16 = 90;
/// How far back the history goes.
pub const HISTORY_DAYS: i64 = 365;
/// The test period of an evaluation: the offers published in the last 120 days.
pub const TEST_DAYS: i64 = 120;

/// The covariates, in order. Each is 0 for an average offer or when unknown; from
/// `wage_unknown` on, each is yes (1) or no (0).
pub const FEATURES: [&str; 16] = [
    "candidates",
    "official_class",
    "working_conditions",
    "labour_shortage",
    "wage_gap",
    "wage_unknown",
    "experience_required",
    "experience_wished",
    "heavy_licence",
    "car_licence",
    "short_mission",
    "permanent",
    "part_time",
    "several_positions",
    "construction",
    "declared_hard",
];

/// What the features need beyond the offer: counts and medians from the store's history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Active job seekers targeting an occupation, by `ROME:department`.
    seekers: BTreeMap<String, u64>,
    /// Offers published, by `ROME:department:YYYY-MM`.
    offers: BTreeMap<String, u64>,
    /// The median full-time monthly gross of each occupation's offers with a readable wage
    /// (at least five of them), and of all offers.
    medians: BTreeMap<String, f64>,
    overall_median: Option<f64>,
}

/// The department of a commune's INSEE code.
pub fn department_of(commune: &str) -> &str {
    crate::tension::department_of(commune)
}

/// An offer's monthly wage brought to 35 hours a week, from the middle of its range.
pub fn full_time_wage(offer: &OfferHistory) -> Option<f64> {
    let hours = offer
        .weekly_hours
        .filter(|h| h.is_finite() && *h > 0.0)
        .unwrap_or(35.0);
    offer.wage.map(|w| w.mid() * 35.0 / hours)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let upper = *values.get(n / 2)?;
    Some(if n.is_multiple_of(2) {
        (values.get(n / 2 - 1)? + upper) / 2.0
    } else {
        upper
    })
}

impl Context {
    /// Counts the offers and seekers, and the median wages.
    pub fn new(histories: &[OfferHistory], seekers: &[SeekerGroup]) -> Self {
        let mut context = Context::default();
        for group in seekers {
            *context
                .seekers
                .entry(format!("{}:{}", group.rome, department_of(&group.commune)))
                .or_default() += group.seekers;
        }
        let mut wages: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut all = Vec::new();
        for offer in histories {
            *context.offers.entry(offer_key(offer)).or_default() += 1;
            if let Some(wage) = full_time_wage(offer) {
                wages.entry(offer.rome.as_str()).or_default().push(wage);
                all.push(wage);
            }
        }
        for (rome, mut values) in wages {
            // A median shown in a reason is a figure: on at least 20 offers (secret
            // statistique), else the median of all offers stands in.
            if values.len() as u64 >= crate::tension::SECRET_BELOW
                && let Some(m) = median(&mut values)
            {
                context.medians.insert(rome.to_string(), m);
            }
        }
        context.overall_median = median(&mut all);
        context
    }

    /// Job seekers targeting the offer's occupation in its department.
    pub fn seekers_for(&self, offer: &OfferHistory) -> u64 {
        self.seekers
            .get(&format!("{}:{}", offer.rome, department_of(&offer.commune)))
            .copied()
            .unwrap_or(0)
    }

    /// Offers of the same occupation published in the same department and month (the offer
    /// included; at least 1).
    pub fn competing_offers(&self, offer: &OfferHistory) -> u64 {
        self.offers
            .get(&offer_key(offer))
            .copied()
            .unwrap_or(0)
            .max(1)
    }

    /// The median full-time wage of the occupation, or of all offers.
    pub fn median_wage(&self, rome: &str) -> Option<f64> {
        self.medians.get(rome).copied().or(self.overall_median)
    }

    /// Whether the occupation has a median of its own (at least 20 offers with a wage).
    pub fn has_own_median(&self, rome: &str) -> bool {
        self.medians.contains_key(rome)
    }
}

fn offer_key(offer: &OfferHistory) -> String {
    format!(
        "{}:{}:{}",
        offer.rome,
        department_of(&offer.commune),
        offer.published_at.format("%Y-%m")
    )
}

/// The official tension of the offer's occupation in its department (class, working
/// conditions, lack of labour), each centred on 3; zeros when the edition has none.
fn official(offer: &OfferHistory) -> [f64; 3] {
    let Ok(t) = refdata::tensions().official(
        &offer.rome,
        Territory::Department(department_of(&offer.commune)),
    ) else {
        return [0.0; 3];
    };
    let centred = |class: Option<u8>| class.map_or(0.0, |c| f64::from(c) - 3.0);
    [
        f64::from(t.class) - 3.0,
        centred(t.indicators.working_conditions),
        centred(t.indicators.labour_shortage),
    ]
}

/// The official class of the offer's occupation in its department, when the edition has one.
pub fn official_class(offer: &OfferHistory) -> Option<u8> {
    refdata::tensions()
        .official(
            &offer.rome,
            Territory::Department(department_of(&offer.commune)),
        )
        .ok()
        .map(|t| t.class)
}

/// The offer's covariates, in [`FEATURES`] order.
pub fn features(offer: &OfferHistory, context: &Context) -> [f64; FEATURES.len()] {
    let seekers = context.seekers_for(offer) as f64;
    let competing = context.competing_offers(offer) as f64;
    let [class, conditions, shortage] = official(offer);
    let wage_gap = full_time_wage(offer)
        .zip(context.median_wage(&offer.rome))
        .map(|(wage, median)| (wage / median).ln().clamp(-1.0, 1.0));
    let heavy = offer
        .licences
        .iter()
        .any(|l| l.starts_with('C') || l.starts_with('D') || l.starts_with('E'));
    let car = !heavy && offer.licences.iter().any(|l| l.starts_with('B'));
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    [
        ((1.0 + seekers) / competing).ln(),
        class,
        conditions,
        shortage,
        wage_gap.unwrap_or(0.0),
        flag(wage_gap.is_none()),
        flag(offer.experience_required == ExperienceRequired::Required),
        flag(offer.experience_required == ExperienceRequired::Wished),
        flag(heavy),
        flag(car),
        flag(
            offer.contract_type == ContractType::Mis
                && offer.duration_days.is_some_and(|d| d <= 10),
        ),
        flag(matches!(
            offer.contract_type,
            ContractType::Cdi | ContractType::Din
        )),
        flag(offer.weekly_hours.is_some_and(|h| h < 35.0)),
        flag(offer.positions > 1),
        flag(
            offer
                .sector_code
                .as_deref()
                .is_some_and(|naf| matches!(naf.get(..2), Some("41" | "42" | "43"))),
        ),
        flag(offer.hard_to_fill),
    ]
}

/// How an offer's story reads on a day: its outcome then, and the days it covers.
pub fn observed(offer: &OfferHistory, on: DateTime<Utc>) -> Option<(f64, survival::Outcome)> {
    let days_to = |t: DateTime<Utc>| (t - offer.published_at).num_seconds() as f64 / 86_400.0;
    if offer.published_at >= on {
        return None;
    }
    match offer.closed_at {
        Some(closed) if closed <= on => {
            let outcome = if offer.status == OfferStatus::Filled {
                survival::Outcome::Filled
            } else {
                survival::Outcome::Unfilled
            };
            Some((days_to(closed).max(0.0), outcome))
        }
        _ => Some((days_to(on).max(0.0), survival::Outcome::Open)),
    }
}

/// A fitted model and the context its features were computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trained {
    pub survival: survival::Model,
    pub context: Context,
}

/// What the model reads of a stored offer.
pub fn history_of(offer: &model::Offer) -> OfferHistory {
    let r = &offer.record;
    OfferHistory {
        id: offer.id,
        structure_id: 0,
        rome: r.rome.to_string(),
        commune: r.commune.to_string(),
        published_at: r.published_at,
        closed_at: r.closed_at,
        status: r.status,
        close_reason: r.close_reason,
        contract_type: r.contract_type,
        duration_days: r.duration_days,
        weekly_hours: r.weekly_hours,
        wage: r.wage,
        experience_required: r.experience_required,
        licences: r.licences.clone(),
        positions: r.positions,
        hard_to_fill: r.hard_to_fill,
        sector_code: r.sector_code.clone(),
    }
}

/// The open offers of an occupation in a department: how many, how many their file declares
/// hard to fill, how many the model predicts at risk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    pub open: u64,
    pub declared: u64,
    pub at_risk: u64,
}

/// The open offers by occupation and department, as the model in force (if any) saw them at
/// one time.
#[derive(Debug, Default)]
pub struct RiskCells {
    /// The model's version; none when no model is trained (then `at_risk` counts nothing).
    pub model: Option<i64>,
    pub at: DateTime<Utc>,
    /// By (ROME code, department).
    pub cells: std::collections::HashMap<(String, String), Cell>,
}

impl RiskCells {
    /// Counts the open offers the engine holds, those declared hard to fill and those at risk.
    pub fn count<'a>(
        loaded: Option<&Loaded>,
        offers: impl Iterator<Item = &'a model::Offer>,
        at: DateTime<Utc>,
    ) -> Self {
        let mut cells: std::collections::HashMap<(String, String), Cell> =
            std::collections::HashMap::new();
        for offer in offers {
            if offer.record.status != OfferStatus::Open {
                continue;
            }
            let history = history_of(offer);
            let risky = loaded
                .and_then(|l| l.trained.is_at_risk(&history, at))
                .unwrap_or(false);
            let department = department_of(&history.commune).to_string();
            let cell = cells.entry((history.rome, department)).or_default();
            cell.open += 1;
            cell.declared += u64::from(history.hard_to_fill);
            cell.at_risk += u64::from(risky);
        }
        Self {
            model: loaded.map(|l| l.id),
            at,
            cells,
        }
    }

    /// The cell of an occupation in a department (zeros when it has no open offer).
    pub fn of(&self, rome: &str, department: &str) -> Cell {
        self.cells
            .get(&(rome.to_string(), department.to_string()))
            .copied()
            .unwrap_or_default()
    }
}

/// A stored model, parsed.
#[derive(Debug)]
pub struct Loaded {
    pub id: i64,
    pub trained_at: DateTime<Utc>,
    pub trained: Trained,
}

impl Loaded {
    pub fn from_stored(stored: &model::DifficultyModel) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id: stored.id,
            trained_at: stored.model.trained_at,
            trained: serde_json::from_value(stored.model.model.clone())?,
        })
    }
}

/// Why a model cannot be trained.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("too little history: {0} offers published in the span, at least 200 are needed")]
    TooLittle(usize),
    #[error("the model could not be fitted: {0}")]
    Fit(#[from] survival::FitError),
}

/// Fits the model on `histories` as they stand on `on`.
pub fn train(
    histories: &[OfferHistory],
    context: Context,
    on: DateTime<Utc>,
) -> Result<Trained, TrainError> {
    let data: Vec<survival::Observation> = histories
        .iter()
        .filter_map(|offer| {
            let (days, outcome) = observed(offer, on)?;
            Some(survival::Observation {
                x: features(offer, &context).to_vec(),
                days,
                outcome,
            })
        })
        .collect();
    if data.len() < 200 {
        return Err(TrainError::TooLittle(data.len()));
    }
    let survival = survival::fit(&FEATURES, &data, &survival::FitOptions::default())?;
    Ok(Trained { survival, context })
}

/// The span of history a model trained on `on` reads: the year before it.
pub fn span(on: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (on - Duration::days(HISTORY_DAYS), on)
}

#[cfg(test)]
mod tests;

//! One offer's assessment: how likely it is not to be filled by each horizon (knowing it is
//! still open at its age), when it will likely be filled, each factor's part as a bar, and the
//! top reasons in French.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use model::OfferHistory;

use super::{
    AT_RISK, AT_RISK_DAYS, Context, FEATURES, HORIZONS, Trained, features, full_time_wage,
};

/// The probability that an offer is not filled by a horizon.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Horizon {
    /// Days from publication.
    pub days: u16,
    pub probability: f64,
}

/// What one factor does to the offer's chances: its contribution to the log of the fill rate
/// against the average offer of the history (below 0: it slows filling).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Factor {
    /// The covariate's name (`candidates`, `wage_gap`...).
    pub feature: &'static str,
    /// What it is, in French.
    pub label: &'static str,
    /// The covariate's value for this offer; withheld (`null`) for the candidates per competing
    /// offer when either count is under 20 (secret statistique).
    pub value: Option<f64>,
    pub contribution: f64,
}

/// An offer's predicted difficulty.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Assessment {
    pub offer_id: i64,
    /// Days since publication, on the day of the assessment.
    pub age_days: f64,
    /// P(not filled by 30, 47 and 90 days of publication), knowing it is still open now (1
    /// for a horizon already past).
    pub not_filled_by: Vec<Horizon>,
    /// The day (from publication) by which it is filled with probability ½, knowing it is still
    /// open; none within a year.
    pub expected_fill_day: Option<f64>,
    /// At least [`AT_RISK`] likely not to be filled by [`AT_RISK_DAYS`] days.
    pub at_risk: bool,
    /// Every factor, the strongest first.
    pub factors: Vec<Factor>,
    /// The factors that slow it most, in French ("salaire 12 % sous la médiane du métier").
    pub reasons: Vec<String>,
}

/// The French name of each covariate, in [`FEATURES`] order.
const LABELS: [&str; FEATURES.len()] = [
    "Candidats potentiels par offre concurrente",
    "Tension officielle du métier (DARES)",
    "Conditions de travail contraignantes (DARES)",
    "Manque de main-d'œuvre disponible (DARES)",
    "Salaire face à la médiane du métier",
    "Salaire non chiffré",
    "Expérience exigée",
    "Expérience souhaitée",
    "Permis poids lourd ou transport en commun",
    "Permis B",
    "Mission de 10 jours au plus",
    "CDI ou CDI intérimaire",
    "Temps partiel",
    "Plusieurs postes",
    "Employeur du BTP",
    "Déclarée difficile à pourvoir",
];

/// The factors that are yes (1) or no (0): those of [`FEATURES`] from `wage_unknown` on.
fn is_binary(feature: &str) -> bool {
    FEATURES
        .iter()
        .position(|f| *f == feature)
        .is_some_and(|i| i >= FIRST_BINARY)
}

const FIRST_BINARY: usize = 5;

/// The day a probability of fill first reaches `target` from `age` on, within a year: the first
/// whole day from `age` (at least day 1) where it does. The cumulative fill never decreases, so
/// the day is found by bisection over the whole days (nine evaluations for a year), the same day
/// a scan day by day would find.
pub(super) fn first_day(prediction: &survival::Prediction, age: f64, target: f64) -> Option<f64> {
    let (filled, unfilled) = (
        prediction.cumulative_fill(age),
        prediction.cumulative_unfilled(age),
    );
    let open = 1.0 - filled - unfilled;
    if open <= 1e-12 {
        return None;
    }
    let reached = |day: f64| (prediction.cumulative_fill(day) - filled) / open >= target;
    let (mut low, mut high) = (age.ceil().max(1.0), survival::MEDIAN_HORIZON);
    if low > high || !reached(high) {
        return None;
    }
    // `reached(high)` holds; find the first whole day in [low, high] where it does.
    while low < high {
        let middle = (low + (high - low) / 2.0).floor();
        if reached(middle) {
            high = middle;
        } else {
            low = middle + 1.0;
        }
    }
    Some(low)
}

impl Trained {
    /// Whether an open offer is at risk on `now`: the assessment's flag alone, without the
    /// factors and the expected day (for counting many offers).
    pub fn is_at_risk(&self, offer: &OfferHistory, now: DateTime<Utc>) -> Option<bool> {
        let prediction = self
            .survival
            .predict(&features(offer, &self.context))
            .ok()?;
        let age = ((now - offer.published_at).num_seconds() as f64 / 86_400.0).max(0.0);
        let horizon = f64::from(AT_RISK_DAYS);
        if horizon <= age {
            return Some(true);
        }
        let filled = prediction.cumulative_fill(age);
        let open = (1.0 - filled - prediction.cumulative_unfilled(age)).max(1e-12);
        let not_filled = 1.0 - (prediction.cumulative_fill(horizon) - filled) / open;
        Some(not_filled >= AT_RISK)
    }

    /// The assessment of an offer on `now`.
    pub fn assess(&self, offer: &OfferHistory, now: DateTime<Utc>) -> Option<Assessment> {
        let x = features(offer, &self.context);
        let prediction = self.survival.predict(&x).ok()?;
        let age = ((now - offer.published_at).num_seconds() as f64 / 86_400.0).max(0.0);
        let filled = prediction.cumulative_fill(age);
        let open = (1.0 - filled - prediction.cumulative_unfilled(age)).max(1e-12);
        let not_filled_by: Vec<Horizon> = HORIZONS
            .iter()
            .map(|&t| Horizon {
                days: t as u16,
                probability: if t <= age {
                    1.0
                } else {
                    (1.0 - (prediction.cumulative_fill(t) - filled) / open).clamp(0.0, 1.0)
                },
            })
            .collect();
        let at_risk = not_filled_by
            .iter()
            .find(|h| h.days == AT_RISK_DAYS)
            .is_some_and(|h| h.probability >= AT_RISK);
        let contributions = &prediction.contributions().fill;
        let secret = crate::tension::SECRET_BELOW;
        let small_counts = self.context.seekers_for(offer) < secret
            || self.context.competing_offers(offer) < secret;
        let mut factors: Vec<Factor> = FEATURES
            .iter()
            .zip(LABELS)
            .zip(x)
            .zip(contributions)
            .map(|(((feature, label), value), contribution)| Factor {
                feature,
                label,
                value: (*feature != "candidates" || !small_counts).then_some(value),
                contribution: *contribution,
            })
            .collect();
        factors.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        // A reason names what the offer has: a yes-or-no factor slows it only when it is yes
        // (its absence can weigh too, but "mission très courte" is not said of a CDD).
        let mut slowing: Vec<&Factor> = factors
            .iter()
            .filter(|f| f.contribution < -0.05)
            .filter(|f| !is_binary(f.feature) || f.value.is_some_and(|v| v > 0.5))
            .collect();
        slowing.sort_by(|a, b| a.contribution.total_cmp(&b.contribution));
        let reasons = slowing
            .iter()
            .filter_map(|f| self.reason(f.feature, offer))
            .take(3)
            .collect();
        Some(Assessment {
            offer_id: offer.id,
            age_days: age,
            not_filled_by,
            expected_fill_day: first_day(&prediction, age, 0.5),
            at_risk,
            factors,
            reasons,
        })
    }

    /// A slowing factor in the recruiter's words, with the offer's own figures.
    fn reason(&self, feature: &str, offer: &OfferHistory) -> Option<String> {
        let context: &Context = &self.context;
        Some(match feature {
            "candidates" => {
                // Counts under 20 are withheld (secret statistique), here as everywhere.
                let secret = crate::tension::SECRET_BELOW;
                let seekers = context.seekers_for(offer);
                let competing = context.competing_offers(offer);
                let who = if seekers < secret {
                    "moins de 20 demandeurs d'emploi cherchent ce métier dans le département"
                        .to_string()
                } else {
                    format!("{seekers} demandeurs d'emploi cherchent ce métier dans le département")
                };
                if competing < secret {
                    format!("{who}, face aux autres offres du même métier publiées le même mois")
                } else {
                    format!("{who} pour {competing} offres publiées le même mois")
                }
            }
            "official_class" => format!(
                "métier en tension dans le territoire (classe {} sur 5, DARES 2019)",
                super::official_class(offer)?
            ),
            "working_conditions" => {
                "conditions de travail du métier jugées contraignantes (DARES)".to_string()
            }
            "labour_shortage" => "main-d'œuvre disponible rare pour ce métier (DARES)".to_string(),
            "wage_gap" => {
                let wage = full_time_wage(offer)?;
                let median = context.median_wage(&offer.rome)?;
                let gap = ((1.0 - wage / median) * 100.0).round();
                let whose = if context.has_own_median(&offer.rome) {
                    "du métier"
                } else {
                    "des offres de la région"
                };
                if gap >= 1.0 {
                    format!("salaire {gap} % sous la médiane {whose}")
                } else {
                    return None;
                }
            }
            "wage_unknown" => "salaire non chiffré dans l'offre".to_string(),
            "experience_required" => "expérience exigée".to_string(),
            "experience_wished" => "expérience souhaitée".to_string(),
            "heavy_licence" => "permis poids lourd ou transport en commun exigé".to_string(),
            "car_licence" => "permis B exigé".to_string(),
            "part_time" => "temps partiel".to_string(),
            "several_positions" => format!("{} postes à pourvoir", offer.positions),
            "construction" => {
                "employeur du BTP, où les abandons sont les plus fréquents".to_string()
            }
            "declared_hard" => "déclarée difficile à pourvoir par le recruteur".to_string(),
            "short_mission" => "mission très courte".to_string(),
            "permanent" => "CDI".to_string(),
            _ => return None,
        })
    }
}

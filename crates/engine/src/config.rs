//! The scoring's settings: the weight of each component and the values of its scales. Every
//! field has a default; a deployment overrides them in its configuration file (`[scoring]`).

use serde::{Deserialize, Serialize};

/// How much each component counts in the total score. The total is the weighted sum of the
/// components (each between 0 and 1), so with the defaults, which add up to 1, it lies between
/// 0 and 1 too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub occupation: f64,
    pub skills: f64,
    pub distance: f64,
    pub availability: f64,
    pub conditions: f64,
    pub experience: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            occupation: 0.30,
            skills: 0.20,
            distance: 0.20,
            availability: 0.10,
            conditions: 0.10,
            experience: 0.10,
        }
    }
}

/// The occupation component: how close the person's target occupation is to the offer's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tiers {
    /// Same ROME code (and the same job title, or a title missing on either side).
    pub same_code: f64,
    /// Same ROME code, both sides naming a different job title.
    pub same_code_other_title: f64,
    /// A ROME mobility link of kind "proche" from the person's occupation to the offer's.
    pub proche: f64,
    /// A ROME mobility link of kind "évolution".
    pub evolution: f64,
    /// The same domaine professionnel (three first characters of the code), or a proximity
    /// derived for a code new in ROME 4.0.
    pub same_domain: f64,
}

impl Default for Tiers {
    fn default() -> Self {
        Self {
            same_code: 1.0,
            same_code_other_title: 0.9,
            proche: 0.8,
            evolution: 0.6,
            same_domain: 0.4,
        }
    }
}

/// Everything the scoring can be told.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    pub weights: Weights,
    pub tiers: Tiers,
    /// The distance component halves every `distance_half_km` kilometres.
    pub distance_half_km: f64,
    /// A person available more than this many days after the offer's start is not proposed;
    /// within it, the availability component falls linearly from 1 (on time) to 0.
    pub max_delay_days: u32,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            weights: Weights::default(),
            tiers: Tiers::default(),
            distance_half_km: 10.0,
            max_delay_days: 30,
        }
    }
}

/// A setting out of its range, named by its path in the configuration file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("scoring.{field}: {reason}")]
pub struct ConfigError {
    pub field: String,
    pub reason: String,
}

impl ScoringConfig {
    /// Checks every value: weights finite and not negative, tiers between 0 and 1 and in
    /// order, a positive half-distance.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let error = |field: &str, reason: String| ConfigError {
            field: field.to_string(),
            reason,
        };
        let w = &self.weights;
        for (name, value) in [
            ("occupation", w.occupation),
            ("skills", w.skills),
            ("distance", w.distance),
            ("availability", w.availability),
            ("conditions", w.conditions),
            ("experience", w.experience),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(error(
                    &format!("weights.{name}"),
                    format!("is {value}, expected a finite number ≥ 0"),
                ));
            }
        }
        let t = &self.tiers;
        let tiers = [
            ("same_code", t.same_code),
            ("same_code_other_title", t.same_code_other_title),
            ("proche", t.proche),
            ("evolution", t.evolution),
            ("same_domain", t.same_domain),
        ];
        for (name, value) in tiers {
            if !(value > 0.0 && value <= 1.0) {
                return Err(error(
                    &format!("tiers.{name}"),
                    format!("is {value}, expected a number in (0, 1]"),
                ));
            }
        }
        if t.same_code_other_title > t.same_code {
            return Err(error(
                "tiers.same_code_other_title",
                "must not exceed tiers.same_code".to_string(),
            ));
        }
        if !(self.distance_half_km.is_finite() && self.distance_half_km > 0.0) {
            return Err(error(
                "distance_half_km",
                format!("is {}, expected a positive number", self.distance_half_km),
            ));
        }
        Ok(())
    }
}

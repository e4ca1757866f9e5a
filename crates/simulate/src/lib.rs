//! A simulated region: structures, job seekers and offers that look like the real region in
//! every published proportion (`../shared/data/SOURCES.md`), with fictional names. Real
//! job-seeker data is confidential; demos, tests and benchmarks use this instead.
//!
//! Every record is a pure function of (configuration, index): the same seed gives the same
//! region, and records can be generated in any order. Nothing here does IO or reads the clock:
//! the reference date is part of the [`Config`].

pub mod actions;
pub mod directory_edits;
mod draws;
pub mod duos;
pub mod evaluations;
mod figures;
pub mod outcomes;
mod people;
mod places;
pub mod referrals;
mod services;
mod summary;
pub mod training_plans;
pub mod trainings;
mod work;

use chrono::NaiveDate;
use model::{JobSeekerRecord, OfferRecord, ServiceRecord, StructureRecord};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub use people::{FIRST_NAMES, LAST_NAMES};
pub use summary::Summary;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    region: String,
    scale: f64,
    seed: u64,
    as_of: NaiveDate,
}

impl Config {
    pub const MIN_SCALE: f64 = 0.001;
    pub const MAX_SCALE: f64 = 5.0;

    /// `region` is an INSEE region code (11 is Île-de-France, the one with published figures;
    /// others get figures derived from their population), `scale` 1.0 is the real size,
    /// `as_of` the day the simulated data describes.
    pub fn new(region: &str, scale: f64, seed: u64, as_of: NaiveDate) -> Result<Self, String> {
        if refdata::geo().region(region).is_none() {
            return Err(format!(
                "region: no French region has the code {region:?} (Île-de-France is 11)"
            ));
        }
        if !(Self::MIN_SCALE..=Self::MAX_SCALE).contains(&scale) {
            return Err(format!(
                "scale: {scale} is not between {} and {}",
                Self::MIN_SCALE,
                Self::MAX_SCALE
            ));
        }
        Ok(Self {
            region: region.to_string(),
            scale,
            seed,
            as_of,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }
}

/// The simulated region, ready to hand out its records.
pub struct Region {
    config: Config,
    places: places::Places,
    plan: figures::Plan,
    structures: Vec<StructureRecord>,
    agencies: work::Agencies,
    occupations: work::Occupations,
}

impl Region {
    pub fn new(config: Config) -> Result<Self, String> {
        let places = places::Places::new(&config.region)?;
        let plan = figures::Plan::new(&config, &places);
        let (structures, agencies) = work::structures(&config, &places, &plan);
        let occupations = work::Occupations::new();
        Ok(Self {
            config,
            places,
            plan,
            structures,
            agencies,
            occupations,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn structures(&self) -> &[StructureRecord] {
        &self.structures
    }

    pub fn job_seeker_count(&self) -> u64 {
        self.plan.job_seekers()
    }

    /// Offers published during the year before the reference day, open or closed on it.
    pub fn offer_count(&self) -> u64 {
        self.plan.offers
    }

    fn rng(&self, stream: u64, index: u64) -> StdRng {
        StdRng::seed_from_u64(
            self.config
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(stream.wrapping_mul(0xD6E8_FEB8_6659_FD93))
                .wrapping_add(index),
        )
    }

    /// The services of every structure, for the shared directory (data·inclusion v1 terms).
    pub fn services(&self) -> Vec<ServiceRecord> {
        let departments: Vec<String> = self
            .places
            .departments
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        self.structures
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                let mut rng = self.rng(3, i as u64);
                services::services_of(s, &departments, self.config.as_of, &mut rng)
            })
            .collect()
    }

    /// The job seeker of index `index` (0 ≤ index < [`Region::job_seeker_count`]).
    pub fn job_seeker(&self, index: u64) -> Option<JobSeekerRecord> {
        let mut rng = self.rng(1, index);
        people::job_seeker(self, index, &mut rng)
    }

    /// The offer of index `index` (0 ≤ index < [`Region::offer_count`]).
    pub fn offer(&self, index: u64) -> Option<OfferRecord> {
        let mut rng = self.rng(2, index);
        work::offer(self, index, &mut rng)
    }
}

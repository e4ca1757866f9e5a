//! The published figures the simulation is grounded in (`../shared/data/SOURCES.md`), and the
//! plan they give for a region at a scale.

use crate::Config;
use crate::places::Places;

/// Île-de-France, by department: registered job seekers (categories A, B, C, 2022–24) and job
/// seekers with a recognised disability (DEBOE, Handidonnées 2021). 93 from DREES, 92 from
/// Pôle emploi, 75 from APUR; 77, 78, 91, 94, 95 share the remainder of the 974,220.
const ILE_DE_FRANCE: [(&str, u64, u64); 8] = [
    ("75", 186_000, 10_450),
    ("77", 101_450, 7_620),
    ("78", 101_450, 5_450),
    ("91", 101_450, 5_740),
    ("92", 112_510, 7_430),
    ("93", 168_460, 11_510),
    ("94", 101_450, 6_560),
    ("95", 101_450, 5_640),
];

/// Job seekers per inhabitant in Île-de-France (974,220 / 12.46 M), for other regions.
const JOB_SEEKERS_PER_INHABITANT: f64 = 974_220.0 / 12_463_067.0;
/// Long-term (a year or more) share: 45.4 % in Île-de-France, 46.3 % in Seine-Saint-Denis.
pub const LONG_TERM: f64 = 0.454;
const LONG_TERM_93: f64 = 0.463;
/// Living in a QPV: 192,424 of 974,220 (≈ 20 %), 45 % of them in Seine-Saint-Denis.
const QPV_COUNT: f64 = 192_424.0;
const QPV_SHARE_IN_93: f64 = 0.45;
/// Disabled job seekers: 55 % long-term, 53 % aged 50 or more (Agefiph).
pub const DISABLED_LONG_TERM: f64 = 0.55;
pub const DISABLED_SENIOR: f64 = 0.53;
/// Aged 50 or more, and under 26, among all job seekers (France Travail, STMT).
pub const SENIOR: f64 = 0.25;
pub const YOUNG: f64 = 0.12;
/// Under-26 without a qualification, among the under-26.
pub const YOUNG_UNQUALIFIED: f64 = 0.40;
/// RSA recipients: ≈ 16 % overall, more among the long-term unemployed.
pub const RSA_IF_LONG_TERM: f64 = 0.24;
pub const RSA_OTHERWISE: f64 = 0.093;
/// Offers published over a year in Île-de-France (Observatoire de l'emploi IdF, Q3 2024); how
/// many are still open on the reference day follows from their outcomes (about 60,000).
const OFFERS_PER_YEAR: f64 = 443_000.0;
/// Structures in Île-de-France.
const FRANCE_TRAVAIL_AGENCIES: f64 = 150.0;
const AGENCES_EMPLOI: f64 = 1_600.0;
const MISSIONS_LOCALES: f64 = 70.0;

/// One department's share of the region.
pub struct DepartmentPlan {
    pub code: String,
    pub job_seekers: u64,
    pub disabled: f64,
    pub long_term: f64,
    pub qpv: f64,
}

pub struct Plan {
    pub departments: Vec<DepartmentPlan>,
    /// Cumulative job seekers by department, to map an index to its department.
    cumulative: Vec<u64>,
    /// Offers published during the year before the reference day.
    pub offers: u64,
    pub france_travail_agencies: u64,
    pub agences_emploi: u64,
    pub missions_locales: u64,
}

fn scaled(value: f64, scale: f64) -> u64 {
    (value * scale).round().max(0.0) as u64
}

impl Plan {
    pub fn new(config: &Config, places: &Places) -> Self {
        let scale = config.scale;
        let region_population: u64 = places.departments.iter().map(|d| d.population).sum();
        let idf = config.region == "11";
        let (qpv_93, qpv_other) = if idf {
            let in_93 = ILE_DE_FRANCE
                .iter()
                .find(|d| d.0 == "93")
                .map_or(1, |d| d.1) as f64;
            let others = ILE_DE_FRANCE
                .iter()
                .filter(|d| d.0 != "93")
                .map(|d| d.1)
                .sum::<u64>() as f64;
            (
                QPV_COUNT * QPV_SHARE_IN_93 / in_93,
                QPV_COUNT * (1.0 - QPV_SHARE_IN_93) / others,
            )
        } else {
            (0.0, QPV_COUNT / 974_220.0)
        };
        let departments: Vec<DepartmentPlan> = places
            .departments
            .iter()
            .map(|d| {
                let published = ILE_DE_FRANCE.iter().find(|p| idf && p.0 == d.code);
                let (job_seekers, disabled) = match published {
                    Some(&(_, seekers, deboe)) => (seekers as f64, deboe as f64 / seekers as f64),
                    None => (
                        d.population as f64 * JOB_SEEKERS_PER_INHABITANT,
                        60_400.0 / 974_220.0,
                    ),
                };
                let long_term = match (idf, d.code.as_str()) {
                    (true, "93") => LONG_TERM_93,
                    // The other departments, so that the region's share is 45.4 %.
                    (true, _) => {
                        (LONG_TERM * 974_220.0 - LONG_TERM_93 * 168_460.0) / (974_220.0 - 168_460.0)
                    }
                    (false, _) => LONG_TERM,
                };
                let qpv = if idf && d.code == "93" {
                    qpv_93
                } else {
                    qpv_other
                };
                DepartmentPlan {
                    code: d.code.clone(),
                    job_seekers: scaled(job_seekers, scale).max(1),
                    disabled,
                    long_term,
                    qpv,
                }
            })
            .collect();
        let mut total = 0;
        let cumulative = departments
            .iter()
            .map(|d| {
                total += d.job_seekers;
                total
            })
            .collect();
        // Other regions: structures and offers in proportion to their population.
        let size = if idf {
            1.0
        } else {
            region_population as f64 / 12_463_067.0
        };
        let count = departments.len() as u64;
        Self {
            departments,
            cumulative,
            offers: scaled(OFFERS_PER_YEAR * size, scale).max(1),
            france_travail_agencies: scaled(FRANCE_TRAVAIL_AGENCIES * size, scale).max(count),
            agences_emploi: scaled(AGENCES_EMPLOI * size, scale).max(2 * count),
            missions_locales: scaled(MISSIONS_LOCALES * size, scale).max(count),
        }
    }

    pub fn job_seekers(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The department of the job seeker of index `index`.
    pub fn department_of(&self, index: u64) -> Option<&DepartmentPlan> {
        let i = self.cumulative.partition_point(|c| *c <= index);
        self.departments.get(i)
    }
}

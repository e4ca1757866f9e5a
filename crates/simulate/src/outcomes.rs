//! Why a simulated offer ends as it does: its wage, how hard it is to fill, the flag its
//! recruiter declares, and its outcome (filled after so many days, cancelled for lack of
//! candidates or because the need went away, expired, or still open on the reference day).
//!
//! The outcome follows from what a recruiter faces, never from a coin thrown per status:
//! - the candidates: how many job seekers look for the occupation against how many offers seek
//!   it (the two draws of [`crate::work::Occupations`]);
//! - the occupation's official tension in the offer's department (DARES 2019, embedded);
//! - the offer's conditions: its wage against the occupation's median, experience and licences
//!   required, a short temp mission or a permanent post, part time, several positions;
//! - what no file records (the employer's reputation, the workplace's access): a noise term.
//!
//! These make the offer's *ease* `η`; its time to fill is Weibull with a scale that shrinks as
//! `η` grows, and two competing ends run against it: the recruiter gives up for lack of
//! candidates (sooner when `η` is low), or the need goes away (at a constant rate). An offer
//! still open after [`EXPIRY_DAYS`] expires. The constants are calibrated so that the simulated
//! year matches France Travail's published outcomes ([`FILLED`], [`ABANDONED`],
//! [`MEDIAN_DAYS_TO_FILL`], [`CONSTRUCTION_ABANDONED`]); `tests/it/outcomes.rs` checks them.
//!
//! The recruiter's declared flag (`offresManqueCandidats`) leans on `η` without being it: the
//! three signals (declared, official, predicted) must stay distinct.

use model::{CloseReason, ContractType, ExperienceRequired, MonthlyWage, OfferStatus};
use rand::Rng;
use rand::rngs::StdRng;

/// France Travail, "Offres pourvues et abandons de recrutement" (2022 edition, offers of 2021
/// and 2022): 83.4 % of offers filled, median time to fill 47 days (46 in the 2018 edition),
/// 6.2 % abandoned for lack of candidates (4.9 % in 2018, 6 % in 2021), about 10 % in
/// construction.
pub const FILLED: f64 = 0.834;
pub const ABANDONED: f64 = 0.062;
pub const MEDIAN_DAYS_TO_FILL: f64 = 47.0;
pub const CONSTRUCTION_ABANDONED: f64 = 0.10;

/// An offer no one filled or withdrew is taken down after four months.
pub const EXPIRY_DAYS: f64 = 120.0;

/// The SMIC on 1 January 2025: €11.88 an hour, €1,801.80 a month for 35 hours a week.
pub const SMIC_HOURLY: f64 = 11.88;
pub const SMIC_MONTHLY: f64 = 1_801.80;

/// The Weibull shape of the time to fill (above 1: the hazard grows at first, as candidates
/// answer), and the scale in days for an offer of ease 0.
const FILL_SHAPE: f64 = 2.6;
const FILL_SCALE_DAYS: f64 = 51.0;
/// Giving up for lack of candidates: never in the first two weeks, then at a rate whose mean
/// wait is this many days for an offer of ease 0, shorter for a harder one.
const GIVE_UP_AFTER_DAYS: f64 = 14.0;
const GIVE_UP_MEAN_DAYS: f64 = 7_500.0;
const GIVE_UP_EASE: f64 = 2.8;
/// The need goes away (a client's order cancelled, a post frozen): mean wait in days.
const WITHDRAW_MEAN_DAYS: f64 = 1_400.0;

/// The weights of the ease. Each is a plain effect on the log of the fill rate.
const SUPPLY: f64 = 0.15;
const TENSION_CLASS: f64 = -0.15;
const WAGE: f64 = 2.2;
const EXPERIENCE_REQUIRED: f64 = -0.30;
const EXPERIENCE_WISHED: f64 = -0.12;
const HEAVY_LICENCE: f64 = -0.30;
const CAR_LICENCE: f64 = -0.08;
const SHORT_MISSION: f64 = 0.40;
const PERMANENT: f64 = 0.10;
const PART_TIME: f64 = -0.20;
const SEVERAL_POSITIONS: f64 = -0.15;
const UNOBSERVED: f64 = 0.25;

/// What the ease is made of, as the simulator knows it.
pub struct Conditions<'a> {
    pub rome: &'a str,
    pub department: &'a str,
    /// Job seekers looking for the occupation per offer seeking it, against the region's mean:
    /// the log of the ratio of their draw weights.
    pub supply: f64,
    pub contract: ContractType,
    pub duration_days: Option<u32>,
    pub weekly_hours: f64,
    pub experience: ExperienceRequired,
    pub licences: &'a [String],
    pub positions: u16,
    /// The employer's NAF code.
    pub sector: Option<&'a str>,
    /// The full-time monthly gross offered, against the occupation's median.
    pub wage_ratio: f64,
}

/// What drives an offer's end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drivers {
    /// The ease `η`: the log of the fill rate against an average offer's.
    pub ease: f64,
    /// How much sooner than its ease alone says a recruiter gives up: the occupation's
    /// constraining working conditions and lack of available labour (the DARES indicators,
    /// classes 1 to 5), which make candidates who do come turn the post down, and construction
    /// employers (NAF 41 to 43: small firms, sites that move, work that cannot wait), whose
    /// abandonments France Travail finds highest.
    pub strain: f64,
}

/// Constraining working conditions and lack of available labour, per class above 3.
const WORKING_CONDITIONS: f64 = 0.45;
const LABOUR_SHORTAGE: f64 = 0.30;
const CONSTRUCTION: f64 = 0.75;

/// The drivers of an offer, with the unobserved part of its ease drawn.
pub fn drivers(c: &Conditions<'_>, rng: &mut StdRng) -> Drivers {
    let official = refdata::tensions()
        .official(
            c.rome,
            refdata::tension::Territory::Department(c.department),
        )
        .ok();
    let class = official.as_ref().map_or(3.0, |t| f64::from(t.class));
    let indicator = |pick: fn(&refdata::tension::Indicators) -> Option<u8>| {
        official
            .as_ref()
            .and_then(|t| pick(&t.indicators))
            .map_or(0.0, |i| f64::from(i) - 3.0)
    };
    let construction = c
        .sector
        .is_some_and(|naf| matches!(naf.get(..2), Some("41" | "42" | "43")));
    let strain = WORKING_CONDITIONS * indicator(|i| i.working_conditions)
        + LABOUR_SHORTAGE * indicator(|i| i.labour_shortage)
        + if construction { CONSTRUCTION } else { 0.0 };
    let heavy = c
        .licences
        .iter()
        .any(|l| l.starts_with('C') || l.starts_with('D') || l.starts_with('E'));
    let car = c.licences.iter().any(|l| l.starts_with('B'));
    let short = c.contract == ContractType::Mis && c.duration_days.is_some_and(|d| d <= 10);
    let flag = |on: bool, weight: f64| if on { weight } else { 0.0 };
    let ease = SUPPLY * c.supply.clamp(-3.0, 3.0)
        + TENSION_CLASS * (class - 3.0)
        + WAGE * c.wage_ratio.max(0.5).ln()
        + flag(
            c.experience == ExperienceRequired::Required,
            EXPERIENCE_REQUIRED,
        )
        + flag(
            c.experience == ExperienceRequired::Wished,
            EXPERIENCE_WISHED,
        )
        + flag(heavy, HEAVY_LICENCE)
        + flag(car && !heavy, CAR_LICENCE)
        + flag(short, SHORT_MISSION)
        + flag(
            matches!(c.contract, ContractType::Cdi | ContractType::Din),
            PERMANENT,
        )
        + flag(c.weekly_hours < 35.0, PART_TIME)
        + flag(c.positions > 1, SEVERAL_POSITIONS)
        + UNOBSERVED * normal(rng);
    Drivers { ease, strain }
}

/// How an offer ends: its status (open when the end comes after the reference day), the days
/// from publication to the end, and the reason of a cancellation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub status: OfferStatus,
    pub days: f64,
    pub reason: Option<CloseReason>,
}

/// Draws the end of an offer.
pub fn outcome(drivers: Drivers, rng: &mut StdRng) -> Outcome {
    let Drivers { ease, strain } = drivers;
    let fill = FILL_SCALE_DAYS * (-ease).exp() * exponential(rng).powf(1.0 / FILL_SHAPE);
    let give_up = GIVE_UP_AFTER_DAYS
        + GIVE_UP_MEAN_DAYS * (GIVE_UP_EASE * ease - strain).exp() * exponential(rng);
    let withdraw = WITHDRAW_MEAN_DAYS * exponential(rng);
    let ends = [
        (fill, OfferStatus::Filled, None),
        (
            give_up,
            OfferStatus::Cancelled,
            Some(CloseReason::LackOfCandidates),
        ),
        (
            withdraw,
            OfferStatus::Cancelled,
            Some(CloseReason::NeedWithdrawn),
        ),
        (EXPIRY_DAYS, OfferStatus::Expired, None),
    ];
    let (days, status, reason) =
        ends.into_iter()
            .fold((f64::INFINITY, OfferStatus::Expired, None), |best, end| {
                if end.0 < best.0 { end } else { best }
            });
    Outcome {
        status,
        // At least a few hours: an offer is not closed the minute it is published.
        days: days.max(0.2),
        reason,
    }
}

/// Whether the recruiter declares the offer hard to fill: likelier the harder it is, about
/// two offers in five over the year (BMO 2025: 41.7 % of hiring projects said difficult).
pub fn declared_hard(ease: f64, rng: &mut StdRng) -> bool {
    const LEVEL: f64 = -0.55;
    const LEAN: f64 = -1.1;
    let odds = (LEVEL + LEAN * ease).exp();
    rng.random_bool((odds / (1.0 + odds)).clamp(0.0, 1.0))
}

/// The median full-time monthly gross of an occupation, fictional: no wage survey ships in
/// `../shared/data/`. A level by grand domaine (support functions and finance above, retail,
/// hospitality and personal services near the SMIC), spread ±12 % within it by the code.
pub fn median_wage(rome: &str) -> f64 {
    let level = match rome.get(..1) {
        Some("C") => 2_650.0,
        Some("M") => 2_550.0,
        Some("E") => 2_400.0,
        Some("F") => 2_250.0,
        Some("I") => 2_250.0,
        Some("H") => 2_150.0,
        Some("B") => 2_100.0,
        Some("J") => 2_150.0,
        Some("N") => 2_050.0,
        Some("L") => 2_000.0,
        _ => 1_950.0,
    };
    let spread = rome
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 1000;
    (level * (0.88 + 0.24 * f64::from(spread) / 1000.0)).max(SMIC_MONTHLY)
}

/// An offer's wage: the full-time monthly gross (never under the SMIC) and what the offer pays
/// for its hours, written as France Travail's label in the forms the field uses. One label in
/// twenty cannot be read as a figure ("Selon profil"): then the offer has no numeric wage.
pub struct Wage {
    pub full_time: f64,
    pub label: String,
    pub wage: Option<MonthlyWage>,
}

pub fn wage(rome: &str, weekly_hours: f64, rng: &mut StdRng) -> Wage {
    let full_time = (median_wage(rome) * (0.10 * normal(rng)).exp()).max(SMIC_MONTHLY);
    let monthly = full_time * weekly_hours / 35.0;
    let high = if rng.random_bool(0.4) {
        monthly * rng.random_range(1.03..1.15)
    } else {
        monthly
    };
    let hourly = |m: f64| m * 12.0 / (weekly_hours * 52.0);
    let roll = rng.random_range(0..100);
    let (label, wage) = match roll {
        0..5 => {
            let text = match rng.random_range(0..3) {
                0 => "Selon profil",
                1 => "A négocier",
                _ => "Selon convention collective",
            };
            (text.to_string(), None)
        }
        5..55 => {
            // Hourly figures are written to the cent, as agencies do.
            let (low_h, high_h) = (cents(hourly(monthly)), cents(hourly(high)));
            let label = if high_h > low_h {
                format!("Horaire de {low_h:.2} Euros à {high_h:.2} Euros")
            } else {
                format!("Horaire de {low_h:.2} Euros")
            };
            // As `exchange::wage` reads it back, to the last bit.
            let back = |h: f64| h * (weekly_hours * 52.0 / 12.0);
            (label, MonthlyWage::new(back(low_h), back(high_h)).ok())
        }
        55..95 => {
            let (low, high) = (cents(monthly), cents(high));
            (
                MonthlyWage::new(low, high)
                    .map(|w| w.label())
                    .unwrap_or_default(),
                MonthlyWage::new(low, high).ok(),
            )
        }
        _ => {
            let (low, high) = (cents(monthly * 12.0), cents(high * 12.0));
            let label = if high > low {
                format!("Annuel de {low:.2} Euros à {high:.2} Euros sur 12 mois")
            } else {
                format!("Annuel de {low:.2} Euros sur 12 mois")
            };
            (
                label,
                MonthlyWage::new(low * (1.0 / 12.0), high * (1.0 / 12.0)).ok(),
            )
        }
    };
    Wage {
        full_time,
        label,
        wage,
    }
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A standard exponential draw.
fn exponential(rng: &mut StdRng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u = 1.0 - rng.random::<f64>();
    let v = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

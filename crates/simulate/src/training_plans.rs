//! A year of training plans (axis 4 of the agreement: "training before hiring"): from an
//! agency's offer and a person referred to it who accepted, the recruiter and the advisor plan
//! a training under a scheme ([`PROFILES`]), in a session of the catalogue or tailored, then
//! follow it: proposed → agreed → in training → completed → hired, or abandoned with a reason.
//! As many as the national entries into each scheme give ([`plans_per_job_seeker`]), proposed
//! over the year before the reference time, each in the state its days put it in then; hours
//! within each scheme's rules ([`keeps_within`]), the contract that follows meeting its
//! obligation but for a few ([`BREACH`]). Planned from what the store holds ([`Inputs`], as
//! the actions and the duos): a pure function of the inputs and the seed. Figures are cited
//! beside each constant; where none is published the constant says it is an assumption.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use model::ContractType;
use model::schemes::{
    HoursBasis, HoursCase, Scheme, SchemeRule, SchemeSettings, SessionKind, rule_on,
};
use model::training_plans::{
    NewTrainingPlan, PLAN_HOURS_MAX, PastTrainingPlan, PlanHire, PlanSide, PlanState,
};
use model::trainings::TrainingSessionRecord;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use crate::actions::{Candidate, OpenOffer, Organiser};
use crate::draws::{days, draw};

/// Job seekers in France, categories A, B and C: Île-de-France's 974,220
/// ([`crate::figures`]) are about 18 % of them (France Travail / DARES quarterly figures),
/// some 5.4 million. The national entries below become plans per job seeker with it.
pub const NATIONAL_JOB_SEEKERS: f64 = 5_400_000.0;

/// Entries into a POEI or an AFPR in a year: 12,000 and 15,000 in the first quarter of 2023
/// (Pôle emploi's quarterly count of job seekers' entries into training, as
/// toutpourlemploi.fr reports it, "Évolution de la formation des demandeurs d'emploi"), four
/// quarters. Since décret n° 2024-561 of 18 June 2024 the POEI takes the AFPR's contracts, so
/// the two are counted together.
pub const POEI_AND_AFPR_ENTRIES: f64 = 4.0 * (12_000.0 + 15_000.0);

/// Share of them for an agence d'emploi's offer. Not published (an assumption): before the
/// reform temporary-work firms could use the AFPR only ("Les entreprises de travail temporaire
/// peuvent bénéficier de l'AFPR uniquement", Pôle emploi's fiche "AFPR et POE individuelle"
/// as impact-pub.com relays it), for missions of six months and more.
pub const AGENCY_SHARE_POEI: f64 = 0.30;

/// Before 18 June 2024, the share of an agency's pre-hire trainings that are an AFPR (its own
/// missions, CDD under 12 months); the rest are a POEI, for the permanent jobs it recruits for
/// its clients (an assumption following the rule above).
pub const AFPR_BEFORE_REFORM: f64 = 0.70;

/// Entries into a POEC in 2022, France entière: 46,845 (POEM, ministère du Travail,
/// "Préparations opérationnelles pour l'emploi collectives (POEC) – entrées", BREST data).
pub const POEC_ENTRIES: f64 = 46_845.0;

/// Share of the POEC bought by Akto for the temp-work branch among all OPCOs' (an assumption).
pub const AGENCY_SHARE_POEC: f64 = 0.15;

/// Of proposed plans, the share abandoned before the training starts: the person withdraws,
/// the offer is filled, the session is cancelled (an assumption).
pub const DECLINED: f64 = 0.08;

/// Of the hires after a scheme that asks for a contract, the share whose contract falls short
/// of it (a CDD of three months after a POEI): a few percent, an assumption; France Travail
/// may claim its aid back then.
pub const BREACH: f64 = 0.04;

/// Of the completed plans without a hire, the share the sides close as abandoned within two
/// months; the others stay completed (an assumption).
pub const CLOSED_IF_NOT_HIRED: f64 = 0.5;

/// Share of the persons drawn in the offer's department, the others anywhere in the region:
/// the POEI's offer must lie in the area of search of the person's PPAE (Centre Inffo, fiche
/// 35-17, POEI); 85 % is an assumption.
pub const SAME_DEPARTMENT: f64 = 0.85;

/// Share of people who seek the offer's occupation, the others a close one (an assumption).
pub const SAME_OCCUPATION: f64 = 0.75;

/// An offer outside the occupations in tension is kept with this probability when drawn, so
/// that plans gather on those in tension ([`crate::trainings::in_tension`]; an assumption:
/// the schemes are aimed at the jobs hard to fill).
pub const OUTSIDE_TENSION: f64 = 0.35;

/// The most plans on one offer (an assumption: an agency trains a few people for one order).
pub const PER_OFFER: u32 = 3;

/// Share of tailored POEI and AFPR by tutoring only, without a training body (an assumption).
pub const TUTORING_ONLY: f64 = 0.55;

/// A scheme's figures: plans a year in France, the share of started trainings abandoned
/// before their end, of completed ones the agency hires after, of plans the agency proposes
/// (the advisor the others).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    pub scheme: Scheme,
    pub yearly: f64,
    pub abandon: f64,
    pub hired: f64,
    pub offer_side: f64,
}

impl Profile {
    #[rustfmt::skip]
    const fn new(scheme: Scheme, yearly: f64, abandon: f64, hired: f64, offer_side: f64) -> Self {
        Self { scheme, yearly, abandon, hired, offer_side }
    }
}

/// The schemes ([`Scheme::Poei`] stands for the AFPR too before the reform). The agency
/// proposes most plans but the POEC (a collective session the advisor finds) and the PMSMP
/// (the advisor's prescription): assumed shares.
///
/// - POEI / AFPR: 73.2 % of the people who left an AFPR or a POEI were in employment six
///   months after (79.1 % a year before; Pôle emploi, "Sortants de formation 2014", Centre
///   Inffo, 16 July 2015), 69 % after an AFPR (Pôle emploi, Banque des territoires). With
///   [`DECLINED`], a tenth abandoned during the training (an assumption, as no published
///   figure was found) and 80 % of the rest hired, 0.92 × 0.90 × 0.80 ≈ 66 % of plans and 72 %
///   of the trainings started lead to the hire.
/// - POEC: tied to a branch's needs, not to an offer: 57 % of the people leaving a training
///   Pôle emploi prescribed were in employment six months after in 2015 (Pôle emploi,
///   "Formation et retour à l'emploi"); 65 % hired after completion sits between that and the
///   pre-hire trainings (an assumption).
/// - CDPI, CIPI: no count of the branch's contracts was found (Akto publishes none in the
///   sources read): 5,000 and 2,500 a year with job seekers France Travail referred are
///   assumptions; the agency plans the missions with its clients (FPETT, "Dispositifs CIPI
///   CDPI"): 80 % hired, a tenth abandoned (assumptions).
/// - Contrat de professionnalisation intérimaire: 3,000 a year, a fifth broken early, 60 %
///   kept on after (assumptions).
/// - PMSMP: 203,000 in 2019 (DARES / France Travail, "Éclairages et synthèses" n° 66, 2021),
///   2 % in an agency's client firm (an assumption); 72 % were in employment within twelve
///   months, a third hired by the agency after it here (an assumption).
#[rustfmt::skip]
pub const PROFILES: [Profile; 6] = [
    Profile::new(Scheme::Poei, POEI_AND_AFPR_ENTRIES * AGENCY_SHARE_POEI, 0.10, 0.80, 0.75),
    Profile::new(Scheme::Poec, POEC_ENTRIES * AGENCY_SHARE_POEC, 0.10, 0.65, 0.40),
    Profile::new(Scheme::Cdpi, 5_000.0, 0.10, 0.80, 0.90),
    Profile::new(Scheme::Cipi, 2_500.0, 0.12, 0.80, 0.85),
    Profile::new(Scheme::ContratPro, 3_000.0, 0.20, 0.60, 0.90),
    Profile::new(Scheme::Pmsmp, 203_000.0 * 0.02, 0.05, 0.35, 0.30),
];

/// Plans a year per job seeker: the schemes' yearly plans over [`NATIONAL_JOB_SEEKERS`]
/// (about 0.010: some 9,700 a year in Île-de-France at scale 1).
pub fn plans_per_job_seeker() -> f64 {
    PROFILES.iter().map(|p| p.yearly).sum::<f64>() / NATIONAL_JOB_SEEKERS
}

/// Why plans are abandoned before the training, during it, and after it without a hire
/// (reasons of `model::training_plans::PLAN_ABANDON_REASONS`; the shares are assumptions).
#[rustfmt::skip]
const BEFORE: [(&str, f64); 6] = [
    ("trainee_withdrew", 0.30), ("found_other_job", 0.25), ("offer_withdrawn", 0.20),
    ("training_cancelled", 0.15), ("health", 0.05), ("other", 0.05),
];
#[rustfmt::skip]
const DURING: [(&str, f64); 6] = [
    ("trainee_withdrew", 0.35), ("training_failed", 0.20), ("found_other_job", 0.15),
    ("health", 0.15), ("offer_withdrawn", 0.05), ("other", 0.10),
];
#[rustfmt::skip]
const AFTER: [(&str, f64); 4] = [
    ("offer_withdrawn", 0.40), ("found_other_job", 0.30), ("training_failed", 0.15), ("other", 0.15),
];

/// A contract that may follow: its type, least and most months (0 for a CDI or DIN), share.
type Contract = (ContractType, u32, u32, f64);

/// The contracts that meet the obligation of a rule's version (`model::schemes::RULES`), and
/// those that do not, drawn for [`BREACH`] (assumed shares). After a POEI since the reform:
/// missions of six months or more, a CDI intérimaire, a CDI or a CDD of six months or more;
/// before it a CDI or a CDD of twelve months; an AFPR missions or a CDD of six to under twelve
/// months; a POEC missions (put to work) or a CDI; a CDPI missions of a third of its hours.
#[rustfmt::skip]
fn contracts(rule: &str) -> (&'static [Contract], &'static [Contract]) {
    use ContractType::{Cdd, Cdi, Din, Mis};
    match rule {
        "poei-2024" => (&[(Mis, 6, 12, 0.45), (Din, 0, 0, 0.15), (Cdi, 0, 0, 0.25), (Cdd, 6, 18, 0.15)],
                        &[(Cdd, 2, 3, 0.5), (Mis, 1, 3, 0.5)]),
        "poei-2019" => (&[(Cdi, 0, 0, 0.60), (Cdd, 12, 18, 0.25), (Din, 0, 0, 0.15)],
                        &[(Cdd, 3, 6, 0.5), (Mis, 1, 3, 0.5)]),
        "afpr-2019" => (&[(Mis, 6, 11, 0.70), (Cdd, 6, 11, 0.30)], &[(Mis, 1, 3, 1.0)]),
        "poec-2019" => (&[(Mis, 1, 6, 0.70), (Cdi, 0, 0, 0.20), (Cdd, 12, 18, 0.10)],
                        &[(Cdd, 3, 6, 1.0)]),
        "cdpi-2020" => (&[(Mis, 2, 6, 1.0)], &[(Cdd, 3, 6, 1.0)]),
        "cipi-2020" => (&[(Mis, 1, 6, 0.80), (Din, 0, 0, 0.20)], &[]),
        "contrat-pro-2019" => (&[(Cdi, 0, 0, 0.40), (Cdd, 6, 12, 0.20), (Mis, 1, 6, 0.40)], &[]),
        _ => (&[(Mis, 1, 6, 0.60), (Cdd, 3, 12, 0.25), (Cdi, 0, 0, 0.15)], &[]),
    }
}

/// What the plans are drawn from: the actions' inputs and the catalogue's sessions.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The France Travail agencies and the agences d'emploi (the offers' departments).
    pub organisers: &'a [Organiser],
    pub offers: &'a [OpenOffer],
    pub candidates: &'a [Candidate],
    /// Sessions of the catalogue, with their stored ids.
    pub sessions: &'a [(i64, TrainingSessionRecord)],
    /// The INSEE code of the region, for the occupations in tension.
    pub region: &'a str,
    /// The reference time: plans proposed over the year before it.
    pub now: DateTime<Utc>,
    /// The simulated region's job seekers (at its scale).
    pub job_seekers: u64,
    pub seed: u64,
}

/// The referral a plan grows from: proposed, accepted, and hired when the plan was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReferral {
    pub job_seeker_id: i64,
    pub offer_id: i64,
    pub proposed_at: DateTime<Utc>,
    pub accepted_at: DateTime<Utc>,
    pub hired_at: Option<DateTime<Utc>>,
}

/// A plan of the past and its referral: the caller stores the referral, then the plan with
/// the referral's id (`plan.plan.referral_id` is 0 here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPlan {
    pub referral: PlannedReferral,
    pub plan: PastTrainingPlan,
}

/// A training's days and hours, and its session of the catalogue if any.
#[derive(Debug, Clone, Copy, Default)]
struct Course {
    session: Option<i64>,
    starts: NaiveDate,
    ends: NaiveDate,
    centre: u32,
    enterprise: u32,
    /// A POEC (the catalogue titles them so).
    collective: bool,
}

/// One of `items` at random; none when there is none.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.random_range(0..items.len().max(1)))
}

/// A day between two, inclusive (the first when they cross).
fn day_between(rng: &mut StdRng, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    first + days(rng.random_range(0..=(last - first).num_days().max(0)))
}

/// `day` at `hour` UTC, plus minutes.
fn at(day: NaiveDate, hour: i64, minutes: i64) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::minutes(hour * 60 + minutes)
}

/// Hours between the bounds, in whole days of seven hours where they allow.
fn hours(rng: &mut StdRng, least: u32, most: u32) -> u32 {
    let most = most.max(least);
    (rng.random_range(least..=most) / 7 * 7).clamp(least, most)
}

/// The last day of `months` from `starts` (1 October and 6 months: 31 March).
fn months_from(starts: NaiveDate, months: u32) -> NaiveDate {
    (starts.checked_add_months(Months::new(months)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(starts + days(30 * i64::from(months)))
}

/// The most hours a rule's version allows a training given by a training body or not: the
/// first case of its `max_hours` that fits. The plans keep to the common cap: the extended
/// public's 600 hours and the seasonal jobs' 300 are left aside. None when it sets none.
pub fn max_hours(rule: &SchemeRule, with_training_body: bool) -> Option<u32> {
    let fits = |case: &HoursCase| match case {
        HoursCase::Any => true,
        HoursCase::TutoringOnly => !with_training_body,
        HoursCase::TrainingBody => with_training_body,
        HoursCase::Seasonal | HoursCase::ExtendedPublic => false,
    };
    let (_, most) = rule.max_hours.iter().find(|(case, _)| fits(case))?;
    Some(SchemeSettings::default().hours(*most))
}

/// Whether a training keeps within a rule's version: its kind of session, least and most
/// hours (on the rule's basis, [`max_hours`]), share in the workplace and span; and within 1
/// to [`PLAN_HOURS_MAX`] hours.
pub fn keeps_within(
    rule: &SchemeRule,
    (centre, enterprise): (u32, u32),
    (starts, ends): (NaiveDate, NaiveDate),
) -> bool {
    let settings = SchemeSettings::default();
    let total = centre.saturating_add(enterprise);
    let basis = match rule.hours_basis {
        HoursBasis::Total => total,
        HoursBasis::Centre => centre,
    };
    let kind = match rule.session {
        SessionKind::TrainingBody => centre > 0,
        SessionKind::Immersion => centre == 0,
        SessionKind::Any | SessionKind::Collective => true,
    };
    let share = |s: model::schemes::Share| {
        u64::from(enterprise) * u64::from(s.denominator)
            <= u64::from(total) * u64::from(s.numerator)
    };
    (1..=PLAN_HOURS_MAX).contains(&total)
        && starts <= ends
        && kind
        && rule.min_hours.is_none_or(|h| basis >= settings.hours(h))
        && max_hours(rule, centre > 0).is_none_or(|most| basis <= most)
        && rule.max_enterprise_share.is_none_or(share)
        && (rule.max_span).is_none_or(|span| ends <= months_from(starts, span.months))
}

/// The catalogue's sessions by occupation, the soonest first.
fn catalogue(sessions: &[(i64, TrainingSessionRecord)]) -> HashMap<&str, Vec<Course>> {
    let mut out: HashMap<&str, Vec<Course>> = HashMap::new();
    for (id, s, (starts, ends)) in sessions.iter().filter_map(|(i, s)| Some((i, s, s.span()?))) {
        let enterprise = s.hours_enterprise.unwrap_or(0);
        let total = s.hours_total.unwrap_or(0);
        let course = Course {
            session: Some(*id),
            starts,
            ends,
            centre: (s.hours_centre).unwrap_or_else(|| total.saturating_sub(enterprise)),
            enterprise,
            collective: s.title.starts_with("POEC"),
        };
        for rome in &s.romes {
            out.entry(rome.as_str()).or_default().push(course);
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|c| (c.starts, c.session));
    }
    out
}

/// The scheme a plan of `family` falls under on the training's first day: an AFPR instead of
/// a POEI while the AFPR exists, when the agency uses it (`afpr`).
fn scheme_on(family: Scheme, afpr: bool, day: NaiveDate) -> Scheme {
    match family == Scheme::Poei && afpr && rule_on(Scheme::Afpr, day).is_some() {
        true => Scheme::Afpr,
        false => family,
    }
}

/// A training that keeps within its rules: a session of the catalogue in the occupation
/// starting five days to two months after the plan is agreed (a POEC needs one, else the plan
/// is a POEI); else a tailored one from a Monday one to three weeks after, at 35 hours a week
/// (a contrat de professionnalisation: 6 to 12 months, 15 to 25 % of it in training).
fn training(
    rng: &mut StdRng,
    sessions: Option<&Vec<Course>>,
    family: Scheme,
    agreed: NaiveDate,
) -> Option<(Scheme, &'static SchemeRule, Course)> {
    let afpr = rng.random_bool(AFPR_BEFORE_REFORM);
    let fits = |family: Scheme, c: &Course| {
        let scheme = scheme_on(family, afpr, c.starts);
        let rule = rule_on(scheme, c.starts)?;
        keeps_within(rule, (c.centre, c.enterprise), (c.starts, c.ends)).then_some((scheme, rule))
    };
    let listed = !matches!(family, Scheme::ContratPro | Scheme::Pmsmp);
    if let Some(list) = sessions.filter(|_| listed) {
        let (first, last) = (agreed + days(5), agreed + days(60));
        let from = list.partition_point(|c| c.starts < first);
        let fitting: Vec<(Scheme, &'static SchemeRule, Course)> = (list.get(from..))
            .into_iter()
            .flatten()
            .take_while(|c| c.starts <= last)
            .filter(|c| c.collective == (family == Scheme::Poec))
            .filter_map(|c| fits(family, c).map(|(scheme, rule)| (scheme, rule, *c)))
            .collect();
        if let Some(chosen) = pick(rng, &fitting) {
            return Some(*chosen);
        }
    }
    let family = Some(family)
        .filter(|f| *f != Scheme::Poec)
        .unwrap_or(Scheme::Poei);
    let day = agreed + days(rng.random_range(7..=21));
    let starts = day + days(i64::from((7 - day.weekday().num_days_from_monday()) % 7));
    let scheme = scheme_on(family, afpr, starts);
    let (centre, enterprise) = match scheme {
        Scheme::ContratPro => {
            let total = rng.random_range(6..=12u32) * 151;
            let centre = (total * rng.random_range(15..=25u32) / 100).max(150);
            (centre, total - centre)
        }
        Scheme::Pmsmp => (0, rng.random_range(1..=4u32) * 35),
        Scheme::Cdpi => (hours(rng, 140, 420), hours(rng, 0, 70)),
        Scheme::Cipi => {
            let centre = hours(rng, 70, 175);
            let most = SchemeSettings::default().cipi_max_hours;
            (centre, hours(rng, 70, most.saturating_sub(centre)))
        }
        _ if rng.random_bool(TUTORING_ONLY) => {
            let cap = rule_on(scheme, starts).and_then(|r| max_hours(r, false));
            (0, hours(rng, 35, cap.unwrap_or(300).min(300)))
        }
        _ => {
            let cap = rule_on(scheme, starts).and_then(|r| max_hours(r, true));
            let centre = hours(rng, 35, 140);
            let most = cap.unwrap_or(400).saturating_sub(centre).min(210);
            (centre, hours(rng, 35, most))
        }
    };
    let ends = match scheme {
        Scheme::ContratPro => months_from(starts, (centre + enterprise) / 151),
        _ => starts + days(i64::from((centre + enterprise).div_ceil(35).max(1)) * 7 - 3),
    };
    let course = Course {
        starts,
        ends,
        centre,
        enterprise,
        ..Course::default()
    };
    fits(family, &course).map(|(scheme, rule)| (scheme, rule, course))
}

/// The contract that follows a completed training: one that meets the rule mostly, one that
/// falls short for [`BREACH`], starting one to thirty days after the training's last day (by
/// the rule's limit when it meets it).
fn hire_after(rng: &mut StdRng, rule: &SchemeRule, ends: NaiveDate) -> PlanHire {
    let (meets, short) = contracts(rule.id);
    let breach = !short.is_empty() && rng.random_bool(BREACH);
    let list: Vec<(Contract, f64)> = (if breach { short } else { meets })
        .iter()
        .map(|c| (*c, c.3))
        .collect();
    let (contract_type, least, most, _) =
        draw(rng, &list).unwrap_or((ContractType::Cdi, 0, 0, 1.0));
    let mut starts_on = ends + days(rng.random_range(1..=30));
    if !breach && rule.hire_within_months > 0 {
        let limit = ends.checked_add_months(Months::new(rule.hire_within_months));
        starts_on = starts_on.min(limit.unwrap_or(ends + days(28)));
    }
    PlanHire {
        contract_type,
        starts_on,
        months: (most > 0).then(|| rng.random_range(least..=most)),
    }
}

/// One plan on `offer` for `person`, proposed on `day`, and its referral: its moves drawn in
/// order, its state the last one made by `now`.
fn one_plan(
    rng: &mut StdRng,
    sessions: Option<&Vec<Course>>,
    offer: &OpenOffer,
    person: &Candidate,
    family: Scheme,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Option<PlannedPlan> {
    use PlanState::{Abandoned, Agreed, Completed, Hired, InTraining, Proposed};
    let agreed = day + days(rng.random_range(1..=10));
    let (scheme, rule, c) = training(rng, sessions, family, agreed)?;
    let poei = |p: &&Profile| p.scheme == Scheme::Poei && scheme == Scheme::Afpr;
    let p = PROFILES.iter().find(|p| p.scheme == scheme || poei(p))?;
    let proposed_at = at(day, 14, rng.random_range(0..120));
    let agreed_at = at(agreed, 9, rng.random_range(0..240));
    let mut moves = vec![(proposed_at, Proposed)];
    let (mut reason, mut hire) = (None, None);
    if rng.random_bool(DECLINED) {
        let on = day_between(rng, day + days(1), c.starts - days(1));
        if on > agreed {
            moves.push((agreed_at, Agreed));
        }
        moves.push((at(on, 15, 0), Abandoned));
        reason = draw(rng, &BEFORE);
    } else {
        moves.push((agreed_at, Agreed));
        moves.push((at(c.starts, 8, 0), InTraining));
        if rng.random_bool(p.abandon) {
            moves.push((at(day_between(rng, c.starts, c.ends), 15, 0), Abandoned));
            reason = draw(rng, &DURING);
        } else {
            moves.push((at(c.ends, 17, 0), Completed));
            if rng.random_bool(p.hired) {
                let contract = hire_after(rng, rule, c.ends);
                moves.push((at(contract.starts_on, 10, 0), Hired));
                hire = Some(contract);
            } else if rng.random_bool(CLOSED_IF_NOT_HIRED) {
                let on = c.ends + days(rng.random_range(15..=60));
                moves.push((at(on, 11, 0), Abandoned));
                reason = draw(rng, &AFTER);
            }
        }
    }
    let (changed_at, state) = moves.iter().rev().find(|(when, _)| *when <= now).copied()?;
    let hire = hire.filter(|_| state == Hired);
    // The referral: proposed two days to three weeks before, not before the offer was
    // published; accepted by the plan's day.
    let referred = (day - days(rng.random_range(2..=21))).max(offer.published_at.date_naive());
    let referred_at =
        at(referred, 9, rng.random_range(0..120)).max(offer.published_at + Duration::hours(1));
    let accepted = day_between(rng, referred + days(1), day);
    let accepted_at = at(accepted, 12, rng.random_range(0..60)).max(referred_at + days(1) / 24);
    let side = match rng.random_bool(p.offer_side) {
        true => PlanSide::Offer,
        false => PlanSide::Person,
    };
    Some(PlannedPlan {
        referral: PlannedReferral {
            job_seeker_id: person.id,
            offer_id: offer.id,
            proposed_at: referred_at,
            accepted_at,
            hired_at: hire.as_ref().map(|_| changed_at),
        },
        plan: PastTrainingPlan {
            plan: NewTrainingPlan {
                offer_id: offer.id,
                job_seeker_id: person.id,
                referral_id: 0,
                scheme,
                session_id: c.session,
                starts_on: c.starts,
                ends_on: c.ends,
                hours_centre: c.centre,
                hours_enterprise: c.enterprise,
                proposed_side: side,
                proposed_by: None,
            },
            state,
            proposed_at,
            changed_at,
            abandon_reason: reason.filter(|_| state == Abandoned).map(str::to_string),
            hire,
        },
    })
}

/// The consenting people by (department, occupation), and by (none, occupation) for the
/// whole region: indices in order.
type Pools<'a> = HashMap<(Option<&'a str>, &'a str), Vec<usize>>;

/// Someone not yet in a plan who seeks one of `romes` (tried in order), in `department` or,
/// without one, anywhere; those already in a plan leave the pools as they come.
fn take<'a>(
    pools: &mut Pools<'a>,
    rng: &mut StdRng,
    used: &HashSet<usize>,
    department: Option<&'a str>,
    romes: &[&'a str],
) -> Option<usize> {
    for rome in romes {
        let Some(pool) = pools.get_mut(&(department, *rome)) else {
            continue;
        };
        while !pool.is_empty() {
            let i = pool.swap_remove(rng.random_range(0..pool.len()));
            if !used.contains(&i) {
                return Some(i);
            }
        }
    }
    None
}

/// The occupations close to one (ROME "proche" mobility).
fn close_to(rome: &str) -> Vec<&'static str> {
    let links = refdata::rome()
        .occupation(rome)
        .map(|o| o.mobility.as_slice());
    (links.unwrap_or_default().iter())
        .filter(|l| l.kind == refdata::MobilityKind::Proche)
        .map(|l| l.target)
        .collect()
}

/// The plan: the training plans proposed over the year before the reference time, in the
/// order they were proposed, each with its referral. An offer is drawn (kept if in tension,
/// else for [`OUTSIDE_TENSION`]), the plan's day while it was open, a person who seeks its
/// occupation or a close one, the scheme by its yearly plans.
pub fn plan(inputs: &Inputs<'_>) -> Vec<PlannedPlan> {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x7EA1_0B1A);
    let wanted = ((plans_per_job_seeker() * inputs.job_seekers as f64).round() as usize)
        .min(inputs.candidates.len());
    let department_of: HashMap<i64, &str> = (inputs.organisers.iter())
        .map(|o| (o.id, o.department.as_str()))
        .collect();
    let sessions = catalogue(inputs.sessions);
    let mut pools: Pools<'_> = HashMap::new();
    for (i, c) in inputs.candidates.iter().enumerate() {
        for rome in &c.romes {
            let local = (Some(c.department.as_str()), rome.as_str());
            pools.entry(local).or_default().push(i);
            pools.entry((None, rome.as_str())).or_default().push(i);
        }
    }
    let total: f64 = PROFILES.iter().map(|p| p.yearly).sum();
    let schemes: Vec<_> = (PROFILES.iter())
        .map(|p| (p.scheme, p.yearly / total))
        .collect();
    let today = inputs.now.date_naive();
    let mut tension: HashMap<&str, bool> = HashMap::new();
    let mut close: HashMap<&str, Vec<&'static str>> = HashMap::new();
    let mut used: HashSet<usize> = HashSet::new();
    let mut per_offer: HashMap<i64, u32> = HashMap::new();
    let mut out = Vec::with_capacity(wanted);
    let mut tries = 0;
    while out.len() < wanted && tries < wanted * 30 + 100 {
        tries += 1;
        let Some(offer) = pick(&mut rng, inputs.offers) else {
            break;
        };
        // Proposed while the offer was open, three days after it was published at the least.
        let from = (offer.published_at.date_naive() + days(3)).max(today - days(365));
        let until = offer.closed_at.map_or(today, |c| c.date_naive().min(today)) - days(1);
        if from > until || per_offer.get(&offer.id).is_some_and(|n| *n >= PER_OFFER) {
            continue;
        }
        let rome = offer.rome.as_str();
        let tense = *(tension.entry(rome))
            .or_insert_with(|| crate::trainings::in_tension(inputs.region, rome));
        if !tense && !rng.random_bool(OUTSIDE_TENSION) {
            continue;
        }
        let mut romes: Vec<&str> = close.entry(rome).or_insert_with(|| close_to(rome)).clone();
        if romes.is_empty() || rng.random_bool(SAME_OCCUPATION) {
            romes.insert(0, rome);
        } else {
            let shift = rng.random_range(0..romes.len());
            romes.rotate_left(shift);
            romes.push(rome);
        }
        let department =
            (department_of.get(&offer.owner).copied()).filter(|_| rng.random_bool(SAME_DEPARTMENT));
        let found = take(&mut pools, &mut rng, &used, department, &romes);
        let Some((index, person)) = found.and_then(|i| Some((i, inputs.candidates.get(i)?))) else {
            continue;
        };
        let family = draw(&mut rng, &schemes).unwrap_or(Scheme::Poei);
        let day = day_between(&mut rng, from, until);
        let list = sessions.get(rome);
        if let Some(planned) = one_plan(&mut rng, list, offer, person, family, day, inputs.now) {
            used.insert(index);
            *per_offer.entry(offer.id).or_default() += 1;
            out.push(planned);
        }
    }
    out.sort_by_key(|p| (p.plan.proposed_at, p.plan.plan.job_seeker_id));
    out
}

#[cfg(test)]
mod tests;

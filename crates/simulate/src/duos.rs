//! A year of duos in the simulated region: temp workers of the agences d'emploi registered as
//! volunteer mentors ([`JOB_SEEKERS_PER_MENTOR`]), each paired in turn with consenting job
//! seekers of their department who seek one of their occupations, the duo coordinated by the
//! person's France Travail agency. A duo is proposed, agreed by both sides or declined
//! ([`DECLINED`]), starts with its first contact, has a contact every week or two, and ends
//! after its months or is stopped early ([`STOPPED`]); what it led to is recorded at its end
//! ([`JOB_AT_END`], [`TRAINING_AT_END`], [`IMMERSION_AT_END`]) and six months later
//! ([`POSITIVE_AT_SIX_MONTHS`]).
//!
//! Each of a mentor's places holds one duo at a time, from its proposal to its end (or its
//! refusal): a mentor is never in more open duos than their places, and a person is paired at
//! most once in the year. The state of each duo is where its days put it on the reference day.
//!
//! Like the actions, duos refer to stored records, so they are planned from what the store
//! holds ([`Inputs`], the same as the actions'); the plan is a pure function of the inputs and
//! the seed. The rates are published figures of mentoring ("parrainage") programmes and of
//! immersions, cited beside each constant; where none is published the constant says so.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use domain::{Email, InseeCode, PersonName, PhoneNumber, RomeCode};
use model::{
    ContactKind, DUO_FOLLOW_UP_DAYS, DUO_MONTHS_DEFAULT, DUO_SILENCE_DAYS, DuoMilestone,
    DuoOutcomeKind, DuoState, MENTOR_OCCUPATIONS_MAX, MentorOccupation, NewContact, NewDuo,
    NewMentor, PastDuo,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use crate::actions::{Candidate, Inputs, OpenOffer, Organiser};
use crate::draws::{days, draw, pick};

/// Job seekers of the region per mentor. Not published: the pilot is small (a call for
/// volunteers among each agency's temp workers); one mentor for 2,000 job seekers is an
/// assumption, with at least one in each department that has agencies.
pub const JOB_SEEKERS_PER_MENTOR: f64 = 2_000.0;

/// Share of mentors who take two job seekers at once, the others one (an assumption).
pub const TWO_PLACES: f64 = 0.35;

/// Share of proposals declined by one side or the other (not published; an assumption).
pub const DECLINED: f64 = 0.15;

/// Share of started duos stopped before their end (not published for duos; an assumption, about
/// the early exits of mentoring programmes).
pub const STOPPED: f64 = 0.20;

/// Of the duos that led to a job, the share stopped early because the person was hired (an
/// assumption); the other stops are spread over the rest ([`stopped_otherwise`]).
pub const STOPPED_FOR_JOB: f64 = 0.40;

/// What a duo led to at its end. Mentoring programmes report positive exits (a job or a
/// training) for 43 % and 64 % of their mentees in Auvergne-Rhône-Alpes, 68 % reaching durable
/// employment or training (DREETS Centre-Val de Loire, 2024), about 70 % in Île-de-France
/// (2013). A duo lasts three months, shorter than a parrainage: at its end it is given the low
/// end of that range, 43 % ([`JOB_AT_END`] + [`TRAINING_AT_END`]); the split between a job and
/// a training, about seven to three, is an assumption.
pub const JOB_AT_END: f64 = 0.30;
pub const TRAINING_AT_END: f64 = 0.13;

/// An immersion (PMSMP) at the duo's end, often with the mentor's employer: one DuoDay in
/// sixteen led to an internship in 2020 (6 % of 19,113 participants; 3 % to a fixed-term
/// contract, 1 % to a permanent one), after a single day; a three-month duo is assumed to lead
/// to one somewhat more often.
pub const IMMERSION_AT_END: f64 = 0.10;

/// Six months after the end, a job or a training for 64 % (the higher Auvergne-Rhône-Alpes
/// figure, below the 68 % and 70 % of longer programmes cited at [`JOB_AT_END`]).
pub const POSITIVE_AT_SIX_MONTHS: f64 = 0.64;

/// Of those whose duo led to an immersion, the share in a job six months later: 72 % of the
/// 203,000 people in a PMSMP in 2019 were in employment within twelve months, against 55 % of
/// a control group (DARES / France Travail, "Éclairages et synthèses" n° 66, 2021).
pub const JOB_AFTER_IMMERSION: f64 = 0.72;

/// Of those in a job or a training at the end, the share still in one six months later (an
/// assumption). Those the duo led to nothing at its end make up the rest of
/// [`POSITIVE_AT_SIX_MONTHS`] ([`positive_after_nothing`]).
pub const KEPT: f64 = 0.90;

/// Share of active duos with nothing logged for more than three weeks on the reference day
/// (not published; an assumption, so that the coordinators' alert has something to show).
pub const SILENT: f64 = 0.10;

/// Share of duos whose mentor was drawn by lottery, for the pilot's evaluation (an assumption).
pub const DRAWN: f64 = 0.20;

/// The kinds of contact and their shares (an assumption: mostly calls).
const CONTACT_KINDS: [(ContactKind, f64); 3] = [
    (ContactKind::Call, 0.70),
    (ContactKind::DayAlongside, 0.20),
    (ContactKind::Workshop, 0.10),
];

/// Why a duo that did not lead to a job stopped (from `model::DUO_STOP_REASONS`; a mentor's
/// withdrawal, which ends all their duos, is not simulated), and their shares (an assumption).
pub const OTHER_STOP_REASONS: [(&str, f64); 4] = [
    ("seeker_withdrew", 0.35),
    ("mentor_unavailable", 0.25),
    ("mismatch", 0.25),
    ("other", 0.15),
];

/// The reason of a stop for a job.
pub const FOUND_JOB: &str = "found_job";

/// A duo's months: three mostly, sometimes four to six.
const MONTHS: [(u8, f64); 4] = [(DUO_MONTHS_DEFAULT, 0.80), (4, 0.08), (5, 0.04), (6, 0.08)];

const NOTES: [&str; 5] = [
    "Premier échange : présentation du métier et des horaires.",
    "Le tuteur présente les gestes du métier ; personne très motivée.",
    "Point sur le CV, le tuteur transmet un contact d'agence.",
    "Difficulté de transport évoquée, à voir avec le conseiller.",
    "Préparation d'un entretien avec l'agence.",
];

/// Of those a duo led to nothing at its end, the share in a job or a training six months
/// later, so that all together make [`POSITIVE_AT_SIX_MONTHS`]: about 38 %, below the 55 % of
/// PMSMP's control group within twelve months.
pub fn positive_after_nothing() -> f64 {
    let nothing = 1.0 - JOB_AT_END - TRAINING_AT_END - IMMERSION_AT_END;
    let rest = POSITIVE_AT_SIX_MONTHS
        - (JOB_AT_END + TRAINING_AT_END) * KEPT
        - IMMERSION_AT_END * JOB_AFTER_IMMERSION;
    (rest / nothing).clamp(0.0, 1.0)
}

/// Of the duos that did not lead to a job, the share stopped early, so that all together make
/// [`STOPPED`].
pub fn stopped_otherwise() -> f64 {
    ((STOPPED - JOB_AT_END * STOPPED_FOR_JOB) / (1.0 - JOB_AT_END)).clamp(0.0, 1.0)
}

/// A mentor to register, with the time their agency registered them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMentor {
    pub mentor: NewMentor,
    pub created_at: DateTime<Utc>,
}

/// A duo of the past, its mentor's index in [`Plan::mentors`] (its `mentor_id` and its
/// contacts' `duo_id` are 0, to be set once the mentor is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDuo {
    pub mentor: usize,
    pub duo: PastDuo,
}

/// The mentors, then the duos in the order they were proposed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub mentors: Vec<PlannedMentor>,
    pub duos: Vec<PlannedDuo>,
}

/// An index drawn with a probability proportional to its weight.
fn weighted(rng: &mut StdRng, weights: &[u64]) -> Option<usize> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return None;
    }
    let mut x = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return Some(i);
        }
        x -= w;
    }
    None
}

/// `day` at `hour` UTC.
fn at(day: NaiveDate, hour: u32, minutes: i64) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN))
        .and_utc()
        + Duration::minutes(minutes)
}

/// A department's communes (cities by arrondissement), with their population, for drawing.
fn communes_of(department: &str) -> Vec<(&'static str, u64)> {
    let geo = refdata::geo();
    let divided: BTreeSet<&str> = geo
        .communes()
        .iter()
        .filter(|c| c.department == department)
        .filter_map(|c| c.arrondissement_of)
        .collect();
    geo.communes()
        .iter()
        .filter(|c| c.department == department && !divided.contains(c.code))
        .map(|c| (c.code, u64::from(c.population.max(1))))
        .collect()
}

/// Where a mentor lives: their agency's commune half the time, else one of its department's
/// drawn by population.
fn mentor_commune(
    rng: &mut StdRng,
    agency: &Organiser,
    communes: &mut HashMap<String, Vec<(&'static str, u64)>>,
) -> Option<InseeCode> {
    if rng.random_bool(0.5) {
        return InseeCode::parse(&agency.commune).ok();
    }
    let list = communes
        .entry(agency.department.clone())
        .or_insert_with(|| communes_of(&agency.department));
    let weights: Vec<u64> = list.iter().map(|c| c.1).collect();
    weighted(rng, &weights)
        .and_then(|i| list.get(i))
        .and_then(|c| InseeCode::parse(c.0).ok())
        .or_else(|| InseeCode::parse(&agency.commune).ok())
}

/// The agency of each mentor: one in each department that has agencies, the rest over all
/// agencies with a weight of their offers (agencies that place more employ more temp workers).
fn mentor_agencies<'a>(
    rng: &mut StdRng,
    agencies: &[&'a Organiser],
    offers: &HashMap<i64, Vec<&OpenOffer>>,
    job_seekers: u64,
) -> Vec<&'a Organiser> {
    let weight = |a: &&Organiser| offers.get(&a.id).map_or(0, |o| o.len() as u64) + 1;
    let mut by_department: BTreeMap<&str, Vec<&'a Organiser>> = BTreeMap::new();
    for a in agencies {
        by_department
            .entry(a.department.as_str())
            .or_default()
            .push(a);
    }
    let mut out = Vec::new();
    for local in by_department.values() {
        let weights: Vec<u64> = local.iter().map(weight).collect();
        if let Some(a) = weighted(rng, &weights).and_then(|i| local.get(i)) {
            out.push(*a);
        }
    }
    let wanted = (job_seekers as f64 / JOB_SEEKERS_PER_MENTOR).round() as usize;
    let weights: Vec<u64> = agencies.iter().map(weight).collect();
    while out.len() < wanted {
        match weighted(rng, &weights).and_then(|i| agencies.get(i)) {
            Some(a) => out.push(*a),
            None => break,
        }
    }
    out
}

/// A mentor of `agency`, registered between a year and a month before `today`: one to three
/// occupations of the agency's offers (or, for an agency without any, sought in its
/// department), with twelve months to twenty years of experience each.
fn mentor(
    rng: &mut StdRng,
    index: usize,
    agency: &Organiser,
    offers: &[&OpenOffer],
    sought: &[&str],
    today: NaiveDate,
    communes: &mut HashMap<String, Vec<(&'static str, u64)>>,
) -> Option<PlannedMentor> {
    let count = draw(rng, &[(1usize, 0.5), (2, 0.35), (3, 0.15)])
        .unwrap_or(1)
        .min(MENTOR_OCCUPATIONS_MAX);
    let mut romes: Vec<RomeCode> = Vec::new();
    for _ in 0..count * 4 {
        if romes.len() >= count {
            break;
        }
        let rome = if offers.is_empty() {
            pick(rng, sought).copied()
        } else {
            pick(rng, offers).map(|o| o.rome.as_str())
        };
        if let Some(rome) = rome.and_then(|r| RomeCode::parse(r).ok())
            && !romes.contains(&rome)
        {
            romes.push(rome);
        }
    }
    if romes.is_empty() {
        return None;
    }
    let occupations = romes
        .into_iter()
        .map(|rome| MentorOccupation {
            rome,
            months: rng.random_range(12..=240),
        })
        .collect();
    let first = pick(rng, &crate::FIRST_NAMES).copied().unwrap_or("Camille");
    let last = pick(rng, &crate::LAST_NAMES).copied().unwrap_or("Martin");
    let created = today - days(rng.random_range(30..=380));
    let commune = mentor_commune(rng, agency, communes)?;
    Some(PlannedMentor {
        mentor: NewMentor {
            agency_id: agency.id,
            first_name: PersonName::parse(first).ok()?,
            last_name: PersonName::parse(last).ok()?,
            email: rng
                .random_bool(0.9)
                .then(|| {
                    Email::parse(&format!(
                        "{}.{}.t{index}@exemple.invalid",
                        crate::people::folded(first),
                        crate::people::folded(last)
                    ))
                    .ok()
                })
                .flatten(),
            // The range ARCEP keeps for fiction, as the job seekers'.
            phone: rng
                .random_bool(0.8)
                .then(|| {
                    PhoneNumber::parse(&format!(
                        "01 99 00 {:02} {:02}",
                        index / 100 % 100,
                        index % 100
                    ))
                    .ok()
                })
                .flatten(),
            commune,
            occupations,
            available_from: created + days(rng.random_range(0..=14)),
            hours_per_month: rng.random_range(4..=16),
            capacity: if rng.random_bool(TWO_PLACES) { 2 } else { 1 },
            consent_on: created - days(rng.random_range(0..=14)),
            created_by: None,
        },
        created_at: at(created, 8, rng.random_range(0..8 * 60)),
    })
}

/// The contacts of a duo from its first day to `until`: every one or two weeks.
fn contacts(rng: &mut StdRng, from: NaiveDate, until: NaiveDate) -> Vec<NewContact> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= until {
        let kind = draw(rng, &CONTACT_KINDS).unwrap_or(ContactKind::Call);
        let minutes = match kind {
            ContactKind::Call => 5 * rng.random_range(3..=12),
            ContactKind::DayAlongside => 30 * rng.random_range(8..=16),
            ContactKind::Workshop => 30 * rng.random_range(2..=6),
        };
        out.push(NewContact {
            duo_id: 0,
            on: day,
            minutes,
            kind,
            note: rng
                .random_bool(0.1)
                .then(|| pick(rng, &NOTES).map(|n| n.to_string()))
                .flatten(),
            logged_by: None,
        });
        day += days(rng.random_range(7..=14));
    }
    out
}

/// What a duo led to at its end.
fn outcome_at_end(rng: &mut StdRng) -> DuoOutcomeKind {
    draw(
        rng,
        &[
            (DuoOutcomeKind::Job, JOB_AT_END),
            (DuoOutcomeKind::Training, TRAINING_AT_END),
            (DuoOutcomeKind::Immersion, IMMERSION_AT_END),
            (DuoOutcomeKind::Nothing, 1.0),
        ],
    )
    .unwrap_or(DuoOutcomeKind::Nothing)
}

/// What it led to six months later, given what it led to at its end.
fn outcome_at_six_months(rng: &mut StdRng, at_end: DuoOutcomeKind) -> DuoOutcomeKind {
    use DuoOutcomeKind::{Immersion, Job, Nothing, Training};
    match at_end {
        Job | Training if rng.random_bool(KEPT) => {
            if at_end == Training && rng.random_bool(0.3) {
                Job
            } else {
                at_end
            }
        }
        Immersion if rng.random_bool(JOB_AFTER_IMMERSION) => Job,
        Nothing if rng.random_bool(positive_after_nothing()) => {
            if rng.random_bool(0.7) {
                Job
            } else {
                Training
            }
        }
        _ => Nothing,
    }
}

/// A duo proposed on `proposed` and what its days make of it on the reference day, and the day
/// it frees its mentor's place.
fn duo(
    rng: &mut StdRng,
    new: NewDuo,
    proposed: NaiveDate,
    now: DateTime<Utc>,
) -> (PastDuo, NaiveDate) {
    let today = now.date_naive();
    let mut past = PastDuo {
        duo: new,
        state: DuoState::Proposed,
        proposed_at: at(proposed, 8, rng.random_range(0..8 * 60)),
        started_on: None,
        ended_on: None,
        stop_reason: None,
        contacts: Vec::new(),
        outcomes: Vec::new(),
    };
    if rng.random_bool(DECLINED) {
        let declined = proposed + days(rng.random_range(1..=14));
        if declined <= today {
            past.state = DuoState::Declined;
        }
        return (past, declined);
    }
    let first = proposed + days(rng.random_range(1..=7));
    let agreed = first + days(rng.random_range(0..=7));
    let start = agreed + days(rng.random_range(2..=14));
    let months = u32::from(past.duo.months);
    let planned = start
        .checked_add_months(Months::new(months))
        .unwrap_or(start + days(30 * i64::from(months)));
    let at_end = outcome_at_end(rng);
    let stopped = rng.random_bool(if at_end == DuoOutcomeKind::Job {
        STOPPED_FOR_JOB
    } else {
        stopped_otherwise()
    });
    let ended = if stopped {
        start + days(rng.random_range(7..(planned - start).num_days().max(8)))
    } else {
        planned
    };
    let reason = if at_end == DuoOutcomeKind::Job {
        FOUND_JOB
    } else {
        draw(rng, &OTHER_STOP_REASONS).unwrap_or("other")
    };
    past.state = if today < first {
        DuoState::Proposed
    } else if today < agreed {
        if rng.random_bool(0.5) {
            DuoState::MentorAgreed
        } else {
            DuoState::SeekerAgreed
        }
    } else if today < start {
        DuoState::Accepted
    } else if today < ended {
        DuoState::Active
    } else if stopped {
        DuoState::Stopped
    } else {
        DuoState::Completed
    };
    if today >= start {
        past.started_on = Some(start);
        let mut until = ended.min(today);
        let quiet = (today - start).num_days();
        if past.state == DuoState::Active && quiet >= 22 && rng.random_bool(SILENT) {
            until = today - days(rng.random_range(22..=quiet.min(40)));
        }
        past.contacts = contacts(rng, start, until);
    }
    if today >= ended {
        past.ended_on = Some(ended);
        past.stop_reason = stopped.then(|| reason.to_string());
        let recorded = at(ended + days(rng.random_range(0..=10)), 15, 0);
        if recorded <= now {
            past.outcomes.push((DuoMilestone::End, at_end, recorded));
        }
        let later = outcome_at_six_months(rng, at_end);
        let recorded = at(
            ended + days(DUO_FOLLOW_UP_DAYS + rng.random_range(0..=14)),
            15,
            0,
        );
        if recorded <= now {
            past.outcomes
                .push((DuoMilestone::SixMonths, later, recorded));
        }
    }
    (past, ended)
}

/// The plan: the mentors, and the duos of the year before the reference day.
pub fn plan(inputs: &Inputs<'_>) -> Plan {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x0D05_D0E5);
    let today = inputs.now.date_naive();
    let agencies: Vec<&Organiser> = inputs
        .organisers
        .iter()
        .filter(|o| !o.france_travail)
        .collect();
    let mut offers_of: HashMap<i64, Vec<&OpenOffer>> = HashMap::new();
    for offer in inputs.offers {
        offers_of.entry(offer.owner).or_default().push(offer);
    }
    // The consenting people of each department by sought occupation (indices, in order).
    let mut pools: HashMap<&str, HashMap<&str, Vec<usize>>> = HashMap::new();
    let mut sought: HashMap<&str, Vec<&str>> = HashMap::new();
    for (i, c) in inputs.candidates.iter().enumerate() {
        for rome in &c.romes {
            pools
                .entry(c.department.as_str())
                .or_default()
                .entry(rome.as_str())
                .or_default()
                .push(i);
            sought
                .entry(c.department.as_str())
                .or_default()
                .push(rome.as_str());
        }
    }

    let mut communes = HashMap::new();
    let mut plan = Plan::default();
    let mut departments = Vec::new();
    for agency in mentor_agencies(&mut rng, &agencies, &offers_of, inputs.job_seekers) {
        let offers = offers_of.get(&agency.id).map_or(&[][..], |o| o.as_slice());
        let local = sought
            .get(agency.department.as_str())
            .map_or(&[][..], |s| s.as_slice());
        let index = plan.mentors.len();
        if let Some(m) = mentor(&mut rng, index, agency, offers, local, today, &mut communes) {
            plan.mentors.push(m);
            departments.push(agency.department.as_str());
        }
    }

    // Each place of each mentor, by the day it is next free, the soonest first.
    let mut free: BinaryHeap<Reverse<(NaiveDate, usize, u8)>> = BinaryHeap::new();
    for (i, m) in plan.mentors.iter().enumerate() {
        for place in 0..m.mentor.capacity {
            let first = m.mentor.available_from + days(rng.random_range(0..=30));
            free.push(Reverse((first, i, place)));
        }
    }
    let mut paired: HashSet<usize> = HashSet::new();
    while let Some(Reverse((day, m, place))) = free.pop() {
        if day >= today {
            continue;
        }
        let (Some(mentor), Some(department)) = (plan.mentors.get(m), departments.get(m)) else {
            continue;
        };
        // Someone of the department not yet paired who seeks one of the mentor's occupations
        // (tried from one drawn at random).
        let occupations = &mentor.mentor.occupations;
        let shift = rng.random_range(0..occupations.len().max(1));
        let mut found = None;
        for k in 0..occupations.len() {
            let Some(rome) = occupations
                .get((shift + k) % occupations.len())
                .map(|o| &o.rome)
            else {
                continue;
            };
            let Some(pool) = pools
                .get_mut(department)
                .and_then(|p| p.get_mut(rome.as_str()))
            else {
                continue;
            };
            // Those already paired (through another occupation) leave the pool as they come.
            while !pool.is_empty() {
                let i = pool.swap_remove(rng.random_range(0..pool.len()));
                if !paired.contains(&i)
                    && let Some(c) = inputs.candidates.get(i)
                {
                    found = Some((i, c, rome.clone()));
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some((index, person, rome)) = found else {
            // Nobody to pair for now: the coordinators look again in a month.
            free.push(Reverse((day + days(30), m, place)));
            continue;
        };
        paired.insert(index);
        let new = NewDuo {
            job_seeker_id: person.id,
            mentor_id: 0,
            rome,
            months: draw(&mut rng, &MONTHS).unwrap_or(DUO_MONTHS_DEFAULT),
            coordinator_id: person.agency,
            drawn: rng.random_bool(DRAWN),
            proposed_by: None,
        };
        let (past, freed) = duo(&mut rng, new, day, inputs.now);
        plan.duos.push(PlannedDuo {
            mentor: m,
            duo: past,
        });
        // The coordinators propose the place again one to six weeks after it frees.
        free.push(Reverse((freed + days(rng.random_range(7..=42)), m, place)));
    }
    plan.duos.sort_by_key(|d| d.duo.proposed_at);
    make_one_silent(&mut plan.duos, today);
    plan
}

/// When no active duo is silent, the first that can be becomes so (nothing logged in the last
/// three weeks), so that the coordinators' alert shows even in a small region.
fn make_one_silent(duos: &mut [PlannedDuo], today: NaiveDate) {
    let quiet_since = today - days(DUO_SILENCE_DAYS + 1);
    let active = |d: &&mut PlannedDuo| d.duo.state == DuoState::Active;
    let silent = |d: &PastDuo| {
        d.contacts
            .last()
            .is_some_and(|c| (today - c.on).num_days() >= DUO_SILENCE_DAYS)
    };
    if duos.iter_mut().filter(active).any(|d| silent(&d.duo)) {
        return;
    }
    if let Some(d) = duos
        .iter_mut()
        .filter(active)
        .find(|d| d.duo.started_on.is_some_and(|s| s <= quiet_since))
    {
        d.duo.contacts.retain(|c| c.on <= quiet_since);
    }
}

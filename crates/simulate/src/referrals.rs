//! A year of the partnership's sourcing in the simulated region, and its joint information
//! meetings.
//!
//! Referrals: on a share of the agencies' offers ([`SOURCED`]), France Travail advisors
//! propose one to five job seekers of the offer's department who seek its occupation, once
//! registered and consenting ([`PROPOSALS`]), the priority publics drawn more often
//! ([`WEIGHT_RQTH`], [`WEIGHT_FURTHEST`]), between the offer's publication and its close.
//! Each referral then moves as the workflow allows (`model::workflow::REFERRALS`): the person
//! accepts or declines ([`ACCEPTED`], [`DECLINED`]) or lets it expire; the agency interviews
//! ([`INTERVIEWED`]) and hires ([`HIRED_IF_INTERVIEWED`]) — only on an offer that was filled,
//! never past its positions, at the latest on the day it closed; what is still open when the
//! offer closes is closed by its structure; what is left without a move for [`EXPIRY_DAYS`]
//! expires. Nothing happens after the reference day, and nothing open on it
//! has waited long enough to have expired.
//!
//! Meetings: every month, in each department, a France Travail agency of the department (in
//! turn) holds a joint information meeting for the department's France Travail agencies and
//! agences d'emploi; the référent of some of them registers ([`REGISTERED`]), some give up
//! ([`GIVEN_UP`]), those seated come or not ([`PRESENT`], [`EXCUSED`]). Participants of a
//! meeting are staff: one référent per structure ([`MeetingPlan::staff`]), to be created as
//! users before the meetings are written.
//!
//! Like the actions and duos, all this refers to stored records, so it is planned from what
//! the store holds ([`Inputs`]); the plan is a pure function of the inputs and the seed. The
//! rates are published figures, cited beside each constant; where none is published the
//! constant says so and why the value is plausible.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use model::workflow::Mover;
use model::{
    Attendance, Modality, NewMeeting, OfferStatus, Participant, PastMeeting, PastMove,
    PastReferral, PastRegistration, PriorityStatus, ReferralState, Role, Seat,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use crate::actions::{Candidate, OpenOffer, Organiser};
use crate::draws::{days, draw};

/// Share of the agencies' offers on which France Travail advisors propose someone through
/// the partnership. Not published: the partnership reports no sourcing volume. An
/// intermediary takes part in more than half of all recruitments, the public employment
/// service among them (Dares, enquête Ofer 2016, Dares Analyses n° 064, October 2017); a fifth
/// of the agencies' offers is the assumption.
pub const SOURCED: f64 = 0.20;

/// How many people are proposed for a sourced offer, with how often: "dans près de trois
/// recrutements sur dix, une seule candidature a été étudiée" (Dares Analyses n° 064, 2017),
/// hence one in 30 %; 28 % of French recruiters keep four to six candidates for the last
/// round (Robert Half's European hiring survey, reported by Keljob, "Combien de temps dure un
/// recrutement en France ?"), hence the tail up to five. Two and a half on average.
pub const PROPOSALS: [(usize, f64); 5] = [(1, 0.30), (2, 0.25), (3, 0.20), (4, 0.15), (5, 0.10)];

/// How likely each person is to be drawn, in quarters: everyone [`WEIGHT_BASE`], plus
/// [`WEIGHT_RQTH`] with a disability (RQTH), plus [`WEIGHT_FURTHEST`] for those furthest from
/// employment (long-term, RSA, QPV). The agreement asks for "une importance particulière aux
/// demandeurs d'emploi en situation de handicap et aux personnes les plus éloignées de
/// l'emploi" (regional agreement, Île-de-France, March 2023) without a number; the weights are
/// set so that people with a disability, 6.2 % of the region's job seekers (Handidonnées),
/// are about one in nine of those proposed, above the floor of one in ten the default policy
/// holds shortlists to (`model::policy::default_rule`), and the furthest from employment a
/// little above their share. An assumption.
pub const WEIGHT_BASE: u64 = 4;
pub const WEIGHT_RQTH: u64 = 4;
pub const WEIGHT_FURTHEST: u64 = 1;

/// Share of proposals the person accepts, declines; the rest go unanswered and expire. Not
/// published for proposals: the invitations to co-organised actions are taken as 60 %
/// accepted and 20 % declined (`crate::actions::ACCEPTED`, itself an assumption); a proposal
/// of one offer in an occupation the person seeks, near enough for their commute limit (what
/// the engine checks), is assumed accepted a little more often.
pub const ACCEPTED: f64 = 0.65;
pub const DECLINED: f64 = 0.20;

/// Share of accepted referrals the agency takes to an interview ("l'entretien individuel est
/// la méthode la plus souvent utilisée pour sélectionner les candidats", Dares Analyses n° 064,
/// 2017); the same three in five as the actions' (`crate::actions::INTERVIEWED`), an
/// assumption. Of the others, [`WITHDRAWN`] are withdrawn by the person (a job found
/// elsewhere), the rest are not followed up and expire.
pub const INTERVIEWED: f64 = 0.60;
pub const WITHDRAWN: f64 = 0.05;

/// Share of interviews that end in a hire when the offer is filled and a position is left.
/// Not published for referrals: it lies between the one in two hired after an interview of
/// France Travail's recruitment by simulation (as `crate::actions::HIRED_IF_INTERVIEWED`) and
/// the one in four to six of a shortlist of four to six (Robert Half, above); an assumption.
pub const HIRED_IF_INTERVIEWED: f64 = 0.45;

/// Days without a move after which a referral expires: the service's default
/// (`service::Config::expiry_days`).
pub const EXPIRY_DAYS: i64 = 30;

/// Days from one move to the next, at least and at most: the person's answer, the interview
/// after an acceptance, the decision after the interview. From a proposal to a hire they make
/// about three weeks ([`mean_days_to_hire`]), shorter when the hire fills the offer on the day
/// it closes: most French recruitments take two to five weeks (29 % two to three, 30 % four
/// to five, 8 % a week or less: Robert Half, above), 31.9 days on average from application to
/// offer (Glassdoor Economic Research, "Why Is Hiring Taking Longer?", 2015), and Pôle emploi
/// filled the offers it handled closely in 28 days on average in April 2014 (Pôle emploi,
/// "Les effets et modalités de mise en œuvre de la nouvelle offre de service aux entreprises",
/// 2014), from publication rather than from a proposal; temp missions are filled faster.
pub const ANSWER_DAYS: (i64, i64) = (1, 7);
pub const INTERVIEW_DAYS: (i64, i64) = (2, 14);
pub const DECISION_DAYS: (i64, i64) = (1, 14);

/// Why an interview did not end in a hire, and how often (from `model::workflow`'s list;
/// the shares are an assumption).
pub const NOT_HIRED: [(&str, f64); 4] = [
    ("profile_mismatch", 0.60),
    ("candidate_withdrew", 0.15),
    ("no_show", 0.15),
    ("other", 0.10),
];

/// The mean days from a proposal to a hire the move delays give (before a close cuts them).
pub fn mean_days_to_hire() -> f64 {
    let mean = |(a, b): (i64, i64)| (a + b) as f64 / 2.0;
    mean(ANSWER_DAYS) + mean(INTERVIEW_DAYS) + mean(DECISION_DAYS)
}

/// Joint information meetings per department and month. The agreements commit both networks
/// to "réunions d'information" (national agreement, May 2022; Occitanie's, December 2022, as
/// reported by La Gazette du Midi) without a number: one a month in each department is the
/// planning assumption.
pub const MEETINGS_PER_MONTH: usize = 1;

/// Share of the invited structures whose référent registers (besides the organiser's, who
/// always does). Not published; an assumption that fills about a room of forty in a
/// department of Île-de-France (two hundred structures invited).
pub const REGISTERED: f64 = 0.15;

/// Share of registrations given up before the meeting (an assumption).
pub const GIVEN_UP: f64 = 0.08;

/// Of the seated, those who come, are excused or absent: events lose 5 to 10 % of those
/// registered on average, 30 to 40 % when they are free (Les Affaires, "Comment limiter le
/// taux d'absentéisme", September 2018), 35 % online and up to 50 % for free events on site
/// (Eventdrive, "L'impact du no-show sur mes événements virtuels", November 2024). A meeting
/// with partners in working hours, free but part of the job, is set between: 70 % present,
/// 10 % excused, 20 % absent (an assumption within the cited range).
pub const PRESENT: f64 = 0.70;
pub const EXCUSED: f64 = 0.10;

/// Seats of a meeting: a meeting room, and a link for a third of them.
pub const SEATS_ON_SITE: u32 = 40;
pub const SEATS_REMOTE: u32 = 60;
pub const HYBRID: f64 = 1.0 / 3.0;

/// Of those registered for a meeting with a link, the share who follow it online (an
/// assumption).
pub const REMOTE: f64 = 0.40;

const THEMES: [&str; 8] = [
    "Présentation croisée des offres de service : France Travail et agences d'emploi",
    "Les métiers qui recrutent dans le département et les offres difficiles à pourvoir",
    "Akto et le FASTT : financer la formation et lever les freins des intérimaires",
    "Recruter des personnes en situation de handicap : RQTH, Cap emploi et aides",
    "POEI, POEC, CDPI : les outils de la reconversion vers l'intérim",
    "Le sourcing partagé : bilan du trimestre et pratiques d'évaluation des candidats",
    "Les publics les plus éloignés de l'emploi : RSA, QPV, chômage de longue durée",
    "Duos demandeur d'emploi – intérimaire : retours d'expérience",
];

/// What the plan is drawn from.
pub struct Inputs<'a> {
    pub organisers: &'a [Organiser],
    pub offers: &'a [OpenOffer],
    pub candidates: &'a [Candidate],
    /// (person, offer) already proposed (the training plans' referrals): never again.
    pub taken: &'a HashSet<(i64, i64)>,
    /// Hires already recorded per offer (the plans' referrals, the actions' outcomes): they
    /// take positions.
    pub hired: &'a HashMap<i64, u32>,
    /// The reference day: a year of referrals and meetings before it.
    pub now: DateTime<Utc>,
    pub seed: u64,
}

/// A référent of a structure who takes part in the joint meetings: a user to create (with a
/// seat of `role` in `structure`) before the meetings are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub structure: i64,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// A meeting of the past, its registrations' participants standing as
/// `Participant::User(0)`: `staff` holds the index in [`MeetingPlan::staff`] of each, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMeeting {
    pub meeting: PastMeeting,
    pub staff: Vec<usize>,
}

/// The référents, then the meetings, the soonest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingPlan {
    pub staff: Vec<Staff>,
    pub meetings: Vec<PlannedMeeting>,
}

/// A delay of `range` days, at some minute of the working day.
fn delay(rng: &mut StdRng, (low, high): (i64, i64)) -> Duration {
    days(rng.random_range(low..=high)) + Duration::minutes(rng.random_range(0..8 * 60))
}

/// The consenting people of a department seeking an occupation, each with the running sum of
/// the weights, to draw from.
#[derive(Default)]
struct Pool {
    members: Vec<usize>,
    ends: Vec<u64>,
}

impl Pool {
    fn push(&mut self, index: usize, weight: u64) {
        let end = self.ends.last().copied().unwrap_or(0) + weight;
        self.members.push(index);
        self.ends.push(end);
    }

    fn draw(&self, rng: &mut StdRng) -> Option<usize> {
        let total = self.ends.last().copied().filter(|t| *t > 0)?;
        let x = rng.random_range(0..total);
        self.members
            .get(self.ends.partition_point(|end| *end <= x))
            .copied()
    }
}

fn weight(c: &Candidate) -> u64 {
    let holds = |s: PriorityStatus| c.priorities.contains(&s);
    let furthest = [
        PriorityStatus::LongTerm,
        PriorityStatus::Rsa,
        PriorityStatus::Qpv,
    ]
    .into_iter()
    .any(holds);
    WEIGHT_BASE
        + if holds(PriorityStatus::Rqth) {
            WEIGHT_RQTH
        } else {
            0
        }
        + if furthest { WEIGHT_FURTHEST } else { 0 }
}

/// A referral's moves, one after the other, as far as the offer's close and the reference day
/// let them go.
struct Chain<'a> {
    offer: &'a OpenOffer,
    now: DateTime<Utc>,
    /// When the offer's structure closes what is still open: the day after the offer closed.
    close: Option<DateTime<Utc>>,
    moves: Vec<PastMove>,
    last: DateTime<Utc>,
    state: ReferralState,
}

impl Chain<'_> {
    /// Records a move at `at` unless the offer closed before it — before the expiry, the
    /// structure's closing of what is open — (then its structure closes the referral
    /// instead) or it falls after the reference day. Whether the move was made.
    fn step(&mut self, to: ReferralState, by: Mover, at: DateTime<Utc>) -> bool {
        self.step_with(to, by, at, None)
    }

    fn step_with(
        &mut self,
        to: ReferralState,
        by: Mover,
        at: DateTime<Utc>,
        reason: Option<&str>,
    ) -> bool {
        let cut = if by == Mover::System {
            self.close
        } else {
            self.offer.closed_at
        };
        if cut.is_some_and(|c| c <= at) {
            if let Some(close) = self.close {
                self.close_at(close);
            }
            return false;
        }
        self.push(to, by, at, None, reason)
    }

    /// Closes what is still open when the offer closed: an interview without a hire, a
    /// proposal or an acceptance cancelled.
    fn close_at(&mut self, at: DateTime<Utc>) {
        if self.state == ReferralState::Interview {
            let reason = if self.offer.status == OfferStatus::Filled {
                "position_filled"
            } else {
                "offer_cancelled"
            };
            self.push(
                ReferralState::NotHired,
                Mover::OfferSide,
                at,
                None,
                Some(reason),
            );
        } else {
            self.push(ReferralState::Cancelled, Mover::OfferSide, at, None, None);
        }
    }

    fn push(
        &mut self,
        to: ReferralState,
        by: Mover,
        at: DateTime<Utc>,
        starts: Option<NaiveDate>,
        reason: Option<&str>,
    ) -> bool {
        if at > self.now || at < self.last {
            return false;
        }
        self.moves.push(PastMove {
            to,
            by,
            at,
            hire_starts_on: starts,
            not_hired_reason: reason.map(str::to_string),
            note: (to == ReferralState::Expired).then(|| format!("no move for {EXPIRY_DAYS} days")),
        });
        self.last = at;
        self.state = to;
        true
    }

    fn expire(&mut self) -> bool {
        let at = self.last + days(EXPIRY_DAYS);
        self.step(ReferralState::Expired, Mover::System, at)
    }
}

/// The moves of a referral proposed at `proposed` for `offer`, `hires_left` its positions
/// not yet taken.
fn follow(
    rng: &mut StdRng,
    offer: &OpenOffer,
    proposed: DateTime<Utc>,
    hires_left: &mut u32,
    now: DateTime<Utc>,
) -> Vec<PastMove> {
    let close = offer
        .closed_at
        .map(|c| c + Duration::minutes(rng.random_range(60..24 * 60)));
    let mut chain = Chain {
        offer,
        now,
        close,
        moves: Vec::new(),
        last: proposed,
        state: ReferralState::Proposed,
    };
    // The person's answer.
    let x: f64 = rng.random();
    let answered = if x < ACCEPTED {
        let at = proposed + delay(rng, ANSWER_DAYS);
        chain.step(ReferralState::Accepted, Mover::PersonSide, at)
    } else if x < ACCEPTED + DECLINED {
        let at = proposed + delay(rng, ANSWER_DAYS);
        chain.step(ReferralState::Declined, Mover::PersonSide, at);
        false
    } else {
        chain.expire();
        false
    };
    // The agency's interview.
    let interviewed = answered && {
        let y: f64 = rng.random();
        let at = chain.last + delay(rng, INTERVIEW_DAYS);
        if y < INTERVIEWED {
            chain.step(ReferralState::Interview, Mover::OfferSide, at)
        } else if y < INTERVIEWED + WITHDRAWN {
            chain.step(ReferralState::Cancelled, Mover::PersonSide, at);
            false
        } else {
            chain.expire();
            false
        }
    };
    if interviewed {
        let decided = chain.last + delay(rng, DECISION_DAYS);
        let hire = rng.random_bool(HIRED_IF_INTERVIEWED);
        let reason = draw(rng, &NOT_HIRED).unwrap_or("other");
        match offer.closed_at {
            // The hire that fills the offer is at the latest on the day it closed.
            Some(closed) if offer.status == OfferStatus::Filled && hire => {
                let at = decided.min(closed);
                if *hires_left > 0 {
                    let starts = (at + days(rng.random_range(1..=14))).date_naive();
                    if chain.push(
                        ReferralState::Hired,
                        Mover::OfferSide,
                        at,
                        Some(starts),
                        None,
                    ) {
                        *hires_left -= 1;
                    }
                } else {
                    chain.push(
                        ReferralState::NotHired,
                        Mover::OfferSide,
                        at,
                        None,
                        Some("position_filled"),
                    );
                }
            }
            // A hire the offer never had: the interview waits until it closes, or expires.
            _ if hire => {
                chain.expire();
            }
            _ => {
                chain.step_with(
                    ReferralState::NotHired,
                    Mover::OfferSide,
                    decided,
                    Some(reason),
                );
            }
        }
    }
    // Whatever is still open on the reference day has moved within the expiry's delay.
    let idle_since = chain.last + days(EXPIRY_DAYS);
    if matches!(
        chain.state,
        ReferralState::Proposed | ReferralState::Accepted | ReferralState::Interview
    ) && idle_since <= now
    {
        chain.push(
            ReferralState::Expired,
            Mover::System,
            idle_since,
            None,
            None,
        );
    }
    chain.moves
}

/// The referrals of the year before the reference day, the soonest first.
pub fn plan(inputs: &Inputs<'_>) -> Vec<PastReferral> {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x05EF_E44A);
    let now = inputs.now;
    let year_ago = now - days(365);
    let mut pools: HashMap<(&str, &str), Pool> = HashMap::new();
    for (i, c) in inputs.candidates.iter().enumerate() {
        let w = weight(c);
        for rome in &c.romes {
            pools
                .entry((c.department.as_str(), rome.as_str()))
                .or_default()
                .push(i, w);
        }
    }
    let mut out = Vec::new();
    for offer in inputs.offers {
        if !rng.random_bool(SOURCED) {
            continue;
        }
        let Some(pool) = pools.get(&(offer.department.as_str(), offer.rome.as_str())) else {
            continue;
        };
        // Proposals come within six weeks of the publication (or of the year's start), the
        // first days the most (the shortlists are drawn as offers come), before the offer
        // closes and before the reference day.
        let from = offer.published_at.max(year_ago);
        let until = offer.closed_at.unwrap_or(now).min(now).min(from + days(42));
        let minutes = (until - from).num_minutes();
        if minutes <= 0 {
            continue;
        }
        let wanted = draw(&mut rng, &PROPOSALS).unwrap_or(1);
        let taken = inputs.hired.get(&offer.id).copied().unwrap_or(0);
        let mut hires_left = u32::from(offer.positions).saturating_sub(taken);
        let mut chosen: Vec<(DateTime<Utc>, usize)> = Vec::with_capacity(wanted);
        for _ in 0..wanted * 8 {
            if chosen.len() >= wanted {
                break;
            }
            let Some(index) = pool.draw(&mut rng) else {
                break;
            };
            let early: f64 = rng.random::<f64>().powi(2);
            let at = from + Duration::minutes((early * minutes as f64) as i64);
            let Some(person) = inputs.candidates.get(index) else {
                continue;
            };
            if person.consent.given_at > at
                || person.registered_on > at.date_naive()
                || chosen.iter().any(|(_, i)| *i == index)
                || inputs.taken.contains(&(person.id, offer.id))
            {
                continue;
            }
            chosen.push((at, index));
        }
        chosen.sort();
        for (at, index) in chosen {
            let Some(person) = inputs.candidates.get(index) else {
                continue;
            };
            out.push(PastReferral {
                job_seeker_id: person.id,
                offer_id: offer.id,
                proposed_by: None,
                proposed_at: at,
                moves: follow(&mut rng, offer, at, &mut hires_left, now),
            });
        }
    }
    out.sort_by_key(|r| (r.proposed_at, r.job_seeker_id, r.offer_id));
    out
}

/// The `n`-th `weekday` of `day`'s month.
fn nth_weekday(day: NaiveDate, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(day.year(), day.month(), weekday, n)
}

/// `day` at 8h30 UTC (9h30 or 10h30 in Paris).
fn morning(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(8, 30, 0).map(|t| t.and_utc())
}

/// The référent of `structure`, planned the first time they register.
fn referent(
    rng: &mut StdRng,
    staff: &mut Vec<Staff>,
    of: &mut HashMap<i64, usize>,
    structure: &Organiser,
    before: DateTime<Utc>,
) -> usize {
    if let Some(i) = of.get(&structure.id) {
        return *i;
    }
    let first = crate::FIRST_NAMES
        .get(rng.random_range(0..crate::FIRST_NAMES.len().max(1)))
        .copied()
        .unwrap_or("Camille");
    let last = crate::LAST_NAMES
        .get(rng.random_range(0..crate::LAST_NAMES.len().max(1)))
        .copied()
        .unwrap_or("Martin");
    let index = staff.len();
    staff.push(Staff {
        structure: structure.id,
        role: if structure.france_travail {
            Role::Advisor
        } else {
            Role::Recruiter
        },
        first_name: first.to_string(),
        last_name: last.to_string(),
        email: format!(
            "{}.{}.r{}@exemple.invalid",
            crate::people::folded(first),
            crate::people::folded(last),
            structure.id
        ),
        created_at: before - days(rng.random_range(30..=90)),
    });
    of.insert(structure.id, index);
    index
}

/// The joint meetings of the year before the reference day, each department's every month,
/// with their registrations and attendance. Those to come are left to the demo and to users:
/// the pages list them, and they are where people register.
pub fn meetings(inputs: &Inputs<'_>) -> MeetingPlan {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x3EE7_1465);
    let now = inputs.now;
    let mut departments: BTreeMap<&str, (Vec<&Organiser>, Vec<&Organiser>)> = BTreeMap::new();
    for o in inputs.organisers {
        let entry = departments.entry(o.department.as_str()).or_default();
        if o.france_travail {
            entry.0.push(o);
        } else {
            entry.1.push(o);
        }
    }
    let mut plan = MeetingPlan::default();
    let mut staff_of: HashMap<i64, usize> = HashMap::new();
    let Some(first_month) = (now - days(365)).date_naive().with_day(1) else {
        return plan;
    };
    for (department, (leads, agencies)) in &departments {
        let mut month = first_month;
        for turn in 0..13usize {
            let this_month = month;
            month = this_month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(this_month);
            if leads.is_empty() {
                break;
            }
            for k in 0..MEETINGS_PER_MONTH {
                let n = 2 + (k as u8 % 3);
                let Some(starts_at) = nth_weekday(this_month, Weekday::Tue, n).and_then(morning)
                else {
                    continue;
                };
                if starts_at < now - days(365) || starts_at > now {
                    continue;
                }
                let Some(lead) = leads.get((turn * MEETINGS_PER_MONTH + k) % leads.len()) else {
                    continue;
                };
                let meeting = meeting(
                    &mut rng,
                    (department, lead, leads, agencies),
                    starts_at,
                    turn,
                    now,
                    &mut plan.staff,
                    &mut staff_of,
                );
                plan.meetings.push(meeting);
            }
        }
    }
    plan.meetings
        .sort_by_key(|m| (m.meeting.meeting.starts_at, m.meeting.meeting.organiser));
    plan
}

/// One meeting led by `lead` for its department's structures, starting at `starts_at`.
fn meeting(
    rng: &mut StdRng,
    (department, lead, leads, agencies): (&str, &Organiser, &[&Organiser], &[&Organiser]),
    starts_at: DateTime<Utc>,
    turn: usize,
    now: DateTime<Utc>,
    staff: &mut Vec<Staff>,
    staff_of: &mut HashMap<i64, usize>,
) -> PlannedMeeting {
    let ends_at = starts_at + Duration::hours(2);
    let hybrid = rng.random_bool(HYBRID);
    let created_at = (starts_at - days(rng.random_range(28..=42))).min(now);
    let invited: Vec<&Organiser> = leads
        .iter()
        .chain(agencies)
        .filter(|o| o.id != lead.id)
        .copied()
        .collect();
    // Who registers, when: the organiser's référent first, then the others until the eve.
    let window = (starts_at - days(1) - created_at).num_minutes().max(1);
    let mut registering: Vec<(DateTime<Utc>, &Organiser)> = vec![(created_at, lead)];
    for o in &invited {
        if rng.random_bool(REGISTERED) {
            registering.push((
                created_at + Duration::minutes(rng.random_range(1..=window)),
                o,
            ));
        }
    }
    registering.sort_by_key(|(at, o)| (*at, o.id));
    let over = ends_at <= now;
    let closed_at = ends_at + Duration::minutes(rng.random_range(60..3 * 24 * 60));
    let attendance_closed_at = (over && closed_at <= now).then_some(closed_at);
    let mut seated = [0u32; 2];
    let mut registrations = Vec::new();
    let mut indices = Vec::new();
    for (registered_at, structure) in registering {
        if registered_at > now {
            continue;
        }
        let modality = if hybrid && rng.random_bool(REMOTE) {
            Modality::Remote
        } else {
            Modality::OnSite
        };
        let given_up_at = registered_at
            + Duration::minutes(
                rng.random_range(1..=(starts_at - registered_at).num_minutes().max(2)),
            );
        let given_up = structure.id != lead.id && rng.random_bool(GIVEN_UP) && given_up_at <= now;
        let (capacity, slot) = match modality {
            Modality::OnSite => (SEATS_ON_SITE, 0),
            Modality::Remote => (SEATS_REMOTE, 1),
        };
        let seat = if given_up {
            Seat::Cancelled
        } else if seated.get(slot).is_some_and(|n| *n < capacity) {
            if let Some(n) = seated.get_mut(slot) {
                *n += 1;
            }
            Seat::Registered
        } else {
            Seat::Waiting
        };
        let attendance = (seat == Seat::Registered && attendance_closed_at.is_some())
            .then(|| {
                draw(
                    rng,
                    &[
                        (Attendance::Present, PRESENT),
                        (Attendance::Excused, EXCUSED),
                        (Attendance::Absent, 1.0),
                    ],
                )
            })
            .flatten();
        let changed_at = match (seat, attendance_closed_at) {
            (Seat::Cancelled, _) => given_up_at,
            (Seat::Registered, Some(closed)) => closed,
            _ => registered_at,
        };
        indices.push(referent(rng, staff, staff_of, structure, registered_at));
        registrations.push(PastRegistration {
            participant: Participant::User(0),
            structure_id: structure.id,
            modality,
            seat,
            attendance,
            registered_at,
            changed_at,
        });
    }
    let theme = THEMES
        .get((turn + department.len()) % THEMES.len())
        .copied()
        .unwrap_or("Présentation croisée des offres de service");
    PlannedMeeting {
        meeting: PastMeeting {
            meeting: NewMeeting {
                organiser: lead.id,
                theme: theme.to_string(),
                starts_at,
                ends_at,
                place: Some(format!("{}, salle de réunion", lead.name)),
                online_link: hybrid.then(|| {
                    format!(
                        "https://visio.exemple.invalid/reunion-{department}-{}",
                        starts_at.format("%Y-%m")
                    )
                }),
                capacity_on_site: SEATS_ON_SITE,
                capacity_remote: if hybrid { SEATS_REMOTE } else { 0 },
                territory: department.to_string(),
                created_by: None,
            },
            invited: {
                let mut ids: Vec<i64> = invited.iter().map(|o| o.id).collect();
                ids.sort_unstable();
                ids
            },
            created_at,
            attendance_closed_at,
            registrations,
        },
        staff: indices,
    }
}

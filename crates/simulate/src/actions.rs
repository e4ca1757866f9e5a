//! A year of co-organised recruitment actions in the simulated region, and the next four
//! weeks': each led by a France Travail agency with one or two agencies of its department,
//! about the agencies' offers open at the time, with invitations to consenting job seekers of
//! the department who seek one of the offers' occupations (nobody invited more than
//! [`CAP`] times in thirty days), their answers, seats, attendance and outcomes. There are as
//! many as France Travail Paris's events per job seeker give ([`EVENTS_PER_JOB_SEEKER`]),
//! the share co-organised with agencies ([`CO_ORGANISED`]), in each department as its job
//! seekers.
//!
//! Unlike the structures, people and offers, actions refer to stored records (their ids), so
//! they are planned from what the store holds ([`Inputs`]); the plan is still a pure function
//! of the inputs and the seed.
//!
//! The rates are published figures, cited beside each constant; where none is published the
//! constant says so and what it was set from.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use model::{
    ActionKind, ActionState, Attendance, Consent, ContractType, InvitationState, Modality,
    NewAction, NewGathering, NewInvitation, NewOutcome, OfferStatus, OutcomeKind, PastAction,
    PastInvitation, PriorityStatus, PublicTag,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::draws::pick;

/// France Travail Paris organised "plus de 700 événements de recrutement" in 2024 (its
/// director, demain.fr, "Emploi à Paris : bilan 2024 et perspectives 2025"), for the 186,000
/// job seekers of Paris ([`crate::figures`]): events per job seeker and year, applied to the
/// simulated region's job seekers.
pub const EVENTS_PER_JOB_SEEKER: f64 = 700.0 / 186_000.0;

/// Share of those events co-organised with agences d'emploi. Not published: the regional
/// agreement (2023) commits both networks to co-organise actions without a number; a quarter
/// is the planning assumption (France Travail also holds events with employers alone).
pub const CO_ORGANISED: f64 = 0.25;

/// The most invitations one person receives in thirty days (the campaign's default cap).
pub const CAP: usize = 3;

/// Invitations drawn per seat (the campaign's default of two per position).
pub const INVITED_PER_SEAT: f64 = 2.0;

/// Share of invitations accepted, declined; the rest go unanswered and expire. Not published
/// as an average; set so that about a third of those invited come, as at the job datings
/// reported below.
pub const ACCEPTED: f64 = 0.60;
pub const DECLINED: f64 = 0.20;

/// Of the seated, those who come: "Pôle emploi a convoqué 700 demandeurs d'emploi… La moitié
/// est venue" (job dating of Les Sablons, pointemploi.fr, "Emploi : un contact direct avec les
/// entreprises"); 6 of 24 at the Paris 18e "Rendez-vous de l'emploi" (2015) — a half, with a
/// tenth excused.
pub const PRESENT: f64 = 0.50;
pub const EXCUSED: f64 = 0.10;

/// Of those present, a hire after an interview: "en moyenne un candidat sur deux ayant réussi
/// les tests est embauché à la suite de l'entretien" (MRS, gomet.net, "Pôle emploi présente la
/// méthode de recrutement par simulation"); and 6 hired of 20 candidates at an MRS session
/// (France Travail Hauts-de-France, "MRS, une méthode originale pour recruter"), so about
/// three in five present reach an interview.
pub const INTERVIEWED: f64 = 0.60;
pub const HIRED_IF_INTERVIEWED: f64 = 0.50;

/// Of those present and not interviewed: an entry into training, an immersion (PMSMP). Not
/// published for events; France Travail's 203,000 PMSMP of 2019 ("Éclairages et synthèses"
/// n° 66, 2021) are about 5 % of the year's job seekers, the rate kept here.
pub const TRAINING: f64 = 0.05;
pub const IMMERSION: f64 = 0.05;

/// Share of actions cancelled before they are held (not published; an assumption).
pub const CANCELLED: f64 = 0.04;

/// The kinds of action and their shares.
const KINDS: [(ActionKind, f64, u32); 7] = [
    (ActionKind::JobDating, 0.35, 30),
    (ActionKind::Mrs, 0.15, 12),
    (ActionKind::Forum, 0.10, 80),
    (ActionKind::CompanyVisit, 0.12, 12),
    (ActionKind::OccupationDiscovery, 0.12, 15),
    (ActionKind::Workshop, 0.08, 15),
    (ActionKind::CollectiveInformation, 0.08, 30),
];

/// A structure that may organise: a France Travail agency (the lead) or an agency.
#[derive(Debug, Clone)]
pub struct Organiser {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub commune: String,
    pub france_travail: bool,
}

/// An agency's offer, with the time it was open.
#[derive(Debug, Clone)]
pub struct OpenOffer {
    pub id: i64,
    pub owner: i64,
    pub rome: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
    /// When it closed, or none while it is open.
    pub closed_at: Option<DateTime<Utc>>,
    /// The department of its workplace.
    pub department: String,
    pub positions: u16,
    /// Open, or how it ended.
    pub status: OfferStatus,
}

/// A consenting active job seeker: their agency, department and sought occupations, the
/// priority statuses they hold and their consent.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub agency: i64,
    pub department: String,
    pub romes: Vec<String>,
    /// Held, disclosed or not.
    pub priorities: Vec<PriorityStatus>,
    pub consent: Consent,
    /// The day they registered as a job seeker.
    pub registered_on: NaiveDate,
}

/// What the plan is drawn from.
pub struct Inputs<'a> {
    pub organisers: &'a [Organiser],
    pub offers: &'a [OpenOffer],
    pub candidates: &'a [Candidate],
    /// The reference day: a year of actions before it, four weeks after.
    pub now: DateTime<Utc>,
    /// The simulated region's job seekers (at its scale).
    pub job_seekers: u64,
    pub seed: u64,
}

fn pick_kind(rng: &mut StdRng) -> (ActionKind, u32) {
    let mut x: f64 = rng.random();
    for (kind, share, seats) in KINDS {
        if x < share {
            return (kind, seats);
        }
        x -= share;
    }
    (ActionKind::JobDating, 30)
}

fn title(kind: ActionKind, occupation: &str, commune: &str) -> String {
    let what = match kind {
        ActionKind::JobDating => "Job dating",
        ActionKind::Mrs => "Session de recrutement par simulation",
        ActionKind::Forum => "Forum de l'emploi",
        ActionKind::CompanyVisit => "Visite d'entreprise",
        ActionKind::OccupationDiscovery => "Découverte du métier",
        ActionKind::Workshop => "Atelier CV et entretien",
        ActionKind::CollectiveInformation => "Information collective",
    };
    let mut text = format!("{what} — {occupation} à {commune}");
    if text.chars().count() > 200 {
        text = text.chars().take(200).collect();
    }
    text
}

/// A weekday morning at 9h30 Paris time (8h30 UTC) on or after `day`.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    let mut day = day;
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day.and_hms_opt(8, 30, 0).map_or_else(
        || day.and_time(chrono::NaiveTime::MIN).and_utc(),
        |t| t.and_utc(),
    )
}

/// The plan: every action with its invitations and outcomes, the soonest first.
pub fn plan(inputs: &Inputs<'_>) -> Vec<PastAction> {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x0AC7_10A5);
    let leads: Vec<&Organiser> = inputs
        .organisers
        .iter()
        .filter(|o| o.france_travail)
        .collect();
    let mut agencies: HashMap<&str, Vec<&Organiser>> = HashMap::new();
    for o in inputs.organisers.iter().filter(|o| !o.france_travail) {
        agencies.entry(o.department.as_str()).or_default().push(o);
    }
    let mut offers_of: HashMap<i64, Vec<&OpenOffer>> = HashMap::new();
    for offer in inputs.offers {
        offers_of.entry(offer.owner).or_default().push(offer);
    }
    let mut seekers: HashMap<(&str, &str), Vec<&Candidate>> = HashMap::new();
    for c in inputs.candidates {
        for rome in &c.romes {
            seekers
                .entry((c.department.as_str(), rome.as_str()))
                .or_default()
                .push(c);
        }
    }
    let mut leads_in: HashMap<&str, Vec<&Organiser>> = HashMap::new();
    for lead in &leads {
        leads_in
            .entry(lead.department.as_str())
            .or_default()
            .push(lead);
    }
    let wanted = (EVENTS_PER_JOB_SEEKER * CO_ORGANISED * inputs.job_seekers as f64 * 393.0 / 365.0)
        .round() as usize;
    let first_day = (inputs.now - Duration::days(365)).date_naive();
    let span = 365 + 28;
    // The days each person was invited on, for the cap.
    let mut invited_on: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    let mut starts: Vec<DateTime<Utc>> = (0..wanted)
        .map(|_| morning(first_day + Duration::days(rng.random_range(0..span))))
        .collect();
    starts.sort();
    let mut out = Vec::with_capacity(wanted);
    for starts_at in starts {
        // The department of a job seeker drawn at random: actions where people are.
        let Some(person) = pick(&mut rng, inputs.candidates) else {
            break;
        };
        let Some(lead) = leads_in
            .get(person.department.as_str())
            .and_then(|leads| pick(&mut rng, leads))
            .copied()
        else {
            continue;
        };
        let Some(local) = agencies.get(lead.department.as_str()) else {
            continue;
        };
        // One agency, or two, whose offers are open three weeks before and at the start.
        let open_at = |o: &&OpenOffer| {
            o.published_at <= starts_at - Duration::days(21)
                && o.closed_at.is_none_or(|c| c > starts_at)
        };
        let with_offers: Vec<&&Organiser> = local
            .iter()
            .filter(|a| offers_of.get(&a.id).is_some_and(|o| o.iter().any(open_at)))
            .collect();
        if with_offers.is_empty() {
            continue;
        }
        let Some(first_partner) = pick(&mut rng, &with_offers).map(|p| **p) else {
            continue;
        };
        let mut partners = vec![first_partner];
        if rng.random_bool(0.2)
            && let Some(other) = pick(&mut rng, local)
            && other.id != first_partner.id
        {
            partners.push(other);
        }
        let mut offers: Vec<&OpenOffer> = partners
            .iter()
            .flat_map(|p| offers_of.get(&p.id).into_iter().flatten())
            .filter(|o| open_at(o))
            .copied()
            .collect();
        offers.sort_by_key(|o| o.id);
        let take = rng.random_range(1..=5).min(offers.len());
        let first = rng.random_range(0..=offers.len() - take);
        let offers: Vec<&OpenOffer> = offers.iter().skip(first).take(take).copied().collect();
        let mut romes: Vec<String> = offers.iter().map(|o| o.rome.clone()).collect();
        romes.sort();
        romes.dedup();
        let (kind, seats) = pick_kind(&mut rng);
        let Some(main) = romes.first() else {
            continue;
        };
        let label = refdata::rome()
            .occupation(main)
            .map_or_else(|| main.clone(), |o| o.label.to_string());
        let commune_name = refdata::geo()
            .commune(&lead.commune)
            .map_or_else(|| lead.commune.clone(), |c| c.name.to_string());
        let ends_at = starts_at + Duration::hours(3);
        let started = starts_at <= inputs.now;
        let cancelled = rng.random_bool(CANCELLED);
        let mut tags = Vec::new();
        if rng.random_bool(0.6) {
            tags.push(PublicTag::OpenToDisabledWorkers);
        }
        if rng.random_bool(0.4) {
            tags.push(PublicTag::BeginnersWelcome);
        }
        let action = NewAction {
            kind,
            title: title(kind, &label, &commune_name),
            description: match kind {
                ActionKind::Mrs => {
                    "Des exercices qui reproduisent les gestes du poste, sans CV ni \
                    diplôme exigé, puis un entretien."
                        .to_string()
                }
                ActionKind::CompanyVisit | ActionKind::OccupationDiscovery => {
                    "Découvrir le métier sur le lieu de travail, avec ceux qui l'exercent."
                        .to_string()
                }
                _ => "Des entretiens courts avec les recruteurs des agences, sur leurs offres \
                    ouvertes ; apportez un CV."
                    .to_string(),
            },
            lead: lead.id,
            partners: partners.iter().map(|p| p.id).collect(),
            offers: offers.iter().map(|o| o.id).collect(),
            romes: romes
                .iter()
                .filter_map(|r| domain::RomeCode::parse(r).ok())
                .collect(),
            commune: domain::InseeCode::parse(&lead.commune).ok(),
            address: Some(format!("{}, salle d'information collective", lead.name)),
            online_link: None,
            prerequisites: Vec::new(),
            public_tags: tags,
            gathering: NewGathering {
                starts_at,
                ends_at,
                capacity_on_site: seats,
                capacity_remote: 0,
            },
            created_by: None,
        };
        let drawn_at = starts_at - Duration::days(14);
        let deadline = starts_at - Duration::days(1);
        let mut invitations = Vec::new();
        let mut outcomes = Vec::new();
        if drawn_at <= inputs.now {
            // The pool: the department's consenting people who seek one of its occupations.
            let mut pool: Vec<&Candidate> = romes
                .iter()
                .flat_map(|r| {
                    seekers
                        .get(&(lead.department.as_str(), r.as_str()))
                        .into_iter()
                        .flatten()
                })
                .copied()
                .collect();
            pool.sort_by_key(|c| c.id);
            pool.dedup_by_key(|c| c.id);
            let want = (f64::from(seats) * INVITED_PER_SEAT).round() as usize;
            let mut seated = 0u32;
            let mut tries = 0;
            while invitations.len() < want && tries < want * 4 && !pool.is_empty() {
                tries += 1;
                let person = pool.swap_remove(rng.random_range(0..pool.len()));
                let recent = invited_on.entry(person.id).or_default();
                if recent
                    .iter()
                    .filter(|d| **d > drawn_at - Duration::days(30))
                    .count()
                    >= CAP
                {
                    continue;
                }
                recent.push(drawn_at);
                let answered_at = drawn_at + Duration::days(rng.random_range(1..=12));
                let x: f64 = rng.random();
                let answered = answered_at <= inputs.now;
                let state = if cancelled && !started {
                    InvitationState::Cancelled
                } else if !answered {
                    if rng.random_bool(0.5) {
                        InvitationState::Relayed
                    } else {
                        InvitationState::Proposed
                    }
                } else if x < ACCEPTED {
                    InvitationState::Accepted
                } else if x < ACCEPTED + DECLINED {
                    InvitationState::Declined
                } else if deadline <= inputs.now {
                    InvitationState::Expired
                } else {
                    InvitationState::Relayed
                };
                let seat = (state == InvitationState::Accepted).then(|| {
                    seated += 1;
                    let has_seat = seated <= seats;
                    let attendance = (has_seat && ends_at <= inputs.now).then(|| {
                        let y: f64 = rng.random();
                        if y < PRESENT {
                            Attendance::Present
                        } else if y < PRESENT + EXCUSED {
                            Attendance::Excused
                        } else {
                            Attendance::Absent
                        }
                    });
                    (Modality::OnSite, has_seat, attendance)
                });
                if let Some((_, true, Some(Attendance::Present))) = seat {
                    let Some(offer) = pick(&mut rng, &offers).copied() else {
                        continue;
                    };
                    let day = |after: i64| (starts_at + Duration::days(after)).date_naive();
                    let mut record =
                        |kind: OutcomeKind,
                         on: NaiveDate,
                         contract: Option<(ContractType, Option<u16>)>| {
                            let recorded_at =
                                on.and_hms_opt(16, 0, 0).map_or(ends_at, |t| t.and_utc());
                            if recorded_at <= inputs.now {
                                outcomes.push((
                                    NewOutcome {
                                        action_id: 0,
                                        job_seeker_id: person.id,
                                        kind,
                                        offer_id: matches!(
                                            kind,
                                            OutcomeKind::Interview | OutcomeKind::Hire
                                        )
                                        .then_some(offer.id),
                                        contract_type: contract.map(|c| c.0),
                                        contract_months: contract.and_then(|c| c.1),
                                        on,
                                        recorded_by: None,
                                    },
                                    recorded_at.max(ends_at),
                                ));
                            }
                        };
                    if rng.random_bool(INTERVIEWED) {
                        record(OutcomeKind::Interview, day(0), None);
                        if rng.random_bool(HIRED_IF_INTERVIEWED) {
                            let z: f64 = rng.random();
                            let contract = if z < 0.55 {
                                (ContractType::Mis, Some(rng.random_range(1..=6)))
                            } else if z < 0.80 {
                                (ContractType::Cdd, Some(rng.random_range(3..=12)))
                            } else {
                                (ContractType::Cdi, None)
                            };
                            record(
                                OutcomeKind::Hire,
                                day(rng.random_range(3..=30)),
                                Some(contract),
                            );
                        }
                    } else if rng.random_bool(TRAINING / (1.0 - INTERVIEWED)) {
                        record(OutcomeKind::Training, day(rng.random_range(14..=60)), None);
                    } else if rng.random_bool(IMMERSION / (1.0 - INTERVIEWED - TRAINING)) {
                        record(OutcomeKind::Immersion, day(rng.random_range(7..=30)), None);
                    }
                }
                invitations.push(PastInvitation {
                    invitation: NewInvitation {
                        action_id: 0,
                        job_seeker_id: person.id,
                        offer_id: pick(&mut rng, &offers).map(|o| o.id),
                        agency_id: person.agency,
                        deadline,
                        created_by: None,
                    },
                    drawn_at,
                    state,
                    answered_at: if state == InvitationState::Proposed
                        || state == InvitationState::Relayed
                    {
                        drawn_at
                    } else if state == InvitationState::Expired {
                        deadline
                    } else {
                        answered_at.min(inputs.now)
                    },
                    seat,
                });
            }
        }
        let over = ends_at <= inputs.now;
        // Attendance is closed a day or two after the action, when that day has come.
        let closed_at = ends_at + Duration::days(rng.random_range(1..=3));
        let attendance_closed = over && !cancelled && closed_at <= inputs.now;
        let state = if cancelled {
            ActionState::Cancelled
        } else if attendance_closed {
            ActionState::Closed
        } else if started {
            ActionState::Held
        } else {
            ActionState::Published
        };
        if cancelled {
            // Nobody sits in a cancelled action, nothing comes of it.
            for invitation in &mut invitations {
                invitation.seat = None;
                if invitation.state == InvitationState::Accepted {
                    invitation.state = InvitationState::Declined;
                }
            }
            outcomes.clear();
        }
        if !attendance_closed {
            // Attendance still to record: none is kept yet, nor what it led to.
            for invitation in &mut invitations {
                if let Some(seat) = invitation.seat.as_mut() {
                    seat.2 = None;
                }
            }
            outcomes.clear();
        }
        out.push(PastAction {
            action,
            state,
            created_at: starts_at - Duration::days(28),
            attendance_closed_at: attendance_closed.then_some(closed_at),
            invitations,
            outcomes,
        });
    }
    out
}

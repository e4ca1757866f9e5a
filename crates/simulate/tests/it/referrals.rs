//! A year of sourcing and of joint meetings planned over two synthetic departments: every
//! referral's moves legal and in order, within its offer's time, its consent and its
//! positions; the rates within tolerance of the cited ones; the same plan for the same seed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use model::workflow::Mover;
use model::{
    Attendance, Consent, ConsentScope, Modality, OfferStatus, PastReferral, PriorityStatus,
    ReferralState, Seat,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simulate::referrals::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

const ROMES: [&str; 6] = ["N1103", "N1101", "F1703", "H2903", "J1301", "K2204"];

/// Three France Travail agencies and 150 agencies in each of the 93 and the 94; 40,000
/// offers over the year, most filled, some cancelled, expired or still open; 60,000
/// consenting people with the region's priority statuses, some who consented during the year.
fn inputs_of() -> (Vec<Organiser>, Vec<OpenOffer>, Vec<Candidate>) {
    let mut rng = StdRng::seed_from_u64(11);
    let mut organisers = Vec::new();
    for (d, department) in ["93", "94"].into_iter().enumerate() {
        for k in 0..153 {
            let id = d as i64 * 1_000 + k;
            organisers.push(Organiser {
                id,
                name: format!("Structure {id}"),
                department: department.to_string(),
                commune: format!("{department}066"),
                france_travail: k < 3,
            });
        }
    }
    let agencies: Vec<&Organiser> = organisers.iter().filter(|o| !o.france_travail).collect();
    let offers = (1..=40_000)
        .map(|id| {
            let owner = agencies[rng.random_range(0..agencies.len())];
            let published_at = now() - days(rng.random_range(1..400));
            let ends = published_at + days(rng.random_range(5..90));
            let x: f64 = rng.random();
            let (status, closed_at) = if ends >= now() {
                (OfferStatus::Open, None)
            } else if x < 0.83 {
                (OfferStatus::Filled, Some(ends))
            } else if x < 0.93 {
                (OfferStatus::Cancelled, Some(ends))
            } else {
                (OfferStatus::Expired, Some(ends))
            };
            OpenOffer {
                id,
                owner: owner.id,
                rome: ROMES[rng.random_range(0..ROMES.len())].to_string(),
                title: "Poste (H/F)".to_string(),
                published_at,
                closed_at,
                department: owner.department.clone(),
                positions: if rng.random_bool(0.7) {
                    1
                } else {
                    rng.random_range(2..=4)
                },
                status,
            }
        })
        .collect();
    let candidates = (0..60_000)
        .map(|i| {
            let in_93 = i % 2 == 0;
            let mut priorities = Vec::new();
            for (status, share) in [
                (PriorityStatus::Rqth, 0.062),
                (PriorityStatus::LongTerm, 0.45),
                (PriorityStatus::Qpv, 0.20),
                (PriorityStatus::Rsa, 0.16),
            ] {
                if rng.random_bool(share) {
                    priorities.push(status);
                }
            }
            let first = ROMES[rng.random_range(0..ROMES.len())].to_string();
            let mut romes = vec![first];
            if rng.random_bool(0.4) {
                romes.push(ROMES[rng.random_range(0..ROMES.len())].to_string());
                romes.dedup();
            }
            Candidate {
                id: 100_000 + i,
                agency: if in_93 { 0 } else { 1_000 },
                department: if in_93 { "93" } else { "94" }.to_string(),
                romes,
                priorities,
                consent: Consent {
                    given_at: if rng.random_bool(0.7) {
                        now() - days(700)
                    } else {
                        now() - days(rng.random_range(1..365))
                    },
                    scope: if rng.random_bool(0.8) {
                        ConsentScope::AllAgencies
                    } else {
                        ConsentScope::DepartmentAgencies
                    },
                },
                registered_on: if rng.random_bool(0.6) {
                    now() - days(rng.random_range(365..2_000))
                } else {
                    now() - days(rng.random_range(0..365))
                }
                .date_naive(),
            }
        })
        .collect();
    (organisers, offers, candidates)
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

fn near(what: &str, value: f64, cited: f64, tolerance: f64) {
    assert!(
        (value - cited).abs() < tolerance,
        "{what}: {value:.3}, {cited:.3} cited"
    );
}

/// A plan without anything taken; another with some of its pairs already taken and some
/// offers' positions already filled by other hires; what was taken and filled.
type Plans = (
    Vec<PastReferral>,
    Vec<PastReferral>,
    HashSet<(i64, i64)>,
    HashMap<i64, u32>,
);

fn plans(inputs: &(Vec<Organiser>, Vec<OpenOffer>, Vec<Candidate>)) -> Plans {
    let (organisers, offers, candidates) = inputs;
    let none = HashSet::new();
    let no_hire = HashMap::new();
    let first = plan(&Inputs {
        organisers,
        offers,
        candidates,
        taken: &none,
        hired: &no_hire,
        now: now(),
        seed: 5,
    });
    let taken: HashSet<(i64, i64)> = first
        .iter()
        .step_by(7)
        .map(|r| (r.job_seeker_id, r.offer_id))
        .collect();
    let hired: HashMap<i64, u32> = offers
        .iter()
        .filter(|o| o.id % 10 == 0)
        .map(|o| (o.id, u32::from(o.positions)))
        .collect();
    let inputs = Inputs {
        organisers,
        offers,
        candidates,
        taken: &taken,
        hired: &hired,
        now: now(),
        seed: 5,
    };
    let second = plan(&inputs);
    assert_eq!(second, plan(&inputs), "deterministic");
    (first, second, taken, hired)
}

#[test]
fn every_referral_moves_as_the_workflow_allows_within_its_offer_and_consent() {
    let inputs = inputs_of();
    let (_, plan, taken, hired) = plans(&inputs);
    let offers: HashMap<i64, &OpenOffer> = inputs.1.iter().map(|o| (o.id, o)).collect();
    let people: HashMap<i64, &Candidate> = inputs.2.iter().map(|c| (c.id, c)).collect();
    assert!(plan.len() > 10_000, "{} referrals", plan.len());
    let mut pairs = HashSet::new();
    let mut hires: HashMap<i64, u32> = HashMap::new();
    for r in &plan {
        assert_eq!(r.problem(), None, "{r:?}");
        let offer = offers[&r.offer_id];
        let person = people[&r.job_seeker_id];
        assert!(
            pairs.insert((r.job_seeker_id, r.offer_id)),
            "proposed twice"
        );
        assert!(!taken.contains(&(r.job_seeker_id, r.offer_id)), "taken");
        // Registered and consenting before, the offer in their department.
        assert!(person.registered_on <= r.proposed_at.date_naive());
        assert!(person.consent.given_at <= r.proposed_at);
        assert_eq!(person.department, offer.department);
        assert!(person.romes.contains(&offer.rome));
        // Proposed within the year, after the publication, before the close.
        assert!(r.proposed_at >= offer.published_at && r.proposed_at >= now() - days(365));
        assert!(offer.closed_at.is_none_or(|c| r.proposed_at < c));
        assert!(r.updated_at() <= now());
        for m in &r.moves {
            // After the close, only its structure's closing, the expiry, or the hire that
            // filled it on that day.
            if let Some(closed) = offer.closed_at
                && m.at > closed
            {
                let closing = m.by == Mover::OfferSide
                    && (m.to == ReferralState::Cancelled
                        || matches!(
                            m.not_hired_reason.as_deref(),
                            Some("position_filled" | "offer_cancelled")
                        ));
                assert!(closing || m.by == Mover::System, "{m:?} after {closed}");
            }
            if m.to == ReferralState::Hired {
                assert_eq!(offer.status, OfferStatus::Filled);
                assert!(offer.closed_at.is_some_and(|c| m.at <= c));
                *hires.entry(offer.id).or_default() += 1;
            }
        }
        // Open on the reference day only when it moved within the expiry's delay.
        if matches!(
            r.state(),
            ReferralState::Proposed | ReferralState::Accepted | ReferralState::Interview
        ) {
            assert!(now() - r.updated_at() < days(EXPIRY_DAYS), "{r:?}");
        }
    }
    for (offer, n) in hires {
        let before = hired.get(&offer).copied().unwrap_or(0);
        assert!(n + before <= u32::from(offers[&offer].positions));
    }
}

#[test]
fn referral_rates_are_the_cited_ones() {
    let inputs = inputs_of();
    let (plan, _, _, _) = plans(&inputs);
    let offers: HashMap<i64, &OpenOffer> = inputs.1.iter().map(|o| (o.id, o)).collect();
    let people: HashMap<i64, &Candidate> = inputs.2.iter().map(|c| (c.id, c)).collect();
    // The offers sourced, among those open some time of the year, and how many proposed.
    let mut per_offer: HashMap<i64, usize> = HashMap::new();
    for r in &plan {
        *per_offer.entry(r.offer_id).or_default() += 1;
    }
    let eligible = inputs
        .1
        .iter()
        .filter(|o| o.closed_at.is_none_or(|c| c > now() - days(365)))
        .count();
    near("sourced", share(per_offer.len(), eligible), SOURCED, 0.02);
    let mean: f64 = PROPOSALS.iter().map(|(n, p)| *n as f64 * p).sum();
    near(
        "proposals per offer",
        share(plan.len(), per_offer.len()),
        mean,
        0.1,
    );
    // Whose offer stayed open long enough for each step to be seen whole.
    let open_until = |r: &PastReferral, at: DateTime<Utc>, span: i64| {
        at + days(span) <= now()
            && offers[&r.offer_id]
                .closed_at
                .is_none_or(|c| c > at + days(span))
    };
    let first: Vec<_> = plan
        .iter()
        .filter(|r| open_until(r, r.proposed_at, EXPIRY_DAYS + 1))
        .filter_map(|r| r.moves.first())
        .collect();
    let count =
        |moves: &[&model::PastMove], to: ReferralState| moves.iter().filter(|m| m.to == to).count();
    near(
        "accepted",
        share(count(&first, ReferralState::Accepted), first.len()),
        ACCEPTED,
        0.02,
    );
    near(
        "declined",
        share(count(&first, ReferralState::Declined), first.len()),
        DECLINED,
        0.02,
    );
    let second: Vec<_> = plan
        .iter()
        .filter(|r| {
            r.moves.first().is_some_and(|m| {
                m.to == ReferralState::Accepted && open_until(r, m.at, EXPIRY_DAYS + 1)
            })
        })
        .filter_map(|r| r.moves.get(1))
        .collect();
    near(
        "interviewed",
        share(count(&second, ReferralState::Interview), second.len()),
        INTERVIEWED,
        0.03,
    );
    near(
        "withdrawn",
        share(count(&second, ReferralState::Cancelled), second.len()),
        WITHDRAWN,
        0.015,
    );
    // Hires after an interview, where the offer was filled with positions to spare.
    let decided: Vec<_> = plan
        .iter()
        .filter(|r| {
            let offer = offers[&r.offer_id];
            offer.status == OfferStatus::Filled
                && offer.positions >= 3
                && r.moves
                    .get(1)
                    .is_some_and(|m| m.to == ReferralState::Interview && open_until(r, m.at, 15))
        })
        .filter_map(|r| r.moves.get(2))
        .collect();
    near(
        "hired after an interview",
        share(count(&decided, ReferralState::Hired), decided.len()),
        HIRED_IF_INTERVIEWED,
        0.05,
    );
    // From a proposal to a hire: about three weeks, within the cited two to five.
    let to_hire: Vec<f64> = plan
        .iter()
        .filter(|r| r.state() == ReferralState::Hired)
        .map(|r| (r.updated_at() - r.proposed_at).num_minutes() as f64 / 1_440.0)
        .collect();
    let mean_days = to_hire.iter().sum::<f64>() / to_hire.len().max(1) as f64;
    assert!(
        (14.0..=mean_days_to_hire() + 1.0).contains(&mean_days),
        "{mean_days:.1} days to a hire, {} hires",
        to_hire.len()
    );
    // The priority publics more often proposed than their share of the people.
    let rqth = |c: &Candidate| c.priorities.contains(&PriorityStatus::Rqth);
    let furthest = |c: &Candidate| {
        c.priorities.iter().any(|p| {
            matches!(
                p,
                PriorityStatus::LongTerm | PriorityStatus::Rsa | PriorityStatus::Qpv
            )
        })
    };
    let proposed: Vec<&Candidate> = plan.iter().map(|r| people[&r.job_seeker_id]).collect();
    let pool_rqth = share(inputs.2.iter().filter(|c| rqth(c)).count(), inputs.2.len());
    let rqth_proposed = share(proposed.iter().filter(|c| rqth(c)).count(), proposed.len());
    assert!(
        rqth_proposed >= 0.10 && rqth_proposed > 1.5 * pool_rqth,
        "RQTH: {rqth_proposed:.3} proposed, {pool_rqth:.3} of the people"
    );
    let pool_furthest = share(
        inputs.2.iter().filter(|c| furthest(c)).count(),
        inputs.2.len(),
    );
    let furthest_proposed = share(
        proposed.iter().filter(|c| furthest(c)).count(),
        proposed.len(),
    );
    assert!(
        furthest_proposed > pool_furthest + 0.03,
        "furthest: {furthest_proposed:.3} proposed, {pool_furthest:.3} of the people"
    );
}

#[test]
fn a_joint_meeting_a_month_in_each_department_with_its_registrations() {
    let (organisers, offers, candidates) = inputs_of();
    let (taken, hired) = (HashSet::new(), HashMap::new());
    let inputs = Inputs {
        organisers: &organisers,
        offers: &offers,
        candidates: &candidates,
        taken: &taken,
        hired: &hired,
        now: now(),
        seed: 3,
    };
    let plan = meetings(&inputs);
    assert_eq!(plan, meetings(&inputs), "deterministic");
    let by_id: HashMap<i64, &Organiser> = organisers.iter().map(|o| (o.id, o)).collect();
    for department in ["93", "94"] {
        let of: Vec<_> = plan
            .meetings
            .iter()
            .filter(|m| m.meeting.meeting.territory == department)
            .collect();
        assert_eq!(of.len(), 12, "{department}: one a month");
        assert!(of.iter().all(|m| m.meeting.meeting.starts_at <= now()));
        for m in of {
            let lead = by_id[&m.meeting.meeting.organiser];
            assert!(lead.france_travail && lead.department == department);
            assert_eq!(m.meeting.invited.len(), 152);
        }
    }
    let mut invited = 0;
    let mut registered = 0;
    let mut given_up = 0;
    let mut attendance = Vec::new();
    for planned in &plan.meetings {
        let m = &planned.meeting;
        let g = &m.meeting;
        assert_eq!(planned.staff.len(), m.registrations.len());
        assert!(m.created_at <= now() && m.created_at < g.starts_at);
        if let Some(closed) = m.attendance_closed_at {
            assert!(closed > g.ends_at && closed <= now());
        }
        let seats = |modality: Modality| {
            m.registrations
                .iter()
                .filter(|r| r.modality == modality && r.seat == Seat::Registered)
                .count() as u32
        };
        assert!(seats(Modality::OnSite) <= g.capacity_on_site);
        assert!(seats(Modality::Remote) <= g.capacity_remote);
        for (r, staff) in m.registrations.iter().zip(&planned.staff) {
            let person = &plan.staff[*staff];
            assert_eq!(person.structure, r.structure_id);
            assert!(person.created_at < r.registered_at);
            assert!(m.created_at <= r.registered_at && r.registered_at < g.starts_at);
            assert!(r.registered_at <= r.changed_at && r.changed_at <= now());
            assert_eq!(
                r.attendance.is_some(),
                r.seat == Seat::Registered && m.attendance_closed_at.is_some()
            );
            if let Some(a) = r.attendance {
                attendance.push(a);
            }
        }
        if m.attendance_closed_at.is_some() {
            invited += m.invited.len();
            registered += m.registrations.len() - 1;
            given_up += m
                .registrations
                .iter()
                .filter(|r| r.seat == Seat::Cancelled)
                .count();
        }
    }
    near("registered", share(registered, invited), REGISTERED, 0.02);
    near("given up", share(given_up, registered), GIVEN_UP, 0.03);
    let count = |a: Attendance| attendance.iter().filter(|x| **x == a).count();
    near(
        "present",
        share(count(Attendance::Present), attendance.len()),
        PRESENT,
        0.04,
    );
    near(
        "excused",
        share(count(Attendance::Excused), attendance.len()),
        EXCUSED,
        0.03,
    );
    // One référent per structure, each with their own address.
    let structures: HashSet<i64> = plan.staff.iter().map(|s| s.structure).collect();
    let emails: HashSet<&str> = plan.staff.iter().map(|s| s.email.as_str()).collect();
    assert_eq!(structures.len(), plan.staff.len());
    assert_eq!(emails.len(), plan.staff.len());
}

//! A year of co-organised actions planned over a synthetic department: as many as the figures
//! give, nobody invited past the cap, the funnel's rates within tolerance of the cited ones,
//! and what a cancelled or unclosed action keeps.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use model::{ActionState, Attendance, InvitationState, OutcomeKind};
use simulate::actions::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap()
}

/// Two France Travail agencies and four agencies in the 93, each agency with offers open all
/// year in two occupations; 40,000 consenting job seekers seeking them.
fn inputs_of() -> crate::Fixtures {
    let organiser = |id: i64, france_travail: bool| Organiser {
        id,
        name: format!("Structure {id}"),
        department: "93".to_string(),
        commune: "93066".to_string(),
        france_travail,
    };
    let organisers: Vec<Organiser> = [
        (1, true),
        (2, true),
        (3, false),
        (4, false),
        (5, false),
        (6, false),
    ]
    .into_iter()
    .map(|(id, ft)| organiser(id, ft))
    .collect();
    let mut offers = Vec::new();
    for owner in 3..=6 {
        for (n, rome) in ["N1103", "N1101"].into_iter().enumerate() {
            offers.push(OpenOffer {
                id: owner * 10 + n as i64,
                owner,
                rome: rome.to_string(),
                title: "Cariste (H/F)".to_string(),
                published_at: now() - Duration::days(500),
                closed_at: None,
                department: "93".to_string(),
                positions: 1,
                status: model::OfferStatus::Open,
            });
        }
    }
    let candidates = (0..40_000)
        .map(|i| Candidate {
            id: 1_000 + i,
            agency: 1 + i % 2,
            department: "93".to_string(),
            romes: vec![if i % 2 == 0 { "N1103" } else { "N1101" }.to_string()],
            priorities: Vec::new(),
            consent: crate::consent(),
            registered_on: crate::consent().given_at.date_naive(),
        })
        .collect();
    (organisers, offers, candidates)
}

#[test]
fn a_year_of_actions_follows_the_cited_rates_and_the_cap() {
    let fixtures = inputs_of();
    let inputs = crate::inputs_over(&fixtures, now(), 400_000, 7);
    let plan = plan(&inputs);
    // 700 events for 186,000 job seekers, a quarter co-organised, over 393 days.
    let expected = 700.0 / 186_000.0 * 0.25 * 400_000.0 * 393.0 / 365.0;
    assert!(
        (plan.len() as f64 - expected).abs() < 1.0,
        "{} actions, {expected:.1} expected",
        plan.len()
    );
    assert_eq!(plan, simulate::actions::plan(&inputs), "deterministic");
    // Nobody invited more than three times in thirty days.
    let mut drawn: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    for action in &plan {
        for invitation in &action.invitations {
            drawn
                .entry(invitation.invitation.job_seeker_id)
                .or_default()
                .push(invitation.drawn_at);
        }
    }
    for days in drawn.values() {
        for day in days {
            let within = days
                .iter()
                .filter(|d| **d <= *day && **d > *day - Duration::days(30))
                .count();
            assert!(within <= 3, "{within} invitations in thirty days");
        }
    }
    // The funnel of the closed actions, against the constants.
    let closed: Vec<_> = plan
        .iter()
        .filter(|a| a.state == ActionState::Closed)
        .collect();
    assert!(
        closed.len() > plan.len() * 3 / 4,
        "{} of {}",
        closed.len(),
        plan.len()
    );
    let invitations: Vec<_> = closed.iter().flat_map(|a| &a.invitations).collect();
    let share = |n: usize, of: usize| n as f64 / of as f64;
    let accepted = invitations
        .iter()
        .filter(|i| i.state == InvitationState::Accepted)
        .count();
    assert!((share(accepted, invitations.len()) - ACCEPTED).abs() < 0.03);
    let seated: Vec<_> = invitations
        .iter()
        .filter_map(|i| i.seat)
        .filter(|seat| seat.1)
        .collect();
    let present = seated
        .iter()
        .filter(|s| s.2 == Some(Attendance::Present))
        .count();
    assert!(
        (share(present, seated.len()) - PRESENT).abs() < 0.04,
        "{present} of {}",
        seated.len()
    );
    assert!(
        seated.iter().all(|s| s.2.is_some()),
        "a closed action has every attendance"
    );
    let outcomes: Vec<_> = closed.iter().flat_map(|a| &a.outcomes).collect();
    let count = |kind: OutcomeKind| outcomes.iter().filter(|o| o.0.kind == kind).count();
    let interviewed = count(OutcomeKind::Interview);
    assert!(
        (share(interviewed, present) - INTERVIEWED).abs() < 0.06,
        "{interviewed} of {present}"
    );
    assert!(
        (share(count(OutcomeKind::Hire), interviewed) - HIRED_IF_INTERVIEWED).abs() < 0.08,
        "{} of {interviewed}",
        count(OutcomeKind::Hire)
    );
    // Every outcome is a present participant's, after the action.
    for action in &closed {
        for (outcome, recorded_at) in &action.outcomes {
            assert!(action.invitations.iter().any(|i| {
                i.invitation.job_seeker_id == outcome.job_seeker_id
                    && i.seat.is_some_and(|s| s.2 == Some(Attendance::Present))
            }));
            assert!(*recorded_at >= action.action.gathering.ends_at && *recorded_at <= now());
        }
    }
    // A cancelled action seats nobody and leads to nothing; one to come keeps no attendance.
    for action in &plan {
        if action.state == ActionState::Cancelled {
            assert!(action.outcomes.is_empty());
            assert!(action.invitations.iter().all(|i| i.seat.is_none()));
        }
        if action.state == ActionState::Published {
            assert!(action.action.gathering.starts_at > now());
            assert!(
                action
                    .invitations
                    .iter()
                    .all(|i| i.seat.is_none_or(|s| s.2.is_none()))
            );
        }
    }
}

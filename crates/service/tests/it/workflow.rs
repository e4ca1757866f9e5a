//! The referral workflow over HTTP: every state × every target × each side, allowed exactly
//! when the workflow (written out here by hand) allows it; what a move needs; and expiry.

use chrono::Duration;
use serde_json::json;
use store::{ReferralState, Role};
use testdb::TestDb;

use crate::support::*;

/// The moves (each by the side named) that bring a new referral to `state`.
fn path_to(state: ReferralState) -> &'static [(&'static str, Role)] {
    use ReferralState as S;
    const ADVISOR: Role = Role::Advisor;
    const AGENCY: Role = Role::Recruiter;
    match state {
        S::Proposed | S::Expired => &[],
        S::Accepted => &[("accepted", ADVISOR)],
        S::Declined => &[("declined", ADVISOR)],
        S::Interview => &[("accepted", ADVISOR), ("interview", AGENCY)],
        S::Hired => &[
            ("accepted", ADVISOR),
            ("interview", AGENCY),
            ("hired", AGENCY),
        ],
        S::NotHired => &[
            ("accepted", ADVISOR),
            ("interview", AGENCY),
            ("not_hired", AGENCY),
        ],
        S::Cancelled => &[("cancelled", AGENCY)],
    }
}

/// Every move a user may make over HTTP, by the side that may make it (the person's side is
/// their advisor, the offer's side its recruiter), written out by hand: 8 moves, 3 of them
/// open to both sides. Expiry is the system's, never a user's.
const USER_MOVES: &[(&str, &str, Role)] = &[
    ("proposed", "accepted", Role::Advisor),
    ("proposed", "declined", Role::Advisor),
    ("accepted", "interview", Role::Recruiter),
    ("interview", "hired", Role::Recruiter),
    ("interview", "not_hired", Role::Recruiter),
    ("proposed", "cancelled", Role::Advisor),
    ("proposed", "cancelled", Role::Recruiter),
    ("accepted", "cancelled", Role::Advisor),
    ("accepted", "cancelled", Role::Recruiter),
    ("interview", "cancelled", Role::Advisor),
    ("interview", "cancelled", Role::Recruiter),
];

/// A body carrying what the move to `to` needs.
fn body(to: ReferralState) -> serde_json::Value {
    match to {
        ReferralState::Hired => json!({ "to": "hired", "hire_starts_on": "2026-04-01" }),
        ReferralState::NotHired => {
            json!({ "to": "not_hired", "not_hired_reason": "position_filled" })
        }
        other => json!({ "to": other.as_str() }),
    }
}

pub async fn every_referral_transition_is_allowed_or_refused_as_the_workflow_says(db: TestDb) {
    let states = ReferralState::ALL;
    let pairs = states.len() * states.len() * 2;
    // One fresh referral per attempt: as many (job seeker, offer) pairs as attempts.
    let (server, world) = Server::start_with(
        db,
        12,
        (pairs as u32).div_ceil(12),
        service::Config::default(),
    )
    .await;
    let store = server.state.store.clone();
    let advisor = server.login("advisor@a.fr").await;
    let recruiter = server.login("recruiter@x.fr").await;
    let client = |role: Role| {
        if role == Role::Advisor {
            &advisor
        } else {
            &recruiter
        }
    };
    let seekers: Vec<i64> = (0..12).map(|i| world.seekers[&(102 + 4 * i)]).collect();
    let offers: Vec<i64> = {
        let x = world.structures[&AGENCY_X];
        let mut ids: Vec<i64> = store
            .offers_of_structure(x)
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .filter(|id| *id != world.offer_x)
            .collect();
        ids.sort_unstable();
        ids
    };
    let mut next = 0usize;
    let mut failures = Vec::new();
    let mut allowed_seen = 0;
    for &from in states {
        for &to in states {
            for mover in [Role::Advisor, Role::Recruiter] {
                let (seeker, offer) = (seekers[next % 12], offers[next / 12]);
                next += 1;
                let id = recruiter.propose(offer, seeker).await;
                for (step, by) in path_to(from) {
                    let (status, answer) = client(*by)
                        .move_referral(id, &body(ReferralState::parse(step).unwrap()))
                        .await;
                    assert_eq!(status, 200, "setting up {from}: {step}: {answer}");
                }
                if from == ReferralState::Expired {
                    let expired =
                        service::expire_referrals(&server.state, server.now() + Duration::days(31))
                            .await
                            .unwrap();
                    assert!(expired >= 1);
                }
                let (status, answer) = client(mover).move_referral(id, &body(to)).await;
                let allowed = USER_MOVES.contains(&(from.as_str(), to.as_str(), mover));
                let ok = if allowed {
                    allowed_seen += 1;
                    status == 200 && answer["state"] == to.as_str()
                } else {
                    status == 422 || status == 403
                };
                if !ok {
                    failures.push(format!("{mover} {from} -> {to}: {status} {answer}"));
                }
                let after = store.referral(id).await.unwrap().unwrap().state;
                if after != if allowed { to } else { from } {
                    failures.push(format!("{mover} {from} -> {to}: left in {after}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 8 moves open to users, each to one side or both.
    assert_eq!(allowed_seen, 11);

    // Refusals name the reason and the field.
    let id = recruiter.propose(world.offer_x, seekers[0]).await;
    let path = format!("/api/v1/referrals/{id}/transitions");
    let (status, answer) = recruiter.post(&path, &json!({ "to": "accepted" })).await;
    assert_eq!(
        status, 403,
        "the agency cannot record the person's answer: {answer}"
    );
    assert!(message_of(&answer).contains("not for the offer's structure"));
    let (status, answer) = advisor.post(&path, &json!({ "to": "hired" })).await;
    assert_eq!(
        (status.as_u16(), answer["fields"][0]["path"].as_str()),
        (422, Some("/to"))
    );
    let (status, answer) = advisor.post(&path, &json!({ "to": "signed" })).await;
    assert_eq!(status, 422);
    assert!(message_of(&answer).contains("unknown state `signed`"));
    advisor.post(&path, &json!({ "to": "accepted" })).await;
    recruiter.post(&path, &json!({ "to": "interview" })).await;
    // Refused: a field wrong (named), or a move from a state the client saw but the referral
    // has left (409, no field).
    for (body, refused) in [
        (json!({ "to": "hired" }), (422, Some("/hire_starts_on"))),
        (
            json!({ "to": "not_hired", "not_hired_reason": "too tall" }),
            (422, Some("/not_hired_reason")),
        ),
        (
            json!({ "to": "hired", "from": "accepted", "hire_starts_on": "2026-04-01" }),
            (409, None),
        ),
    ] {
        let (status, answer) = recruiter.post(&path, &body).await;
        assert_eq!(
            (status.as_u16(), answer["fields"][0]["path"].as_str()),
            refused,
            "{body}: {answer}"
        );
    }
    let (status, answer) = recruiter
        .post(
            &path,
            &json!({ "to": "hired", "hire_starts_on": "2026-04-01", "note": "CDI intérimaire" }),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["hire_starts_on"], "2026-04-01");
    let (_, detail) = recruiter.get(&format!("/api/v1/referrals/{id}")).await;
    let log: Vec<(&str, i64)> = detail["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["to"].as_str().unwrap(), t["by"].as_i64().unwrap()))
        .collect();
    let users = store.users().await.unwrap();
    let user = |email: &str| {
        users
            .iter()
            .find(|(u, _)| u.email.as_str() == email)
            .unwrap()
            .0
            .id
    };
    assert_eq!(
        log,
        vec![
            ("proposed", user("recruiter@x.fr")),
            ("accepted", user("advisor@a.fr")),
            ("interview", user("recruiter@x.fr")),
            ("hired", user("recruiter@x.fr")),
        ]
    );
    server.stop().await;
}

pub async fn idle_referrals_expire_after_the_configured_days(db: TestDb) {
    let config = service::Config {
        expiry_days: 10,
        ..service::Config::default()
    };
    let (server, world) = Server::start_with(db, 2, 0, config).await;
    let propose = |seeker: i64| {
        let server = &server;
        async move {
            let recruiter = server.login("recruiter@x.fr").await;
            recruiter.propose(world.offer_x, seeker).await
        }
    };
    let old = propose(world.seekers[&102]).await;
    server.advance(Duration::days(3));
    let recent = propose(world.seekers[&106]).await;
    let day = |n| server.now() + Duration::days(n);
    // Ten full days after the first proposal, not yet after the second.
    assert_eq!(
        service::expire_referrals(&server.state, day(7))
            .await
            .unwrap(),
        1
    );
    let store = server.state.store.clone();
    assert_eq!(
        store.referral(old).await.unwrap().unwrap().state,
        ReferralState::Expired
    );
    assert_eq!(
        store.referral(recent).await.unwrap().unwrap().state,
        ReferralState::Proposed
    );
    let log = store.referral_log(old).await.unwrap();
    assert_eq!(log.last().unwrap().by, None, "moved by the system");
    assert_eq!(
        log.last().unwrap().note.as_deref(),
        Some("no move for 10 days")
    );
    assert_eq!(
        service::expire_referrals(&server.state, day(7))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        service::expire_referrals(&server.state, day(10))
            .await
            .unwrap(),
        1
    );
    server.stop().await;
}

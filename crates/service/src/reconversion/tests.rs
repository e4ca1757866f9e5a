#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;
use model::trainings::{
    LheoDate, TrainingBody, TrainingPlace, TrainingSession, TrainingSessionRecord,
};
use model::{OfferGroup, OfferStatus, SeekerGroup};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Saint-Denis, Montreuil (10.3 km away), Fontainebleau (60 km away).
const SAINT_DENIS: (f64, f64) = (48.93564, 2.35387);
const MONTREUIL: (f64, f64) = (48.86415, 2.44322);
const FONTAINEBLEAU: (f64, f64) = (48.40908, 2.70177);

fn offers(rome: &str, n: u64) -> OfferGroup {
    OfferGroup {
        rome: rome.to_string(),
        commune: "93066".to_string(),
        month: "2026-09".to_string(),
        hard_to_fill: false,
        status: OfferStatus::Open,
        close_reason: None,
        days_open: None,
        offers: n,
    }
}

fn seekers(rome: &str, n: u64) -> SeekerGroup {
    SeekerGroup {
        rome: rome.to_string(),
        commune: "93048".to_string(),
        commute_limit_km: 20,
        seekers: n,
    }
}

fn session(id: i64, rome: &str, starts: &str, at: (f64, f64)) -> TrainingSession {
    TrainingSession {
        id,
        record: TrainingSessionRecord {
            formation_ref: format!("F{id}"),
            action_ref: format!("A{id}"),
            session_ref: format!("S{id}"),
            title: format!("Session {id}"),
            objective: None,
            body: TrainingBody {
                name: "AFPA".into(),
                siret: None,
            },
            romes: vec![domain::RomeCode::parse(rome).unwrap()],
            formacodes: vec![],
            nsf_codes: vec![],
            rncp_codes: vec![],
            certifinfo_codes: vec![],
            certifying: false,
            entry_level: None,
            publics: vec![],
            funders: vec![],
            teaching: None,
            place: TrainingPlace {
                lines: vec![],
                postcode: None,
                city: "Ici".into(),
                commune: None,
                coordinates: Some(at),
            },
            starts: LheoDate::parse(starts).unwrap(),
            ends: LheoDate::parse("20271231").unwrap(),
            hours_total: Some(300),
            hours_centre: None,
            hours_enterprise: None,
            recruitment: None,
            url: None,
        },
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// A shelf stacker (D1507) of Saint-Denis, registered on 1 March 2026, who travels 20 km,
/// holding two of the order picker's (N1103) skills.
fn person(skills: &[String]) -> PathPerson<'_> {
    PathPerson {
        targets: vec!["D1507"],
        skills,
        home: SAINT_DENIS,
        department: "93",
        commute_km: 20,
        registered_on: day("2026-03-01"),
    }
}

/// The region of these tests on 4 December 2026: in Seine-Saint-Denis, the shelf stacker's
/// occupation has 10 offers for 100 job seekers (0.1 each); the order picker's (N1103, close)
/// 300 for 100 (3.0); the shop logistics' (H3303, close) 20 for 100 (0.2); D1106 (close) 10
/// for 100 (0.1). Three open N1103 offers in Saint-Denis, one in Fontainebleau. Sessions
/// toward N1103: one in Montreuil in January 2027, one that started in November 2026, one in
/// Fontainebleau.
fn region() -> Context {
    let mut context = Context::new(day("2026-12-04"));
    for _ in 0..3 {
        context.add_open_offer("N1103", SAINT_DENIS);
    }
    context.add_open_offer("N1103", FONTAINEBLEAU);
    context.add_groups(
        &[
            offers("D1507", 10),
            offers("N1103", 300),
            offers("H3303", 20),
            offers("D1106", 10),
        ],
        &[
            seekers("D1507", 100),
            seekers("N1103", 100),
            seekers("H3303", 100),
            seekers("D1106", 100),
        ],
    );
    context.add_session(&session(1, "N1103", "20270111", MONTREUIL));
    context.add_session(&session(2, "N1103", "20261102", MONTREUIL));
    context.add_session(&session(3, "N1103", "20270111", FONTAINEBLEAU));
    context.add_session(&session(4, "N1103", "20270301", SAINT_DENIS));
    context.sort();
    context
}

#[test]
fn months_of_search_set_the_strength() {
    assert_eq!(months_between(day("2025-06-15"), day("2026-06-14")), 11);
    assert_eq!(months_between(day("2025-06-15"), day("2026-06-15")), 12);
    assert_eq!(months_between(day("2026-06-15"), day("2026-06-01")), 0);
    assert_eq!(Strength::of_months(5), Strength::OnRequest);
    assert_eq!(Strength::of_months(6), Strength::Suggested);
    assert_eq!(Strength::of_months(8), Strength::Suggested);
    assert_eq!(Strength::of_months(9), Strength::Recommended);
    assert_eq!(Strength::of_months(12), Strength::StronglyRecommended);
}

#[test]
fn the_simple_rule_takes_close_occupations_recruiting_half_as_much_again() {
    let skills = Vec::new();
    let context = region();
    // Current ratio 0.1: N1103 (3.0) and H3303 (0.2) reach 0.15; D1106 (0.1) does not;
    // the other close occupations have no job seeker in the department (no ratio).
    assert_eq!(
        simple_rule(&person(&skills), &context),
        vec!["N1103", "H3303"]
    );
}

#[test]
fn a_path_says_its_route_skills_offers_and_sessions() {
    let skills = vec!["100016".to_string(), "100089".to_string()];
    let context = region();
    let paths = paths(&person(&skills), &context);
    assert_eq!(paths.months_searching, 9);
    assert_eq!(paths.strength, Strength::Recommended);
    let picker = paths
        .targets
        .iter()
        .find(|t| t.rome == "N1103")
        .unwrap_or_else(|| panic!("N1103 missing from {:?}", paths.targets));
    assert_eq!(
        picker.route,
        vec![Step {
            from: "D1507",
            to: "N1103",
            kind: LinkKind::Close
        }]
    );
    assert_eq!(picker.shared_skills, vec!["100016", "100089"]);
    assert_eq!(picker.missing_skills.len(), 18);
    assert!(!picker.missing_skills.contains(&"100016"));
    // Three offers in Saint-Denis; the one in Fontainebleau is beyond 20 km.
    assert_eq!(picker.offers_within_reach, 3);
    // The sessions not yet started, within 20 km, the earliest first.
    let sessions: Vec<i64> = picker.sessions.iter().map(|s| s.id).collect();
    assert_eq!(sessions, vec![1, 4]);
    assert!((picker.sessions[0].distance_km - 10.3).abs() < 0.2);
    assert_eq!(picker.local.offers_per_10_seekers, Some(30.0));
    assert!(picker.local.better_than_current);
    assert_eq!(picker.parts.skills, 2.0 / 20.0);
    assert_eq!(picker.parts.offers, 3.0 / 20.0);
    assert_eq!(picker.parts.training, 1.0);
    assert_eq!(picker.parts.link, 1.0);
    // The person's own occupation is never a target.
    assert!(paths.targets.iter().all(|t| t.rome != "D1507"));
    // Targets come by score.
    assert!(paths.targets.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn two_links_are_a_route_when_one_is_not() {
    let skills = Vec::new();
    let mut context = region();
    // The forklift driver (N1101) is close to the order picker, not to the shelf stacker;
    // twenty open offers nearby put it among the first ten.
    for _ in 0..20 {
        context.add_open_offer("N1101", SAINT_DENIS);
    }
    let paths = paths(&person(&skills), &context);
    let forklift = paths
        .targets
        .iter()
        .find(|t| t.rome == "N1101")
        .unwrap_or_else(|| panic!("N1101 missing from {:?}", paths.targets));
    assert_eq!(forklift.route.len(), 2);
    assert_eq!(forklift.route[0].to, forklift.route[1].from);
    assert_eq!(forklift.route[1].to, "N1101");
    assert_eq!(forklift.parts.link, 0.55);
}

#[test]
fn an_occupation_that_does_not_recruit_is_no_target() {
    let skills = Vec::new();
    let context = region();
    let paths = paths(&person(&skills), &context);
    for target in &paths.targets {
        assert!(
            target.official_class.unwrap_or(0) >= 4 || target.offers_within_reach > 0,
            "{} does not recruit: {target:?}",
            target.rome
        );
    }
}

#[test]
fn the_comparison_names_why_the_simple_rule_differs() {
    let skills = Vec::new();
    let context = region();
    let person = person(&skills);
    let paths = paths(&person, &context);
    let differences = compare(&person, &context, &paths);
    // Every path of the first five that the simple rule leaves says why, and the reason
    // matches the route.
    for difference in differences.iter().filter(|d| d.in_paths) {
        let target = paths
            .targets
            .iter()
            .find(|t| t.rome == difference.rome)
            .unwrap();
        let expected = if target.route.len() > 1 || target.kind != LinkKind::Close {
            "step_up_or_two_steps"
        } else if matches!(target.rome, "N1103" | "H3303" | "D1106") {
            "ratio_below"
        } else {
            "no_local_figure"
        };
        assert_eq!(difference.why, expected, "{difference:?}");
    }
    // N1103 is in both: never a difference.
    assert!(differences.iter().all(|d| d.rome != "N1103"));
}

/// The merged per-occupation routes are exactly what building the routes of several targets
/// at once gives: the same ends, each by the same route (fewest links, narrowest gap, the
/// first target on a tie), the targets themselves left out.
#[test]
fn merged_routes_are_those_of_the_targets_together() {
    let codes: Vec<&'static str> = refdata::rome()
        .occupations()
        .iter()
        .map(|o| o.code)
        .collect();
    let mut sets: Vec<Vec<&str>> = Vec::new();
    for (i, a) in codes.iter().enumerate().step_by(7) {
        let b = codes[(i * 31 + 5) % codes.len()];
        let c = codes[(i * 17 + 11) % codes.len()];
        sets.push(vec![a]);
        sets.push(vec![a, b]);
        sets.push(vec![c, a, b]);
        sets.push(vec![a, a, "Z9999"]);
    }
    for targets in &sets {
        let expected = routes(targets);
        let merged: Vec<Vec<Step>> = candidate_routes(targets)
            .into_iter()
            .map(|c| c.route.clone())
            .collect();
        assert_eq!(merged, expected, "targets {targets:?}");
    }
    // The comparison is not one of empty lists.
    let some = sets.iter().filter(|t| !routes(t).is_empty()).count();
    assert!(some > 100, "only {some} target sets reach anything");
}

/// Of many sessions within reach, the first ones by start (then id) are kept, in that order,
/// whatever the order they came in; those out of reach or started are never among them.
#[test]
fn the_earliest_sessions_within_reach_are_kept() {
    let mut context = Context::new(day("2026-12-04"));
    let starts = [
        "20270315", "20270110", "20270601", "20270110", "20261215", "20270201", "20270110",
        "20261220", "20270901",
    ];
    for (i, start) in starts.iter().enumerate() {
        let at = if i % 2 == 0 { MONTREUIL } else { SAINT_DENIS };
        context.add_session(&session(i as i64 + 1, "N1103", start, at));
    }
    // Earlier than all of them, but out of reach or already started.
    context.add_session(&session(20, "N1103", "20261205", FONTAINEBLEAU));
    context.add_session(&session(21, "N1103", "20261101", SAINT_DENIS));
    context.sort();
    let kept = |limit: usize| -> Vec<i64> {
        context
            .sessions_within("N1103", SAINT_DENIS, 20.0, limit)
            .into_iter()
            .map(|(s, _)| s.id)
            .collect()
    };
    assert_eq!(kept(5), vec![5, 8, 2, 4, 7]);
    assert_eq!(kept(1), vec![5]);
    assert_eq!(kept(0), Vec::<i64>::new());
    assert_eq!(kept(50), vec![5, 8, 2, 4, 7, 6, 1, 3, 9]);
}

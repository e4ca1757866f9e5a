//! Training schemes: the hand-written eligibility scenarios of `tests/schemes.toml`, and the
//! obligations that follow a training.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::ContractType;
use model::schemes::{
    Check, FollowingContract, Obligation, Scheme, SchemeOffer, SchemePerson, SchemeSession,
    SchemeSettings, WorkStudy, eligibility, obligations, rule_on,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Table {
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    day: NaiveDate,
    #[serde(default)]
    settings: Option<String>,
    eligible: Vec<Scheme>,
    #[serde(default)]
    failing: BTreeMap<Scheme, Check>,
    #[serde(default)]
    max_hours: BTreeMap<Scheme, u32>,
    #[serde(default)]
    hourly_cap_cents: BTreeMap<Scheme, u32>,
    person: SchemePerson,
    #[serde(default)]
    offer: Option<SchemeOffer>,
    session: SchemeSession,
}

impl Scenario {
    /// Every way the assessment differs from what the scenario expects.
    fn mismatches(&self) -> Vec<String> {
        let settings = match self.settings.as_deref() {
            None | Some("branch_2019") => SchemeSettings::BRANCH_2019,
            Some("agreement_2010") => SchemeSettings::AGREEMENT_2010,
            Some(other) => return vec![format!("unknown settings {other:?}")],
        };
        let assessments = eligibility(
            &settings,
            &self.person,
            self.offer.as_ref(),
            &self.session,
            self.day,
        );
        let by_scheme: BTreeMap<Scheme, _> = assessments.iter().map(|a| (a.scheme, a)).collect();
        let mut mismatches = Vec::new();

        let eligible: Vec<Scheme> = assessments
            .iter()
            .filter(|a| a.eligible().is_some())
            .map(|a| a.scheme)
            .collect();
        let mut expected = self.eligible.clone();
        expected.sort();
        let mut actual = eligible.clone();
        actual.sort();
        if actual != expected {
            let why: Vec<String> = assessments
                .iter()
                .map(|a| match a.failure() {
                    Some(failure) => {
                        format!("{}: {} ({})", a.scheme, failure.check, failure.reason)
                    }
                    None => format!("{}: eligible", a.scheme),
                })
                .collect();
            mismatches.push(format!(
                "eligible {actual:?}, expected {expected:?}\n      {}",
                why.join("\n      ")
            ));
        }
        for (scheme, check) in &self.failing {
            match by_scheme.get(scheme).and_then(|a| a.failure()) {
                Some(failure) if failure.check == *check => {}
                Some(failure) => mismatches.push(format!(
                    "{scheme} fails {} ({}), expected {check}",
                    failure.check, failure.reason
                )),
                None => mismatches.push(format!("{scheme} is eligible, expected to fail {check}")),
            }
        }
        for (scheme, hours) in &self.max_hours {
            let actual = by_scheme
                .get(scheme)
                .and_then(|a| a.eligible())
                .map(|e| e.max_hours);
            if actual != Some(Some(*hours)) {
                mismatches.push(format!("{scheme} max hours {actual:?}, expected {hours}"));
            }
        }
        for (scheme, cents) in &self.hourly_cap_cents {
            let actual = by_scheme
                .get(scheme)
                .and_then(|a| a.eligible())
                .map(|e| e.hourly_cap.map_or(0, |cap| cap.cents));
            if actual != Some(*cents) {
                mismatches.push(format!(
                    "{scheme} hourly cap {actual:?} cents, expected {cents}"
                ));
            }
        }
        mismatches
    }
}

#[test]
fn every_hand_written_scenario_gets_the_schemes_it_expects() {
    let text = include_str!("../schemes.toml");
    let table: Table = toml::from_str(text).unwrap();
    assert!(
        table.scenario.len() >= 45,
        "only {} scenarios",
        table.scenario.len()
    );
    let mut names: Vec<&str> = table.scenario.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        table.scenario.len(),
        "two scenarios share a name"
    );

    let failures: Vec<String> = table
        .scenario
        .iter()
        .filter_map(|scenario| {
            let mismatches = scenario.mismatches();
            (!mismatches.is_empty())
                .then(|| format!("{}:\n    {}", scenario.name, mismatches.join("\n    ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        table.scenario.len(),
        failures.join("\n")
    );
}

#[test]
fn every_scheme_is_assessed_once_in_a_fixed_order() {
    let session = SchemeSession {
        starts: day(2024, 9, 9),
        ends: day(2024, 9, 20),
        hours_centre: 0,
        hours_enterprise: 70,
        collective: false,
        with_training_body: false,
    };
    let assessments = eligibility(
        &SchemeSettings::default(),
        &SchemePerson::default(),
        None,
        &session,
        day(2024, 9, 2),
    );
    let schemes: Vec<Scheme> = assessments.iter().map(|a| a.scheme).collect();
    assert_eq!(schemes, Scheme::ALL);
}

#[test]
fn the_afpr_refusal_names_the_decree() {
    let session = training(day(2024, 7, 1), day(2024, 8, 30), 300);
    let assessments = eligibility(
        &SchemeSettings::default(),
        &job_seeker(),
        None,
        &session,
        day(2024, 6, 18),
    );
    let afpr = assessments
        .iter()
        .find(|a| a.scheme == Scheme::Afpr)
        .unwrap();
    let failure = afpr.failure().unwrap();
    assert_eq!(failure.check, Check::NotInForce);
    assert!(failure.reason.contains("2024-561"), "{}", failure.reason);
}

#[test]
fn an_eligible_scheme_gives_its_version_reasons_and_funders() {
    let offer = SchemeOffer {
        contract_type: ContractType::Cdi,
        work_study: None,
        months: None,
        seasonal: false,
        weekly_hours: Some(35.0),
        filed_with_france_travail_on: Some(day(2024, 8, 20)),
        temp_work: false,
    };
    let session = training(day(2024, 9, 9), day(2024, 11, 29), 450);
    let assessments = eligibility(
        &SchemeSettings::default(),
        &job_seeker(),
        Some(&offer),
        &session,
        day(2024, 9, 2),
    );
    let poei = assessments[0].eligible().unwrap();
    assert_eq!(poei.rule.id, "poei-2024");
    assert_eq!(poei.rule.funders.first(), Some(&"France Travail"));
    let keys: Vec<&str> = poei.reasons.iter().map(|r| r.key).collect();
    assert_eq!(
        keys,
        [
            "in_force",
            "public",
            "offer",
            "contract",
            "hours_max",
            "span",
            "hourly_cap_unknown"
        ]
    );
}

// --- Obligations -----------------------------------------------------------------------

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn job_seeker() -> SchemePerson {
    SchemePerson {
        job_seeker: true,
        age: Some(34),
        ..SchemePerson::default()
    }
}

fn training(starts: NaiveDate, ends: NaiveDate, hours_centre: u32) -> SchemeSession {
    SchemeSession {
        starts,
        ends,
        hours_centre,
        hours_enterprise: 0,
        collective: false,
        with_training_body: true,
    }
}

fn contract(
    contract_type: ContractType,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
) -> FollowingContract {
    FollowingContract {
        contract_type,
        work_study: None,
        seasonal: false,
        starts,
        ends,
        hours: None,
    }
}

fn mission(starts: NaiveDate, ends: NaiveDate, hours: Option<u32>) -> FollowingContract {
    FollowingContract {
        hours,
        ..contract(ContractType::Mis, starts, Some(ends))
    }
}

/// A POEI decided under the 2024 rule, its training from 2 September to 29 November 2024.
fn poei_2024() -> (&'static model::schemes::SchemeRule, SchemeSession) {
    let rule = rule_on(Scheme::Poei, day(2024, 9, 1)).unwrap();
    (rule, training(day(2024, 9, 2), day(2024, 11, 29), 400))
}

#[test]
fn a_poei_followed_by_a_cdd_of_6_months_is_met() {
    let (rule, session) = poei_2024();
    let cdd = contract(ContractType::Cdd, day(2024, 12, 2), Some(day(2025, 6, 1)));
    assert_eq!(cdd.months(), Some(6));
    let obligation = obligations(rule, &session, &[cdd], day(2024, 12, 2));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_poei_followed_by_a_cdi_is_met() {
    let (rule, session) = poei_2024();
    let cdi = contract(ContractType::Cdi, day(2024, 12, 2), None);
    let obligation = obligations(rule, &session, &[cdi], day(2024, 12, 2));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_poei_followed_by_a_cdd_of_3_months_is_a_breach_once_the_windows_close() {
    let (rule, session) = poei_2024();
    let cdd = contract(ContractType::Cdd, day(2024, 12, 2), Some(day(2025, 3, 1)));
    assert_eq!(cdd.months(), Some(3));
    let followed = [cdd];
    // The missions' window (9 months after 29 November 2024) is still open.
    let obligation = obligations(rule, &session, &followed, day(2025, 3, 2));
    assert_eq!(
        obligation,
        Obligation::Pending {
            until: day(2025, 8, 29),
            reason: match &obligation {
                Obligation::Pending { reason, .. } => reason.clone(),
                _ => String::new(),
            },
        }
    );
    let obligation = obligations(rule, &session, &followed, day(2025, 8, 30));
    match obligation {
        Obligation::Breach { rule, reason } => {
            assert_eq!(rule, "poei-2024");
            assert!(reason.contains("CDD from 2 December 2024"), "{reason}");
        }
        other => panic!("expected a breach, got {other:?}"),
    }
}

#[test]
fn a_poei_with_nothing_yet_is_pending_until_the_last_window_closes() {
    let (rule, session) = poei_2024();
    let obligation = obligations(rule, &session, &[], day(2024, 12, 15));
    assert!(
        matches!(obligation, Obligation::Pending { until, .. } if until == day(2025, 8, 29)),
        "{obligation:?}"
    );
}

#[test]
fn missions_totalling_6_months_within_9_months_meet_a_poei() {
    let (rule, session) = poei_2024();
    let missions = [
        mission(day(2024, 12, 2), day(2025, 1, 31), None),
        mission(day(2025, 2, 10), day(2025, 4, 30), None),
        mission(day(2025, 5, 5), day(2025, 6, 20), None),
    ];
    // 61 + 80 + 47 = 188 days, at least 180.
    let obligation = obligations(rule, &session, &missions, day(2025, 6, 21));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
}

#[test]
fn missions_partly_after_the_9_months_count_only_within_them() {
    let (rule, session) = poei_2024();
    // From 1 June 2025: only the 90 days to 29 August 2025 count.
    let missions = [mission(day(2025, 6, 1), day(2025, 12, 31), None)];
    let obligation = obligations(rule, &session, &missions, day(2025, 9, 1));
    assert!(
        matches!(obligation, Obligation::Breach { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_cdpi_is_met_by_missions_of_a_third_of_its_hours_within_3_months() {
    let rule = rule_on(Scheme::Cdpi, day(2024, 9, 1)).unwrap();
    let session = training(day(2024, 9, 16), day(2024, 12, 20), 300);
    let enough = [
        mission(day(2025, 1, 6), day(2025, 1, 17), Some(70)),
        mission(day(2025, 3, 3), day(2025, 3, 7), Some(30)),
    ];
    let obligation = obligations(rule, &session, &enough, day(2025, 3, 10));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );

    let short = [
        mission(day(2025, 1, 6), day(2025, 1, 17), Some(70)),
        mission(day(2025, 3, 3), day(2025, 3, 7), Some(29)),
    ];
    let obligation = obligations(rule, &session, &short, day(2025, 3, 10));
    assert!(
        matches!(obligation, Obligation::Pending { until, .. } if until == day(2025, 3, 20)),
        "{obligation:?}"
    );
    let obligation = obligations(rule, &session, &short, day(2025, 3, 21));
    assert!(
        matches!(obligation, Obligation::Breach { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_cdpi_mission_starting_after_3_months_does_not_count() {
    let rule = rule_on(Scheme::Cdpi, day(2024, 9, 1)).unwrap();
    let session = training(day(2024, 9, 16), day(2024, 12, 20), 300);
    let late = [mission(day(2025, 3, 21), day(2025, 4, 30), Some(200))];
    let obligation = obligations(rule, &session, &late, day(2025, 5, 1));
    assert!(
        matches!(obligation, Obligation::Breach { .. }),
        "{obligation:?}"
    );
}

#[test]
fn an_afpr_is_met_by_a_cdd_of_9_months_and_not_by_one_of_5() {
    let rule = rule_on(Scheme::Afpr, day(2024, 3, 1)).unwrap();
    let session = training(day(2024, 3, 11), day(2024, 4, 19), 150);
    let nine = contract(ContractType::Cdd, day(2024, 4, 22), Some(day(2025, 1, 21)));
    let obligation = obligations(rule, &session, &[nine], day(2024, 4, 22));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
    let five = contract(ContractType::Cdd, day(2024, 4, 22), Some(day(2024, 9, 21)));
    let obligation = obligations(rule, &session, &[five], day(2025, 2, 1));
    assert!(
        matches!(obligation, Obligation::Breach { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_poec_in_temp_work_is_met_by_a_mission_at_the_end() {
    let rule = rule_on(Scheme::Poec, day(2024, 10, 1)).unwrap();
    let session = training(day(2024, 10, 14), day(2025, 1, 31), 400);
    let obligation = obligations(
        rule,
        &session,
        &[mission(day(2025, 2, 3), day(2025, 2, 28), Some(140))],
        day(2025, 2, 3),
    );
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
}

#[test]
fn a_contrat_pro_after_a_poei_counts_from_6_months() {
    let (rule, session) = poei_2024();
    let pro = FollowingContract {
        work_study: Some(WorkStudy::Professionalisation),
        ..contract(ContractType::Cdd, day(2024, 12, 2), Some(day(2025, 6, 1)))
    };
    let obligation = obligations(rule, &session, &[pro], day(2024, 12, 2));
    assert!(
        matches!(obligation, Obligation::Met { .. }),
        "{obligation:?}"
    );
}

#[test]
fn schemes_without_a_following_contract_ask_nothing() {
    for scheme in [Scheme::Cipi, Scheme::ContratPro, Scheme::Pmsmp] {
        let rule = rule_on(scheme, day(2024, 9, 1)).unwrap();
        let session = training(day(2024, 9, 16), day(2024, 12, 20), 200);
        assert_eq!(
            obligations(rule, &session, &[], day(2026, 1, 1)),
            Obligation::NotRequired
        );
    }
}

#[test]
fn contract_months_are_whole_calendar_months() {
    let months = |starts, ends| contract(ContractType::Cdd, starts, Some(ends)).months();
    assert_eq!(months(day(2024, 10, 1), day(2025, 3, 31)), Some(6));
    assert_eq!(months(day(2024, 10, 1), day(2025, 3, 30)), Some(5));
    assert_eq!(months(day(2024, 1, 31), day(2024, 2, 29)), Some(1));
    assert_eq!(months(day(2024, 3, 15), day(2024, 3, 20)), Some(0));
    assert_eq!(
        contract(ContractType::Cdi, day(2024, 1, 1), None).months(),
        None
    );
}

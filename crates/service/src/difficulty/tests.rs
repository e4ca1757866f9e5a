#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

use chrono::TimeZone;
use model::{CloseReason, MonthlyWage};

use super::*;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::days(i64::from(d))
}

fn offer(id: i64, rome: &str, wage: Option<f64>) -> OfferHistory {
    OfferHistory {
        id,
        structure_id: 1,
        rome: rome.to_string(),
        commune: "93066".to_string(),
        published_at: day(0),
        closed_at: None,
        status: OfferStatus::Open,
        close_reason: None,
        contract_type: ContractType::Cdd,
        duration_days: Some(90),
        weekly_hours: Some(35.0),
        wage: wage.map(|w| MonthlyWage { min: w, max: w }),
        experience_required: ExperienceRequired::Beginner,
        licences: Vec::new(),
        positions: 1,
        hard_to_fill: false,
        sector_code: Some("52".to_string()),
    }
}

fn seekers(rome: &str, commune: &str, n: u64) -> SeekerGroup {
    SeekerGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        commute_limit_km: 10,
        seekers: n,
    }
}

#[test]
fn the_context_counts_seekers_and_offers_and_takes_median_wages() {
    // N1103: twenty wages (median 2,000); K2204: four, too few for a median of its own (20
    // at least: a figure shown in a reason): the median of all 24, (1,950 + 2,000) / 2.
    let mut offers: Vec<OfferHistory> = [1_800.0, 2_200.0, 2_000.0, 1_900.0, 2_100.0]
        .iter()
        .cycle()
        .take(20)
        .enumerate()
        .map(|(i, w)| offer(i as i64, "N1103", Some(*w)))
        .collect();
    for (i, w) in [1_700.0, 1_750.0, 1_850.0, 1_950.0].iter().enumerate() {
        offers.push(offer(100 + i as i64, "K2204", Some(*w)));
    }
    offers.push(offer(200, "K2204", None));
    // Two seekers' groups in 93 and one in 75 for N1103.
    let context = Context::new(
        &offers,
        &[
            seekers("N1103", "93066", 4),
            seekers("N1103", "93001", 5),
            seekers("N1103", "75111", 7),
        ],
    );
    assert_eq!(context.median_wage("N1103"), Some(2_000.0));
    assert!(context.has_own_median("N1103"));
    assert_eq!(context.median_wage("K2204"), Some(1_975.0));
    assert!(!context.has_own_median("K2204"));
    assert_eq!(context.seekers_for(&offers[0]), 9);
    assert_eq!(context.competing_offers(&offers[0]), 20);
    assert_eq!(context.seekers_for(&offers[20]), 0);
    // An offer of another month competes with none but itself.
    let mut later = offer(30, "N1103", None);
    later.published_at = day(40);
    assert_eq!(context.competing_offers(&later), 1);
}

#[test]
fn features_are_the_offers_conditions() {
    let mut offers: Vec<OfferHistory> = (0..5).map(|i| offer(i, "N1103", Some(2_000.0))).collect();
    // The offer studied: paid 1,710 for 30 hours (1,995 full time), experience required, a
    // truck licence, a five-day mission with three positions in construction, declared hard.
    let studied = &mut offers[0];
    studied.wage = Some(MonthlyWage {
        min: 1_650.0,
        max: 1_770.0,
    });
    studied.weekly_hours = Some(30.0);
    studied.experience_required = ExperienceRequired::Required;
    studied.licences = vec!["C - Poids lourd".to_string()];
    studied.contract_type = ContractType::Mis;
    studied.duration_days = Some(5);
    studied.positions = 3;
    studied.sector_code = Some("43.21A".to_string());
    studied.hard_to_fill = true;
    let context = Context::new(&offers, &[seekers("N1103", "93066", 9)]);
    let x = features(&offers[0], &context);
    let named = |name: &str| x[FEATURES.iter().position(|f| *f == name).unwrap()];
    // 9 seekers for 5 offers of the month: ln(10 / 5).
    assert!((named("candidates") - 2f64.ln()).abs() < 1e-12);
    // Median of 1,995 and four 2,000: 2,000; the gap is ln(1,995 / 2,000).
    assert!((named("wage_gap") - (1_995.0f64 / 2_000.0).ln()).abs() < 1e-12);
    assert_eq!(named("wage_unknown"), 0.0);
    assert_eq!(named("experience_required"), 1.0);
    assert_eq!(named("experience_wished"), 0.0);
    assert_eq!(named("heavy_licence"), 1.0);
    assert_eq!(named("car_licence"), 0.0);
    assert_eq!(named("short_mission"), 1.0);
    assert_eq!(named("permanent"), 0.0);
    assert_eq!(named("part_time"), 1.0);
    assert_eq!(named("several_positions"), 1.0);
    assert_eq!(named("construction"), 1.0);
    assert_eq!(named("declared_hard"), 1.0);
    // N1103 in 93: the published class (the Île-de-France region's), centred on 3.
    let class = refdata::tensions()
        .official("N1103", Territory::Department("93"))
        .unwrap()
        .class;
    assert_eq!(named("official_class"), f64::from(class) - 3.0);
    // Without a wage: no gap, and said.
    let unpaid = offer(9, "N1103", None);
    let y = features(&unpaid, &context);
    assert_eq!(y[4], 0.0);
    assert_eq!(y[5], 1.0);
}

#[test]
fn an_offer_reads_as_its_outcome_on_a_day() {
    let mut filled = offer(1, "N1103", None);
    filled.status = OfferStatus::Filled;
    filled.closed_at = Some(day(12));
    let mut abandoned = offer(2, "N1103", None);
    abandoned.status = OfferStatus::Cancelled;
    abandoned.close_reason = Some(CloseReason::LackOfCandidates);
    abandoned.closed_at = Some(day(30));
    assert_eq!(
        observed(&filled, day(20)),
        Some((12.0, survival::Outcome::Filled))
    );
    // Before it was filled, it was open.
    assert_eq!(
        observed(&filled, day(5)),
        Some((5.0, survival::Outcome::Open))
    );
    assert_eq!(
        observed(&abandoned, day(40)),
        Some((30.0, survival::Outcome::Unfilled))
    );
    // Not yet published: nothing to read.
    let mut later = offer(3, "N1103", None);
    later.published_at = day(50);
    assert_eq!(observed(&later, day(40)), None);
}

/// A history where the wage decides: offers paid under the median take three times longer.
fn wage_history() -> Vec<OfferHistory> {
    let mut offers = Vec::new();
    for i in 0..600 {
        let low = i % 2 == 0;
        let mut o = offer(i, "N1103", Some(if low { 1_850.0 } else { 2_150.0 }));
        // Spread the fills: 10 to 40 days when well paid, 30 to 120 when not.
        let spread = f64::from(u32::try_from(i % 30).unwrap());
        let days = if low {
            30.0 + 3.0 * spread
        } else {
            10.0 + spread
        };
        o.published_at = day(0) + Duration::days(i % 200);
        // One offer in seven is withdrawn after 20 days.
        let (status, days) = if i % 7 == 3 {
            (OfferStatus::Cancelled, 20.0)
        } else {
            (OfferStatus::Filled, days)
        };
        o.status = status;
        o.close_reason = (status == OfferStatus::Cancelled).then_some(CloseReason::NeedWithdrawn);
        o.closed_at = Some(o.published_at + Duration::hours((days * 24.0) as i64));
        offers.push(o);
    }
    offers
}

#[test]
fn an_assessment_gives_probabilities_and_reasons_in_french() {
    let history = wage_history();
    let context = Context::new(&history, &[seekers("N1103", "93066", 40)]);
    let trained = train(&history, context, day(400)).unwrap();
    let mut poorly_paid = offer(1_000, "N1103", Some(1_800.0));
    poorly_paid.published_at = day(390);
    let mut well_paid = poorly_paid.clone();
    well_paid.wage = Some(MonthlyWage {
        min: 2_200.0,
        max: 2_200.0,
    });
    let poor = trained.assess(&poorly_paid, day(400)).unwrap();
    let good = trained.assess(&well_paid, day(400)).unwrap();
    // Ten days old: the horizons are ahead, each no likelier than the one before.
    assert_eq!(poor.not_filled_by.len(), 3);
    assert!((poor.age_days - 10.0).abs() < 1e-9);
    for pair in poor.not_filled_by.windows(2) {
        assert!(pair[0].probability >= pair[1].probability);
    }
    assert!(poor.not_filled_by[1].probability > good.not_filled_by[1].probability + 0.2);
    assert!(
        poor.expected_fill_day.unwrap() > good.expected_fill_day.unwrap(),
        "{poor:?} {good:?}"
    );
    // The wage is the strongest factor, and the first reason, with the offer's own figure:
    // 1,800 against the median of 2,000 (300 offers at 1,850, 300 at 2,150).
    assert_eq!(poor.factors[0].feature, "wage_gap");
    assert!(poor.factors[0].contribution < 0.0);
    assert_eq!(
        poor.reasons.first().map(String::as_str),
        Some("salaire 10 % sous la médiane du métier"),
        "{:?}",
        poor.reasons
    );
    assert!(good.reasons.iter().all(|r| !r.starts_with("salaire")));
    // A horizon already past is certain.
    let old = trained.assess(&poorly_paid, day(390 + 50)).unwrap();
    assert_eq!(old.not_filled_by[0].probability, 1.0);
    assert_eq!(old.not_filled_by[1].probability, 1.0);
    assert!(old.not_filled_by[2].probability < 1.0);
}

#[test]
fn too_little_history_is_said() {
    let history: Vec<OfferHistory> = wage_history().into_iter().take(50).collect();
    let context = Context::new(&history, &[]);
    assert!(matches!(
        train(&history, context, day(400)),
        Err(TrainError::TooLittle(50))
    ));
}

#[test]
fn the_expected_fill_day_is_the_first_whole_day_a_scan_finds() {
    // The reference: every whole day from the offer's age (at least day 1) to a year, in turn.
    fn scan(prediction: &survival::Prediction, age: f64, target: f64) -> Option<f64> {
        let filled = prediction.cumulative_fill(age);
        let open = 1.0 - filled - prediction.cumulative_unfilled(age);
        if open <= 1e-12 {
            return None;
        }
        let mut day = age.ceil().max(1.0);
        while day <= survival::MEDIAN_HORIZON {
            if (prediction.cumulative_fill(day) - filled) / open >= target {
                return Some(day);
            }
            day += 1.0;
        }
        None
    }
    let history = wage_history();
    let context = Context::new(&history, &[seekers("N1103", "93066", 40)]);
    let trained = train(&history, context, day(400)).unwrap();
    let mut found = 0;
    for wage in [1_200.0, 1_800.0, 2_000.0, 2_600.0] {
        let x = features(&offer(1, "N1103", Some(wage)), &trained.context);
        let prediction = trained.survival.predict(&x).unwrap();
        for age in [0.0, 0.4, 1.0, 6.5, 30.0, 200.0, 364.2, 365.0, 400.0] {
            for target in [0.01, 0.25, 0.5, 0.75, 0.99] {
                let expected = scan(&prediction, age, target);
                found += usize::from(expected.is_some());
                assert_eq!(
                    explain::first_day(&prediction, age, target),
                    expected,
                    "wage {wage}, age {age}, target {target}"
                );
            }
        }
    }
    // Both answers occur: days found and none within the year.
    assert!(found > 0 && found < 4 * 9 * 5, "{found}");
}

//! The metrics against numbers computed by hand, and concordance against brute force.

use proptest::prelude::*;
use survival::Outcome;
use survival::metrics::{
    MetricError, average_precision, brier, calibration, concordance, label_not_filled,
};

use crate::support::close;

#[test]
fn labels_at_a_horizon() {
    assert_eq!(label_not_filled(20.0, Outcome::Filled, 30.0), Some(false));
    assert_eq!(label_not_filled(30.0, Outcome::Filled, 30.0), Some(false));
    assert_eq!(label_not_filled(31.0, Outcome::Filled, 30.0), Some(true));
    assert_eq!(label_not_filled(5.0, Outcome::Unfilled, 30.0), Some(true));
    assert_eq!(label_not_filled(90.0, Outcome::Unfilled, 30.0), Some(true));
    assert_eq!(label_not_filled(30.0, Outcome::Open, 30.0), Some(true));
    assert_eq!(label_not_filled(45.0, Outcome::Open, 30.0), Some(true));
    assert_eq!(label_not_filled(29.0, Outcome::Open, 30.0), None);
    assert_eq!(label_not_filled(f64::NAN, Outcome::Filled, 30.0), None);
}

#[test]
fn average_precision_by_hand() {
    // Scores 0.9 (+), 0.8 (−), 0.7 (+), 0.6 (−): recall steps at 0.9 (P = 1, R = 1/2) and
    // 0.7 (P = 2/3, R = 1): AP = 1/2 · 1 + 1/2 · 2/3 = 5/6.
    let ap = average_precision(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false]).unwrap();
    close(ap, 5.0 / 6.0, 1e-15);
    // Ties are one threshold: 0.5 (+), 0.5 (−), 0.2 (+): at 0.5, P = 1/2, R = 1/2; at 0.2,
    // P = 2/3, R = 1: AP = 1/4 + 1/3 = 7/12 (not 1/2 + 1/3, whatever the order of the tie).
    let ap = average_precision(&[0.5, 0.5, 0.2], &[true, false, true]).unwrap();
    close(ap, 7.0 / 12.0, 1e-15);
    let ap = average_precision(&[0.5, 0.5, 0.2], &[false, true, true]).unwrap();
    close(ap, 7.0 / 12.0, 1e-15);
    // A perfect ranking gets 1; constant scores get the share of positives.
    close(
        average_precision(&[3.0, 2.0, 1.0], &[true, true, false]).unwrap(),
        1.0,
        1e-15,
    );
    close(
        average_precision(&[1.0; 4], &[true, false, false, false]).unwrap(),
        0.25,
        1e-15,
    );
    assert_eq!(
        average_precision(&[1.0], &[false]),
        Err(MetricError::NoPositive)
    );
}

#[test]
fn brier_by_hand() {
    // (0.9 − 1)² + (0.2 − 0)² + (0.5 − 0)² = 0.01 + 0.04 + 0.25 = 0.3, over 3.
    close(
        brier(&[0.9, 0.2, 0.5], &[true, false, false]).unwrap(),
        0.1,
        1e-15,
    );
    assert_eq!(
        brier(&[0.5], &[true, false]),
        Err(MetricError::LengthMismatch(1, 2))
    );
    assert_eq!(brier(&[], &[]), Err(MetricError::Empty));
    assert_eq!(
        brier(&[0.5, f64::NAN], &[true, false]),
        Err(MetricError::NonFinite { index: 1 })
    );
}

#[test]
fn calibration_by_hand() {
    let probs = [0.6, 0.1, 0.4, 0.2, 0.5, 0.3];
    let labels = [true, false, false, false, true, true];
    // Sorted: 0.1 (−), 0.2 (−) | 0.3 (+), 0.4 (−) | 0.5 (+), 0.6 (+).
    let bins = calibration(&probs, &labels, 3).unwrap();
    assert_eq!(bins.len(), 3);
    let expected = [
        (0.15, 0.0, 0.1, 0.2),
        (0.35, 0.5, 0.3, 0.4),
        (0.55, 1.0, 0.5, 0.6),
    ];
    for (bin, (mean, share, min, max)) in bins.iter().zip(expected) {
        assert_eq!(bin.count, 2);
        close(bin.mean_predicted, mean, 1e-15);
        close(bin.observed_share, share, 1e-15);
        assert_eq!((bin.min_predicted, bin.max_predicted), (min, max));
    }
    // Ten bins of six observations: six bins of one.
    let deciles = calibration(&probs, &labels, 10).unwrap();
    assert_eq!(deciles.len(), 6);
    assert!(deciles.iter().all(|b| b.count == 1));
    assert_eq!(calibration(&probs, &labels, 0), Err(MetricError::NoBin));
}

/// Harrell's C counted pair by pair.
fn brute_force(scores: &[f64], days: &[f64], outcomes: &[Outcome]) -> (u64, f64) {
    let mut comparable = 0;
    let mut concordant = 0.0;
    for i in 0..scores.len() {
        if outcomes[i] != Outcome::Filled {
            continue;
        }
        for j in 0..scores.len() {
            if days[j] > days[i] {
                comparable += 1;
                if scores[i] > scores[j] {
                    concordant += 1.0;
                } else if scores[i] == scores[j] {
                    concordant += 0.5;
                }
            }
        }
    }
    (comparable, concordant)
}

#[test]
fn concordance_by_hand() {
    // Filled on day 2 with score 0.9, filled on day 5 with 0.5, open on day 5 with 0.7, closed
    // unfilled on day 8 with 0.5. Comparable: (day 2 with the three later) and (day 5 filled
    // with day 8): 0.9 > 0.5, 0.7, 0.5 → 3; 0.5 = 0.5 → 1/2. C = 3.5 / 4.
    let c = concordance(
        &[0.9, 0.5, 0.7, 0.5],
        &[2.0, 5.0, 5.0, 8.0],
        &[
            Outcome::Filled,
            Outcome::Filled,
            Outcome::Open,
            Outcome::Unfilled,
        ],
    )
    .unwrap();
    assert_eq!(c.comparable, 4);
    close(c.c_index, 0.875, 1e-15);
    assert_eq!(
        concordance(&[1.0], &[1.0], &[Outcome::Open]),
        Err(MetricError::NoComparablePair)
    );
    assert_eq!(
        concordance(&[1.0, 2.0], &[1.0], &[Outcome::Open]),
        Err(MetricError::LengthMismatch(2, 1))
    );
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Filled),
        Just(Outcome::Unfilled),
        Just(Outcome::Open)
    ]
}

proptest! {
    #[test]
    fn concordance_agrees_with_brute_force(
        rows in prop::collection::vec((0_u8..6, 0_u8..12, outcome()), 1..60)
    ) {
        let scores: Vec<f64> = rows.iter().map(|r| f64::from(r.0) / 2.0).collect();
        let days: Vec<f64> = rows.iter().map(|r| f64::from(r.1)).collect();
        let outcomes: Vec<Outcome> = rows.iter().map(|r| r.2).collect();
        let (comparable, concordant) = brute_force(&scores, &days, &outcomes);
        match concordance(&scores, &days, &outcomes) {
            Ok(c) => {
                prop_assert_eq!(c.comparable, comparable);
                prop_assert_eq!(c.concordant, concordant);
                prop_assert!((c.c_index - concordant / comparable as f64).abs() < 1e-12);
            }
            Err(e) => {
                prop_assert_eq!(e, MetricError::NoComparablePair);
                prop_assert_eq!(comparable, 0);
            }
        }
    }

    #[test]
    fn average_precision_is_a_share(
        rows in prop::collection::vec((0_u8..5, any::<bool>()), 1..40)
    ) {
        let scores: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
        match average_precision(&scores, &labels) {
            Ok(ap) => prop_assert!((0.0..=1.0 + 1e-12).contains(&ap)),
            Err(e) => prop_assert_eq!(e, MetricError::NoPositive),
        }
    }
}

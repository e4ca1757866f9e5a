//! Aalen–Johansen curves per group, against numbers computed by hand.

use survival::{BaselineError, GroupCurves, GroupOptions, IncidenceCurve, Outcome};

use crate::support::close;

use Outcome::{Filled, Open, Unfilled};

/// Group "a", seven offers: (2, filled), (3, unfilled), (3, open), (5, filled), (5, filled),
/// (8, open), (10, filled).
///
/// | day | at risk | filled | unfilled | F(t)                    | S(t)              |
/// |-----|---------|--------|----------|-------------------------|-------------------|
/// | 2   | 7       | 1      | 0        | 1/7                     | 6/7               |
/// | 3   | 6       | 0      | 1        | 1/7                     | 6/7 · 5/6 = 5/7   |
/// | 5   | 4       | 2      | 0        | 1/7 + 5/7 · 2/4 = 1/2   | 5/7 · 2/4 = 5/14  |
/// | 10  | 1       | 1      | 0        | 1/2 + 5/14 · 1 = 6/7    | 0                 |
///
/// (the open offer of day 3 is at risk on day 3, then leaves; the one of day 8 leaves on day 8.)
fn group_a() -> Vec<(&'static str, f64, Outcome)> {
    vec![
        ("a", 2.0, Filled),
        ("a", 3.0, Unfilled),
        ("a", 3.0, Open),
        ("a", 5.0, Filled),
        ("a", 5.0, Filled),
        ("a", 8.0, Open),
        ("a", 10.0, Filled),
    ]
}

#[test]
fn aalen_johansen_by_hand() {
    let curves = GroupCurves::fit(&group_a(), &GroupOptions { min_size: 3 }).unwrap();
    let a = curves.own_curve(&"a").unwrap();
    assert_eq!(a.observations(), 7);
    close(a.cumulative_fill(1.9), 0.0, 1e-15);
    close(a.cumulative_fill(2.0), 1.0 / 7.0, 1e-15);
    close(a.cumulative_fill(4.0), 1.0 / 7.0, 1e-15);
    close(a.cumulative_fill(5.0), 0.5, 1e-15);
    close(a.cumulative_fill(9.99), 0.5, 1e-15);
    close(a.cumulative_fill(10.0), 6.0 / 7.0, 1e-15);
    close(curves.not_filled_by(&"a", 30.0), 1.0 / 7.0, 1e-15);
    let steps: Vec<(f64, f64)> = a.steps().collect();
    assert_eq!(
        steps.len(),
        4,
        "day 3 is a step of the unfilled closure: {steps:?}"
    );
}

/// Adding group "b", two offers (1, filled) and (4, open), the pooled curve of nine:
///
/// | day | at risk | filled | unfilled | F(t)                  | S(t)             |
/// |-----|---------|--------|----------|-----------------------|------------------|
/// | 1   | 9       | 1      | 0        | 1/9                   | 8/9              |
/// | 2   | 8       | 1      | 0        | 1/9 + 8/9 · 1/8 = 2/9 | 7/9              |
/// | 3   | 7       | 0      | 1        | 2/9                   | 7/9 · 6/7 = 2/3  |
/// | 5   | 4       | 2      | 0        | 2/9 + 2/3 · 2/4 = 5/9 | 1/3              |
/// | 10  | 1       | 1      | 0        | 5/9 + 1/3 = 8/9       | 0                |
#[test]
fn small_and_unknown_groups_use_the_pooled_curve() {
    let mut data = group_a();
    data.extend([("b", 1.0, Filled), ("b", 4.0, Open)]);
    let curves = GroupCurves::fit(&data, &GroupOptions { min_size: 3 }).unwrap();
    assert_eq!(curves.groups(), 1);
    assert!(curves.own_curve(&"b").is_none());
    close(curves.cumulative_fill(&"b", 1.0), 1.0 / 9.0, 1e-15);
    close(curves.cumulative_fill(&"b", 4.0), 2.0 / 9.0, 1e-15);
    close(curves.cumulative_fill(&"unknown", 5.0), 5.0 / 9.0, 1e-15);
    close(curves.not_filled_by(&"b", 10.0), 1.0 / 9.0, 1e-15);
    close(curves.pooled().cumulative_fill(100.0), 8.0 / 9.0, 1e-15);
    // The group's own curve is unchanged by the others.
    close(curves.cumulative_fill(&"a", 5.0), 0.5, 1e-15);
    // The default threshold is 30: nobody has their own curve here.
    let default = GroupCurves::fit(&data, &GroupOptions::default()).unwrap();
    assert_eq!(default.groups(), 0);
    close(default.cumulative_fill(&"a", 5.0), 5.0 / 9.0, 1e-15);
}

#[test]
fn without_competing_closure_it_is_one_minus_kaplan_meier() {
    // Filled 1, open 2, filled 3, filled 3, open 4: KM S(1) = 4/5, S(3) = 4/5 · (1 − 2/3).
    let curve = IncidenceCurve::fit([
        (1.0, Filled),
        (2.0, Open),
        (3.0, Filled),
        (3.0, Filled),
        (4.0, Open),
    ]);
    close(curve.cumulative_fill(1.0), 1.0 / 5.0, 1e-15);
    close(curve.cumulative_fill(3.0), 1.0 - 4.0 / 5.0 / 3.0, 1e-15);
}

#[test]
fn keys_can_be_numbers_and_bad_input_is_an_error() {
    let data = [(3_u64, 1.0, Filled), (3, 2.0, Open), (7, 1.0, Unfilled)];
    let curves = GroupCurves::fit(&data, &GroupOptions { min_size: 1 }).unwrap();
    close(curves.cumulative_fill(&3, 1.0), 0.5, 1e-15);
    close(curves.cumulative_fill(&7, 1.0), 0.0, 1e-15);
    close(curves.cumulative_fill(&3, f64::NAN), 0.0, 1e-15);

    let empty: [(u64, f64, Outcome); 0] = [];
    assert_eq!(
        GroupCurves::fit(&empty, &GroupOptions::default()),
        Err(BaselineError::Empty)
    );
    let bad = [(1_u64, 2.0, Filled), (1, -1.0, Open)];
    assert!(matches!(
        GroupCurves::fit(&bad, &GroupOptions::default()),
        Err(BaselineError::InvalidDays { index: 1, .. })
    ));
    let nan = [(1_u64, f64::NAN, Filled)];
    assert!(matches!(
        GroupCurves::fit(&nan, &GroupOptions::default()),
        Err(BaselineError::InvalidDays { index: 0, .. })
    ));
}

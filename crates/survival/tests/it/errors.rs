//! Bad input is a typed error, never a panic.

use survival::{Cause, Design, FitError, FitOptions, Model, PredictError, fit};

use crate::support::obs;
use survival::Outcome::{Filled, Open, Unfilled};

fn names() -> [&'static str; 2] {
    ["a", "b"]
}

#[test]
fn empty_data() {
    assert_eq!(
        fit(&names(), &[], &FitOptions::default()),
        Err(FitError::Empty)
    );
}

#[test]
fn non_finite_covariate() {
    let data = [
        obs(&[1.0, 2.0], 3.0, Filled),
        obs(&[1.0, f64::NAN], 3.0, Unfilled),
    ];
    assert_eq!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::NonFiniteCovariate {
            index: 1,
            feature: 1
        })
    );
    let data = [obs(&[f64::INFINITY, 2.0], 3.0, Filled)];
    assert_eq!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::NonFiniteCovariate {
            index: 0,
            feature: 0
        })
    );
}

#[test]
fn wrong_length() {
    let data = [obs(&[1.0, 2.0], 3.0, Filled), obs(&[1.0], 3.0, Unfilled)];
    assert_eq!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::WrongLength {
            index: 1,
            expected: 2,
            found: 1
        })
    );
}

#[test]
fn invalid_days_duplicates_options_and_causes_without_events() {
    let data = [obs(&[1.0, 2.0], -1.0, Filled)];
    assert!(matches!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::InvalidDays { index: 0, .. })
    ));
    let data = [obs(&[1.0, 2.0], f64::NAN, Filled)];
    assert!(matches!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::InvalidDays { index: 0, .. })
    ));
    let data = [obs(&[1.0, 2.0], 3.0, Filled), obs(&[0.0, 2.0], 5.0, Open)];
    assert_eq!(
        fit(&["a", "a"], &data, &FitOptions::default()),
        Err(FitError::DuplicateName("a".to_owned()))
    );
    assert_eq!(
        fit(&names(), &data, &FitOptions::default()),
        Err(FitError::NoEvents(Cause::Unfilled))
    );
    for options in [
        FitOptions {
            ridge: -1.0,
            ..FitOptions::default()
        },
        FitOptions {
            ridge: f64::NAN,
            ..FitOptions::default()
        },
        FitOptions {
            gradient_tolerance: -1.0,
            ..FitOptions::default()
        },
        FitOptions {
            history: 0,
            ..FitOptions::default()
        },
    ] {
        assert!(matches!(
            fit(&names(), &data, &options),
            Err(FitError::InvalidOptions(_))
        ));
    }
}

#[test]
fn objective_parameters_of_the_wrong_length() {
    let data = [obs(&[1.0], 3.0, Filled)];
    let design = Design::new(&data, 1).unwrap();
    let objective = design.objective(Cause::Fill, 1.0).unwrap();
    assert_eq!(
        objective.value(&[0.0; 3]),
        Err(FitError::WrongParameterCount {
            expected: 9,
            found: 3
        })
    );
    assert!(objective.gradient(&[]).is_err());
    assert!(
        objective
            .minimise(vec![0.0], &FitOptions::default())
            .is_err()
    );
}

#[test]
fn separated_data_and_extreme_values_stay_finite() {
    // Covariate b separates fills (b = 1) from closures (b = 0); the ridge keeps β finite.
    let data: Vec<_> = (0..40)
        .map(|i| {
            let b = f64::from(i % 2);
            let outcome = if i % 2 == 1 { Filled } else { Unfilled };
            obs(&[f64::from(i) * 1e6, b], f64::from(1 + i % 9), outcome)
        })
        .collect();
    let model = fit(&names(), &data, &FitOptions::default()).unwrap();
    assert!(model.fill().beta.iter().all(|b| b.is_finite()));
    assert!(model.fill().beta[1] > 0.0);
}

#[test]
fn predictions_refuse_bad_covariates() {
    let data = [
        obs(&[1.0, 2.0], 3.0, Filled),
        obs(&[0.0, 1.0], 4.0, Unfilled),
        obs(&[0.5, 1.0], 9.0, Open),
    ];
    let model: Model = fit(&names(), &data, &FitOptions::default()).unwrap();
    assert_eq!(
        model.predict(&[1.0]),
        Err(PredictError::WrongLength {
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        model.not_filled_by(&[1.0, f64::NAN], 30.0),
        Err(PredictError::NonFinite { feature: 1 })
    );
    assert!(model.contributions(&[1.0, 2.0, 3.0]).is_err());
    assert!(model.median_fill_day(&[]).is_err());
    assert!(serde_json::from_str::<Model>("{}").is_err());
    assert!(serde_json::from_str::<Model>("[1, 2]").is_err());
}

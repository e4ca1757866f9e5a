//! From hazards to probabilities, and the model as stored.

use survival::{
    FitOptions, INTERVALS, MEDIAN_HORIZON, Model, Outcome, cumulative_fill, fit, median_fill_day,
};

use crate::support::{Truth, close, obs, simulate};

/// With constant hazards h1 = 0.02 (fill) and h2 = 0.01 over all time, P(filled by t) =
/// h1/(h1+h2) (1 − e^{−(h1+h2)t}) = 2/3 (1 − e^{−0.03 t}):
/// t = 30: 2/3 (1 − e^{−0.9})  = 0.3956202268396006;
/// t = 47: 2/3 (1 − e^{−1.41}) = 0.5039044778977085;
/// t = 100: 2/3 (1 − e^{−3})   = 0.6334752877547574.
/// The chaining over intervals must give the same numbers as the single exponential.
#[test]
fn constant_hazards_give_the_closed_form() {
    let h1 = [0.02; INTERVALS];
    let h2 = [0.01; INTERVALS];
    close(
        cumulative_fill(&h1, &h2, 30.0),
        0.395_620_226_839_600_6,
        1e-12,
    );
    close(
        cumulative_fill(&h1, &h2, 47.0),
        0.503_904_477_897_708_5,
        1e-12,
    );
    close(
        cumulative_fill(&h1, &h2, 100.0),
        0.633_475_287_754_757_4,
        1e-12,
    );
    close(cumulative_fill(&h1, &h2, f64::INFINITY), 2.0 / 3.0, 1e-12);
    assert_eq!(cumulative_fill(&h1, &h2, 0.0), 0.0);
    assert_eq!(cumulative_fill(&h1, &h2, -3.0), 0.0);
    assert_eq!(cumulative_fill(&h1, &h2, f64::NAN), 0.0);
    // Median: 2/3 (1 − e^{−0.03 t}) = 1/2 ⇔ e^{−0.03 t} = 1/4 ⇔ t = ln 4 / 0.03 = 46.2098…
    close(
        median_fill_day(&h1, &h2).unwrap(),
        46.209_812_037_329_69,
        1e-9,
    );
}

#[test]
fn piecewise_hazards_chain_interval_by_interval() {
    // Fill 0.1 in the first week only, no unfilled closure: F(7) = 1 − e^{−0.7}, and it stays.
    let mut h1 = [0.0; INTERVALS];
    h1[0] = 0.1;
    let h2 = [0.0; INTERVALS];
    let f7 = 1.0 - (-0.7_f64).exp();
    close(
        cumulative_fill(&h1, &h2, 3.5),
        1.0 - (-0.35_f64).exp(),
        1e-12,
    );
    close(cumulative_fill(&h1, &h2, 7.0), f7, 1e-12);
    close(cumulative_fill(&h1, &h2, 200.0), f7, 1e-12);
    // F(7) = 0.503…: the median is inside the first week, at ln 2 / 0.1 = 6.931…
    close(median_fill_day(&h1, &h2).unwrap(), 2.0_f64.ln() / 0.1, 1e-9);

    // Fill 0.01 from day 7 to 14 after surviving 0.05 of unfilled hazard in the first week:
    // F(14) = e^{−0.35} (1 − e^{−0.07}).
    let mut h1 = [0.0; INTERVALS];
    h1[1] = 0.01;
    let mut h2 = [0.0; INTERVALS];
    h2[0] = 0.05;
    close(
        cumulative_fill(&h1, &h2, 14.0),
        (-0.35_f64).exp() * (1.0 - (-0.07_f64).exp()),
        1e-12,
    );
}

#[test]
fn median_is_none_when_never_reached_or_too_late() {
    // At most h1/(h1+h2) = 1/3 is ever filled.
    assert_eq!(
        median_fill_day(&[0.01; INTERVALS], &[0.02; INTERVALS]),
        None
    );
    // ln 2 / 0.001 = 693 days, past the horizon.
    assert!(2.0_f64.ln() / 0.001 > MEDIAN_HORIZON);
    assert_eq!(
        median_fill_day(&[0.001; INTERVALS], &[0.0; INTERVALS]),
        None
    );
    assert_eq!(median_fill_day(&[0.0; INTERVALS], &[0.0; INTERVALS]), None);
    // ln 2 / 0.002 = 346.6 days: inside.
    close(
        median_fill_day(&[0.002; INTERVALS], &[0.0; INTERVALS]).unwrap(),
        2.0_f64.ln() / 0.002,
        1e-9,
    );
}

fn small_model() -> Model {
    let truth = Truth {
        fill: [0.03, 0.03, 0.025, 0.02, 0.02, 0.015, 0.01, 0.005],
        unfilled: [0.005, 0.005, 0.008, 0.01, 0.012, 0.01, 0.008, 0.006],
        beta_fill: vec![0.5, -0.7],
        beta_unfilled: vec![-0.3, 0.4],
        censor_max: 200.0,
    };
    let data = simulate(&truth, 2_000, 11);
    fit(&["wage", "hard_to_fill"], &data, &FitOptions::default()).unwrap()
}

#[test]
fn a_prediction_is_the_chained_hazards_of_the_offer() {
    let model = small_model();
    let x = [1.2, 1.0];
    let prediction = model.predict(&x).unwrap();
    let z: Vec<f64> = x
        .iter()
        .zip(model.means())
        .zip(model.sds())
        .map(|((x, m), s)| (x - m) / s)
        .collect();
    let eta_fill: f64 = model.fill().beta.iter().zip(&z).map(|(b, z)| b * z).sum();
    let eta_unfilled: f64 = model
        .unfilled()
        .beta
        .iter()
        .zip(&z)
        .map(|(b, z)| b * z)
        .sum();
    let h1: Vec<f64> = model
        .fill()
        .alpha
        .iter()
        .map(|a| (a + eta_fill).exp())
        .collect();
    let h2: Vec<f64> = model
        .unfilled()
        .alpha
        .iter()
        .map(|a| (a + eta_unfilled).exp())
        .collect();
    for (a, b) in prediction.fill_hazards().iter().zip(&h1) {
        close(*a, *b, 1e-12 * b);
    }
    for t in [30.0, 47.0, 90.0] {
        let expected = cumulative_fill(&h1, &h2, t);
        close(prediction.cumulative_fill(t), expected, 1e-12);
        close(model.not_filled_by(&x, t).unwrap(), 1.0 - expected, 1e-12);
        let both = prediction.cumulative_fill(t) + prediction.cumulative_unfilled(t);
        assert!(both <= 1.0);
    }
    let median = model.median_fill_day(&x).unwrap().unwrap();
    close(prediction.cumulative_fill(median), 0.5, 1e-9);

    let contributions = model.contributions(&x).unwrap();
    assert_eq!(contributions.fill.len(), 2);
    for (k, z) in z.iter().enumerate() {
        close(contributions.fill[k], model.fill().beta[k] * z, 1e-12);
        close(
            contributions.unfilled[k],
            model.unfilled().beta[k] * z,
            1e-12,
        );
    }
    // Higher wage fills faster in the simulation: positive contribution above the mean.
    assert!(contributions.fill[0] > 0.0);
    assert!(contributions.fill[1] < 0.0);

    // Extreme covariates stay probabilities.
    let far = model.predict(&[1e9, -1e9]).unwrap();
    for t in [0.5, 30.0, 1e6] {
        let f = far.cumulative_fill(t);
        assert!((0.0..=1.0).contains(&f), "{f}");
    }
}

#[test]
fn a_model_is_stored_as_json_and_read_back() {
    let model = small_model();
    assert_eq!(model.feature_names(), &["wage", "hard_to_fill"]);
    let json = serde_json::to_string(&model).unwrap();
    let back: Model = serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may be one unit in the last place off.
    assert_eq!(back.feature_names(), model.feature_names());
    assert_eq!(back.observations(), model.observations());
    for (a, b) in [
        (&back.fill().alpha, &model.fill().alpha),
        (&back.fill().beta, &model.fill().beta),
        (&back.unfilled().alpha, &model.unfilled().alpha),
        (&back.unfilled().beta, &model.unfilled().beta),
        (&back.means().to_vec(), &model.means().to_vec()),
        (&back.sds().to_vec(), &model.sds().to_vec()),
    ] {
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(b) {
            close(*a, *b, 1e-14 * b.abs().max(1.0));
        }
    }
    for x in [[0.3, 0.0], [-1.5, 1.0]] {
        for t in [30.0, 47.0, 90.0] {
            close(
                back.not_filled_by(&x, t).unwrap(),
                model.not_filled_by(&x, t).unwrap(),
                1e-12,
            );
        }
    }
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "feature_names",
        "means",
        "sds",
        "bounds",
        "observations",
        "fill",
        "unfilled",
    ] {
        assert!(value.get(key).is_some(), "{key} is stored");
    }
    for key in ["alpha", "beta", "events", "log_likelihood", "iterations"] {
        assert!(value["fill"].get(key).is_some(), "fill.{key} is stored");
    }

    // A stored model that is not whole is refused, never half-read.
    let mut short_alpha = value.clone();
    short_alpha["fill"]["alpha"].as_array_mut().unwrap().pop();
    assert!(serde_json::from_value::<Model>(short_alpha).is_err());
    let mut other_bounds = value.clone();
    other_bounds["bounds"][1] = serde_json::json!(8.0);
    assert!(serde_json::from_value::<Model>(other_bounds).is_err());
    let mut zero_sd = value.clone();
    zero_sd["sds"][0] = serde_json::json!(0.0);
    assert!(serde_json::from_value::<Model>(zero_sd).is_err());
    let mut extra_beta = value;
    extra_beta["unfilled"]["beta"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(1.0));
    assert!(serde_json::from_value::<Model>(extra_beta).is_err());
}

#[test]
fn a_constant_covariate_is_harmless() {
    let data: Vec<_> = (0..60)
        .map(|i| {
            let outcome = match i % 3 {
                0 => Outcome::Filled,
                1 => Outcome::Unfilled,
                _ => Outcome::Open,
            };
            obs(&[4.0, f64::from(i % 2)], f64::from(i + 1), outcome)
        })
        .collect();
    let model = fit(&["constant", "parity"], &data, &FitOptions::default()).unwrap();
    assert_eq!(model.sds()[0], 1.0);
    assert_eq!(model.contributions(&[4.0, 1.0]).unwrap().fill[0], 0.0);
}

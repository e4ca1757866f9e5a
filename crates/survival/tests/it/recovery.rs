//! Data simulated from known hazards are fitted back to them.

use survival::{FitOptions, fit};

use crate::support::{Truth, close, simulate};

#[test]
fn coefficients_and_hazards_are_recovered() {
    let truth = Truth {
        fill: [0.03, 0.04, 0.025, 0.02, 0.02, 0.015, 0.01, 0.005],
        unfilled: [0.005, 0.005, 0.008, 0.01, 0.012, 0.01, 0.008, 0.006],
        beta_fill: vec![0.5, -0.7, 0.2],
        beta_unfilled: vec![-0.3, 0.4, 0.0],
        censor_max: 200.0,
    };
    let data = simulate(&truth, 30_000, 2024);
    let model = fit(&["a", "b", "c"], &data, &FitOptions::default()).unwrap();
    assert!(model.fill().converged, "{}", model.fill().termination);
    assert!(
        model.unfilled().converged,
        "{}",
        model.unfilled().termination
    );
    // About 19,000 fills and 6,000 unfilled closures: standard errors near 0.01 and 0.02
    // (0.015 and 0.03 for the binary covariates); tolerances are about four of them.
    let raw =
        |beta: &[f64]| -> Vec<f64> { beta.iter().zip(model.sds()).map(|(b, s)| b / s).collect() };
    let fill = raw(&model.fill().beta);
    let unfilled = raw(&model.unfilled().beta);
    for (k, tolerance) in [0.04, 0.06, 0.06].into_iter().enumerate() {
        close(fill[k], truth.beta_fill[k], tolerance);
    }
    for (k, tolerance) in [0.08, 0.12, 0.12].into_iter().enumerate() {
        close(unfilled[k], truth.beta_unfilled[k], tolerance);
    }
    // Baseline hazards at x = 0: exp(α_j + β·z(0)), within 10% where events are plenty.
    let prediction = model.predict(&[0.0, 0.0, 0.0]).unwrap();
    for j in 0..6 {
        let h = prediction.fill_hazards()[j];
        close(h / truth.fill[j], 1.0, 0.1);
    }
    for j in 2..6 {
        let h = prediction.unfilled_hazards()[j];
        close(h / truth.unfilled[j], 1.0, 0.2);
    }
}

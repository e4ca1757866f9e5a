//! How long a fit of the expected size takes: 450,000 offers × 12 covariates. Ignored by
//! default; run with `cargo test --release -p survival -- --ignored --nocapture timing`.
//! It prints the time and asserts nothing about it.

use std::time::Instant;

use survival::{FitOptions, fit};

use crate::support::{Truth, simulate};

#[test]
#[ignore = "a measurement, not a check: run it by hand"]
fn timing_fit_of_450_000_offers_with_12_covariates() {
    let mut beta_fill = vec![0.3, -0.5, 0.2];
    beta_fill.extend([0.1, -0.1, 0.05, 0.0, 0.15, -0.2, 0.1, 0.0, -0.05]);
    let mut beta_unfilled = vec![-0.2, 0.3, 0.0];
    beta_unfilled.extend([0.05, 0.1, -0.1, 0.0, 0.0, 0.1, -0.05, 0.2, 0.0]);
    let truth = Truth {
        fill: [0.03, 0.04, 0.025, 0.02, 0.02, 0.015, 0.01, 0.005],
        unfilled: [0.005, 0.005, 0.008, 0.01, 0.012, 0.01, 0.008, 0.006],
        beta_fill,
        beta_unfilled,
        censor_max: 200.0,
    };
    let data = simulate(&truth, 450_000, 1);
    let names: Vec<String> = (0..12).map(|k| format!("x{k}")).collect();
    let start = Instant::now();
    let model = fit(&names, &data, &FitOptions::default()).unwrap();
    let elapsed = start.elapsed();
    println!(
        "fit of {} offers × {} covariates: {:.2} s; fill: {} iterations ({}), unfilled: {} \
         iterations ({})",
        data.len(),
        names.len(),
        elapsed.as_secs_f64(),
        model.fill().iterations,
        model.fill().termination,
        model.unfilled().iterations,
        model.unfilled().termination,
    );
    assert!(model.fill().converged && model.unfilled().converged);
}

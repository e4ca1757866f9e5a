//! The likelihood, its gradient and the fit, against numbers computed by hand.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use survival::{Cause, Design, FitOptions, INTERVALS, Outcome, fit};

use crate::support::{close, obs};

/// Three offers without covariates, over the first three intervals:
///
/// - filled on day 3: 3 days in [0, 7);
/// - open on day 10: 7 days in [0, 7), 3 in [7, 14);
/// - closed unfilled on day 20: 7 in [0, 7), 7 in [7, 14), 6 in [14, 30).
///
/// Exposures 17, 10, 6; one fill in [0, 7), one unfilled closure in [14, 30).
#[test]
fn likelihood_of_three_offers_by_hand() {
    let data = [
        obs(&[], 3.0, Outcome::Filled),
        obs(&[], 10.0, Outcome::Open),
        obs(&[], 20.0, Outcome::Unfilled),
    ];
    let design = Design::new(&data, 0).unwrap();
    assert_eq!(
        design.exposure(),
        [17.0, 10.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    let mut params = vec![0.0; INTERVALS];
    params[0] = 2.0_f64.ln();
    params[2] = -1.0;

    // Fill: ℓ = α_0 − 17 e^α_0 − 10 e^α_1 − 6 e^α_2 = ln 2 − 34 − 10 − 6/e
    //         = 0.693147… − 44 − 2.207277… = −45.51412946646871.
    let fill = design.objective(Cause::Fill, 1.0).unwrap();
    assert_eq!(fill.events(), 1);
    close(
        fill.log_likelihood(&params).unwrap(),
        -45.514_129_466_468_71,
        1e-12,
    );
    // No covariate: nothing to penalise.
    close(fill.value(&params).unwrap(), 45.514_129_466_468_71, 1e-12);

    // Unfilled: ℓ = α_2 − 44 − 6/e = −1 − 44 − 2.207277… = −47.20727664702866.
    let unfilled = design.objective(Cause::Unfilled, 1.0).unwrap();
    close(
        unfilled.log_likelihood(&params).unwrap(),
        -47.207_276_647_028_66,
        1e-12,
    );

    // The gradient in α_j is e^α_j · exposure_j − events_j: 2·17 − 1, 10, 6/e, and 0 after.
    let grad = fill.gradient(&params).unwrap();
    close(grad[0], 33.0, 1e-12);
    close(grad[1], 10.0, 1e-12);
    close(grad[2], 6.0 * (-1.0_f64).exp(), 1e-12);
    assert!(grad[3..].iter().all(|g| *g == 0.0));
}

#[test]
fn an_offer_ended_on_a_bound_belongs_to_the_interval_before() {
    let data = [
        obs(&[], 7.0, Outcome::Filled),
        obs(&[], 0.0, Outcome::Unfilled),
        obs(&[], 14.5, Outcome::Filled),
    ];
    let design = Design::new(&data, 0).unwrap();
    assert_eq!(
        design.exposure(),
        [7.0 + 7.0, 7.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    let fill = design.objective(Cause::Fill, 1.0).unwrap();
    assert_eq!(
        fill.events_per_interval(),
        [1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    let unfilled = design.objective(Cause::Unfilled, 1.0).unwrap();
    assert_eq!(unfilled.events_per_interval()[0], 1.0);
}

/// Four offers in the first week, one covariate x = 0, 2, 0, 2: mean 1, population sd 1, so
/// z = −1, +1, −1, +1.
///
/// Fill (offers 1 and 2): ℓ = 2α_0 + β(−1 + 1) − e^α_0 (2e^−β + 5e^β + 4e^−β + 6e^β)
///                          = 2α_0 − e^α_0 (6e^−β + 11e^β).
/// At α_0 = 0, β = ln 2: ℓ = −(6/2 + 11·2) = −25, and with λ = 1 the cost is
/// 25 + (ln 2)²/2 = 25.2402265069591.
/// Unfilled (offer 4, z = +1): ℓ = α_0 + β − e^α_0 (6e^−β + 11e^β) = ln 2 − 25.
#[test]
fn likelihood_with_one_covariate_by_hand() {
    let data = [
        obs(&[0.0], 2.0, Outcome::Filled),
        obs(&[2.0], 5.0, Outcome::Filled),
        obs(&[0.0], 4.0, Outcome::Open),
        obs(&[2.0], 6.0, Outcome::Unfilled),
    ];
    let design = Design::new(&data, 1).unwrap();
    assert_eq!(design.scaling().means(), &[1.0]);
    assert_eq!(design.scaling().sds(), &[1.0]);
    let mut params = vec![0.0; INTERVALS + 1];
    params[INTERVALS] = 2.0_f64.ln();

    let fill = design.objective(Cause::Fill, 1.0).unwrap();
    close(fill.log_likelihood(&params).unwrap(), -25.0, 1e-12);
    close(fill.value(&params).unwrap(), 25.240_226_506_959_1, 1e-12);
    let unfilled = design.objective(Cause::Unfilled, 1.0).unwrap();
    close(
        unfilled.log_likelihood(&params).unwrap(),
        -24.306_852_819_440_056,
        1e-12,
    );

    // cost = −2α_0 + e^α_0 (6e^−β + 11e^β) + β²/2,
    // ∂/∂β = e^α_0 (−6e^−β + 11e^β) + β = −6/2 + 22 + ln 2 = 19 + ln 2.
    let grad = fill.gradient(&params).unwrap();
    close(grad[INTERVALS], 19.0 + 2.0_f64.ln(), 1e-12);
    // ∂/∂α_0 = e^α_0 (6/2 + 22) − 2 = 23.
    close(grad[0], 23.0, 1e-12);
}

#[test]
fn gradient_matches_finite_differences() {
    let mut rng = StdRng::seed_from_u64(7);
    let outcomes = [Outcome::Filled, Outcome::Unfilled, Outcome::Open];
    let data: Vec<_> = (0..80)
        .map(|_| {
            let x = [
                rng.random::<f64>() * 4.0 - 2.0,
                f64::from(u8::from(rng.random::<bool>())),
                rng.random::<f64>() * 10.0,
            ];
            let days = (rng.random::<f64>() * 250.0).floor();
            obs(&x, days, outcomes[rng.random_range(0..3)])
        })
        .collect();
    let design = Design::new(&data, 3).unwrap();
    for (cause, ridge) in [(Cause::Fill, 3.0), (Cause::Unfilled, 0.0)] {
        let objective = design.objective(cause, ridge).unwrap();
        for _ in 0..5 {
            let params: Vec<f64> = (0..objective.parameters())
                .map(|k| {
                    if k < INTERVALS {
                        -4.0 + rng.random::<f64>()
                    } else {
                        rng.random::<f64>() - 0.5
                    }
                })
                .collect();
            let grad = objective.gradient(&params).unwrap();
            for k in 0..params.len() {
                let h = 1e-6;
                let mut up = params.clone();
                up[k] += h;
                let mut down = params.clone();
                down[k] -= h;
                let numeric =
                    (objective.value(&up).unwrap() - objective.value(&down).unwrap()) / (2.0 * h);
                close(grad[k], numeric, 1e-5 * (1.0 + numeric.abs()));
            }
        }
    }
}

/// Seven offers without covariates:
///
/// | days | outcome  | [0,7) | [7,14) | [14,30) | [30,47) |
/// |------|----------|-------|--------|---------|---------|
/// | 3    | filled   | 3     |        |         |         |
/// | 5    | filled   | 5     |        |         |         |
/// | 6    | unfilled | 6     |        |         |         |
/// | 10   | open     | 7     | 3      |         |         |
/// | 12   | filled   | 7     | 5      |         |         |
/// | 20   | filled   | 7     | 7      | 6       |         |
/// | 40   | open     | 7     | 7      | 16      | 10      |
///
/// Exposures 42, 22, 22, 10. Fills 2, 1, 1, 0: hazards 2/42, 1/22, 1/22, 0. Unfilled 1, 0…:
/// 1/42, then 0. Nobody reached day 47: the later intervals take the hazard fitted before.
fn seven_offers() -> Vec<survival::Observation> {
    vec![
        obs(&[], 3.0, Outcome::Filled),
        obs(&[], 5.0, Outcome::Filled),
        obs(&[], 6.0, Outcome::Unfilled),
        obs(&[], 10.0, Outcome::Open),
        obs(&[], 12.0, Outcome::Filled),
        obs(&[], 20.0, Outcome::Filled),
        obs(&[], 40.0, Outcome::Open),
    ]
}

#[test]
fn without_covariates_the_hazards_are_events_over_exposure() {
    let names: [&str; 0] = [];
    let model = fit(&names, &seven_offers(), &FitOptions::default()).unwrap();
    let fill = model.fill().baseline_hazards();
    close(fill[0], 2.0 / 42.0, 1e-9);
    close(fill[1], 1.0 / 22.0, 1e-9);
    close(fill[2], 1.0 / 22.0, 1e-9);
    assert!(fill[3] < 1e-5, "no fill after day 30: {}", fill[3]);
    assert!(fill[4..].iter().all(|h| *h == fill[3]));
    let unfilled = model.unfilled().baseline_hazards();
    close(unfilled[0], 1.0 / 42.0, 1e-9);
    assert!(unfilled[1..4].iter().all(|h| *h < 1e-5), "{unfilled:?}");
    assert_eq!(model.fill().events, 4);
    assert_eq!(model.unfilled().events, 1);
    assert_eq!(model.observations(), 7);
    assert!(model.fill().converged && model.unfilled().converged);
    // ℓ at the optimum: Σ d_j ln(d_j/e_j) − Σ d_j.
    let expected = 2.0 * (2.0_f64 / 42.0).ln() + 2.0 * (1.0_f64 / 22.0).ln() - 4.0;
    close(model.fill().log_likelihood, expected, 1e-6);
}

#[test]
fn lbfgs_finds_the_closed_form_from_far_away() {
    let design = Design::new(&seven_offers(), 0).unwrap();
    let objective = design.objective(Cause::Fill, 1.0).unwrap();
    let fitted = objective
        .minimise(vec![0.0; INTERVALS], &FitOptions::default())
        .unwrap();
    assert!(fitted.converged, "{}", fitted.termination);
    assert!(fitted.iterations > 1);
    close(fitted.alpha[0].exp(), 2.0 / 42.0, 1e-7);
    close(fitted.alpha[1].exp(), 1.0 / 22.0, 1e-7);
    close(fitted.alpha[2].exp(), 1.0 / 22.0, 1e-7);
}

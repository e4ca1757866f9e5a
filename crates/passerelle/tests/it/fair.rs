//! `passerelle fair mtable`.

use crate::{assert_has, run_err, run_json, run_ok};

#[test]
fn mtable_prints_the_papers_vectors() {
    let json = run_json(&[
        "fair", "mtable", "--k", "20", "--p", "0.25", "--alpha", "0.1", "--json",
    ]);
    let minimums: Vec<u64> = json["minimums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_u64().unwrap())
        .collect();
    assert_eq!(
        minimums,
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]
    );
    assert!(json["fail_probability"].as_f64().unwrap() > 0.1);
    let text = run_ok(&[
        "fair", "mtable", "--k", "10", "--p", "0.2", "--alpha", "0.15",
    ]);
    assert_has(&text, "m(1..10) = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]");
}

#[test]
fn adjusted_mtable_says_its_alpha_and_stays_within_it() {
    let args = [
        "fair",
        "mtable",
        "--k",
        "20",
        "--p",
        "0.25",
        "--alpha",
        "0.1",
        "--adjusted",
    ];
    let json = run_json(&[&args[..], &["--json"]].concat());
    assert!(json["alpha_used"].as_f64().unwrap() < 0.1);
    assert!(json["fail_probability"].as_f64().unwrap() <= 0.1);
    let text = run_ok(&args);
    assert_has(&text, "adjusted alpha_c = ");
    assert!(
        run_err(&["fair", "mtable", "--k", "5", "--p", "0.2", "--alpha", "1.5"])
            .contains("alpha: 1.5")
    );
}

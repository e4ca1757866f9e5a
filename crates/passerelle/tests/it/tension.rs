use crate::{run_err, run_json, run_ok};

#[test]
fn official_tension_in_seine_saint_denis_is_answered_by_the_region() {
    // The 2019 edition has no value for any Île-de-France department: aides-soignants (J1501,
    // FAP V0Z60) in the 93 are answered by region 11, where it publishes class 3.
    let json = run_json(&[
        "tension",
        "official",
        "--rome",
        "j1501",
        "--department",
        "93",
        "--json",
    ]);
    assert_eq!(json["rome"], "J1501");
    assert_eq!(json["level"], "region");
    assert_eq!(json["territory"], "11");
    assert_eq!(json["class"], 3);
    assert_eq!(json["families"][0]["fap"], "V0Z60");
    assert_eq!(json["indicators"]["training_link"], 5);
    assert!(json["edition"].as_str().unwrap().contains("DARES"));
    let text = run_ok(&[
        "tension",
        "official",
        "--rome",
        "J1501",
        "--department",
        "93",
    ]);
    assert!(
        text.contains("territory: region 11 (Île-de-France) (no value for department 93"),
        "{text}"
    );
    assert!(text.contains("tension: class 3 of 5"), "{text}");
}

#[test]
fn official_tension_refuses_unknown_codes_and_territories_by_name() {
    let err = run_err(&[
        "tension",
        "official",
        "--rome",
        "J1501",
        "--department",
        "99",
    ]);
    assert!(
        err.contains("department: 99 is not a French department"),
        "{err}"
    );
    let err = run_err(&["tension", "official", "--rome", "Z9999"]);
    assert!(err.contains("Z9999"), "{err}");
    let err = run_err(&[
        "tension",
        "official",
        "--rome",
        "J1501",
        "--department",
        "93",
        "--region",
        "11",
    ]);
    assert!(err.contains("--region"), "{err}");
}

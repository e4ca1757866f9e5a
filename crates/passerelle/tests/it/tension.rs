use crate::{assert_has, run_err, run_json, run_ok};

/// `passerelle tension official --rome CODE` followed by `more`.
fn official(code: &str, more: &[&'static str]) -> Vec<String> {
    let mut args = vec!["tension", "official", "--rome", code];
    args.extend(more);
    args.into_iter().map(str::to_string).collect()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn official_tension_in_seine_saint_denis_is_answered_by_the_region() {
    // The 2019 edition has no value for any Île-de-France department: aides-soignants (J1501,
    // FAP V0Z60) in the 93 are answered by region 11, where it publishes class 3.
    let json = run_json(&refs(&official("j1501", &["--department", "93", "--json"])));
    assert_eq!(json["rome"], "J1501");
    assert_eq!(json["level"], "region");
    assert_eq!(json["territory"], "11");
    assert_eq!(json["class"], 3);
    assert_eq!(json["families"][0]["fap"], "V0Z60");
    assert_eq!(json["indicators"]["training_link"], 5);
    assert!(json["edition"].as_str().unwrap().contains("DARES"));
    let text = run_ok(&refs(&official("J1501", &["--department", "93"])));
    assert_has(
        &text,
        "territory: region 11 (Île-de-France) (no value for department 93",
    );
    assert_has(&text, "tension: class 3 of 5");
}

#[test]
fn official_tension_refuses_unknown_codes_and_territories_by_name() {
    for (code, more, expected) in [
        (
            "J1501",
            &["--department", "99"][..],
            "department: 99 is not a French department",
        ),
        ("Z9999", &[][..], "rome: "),
        (
            "J1501",
            &["--department", "93", "--region", "11"][..],
            "--region",
        ),
    ] {
        assert_has(&run_err(&refs(&official(code, more))), expected);
    }
}

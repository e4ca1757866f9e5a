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

#[test]
fn local_tension_on_a_simulated_region_withholds_small_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::sqlite_url(dir.path(), "region.db");
    run_ok(&[
        "simulate",
        "--scale",
        "0.002",
        "--seed",
        "3",
        "--database",
        &db,
    ]);
    // `passerelle tension local MORE… --year 2026 … --json` on the region.
    let in_2026 = |more: &[&str]| {
        let year = [
            "--year",
            "2026",
            "--today",
            "2026-12-04",
            "--json",
            "--database",
            &db,
        ];
        run_json(&[&["tension", "local"][..], more, &year].concat())
    };
    let year = in_2026(&[]);
    assert_eq!(year["period"], "2026");
    assert_eq!(year["secret_below"], 20);
    assert!(
        year["measure"]
            .as_str()
            .unwrap()
            .contains("not the DARES tension")
    );
    let cells = year["cells"].as_array().unwrap();
    assert!(!cells.is_empty());
    for cell in cells {
        // Cut by month; a count is shown only from twenty on.
        assert!(
            cell["period"].as_str().unwrap().starts_with("2026-"),
            "{cell}"
        );
        for key in ["offers", "seekers"] {
            assert!(
                cell[key].is_null() || cell[key].as_u64().unwrap() >= 20,
                "{cell}"
            );
        }
        if cell["offers"].is_null() {
            assert!(cell["hard_to_fill_share"].is_null(), "{cell}");
            assert!(cell["median_days_to_fill"].is_null(), "{cell}");
        }
    }
    let quarter = run_ok(&[
        "tension",
        "local",
        "--department",
        "93",
        "--quarter",
        "2026-Q3",
        "--limit",
        "2",
        "--today",
        "2026-12-04",
        "--database",
        &db,
    ]);
    assert_has(
        &quarter,
        "not the DARES tension), 2026-Q3, offers of department 93, by occupation and department",
    );
    assert_has(&quarter, "(93 · 2026-Q3)");
    assert_has(&quarter, "fewer than 20 offers: figures withheld");
    for (args, expected) in [
        (&["--quarter", "2026-Q5"][..], "quarter: \"2026-Q5\""),
        (&["--month", "2026-13"][..], "month: \"2026-13\""),
        (&["--department", "99"][..], "department: 99"),
        (&["--rome", "Z9999"][..], "rome: "),
        (
            &["--occupations", "fap", "--fap", "T4Z"][..],
            "fap: \"T4Z\"",
        ),
        (&["--occupations", "fap", "--rome", "N1103"][..], "rome: "),
        (&["--fap", "T4Z60"][..], "--occupations fap"),
    ] {
        let mut all = vec!["tension", "local", "--database", &db];
        all.extend(args);
        assert_has(&run_err(&all), expected);
    }
    // By FAP family and group of communes: families of the crosswalk, groups of the 93.
    let groups = in_2026(&[
        "--occupations",
        "fap",
        "--territories",
        "commune-group",
        "--department",
        "93",
    ]);
    assert_eq!(
        (
            groups["occupations"].as_str(),
            groups["territories"].as_str()
        ),
        (Some("fap"), Some("commune_group"))
    );
    let cells = groups["cells"].as_array().unwrap();
    assert!(!cells.is_empty());
    for cell in cells {
        let fap = cell["occupation"].as_str().unwrap();
        assert!(!refdata::tensions().occupations(fap).is_empty(), "{cell}");
        let group = cell["territory"].as_str().unwrap();
        let epci = refdata::geo().epci(group).unwrap();
        assert_eq!(epci.kind, "EPT", "the 93's communes are in EPTs: {cell}");
    }
}

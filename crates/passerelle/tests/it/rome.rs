use crate::{assert_has, run_err, run_json, run_ok};

#[test]
fn rome_show_n1101_json_gives_cariste_with_its_v3_detail() {
    let json = run_json(&["rome", "show", "N1101", "--json"]);
    assert_eq!(json["code"], "N1101");
    assert_eq!(json["label"], "Cariste");
    assert_eq!(json["domaine_professionnel"]["code"], "N11");
    assert_eq!(json["grand_domaine"]["label"], "Transport et Logistique");
    let titles = json["job_titles"].as_array().unwrap();
    assert!(titles.iter().any(|t| t["label"] == "Cariste"));
    assert!(titles.iter().any(|t| t["label"] == "Cariste d'entrepôt"));
    let skills = json["skills"].as_array().unwrap();
    assert!(
        skills
            .iter()
            .any(|s| s["label"] == "Gestes et postures de manutention")
    );
    let close = json["close_occupations"].as_array().unwrap();
    assert!(
        close
            .iter()
            .any(|c| c["code"] == "N1103" && c["kind"] == "proche")
    );
    assert!(
        close
            .iter()
            .any(|c| c["code"] == "F1301" && c["kind"] == "evolution")
    );
}

#[test]
fn rome_show_text_lists_the_same() {
    let text = run_ok(&["rome", "show", "n1101"]);
    assert!(text.starts_with("N1101  Cariste\n"));
    assert!(text.contains("N11 Magasinage, manutention des charges et déménagement"));
    assert!(text.contains("Job titles (18):"));
    assert!(text.contains("proche    N1103  Préparateur / Préparatrice de commandes"));
}

#[test]
fn rome_show_of_a_code_new_in_rome_4_says_its_links_are_derived() {
    let text = run_ok(&["rome", "show", "M1855"]);
    assert!(text.contains("New in ROME 4.0"));
    assert!(text.contains("derived   M1805  Développeur / Développeuse informatique"));
}

#[test]
fn rome_search_ranks_as_advisors_expect() {
    let first = |query: &str| {
        let json = run_json(&["rome", "search", query, "--json"]);
        json[0]["code"].as_str().unwrap().to_string()
    };
    assert_eq!(first("preparateur commandes"), "N1103");
    assert_eq!(first("aide soignante"), "J1501");
    assert_eq!(first("cariste"), "N1101");
    // Several words given as separate arguments are one query.
    let text = run_ok(&["rome", "search", "aide", "soignante", "--limit", "1"]);
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("J1501"));
}

#[test]
fn rome_errors_name_what_was_not_found_and_suggest() {
    let message = run_err(&["rome", "show", "N1199"]);
    assert_has(&message, "\"N1199\"");
    assert_has(&message, "closest: N1109");
    let message = run_err(&["rome", "show", "cariste"]);
    assert_has(&message, "is not a ROME code");
    assert_has(&message, "N1101 Cariste");
    let message = run_err(&["rome", "search", "zzzzqqqq"]);
    assert_has(&message, "no occupation matches \"zzzzqqqq\"");
}

use std::collections::HashSet;

use proptest::prelude::*;
use refdata::{MobilityKind, rome};

#[test]
fn embedded_tables_have_no_defects() {
    assert_eq!(rome().defects(), &[] as &[String]);
}

#[test]
fn referential_has_the_1584_rome_4_codes_and_532_with_v3_detail() {
    let occupations = rome().occupations();
    assert_eq!(occupations.len(), 1584);
    let unique: HashSet<&str> = occupations.iter().map(|o| o.code).collect();
    assert_eq!(unique.len(), 1584);
    // 531 in the v3.47 code list, and L1510 that its other files describe.
    assert_eq!(
        occupations.iter().filter(|o| o.label_v3.is_some()).count(),
        531
    );
    assert_eq!(
        occupations.iter().filter(|o| o.has_v3_detail()).count(),
        532
    );
    assert!(rome().occupation("L1510").unwrap().has_v3_detail());
    assert!(
        occupations.windows(2).all(|w| w[0].code < w[1].code),
        "sorted by code"
    );
}

#[test]
fn v3_detail_is_complete() {
    let occupations = rome().occupations();
    let titles: usize = occupations.iter().map(|o| o.job_titles.len()).sum();
    assert_eq!(titles, 10_990);
    assert_eq!(rome().skill_count(), 4_947);
    let v3_links = occupations
        .iter()
        .flat_map(|o| &o.mobility)
        .filter(|l| l.kind != MobilityKind::Derived)
        .count();
    assert_eq!(v3_links, 4_218);
    for o in occupations {
        if !o.has_v3_detail() {
            assert!(o.job_titles.is_empty() && o.skills.is_empty(), "{}", o.code);
        }
    }
}

#[test]
fn every_mobility_target_is_a_known_code() {
    for o in rome().occupations() {
        for link in &o.mobility {
            assert!(
                rome().occupation(link.target).is_some(),
                "{} -> {}",
                o.code,
                link.target
            );
            assert_ne!(link.target, o.code);
        }
    }
}

#[test]
fn derived_links_only_for_codes_new_in_rome_4_and_within_the_domain() {
    let mut with_derived = 0;
    for o in rome().occupations() {
        let derived: Vec<_> = o
            .mobility
            .iter()
            .filter(|l| l.kind == MobilityKind::Derived)
            .collect();
        if o.has_v3_detail() {
            assert!(
                derived.is_empty(),
                "{} has v3 detail and derived links",
                o.code
            );
            continue;
        }
        assert!(derived.len() <= 10);
        for link in &derived {
            assert_eq!(
                link.target.get(..3),
                o.code.get(..3),
                "{} -> {}",
                o.code,
                link.target
            );
            assert!(link.shared_naf_divisions.is_some());
        }
        with_derived += usize::from(!derived.is_empty());
    }
    // Nearly every new code shares its domaine professionnel with another code.
    assert!(with_derived > 1000, "{with_derived}");
}

#[test]
fn domains_have_the_14_grands_domaines_labelled() {
    for letter in 'A'..='N' {
        let domain = rome().domain(&letter.to_string()).unwrap();
        assert!(domain.label.is_some_and(|l| !l.is_empty()), "{letter}");
    }
    assert_eq!(
        rome().domain("N11").unwrap().label,
        Some("Magasinage, manutention des charges et déménagement")
    );
    for o in rome().occupations() {
        assert!(
            rome().domain(o.domaine_professionnel_code()).is_some(),
            "{}",
            o.code
        );
        for division in &o.naf_divisions {
            assert!(
                rome().naf_division(division).is_some(),
                "{} {division}",
                o.code
            );
        }
    }
}

#[test]
fn cariste_is_n1101_with_its_v3_detail() {
    let cariste = rome().occupation("N1101").unwrap();
    assert_eq!(cariste.label, "Cariste");
    assert_eq!(cariste.domaine_professionnel_code(), "N11");
    assert!(cariste.job_titles.iter().any(|t| t.label == "Cariste"));
    assert!(cariste.skills.len() > 10);
    assert!(
        cariste
            .mobility
            .iter()
            .any(|l| l.target == "N1103" && l.kind == MobilityKind::Proche)
    );
}

fn first(query: &str) -> &'static str {
    rome()
        .search(query, 10)
        .first()
        .map(|hit| hit.code)
        .unwrap_or("none")
}

#[test]
fn searches_rank_the_expected_occupation_first() {
    assert_eq!(first("preparateur commandes"), "N1103");
    assert_eq!(first("aide soignante"), "J1501");
    assert_eq!(first("cariste"), "N1101");
}

#[test]
fn search_ignores_case_accents_word_order_and_forgives_forms_and_typos() {
    assert_eq!(first("PRÉPARATEUR DE COMMANDES"), "N1103");
    assert_eq!(first("commandes préparatrice"), "N1103");
    assert_eq!(first("prepa commande"), "N1103");
    assert_eq!(first("aide-soignant"), "J1501");
    assert_eq!(first("aide soigante"), "J1501");
    assert_eq!(first("boulangère"), "D1102");
}

#[test]
fn search_of_nothing_meaningful_is_empty() {
    assert!(rome().search("", 10).is_empty());
    assert!(rome().search("   --- ", 10).is_empty());
    assert!(rome().search("zzzzqqqq", 10).is_empty());
    assert!(rome().search("cariste", 0).is_empty());
}

#[test]
fn find_accepts_lower_case_and_suggests_on_failure() {
    assert_eq!(rome().find(" n1101 ").unwrap().code, "N1101");
    let unknown = rome().find("N1199").unwrap_err();
    assert!(unknown.well_formed);
    assert!(unknown.suggestions.iter().any(|(code, _)| *code == "N1109"));
    let words = rome().find("cariste").unwrap_err();
    assert!(!words.well_formed);
    assert_eq!(words.suggestions.first().map(|s| s.0), Some("N1101"));
    assert!(words.to_string().contains("N1101 Cariste"));
}

proptest! {
    #[test]
    fn search_never_panics_and_ranks_best_first(query in "\\PC{0,40}", limit in 0usize..20) {
        let hits = rome().search(&query, limit);
        prop_assert!(hits.len() <= limit);
        prop_assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        prop_assert!(hits.iter().all(|h| h.score > 0.0 && h.score <= 1.0));
    }

    #[test]
    fn find_never_panics(query in "\\PC{0,12}") {
        match rome().find(&query) {
            Ok(o) => prop_assert_eq!(o.code, query.trim().to_ascii_uppercase()),
            Err(err) => prop_assert!(!err.to_string().is_empty()),
        }
    }
}

/// Regression (probe, defect 4): occupation search grew faster than linearly in the number of
/// words. It reads the first `MAX_QUERY_CHARS` characters and matches at most
/// `MAX_QUERY_WORDS` distinct words.
#[test]
fn oversized_queries_are_cut_at_the_limit() {
    let hits = rome().search(&"cariste ".repeat(200_000), 5);
    assert_eq!(hits.first().map(|h| h.code), Some("N1101"));
    let many: String = (0..50_000).map(|i| format!("w{i} ")).collect();
    assert!(rome().search(&many, 5).is_empty());
    assert!(rome().find(&many).is_err());
}

use proptest::prelude::*;
use refdata::{distance_km, geo};

/// A box around Île-de-France.
fn in_ile_de_france(lat: f64, lon: f64) -> bool {
    (48.1..=49.25).contains(&lat) && (1.4..=3.6).contains(&lon)
}

#[test]
fn embedded_tables_have_no_defects() {
    assert_eq!(geo().defects(), &[] as &[String]);
}

#[test]
fn ile_de_france_has_its_1266_communes_all_located_inside_it() {
    let communes: Vec<_> = geo()
        .communes()
        .iter()
        .filter(|c| c.region == "11" && !c.is_arrondissement())
        .collect();
    assert_eq!(communes.len(), 1266);
    let population: u64 = communes.iter().map(|c| u64::from(c.population)).sum();
    assert!(
        (12_300_000..12_600_000).contains(&population),
        "{population}"
    );
    for c in &communes {
        assert!(
            in_ile_de_france(c.latitude, c.longitude),
            "{} {} {:?}",
            c.code,
            c.name,
            c.point()
        );
        assert!(!c.postcodes.is_empty(), "{}", c.code);
        assert!(c.epci.is_some(), "{}", c.code);
    }
    // Most of the population is placed from GeoNames, not by a fallback.
    let exact: u64 = communes
        .iter()
        .filter(|c| !c.approximate)
        .map(|c| u64::from(c.population))
        .sum();
    assert!(exact * 100 / population >= 97, "{exact} of {population}");
}

#[test]
fn every_commune_of_france_is_located_in_its_part_of_the_world() {
    let communes = geo().communes();
    assert!(communes.len() > 34_000);
    for c in communes {
        let inside = match c.department {
            "971" => (15.8..=16.6).contains(&c.latitude) && (-61.9..=-60.9).contains(&c.longitude),
            "972" => (14.3..=14.9).contains(&c.latitude) && (-61.3..=-60.8).contains(&c.longitude),
            "973" => (2.0..=6.0).contains(&c.latitude) && (-54.7..=-51.5).contains(&c.longitude),
            "974" => (-21.5..=-20.8).contains(&c.latitude) && (55.2..=55.9).contains(&c.longitude),
            "976" => (-13.1..=-12.6).contains(&c.latitude) && (44.9..=45.4).contains(&c.longitude),
            _ => (41.3..=51.1).contains(&c.latitude) && (-5.2..=9.6).contains(&c.longitude),
        };
        assert!(inside, "{} {} {:?}", c.code, c.name, c.point());
        assert!(geo().department(c.department).is_some(), "{}", c.code);
        assert!(geo().region(c.region).is_some(), "{}", c.code);
    }
}

#[test]
fn arrondissements_of_paris_lyon_and_marseille_are_there() {
    let count = |parent: &str| {
        geo()
            .communes()
            .iter()
            .filter(|c| c.arrondissement_of == Some(parent))
            .count()
    };
    assert_eq!(count("75056"), 20);
    assert_eq!(count("69123"), 9);
    assert_eq!(count("13055"), 16);
    assert_eq!(
        geo().commune("75111").unwrap().name,
        "Paris 11e Arrondissement"
    );
}

#[test]
fn saint_denis_is_where_it_should_be() {
    let c = geo().commune("93066").unwrap();
    assert_eq!(c.name, "Saint-Denis");
    assert_eq!(c.department, "93");
    assert_eq!(c.population, 149_077);
    assert!(in_ile_de_france(c.latitude, c.longitude));
    assert!(!c.approximate);
    assert_eq!(c.postcodes, ["93200", "93210", "93380"]);
}

#[test]
fn find_by_code_postcode_name_and_former_name() {
    let codes =
        |query: &str| -> Vec<&str> { geo().find(query).unwrap().iter().map(|c| c.code).collect() };
    assert_eq!(codes("93066"), ["93066"]);
    assert_eq!(codes("2a004"), ["2A004"]);
    assert_eq!(codes("93200"), ["93066"]);
    assert_eq!(codes("evry courcouronnes"), ["91228"]);
    assert_eq!(codes("ÉVRY-COURCOURONNES"), ["91228"]);
    assert_eq!(codes("Pierrefitte-sur-Seine"), ["93066"]);
    assert_eq!(codes("paris 11"), ["75111"]);
    // A name shared by several communes: most populated first.
    assert_eq!(codes("saint-denis").first(), Some(&"97411"));
    assert!(codes("saint-denis").contains(&"93066"));
}

#[test]
fn unknown_queries_get_suggestions() {
    let err = geo().find("evry courcouronne").unwrap_err();
    assert_eq!(err.suggestions.first().map(|s| s.0), Some("91228"));
    assert!(err.to_string().contains("Évry-Courcouronnes"));
    let err = geo().find("93067").unwrap_err();
    assert!(err.suggestions.iter().any(|s| s.0 == "93066"));
    let err = geo().find("").unwrap_err();
    assert!(err.suggestions.is_empty());
}

#[test]
fn distance_paris_saint_denis_is_about_nine_kilometres() {
    let paris = geo().commune("75056").unwrap();
    let saint_denis = geo().commune("93066").unwrap();
    let d = distance_km(paris.point(), saint_denis.point());
    assert!((5.0..12.0).contains(&d), "{d}");
    assert_eq!(distance_km(paris.point(), paris.point()), 0.0);
    // Paris to Marseille, about 660 km as the crow flies.
    let marseille = geo().commune("13055").unwrap();
    let d = distance_km(paris.point(), marseille.point());
    assert!((640.0..680.0).contains(&d), "{d}");
}

proptest! {
    #[test]
    fn find_never_panics(query in "\\PC{0,30}") {
        match geo().find(&query) {
            Ok(found) => prop_assert!(!found.is_empty()),
            Err(err) => prop_assert!(err.suggestions.len() <= 5),
        }
    }

    #[test]
    fn distance_is_symmetric_and_bounded(a in 0usize..35_000, b in 0usize..35_000) {
        let communes = geo().communes();
        let (a, b) = (&communes[a % communes.len()], &communes[b % communes.len()]);
        let d = distance_km(a.point(), b.point());
        prop_assert!((d - distance_km(b.point(), a.point())).abs() < 1e-9);
        prop_assert!((0.0..=20_040.0).contains(&d));
    }
}

#[test]
fn names_starting_with_a_prefix_include_former_names_and_flag_exact_ones() {
    let geo = refdata::geo();
    let found = geo.names_starting_with("évry");
    assert!(
        found.iter().any(|(c, exact)| c.code == "89162" && *exact),
        "Évry (89)"
    );
    assert!(
        found.iter().any(|(c, exact)| c.code == "91228" && !*exact),
        "Évry-Courcouronnes"
    );
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.code).collect();
    let mut unique = codes.clone();
    unique.dedup();
    assert_eq!(codes, unique, "each commune once");
    assert!(geo.names_starting_with("  ").is_empty());
}

/// Regression (probe, defect 4): a 1 MB commune name held a server worker for 1,531 s in the
/// fuzzy suggestions. Lookups read no further than the limit and skip fuzzy suggestions for
/// text longer than any commune name.
#[test]
fn oversized_queries_are_cut_at_the_limit_and_get_no_fuzzy_suggestions() {
    let huge = "saint denis ".repeat(100_000);
    let err = geo().find(&huge).unwrap_err();
    assert!(err.suggestions.is_empty(), "{:?}", err.suggestions);
    assert!(err.query.chars().count() <= refdata::text::MAX_QUERY_CHARS);
    assert!(geo().names_starting_with(&huge).is_empty());
    let long_name = "x".repeat(refdata::text::MAX_FUZZY_CHARS + 1);
    assert!(geo().find(&long_name).unwrap_err().suggestions.is_empty());
    // Below the limit, suggestions as before.
    assert!(
        !geo()
            .find("evry courcouronne")
            .unwrap_err()
            .suggestions
            .is_empty()
    );
    // The server's lookup: what `find` finds, never suggestions.
    assert!(geo().lookup("evry courcouronne").is_empty());
    assert_eq!(
        geo().lookup(" 93066 ").first().map(|c| c.code),
        Some("93066")
    );
    assert_eq!(
        geo().lookup("Saint-Denis").len(),
        geo().find("Saint-Denis").unwrap().len()
    );
    assert!(geo().lookup(&huge).is_empty());
}

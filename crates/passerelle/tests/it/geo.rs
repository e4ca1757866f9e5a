use crate::{assert_has, run_err, run_json, run_ok};

#[test]
fn geo_commune_93066_json_gives_saint_denis() {
    let json = run_json(&["geo", "commune", "93066", "--json"]);
    let communes = json.as_array().unwrap();
    assert_eq!(communes.len(), 1);
    let c = &communes[0];
    assert_eq!(c["code"], "93066");
    assert_eq!(c["name"], "Saint-Denis");
    assert_eq!(c["department"], "93");
    assert_eq!(c["region"], "11");
    assert_eq!(c["population"], 149_077);
    assert_eq!(c["approximate"], false);
    let (lat, lon) = (
        c["latitude"].as_f64().unwrap(),
        c["longitude"].as_f64().unwrap(),
    );
    assert!(
        (48.1..=49.25).contains(&lat) && (1.4..=3.6).contains(&lon),
        "{lat} {lon}"
    );
    for key in ["postcodes", "region_name", "department_name"] {
        assert!(!c[key].is_null(), "{key}");
    }
}

#[test]
fn geo_commune_by_postcode_and_by_name() {
    let json = run_json(&["geo", "commune", "93200", "--json"]);
    assert_eq!(json[0]["code"], "93066");
    let json = run_json(&["geo", "commune", "evry courcouronnes", "--json"]);
    assert_eq!(json[0]["code"], "91228");
    assert_eq!(json[0]["name"], "Évry-Courcouronnes");
    let text = run_ok(&["geo", "commune", "Paris 11"]);
    assert!(
        text.starts_with("75111  Paris 11e Arrondissement  75 Paris"),
        "{text}"
    );
}

#[test]
fn geo_distance_paris_saint_denis_is_between_5_and_12_km() {
    let json = run_json(&["geo", "distance", "75056", "93066", "--json"]);
    let km = json["kilometres"].as_f64().unwrap();
    assert!((5.0..12.0).contains(&km), "{km}");
    assert_eq!(json["from"]["name"], "Paris");
    assert_eq!(json["to"]["name"], "Saint-Denis");
    let text = run_ok(&["geo", "distance", "75056", "93066"]);
    assert!(
        text.ends_with("km from Paris (75056) to Saint-Denis (93066)\n"),
        "{text}"
    );
}

#[test]
fn geo_errors_name_the_query_and_suggest() {
    let message = run_err(&["geo", "commune", "evry courcouronne"]);
    assert_has(&message, "\"evry courcouronne\"");
    assert_has(&message, "Évry-Courcouronnes (91, 91228)");
    let message = run_err(&["geo", "distance", "saint-denis", "75056"]);
    assert_has(&message, "names 4 communes");
    assert_has(&message, "Saint-Denis (93, 93066)");
    let message = run_err(&["geo", "distance", "75056", "nowhere-at-all"]);
    assert_has(&message, "\"nowhere-at-all\"");
}

use refdata::tension::{CLASS_BOUNDS, Level, TensionError, Territory, class_of_score};
use refdata::tensions;

#[test]
fn embedded_tables_have_no_defects() {
    assert_eq!(tensions().defects(), &[] as &[String]);
}

#[test]
fn a_known_family_and_code_give_the_published_figures() {
    // J1501 (aides-soignants) is FAP V0Z60 alone; nationally the edition publishes
    // 0.4012448575124522, class 4, indicators 2 5 4 3 5 1, 662,100 jobs.
    let t = tensions();
    assert_eq!(t.families("J1501"), ["V0Z60"]);
    let nation = t.official("J1501", Territory::Nation).unwrap();
    assert_eq!((nation.level, nation.territory), (Level::Nation, None));
    assert_eq!(nation.class, 4);
    assert!((nation.score - 0.4012).abs() < 1e-9, "{}", nation.score);
    assert_eq!(
        nation
            .indicators
            .labelled()
            .map(|(_, class)| class.unwrap()),
        [2, 5, 4, 3, 5, 1]
    );
    assert_eq!(nation.families[0].employment, Some(662_100));
    assert!(nation.edition.contains("2019"));
    // In the Rhône the department answers: 0.7021322956747854, class 5.
    let rhone = t.official("J1501", Territory::Department("69")).unwrap();
    assert_eq!(
        (rhone.level, rhone.territory, rhone.class),
        (Level::Department, Some("69"), 5)
    );
}

#[test]
fn ile_de_france_departments_fall_back_to_the_region() {
    // The edition leaves every Île-de-France department empty: Seine-Saint-Denis is answered
    // by region 11 (V0Z60 there: -0.1132596183974142, class 3).
    let t = tensions();
    let family = t.family("V0Z60", Level::Department, "93").unwrap();
    assert_eq!((family.score, family.class), (None, None));
    assert_eq!(family.employment, Some(11_100));
    let answer = t.official("J1501", Territory::Department("93")).unwrap();
    assert_eq!(
        (answer.level, answer.territory, answer.class),
        (Level::Region, Some("11"), 3)
    );
    assert!((answer.score + 0.1133).abs() < 1e-9, "{}", answer.score);
    let region = t.official("J1501", Territory::Region("11")).unwrap();
    assert_eq!(region, answer);
}

#[test]
fn a_code_with_several_families_weighs_them_by_employment() {
    // A1416 is A0Z40 (63,100 jobs, -0.0061, class 3) and A2Z70 (56,300, 0.4838, class 4).
    let t = tensions();
    assert_eq!(t.families("A1416"), ["A0Z40", "A2Z70"]);
    let answer = t.official("A1416", Territory::Nation).unwrap();
    let expected = (63_100.0 * -0.0061 + 56_300.0 * 0.4838) / (63_100.0 + 56_300.0);
    assert!((answer.score - expected).abs() < 1e-9, "{}", answer.score);
    // 0.2249, between the bounds 0.130 and 0.510: class 4.
    assert!((answer.score - 0.2249).abs() < 1e-4, "{}", answer.score);
    assert_eq!(answer.class, 4);
    let faps: Vec<&str> = answer.families.iter().map(|f| f.fap).collect();
    assert_eq!(faps, ["A0Z40", "A2Z70"]);
    assert!(answer.combined);
    assert!(!t.official("J1501", Territory::Nation).unwrap().combined);
}

#[test]
fn a_small_cell_without_published_class_is_not_used() {
    // H2501 is C2Z80 alone. In Guadeloupe (region 01) the edition gives it a score (1.104,
    // 0 jobs) and no class: the nation answers, with its published class 3.
    let t = tensions();
    let cell = t.family("C2Z80", Level::Region, "01").unwrap();
    assert_eq!((cell.class, cell.employment), (None, Some(0)));
    assert!(cell.score.is_some());
    let answer = t.official("H2501", Territory::Region("01")).unwrap();
    assert_eq!((answer.level, answer.class), (Level::Nation, 3));
    // Corsica's lower-case code is the department 2A.
    let corsica = t.official("J1501", Territory::Department("2a")).unwrap();
    assert_eq!(corsica.territory, Some("2A"));
}

#[test]
fn unknown_codes_and_territories_are_named() {
    let t = tensions();
    assert_eq!(
        t.official("Z9999", Territory::Nation),
        Err(TensionError::NoFamily("Z9999".to_string()))
    );
    assert_eq!(
        t.official("J1501", Territory::Department("99")),
        Err(TensionError::UnknownDepartment("99".to_string()))
    );
    assert_eq!(
        t.official("J1501", Territory::Region("00")),
        Err(TensionError::UnknownRegion("00".to_string()))
    );
    assert!(
        TensionError::NoFamily("Z9999".to_string())
            .to_string()
            .starts_with("rome: ")
    );
}

#[test]
fn classes_follow_the_editions_bounds() {
    assert_eq!(CLASS_BOUNDS.len(), 4);
    for (score, class) in [
        (-1.0, 1),
        (-0.565, 1),
        (-0.4, 2),
        (-0.260, 2),
        (0.0, 3),
        (0.130, 3),
        (0.3, 4),
        (0.510, 4),
        (0.6, 5),
    ] {
        assert_eq!(class_of_score(score), class, "{score}");
    }
}

#[test]
fn the_national_series_runs_from_2011_to_2019() {
    let series = tensions().national_series("V0Z60");
    let years: Vec<u16> = series.iter().map(|(year, _)| *year).collect();
    assert_eq!(years, (2011..=2019).collect::<Vec<_>>());
}

#[test]
fn a_family_lists_its_occupations_and_falls_back_like_a_code() {
    // T4Z62 (agents d'entretien, par ex. de locaux) holds seven ROME codes in the crosswalk.
    let t = tensions();
    assert_eq!(
        t.occupations("T4Z62"),
        [
            "I1201", "I1202", "I1503", "K2301", "K2303", "K2304", "K2305"
        ]
    );
    assert!(t.occupations("ZZZ99").is_empty());
    // The Rhône answers for itself; Seine-Saint-Denis falls back to region 11 (class 3).
    let rhone = t.family_in("V0Z60", "69").unwrap();
    assert_eq!((rhone.level, rhone.class), (Level::Department, Some(5)));
    let saint_denis = t.family_in("V0Z60", "93").unwrap();
    assert_eq!(
        (saint_denis.level, saint_denis.territory, saint_denis.class),
        (Level::Region, Some("11"), Some(3))
    );
    assert!(t.family_in("ZZZ99", "93").is_none());
}

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

fn offers(
    rome: &str,
    commune: &str,
    month: &str,
    status: OfferStatus,
    days_open: Option<i64>,
    n: u64,
) -> OfferGroup {
    OfferGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        month: month.to_string(),
        hard_to_fill: false,
        status,
        // The cancelled offers of these tests were given up for lack of candidates.
        close_reason: (status == OfferStatus::Cancelled).then_some(CloseReason::LackOfCandidates),
        days_open,
        offers: n,
    }
}

fn seekers(rome: &str, commune: &str, limit: u16, n: u64) -> SeekerGroup {
    SeekerGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        commute_limit_km: limit,
        seekers: n,
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Forty N1103 offers in Seine-Saint-Denis in July 2026: 30 in Saint-Denis (93066), 10 in
/// Montreuil (93048). Forty job seekers: 10 in Saint-Denis, 30 in Montreuil.
fn world() -> (Vec<OfferGroup>, Vec<SeekerGroup>) {
    use OfferStatus::{Cancelled, Filled, Open};
    let mut offers: Vec<OfferGroup> = [
        ("N1103", "93066", Filled, Some(10), 10),
        ("N1103", "93066", Filled, Some(40), 10),
        ("N1103", "93066", Cancelled, Some(5), 5),
        ("N1103", "93066", Open, None, 5),
        ("N1103", "93048", Filled, Some(100), 10),
        // Another occupation, and another department: cells of their own.
        ("J1501", "93066", Open, None, 3),
        ("N1103", "75056", Open, None, 2),
    ]
    .into_iter()
    .map(|(rome, commune, status, days_open, n)| {
        offers(rome, commune, "2026-07", status, days_open, n)
    })
    .collect();
    // The first ten, filled after 10 days, were declared hard to fill.
    offers[0].hard_to_fill = true;
    let seekers = vec![
        seekers("N1103", "93066", 5, 10),
        seekers("N1103", "93048", 5, 30),
        // Lives in Paris, travels far: reaches every commune here.
        seekers("N1103", "75056", 50, 4),
    ];
    (offers, seekers)
}

/// The local tension of the 93 by quarter, measured on 2026-11-30: July's last day is 122 days
/// before, so every delay is judged.
fn by_quarter_in_the_93(
    offers: &[OfferGroup],
    seekers: &[SeekerGroup],
    territories: Territories,
) -> Vec<LocalTension> {
    local_tension(
        offers,
        seekers,
        Granularity::Quarter,
        "",
        territories,
        Some("93"),
        day("2026-11-30"),
    )
}

#[test]
fn figures_are_measured_as_written_in_the_module() {
    let (offers, seekers) = world();
    let all = by_quarter_in_the_93(&offers, &seekers, Territories::Department);
    assert_eq!(all.len(), 2, "{all:?}");
    let cell = all.iter().find(|c| c.occupation == "N1103").unwrap();
    assert_eq!(
        (cell.territory.as_str(), cell.period.as_str()),
        ("93", "2026-Q3")
    );
    assert_eq!(cell.offers, Some(40));
    // Those living in the department: 10 + 30 (not the Parisian).
    assert_eq!(cell.seekers, Some(40));
    assert_eq!(cell.offers_per_10_seekers, Some(10.0));
    // Offers 30/40 and 10/40 against seekers 10/40 and 30/40: ½(0.5 + 0.5).
    assert_eq!(cell.dissimilarity, Some(0.5));
    assert_eq!(cell.hard_to_fill_share, Some(0.25));
    assert_eq!(cell.abandoned_share, Some(5.0 / 40.0));
    // Filled: 10 after 10 days, 10 after 40, 10 after 100; out of 40.
    assert_eq!(cell.filled_within, [Some(0.25), Some(0.5), Some(0.5)]);
    // 30 filled: the 15th and 16th are both 40 days.
    assert_eq!(cell.median_days_to_fill, Some(40.0));
    // Reach: Saint-Denis and Montreuil are more than 5 km apart, so those with a 5 km limit
    // reach their own commune only; the Parisian (50 km) reaches both. Saint-Denis: 10 + 4,
    // Montreuil: 30 + 4; per offer (30 × 14 + 10 × 34) / 40 = 19.
    assert_eq!(cell.seekers_within_reach, Some(19.0));
}

#[test]
fn figures_on_fewer_than_twenty_are_withheld() {
    let (offers, seekers) = world();
    let all = local_tension(
        &offers,
        &seekers,
        Granularity::Month,
        "",
        Territories::Department,
        None,
        day("2026-11-30"),
    );
    // J1501 in the 93: three offers, no job seeker.
    let small = all.iter().find(|c| c.occupation == "J1501").unwrap();
    assert_eq!(small.period, "2026-07");
    assert_eq!((small.offers, small.seekers), (None, None));
    assert_eq!(small.offers_per_10_seekers, None);
    assert_eq!(small.filled_within, [None; 3]);
    assert_eq!(small.median_days_to_fill, None);
    // N1103 in Paris: two offers, four seekers.
    let paris = all
        .iter()
        .find(|c| c.occupation == "N1103" && c.territory == "75")
        .unwrap();
    assert_eq!((paris.offers, paris.seekers), (None, None));
    assert_eq!(paris.dissimilarity, None);
}

#[test]
fn fill_rates_judge_only_offers_old_enough() {
    let (offers, seekers) = world();
    // 2026-09-15: July's last day is 46 days before: the 30-day rate only.
    let cell = local_tension(
        &offers,
        &seekers,
        Granularity::Whole,
        "2026-07",
        Territories::Department,
        Some("93"),
        day("2026-09-15"),
    )
    .into_iter()
    .find(|c| c.occupation == "N1103")
    .unwrap();
    assert_eq!(cell.period, "2026-07");
    assert_eq!(cell.filled_within, [Some(0.25), None, None]);
}

#[test]
fn groups_of_communes_are_the_ept_in_the_grand_paris_and_paris_as_one() {
    let groups = Territories::CommuneGroup;
    // Saint-Denis: Plaine Commune; Montreuil: Est Ensemble; Paris and its arrondissements:
    // Paris (the Métropole du Grand Paris is not a local group); Lyon: its métropole.
    assert_eq!(groups.of("93066"), "200057867");
    assert_eq!(groups.of("93048"), "200057875");
    assert_eq!(groups.of("75056"), "75056");
    assert_eq!(groups.of("75111"), "75056");
    assert_eq!(groups.of("69123"), "200046977");
    assert_eq!(groups.of("99999"), "99999");
    assert_eq!(groups.name("200057867"), Some("Plaine Commune"));
    assert_eq!(groups.name("75056"), Some("Paris"));
    assert_eq!(Territories::Department.of("93066"), "93");
}

#[test]
fn by_group_of_communes_each_group_counts_its_offers_and_residents() {
    let (offers, seekers) = world();
    let all = by_quarter_in_the_93(&offers, &seekers, Territories::CommuneGroup);
    let cell = |group: &str| {
        all.iter()
            .find(|c| c.occupation == "N1103" && c.territory == group)
            .unwrap()
    };
    // Plaine Commune: the 30 offers of Saint-Denis; its 10 residents are too few to show.
    let plaine = cell("200057867");
    assert_eq!((plaine.offers, plaine.seekers), (Some(30), None));
    assert_eq!(plaine.hard_to_fill_share, Some(10.0 / 30.0));
    // One commune each side: the offers and the residents are in the same place.
    assert_eq!(plaine.dissimilarity, None);
    // Est Ensemble: 10 offers (withheld), 30 residents.
    let est = cell("200057875");
    assert_eq!((est.offers, est.seekers), (None, Some(30)));
    // The Paris offers are not the 93's.
    assert!(all.iter().all(|c| c.territory != "75056"), "{all:?}");
}

#[test]
fn by_fap_family_an_offer_counts_in_each_family_and_a_person_once() {
    // N1103 is in families J0Z20, J1Z40 and J1Z80; N1101 in J0Z20 and J1Z40.
    let (mut offers, _) = world();
    offers.push(OfferGroup {
        rome: "N1101".to_string(),
        ..offers[0].clone()
    });
    let set = |romes: &[&str], commune: &str, n: u64| SeekerSet {
        romes: romes.iter().map(|r| r.to_string()).collect(),
        commune: commune.to_string(),
        commute_limit_km: 5,
        seekers: n,
    };
    let sets = vec![
        set(&["N1101", "N1103"], "93066", 10),
        set(&["N1103"], "93048", 30),
        set(&["J1501"], "93048", 25),
    ];
    let (families, seekers) = by_family(offers.clone(), &sets, None);
    let all = by_quarter_in_the_93(&families, &seekers, Territories::Department);
    let cell = |fap: &str| all.iter().find(|c| c.occupation == fap).unwrap();
    // J0Z20: the 40 N1103 offers and the 10 N1101 ones; 40 people, the 10 seeking both once.
    assert_eq!(
        (cell("J0Z20").offers, cell("J0Z20").seekers),
        (Some(50), Some(40))
    );
    assert_eq!(cell("J0Z20").offers_per_10_seekers, Some(12.5));
    assert_eq!(
        (cell("J1Z80").offers, cell("J1Z80").seekers),
        (Some(40), Some(40))
    );
    // J1501 is V0Z60 (3 offers, 25 people).
    assert_eq!(
        (cell("V0Z60").offers, cell("V0Z60").seekers),
        (None, Some(25))
    );
    // One family asked: only its cells.
    let (only, only_seekers) = by_family(offers, &sets, Some("J1Z80"));
    assert!(only.iter().all(|g| g.rome == "J1Z80"));
    assert_eq!(only_seekers.iter().map(|g| g.seekers).sum::<u64>(), 40);
}

#[test]
fn a_fap_family_is_read_as_the_edition_writes_it() {
    assert_eq!(fap_family(" t4z60 ").unwrap(), "T4Z60");
    assert!(
        fap_family("T4Z").is_err(),
        "a FAP 87 family is not a FAP 225 one"
    );
    assert!(fap_family("ZZZ99").unwrap_err().contains("ZZZ99"));
    // P2Z90 has occupations in the crosswalk and no figure in the edition: measures by
    // family list it, so it may be asked for.
    assert!(!refdata::tensions().occupations("P2Z90").is_empty());
    assert_eq!(fap_family("P2Z90").unwrap(), "P2Z90");
}

#[test]
fn duncan_index_and_median_by_hand() {
    let a = HashMap::from([("x", 1), ("y", 1)]);
    let b = HashMap::from([("z", 5)]);
    assert_eq!(duncan(&a, &b), 1.0);
    assert_eq!(duncan(&a, &a), 0.0);
    let days = BTreeMap::from([(3, 1), (8, 2), (20, 1)]);
    assert_eq!(median(&days, 4), 8.0);
    let days = BTreeMap::from([(3, 1), (9, 1)]);
    assert_eq!(median(&days, 2), 6.0);
    assert_eq!(
        Granularity::Quarter.period_of("2026-11", ""),
        "2026-Q4".to_string()
    );
    assert_eq!(department_of("97411"), "974");
    assert_eq!(department_of("2A004"), "2A");
}

#[test]
fn the_steering_matrix_withholds_shares_under_twenty_open_offers() {
    use crate::difficulty::{Cell, RiskCells};
    let mut risk = RiskCells {
        model: Some(1),
        ..RiskCells::default()
    };
    let cell = |open, declared, at_risk| Cell {
        open,
        declared,
        at_risk,
    };
    // N4101: 40 open offers in 93 (30 declared, 10 at risk), 5 in 75; K2204: 19 in 93.
    risk.cells
        .insert(("N4101".to_string(), "93".to_string()), cell(40, 30, 10));
    risk.cells
        .insert(("N4101".to_string(), "75".to_string()), cell(5, 5, 5));
    risk.cells
        .insert(("K2204".to_string(), "93".to_string()), cell(19, 1, 2));
    // Another region's department is not counted.
    risk.cells
        .insert(("K2204".to_string(), "13".to_string()), cell(500, 0, 0));
    let matrix = pages::signal_matrix(&risk, "11");
    assert_eq!(matrix.departments.len(), 8);
    let rows: Vec<&str> = matrix.rows.iter().map(|r| r.rome.as_str()).collect();
    assert_eq!(rows, ["N4101", "K2204"], "the most open offers first");
    let column = |code: &str| {
        matrix
            .departments
            .iter()
            .position(|(c, _)| c == code)
            .unwrap()
    };
    let n4101 = &matrix.rows[0].cells;
    assert_eq!(n4101[column("93")].declared, "75 %");
    assert_eq!(n4101[column("93")].predicted, "25 %");
    assert_eq!(n4101[column("75")].declared, "< 20");
    assert_eq!(n4101[column("75")].predicted, "< 20");
    assert_eq!(matrix.rows[1].cells[column("93")].predicted, "< 20");
    // Region-wide N4101 has 45 open offers: 35 declared, 15 at risk.
    assert_eq!(matrix.signals[0].declared, (78, "78 %".to_string()));
    assert_eq!(matrix.signals[0].predicted, (33, "33 %".to_string()));
    // K2204 has 19 in the region: withheld.
    assert_eq!(matrix.signals[1].declared.1, "< 20");
    // Without a model, no prediction is shown.
    risk.model = None;
    let matrix = pages::signal_matrix(&risk, "11");
    assert_eq!(matrix.rows[0].cells[column("93")].predicted, "—");
    assert!(!matrix.predicted);
}

//! The cut tables: small groups withheld with what the department tables would give away.

use model::indicators::{Dimension, Measure, MeasureRow, Period};

use super::super::counted::Counted;
use super::super::counted::fixtures::{counted, indicator, q1};
use super::super::tables::{Cell, CellState, REGION, Table, TableError};

/// The offers published in the region's departments: 30 in Paris (75) and 25 in
/// Seine-Saint-Denis (93) in January 2026, 40 in Val-de-Marne (94) in February.
fn offers_by_department() -> Counted {
    use Measure::OffersPublished as M;
    counted(&[
        (M, "75", "2026-01", 0, 30),
        (M, "93", "2026-01", 0, 25),
        (M, "94", "2026-02", 0, 40),
    ])
}

/// Adds to the cut's counts of offers published each (group key, month, count) given.
fn cut_into(c: &mut Counted, rows: &[(&str, &str, u64)]) {
    let counts = c.cut_rows.entry(Measure::OffersPublished).or_default();
    for &(key, month, count) in rows {
        counts.push(MeasureRow {
            key: key.to_string(),
            month: month.to_string(),
            days: 0,
            count,
        });
    }
}

/// The table of the offers published over `period`, cut by `dimension`.
fn offers_published(
    c: &Counted,
    period: Period,
    dimension: Dimension,
) -> Result<Table, TableError> {
    super::table(c, indicator("offers_published"), period, dimension)
}

#[test]
fn a_cut_withholds_its_small_groups_and_what_the_regions_total_would_give_away() {
    let mut c = offers_by_department();
    c.groups = super::groups(Dimension::OccupationFamily, "11");
    cut_into(
        &mut c,
        &[
            ("N", "2026-01", 50),
            ("H", "2026-01", 5),
            ("J", "2026-02", 40),
        ],
    );
    let t = offers_published(&c, q1(), Dimension::OccupationFamily).unwrap();
    let total = |key: &str| t.lines.iter().find(|l| l.key == key).unwrap().total;
    // The region's 95 is the department table's, published; the 5 of industry (H) is
    // withheld, and so must be another group's figure at least, else 95 − 50 − 40 gives
    // it back.
    assert_eq!(total(REGION), Cell::published(95.0));
    assert_eq!(total("H").state, CellState::Withheld);
    let withheld = ["N", "J"]
        .iter()
        .filter(|k| total(k).state == CellState::Withheld)
        .count();
    assert!(withheld >= 1, "{:?}", t.lines);
    // A group with nothing shows its zero.
    assert_eq!(total("A"), Cell::published(0.0));
    // By month, a cut is refused; an indicator without the cut too.
    assert!(
        offers_published(
            &c,
            Period::parse("2026-01").unwrap(),
            Dimension::OccupationFamily
        )
        .is_err()
    );
    assert!(
        super::table(
            &c,
            indicator("meetings_held"),
            q1(),
            Dimension::OccupationFamily
        )
        .is_err()
    );
}

#[test]
fn an_occupation_is_published_by_year_nested_in_its_family() {
    let mut c = offers_by_department();
    c.groups = ["J1501", "N1101", "N4101"]
        .map(|code| (code.to_string(), code.to_string()))
        .to_vec();
    cut_into(
        &mut c,
        &[
            ("N1101", "2026-01", 50),
            ("N4101", "2026-01", 5),
            ("J1501", "2026-02", 40),
        ],
    );
    let t = offers_published(&c, Period::Year(2026), Dimension::Occupation).unwrap();
    let total = |key: &str| t.lines.iter().find(|l| l.key == key).unwrap().total;
    // Transport (N) is published whole, 55: its 5 withheld, then its 50 too, else
    // 55 − 50 gives the 5 back. Health (J) is one occupation, its 40 the family's.
    assert_eq!(total("N4101").state, CellState::Withheld);
    assert_eq!(total("N1101").state, CellState::Withheld);
    assert_eq!(total("J1501"), Cell::published(40.0));
    assert_eq!(total(REGION), Cell::published(95.0));
    let families = offers_published(&c, Period::Year(2026), Dimension::OccupationFamily);
    // (The families of a table loaded by occupation are the grand domaines.)
    assert!(families.is_ok());
    // A quarter is refused: occupations are published by year.
    assert!(offers_published(&c, q1(), Dimension::Occupation).is_err());
}

/// Regression (probe, stop 35): an intercommunality withheld was the department's figure
/// minus its neighbours', since the department table publishes the sum of the groups
/// that make it up. The cut is protected against the departments too.
#[test]
fn intercommunalities_add_up_to_their_department() {
    use Measure::OffersPublished as M;
    let geo = refdata::geo();
    // One commune of each of four territories of Seine-Saint-Denis, two of Val-de-Marne.
    let communes = |department: &str, wanted: usize| -> Vec<&'static str> {
        let mut seen = std::collections::BTreeSet::new();
        geo.communes()
            .iter()
            .filter(|c| c.department == department && c.arrondissement_of.is_none())
            .filter(|c| seen.insert(c.ept.or(c.epci)))
            .map(|c| c.code)
            .take(wanted)
            .collect()
    };
    let (saint_denis, val_de_marne) = (communes("93", 4), communes("94", 2));
    assert_eq!((saint_denis.len(), val_de_marne.len()), (4, 2));
    let mut c = counted(&[(M, "93", "2026-01", 0, 85), (M, "94", "2026-01", 0, 100)]);
    c.groups = super::groups(Dimension::CommuneGroup, "11");
    let cut: Vec<(&str, &str, u64)> = [5, 30, 25, 25]
        .into_iter()
        .zip(&saint_denis)
        .chain([21, 79].into_iter().zip(&val_de_marne))
        .map(|(n, commune)| (*commune, "2026-01", n))
        .collect();
    cut_into(&mut c, &cut);
    let t = offers_published(&c, q1(), Dimension::CommuneGroup).unwrap();
    let state = |commune: &str| {
        let group = super::group_of(Dimension::CommuneGroup, commune);
        t.lines.iter().find(|l| l.key == group).unwrap().total.state
    };
    assert_eq!(state(saint_denis[0]), CellState::Withheld);
    // The 85 of Seine-Saint-Denis would give the 5 back from its other three: one of
    // them at least is withheld too (the model's tests check the rule by rank).
    let others = saint_denis[1..]
        .iter()
        .filter(|c| state(c) == CellState::Withheld)
        .count();
    assert!(others >= 1, "{:?}", t.lines);
}

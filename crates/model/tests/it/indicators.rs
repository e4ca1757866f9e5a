//! The indicator registry and the committee's periods.

use std::collections::HashSet;

use chrono::NaiveDate;
use model::indicators::*;

#[test]
fn periods_are_read_as_typed_and_refused_with_the_text() {
    assert_eq!(Period::parse("2026").unwrap(), Period::Year(2026));
    assert_eq!(
        Period::parse("2026-Q3").unwrap(),
        Period::Quarter {
            year: 2026,
            quarter: 3
        }
    );
    assert_eq!(Period::parse(" 2026-t1 ").unwrap().to_string(), "2026-Q1");
    assert_eq!(
        Period::parse("2026-07").unwrap(),
        Period::Month {
            year: 2026,
            month: 7
        }
    );
    for bad in [
        "",
        "26",
        "2026-Q5",
        "2026-Q0",
        "2026-13",
        "2026-00",
        "2026-7",
        "1999",
        "2200",
        "2026-Q",
        "2026/07",
        "２０２６",
        "2026-Q3x",
        "-2026",
        "2026-Q3\n",
        "\u{0}2026",
    ] {
        let error = Period::parse(bad).unwrap_err();
        assert!(
            error.to_string().contains("not a period"),
            "{bad:?}: {error}"
        );
    }
}

#[test]
fn a_period_knows_its_days_the_one_before_and_the_year_before() {
    let q1 = Period::parse("2026-Q1").unwrap();
    assert_eq!(q1.start(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    assert_eq!(q1.end(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    assert_eq!(q1.previous().to_string(), "2025-Q4");
    assert_eq!(q1.year_before().to_string(), "2025-Q1");
    assert_eq!(q1.months(), [(2026, 1), (2026, 2), (2026, 3)]);
    let december = Period::parse("2025-12").unwrap();
    assert_eq!(december.end(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    assert_eq!(Period::parse("2026-01").unwrap().previous(), december);
    assert_eq!(Period::Year(2026).months().len(), 12);
    assert_eq!(Period::Year(2026).previous(), Period::Year(2025));
    assert_eq!(q1.label(), "1er trimestre 2026");
    assert_eq!(
        Period::parse("2026-Q3").unwrap().label(),
        "3e trimestre 2026"
    );
    assert_eq!(december.label(), "décembre 2025");
    // On 4 December 2026 the last quarter over is the third.
    let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    assert_eq!(Period::last_full_quarter(day).to_string(), "2026-Q3");
    let day = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    assert_eq!(Period::last_full_quarter(day).to_string(), "2025-Q4");
}

#[test]
fn the_registry_is_complete_and_each_entry_usable_as_is() {
    let mut ids = HashSet::new();
    for i in REGISTRY {
        assert!(ids.insert(i.id), "{} twice", i.id);
        // An id names a sheet of the workbook: at most 31 characters, no punctuation.
        assert!(
            i.id.len() <= 31
                && i.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{}",
            i.id
        );
        for text in [i.label, i.definition, i.formula_text, i.source] {
            assert!(text.trim().len() > 5, "{}: {text:?}", i.id);
        }
        assert_eq!(i.threshold, model::secrecy::THRESHOLD, "{}", i.id);
        assert!(i.allows(Dimension::Department) && i.allows(Dimension::Month));
        assert_eq!(find(i.id), Some(i));
    }
    assert_eq!(find("nope"), None);
    // Every axis has its figures, and every measure is read by some indicator.
    for axis in Axis::ALL {
        assert!(
            REGISTRY.iter().filter(|i| i.axis == axis).count() >= 2,
            "{axis:?}"
        );
    }
    let read: HashSet<Measure> = REGISTRY.iter().flat_map(|i| i.formula.measures()).collect();
    for m in Measure::ALL {
        assert!(read.contains(&m), "{m:?} is read by no indicator");
    }
    // The questions of the issue: fill rates at 30, 47 and 90 days, time to hire.
    for id in [
        "filled_30_days",
        "filled_47_days",
        "filled_90_days",
        "days_to_hire",
        "priority_share_hired",
    ] {
        assert!(find(id).is_some(), "{id}");
    }
    assert_eq!(find("days_to_hire").map(|i| i.unit()), Some(Unit::Days));
    assert_eq!(find("hire_rate").map(|i| i.unit()), Some(Unit::Share));
}

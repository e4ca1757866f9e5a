//! `passerelle report`: the committee's report of a quarter as CSV and XLSX, its figures
//! those of the database, none under the secrecy threshold; each wrong option named.

use chrono::{Datelike, NaiveDate};

use crate::{assert_has, run_err, run_ok, small_region};

#[test]
fn the_report_of_a_quarter_is_written_with_the_databases_figures_under_secrecy() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_region(dir.path());
    let csv = dir.path().join("pilotage.csv");
    let out = run_ok(&[
        "report",
        "--quarter",
        "2026-Q3",
        "--out",
        csv.to_str().unwrap(),
        "--today",
        "2026-11-02",
        "--database",
        &db,
    ]);
    let indicators = model::indicators::REGISTRY.len();
    assert_has(
        &out,
        &format!("{indicators} indicators, 2026-Q3, the whole region"),
    );
    assert_has(&out, "offers_published");

    // The offers published in the quarter, counted here from the stored offers.
    let published = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::connect(&store::DatabaseUrl::parse(&db).unwrap())
            .await
            .unwrap();
        let offers = store.load_offers().await.unwrap();
        let in_q3 = |d: NaiveDate| d.year() == 2026 && (7..=9).contains(&d.month());
        offers
            .iter()
            .filter(|o| in_q3(o.record.published_at.date_naive()))
            .count()
    });
    assert!(published >= 20, "{published} offers in the quarter");
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let total = rows
        .iter()
        .find(|r| &r[0] == "offers_published" && &r[4] == "2026-Q3" && &r[5] == "region")
        .unwrap();
    assert_eq!(
        (&total[7], total[8].parse::<usize>().unwrap()),
        ("published", published)
    );
    for row in &rows {
        if &row[2] == "count" && &row[7] == "published" {
            let v: f64 = row[8].parse().unwrap();
            assert!(v == 0.0 || v >= 20.0, "{row:?}");
        }
    }
    assert!(
        rows.iter().any(|r| &r[7] == "withheld"),
        "a small region has secrets"
    );

    let xlsx = dir.path().join("pilotage.xlsx");
    run_ok(&[
        "report",
        "--quarter",
        "2026-Q3",
        "--department",
        "93",
        "--out",
        xlsx.to_str().unwrap(),
        "--today",
        "2026-11-02",
        "--database",
        &db,
    ]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(!dir.path().join("pilotage.partial").exists());

    for (args, expected) in [
        (vec!["--quarter", "2026-Q5"], "--quarter or --period"),
        (vec!["--period", "2026-07", "--by", "quarter"], "--by"),
        (vec!["--department", "13"], "--department"),
        (vec!["--region", "99"], "--region"),
    ] {
        let mut all = vec!["report", "--out", xlsx.to_str().unwrap(), "--database", &db];
        all.extend(args);
        assert_has(&run_err(&all), expected);
    }
    let pdf = dir.path().join("pilotage.pdf");
    assert_has(
        &run_err(&["report", "--out", pdf.to_str().unwrap(), "--database", &db]),
        "must end in .xlsx",
    );
}

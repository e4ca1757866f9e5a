//! The steering committee's registry of indicators over HTTP: a table under secrecy, the
//! report, its spreadsheet and CSV read back, the pages, and each wrong part of a request
//! named.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use service::Config;
use testdb::TestDb;

use crate::support::*;

/// Every figure of a count indicator published in the CSV is zero or at least 20, and the
/// withheld ones have no value.
fn check_csv(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "indicator",
            "label",
            "unit",
            "period",
            "column",
            "territory",
            "territory_label",
            "state",
            "value"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    for row in &rows {
        match (&row[2], &row[7]) {
            ("count", "published") => {
                let v: f64 = row[8].parse().unwrap();
                assert!(v == 0.0 || v >= 20.0, "published under 20: {row:?}");
            }
            (_, "withheld") | (_, "undefined") => assert_eq!(&row[8], "", "{row:?}"),
            _ => {}
        }
    }
    rows
}

pub async fn the_committee_reads_its_indicators_in_tables_pages_and_files(db: TestDb) {
    // Offers X and Y and 30 more of agency X, all in Saint-Denis (93), published on 1 March
    // 2026; the clock stands on 10 March 2026.
    let (server, _world) = Server::start_with(db, 0, 30, Config::default()).await;
    let steering = server.login("steering@d.fr").await;

    let (status, registry) = steering.get("/api/v1/steering/indicators").await;
    assert_eq!(status, 200);
    assert!(registry.as_array().unwrap().len() >= 20);
    let filled = item_where(&registry, "id", "filled_47_days");
    assert_eq!(filled["unit"], "share");
    assert_eq!(filled["threshold"], 20);
    assert!(
        filled["dimensions"]
            .as_array()
            .unwrap()
            .contains(&Value::from("department"))
    );

    let (status, table) = steering
        .get("/api/v1/steering/indicators/offers_published?period=2026-Q1&department=93")
        .await;
    assert_eq!(status, 200, "{table}");
    assert_eq!(table["empty"], false);
    assert_eq!(table["by"], "month");
    assert_eq!(
        strings_of(&table["columns"], "key"),
        ["2026-01", "2026-02", "2026-03"]
    );
    // A department's months are published by quarter only; the region's months are.
    let saint_denis = item_where(&table["lines"], "key", "93");
    assert_eq!(saint_denis["cells"][2]["state"], "quarter_only");
    assert!(saint_denis["cells"][2]["value"].is_null());
    assert_eq!(saint_denis["total"]["value"], 32.0);
    let region = item_where(&table["lines"], "key", "region");
    assert_eq!(region["cells"][2]["value"], 32.0);
    assert_eq!(region["cells"][2]["state"], "published");
    // No offer in January: a zero describes nobody and is shown.
    assert_eq!(region["cells"][0]["value"], 0.0);
    assert_eq!(table["compared"]["current"]["value"], 32.0);
    // Nothing a year before: the quarter was empty, its figure is nothing.
    assert_eq!(table["compared"]["year_before"]["state"], "undefined");
    // Every department of Île-de-France is a line, then the region.
    let keys = strings_of(&table["lines"], "key");
    assert_eq!(keys.len(), 9, "{keys:?}");
    assert_eq!(keys.last(), Some(&"region"));
    // Quarters of a year, and a step longer than the period refused.
    let (status, by_quarter) = steering
        .get("/api/v1/steering/indicators/offers_published?period=2026&by=quarter")
        .await;
    assert_eq!(status, 200);
    assert_eq!(by_quarter["columns"].as_array().unwrap().len(), 4);

    // Cut by occupation family, the region by quarter: every grand domaine a line (the 32
    // offers are all in transport and logistics, N), zeros shown, the region's total the
    // department table's.
    assert!(
        filled["dimensions"]
            .as_array()
            .unwrap()
            .contains(&Value::from("occupation_family"))
    );
    let (status, families) = steering
        .get("/api/v1/steering/indicators/offers_published?period=2026-Q1&by=occupation_family")
        .await;
    assert_eq!(status, 200, "{families}");
    assert_eq!(strings_of(&families["columns"], "key"), ["2026-Q1"]);
    let keys = strings_of(&families["lines"], "key");
    assert_eq!(keys.len(), 15, "{keys:?}");
    assert_eq!(keys.first(), Some(&"A"));
    assert_eq!(
        item_where(&families["lines"], "key", "N")["total"]["value"],
        32.0
    );
    assert_eq!(
        item_where(&families["lines"], "key", "H")["total"]["value"],
        0.0
    );
    assert_eq!(
        item_where(&families["lines"], "key", "region")["total"]["value"],
        32.0
    );
    // By intercommunality: Saint-Denis's group holds them all.
    let (status, groups) = steering
        .get("/api/v1/steering/indicators/offers_published?period=2026&by=commune_group")
        .await;
    assert_eq!(status, 200, "{groups}");
    assert_eq!(groups["columns"].as_array().unwrap().len(), 4);
    let holding: Vec<&Value> = groups["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["key"] != "region" && l["total"]["value"] == 32.0)
        .collect();
    assert_eq!(holding.len(), 1, "{groups}");
    // By occupation, the region over a year: no count under twenty shown, and in a family
    // whose figure is published, never one occupation withheld alone.
    let (status, occupations) = steering
        .get("/api/v1/steering/indicators/offers_published?period=2026&by=occupation")
        .await;
    assert_eq!(status, 200, "{occupations}");
    let lines = occupations["lines"].as_array().unwrap();
    assert_eq!(lines.last().unwrap()["total"]["value"], 32.0);
    let withheld: Vec<&Value> = lines
        .iter()
        .filter(|l| l["total"]["state"] == "withheld")
        .collect();
    assert_ne!(withheld.len(), 1, "{occupations}");
    for line in lines {
        if let Some(n) = line["total"]["value"].as_f64() {
            assert!(n == 0.0 || n >= 20.0, "{line}");
        }
    }
    assert!(
        strings_of(&occupations["lines"], "key")
            .iter()
            .all(|k| *k == "region" || k.len() == 5)
    );

    // The report's trend: the five quarters to this one.
    let (_, trend) = steering.get("/api/v1/steering/report?period=2026-Q1").await;
    let offers = trend["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"]["id"] == "offers_published")
        .unwrap();
    assert_eq!(
        strings_of(&offers["trend"], "period"),
        ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    );
    assert_eq!(offers["trend"][4]["cell"]["value"], 32.0);
    assert_eq!(offers["trend"][0]["cell"]["state"], "undefined");

    // Each wrong part named, with a 422.
    for (path, field) in [
        (
            "/api/v1/steering/indicators/offers_published?period=2026-03&by=occupation_family",
            "?by",
        ),
        (
            "/api/v1/steering/indicators/hires?by=priority_public&department=93",
            "?department",
        ),
        (
            "/api/v1/steering/indicators/meetings_held?by=occupation_family",
            "?by",
        ),
        ("/api/v1/steering/report?by=commune_group", "?by"),
        // Values are read as sent: a space or a control character is refused, not trimmed.
        (
            "/api/v1/steering/indicators/hires?period=2026%0A",
            "?period",
        ),
        ("/api/v1/steering/indicators/hires?by=%20quarter", "?by"),
        ("/api/v1/steering/report?department=%2075", "?department"),
        ("/api/v1/steering/export?format=%20csv", "?format"),
        (
            "/api/v1/steering/indicators/offers_published?period=2026-Q1&by=occupation",
            "?by",
        ),
        ("/api/v1/steering/indicators/nope", "id"),
        (
            "/api/v1/steering/indicators/hires?period=2026-Q5",
            "?period",
        ),
        ("/api/v1/steering/indicators/hires?period=T3", "?period"),
        ("/api/v1/steering/indicators/hires?by=week", "?by"),
        ("/api/v1/steering/indicators/hires?by=department", "?by"),
        (
            "/api/v1/steering/indicators/hires?period=2026-Q1&by=year",
            "?by",
        ),
        (
            "/api/v1/steering/indicators/hires?department=99",
            "?department",
        ),
        (
            "/api/v1/steering/indicators/hires?department=13",
            "?department",
        ),
        ("/api/v1/steering/report?period=2026-13", "?period"),
        ("/api/v1/steering/export?format=pdf", "?format"),
    ] {
        let (status, problem) = steering.get(path).await;
        assert_eq!(status, 422, "{path}: {problem}");
        assert!(message_of(&problem).contains(field), "{path}: {problem}");
    }
    let (status, _) = steering.get("/api/v1/steering/report?colour=red").await;
    assert_eq!(status, 422);
    let (status, _) = steering.get("/api/v1/steering/indicators?colour=red").await;
    assert_eq!(status, 422);

    // An empty period says so: no figure, not zeros.
    let (status, empty) = steering.get("/api/v1/steering/report?period=2020-Q1").await;
    assert_eq!(status, 200);
    for figure in empty["figures"].as_array().unwrap() {
        assert_eq!(figure["empty"], true, "{figure}");
        assert_eq!(figure["compared"]["current"]["state"], "undefined");
    }
    let (status, report) = steering
        .get("/api/v1/steering/report?period=2026-Q1&department=93")
        .await;
    assert_eq!(status, 200, "{report}");
    let offers = report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"]["id"] == "offers_published")
        .unwrap();
    assert_eq!(offers["compared"]["current"]["value"], 32.0);
    assert_eq!(
        item_where(&offers["departments"], "department", "93")["cell"]["value"],
        32.0
    );
    // No referral yet: the sourcing figures of the quarter are nothing.
    let hires = report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"]["id"] == "hires")
        .unwrap();
    assert_eq!(hires["empty"], true);

    // The spreadsheet, read back as a spreadsheet reader would.
    let response = steering
        .get_raw("/pilotage/rapport.xlsx?period=2026-Q1&department=93")
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("passerelle-pilotage-2026-Q1-93.xlsx")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("Synthèse"));
    assert_eq!(names.last().map(String::as_str), Some("Définitions"));
    assert_eq!(names.len(), model::indicators::REGISTRY.len() + 2);
    let summary = workbook.worksheet_range("Synthèse").unwrap();
    let text: Vec<String> = summary.cells().map(|(_, _, c)| c.to_string()).collect();
    for expected in [
        "1er trimestre 2026",
        "93 — Seine-Saint-Denis",
        "DARES",
        "ROME v3.47",
    ] {
        assert!(
            text.iter().any(|t| t.contains(expected)),
            "{expected} in {text:?}"
        );
    }
    let sheet = workbook.worksheet_range("offers_published").unwrap();
    let row = sheet
        .rows()
        .find(|r| {
            r.first()
                .is_some_and(|c| c.to_string().starts_with("93 — "))
        })
        .unwrap();
    assert_eq!(row[3], Data::String("par trimestre".to_string()));
    // Below the table, the trend: five quarters to this one, the last the quarter's 32.
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let at = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("Évolution".to_string())))
        .unwrap();
    assert_eq!(rows[at][1], Data::String("1er trimestre 2025".to_string()));
    assert_eq!(rows[at + 1][5], Data::Float(32.0));
    // No count under twenty in any sheet of a count indicator.
    for indicator in model::indicators::REGISTRY {
        if indicator.unit() != model::indicators::Unit::Count {
            continue;
        }
        let sheet = workbook.worksheet_range(indicator.id).unwrap();
        for (_, _, cell) in sheet.cells() {
            if let Data::Float(v) = cell {
                assert!(*v == 0.0 || *v >= 20.0, "{}: {v}", indicator.id);
            }
        }
    }
    let definitions = workbook.worksheet_range("Définitions").unwrap();
    assert_eq!(definitions.height(), model::indicators::REGISTRY.len() + 1);

    // The same figures as CSV.
    let response = steering
        .get_raw("/api/v1/steering/export?period=2026-Q1&format=csv")
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = check_csv(&response.text().await.unwrap());
    let march = rows
        .iter()
        .find(|r| &r[0] == "offers_published" && &r[4] == "2026-03" && &r[5] == "region")
        .unwrap();
    assert_eq!((&march[7], &march[8]), ("published", "32"));

    // The pages: the report, an indicator, the glossary, a refusal in French.
    let page = steering
        .page("/pilotage/rapport?period=2026-Q1&department=93")
        .await;
    assert_eq!(page.status, 200);
    for expected in [
        "1er trimestre 2026",
        "Offres publiées",
        "32",
        "93 — Seine-Saint-Denis",
        "rapport.xlsx?period=2026-Q1",
        "department=93\" download",
    ] {
        assert!(page.html.contains(expected), "{expected}");
    }
    let page = steering
        .page("/pilotage/indicateurs/offers_published?period=2026-Q1")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("<svg") && page.html.contains("32"));
    let page = steering.page("/pilotage/glossaire").await;
    for i in model::indicators::REGISTRY {
        assert!(page.html.contains(&format!("id=\"{}\"", i.id)), "{}", i.id);
    }
    let page = steering.page("/pilotage/rapport?period=2026-Q9").await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("Période : une année"));
    let page = steering.page("/pilotage/rapport?period=2020-Q1").await;
    assert!(
        page.html
            .contains("Aucune activité enregistrée sur cette période")
    );
    server.stop().await;
}

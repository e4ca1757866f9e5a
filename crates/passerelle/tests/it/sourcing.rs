//! `passerelle shortlist`, `suggest` and `campaign` over a simulated region in a database.

use store::DatabaseUrl;

use crate::{assert_has, run_err, run_json, run_ok, sqlite_url};

const TODAY: &str = "2026-11-02";

fn simulated(url: &str) {
    run_ok(&[
        "simulate",
        "--scale",
        "0.005",
        "--seed",
        "5",
        "--database",
        url,
    ]);
}

fn audit_actions(url: &str) -> Vec<String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = store::connect(&DatabaseUrl::parse(url).unwrap())
            .await
            .unwrap();
        store
            .audit_events(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event.action)
            .collect()
    })
}

/// The whole journey on one database: shortlist (text, JSON, fair), suggest, campaign.
fn journey(url: &str) {
    simulated(url);
    let out = run_ok(&[
        "shortlist",
        "--offer",
        "3",
        "--today",
        TODAY,
        "--database",
        url,
    ]);
    assert!(out.starts_with("offer 3 · "), "{out}");
    assert_has(&out, "occ skl dst avl cnd exp");

    let plain = run_json(&[
        "shortlist",
        "--offer",
        "3",
        "--k",
        "10",
        "--today",
        TODAY,
        "--json",
        "--database",
        url,
    ]);
    let candidates = plain["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty() && candidates.len() <= 10);
    for c in candidates {
        assert!(c["candidate"].as_str().unwrap().starts_with("DE-"));
        // Nothing about priority statuses reaches the list.
        assert!(c.get("priorities").is_none() && c.get("protected").is_none());
    }
    let scores: Vec<f64> = candidates
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));

    let before = audit_actions(url).len();
    let fair = run_json(&[
        "shortlist",
        "--offer",
        "3",
        "--k",
        "10",
        "--fair",
        "long_term:0.6:0.1",
        "--exposure",
        "--today",
        TODAY,
        "--json",
        "--database",
        url,
    ]);
    assert_eq!(fair["policy"], "fair:long_term:p=0.6:alpha=0.1");
    assert!(fair["exposure"]["pool"].as_u64().unwrap() >= candidates.len() as u64);
    let actions = audit_actions(url);
    assert_eq!(actions.len(), before + 1);
    assert_eq!(actions.last().unwrap(), "shortlist.rerank");

    let campaign = run_json(&[
        "campaign",
        "--capacity",
        "1",
        "--today",
        TODAY,
        "--json",
        "--database",
        url,
    ]);
    assert_eq!(campaign["campaign"]["max_per_person"], 1);
    assert!(campaign["offers"].as_u64().unwrap() > 10);
    assert!(campaign["score_loss"].as_f64().unwrap() >= 0.0);
    // The assignment against the best possible: a bound no lower than the total.
    let total = campaign["campaign"]["total_score"].as_f64().unwrap();
    let bound = campaign["bound"].as_f64().unwrap();
    let gap = campaign["gap"].as_f64().unwrap();
    assert!(
        bound >= total && total > 0.0,
        "bound {bound}, total {total}"
    );
    assert!((gap - (1.0 - total / bound)).abs() < 1e-9);
    assert!(["two_pass", "global", "priced"].contains(&campaign["method"].as_str().unwrap()));
    // Capacity 1: everyone proposed received exactly one proposal.
    let per_person = campaign["campaign"]["per_person"].as_array().unwrap();
    assert_eq!(per_person.len(), 1);
    assert_eq!(per_person[0], campaign["campaign"]["people_proposed"]);
    assert_eq!(per_person[0], campaign["campaign"]["proposals"]);
    // Each offer's territory's policy (the default's four publics) gives each a target.
    let targets: Vec<&str> = campaign["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["rqth", "long_term", "rsa", "qpv"]);
}

#[test]
fn shortlist_suggest_and_campaign_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "p.db");
    journey(&url);

    // A proposal list for the agencies, and suggestions for a job seeker who got one.
    let csv = dir.path().join("proposals.csv");
    let out = run_ok(&[
        "campaign",
        "--department",
        "93",
        "--today",
        TODAY,
        "--out",
        csv.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert_has(&out, "score given up against the independent lists");
    assert_has(&out, "of the best possible");
    assert_has(&out, "offers left without any proposal:");
    assert_has(&out, "priority publics among the proposals: rqth");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("offer_id,offer_reference,candidate,score\n"));
    assert!(text.lines().count() > 10);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let someone = runtime.block_on(async {
        let store = store::connect(&DatabaseUrl::parse(&url).unwrap())
            .await
            .unwrap();
        store
            .load_job_seekers()
            .await
            .unwrap()
            .into_iter()
            .find(|s| text.contains(&s.pseudonym))
            .unwrap()
    });
    let suggestions = run_json(&[
        "suggest",
        "--job-seeker",
        someone.record.external_id.as_str(),
        "--today",
        TODAY,
        "--json",
        "--database",
        &url,
    ]);
    assert!(!suggestions.as_array().unwrap().is_empty());
    assert_eq!(
        audit_actions(&url)
            .iter()
            .filter(|a| *a == "job_seeker.suggest")
            .count(),
        1
    );
}

#[test]
fn sourcing_mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "p.db");
    simulated(&url);
    for (args, expected) in [
        (
            vec!["shortlist", "--offer", "x1"],
            "--offer: `x1` is not an id",
        ),
        (
            vec!["shortlist", "--offer", "999999"],
            "--offer: no open offer has id 999999",
        ),
        (
            vec!["shortlist", "--offer", "1", "--fair", "disabled:0.1:0.1"],
            "--fair: unknown status `disabled`, expected one of rqth, long_term",
        ),
        (
            vec!["shortlist", "--offer", "1", "--fair", "rqth:1.5:0.1"],
            "--fair: p: 1.5 is not a proportion",
        ),
        (
            vec!["shortlist", "--offer", "1", "--floors", "rqth=2"],
            "--floors: rqth: `2` is not a share between 0 and 1",
        ),
        (
            vec!["shortlist", "--offer", "ABC", "--structure", "123"],
            "--structure: ",
        ),
        (
            vec!["suggest", "--job-seeker", "9999999Z"],
            "no job seeker has the identifier",
        ),
        (vec!["campaign", "--department", "2C"], "--department: "),
        (
            vec!["campaign", "--department", "48"],
            "no open offer in department 48",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--database", &url]);
        let error = run_err(&args);
        assert!(error.contains(expected), "{args:?}: {error}");
    }
}

#[test]
fn shortlist_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(testdb::fresh_postgres("sourcing")) else {
        return;
    };
    journey(database.url.expose());
    runtime.block_on(database.drop());
}

/// Whether the PostgreSQL server can install PostGIS; when it cannot, the peer test is skipped
/// (and fails under PASSERELLE_TEST_REQUIRE_POSTGRES=1, as in CI, which installs it).
async fn postgis_available(url: &str) -> bool {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            .fetch_optional(&pool)
            .await
            .unwrap();
    pool.close().await;
    found.is_some()
}

#[test]
fn the_engine_and_its_postgis_peer_give_the_same_shortlists() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(testdb::fresh_postgres("peer")) else {
        return;
    };
    let url = database.url.expose().to_string();
    if !runtime.block_on(postgis_available(&url)) {
        runtime.block_on(database.drop());
        testdb::skip::skip(
            "PostGIS peer test: the PostgreSQL server has no PostGIS \
             (Debian: postgresql-15-postgis-3)",
            testdb::REQUIRE_POSTGRES_VAR,
        );
        return;
    }
    simulated(&url);
    let out = run_ok(&[
        "bench",
        "engine",
        "--database",
        &url,
        "--queries",
        "20",
        "--check",
        "40",
        "--peer",
        &url,
        "--peer-queries",
        "40",
        "--no-campaign",
    ]);
    assert_has(&out, "identical to the exhaustive scorer: 40 of 40");
    assert_has(&out, "identical top-k: 40 of 40");
    runtime.block_on(database.drop());
}

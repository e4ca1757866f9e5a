//! `passerelle retention run`: on a simulated region, nothing personal is due on the day the
//! region describes; more than two years later the people with nothing open are anonymised
//! (a dry run first changing nothing), the steering figures stay the same, and a second run
//! finds nothing left; the binary exits 0, a wrong day is a usage error naming the option.

use chrono::{TimeZone, Utc};
use model::indicators::Measure;

use crate::{assert_has, passerelle, run_err, run_ok, small_region};

/// The job seekers' first names, and every steering measure over 2025 and 2026.
fn state_of(db: &str) -> (Vec<String>, Vec<Vec<model::indicators::MeasureRow>>) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::connect(&store::DatabaseUrl::parse(db).unwrap())
            .await
            .unwrap();
        let names = store
            .load_job_seekers()
            .await
            .unwrap()
            .into_iter()
            .map(|j| j.record.first_name.to_string())
            .collect();
        let (since, until) = (
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        );
        let mut measures = Vec::new();
        for measure in Measure::ALL {
            measures.push(store.measure(measure, since, until).await.unwrap());
        }
        (names, measures)
    })
}

/// The count the table prints for a kind of record.
fn count_of(out: &str, kind: &str) -> u64 {
    out.lines()
        .find(|line| line.starts_with(&format!("{kind} ")))
        .and_then(|line| line.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {kind} line in:\n{out}"))
}

#[test]
fn the_retention_sweep_anonymises_the_inactive_and_keeps_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_region(dir.path());
    let (names, figures) = state_of(&db);
    assert!(names.iter().all(|n| n != "Anonyme"));
    assert!(figures.iter().any(|rows| !rows.is_empty()));

    // On the simulation's own day, no person and no referral is two years old.
    let out = run_ok(&[
        "retention",
        "run",
        "--today",
        "2026-11-02",
        "--database",
        &db,
    ]);
    assert_has(&out, "retention sweep on 2026-11-02 (applied)");
    assert_eq!(count_of(&out, "job_seeker"), 0);
    assert_eq!(count_of(&out, "closed_referral"), 0);
    assert_eq!(state_of(&db).0, names);

    // More than two years after it: a dry run counts and changes nothing.
    let later = [
        "retention",
        "run",
        "--today",
        "2029-06-01",
        "--database",
        &db,
    ];
    let mut dry_args = later.to_vec();
    dry_args.insert(2, "--dry-run");
    let dry = run_ok(&dry_args);
    assert_has(&dry, "(dry run: nothing changed)");
    assert_has(&dry, "would be removed or anonymised");
    let people = count_of(&dry, "job_seeker");
    assert!(people > 0, "{dry}");
    assert_eq!(state_of(&db).0, names);

    // The binary applies it: the same counts.
    let output = passerelle(&later);
    assert_eq!(output.status.code(), Some(0));
    let applied = String::from_utf8(output.stdout).unwrap();
    for kind in ["closed_referral", "job_seeker", "outbox_message"] {
        assert_eq!(count_of(&applied, kind), count_of(&dry, kind), "{kind}");
    }
    let (after, figures_after) = state_of(&db);
    assert_eq!(
        after.iter().filter(|n| *n == "Anonyme").count() as u64,
        people
    );
    assert_eq!(after.len(), names.len());
    // Every steering figure is the same.
    assert_eq!(figures_after, figures);

    // Nothing is left to do.
    let again = run_ok(&later);
    assert_has(&again, "\n0 record(s) removed or anonymised");

    let err = run_err(&[
        "retention",
        "run",
        "--today",
        "2029-13-01",
        "--database",
        &db,
    ]);
    assert_has(&err, "--today");
}

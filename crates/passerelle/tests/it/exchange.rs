//! `passerelle import` and `passerelle export`, end to end on an SQLite database.

use std::path::Path;

use crate::{assert_has, run_ok, sqlite_url};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../exchange/tests/fixtures");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// Copies a fixture into `dir` (so that its rejects file lands there).
fn copy(dir: &Path, name: &str) -> String {
    let target = dir.join(name);
    std::fs::copy(fixture(name), &target).unwrap();
    target.to_str().unwrap().to_string()
}

/// `passerelle import WHAT FILE --database DB`; offers go to the fixtures' agency.
fn import(what: &str, file: &str, db: &str) -> String {
    let mut args = vec!["import", what, file, "--database", db];
    if what == "offers" {
        args.extend(["--structure", "73282932000074"]);
    }
    run_ok(&args)
}

/// Imports `file`, checks that the command says `summary`, and reads the rejects file it wrote
/// beside `file`.
fn import_with_rejects(what: &str, file: &str, db: &str, summary: &str) -> String {
    let out = import(what, file, db);
    assert_has(&out, summary);
    std::fs::read_to_string(format!("{file}.rejects.csv")).unwrap()
}

#[test]
fn import_reports_rejects_and_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "p.db");

    let structures = copy(dir.path(), "structures.csv");
    let summary = "3 read, 2 created, 0 updated, 0 unchanged, 1 rejected";
    let rejects = import_with_rejects("structures", &structures, &db, summary);
    assert!(
        rejects.starts_with("line;field;reason\n4;siret;"),
        "{rejects}"
    );

    // A France Travail file with a malformed offer in the middle.
    let offers = copy(dir.path(), "offres-france-travail.json");
    let summary = "4 read, 3 created, 0 updated, 0 unchanged, 1 rejected";
    let rejects = import_with_rejects("offers", &offers, &db, summary);
    // The fourth offer's wage label is not a figure: kept, without a numeric wage, and said.
    let out = import("offers", &offers, &db);
    assert_has(&out, "1 row(s) written with a note:");
    assert_has(
        &out,
        "position 4: salaire.libelle: \"Selon profil\": the period \"selon\" is not Mensuel, \
         Horaire or Annuel; the label is kept, with no numeric wage",
    );
    assert_eq!(rejects.lines().count(), 2, "{rejects}");
    assert!(
        rejects.lines().nth(1).unwrap().starts_with("3;romeCode;"),
        "{rejects}"
    );
    let summary = "4 read, 0 created, 0 updated, 3 unchanged, 1 rejected";
    import_with_rejects("offers", &offers, &db, summary);

    // Job seekers: the third names an agency that does not exist: rejected on its line.
    let seekers = copy(dir.path(), "demandeurs.csv");
    let summary = "3 read, 2 created, 0 updated, 0 unchanged, 1 rejected";
    let rejects = import_with_rejects("job-seekers", &seekers, &db, summary);
    assert_has(&rejects, "4;agence_siret;not a valid SIRET");
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let offers = copy(dir.path(), "offres-france-travail.json");
    let out = run_ok(&[
        "import",
        "offers",
        &offers,
        "--dry-run",
        "--structure",
        "73282932000074",
        "--database",
        &format!("sqlite://{}", db.display()),
    ]);
    assert!(out.starts_with("dry run of"), "{out}");
    assert_has(&out, "4 read, 3 valid, 1 rejected; nothing written");
    assert!(!db.exists());
}

#[test]
fn export_then_import_into_another_database_gives_the_same_export() {
    let dir = tempfile::tempdir().unwrap();
    let first = sqlite_url(dir.path(), "first.db");
    let second = sqlite_url(dir.path(), "second.db");
    import("structures", &copy(dir.path(), "structures.csv"), &first);
    import(
        "offers",
        &copy(dir.path(), "offres-france-travail.json"),
        &first,
    );
    import("job-seekers", &copy(dir.path(), "demandeurs.csv"), &first);

    let export = |what: &str, file: &str, db: &str| {
        let path = dir.path().join(file);
        run_ok(&[
            "export",
            what,
            "--out",
            path.to_str().unwrap(),
            "--database",
            db,
        ]);
        path
    };
    let structures = export("structures", "structures.json", &first);
    let offers = export("offers", "offres.json", &first);
    let seekers = export("job-seekers", "demandeurs.csv", &first);

    for (what, path) in [
        ("structures", &structures),
        ("offers", &offers),
        ("job-seekers", &seekers),
    ] {
        let out = import(what, path.to_str().unwrap(), &second);
        assert!(out.contains(" 0 rejected"), "{what}: {out}");
    }
    assert_eq!(
        std::fs::read(&structures).unwrap(),
        std::fs::read(export("structures", "structures-2.json", &second)).unwrap()
    );
    assert_eq!(
        std::fs::read(&offers).unwrap(),
        std::fs::read(export("offers", "offres-2.json", &second)).unwrap()
    );
    assert_eq!(
        std::fs::read(&seekers).unwrap(),
        std::fs::read(export("job-seekers", "demandeurs-2.csv", &second)).unwrap()
    );
    // Exporting job seekers reads personal data: each export is in the audit trail; the
    // other exports are not.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let events = runtime.block_on(async {
        let store = store::connect(&store::DatabaseUrl::parse(&first).unwrap())
            .await
            .unwrap();
        store.audit_events(0, 100).await.unwrap()
    });
    let exports: Vec<_> = events
        .iter()
        .filter(|e| e.event.action.starts_with("job_seekers."))
        .collect();
    assert_eq!(exports.len(), 1, "{events:?}");
    let count = exports[0].event.detail["count"].as_u64().unwrap();
    assert_eq!(count, 2, "the two valid rows of demandeurs.csv");
    assert_eq!(
        exports[0].event.action, "job_seekers.export",
        "{:?}",
        exports[0]
    );
}

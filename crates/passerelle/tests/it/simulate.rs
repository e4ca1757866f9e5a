//! `passerelle simulate`: files that import cleanly, and the same region in the database.

use crate::{assert_has, run_err, run_ok, sqlite_url};

#[test]
fn simulated_files_import_without_a_reject_and_match_the_loaded_database() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("region");
    let loaded = sqlite_url(dir.path(), "loaded.db");
    let out = run_ok(&[
        "simulate",
        "--scale",
        "0.002",
        "--seed",
        "3",
        "--out",
        files.to_str().unwrap(),
        "--database",
        &loaded,
    ]);
    assert!(
        out.starts_with("simulated region 11 Île-de-France, scale 0.002, seed 3"),
        "{out}"
    );
    assert_has(&out, "job seekers: 1949");
    assert_has(&out, "offers: 156 open, 730 closed");
    assert_has(&out, "51 abandoned for lack of candidates");
    // A year of sourcing: referrals with their hires, a joint meeting a month in each
    // department; the database holds them with the plans' referrals.
    let numbers = |prefix: &str| -> Vec<u64> {
        let line = out.lines().find(|l| l.starts_with(prefix)).unwrap();
        line.split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .collect()
    };
    let sourcing = numbers("sourcing: ");
    let (referrals, hires, meetings) = (sourcing[0], sourcing[1], sourcing[2]);
    assert!(referrals > 0 && hires > 0 && hires < referrals, "{out}");
    assert!(meetings >= 12 && meetings % 12 == 0, "{meetings} meetings");
    let plans = numbers("training before hiring: ")[0];
    // A year of shared evaluations, of each kind, most people sharing theirs.
    let evaluations = numbers("evaluations: ");
    let (recorded, sharing) = (evaluations[0], evaluations[5]);
    assert_eq!(evaluations[1..5].iter().sum::<u64>(), recorded, "{out}");
    assert!(evaluations[1..5].iter().all(|n| *n > 0), "{out}");
    assert!(sharing > 0 && sharing <= recorded, "{out}");
    let counts = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::connect(&store::DatabaseUrl::parse(&loaded).unwrap())
            .await
            .unwrap();
        let (mut stored, mut sharers) = (0, 0);
        for seeker in store.load_job_seekers().await.unwrap() {
            stored += store.evaluations_of(seeker.id).await.unwrap().len() as u64;
            if !store
                .shared_evaluation_kinds(seeker.id)
                .await
                .unwrap()
                .is_empty()
            {
                sharers += 1;
            }
        }
        (
            store.counts().await.unwrap(),
            store
                .meetings_from(chrono::DateTime::UNIX_EPOCH)
                .await
                .unwrap()
                .len(),
            (stored, sharers),
        )
    });
    assert_eq!(counts.0.referrals, referrals + plans);
    assert_eq!(counts.1 as u64, meetings);
    assert_eq!(counts.2, (recorded, sharing));

    let imported = sqlite_url(dir.path(), "imported.db");
    for (what, file) in [
        ("structures", "structures.csv"),
        ("job-seekers", "demandeurs.csv"),
        ("offers", "offres.json"),
    ] {
        let out = run_ok(&[
            "import",
            what,
            files.join(file).to_str().unwrap(),
            "--database",
            &imported,
        ]);
        assert!(out.contains(" 0 rejected"), "{what}: {out}");
    }
    // Both databases export the same files.
    for (what, file) in [
        ("structures", "s.csv"),
        ("job-seekers", "j.csv"),
        ("offers", "o.json"),
    ] {
        let a = dir.path().join(format!("a-{file}"));
        let b = dir.path().join(format!("b-{file}"));
        run_ok(&[
            "export",
            what,
            "--out",
            a.to_str().unwrap(),
            "--database",
            &loaded,
        ]);
        run_ok(&[
            "export",
            what,
            "--out",
            b.to_str().unwrap(),
            "--database",
            &imported,
        ]);
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{what}"
        );
    }
}

#[test]
fn simulate_says_what_is_wrong_with_its_arguments() {
    assert!(run_err(&["simulate", "--scale", "0.002"]).contains("--out DIR"));
    let dir = tempfile::tempdir().unwrap();
    let message = run_err(&[
        "simulate",
        "--scale",
        "9",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_has(&message, "scale: 9 is not between 0.001 and 5");
}

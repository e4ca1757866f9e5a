//! The shared directory's files: data·inclusion v1 out, in, and out again, identical.

use std::path::Path;

use crate::{assert_has, run_err, run_ok, sqlite_url};

fn import_directory(folder: &Path, db: &str) -> String {
    run_ok(&[
        "import",
        "directory",
        folder.to_str().unwrap(),
        "--database",
        db,
    ])
}

fn export_directory(folder: &Path, db: &str) -> String {
    run_ok(&[
        "export",
        "directory",
        "--out",
        folder.to_str().unwrap(),
        "--database",
        db,
    ])
}

#[test]
fn export_import_export_gives_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = sqlite_url(dir.path(), "a.db");
    let b = sqlite_url(dir.path(), "b.db");
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    let simulated = run_ok(&[
        "simulate",
        "--scale",
        "0.005",
        "--seed",
        "3",
        "--database",
        &a,
    ]);
    assert_has(&simulated, "services of");
    let exported = run_ok(&[
        "export",
        "directory",
        "--format",
        "data-inclusion",
        "--out",
        first.to_str().unwrap(),
        "--database",
        &a,
    ]);
    assert_has(&exported, "services as data·inclusion v1");
    let imported = import_directory(&first, &b);
    assert_has(&imported, "0 rejected; services");
    assert!(imported.ends_with("0 rejected\n"), "{imported}");
    export_directory(&second, &b);
    for file in ["structures.json", "services.json"] {
        let one = std::fs::read_to_string(first.join(file)).unwrap();
        let two = std::fs::read_to_string(second.join(file)).unwrap();
        assert!(one.len() > 100, "{file} has records");
        assert_eq!(one, two, "{file} differs after a round trip");
    }
    // Importing again changes nothing.
    let again = import_directory(&first, &b);
    assert_has(&again, "0 created, 0 updated");
}

#[test]
fn bad_directory_records_are_rejected_with_their_field_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "d.db");
    let folder = dir.path().join("annuaire");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("structures.json"),
        r#"[{"source": "x", "id": "x--1", "nom": "Agence de Saint-Denis", "date_maj": "2026-01-05",
             "siret": "73282932000074", "code_insee": "93066", "reseaux_porteurs": ["france-travail"]},
            {"source": "x", "id": "x--2", "nom": "Sans SIRET", "date_maj": "2026-01-05",
             "code_insee": "93066"}]"#,
    )
    .unwrap();
    std::fs::write(
        folder.join("services.json"),
        r#"[{"source": "x", "structure_id": "x--1", "id": "x--1--mrs", "nom": "Recrutement par simulation",
             "description": "Des exercices plutôt qu'un CV.", "date_maj": "2026-01-05",
             "type": "accompagnement", "thematiques": ["trouver-un-emploi--convaincre-un-recruteur-en-entretien"]},
            {"source": "x", "structure_id": "x--1", "id": "x--1--bad", "nom": "Mauvais",
             "description": "Un type inconnu.", "date_maj": "2026-01-05", "type": "voyage"}]"#,
    )
    .unwrap();
    let out = import_directory(&folder, &db);
    assert_has(&out, "structures 1 created");
    assert_has(&out, "services 1 created");
    assert_has(&out, "position 2: siret: missing");
    assert_has(
        &out,
        "position 2: type: \"voyage\" is not in the data·inclusion v1 vocabulary",
    );
    let rejects = std::fs::read_to_string(folder.join("services.json.rejects.csv")).unwrap();
    assert_has(&rejects, "2;type;");
    let exported = dir.path().join("out");
    export_directory(&exported, &db);
    let structures = std::fs::read_to_string(exported.join("structures.json")).unwrap();
    assert_has(&structures, "\"type_structure\": \"france_travail\"");
    assert_has(&structures, "\"date_maj\": \"2026-01-05\"");
    let err = run_err(&[
        "import",
        "directory",
        dir.path().join("none").to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert_has(&err, "is not a folder");
}

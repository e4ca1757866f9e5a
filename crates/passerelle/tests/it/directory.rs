//! The shared directory's files: data·inclusion v1 out, in, and out again, identical.

use crate::{run_err, run_ok};

#[test]
fn export_import_export_gives_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
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
    assert!(simulated.contains("services of"), "{simulated}");
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
    assert!(
        exported.contains("services as data·inclusion v1"),
        "{exported}"
    );
    let imported = run_ok(&[
        "import",
        "directory",
        first.to_str().unwrap(),
        "--database",
        &b,
    ]);
    assert!(imported.contains("0 rejected; services"), "{imported}");
    assert!(imported.ends_with("0 rejected\n"), "{imported}");
    run_ok(&[
        "export",
        "directory",
        "--out",
        second.to_str().unwrap(),
        "--database",
        &b,
    ]);
    for file in ["structures.json", "services.json"] {
        let one = std::fs::read_to_string(first.join(file)).unwrap();
        let two = std::fs::read_to_string(second.join(file)).unwrap();
        assert!(one.len() > 100, "{file} has records");
        assert_eq!(one, two, "{file} differs after a round trip");
    }
    // Importing again changes nothing.
    let again = run_ok(&[
        "import",
        "directory",
        first.to_str().unwrap(),
        "--database",
        &b,
    ]);
    assert!(again.contains("0 created, 0 updated"), "{again}");
}

#[test]
fn bad_directory_records_are_rejected_with_their_field_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
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
    let out = run_ok(&[
        "import",
        "directory",
        folder.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert!(out.contains("structures 1 created"), "{out}");
    assert!(out.contains("services 1 created"), "{out}");
    assert!(out.contains("position 2: siret: missing"), "{out}");
    assert!(
        out.contains("position 2: type: \"voyage\" is not in the data·inclusion v1 vocabulary"),
        "{out}"
    );
    let rejects = std::fs::read_to_string(folder.join("services.json.rejects.csv")).unwrap();
    assert!(rejects.contains("2;type;"), "{rejects}");
    let exported = dir.path().join("out");
    run_ok(&[
        "export",
        "directory",
        "--out",
        exported.to_str().unwrap(),
        "--database",
        &db,
    ]);
    let structures = std::fs::read_to_string(exported.join("structures.json")).unwrap();
    assert!(
        structures.contains("\"type_structure\": \"france_travail\""),
        "{structures}"
    );
    assert!(
        structures.contains("\"date_maj\": \"2026-01-05\""),
        "{structures}"
    );
    let err = run_err(&[
        "import",
        "directory",
        dir.path().join("none").to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert!(err.contains("is not a folder"), "{err}");
}

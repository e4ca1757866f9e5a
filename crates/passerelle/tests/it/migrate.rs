//! `passerelle migrate`, and how it names databases.

use crate::{assert_has, run_err, run_ok};

#[test]
fn migrate_creates_the_sqlite_file_and_its_folder_and_can_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/passerelle.db");
    let url = format!("sqlite://{}", path.display());
    let out = run_ok(&["migrate", "--database", &url]);
    assert!(out.starts_with("sqlite database sqlite://"), "{out}");
    assert_has(
        &out,
        "is up to date (0 structures, 0 job seekers, 0 offers)",
    );
    assert!(path.is_file());
    let again = run_ok(&["migrate", "--database", &url]);
    assert_eq!(again, out);
}

#[test]
fn a_database_url_never_shows_its_password() {
    // Nothing listens on port 1: the connection fails and the message names the database.
    let message = run_err(&[
        "migrate",
        "--database",
        "postgres://app:s3cr3t@127.0.0.1:1/passerelle",
    ]);
    assert_has(&message, "postgres://app:***@127.0.0.1:1/passerelle");
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[test]
fn a_bad_database_url_says_what_is_expected() {
    let message = run_err(&["migrate", "--database", "mysql://localhost/db"]);
    assert_has(
        &message,
        "database URL: expected sqlite://PATH or postgres://",
    );
}

#[test]
fn settings_file_names_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-file.db");
    let file = dir.path().join("passerelle.toml");
    std::fs::write(
        &file,
        format!("database_url = \"sqlite://{}\"\n", db.display()),
    )
    .unwrap();
    run_ok(&["migrate", "--config", file.to_str().unwrap()]);
    assert!(db.is_file());
}

//! `passerelle demo`, `serve`, `account create` and `audit verify`, as the binary runs them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::{assert_has, passerelle, sqlite_url};

/// A raw HTTP/1.1 exchange: the status code and the body.
fn http(address: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// A running demo, killed if the test fails before stopping it.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts the demo and reads its standard output up to the listening line.
fn start_demo(dir: &std::path::Path) -> (Running, Vec<String>, String) {
    start_demo_at(dir, "0.002")
}

/// Starts the demo at a scale: the running process, what it printed, its address.
pub fn start_demo_at(dir: &std::path::Path, scale: &str) -> (Running, Vec<String>, String) {
    let log = std::fs::File::create(dir.join("stderr.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args([
            "demo",
            "--bind",
            "127.0.0.1:0",
            "--scale",
            scale,
            "--data-dir",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let stdout = child.stdout.take().unwrap();
    let child = Running(child);
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "demo stopped: {lines:?}"
        );
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let address = rest.split_whitespace().next().unwrap().to_string();
            lines.push(line);
            // Keep reading in the background so the pipe never fills.
            std::thread::spawn(move || {
                let mut rest = String::new();
                let _ = reader.read_to_string(&mut rest);
                rest
            });
            return (child, lines, address);
        }
        lines.push(line);
    }
}

fn terminate(child: &mut Running) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.0.wait().unwrap()
}

#[test]
fn the_demo_simulates_a_region_creates_accounts_serves_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, lines, address) = start_demo(dir.path());
    let printed = lines.join("");
    assert_has(&printed, "first start: simulating a region");
    for role in [
        "advisor",
        "recruiter",
        "agency_manager",
        "partner",
        "steering",
        "admin",
    ] {
        assert!(printed.contains(&format!("  {role} ")), "{role}: {printed}");
    }
    let (status, body) = http(&address, "GET", "/healthz", None);
    assert_eq!((status, body.contains("\"ok\"")), (200, true), "{body}");
    // A printed account signs in.
    let line = lines
        .iter()
        .find(|l| l.trim_start().starts_with("recruiter "))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    let credentials = format!(r#"{{"email":"{}","password":"{}"}}"#, fields[1], fields[2]);
    let (status, body) = http(&address, "POST", "/api/v1/session", Some(&credentials));
    assert_eq!(status, 200, "{body}");
    assert_has(&body, "csrf_token");
    let exit = terminate(&mut child);
    assert!(exit.success(), "stopped on SIGTERM: {exit:?}");
    // The request was logged, without the password or the session's secrets.
    let log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    assert_has(&log, "/api/v1/session");
    let session: serde_json::Value = serde_json::from_str(&body).unwrap();
    for secret in [fields[2], session["csrf_token"].as_str().unwrap()] {
        assert!(!log.contains(secret), "a secret in the log: {log}");
    }

    // The second start reuses the region and the accounts.
    let (mut child, lines, address) = start_demo(dir.path());
    let again = lines.join("");
    assert!(!again.contains("first start: simulating"), "{again}");
    assert!(again.contains(fields[2]), "same password: {again}");
    assert_eq!(
        http(&address, "POST", "/api/v1/session", Some(&credentials)).0,
        200
    );
    assert!(terminate(&mut child).success());
}

#[test]
fn audit_verify_passes_on_an_intact_trail_and_fails_on_a_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "p.db");
    let bad = passerelle(&[
        "account",
        "create",
        "--email",
        "a@b.fr",
        "--name",
        "A",
        "--role",
        "boss",
        "--structure",
        "73282932000074",
        "--database",
        &db,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--role: unknown role `boss`"));
    let structures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../exchange/tests/fixtures/structures.csv"
    );
    assert!(
        passerelle(&["import", "structures", structures, "--database", &db])
            .status
            .success()
    );
    // Regression (probe, defect 1): an advisor's seat in an agence d'emploi is refused, and
    // leaves no account behind (the trail below still holds two events).
    let misfit = passerelle(&[
        "account",
        "create",
        "--email",
        "e@f.fr",
        "--name",
        "E",
        "--role",
        "advisor",
        "--structure",
        "73282932000074",
        "--database",
        &db,
    ]);
    assert_eq!(misfit.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&misfit.stderr).contains(
            "--role: a seat of role advisor cannot be in a structure of kind agence_emploi"
        ),
        "{}",
        String::from_utf8_lossy(&misfit.stderr)
    );
    for email in ["a@b.fr", "c@d.fr"] {
        let created = passerelle(&[
            "account",
            "create",
            "--email",
            email,
            "--name",
            "A",
            "--role",
            "admin",
            "--structure",
            "73282932000074",
            "--database",
            &db,
        ]);
        assert!(
            created.status.success(),
            "{}",
            String::from_utf8_lossy(&created.stderr)
        );
        assert!(String::from_utf8_lossy(&created.stdout).contains("password: "));
    }
    let verified = passerelle(&["audit", "verify", "--database", &db]);
    let out = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{out}");
    assert!(
        out.starts_with("audit trail intact: 2 events chained"),
        "{out}"
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        sqlx::raw_sql(
            "DROP TRIGGER audit_events_no_update; \
             UPDATE audit_events SET action = 'nothing' WHERE id = 1;",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    let verified = passerelle(&["audit", "verify", "--database", &db]);
    assert_eq!(verified.status.code(), Some(1));
    let err = String::from_utf8_lossy(&verified.stderr);
    assert_has(
        &err,
        "tampered with: audit event 1: its content does not match its hash",
    );
}

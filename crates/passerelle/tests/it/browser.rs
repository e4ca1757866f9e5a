//! The pages in a real browser: `web/tests/journeys.mjs` (playwright-core driving Debian's
//! Chromium, axe-core checking accessibility) against a demo this test starts, down to a job
//! seeker's own space entered from the link its outbox wrote. Skipped, saying so, when Node's
//! packages (`npm ci --prefix web`) or Chromium are missing, unless
//! `PASSERELLE_TEST_REQUIRE_BROWSER=1` (CI) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::service::start_demo_at;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the journeys need and is not there, if anything.
fn missing(chromium: &Path) -> Option<String> {
    let web = workspace().join("web/node_modules");
    if !web.join("playwright-core").is_dir() || !web.join("axe-core").is_dir() {
        return Some(
            "web/node_modules lacks playwright-core and axe-core: run `npm ci --prefix web`".into(),
        );
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !chromium.is_file() {
        return Some(format!(
            "{} is missing: install Debian's chromium (or set PASSERELLE_CHROMIUM)",
            chromium.display()
        ));
    }
    None
}

#[test]
fn browser_journeys_of_recruiter_advisor_steering_and_admin() {
    let chromium = std::env::var_os("PASSERELLE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if let Some(what) = missing(&chromium) {
        testdb::skip::skip(
            &format!("browser journeys: {what}"),
            testdb::skip::REQUIRE_BROWSER_VAR,
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut running, lines, address) = start_demo_at(dir.path(), "0.005");
    assert!(lines.iter().any(|l| l.contains("listening")), "{lines:?}");
    let shots = std::env::var_os("PASSERELLE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/screenshots/pages"));
    let _ = std::fs::remove_dir_all(&shots);
    let output = Command::new("node")
        .arg(workspace().join("web/tests/journeys.mjs"))
        .env("PASSERELLE_URL", format!("http://{address}"))
        .env("PASSERELLE_ACCOUNTS", dir.path().join("demo-accounts.json"))
        // Where the demo writes its messages: the job seeker's sign-in link is read there.
        .env("PASSERELLE_OUTBOX", dir.path().join("outbox"))
        .env("PASSERELLE_SCREENSHOTS", &shots)
        .env("PASSERELLE_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let server_log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
    assert!(
        output.status.success(),
        "the browser journeys failed:\n{stdout}\n{stderr}\n--- server log (last lines) ---\n{}",
        server_log
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{stdout}");
    let pages: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shots.join("pages.json")).unwrap()).unwrap();
    assert!(
        pages.as_array().unwrap().len() >= 20,
        "every journey page was checked"
    );
    assert!(
        std::fs::read_dir(&shots)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png"))
            .count()
            >= 20
    );
    drop(running.0.kill());
    let _ = running.0.wait();
}

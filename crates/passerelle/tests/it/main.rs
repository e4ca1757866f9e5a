//! The `passerelle` command line, driven through the library's `run` (as the binary does) and
//! through the binary itself for exit codes and streams.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod binary;
mod browser;
mod difficulty;
mod directory;
mod durability;
mod exchange;
mod fair;
mod geo;
mod migrate;
mod report;
mod retention;
mod rome;
mod service;
mod simulate;
mod sourcing;
mod tension;

use passerelle::Failure;

/// The URL of the SQLite database `name` in `dir`.
pub fn sqlite_url(dir: &std::path::Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

/// Runs the `passerelle` binary with `args`, to its end.
pub fn passerelle(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `passerelle ARGS...` in-process: the standard output, or the failure.
pub fn run(args: &[&str]) -> Result<String, Failure> {
    let mut out = Vec::new();
    passerelle::run(
        std::iter::once("passerelle").chain(args.iter().copied()),
        &mut out,
    )?;
    Ok(String::from_utf8(out).expect("output is UTF-8"))
}

pub fn run_ok(args: &[&str]) -> String {
    match run(args) {
        Ok(out) => out,
        Err(Failure::Usage(err)) => panic!("{args:?}: usage error {err}"),
        Err(Failure::Error(err)) => panic!("{args:?}: {err:#}"),
    }
}

/// The small region of `--scale 0.002 --seed 5` on 2026-11-02, simulated into the SQLite
/// database `region.db` in `dir`: its URL.
pub fn small_region(dir: &std::path::Path) -> String {
    let db = sqlite_url(dir, "region.db");
    run_ok(&[
        "simulate",
        "--scale",
        "0.002",
        "--seed",
        "5",
        "--as-of",
        "2026-11-02",
        "--database",
        &db,
    ]);
    db
}

pub fn run_json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run_ok(args)).expect("valid JSON")
}

/// The message of a failed run.
pub fn run_err(args: &[&str]) -> String {
    match run(args) {
        Ok(out) => panic!("{args:?} succeeded: {out}"),
        Err(Failure::Usage(err)) => err.to_string(),
        Err(Failure::Error(err)) => format!("{err:#}"),
    }
}

/// Fails, showing `text` whole, unless it contains `part`.
#[track_caller]
pub fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "no {part:?} in:\n{text}");
}

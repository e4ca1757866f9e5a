//! Tests that cannot run here (no PostgreSQL, no PostGIS, no browser) say so where it shows,
//! and each test binary closes with how many of its tests were skipped.
//!
//! libtest captures what `print!`/`eprint!` write from a test, and shows it only when the test
//! fails; a skipped test passes, so its line is written straight to the process's standard
//! error (`std::io::Write` on `std::io::stderr()`), which libtest does not capture: `cargo
//! test` shows it among the test lines. After libtest's summary, the process's exit runs
//! [`closing_line`] (a destructor registered with the `dtor` crate, run on a normal return
//! from `main` and on libtest's `process::exit` after a failure), which counts them.
//!
//! `cargo nextest` runs every test in a process of its own and keeps the output of passing
//! tests; the workspace's `.config/nextest.toml` shows the output of the tests that may skip.
//!
//! Requirement variables (`PASSERELLE_TEST_REQUIRE_POSTGRES=1`,
//! `PASSERELLE_TEST_REQUIRE_BROWSER=1`, as in CI) turn a skip into a failure.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The tests of this process that were skipped.
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// Makes `PASSERELLE_TEST_REQUIRE_POSTGRES=1` fail PostgreSQL tests instead of skipping them.
pub const REQUIRE_POSTGRES_VAR: &str = "PASSERELLE_TEST_REQUIRE_POSTGRES";
/// Makes `PASSERELLE_TEST_REQUIRE_BROWSER=1` fail the browser tests instead of skipping them.
pub const REQUIRE_BROWSER_VAR: &str = "PASSERELLE_TEST_REQUIRE_BROWSER";

/// Whether the variable `require` is set to `1`.
pub fn required(require: &str) -> bool {
    std::env::var(require).is_ok_and(|v| v == "1")
}

/// Skips the calling test, which must then return: `what` names the test and why it cannot
/// run (`PostgreSQL test x: set ... to run it`). Panics instead (a failure) when `require`
/// is set to `1`.
pub fn skip(what: &str, require: &str) {
    if let Some(failure) = refusal(what, require, std::env::var(require).ok().as_deref()) {
        panic!("{failure}");
    }
    SKIPPED.fetch_add(1, Ordering::SeqCst);
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what}");
}

/// Why a skip is a failure: the requirement variable `require` has the value `1`.
fn refusal(what: &str, require: &str, value: Option<&str>) -> Option<String> {
    (value == Some("1")).then(|| format!("{require}=1 but this test cannot run: {what}"))
}

/// How many tests of this process were skipped so far.
pub fn skipped() -> usize {
    SKIPPED.load(Ordering::SeqCst)
}

/// The closing line, after the harness's summary: how many tests this binary skipped.
fn closing_line(skipped: usize) -> Option<String> {
    (skipped > 0).then(|| {
        format!(
            "SKIPPED: {skipped} test{} of this test binary did not run \
             (their SKIPPED lines above say why)",
            if skipped == 1 { "" } else { "s" }
        )
    })
}

#[dtor::dtor(unsafe)]
fn at_exit() {
    if let Some(line) = closing_line(skipped()) {
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_counts_and_says_nothing_when_nothing_was_skipped() {
        assert_eq!(closing_line(0), None);
        assert_eq!(
            closing_line(1).as_deref(),
            Some(
                "SKIPPED: 1 test of this test binary did not run (their SKIPPED lines above say why)"
            )
        );
        assert_eq!(
            closing_line(12).as_deref(),
            Some(
                "SKIPPED: 12 tests of this test binary did not run (their SKIPPED lines above say why)"
            )
        );
    }

    #[test]
    fn a_requirement_set_to_1_makes_a_skip_a_failure() {
        let what = "PostgreSQL test x: set PASSERELLE_TEST_POSTGRES_URL to run it";
        assert_eq!(
            refusal(what, REQUIRE_POSTGRES_VAR, Some("1")).as_deref(),
            Some(
                "PASSERELLE_TEST_REQUIRE_POSTGRES=1 but this test cannot run: PostgreSQL test x: \
                 set PASSERELLE_TEST_POSTGRES_URL to run it"
            )
        );
        assert_eq!(refusal(what, REQUIRE_POSTGRES_VAR, None), None);
        assert_eq!(refusal(what, REQUIRE_POSTGRES_VAR, Some("0")), None);
        assert_eq!(refusal(what, REQUIRE_BROWSER_VAR, Some("")), None);
    }
}

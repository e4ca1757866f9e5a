//! The binary's exit codes and streams, and a fuzz-style property test of the command line.

use crate::{assert_has, passerelle};

use proptest::prelude::*;

#[test]
fn help_explains_each_command() {
    let output = passerelle(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert_has(&help, "rome");
    assert_has(&help, "Search and show ROME occupations");
    assert_has(&help, "Look up French communes");
    let output = passerelle(&["rome", "search", "--help"]);
    let help = String::from_utf8(output.stdout).unwrap();
    assert_has(&help, "accents and word order do not matter");
}

#[test]
fn not_found_exits_1_with_the_message_on_stderr() {
    let output = passerelle(&["rome", "show", "Z9999"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: \"Z9999\" is not a ROME code"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let output = passerelle(&["rome", "frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!output.stderr.is_empty());
}

/// Words the generator draws arguments from: real subcommands and flags mixed with noise, so
/// that most runs reach the commands themselves.
fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "rome", "search", "show", "geo", "commune", "distance", "--json", "--limit", "0",
            "N1101", "93066", "75056", "93200", "--help",
        ])
        .prop_map(str::to_string),
        "\\PC{0,12}",
        "[A-Z][0-9]{4}",
        "[0-9AB]{5}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_command_line_makes_it_panic(args in proptest::collection::vec(argument(), 0..6)) {
        let mut out = Vec::new();
        let args = std::iter::once("passerelle".to_string()).chain(args);
        // Success or a failure with a message: never a panic.
        match passerelle::run(args, &mut out) {
            Ok(()) => {}
            Err(passerelle::Failure::Usage(err)) => prop_assert!(!err.to_string().is_empty()),
            Err(passerelle::Failure::Error(err)) => prop_assert!(!err.to_string().is_empty()),
        }
    }
}

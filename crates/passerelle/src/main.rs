//! The `passerelle` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match passerelle::run(std::env::args_os(), &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(passerelle::Failure::Usage(err)) => {
            // clap prints help and version to stdout with success, errors to stderr.
            let _ = err.print();
            ExitCode::from(if err.use_stderr() { 2 } else { 0 })
        }
        // The reader went away (`passerelle ... | head`): not an error.
        Err(passerelle::Failure::Error(err)) if err.chain().any(is_broken_pipe) => {
            ExitCode::SUCCESS
        }
        Err(passerelle::Failure::Error(err)) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let kind = match cause.downcast_ref::<serde_json::Error>() {
        Some(json) => json.io_error_kind(),
        None => cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind),
    };
    kind == Some(std::io::ErrorKind::BrokenPipe)
}

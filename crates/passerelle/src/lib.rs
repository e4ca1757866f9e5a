//! The `passerelle` command line: one binary for every use of Passerelle.
//!
//! [`run`] takes the arguments and a writer for standard output, so that tests drive the very
//! code the binary runs.

mod commands;
pub mod settings;
pub mod synthetic;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use commands::bench::BenchCommand;
pub use commands::difficulty::DifficultyCommand;
pub use commands::exchange::{ExportArgs, ImportArgs};
pub use commands::fair::FairCommand;
pub use commands::geo::GeoCommand;
pub use commands::reconversion::{ReconversionArgs, SchemesCommand};
pub use commands::report::ReportArgs;
pub use commands::retention::RetentionCommand;
pub use commands::rome::RomeCommand;
pub use commands::serve::{AccountCommand, AuditCommand, DemoArgs, ServeArgs};
pub use commands::simulate::SimulateArgs;
pub use commands::sourcing::{CampaignArgs, ShortlistArgs, SuggestArgs};
pub use commands::tension::TensionCommand;

/// Passerelle: France Travail and the agences d'emploi of Prism'emploi working together in a
/// region — a shared directory, candidate sourcing with priority for the publics furthest from
/// employment, action on hard-to-fill offers and reconversion toward occupations that recruit.
#[derive(Debug, Parser)]
#[command(name = "passerelle", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Settings file (TOML: data_dir, database_url); also PASSERELLE_CONFIG
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search and show ROME occupations: job titles, skills, close occupations
    #[command(subcommand)]
    Rome(RomeCommand),
    /// Look up French communes and measure distances between them
    #[command(subcommand)]
    Geo(GeoCommand),
    /// The tension of occupations by territory (official: DARES, France Travail, 2019)
    #[command(subcommand)]
    Tension(TensionCommand),
    /// Offers at risk: train the model that predicts which open offers will not be filled,
    /// or evaluate it against three baselines
    #[command(subcommand)]
    Difficulty(DifficultyCommand),
    /// Create or upgrade the database schema (SQLite file by default, or PostgreSQL)
    Migrate {
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: a SQLite file
        /// in the data folder; also PASSERELLE_DATABASE_URL)
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
    /// Import offers, job seekers or structures from a file; bad rows go to a rejects file
    ///
    /// Valid rows are stored, invalid ones are not, and nothing is half-written; importing the
    /// same file again changes nothing.
    Import(ImportArgs),
    /// Export offers (France Travail JSON or CSV), job seekers (CSV) or structures (CSV or JSON)
    Export(ExportArgs),
    /// Simulate a realistic region (structures, job seekers, offers) from published figures
    ///
    /// Writes import files (--out DIR) and/or loads a database (--database URL); the same seed
    /// gives the same region. Names are fictional.
    Simulate(SimulateArgs),
    /// The best job seekers for an offer, with the reasons, and priority publics guaranteed
    ///
    /// Candidates must consent to be proposed, be active, available within the delay and live
    /// within their commute limit; they are shown by pseudonym. What a priority policy changes
    /// is recorded in the audit trail, never shown.
    Shortlist(ShortlistArgs),
    /// The open offers that suit a job seeker best, with the reasons
    Suggest(SuggestArgs),
    /// Proposals for many offers at once, nobody receiving more than --capacity of them
    ///
    /// Compares the result with independent shortlists: congestion, coverage of the eligible
    /// pool, Gini, and the score given up.
    Campaign(CampaignArgs),
    /// Reconversion paths for a job seeker: occupations that recruit within one or two links
    /// of theirs, the skills to acquire, the sessions nearby, beside the simple rule of
    /// earlier systems
    Reconversion(ReconversionArgs),
    /// Training schemes (POEI, AFPR, POEC, CDPI, CIPI, contrat de professionnalisation,
    /// PMSMP) as dated rules: which fund a session for a person
    #[command(subcommand)]
    Schemes(SchemesCommand),
    /// Fairness tables for shortlists that guarantee priority publics (FA*IR)
    #[command(subcommand)]
    Fair(FairCommand),
    /// Run the service: the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json), /healthz,
    /// /metrics
    ///
    /// Stops on Ctrl-C or SIGTERM after finishing the requests in flight.
    Serve(ServeArgs),
    /// Try Passerelle: a simulated region in a local SQLite database, one account per role
    ///
    /// The first start simulates the region and creates the accounts; every start prints them
    /// and serves on 127.0.0.1:8080.
    Demo(DemoArgs),
    /// Accounts of the service
    #[command(subcommand)]
    Account(AccountCommand),
    /// The audit trail of every access to personal data
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The steering committee's report of a quarter as a spreadsheet (.xlsx) or CSV: every
    /// indicator by department and month, compared with the quarter before and a year
    /// before, counts under 20 withheld with whatever would give them away
    ///
    /// `passerelle report --quarter 2026-Q3 --out pilotage-2026-T3.xlsx`
    Report(ReportArgs),
    /// Retention of personal data: apply the retention table (what it removed per rule)
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Measure performance (the figures of BENCHMARKS.md); build with --release first
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// Why a run did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong, or help or the version was asked for.
    Usage(clap::Error),
    /// The command ran and failed; the message says why.
    Error(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Self::Error(err)
    }
}

/// Runs the command line `args` (the program name first), writing results to `out`.
pub fn run<I, T>(args: I, out: &mut dyn Write) -> Result<(), Failure>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args).map_err(Failure::Usage)?;
    match cli.command {
        Command::Rome(command) => commands::rome::run(command, out)?,
        Command::Tension(command) => commands::tension::run(command, cli.config.as_deref(), out)?,
        Command::Difficulty(command) => {
            commands::difficulty::run(command, cli.config.as_deref(), out)?
        }
        Command::Geo(command) => commands::geo::run(command, out)?,
        Command::Retention(command) => {
            commands::retention::run(command, cli.config.as_deref(), out)?
        }
        Command::Migrate { database } => {
            let settings = settings::Settings::load(cli.config.as_deref(), database.as_deref())?;
            block_on(commands::migrate::run(&settings, out))??
        }
        Command::Import(args) => {
            block_on(commands::exchange::import(args, cli.config.as_deref(), out))??
        }
        Command::Export(args) => {
            block_on(commands::exchange::export(args, cli.config.as_deref(), out))??
        }
        Command::Simulate(args) => {
            block_on(commands::simulate::run(args, cli.config.as_deref(), out))??
        }
        Command::Shortlist(args) => block_on(commands::sourcing::shortlist(
            args,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Suggest(args) => block_on(commands::sourcing::suggest(
            args,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Campaign(args) => block_on(commands::sourcing::campaign(
            args,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Fair(command) => commands::fair::run(command, out)?,
        Command::Reconversion(args) => block_on(commands::reconversion::run(
            args,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Schemes(command) => block_on(commands::reconversion::schemes(
            command,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Serve(args) => {
            block_on(commands::serve::serve(args, cli.config.as_deref(), out))??
        }
        Command::Demo(args) => block_on(commands::serve::demo(args, cli.config.as_deref(), out))??,
        Command::Account(command) => block_on(commands::serve::account(
            command,
            cli.config.as_deref(),
            out,
        ))??,
        Command::Audit(command) => {
            block_on(commands::serve::audit(command, cli.config.as_deref(), out))??
        }
        Command::Report(args) => {
            block_on(commands::report::run(args, cli.config.as_deref(), out))??
        }
        Command::Bench(command) => commands::bench::run(command, cli.config.as_deref(), out)?,
    }
    Ok(())
}

/// Runs the async part of a command on a multi-threaded runtime.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| anyhow::anyhow!("cannot start the async runtime: {err}"))?;
    Ok(runtime.block_on(future))
}

//! `passerelle fair ...`: the fairness tables the shortlists use.

use std::io::Write;

use clap::Subcommand;
use engine::fair::MTable;

use super::write_json;

#[derive(Debug, Subcommand)]
pub enum FairCommand {
    /// The FA*IR table: the minimum number of protected candidates in each prefix of a top-k
    ///
    /// m(i) is the smallest m with P[Binomial(i, p) ≤ m] ≥ alpha. With --adjusted, alpha is
    /// lowered so that the exact probability of failing some prefix stays within alpha.
    Mtable {
        /// Length of the ranking
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        k: u32,
        /// Target proportion of the protected group, between 0 and 1
        #[arg(long)]
        p: f64,
        /// Significance, strictly between 0 and 1
        #[arg(long)]
        alpha: f64,
        /// Correct alpha for testing every prefix (Zehlike et al., section 4.2)
        #[arg(long)]
        adjusted: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: FairCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        FairCommand::Mtable {
            k,
            p,
            alpha,
            adjusted,
            json,
        } => {
            let k = k as usize;
            let table = if adjusted {
                MTable::adjusted(k, p, alpha)
            } else {
                MTable::unadjusted(k, p, alpha)
            }?;
            if json {
                return write_json(out, &table);
            }
            writeln!(out, "k = {k}, p = {p}, alpha = {alpha}")?;
            if adjusted {
                writeln!(out, "adjusted alpha_c = {:.6}", table.alpha_used)?;
            }
            writeln!(
                out,
                "probability that a fair random ranking fails some prefix: {:.6}",
                table.fail_probability
            )?;
            let minimums: Vec<String> = table.minimums.iter().map(ToString::to_string).collect();
            writeln!(out, "m(1..{k}) = [{}]", minimums.join(", "))?;
            Ok(())
        }
    }
}

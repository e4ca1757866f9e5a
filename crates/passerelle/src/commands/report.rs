//! `passerelle report`: the steering committee's report of a period as a file, the same as
//! the report page's spreadsheet — every indicator of the registry by department and month,
//! compared with the period before and the same period a year before, under statistical
//! secrecy; `.xlsx` or `.csv` by the file's extension.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use service::error::ApiError;
use service::indicators::{export, report};

use super::{now, open_store};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The quarter: 2026-Q3 (default: the last quarter over)
    #[arg(long, conflicts_with = "period")]
    pub quarter: Option<String>,
    /// Any period instead: a month (2026-07), a quarter (2026-Q3) or a year (2026)
    #[arg(long)]
    pub period: Option<String>,
    /// The columns of each indicator's sheet: month (default), quarter or year
    #[arg(long)]
    pub by: Option<String>,
    /// A department (93) whose figures the comparisons give, beside the region's lines
    #[arg(long)]
    pub department: Option<String>,
    /// The file to write: FILE.xlsx (a workbook) or FILE.csv
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The region's INSEE code (11: Île-de-France)
    #[arg(long, default_value = "11")]
    pub region: String,
    /// Count what happened up to the end of this day (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Database URL (default: the settings' database; also PASSERELLE_DATABASE_URL)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// The request's refusal as the command says it: each wrong option named.
fn refused(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Invalid(problems) => anyhow::anyhow!(
            "{}",
            problems
                .iter()
                .map(|p| format!(
                    "--{}: {}",
                    p.path
                        .trim_start_matches('?')
                        .replace("period", "quarter or --period"),
                    p.message
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other:?}"),
    }
}

pub async fn run(
    args: ReportArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let csv = match args.out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("xlsx") => false,
        Some(e) if e.eq_ignore_ascii_case("csv") => true,
        _ => bail!(
            "--out: {} must end in .xlsx (a workbook) or .csv",
            args.out.display()
        ),
    };
    if refdata::geo().region(&args.region).is_none() {
        bail!(
            "--region: {:?} is not a region's INSEE code (11: Île-de-France)",
            args.region
        );
    }
    let settings = Settings::load(config_file, args.database.as_deref())?;
    let (today, now) = match args.today {
        Some(day) => {
            let next = day.succ_opt().unwrap_or(day);
            (day, next.and_time(chrono::NaiveTime::MIN).and_utc())
        }
        None => (now().date_naive(), now()),
    };
    let asked = report::AskedQuery {
        period: args.quarter.or(args.period),
        by: args.by,
        department: args.department,
    }
    .read(today)
    .map_err(refused)?;
    let store = open_store(&settings).await?;
    let report = report::report(store.as_ref(), &args.region, &report::all(), &asked, now)
        .await
        .map_err(refused)?;
    let bytes = if csv {
        export::csv(&report).context("writing the CSV")?
    } else {
        export::xlsx(&report).context("writing the workbook")?
    };
    // Written beside, then renamed: a reader never sees half a file.
    let partial = args.out.with_extension("partial");
    std::fs::write(&partial, &bytes).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let withheld: usize = report.figures.iter().map(|f| f.table.withheld).sum();
    writeln!(
        out,
        "{}: {} indicators, {}, {}; {} figures withheld (statistical secrecy)",
        args.out.display(),
        report.figures.len(),
        asked.period,
        asked.department.as_deref().unwrap_or("the whole region"),
        withheld
    )?;
    for figure in &report.figures {
        let unit = figure.table.indicator.unit();
        let c = &figure.compared;
        writeln!(
            out,
            "  {:<26} {:>12}   previous {:>12}   a year before {:>12}",
            figure.table.indicator.id,
            plain(c.current, unit),
            plain(c.previous, unit),
            plain(c.year_before, unit),
        )?;
    }
    Ok(())
}

/// A figure as the terminal shows it.
fn plain(cell: service::indicators::tables::Cell, unit: model::indicators::Unit) -> String {
    use service::indicators::tables::CellState;
    match (cell.state, cell.value) {
        (CellState::Published, Some(v)) => match unit {
            model::indicators::Unit::Count => format!("{v:.0}"),
            model::indicators::Unit::Share => format!("{:.1}%", v * 100.0),
            model::indicators::Unit::Days => format!("{v:.0} days"),
        },
        (CellState::Withheld, _) => "secret".to_string(),
        (CellState::QuarterOnly, _) => "by quarter".to_string(),
        _ => "-".to_string(),
    }
}

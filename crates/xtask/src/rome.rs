//! Occupations: ROME 4.0 codes (with NAF divisions) joined to the ROME v3.47 detail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::fetch::Sources;
use crate::text::unescape_rome;
use crate::tsv::{Files, Table};

/// The fourteen grands domaines of the ROME, as France Travail labels them.
const GRANDS_DOMAINES: [(&str, &str); 14] = [
    (
        "A",
        "Agriculture et Pêche, Espaces naturels et Espaces verts, Soins aux animaux",
    ),
    ("B", "Arts et Façonnage d'ouvrages d'art"),
    ("C", "Banque, Assurance, Immobilier"),
    ("D", "Commerce, Vente et Grande distribution"),
    ("E", "Communication, Média et Multimédia"),
    ("F", "Construction, Bâtiment et Travaux publics"),
    (
        "G",
        "Hôtellerie-Restauration, Tourisme, Loisirs et Animation",
    ),
    ("H", "Industrie"),
    ("I", "Installation et Maintenance"),
    ("J", "Santé"),
    ("K", "Services à la personne et à la collectivité"),
    ("L", "Spectacle"),
    ("M", "Support à l'entreprise"),
    ("N", "Transport et Logistique"),
];

/// At most this many derived neighbours per ROME 4.0 code without v3 detail.
const DERIVED_NEIGHBOURS: usize = 10;

#[derive(Deserialize)]
struct NafSector {
    libelle: String,
    codes_rome: Vec<NafRome>,
}

#[derive(Deserialize)]
struct NafRome {
    code: String,
    libelle: String,
}

fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let mut rows = Vec::new();
    for record in reader.deserialize() {
        let row: BTreeMap<String, String> =
            record.with_context(|| format!("reading {}", path.display()))?;
        rows.push(row);
    }
    Ok(rows)
}

fn field<'a>(row: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str> {
    row.get(name)
        .map(String::as_str)
        .with_context(|| format!("column {name} missing"))
}

fn is_rome_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes.first().is_some_and(|b| (b'A'..=b'N').contains(b))
        && bytes.iter().skip(1).all(u8::is_ascii_digit)
}

/// The words of a label that say something (four letters or more), folded.
fn label_words(label: &str) -> BTreeSet<String> {
    crate::text::normalise(label)
        .split(' ')
        .filter(|w| w.len() >= 4)
        .map(str::to_string)
        .collect()
}

pub fn generate(rome_dir: &Path, sources: &Sources, files: &mut Files) -> Result<()> {
    // ROME 4.0 codes, labels and NAF divisions.
    let naf_text = std::fs::read_to_string(&sources.naf_rome)?;
    let sectors: BTreeMap<String, NafSector> = serde_json::from_str(&naf_text)
        .with_context(|| format!("parsing {}", sources.naf_rome.display()))?;
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut divisions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut naf = Table::new(&["division", "label"]);
    for (key, sector) in &sectors {
        let division = format!("{:0>2}", key);
        naf.row(&[division.as_str(), sector.libelle.trim()])?;
        for rome in &sector.codes_rome {
            if !is_rome_code(&rome.code) {
                bail!("ROME 4.0 code {:?} is malformed", rome.code);
            }
            if let Some(old) = labels.insert(rome.code.clone(), rome.libelle.trim().to_string())
                && old != rome.libelle.trim()
            {
                bail!("ROME 4.0 code {} has two labels", rome.code);
            }
            divisions
                .entry(rome.code.clone())
                .or_default()
                .insert(division.clone());
        }
    }

    // ROME v3.47 detail.
    let mut v3_labels: BTreeMap<String, String> = BTreeMap::new();
    for row in read_csv(&rome_dir.join("unix_referentiel_code_rome_v347_utf8.csv"))? {
        let code = field(&row, "code_rome")?;
        if !labels.contains_key(code) {
            bail!("ROME v3 code {code} is not a ROME 4.0 code");
        }
        v3_labels.insert(
            code.to_string(),
            unescape_rome(field(&row, "libelle_rome")?),
        );
    }

    let mut occupations = Table::new(&["code", "label", "label_v3", "naf_divisions"]);
    for (code, label) in &labels {
        let naf_list = divisions
            .get(code)
            .map(|d| d.iter().cloned().collect::<Vec<_>>().join(","))
            .unwrap_or_default();
        let v3 = v3_labels.get(code).map(String::as_str).unwrap_or("");
        occupations.row(&[code.as_str(), label.as_str(), v3, naf_list.as_str()])?;
    }

    let mut domains = Table::new(&["code", "label"]);
    for (code, label) in GRANDS_DOMAINES {
        domains.row(&[code, label])?;
    }
    let mut professional: BTreeMap<String, String> = labels
        .keys()
        .filter_map(|code| code.get(..3))
        .map(|prefix| (prefix.to_string(), String::new()))
        .collect();
    for row in read_csv(&rome_dir.join("unix_item_arborescence_v347_utf8.csv"))? {
        let node = field(&row, "code_noeud")?;
        if node.len() == 3 {
            professional.insert(
                node.to_string(),
                unescape_rome(field(&row, "libelle_item_arbo")?),
            );
        }
    }
    for (code, label) in &professional {
        domains.row(&[code, label])?;
    }

    let mut titles = Table::new(&["code", "ogr", "label", "short_label"]);
    let mut title_count = 0usize;
    let mut titled: BTreeSet<String> = BTreeSet::new();
    for row in read_csv(&rome_dir.join("unix_referentiel_appellation_v347_utf8.csv"))? {
        let code = field(&row, "code_rome")?;
        if !labels.contains_key(code) {
            bail!(
                "job title {} points to unknown code {code}",
                field(&row, "code_ogr")?
            );
        }
        let long = unescape_rome(field(&row, "libelle_appellation_long")?);
        let short = unescape_rome(field(&row, "libelle_appellation_court")?);
        let short = if short == long { String::new() } else { short };
        titles.row(&[
            code,
            field(&row, "code_ogr")?,
            long.as_str(),
            short.as_str(),
        ])?;
        title_count += 1;
        titled.insert(code.to_string());
    }

    let mut skills = Table::new(&["ogr", "label", "kind"]);
    let mut skill_ids = BTreeSet::new();
    for row in read_csv(&rome_dir.join("unix_referentiel_competence_v347_utf8.csv"))? {
        let ogr = field(&row, "code_ogr")?;
        let kind = unescape_rome(field(&row, "libelle_type_competence")?).to_lowercase();
        skills.row(&[
            ogr,
            unescape_rome(field(&row, "libelle_competence")?).as_str(),
            kind.as_str(),
        ])?;
        skill_ids.insert(ogr.to_string());
    }

    let mut occupation_skills = Table::new(&["code", "skill_ogr"]);
    let mut link_count = 0usize;
    for row in read_csv(&rome_dir.join("unix_coherence_item_v347_utf8.csv"))? {
        let ogr = field(&row, "code_ogr")?;
        if skill_ids.contains(ogr) {
            occupation_skills.row(&[field(&row, "code_rome")?, ogr])?;
            link_count += 1;
        }
    }

    let mut mobility = Table::new(&[
        "source",
        "target",
        "kind",
        "source_title_ogr",
        "target_title_ogr",
        "shared_naf",
        "rank",
    ]);
    let mut v3_mobility = 0usize;
    for row in read_csv(&rome_dir.join("unix_rubrique_mobilite_v347_utf8.csv"))? {
        let source = field(&row, "code_rome")?;
        let target = field(&row, "code_rome_cible")?;
        for code in [source, target] {
            if !labels.contains_key(code) {
                bail!("mobility link {source} -> {target}: {code} is not a ROME 4.0 code");
            }
        }
        let kind = match field(&row, "code_type_mobilite")? {
            "1" => "proche",
            "2" => "evolution",
            other => bail!("mobility link {source} -> {target}: unknown type {other:?}"),
        };
        mobility.row(&[
            source,
            target,
            kind,
            field(&row, "code_appellation_source")?,
            field(&row, "code_appellation_cible")?,
            "",
            "",
        ])?;
        v3_mobility += 1;
    }

    // Derived proximity for the codes new in ROME 4.0. ROME v3.47 describes one code missing
    // from its own code list (L1510, added late): job titles make a code "described" too.
    let described: BTreeSet<&String> = v3_labels.keys().chain(titled.iter()).collect();
    let mut derived = 0usize;
    let empty = BTreeSet::new();
    for code in labels.keys().filter(|c| !described.contains(c)) {
        let mine = divisions.get(code).unwrap_or(&empty);
        let my_words = label_words(labels.get(code).map_or("", String::as_str));
        let mut neighbours: Vec<(usize, usize, &String)> = labels
            .iter()
            .filter(|(other, _)| *other != code && other.get(..3) == code.get(..3))
            .map(|(other, label)| {
                let theirs = divisions.get(other).unwrap_or(&empty);
                let words = label_words(label).intersection(&my_words).count();
                (mine.intersection(theirs).count(), words, other)
            })
            .collect();
        // Most NAF divisions shared first, then most label words shared, then by code.
        neighbours.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        for (rank, (shared, _, other)) in
            neighbours.into_iter().take(DERIVED_NEIGHBOURS).enumerate()
        {
            mobility.row(&[
                code.as_str(),
                other.as_str(),
                "derived",
                "",
                "",
                shared.to_string().as_str(),
                (rank + 1).to_string().as_str(),
            ])?;
            derived += 1;
        }
    }

    eprintln!(
        "occupations: {} ROME 4.0 codes, {} with v3 detail ({} in the v3 code list); {} job titles; \
         {} skills, {} links; {} v3 mobility links, {} derived",
        labels.len(),
        described.len(),
        v3_labels.len(),
        title_count,
        skill_ids.len(),
        link_count,
        v3_mobility,
        derived
    );

    files.add("rome/occupations.tsv", occupations.render());
    files.add("rome/domains.tsv", domains.render());
    files.add("rome/naf_divisions.tsv", naf.render());
    files.add("rome/job_titles.tsv", titles.render());
    files.add("rome/skills.tsv", skills.render());
    files.add("rome/occupation_skills.tsv", occupation_skills.render());
    files.add("rome/mobility.tsv", mobility.render());
    Ok(())
}

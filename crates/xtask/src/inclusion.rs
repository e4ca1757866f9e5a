//! The data·inclusion v1 vocabularies (thematiques, types de services, publics, frais, modes
//! d'accueil and de mobilisation, mobilisable par, réseaux porteurs), read from the Python
//! source of the official schema package (`data_inclusion/schema/v1/*.py`): each vocabulary is
//! an `EnhancedEnum` whose members are `NAME = ("value", "label", description)`.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::tsv::{Files, Table};

/// The schema's files and the vocabulary each enum class is, in our tables.
const VOCABULARIES: &[(&str, &str, &str)] = &[
    ("thematiques.py", "Categorie", "categorie"),
    ("thematiques.py", "Thematique", "thematique"),
    ("types_de_services.py", "TypeService", "type"),
    ("publics.py", "Public", "public"),
    ("frais.py", "Frais", "frais"),
    ("modes_accueil.py", "ModeAccueil", "mode_accueil"),
    (
        "modes_mobilisation.py",
        "ModeMobilisation",
        "mode_mobilisation",
    ),
    (
        "modes_mobilisation.py",
        "PersonneMobilisatrice",
        "mobilisable_par",
    ),
    ("reseaux_porteurs.py", "ReseauPorteur", "reseau_porteur"),
];

/// The members (value, label) of one `EnhancedEnum` class of a Python source.
pub fn members(source: &str, class: &str) -> Result<Vec<(String, String)>> {
    let header = format!("class {class}(EnhancedEnum):");
    let mut lines = source
        .lines()
        .skip_while(|l| l.trim_end() != header)
        .skip(1)
        .take_while(|l| !l.starts_with("class "));
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("    ") else {
            continue;
        };
        let Some((name, tuple)) = rest.split_once(" = (") else {
            continue;
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            continue;
        }
        // The first two string literals after the opening parenthesis, on this line or the next.
        let mut literals = string_literals(tuple);
        while literals.len() < 2 {
            let Some(next) = lines.next() else { break };
            literals.extend(string_literals(next));
        }
        match (literals.first(), literals.get(1)) {
            (Some(value), Some(label)) => found.push((value.clone(), label.clone())),
            _ => bail!("{class}.{name}: no value and label"),
        }
    }
    if found.is_empty() {
        bail!("no member found in class {class}");
    }
    Ok(found)
}

/// The double-quoted string literals of a line of Python (no escapes are used in the schema).
fn string_literals(line: &str) -> Vec<String> {
    let line = line.split(" #").next().unwrap_or(line);
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find('"') else { break };
        out.push(after.get(..end).unwrap_or("").to_string());
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

pub fn generate(schema_dir: &Path, files: &mut Files) -> Result<()> {
    let mut table = Table::new(&["vocabulary", "value", "label"]);
    let mut counts = Vec::new();
    for (file, class, vocabulary) in VOCABULARIES {
        let path = schema_dir.join(file);
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let members = members(&source, class).with_context(|| format!("in {}", path.display()))?;
        counts.push(format!("{} {vocabulary}", members.len()));
        for (value, label) in members {
            table.row(&[*vocabulary, value.as_str(), label.as_str()])?;
        }
    }
    eprintln!("data·inclusion v1: {}", counts.join(", "));
    files.add("inclusion/vocabularies.tsv", table.render());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_read_on_one_line_or_several_with_wrapped_descriptions() {
        let source = r#"
from x import EnhancedEnum


class Frais(EnhancedEnum):
    """Frais"""

    # a comment = ("not", "a member")
    GRATUIT = (
        "gratuit",
        "Gratuit",
        (
            "L’accès est"
            " gratuit"
        ),
    )
    PAYANT = ("payant", "Payant", None)


class Other(EnhancedEnum):
    X = ("x", "X", None)
"#;
        assert_eq!(
            members(source, "Frais").unwrap(),
            vec![
                ("gratuit".to_string(), "Gratuit".to_string()),
                ("payant".to_string(), "Payant".to_string())
            ]
        );
        assert!(members(source, "Missing").is_err());
    }
}

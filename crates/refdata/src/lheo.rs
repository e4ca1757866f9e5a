//! LHEO 2.3, the exchange language of training catalogues (generated from the language's
//! definition, see `data/ATTRIBUTION.md`): the children each element may have with their
//! cardinalities, in the order of the definition's sequences, and the code lists (`dict-*`).
//!
//! An element the definition describes with children is in [`children`]; a text element
//! (`intitule-formation`, `debut`...) has none. The lists are named after their files:
//! `dict-financeurs-formacodes-V10`, `dict-public-vise-formacode-V9`, `dict-niveaux`...

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::table::rows;

const ELEMENTS: &str = include_str!("../../../data/lheo/elements.tsv");
const CODES: &str = include_str!("../../../data/lheo/codes.tsv");

/// One child an element may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    pub name: &'static str,
    /// At least this many (0: optional).
    pub min: u32,
    /// At most this many; `None` when unbounded.
    pub max: Option<u32>,
}

impl Child {
    /// The definition allows more than one.
    pub fn repeatable(&self) -> bool {
        self.max != Some(1)
    }
}

struct Definition {
    /// Each parent's children, in the order of its sequence.
    children: HashMap<&'static str, Vec<Child>>,
    /// Each list's (code, label), sorted by code.
    codes: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    defects: Vec<String>,
}

fn definition() -> &'static Definition {
    static PARSED: OnceLock<Definition> = OnceLock::new();
    PARSED.get_or_init(parse)
}

fn parse() -> Definition {
    let mut defects = Vec::new();
    let mut bad = Vec::new();
    let mut ordered: HashMap<&'static str, Vec<(&'static str, Child)>> = HashMap::new();
    for [parent, order, name, min, max] in rows::<5>("elements.tsv", ELEMENTS, &mut defects) {
        let min = min.parse::<u32>();
        let max = match max {
            "unbounded" => Ok(None),
            number => number.parse::<u32>().map(Some),
        };
        match (min, max) {
            (Ok(min), Ok(max)) => ordered
                .entry(parent)
                .or_default()
                .push((order, Child { name, min, max })),
            _ => bad.push(format!("elements.tsv: {parent}/{name}: bad cardinality")),
        }
    }
    defects.extend(bad);
    let children = ordered
        .into_iter()
        .map(|(parent, mut list)| {
            list.sort_unstable_by_key(|(order, _)| *order);
            (parent, list.into_iter().map(|(_, child)| child).collect())
        })
        .collect();
    let mut codes: HashMap<&'static str, Vec<(&'static str, &'static str)>> = HashMap::new();
    for [list, code, label] in rows::<3>("codes.tsv", CODES, &mut defects) {
        codes.entry(list).or_default().push((code, label));
    }
    for list in codes.values_mut() {
        list.sort_unstable();
    }
    Definition {
        children,
        codes,
        defects,
    }
}

/// Lines of the embedded tables that did not parse (none, as the tests require).
pub fn defects() -> &'static [String] {
    &definition().defects
}

/// The children an element may have, in the definition's order (none for a text element or
/// one the definition does not know).
pub fn children(parent: &str) -> &'static [Child] {
    definition()
        .children
        .get(parent)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// What the definition says of `child` under `parent`.
pub fn child(parent: &str, child: &str) -> Option<&'static Child> {
    children(parent).iter().find(|c| c.name == child)
}

/// The (code, label) pairs of a code list, by code (none for an unknown list).
pub fn codes(list: &str) -> &'static [(&'static str, &'static str)] {
    definition()
        .codes
        .get(list)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The French label of a code in a list, if the list has it.
pub fn code_label(list: &str, code: &str) -> Option<&'static str> {
    let list = codes(list);
    list.binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .and_then(|i| list.get(i))
        .map(|(_, label)| *label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_have_no_defects() {
        assert_eq!(defects(), &[] as &[String]);
    }

    #[test]
    fn cardinalities_are_those_of_the_definition() {
        let session = children("session");
        assert_eq!(
            session.first(),
            Some(&Child {
                name: "periode",
                min: 1,
                max: Some(1)
            })
        );
        assert_eq!(
            child("formation", "action"),
            Some(&Child {
                name: "action",
                min: 1,
                max: None
            })
        );
        assert_eq!(
            child("domaine-formation", "code-ROME").map(|c| c.max),
            Some(Some(5))
        );
        assert_eq!(child("action", "code-public-vise").map(|c| c.min), Some(1));
        assert_eq!(child("resume-offre", "codepostal").map(|c| c.min), Some(0));
        assert!(child("periode", "debut").is_some_and(|c| !c.repeatable()));
        assert!(children("intitule-formation").is_empty());
        let formation: Vec<_> = children("formation").iter().map(|c| c.name).collect();
        let position = |name| formation.iter().position(|n| *n == name);
        assert!(position("action") < position("organisme-formation-responsable"));
    }

    #[test]
    fn code_lists_answer_labels() {
        assert_eq!(code_label("dict-etat-recrutement", "1"), Some("ouvert"));
        assert_eq!(
            code_label("dict-financeurs-formacodes-V10", "98013"),
            Some("Pôle emploi")
        );
        assert_eq!(
            code_label("dict-public-vise-formacode-V10", "83056"),
            Some("Tout public")
        );
        assert_eq!(code_label("dict-financeurs", "16"), Some("OPCO"));
        assert_eq!(
            code_label("dict-modalites-enseignement", "2"),
            Some("formation entièrement à distance")
        );
        assert_eq!(code_label("dict-niveaux", "9"), None);
        assert_eq!(code_label("dict-unknown", "1"), None);
        assert_eq!(codes("dict-FOAD").len(), 3);
    }
}

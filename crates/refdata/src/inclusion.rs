//! The data·inclusion v1 vocabularies (generated from the official schema package, see
//! `data/ATTRIBUTION.md`): the values a structure or service file may use for its
//! thématiques, type, publics, frais, modes d'accueil and de mobilisation, mobilisable par and
//! réseaux porteurs, with their French labels.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::table::rows;

const VOCABULARIES: &str = include_str!("../../../data/inclusion/vocabularies.tsv");

/// One vocabulary of the data·inclusion v1 schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vocabulary {
    /// Categories of thématiques (`choisir-un-metier`...).
    Categorie,
    /// `categorie--sous-thematique`.
    Thematique,
    /// Type of service (`accompagnement`, `aide-financiere`...).
    Type,
    Public,
    Frais,
    ModeAccueil,
    ModeMobilisation,
    MobilisablePar,
    ReseauPorteur,
}

impl Vocabulary {
    pub const ALL: [Vocabulary; 9] = [
        Vocabulary::Categorie,
        Vocabulary::Thematique,
        Vocabulary::Type,
        Vocabulary::Public,
        Vocabulary::Frais,
        Vocabulary::ModeAccueil,
        Vocabulary::ModeMobilisation,
        Vocabulary::MobilisablePar,
        Vocabulary::ReseauPorteur,
    ];

    /// Its name in the generated table.
    pub fn as_str(self) -> &'static str {
        match self {
            Vocabulary::Categorie => "categorie",
            Vocabulary::Thematique => "thematique",
            Vocabulary::Type => "type",
            Vocabulary::Public => "public",
            Vocabulary::Frais => "frais",
            Vocabulary::ModeAccueil => "mode_accueil",
            Vocabulary::ModeMobilisation => "mode_mobilisation",
            Vocabulary::MobilisablePar => "mobilisable_par",
            Vocabulary::ReseauPorteur => "reseau_porteur",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// Every vocabulary, parsed once.
pub fn inclusion() -> &'static Vocabularies {
    static VOCABULARIES_PARSED: OnceLock<Vocabularies> = OnceLock::new();
    VOCABULARIES_PARSED.get_or_init(Vocabularies::parse)
}

#[derive(Debug)]
pub struct Vocabularies {
    /// (value, label) of each vocabulary, sorted by value.
    values: HashMap<Vocabulary, Vec<(&'static str, &'static str)>>,
    defects: Vec<String>,
}

impl Vocabularies {
    fn parse() -> Self {
        let mut defects = Vec::new();
        let mut values: HashMap<Vocabulary, Vec<(&'static str, &'static str)>> = HashMap::new();
        let mut unknown = Vec::new();
        for [vocabulary, value, label] in rows::<3>("vocabularies.tsv", VOCABULARIES, &mut defects)
        {
            match Vocabulary::parse(vocabulary) {
                Some(v) => values.entry(v).or_default().push((value, label)),
                None => unknown.push(format!("vocabularies.tsv: unknown vocabulary {vocabulary}")),
            }
        }
        defects.extend(unknown);
        for list in values.values_mut() {
            list.sort_unstable();
        }
        Self { values, defects }
    }

    /// Lines of the embedded table that did not parse (none, as the tests require).
    pub fn defects(&self) -> &[String] {
        &self.defects
    }

    /// The (value, label) pairs of a vocabulary, by value.
    pub fn values(&self, vocabulary: Vocabulary) -> &[(&'static str, &'static str)] {
        self.values
            .get(&vocabulary)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The French label of a value, if the vocabulary has it.
    pub fn label(&self, vocabulary: Vocabulary, value: &str) -> Option<&'static str> {
        let list = self.values(vocabulary);
        list.binary_search_by(|(v, _)| (*v).cmp(value))
            .ok()
            .and_then(|i| list.get(i))
            .map(|(_, label)| *label)
    }

    pub fn contains(&self, vocabulary: Vocabulary, value: &str) -> bool {
        self.label(vocabulary, value).is_some()
    }
}

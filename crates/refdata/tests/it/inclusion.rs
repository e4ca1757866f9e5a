//! The data·inclusion v1 vocabularies as generated from the official schema package.

use refdata::{Vocabulary, inclusion};

#[test]
fn every_vocabulary_is_complete_and_parses_without_defect() {
    let v = inclusion();
    assert!(v.defects().is_empty(), "{:?}", v.defects());
    // The counts of data-inclusion-schema 1.0.10.
    let expected = [
        (Vocabulary::Categorie, 16),
        (Vocabulary::Thematique, 69),
        (Vocabulary::Type, 6),
        (Vocabulary::Public, 14),
        (Vocabulary::Frais, 2),
        (Vocabulary::ModeAccueil, 2),
        (Vocabulary::ModeMobilisation, 4),
        (Vocabulary::MobilisablePar, 2),
        (Vocabulary::ReseauPorteur, 108),
    ];
    for (vocabulary, count) in expected {
        assert_eq!(v.values(vocabulary).len(), count, "{vocabulary:?}");
    }
}

#[test]
fn labels_are_found_by_value_and_every_thematique_belongs_to_a_category() {
    let v = inclusion();
    assert_eq!(
        v.label(Vocabulary::Type, "aide-financiere"),
        Some("Aide financière")
    );
    assert_eq!(
        v.label(Vocabulary::ReseauPorteur, "france-travail"),
        Some("France Travail")
    );
    assert_eq!(
        v.label(Vocabulary::Public, "demandeurs-emploi"),
        Some("Demandeurs d’emploi")
    );
    assert!(v.contains(Vocabulary::ReseauPorteur, "mission-locale"));
    assert!(
        !v.contains(Vocabulary::ReseauPorteur, "adecco"),
        "temp-work networks are not in it"
    );
    assert!(
        !v.contains(Vocabulary::Type, "Aide financière"),
        "values, not labels"
    );
    for (value, _) in v.values(Vocabulary::Thematique) {
        let (category, _) = value.split_once("--").expect("categorie--sous-thematique");
        assert!(v.contains(Vocabulary::Categorie, category), "{value}");
    }
}

//! The services each kind of structure offers, in data·inclusion v1 terms: France Travail's
//! recruitment services (MRS among them), the agencies' specialities and CDI intérimaire,
//! FASTT's housing, mobility and childcare aids, Akto's training funding, Cap emploi's and the
//! missions locales' support. Not every structure offers every service, descriptions were
//! checked on various dates and some are overdue for review, as in a real directory.

use chrono::Duration;
use model::{ServiceRecord, StructureKind, StructureRecord};
use rand::Rng;
use rand::rngs::StdRng;

/// A kind of service: what it is, and the share of structures of its kind offering it.
struct Template {
    kind: StructureKind,
    reference: &'static str,
    share: f64,
    name: &'static str,
    description: &'static str,
    service_type: &'static str,
    thematiques: &'static [&'static str],
    publics: &'static [&'static str],
    fees: &'static str,
    mobilisable_by: &'static [&'static str],
    modes: &'static [&'static str],
    remote: bool,
    /// Eligible in the whole region rather than the structure's department.
    regional: bool,
}

const TEMPLATES: &[Template] = &[
    Template {
        kind: StructureKind::FranceTravail,
        reference: "MRS",
        share: 0.6,
        name: "Recrutement par simulation (MRS)",
        description: "La méthode de recrutement par simulation évalue les habiletés nécessaires \
                      au poste par des exercices pratiques, sans CV ni diplôme : les candidats \
                      retenus sont présentés aux employeurs et aux agences d'emploi partenaires.",
        service_type: "accompagnement",
        thematiques: &[
            "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
            "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
        ],
        publics: &["demandeurs-emploi"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter", "telephoner"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::FranceTravail,
        reference: "ATELIER-CV",
        share: 0.9,
        name: "Atelier CV et lettre de motivation",
        description: "Atelier collectif d'une demi-journée pour construire un CV et une lettre \
                      adaptés aux offres des agences d'emploi du territoire.",
        service_type: "atelier",
        thematiques: &[
            "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
            "preparer-sa-candidature--valoriser-ses-competences",
        ],
        publics: &["demandeurs-emploi"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::FranceTravail,
        reference: "METIERS",
        share: 0.7,
        name: "Information sur les métiers qui recrutent",
        description: "Réunion d'information sur les métiers en tension du bassin d'emploi, avec \
                      les agences d'emploi partenaires et les reconversions possibles.",
        service_type: "information",
        thematiques: &[
            "choisir-un-metier--connaitre-les-opportunites-demploi",
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        ],
        publics: &["demandeurs-emploi", "actifs"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter", "envoyer-un-courriel"],
        remote: true,
        regional: false,
    },
    Template {
        kind: StructureKind::AgenceEmploi,
        reference: "CDII",
        share: 0.5,
        name: "CDI intérimaire",
        description: "Recrutement en CDI intérimaire : un contrat à durée indéterminée avec \
                      l'agence, des missions successives et une garantie minimale mensuelle \
                      entre deux missions.",
        service_type: "accompagnement",
        thematiques: &[
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "trouver-un-emploi--maintien-dans-lemploi",
        ],
        publics: &["demandeurs-emploi", "actifs"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter", "telephoner"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::AgenceEmploi,
        reference: "MISSIONS",
        share: 1.0,
        name: "Missions d'intérim et recrutement",
        description: "Missions d'intérim et recrutements en CDD ou CDI dans les métiers de \
                      l'agence ; inscription sur rendez-vous ou sur présentation du conseiller.",
        service_type: "information",
        thematiques: &[
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "trouver-un-emploi--faire-des-candidatures-spontanees",
        ],
        publics: &["demandeurs-emploi", "actifs", "jeunes", "seniors"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter", "telephoner", "envoyer-un-courriel"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::AgenceEmploi,
        reference: "POEI",
        share: 0.35,
        name: "Formation avant embauche (POEI)",
        description: "Préparation opérationnelle à l'emploi : une formation financée avant une \
                      mission ou une embauche, pour les métiers qui recrutent.",
        service_type: "formation",
        thematiques: &["se-former--trouver-sa-formation"],
        publics: &["demandeurs-emploi"],
        fees: "gratuit",
        mobilisable_by: &["professionnels"],
        modes: &["telephoner"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::Fastt,
        reference: "VEHICULE",
        share: 1.0,
        name: "Location solidaire de véhicule",
        description: "Location d'une voiture ou d'un deux-roues à tarif solidaire pour se rendre \
                      en mission quand les transports en commun ne suffisent pas.",
        service_type: "aide-materielle",
        thematiques: &[
            "mobilite--acceder-a-un-vehicule",
            "mobilite--financer-ma-mobilite",
        ],
        publics: &["actifs"],
        fees: "payant",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["telephoner", "utiliser-lien-mobilisation"],
        remote: true,
        regional: true,
    },
    Template {
        kind: StructureKind::Fastt,
        reference: "PERMIS",
        share: 1.0,
        name: "Aide au permis de conduire",
        description: "Financement d'une partie du permis B pour les intérimaires ayant travaillé \
                      au moins 300 heures en intérim dans les douze derniers mois.",
        service_type: "aide-financiere",
        thematiques: &["mobilite--preparer-un-permis"],
        publics: &["actifs"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["utiliser-lien-mobilisation", "telephoner"],
        remote: true,
        regional: true,
    },
    Template {
        kind: StructureKind::Fastt,
        reference: "LOGEMENT",
        share: 1.0,
        name: "Accès au logement des intérimaires",
        description: "Accompagnement à la recherche d'un logement, garantie de loyer et \
                      solutions d'hébergement temporaire près du lieu de mission.",
        service_type: "accompagnement",
        thematiques: &[
            "logement-hebergement--louer-un-logement",
            "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
        ],
        publics: &["actifs"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["telephoner", "utiliser-lien-mobilisation"],
        remote: true,
        regional: true,
    },
    Template {
        kind: StructureKind::Fastt,
        reference: "GARDE",
        share: 1.0,
        name: "Garde d'enfants en horaires décalés",
        description: "Prise en charge d'une partie des frais de garde d'enfants pendant les \
                      missions, y compris tôt le matin, tard le soir et le week-end.",
        service_type: "aide-financiere",
        thematiques: &["famille--garde-denfants"],
        publics: &["actifs", "familles"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["telephoner", "utiliser-lien-mobilisation"],
        remote: true,
        regional: true,
    },
    Template {
        kind: StructureKind::Akto,
        reference: "FORMATION",
        share: 1.0,
        name: "Financement de formations pour les intérimaires",
        description: "Montage et financement de formations qualifiantes pour les salariés \
                      intérimaires et les agences d'emploi, dont les reconversions vers les \
                      métiers qui recrutent.",
        service_type: "formation",
        thematiques: &[
            "se-former--monter-son-dossier-de-formation",
            "se-former--trouver-sa-formation",
        ],
        publics: &["actifs", "demandeurs-emploi"],
        fees: "gratuit",
        mobilisable_by: &["professionnels"],
        modes: &["envoyer-un-courriel", "telephoner"],
        remote: true,
        regional: true,
    },
    Template {
        kind: StructureKind::CapEmploi,
        reference: "ACCOMPAGNEMENT",
        share: 1.0,
        name: "Accompagnement vers l'emploi des personnes handicapées",
        description: "Accompagnement personnalisé des personnes ayant une reconnaissance de la \
                      qualité de travailleur handicapé, du projet professionnel à l'embauche.",
        service_type: "accompagnement",
        thematiques: &[
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "sante--constituer-un-dossier-mdph-invalidite",
        ],
        publics: &["personnes-en-situation-de-handicap"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["telephoner", "se-presenter"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::CapEmploi,
        reference: "MAINTIEN",
        share: 0.8,
        name: "Maintien dans l'emploi",
        description: "Aménagement du poste et accompagnement du salarié et de l'employeur quand \
                      un handicap menace le maintien dans l'emploi.",
        service_type: "accompagnement",
        thematiques: &["trouver-un-emploi--maintien-dans-lemploi"],
        publics: &["personnes-en-situation-de-handicap", "actifs"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["telephoner"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::MissionLocale,
        reference: "CEJ",
        share: 1.0,
        name: "Contrat d'engagement jeune",
        description: "Accompagnement intensif de 15 à 20 heures par semaine pour les jeunes de \
                      16 à 25 ans, avec une allocation selon les ressources.",
        service_type: "accompagnement",
        thematiques: &[
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "choisir-un-metier--confirmer-son-choix-de-metier",
        ],
        publics: &["jeunes"],
        fees: "gratuit",
        mobilisable_by: &["professionnels", "usagers"],
        modes: &["se-presenter", "telephoner"],
        remote: false,
        regional: false,
    },
    Template {
        kind: StructureKind::MissionLocale,
        reference: "MOBILITE",
        share: 0.6,
        name: "Aide à la mobilité des jeunes",
        description: "Aide financière pour les transports, le permis ou un deux-roues, le temps \
                      de prendre un emploi ou une formation.",
        service_type: "aide-financiere",
        thematiques: &[
            "mobilite--financer-ma-mobilite",
            "mobilite--preparer-un-permis",
        ],
        publics: &["jeunes"],
        fees: "gratuit",
        mobilisable_by: &["professionnels"],
        modes: &["telephoner"],
        remote: false,
        regional: false,
    },
];

/// How often a kind of service is reviewed, in days, and the share of each frequency.
const REVIEW_EVERY: [u16; 3] = [90, 180, 365];

/// The services of one structure, drawn with `rng`, as described on or before `as_of`.
pub fn services_of(
    structure: &StructureRecord,
    departments_of_region: &[String],
    as_of: chrono::NaiveDate,
    rng: &mut StdRng,
) -> Vec<ServiceRecord> {
    let department = refdata::geo()
        .commune(structure.commune.as_str())
        .map(|c| c.department.to_string())
        .unwrap_or_default();
    let offered: Vec<&Template> = TEMPLATES
        .iter()
        .filter(|t| t.kind == structure.kind)
        .filter(|t| rng.random::<f64>() < t.share)
        .collect();
    offered
        .into_iter()
        .map(|t| {
            let review_every_days = REVIEW_EVERY
                .get(rng.random_range(0..REVIEW_EVERY.len()))
                .copied()
                .unwrap_or(180);
            // Checked some time in the past year: a third or so are overdue.
            let age = rng.random_range(0..i64::from(review_every_days) * 3 / 2);
            let mut reception = vec!["en-presentiel".to_string()];
            if t.remote {
                reception.push("a-distance".to_string());
            }
            ServiceRecord {
                structure_siret: structure.siret.clone(),
                external_id: t.reference.to_string(),
                name: t.name.to_string(),
                description: t
                    .description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                kind: Some(t.service_type.to_string()),
                thematiques: t.thematiques.iter().map(|s| s.to_string()).collect(),
                publics: t.publics.iter().map(|s| s.to_string()).collect(),
                publics_details: None,
                fees: Some(t.fees.to_string()),
                fees_details: None,
                access_conditions: None,
                commune: Some(structure.commune.clone()),
                address: structure.address.clone(),
                postcode: structure.postcode.clone(),
                coordinates: structure.coordinates,
                phone: None,
                email: structure.email.clone(),
                reception_modes: reception,
                eligibility_zone: if t.regional {
                    departments_of_region.to_vec()
                } else {
                    vec![department.clone()]
                },
                contact_name: None,
                // FASTT's aids are asked for on its site.
                mobilisation_link: t
                    .modes
                    .contains(&"utiliser-lien-mobilisation")
                    .then(|| "https://www.fastt.org/".to_string()),
                mobilisation_modes: t.modes.iter().map(|s| s.to_string()).collect(),
                mobilisable_by: t.mobilisable_by.iter().map(|s| s.to_string()).collect(),
                mobilisation_details: None,
                opening_hours: Some("Mo-Fr 09:00-12:30,13:30-17:00".to_string()),
                updated_on: as_of - Duration::days(age),
                review_every_days,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use refdata::{Vocabulary, inclusion};

    #[test]
    fn every_template_uses_the_vocabularies() {
        let v = inclusion();
        for t in TEMPLATES {
            assert!(v.contains(Vocabulary::Type, t.service_type), "{}", t.name);
            assert!(v.contains(Vocabulary::Frais, t.fees), "{}", t.name);
            for x in t.thematiques {
                assert!(v.contains(Vocabulary::Thematique, x), "{x}");
            }
            for x in t.publics {
                assert!(v.contains(Vocabulary::Public, x), "{x}");
            }
            for x in t.mobilisable_by {
                assert!(v.contains(Vocabulary::MobilisablePar, x), "{x}");
            }
            for x in t.modes {
                assert!(v.contains(Vocabulary::ModeMobilisation, x), "{x}");
            }
            assert!((3..=150).contains(&t.name.chars().count()));
        }
    }
}

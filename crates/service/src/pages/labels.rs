//! The French words of the pages for the codes of the records.

pub fn role(code: &str) -> &'static str {
    match code {
        "advisor" => "Conseiller France Travail",
        "recruiter" => "Chargé de recrutement",
        "agency_manager" => "Responsable d'agence",
        "partner" => "Partenaire",
        "steering" => "Comité de pilotage",
        "admin" => "Administrateur",
        _ => "Rôle inconnu",
    }
}

pub const ROLES: &[(&str, &str)] = &[
    ("advisor", "Conseiller France Travail"),
    ("recruiter", "Chargé de recrutement"),
    ("agency_manager", "Responsable d'agence"),
    ("partner", "Partenaire"),
    ("steering", "Comité de pilotage"),
    ("admin", "Administrateur"),
];

pub fn referral_state(code: &str) -> &'static str {
    match code {
        "proposed" => "Proposée",
        "accepted" => "Acceptée par la personne",
        "declined" => "Refusée par la personne",
        "interview" => "Entretien",
        "hired" => "Embauche",
        "not_hired" => "Non retenue",
        "cancelled" => "Annulée",
        "expired" => "Expirée",
        _ => "État inconnu",
    }
}

/// The DSFR badge colour of a referral state.
pub fn referral_badge(code: &str) -> &'static str {
    match code {
        "proposed" => "fr-badge--new",
        "accepted" | "interview" => "fr-badge--info",
        "hired" => "fr-badge--success",
        "declined" | "not_hired" => "fr-badge--warning",
        _ => "",
    }
}

/// What the button moving a referral to this state says.
pub fn move_label(code: &str) -> &'static str {
    match code {
        "accepted" => "La personne accepte",
        "declined" => "La personne refuse",
        "interview" => "Entretien planifié",
        "hired" => "Embauche",
        "not_hired" => "Non retenue",
        "cancelled" => "Annuler la mise en relation",
        _ => "Changer l'état",
    }
}

pub const REFERRAL_STATES: &[&str] = &[
    "proposed",
    "accepted",
    "declined",
    "interview",
    "hired",
    "not_hired",
    "cancelled",
    "expired",
];

pub fn not_hired_reason(code: &str) -> &'static str {
    match code {
        "profile_mismatch" => "Profil ne correspondant pas",
        "candidate_withdrew" => "La personne s'est désistée",
        "position_filled" => "Poste pourvu par ailleurs",
        "no_show" => "Absence à l'entretien",
        "offer_cancelled" => "Offre annulée",
        "other" => "Autre motif",
        _ => "Motif inconnu",
    }
}

pub fn priority(code: &str) -> &'static str {
    match code {
        "rqth" => "Travailleur handicapé (RQTH)",
        "long_term" => "Demandeur d'emploi de longue durée",
        "rsa" => "Bénéficiaire du RSA",
        "qpv" => "Résident d'un quartier prioritaire (QPV)",
        "senior" => "50 ans et plus",
        "young_unqualified" => "Moins de 26 ans sans qualification",
        _ => "Statut inconnu",
    }
}

pub const PRIORITIES: &[&str] = &[
    "rqth",
    "long_term",
    "rsa",
    "qpv",
    "senior",
    "young_unqualified",
];

pub fn consent(code: Option<&str>) -> &'static str {
    match code {
        Some("all_agencies") => "Accepte d'être présenté(e) à toutes les agences d'emploi",
        Some("department_agencies") => {
            "Accepte d'être présenté(e) aux agences d'emploi de son département"
        }
        _ => "Pas de consentement : ne peut pas être présenté(e) aux agences",
    }
}

pub fn distance_band(code: &str) -> &'static str {
    match code {
        "under_5_km" => "à moins de 5 km",
        "5_to_15_km" => "entre 5 et 15 km",
        "15_to_30_km" => "entre 15 et 30 km",
        _ => "à plus de 30 km",
    }
}

pub fn consent_channel(code: &str) -> &'static str {
    match code {
        "in_person" => "En entretien",
        "phone" => "Par téléphone",
        "email" => "Par courriel",
        "letter" => "Par courrier",
        "online" => "En ligne",
        _ => "Autre",
    }
}

pub fn contract(code: &str) -> &'static str {
    match code {
        "CDI" => "CDI",
        "CDD" => "CDD",
        "MIS" => "Mission d'intérim",
        "SAI" => "Saisonnier",
        "DIN" => "CDI intérimaire",
        "CCE" => "Profession commerciale",
        "DDI" => "CDD d'insertion",
        "DDT" => "CDD tremplin",
        "FRA" => "Franchise",
        "LIB" => "Profession libérale",
        "REP" => "Reprise d'entreprise",
        "TTI" => "Contrat de travail temporaire d'insertion",
        _ => "Autre contrat",
    }
}

pub const CONTRACTS: &[(&str, &str)] = &[
    ("MIS", "Mission d'intérim"),
    ("DIN", "CDI intérimaire"),
    ("CDI", "CDI"),
    ("CDD", "CDD"),
    ("SAI", "Saisonnier"),
    ("TTI", "Contrat de travail temporaire d'insertion"),
    ("DDI", "CDD d'insertion"),
];

pub fn offer_status(code: &str) -> &'static str {
    match code {
        "open" => "Ouverte",
        "filled" => "Pourvue",
        "cancelled" => "Annulée",
        "expired" => "Expirée",
        _ => "État inconnu",
    }
}

pub fn match_kind(code: &str) -> &'static str {
    match code {
        "same_code" => "Même métier",
        "same_code_other_title" => "Même métier, autre appellation",
        "proche" => "Métier proche",
        "evolution" => "Métier d'évolution",
        "same_domain" => "Même domaine professionnel",
        _ => "Autre correspondance",
    }
}

pub fn job_seeker_status(code: &str) -> &'static str {
    match code {
        "active" => "Inscrit(e)",
        "suspended" => "Suspendu(e)",
        "left" => "Sorti(e) des listes",
        _ => "État inconnu",
    }
}

pub fn structure_kind(code: &str) -> &'static str {
    match code {
        "france_travail" => "Agence France Travail",
        "agence_emploi" => "Agence d'emploi",
        "cap_emploi" => "Cap emploi",
        "akto" => "Akto",
        "fastt" => "FASTT",
        "mission_locale" => "Mission locale",
        _ => "Autre structure",
    }
}

pub fn month(ym: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let (year, month) = ym.split_once('-').unwrap_or((ym, ""));
    let name = month
        .parse::<usize>()
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| MONTHS.get(i));
    match name {
        Some(name) => format!("{name} {year}"),
        None => ym.to_string(),
    }
}

/// The French name of a field of an offers file (France Travail's JSON or Passerelle's CSV),
/// for the import's rejects report; `None` for a field without one.
pub fn offer_file_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "id" | "reference" => "Référence de l'offre",
        "intitule" => "Intitulé",
        "description" => "Description",
        "romeCode" | "code_rome" => "Code ROME du métier",
        "lieuTravail.commune" | "commune" => "Commune du lieu de travail (code INSEE)",
        "lieuTravail.codePostal" | "code_postal" => "Code postal du lieu de travail",
        "lieuTravail.latitude" | "latitude" | "longitude" => "Coordonnées du lieu de travail",
        "typeContrat" | "type_contrat" => "Type de contrat",
        "nombrePostes" | "nombre_postes" => "Nombre de postes",
        "dateCreation" | "date_publication" => "Date de publication",
        "dateActualisation" | "date_actualisation" => "Date de mise à jour",
        "experienceExige" | "experience" => "Expérience exigée",
        "passerelle.structureSiret" | "structure_siret" => "Structure propriétaire (SIRET)",
        "passerelle.startsOn" | "debut" => "Date de début",
        "passerelle.status" | "statut" => "Statut de l'offre",
        "competences" => "Compétences",
        "permis" => "Permis",
        "salaire" => "Salaire",
        _ => return None,
    })
}

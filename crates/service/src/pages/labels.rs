//! The French words of the pages for the codes of the records. Each label matches its enum
//! exhaustively, so that a new state, status or kind cannot reach a page without its words;
//! the pages, which read the API's views, give the codes as text, read back through the
//! enum's own `parse` (a code no enum knows, which the API never gives, reads "inconnu").

use engine::MatchKind;
use model::{
    ActionKind, ActionState, ConsentChannel, ConsentScope, ContactKind, ContractType, DuoMilestone,
    DuoOutcomeKind, DuoState, InvitationState, JobSeekerStatus, OfferStatus, PriorityStatus,
    PublicTag, ReferralState, Role, StructureKind,
};

/// What a page shows for a code no enum knows.
const UNKNOWN: &str = "inconnu";

fn read<T>(code: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> &'static str {
    parse(code).map_or(UNKNOWN, label)
}

pub fn role(code: &str) -> &'static str {
    read(code, Role::parse, |role| match role {
        Role::Advisor => "Conseiller France Travail",
        Role::Recruiter => "Chargé de recrutement",
        Role::AgencyManager => "Responsable d'agence",
        Role::Partner => "Partenaire",
        Role::Steering => "Comité de pilotage",
        Role::Admin => "Administrateur",
    })
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
    read(code, ReferralState::parse, |state| match state {
        ReferralState::Proposed => "Proposée",
        ReferralState::Accepted => "Acceptée par la personne",
        ReferralState::Declined => "Refusée par la personne",
        ReferralState::Interview => "Entretien",
        ReferralState::Hired => "Embauche",
        ReferralState::NotHired => "Non retenue",
        ReferralState::Cancelled => "Annulée",
        ReferralState::Expired => "Expirée",
    })
}

/// The DSFR badge colour of a referral state.
pub fn referral_badge(code: &str) -> &'static str {
    ReferralState::parse(code).map_or("", |state| match state {
        ReferralState::Proposed => "fr-badge--new",
        ReferralState::Accepted | ReferralState::Interview => "fr-badge--info",
        ReferralState::Hired => "fr-badge--success",
        ReferralState::Declined | ReferralState::NotHired => "fr-badge--warning",
        ReferralState::Cancelled | ReferralState::Expired => "",
    })
}

/// What the button moving a referral to this state says.
pub fn move_label(code: &str) -> &'static str {
    read(code, ReferralState::parse, |state| match state {
        ReferralState::Accepted => "La personne accepte",
        ReferralState::Declined => "La personne refuse",
        ReferralState::Interview => "Entretien planifié",
        ReferralState::Hired => "Embauche",
        ReferralState::NotHired => "Non retenue",
        ReferralState::Cancelled => "Annuler la mise en relation",
        // No move leads back to a proposal, and only the sweep expires one.
        ReferralState::Proposed | ReferralState::Expired => "Changer l'état",
    })
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

/// Why a person was not hired; the codes are `model::workflow::NOT_HIRED_REASONS`.
pub fn not_hired_reason(code: &str) -> &'static str {
    match code {
        "profile_mismatch" => "Profil ne correspondant pas",
        "candidate_withdrew" => "La personne s'est désistée",
        "position_filled" => "Poste pourvu par ailleurs",
        "no_show" => "Absence à l'entretien",
        "offer_cancelled" => "Offre annulée",
        "other" => "Autre motif",
        _ => UNKNOWN,
    }
}

pub fn priority(code: &str) -> &'static str {
    read(code, PriorityStatus::parse, |status| match status {
        PriorityStatus::Rqth => "Travailleur handicapé (RQTH)",
        PriorityStatus::LongTerm => "Demandeur d'emploi de longue durée",
        PriorityStatus::Rsa => "Bénéficiaire du RSA",
        PriorityStatus::Qpv => "Résident d'un quartier prioritaire (QPV)",
        PriorityStatus::Senior => "50 ans et plus",
        PriorityStatus::YoungUnqualified => "Moins de 26 ans sans qualification",
    })
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
    match code.and_then(ConsentScope::parse) {
        Some(ConsentScope::AllAgencies) => {
            "Accepte d'être présenté(e) à toutes les agences d'emploi"
        }
        Some(ConsentScope::DepartmentAgencies) => {
            "Accepte d'être présenté(e) aux agences d'emploi de son département"
        }
        None => "Pas de consentement : ne peut pas être présenté(e) aux agences",
    }
}

/// A distance band of a shortlist (`offers::api::distance_band`'s codes).
pub fn distance_band(code: &str) -> &'static str {
    match code {
        "under_5_km" => "à moins de 5 km",
        "5_to_15_km" => "entre 5 et 15 km",
        "15_to_30_km" => "entre 15 et 30 km",
        "over_30_km" => "à plus de 30 km",
        _ => UNKNOWN,
    }
}

pub fn consent_channel(code: &str) -> &'static str {
    read(code, ConsentChannel::parse, |channel| match channel {
        ConsentChannel::InPerson => "En entretien",
        ConsentChannel::Phone => "Par téléphone",
        ConsentChannel::Email => "Par courriel",
        ConsentChannel::Letter => "Par courrier",
        ConsentChannel::Online => "En ligne",
    })
}

pub fn contract(code: &str) -> &'static str {
    read(code, ContractType::parse, |contract| match contract {
        ContractType::Cdi => "CDI",
        ContractType::Cdd => "CDD",
        ContractType::Mis => "Mission d'intérim",
        ContractType::Sai => "Saisonnier",
        ContractType::Din => "CDI intérimaire",
        ContractType::Cce => "Profession commerciale",
        ContractType::Ddi => "CDD d'insertion",
        ContractType::Ddt => "CDD tremplin",
        ContractType::Fra => "Franchise",
        ContractType::Lib => "Profession libérale",
        ContractType::Rep => "Reprise d'entreprise",
        ContractType::Tti => "Contrat de travail temporaire d'insertion",
    })
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
    read(code, OfferStatus::parse, |status| match status {
        OfferStatus::Open => "Ouverte",
        OfferStatus::Filled => "Pourvue",
        OfferStatus::Cancelled => "Annulée",
        OfferStatus::Expired => "Expirée",
    })
}

pub fn match_kind(code: &str) -> &'static str {
    let kind = match code {
        "same_code" => MatchKind::SameCode,
        "same_code_other_title" => MatchKind::SameCodeOtherTitle,
        "proche" => MatchKind::Proche,
        "evolution" => MatchKind::Evolution,
        "same_domain" => MatchKind::SameDomain,
        _ => return UNKNOWN,
    };
    match kind {
        MatchKind::SameCode => "Même métier",
        MatchKind::SameCodeOtherTitle => "Même métier, autre appellation",
        MatchKind::Proche => "Métier proche",
        MatchKind::Evolution => "Métier d'évolution",
        MatchKind::SameDomain => "Même domaine professionnel",
    }
}

pub fn job_seeker_status(code: &str) -> &'static str {
    read(code, JobSeekerStatus::parse, |status| match status {
        JobSeekerStatus::Active => "Inscrit(e)",
        JobSeekerStatus::Suspended => "Suspendu(e)",
        JobSeekerStatus::Left => "Sorti(e) des listes",
    })
}

pub fn structure_kind(code: &str) -> &'static str {
    read(code, StructureKind::parse, |kind| match kind {
        StructureKind::FranceTravail => "Agence France Travail",
        StructureKind::AgenceEmploi => "Agence d'emploi",
        StructureKind::CapEmploi => "Cap emploi",
        StructureKind::Akto => "Akto",
        StructureKind::Fastt => "FASTT",
        StructureKind::MissionLocale => "Mission locale",
        StructureKind::Other => "Autre structure",
    })
}

pub fn action_kind(code: &str) -> &'static str {
    read(code, ActionKind::parse, |kind| match kind {
        ActionKind::JobDating => "Job dating",
        ActionKind::Forum => "Forum de l'emploi",
        ActionKind::Mrs => "Session de recrutement par simulation (MRS)",
        ActionKind::CompanyVisit => "Visite d'entreprise",
        ActionKind::OccupationDiscovery => "Découverte de métier",
        ActionKind::Workshop => "Atelier",
        ActionKind::CollectiveInformation => "Information collective",
    })
}

pub fn action_state(code: &str) -> &'static str {
    read(code, ActionState::parse, |state| match state {
        ActionState::Draft => "En préparation",
        ActionState::Published => "Publiée",
        ActionState::Held => "Tenue",
        ActionState::Closed => "Close",
        ActionState::Cancelled => "Annulée",
    })
}

/// The DSFR badge colour of an action's state.
pub fn action_badge(code: &str) -> &'static str {
    ActionState::parse(code).map_or("", |state| match state {
        ActionState::Draft => "fr-badge--new",
        ActionState::Published => "fr-badge--info",
        ActionState::Held | ActionState::Closed => "fr-badge--success",
        ActionState::Cancelled => "",
    })
}

/// What the button that moves an action to a state says.
pub fn action_move(code: &str) -> &'static str {
    read(code, ActionState::parse, |state| match state {
        ActionState::Draft => "Remettre en préparation",
        ActionState::Published => "Publier",
        ActionState::Held => "Marquer comme tenue",
        ActionState::Closed => "Clore",
        ActionState::Cancelled => "Annuler l'action",
    })
}

pub fn invitation_state(code: &str) -> &'static str {
    read(code, InvitationState::parse, |state| match state {
        InvitationState::Proposed => "À relayer",
        InvitationState::Relayed => "Relayée, en attente de réponse",
        InvitationState::Accepted => "Acceptée",
        InvitationState::Declined => "Déclinée",
        InvitationState::Expired => "Sans réponse à temps",
        InvitationState::Cancelled => "Retirée",
    })
}

/// What the button that records an invitation's answer says.
pub fn invitation_move(code: &str) -> &'static str {
    read(code, InvitationState::parse, |state| match state {
        InvitationState::Relayed => "Relayée à la personne",
        InvitationState::Accepted => "Acceptée",
        InvitationState::Declined => "Déclinée",
        InvitationState::Cancelled => "Retirer",
        InvitationState::Proposed | InvitationState::Expired => "—",
    })
}

pub fn public_tag(code: &str) -> &'static str {
    read(code, PublicTag::parse, |tag| match tag {
        PublicTag::OpenToDisabledWorkers => "Ouvert aux travailleurs handicapés",
        PublicTag::BeginnersWelcome => "Débutants bienvenus",
        PublicTag::NoDiplomaRequired => "Sans diplôme",
        PublicTag::Under26 => "Moins de 26 ans",
        PublicTag::Over50 => "Plus de 50 ans",
    })
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

/// A period as French readers name it: `2026-Q3` → "3e trimestre 2026", `2026-07` →
/// "juil. 2026", a year as it is.
pub fn quarter(period: &str) -> String {
    match period.split_once("-Q") {
        Some((year, "1")) => format!("1er trimestre {year}"),
        Some((year, q)) => format!("{q}e trimestre {year}"),
        None if period.len() == 7 => month(period),
        None => period.to_string(),
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

pub fn duo_state(code: &str) -> &'static str {
    read(code, DuoState::parse, |state| match state {
        DuoState::Proposed => "Proposé",
        DuoState::MentorAgreed => "Accord du tuteur",
        DuoState::SeekerAgreed => "Accord de la personne",
        DuoState::Accepted => "Accepté",
        DuoState::Active => "En cours",
        DuoState::Completed => "Terminé",
        DuoState::Stopped => "Arrêté",
        DuoState::Declined => "Décliné",
    })
}

/// The DSFR badge colour of a duo's state.
pub fn duo_badge(code: &str) -> &'static str {
    DuoState::parse(code).map_or("", |state| match state {
        DuoState::Proposed | DuoState::MentorAgreed | DuoState::SeekerAgreed => "fr-badge--new",
        DuoState::Accepted | DuoState::Active => "fr-badge--info",
        DuoState::Completed => "fr-badge--success",
        DuoState::Stopped | DuoState::Declined => "fr-badge--warning",
    })
}

/// The button that moves a duo to this state, for the side that may.
pub fn duo_move(code: &str) -> &'static str {
    read(code, DuoState::parse, |state| match state {
        DuoState::MentorAgreed => "Le tuteur accepte",
        DuoState::SeekerAgreed => "La personne accepte",
        DuoState::Accepted => "Accepter (les deux côtés d'accord)",
        DuoState::Declined => "Décliner",
        DuoState::Active => "Démarrer le duo",
        DuoState::Completed => "Terminer le duo",
        DuoState::Stopped => "Arrêter le duo",
        DuoState::Proposed => "Proposer",
    })
}

pub fn contact_kind(code: &str) -> &'static str {
    read(code, ContactKind::parse, |kind| match kind {
        ContactKind::Call => "Échange (téléphone ou visio)",
        ContactKind::DayAlongside => "Journée aux côtés du tuteur",
        ContactKind::Workshop => "Atelier ou visite",
    })
}

pub fn duo_outcome(code: &str) -> &'static str {
    read(code, DuoOutcomeKind::parse, |kind| match kind {
        DuoOutcomeKind::Job => "Emploi",
        DuoOutcomeKind::Training => "Entrée en formation",
        DuoOutcomeKind::Immersion => "Immersion (PMSMP)",
        DuoOutcomeKind::Nothing => "Sans suite",
    })
}

pub fn duo_milestone(code: &str) -> &'static str {
    read(code, DuoMilestone::parse, |milestone| match milestone {
        DuoMilestone::End => "À la fin du duo",
        DuoMilestone::SixMonths => "Six mois après",
    })
}

/// Why a duo stopped early (`model::DUO_STOP_REASONS`).
pub fn duo_stop_reason(code: &str) -> &'static str {
    match code {
        "found_job" => "La personne a trouvé un emploi",
        "seeker_withdrew" => "La personne a renoncé",
        "mentor_withdrew" => "Le tuteur a renoncé",
        "mentor_unavailable" => "Le tuteur n'est plus disponible",
        "mismatch" => "Le duo ne fonctionnait pas",
        "consent_withdrawn" => "Le tuteur a retiré son consentement",
        "other" => "Autre raison",
        _ => UNKNOWN,
    }
}

pub fn plan_state(code: &str) -> &'static str {
    use model::training_plans::PlanState;
    read(code, PlanState::parse, |state| match state {
        PlanState::Proposed => "Proposé",
        PlanState::Agreed => "Convenu par les deux côtés",
        PlanState::InTraining => "En formation",
        PlanState::Completed => "Formation terminée",
        PlanState::Hired => "Embauche",
        PlanState::Abandoned => "Abandonné",
    })
}

/// The DSFR badge colour of a training plan's state.
pub fn plan_badge(code: &str) -> &'static str {
    use model::training_plans::PlanState;
    PlanState::parse(code).map_or("", |state| match state {
        PlanState::Proposed => "fr-badge--new",
        PlanState::Agreed | PlanState::InTraining | PlanState::Completed => "fr-badge--info",
        PlanState::Hired => "fr-badge--success",
        PlanState::Abandoned => "fr-badge--warning",
    })
}

/// The button that moves a training plan to this state.
pub fn plan_move(code: &str) -> &'static str {
    use model::training_plans::PlanState;
    read(code, PlanState::parse, |state| match state {
        PlanState::Agreed => "Donner notre accord au plan",
        PlanState::InTraining => "La formation a commencé",
        PlanState::Completed => "La formation est terminée",
        PlanState::Hired => "Enregistrer l'embauche",
        PlanState::Abandoned => "Abandonner le plan",
        PlanState::Proposed => "Proposer",
    })
}

/// Why a training plan was abandoned (`model::training_plans::PLAN_ABANDON_REASONS`).
pub fn plan_abandon_reason(code: &str) -> &'static str {
    match code {
        "trainee_withdrew" => "La personne a renoncé",
        "training_cancelled" => "La session de formation est annulée",
        "training_failed" => "La formation n'a pas été validée",
        "offer_withdrawn" => "L'offre est retirée",
        "found_other_job" => "La personne a trouvé un autre emploi",
        "health" => "Raison de santé",
        "other" => "Autre raison",
        _ => UNKNOWN,
    }
}

/// Which side of a training plan: the offer's structure or the person's agency.
pub fn plan_side(code: &str) -> &'static str {
    use model::training_plans::PlanSide;
    read(code, PlanSide::parse, |side| match side {
        PlanSide::Offer => "la structure de l'offre",
        PlanSide::Person => "l'agence France Travail de la personne",
    })
}

/// Where the contract a training plan's scheme asks for stands (the API's `obligation.status`).
pub fn obligation_status(code: &str) -> &'static str {
    match code {
        "not_due" => "Pas encore due",
        "not_required" => "Aucun contrat exigé",
        "met" => "Obligation remplie",
        "pending" => "Contrat attendu",
        "breach" => "Manquement signalé",
        _ => UNKNOWN,
    }
}

/// The DSFR badge colour of an obligation's status.
pub fn obligation_badge(code: &str) -> &'static str {
    match code {
        "met" => "fr-badge--success",
        "pending" => "fr-badge--info",
        "breach" => "fr-badge--error",
        _ => "",
    }
}

/// The rule a scheme fails, in French (`model::schemes::Check`).
pub fn scheme_check(code: &str) -> &'static str {
    use model::schemes::Check;
    read(code, Check::parse, |check| match check {
        Check::NotInForce => "le dispositif n'est pas en vigueur à cette date",
        Check::SessionDates => "la formation finit avant de commencer",
        Check::SessionStarted => "la formation a déjà commencé : le dispositif se décide avant",
        Check::Public => "la personne n'est pas du public du dispositif",
        Check::SessionKind => "la formation n'est pas du type que le dispositif finance",
        Check::OfferMissing => "le dispositif demande une offre ou un contrat",
        Check::OfferNotFiled => "l'offre n'a pas été déposée à France Travail",
        Check::OfferFiledLate => "l'offre a été déposée après le début de la formation",
        Check::Contract => "le contrat proposé ne répond pas au contrat exigé à l'issue",
        Check::WeeklyHours => "l'emploi compte trop peu d'heures par semaine",
        Check::HoursMin => "la formation est trop courte",
        Check::HoursMax => "la formation dépasse la durée maximale",
        Check::EnterpriseShare => "trop d'heures en entreprise",
        Check::TrainingShare => "la part de formation dans le contrat ne convient pas",
        Check::Span => "la formation s'étale sur trop de mois",
    })
}

/// Why a scheme applies, in French, from the key of its reason (`model::schemes::Reason`).
pub fn scheme_reason(key: &str) -> &'static str {
    match key {
        "in_force" => "Dispositif en vigueur à la date du plan",
        "public" => "La personne est du public du dispositif",
        "session" => "La formation est du type que le dispositif finance",
        "offer" => "L'offre a été déposée à France Travail avant la formation",
        "contract" => "Le contrat proposé répond au contrat exigé à l'issue",
        "weekly_hours" => "L'emploi compte assez d'heures par semaine",
        "weekly_hours_unknown" => "Heures hebdomadaires de l'emploi à vérifier",
        "hours_min" => "Durée minimale de formation respectée",
        "hours_max" => "Durée maximale de formation respectée",
        "enterprise_share" => "Part des heures en entreprise respectée",
        "training_share" => "Part de formation dans le contrat respectée",
        "span" => "Durée totale de la formation respectée",
        "hourly_cap" => "Financement plafonné à un montant horaire",
        "no_funding" => "Sans coût de formation : la personne garde son statut et ses revenus",
        "hourly_cap_unknown" => "Plafond horaire du financement inconnu à cette date",
        _ => UNKNOWN,
    }
}

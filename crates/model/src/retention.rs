//! Retention as data: for each kind of record Passerelle keeps, how long it is kept, from
//! which day, and what happens after (deleted, or anonymised so that the aggregates stay);
//! what is kept whatever happens, and why (the legal holds); the record of processing (GDPR
//! art. 30) whose retention column is read from [`RULES`]; and a person's erasure: what
//! blocks it, and from which day it can proceed.
//!
//! The store applies [`RULES`] (`store::Retention::sweep`), the service runs the sweep once
//! a day and serves the record of processing, the command line runs it on demand.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::DuoState;
use crate::training_plans::PlanState;

text_enum!(
    /// The kinds of record a retention rule covers.
    RecordKind {
        /// A job seeker's record: identity, contact, profile.
        JobSeeker = "job_seeker",
        /// A referral closed (declined, hired, not hired, cancelled, expired) and its log.
        ClosedReferral = "closed_referral",
        /// A browser session.
        Session = "session",
        /// An API token, expired or revoked.
        ApiToken = "api_token",
        /// A message of the outbox, sent or not.
        OutboxMessage = "outbox_message",
        /// A one-time way into a person's own space: a link sent by e-mail, an advisor's code.
        PersonPass = "person_pass",
        /// A person's session in their own space.
        PersonSession = "person_session",
        /// A line of the change log telling every instance that a person's consent changed.
        ConsentChange = "consent_change",
        /// An invitation to a structure's seat: the invited person's address and name.
        StaffInvitation = "staff_invitation",
    }
);

text_enum!(
    /// From which day a record's retention is counted.
    Trigger {
        /// The person's last activity: their record, a referral, a duo, a training plan or
        /// their consent changed.
        LastActivity = "last_activity",
        /// The day the record was closed (its last move to a final state).
        ClosedSince = "closed_since",
        /// The record's own expiry (or its revocation).
        Expiry = "expiry",
        /// The day the record was written.
        Created = "created",
    }
);

text_enum!(
    /// What happens to a record once its retention is over.
    Disposal {
        /// The row is deleted.
        Delete = "delete",
        /// What identifies a person is cleared; what the steering figures count stays.
        Anonymise = "anonymise",
    }
);

/// One rule of the retention table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionRule {
    pub kind: RecordKind,
    /// What the rule covers, in words.
    pub covers: &'static str,
    /// Days after the trigger; 0 for "as soon as it expires".
    pub days: u32,
    pub trigger: Trigger,
    pub disposal: Disposal,
    /// Why this long: the legal basis or the need.
    pub why: &'static str,
}

/// Two years, as the CNIL's reference framework for the management of job seekers' follow-up
/// (and for inactive customers) has it.
pub const TWO_YEARS_DAYS: u32 = 730;

/// The retention table. Each rule is applied by the sweep in one transaction, in this order
/// (closed referrals before people, so that a referral is counted by its own rule). Its texts
/// are in French: the record of processing shows them as they are.
pub const RULES: &[RetentionRule] = &[
    RetentionRule {
        kind: RecordKind::ClosedReferral,
        covers: "mise en relation close (refusée, embauche, non retenue, annulée, expirée) : \
                 les notes de son journal",
        days: TWO_YEARS_DAYS,
        trigger: Trigger::ClosedSince,
        disposal: Disposal::Anonymise,
        why: "une décision (refus, embauche) peut être contestée pendant deux ans ; ses étapes \
              et leurs dates restent, comptées par les indicateurs du pilotage",
    },
    RetentionRule {
        kind: RecordKind::JobSeeker,
        covers: "dossier d'un demandeur d'emploi sans activité (dossier, mise en relation, duo, \
                 plan de formation, consentement) ni démarche en cours",
        days: TWO_YEARS_DAYS,
        trigger: Trigger::LastActivity,
        disposal: Disposal::Anonymise,
        why: "le suivi s'arrête avec l'activité de la personne ; deux ans lui permettent de \
              retrouver son dossier si elle revient (référentiel de la CNIL) ; la commune, \
              les publics prioritaires et les dates restent pour les indicateurs",
    },
    RetentionRule {
        kind: RecordKind::Session,
        covers: "session de connexion",
        days: 0,
        trigger: Trigger::Expiry,
        disposal: Disposal::Delete,
        why: "une session expirée ne sert plus à rien",
    },
    RetentionRule {
        kind: RecordKind::ApiToken,
        covers: "jeton d'API expiré ou révoqué",
        days: 0,
        trigger: Trigger::Expiry,
        disposal: Disposal::Delete,
        why: "un jeton expiré ou révoqué ne sert plus à rien ; sa création reste au journal \
              d'audit",
    },
    RetentionRule {
        kind: RecordKind::OutboxMessage,
        covers: "message électronique (destinataire, objet, texte)",
        days: 90,
        trigger: Trigger::Created,
        disposal: Disposal::Delete,
        why: "90 jours pour répondre à une question sur un message envoyé ou non ; la réunion \
              ou la décision qu'il annonçait est gardée ailleurs",
    },
    RetentionRule {
        kind: RecordKind::PersonPass,
        covers: "lien ou code d'accès à l'espace personnel (son empreinte seulement)",
        days: 0,
        trigger: Trigger::Expiry,
        disposal: Disposal::Delete,
        why: "un lien ou un code expiré ou déjà utilisé ne sert plus à rien ; sa remise et son \
              usage restent au journal d'audit",
    },
    RetentionRule {
        kind: RecordKind::PersonSession,
        covers: "session de l'espace personnel d'un demandeur d'emploi",
        days: 0,
        trigger: Trigger::Expiry,
        disposal: Disposal::Delete,
        why: "une session expirée ne sert plus à rien",
    },
    RetentionRule {
        kind: RecordKind::ConsentChange,
        covers: "signal d'un changement de consentement, lu par chaque instance du service",
        days: 2,
        trigger: Trigger::Created,
        disposal: Disposal::Delete,
        why: "chaque instance le lit en une seconde ; le consentement et son historique sont \
              gardés ailleurs",
    },
    RetentionRule {
        kind: RecordKind::StaffInvitation,
        covers: "invitation d'une personne à un poste d'une structure (adresse, nom, rôle)",
        days: 30,
        trigger: Trigger::Expiry,
        disposal: Disposal::Delete,
        why: "acceptée, annulée ou expirée, elle ne sert plus : trente jours laissent répondre \
              à une question sur un envoi ; le compte créé et le journal d'audit gardent le \
              reste",
    },
];

/// The rule of a kind of record.
pub fn rule(kind: RecordKind) -> Option<&'static RetentionRule> {
    RULES.iter().find(|rule| rule.kind == kind)
}

impl RetentionRule {
    /// The last moment a record triggered at that moment or before is past its retention at
    /// `now`: a record whose trigger is strictly before it goes.
    pub fn cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(i64::from(self.days))
    }

    /// The retention in French words, as the record of processing states it.
    pub fn in_words(&self) -> String {
        let after = match self.trigger {
            Trigger::LastActivity => "après la dernière activité",
            Trigger::ClosedSince => "après la clôture",
            Trigger::Expiry => "après l'expiration ou la révocation",
            Trigger::Created => "après l'envoi",
        };
        let then = match self.disposal {
            Disposal::Delete => "puis supprimé",
            Disposal::Anonymise => "puis anonymisé (les agrégats restent)",
        };
        if self.days == 0 {
            format!("jusqu'à l'expiration ou la révocation, {then}")
        } else if self.days.is_multiple_of(365) {
            format!("{} ans {after}, {then}", self.days / 365)
        } else {
            format!("{} jours {after}, {then}", self.days)
        }
    }
}

/// What is kept whatever a rule or an erasure says, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    pub what: &'static str,
    pub kept: &'static str,
    pub why: &'static str,
}

/// The legal holds: what an anonymisation or an erasure leaves, and why (in French).
pub const LEGAL_HOLDS: &[LegalHold] = &[
    LegalHold {
        what: "journal d'audit",
        kept: "chaque événement tel qu'écrit : qui a agi, quand, sur quel dossier (un numéro, \
               jamais un nom), chaîné par empreintes",
        why: "responsabilité (RGPD art. 5.2 et 30) et preuve que chaque accès aux données \
              personnelles était légitime ; réécrire un événement romprait la chaîne qui prouve \
              qu'aucun n'a été modifié",
    },
    LegalHold {
        what: "indicateurs du pilotage",
        kept: "la commune, les publics prioritaires, la date d'inscription et les étapes datées \
               des mises en relation, duos et plans de formation d'une personne anonymisée",
        why: "les indicateurs de l'accord comptent les années passées ; un dossier anonymisé \
              n'identifie personne et laisse chaque chiffre inchangé",
    },
    LegalHold {
        what: "historique du consentement",
        kept: "les dates, portées et canaux du consentement recueilli (aucun nom)",
        why: "la preuve que les propositions passées étaient couvertes par le consentement",
    },
    LegalHold {
        what: "plans de formation et embauches sous obligation",
        kept: "une embauche qui suit une formation, jusqu'à la fin du contrat et au moins six \
               mois après l'embauche",
        why: "les obligations du dispositif (le contrat qui doit suivre la formation) et le \
              résultat à six mois s'y vérifient ; un effacement attend cette date",
    },
];

/// One processing of the record of processing activities (GDPR art. 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Processing {
    pub purpose: &'static str,
    pub legal_basis: &'static str,
    pub data: &'static [&'static str],
    pub people: &'static [&'static str],
    pub recipients: &'static [&'static str],
    /// The kinds of record it keeps: their retention is read from [`RULES`].
    pub records: &'static [RecordKind],
    /// What it keeps that no rule covers, with its retention in words.
    pub other_retention: &'static [&'static str],
    pub security: &'static [&'static str],
}

/// The security measures every processing shares.
const SECURITY: &[&str] = &[
    "comptes protégés par des mots de passe argon2id ; sessions et jetons conservés hachés",
    "accès décidés par une seule table de règles par rôle et structure",
    "chaque lecture de données personnelles et chaque écriture tracée dans un journal chaîné",
    "publics prioritaires jamais montrés à une agence sans l'accord de la personne",
];

/// The processings of Passerelle (in French, as the record shows them).
pub const PROCESSINGS: &[Processing] = &[
    Processing {
        purpose: "Suivre les demandeurs d'emploi et les proposer aux offres des agences \
                  d'emploi (présélections, mises en relation, actions, duos, plans de \
                  formation)",
        legal_basis: "mission de service public de France Travail (Code du travail, \
                      L5312-1) ; consentement de la personne à être proposée aux agences",
        data: &[
            "identité et coordonnées",
            "métiers recherchés, compétences, qualifications, expérience",
            "commune et distance acceptée",
            "publics prioritaires (RQTH : donnée de santé, RGPD art. 9)",
            "consentement et informations communiquées",
            "mises en relation, duos, plans de formation et leurs résultats",
            "accès à son espace personnel (liens et codes hachés, sessions)",
        ],
        people: &["demandeurs d'emploi suivis par une agence France Travail"],
        recipients: &[
            "l'agence France Travail de la personne",
            "une agence d'emploi, une fois sa mise en relation acceptée (identité et publics \
             communiqués seulement)",
        ],
        records: &[
            RecordKind::JobSeeker,
            RecordKind::ClosedReferral,
            RecordKind::PersonPass,
            RecordKind::PersonSession,
            RecordKind::ConsentChange,
        ],
        other_retention: &[],
        security: SECURITY,
    },
    Processing {
        purpose: "Comptes des personnels des réseaux et leurs accès",
        legal_basis: "intérêt légitime : la sécurité du service",
        data: &[
            "nom, adresse électronique, structure et rôle",
            "sessions et jetons d'API",
            "invitations à un poste (adresse, nom, rôle)",
        ],
        people: &["personnels de France Travail, des agences d'emploi et des partenaires"],
        recipients: &["les administrateurs de la plateforme"],
        records: &[
            RecordKind::Session,
            RecordKind::ApiToken,
            RecordKind::StaffInvitation,
        ],
        other_retention: &["comptes : tant que la personne occupe un poste dans une structure"],
        security: SECURITY,
    },
    Processing {
        purpose: "Informer les personnes de leurs réunions, invitations et demandes par \
                  courriel",
        legal_basis: "mission de service public ; demandes de la personne",
        data: &["adresse électronique, objet et texte du message"],
        people: &["demandeurs d'emploi", "personnels des réseaux"],
        recipients: &["la personne elle-même", "le prestataire d'envoi"],
        records: &[RecordKind::OutboxMessage],
        other_retention: &[],
        security: SECURITY,
    },
    Processing {
        purpose: "Tracer chaque accès aux données personnelles",
        legal_basis: "obligation légale de responsabilité (RGPD art. 5.2)",
        data: &["qui a agi, quand, sur quel dossier (un numéro), quelles données ont été lues"],
        people: &["personnels des réseaux", "demandeurs d'emploi (par numéro)"],
        recipients: &[
            "les administrateurs de la plateforme",
            "l'agence de la personne (son historique)",
        ],
        records: &[],
        other_retention: &[
            "journal d'audit : conservé entier (voir les obligations de conservation)",
        ],
        security: SECURITY,
    },
    Processing {
        purpose: "Piloter l'accord régional (indicateurs par territoire, mois et public)",
        legal_basis: "mission de service public",
        data: &["des comptages seulement, ceux sous 20 masqués"],
        people: &["aucune : des agrégats"],
        recipients: &["le comité régional de pilotage"],
        records: &[],
        other_retention: &["agrégats : conservés, ils n'identifient personne"],
        security: SECURITY,
    },
    Processing {
        purpose: "Partager les évaluations d'une personne (MRS, CACES, niveau de langue, \
                  évaluation des compétences) entre les réseaux plutôt que de les refaire",
        legal_basis: "consentement de la personne, type d'évaluation par type d'évaluation \
                      (RGPD art. 6.1.a)",
        data: &[
            "type, objet, résultat, date, validité et organisme de l'évaluation",
            "la structure qui l'a enregistrée",
        ],
        people: &[
            "demandeurs d'emploi évalués par une agence France Travail ou une agence \
                   d'emploi",
        ],
        recipients: &[
            "la structure qui l'a enregistrée",
            "les autres structures, pour les types que la personne partage (une agence \
             d'emploi une fois sa mise en relation acceptée)",
        ],
        records: &[],
        other_retention: &[
            "évaluations : tant que le dossier de la personne est conservé ; effacées avec lui",
        ],
        security: SECURITY,
    },
];

/// One line of the record of processing, its retention read from [`RULES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessingEntry {
    pub purpose: &'static str,
    pub legal_basis: &'static str,
    pub data: &'static [&'static str],
    pub people: &'static [&'static str],
    pub recipients: &'static [&'static str],
    /// Each record kept and its retention in words.
    pub retention: Vec<String>,
    pub security: &'static [&'static str],
}

/// The record of processing (GDPR art. 30), generated from [`PROCESSINGS`] and [`RULES`].
pub fn record_of_processing() -> Vec<ProcessingEntry> {
    PROCESSINGS
        .iter()
        .map(|p| ProcessingEntry {
            purpose: p.purpose,
            legal_basis: p.legal_basis,
            data: p.data,
            people: p.people,
            recipients: p.recipients,
            retention: p
                .records
                .iter()
                .filter_map(|kind| rule(*kind))
                .map(|rule| format!("{} : {}", rule.covers, rule.in_words()))
                .chain(p.other_retention.iter().map(|s| s.to_string()))
                .collect(),
            security: p.security,
        })
        .collect()
}

/// What a sweep removed or anonymised, per rule (every rule of [`RULES`], in its order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    /// Nothing was changed: the counts are what a sweep would do.
    pub dry_run: bool,
    pub at: DateTime<Utc>,
    pub counts: Vec<RuleCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    pub kind: RecordKind,
    pub disposal: Disposal,
    pub count: u64,
}

impl RetentionReport {
    /// The count of a kind (0 when absent).
    pub fn count(&self, kind: RecordKind) -> u64 {
        self.counts
            .iter()
            .find(|c| c.kind == kind)
            .map_or(0, |c| c.count)
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| c.count).sum()
    }
}

/// The months a hire that followed a training is kept at least, from its start: the
/// six-month outcome of the training is counted on it.
pub const HIRE_HOLD_MONTHS: u32 = 6;

/// Why a person's erasure cannot proceed now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErasureBlocker {
    /// A training plan not closed: the person is being trained for a hire.
    TrainingPlan {
        plan_id: i64,
        state: PlanState,
        /// The training's last day: the plan cannot close before.
        ends_on: NaiveDate,
    },
    /// A hire that followed a training, under the scheme's obligations until `until`.
    HireUnderObligation { plan_id: i64, until: NaiveDate },
    /// A referral still open (proposed, accepted, at interview).
    OpenReferral {
        referral_id: i64,
        /// The day of its last move: it expires after the service's expiry days.
        last_move: DateTime<Utc>,
    },
    /// A duo still open.
    OpenDuo { duo_id: i64, state: DuoState },
}

impl ErasureBlocker {
    /// The first day this blocker may be gone: a plan after its training's end, a hire's
    /// obligations at their end, an open referral at its expiry (`expiry_days` without a
    /// move); a duo has no fixed end (`None`: when it closes).
    pub fn earliest(&self, expiry_days: u32) -> Option<NaiveDate> {
        match self {
            ErasureBlocker::TrainingPlan { ends_on, .. } => ends_on.succ_opt(),
            ErasureBlocker::HireUnderObligation { until, .. } => Some(*until),
            ErasureBlocker::OpenReferral { last_move, .. } => {
                Some((*last_move + Duration::days(i64::from(expiry_days) + 1)).date_naive())
            }
            ErasureBlocker::OpenDuo { .. } => None,
        }
    }
}

/// The day a hire that followed a training leaves its obligations: the contract's end or
/// [`HIRE_HOLD_MONTHS`] after its start, whichever is later.
pub fn hire_hold_until(starts_on: NaiveDate, contract_months: Option<u32>) -> NaiveDate {
    let months = contract_months.unwrap_or(0).max(HIRE_HOLD_MONTHS);
    starts_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The first day every blocker may be gone, if all have one (none: it depends on a duo's end).
pub fn can_proceed_on(blockers: &[ErasureBlocker], expiry_days: u32) -> Option<NaiveDate> {
    let mut latest = None;
    for blocker in blockers {
        let day = blocker.earliest(expiry_days)?;
        latest = Some(latest.map_or(day, |l: NaiveDate| l.max(day)));
    }
    latest
}

text_enum!(
    /// Where an erasure request stands.
    ErasureState {
        Requested = "requested",
        Done = "done",
        Refused = "refused",
    }
);

text_enum!(
    /// Who asked for an erasure.
    RequestedBy {
        /// The person themself (from their own space).
        Person = "person",
        /// Their France Travail advisor, on their behalf.
        Advisor = "advisor",
    }
);

/// An erasure request to file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewErasureRequest {
    pub job_seeker_id: i64,
    pub requested_by: RequestedBy,
    /// The account that filed it (the advisor's; none when the person filed it).
    pub requested_by_user: Option<i64>,
}

/// An erasure request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureRequest {
    pub id: i64,
    pub job_seeker_id: i64,
    pub requested_by: RequestedBy,
    pub requested_by_user: Option<i64>,
    pub requested_at: DateTime<Utc>,
    pub state: ErasureState,
    /// What blocked it, when refused.
    pub blockers: Vec<ErasureBlocker>,
    pub processed_at: Option<DateTime<Utc>>,
    pub processed_by: Option<i64>,
}

/// A request processed, with the address the person is told at (read before the erasure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedErasure {
    pub request: ErasureRequest,
    pub recipient: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_kind_has_one_rule() {
        for kind in RecordKind::ALL {
            assert_eq!(
                RULES.iter().filter(|r| r.kind == *kind).count(),
                1,
                "{kind}"
            );
        }
    }

    #[test]
    fn retention_in_words() {
        let words: Vec<String> = RULES.iter().map(RetentionRule::in_words).collect();
        assert_eq!(
            words,
            [
                "2 ans après la clôture, puis anonymisé (les agrégats restent)",
                "2 ans après la dernière activité, puis anonymisé (les agrégats restent)",
                "jusqu'à l'expiration ou la révocation, puis supprimé",
                "jusqu'à l'expiration ou la révocation, puis supprimé",
                "90 jours après l'envoi, puis supprimé",
                "jusqu'à l'expiration ou la révocation, puis supprimé",
                "jusqu'à l'expiration ou la révocation, puis supprimé",
                "2 jours après l'envoi, puis supprimé",
                "30 jours après l'expiration ou la révocation, puis supprimé",
            ]
        );
    }

    #[test]
    fn the_record_of_processing_reads_the_rules() {
        let record = record_of_processing();
        assert_eq!(record.len(), 6);
        assert_eq!(
            record[2].retention,
            [
                "message électronique (destinataire, objet, texte) : 90 jours après l'envoi, \
                 puis supprimé"
            ]
        );
        // Sessions, API tokens, invitations to a seat, and the accounts themselves.
        assert_eq!(record[1].retention.len(), 4);
    }

    #[test]
    fn erasure_proceeds_when_the_last_blocker_is_gone() {
        let blockers = [
            ErasureBlocker::TrainingPlan {
                plan_id: 1,
                state: PlanState::InTraining,
                ends_on: day(2026, 4, 30),
            },
            ErasureBlocker::OpenReferral {
                referral_id: 2,
                last_move: Utc.with_ymd_and_hms(2026, 4, 1, 10, 0, 0).unwrap(),
            },
            ErasureBlocker::HireUnderObligation {
                plan_id: 3,
                until: hire_hold_until(day(2026, 1, 15), Some(4)),
            },
        ];
        // Referral: 1 April + 31 days = 2 May; plan: 1 May; hire: 15 July (6 months).
        assert_eq!(can_proceed_on(&blockers, 30), Some(day(2026, 7, 15)));
        assert_eq!(
            hire_hold_until(day(2026, 1, 15), Some(12)),
            day(2027, 1, 15)
        );
        let with_duo = [ErasureBlocker::OpenDuo {
            duo_id: 4,
            state: DuoState::Active,
        }];
        assert_eq!(can_proceed_on(&with_duo, 30), None);
        assert_eq!(can_proceed_on(&[], 30), None);
    }
}

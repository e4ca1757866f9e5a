//! The steering committee's indicators, held as data (issue 20, point 1): for each, its id,
//! French label, definition and formula in words, unit, the dimensions it may be cut by, its
//! source and its secrecy threshold. The glossary page, the API, the pages and the exports
//! all read [`REGISTRY`]; the store counts each [`Measure`] by department and month with one
//! aggregate query, and the service combines them as the indicator's [`Formula`] says.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::secrecy::THRESHOLD;

/// The four axes of the regional agreement, in the order the committee reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// Do the two networks know each other?
    Network,
    /// Are candidates sourced faster and fairly?
    Sourcing,
    /// Are offers in shortage being filled?
    Shortage,
    /// Do reconversions happen?
    Reconversion,
}

impl Axis {
    pub const ALL: [Axis; 4] = [
        Axis::Network,
        Axis::Sourcing,
        Axis::Shortage,
        Axis::Reconversion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Network => "network",
            Axis::Sourcing => "sourcing",
            Axis::Shortage => "shortage",
            Axis::Reconversion => "reconversion",
        }
    }

    /// The axis as the agreement names it.
    pub fn label(self) -> &'static str {
        match self {
            Axis::Network => "Axe 1 — Se connaître : les deux réseaux et leurs rencontres",
            Axis::Sourcing => "Axe 2 — Sourcing des candidats et publics prioritaires",
            Axis::Shortage => "Axe 3 — Offres en tension : pourvoir et agir",
            Axis::Reconversion => "Axe 4 — Reconversion et formation avant l'embauche",
        }
    }

    /// The committee's question for the axis.
    pub fn question(self) -> &'static str {
        match self {
            Axis::Network => {
                "Les deux réseaux se connaissent-ils : rencontres tenues, qui y vient ?"
            }
            Axis::Sourcing => {
                "Les candidats sont-ils proposés plus vite et équitablement : propositions, \
                 accords, entretiens, embauches, part des publics prioritaires ?"
            }
            Axis::Shortage => {
                "Les offres en tension sont-elles pourvues : délais, abandons, actions \
                 co-organisées, duos ?"
            }
            Axis::Reconversion => {
                "Les reconversions ont-elles lieu : plans proposés, entrées en formation, \
                 formations achevées, embauches ?"
            }
        }
    }
}

/// What a figure is: a number of events, a share, a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// A share of a denominator, shown as a percentage.
    Share,
    /// A median number of days.
    Days,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Share => "share",
            Unit::Days => "days",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Count => "nombre",
            Unit::Share => "part (%)",
            Unit::Days => "jours (médiane)",
        }
    }
}

/// What an indicator may be cut by: its department and its time step, and, for the
/// measures that carry them, the occupation family, the priority public and the group of
/// communes (each a [`Cut`] the store counts by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Department,
    Month,
    Quarter,
    Year,
    /// The grand domaine of the ROME (A to N) of the offer, duo or plan.
    OccupationFamily,
    /// The ROME code itself, over a year (nested in its family).
    Occupation,
    /// The person's priority public: RQTH, another priority status, none.
    PriorityPublic,
    /// The EPCI (intercommunality) of the commune of the event.
    CommuneGroup,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::Department,
        Dimension::Month,
        Dimension::Quarter,
        Dimension::Year,
        Dimension::OccupationFamily,
        Dimension::Occupation,
        Dimension::PriorityPublic,
        Dimension::CommuneGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Department => "department",
            Dimension::Month => "month",
            Dimension::Quarter => "quarter",
            Dimension::Year => "year",
            Dimension::OccupationFamily => "occupation_family",
            Dimension::Occupation => "occupation",
            Dimension::PriorityPublic => "priority_public",
            Dimension::CommuneGroup => "commune_group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Department => "département",
            Dimension::Month => "mois",
            Dimension::Quarter => "trimestre",
            Dimension::Year => "année",
            Dimension::OccupationFamily => "famille de métiers",
            Dimension::Occupation => "métier",
            Dimension::PriorityPublic => "public prioritaire",
            Dimension::CommuneGroup => "intercommunalité",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// Whether the dimension is a time step (the columns of a table).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Dimension::Month | Dimension::Quarter | Dimension::Year
        )
    }

    /// The store's cut of a dimension that is neither time nor the department.
    pub fn cut(self) -> Option<Cut> {
        match self {
            Dimension::OccupationFamily => Some(Cut::OccupationFamily),
            Dimension::Occupation => Some(Cut::Occupation),
            Dimension::PriorityPublic => Some(Cut::PriorityPublic),
            Dimension::CommuneGroup => Some(Cut::Commune),
            _ => None,
        }
    }
}

/// What the store counts a measure by, besides its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cut {
    /// The department's code.
    Department,
    /// The grand domaine's letter.
    OccupationFamily,
    /// The ROME code.
    Occupation,
    /// `rqth`, `priority` (another priority status) or `none`.
    PriorityPublic,
    /// The commune's INSEE code (the service groups communes by EPCI).
    Commune,
}

/// The priority publics of [`Cut::PriorityPublic`], in the order of the agreement: disabled
/// people first.
pub const PRIORITY_PUBLICS: [(&str, &str); 3] = [
    ("rqth", "Bénéficiaires de l'obligation d'emploi (RQTH)"),
    ("priority", "Autres publics prioritaires"),
    ("none", "Sans statut prioritaire"),
];

/// One aggregate the store counts, by department and month of the event (never a row per
/// person). Each is one `GROUP BY` query on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Joint meetings held, by the month they took place and the organiser's department.
    MeetingsHeld,
    /// People recorded present at a joint meeting.
    MeetingAttendees,
    /// Referrals proposed, by the month of the proposal and the offer's department.
    ReferralsProposed,
    /// Referrals proposed of people holding at least one priority status.
    PriorityReferralsProposed,
    /// Referrals the person accepted, by the month of the acceptance.
    ReferralsAccepted,
    /// Referrals moved to an interview, by the month of the move.
    ReferralsInterviewed,
    /// Referrals moved to a hire, by the month of the move.
    ReferralsHired,
    /// Hires of people holding at least one priority status.
    PriorityReferralsHired,
    /// Hires, each with its days from proposal to hire (a histogram).
    DaysToHire,
    /// Offers published, by the month of publication and the workplace's department.
    OffersPublished,
    /// Offers filled within 30 days of their publication, by the month of publication.
    OffersFilledWithin30,
    OffersFilledWithin47,
    OffersFilledWithin90,
    /// Offers withdrawn for lack of candidates, by the month of publication.
    OffersAbandoned,
    /// Co-organised actions held, by the month they took place.
    ActionsHeld,
    /// Hires recorded as an action's outcome, by the day of the hire.
    ActionHires,
    /// Duos started, by the month of their start and the person's department.
    DuosStarted,
    /// Duos whose outcome at their end is a job, by the month of the end.
    DuosEndedInJob,
    /// Training plans proposed, by the month of the proposal and the plan's department.
    PlansProposed,
    /// Training plans whose training started, by the month of its start.
    PlansEntered,
    /// Training plans whose training was completed, by the month of its end.
    PlansCompleted,
    /// Training plans ended in the hire that follows, by the month the job starts.
    PlansHired,
}

impl Measure {
    pub const ALL: [Measure; 22] = [
        Measure::MeetingsHeld,
        Measure::MeetingAttendees,
        Measure::ReferralsProposed,
        Measure::PriorityReferralsProposed,
        Measure::ReferralsAccepted,
        Measure::ReferralsInterviewed,
        Measure::ReferralsHired,
        Measure::PriorityReferralsHired,
        Measure::DaysToHire,
        Measure::OffersPublished,
        Measure::OffersFilledWithin30,
        Measure::OffersFilledWithin47,
        Measure::OffersFilledWithin90,
        Measure::OffersAbandoned,
        Measure::ActionsHeld,
        Measure::ActionHires,
        Measure::DuosStarted,
        Measure::DuosEndedInJob,
        Measure::PlansProposed,
        Measure::PlansEntered,
        Measure::PlansCompleted,
        Measure::PlansHired,
    ];

    /// Whether the measure counts people by their priority statuses: a share of them is
    /// sensitive at zero as at one hundred per cent.
    pub fn is_about_statuses(self) -> bool {
        matches!(
            self,
            Measure::PriorityReferralsProposed | Measure::PriorityReferralsHired
        )
    }

    /// The cuts the store counts the measure by, besides the department: the occupation
    /// family where the events have an occupation (an offer's, a duo's, a plan's), the
    /// priority public where they are a person's (never for a count of priority statuses,
    /// which would be all one public), the commune where they have a place.
    pub fn cuts(self) -> &'static [Cut] {
        use Cut::{Commune, Occupation, OccupationFamily, PriorityPublic};
        match self {
            Measure::MeetingsHeld
            | Measure::MeetingAttendees
            | Measure::ActionsHeld
            | Measure::ActionHires => &[Commune],
            Measure::ReferralsProposed
            | Measure::ReferralsAccepted
            | Measure::ReferralsInterviewed
            | Measure::ReferralsHired
            | Measure::DaysToHire => &[OccupationFamily, Occupation, PriorityPublic, Commune],
            Measure::PriorityReferralsProposed | Measure::PriorityReferralsHired => {
                &[OccupationFamily, Occupation, Commune]
            }
            Measure::OffersPublished
            | Measure::OffersFilledWithin30
            | Measure::OffersFilledWithin47
            | Measure::OffersFilledWithin90
            | Measure::OffersAbandoned => &[OccupationFamily, Occupation, Commune],
            Measure::DuosStarted | Measure::DuosEndedInJob => {
                &[OccupationFamily, Occupation, PriorityPublic, Commune]
            }
            Measure::PlansProposed
            | Measure::PlansEntered
            | Measure::PlansCompleted
            | Measure::PlansHired => &[OccupationFamily, Occupation, PriorityPublic],
        }
    }

    /// For a histogram, the measure counting the same events.
    pub fn counted_by(self) -> Option<Measure> {
        match self {
            Measure::DaysToHire => Some(Measure::ReferralsHired),
            _ => None,
        }
    }
}

/// How an indicator is computed from measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    Count(Measure),
    /// `numerator / denominator`, both counted in the same cell.
    Share {
        numerator: Measure,
        denominator: Measure,
    },
    /// The median of a histogram of days.
    MedianDays(Measure),
}

impl Formula {
    /// The measures the formula reads.
    pub fn measures(self) -> Vec<Measure> {
        match self {
            Formula::Count(m) | Formula::MedianDays(m) => vec![m],
            Formula::Share {
                numerator,
                denominator,
            } => vec![numerator, denominator],
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Formula::Count(_) => Unit::Count,
            Formula::Share { .. } => Unit::Share,
            Formula::MedianDays(_) => Unit::Days,
        }
    }
}

/// One indicator of the registry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator {
    /// Stable, in URLs and exports.
    pub id: &'static str,
    pub axis: Axis,
    pub label: &'static str,
    pub definition: &'static str,
    /// The formula in words.
    pub formula_text: &'static str,
    pub formula: Formula,
    pub source: &'static str,
    /// Counts under it are withheld (and what would let them be recomputed).
    pub threshold: u64,
}

impl Indicator {
    pub fn unit(&self) -> Unit {
        self.formula.unit()
    }

    /// The dimensions it may be cut by: department and time steps, and the cuts every one
    /// of its measures is counted by.
    pub fn dimensions(&self) -> Vec<Dimension> {
        let measures = self.formula.measures();
        Dimension::ALL
            .into_iter()
            .filter(|d| {
                d.cut()
                    .is_none_or(|cut| measures.iter().all(|m| m.cuts().contains(&cut)))
            })
            .collect()
    }

    pub fn allows(&self, dimension: Dimension) -> bool {
        self.dimensions().contains(&dimension)
    }
}

const REFERRALS: &str = "Passerelle : mises en relation et leur historique (propositions \
                         des conseillers, réponses des personnes, suites données par les \
                         agences)";
const OFFERS: &str = "Passerelle : offres des agences d'emploi (publication, clôture et motif)";
const MEETINGS: &str = "Passerelle : rencontres communes et présences enregistrées";
const ACTIONS: &str = "Passerelle : actions co-organisées et leurs suites enregistrées";
const DUOS: &str = "Passerelle : duos demandeur–intérimaire et leurs résultats";
const PLANS: &str = "Passerelle : plans de formation avant l'embauche (POEI, AFPR, POEC, \
                     contrats de professionnalisation…)";

/// An indicator of the registry, withholding counts under the secrecy [`THRESHOLD`].
const fn indicator(
    id: &'static str,
    axis: Axis,
    label: &'static str,
    definition: &'static str,
    formula_text: &'static str,
    formula: Formula,
    source: &'static str,
) -> Indicator {
    Indicator {
        id,
        axis,
        label,
        definition,
        formula_text,
        formula,
        source,
        threshold: THRESHOLD,
    }
}

/// Every indicator, by axis.
pub static REGISTRY: &[Indicator] = &[
    indicator(
        "meetings_held",
        Axis::Network,
        "Rencontres communes tenues",
        "Réunions d'information communes aux deux réseaux qui ont eu lieu, dans le \
         département de la structure organisatrice.",
        "Nombre de rencontres dont l'heure de début tombe dans la période.",
        Formula::Count(Measure::MeetingsHeld),
        MEETINGS,
    ),
    indicator(
        "meeting_attendees",
        Axis::Network,
        "Participants présents aux rencontres",
        "Conseillers et recruteurs enregistrés présents à une rencontre commune.",
        "Nombre d'inscriptions marquées « présent » aux rencontres tenues dans la période.",
        Formula::Count(Measure::MeetingAttendees),
        MEETINGS,
    ),
    indicator(
        "referrals_proposed",
        Axis::Sourcing,
        "Candidats proposés",
        "Mises en relation d'un demandeur d'emploi avec une offre d'une agence d'emploi, \
         dans le département du lieu de travail.",
        "Nombre de mises en relation créées dans la période.",
        Formula::Count(Measure::ReferralsProposed),
        REFERRALS,
    ),
    indicator(
        "referrals_accepted",
        Axis::Sourcing,
        "Propositions acceptées par la personne",
        "Mises en relation auxquelles la personne a dit oui (son consentement au partage \
         de son profil avec l'agence).",
        "Nombre de passages à l'état « acceptée » dans la période.",
        Formula::Count(Measure::ReferralsAccepted),
        REFERRALS,
    ),
    indicator(
        "acceptance_rate",
        Axis::Sourcing,
        "Taux d'acceptation des propositions",
        "Part des propositions que les personnes acceptent.",
        "Acceptations de la période ÷ propositions de la période.",
        Formula::Share {
            numerator: Measure::ReferralsAccepted,
            denominator: Measure::ReferralsProposed,
        },
        REFERRALS,
    ),
    indicator(
        "interviews",
        Axis::Sourcing,
        "Entretiens",
        "Mises en relation passées en entretien avec l'agence.",
        "Nombre de passages à l'état « entretien » dans la période.",
        Formula::Count(Measure::ReferralsInterviewed),
        REFERRALS,
    ),
    indicator(
        "hires",
        Axis::Sourcing,
        "Embauches après mise en relation",
        "Mises en relation conclues par une embauche.",
        "Nombre de passages à l'état « embauché » dans la période.",
        Formula::Count(Measure::ReferralsHired),
        REFERRALS,
    ),
    indicator(
        "hire_rate",
        Axis::Sourcing,
        "Taux de transformation en embauche",
        "Embauches rapportées aux propositions de la même période.",
        "Embauches de la période ÷ propositions de la période.",
        Formula::Share {
            numerator: Measure::ReferralsHired,
            denominator: Measure::ReferralsProposed,
        },
        REFERRALS,
    ),
    indicator(
        "days_to_hire",
        Axis::Sourcing,
        "Délai de la proposition à l'embauche",
        "Jours écoulés entre la proposition d'un candidat et son embauche.",
        "Médiane, sur les embauches de la période, des jours entre la \
         création de la mise en relation et le passage à « embauché ».",
        Formula::MedianDays(Measure::DaysToHire),
        REFERRALS,
    ),
    indicator(
        "priority_share_proposed",
        Axis::Sourcing,
        "Part des publics prioritaires parmi les proposés",
        "Propositions de personnes relevant d'au moins un public prioritaire de l'accord \
         (RQTH, chômage de longue durée, RSA, QPV, seniors, jeunes sans qualification), tel \
         qu'enregistré aujourd'hui.",
        "Propositions de publics prioritaires ÷ propositions.",
        Formula::Share {
            numerator: Measure::PriorityReferralsProposed,
            denominator: Measure::ReferralsProposed,
        },
        REFERRALS,
    ),
    indicator(
        "priority_share_hired",
        Axis::Sourcing,
        "Part des publics prioritaires parmi les embauchés",
        "Embauches de personnes relevant d'au moins un public prioritaire de l'accord.",
        "Embauches de publics prioritaires ÷ embauches.",
        Formula::Share {
            numerator: Measure::PriorityReferralsHired,
            denominator: Measure::ReferralsHired,
        },
        REFERRALS,
    ),
    indicator(
        "offers_published",
        Axis::Shortage,
        "Offres publiées",
        "Offres des agences d'emploi publiées, dans le département du lieu de travail.",
        "Nombre d'offres dont la date de publication tombe dans la période.",
        Formula::Count(Measure::OffersPublished),
        OFFERS,
    ),
    indicator(
        "filled_30_days",
        Axis::Shortage,
        "Offres pourvues en 30 jours",
        "Part des offres publiées dans la période pourvues dans les 30 jours.",
        "Offres pourvues au plus 30 jours après leur publication ÷ offres publiées.",
        Formula::Share {
            numerator: Measure::OffersFilledWithin30,
            denominator: Measure::OffersPublished,
        },
        OFFERS,
    ),
    indicator(
        "filled_47_days",
        Axis::Shortage,
        "Offres pourvues en 47 jours",
        "Part des offres publiées dans la période pourvues dans les 47 jours (le délai \
         médian publié par France Travail).",
        "Offres pourvues au plus 47 jours après leur publication ÷ offres publiées.",
        Formula::Share {
            numerator: Measure::OffersFilledWithin47,
            denominator: Measure::OffersPublished,
        },
        OFFERS,
    ),
    indicator(
        "filled_90_days",
        Axis::Shortage,
        "Offres pourvues en 90 jours",
        "Part des offres publiées dans la période pourvues dans les 90 jours.",
        "Offres pourvues au plus 90 jours après leur publication ÷ offres publiées.",
        Formula::Share {
            numerator: Measure::OffersFilledWithin90,
            denominator: Measure::OffersPublished,
        },
        OFFERS,
    ),
    indicator(
        "abandonment_rate",
        Axis::Shortage,
        "Offres abandonnées faute de candidats",
        "Part des offres publiées dans la période retirées faute de candidats.",
        "Offres annulées pour manque de candidats ÷ offres publiées.",
        Formula::Share {
            numerator: Measure::OffersAbandoned,
            denominator: Measure::OffersPublished,
        },
        OFFERS,
    ),
    indicator(
        "actions_held",
        Axis::Shortage,
        "Actions co-organisées tenues",
        "Job datings, forums, visites d'entreprise et autres actions de recrutement \
         co-organisées qui ont eu lieu.",
        "Nombre d'actions tenues ou clôturées dont la date tombe dans la période.",
        Formula::Count(Measure::ActionsHeld),
        ACTIONS,
    ),
    indicator(
        "action_hires",
        Axis::Shortage,
        "Embauches issues des actions",
        "Embauches enregistrées comme suite d'une action co-organisée.",
        "Nombre de suites « embauche » datées dans la période.",
        Formula::Count(Measure::ActionHires),
        ACTIONS,
    ),
    indicator(
        "duos_started",
        Axis::Shortage,
        "Duos démarrés",
        "Duos entre un demandeur d'emploi et un intérimaire tuteur qui ont commencé, dans \
         le département de la personne.",
        "Nombre de duos dont le premier contact tombe dans la période.",
        Formula::Count(Measure::DuosStarted),
        DUOS,
    ),
    indicator(
        "duos_in_job",
        Axis::Shortage,
        "Duos achevés en emploi",
        "Duos dont la personne est en emploi à la fin du duo.",
        "Nombre de duos terminés dans la période dont le résultat à la fin est un emploi.",
        Formula::Count(Measure::DuosEndedInJob),
        DUOS,
    ),
    indicator(
        "plans_proposed",
        Axis::Reconversion,
        "Plans de formation proposés",
        "Plans « former avant d'embaucher » proposés pour une offre et une personne.",
        "Nombre de plans proposés dans la période.",
        Formula::Count(Measure::PlansProposed),
        PLANS,
    ),
    indicator(
        "training_entries",
        Axis::Reconversion,
        "Entrées en formation",
        "Plans dont la formation a commencé.",
        "Nombre de plans en formation, achevés ou conclus par une embauche dont la \
         formation commence dans la période.",
        Formula::Count(Measure::PlansEntered),
        PLANS,
    ),
    indicator(
        "trainings_completed",
        Axis::Reconversion,
        "Formations achevées",
        "Plans dont la formation est allée à son terme.",
        "Nombre de plans achevés ou conclus par une embauche dont la formation finit dans \
         la période.",
        Formula::Count(Measure::PlansCompleted),
        PLANS,
    ),
    indicator(
        "hires_after_training",
        Axis::Reconversion,
        "Embauches après formation",
        "Plans conclus par l'embauche prévue (le contrat qui doit suivre la formation).",
        "Nombre de plans conclus par une embauche dont le contrat commence dans la période.",
        Formula::Count(Measure::PlansHired),
        PLANS,
    ),
];

/// The indicator of that id.
pub fn find(id: &str) -> Option<&'static Indicator> {
    REGISTRY.iter().find(|i| i.id == id)
}

/// A period of the committee: a month, a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

/// Why a period was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a period: expected a year (2026), a quarter (2026-Q3) or a month (2026-07)")]
pub struct PeriodError(pub String);

impl Period {
    /// Reads `2026`, `2026-Q3` (or `2026-T3`) or `2026-07`; years 2000 to 2199.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError(text.chars().take(40).collect());
        if text.chars().any(char::is_control) {
            return Err(error());
        }
        let text = text.trim();
        let year = |s: &str| {
            (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i32>().ok())
                .flatten()
                .filter(|y| (2000..=2199).contains(y))
        };
        if let Some(y) = year(text) {
            return Ok(Period::Year(y));
        }
        let (y, rest) = text.split_once('-').ok_or_else(error)?;
        let y = year(y).ok_or_else(error)?;
        if let Some(q) = rest
            .strip_prefix('Q')
            .or_else(|| rest.strip_prefix('q'))
            .or_else(|| rest.strip_prefix('T'))
            .or_else(|| rest.strip_prefix('t'))
        {
            return match q {
                "1" | "2" | "3" | "4" => Ok(Period::Quarter {
                    year: y,
                    quarter: q.parse().map_err(|_| error())?,
                }),
                _ => Err(error()),
            };
        }
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
            let month: u32 = rest.parse().map_err(|_| error())?;
            if (1..=12).contains(&month) {
                return Ok(Period::Month { year: y, month });
            }
        }
        Err(error())
    }

    /// The quarter holding `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        Period::Quarter {
            year: day.year(),
            quarter: day.month0() / 3 + 1,
        }
    }

    /// The last quarter that is over on `day`.
    pub fn last_full_quarter(day: NaiveDate) -> Period {
        Period::quarter_of(day).previous()
    }

    /// Its months, `(year, month)`, oldest first.
    pub fn months(self) -> Vec<(i32, u32)> {
        match self {
            Period::Month { year, month } => vec![(year, month)],
            Period::Quarter { year, quarter } => {
                let first = (quarter.clamp(1, 4) - 1) * 3 + 1;
                (first..first + 3).map(|m| (year, m)).collect()
            }
            Period::Year(year) => (1..=12).map(|m| (year, m)).collect(),
        }
    }

    /// The period just before, of the same length.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year(year) => Period::Year(year - 1),
        }
    }

    /// The same period a year before.
    pub fn year_before(self) -> Period {
        match self {
            Period::Month { year, month } => Period::Month {
                year: year - 1,
                month,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year: year - 1,
                quarter,
            },
            Period::Year(year) => Period::Year(year - 1),
        }
    }

    /// The calendar year it lies in.
    pub fn year(self) -> i32 {
        match self {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year(year) => year,
        }
    }

    /// Its first day.
    pub fn start(self) -> NaiveDate {
        let (year, month) = self.months().first().copied().unwrap_or((2000, 1));
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The day after its last.
    pub fn end(self) -> NaiveDate {
        let (year, month) = self.months().last().copied().unwrap_or((2000, 1));
        let (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
    }

    /// The period in words, as the pages show it.
    pub fn label(self) -> String {
        match self {
            Period::Month { year, month } => {
                let name = crate::text::MONTHS_FR
                    .get(month.saturating_sub(1) as usize)
                    .copied()
                    .unwrap_or("");
                format!("{name} {year}")
            }
            Period::Quarter { year, quarter: 1 } => format!("1er trimestre {year}"),
            Period::Quarter { year, quarter } => format!("{quarter}e trimestre {year}"),
            Period::Year(year) => format!("année {year}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Year(year) => write!(f, "{year:04}"),
        }
    }
}

/// A month as `YYYY-MM`, the store's key.
pub fn month_key((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

/// One row of a measure: its count in a department (or a group of another [`Cut`]) and a
/// month (and, for a histogram, at a number of days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRow {
    /// The department's code, or the group's key in the cut asked.
    pub key: String,
    /// `YYYY-MM`.
    pub month: String,
    /// For a histogram, the days; else 0.
    pub days: i64,
    pub count: u64,
}

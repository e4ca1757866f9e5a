//! Training schemes as dated rules (axis 4 of the agreement: reconversion). Seven schemes
//! fund or frame a training, or an immersion, before a job: POEI, AFPR, POEC, CDPI, CIPI, the
//! contrat de professionnalisation and the PMSMP. Their rules change with the law and with
//! the temp-work branch's decisions, so each is kept as data: [`RULES`] holds one
//! [`SchemeRule`] per version, in force from a day (inclusive) until another (exclusive).
//!
//! Two pure functions read the table:
//! - [`eligibility`] tells, for a person, the offer they are aimed at (if any), a training
//!   session and the day the scheme is decided, which schemes apply and why, or for each one
//!   the first rule it fails (in the order of [`Check::ALL`]);
//! - [`obligations`] tells, once the training is over, whether the contract the scheme asks
//!   for has followed, is still awaited, or is missing (a breach for the steering committee).
//!
//! `docs/schemes.md` lists every version with its figures and sources.

mod eligibility;
mod obligations;
mod rules;

pub use eligibility::{Assessment, Check, Eligible, Failure, Reason, Verdict, eligibility};
pub use obligations::{FollowingContract, Obligation, obligations};
pub use rules::{RULES, rule_on, versions};

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{ContractType, PriorityStatus};

text_enum!(
    /// A training or immersion scheme.
    Scheme {
        Poei = "poei",
        Afpr = "afpr",
        Poec = "poec",
        Cdpi = "cdpi",
        Cipi = "cipi",
        ContratPro = "contrat_pro",
        Pmsmp = "pmsmp",
    }
);

impl Scheme {
    /// The scheme's French name, as advisors and agencies say it.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Poei => "Préparation opérationnelle à l'emploi individuelle (POEI)",
            Scheme::Afpr => "Action de formation préalable au recrutement (AFPR)",
            Scheme::Poec => "Préparation opérationnelle à l'emploi collective (POEC)",
            Scheme::Cdpi => "Contrat de développement professionnel intérimaire (CDPI)",
            Scheme::Cipi => "Contrat d'insertion professionnelle intérimaire (CIPI)",
            Scheme::ContratPro => "Contrat de professionnalisation",
            Scheme::Pmsmp => "Période de mise en situation en milieu professionnel (PMSMP)",
        }
    }

    /// The short name used in messages.
    pub fn short(self) -> &'static str {
        match self {
            Scheme::Poei => "POEI",
            Scheme::Afpr => "AFPR",
            Scheme::Poec => "POEC",
            Scheme::Cdpi => "CDPI",
            Scheme::Cipi => "CIPI",
            Scheme::ContratPro => "contrat de professionnalisation",
            Scheme::Pmsmp => "PMSMP",
        }
    }

    /// What the scheme is, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Scheme::Poei => {
                "France Travail funds the training a job seeker needs for an offer an employer filed with it, before the hiring"
            }
            Scheme::Afpr => {
                "France Travail funded a training before a hiring on a CDD of 6 to under 12 months or temp missions (abolished in June 2024)"
            }
            Scheme::Poec => {
                "An OPCO trains a group of job seekers for the jobs its branch needs (Akto for temp work)"
            }
            Scheme::Cdpi => {
                "A temp-work contract alternating training and missions, to qualify temp workers (temp-work branch, Akto)"
            }
            Scheme::Cipi => {
                "A temp-work contract alternating training and missions, for people far from employment (temp-work branch, Akto)"
            }
            Scheme::ContratPro => {
                "A work-study contract alternating work and a training of 15 to 25 % of its length"
            }
            Scheme::Pmsmp => {
                "An immersion of up to a month in a workplace, for a person followed by a prescriber; no training body"
            }
        }
    }
}

text_enum!(
    /// The work-study contract an offer or a contract is, if any.
    WorkStudy { Apprenticeship = "apprenticeship", Professionalisation = "professionalisation" }
);

text_enum!(
    /// The kinds of contract the schemes' rules speak of. One contract may be of several
    /// kinds: a seasonal CDD is a fixed-term contract and a seasonal one.
    ContractKind {
        /// CDI, CDI intérimaire (DIN), or a work-study contract without end.
        Permanent = "permanent",
        /// CDD (including the CDD d'insertion and the CDD tremplin).
        FixedTerm = "fixed_term",
        /// A CDD or a temp mission for a seasonal job (SAI is always seasonal).
        Seasonal = "seasonal",
        Apprenticeship = "apprenticeship",
        Professionalisation = "professionalisation",
        /// Temp missions (MIS, TTI).
        Missions = "missions",
    }
);

impl ContractKind {
    fn describe(self) -> &'static str {
        match self {
            ContractKind::Permanent => "a CDI",
            ContractKind::FixedTerm => "a CDD",
            ContractKind::Seasonal => "a seasonal contract",
            ContractKind::Apprenticeship => "an apprenticeship contract",
            ContractKind::Professionalisation => "a contrat de professionnalisation",
            ContractKind::Missions => "temp missions",
        }
    }
}

/// The kinds a contract is: see [`ContractKind`]. Commercial, franchise, liberal-profession and
/// business-takeover "contracts" (CCE, FRA, LIB, REP) are of no kind: no scheme counts them.
pub fn contract_kinds(
    contract_type: ContractType,
    work_study: Option<WorkStudy>,
    seasonal: bool,
) -> BTreeSet<ContractKind> {
    use ContractKind as K;
    let permanent = matches!(contract_type, ContractType::Cdi | ContractType::Din);
    let mut kinds = BTreeSet::new();
    if let Some(work_study) = work_study {
        kinds.insert(match work_study {
            WorkStudy::Apprenticeship => K::Apprenticeship,
            WorkStudy::Professionalisation => K::Professionalisation,
        });
        if permanent {
            kinds.insert(K::Permanent);
        }
        return kinds;
    }
    match contract_type {
        ContractType::Cdi | ContractType::Din => {
            kinds.insert(K::Permanent);
        }
        ContractType::Cdd | ContractType::Ddi | ContractType::Ddt => {
            kinds.insert(K::FixedTerm);
        }
        ContractType::Sai => {
            kinds.insert(K::FixedTerm);
            kinds.insert(K::Seasonal);
        }
        ContractType::Mis | ContractType::Tti => {
            kinds.insert(K::Missions);
        }
        ContractType::Cce | ContractType::Fra | ContractType::Lib | ContractType::Rep => {}
    }
    if seasonal && (kinds.contains(&K::FixedTerm) || kinds.contains(&K::Missions)) {
        kinds.insert(K::Seasonal);
    }
    kinds
}

/// A person as the schemes see them. Every flag is what the advisor knows and recorded; none
/// is guessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemePerson {
    /// The partnership's priority statuses the person holds (RQTH, long-term, RSA...).
    pub statuses: BTreeSet<PriorityStatus>,
    /// A beneficiary of the disability employment obligation (BOETH, C. trav. art. L.5212-13)
    /// on another ground than the RQTH or the AAH (which make one too): invalidity pension,
    /// work accident...
    pub disability_obligation: bool,
    /// Receives the allocation de solidarité spécifique.
    pub ass: bool,
    /// Receives the allocation aux adultes handicapés.
    pub aah: bool,
    /// Age in years on the day of the assessment.
    pub age: Option<u8>,
    /// Registered with France Travail as a job seeker.
    pub job_seeker: bool,
    /// Months registered as a job seeker without a break (12 or more makes a long-term job
    /// seeker, as the `long_term` status does).
    pub months_registered: Option<u32>,
    /// Hours worked in the temp-work branch over the last 12 months (all agencies, paid
    /// leave included), when the person is or was a temp worker.
    pub temp_hours_last_12_months: Option<u32>,
    /// No qualification above level 3 (CAP, BEP).
    pub low_qualification: bool,
    /// One of the publics France Travail's POEI instruction allows 600 hours for (those of
    /// the skills investment plan, PIC): the advisor's call. RSA recipients and people aged
    /// 55 or more count without it.
    pub pic_public: bool,
    /// Followed by a prescriber other than France Travail (Cap emploi, mission locale,
    /// an insertion structure...); a registered job seeker is followed by France Travail.
    pub accompanied: bool,
    /// Has held a contrat unique d'insertion (CUI).
    pub left_cui: bool,
}

impl SchemePerson {
    fn has(&self, status: PriorityStatus) -> bool {
        self.statuses.contains(&status)
    }

    /// A beneficiary of the disability employment obligation: RQTH, AAH or another ground.
    pub fn disability_obligation_holder(&self) -> bool {
        self.disability_obligation || self.aah || self.has(PriorityStatus::Rqth)
    }

    /// Registered for a year or more.
    pub fn long_term(&self) -> bool {
        self.has(PriorityStatus::LongTerm) || self.months_registered.is_some_and(|m| m >= 12)
    }

    /// Receives a minimum income: RSA, ASS or AAH.
    pub fn minimum_income(&self) -> bool {
        self.has(PriorityStatus::Rsa) || self.ass || self.aah
    }

    /// Under 26 without a qualification above level 3.
    pub fn young_unqualified(&self) -> bool {
        self.has(PriorityStatus::YoungUnqualified)
            || (self.low_qualification && self.age.is_some_and(|age| age <= 25))
    }

    /// Why the person is far from employment in the temp-work branch's sense (its CIPI and
    /// CDPI publics): disability employment obligation, RSA, ASS or AAH, registered for a
    /// year or more, no qualification above level 3. Empty when none holds.
    pub fn far_from_employment(&self) -> Vec<&'static str> {
        let grounds = [
            (
                self.disability_obligation_holder(),
                "disability employment obligation",
            ),
            (self.has(PriorityStatus::Rsa), "RSA"),
            (self.ass, "ASS"),
            (self.aah, "AAH"),
            (self.long_term(), "long-term job seeker"),
            (
                self.low_qualification || self.has(PriorityStatus::YoungUnqualified),
                "no qualification above level 3",
            ),
        ];
        grounds
            .into_iter()
            .filter(|(holds, _)| *holds)
            .map(|(_, ground)| ground)
            .collect()
    }

    /// Why the POEI's longest duration applies (600 hours since June 2024), if it does.
    fn extended_public(&self) -> Option<&'static str> {
        if self.pic_public {
            Some("a PIC public")
        } else if self.has(PriorityStatus::Rsa) {
            Some("an RSA recipient")
        } else if self.age.is_some_and(|age| age >= 55) {
            Some("aged 55 or more")
        } else {
            None
        }
    }

    /// The publics whose contrat de professionnalisation may last up to 36 months (C. trav.
    /// art. L.6325-1-1): under 26 without a qualification, registered for a year or more,
    /// RSA, ASS or AAH, leaving a CUI.
    fn contrat_pro_extended(&self) -> bool {
        self.young_unqualified() || self.long_term() || self.minimum_income() || self.left_cui
    }
}

/// The job a scheme prepares for: an offer, or the contract an employer proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeOffer {
    pub contract_type: ContractType,
    /// An apprenticeship or professionalisation contract (France Travail's `natureContrat`).
    #[serde(default)]
    pub work_study: Option<WorkStudy>,
    /// The contract's length in months: for temp missions, the missions planned in total;
    /// for a CDI contrat de professionnalisation, its professionalisation action. None for a
    /// CDI, or when unknown.
    #[serde(default)]
    pub months: Option<u32>,
    /// A seasonal job (SAI contracts are seasonal whatever this says).
    #[serde(default)]
    pub seasonal: bool,
    /// Hours a week of the job.
    #[serde(default)]
    pub weekly_hours: Option<f64>,
    /// The day the offer was filed with France Travail, if it was.
    #[serde(default)]
    pub filed_with_france_travail_on: Option<NaiveDate>,
    /// An agence d'emploi's offer.
    #[serde(default)]
    pub temp_work: bool,
}

impl SchemeOffer {
    pub fn kinds(&self) -> BTreeSet<ContractKind> {
        contract_kinds(self.contract_type, self.work_study, self.seasonal)
    }

    fn describe(&self) -> String {
        let name = match self.work_study {
            Some(WorkStudy::Apprenticeship) => format!("{} apprenticeship", self.contract_type),
            Some(WorkStudy::Professionalisation) => {
                format!("{} contrat de professionnalisation", self.contract_type)
            }
            None => self.contract_type.to_string(),
        };
        let seasonal = if self.seasonal && self.contract_type != ContractType::Sai {
            " (seasonal)"
        } else {
            ""
        };
        match self.months {
            Some(months) => format!("{name}{seasonal} of {}", in_months(months)),
            None => format!("{name}{seasonal}"),
        }
    }
}

/// A training session (or an immersion) as the schemes see it. Its hours are split between
/// a training centre and the workplace; the total is their sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSession {
    /// First day.
    pub starts: NaiveDate,
    /// Last day (inclusive).
    pub ends: NaiveDate,
    /// Hours with a training body (in its centre, at a distance, or its trainers on site).
    #[serde(default)]
    pub hours_centre: u32,
    /// Hours in the workplace: tutoring, immersion.
    #[serde(default)]
    pub hours_enterprise: u32,
    /// A group trained together (a POEC).
    #[serde(default)]
    pub collective: bool,
    /// A training body (internal or external, certified) gives part of the training; false
    /// for tutoring only, or an immersion.
    #[serde(default)]
    pub with_training_body: bool,
}

impl SchemeSession {
    pub fn hours_total(&self) -> u32 {
        self.hours_centre.saturating_add(self.hours_enterprise)
    }

    /// The hours a rule counts.
    pub fn hours(&self, basis: HoursBasis) -> u32 {
        match basis {
            HoursBasis::Total => self.hours_total(),
            HoursBasis::Centre => self.hours_centre,
        }
    }
}

/// Figures the sources disagree on, chosen by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeSettings {
    /// The CIPI's shortest contract, in hours (training with a body plus missions).
    pub cipi_min_hours: u32,
    /// The CIPI's longest contract, in hours.
    pub cipi_max_hours: u32,
}

impl SchemeSettings {
    /// The CIPI as the temp-work branch's agreement of 29 November 2019 frames it, in Akto's
    /// and the FPETT's presentation: 140 to 315 hours over at most 6 months (70 to 245 hours
    /// with a training body, at least 70 hours of missions).
    pub const BRANCH_2019: Self = Self {
        cipi_min_hours: 140,
        cipi_max_hours: 315,
    };

    /// The CIPI as the branch agreement of 29 January 2010 framed it, in the trade press of
    /// 2010-2011: at least 210 hours (70 of theory, 35 of practice, 105 of missions), up to
    /// 480 hours. Older pages still quote it.
    pub const AGREEMENT_2010: Self = Self {
        cipi_min_hours: 210,
        cipi_max_hours: 480,
    };

    /// The figure an [`Hours`] stands for.
    pub fn hours(&self, hours: Hours) -> u32 {
        match hours {
            Hours::Fixed(hours) => hours,
            Hours::CipiMin => self.cipi_min_hours,
            Hours::CipiMax => self.cipi_max_hours,
        }
    }
}

impl Default for SchemeSettings {
    /// [`SchemeSettings::BRANCH_2019`].
    fn default() -> Self {
        Self::BRANCH_2019
    }
}

/// One version of a scheme's rules, in force from `from` (inclusive) until `until`
/// (exclusive; none while it is in force).
#[derive(Debug, PartialEq)]
pub struct SchemeRule {
    /// A stable name of the version (`poei-2024`), for records that keep which rule applied.
    pub id: &'static str,
    pub scheme: Scheme,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// What ended it, when it ended without a successor.
    pub ended_by: Option<&'static str>,
    /// Who it is open to: any one suffices.
    pub publics: &'static [Public],
    /// What the session must be.
    pub session: SessionKind,
    /// Whether it needs an offer or a contract, and filed when.
    pub offer: OfferNeed,
    /// Which hours the limits count.
    pub hours_basis: HoursBasis,
    pub min_hours: Option<Hours>,
    /// The longest training by case: the first case that fits the session applies.
    pub max_hours: &'static [(HoursCase, Hours)],
    /// The largest share of the hours in the workplace.
    pub max_enterprise_share: Option<Share>,
    /// The longest span from the first day to the last.
    pub max_span: Option<SpanLimit>,
    /// The least hours a week of the job offered (a part-time job below fails).
    pub min_weekly_hours: Option<WeeklyMinimum>,
    /// The contract the scheme itself is (the contrat de professionnalisation).
    pub contract: Option<OwnContract>,
    /// The contract that must follow the training: any one alternative suffices.
    pub following: &'static [Following],
    /// How long after the training's end a [`Following::Contract`] may start: Passerelle's
    /// reading of "at the end of the training" (the sources give no figure); 0 where the rule
    /// has no such way.
    pub hire_within_months: u32,
    /// Who pays.
    pub funders: &'static [&'static str],
    /// Dated hourly caps of the funding, by case; a day no cap covers has an unknown cap.
    pub hourly_caps: &'static [HourlyCap],
    /// Legal texts and the bodies' decisions the figures come from.
    pub sources: &'static [&'static str],
}

impl SchemeRule {
    /// Whether the version is in force on that day.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day < until)
    }
}

/// Who a scheme is open to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Public {
    /// Registered with France Travail.
    JobSeeker,
    /// Followed by a prescriber (France Travail for a registered job seeker).
    Accompanied,
    /// A temp worker with at least so many hours in the branch over the last 12 months.
    TempWorker { min_hours: u32 },
    /// Far from employment in the temp-work branch's sense: see
    /// [`SchemePerson::far_from_employment`].
    FarFromEmployment,
    /// Aged between the two, inclusive.
    Aged { min: u8, max: u8 },
    /// A registered job seeker aged at least this.
    JobSeekerAged { min: u8 },
    /// RSA, ASS or AAH.
    MinimumIncome,
    /// Has held a CUI.
    LeftCui,
}

impl Public {
    /// Why the person is of this public, or none.
    fn matches(self, person: &SchemePerson) -> Option<String> {
        match self {
            Public::JobSeeker => person
                .job_seeker
                .then(|| "a registered job seeker".to_string()),
            Public::Accompanied => {
                if person.job_seeker {
                    Some("followed by France Travail as a registered job seeker".to_string())
                } else {
                    person
                        .accompanied
                        .then(|| "followed by a prescriber".to_string())
                }
            }
            Public::TempWorker { min_hours } => person
                .temp_hours_last_12_months
                .filter(|&hours| hours >= min_hours)
                .map(|hours| format!("{hours} h in the temp-work branch over the last 12 months")),
            Public::FarFromEmployment => {
                let grounds = person.far_from_employment();
                (!grounds.is_empty())
                    .then(|| format!("far from employment: {}", grounds.join(", ")))
            }
            Public::Aged { min, max } => person
                .age
                .filter(|age| (min..=max).contains(age))
                .map(|age| format!("aged {age}")),
            Public::JobSeekerAged { min } => person
                .age
                .filter(|&age| person.job_seeker && age >= min)
                .map(|age| format!("a registered job seeker aged {age}")),
            Public::MinimumIncome => {
                let incomes: Vec<&str> = [
                    (person.has(PriorityStatus::Rsa), "RSA"),
                    (person.ass, "ASS"),
                    (person.aah, "AAH"),
                ]
                .into_iter()
                .filter(|(holds, _)| *holds)
                .map(|(_, name)| name)
                .collect();
                (!incomes.is_empty()).then(|| format!("receives {}", incomes.join(", ")))
            }
            Public::LeftCui => person.left_cui.then(|| "has held a CUI".to_string()),
        }
    }

    fn describe(self) -> String {
        match self {
            Public::JobSeeker => "a registered job seeker".into(),
            Public::Accompanied => "a person followed by a prescriber".into(),
            Public::TempWorker { min_hours } => {
                format!("a temp worker with at least {min_hours} h in the branch over 12 months")
            }
            Public::FarFromEmployment => {
                "a person far from employment (disability employment obligation, RSA, ASS, AAH, long-term job seeker, no qualification above level 3)".into()
            }
            Public::Aged { min, max } => format!("aged {min} to {max}"),
            Public::JobSeekerAged { min } => format!("a registered job seeker aged {min} or more"),
            Public::MinimumIncome => "an RSA, ASS or AAH recipient".into(),
            Public::LeftCui => "a person who has held a CUI".into(),
        }
    }
}

/// What the session must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Any,
    /// A group trained together.
    Collective,
    /// Given, at least in part, by a training body.
    TrainingBody,
    /// Only in the workplace, without a training body.
    Immersion,
}

/// Whether a scheme needs an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferNeed {
    None,
    /// The contract the scheme is (given as the offer).
    Contract,
    /// An offer filed with France Travail before the session starts (the day before at the
    /// latest).
    FiledBefore,
}

/// Which hours a rule's limits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursBasis {
    /// The training body's and the workplace's.
    Total,
    /// The training body's only.
    Centre,
}

/// An hour figure of a rule: fixed, or one of the [`SchemeSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    Fixed(u32),
    CipiMin,
    CipiMax,
}

/// The cases a maximum or an hourly cap depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursCase {
    Any,
    /// The job is seasonal.
    Seasonal,
    /// No training body: tutoring by the employer only.
    TutoringOnly,
    /// The POEI's extended public: see [`SchemePerson::pic_public`].
    ExtendedPublic,
    /// A training body gives part of the training.
    TrainingBody,
}

impl HoursCase {
    /// How the case fits the session, or none when it does not.
    fn fits(
        self,
        person: &SchemePerson,
        offer: Option<&SchemeOffer>,
        session: &SchemeSession,
    ) -> Option<String> {
        match self {
            HoursCase::Any => Some("any session".into()),
            HoursCase::Seasonal => offer
                .filter(|offer| offer.kinds().contains(&ContractKind::Seasonal))
                .map(|_| "a seasonal job".into()),
            HoursCase::TutoringOnly => {
                (!session.with_training_body).then(|| "tutoring only".into())
            }
            HoursCase::ExtendedPublic => person
                .extended_public()
                .filter(|_| session.with_training_body)
                .map(|why| format!("with a training body, for {why}")),
            HoursCase::TrainingBody => session
                .with_training_body
                .then(|| "with a training body".into()),
        }
    }
}

/// A fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub numerator: u32,
    pub denominator: u32,
}

/// The longest span of a session, waived for the beneficiaries of the disability employment
/// obligation when `disability_exempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanLimit {
    pub months: u32,
    pub disability_exempt: bool,
}

/// The least hours a week of the job, waived for the beneficiaries of the disability
/// employment obligation when `disability_exempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyMinimum {
    pub hours: u32,
    pub disability_exempt: bool,
}

/// The contract a scheme is: a work-study contract of a kind, a fixed term (or, for a CDI,
/// an action) between `min_months` and `max_months`, or up to `extended_max_months` for the
/// publics the law allows; its training a share of its length, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnContract {
    pub kind: ContractKind,
    pub min_months: u32,
    pub max_months: u32,
    pub extended_max_months: u32,
    pub min_training_percent: u32,
    pub max_training_percent: u32,
    /// The weekly hours a job offer without them is taken to have (full time).
    pub default_weekly_hours: u32,
}

/// One way to meet the contract that must follow a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Following {
    /// A contract of a kind, at least `min_months` long (none for a CDI), and shorter than
    /// `below_months` when given: that bound tells schemes apart when choosing one (the AFPR
    /// for a CDD under 12 months), it is no breach when a longer contract follows.
    Contract {
        kind: ContractKind,
        min_months: u32,
        below_months: Option<u32>,
    },
    /// Temp missions totalling at least `months` within the `within_months` after the
    /// training (a month counts 30 days when missions are added up).
    Missions { months: u32, within_months: u32 },
    /// Temp missions totalling at least a share of the training's hours within the
    /// `within_months` after it.
    MissionHours { share: Share, within_months: u32 },
    /// Put to work on temp missions (in temp work) starting by `within_months` after the
    /// training's end, whatever their length.
    PutToWork { within_months: u32 },
}

impl Following {
    pub fn describe(self) -> String {
        match self {
            Following::Contract {
                kind,
                min_months,
                below_months,
            } => match (min_months, below_months) {
                (0, None) => kind.describe().to_string(),
                (min, None) => format!("{} of at least {min} months", kind.describe()),
                (min, Some(below)) => {
                    format!("{} of {min} to under {below} months", kind.describe())
                }
            },
            Following::Missions {
                months,
                within_months,
            } => format!(
                "temp missions totalling at least {months} months within the {within_months} months after the training"
            ),
            Following::MissionHours {
                share,
                within_months,
            } => format!(
                "temp missions totalling at least {}/{} of the training's hours within the {within_months} months after it",
                share.numerator, share.denominator
            ),
            Following::PutToWork { within_months } => {
                format!(
                    "temp missions starting within {} of the training's end",
                    in_months(within_months)
                )
            }
        }
    }

    /// Whether the rule can be read on an offer before the training.
    fn on_offer(self) -> bool {
        !matches!(self, Following::MissionHours { .. })
    }

    /// Whether an offer meets this way (never for [`Following::MissionHours`], which only
    /// the missions done can tell).
    fn met_by(self, offer: &SchemeOffer) -> bool {
        let kinds = offer.kinds();
        match self {
            Following::Contract {
                kind,
                min_months,
                below_months,
            } => {
                kinds.contains(&kind)
                    && (kind == ContractKind::Permanent
                        || offer.months.is_some_and(|months| {
                            months >= min_months && below_months.is_none_or(|below| months < below)
                        }))
            }
            Following::Missions { months, .. } => {
                kinds.contains(&ContractKind::Missions)
                    && offer.months.is_some_and(|planned| planned >= months)
            }
            Following::PutToWork { .. } => kinds.contains(&ContractKind::Missions),
            Following::MissionHours { .. } => false,
        }
    }
}

/// An hourly cap of a scheme's funding, in force from `from` (none: from the version's start)
/// until `until` (exclusive), for a case of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourlyCap {
    pub case: HoursCase,
    pub cents: u32,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub source: &'static str,
}

impl HourlyCap {
    fn in_force(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day < until)
    }

    /// "€27 an hour".
    pub fn describe(&self) -> String {
        let (euros, cents) = (self.cents / 100, self.cents % 100);
        if cents == 0 {
            format!("€{euros} an hour")
        } else {
            format!("€{euros}.{cents:02} an hour")
        }
    }
}

/// The last day of a span of `months` starting on `starts`: `starts` plus the months, less a
/// day (1 October plus a month ends on 31 October).
fn last_day_within(starts: NaiveDate, months: u32) -> Option<NaiveDate> {
    starts
        .checked_add_months(Months::new(months))
        .and_then(|day| day.pred_opt())
}

/// A number of months as messages write it: "1 month", "6 months".
fn in_months(months: u32) -> String {
    if months == 1 {
        "1 month".to_string()
    } else {
        format!("{months} months")
    }
}

/// A day as messages write it: "18 June 2024".
fn human(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

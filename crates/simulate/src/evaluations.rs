//! A year of shared evaluations in the simulated region (`model::evaluations`): recruitment by
//! simulation (MRS) results, CACES, language levels and skills assessments of the consenting
//! job seekers, each recorded by the structure that has it — the person's France Travail
//! agency, or for a CACES often an agence d'emploi of their department — and, for most
//! people, the kinds they agreed to share with the other network ([`SHARED`]).
//!
//! - MRS: everyone present at a co-organised MRS session of the year (`crate::actions`) has
//!   their result, validated when they went on to the employer's interview; France Travail's
//!   own sessions add [`MRS_SHARE`] of the people who seek an occupation it uses the method
//!   for ([`MRS_OCCUPATIONS`]), validated at the same rate ([`MRS_VALIDATED`]).
//! - CACES: one or two categories among the CACES skills the ROME gives the person's sought
//!   occupation ([`caces_skills`]), for [`CACES_CORE_SHARE`] of those who seek a driving
//!   occupation ([`CACES_CORE`]) and [`CACES_OTHER_SHARE`] of the others whose occupation
//!   lists one; valid [`CACES_YEARS`] years ([`CACES_CONSTRUCTION_YEARS`] for construction
//!   machinery); recorded by an agence d'emploi for [`CACES_BY_AGENCY`].
//! - Language levels on the CEFR scale ([`LANGUAGE_SHARE`]) and skills assessments
//!   ([`ASSESSMENT_SHARE`]: an évaluation en milieu de travail or an ECCP), recorded by France
//!   Travail.
//!
//! Evaluations refer to stored people and structures, so, like the actions and the duos, they
//! are planned from what the store holds ([`Inputs`]) and the year of actions planned from
//! it; the plan is a pure function of them and the seed, the reference day among the inputs.
//! Only the consenting active job seekers are in the inputs: those are the people Passerelle
//! shares anything about. Which rates are published and which are assumptions is said beside
//! each constant.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc, Weekday};
use model::evaluations::{CEFR_LEVELS, EvaluationKind, EvaluationRecord};
use model::{ActionKind, ActionState, Attendance, OutcomeKind, PastAction};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use crate::actions::{Candidate, Inputs, Organiser};
use crate::draws::{days, draw, pick};

/// The occupations France Travail runs its own MRS sessions for (ROME codes, or the start of
/// them). Published as a list, not as shares: the method was made in 1995 for industry
/// (welders first), then spread to fast food, retail and call centres (Pôle emploi's MRS team
/// coordinator, quoted by the GREF Bretagne, "Recrutement. Coup de projecteur sur la méthode
/// de recrutement par simulation"); waiters, cleaners, hospital service agents, packers and
/// handlers, cooks and home helpers are the occupations in tension it is cited for
/// (aladom.fr, "La méthode de recrutement par simulation (MRS) : la solution pour les métiers
/// en tension"). Taking logistics (`N11`) and production (`H2`, `H3`) whole is an assumption.
pub const MRS_OCCUPATIONS: [&str; 13] = [
    "N11", "H2", "H3", "G1602", "G1603", "G1803", "K2204", "J1301", "K1302", "K1304", "D1505",
    "D1507", "D1408",
];

/// Share of the people who seek one of [`MRS_OCCUPATIONS`] evaluated in the year at one of
/// France Travail's own MRS sessions (besides the co-organised ones of `crate::actions`). Not
/// published as a share of job seekers; an assumption.
pub const MRS_SHARE: f64 = 0.06;

/// Share of the evaluated whose habiletés are validated: those who pass meet the employer, and
/// `crate::actions` derives [`crate::actions::INTERVIEWED`], three in five of those present,
/// from two published figures (6 hired of 20 candidates at one session, one in two of those
/// who pass hired). The same rate here, so that both agree.
pub const MRS_VALIDATED: f64 = crate::actions::INTERVIEWED;

/// Who records an MRS result: France Travail's platforms that run the method.
pub const MRS_ISSUER: &str = "France Travail — plateforme de vocation (MRS)";

/// The occupations whose work is driving the machines a CACES is for: forklift drivers,
/// order pickers, overhead crane operators, logistics supply, dockers, crane operators,
/// construction machine operators.
pub const CACES_CORE: [&str; 7] = [
    "N1101", "N1103", "N1104", "N1303", "N3203", "F1301", "F1302",
];

/// Share of the people who seek one of [`CACES_CORE`] who obtain a CACES in the year (a
/// training before hiring, or paid by an agency for its temp workers). Not published per job
/// seeker; an assumption.
pub const CACES_CORE_SHARE: f64 = 0.10;

/// Share of the people who seek another occupation whose ROME skills include a CACES (a
/// warehouse agent, a mechanic, a farm worker...) who obtain one in the year (an assumption).
pub const CACES_OTHER_SHARE: f64 = 0.015;

/// Share of CACES taken with a second category of the same family in the same session (an
/// assumption).
pub const CACES_SECOND: f64 = 0.30;

/// Share of CACES recorded by an agence d'emploi of the person's department (the agency that
/// trained or placed them), the others by their France Travail agency (an assumption).
pub const CACES_BY_AGENCY: f64 = 0.60;

/// How long a CACES holds, in years. Not a law: the CACES belongs to the recommendations of
/// the Assurance Maladie – Risques professionnels (the legal duty is the employer's
/// authorisation to drive, which a CACES supports), and each recommendation sets the
/// validity of its certificate: five years for forklifts (R489, which replaced the R389 the
/// ROME still names), cranes, overhead cranes and mobile elevating work platforms.
pub const CACES_YEARS: u32 = 5;

/// Ten years for construction machinery (R482, which replaced the R372 the ROME names).
pub const CACES_CONSTRUCTION_YEARS: u32 = 10;

/// Share of people who have a language level assessed in the year (an assumption).
pub const LANGUAGE_SHARE: f64 = 0.01;

/// The languages assessed (ISO 639-1): English mostly, French as a foreign language for
/// people whose first language it is not, then Spanish, German, Italian (an assumption).
const LANGUAGES: [(&str, f64); 5] = [
    ("en", 0.55),
    ("fr", 0.25),
    ("es", 0.10),
    ("de", 0.05),
    ("it", 0.05),
];

/// The levels found, A1 to C2 (an assumption, centred on B1).
const LEVELS: [(usize, f64); 6] = [
    (0, 0.10),
    (1, 0.20),
    (2, 0.30),
    (3, 0.25),
    (4, 0.12),
    (5, 0.03),
];

/// Share of people who have a skills assessment in the year (an assumption).
pub const ASSESSMENT_SHARE: f64 = 0.015;

/// Of the skills assessments, the share that are an évaluation en milieu de travail (a few
/// days in a company, prescribed by France Travail); the others an évaluation des
/// compétences et des capacités professionnelles (ECCP) by a provider (an assumption).
pub const WORKPLACE_ASSESSMENT: f64 = 0.70;

/// Share of the kinds a person has an evaluation of that they share with the other network:
/// most, since the evaluation is recorded to be shared (not published; an assumption).
pub const SHARED: f64 = 0.85;

/// What an évaluation en milieu de travail found, as an advisor writes it.
const WORKPLACE_RESULTS: [&str; 5] = [
    "Gestes du métier acquis, rythme conforme au poste. Avis favorable de l'entreprise \
     d'accueil.",
    "Consignes de sécurité respectées ; rapidité à consolider. Avis favorable avec une \
     période d'adaptation.",
    "Bonne intégration dans l'équipe ; maîtrise technique encore insuffisante. Une formation \
     courte est conseillée avant un recrutement.",
    "Motivation confirmée, ponctualité exemplaire. L'entreprise d'accueil proposerait une \
     mission d'intérim.",
    "Le poste demande une station debout prolongée difficile pour la personne. Orientation \
     vers un métier proche à étudier.",
];

/// What an ECCP found.
const ECCP_RESULTS: [&str; 4] = [
    "Compétences transférables repérées : organisation, relation client, travail en équipe. \
     Projet professionnel validé.",
    "Savoir-faire techniques confirmés ; français écrit à renforcer pour les documents du \
     poste.",
    "Capacités d'apprentissage solides ; une remise à niveau en calcul est conseillée.",
    "Projet réaliste au regard des capacités évaluées ; une immersion en entreprise est \
     proposée.",
];

/// Who delivers the CACES: a certified testing body, named after its commune.
const CACES_BODIES: [&str; 3] = [
    "Organisme testeur certifié CACES",
    "Centre de formation logistique et manutention",
    "Centre de formation à la conduite d'engins",
];

/// An evaluation to record: of whom, by which structure, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEvaluation {
    pub job_seeker_id: i64,
    /// The structure that records it (and always sees it).
    pub structure_id: i64,
    pub record: EvaluationRecord,
    pub recorded_at: DateTime<Utc>,
}

/// The kinds a person shares (in [`EvaluationKind::ALL`]'s order), recorded at `at` with
/// their consent and disclosures as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSharing {
    pub job_seeker_id: i64,
    pub kinds: Vec<EvaluationKind>,
    pub at: DateTime<Utc>,
}

/// The evaluations in the order they were recorded, then each sharer's kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub evaluations: Vec<PlannedEvaluation>,
    pub sharing: Vec<PlannedSharing>,
}

impl Plan {
    /// How many evaluations of a kind.
    pub fn count(&self, kind: EvaluationKind) -> usize {
        self.evaluations
            .iter()
            .filter(|e| e.record.kind == kind)
            .count()
    }
}

/// Whether MRS is one of the ways France Travail recruits for an occupation.
pub fn uses_mrs(rome: &str) -> bool {
    MRS_OCCUPATIONS.iter().any(|p| rome.starts_with(p))
}

/// Whether a ROME skill's label names a CACES category: one of the R 3xx recommendations (the
/// scaffolding ones, R 408 and R 457, and the furniture lift's attestation give no CACES,
/// though the ROME writes "CACES" beside them).
pub fn is_caces_category(label: &str) -> bool {
    label.contains("(CACES R 3")
}

/// The CACES categories of an occupation (OGR codes of its ROME skills), in the ROME's order.
pub fn caces_skills(rome: &str) -> Vec<&'static str> {
    refdata::rome()
        .occupation(rome)
        .map(|o| {
            o.skills
                .iter()
                .filter(|s| is_caces_category(s.label))
                .map(|s| s.ogr)
                .collect()
        })
        .unwrap_or_default()
}

/// How many years a CACES category holds ([`CACES_YEARS`], [`CACES_CONSTRUCTION_YEARS`]).
pub fn caces_years(label: &str) -> u32 {
    if label.contains("R 372") {
        CACES_CONSTRUCTION_YEARS
    } else {
        CACES_YEARS
    }
}

/// `day` at `hour` UTC plus `minutes`.
fn at(day: NaiveDate, hour: u32, minutes: i64) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN))
        .and_utc()
        + Duration::minutes(minutes)
}

/// The weekday on or before `day`.
fn weekday_before(day: NaiveDate) -> NaiveDate {
    let mut day = day;
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= days(1);
    }
    day
}

/// A day of the year before `today` the person was registered on, a weekday; none if they
/// registered today.
fn day_in_year(rng: &mut StdRng, person: &Candidate, today: NaiveDate) -> Option<NaiveDate> {
    let first = (today - days(364)).max(person.registered_on);
    let span = (today - first).num_days();
    if span < 0 {
        return None;
    }
    let day = weekday_before(first + days(rng.random_range(0..=span)));
    Some(day.max(first))
}

/// When an evaluation of `on` is recorded: that day or a weekday within the week, during
/// office hours, never after `now`.
fn recorded(rng: &mut StdRng, on: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let day = weekday_before(on + days(rng.random_range(0..=7))).max(on);
    at(day, 7, rng.random_range(0..9 * 60)).min(now)
}

/// The name of a commune, or its code.
fn commune_name(code: &str) -> String {
    refdata::geo()
        .commune(code)
        .map_or_else(|| code.to_string(), |c| c.name.to_string())
}

/// A line of at most the longest a subject may be.
fn line(text: String) -> String {
    if text.chars().count() <= model::text::LINE_CHARS {
        text
    } else {
        text.chars().take(model::text::LINE_CHARS).collect()
    }
}

/// The MRS results of those present at the co-organised MRS sessions whose attendance is
/// closed: validated when they went on to the interview.
fn from_sessions(
    actions: &[PastAction],
    people: &HashMap<i64, &Candidate>,
    out: &mut Vec<PlannedEvaluation>,
) {
    for past in actions {
        if past.action.kind != ActionKind::Mrs || past.state != ActionState::Closed {
            continue;
        }
        let Some(closed) = past.attendance_closed_at else {
            continue;
        };
        let on = past.action.gathering.starts_at.date_naive();
        for invitation in &past.invitations {
            if !matches!(invitation.seat, Some((_, true, Some(Attendance::Present)))) {
                continue;
            }
            let id = invitation.invitation.job_seeker_id;
            let Some(person) = people.get(&id) else {
                continue;
            };
            // The occupation tested: one of the session's the person seeks, else its first.
            let Some(rome) = past
                .action
                .romes
                .iter()
                .find(|r| person.romes.iter().any(|p| p == r.as_str()))
                .or_else(|| past.action.romes.first())
            else {
                continue;
            };
            let passed = past
                .outcomes
                .iter()
                .any(|(o, _)| o.job_seeker_id == id && o.kind == OutcomeKind::Interview);
            out.push(PlannedEvaluation {
                job_seeker_id: id,
                structure_id: person.agency,
                record: EvaluationRecord {
                    kind: EvaluationKind::Mrs,
                    subject: rome.as_str().to_string(),
                    result: if passed { "validated" } else { "not_validated" }.to_string(),
                    evaluated_on: on,
                    valid_until: None,
                    issuer: MRS_ISSUER.to_string(),
                },
                recorded_at: closed,
            });
        }
    }
}

/// What the plan draws from besides the people: the structures and the CACES categories.
struct Places<'a> {
    organisers: HashMap<i64, &'a Organiser>,
    agencies: HashMap<&'a str, Vec<&'a Organiser>>,
    caces: HashMap<&'a str, Vec<&'static str>>,
    now: DateTime<Utc>,
}

/// An MRS at one of France Travail's own sessions, for someone who seeks an occupation it is
/// used for.
fn own_mrs(rng: &mut StdRng, person: &Candidate, places: &Places<'_>) -> Option<PlannedEvaluation> {
    let romes: Vec<&String> = person.romes.iter().filter(|r| uses_mrs(r)).collect();
    if romes.is_empty() || !rng.random_bool(MRS_SHARE) {
        return None;
    }
    let rome = pick(rng, &romes)?;
    let on = day_in_year(rng, person, places.now.date_naive())?;
    let validated = rng.random_bool(MRS_VALIDATED);
    Some(PlannedEvaluation {
        job_seeker_id: person.id,
        structure_id: person.agency,
        record: EvaluationRecord {
            kind: EvaluationKind::Mrs,
            subject: rome.to_string(),
            result: if validated {
                "validated"
            } else {
                "not_validated"
            }
            .to_string(),
            evaluated_on: on,
            valid_until: None,
            issuer: MRS_ISSUER.to_string(),
        },
        recorded_at: recorded(rng, on, places.now),
    })
}

/// One or two CACES categories of an occupation the person seeks, obtained the same day.
fn caces(rng: &mut StdRng, person: &Candidate, places: &Places<'_>) -> Vec<PlannedEvaluation> {
    let with: Vec<&str> = person
        .romes
        .iter()
        .map(String::as_str)
        .filter(|r| places.caces.get(r).is_some_and(|c| !c.is_empty()))
        .collect();
    let core: Vec<&str> = with
        .iter()
        .copied()
        .filter(|r| CACES_CORE.contains(r))
        .collect();
    let (romes, share) = if core.is_empty() {
        (with, CACES_OTHER_SHARE)
    } else {
        (core, CACES_CORE_SHARE)
    };
    if romes.is_empty() || !rng.random_bool(share) {
        return Vec::new();
    }
    let Some(categories) = pick(rng, &romes).and_then(|r| places.caces.get(r)) else {
        return Vec::new();
    };
    let Some(first) = pick(rng, categories).copied() else {
        return Vec::new();
    };
    let mut chosen = vec![first];
    if rng.random_bool(CACES_SECOND)
        && let Some(second) = pick(rng, categories).copied()
        && second != first
    {
        chosen.push(second);
    }
    let Some(on) = day_in_year(rng, person, places.now.date_naive()) else {
        return Vec::new();
    };
    let local = places
        .agencies
        .get(person.department.as_str())
        .map_or(&[][..], Vec::as_slice);
    let recorder = if rng.random_bool(CACES_BY_AGENCY) {
        pick(rng, local).copied()
    } else {
        None
    }
    .or_else(|| places.organisers.get(&person.agency).copied());
    let Some(recorder) = recorder else {
        return Vec::new();
    };
    let body = pick(rng, &CACES_BODIES)
        .copied()
        .unwrap_or("Organisme testeur certifié CACES");
    let issuer = line(format!("{body} — {}", commune_name(&recorder.commune)));
    let recorded_at = recorded(rng, on, places.now);
    chosen
        .into_iter()
        .map(|ogr| {
            let years = refdata::rome()
                .skill(ogr)
                .map_or(CACES_YEARS, |s| caces_years(s.label));
            let valid_until = on
                .checked_add_months(Months::new(12 * years))
                .map(|d| d - days(1));
            PlannedEvaluation {
                job_seeker_id: person.id,
                structure_id: recorder.id,
                record: EvaluationRecord {
                    kind: EvaluationKind::Caces,
                    subject: ogr.to_string(),
                    result: "obtained".to_string(),
                    evaluated_on: on,
                    valid_until,
                    issuer: issuer.clone(),
                },
                recorded_at,
            }
        })
        .collect()
}

/// A language level, recorded by France Travail.
fn language(
    rng: &mut StdRng,
    person: &Candidate,
    places: &Places<'_>,
) -> Option<PlannedEvaluation> {
    if !rng.random_bool(LANGUAGE_SHARE) {
        return None;
    }
    let code = draw(rng, &LANGUAGES)?;
    let level = draw(rng, &LEVELS).and_then(|i| CEFR_LEVELS.get(i))?.0;
    let on = day_in_year(rng, person, places.now.date_naive())?;
    let issuer = if code == "fr" {
        "Organisme de formation linguistique — test de français (TCF)"
    } else {
        "Centre de langues — test de positionnement"
    };
    Some(PlannedEvaluation {
        job_seeker_id: person.id,
        structure_id: person.agency,
        record: EvaluationRecord {
            kind: EvaluationKind::Language,
            subject: code.to_string(),
            result: level.to_string(),
            evaluated_on: on,
            valid_until: None,
            issuer: issuer.to_string(),
        },
        recorded_at: recorded(rng, on, places.now),
    })
}

/// A skills assessment for one of the occupations the person seeks, recorded by France
/// Travail, its result in the advisor's words.
fn assessment(
    rng: &mut StdRng,
    person: &Candidate,
    places: &Places<'_>,
) -> Option<PlannedEvaluation> {
    if !rng.random_bool(ASSESSMENT_SHARE) {
        return None;
    }
    let occupation = pick(rng, &person.romes)
        .and_then(|r| refdata::rome().occupation(r))
        .map(|o| o.label);
    let workplace = rng.random_bool(WORKPLACE_ASSESSMENT);
    let (what, results, issuer) = if workplace {
        (
            "Évaluation en milieu de travail (EMT)",
            &WORKPLACE_RESULTS[..],
            "Entreprise d'accueil — EMT prescrite par France Travail",
        )
    } else {
        (
            "Évaluation des compétences et des capacités professionnelles (ECCP)",
            &ECCP_RESULTS[..],
            "Organisme prestataire de France Travail (ECCP)",
        )
    };
    let subject = match occupation {
        Some(label) => format!("{what} — {label}"),
        None => what.to_string(),
    };
    let result = pick(rng, results)?;
    let on = day_in_year(rng, person, places.now.date_naive())?;
    Some(PlannedEvaluation {
        job_seeker_id: person.id,
        structure_id: person.agency,
        record: EvaluationRecord {
            kind: EvaluationKind::SkillsAssessment,
            subject: line(subject),
            result: result.to_string(),
            evaluated_on: on,
            valid_until: None,
            issuer: issuer.to_string(),
        },
        recorded_at: recorded(rng, on, places.now),
    })
}

/// The plan: the year's evaluations of the people of `inputs`, those of the co-organised MRS
/// sessions among `actions` (`crate::actions::plan` of the same inputs) first, and the kinds
/// each person shares.
pub fn plan(inputs: &Inputs<'_>, actions: &[PastAction]) -> Plan {
    let mut rng = StdRng::seed_from_u64(inputs.seed ^ 0x0E7A_1CA7);
    let mut places = Places {
        organisers: inputs.organisers.iter().map(|o| (o.id, o)).collect(),
        agencies: HashMap::new(),
        caces: HashMap::new(),
        now: inputs.now,
    };
    for o in inputs.organisers.iter().filter(|o| !o.france_travail) {
        places
            .agencies
            .entry(o.department.as_str())
            .or_default()
            .push(o);
    }
    for rome in inputs.candidates.iter().flat_map(|c| &c.romes) {
        places
            .caces
            .entry(rome.as_str())
            .or_insert_with(|| caces_skills(rome));
    }
    let people: HashMap<i64, &Candidate> = inputs.candidates.iter().map(|c| (c.id, c)).collect();

    let mut evaluations = Vec::new();
    from_sessions(actions, &people, &mut evaluations);
    for person in inputs.candidates {
        evaluations.extend(own_mrs(&mut rng, person, &places));
        evaluations.extend(caces(&mut rng, person, &places));
        evaluations.extend(language(&mut rng, person, &places));
        evaluations.extend(assessment(&mut rng, person, &places));
    }
    evaluations.sort_by_key(|e| (e.recorded_at, e.job_seeker_id));

    // Each person's kinds, and when their last evaluation was recorded.
    let mut held: HashMap<i64, (BTreeSet<usize>, DateTime<Utc>)> = HashMap::new();
    for e in &evaluations {
        let kind = EvaluationKind::ALL
            .iter()
            .position(|k| *k == e.record.kind)
            .unwrap_or(0);
        let entry = held
            .entry(e.job_seeker_id)
            .or_insert((BTreeSet::new(), e.recorded_at));
        entry.0.insert(kind);
        entry.1 = entry.1.max(e.recorded_at);
    }
    let mut sharing = Vec::new();
    for person in inputs.candidates {
        let Some((kinds, last)) = held.get(&person.id) else {
            continue;
        };
        let kinds: Vec<EvaluationKind> = kinds
            .iter()
            .filter(|_| rng.random_bool(SHARED))
            .filter_map(|i| EvaluationKind::ALL.get(*i).copied())
            .collect();
        if kinds.is_empty() {
            continue;
        }
        // Agreed when the last one was recorded, and never before the consent itself.
        let at = ((*last).max(person.consent.given_at)
            + Duration::minutes(rng.random_range(1..=20)))
        .min(inputs.now);
        sharing.push(PlannedSharing {
            job_seeker_id: person.id,
            kinds,
            at,
        });
    }
    sharing.sort_by_key(|s| (s.at, s.job_seeker_id));
    Plan {
        evaluations,
        sharing,
    }
}

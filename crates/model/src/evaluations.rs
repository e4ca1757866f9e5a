//! Shared evaluations (issue 21, point 2): what an advisor or an agency found out about a
//! person (a recruitment-by-simulation result, a CACES, a language level, a skills
//! assessment), recorded once and shared with the other network instead of being repeated —
//! and shared only for the kinds the person agreed to share ([`crate::ConsentChange`]'s
//! `shared_evaluations`).
//!
//! The kinds are data ([`KINDS`]): what the subject and the result are for each, and whether
//! the evaluation proves a skill an offer may ask for (a CACES proves the ROME skill that
//! names it: "Chariots élévateurs en porte-à-faux ... (CACES R 389-3)", OGR 123698).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::text::{LINE_CHARS, NOTE_CHARS, date_problem, line_problem, paragraph_problem};

text_enum!(
    /// What was evaluated.
    EvaluationKind {
        /// Méthode de recrutement par simulation (MRS): the habiletés a job needs, tested by
        /// France Travail in exercises that simulate it.
        Mrs = "mrs",
        /// A CACES (certificat d'aptitude à la conduite en sécurité) of one category.
        Caces = "caces",
        /// A language level on the CEFR scale.
        Language = "language",
        /// A skills assessment (évaluation en milieu de travail, bilan de compétences...).
        SkillsAssessment = "skills_assessment",
    }
);

/// What a kind's subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The ROME occupation the simulation tested for.
    Occupation,
    /// The OGR code of the ROME skill that names the certificate (a CACES skill).
    CertificateSkill,
    /// An ISO 639-1 language code.
    Language,
    /// A short free label (what was assessed).
    Label,
}

/// What a kind's result may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultRule {
    /// One of the listed codes.
    OneOf(&'static [(&'static str, &'static str)]),
    /// A short free text.
    Text,
}

/// One kind of evaluation, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: EvaluationKind,
    /// Its name in the pages.
    pub label: &'static str,
    /// What the subject field is called in the pages.
    pub subject_label: &'static str,
    pub subject: Subject,
    pub result: ResultRule,
    /// Whether a valid evaluation of this kind proves the skill its subject names, for the
    /// engine's scoring.
    pub proves_skill: bool,
}

/// The MRS's two results.
pub const MRS_RESULTS: &[(&str, &str)] = &[
    ("validated", "Habiletés validées"),
    ("not_validated", "Habiletés non validées"),
];
/// A CACES is recorded once obtained.
pub const CACES_RESULTS: &[(&str, &str)] = &[("obtained", "Obtenu")];
/// The CEFR levels.
pub const CEFR_LEVELS: &[(&str, &str)] = &[
    ("A1", "A1 (découverte)"),
    ("A2", "A2 (survie)"),
    ("B1", "B1 (seuil)"),
    ("B2", "B2 (avancé)"),
    ("C1", "C1 (autonome)"),
    ("C2", "C2 (maîtrise)"),
];

/// The languages a level may be recorded in (ISO 639-1 code, French name): those the region's
/// job seekers and employers most often deal in, French first.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("fr", "français"),
    ("en", "anglais"),
    ("es", "espagnol"),
    ("de", "allemand"),
    ("it", "italien"),
    ("pt", "portugais"),
    ("ar", "arabe"),
    ("zh", "chinois"),
    ("ru", "russe"),
    ("uk", "ukrainien"),
    ("tr", "turc"),
    ("ro", "roumain"),
    ("pl", "polonais"),
    ("nl", "néerlandais"),
    ("el", "grec"),
    ("bg", "bulgare"),
    ("sq", "albanais"),
    ("sr", "serbe"),
    ("hr", "croate"),
    ("hy", "arménien"),
    ("ka", "géorgien"),
    ("he", "hébreu"),
    ("fa", "persan"),
    ("ps", "pachto"),
    ("ku", "kurde"),
    ("ur", "ourdou"),
    ("hi", "hindi"),
    ("bn", "bengali"),
    ("ta", "tamoul"),
    ("vi", "vietnamien"),
    ("ja", "japonais"),
    ("ko", "coréen"),
    ("sw", "swahili"),
    ("wo", "wolof"),
    ("bm", "bambara"),
    ("ln", "lingala"),
    ("ff", "peul"),
    ("so", "somali"),
    ("ti", "tigrigna"),
    ("am", "amharique"),
];

/// The French name of a language of [`LANGUAGES`].
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// The kinds of evaluation, in the order the pages list them.
pub const KINDS: [KindSpec; 4] = [
    KindSpec {
        kind: EvaluationKind::Mrs,
        label: "Méthode de recrutement par simulation (MRS)",
        subject_label: "Métier évalué (code ROME)",
        subject: Subject::Occupation,
        result: ResultRule::OneOf(MRS_RESULTS),
        proves_skill: false,
    },
    KindSpec {
        kind: EvaluationKind::Caces,
        label: "CACES",
        subject_label: "Catégorie (compétence ROME)",
        subject: Subject::CertificateSkill,
        result: ResultRule::OneOf(CACES_RESULTS),
        proves_skill: true,
    },
    KindSpec {
        kind: EvaluationKind::Language,
        label: "Niveau de langue",
        subject_label: "Langue (code ISO 639-1)",
        subject: Subject::Language,
        result: ResultRule::OneOf(CEFR_LEVELS),
        proves_skill: false,
    },
    KindSpec {
        kind: EvaluationKind::SkillsAssessment,
        label: "Évaluation des compétences",
        subject_label: "Ce qui a été évalué",
        subject: Subject::Label,
        result: ResultRule::Text,
        proves_skill: false,
    },
];

impl EvaluationKind {
    /// The kind's row of [`KINDS`].
    pub fn spec(self) -> &'static KindSpec {
        match self {
            EvaluationKind::Mrs => &KINDS[0],
            EvaluationKind::Caces => &KINDS[1],
            EvaluationKind::Language => &KINDS[2],
            EvaluationKind::SkillsAssessment => &KINDS[3],
        }
    }

    pub fn label(self) -> &'static str {
        self.spec().label
    }
}

/// The longest free result (a skills assessment's summary).
pub const RESULT_CHARS: usize = NOTE_CHARS;

/// An evaluation as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationRecord {
    pub kind: EvaluationKind,
    /// See [`KindSpec::subject`].
    pub subject: String,
    /// See [`KindSpec::result`].
    pub result: String,
    /// When the person was evaluated.
    pub evaluated_on: NaiveDate,
    /// Until when the result holds, if it expires (a CACES is valid five or ten years).
    pub valid_until: Option<NaiveDate>,
    /// Who evaluated (a test centre, France Travail's MRS platform, a training body).
    pub issuer: String,
}

/// A field of an evaluation that cannot be recorded, and why (in English, for the API; the
/// pages say it in French from the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationProblem {
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for EvaluationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

fn problem(field: &'static str, reason: impl Into<String>) -> EvaluationProblem {
    EvaluationProblem {
        field,
        reason: reason.into(),
    }
}

impl EvaluationRecord {
    /// The record with its text trimmed, or the first field that is wrong. `is_certificate`
    /// says whether an OGR code is one of the referential's certificate skills (a CACES);
    /// `is_rome` whether a code is a ROME occupation; `today` bounds the evaluation's date.
    pub fn checked(
        mut self,
        is_certificate: impl Fn(&str) -> bool,
        is_rome: impl Fn(&str) -> bool,
        today: NaiveDate,
    ) -> Result<Self, EvaluationProblem> {
        let spec = self.kind.spec();
        self.subject = self.subject.trim().to_string();
        self.result = self.result.trim().to_string();
        self.issuer = self.issuer.trim().to_string();
        if self.subject.is_empty() {
            return Err(problem("subject", "required"));
        }
        match spec.subject {
            Subject::Occupation => {
                self.subject = self.subject.to_uppercase();
                if !is_rome(&self.subject) {
                    return Err(problem(
                        "subject",
                        "not a ROME occupation code (like N1103)",
                    ));
                }
            }
            Subject::CertificateSkill => {
                if !is_certificate(&self.subject) {
                    return Err(problem(
                        "subject",
                        "not the OGR code of a CACES skill of the ROME (like 123698)",
                    ));
                }
            }
            Subject::Language => {
                self.subject = self.subject.to_lowercase();
                if language_name(&self.subject).is_none() {
                    return Err(problem(
                        "subject",
                        "not the ISO 639-1 code of a language of the list (like en)",
                    ));
                }
            }
            Subject::Label => {
                if let Some(reason) = line_problem(&self.subject, LINE_CHARS) {
                    return Err(problem("subject", reason));
                }
            }
        }
        match spec.result {
            ResultRule::OneOf(codes) => {
                if !codes.iter().any(|(code, _)| *code == self.result) {
                    let allowed: Vec<&str> = codes.iter().map(|(code, _)| *code).collect();
                    return Err(problem(
                        "result",
                        format!("must be one of {}", allowed.join(", ")),
                    ));
                }
            }
            ResultRule::Text => {
                if self.result.is_empty() {
                    return Err(problem("result", "required"));
                }
                if let Some(reason) = paragraph_problem(&self.result, RESULT_CHARS) {
                    return Err(problem("result", reason));
                }
            }
        }
        if self.issuer.is_empty() {
            return Err(problem("issuer", "required"));
        }
        if let Some(reason) = line_problem(&self.issuer, LINE_CHARS) {
            return Err(problem("issuer", reason));
        }
        if let Some(reason) = date_problem(self.evaluated_on) {
            return Err(problem("evaluated_on", reason));
        }
        if self.evaluated_on > today {
            return Err(problem("evaluated_on", "in the future"));
        }
        if let Some(until) = self.valid_until {
            if let Some(reason) = date_problem(until) {
                return Err(problem("valid_until", reason));
            }
            if until < self.evaluated_on {
                return Err(problem("valid_until", "before the evaluation's date"));
            }
        }
        Ok(self)
    }

    /// The result as the pages say it.
    pub fn result_label(&self) -> &str {
        match self.kind.spec().result {
            ResultRule::OneOf(codes) => codes
                .iter()
                .find(|(code, _)| *code == self.result)
                .map_or(self.result.as_str(), |(_, label)| label),
            ResultRule::Text => &self.result,
        }
    }

    /// Whether it still holds on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_until.is_none_or(|until| until >= day)
    }

    /// The skill it proves (an OGR code), if its kind proves one and it was obtained.
    pub fn proven_skill(&self) -> Option<&str> {
        (self.kind.spec().proves_skill && self.result == "obtained")
            .then_some(self.subject.as_str())
    }
}

/// An evaluation of a person, recorded by a structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub id: i64,
    pub job_seeker_id: i64,
    #[serde(flatten)]
    pub record: EvaluationRecord,
    /// The structure that recorded it, which always sees it.
    pub structure_id: i64,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

impl Evaluation {
    /// Whether a member of `structure` may see it, the person sharing `shared` kinds: the
    /// structure that recorded it always, any other only for a kind the person shares.
    pub fn visible_to(&self, structure: i64, shared: &[EvaluationKind]) -> bool {
        self.structure_id == structure || shared.contains(&self.record.kind)
    }
}

/// A skill proven until a day (or for good), as the engine reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenSkill {
    /// OGR code of the ROME skill.
    pub skill: String,
    pub until: Option<NaiveDate>,
}

/// Whether an offer's skill (its label as France Travail writes it) is a certificate an
/// evaluation proves rather than a know-how one declares: the ROME names each CACES
/// category in its skill's label ("... (CACES R 389-3)").
pub fn is_certificate_label(label: &str) -> bool {
    label.contains("CACES")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn caces() -> EvaluationRecord {
        EvaluationRecord {
            kind: EvaluationKind::Caces,
            subject: " 123698 ".into(),
            result: "obtained".into(),
            evaluated_on: day("2026-03-02"),
            valid_until: Some(day("2031-03-01")),
            issuer: "AFPA Lyon".into(),
        }
    }

    fn check(record: EvaluationRecord) -> Result<EvaluationRecord, EvaluationProblem> {
        record.checked(|c| c == "123698", |c| c == "N1103", day("2026-12-01"))
    }

    #[test]
    fn a_caces_is_checked_against_the_certificate_skills() {
        let record = check(caces()).unwrap();
        assert_eq!(record.subject, "123698");
        assert_eq!(record.proven_skill(), Some("123698"));
        assert!(record.valid_on(day("2031-03-01")));
        assert!(!record.valid_on(day("2031-03-02")));
        let wrong = check(EvaluationRecord {
            subject: "100007".into(),
            ..caces()
        });
        assert_eq!(wrong.unwrap_err().field, "subject");
    }

    #[test]
    fn each_field_names_its_problem() {
        let field = |record| check(record).unwrap_err().field;
        assert_eq!(
            field(EvaluationRecord {
                result: "passed".into(),
                ..caces()
            }),
            "result"
        );
        assert_eq!(
            field(EvaluationRecord {
                issuer: "  ".into(),
                ..caces()
            }),
            "issuer"
        );
        assert_eq!(
            field(EvaluationRecord {
                evaluated_on: day("2026-12-02"),
                ..caces()
            }),
            "evaluated_on"
        );
        assert_eq!(
            field(EvaluationRecord {
                valid_until: Some(day("2026-03-01")),
                ..caces()
            }),
            "valid_until"
        );
        assert_eq!(
            field(EvaluationRecord {
                kind: EvaluationKind::Language,
                subject: "english".into(),
                result: "B2".into(),
                ..caces()
            }),
            "subject"
        );
        assert_eq!(
            field(EvaluationRecord {
                kind: EvaluationKind::Language,
                subject: "xx".into(),
                result: "B2".into(),
                ..caces()
            }),
            "subject"
        );
        assert_eq!(
            field(EvaluationRecord {
                kind: EvaluationKind::Mrs,
                subject: "n9999".into(),
                result: "validated".into(),
                ..caces()
            }),
            "subject"
        );
    }

    #[test]
    fn only_an_obtained_caces_proves_a_skill() {
        let mrs = check(EvaluationRecord {
            kind: EvaluationKind::Mrs,
            subject: "n1103".into(),
            result: "validated".into(),
            ..caces()
        })
        .unwrap();
        assert_eq!(mrs.subject, "N1103");
        assert_eq!(mrs.proven_skill(), None);
        assert_eq!(mrs.result_label(), "Habiletés validées");
    }

    #[test]
    fn another_structure_sees_only_the_kinds_shared() {
        let evaluation = Evaluation {
            id: 1,
            job_seeker_id: 2,
            record: caces(),
            structure_id: 10,
            recorded_by: None,
            recorded_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        assert!(evaluation.visible_to(10, &[]));
        assert!(!evaluation.visible_to(11, &[EvaluationKind::Mrs]));
        assert!(evaluation.visible_to(11, &[EvaluationKind::Caces]));
    }

    #[test]
    fn kinds_are_listed_in_their_own_order() {
        for kind in EvaluationKind::ALL {
            assert_eq!(kind.spec().kind, *kind);
        }
        assert!(is_certificate_label(
            "Chariots élévateurs en porte-à-faux de capacité inférieure ou égale à 6000 kg (CACES R 389-3)"
        ));
        assert!(!is_certificate_label("Conduite de chariot"));
    }
}

//! Shared evaluations (issue 21, point 2; `model::evaluations`): an advisor or an agency
//! records what it found out about a person (a recruitment-by-simulation result, a CACES, a
//! language level, a skills assessment) so that the other network need not repeat it. Each
//! structure sees the evaluations it recorded, and another's only for the kinds the person
//! agreed to share (their consent); an agency reaches the person only once revealed to it
//! (`access::REVEALS`). A CACES the person shares counts in the engine's scoring where an
//! offer asks for it (`engine::profile`). The French words of the pages are here.

pub mod api;
pub mod pages;

use model::evaluations::{Evaluation, EvaluationKind, EvaluationRecord};

use crate::access::Principal;

/// Whether an OGR code is one of the ROME's certificate skills (a CACES category).
pub fn is_certificate_skill(ogr: &str) -> bool {
    refdata::rome()
        .skill(ogr)
        .is_some_and(|skill| model::evaluations::is_certificate_label(skill.label))
}

/// Whether a code is a ROME occupation.
pub fn is_rome(code: &str) -> bool {
    refdata::rome().occupation(code).is_some()
}

/// Checks a record as the pages and the API receive it.
pub fn checked(
    record: EvaluationRecord,
    today: chrono::NaiveDate,
) -> Result<EvaluationRecord, model::evaluations::EvaluationProblem> {
    record.checked(is_certificate_skill, is_rome, today)
}

/// The evaluations of a person this user may see: those recorded by one of their structures,
/// and the others' of the kinds the person shares.
pub fn visible(
    principal: &Principal,
    evaluations: Vec<Evaluation>,
    shared: &[EvaluationKind],
) -> Vec<Evaluation> {
    evaluations
        .into_iter()
        .filter(|e| {
            principal
                .seats
                .iter()
                .any(|seat| e.visible_to(seat.structure_id, shared))
        })
        .collect()
}

/// Every certificate skill of the ROME (its CACES categories), by label: what a CACES's
/// subject may be.
pub fn certificate_skills() -> Vec<(&'static str, &'static str)> {
    let mut skills: Vec<(&'static str, &'static str)> = refdata::rome()
        .skills()
        .filter(|s| model::evaluations::is_certificate_label(s.label))
        .map(|s| (s.ogr, s.label))
        .collect();
    skills.sort_by(|a, b| a.1.cmp(b.1));
    skills
}

/// The French name of a field of an evaluation, for the pages' messages.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "kind" => "Type d'évaluation",
        "subject" => "Objet",
        "result" => "Résultat",
        "evaluated_on" => "Date de l'évaluation",
        "valid_until" => "Valable jusqu'au",
        "issuer" => "Organisme évaluateur",
        _ => "Évaluation",
    }
}

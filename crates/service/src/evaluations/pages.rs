//! A person's evaluations as a page (`/demandeurs/{id}/evaluations`): those the reader may
//! see (their structure's, and the others' of the kinds the person shares), the form that
//! records one for the reader's structure, and the button that deletes one of its own. It
//! calls the API's functions, so that the page reads and writes exactly what the API allows.

use std::collections::HashMap;

use chrono::NaiveDate;
use model::evaluations::{EvaluationKind, KINDS, ResultRule};

use super::api::{self as evaluations_api, SharedEvaluationInput, SharedEvaluationView};
use super::field_label;
use crate::access::Reach;
use crate::json::{PageForm, PagePath};
use crate::pages::forms::{set_error, trimmed};
use crate::pages::*;

/// An evaluation as a row of the page's table.
pub struct EvaluationRow {
    pub id: i64,
    pub kind: &'static str,
    pub subject: String,
    pub result: String,
    pub evaluated_on: String,
    /// "" when it does not expire.
    pub valid_until: String,
    pub valid: bool,
    pub issuer: String,
    /// "Votre structure", or the name of the structure that recorded it.
    pub recorded_by: String,
    pub own: bool,
}

/// The subject in words: the label with its code, or the code alone.
pub fn subject_words(subject: &str, label: Option<&str>) -> String {
    match label {
        Some(label) => format!("{label} ({subject})"),
        None => subject.to_string(),
    }
}

/// The name of a structure, for the rows recorded by another one.
async fn structure_name(state: &AppState, id: i64) -> Result<String, PageError> {
    Ok(state
        .store
        .structure(id)
        .await?
        .map_or_else(|| "Une autre structure".to_string(), |s| s.record.name))
}

async fn rows(
    state: &AppState,
    views: Vec<SharedEvaluationView>,
) -> Result<Vec<EvaluationRow>, PageError> {
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut rows = Vec::with_capacity(views.len());
    for view in views {
        let recorded_by = if view.own {
            "Votre structure".to_string()
        } else if let Some(name) = names.get(&view.structure_id) {
            name.clone()
        } else {
            let name = structure_name(state, view.structure_id).await?;
            names.insert(view.structure_id, name.clone());
            name
        };
        rows.push(EvaluationRow {
            id: view.id,
            kind: view.kind_label,
            subject: subject_words(&view.subject, view.subject_label.as_deref()),
            result: view.result_label,
            evaluated_on: fr_date(view.evaluated_on),
            valid_until: view.valid_until.map(fr_date).unwrap_or_default(),
            valid: view.valid,
            issuer: view.issuer,
            recorded_by,
            own: view.own,
        });
    }
    Ok(rows)
}

/// The coded results of one kind, for the grouped list of the form.
pub struct ResultGroup {
    pub label: &'static str,
    pub results: Vec<(&'static str, &'static str)>,
}

/// The form that records an evaluation, as typed (and, after a refusal, why not).
pub struct RecordForm {
    /// Every field but the coded result, in the form's order: `kind`, `subject`,
    /// `subject_caces`, then (after the result list) `result_text`, `evaluated_on`,
    /// `valid_until`, `issuer`.
    pub before: Vec<Field>,
    pub after: Vec<Field>,
    /// The coded result chosen, its groups, and why it is wrong.
    pub result: String,
    pub groups: Vec<ResultGroup>,
    pub result_error: Option<String>,
}

fn record_fields(form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut kinds: Vec<(&str, &str)> = vec![("", "Choisir un type")];
    kinds.extend(KINDS.iter().map(|k| (k.kind.as_str(), k.label)));
    let mut caces: Vec<(&str, &str)> = vec![("", "Pas un CACES")];
    caces.extend(super::certificate_skills());
    let mut kind = Field::text("kind", field_label("kind"), "")
        .options(&kinds)
        .required();
    kind.value = v("kind");
    let mut caces_field = Field::text("subject_caces", "Catégorie de CACES", "")
        .options(&caces)
        .hint("Pour un CACES seulement : la catégorie obtenue, telle que la fiche ROME la nomme.");
    caces_field.value = v("subject_caces");
    vec![
        kind,
        Field::text("subject", field_label("subject"), &v("subject")).hint(
            "MRS : le code ROME du métier évalué (N1103) ; niveau de langue : le code de la \
             langue en deux lettres (en, es, ar…) ; évaluation des compétences : ce qui a été \
             évalué. Pour un CACES, choisissez plutôt la catégorie ci-dessous.",
        ),
        caces_field,
        Field::text(
            "result_text",
            "Résultat d'une évaluation des compétences",
            &v("result_text"),
        )
        .kind("textarea")
        .hint("Pour une évaluation des compétences seulement : ce qu'elle a montré, en quelques lignes."),
        Field::text("evaluated_on", field_label("evaluated_on"), &v("evaluated_on"))
            .kind("date")
            .required(),
        Field::text("valid_until", field_label("valid_until"), &v("valid_until"))
            .kind("date")
            .hint("Facultatif : un CACES est valable cinq ou dix ans selon la catégorie."),
        Field::text("issuer", field_label("issuer"), &v("issuer"))
            .required()
            .hint("Qui a évalué : centre de test, plateforme MRS de France Travail, organisme de formation…"),
    ]
}

fn record_form(
    form: &HashMap<String, String>,
    mut fields: Vec<Field>,
    result_error: Option<String>,
) -> RecordForm {
    let after = fields.split_off(3.min(fields.len()));
    RecordForm {
        before: fields,
        after,
        result: form.get("result").cloned().unwrap_or_default(),
        groups: KINDS
            .iter()
            .filter_map(|k| match k.result {
                ResultRule::OneOf(codes) => Some(ResultGroup {
                    label: k.label,
                    results: codes.to_vec(),
                }),
                ResultRule::Text => None,
            })
            .collect(),
        result_error,
    }
}

/// What the form's fields hold wrong, as the summary lists them: (field id, "Champ : why").
type Problems = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "evaluations/evaluations.html")]
struct EvaluationsPage {
    chrome: Chrome,
    seeker_id: i64,
    seeker: String,
    /// The reader follows the person (their advisor): the crumbs go through their list.
    follows: bool,
    rows: Vec<EvaluationRow>,
    /// For those who may record an evaluation.
    form: Option<RecordForm>,
    errors: Problems,
}

/// The message shown after an action (`?fait=...`).
fn evaluations_done(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "enregistree" => {
            "L'évaluation est enregistrée : votre structure la voit toujours ; les autres \
             structures qui suivent la personne la voient si elle partage ce type d'évaluation."
        }
        "supprimee" => "L'évaluation est supprimée.",
        _ => return None,
    };
    Some(text.to_string())
}

/// What the page shows besides its form: the page itself, its form as typed.
struct Shown<'a> {
    form: &'a HashMap<String, String>,
    fields: Vec<Field>,
    result_error: Option<String>,
    errors: Problems,
    notice: Option<String>,
}

async fn evaluations_page(
    state: &AppState,
    principal: &Principal,
    id: i64,
    shown: Shown<'_>,
) -> PageResult {
    // The API's read first: it checks access (and audits a refusal) before anything is shown.
    let views = evaluations_api::read_evaluations(state, principal, id).await?;
    let (seeker, _) = api::job_seeker_and_agency(state, id).await?;
    let may_write = principal
        .grant(Resource::Evaluations, Verb::Write, None)
        .is_ok();
    let follows = principal
        .grants(Resource::JobSeekers, Verb::Read)
        .iter()
        .any(|g| g.rule.reach != Reach::Revealed);
    let refused = !shown.errors.is_empty();
    let current = if follows {
        "/demandeurs"
    } else {
        "/mises-en-relation"
    };
    let name = format!("{} {}", seeker.record.first_name, seeker.record.last_name);
    Ok(render_form(
        &EvaluationsPage {
            chrome: Chrome::new(
                principal,
                form_title(&format!("Évaluations — {name}"), refused),
                current,
            )
            .notice(shown.notice),
            seeker_id: id,
            seeker: name,
            follows,
            rows: rows(state, views).await?,
            form: may_write.then(|| record_form(shown.form, shown.fields, shown.result_error)),
            errors: shown.errors,
        },
        refused,
    ))
}

/// The person's evaluations the reader may see, and the form to record one.
pub async fn page(State(state): St, RecordPage(principal, id, query): RecordPage) -> PageResult {
    let empty = HashMap::new();
    let shown = Shown {
        form: &empty,
        fields: record_fields(&empty),
        result_error: None,
        errors: Vec::new(),
        notice: evaluations_done(query.fait.as_deref()),
    };
    evaluations_page(&state, &principal, id, shown).await
}

/// Why a field is wrong, in French, for the kind chosen.
fn problem_words(field: &str, kind: Option<EvaluationKind>) -> String {
    match (field, kind) {
        ("kind", _) => "choisissez un des types proposés.".to_string(),
        ("subject", Some(EvaluationKind::Mrs)) => {
            "le code ROME du métier évalué, comme N1103.".to_string()
        }
        ("subject", Some(EvaluationKind::Caces)) => {
            "choisissez la catégorie de CACES dans la liste.".to_string()
        }
        ("subject", Some(EvaluationKind::Language)) => {
            "le code de la langue en deux lettres (ISO 639-1), comme en pour l'anglais.".to_string()
        }
        ("subject", _) => {
            "ce qui a été évalué, sur une ligne de 200 caractères au plus (obligatoire)."
                .to_string()
        }
        ("result", Some(kind)) => match kind.spec().result {
            ResultRule::OneOf(codes) => format!(
                "choisissez un résultat de ce type d'évaluation : {}.",
                codes
                    .iter()
                    .map(|(_, label)| *label)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ResultRule::Text => {
                "résumez ce que l'évaluation a montré, sans caractère spécial (obligatoire)."
                    .to_string()
            }
        },
        ("result", None) => "choisissez un résultat.".to_string(),
        ("evaluated_on", _) => {
            "une date valide, au plus tard aujourd'hui (obligatoire).".to_string()
        }
        ("valid_until", _) => {
            "une date valide, après celle de l'évaluation, ou rien si elle n'expire pas."
                .to_string()
        }
        ("issuer", _) => {
            "le nom de l'organisme qui a évalué, sur une ligne (obligatoire).".to_string()
        }
        _ => "cette valeur ne convient pas.".to_string(),
    }
}

/// The form's field that shows a problem of the evaluation's `field`, for the kind chosen.
fn form_field(field: &str, kind: Option<EvaluationKind>) -> &'static str {
    match (field, kind) {
        ("kind", _) => "kind",
        ("subject", Some(EvaluationKind::Caces)) => "subject_caces",
        ("subject", _) => "subject",
        ("result", Some(EvaluationKind::SkillsAssessment)) => "result_text",
        ("result", _) => "result",
        ("evaluated_on", _) => "evaluated_on",
        ("valid_until", _) => "valid_until",
        _ => "issuer",
    }
}

/// What a refused form says: each wrong field, named in French, on the field and in the
/// summary.
struct Refusal {
    fields: Vec<Field>,
    result_error: Option<String>,
    errors: Problems,
}

impl Refusal {
    fn add(&mut self, field: &str, kind: Option<EvaluationKind>) {
        let id = form_field(field, kind);
        if self.errors.iter().any(|(known, _)| known == id) {
            return;
        }
        let why = problem_words(field, kind);
        let named = format!("{} : {why}", field_label(field));
        if id == "result" {
            self.result_error = Some(named.clone());
        } else {
            set_error(&mut self.fields, id, named.clone());
        }
        self.errors.push((id.to_string(), named));
    }
}

fn date_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Records an evaluation from the form; refused, the form again with each wrong field named.
pub async fn record(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| trimmed(&form, name);
    let mut refusal = Refusal {
        fields: record_fields(&form),
        result_error: None,
        errors: Vec::new(),
    };
    let kind = EvaluationKind::parse(&get("kind"));
    if kind.is_none() {
        refusal.add("kind", None);
    }
    let evaluated_on = date_of(&get("evaluated_on"));
    if evaluated_on.is_none() {
        refusal.add("evaluated_on", kind);
    }
    let valid_until = match get("valid_until").as_str() {
        "" => Some(None),
        typed => date_of(typed).map(Some),
    };
    if valid_until.is_none() {
        refusal.add("valid_until", kind);
    }
    let (Some(kind), Some(evaluated_on), Some(valid_until)) = (kind, evaluated_on, valid_until)
    else {
        return refused(&state, &principal, id, &form, refusal).await;
    };
    let caces = get("subject_caces");
    let subject = if kind == EvaluationKind::Caces && !caces.is_empty() {
        caces
    } else {
        get("subject")
    };
    let result = match kind.spec().result {
        ResultRule::OneOf(_) => get("result"),
        ResultRule::Text => get("result_text"),
    };
    let input = SharedEvaluationInput {
        kind: kind.as_str().to_string(),
        subject,
        result,
        evaluated_on,
        valid_until,
        issuer: get("issuer"),
    };
    match evaluations_api::record(&state, &principal, id, input).await {
        Ok(_) => Ok(see_other(&format!(
            "/demandeurs/{id}/evaluations?fait=enregistree"
        ))),
        Err(ApiError::Invalid(problems)) => {
            if problems.is_empty() {
                refusal.add("", Some(kind));
            }
            for problem in &problems {
                let field = problem.path.trim_start_matches('/');
                refusal.add(field, Some(kind));
            }
            refused(&state, &principal, id, &form, refusal).await
        }
        Err(err) => Err(err.into()),
    }
}

/// The page again, with the form as typed and why it was refused (a 422).
async fn refused(
    state: &AppState,
    principal: &Principal,
    id: i64,
    form: &HashMap<String, String>,
    refusal: Refusal,
) -> PageResult {
    let shown = Shown {
        form,
        fields: refusal.fields,
        result_error: refusal.result_error,
        errors: refusal.errors,
        notice: None,
    };
    evaluations_page(state, principal, id, shown).await
}

/// Deletes one of the reader's structure's evaluations.
pub async fn delete(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(_form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let seeker = evaluations_api::remove(&state, &principal, id).await?;
    Ok(see_other(&format!(
        "/demandeurs/{seeker}/evaluations?fait=supprimee"
    )))
}

//! `/api/v1/job-seekers/{id}/evaluations`, `/api/v1/evaluations/{id}` and
//! `/api/v1/evaluation-kinds`.

use model::evaluations::{
    Evaluation, EvaluationKind, EvaluationRecord, KINDS, ResultRule, Subject,
};

use crate::api::*;

/// One kind of evaluation, as the forms offer it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationKindView {
    /// `mrs`, `caces`, `language` or `skills_assessment`.
    pub code: &'static str,
    pub label: &'static str,
    /// What the subject is: `occupation` (a ROME code), `certificate_skill` (the OGR code of
    /// a CACES skill of the ROME), `language` (ISO 639-1) or `label` (free text).
    pub subject: &'static str,
    pub subject_label: &'static str,
    /// The results allowed (code and label); empty when the result is free text.
    pub results: Vec<EvaluationResultView>,
    /// Whether a valid evaluation of this kind proves a skill offers ask for (the engine
    /// counts it when the person shares the kind).
    pub proves_skill: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationResultView {
    pub code: &'static str,
    pub label: &'static str,
}

/// The kinds of evaluation, held as data (`model::evaluations::KINDS`).
#[utoipa::path(get, path = "/api/v1/evaluation-kinds", tag = "evaluations",
    responses((status = 200, body = Vec<EvaluationKindView>), (status = 401, body = Problem)))]
pub(crate) async fn kinds(_principal: Principal) -> Json<Vec<EvaluationKindView>> {
    Json(
        KINDS
            .iter()
            .map(|spec| EvaluationKindView {
                code: spec.kind.as_str(),
                label: spec.label,
                subject: match spec.subject {
                    Subject::Occupation => "occupation",
                    Subject::CertificateSkill => "certificate_skill",
                    Subject::Language => "language",
                    Subject::Label => "label",
                },
                subject_label: spec.subject_label,
                results: match spec.result {
                    ResultRule::OneOf(codes) => codes
                        .iter()
                        .map(|(code, label)| EvaluationResultView { code, label })
                        .collect(),
                    ResultRule::Text => Vec::new(),
                },
                proves_skill: spec.proves_skill,
            })
            .collect(),
    )
}

/// An evaluation as the reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedEvaluationView {
    pub id: i64,
    pub job_seeker_id: i64,
    /// `mrs`, `caces`, `language` or `skills_assessment`.
    pub kind: String,
    pub kind_label: &'static str,
    pub subject: String,
    /// The subject in words (the occupation's or the skill's label), when it has one.
    pub subject_label: Option<String>,
    pub result: String,
    pub result_label: String,
    pub evaluated_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// Whether it still holds today.
    pub valid: bool,
    pub issuer: String,
    /// The structure that recorded it.
    pub structure_id: i64,
    /// Whether one of the reader's structures recorded it (and may delete it).
    pub own: bool,
    pub recorded_at: DateTime<Utc>,
}

/// The words of an evaluation's subject, when the referential has them.
pub fn subject_label(record: &EvaluationRecord) -> Option<String> {
    match record.kind.spec().subject {
        Subject::Occupation => refdata::rome()
            .occupation(&record.subject)
            .map(|o| o.label.to_string()),
        Subject::CertificateSkill => refdata::rome()
            .skill(&record.subject)
            .map(|s| s.label.to_string()),
        Subject::Language => model::evaluations::language_name(&record.subject).map(str::to_string),
        Subject::Label => None,
    }
}

pub(crate) fn evaluation_view(
    evaluation: &Evaluation,
    mine: &[i64],
    today: NaiveDate,
) -> SharedEvaluationView {
    let record = &evaluation.record;
    SharedEvaluationView {
        id: evaluation.id,
        job_seeker_id: evaluation.job_seeker_id,
        kind: record.kind.as_str().to_string(),
        kind_label: record.kind.label(),
        subject: record.subject.clone(),
        subject_label: subject_label(record),
        result: record.result.clone(),
        result_label: record.result_label().to_string(),
        evaluated_on: record.evaluated_on,
        valid_until: record.valid_until,
        valid: record.valid_on(today),
        issuer: record.issuer.clone(),
        structure_id: evaluation.structure_id,
        own: mine.contains(&evaluation.structure_id),
        recorded_at: evaluation.recorded_at,
    }
}

/// What the reader may see of a person's evaluations, and the structures through which they
/// reach the person (audited as a read of the person's data).
pub(crate) async fn read_evaluations(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<Vec<SharedEvaluationView>> {
    let (_, agency) = person_to_read(state, principal, id).await?;
    if let Err(ApiError::Forbidden(reason)) = reach_person(
        state,
        principal,
        Resource::Evaluations,
        Verb::Read,
        id,
        agency,
    )
    .await
    {
        return Err(refused(state, principal, id, "job_seeker.evaluations", reason).await);
    }
    let shared = state.store.shared_evaluation_kinds(id).await?;
    let evaluations = state.store.evaluations_of(id).await?;
    let shown = crate::evaluations::visible(principal, evaluations, &shared);
    let ids: Vec<i64> = shown.iter().map(|e| e.id).collect();
    state
        .audit_one(principal.event(
            "job_seeker.evaluations.read",
            "job_seeker",
            id,
            json!({ "evaluations": ids }),
        ))
        .await?;
    let mine: Vec<i64> = principal.seats.iter().map(|s| s.structure_id).collect();
    let today = state.now().date_naive();
    Ok(shown
        .iter()
        .map(|e| evaluation_view(e, &mine, today))
        .collect())
}

/// A person's evaluations the reader may see: those their structure recorded, and the
/// others' of the kinds the person shares. The person's France Travail agency, or an agency
/// the person is revealed to (an accepted referral, invitation or duo). Audited.
#[utoipa::path(get, path = "/api/v1/job-seekers/{id}/evaluations", tag = "evaluations",
    params(("id" = i64, Path, description = "job seeker id")),
    responses((status = 200, body = Vec<SharedEvaluationView>), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn list(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<SharedEvaluationView>>> {
    Ok(Json(read_evaluations(&state, &principal, id).await?))
}

/// The structure through which this user may write the person's evaluations, or the
/// refusal, audited as `action`.
async fn writer(state: &AppState, principal: &Principal, id: i64, action: &str) -> AppResult<i64> {
    let (_, agency) = person_to_read(state, principal, id).await?;
    match reach_person(
        state,
        principal,
        Resource::Evaluations,
        Verb::Write,
        id,
        agency,
    )
    .await
    {
        Ok((_, structure)) => Ok(structure),
        Err(ApiError::Forbidden(reason)) => {
            Err(refused(state, principal, id, action, reason).await)
        }
        Err(err) => Err(err),
    }
}

/// An evaluation to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedEvaluationInput {
    /// `mrs`, `caces`, `language` or `skills_assessment` (`GET /api/v1/evaluation-kinds`).
    pub kind: String,
    /// A ROME code (MRS), the OGR code of a CACES skill of the ROME (CACES), an ISO 639-1
    /// code (language) or what was assessed (skills assessment).
    pub subject: String,
    /// One of the kind's results, or free text for a skills assessment.
    pub result: String,
    pub evaluated_on: NaiveDate,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Who evaluated.
    pub issuer: String,
}

/// Records an evaluation of the person for the reader's structure, after the same access
/// check as a read; audited.
pub(crate) async fn record(
    state: &AppState,
    principal: &Principal,
    id: i64,
    input: SharedEvaluationInput,
) -> AppResult<SharedEvaluationView> {
    let structure = writer(state, principal, id, "evaluation.record").await?;
    let kind = EvaluationKind::parse(&input.kind).ok_or_else(|| {
        ApiError::field("/kind", "`mrs`, `caces`, `language` or `skills_assessment`")
    })?;
    let today = state.now().date_naive();
    let record = crate::evaluations::checked(
        EvaluationRecord {
            kind,
            subject: input.subject,
            result: input.result,
            evaluated_on: input.evaluated_on,
            valid_until: input.valid_until,
            issuer: input.issuer,
        },
        today,
    )
    .map_err(|problem| ApiError::field(format!("/{}", problem.field), problem.reason))?;
    let now = state.now();
    let evaluation = state
        .store
        .record_evaluation(id, structure, Some(principal.user.id), &record, now)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("job seeker {id}")))?;
    state
        .audit_one(principal.event(
            "evaluation.recorded",
            "job_seeker",
            id,
            json!({ "evaluation": evaluation.id, "kind": kind.as_str(), "structure": structure }),
        ))
        .await?;
    Ok(evaluation_view(&evaluation, &[structure], today))
}

/// Records an evaluation of the person (kinds: `GET /api/v1/evaluation-kinds`) for the
/// reader's structure: the person's France Travail agency, or an agency the person is
/// revealed to. Other structures see it only if the person shares its kind. Audited.
#[utoipa::path(post, path = "/api/v1/job-seekers/{id}/evaluations", tag = "evaluations",
    params(("id" = i64, Path, description = "job seeker id")),
    request_body = SharedEvaluationInput,
    responses((status = 201, body = SharedEvaluationView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn create(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SharedEvaluationInput>,
) -> AppResult<(StatusCode, Json<SharedEvaluationView>)> {
    let view = record(&state, &principal, id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Deletes an evaluation (recorded by mistake, or withdrawn): only a member of the structure
/// that recorded it, who may still write the person's evaluations. Audited.
pub(crate) async fn remove(
    state: &AppState,
    principal: &Principal,
    evaluation_id: i64,
) -> AppResult<i64> {
    let evaluation = state
        .store
        .evaluation(evaluation_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("evaluation {evaluation_id}")))?;
    let id = evaluation.job_seeker_id;
    let structure = writer(state, principal, id, "evaluation.delete").await?;
    let mine = principal
        .seats
        .iter()
        .any(|s| s.structure_id == evaluation.structure_id);
    if !mine {
        return Err(refused(
            state,
            principal,
            id,
            "evaluation.delete",
            "only the structure that recorded an evaluation may delete it".to_string(),
        )
        .await);
    }
    state
        .store
        .delete_evaluation(evaluation_id, state.now())
        .await?;
    state
        .audit_one(principal.event(
            "evaluation.deleted",
            "job_seeker",
            id,
            json!({ "evaluation": evaluation_id, "structure": structure }),
        ))
        .await?;
    Ok(id)
}

/// Deletes an evaluation: only the structure that recorded it. Audited.
#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "evaluations",
    params(("id" = i64, Path, description = "evaluation id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub(crate) async fn delete(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    remove(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

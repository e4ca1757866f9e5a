//! The structures' self-service through the API (issue 22): a structure's members (and the
//! administrators) write its profile and its services; a service is given as data·inclusion
//! v1 describes it and checked by the import's own reader (`exchange::inclusion`), so that the
//! forms, the API and the files share one definition. Every change is audited and kept in the
//! service's history; services of a structure new to a moderated network wait for an
//! administrator.

use std::collections::HashMap;

use exchange::FieldError;
use exchange::inclusion;
use model::{
    Service, ServiceAction, ServiceChange, ServiceRecord, ServiceStatus, StructureKind,
    StructureRecord,
};
use serde_json::{Map, Value};

use crate::api::*;
use crate::directory;

/// A service as its structure (or an administrator) sees it: its data·inclusion record, its
/// status, and how fresh and complete it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct StructureServiceView {
    pub id: i64,
    /// published, pending (waiting for an administrator), suspended, refused (by an
    /// administrator), archived
    pub status: String,
    /// The service in data·inclusion v1's terms, as the services file writes it.
    #[schema(value_type = Object)]
    pub record: Map<String, Value>,
    pub review_due: NaiveDate,
    pub overdue: bool,
    /// Completeness and freshness, 0 to 100.
    pub quality: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of a service's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceChangeView {
    /// created, updated, confirmed, suspended, resumed, approved, refused, archived
    pub action: String,
    /// Who did it (a name), or none for an import.
    pub by: Option<String>,
    /// The fields an update changed.
    pub fields: Vec<String>,
    pub at: DateTime<Utc>,
}

/// What a structure says of itself beyond its record, in data·inclusion v1's terms.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StructureProfileView {
    pub description: Option<String>,
    /// OpenStreetMap `opening_hours` syntax (`Mo-Fr 09:00-12:00,14:00-17:00`).
    pub horaires_accueil: Option<String>,
    /// A page on the place's accessibility (acceslibre).
    pub accessibilite_lieu: Option<String>,
    pub site_web: Option<String>,
    /// data·inclusion's réseaux porteurs the structure belongs to.
    #[serde(default)]
    pub reseaux_porteurs: Vec<String>,
    /// Passerelle's extension: the brand of an agence d'emploi's network (absent: unchanged;
    /// empty: none). Never the name of a kind of structure.
    pub reseau: Option<String>,
    /// When the structure last checked it (set by every change).
    #[serde(default)]
    pub date_maj: Option<NaiveDate>,
}

/// The kinds of structure whose new structures' services wait for an administrator.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModerationView {
    /// france_travail, agence_emploi, cap_emploi, mission_locale, akto, fastt, other
    pub kinds: Vec<String>,
}

pub(crate) fn service_view(service: &Service, today: NaiveDate) -> StructureServiceView {
    let mut record = inclusion::service_object(&service.record);
    // The export leaves reserved addresses out (data·inclusion refuses them); the structure
    // reads, and writes back, its own as it is.
    if let Some(email) = &service.record.email {
        record.insert("courriel".into(), json!(email.as_str()));
    }
    StructureServiceView {
        id: service.id,
        status: service.status.as_str().to_string(),
        record,
        review_due: service.record.review_due(),
        overdue: directory::overdue(service, today),
        quality: directory::quality(service, today),
        created_at: service.created_at,
        updated_at: service.updated_at,
    }
}

/// The problems of a record as the API answers them: each field as a JSON pointer.
pub(crate) fn problems(errors: Vec<FieldError>) -> ApiError {
    ApiError::Invalid(
        errors
            .into_iter()
            .map(|e| FieldProblem {
                path: format!("/{}", e.field.replace('.', "/")),
                message: e.reason,
            })
            .collect(),
    )
}

/// The structure `id`, for a member of it (or an administrator) who may write its entry.
async fn writable_structure(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<model::Structure> {
    let structure = state
        .store
        .structure(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {id}")))?;
    principal
        .grant(Resource::Directory, Verb::Write, Some(id))
        .map_err(forbidden)?;
    Ok(structure)
}

/// A service, or not found.
async fn stored_service(state: &AppState, id: i64) -> AppResult<Service> {
    state
        .store
        .service(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))
}

/// A service and its structure's id, for someone who may write it.
pub(crate) async fn writable_service(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<(Service, i64)> {
    let service = stored_service(state, id).await?;
    let owner = state
        .structure_id(service.record.structure_siret.as_str())
        .await?
        .ok_or_else(|| ApiError::Internal(format!("service {id} has no structure")))?;
    if let Err(why) = principal.grant(Resource::Directory, Verb::Write, Some(owner)) {
        // A service the reader cannot see is not found, as one that does not exist.
        let moderator = principal
            .grant(Resource::DirectoryModeration, Verb::Read, None)
            .is_ok();
        return Err(if service.status == ServiceStatus::Published || moderator {
            forbidden(why)
        } else {
            ApiError::NotFound(format!("service {id}"))
        });
    }
    Ok((service, owner))
}

/// Reads a service given as a data·inclusion object for `structure`: the freshness clock
/// restarts (`date_maj` is today, whatever the object says).
fn record_of(
    object: &Map<String, Value>,
    structure: &StructureRecord,
    reference: &str,
    today: NaiveDate,
) -> AppResult<ServiceRecord> {
    let mut object = object.clone();
    object.insert("date_maj".into(), json!(today.to_string()));
    inclusion::read_service_object(&object, &structure.siret, reference).map_err(problems)
}

/// The reference of a new service: the object's `id` when it gives one (without the
/// structure's prefix), else one made from its name (`atelier-cv`, then `atelier-cv-2`...)
/// that none of `taken` is.
fn reference_of(object: &Map<String, Value>, taken: &[String]) -> String {
    if let Some(id) = object.get("id").and_then(Value::as_str).map(str::trim)
        && !id.is_empty()
    {
        return id.rsplit("--").next().unwrap_or(id).to_string();
    }
    let name = object.get("nom").and_then(Value::as_str).unwrap_or("");
    let mut slug: String = refdata::text::normalise(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(60)
        .collect();
    if slug.is_empty() {
        slug = "service".to_string();
    }
    let mut candidate = slug.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{slug}-{n}");
    }
    candidate
}

/// The services of a structure, every status: for its members and the administrators.
#[utoipa::path(get, path = "/api/v1/structures/{id}/services", tag = "directory",
    params(("id" = i64, Path, description = "structure id")),
    responses((status = 200, body = Vec<StructureServiceView>), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn structure_services(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<StructureServiceView>>> {
    writable_structure(&state, &principal, id).await?;
    let today = state.now().date_naive();
    let services = state.store.services_of(id).await?;
    Ok(Json(
        services.iter().map(|s| service_view(s, today)).collect(),
    ))
}

/// Writes a new service of the structure, given as a data·inclusion v1 service (`nom`,
/// `description`, `thematiques`...; `id` is the structure's own reference, made up when
/// absent). Published at once, or `pending` when the structure is new to a network under
/// moderation. Audited.
#[utoipa::path(post, path = "/api/v1/structures/{id}/services", tag = "directory",
    params(("id" = i64, Path, description = "structure id")),
    request_body(content = Object, description = "a data·inclusion v1 service"),
    responses((status = 201, body = StructureServiceView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_service(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(object): JsonBody<Map<String, Value>>,
) -> AppResult<(StatusCode, Json<StructureServiceView>)> {
    let view = create(&state, &principal, id, &object).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    structure_id: i64,
    object: &Map<String, Value>,
) -> AppResult<StructureServiceView> {
    let structure = writable_structure(state, principal, structure_id).await?;
    let now = state.now();
    let taken: Vec<String> = state
        .store
        .services_of(structure_id)
        .await?
        .into_iter()
        .map(|s| s.record.external_id)
        .collect();
    let reference = reference_of(object, &taken);
    let record = record_of(object, &structure.record, &reference, now.date_naive())?;
    let service = state
        .store
        .create_service(&record, Some(principal.user.id), now)
        .await?;
    let detail = json!({ "structure_id": structure_id, "status": service.status.as_str() });
    state
        .audit_one(principal.event("service.created", "service", service.id, detail))
        .await?;
    Ok(service_view(&service, now.date_naive()))
}

/// A service: a published one for every member of the partnership, any other for its
/// structure's members and the administrators.
#[utoipa::path(get, path = "/api/v1/directory/services/{id}", tag = "directory",
    params(("id" = i64, Path, description = "service id")),
    responses((status = 200, body = StructureServiceView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_service(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<StructureServiceView>> {
    principal
        .grant(Resource::Directory, Verb::Read, None)
        .map_err(forbidden)?;
    let service = stored_service(&state, id).await?;
    if service.status != ServiceStatus::Published {
        // Not public yet (or any more): its structure's and the moderators' only.
        let owner = state
            .structure_id(service.record.structure_siret.as_str())
            .await?;
        let writer = principal
            .grant(Resource::Directory, Verb::Write, owner)
            .is_ok();
        let moderator = principal
            .grant(Resource::DirectoryModeration, Verb::Read, None)
            .is_ok();
        if !(writer || moderator) {
            return Err(ApiError::NotFound(format!("service {id}")));
        }
    }
    Ok(Json(service_view(&service, state.now().date_naive())))
}

/// Replaces a service's description (a data·inclusion v1 service; its structure and
/// reference stay). The freshness clock restarts; the history keeps the fields changed.
#[utoipa::path(put, path = "/api/v1/directory/services/{id}", tag = "directory",
    params(("id" = i64, Path, description = "service id")),
    request_body(content = Object, description = "a data·inclusion v1 service"),
    responses((status = 200, body = StructureServiceView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_service(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(object): JsonBody<Map<String, Value>>,
) -> AppResult<Json<StructureServiceView>> {
    Ok(Json(update(&state, &principal, id, &object).await?))
}

pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    object: &Map<String, Value>,
) -> AppResult<StructureServiceView> {
    let (service, owner) = writable_service(state, principal, id).await?;
    let structure = state
        .store
        .structure(owner)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {owner}")))?;
    let now = state.now();
    let mut record = record_of(
        object,
        &structure.record,
        &service.record.external_id,
        now.date_naive(),
    )?;
    // The form has no coordinates: those stored stay while the place does.
    if record.coordinates.is_none()
        && record.commune == service.record.commune
        && record.address == service.record.address
        && record.postcode == service.record.postcode
    {
        record.coordinates = service.record.coordinates;
    }
    let fields = service.record.changed_fields(&record);
    let service = state
        .store
        .update_service(
            id,
            &record,
            ServiceAction::Updated,
            Some(principal.user.id),
            now,
        )
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))?;
    let detail = json!({ "structure_id": owner, "fields": fields });
    state
        .audit_one(principal.event("service.updated", "service", id, detail))
        .await?;
    Ok(service_view(&service, now.date_naive()))
}

/// Moves a service (`suspend`, `resume`, `archive` for its structure; `approve`, `refuse`
/// for the administrators), audited.
pub(crate) async fn move_to(
    state: &AppState,
    principal: &Principal,
    id: i64,
    action: ServiceAction,
) -> AppResult<StructureServiceView> {
    let owner = if matches!(action, ServiceAction::Approved | ServiceAction::Refused) {
        principal
            .grant(Resource::DirectoryModeration, Verb::Write, None)
            .map_err(forbidden)?;
        let service = stored_service(state, id).await?;
        state
            .structure_id(service.record.structure_siret.as_str())
            .await?
    } else {
        Some(writable_service(state, principal, id).await?.1)
    };
    let now = state.now();
    let service = state
        .store
        .move_service(id, action, Some(principal.user.id), now)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))?;
    let detail = json!({ "structure_id": owner, "status": service.status.as_str() });
    state
        .audit_one(principal.event(
            &format!("service.{}", action.as_str()),
            "service",
            id,
            detail,
        ))
        .await?;
    Ok(service_view(&service, now.date_naive()))
}

macro_rules! move_route {
    ($name:ident, $method:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path($method, path = $path, tag = "directory",
            params(("id" = i64, Path, description = "service id")),
            responses((status = 200, body = StructureServiceView), (status = 401, body = Problem),
                      (status = 403, body = Problem), (status = 404, body = Problem),
                      (status = 409, body = Problem)))]
        pub(crate) async fn $name(
            State(state): St,
            principal: Principal,
            Path(id): Path<i64>,
        ) -> AppResult<Json<StructureServiceView>> {
            Ok(Json(move_to(&state, &principal, id, $action).await?))
        }
    };
}

move_route!(
    suspend_service,
    post,
    "/api/v1/directory/services/{id}/suspend",
    ServiceAction::Suspended,
    "Suspends a published service: kept, no longer searched nor exported."
);
move_route!(
    resume_service,
    post,
    "/api/v1/directory/services/{id}/resume",
    ServiceAction::Resumed,
    "Publishes a suspended or refused service again (or submits it again for approval when its \
     structure has none approved under moderation)."
);
move_route!(
    archive_service,
    delete,
    "/api/v1/directory/services/{id}",
    ServiceAction::Archived,
    "Deletes a service from the directory: it is archived, never shown again, its history kept \
     (nothing that refers to it loses its reference)."
);
move_route!(
    approve_service,
    post,
    "/api/v1/directory/services/{id}/approve",
    ServiceAction::Approved,
    "Approves a service waiting for moderation: it is published (administrators)."
);
move_route!(
    refuse_service,
    post,
    "/api/v1/directory/services/{id}/refuse",
    ServiceAction::Refused,
    "Refuses a service waiting for moderation: it is `refused`, neither searched nor exported; \
     its structure may edit it and submit it again with `resume` (administrators)."
);

/// Who did what to a service, when: for its structure's members and the administrators.
#[utoipa::path(get, path = "/api/v1/directory/services/{id}/history", tag = "directory",
    params(("id" = i64, Path, description = "service id")),
    responses((status = 200, body = Vec<ServiceChangeView>), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn service_history(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ServiceChangeView>>> {
    Ok(Json(history(&state, &principal, id).await?))
}

pub(crate) async fn history(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<Vec<ServiceChangeView>> {
    let moderator = principal
        .grant(Resource::DirectoryModeration, Verb::Read, None)
        .is_ok();
    if moderator {
        stored_service(state, id).await?;
    } else {
        writable_service(state, principal, id).await?;
    }
    let changes: Vec<ServiceChange> = state.store.service_history(id).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let by = match change.user_id {
            Some(user) => {
                if let Some(name) = names.get(&user) {
                    Some(name.clone())
                } else {
                    let name = state
                        .store
                        .user(user)
                        .await?
                        .map_or_else(|| format!("compte {user}"), |u| u.display_name);
                    names.insert(user, name.clone());
                    Some(name)
                }
            }
            None => None,
        };
        out.push(ServiceChangeView {
            action: change.action.as_str().to_string(),
            by,
            fields: change.fields,
            at: change.at,
        });
    }
    Ok(out)
}

/// The services waiting for an administrator's approval, oldest first.
#[utoipa::path(get, path = "/api/v1/directory/pending", tag = "directory",
    responses((status = 200, body = Vec<StructureServiceView>), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
pub(crate) async fn pending_services(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<Vec<StructureServiceView>>> {
    principal
        .grant(Resource::DirectoryModeration, Verb::Read, None)
        .map_err(forbidden)?;
    let today = state.now().date_naive();
    let services = state.store.pending_services().await?;
    Ok(Json(
        services.iter().map(|s| service_view(s, today)).collect(),
    ))
}

/// The kinds of structure under moderation.
#[utoipa::path(get, path = "/api/v1/directory/moderation", tag = "directory",
    responses((status = 200, body = ModerationView), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
pub(crate) async fn get_moderation(
    State(state): St,
    principal: Principal,
) -> AppResult<Json<ModerationView>> {
    principal
        .grant(Resource::DirectoryModeration, Verb::Read, None)
        .map_err(forbidden)?;
    let kinds = state.store.moderated_kinds().await?;
    Ok(Json(ModerationView {
        kinds: kinds.iter().map(|k| k.as_str().to_string()).collect(),
    }))
}

/// Sets the kinds of structure under moderation: the services of a structure of such a kind
/// that has none approved yet wait for an administrator. Audited.
#[utoipa::path(put, path = "/api/v1/directory/moderation", tag = "directory",
    request_body = ModerationView,
    responses((status = 200, body = ModerationView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn put_moderation(
    State(state): St,
    principal: Principal,
    JsonBody(input): JsonBody<ModerationView>,
) -> AppResult<Json<ModerationView>> {
    set_moderation(&state, &principal, &input.kinds).await?;
    Ok(Json(ModerationView { kinds: input.kinds }))
}

pub(crate) async fn set_moderation(
    state: &AppState,
    principal: &Principal,
    kinds: &[String],
) -> AppResult<()> {
    principal
        .grant(Resource::DirectoryModeration, Verb::Write, None)
        .map_err(forbidden)?;
    if kinds.len() > StructureKind::ALL.len() {
        return Err(ApiError::field("/kinds", "at most one of each kind"));
    }
    let mut parsed = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.iter().enumerate() {
        match StructureKind::parse(kind) {
            Some(k) => parsed.push(k),
            None => {
                return Err(ApiError::field(
                    format!("/kinds/{i}"),
                    format!("unknown kind of structure {kind:?}"),
                ));
            }
        }
    }
    state
        .store
        .set_moderated_kinds(&parsed, state.now())
        .await?;
    let detail = json!({ "kinds": kinds });
    state
        .audit_one(principal.event("directory.moderation", "directory", 0, detail))
        .await?;
    Ok(())
}

/// What a structure says of itself: read by every member of the partnership.
#[utoipa::path(get, path = "/api/v1/structures/{id}/profile", tag = "directory",
    params(("id" = i64, Path, description = "structure id")),
    responses((status = 200, body = StructureProfileView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_profile(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<StructureProfileView>> {
    principal
        .grant(Resource::Directory, Verb::Read, None)
        .map_err(forbidden)?;
    Ok(Json(profile(&state, id).await?))
}

pub(crate) async fn profile(state: &AppState, id: i64) -> AppResult<StructureProfileView> {
    let structure = state
        .store
        .structure(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {id}")))?;
    let profile = state.store.structure_profile(id).await?;
    Ok(StructureProfileView {
        description: profile.as_ref().and_then(|p| p.description.clone()),
        horaires_accueil: profile.as_ref().and_then(|p| p.opening_hours.clone()),
        accessibilite_lieu: profile.as_ref().and_then(|p| p.accessibility.clone()),
        site_web: structure.record.website.clone(),
        reseaux_porteurs: profile
            .as_ref()
            .map(|p| p.networks.clone())
            .unwrap_or_default(),
        reseau: structure.record.network.clone(),
        date_maj: profile.map(|p| p.updated_on),
    })
}

/// Sets what a structure says of itself (checked as the import checks a structures file);
/// its `date_maj` becomes today. Audited.
#[utoipa::path(put, path = "/api/v1/structures/{id}/profile", tag = "directory",
    params(("id" = i64, Path, description = "structure id")),
    request_body = StructureProfileView,
    responses((status = 200, body = StructureProfileView), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn put_profile(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<StructureProfileView>,
) -> AppResult<Json<StructureProfileView>> {
    set_profile(&state, &principal, id, input).await?;
    Ok(Json(profile(&state, id).await?))
}

pub(crate) async fn set_profile(
    state: &AppState,
    principal: &Principal,
    id: i64,
    input: StructureProfileView,
) -> AppResult<()> {
    let structure = writable_structure(state, principal, id).await?;
    let mut object = Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(key.to_string(), json!(value));
        }
    };
    put("description", &input.description);
    put("horaires_accueil", &input.horaires_accueil);
    put("accessibilite_lieu", &input.accessibilite_lieu);
    put("site_web", &input.site_web);
    object.insert("reseaux_porteurs".into(), json!(input.reseaux_porteurs));
    if let Some(reseau) = input.reseau.as_ref().filter(|r| !r.trim().is_empty()) {
        object.insert(inclusion::SOURCE.into(), json!({ "reseau": reseau }));
    }
    let now = state.now();
    let (profile, website, network) =
        inclusion::read_profile_object(&object, structure.record.kind, now.date_naive())
            .map_err(problems)?;
    let record = StructureRecord {
        website,
        // Only an agence d'emploi belongs to a brand; an absent one stays as it is.
        network: if structure.record.kind == StructureKind::AgenceEmploi && input.reseau.is_some() {
            network
        } else {
            structure.record.network.clone()
        },
        ..structure.record.clone()
    };
    if record != structure.record {
        let report = state
            .store
            .upsert_structures(std::slice::from_ref(&record), now)
            .await?;
        if let Some((_, reason)) = report.rejected.first() {
            return Err(ApiError::Internal(format!("structure {id}: {reason}")));
        }
    }
    state.store.set_structure_profile(id, &profile, now).await?;
    let detail = json!({ "structure_id": id });
    state
        .audit_one(principal.event("structure.profile", "structure", id, detail))
        .await?;
    Ok(())
}

/// The routes of the structures' self-service, merged into the API's router.
pub(crate) fn routes() -> utoipa_axum::router::OpenApiRouter<std::sync::Arc<crate::AppState>> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(structure_services, create_service))
        .routes(routes!(get_service, update_service, archive_service))
        .routes(routes!(suspend_service))
        .routes(routes!(resume_service))
        .routes(routes!(approve_service))
        .routes(routes!(refuse_service))
        .routes(routes!(service_history))
        .routes(routes!(pending_services))
        .routes(routes!(get_moderation, put_moderation))
        .routes(routes!(get_profile, put_profile))
}

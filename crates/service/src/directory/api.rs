//! The shared directory: searching the services of both networks, and a structure confirming
//! that a service's description is up to date.

use crate::api::*;
use crate::directory::{self, Query};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// INSEE code of the commune searched from.
    pub commune: Option<String>,
    /// Radius around the commune, in km (1 to 200, default 20).
    pub rayon: Option<f64>,
    /// A data·inclusion thématique, or a whole category (`mobilite`).
    pub thematique: Option<String>,
    /// A data·inclusion public.
    pub public: Option<String>,
    /// A data·inclusion type of service.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A kind of structure (france_travail, agence_emploi, cap_emploi, mission_locale, akto,
    /// fastt) or an agencies' brand.
    pub reseau: Option<String>,
    /// Words, accents and case ignored.
    pub q: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryStructureView {
    pub siret: String,
    pub name: String,
    /// france_travail, agence_emploi, cap_emploi, mission_locale, akto, fastt, other
    pub kind: String,
    pub network: Option<String>,
    pub commune: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceHitView {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub thematiques: Vec<String>,
    pub publics: Vec<String>,
    pub fees: Option<String>,
    pub structure: DirectoryStructureView,
    /// From the commune searched, when one was given.
    pub distance_km: Option<f64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub mobilisation_link: Option<String>,
    pub updated_on: NaiveDate,
    pub review_due: NaiveDate,
    pub overdue: bool,
    /// Completeness and freshness, 0 to 100.
    pub quality: u32,
}

pub(crate) fn hit_view(hit: &directory::Hit) -> ServiceHitView {
    let r = &hit.service.record;
    let s = &hit.structure.record;
    ServiceHitView {
        id: hit.service.id,
        name: r.name.clone(),
        description: r.description.clone(),
        kind: r.kind.clone(),
        thematiques: r.thematiques.clone(),
        publics: r.publics.clone(),
        fees: r.fees.clone(),
        structure: DirectoryStructureView {
            siret: s.siret.as_str().to_string(),
            name: s.name.clone(),
            kind: s.kind.as_str().to_string(),
            network: s.network.clone(),
            commune: s.commune.as_str().to_string(),
        },
        distance_km: hit.distance_km.map(|d| (d * 10.0).round() / 10.0),
        phone: r.phone.clone(),
        email: r.email.as_ref().map(|e| e.as_str().to_string()),
        mobilisation_link: r.mobilisation_link.clone(),
        updated_on: r.updated_on,
        review_due: r.review_due(),
        overdue: hit.overdue,
        quality: hit.quality,
    }
}

/// Every service and the structures, keyed by SIRET.
pub(crate) async fn load(
    state: &AppState,
) -> AppResult<(
    Vec<model::Service>,
    std::collections::HashMap<String, model::Structure>,
)> {
    let services = state.store.services().await?;
    let structures = state
        .store
        .structures()
        .await?
        .into_iter()
        .map(|s| (s.record.siret.as_str().to_string(), s))
        .collect();
    Ok((services, structures))
}

/// The query, checked: a wrong value is a 422 naming the parameter.
pub(crate) fn query_of(q: DirectoryQuery) -> AppResult<Query> {
    use refdata::{Vocabulary, inclusion};
    for (name, value) in [
        ("?q", &q.q),
        ("?commune", &q.commune),
        ("?reseau", &q.reseau),
    ] {
        if let Some(problem) = value.as_deref().and_then(crate::limits::search_problem) {
            return Err(ApiError::field(name, problem));
        }
    }
    let place = match q
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(code) => Some(
            refdata::geo()
                .commune(&code.to_ascii_uppercase())
                .ok_or_else(|| {
                    ApiError::field("?commune", format!("no commune has the INSEE code {code}"))
                })?,
        ),
        None => None,
    };
    let radius_km = q.rayon.unwrap_or(20.0);
    if !(1.0..=200.0).contains(&radius_km) {
        return Err(ApiError::field("?rayon", "between 1 and 200 km"));
    }
    let known = |vocabulary: Vocabulary, name: &str, value: Option<String>| match value
        .filter(|v| !v.is_empty())
    {
        Some(v) if inclusion().contains(vocabulary, &v) => Ok(Some(v)),
        Some(v)
            if vocabulary == Vocabulary::Thematique
                && inclusion().contains(Vocabulary::Categorie, &v) =>
        {
            Ok(Some(v))
        }
        Some(v) => Err(ApiError::field(
            format!("?{name}"),
            format!("{v:?} is not in the data·inclusion v1 vocabulary"),
        )),
        None => Ok(None),
    };
    Ok(Query {
        place,
        radius_km,
        thematique: known(Vocabulary::Thematique, "thematique", q.thematique)?,
        public: known(Vocabulary::Public, "public", q.public)?,
        kind: known(Vocabulary::Type, "type", q.kind)?,
        network: q.reseau.filter(|r| !r.trim().is_empty()),
        text: q.q.filter(|t| !t.trim().is_empty()),
    })
}

/// Services of the directory matching the criteria, nearest first when a commune is given.
#[utoipa::path(get, path = "/api/v1/directory/services", tag = "directory",
    params(DirectoryQuery),
    responses((status = 200, body = Vec<ServiceHitView>), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn search_services(
    State(state): St,
    principal: Principal,
    QueryParams(query): QueryParams<DirectoryQuery>,
) -> AppResult<Json<Vec<ServiceHitView>>> {
    principal
        .grant(Resource::Directory, Verb::Read, None)
        .map_err(forbidden)?;
    let query = query_of(query)?;
    let (services, structures) = load(&state).await?;
    let hits = directory::search(&services, &structures, &query, state.now().date_naive());
    Ok(Json(hits.iter().map(hit_view).collect()))
}

/// Confirms that a service's description is up to date (its `date_maj` becomes today).
#[utoipa::path(post, path = "/api/v1/directory/services/{id}/confirm", tag = "directory",
    params(("id" = i64, Path, description = "service id")),
    responses((status = 200, body = ServiceHitView), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem, description = "the service is archived")))]
pub(crate) async fn confirm_service(
    State(state): St,
    principal: Principal,
    Path(id): Path<i64>,
) -> AppResult<Json<ServiceHitView>> {
    let service = state
        .store
        .service(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))?;
    let structure = state
        .store
        .structure_by_siret(&service.record.structure_siret)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("service {id} has no structure")))?;
    principal
        .grant(Resource::Directory, Verb::Write, Some(structure.id))
        .map_err(forbidden)?;
    let today = state.now().date_naive();
    let mut record = service.record.clone();
    record.updated_on = today;
    let service = state
        .store
        .update_service(
            id,
            &record,
            model::ServiceAction::Confirmed,
            Some(principal.user.id),
            state.now(),
        )
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))?;
    let detail = json!({ "updated_on": today });
    state
        .audit_one(principal.event("service.confirm", "service", id, detail))
        .await?;
    Ok(Json(hit_view(&directory::Hit {
        overdue: directory::overdue(&service, today),
        quality: directory::quality(&service, today),
        service,
        structure,
        distance_km: None,
    })))
}

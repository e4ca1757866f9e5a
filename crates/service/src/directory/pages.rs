//! The shared directory's pages: searching the services of both networks from a place, and a
//! structure's own services with those overdue for review.

use crate::json::{PagePath, Path};
use refdata::{Vocabulary, inclusion};

use crate::directory;
use crate::directory::api::{DirectoryQuery, ServiceHitView, hit_view, load, query_of};
use crate::pages::*;

#[derive(Deserialize, Default)]
pub struct SearchForm {
    pub commune: Option<String>,
    pub rayon: Option<String>,
    pub thematique: Option<String>,
    pub public: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub reseau: Option<String>,
    pub q: Option<String>,
    pub page: Option<String>,
    pub fait: Option<String>,
    /// The structure (its SIRET) whose services an administrator keeps.
    pub structure: Option<String>,
}

/// One service as the directory's pages show it.
pub struct ServiceCard {
    pub view: ServiceHitView,
    pub structure_kind: &'static str,
    pub kind: String,
    pub fees: String,
    pub thematiques: Vec<String>,
    pub publics: Vec<String>,
    pub distance: String,
    pub updated_on: String,
    pub review_due: String,
    /// The viewer may confirm it is up to date, edit, suspend or delete it (their structure's
    /// page).
    pub confirmable: bool,
    /// published, pending, suspended, refused (archived ones are not shown).
    pub status: &'static str,
}

fn label(vocabulary: Vocabulary, value: &str) -> String {
    inclusion()
        .label(vocabulary, value)
        .unwrap_or(value)
        .to_string()
}

pub fn card(view: ServiceHitView) -> ServiceCard {
    ServiceCard {
        structure_kind: labels::structure_kind(&view.structure.kind),
        kind: view
            .kind
            .as_deref()
            .map(|k| label(Vocabulary::Type, k))
            .unwrap_or_default(),
        fees: view
            .fees
            .as_deref()
            .map(|f| label(Vocabulary::Frais, f))
            .unwrap_or_default(),
        thematiques: view
            .thematiques
            .iter()
            .map(|t| label(Vocabulary::Thematique, t))
            .collect(),
        publics: view
            .publics
            .iter()
            .map(|p| label(Vocabulary::Public, p))
            .collect(),
        distance: view
            .distance_km
            .map(|d| format!("à {} km", format!("{d:.1}").replace('.', ",")))
            .unwrap_or_default(),
        updated_on: fr_date(view.updated_on),
        review_due: fr_date(view.review_due),
        confirmable: false,
        status: "published",
        view,
    }
}

#[derive(Template)]
#[template(path = "directory/directory.html")]
struct DirectoryPage {
    chrome: Chrome,
    filters: Vec<Field>,
    cards: Vec<ServiceCard>,
    total: usize,
    searched: bool,
    place: String,
    pagination: Pagination,
    error: Option<String>,
}

/// A vocabulary's values as a select's options, after one for none (`all`).
pub(crate) fn options(vocabulary: Vocabulary, all: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), all.to_string())];
    out.extend(
        inclusion()
            .values(vocabulary)
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string())),
    );
    out
}

/// Categories, each followed by its thématiques.
fn thematique_options() -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "Toutes les thématiques".to_string())];
    for (category, category_label) in inclusion().values(Vocabulary::Categorie) {
        out.push((category.to_string(), format!("{category_label} (tout)")));
        for (value, value_label) in inclusion().values(Vocabulary::Thematique) {
            if value.split("--").next() == Some(*category) {
                out.push((
                    value.to_string(),
                    format!("{category_label} : {value_label}"),
                ));
            }
        }
    }
    out
}

fn select(
    name: &'static str,
    label: &'static str,
    value: &str,
    options: Vec<(String, String)>,
) -> Field {
    let mut field = Field::text(name, label, value);
    field.kind = "select";
    field.options = options;
    field
}

pub async fn search(
    State(state): St,
    Viewer(principal): Viewer,
    Query(form): Query<SearchForm>,
) -> PageResult {
    principal
        .grant(Resource::Directory, Verb::Read, None)
        .map_err(ApiError::Forbidden)?;
    let (services, structures) = load(&state).await?;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let typed_commune = value(&form.commune);
    let rayon = form
        .rayon
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "20".to_string());
    let mut filters = vec![
        Field::text("commune", "Depuis la commune", &typed_commune)
            .hint("Nom ou code postal ; les services éligibles dans la commune sont aussi montrés.")
            .suggest("/suggestions/communes"),
        select(
            "rayon",
            "Dans un rayon de",
            &rayon,
            ["5", "10", "20", "50", "100"]
                .iter()
                .map(|r| (r.to_string(), format!("{r} km")))
                .collect(),
        ),
        select(
            "thematique",
            "Thématique",
            &value(&form.thematique),
            thematique_options(),
        ),
        select(
            "public",
            "Public",
            &value(&form.public),
            options(Vocabulary::Public, "Tous les publics"),
        ),
        select(
            "type",
            "Type de service",
            &value(&form.kind),
            options(Vocabulary::Type, "Tous les types"),
        ),
        select(
            "reseau",
            "Réseau",
            &value(&form.reseau),
            network_options(&structures),
        ),
        Field::text("q", "Mots-clés", &value(&form.q))
            .hint("Par exemple : permis, CDI intérimaire, logement."),
    ];
    // The commune typed (a name, a postcode or a suggestion) becomes its INSEE code.
    let mut error = None;
    let commune = if typed_commune.trim().is_empty() {
        None
    } else {
        match forms::commune_of(&typed_commune) {
            Ok(code) => Some(code.to_string()),
            Err(message) => {
                forms::set_error(&mut filters, "commune", message.clone());
                error = Some(message);
                None
            }
        }
    };
    let query = query_of(DirectoryQuery {
        commune: commune.clone(),
        rayon: rayon.parse().ok(),
        thematique: form.thematique.clone(),
        public: form.public.clone(),
        kind: form.kind.clone(),
        reseau: form.reseau.clone(),
        q: form.q.clone(),
    });
    let hits = match query {
        Ok(query) => directory::search(&services, &structures, &query, state.now().date_naive()),
        Err(err) => {
            error = Some(match err {
                ApiError::Invalid(fields) => fields
                    .iter()
                    .map(|f| format!("{} : valeur inconnue", f.path.trim_start_matches('?')))
                    .collect::<Vec<_>>()
                    .join(" ; "),
                _ => "Recherche impossible.".to_string(),
            });
            Vec::new()
        }
    };
    let base = format!(
        "/annuaire?commune={}&rayon={}&thematique={}&public={}&type={}&reseau={}&q={}&",
        encode(&typed_commune),
        encode(&rayon),
        encode(&value(&form.thematique)),
        encode(&value(&form.public)),
        encode(&value(&form.kind)),
        encode(&value(&form.reseau)),
        encode(&value(&form.q)),
    );
    let pagination = Pagination::new(
        page_number(form.page.as_deref()),
        hits.len(),
        PER_PAGE,
        base,
    );
    let cards = pagination
        .slice(&hits, PER_PAGE)
        .iter()
        .map(|h| card(hit_view(h)))
        .collect();
    let searched = [
        &form.commune,
        &form.thematique,
        &form.public,
        &form.kind,
        &form.reseau,
        &form.q,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let failed = error.is_some();
    Ok(render_form(
        &DirectoryPage {
            chrome: Chrome::new(
                &principal,
                form_title("Annuaire des services", failed),
                "/annuaire",
            ),
            filters,
            total: hits.len(),
            place: commune.as_deref().map(commune_name).unwrap_or_default(),
            cards,
            searched,
            pagination,
            error,
        },
        failed,
    ))
}

/// Kinds of structure, then the agencies' brands present in the directory.
fn network_options(
    structures: &std::collections::HashMap<String, model::Structure>,
) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "Tous les réseaux".to_string())];
    for kind in [
        "france_travail",
        "agence_emploi",
        "cap_emploi",
        "mission_locale",
        "akto",
        "fastt",
    ] {
        out.push((kind.to_string(), labels::structure_kind(kind).to_string()));
    }
    let mut brands: Vec<&String> = structures
        .values()
        .filter_map(|s| s.record.network.as_ref())
        .collect();
    brands.sort();
    brands.dedup();
    out.extend(
        brands
            .into_iter()
            .map(|b| (b.clone(), format!("Agences {b}"))),
    );
    out
}

#[derive(Template)]
#[template(path = "directory/directory_mine.html")]
struct MinePage {
    chrome: Chrome,
    structure: String,
    structure_id: i64,
    cards: Vec<ServiceCard>,
    overdue: usize,
}

/// The services of the viewer's structure, overdue first, each with its quality and a button
/// confirming it is up to date.
pub async fn mine(
    State(state): St,
    Viewer(principal): Viewer,
    Query(form): Query<SearchForm>,
) -> PageResult {
    if form.structure.is_none()
        && !principal
            .grants(Resource::Directory, Verb::Write)
            .iter()
            .any(|g| g.rule.reach == crate::access::Reach::Own)
    {
        return Err(ApiError::Forbidden(
            "only the members of a structure keep its services up to date".to_string(),
        )
        .into());
    }
    let (structure_id, _) = api::listing(
        &state,
        &principal,
        Resource::Directory,
        Verb::Write,
        form.structure.as_deref(),
    )
    .await?;
    let structure = state
        .store
        .structure(structure_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {structure_id}")))?;
    let today = state.now().date_naive();
    let mut hits: Vec<directory::Hit> = state
        .store
        .services_of(structure_id)
        .await?
        .into_iter()
        .filter(|s| s.status != model::ServiceStatus::Archived)
        .map(|service| directory::Hit {
            overdue: directory::overdue(&service, today),
            quality: directory::quality(&service, today),
            service,
            structure: structure.clone(),
            distance_km: None,
        })
        .collect();
    hits.sort_by(|a, b| {
        b.overdue.cmp(&a.overdue).then_with(|| {
            a.service
                .record
                .review_due()
                .cmp(&b.service.record.review_due())
        })
    });
    let name = structure.record.name.clone();
    Ok(render(&MinePage {
        chrome: Chrome::new(
            &principal,
            "Les services de ma structure",
            "/annuaire/ma-structure",
        )
        .notice(done(form.fait.as_deref())),
        structure: name,
        structure_id,
        overdue: hits.iter().filter(|h| h.overdue).count(),
        cards: hits
            .iter()
            .map(|h| ServiceCard {
                confirmable: true,
                status: h.service.status.as_str(),
                ..card(hit_view(h))
            })
            .collect(),
    }))
}

pub async fn confirm(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    crate::directory::api::confirm_service(State(state), principal, Path(id))
        .await
        .map(|_| ())?;
    Ok(see_other("/annuaire/ma-structure?fait=confirme"))
}

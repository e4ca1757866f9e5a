//! The web pages, in French and in the State design system (DSFR): server-rendered HTML
//! (askama templates under `crates/service/templates/`) over the same handlers, access rules,
//! views and audit trail as the JSON API. A page calls the API handler it shows, so that what a
//! page may read or write is exactly what the API allows that user.
//!
//! The DSFR's files come from the npm package `@gouvfr/dsfr` (installed under `web/`) and are
//! served by the application, with Passerelle's own embedded stylesheet and script, under a
//! versioned prefix, compressed and cached for a year ([`assets`]). The content security policy
//! allows no inline script or style: charts are SVG drawn on the server, with their figures
//! also given as tables.

pub mod assets;
mod errors;
pub(crate) mod forms;
pub(crate) mod labels;
mod pagination;
mod sign_in;

pub use errors::{PageError, PageResult, not_found, refused_in_french};
pub use pagination::{PER_PAGE, Pagination, page_number};
pub(crate) use sign_in::safe_next;
use sign_in::{home, sign_in, sign_in_form, sign_out};

pub(crate) use crate::actions::pages as actions;
pub(crate) use crate::admin::pages as admin;
pub(crate) use crate::directory::pages as directory;
pub(crate) use crate::duos::mentor_pages;
pub(crate) use crate::duos::pages as duos;
pub(crate) use crate::indicators::pages as indicators;
pub(crate) use crate::job_seekers::pages as job_seekers;
pub(crate) use crate::meetings::pages as meetings;
pub(crate) use crate::offers::pages as offers;
pub(crate) use crate::policies::pages as policies;
pub(crate) use crate::reconversion::pages as reconversion;
pub(crate) use crate::referrals::pages as referrals;
pub(crate) use crate::training_plans::pages as training_plans;
pub(crate) use crate::trainings::pages as trainings;

pub(crate) use std::net::SocketAddr;
pub(crate) use std::path::{Path as FsPath, PathBuf};
pub(crate) use std::sync::Arc;

pub(crate) use askama::Template;
pub(crate) use axum::Router;
pub(crate) use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
pub(crate) use axum::http::request::Parts;
pub(crate) use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
pub(crate) use axum::middleware::Next;
pub(crate) use axum::response::{Html, IntoResponse, Redirect, Response};
pub(crate) use axum::routing::{get, post};
pub(crate) use serde::Deserialize;

pub(crate) use crate::AppState;
pub(crate) use crate::access::{Principal, Resource, Verb};
pub(crate) use crate::api;
pub(crate) use crate::auth;
pub(crate) use crate::error::ApiError;
pub(crate) use crate::json::{JsonBody, PageQuery};

pub use forms::Field;

pub(crate) type St = State<Arc<AppState>>;

/// Where the DSFR's files are looked for when `--assets` is not given: beside the working
/// directory, then in the source tree this binary was built from.
pub fn default_assets_dir() -> Option<PathBuf> {
    let relative = FsPath::new("web/node_modules/@gouvfr/dsfr/dist");
    let candidates = [
        std::env::current_dir().ok().map(|d| d.join(relative)),
        Some(
            FsPath::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(relative),
        ),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("dsfr.min.css").is_file())
}

/// The page routes, the DSFR's files and Passerelle's own.
pub fn routes(assets: Option<PathBuf>) -> Router<Arc<AppState>> {
    let pages = Router::new()
        .route("/", get(home))
        .route("/connexion", get(sign_in_form).post(sign_in))
        .route("/deconnexion", post(sign_out))
        .route("/tableau-de-bord", get(offers::dashboard))
        .route(
            "/offres/nouvelle",
            get(offers::new_offer).post(offers::create_offer),
        )
        .route(
            "/offres/import",
            get(offers::import_form).post(offers::import),
        )
        .route("/offres/{id}", get(offers::offer))
        .route("/offres/{id}/proposer", post(offers::propose))
        .route("/mises-en-relation", get(referrals::referrals))
        .route("/mises-en-relation/{id}", get(referrals::referral))
        .route(
            "/mises-en-relation/{id}/etat",
            post(referrals::move_referral),
        )
        .route("/demandeurs", get(job_seekers::job_seekers))
        .route("/demandeurs/{id}", get(job_seekers::job_seeker))
        .route("/demandeurs/{id}/proposer", post(job_seekers::propose))
        .route(
            "/demandeurs/{id}/consentement",
            post(job_seekers::record_consent),
        )
        .route("/politique", get(policies::page_get).post(policies::set))
        .route("/pilotage", get(indicators::indicators))
        .route(
            "/pilotage/glossaire",
            get(crate::indicators::report_pages::glossary),
        )
        .route(
            "/pilotage/rapport",
            get(crate::indicators::report_pages::report_page),
        )
        .route(
            "/pilotage/rapport.xlsx",
            get(crate::indicators::report_pages::report_xlsx),
        )
        .route(
            "/pilotage/rapport.csv",
            get(crate::indicators::report_pages::report_csv),
        )
        .route(
            "/pilotage/indicateurs/{id}",
            get(crate::indicators::report_pages::indicator_page),
        )
        .route("/tension", get(crate::tension::pages::tension))
        .route("/annuaire", get(directory::search))
        .route("/annuaire/ma-structure", get(directory::mine))
        .route(
            "/annuaire/services/{id}/confirmer",
            post(directory::confirm),
        )
        .route(
            "/annuaire/structures/{id}/profil",
            get(crate::directory::entry_pages::profile_form)
                .post(crate::directory::entry_pages::save_profile),
        )
        .route(
            "/annuaire/structures/{id}/services/nouveau",
            get(crate::directory::forms::new_service).post(crate::directory::forms::create_service),
        )
        .route(
            "/annuaire/services/{id}/modifier",
            get(crate::directory::forms::edit_service)
                .post(crate::directory::forms::update_service),
        )
        .route(
            "/annuaire/services/{id}/historique",
            get(crate::directory::entry_pages::history),
        )
        .route(
            "/annuaire/services/{id}/statut/{action}",
            post(crate::directory::forms::move_service),
        )
        .route(
            "/admin/annuaire",
            get(crate::directory::entry_pages::moderation),
        )
        .route(
            "/admin/annuaire/moderation",
            post(crate::directory::entry_pages::save_moderation),
        )
        .route("/actions", get(actions::list))
        .route(
            "/actions/nouvelle",
            get(actions::new_form).post(actions::create),
        )
        .route("/actions/{id}", get(actions::show))
        .route("/actions/{id}/etat", post(actions::move_to))
        .route("/actions/{id}/invitations", post(actions::invite))
        .route("/actions/{id}/presence", post(actions::attendance))
        .route("/actions/{id}/cloture", post(actions::close_attendance))
        .route("/actions/{id}/resultats", post(actions::outcome))
        .route("/actions/{id}/emargement", get(actions::sheet))
        .route("/actions/{id}/emargement.xlsx", get(actions::sheet_xlsx))
        .route(
            "/tuteurs",
            get(mentor_pages::mentors).post(mentor_pages::create_mentor),
        )
        .route("/tuteurs/{id}/retrait", post(mentor_pages::withdraw_mentor))
        .route("/formations", get(trainings::catalogue))
        .route("/formations/{id}", get(trainings::session))
        .route("/demandeurs/{id}/reconversion", get(reconversion::paths))
        .route(
            "/demandeurs/{id}/evaluations",
            get(crate::evaluations::pages::page).post(crate::evaluations::pages::record),
        )
        .route(
            "/evaluations/{id}/supprimer",
            post(crate::evaluations::pages::delete),
        )
        .route("/duos", get(duos::list))
        .route("/duos/{id}", get(duos::show))
        .route("/duos/{id}/etat", post(duos::move_to))
        .route("/duos/{id}/contacts", post(duos::log_contact))
        .route("/duos/{id}/resultats", post(duos::record_outcome))
        .route("/plans-formation", get(training_plans::list))
        .route("/plans-formation/{id}", get(training_plans::show))
        .route("/plans-formation/{id}/etat", post(training_plans::move_to))
        .route(
            "/offres/{id}/former",
            get(crate::training_plans::build_pages::build_form)
                .post(crate::training_plans::build_pages::build),
        )
        .route(
            "/demandeurs/{id}/duo",
            get(duos::suggestions).post(duos::propose),
        )
        .route("/demandeurs/{id}/duo/tirage", post(duos::draw))
        .route("/invitations", get(actions::invitations))
        .route("/invitations/{id}/etat", post(actions::move_invitation))
        .route("/reunions", get(meetings::list).post(meetings::create))
        .route("/reunions/{id}/inscription", post(meetings::register))
        .route("/reunions/{id}/presence", post(meetings::attendance))
        .route("/reunions/{id}/cloture", post(meetings::close))
        .route(
            "/reunions/{id}/desinscription/{registration}",
            post(meetings::unregister),
        )
        .route(
            "/admin/utilisateurs",
            get(admin::users).post(admin::create_user),
        )
        .route("/admin/structures", get(admin::structures))
        .route(
            "/admin/conservation",
            get(crate::retention::pages::retention),
        )
        .route(
            "/admin/effacements/{id}/traiter",
            post(crate::retention::pages::process),
        )
        .route("/espace", get(crate::person::pages::home))
        .route("/espace/connexion", get(crate::person::pages::sign_in_form))
        .route(
            "/espace/connexion/lien",
            post(crate::person::pages::ask_link),
        )
        .route(
            "/espace/connexion/code",
            post(crate::person::pages::sign_in_with_code),
        )
        .route(
            "/espace/lien",
            get(crate::person::pages::link_page).post(crate::person::pages::follow_link),
        )
        .route("/espace/deconnexion", post(crate::person::pages::sign_out))
        .route(
            "/espace/mises-en-relation/{id}",
            post(crate::person::pages::answer_referral),
        )
        .route(
            "/espace/invitations/{id}",
            post(crate::person::pages::answer_invitation),
        )
        .route("/espace/duos/{id}", post(crate::person::pages::answer_duo))
        .route(
            "/espace/consentement",
            get(crate::person::pages::consent).post(crate::person::pages::set_consent),
        )
        .route("/espace/historique", get(crate::person::pages::history))
        .route("/espace/donnees", get(crate::person::pages::data))
        .route("/espace/donnees.json", get(crate::person::pages::data_json))
        .route(
            "/espace/effacement",
            post(crate::person::pages::request_erasure),
        )
        .route(
            "/espace/rectification",
            post(crate::person::pages::request_rectification),
        )
        .route(
            "/demandeurs/{id}/code-acces",
            post(crate::person::pages::issue_code),
        )
        .route("/equipe", get(crate::staff::pages::team))
        .route("/equipe/invitations", post(crate::staff::pages::invite))
        .route(
            "/equipe/invitations/{id}/annulation",
            post(crate::staff::pages::revoke),
        )
        .route(
            "/equipe/membres/{id}/suspension",
            post(crate::staff::pages::suspend),
        )
        .route(
            "/equipe/membres/{id}/retrait",
            post(crate::staff::pages::remove),
        )
        .route(
            "/equipe/invitation",
            get(crate::staff::pages::accept_form).post(crate::staff::pages::accept),
        )
        .route("/suggestions/metiers", get(forms::occupations))
        .route("/suggestions/communes", get(forms::communes))
        .route(
            "/suggestions/zones",
            get(crate::directory::entry_pages::zone_suggestions),
        )
        .route_layer(axum::middleware::from_fn(csrf_from_form));
    pages.merge(assets::routes(assets))
}

/// HTML forms send the anti-forgery token as a `csrf_token` field (urlencoded or multipart): it
/// is moved into the `x-csrf-token` header that [`Principal`]'s check reads, so that pages and
/// API share one check.
async fn csrf_from_form(request: Request, next: Next) -> Response {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    let multipart = content_type.starts_with("multipart/form-data");
    if request.method() != Method::POST || !(urlencoded || multipart) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return PageError(ApiError::TooLarge(crate::BODY_LIMIT)).into_response();
    };
    let token = if urlencoded {
        form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == "csrf_token")
            .map(|(_, token)| token.into_owned())
    } else {
        // The token is the form's first field: read it from the body's start, so that the
        // multipart reader's own size limit (2 MB) never meets a big file after it.
        let head = bytes.slice(..bytes.len().min(64 * 1024));
        multipart_field(&content_type, head, "csrf_token").await
    };
    if let Some(value) = token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        parts.headers.insert(auth::CSRF_HEADER, value);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The text of one field of a multipart body (read from a copy: the handler reads it again).
pub(crate) async fn multipart_field(
    content_type: &str,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::FromRequest;
    let request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(bytes))
        .ok()?;
    let mut multipart = axum::extract::Multipart::from_request(request, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Who is looking, and the page's frame.

/// The signed-in user of a page; without a session, the page sends to the sign-in form.
pub struct Viewer(pub Principal);

impl FromRequestParts<Arc<AppState>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        match Principal::from_request_parts(parts, state).await {
            Ok(principal) => Ok(Viewer(principal)),
            Err(ApiError::Unauthenticated(_)) => {
                let back = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if parts.method == Method::GET {
                    format!(
                        "/connexion?suite={}",
                        form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                    )
                } else {
                    "/connexion".to_string()
                };
                Err(see_other(&target))
            }
            Err(err) => Err(PageError(err).into_response()),
        }
    }
}

/// A record's page as asked: the signed-in viewer, the record's id (`/…/{id}`) and the query
/// string every page reads (what was just done there, `?fait=`).
pub struct RecordPage(pub Principal, pub i64, pub ListQuery);

impl FromRequestParts<Arc<AppState>> for RecordPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let Viewer(principal) = Viewer::from_request_parts(parts, state).await?;
        let crate::json::PagePath(id) =
            crate::json::PagePath::from_request_parts(parts, state).await?;
        let PageQuery(query) = PageQuery::from_request_parts(parts, state).await?;
        Ok(Self(principal, id, query))
    }
}

/// One link of the main menu.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What every page shows around its content: title, user, menu, anti-forgery token.
pub struct Chrome {
    pub title: String,
    pub user: Option<String>,
    pub role: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// A message at the top of the page (success of the previous action).
    pub notice: Option<String>,
    /// The static files' versioned URLs.
    pub assets: &'static assets::Assets,
    /// Where the sign-out button posts: an account's session, or a person's own space.
    pub sign_out: &'static str,
}

impl Chrome {
    pub fn new(principal: &Principal, title: impl Into<String>, current: &str) -> Self {
        let mut nav = Vec::new();
        let mut add = |href: &'static str, label: &'static str| {
            if !nav.iter().any(|n: &NavItem| n.href == href) {
                nav.push(NavItem {
                    href,
                    label,
                    current: current == href,
                });
            }
        };
        if principal.grant(Resource::Offers, Verb::Write, None).is_ok() {
            add("/tableau-de-bord", "Tableau de bord");
            add("/offres/nouvelle", "Créer une offre");
            add("/offres/import", "Importer des offres");
        }
        if !principal
            .grants(Resource::JobSeekers, Verb::Read)
            .is_empty()
            && principal
                .grants(Resource::JobSeekers, Verb::Read)
                .iter()
                .any(|g| g.rule.reach != crate::access::Reach::Revealed)
        {
            add("/demandeurs", "Mes demandeurs d'emploi");
        }
        if !principal
            .grants(Resource::OfferReferrals, Verb::Read)
            .is_empty()
            || !principal
                .grants(Resource::SeekerReferrals, Verb::Read)
                .is_empty()
        {
            add("/mises-en-relation", "Mises en relation");
        }
        if !principal
            .grants(Resource::Indicators, Verb::Read)
            .is_empty()
        {
            add("/pilotage", "Pilotage");
        }
        if !principal.grants(Resource::Tension, Verb::Read).is_empty() {
            add("/tension", "Métiers en tension");
        }
        if !principal.grants(Resource::Directory, Verb::Read).is_empty() {
            add("/annuaire", "Annuaire");
        }
        if principal
            .grants(Resource::Directory, Verb::Write)
            .iter()
            .any(|g| g.rule.reach == crate::access::Reach::Own)
        {
            add("/annuaire/ma-structure", "Mes services");
        }
        if !principal.grants(Resource::Meetings, Verb::Read).is_empty() {
            add("/reunions", "Réunions");
        }
        if !principal.grants(Resource::Actions, Verb::Read).is_empty() {
            add("/actions", "Actions");
        }
        if !principal
            .grants(Resource::SeekerInvitations, Verb::Read)
            .is_empty()
        {
            add("/invitations", "Invitations");
        }
        if principal
            .grants(Resource::Mentors, Verb::Write)
            .iter()
            .any(|g| g.rule.reach == crate::access::Reach::Own)
        {
            add("/tuteurs", "Tuteurs");
        }
        if !principal.grants(Resource::Duos, Verb::Read).is_empty()
            || principal
                .grants(Resource::Indicators, Verb::Read)
                .iter()
                .any(|g| g.rule.reach == crate::access::Reach::Any)
        {
            add("/duos", "Duos");
        }
        if !principal
            .grants(Resource::TrainingPlans, Verb::Read)
            .is_empty()
            || principal
                .grants(Resource::Indicators, Verb::Read)
                .iter()
                .any(|g| g.rule.reach == crate::access::Reach::Any)
        {
            add("/plans-formation", "Plans de formation");
        }
        if !principal.grants(Resource::Trainings, Verb::Read).is_empty() {
            add("/formations", "Formations");
        }
        // Those who set the policy find it in the menu; the others follow the links beside
        // each shortlist.
        if !principal.grants(Resource::Policies, Verb::Write).is_empty() {
            add("/politique", "Publics prioritaires");
        }
        if !principal.grants(Resource::Accounts, Verb::Read).is_empty() {
            add("/admin/utilisateurs", "Utilisateurs");
            add("/admin/structures", "Structures");
        }
        // A structure's people: its managers' own team, every structure's for the admins.
        let staff = principal.grants(Resource::Staff, Verb::Write);
        if staff
            .iter()
            .any(|g| g.rule.reach == crate::access::Reach::Own)
        {
            add("/equipe", "Mon équipe");
        } else if !staff.is_empty() {
            add("/equipe", "Équipes");
        }
        if !principal.grants(Resource::Retention, Verb::Read).is_empty() {
            add("/admin/conservation", "Conservation des données");
        }
        let role = principal
            .seats
            .first()
            .map(|s| labels::role(s.role.as_str()).to_string())
            .unwrap_or_default();
        Self {
            title: title.into(),
            user: Some(principal.user.display_name.clone()),
            role,
            csrf: principal.csrf_token.clone().unwrap_or_default(),
            nav,
            notice: None,
            assets: assets::assets(),
            sign_out: "/deconnexion",
        }
    }

    pub fn anonymous(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user: None,
            role: String::new(),
            csrf: String::new(),
            nav: Vec::new(),
            notice: None,
            assets: assets::assets(),
            sign_out: "/deconnexion",
        }
    }

    /// The frame of a page of a job seeker's own space: their menu, their sign-out.
    pub fn person(person: &crate::person::Person, title: impl Into<String>, current: &str) -> Self {
        let nav = [
            ("/espace", "Mes propositions"),
            ("/espace/consentement", "Mon consentement"),
            ("/espace/historique", "Qui a consulté mes données"),
            ("/espace/donnees", "Mes données"),
        ]
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: current == href,
        })
        .collect();
        Self {
            title: title.into(),
            user: Some(format!(
                "{} {}",
                person.job_seeker.record.first_name, person.job_seeker.record.last_name
            )),
            role: "Mon espace".to_string(),
            csrf: person.session.csrf_token.clone(),
            nav,
            notice: None,
            assets: assets::assets(),
            sign_out: "/espace/deconnexion",
        }
    }

    pub fn notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }
}

/// Renders a template as the page's HTML.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => PageError(ApiError::Internal(format!("rendering: {err}"))).into_response(),
    }
}

/// The title of a page whose form (or search) may have been refused: "Erreur — " first when
/// it was.
pub fn form_title(title: &str, refused: bool) -> String {
    if refused {
        format!("Erreur — {title}")
    } else {
        title.to_string()
    }
}

/// A page whose form (or search) may have been refused: a 422 when it was, as its title says.
pub fn render_form(template: &impl Template, refused: bool) -> Response {
    let mut response = render(template);
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// A 303 to another page (after a form), with a message for it.
pub fn see_other(path: &str) -> Response {
    // Never fails after a write: a path that cannot be a header goes home instead.
    let location = header::HeaderValue::from_str(path)
        .unwrap_or_else(|_| header::HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

// ---------------------------------------------------------------------------------------
// Shared bits.

/// What the query of a list page may hold (each page reads its own).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub page: Option<String>,
    pub fait: Option<String>,
    pub q: Option<String>,
    pub statut: Option<String>,
    pub metier: Option<String>,
    pub etat: Option<String>,
    pub departement: Option<String>,
    pub tri: Option<String>,
}

/// The message shown after an action (`?fait=...`).
pub fn done(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "offre" => "L'offre est enregistrée et ouverte aux candidatures.",
        "import" => "Le fichier est importé.",
        "proposee" => {
            "La mise en relation est proposée : le conseiller France Travail de la personne va \
             la lui présenter."
        }
        "etat" => "L'état de la mise en relation est enregistré.",
        "compte" => "Le compte est créé.",
        "confirme" => "La fiche est confirmée à jour.",
        "cree" => "Le service est publié : il apparaît dès maintenant dans l'annuaire.",
        "en_attente" => {
            "Le service est enregistré : il sera publié dès qu'un administrateur l'aura approuvé \
             (votre structure est nouvelle dans l'annuaire)."
        }
        "modifie" => "Le service est modifié : l'annuaire montre la nouvelle version.",
        "suspendu" => "Le service est suspendu : il n'apparaît plus dans l'annuaire.",
        "repris" => "Le service est de nouveau proposé dans l'annuaire.",
        "archive" => {
            "Le service est supprimé de l'annuaire : il est archivé avec son historique, et \
             n'apparaîtra plus."
        }
        "profil" => "Le profil de la structure est enregistré.",
        "inscrit" => "Votre inscription est enregistrée : un message vous la confirme.",
        "attente" => {
            "La réunion est complète : vous êtes sur la liste d'attente, et serez prévenu(e) par \
             message si une place se libère."
        }
        "desinscrit" => {
            "L'inscription est annulée ; la place libérée revient à la liste d'attente."
        }
        "cloture" => "La présence de la réunion est close.",
        "cloture_action" => {
            "La présence de l'action est close : ses résultats se notent encore 90 jours."
        }
        "reunion" => "La réunion est créée et les structures du territoire sont invitées.",
        "presence" => "La présence est enregistrée.",
        "action_creee" => {
            "L'action est créée en préparation : seuls ses organisateurs la voient jusqu'à sa \
             publication."
        }
        "action" => "L'état de l'action est enregistré.",
        "invitations" => {
            "Les invitations sont tirées : les conseillers des personnes les relaient et \
             enregistrent leurs réponses."
        }
        "invitation" => "La réponse à l'invitation est enregistrée.",
        "resultat_seul" => {
            "Le résultat est noté. La mise en relation n'a pas suivi : le consentement de la \
             personne ou les conditions de l'offre ne la permettent pas."
        }
        "resultat" => {
            "Le résultat est noté ; une embauche ou un entretien sur une offre de l'action met à \
             jour la mise en relation."
        }
        "consentement" => "Le consentement et les statuts déclarés sont enregistrés.",
        "tuteur" => {
            "Le tuteur est inscrit : les conseillers France Travail le voient sous un pseudonyme \
             parmi les tuteurs disponibles."
        }
        "tuteur_retire" => {
            "Le tuteur est retiré : ses duos non commencés sont déclinés, ceux en cours arrêtés."
        }
        "duo_propose" => {
            "Le duo est proposé : recueillez l'accord de la personne ; l'agence du tuteur \
             recueille le sien."
        }
        "tirage_gagne" => {
            "Le tirage au sort a désigné un tuteur : le duo est proposé aux deux côtés."
        }
        "tirage_perdu" => {
            "Le tirage au sort n'a pas attribué de duo : la personne compte parmi le groupe de \
             comparaison de l'évaluation."
        }
        "duo" => "L'état du duo est enregistré.",
        "contact" => "Le contact est noté.",
        "resultat_duo" => "Le résultat du duo est noté.",
        "retrait" => {
            "Le consentement est retiré : la personne ne figure plus dans les présélections, et \
             les propositions qu'elle n'avait pas encore acceptées sont annulées."
        }
        "politique" => {
            "La politique est enregistrée : elle s'applique aux présélections du territoire à \
             partir de sa date d'effet."
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// A value written into a link's query string.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// One bar of a reasons breakdown: a label, a share between 0 and 1, drawn as SVG.
pub struct Bar {
    pub label: &'static str,
    pub percent: u32,
}

pub fn reason_bars(r: &api::views::Reasons) -> Vec<Bar> {
    let pct = |x: f64| (x.clamp(0.0, 1.0) * 100.0).round() as u32;
    vec![
        Bar {
            label: "Métier",
            percent: pct(r.occupation),
        },
        Bar {
            label: "Compétences",
            percent: pct(r.skills),
        },
        Bar {
            label: "Distance",
            percent: pct(r.distance),
        },
        Bar {
            label: "Disponibilité",
            percent: pct(r.availability),
        },
        Bar {
            label: "Conditions",
            percent: pct(r.conditions),
        },
        Bar {
            label: "Expérience",
            percent: pct(r.experience),
        },
    ]
}

/// A date as French readers write it.
pub fn fr_date(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub fn fr_datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

/// The name of a commune from its INSEE code.
pub fn commune_name(code: &str) -> String {
    refdata::geo()
        .commune(code)
        .map(|c| format!("{} ({})", c.name, c.department))
        .unwrap_or_else(|| code.to_string())
}

/// A time of day in Paris time, "09h30".
pub fn paris_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%Hh%M")
        .to_string()
}

/// A date and time typed in Paris time, in UTC (the earlier of two on the autumn change; a
/// time skipped in spring is taken one hour later).
pub fn from_paris(
    date: chrono::NaiveDate,
    time: chrono::NaiveTime,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone as _;
    let local = date.and_time(time);
    chrono_tz::Europe::Paris
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            chrono_tz::Europe::Paris
                .from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&local))
}

/// The label of a ROME occupation.
pub fn occupation_label(code: &str) -> String {
    refdata::rome()
        .occupation(code)
        .map(|o| o.label.to_string())
        .unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod markup;

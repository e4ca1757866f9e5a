//! The structure's own entry beyond its services' forms: its profile's form, a service's
//! history, the administrators' moderation page, and the eligibility zones suggested as a
//! form's zone field is typed. Each page reads and writes through the API's functions
//! (`edits`), as the service forms do (`forms`).

use refdata::{Vocabulary, inclusion};
use serde_json::Value;

use super::edits::{self, StructureProfileView};
use super::forms::{Choice, Choices, Sent, back_to, french_problems};
use crate::json::{PageForm, PagePath};
use crate::pages::forms::set_error;
use crate::pages::*;
use model::{ServiceAction, StructureKind};

/// One line of a service's history as the page shows it.
pub struct ChangeRow {
    pub at: String,
    pub action: &'static str,
    pub by: String,
    pub fields: String,
}

#[derive(Template)]
#[template(path = "directory/history.html")]
struct HistoryPage {
    chrome: Chrome,
    service: String,
    back: String,
    rows: Vec<ChangeRow>,
}

pub fn action_label(code: &str) -> &'static str {
    match ServiceAction::parse(code) {
        Some(ServiceAction::Created) => "Création",
        Some(ServiceAction::Updated) => "Modification",
        Some(ServiceAction::Confirmed) => "Confirmation que la fiche est à jour",
        Some(ServiceAction::Suspended) => "Suspension",
        Some(ServiceAction::Resumed) => "Reprise",
        Some(ServiceAction::Approved) => "Approbation par l'administration",
        Some(ServiceAction::Refused) => "Refus par l'administration",
        Some(ServiceAction::Archived) => "Suppression (archivé)",
        None => "Autre",
    }
}

/// A record's field in French, for the history.
fn field_label(field: &str) -> &str {
    match field {
        "name" => "nom",
        "description" => "description",
        "kind" => "type",
        "thematiques" => "thématiques",
        "publics" => "publics",
        "publics_details" => "précisions sur les publics",
        "fees" => "frais",
        "fees_details" => "précisions sur les frais",
        "access_conditions" => "conditions d'accès",
        "commune" => "commune",
        "address" => "adresse",
        "postcode" => "code postal",
        "coordinates" => "coordonnées",
        "phone" => "téléphone",
        "email" => "courriel",
        "reception_modes" => "modes d'accueil",
        "eligibility_zone" => "zone d'éligibilité",
        "contact_name" => "contact",
        "mobilisation_link" => "lien de mobilisation",
        "mobilisation_modes" => "modes de mobilisation",
        "mobilisable_by" => "mobilisable par",
        "mobilisation_details" => "précisions sur la mobilisation",
        "opening_hours" => "horaires",
        "updated_on" => "date de mise à jour",
        "review_every_days" => "fréquence de vérification",
        other => other,
    }
}

pub async fn history(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let changes = edits::history(&state, &principal, id).await?;
    let service = state
        .store
        .service(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service {id}")))?;
    let structure_id = state
        .structure_id(service.record.structure_siret.as_str())
        .await?
        .unwrap_or_default();
    let rows = changes
        .iter()
        .rev()
        .map(|c| ChangeRow {
            at: fr_datetime(c.at),
            action: action_label(&c.action),
            by: c
                .by
                .clone()
                .unwrap_or_else(|| "Import de fichier".to_string()),
            fields: c
                .fields
                .iter()
                .filter(|f| f.as_str() != "updated_on")
                .map(|f| field_label(f))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Ok(render(&HistoryPage {
        chrome: Chrome::new(
            &principal,
            "Historique d'un service",
            "/annuaire/ma-structure",
        ),
        service: service.record.name,
        back: back_to(&state, &principal, structure_id, "")
            .await?
            .replace("&fait=", "")
            .replace("?fait=", ""),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "directory/profile_form.html")]
struct ProfilePage {
    chrome: Chrome,
    structure: String,
    structure_id: i64,
    errors: Vec<(String, String)>,
    fields: Vec<Field>,
    networks: Choices,
}

#[derive(Deserialize)]
pub struct ProfilePost {
    #[serde(default)]
    description: String,
    #[serde(default)]
    horaires_accueil: String,
    #[serde(default)]
    accessibilite_lieu: String,
    #[serde(default)]
    site_web: String,
    #[serde(default)]
    reseau: String,
}

fn blank_none(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The profile's form as a response: the page, or the page refused with its problems.
fn profile_form_page(
    principal: &Principal,
    structure: &model::Structure,
    view: &StructureProfileView,
    problems: &[(String, String)],
) -> Response {
    let chrome = Chrome::new(
        principal,
        "Le profil de ma structure",
        "/annuaire/ma-structure",
    );
    let page = profile_page(
        chrome,
        structure.record.name.clone(),
        structure.id,
        structure.record.kind,
        view,
        problems,
    );
    if problems.is_empty() {
        render(&page)
    } else {
        render_form(&page, true)
    }
}

fn profile_page(
    chrome: Chrome,
    structure: String,
    structure_id: i64,
    kind: StructureKind,
    view: &StructureProfileView,
    problems: &[(String, String)],
) -> ProfilePage {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields = vec![
        Field::text(
            "description",
            "Présentation de la structure",
            &text(&view.description),
        )
        .kind("textarea")
        .hint("Ce que fait la structure, pour qui : 10 000 caractères au plus."),
        Field::text(
            "horaires_accueil",
            "Horaires d'accueil",
            &text(&view.horaires_accueil),
        )
        .hint(
            "Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
        ),
        Field::text(
            "accessibilite_lieu",
            "Page d'accessibilité du lieu",
            &text(&view.accessibilite_lieu),
        )
        .kind("url")
        .hint("Le lien de la fiche acceslibre du lieu, commençant par https://."),
        Field::text("site_web", "Site web", &text(&view.site_web))
            .kind("url")
            .hint("Commençant par https://."),
    ];
    if kind == StructureKind::AgenceEmploi {
        fields.push(
            Field::text(
                "reseau",
                "Enseigne du réseau d'agences",
                &text(&view.reseau),
            )
            .hint("Extension de Passerelle pour les réseaux de travail temporaire."),
        );
    }
    let mut networks = Choices {
        name: "reseaux_porteurs",
        legend: "Réseaux porteurs",
        groups: vec![(
            "",
            inclusion()
                .values(Vocabulary::ReseauPorteur)
                .iter()
                .map(|(value, label)| Choice {
                    value,
                    label,
                    checked: view.reseaux_porteurs.iter().any(|r| r == value),
                })
                .collect(),
        )],
        error: None,
    };
    for (field, message) in problems {
        if field == "reseaux_porteurs" {
            networks.error = Some(message.clone());
        } else {
            set_error(&mut fields, field, message.clone());
        }
    }
    ProfilePage {
        chrome,
        structure,
        structure_id,
        errors: problems.to_vec(),
        fields,
        networks,
    }
}

pub async fn profile_form(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    principal
        .grant(Resource::Directory, Verb::Write, Some(id))
        .map_err(ApiError::Forbidden)?;
    let structure = state
        .store
        .structure(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("structure {id}")))?;
    let view = edits::profile(&state, id).await?;
    Ok(profile_form_page(&principal, &structure, &view, &[]))
}

pub async fn save_profile(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let sent = Sent::of(pairs);
    let post = ProfilePost {
        description: sent.one("description"),
        horaires_accueil: sent.one("horaires_accueil"),
        accessibilite_lieu: sent.one("accessibilite_lieu"),
        site_web: sent.one("site_web"),
        reseau: sent.one("reseau"),
    };
    let view = StructureProfileView {
        description: blank_none(&post.description),
        horaires_accueil: blank_none(&post.horaires_accueil),
        accessibilite_lieu: blank_none(&post.accessibilite_lieu),
        site_web: blank_none(&post.site_web),
        reseaux_porteurs: sent.all("reseaux_porteurs"),
        // On the form (agences d'emploi only): an emptied field clears the brand.
        reseau: sent.0.contains_key("reseau").then(|| post.reseau.clone()),
        date_maj: None,
    };
    match edits::set_profile(&state, &principal, id, view.clone()).await {
        Ok(()) => Ok(see_other(&back_to(&state, &principal, id, "profil").await?)),
        Err(err) => {
            let problems = french_problems(err)?;
            let structure = state
                .store
                .structure(id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("structure {id}")))?;
            Ok(profile_form_page(&principal, &structure, &view, &problems))
        }
    }
}

/// One service waiting for approval, as the moderation page lists it.
pub struct PendingRow {
    pub id: i64,
    pub name: String,
    pub structure: String,
    pub description: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "directory/moderation.html")]
struct ModerationPage {
    chrome: Chrome,
    rows: Vec<PendingRow>,
    kinds: Vec<Choice>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub fait: Option<String>,
}

fn moderation_notice(done: Option<&str>) -> Option<String> {
    match done? {
        "approuve" => Some("Le service est approuvé : il est publié dans l'annuaire.".to_string()),
        "refuse" => Some(
            "Le service est refusé : sa structure peut le corriger et le proposer à nouveau."
                .to_string(),
        ),
        "reseaux" => Some("Les réseaux soumis à la modération sont enregistrés.".to_string()),
        _ => None,
    }
}

/// The administrators' moderation: the services waiting, and the kinds under moderation.
pub async fn moderation(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<DoneQuery>,
) -> PageResult {
    principal
        .grant(Resource::DirectoryModeration, Verb::Read, None)
        .map_err(ApiError::Forbidden)?;
    let pending = edits::pending_services(State(state.clone()), principal.clone())
        .await?
        .0;
    let mut rows = Vec::with_capacity(pending.len());
    for view in pending {
        let text = |key: &str| {
            view.record
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let structure = match view.record.get("structure_id").and_then(Value::as_str) {
            Some(id) => {
                let siret = id.rsplit("--").next().unwrap_or(id);
                match domain::Siret::parse(siret) {
                    Ok(siret) => state
                        .store
                        .structure_by_siret(&siret)
                        .await?
                        .map(|s| s.record.name)
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                }
            }
            None => String::new(),
        };
        rows.push(PendingRow {
            id: view.id,
            name: text("nom"),
            structure,
            description: text("description"),
            since: fr_datetime(view.created_at),
        });
    }
    let moderated = state.store.moderated_kinds().await?;
    let kinds = StructureKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str(),
            label: labels::structure_kind(k.as_str()),
            checked: moderated.contains(k),
        })
        .collect();
    Ok(render(&ModerationPage {
        chrome: Chrome::new(&principal, "Modération de l'annuaire", "/admin/annuaire")
            .notice(moderation_notice(query.fait.as_deref())),
        rows,
        kinds,
    }))
}

pub async fn save_moderation(
    State(state): St,
    Viewer(principal): Viewer,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let kinds = Sent::of(pairs).all("kinds");
    edits::set_moderation(&state, &principal, &kinds).await?;
    Ok(see_other("/admin/annuaire?fait=reseaux"))
}

/// Eligibility zones for what was typed: « france », then departments, EPCI and communes whose
/// name starts with it (or of that code), as `["Seine-Saint-Denis (93)", ...]`.
pub async fn zone_suggestions(
    Viewer(_): Viewer,
    PageQuery(query): PageQuery<crate::pages::forms::SuggestQuery>,
) -> Response {
    let typed = query.text();
    if crate::limits::search_problem(typed).is_some() || typed.trim().is_empty() {
        return axum::Json(Vec::<String>::new()).into_response();
    }
    let folded = refdata::text::normalise(typed);
    if folded.is_empty() {
        return axum::Json(Vec::<String>::new()).into_response();
    }
    let starts = |name: &str| refdata::text::normalise(name).starts_with(&folded);
    let geo = refdata::geo();
    let mut out: Vec<String> = Vec::new();
    if "france".starts_with(&folded) {
        out.push("france".to_string());
    }
    out.extend(
        geo.departments()
            .filter(|d| d.code == typed.trim() || starts(d.name))
            .take(5)
            .map(|d| format!("{} ({})", d.name, d.code)),
    );
    out.extend(
        geo.epcis()
            .filter(|e| e.code == typed.trim() || starts(e.name))
            .take(5)
            .map(|e| format!("{} ({})", e.name, e.code)),
    );
    out.extend(
        geo.lookup(typed.trim())
            .into_iter()
            .chain(
                geo.names_starting_with(typed.trim())
                    .into_iter()
                    .map(|(c, _)| c),
            )
            .take(5)
            .map(|c| format!("{} ({})", c.name, c.code)),
    );
    out.dedup();
    out.truncate(12);
    axum::Json(out).into_response()
}

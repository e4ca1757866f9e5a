//! The structures' self-service as pages: a structure's services written in forms (every
//! data·inclusion v1 field, the vocabularies as choices, the commune and the eligibility
//! zones with suggestions), and moved (suspended, resumed, deleted, approved, refused). Each
//! page reads and writes through the API's functions (`edits`), whose problems it says next
//! to each field, in French. The profile, the history and the moderation are `entry_pages`.

use std::collections::HashMap;

use refdata::{Vocabulary, inclusion};
use serde_json::{Map, Value, json};

use super::edits::{self, StructureServiceView};
use crate::json::{PageForm, PagePath};
use crate::pages::forms::{commune_of, error_summary, set_error, trailing_code};
use crate::pages::*;
use model::ServiceAction;

/// The text fields of a service's form, in data·inclusion's names, with their labels.
const TEXTS: [(&str, &str, &str, &str); 14] = [
    ("nom", "Nom du service", "text", "De 3 à 150 caractères."),
    (
        "description",
        "Description",
        "textarea",
        "De 5 à 10 000 caractères : ce que le service apporte, à qui, comment.",
    ),
    (
        "publics_precisions",
        "Précisions sur les publics",
        "textarea",
        "",
    ),
    ("conditions_acces", "Conditions d'accès", "textarea", ""),
    (
        "frais_precisions",
        "Précisions sur les frais",
        "textarea",
        "",
    ),
    (
        "adresse",
        "Adresse où le service est rendu",
        "text",
        "Laissez vide s'il est rendu à l'adresse de la structure.",
    ),
    ("code_postal", "Code postal", "text", ""),
    ("telephone", "Téléphone", "text", ""),
    ("courriel", "Courriel", "email", ""),
    (
        "contact_nom_prenom",
        "Personne à contacter",
        "text",
        "Prénom et nom.",
    ),
    (
        "lien_mobilisation",
        "Lien pour mobiliser le service",
        "url",
        "Une adresse commençant par https://.",
    ),
    (
        "mobilisation_precisions",
        "Précisions sur la mobilisation",
        "textarea",
        "",
    ),
    (
        "horaires_accueil",
        "Horaires d'accueil",
        "text",
        "Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
    ),
    (
        "frequence",
        "Vérifier la fiche tous les … jours",
        "number",
        "De 1 à 730 jours (180 si vide) : Passerelle vous rappelle de la confirmer.",
    ),
];

/// The lists chosen among a vocabulary, with their legends.
const LISTS: [(&str, Vocabulary, &str); 5] = [
    ("publics", Vocabulary::Public, "Publics"),
    ("modes_accueil", Vocabulary::ModeAccueil, "Modes d'accueil"),
    (
        "modes_mobilisation",
        Vocabulary::ModeMobilisation,
        "Comment mobiliser le service",
    ),
    (
        "mobilisable_par",
        Vocabulary::MobilisablePar,
        "Qui peut le mobiliser",
    ),
    ("thematiques", Vocabulary::Thematique, "Thématiques"),
];

/// How many eligibility zones the form offers.
const ZONES: usize = 4;

/// A choice among a vocabulary's values.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// A group of checkboxes: a data·inclusion list.
pub struct Choices {
    pub name: &'static str,
    pub legend: &'static str,
    /// (sub-heading, choices): one group but for the thématiques, grouped by category.
    pub groups: Vec<(&'static str, Vec<Choice>)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "directory/service_form.html")]
struct ServiceFormPage {
    chrome: Chrome,
    structure: String,
    action: String,
    editing: bool,
    errors: Vec<(String, String)>,
    texts: Vec<Field>,
    kind: Field,
    fees: Field,
    commune: Field,
    zones: Vec<Field>,
    zone_error: Option<String>,
    lists: Vec<Choices>,
}

/// What a form sent: every value of each name (checkboxes and zones repeat).
pub(super) struct Sent(pub(super) HashMap<String, Vec<String>>);

impl Sent {
    pub(super) fn of(pairs: Vec<(String, String)>) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Self(map)
    }

    /// The last value of a name, trimmed ("" when absent).
    pub(super) fn one(&self, name: &str) -> String {
        self.0
            .get(name)
            .and_then(|v| v.last())
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What a page says of a problem of a field, in French.
fn french(field: &str, reason: &str) -> String {
    if reason.contains("control character") {
        return "Ce texte contient un caractère invisible ou de contrôle : retirez-le.".to_string();
    }
    if reason.contains("too long") {
        return "Ce texte est trop long.".to_string();
    }
    if field == "passerelle.reseau" || field == "reseau" {
        return "Le nom de l'enseigne de votre réseau d'agences, pas celui d'un type de structure (France Travail, Cap emploi...).".to_string();
    }
    let text = match field {
        "nom" => "Un nom de 3 à 150 caractères, sans caractère invisible.",
        "description" => "Une description de 5 à 10 000 caractères.",
        "type" | "frais" | "publics" | "modes_accueil" | "modes_mobilisation"
        | "mobilisable_par" | "thematiques" => "Choisissez parmi les valeurs proposées.",
        "code_insee" => "Choisissez une commune dans la liste.",
        "code_postal" => "Un code postal de 5 chiffres.",
        "courriel" => "Une adresse électronique valide (nom@domaine.fr).",
        "lien_mobilisation" | "site_web" | "accessibilite_lieu" => {
            "Une adresse web complète, commençant par https:// (ou http://)."
        }
        "telephone" => "Un numéro de téléphone français, par exemple 01 48 13 00 00.",
        "zone_eligibilite" => {
            "Choisissez des communes, départements ou EPCI dans la liste (ou « france »)."
        }
        "passerelle.frequence_mise_a_jour_jours" | "frequence" => {
            "Un nombre de jours entre 1 et 730."
        }
        "horaires_accueil" => {
            return match reason.rsplit_once("at character ") {
                Some((_, at)) => format!(
                    "Ces horaires ne suivent pas le format OpenStreetMap : la lecture s'arrête au caractère {at} (exemple : Mo-Fr 09:00-12:00,14:00-17:00)."
                ),
                None => "Ces horaires ne suivent pas le format OpenStreetMap (exemple : Mo-Fr 09:00-12:00,14:00-17:00).".to_string(),
            };
        }
        "id" => "Ce service existe déjà pour votre structure.",
        _ => "Cette valeur ne convient pas.",
    };
    text.to_string()
}

/// The form's field named by an API problem's path (`/passerelle/frequence_mise_a_jour_jours`).
fn field_of(path: &str) -> &str {
    match path.trim_start_matches('/') {
        "passerelle/frequence_mise_a_jour_jours" => "frequence",
        other => other.split('/').next().unwrap_or(other),
    }
}

/// The data·inclusion object a service's form describes, and the problems found before the
/// API's checks (a commune or a zone not found in the lists).
fn object_of(sent: &Sent) -> (Map<String, Value>, Vec<(String, String)>) {
    let mut object = Map::new();
    let mut problems = Vec::new();
    for (name, ..) in TEXTS {
        let value = sent.one(name);
        if value.is_empty() || name == "frequence" {
            continue;
        }
        object.insert(name.to_string(), json!(value));
    }
    for name in ["type", "frais"] {
        let value = sent.one(name);
        if !value.is_empty() {
            object.insert(name.to_string(), json!(value));
        }
    }
    for (name, ..) in LISTS {
        object.insert(name.to_string(), json!(sent.all(name)));
    }
    let commune = sent.one("commune");
    if !commune.is_empty() {
        match commune_of(&commune) {
            Ok(code) => {
                object.insert("code_insee".into(), json!(code));
            }
            Err(message) => problems.push(("commune".to_string(), message)),
        }
    }
    let zones: Vec<String> = sent
        .all("zone_eligibilite")
        .iter()
        .map(|z| trailing_code(z).unwrap_or(z).to_string())
        .map(|z| {
            if z.eq_ignore_ascii_case("france") {
                "france".to_string()
            } else {
                z
            }
        })
        .collect();
    object.insert("zone_eligibilite".into(), json!(zones));
    let frequence = sent.one("frequence");
    if !frequence.is_empty() {
        match frequence.parse::<u64>() {
            Ok(days) => {
                object.insert(
                    exchange::inclusion::SOURCE.into(),
                    json!({ "frequence_mise_a_jour_jours": days }),
                );
            }
            Err(_) => problems.push(("frequence".to_string(), french("frequence", ""))),
        }
    }
    (object, problems)
}

/// A zone as the field shows it: the commune's, department's or EPCI's name with its code.
fn zone_label(code: &str) -> String {
    let geo = refdata::geo();
    if let Some(c) = geo.commune(code) {
        format!("{} ({code})", c.name)
    } else if let Some(d) = geo.department(code) {
        format!("{} ({code})", d.name)
    } else if let Some(e) = geo.epci(code) {
        format!("{} ({code})", e.name)
    } else {
        code.to_string()
    }
}

/// Which service a form writes: a new one of a structure, or one that exists.
#[derive(Clone, Copy)]
enum Writes {
    New { structure_id: i64 },
    Service { id: i64 },
}

/// A service's form as a response: the page, or the page refused with its problems.
fn service_form(
    principal: &Principal,
    structure: String,
    writes: Writes,
    sent: &Sent,
    problems: &[(String, String)],
) -> Response {
    let (title, action, editing) = match writes {
        Writes::New { structure_id } => (
            "Décrire un nouveau service",
            format!("/annuaire/structures/{structure_id}/services/nouveau"),
            false,
        ),
        Writes::Service { id } => (
            "Modifier un service",
            format!("/annuaire/services/{id}/modifier"),
            true,
        ),
    };
    let chrome = Chrome::new(principal, title, "/annuaire/ma-structure");
    let page = form_page(chrome, structure, action, editing, sent, problems);
    if problems.is_empty() {
        render(&page)
    } else {
        render_form(&page, true)
    }
}

/// The page of a service's form, from what was sent (or the stored service's object).
fn form_page(
    chrome: Chrome,
    structure: String,
    action: String,
    editing: bool,
    sent: &Sent,
    problems: &[(String, String)],
) -> ServiceFormPage {
    let mut texts: Vec<Field> = TEXTS
        .iter()
        .map(|(name, label, kind, hint)| {
            let mut f = Field::text(name, label, &sent.one(name))
                .kind(kind)
                .hint(hint);
            if matches!(*name, "nom" | "description") {
                f = f.required();
            }
            f
        })
        .collect();
    let mut kind = Field::text("type", "Type de service", &sent.one("type"));
    kind.kind = "select";
    kind.options = super::pages::options(Vocabulary::Type, "Choisir un type");
    let mut fees = Field::text("frais", "Frais", &sent.one("frais"));
    fees.kind = "select";
    fees.options = super::pages::options(Vocabulary::Frais, "Non précisé");
    let mut commune = Field::text("commune", "Commune où le service est rendu", &sent.one("commune"))
        .hint("Tapez le nom ou le code postal et choisissez dans la liste ; vide s'il est rendu à l'adresse de la structure.")
        .suggest("/suggestions/communes");
    let mut zones: Vec<Field> = (0..ZONES)
        .map(|i| {
            let value = sent
                .0
                .get("zone_eligibilite")
                .and_then(|v| v.get(i))
                .cloned()
                .unwrap_or_default();
            let mut f =
                Field::text("zone_eligibilite", "Zone", &value).suggest("/suggestions/zones");
            f.label = ["Zone 1", "Zone 2", "Zone 3", "Zone 4"]
                .get(i)
                .copied()
                .unwrap_or("Zone");
            f
        })
        .collect();
    let mut zone_error = None;
    let mut lists: Vec<Choices> = LISTS
        .iter()
        .map(|(name, vocabulary, legend)| {
            let chosen = sent.all(name);
            let choice = |(value, label): &(&'static str, &'static str)| Choice {
                value,
                label,
                checked: chosen.iter().any(|c| c == value),
            };
            let groups = if *vocabulary == Vocabulary::Thematique {
                inclusion()
                    .values(Vocabulary::Categorie)
                    .iter()
                    .map(|(category, category_label)| {
                        let values = inclusion()
                            .values(Vocabulary::Thematique)
                            .iter()
                            .filter(|(v, _)| v.split("--").next() == Some(*category))
                            .map(choice)
                            .collect();
                        (*category_label, values)
                    })
                    .collect()
            } else {
                vec![(
                    "",
                    inclusion().values(*vocabulary).iter().map(choice).collect(),
                )]
            };
            Choices {
                name,
                legend,
                groups,
                error: None,
            }
        })
        .collect();
    for (field, message) in problems {
        match field.as_str() {
            "type" => kind.error = Some(message.clone()),
            "frais" => fees.error = Some(message.clone()),
            "commune" | "code_insee" => commune.error = Some(message.clone()),
            "zone_eligibilite" => zone_error = Some(message.clone()),
            name => {
                if let Some(list) = lists.iter_mut().find(|l| l.name == name) {
                    list.error = Some(message.clone());
                } else {
                    set_error(&mut texts, name, message.clone());
                }
            }
        }
    }
    if let (Some(message), Some(first)) = (&zone_error, zones.first_mut()) {
        first.error = Some(message.clone());
    }
    let errors = problems
        .iter()
        .map(|(field, message)| {
            let anchor = match field.as_str() {
                "code_insee" => "commune".to_string(),
                "zone_eligibilite" => "zone_eligibilite-1".to_string(),
                other => other.to_string(),
            };
            (anchor, message.clone())
        })
        .collect::<Vec<_>>();
    let _ = error_summary;
    ServiceFormPage {
        chrome,
        structure,
        action,
        editing,
        errors,
        texts,
        kind,
        fees,
        commune,
        zones,
        zone_error,
        lists,
    }
}

/// What a stored service's form holds: its data·inclusion object as the fields name it.
fn sent_of(view: &StructureServiceView) -> Sent {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in &view.record {
        match value {
            Value::String(s) if key == "code_insee" => {
                let label = refdata::geo()
                    .commune(s)
                    .map_or_else(|| s.clone(), |c| format!("{} ({s})", c.name));
                map.insert("commune".into(), vec![label]);
            }
            Value::String(s) => {
                map.insert(key.clone(), vec![s.clone()]);
            }
            Value::Array(items) if key == "zone_eligibilite" => {
                let zones = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(zone_label)
                    .collect();
                map.insert(key.clone(), zones);
            }
            Value::Array(items) => {
                let values = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                map.insert(key.clone(), values);
            }
            Value::Object(ext) => {
                if let Some(days) = ext.get("frequence_mise_a_jour_jours") {
                    map.insert("frequence".into(), vec![days.to_string()]);
                }
            }
            _ => {}
        }
    }
    Sent(map)
}

/// The API's problems as the form's (field, French message).
pub(super) fn french_problems(err: ApiError) -> Result<Vec<(String, String)>, PageError> {
    match err {
        ApiError::Invalid(problems) => Ok(problems
            .iter()
            .map(|p| {
                let field = field_of(&p.path).to_string();
                let message = french(&field, &p.message);
                (field, message)
            })
            .collect()),
        ApiError::Conflict(message) if message.contains("already") => {
            Ok(vec![("nom".to_string(), french("id", ""))])
        }
        other => Err(other.into()),
    }
}

pub(super) async fn structure_name(state: &AppState, id: i64) -> Result<String, PageError> {
    Ok(state
        .store
        .structure(id)
        .await?
        .map(|s| s.record.name)
        .ok_or_else(|| ApiError::NotFound(format!("structure {id}")))?)
}

/// The page of the structure's services, with `done` said: the member's own page, or the
/// structure's (by SIRET) for an administrator.
pub(super) async fn back_to(
    state: &AppState,
    principal: &Principal,
    structure_id: i64,
    done: &str,
) -> Result<String, PageError> {
    let member = principal
        .seats
        .iter()
        .any(|s| s.structure_id == structure_id);
    Ok(if member {
        format!("/annuaire/ma-structure?fait={done}")
    } else {
        let siret = state.structure_siret(structure_id).await?;
        format!("/annuaire/ma-structure?structure={siret}&fait={done}")
    })
}

/// The form of a new service of the structure.
pub async fn new_service(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(structure_id): PagePath<i64>,
) -> PageResult {
    principal
        .grant(Resource::Directory, Verb::Write, Some(structure_id))
        .map_err(ApiError::Forbidden)?;
    let name = structure_name(&state, structure_id).await?;
    let mut sent = Sent(HashMap::new());
    sent.0.insert("zone_eligibilite".into(), Vec::new());
    Ok(service_form(
        &principal,
        name,
        Writes::New { structure_id },
        &sent,
        &[],
    ))
}

pub async fn create_service(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(structure_id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let sent = Sent::of(pairs);
    let (object, mut problems) = object_of(&sent);
    if problems.is_empty() {
        match edits::create(&state, &principal, structure_id, &object).await {
            Ok(view) => {
                let done = if view.status == "pending" {
                    "en_attente"
                } else {
                    "cree"
                };
                return Ok(see_other(
                    &back_to(&state, &principal, structure_id, done).await?,
                ));
            }
            Err(err) => problems = french_problems(err)?,
        }
    }
    let name = structure_name(&state, structure_id).await?;
    Ok(service_form(
        &principal,
        name,
        Writes::New { structure_id },
        &sent,
        &problems,
    ))
}

/// The form of a service, filled with what it says now.
pub async fn edit_service(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let (view, structure_id) = writable_view(&state, &principal, id).await?;
    if view.status == "archived" {
        return Err(ApiError::Refused(
            "Ce service a été supprimé de l'annuaire : il ne peut plus être modifié. Décrivez-en \
             un nouveau si besoin."
                .to_string(),
        )
        .into());
    }
    let name = structure_name(&state, structure_id).await?;
    Ok(service_form(
        &principal,
        name,
        Writes::Service { id },
        &sent_of(&view),
        &[],
    ))
}

async fn writable_view(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(StructureServiceView, i64), PageError> {
    let (service, structure_id) = edits::writable_service(state, principal, id).await?;
    Ok((
        edits::service_view(&service, state.now().date_naive()),
        structure_id,
    ))
}

pub async fn update_service(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let (_, structure_id) = writable_view(&state, &principal, id).await?;
    let sent = Sent::of(pairs);
    let (object, mut problems) = object_of(&sent);
    if problems.is_empty() {
        match edits::update(&state, &principal, id, &object).await {
            Ok(_) => {
                return Ok(see_other(
                    &back_to(&state, &principal, structure_id, "modifie").await?,
                ));
            }
            Err(err) => problems = french_problems(err)?,
        }
    }
    let name = structure_name(&state, structure_id).await?;
    Ok(service_form(
        &principal,
        name,
        Writes::Service { id },
        &sent,
        &problems,
    ))
}

/// A move asked from a page: suspend, resume or archive (the structure), approve or refuse
/// (the administrators).
pub async fn move_service(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath((id, action)): PagePath<(i64, String)>,
) -> PageResult {
    let (action, done) = match action.as_str() {
        "suspendre" => (ServiceAction::Suspended, "suspendu"),
        "reprendre" => (ServiceAction::Resumed, "repris"),
        "archiver" => (ServiceAction::Archived, "archive"),
        "approuver" => (ServiceAction::Approved, "approuve"),
        "refuser" => (ServiceAction::Refused, "refuse"),
        _ => return Err(ApiError::NotFound(format!("action {action}")).into()),
    };
    let view = edits::move_to(&state, &principal, id, action)
        .await
        .map_err(|err| match err {
            ApiError::Conflict(_) => ApiError::Refused(
                "Ce service n'est pas dans un état qui permet cette action : rechargez la page."
                    .to_string(),
            ),
            other => other,
        })?;
    if matches!(action, ServiceAction::Approved | ServiceAction::Refused) {
        return Ok(see_other(&format!("/admin/annuaire?fait={done}")));
    }
    let service = state.store.service(view.id).await?;
    let structure_id = match service {
        Some(s) => {
            state
                .structure_id(s.record.structure_siret.as_str())
                .await?
        }
        None => None,
    };
    let back = match structure_id {
        Some(s) => back_to(&state, &principal, s, done).await?,
        None => format!("/annuaire/ma-structure?fait={done}"),
    };
    Ok(see_other(&back))
}

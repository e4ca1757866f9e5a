//! Preparing an action: the form, from an offer at risk, and its refusals in French.

use super::*;

/// A checkbox of the form whose name is made of a prefix and a value.
pub struct Choice {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "actions/new.html")]
struct NewActionPage {
    chrome: Chrome,
    fields: Vec<Field>,
    place_fields: Vec<Field>,
    offers: Vec<Choice>,
    tags: Vec<Choice>,
    errors: Vec<(String, String)>,
}

/// The options of a select of structures of a kind: those of the department first, by name.
fn structure_options(
    structures: &[model::Structure],
    kind: model::StructureKind,
    department: &str,
    region: &str,
) -> Vec<(String, String)> {
    let geo = refdata::geo();
    let mut found: Vec<(bool, String, i64)> = structures
        .iter()
        .filter(|s| s.record.kind == kind && s.record.status == model::StructureStatus::Active)
        .filter_map(|s| {
            let commune = geo.commune(s.record.commune.as_str())?;
            let in_region = geo
                .department(commune.department)
                .is_some_and(|d| d.region == region);
            in_region.then(|| {
                (
                    commune.department != department,
                    format!("{} — {}", s.record.name, commune.name),
                    s.id,
                )
            })
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, label, id)| (id.to_string(), label))
        .collect()
}

async fn new_page(
    state: &Arc<AppState>,
    principal: &Principal,
    form: &HashMap<String, String>,
    errors_of: impl FnOnce(&mut Vec<Field>, &mut Vec<Field>),
) -> PageResult {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let structures = state.store.structures().await?;
    let own = principal
        .seats
        .iter()
        .find(|s| {
            principal
                .grant(Resource::Actions, Verb::Write, Some(s.structure_id))
                .is_ok()
        })
        .and_then(|s| structures.iter().find(|st| st.id == s.structure_id));
    let department = own
        .and_then(|s| refdata::geo().commune(s.record.commune.as_str()))
        .map(|c| c.department.to_string())
        .unwrap_or_default();
    let is_ft = own.is_some_and(|s| s.record.kind == model::StructureKind::FranceTravail);
    let region = state.config.region.as_str();
    let mut kind = Field::text("type", "Type d'action", &v("type")).required();
    kind.kind = "select";
    kind.options = model::ActionKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                labels::action_kind(k.as_str()).to_string(),
            )
        })
        .collect();
    let mut lead = Field::text("porteuse", "Agence France Travail porteuse", &v("porteuse"))
        .hint("Elle mène l'action avec une ou plusieurs agences d'emploi.")
        .required();
    lead.kind = "select";
    lead.options = if is_ft {
        own.map(|s| vec![(s.id.to_string(), s.record.name.clone())])
            .unwrap_or_default()
    } else {
        structure_options(
            &structures,
            model::StructureKind::FranceTravail,
            &department,
            region,
        )
    };
    let agencies = structure_options(
        &structures,
        model::StructureKind::AgenceEmploi,
        &department,
        region,
    );
    let mut partner = Field::text(
        "partenaire",
        "Agence d'emploi co-organisatrice",
        &v("partenaire"),
    )
    .required();
    partner.kind = "select";
    partner.options = if is_ft {
        agencies.clone()
    } else {
        own.map(|s| vec![(s.id.to_string(), s.record.name.clone())])
            .unwrap_or_default()
    };
    let mut second = Field::text(
        "partenaire2",
        "Autre agence d'emploi (facultatif)",
        &v("partenaire2"),
    );
    second.kind = "select";
    second.options = std::iter::once((String::new(), "—".to_string()))
        .chain(agencies)
        .collect();
    let mut fields = vec![
        kind,
        Field::text("titre", "Intitulé", &v("titre"))
            .hint("Par exemple : « Job dating de la logistique à Saint-Denis ».")
            .required(),
        Field::text("description", "Description", &v("description"))
            .kind("textarea")
            .hint("Le déroulé, les postes à pourvoir, ce que les participants apportent."),
        lead,
        partner,
        second,
        Field::text("metiers", "Autres métiers (codes ROME)", &v("metiers"))
            .hint("Facultatif, séparés par des virgules : ceux des offres cochées sont repris."),
        Field::text("prerequis", "Prérequis", &v("prerequis"))
            .kind("textarea")
            .hint("Un par ligne : permis B, CACES R489, niveau CAP…"),
    ];
    let mut place_fields = Vec::from(forms::time_fields(v));
    place_fields.extend([
        Field::text("commune", "Commune", &v("commune"))
            .hint("Si l'action se tient sur place : tapez le nom ou le code postal.")
            .suggest("/suggestions/communes"),
        Field::text("adresse", "Adresse", &v("adresse")),
    ]);
    place_fields.extend(forms::seat_fields(
        v,
        forms::SeatHints {
            on_site: "Par défaut 30 ; au-delà, les inscrits sont en liste d'attente.",
            link: "Adresse https://, si l'action se tient en ligne.",
            remote: "Par défaut 50.",
        },
    ));
    errors_of(&mut fields, &mut place_fields);
    let candidates: Vec<CandidateOfferView> = match own {
        Some(s) => {
            crate::actions::api::candidate_offers(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(crate::api::StructureQuery {
                    structure: Some(s.record.siret.to_string()),
                }),
            )
            .await?
            .0
        }
        None => Vec::new(),
    };
    let offers = candidates
        .into_iter()
        .map(|c| {
            let name = format!("offre_{}", c.offer.id);
            Choice {
                checked: form.contains_key(&name),
                hint: match (c.at_risk, c.not_filled_percent) {
                    (Some(true), Some(p)) => format!(
                        "À risque : {p} % de chances de ne pas être pourvue à temps · {}",
                        commune_name(&c.offer.commune)
                    ),
                    _ => commune_name(&c.offer.commune),
                },
                label: format!("{} — {}", c.offer.title, occupation_label(&c.offer.rome)),
                name,
            }
        })
        .collect();
    let tags = model::PublicTag::ALL
        .iter()
        .map(|t| {
            let name = format!("public_{}", t.as_str());
            Choice {
                checked: form.contains_key(&name),
                label: labels::public_tag(t.as_str()).to_string(),
                hint: String::new(),
                name,
            }
        })
        .collect();
    let errors: Vec<(String, String)> = forms::error_summary(&fields)
        .into_iter()
        .chain(forms::error_summary(&place_fields))
        .collect();
    let failed = !errors.is_empty();
    Ok(render_form(
        &NewActionPage {
            chrome: Chrome::new(
                principal,
                form_title("Préparer une action de recrutement", failed),
                "/actions/nouvelle",
            ),
            fields,
            place_fields,
            offers,
            tags,
            errors,
        },
        failed,
    ))
}

#[derive(Deserialize)]
pub struct NewQuery {
    /// An offer to tick (from its page).
    offre: Option<i64>,
}

pub async fn new_form(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<NewQuery>,
) -> PageResult {
    principal
        .grant(Resource::Actions, Verb::Write, None)
        .map_err(forbidden)?;
    let mut form = HashMap::new();
    if let Some(offer) = query.offre {
        form.insert(format!("offre_{offer}"), "1".to_string());
    }
    new_page(&state, &principal, &form, |_, _| {}).await
}

/// The page field a problem of the API is about.
fn field_of(path: &str) -> &'static str {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match top {
        "kind" => "type",
        "title" => "titre",
        "description" => "description",
        "lead" => "porteuse",
        "partners" => "partenaire",
        "romes" | "offers" => "metiers",
        "prerequisites" => "prerequis",
        "starts_at" => "date",
        "ends_at" => "fin",
        "commune" | "place" => "commune",
        "address" => "adresse",
        "online_link" => "lien",
        "capacity_on_site" => "places_sur_place",
        "capacity_remote" => "places_en_ligne",
        _ => "titre",
    }
}

fn set_either(fields: &mut [Field], place_fields: &mut [Field], name: &str, message: &str) {
    set_error(fields, name, message);
    set_error(place_fields, name, message);
}

pub async fn create(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| forms::trimmed(&form, name);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let date = NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.push(("date", "Une date au format JJ/MM/AAAA.".to_string()));
    }
    let time = NaiveTime::parse_from_str(&get("heure"), "%H:%M").ok();
    if time.is_none() {
        errors.push(("heure", "Une heure au format HH:MM.".to_string()));
    }
    let end = match get("fin").as_str() {
        "" => None,
        typed => {
            let parsed = NaiveTime::parse_from_str(typed, "%H:%M").ok();
            if parsed.is_none() {
                errors.push(("fin", "Une heure au format HH:MM.".to_string()));
            }
            parsed
        }
    };
    let commune = match get("commune").as_str() {
        "" => None,
        typed => match forms::commune_of(typed) {
            Ok(code) => Some(code.to_string()),
            Err(message) => {
                errors.push(("commune", message));
                None
            }
        },
    };
    let mut seats = |name: &'static str| -> Option<u32> {
        match get(name).as_str() {
            "" => None,
            typed => match typed.parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => Some(n),
                _ => {
                    errors.push((name, "Un nombre de places de 1 à 100 000.".to_string()));
                    None
                }
            },
        }
    };
    let capacity_on_site = seats("places_sur_place");
    let capacity_remote = seats("places_en_ligne");
    let id = |name: &'static str, errors: &mut Vec<(&'static str, String)>| -> Option<i64> {
        match get(name).as_str() {
            "" => None,
            typed => typed.parse().ok().or_else(|| {
                errors.push((name, "Choisissez dans la liste.".to_string()));
                None
            }),
        }
    };
    let lead = id("porteuse", &mut errors);
    let partners: Vec<i64> = [
        id("partenaire", &mut errors),
        id("partenaire2", &mut errors),
    ]
    .into_iter()
    .flatten()
    .collect();
    let offers: Vec<i64> = form
        .keys()
        .filter_map(|k| k.strip_prefix("offre_")?.parse().ok())
        .collect();
    let public_tags: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("public_").map(str::to_string))
        .collect();
    let (Some(date), Some(time), true) = (date, time, errors.is_empty()) else {
        return new_page(&state, &principal, &form, |fields, place_fields| {
            for (name, message) in &errors {
                set_either(fields, place_fields, name, message);
            }
        })
        .await;
    };
    let starts_at = from_paris(date, time);
    let request = NewActionRequest {
        kind: get("type"),
        title: get("titre"),
        description: get("description"),
        lead,
        partners,
        offers,
        romes: get("metiers")
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        commune,
        address: Some(get("adresse")),
        online_link: Some(get("lien")),
        starts_at,
        ends_at: end.map(|end| from_paris(date, end)),
        capacity_on_site,
        capacity_remote,
        prerequisites: get("prerequis").lines().map(str::to_string).collect(),
        public_tags,
    };
    match crate::actions::api::create_action(
        State(state.clone()),
        principal.clone(),
        JsonBody(request),
    )
    .await
    {
        Ok((_, axum::Json(view))) => Ok(see_other(&format!(
            "/actions/{}?fait=action_creee",
            view.id
        ))),
        Err(ApiError::Invalid(problems)) => {
            new_page(&state, &principal, &form, |fields, place_fields| {
                for p in &problems {
                    let message = french_problem(&p.path, &p.message);
                    set_either(fields, place_fields, field_of(&p.path), &message);
                }
            })
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// What the page says of a problem the API found, in French.
fn french_problem(path: &str, message: &str) -> String {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match top {
        "kind" => "Choisissez un type d'action.".to_string(),
        "title" => "Un intitulé de 3 à 200 caractères, sans caractère de contrôle.".to_string(),
        "description" => "Une description de 2 000 caractères au plus.".to_string(),
        "lead" => "Choisissez l'agence France Travail qui porte l'action.".to_string(),
        "partners" => "Choisissez une ou deux agences d'emploi actives.".to_string(),
        "offers" => {
            "Une offre cochée n'est plus ouverte ou n'est pas celle d'un organisateur.".to_string()
        }
        "romes" => format!("Indiquez au moins un métier ou cochez une offre ({message})."),
        "prerequisites" => "Dix prérequis au plus, de 200 caractères chacun.".to_string(),
        "starts_at" => "L'action doit avoir lieu dans le futur.".to_string(),
        "ends_at" => "L'heure de fin suit l'heure de début, dans les douze heures.".to_string(),
        "commune" => "Une commune de la région.".to_string(),
        "place" => "Indiquez une commune, un lien de visioconférence, ou les deux.".to_string(),
        "address" => "Une adresse de 300 caractères au plus.".to_string(),
        "online_link" => "Un lien commençant par https://.".to_string(),
        "capacity_on_site" => "Des places sur place demandent une commune.".to_string(),
        "capacity_remote" => {
            "Des places en ligne demandent un lien de visioconférence.".to_string()
        }
        _ => "Cette valeur ne convient pas.".to_string(),
    }
}

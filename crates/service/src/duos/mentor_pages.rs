//! An agency's mentors (`/tuteurs`): the table of those it registered, registering one (the
//! temp worker's consent required) and withdrawing one. Each page calls the API handler it
//! shows.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::pages::day_fr;
use crate::duos::mentors::{
    self as mentors_api, MentorOccupationView, MentorView, NewMentorRequest,
};
use crate::json::{PageForm, PagePath, Path};
use crate::pages::forms::{error_summary, set_error, trimmed};
use crate::pages::*;

/// A mentor as a row of the agency's table.
pub struct MentorRow {
    pub view: MentorView,
    /// "Cariste (F1703), 8 ans" for each occupation.
    pub occupations: Vec<String>,
    pub commune: String,
    pub available: String,
}

fn experience(months: u16) -> String {
    match (months / 12, months % 12) {
        (0, m) => format!("{m} mois"),
        (y, 0) => format!("{y} an{}", if y > 1 { "s" } else { "" }),
        (y, m) => format!("{y} an{} et {m} mois", if y > 1 { "s" } else { "" }),
    }
}

fn mentor_row(view: MentorView) -> MentorRow {
    MentorRow {
        occupations: view
            .occupations
            .iter()
            .map(|o| {
                format!(
                    "{} ({}), {}",
                    occupation_label(&o.rome),
                    o.rome,
                    experience(o.months)
                )
            })
            .collect(),
        commune: commune_name(&view.commune),
        available: format!(
            "dès le {}, {} h par mois",
            day_fr(view.available_from),
            view.hours_per_month
        ),
        view,
    }
}

#[derive(Template)]
#[template(path = "duos/mentors.html")]
struct MentorsPage {
    chrome: Chrome,
    mentors: Vec<MentorRow>,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
}

fn mentor_fields(form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    vec![
        Field::text("prenom", "Prénom", &v("prenom")).required(),
        Field::text("nom", "Nom", &v("nom")).required(),
        Field::text("courriel", "Adresse électronique", &v("courriel")).kind("email"),
        Field::text("telephone", "Téléphone", &v("telephone")).kind("tel"),
        Field::text("commune", "Commune", &v("commune"))
            .required()
            .hint("Où le tuteur vit ou travaille : les duos se forment à proximité.")
            .suggest("/suggestions/communes"),
        Field::text("metier", "Métier exercé", &v("metier"))
            .required()
            .suggest("/suggestions/metiers"),
        Field::text(
            "experience",
            "Expérience dans ce métier (en mois)",
            &v("experience"),
        )
        .kind("number")
        .required(),
        Field::text("metier2", "Autre métier exercé", &v("metier2"))
            .hint("Facultatif.")
            .suggest("/suggestions/metiers"),
        Field::text(
            "experience2",
            "Expérience dans cet autre métier (en mois)",
            &v("experience2"),
        )
        .kind("number"),
        Field::text("heures", "Heures disponibles par mois", &v("heures"))
            .kind("number")
            .required(),
        Field::text(
            "places",
            "Nombre de demandeurs d'emploi à la fois",
            &v("places"),
        )
        .options(&[("1", "Un"), ("2", "Deux")]),
        Field::text("disponible", "Disponible à partir du", &v("disponible"))
            .kind("date")
            .hint("Par défaut : aujourd'hui."),
        Field::text(
            "consentement",
            "L'intérimaire accepte d'être tuteur et que son identité soit communiquée au \
             conseiller France Travail d'un duo accepté",
            &v("consentement"),
        )
        .kind("checkbox"),
    ]
}

async fn mentors_page(
    state: &Arc<AppState>,
    principal: &Principal,
    fields: Vec<Field>,
    notice: Option<String>,
    refused: bool,
) -> PageResult {
    let axum::Json(views) =
        mentors_api::list_mentors(State(state.clone()), principal.clone()).await?;
    let errors = error_summary(&fields);
    Ok(render_form(
        &MentorsPage {
            chrome: Chrome::new(principal, "Tuteurs", "/tuteurs").notice(notice),
            mentors: views.into_iter().map(mentor_row).collect(),
            fields,
            errors,
        },
        refused,
    ))
}

pub async fn mentors(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    principal
        .grant(Resource::Mentors, Verb::Write, None)
        .map_err(api::forbidden)?;
    let fields = mentor_fields(&HashMap::new());
    mentors_page(
        &state,
        &principal,
        fields,
        done(query.fait.as_deref()),
        false,
    )
    .await
}

/// The form's field of an API problem's path.
fn mentor_field_of(path: &str) -> &'static str {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next().unwrap_or(""), parts.next(), parts.next()) {
        ("first_name", ..) => "prenom",
        ("last_name", ..) => "nom",
        ("email", ..) => "courriel",
        ("phone", ..) => "telephone",
        ("commune", ..) => "commune",
        ("occupations", Some("1"), Some("months")) => "experience2",
        ("occupations", Some("1"), _) => "metier2",
        ("occupations", _, Some("months")) => "experience",
        ("occupations", ..) => "metier",
        ("hours_per_month", ..) => "heures",
        ("capacity", ..) => "places",
        ("available_from", ..) => "disponible",
        ("consent" | "consent_on", ..) => "consentement",
        _ => "prenom",
    }
}

fn mentor_problem(field: &str) -> &'static str {
    match field {
        "prenom" | "nom" => "Un nom de 1 à 100 caractères, en lettres.",
        "courriel" => "Une adresse électronique valide, ou rien.",
        "telephone" => "Un numéro de téléphone français valide, ou rien.",
        "commune" => "Choisissez une commune dans la liste.",
        "metier" | "metier2" => "Choisissez un métier de la liste, différent de l'autre.",
        "experience" | "experience2" => "Un nombre de mois d'expérience, de 1 à 600.",
        "heures" => "Un nombre d'heures par mois, de 1 à 80.",
        "places" => "Un ou deux demandeurs d'emploi à la fois.",
        "disponible" => "Une date valide.",
        "consentement" => "Le consentement de l'intérimaire est requis pour l'inscrire.",
        _ => "Cette valeur ne convient pas.",
    }
}

pub async fn create_mentor(
    State(state): St,
    Viewer(principal): Viewer,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| trimmed(&form, name);
    let mut fields = mentor_fields(&form);
    let mut occupations = Vec::new();
    let number = |name: &'static str, fields: &mut Vec<Field>| -> Option<u16> {
        match get(name).as_str() {
            "" => None,
            typed => typed.parse::<u16>().ok().or_else(|| {
                set_error(fields, name, mentor_problem(name));
                None
            }),
        }
    };
    let months = number("experience", &mut fields);
    let months2 = number("experience2", &mut fields);
    let hours = number("heures", &mut fields);
    for (metier, months, name) in [
        ("metier", months, "experience"),
        ("metier2", months2, "experience2"),
    ] {
        let typed = get(metier);
        if typed.is_empty() && metier == "metier2" {
            continue;
        }
        match forms::occupation_of(&typed) {
            Ok(code) => occupations.push(MentorOccupationView {
                rome: code.to_string(),
                months: months.unwrap_or(0),
            }),
            Err(message) => set_error(&mut fields, metier, message),
        }
        if months.is_none() {
            set_error(&mut fields, name, mentor_problem(name));
        }
    }
    let commune = match forms::commune_of(&get("commune")) {
        Ok(code) => code.to_string(),
        Err(message) => {
            set_error(&mut fields, "commune", message);
            String::new()
        }
    };
    let available_from = match get("disponible").as_str() {
        "" => None,
        typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
            .ok()
            .or_else(|| {
                set_error(&mut fields, "disponible", mentor_problem("disponible"));
                None
            }),
    };
    let capacity = match get("places").as_str() {
        "" => None,
        typed => typed.parse::<u8>().ok().or_else(|| {
            set_error(&mut fields, "places", mentor_problem("places"));
            None
        }),
    };
    if forms::has_errors(&fields) {
        return mentors_page(&state, &principal, fields, None, true).await;
    }
    let request = NewMentorRequest {
        agency_id: None,
        first_name: get("prenom"),
        last_name: get("nom"),
        email: Some(get("courriel")),
        phone: Some(get("telephone")),
        commune,
        occupations,
        available_from,
        hours_per_month: hours.and_then(|h| u8::try_from(h).ok()).unwrap_or(0),
        capacity,
        consent: !get("consentement").is_empty(),
        consent_on: None,
    };
    match mentors_api::create_mentor(State(state.clone()), principal.clone(), JsonBody(request))
        .await
    {
        Ok(_) => Ok(see_other("/tuteurs?fait=tuteur")),
        Err(ApiError::Invalid(problems)) => {
            for p in &problems {
                let field = mentor_field_of(&p.path);
                set_error(&mut fields, field, mentor_problem(field));
            }
            mentors_page(&state, &principal, fields, None, true).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn withdraw_mentor(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(_form): PageForm<HashMap<String, String>>,
) -> PageResult {
    match mentors_api::withdraw_mentor(State(state), principal, Path(id)).await {
        Ok(_) => Ok(see_other("/tuteurs?fait=tuteur_retire")),
        Err(ApiError::Conflict(_)) => {
            Err(ApiError::Refused("Ce tuteur s'est déjà retiré du dispositif.".to_string()).into())
        }
        Err(other) => Err(other.into()),
    }
}

//! The training catalogue's page (`/formations`): sessions searched by occupation, place and
//! dates, each with what training for its occupation led to (the five-step gauge). It calls
//! the API handlers it shows.

use super::api::{self as trainings_api, TrainingSearch, TrainingSessionView};
use chrono::NaiveDate;

use crate::json::{PagePath, Path, QueryParams};
use crate::pages::*;
use crate::reconversion::api::gauge_label;
use crate::trainings::{Gauge, TrainingOutcomeView};

/// Sessions per page.
const PER_PAGE: usize = 25;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    pub metier: Option<String>,
    pub commune: Option<String>,
    pub km: Option<String>,
    pub du: Option<NaiveDateText>,
    pub au: Option<NaiveDateText>,
    pub page: Option<usize>,
}

/// A date typed in a form: empty means none.
pub type NaiveDateText = String;

/// A session as the table shows it.
pub struct SessionRow {
    pub view: TrainingSessionView,
    pub occupations: String,
    pub period: String,
    pub hours: String,
    pub distance: String,
    pub gauge_step: u8,
    pub gauge: &'static str,
    pub outcome: String,
    /// The same gauge for the session's main Formacode, when the catalogue gives one: its
    /// code, step, words and figures.
    pub by_formacode: Option<(String, u8, &'static str, String)>,
    /// The session's web address when it is one (http or https): a catalogue is imported
    /// data, never a link to anything else.
    pub link: Option<String>,
}

/// The five-step gauge's words and the figures behind it.
pub(crate) fn outcome_words(outcome: &TrainingOutcomeView) -> (u8, &'static str, String) {
    let step = outcome.gauge.map_or(0, Gauge::step);
    let place = if outcome.level == "department" {
        "dans le département"
    } else {
        "dans la région"
    };
    let figures = match (outcome.rate, outcome.employed, outcome.trainees) {
        (Some(rate), Some(employed), Some(trainees)) => format!(
            "{:.0} % en emploi à 6 mois ({employed} sur {trainees} stagiaires, {place})",
            rate * 100.0,
        ),
        _ => "moins de 20 stagiaires : secret statistique".to_string(),
    };
    (step, gauge_label(outcome.gauge), figures)
}

#[derive(Template)]
#[template(path = "trainings/catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    query: CatalogueQuery,
    error: Option<String>,
    total: u64,
    rows: Vec<SessionRow>,
    pagination: Pagination,
}

fn date_of(text: Option<&str>, field: &str) -> Result<Option<NaiveDate>, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{field} : une date au format AAAA-MM-JJ")),
    }
}

pub async fn catalogue(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<CatalogueQuery>,
) -> PageResult {
    let page = query.page.unwrap_or(1).clamp(1, 40_000);
    let dates = date_of(query.du.as_deref(), "du")
        .and_then(|from| Ok((from, date_of(query.au.as_deref(), "au")?)));
    let km = query
        .km
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            k.parse::<u16>()
                .map_err(|_| "km : un nombre de kilomètres, de 1 à 200".to_string())
        })
        .transpose();
    let (mut error, mut total, mut rows) = (None, 0, Vec::new());
    match (dates, km) {
        (Err(message), _) | (_, Err(message)) => error = Some(message),
        (Ok((from, to)), Ok(km)) => {
            let search = TrainingSearch {
                rome: query.metier.clone(),
                commune: query.commune.clone(),
                km,
                from,
                to,
                offset: Some(((page - 1) * PER_PAGE) as u64),
                limit: Some(PER_PAGE as u32),
            };
            match trainings_api::search_trainings(
                State(state.clone()),
                principal.clone(),
                QueryParams(search),
            )
            .await
            {
                Ok(axum::Json(found)) => {
                    let outcomes = trainings_api::outcomes(&state).await?;
                    total = found.total;
                    rows = found
                        .sessions
                        .into_iter()
                        .map(|view| session_row(view, &outcomes))
                        .collect();
                }
                Err(ApiError::Invalid(problems)) => {
                    error = Some(
                        problems
                            .iter()
                            .map(|p| search_problem(&p.path, &p.message))
                            .collect::<Vec<_>>()
                            .join(" ; "),
                    );
                }
                Err(other) => return Err(other.into()),
            }
        }
    }
    let base = format!(
        "/formations?metier={}&commune={}&km={}&du={}&au={}&",
        encode(query.metier.as_deref().unwrap_or_default()),
        encode(query.commune.as_deref().unwrap_or_default()),
        encode(query.km.as_deref().unwrap_or_default()),
        encode(query.du.as_deref().unwrap_or_default()),
        encode(query.au.as_deref().unwrap_or_default()),
    );
    let refused = error.is_some();
    let page = CataloguePage {
        chrome: Chrome::new(
            &principal,
            form_title("Catalogue des formations", refused),
            "/formations",
        ),
        pagination: Pagination::new(page, total as usize, PER_PAGE, base),
        query,
        error,
        total,
        rows,
    };
    Ok(render_form(&page, refused))
}

/// A search criterion the catalogue's API refused, in French, by the field it names.
fn search_problem(path: &str, message: &str) -> String {
    match path.trim_start_matches('?') {
        "rome" => "métier : un code ROME, une lettre et quatre chiffres (N1101, par exemple)",
        "commune" => "commune : aucune commune ne porte ce nom, ce code postal ou ce code INSEE",
        "km" => "km : un rayon de 1 à 200 kilomètres",
        "to" if message.contains("ends on or after") => {
            "dates : la période finit le jour de son début ou après"
        }
        "from" | "to" => "dates : une date réelle, au format JJ/MM/AAAA",
        _ => "un critère de recherche ne convient pas",
    }
    .to_string()
}

pub(crate) fn session_row(view: TrainingSessionView, outcomes: &super::Outcomes) -> SessionRow {
    let department = view
        .place
        .commune
        .as_deref()
        .and_then(|c| refdata::geo().commune(c))
        .map(|c| c.department.to_string())
        .unwrap_or_default();
    let outcome = view
        .romes
        .first()
        .map(|r| outcomes.of_occupation(&r.code, &department));
    let (gauge_step, gauge, outcome) = outcome
        .as_ref()
        .map_or((0, "secret statistique", String::new()), outcome_words);
    let by_formacode = view.formacodes.first().map(|code| {
        let (step, words, figures) = outcome_words(&outcomes.of_formacode(code, &department));
        (code.clone(), step, words, figures)
    });
    let lheo_date = |text: &str| {
        model::trainings::LheoDate::parse(text)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    SessionRow {
        occupations: view
            .romes
            .iter()
            .map(|r| format!("{} ({})", r.label, r.code))
            .collect::<Vec<_>>()
            .join(", "),
        period: format!(
            "du {} au {}",
            lheo_date(&view.starts),
            lheo_date(&view.ends)
        ),
        hours: view
            .hours_total
            .map_or_else(String::new, |h| format!("{h} h")),
        distance: view
            .distance_km
            .map_or_else(String::new, |d| format!("{d:.0} km")),
        gauge_step,
        gauge,
        outcome,
        by_formacode,
        link: view
            .url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        view,
    }
}

#[derive(Template)]
#[template(path = "trainings/session.html")]
struct SessionPage {
    chrome: Chrome,
    row: SessionRow,
}

pub async fn session(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let axum::Json(view) =
        trainings_api::get_training(State(state.clone()), principal.clone(), Path(id)).await?;
    let outcomes = trainings_api::outcomes(&state).await?;
    Ok(render(&SessionPage {
        chrome: Chrome::new(&principal, &view.title, "/formations"),
        row: session_row(view, &outcomes),
    }))
}

//! The advisor's "Reconversion" part of a person's page (`/demandeurs/{id}/reconversion`):
//! the paths toward occupations that recruit, each with its route, the skills to acquire,
//! how much it recruits, the sessions within reach with the schemes that fund them and what
//! training led to; then where the simple rule of earlier systems differs. It calls the API
//! handler it shows.

use super::api::{self as reconversion_api, ReconversionView, TargetView};
use crate::json::{PagePath, Path};
use crate::pages::*;
use crate::trainings::pages::outcome_words;

pub struct TargetCard {
    pub view: TargetView,
    pub rank: usize,
    pub route: String,
    pub kind: &'static str,
    pub tension: String,
    pub local: String,
    pub missing: Vec<String>,
    pub missing_more: usize,
    pub gauge_step: u8,
    pub gauge: &'static str,
    pub outcome: String,
    /// (session id, title, place and dates, schemes in words)
    pub sessions: Vec<(i64, String, String, String)>,
}

/// Missing skills shown before "and N more".
const MISSING_SHOWN: usize = 8;

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "close" => "métier proche",
        "progression" => "évolution",
        _ => "même domaine professionnel",
    }
}

fn scheme_words(code: &str) -> &'static str {
    model::schemes::Scheme::parse(code).map_or("", |s| s.short())
}

fn why_words(why: &str) -> &'static str {
    match why {
        "step_up_or_two_steps" => {
            "une évolution ou deux étapes : la règle simple ne retient que les métiers proches"
        }
        "ratio_below" => {
            "moins de 1,5 fois les offres par demandeur du métier actuel, mais en tension ou avec des offres à portée"
        }
        "no_local_figure" => {
            "aucun demandeur du département ne le recherche : la règle simple ne peut pas comparer"
        }
        "not_recruiting" => {
            "ne recrute pas à portée de la personne (tension officielle faible, aucune offre dans son rayon)"
        }
        _ => "classé plus bas par les parcours",
    }
}

fn card(rank: usize, view: TargetView) -> TargetCard {
    let route = view
        .route
        .iter()
        .map(|s| {
            format!(
                "{} → {} ({})",
                s.from_label,
                s.to_label,
                kind_words(&s.kind)
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let (gauge_step, gauge, outcome) = outcome_words(&view.outcome);
    TargetCard {
        rank,
        route,
        kind: kind_words(&view.kind),
        tension: view.official_class.map_or_else(
            || "non publiée".to_string(),
            |c| format!("classe {c} sur 5"),
        ),
        local: view.offers_per_10_seekers.map_or_else(
            || "secret statistique".to_string(),
            |r| format!("{r:.1} offres pour 10 demandeurs"),
        ),
        missing: view
            .missing_skills
            .iter()
            .take(MISSING_SHOWN)
            .map(|s| s.label.clone())
            .collect(),
        missing_more: view.missing_skills.len().saturating_sub(MISSING_SHOWN),
        gauge_step,
        gauge,
        outcome,
        sessions: view
            .sessions
            .iter()
            .map(|s| {
                let schemes = s
                    .schemes
                    .iter()
                    .map(|c| scheme_words(c))
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    s.id,
                    s.title.clone(),
                    format!(
                        "{}, {} ({:.0} km), dès le {}{}",
                        s.body,
                        s.city,
                        s.distance_km,
                        s.starts_on.format("%d/%m/%Y"),
                        s.hours.map_or_else(String::new, |h| format!(", {h} h"))
                    ),
                    if schemes.is_empty() {
                        "avec une offre (POEI) : depuis l'offre".to_string()
                    } else {
                        schemes
                    },
                )
            })
            .collect(),
        view,
    }
}

#[derive(Template)]
#[template(path = "reconversion/paths.html")]
struct PathsPage {
    chrome: Chrome,
    seeker_id: i64,
    seeker: String,
    months: u32,
    strength: &'static str,
    strong: bool,
    targets: Vec<TargetCard>,
    simple_rule: Vec<String>,
    differences: Vec<(String, &'static str, &'static str)>,
}

pub async fn paths(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let axum::Json(view): axum::Json<ReconversionView> =
        reconversion_api::reconversion(State(state.clone()), principal.clone(), Path(id)).await?;
    let (seeker, _) = api::job_seeker_and_agency(&state, id).await?;
    let strength = match view.strength.as_str() {
        "strongly_recommended" => "Reconversion fortement recommandée : un an de recherche ou plus",
        "recommended" => "Reconversion recommandée : neuf mois de recherche ou plus",
        "suggested" => "Reconversion suggérée : six mois de recherche ou plus",
        _ => "Pistes à la demande : moins de six mois de recherche",
    };
    Ok(render(&PathsPage {
        chrome: Chrome::new(&principal, "Reconversion", "/demandeurs"),
        seeker_id: id,
        seeker: format!("{} {}", seeker.record.first_name, seeker.record.last_name),
        months: view.months_searching,
        strong: view.strength != "on_request",
        strength,
        simple_rule: view
            .simple_rule
            .iter()
            .map(|c| format!("{} ({})", c.label, c.code))
            .collect(),
        differences: view
            .differences
            .iter()
            .map(|d| {
                (
                    format!("{} ({})", d.label, d.rome),
                    if d.in_paths {
                        "dans les parcours, pas dans la règle simple"
                    } else {
                        "dans la règle simple, pas dans les cinq premiers parcours"
                    },
                    why_words(&d.why),
                )
            })
            .collect(),
        targets: view
            .targets
            .into_iter()
            .enumerate()
            .map(|(i, t)| card(i + 1, t))
            .collect(),
    }))
}

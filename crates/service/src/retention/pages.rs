//! "Conservation des données" (`/admin/conservation`): the retention table, the legal holds,
//! the record of processing (GDPR art. 30) generated from the table, and the erasure
//! requests' queue with the "process" action, for the administrators.

use crate::json::{PagePath, Path};
use crate::pages::*;
use crate::retention::api::{ErasureFilter, ErasureRequestView, ProcessingView};
use crate::retention::{disposal_fr, kind_fr, state_fr};

/// A rule of the table, in French.
pub struct RuleRow {
    pub kind: &'static str,
    pub covers: &'static str,
    pub retention: String,
    pub disposal: &'static str,
    pub why: &'static str,
}

/// An erasure request of the queue.
pub struct RequestRow {
    pub view: ErasureRequestView,
    pub state: &'static str,
    pub by: &'static str,
    pub requested_on: String,
    pub pending: bool,
    pub can_proceed_on: String,
}

#[derive(Template)]
#[template(path = "retention/retention.html")]
struct RetentionPage {
    chrome: Chrome,
    rules: Vec<RuleRow>,
    holds: Vec<(&'static str, &'static str, &'static str)>,
    processings: Vec<ProcessingView>,
    requests: Vec<RequestRow>,
}

fn notice(code: Option<&str>) -> Option<String> {
    match code? {
        "efface" => Some("Les données de la personne sont effacées ; elle en est informée.".into()),
        "refuse" => Some(
            "L'effacement ne peut pas encore aboutir : la personne est informée de ce qui \
             l'empêche et de la date à partir de laquelle elle pourra le renouveler."
                .into(),
        ),
        _ => None,
    }
}

pub async fn retention(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(view) =
        crate::retention::api::retention_table(State(state.clone()), principal.clone()).await?;
    let axum::Json(requests) = crate::retention::api::list_erasure_requests(
        State(state.clone()),
        principal.clone(),
        crate::json::QueryParams(ErasureFilter { state: None }),
    )
    .await?;
    let rules = model::retention::RULES
        .iter()
        .map(|rule| RuleRow {
            kind: kind_fr(rule.kind),
            covers: rule.covers,
            retention: rule.in_words(),
            disposal: disposal_fr(rule.disposal),
            why: rule.why,
        })
        .collect();
    let holds = model::retention::LEGAL_HOLDS
        .iter()
        .map(|h| (h.what, h.kept, h.why))
        .collect();
    let requests = requests
        .into_iter()
        .map(|view| {
            let state = model::retention::ErasureState::parse(&view.state)
                .unwrap_or(model::retention::ErasureState::Requested);
            RequestRow {
                state: state_fr(state),
                by: if view.requested_by == "person" {
                    "La personne"
                } else {
                    "Son conseiller"
                },
                requested_on: view.requested_at.format("%d/%m/%Y").to_string(),
                pending: state == model::retention::ErasureState::Requested,
                can_proceed_on: view
                    .can_proceed_on
                    .map(crate::retention::day_fr)
                    .unwrap_or_default(),
                view,
            }
        })
        .collect();
    Ok(render(&RetentionPage {
        chrome: Chrome::new(
            &principal,
            "Conservation des données",
            "/admin/conservation",
        )
        .notice(notice(query.fait.as_deref())),
        rules,
        holds,
        processings: view.record_of_processing,
        requests,
    }))
}

pub async fn process(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let axum::Json(view) =
        crate::retention::api::process_erasure(State(state), principal, Path(id)).await?;
    let code = if view.state == "done" {
        "efface"
    } else {
        "refuse"
    };
    Ok(see_other(&format!("/admin/conservation?fait={code}")))
}

//! The co-organised actions' pages: the list (the user's structures' actions, drafts included,
//! and those published by others) and one action with its moves (here), preparing one from
//! offers at risk (`form`), its invitations, participants, outcomes and attendance sheet
//! (`follow_up`).

mod follow_up;
mod form;

pub use follow_up::*;
pub use form::*;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};

use crate::actions::api::{ActionView, CandidateOfferView, NewActionRequest};
use crate::api::forbidden;
use crate::json::{PagePath, Path};
use crate::pages::forms::set_error;
use crate::pages::*;

/// An action as a card or a page shows it.
pub struct ActionCard {
    pub view: ActionView,
    pub kind: &'static str,
    pub state: &'static str,
    pub badge: &'static str,
    /// "10/12/2026 à 09h30, jusqu'à 12h00".
    pub when: String,
    /// The commune and address, and "en ligne" when held online too.
    pub place: String,
    /// The lead and the co-organisers, by name.
    pub organisers: String,
    pub tags: Vec<&'static str>,
    /// (code, label) of its occupations.
    pub occupations: Vec<(String, String)>,
    /// (state, button label) of the moves open to the user.
    pub moves: Vec<(String, &'static str)>,
}

fn card(view: ActionView) -> ActionCard {
    let mut place = Vec::new();
    if let Some(commune) = &view.commune {
        place.push(match &view.address {
            Some(address) => format!("{address}, {}", commune_name(commune)),
            None => commune_name(commune),
        });
    }
    if view.online_link.is_some() {
        place.push("en ligne".to_string());
    }
    ActionCard {
        kind: labels::action_kind(&view.kind),
        state: labels::action_state(&view.state),
        badge: labels::action_badge(&view.state),
        when: format!(
            "{}, jusqu'à {}",
            crate::meetings::paris(view.starts_at),
            paris_time(view.ends_at)
        ),
        place: place.join(" · "),
        organisers: std::iter::once(view.lead.name.as_str())
            .chain(view.partners.iter().map(|p| p.name.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        tags: view
            .public_tags
            .iter()
            .map(|t| labels::public_tag(t))
            .collect(),
        occupations: view
            .romes
            .iter()
            .map(|code| (code.clone(), occupation_label(code)))
            .collect(),
        moves: view
            .moves
            .iter()
            .map(|to| (to.clone(), labels::action_move(to)))
            .collect(),
        view,
    }
}

#[derive(Template)]
#[template(path = "actions/actions.html")]
struct ActionsPage {
    chrome: Chrome,
    mine: Vec<ActionCard>,
    others: Vec<ActionCard>,
    may_organise: bool,
    /// The funnel of the region's actions of the year.
    funnel: Vec<StageRow>,
    year: i32,
}

pub async fn list(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(views) = crate::actions::api::list_actions(
        State(state.clone()),
        principal.clone(),
        crate::json::QueryParams(Default::default()),
    )
    .await?;
    let (mine, others): (Vec<ActionCard>, Vec<ActionCard>) =
        views.into_iter().map(card).partition(|c| c.view.organising);
    let funnel = stage_rows(
        crate::actions::outcomes::funnel(
            State(state.clone()),
            principal.clone(),
            crate::json::QueryParams(crate::actions::outcomes::FunnelQuery {
                quarter: None,
                year: Some(chrono::Datelike::year(&state.now().date_naive())),
            }),
        )
        .await?
        .0,
    );
    Ok(render(&ActionsPage {
        chrome: Chrome::new(&principal, "Actions de recrutement", "/actions")
            .notice(done(query.fait.as_deref())),
        may_organise: principal
            .grant(Resource::Actions, Verb::Write, None)
            .is_ok(),
        mine,
        others,
        funnel,
        year: chrono::Datelike::year(&state.now().date_naive()),
    }))
}

/// A draw's campaign, in words.
struct DrawShown {
    summary: String,
    quality: String,
}

fn draw_shown(report: &crate::actions::invitations::DrawReport) -> DrawShown {
    let french = |x: f64, decimals: usize| format!("{x:.decimals$}").replace('.', ",");
    let plural = |n: usize, one: &str, many: &str| {
        if n > 1 {
            format!("{n} {many}")
        } else {
            format!("{n} {one}")
        }
    };
    let left = match (report.offers_without_proposal, report.offers) {
        (0, 1) => "elle en a reçu".to_string(),
        (0, _) => "toutes en ont reçu".to_string(),
        (n, _) => format!("{} sans candidat", plural(n, "offre", "offres")),
    };
    // Under half a hundredth of a percent, the draw is the best possible as far as shown.
    let closeness = if report.gap < 0.00005 {
        "le tirage est le meilleur possible".to_string()
    } else {
        format!(
            "le tirage est à moins de {} % du meilleur possible",
            french(100.0 * report.gap, 2)
        )
    };
    DrawShown {
        summary: format!(
            "{} réparties entre {} sur {} ({left}) ; chaque personne n'est invitée qu'une \
             fois, pour l'offre où elle correspond le mieux.",
            plural(report.proposals, "proposition", "propositions"),
            plural(report.people_proposed, "personne", "personnes"),
            plural(report.offers, "offre ouverte", "offres ouvertes"),
        ),
        quality: format!(
            "Score total des propositions {} ; aucune répartition des mêmes candidats sous le \
             même plafond ne peut dépasser {} : {closeness}.",
            french(report.total_score, 1),
            french(report.bound, 1),
        ),
    }
}

#[derive(Template)]
#[template(path = "actions/action.html")]
struct ActionPage {
    chrome: Chrome,
    action: ActionCard,
    /// (id, title, occupation, commune) of its offers.
    offers: Vec<(i64, String, String, String)>,
    /// Its invitations, for the organisers.
    invitations: Vec<InvitationRow>,
    /// Invitations may be drawn now (published, not started, the user organises it).
    may_invite: bool,
    /// The last draw's campaign, for the organisers.
    last_draw: Option<DrawShown>,
    /// Its participants, for the organisers.
    participants: Vec<ParticipantRow>,
    /// Over: attendance is recorded; and whether it is closed.
    over: bool,
    attendance_closed: bool,
    /// Outcomes may be recorded (from the start to 90 days after the end).
    outcomes_open: bool,
    /// Seated participants whose attendance is still to record.
    to_record: usize,
    funnel: Vec<StageRow>,
    /// (code, label) of the kinds of outcome and of the contracts, for the form.
    outcome_kinds: Vec<(&'static str, &'static str)>,
    contracts: Vec<(&'static str, &'static str)>,
}

pub async fn show(State(state): St, RecordPage(principal, id, query): RecordPage) -> PageResult {
    let axum::Json(view) =
        crate::actions::api::get_action(State(state.clone()), principal.clone(), Path(id)).await?;
    let offers = view
        .offers
        .iter()
        .map(|o| {
            (
                o.id,
                o.title.clone(),
                occupation_label(&o.rome),
                commune_name(&o.commune),
            )
        })
        .collect();
    let invitations = if view.organising {
        crate::actions::invitations::action_invitations(
            State(state.clone()),
            principal.clone(),
            Path(id),
        )
        .await?
        .0
        .into_iter()
        .map(|v| InvitationRow {
            state: labels::invitation_state(&v.state),
            deadline: crate::meetings::paris(v.deadline),
            seat: match v.seat.as_deref() {
                Some("registered") => "inscrit(e)",
                Some("waiting") => "en liste d'attente",
                Some(_) => "désinscrit(e)",
                None => "",
            },
            may_withdraw: matches!(v.state.as_str(), "proposed" | "relayed"),
            view: v,
        })
        .collect()
    } else {
        Vec::new()
    };
    let may_invite = view.organising && view.state == "published" && view.starts_at > state.now();
    let last_draw = if view.organising {
        crate::actions::invitations::last_draw(&state, id)
            .await?
            .map(|r| draw_shown(&r))
    } else {
        None
    };
    let now = state.now();
    let over = view.ends_at <= now;
    let outcomes_open =
        view.starts_at <= now && now <= view.ends_at + chrono::Duration::days(model::OUTCOME_DAYS);
    let participants: Vec<ParticipantRow> = if view.organising {
        crate::actions::outcomes::participants(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0
            .into_iter()
            .map(|p| {
                let seat = if p.seat == "waiting" {
                    "liste d'attente"
                } else {
                    "inscrit(e)"
                };
                let attendance = match p.attendance.as_deref() {
                    Some("present") => "présent(e)",
                    Some("excused") => "excusé(e)",
                    Some("absent") => "absent(e)",
                    _ => "",
                };
                let outcomes = p.outcomes.iter().map(outcome_label).collect();
                ParticipantRow::new(p, seat, attendance, outcomes)
            })
            .collect()
    } else {
        Vec::new()
    };
    let to_record = participants
        .iter()
        .filter(|p| p.view.seat == "registered" && p.view.attendance.is_none())
        .count();
    let attendance_closed = state
        .store
        .action(id)
        .await?
        .map(|a| a.gathering_id)
        .map(|g| state.store.gathering(g));
    let attendance_closed = match attendance_closed {
        Some(gathering) => gathering
            .await?
            .is_some_and(|g| g.attendance_closed_at.is_some()),
        None => false,
    };
    let funnel = stage_rows(
        crate::actions::outcomes::action_funnel(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0,
    );
    let action = card(view);
    Ok(render(&ActionPage {
        invitations,
        may_invite,
        last_draw,
        participants,
        over,
        attendance_closed,
        outcomes_open,
        to_record,
        funnel,
        outcome_kinds: vec![
            ("interview", "Entretien"),
            ("hire", "Embauche"),
            ("training", "Entrée en formation"),
            ("immersion", "Immersion (PMSMP)"),
        ],
        contracts: vec![
            ("", "—"),
            ("CDI", "CDI"),
            ("CDD", "CDD"),
            ("MIS", "Mission d'intérim"),
            ("CCE", "Contrat de chantier"),
        ],
        chrome: Chrome::new(&principal, action.view.title.clone(), "/actions")
            .notice(done(query.fait.as_deref())),
        action,
        offers,
    }))
}

#[derive(Deserialize)]
pub struct MoveForm {
    vers: String,
}

pub async fn move_to(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<MoveForm>,
) -> PageResult {
    let result = crate::actions::api::move_action(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::api::MoveActionRequest {
            to: form.vers.clone(),
        }),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/actions/{id}?fait=action"))),
        Err(ApiError::Conflict(_)) => Err(ApiError::Refused(format!(
            "Cette action ne peut pas passer à l'état « {} » maintenant : une action se publie \
             avant son début, est tenue une fois commencée et se clôt une fois la présence de \
             ses participants close.",
            labels::action_state(&form.vers)
        ))
        .into()),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::invitations::DrawReport;

    fn report(offers: usize, without: usize, gap: f64) -> DrawReport {
        DrawReport {
            offers,
            proposals: 12,
            total_score: 9.25,
            bound: 9.25 / (1.0 - gap),
            gap,
            method: "priced".to_string(),
            offers_without_proposal: without,
            people_proposed: 10,
        }
    }

    #[test]
    fn a_draw_is_said_in_french_with_its_distance_to_the_best() {
        let best = draw_shown(&report(1, 0, 0.0));
        assert_eq!(
            best.summary,
            "12 propositions réparties entre 10 personnes sur 1 offre ouverte (elle en a reçu) ; \
             chaque personne n'est invitée qu'une fois, pour l'offre où elle correspond le mieux."
        );
        assert_eq!(
            best.quality,
            "Score total des propositions 9,2 ; aucune répartition des mêmes candidats sous le \
             même plafond ne peut dépasser 9,2 : le tirage est le meilleur possible."
        );
        let near = draw_shown(&report(4, 1, 0.0123));
        assert!(
            near.summary
                .contains("sur 4 offres ouvertes (1 offre sans candidat)")
        );
        assert!(
            near.quality
                .ends_with("le tirage est à moins de 1,23 % du meilleur possible.")
        );
    }
}

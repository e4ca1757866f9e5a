//! The duos' pages (an agency's mentors are `super::mentor_pages`): the duos of the user's
//! structures with the silent ones first and, for an advisor, the people for whom a mentor is
//! free (`/duos`; the steering committee sees the region's counts and the evaluation there), one duo with its moves, contacts and outcomes (`/duos/{id}`), and
//! the mentors suggested for one of the advisor's people (`/demandeurs/{id}/duo`). Each page
//! calls the API handler it shows.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::duos::api::{
    self as duos_api, ContactView, DuoDrawRequest, DuoOutcomeRequest, DuoView, MoveDuoRequest,
    NewContactRequest, NewDuoRequest,
};
use crate::duos::mentors::{self as mentors_api, MentorSuggestionView};
use crate::error::FieldProblem;
use crate::json::{PageForm, PagePath, Path};
use crate::pages::forms::trimmed;
use crate::pages::*;

pub(crate) fn day_fr(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// A duo as a row or a page shows it.
pub struct DuoCard {
    pub view: DuoView,
    pub state: &'static str,
    pub badge: &'static str,
    pub seeker: String,
    pub mentor: String,
    pub occupation: String,
    pub period: String,
    pub last_contact: String,
    pub stop_reason: &'static str,
    /// (state, button label) of the moves open to the user, the stop apart.
    pub moves: Vec<(String, &'static str)>,
    pub may_stop: bool,
}

fn duo_card(view: DuoView) -> DuoCard {
    let period = match (view.started_on, view.ended_on, view.planned_end) {
        (Some(start), Some(end), _) => format!("du {} au {}", day_fr(start), day_fr(end)),
        (Some(start), None, Some(planned)) => {
            format!(
                "depuis le {}, fin prévue le {}",
                day_fr(start),
                day_fr(planned)
            )
        }
        _ => format!("{} mois, à démarrer", view.months),
    };
    DuoCard {
        state: labels::duo_state(&view.state),
        badge: labels::duo_badge(&view.state),
        seeker: view
            .job_seeker
            .name
            .clone()
            .unwrap_or_else(|| view.job_seeker.pseudonym.clone()),
        mentor: view
            .mentor
            .name
            .clone()
            .unwrap_or_else(|| view.mentor.pseudonym.clone()),
        occupation: format!("{} ({})", occupation_label(&view.rome), view.rome),
        period,
        last_contact: view.last_contact_on.map(day_fr).unwrap_or_default(),
        stop_reason: view
            .stop_reason
            .as_deref()
            .map(labels::duo_stop_reason)
            .unwrap_or(""),
        moves: view
            .moves
            .iter()
            .filter(|to| to.as_str() != "stopped")
            .map(|to| (to.clone(), labels::duo_move(to)))
            .collect(),
        may_stop: view.moves.iter().any(|to| to == "stopped"),
        view,
    }
}

/// The region's counts, for the steering committee.
pub struct CountRow {
    pub label: &'static str,
    pub value: u64,
}

#[derive(Template)]
#[template(path = "duos/duos.html")]
struct DuosPage {
    chrome: Chrome,
    /// The user follows duos (a side of them).
    follows: bool,
    silent: Vec<DuoCard>,
    open: Vec<DuoCard>,
    ended: Vec<DuoCard>,
    counts: Vec<CountRow>,
    outcomes: Vec<(&'static str, u64, u64)>,
    /// For an advisor: the people of their agency for whom a mentor is free, priority first.
    candidates: Vec<CandidateRow>,
    /// The evaluation's rows: (design, horizon, participants' rate, comparison's rate,
    /// difference and interval), in French, withheld ones saying so.
    evaluation: Vec<EvaluationRow>,
}

pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub statuses: String,
    pub occupation: String,
    pub mentors: usize,
}

pub struct EvaluationRow {
    pub design: &'static str,
    pub months: u8,
    pub people: String,
    pub rates: String,
    pub difference: String,
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_default()
}

fn points(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:+.0}", v * 100.0).replace('-', "−"))
        .unwrap_or_default()
}

fn evaluation_row(design: &'static str, e: &crate::duos::evaluation::Estimate) -> EvaluationRow {
    if e.withheld {
        return EvaluationRow {
            design,
            months: e.months,
            people: "moins de 20 personnes d'un côté".to_string(),
            rates: "non diffusé".to_string(),
            difference: "non diffusé".to_string(),
        };
    }
    EvaluationRow {
        design,
        months: e.months,
        people: format!(
            "{} / {}",
            e.participants.unwrap_or_default(),
            e.comparison.unwrap_or_default()
        ),
        rates: format!(
            "{} contre {}",
            percent(e.participant_rate),
            percent(e.comparison_rate)
        ),
        difference: format!(
            "{} points [{} ; {}]",
            points(e.difference),
            points(e.low),
            points(e.high)
        ),
    }
}

pub async fn list(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let follows = principal.grant(Resource::Duos, Verb::Read, None).is_ok();
    let steering = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .is_ok_and(|g| g.rule.reach == crate::access::Reach::Any);
    if !follows && !steering {
        return Err(api::forbidden("duos are followed by their two sides".to_string()).into());
    }
    let (mut silent, mut open, mut ended) = (Vec::new(), Vec::new(), Vec::new());
    if follows {
        let (views, named) = duos_api::duos_of_user(&state, &principal, false).await?;
        duos_api::audit_named(&state, &principal, &named, None).await?;
        for card in views.into_iter().map(duo_card) {
            if card.view.silent {
                silent.push(card);
            } else if model::DuoState::parse(&card.view.state).is_some_and(|s| s.is_open()) {
                open.push(card);
            } else {
                ended.push(card);
            }
        }
    }
    let mut candidates = Vec::new();
    let coordinates = principal
        .grants(Resource::JobSeekers, Verb::Read)
        .iter()
        .any(|g| g.rule.reach == crate::access::Reach::Own);
    if follows && coordinates {
        let axum::Json(found) =
            duos_api::duo_candidates(State(state.clone()), principal.clone()).await?;
        candidates = found
            .into_iter()
            .map(|c| CandidateRow {
                id: c.job_seeker_id,
                name: c.name,
                statuses: c
                    .statuses
                    .iter()
                    .map(|s| labels::priority(s))
                    .collect::<Vec<_>>()
                    .join(", "),
                occupation: format!("{} ({})", occupation_label(&c.rome), c.rome),
                mentors: c.mentors,
            })
            .collect();
    }
    let (mut counts, mut outcomes, mut evaluation) = (Vec::new(), Vec::new(), Vec::new());
    if steering {
        let axum::Json(e) =
            crate::duos::figures::duo_evaluation(State(state.clone()), principal.clone()).await?;
        evaluation.extend(
            e.matched
                .iter()
                .map(|m| evaluation_row("Participants / groupe de comparaison", m)),
        );
        evaluation.extend(
            e.lottery
                .iter()
                .map(|m| evaluation_row("Tirés au sort : gagnants / perdants", m)),
        );
        let axum::Json(c) =
            crate::duos::figures::duo_counts(State(state.clone()), principal.clone()).await?;
        counts = [
            ("Tuteurs volontaires", c.mentors),
            ("Duos proposés", c.proposed),
            ("Duos acceptés par les deux côtés", c.accepted),
            ("Duos terminés", c.completed),
            ("Duos arrêtés avant leur terme", c.stopped),
            ("Contacts notés", c.contacts),
            ("Duos sans contact depuis trois semaines", c.silent),
        ]
        .into_iter()
        .map(|(label, value)| CountRow { label, value })
        .collect();
        outcomes = ["job", "training", "immersion", "none"]
            .iter()
            .zip(
                c.outcomes_at_end
                    .iter()
                    .zip(c.outcomes_at_six_months.iter()),
            )
            .map(|(code, (end, six))| (labels::duo_outcome(code), *end, *six))
            .collect();
    }
    Ok(render(&DuosPage {
        chrome: Chrome::new(&principal, "Duos demandeur d'emploi – intérimaire", "/duos")
            .notice(done(query.fait.as_deref())),
        follows,
        silent,
        open,
        ended,
        counts,
        outcomes,
        evaluation,
        candidates,
    }))
}

pub struct ContactRow {
    pub view: ContactView,
    pub kind: &'static str,
    pub on: String,
}

#[derive(Template)]
#[template(path = "duos/duo.html")]
struct DuoPage {
    chrome: Chrome,
    duo: DuoCard,
    coordinator: bool,
    /// Proposed or under way (else another may be proposed to the person).
    open: bool,
    contacts: Vec<ContactRow>,
    /// Contacts may be logged (accepted or active).
    may_log: bool,
    /// (milestone label, outcome label) recorded.
    outcomes: Vec<(&'static str, &'static str)>,
    /// Milestones whose outcome the coordinator may record now.
    milestones: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    outcome_kinds: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    today: String,
}

pub async fn show(State(state): St, RecordPage(principal, id, query): RecordPage) -> PageResult {
    let axum::Json(view) =
        duos_api::get_duo(State(state.clone()), principal.clone(), Path(id)).await?;
    let axum::Json(contacts) =
        duos_api::list_contacts(State(state.clone()), principal.clone(), Path(id)).await?;
    let axum::Json(recorded) =
        duos_api::list_outcomes(State(state.clone()), principal.clone(), Path(id)).await?;
    let coordinator = view.side == "coordinator";
    let today = state.now().date_naive();
    let mut milestones = Vec::new();
    if coordinator && let Some(ended) = view.ended_on {
        let has = |m: &str| recorded.iter().any(|o| o.milestone == m);
        if !has("end") {
            milestones.push(("end", labels::duo_milestone("end")));
        }
        if !has("six_months") && (today - ended).num_days() >= model::DUO_FOLLOW_UP_DAYS {
            milestones.push(("six_months", labels::duo_milestone("six_months")));
        }
    }
    let may_log = matches!(view.state.as_str(), "accepted" | "active");
    let open = model::DuoState::parse(&view.state).is_some_and(|s| s.is_open());
    Ok(render(&DuoPage {
        open,
        chrome: Chrome::new(&principal, format!("Duo n° {id}"), "/duos")
            .notice(done(query.fait.as_deref())),
        coordinator,
        contacts: contacts
            .into_iter()
            .rev()
            .map(|c| ContactRow {
                kind: labels::contact_kind(&c.kind),
                on: day_fr(c.on),
                view: c,
            })
            .collect(),
        may_log,
        outcomes: recorded
            .iter()
            .map(|o| {
                (
                    labels::duo_milestone(&o.milestone),
                    labels::duo_outcome(&o.kind),
                )
            })
            .collect(),
        milestones,
        kinds: model::ContactKind::ALL
            .iter()
            .map(|k| (k.as_str(), labels::contact_kind(k.as_str())))
            .collect(),
        outcome_kinds: model::DuoOutcomeKind::ALL
            .iter()
            .map(|k| (k.as_str(), labels::duo_outcome(k.as_str())))
            .collect(),
        reasons: model::DUO_STOP_REASONS
            .iter()
            .map(|r| (*r, labels::duo_stop_reason(r)))
            .collect(),
        today: today.format("%Y-%m-%d").to_string(),
        duo: duo_card(view),
    }))
}

/// A refusal of the store, in French for the pages.
fn refused_fr(message: &str) -> &'static str {
    if message.starts_with("mentor_id") {
        "Ce tuteur n'a plus de place libre ou s'est retiré du dispositif : choisissez-en un autre."
    } else if message.starts_with("job_seeker_id") {
        "Cette personne a déjà un duo proposé ou en cours, ou a déjà participé au tirage au sort."
    } else if message.starts_with("duo_id") {
        "Les contacts se notent une fois le duo accepté par les deux côtés, et jusqu'à sa fin."
    } else if message.starts_with("milestone") {
        "Ce résultat est déjà noté, ou n'est pas encore dû (six mois après la fin du duo)."
    } else if message.starts_with("on") {
        "La date ne convient pas : un duo se termine après son début, un contact suit sa proposition."
    } else if message.starts_with("rome") {
        "Le tuteur n'exerce pas ce métier."
    } else {
        "Le duo a changé entre-temps : rechargez la page."
    }
}

/// A field a duo's form got wrong, in French for the pages.
fn field_fr(problem: &FieldProblem) -> &'static str {
    match problem.path.as_str() {
        "/on" => "la date doit être passée ou celle du jour",
        "/minutes" => "une durée de 5 à 600 minutes",
        "/kind" => "choisissez le type de contact",
        "/reason" => "choisissez la raison de l'arrêt",
        "/note" => "une note de 2 000 caractères au plus, que seul le coordinateur tient",
        "/months" => "une durée de 1 à 9 mois",
        "/rome" => "le métier doit être l'un de ceux du tuteur",
        _ => "une valeur ne convient pas",
    }
}

fn in_french<T>(result: Result<T, ApiError>) -> Result<T, PageError> {
    refused_in_french(
        result,
        "Le formulaire n'est pas enregistré",
        refused_fr,
        field_fr,
    )
}

/// Posts `request` to the duo API's `handler` for duo `id` as the viewer, then shows the
/// duo's page saying what was done (`?fait=done`); a refusal is said in French.
async fn post_to_duo<R, T, Fut>(
    state: Arc<AppState>,
    principal: Principal,
    id: i64,
    handler: impl FnOnce(St, Principal, Path<i64>, JsonBody<R>) -> Fut,
    request: R,
    done: &str,
) -> PageResult
where
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let _posted = in_french(handler(State(state), principal, Path(id), JsonBody(request)).await)?;
    Ok(see_other(&format!("/duos/{id}?fait={done}")))
}

pub async fn move_to(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let request = MoveDuoRequest {
        to: trimmed(&form, "vers"),
        reason: Some(trimmed(&form, "raison")),
        on: None,
    };
    post_to_duo(state, principal, id, duos_api::move_duo, request, "duo").await
}

pub async fn log_contact(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| trimmed(&form, name);
    let on = NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d")
        .map_err(|_| ApiError::Refused("Indiquez la date du contact (JJ/MM/AAAA).".to_string()))?;
    let minutes = get("duree").parse::<u16>().map_err(|_| {
        ApiError::Refused("Indiquez la durée du contact en minutes, de 5 à 600.".to_string())
    })?;
    let request = NewContactRequest {
        on,
        minutes,
        kind: get("type"),
        note: Some(get("note")),
    };
    post_to_duo(
        state,
        principal,
        id,
        duos_api::log_contact,
        request,
        "contact",
    )
    .await
}

pub async fn record_outcome(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let request = DuoOutcomeRequest {
        milestone: trimmed(&form, "echeance"),
        kind: trimmed(&form, "resultat"),
    };
    post_to_duo(
        state,
        principal,
        id,
        duos_api::record_outcome,
        request,
        "resultat_duo",
    )
    .await
}

pub struct SuggestionRow {
    pub view: MentorSuggestionView,
    pub occupation: String,
    pub relation: &'static str,
    pub available: String,
}

#[derive(Template)]
#[template(path = "duos/suggestions.html")]
struct SuggestionsPage {
    chrome: Chrome,
    seeker_id: i64,
    seeker: String,
    occupations: Vec<String>,
    mentors: Vec<SuggestionRow>,
    /// The person's duos so far (an open one stops a new proposal).
    duos: Vec<DuoCard>,
    has_open: bool,
}

pub async fn suggestions(
    State(state): St,
    RecordPage(principal, id, query): RecordPage,
) -> PageResult {
    let axum::Json(found) =
        mentors_api::mentor_suggestions(State(state.clone()), principal.clone(), Path(id)).await?;
    let (seeker, _) = api::job_seeker_and_agency(&state, id).await?;
    let mut duos = Vec::new();
    let mut named = Vec::new();
    for duo in state.store.duos_of_job_seeker(id).await? {
        let view = duos_api::duo_view(&state, &duo, api::Mover::PersonSide, &mut named).await?;
        duos.push(duo_card(view));
    }
    let has_open = duos
        .iter()
        .any(|d| model::DuoState::parse(&d.view.state).is_some_and(|s| s.is_open()));
    state
        .audit_one(principal.event(
            "job_seeker.read",
            "job_seeker",
            id,
            serde_json::json!({ "through": "duo_suggestions" }),
        ))
        .await?;
    Ok(render(&SuggestionsPage {
        chrome: Chrome::new(&principal, "Proposer un duo", "/demandeurs")
            .notice(done(query.fait.as_deref())),
        seeker_id: id,
        seeker: format!("{} {}", seeker.record.first_name, seeker.record.last_name),
        occupations: found
            .occupations
            .iter()
            .map(|code| format!("{} ({code})", occupation_label(code)))
            .collect(),
        mentors: found
            .mentors
            .into_iter()
            .map(|s| SuggestionRow {
                occupation: format!("{} ({})", occupation_label(&s.rome), s.rome),
                relation: if s.relation == "same" {
                    "métier recherché"
                } else {
                    "métier proche"
                },
                available: if s.available_soon {
                    format!("disponible, {} h par mois", s.hours_per_month)
                } else {
                    format!(
                        "dès le {}, {} h par mois",
                        day_fr(s.available_from),
                        s.hours_per_month
                    )
                },
                view: s,
            })
            .collect(),
        duos,
        has_open,
    }))
}

/// The duo's length typed in a form: none for the default, else 1 to 9 months.
fn months_of(typed: &str) -> Result<Option<u8>, PageError> {
    match typed {
        "" => Ok(None),
        typed => typed
            .parse::<u8>()
            .ok()
            .filter(|m| (1..=model::DUO_MONTHS_MAX).contains(m))
            .map(Some)
            .ok_or_else(|| ApiError::Refused("Une durée de duo de 1 à 9 mois.".to_string()).into()),
    }
}

pub async fn propose(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| trimmed(&form, name);
    let mentor_id = get("tuteur")
        .parse()
        .map_err(|_| ApiError::Refused("Choisissez un tuteur dans la liste.".to_string()))?;
    let request = NewDuoRequest {
        job_seeker_id: id,
        mentor_id,
        rome: get("metier"),
        months: months_of(&get("mois"))?,
    };
    let (_, axum::Json(duo)) =
        in_french(duos_api::propose_duo(State(state), principal, JsonBody(request)).await)?;
    Ok(see_other(&format!("/duos/{}?fait=duo_propose", duo.id)))
}

pub async fn draw(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let request = DuoDrawRequest {
        job_seeker_id: id,
        months: months_of(&trimmed(&form, "mois"))?,
    };
    let (_, axum::Json(drawn)) =
        in_french(duos_api::draw_duo(State(state), principal, JsonBody(request)).await)?;
    Ok(match drawn.duo {
        Some(duo) => see_other(&format!("/duos/{}?fait=tirage_gagne", duo.id)),
        None => see_other(&format!("/demandeurs/{id}/duo?fait=tirage_perdu")),
    })
}

//! The training plans' pages: the user's plans, open ones first, with the obligation's badge
//! (`/plans-formation`; the steering committee sees the region's counts and the breaches
//! there), one plan with its moves (`/plans-formation/{id}`); the offer's page and the
//! referral's page show their plans. "Former avant d'embaucher", from an offer, is
//! `build_pages.rs`. Each page calls the API handler it shows.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use model::schemes::Scheme;
use model::training_plans::{PLAN_ABANDON_REASONS, PlanState};

use crate::error::FieldProblem;
use crate::json::{PageForm, PagePath, Path, QueryParams};
use crate::pages::forms::trimmed;
use crate::pages::*;
use crate::referrals::pages::ReferralRow;
use crate::training_plans::api::{
    self as plans_api, HireRequest, MovePlanRequest, PlanCountsQuery, TrainingPlanView,
};

/// A plan as a row or a page shows it.
pub struct PlanCard {
    pub view: TrainingPlanView,
    pub state: &'static str,
    pub badge: &'static str,
    pub scheme: &'static str,
    pub period: String,
    pub hours: String,
    pub obligation: &'static str,
    pub obligation_badge: &'static str,
    /// When the contract is awaited until, or the hire recorded.
    pub obligation_detail: String,
    pub abandon_reason: &'static str,
    pub hire: String,
    /// (state, button label) of the simple moves open to the user (hire and abandon apart).
    pub moves: Vec<(String, &'static str)>,
    pub may_hire: bool,
    pub may_abandon: bool,
}

fn hours_label(centre: u32, enterprise: u32) -> String {
    match (centre, enterprise) {
        (c, 0) => format!("{c} h en centre de formation"),
        (0, e) => format!("{e} h en entreprise"),
        (c, e) => format!("{c} h en centre, {e} h en entreprise"),
    }
}

pub(crate) fn plan_card(view: TrainingPlanView) -> PlanCard {
    let scheme = Scheme::parse(&view.scheme).map_or("inconnu", Scheme::label);
    let hire = view
        .hire
        .as_ref()
        .map(|h| {
            let length = h
                .months
                .map_or_else(|| "sans fin".to_string(), |m| format!("{m} mois"));
            format!(
                "{} à partir du {} ({length})",
                labels::contract(&h.contract_type),
                fr_date(h.starts_on)
            )
        })
        .unwrap_or_default();
    let obligation_detail = match view.obligation.status.as_str() {
        "pending" => view
            .obligation
            .until
            .map(|d| format!("jusqu'au {}", fr_date(d)))
            .unwrap_or_default(),
        "breach" => "le contrat exigé par le dispositif n'a pas suivi la formation".to_string(),
        "met" => "le contrat exigé a suivi la formation".to_string(),
        _ => String::new(),
    };
    PlanCard {
        state: labels::plan_state(&view.state),
        badge: labels::plan_badge(&view.state),
        scheme,
        period: format!(
            "du {} au {}",
            fr_date(view.starts_on),
            fr_date(view.ends_on)
        ),
        hours: hours_label(view.hours_centre, view.hours_enterprise),
        obligation: labels::obligation_status(&view.obligation.status),
        obligation_badge: labels::obligation_badge(&view.obligation.status),
        obligation_detail,
        abandon_reason: view
            .abandon_reason
            .as_deref()
            .map(labels::plan_abandon_reason)
            .unwrap_or(""),
        hire,
        moves: view
            .moves
            .iter()
            .filter(|to| !matches!(to.as_str(), "hired" | "abandoned"))
            .map(|to| (to.clone(), labels::plan_move(to)))
            .collect(),
        may_hire: view.moves.iter().any(|to| to == "hired"),
        may_abandon: view.moves.iter().any(|to| to == "abandoned"),
        view,
    }
}

/// A figure of the region's counts, for the steering committee.
pub struct CountRow {
    pub label: String,
    pub value: String,
}

fn figure(n: Option<u64>) -> String {
    n.map_or_else(
        || "moins de 20 (non diffusé)".to_string(),
        |n| n.to_string(),
    )
}

pub struct BreachRow {
    pub plan_id: i64,
    pub scheme: &'static str,
    pub structure: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "training_plans/plans.html")]
struct PlansPage {
    chrome: Chrome,
    follows: bool,
    open: Vec<PlanCard>,
    closed: Vec<PlanCard>,
    period: String,
    counts: Vec<CountRow>,
    breaches: Vec<BreachRow>,
}

pub async fn list(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let follows = principal
        .grant(Resource::TrainingPlans, Verb::Read, None)
        .is_ok();
    let steering = principal
        .grant(Resource::Indicators, Verb::Read, None)
        .is_ok_and(|g| g.rule.reach == crate::access::Reach::Any);
    if !follows && !steering {
        return Err(
            api::forbidden("training plans are followed by their two sides".to_string()).into(),
        );
    }
    let (mut open, mut closed) = (Vec::new(), Vec::new());
    if follows {
        let (views, named) = plans_api::plans_of_user(&state, &principal).await?;
        plans_api::audit_named(&state, &principal, &named, None).await?;
        for card in views.into_iter().map(plan_card) {
            if PlanState::parse(&card.view.state).is_some_and(PlanState::is_open) {
                open.push(card);
            } else {
                closed.push(card);
            }
        }
    }
    let (mut counts, mut breaches, mut period) = (Vec::new(), Vec::new(), String::new());
    if steering {
        let axum::Json(c) = crate::training_plans::figures::plan_counts(
            State(state.clone()),
            principal.clone(),
            QueryParams(PlanCountsQuery::default()),
        )
        .await?;
        period = format!("du {} au {}", fr_date(c.from), fr_date(c.to));
        let mut add = |label: &str, n: Option<u64>| {
            counts.push(CountRow {
                label: label.to_string(),
                value: figure(n),
            });
        };
        add("Plans proposés", c.proposed);
        add("Entrées en formation", c.entries);
        for s in &c.entries_by_scheme {
            add(&format!("dont {}", s.label), s.entries);
        }
        add("Formations terminées", c.completed);
        add("Embauches à l'issue", c.hired);
        add("Plans abandonnés", c.abandoned);
        add(
            "En emploi d'un mois ou plus dans les six mois après la formation",
            c.employed_at_six_months,
        );
        breaches = c
            .breaches
            .into_iter()
            .map(|b| BreachRow {
                plan_id: b.plan_id,
                scheme: Scheme::parse(&b.scheme).map_or("inconnu", Scheme::label),
                structure: b.structure,
                rule: b.rule,
            })
            .collect();
    }
    Ok(render(&PlansPage {
        chrome: Chrome::new(&principal, "Plans de formation", "/plans-formation")
            .notice(done(query.fait.as_deref()).or_else(|| plan_done(query.fait.as_deref()))),
        follows,
        open,
        closed,
        period,
        counts,
        breaches,
    }))
}

/// The message after a plan's action (`?fait=`).
fn plan_done(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "plan_propose" => {
            "Le plan de formation est proposé : l'autre côté (la structure de l'offre ou \
             l'agence France Travail de la personne) donne son accord."
        }
        "plan" => "L'état du plan de formation est enregistré.",
        _ => return None,
    };
    Some(text.to_string())
}

#[derive(Template)]
#[template(path = "training_plans/plan.html")]
struct PlanPage {
    chrome: Chrome,
    /// Why the form just posted was refused, in French.
    refused: Option<String>,
    plan: PlanCard,
    proposed_by: &'static str,
    /// (French reason) of the scheme's verdict on the day the plan was proposed.
    eligible: Option<bool>,
    reasons: Vec<&'static str>,
    reasons_abandon: Vec<(&'static str, &'static str)>,
    contracts: Vec<(&'static str, &'static str)>,
    today: String,
}

pub async fn show(State(state): St, RecordPage(principal, id, query): RecordPage) -> PageResult {
    plan_page(
        &state,
        &principal,
        id,
        plan_done(query.fait.as_deref()),
        None,
    )
    .await
}

/// A plan's page, with the notice of what was just done, or the reason its form was refused
/// (then a 422, the form shown again).
async fn plan_page(
    state: &Arc<AppState>,
    principal: &Principal,
    id: i64,
    notice: Option<String>,
    refused: Option<String>,
) -> PageResult {
    let axum::Json(view) =
        plans_api::get_plan(State(state.clone()), principal.clone(), Path(id)).await?;
    let (eligible, reasons) = match &view.eligibility {
        Some(e) if e.eligible => (
            Some(true),
            e.reasons
                .iter()
                .map(|r| labels::scheme_reason(&r.key))
                .collect(),
        ),
        Some(e) => (
            Some(false),
            e.failed_check
                .iter()
                .map(|c| labels::scheme_check(c))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let page = PlanPage {
        chrome: Chrome::new(
            principal,
            form_title(&format!("Plan de formation n° {id}"), refused.is_some()),
            "/plans-formation",
        )
        .notice(notice),
        refused: refused.clone(),
        proposed_by: labels::plan_side(&view.proposed_side),
        eligible,
        reasons,
        reasons_abandon: PLAN_ABANDON_REASONS
            .iter()
            .map(|r| (*r, labels::plan_abandon_reason(r)))
            .collect(),
        contracts: ["CDI", "CDD", "MIS", "SAI", "DIN"]
            .iter()
            .map(|c| (*c, labels::contract(c)))
            .collect(),
        today: state.now().date_naive().format("%Y-%m-%d").to_string(),
        plan: plan_card(view),
    };
    Ok(render_form(&page, refused.is_some()))
}

/// A day typed in a form: `2026-04-01` (a date field) or `01/04/2026`.
pub(super) fn day_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// A refusal of the API, in French for the pages.
pub(super) fn in_french<T>(result: Result<T, ApiError>) -> Result<T, PageError> {
    refused_in_french(
        result,
        "Le plan n'est pas enregistré",
        conflict_fr,
        field_fr,
    )
}

/// A conflict with the plan's rules, in French for the pages.
fn conflict_fr(message: &str) -> &'static str {
    if message.contains("cannot agree to it alone") {
        "Le côté qui a proposé le plan ne peut pas l'accepter seul : l'autre côté donne \
         son accord."
    } else if message.starts_with("job_seeker_id") {
        "La personne a déjà un plan de formation en cours pour cette offre."
    } else if message.contains("to hired is not for") {
        "Seule la structure qui porte l'offre enregistre l'embauche."
    } else if message.contains("is not for") {
        "Ce changement revient à l'autre côté du plan."
    } else if message.contains("can only be abandoned") {
        "La mise en relation du plan n'est plus en cours : le plan ne peut plus \
         qu'être abandonné."
    } else if message.starts_with("referral_id") {
        "Un plan se construit à partir d'une mise en relation que la personne a \
         acceptée (acceptée ou en entretien)."
    } else if message.contains("cannot go from") && message.ends_with("to hired") {
        "L'embauche s'enregistre une fois la formation terminée, par la structure \
         qui porte l'offre."
    } else if message.contains("cannot go from") {
        "Ce changement n'est pas possible à ce stade du plan : rechargez la page pour \
         voir ceux qui le sont."
    } else {
        "Le plan a changé entre-temps : rechargez la page."
    }
}

/// A field a plan's form got wrong, in French for the pages.
fn field_fr(p: &FieldProblem) -> String {
    match p.path.as_str() {
        "/scheme" => format!(
            "le dispositif ne s'applique pas ({})",
            p.message
                .split_once(':')
                .map_or("choisissez un dispositif", |(check, _)| {
                    labels::scheme_check(check)
                })
        ),
        "/starts_on" => "la formation commence au plus tôt aujourd'hui (et \
                         dans les dates de la session, si une session est choisie)"
            .to_string(),
        "/ends_on" => "la formation finit le jour de son début ou après".to_string(),
        "/hours_centre" | "/hours_enterprise" => {
            "de 1 à 3 000 heures de formation en tout".to_string()
        }
        "/session_id" => "la session n'est plus au catalogue".to_string(),
        "/job_seeker_id" => "la personne n'a pas été mise en relation avec cette offre".to_string(),
        "/reason" => "choisissez la raison de l'abandon".to_string(),
        "/hire" | "/hire/starts_on" => "indiquez le contrat et sa date de début, au plus tôt le \
                                        premier jour de la formation"
            .to_string(),
        "/hire/months" => "un contrat de 1 à 120 mois (vide s'il est sans fin)".to_string(),
        "/hire/contract_type" => "choisissez le type de contrat".to_string(),
        _ => "une valeur ne convient pas".to_string(),
    }
}

pub async fn move_to(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    match try_move(state.clone(), principal.clone(), id, &form).await {
        Err(PageError(ApiError::Refused(reason))) => {
            plan_page(&state, &principal, id, None, Some(reason)).await
        }
        done => done,
    }
}

async fn try_move(
    state: Arc<AppState>,
    principal: Principal,
    id: i64,
    form: &HashMap<String, String>,
) -> PageResult {
    let get = |name: &str| trimmed(form, name);
    let to = get("vers");
    let hire = if to == "hired" {
        let starts_on = day_of(&get("debut")).ok_or_else(|| {
            ApiError::Refused("Indiquez la date de début du contrat (JJ/MM/AAAA).".to_string())
        })?;
        let months = match get("mois").as_str() {
            "" => None,
            typed => Some(typed.parse::<u32>().map_err(|_| {
                ApiError::Refused(
                    "La durée du contrat s'écrit en mois, de 1 à 120 (vide s'il est sans fin)."
                        .to_string(),
                )
            })?),
        };
        Some(HireRequest {
            contract_type: get("contrat"),
            starts_on,
            months,
        })
    } else {
        None
    };
    let request = MovePlanRequest {
        to,
        reason: Some(get("raison")).filter(|r| !r.is_empty()),
        hire,
    };
    let _moved = in_french(
        plans_api::move_plan(State(state), principal, Path(id), JsonBody(request)).await,
    )?;
    Ok(see_other(&format!("/plans-formation/{id}?fait=plan")))
}

/// What the offer's page shows of its plans: the referrals from which the offer's structure
/// may build one, and the plans the user is a side of.
pub struct OfferPlans {
    /// The user builds plans for the offer (its structure's side).
    pub may_build: bool,
    /// (referral id, person's pseudonym, state label) of the referrals the person accepted
    /// without an open plan.
    pub candidates: Vec<(i64, String, &'static str)>,
    pub plans: Vec<PlanCard>,
}

pub(crate) async fn offer_plans(
    state: &AppState,
    principal: &Principal,
    offer_id: i64,
    owner: i64,
    referrals: &[ReferralRow],
) -> Result<Option<OfferPlans>, PageError> {
    if principal
        .grant(Resource::TrainingPlans, Verb::Read, None)
        .is_err()
    {
        return Ok(None);
    }
    let (views, named) = plans_api::plans_of_offer(state, principal, offer_id).await?;
    plans_api::audit_named(state, principal, &named, None).await?;
    let may_build = principal
        .grant(Resource::TrainingPlans, Verb::Write, Some(owner))
        .is_ok_and(|g| g.seat.structure_id == owner);
    let busy: Vec<i64> = views
        .iter()
        .filter(|v| PlanState::parse(&v.state).is_some_and(PlanState::is_open))
        .map(|v| v.referral_id)
        .collect();
    let candidates = if may_build {
        referrals
            .iter()
            .filter(|r| matches!(r.referral.state.as_str(), "accepted" | "interview"))
            .filter(|r| !busy.contains(&r.referral.id))
            .map(|r| (r.referral.id, r.who.clone(), r.label))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(OfferPlans {
        may_build,
        candidates,
        plans: views.into_iter().map(plan_card).collect(),
    }))
}

/// The plans of one referral the user is a side of, and whether they may build one now.
pub(crate) async fn referral_plans(
    state: &AppState,
    principal: &Principal,
    referral: &model::Referral,
) -> Result<(Vec<PlanCard>, bool), PageError> {
    if principal
        .grant(Resource::TrainingPlans, Verb::Read, None)
        .is_err()
    {
        return Ok((Vec::new(), false));
    }
    let mut lookups = plans_api::Lookups::default();
    let mut named = Vec::new();
    let mut cards = Vec::new();
    for plan in state
        .store
        .training_plans_of_offer(referral.offer_id)
        .await?
    {
        if plan.plan.referral_id != referral.id {
            continue;
        }
        if let Ok(sides) = plans_api::sides_of(principal, &plan, Verb::Read) {
            let view =
                plans_api::plan_view(state, &plan, sides, false, &mut lookups, &mut named).await?;
            cards.push(plan_card(view));
        }
    }
    plans_api::audit_named(state, principal, &named, None).await?;
    let open = cards
        .iter()
        .any(|c| PlanState::parse(&c.view.state).is_some_and(PlanState::is_open));
    let accepted = matches!(
        referral.state,
        model::ReferralState::Accepted | model::ReferralState::Interview
    );
    let may_build = accepted
        && !open
        && plans_api::building(state, principal, referral.offer_id, referral.job_seeker_id)
            .await
            .is_ok();
    Ok((cards, may_build))
}

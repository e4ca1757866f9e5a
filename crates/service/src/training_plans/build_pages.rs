//! "Former avant d'embaucher" (`/offres/{id}/former?referral=`): from a referral of the offer
//! the person accepted, the schemes that apply for the person and the offer, the catalogue's
//! sessions within the person's reach, and the plan's form, a session chosen or a tailored
//! training; posted through the API's own handler, a refusal shown again with what was typed.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Days, Months};
use model::schemes::{Check, Scheme, Verdict};
use model::training_plans::NewTrainingPlan;

use super::pages::{day_of, in_french};
use crate::json::{PageForm, PagePath, QueryParams};
use crate::pages::forms::trimmed;
use crate::pages::*;
use crate::training_plans::api::{self as plans_api, NewTrainingPlanRequest};

/// A session of the catalogue offered in the builder.
pub struct SessionRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub city: String,
    pub dates: String,
    pub hours: String,
    pub distance: String,
}

/// A scheme's verdict in the builder.
pub struct SchemeRow {
    pub code: &'static str,
    pub label: &'static str,
    /// applies, depends (on the training), no
    pub verdict: &'static str,
    pub why: String,
}

#[derive(Template)]
#[template(path = "training_plans/build.html")]
struct BuildPage {
    chrome: Chrome,
    /// Why the form just posted was refused, in French.
    refused: Option<String>,
    offer_id: i64,
    offer_title: String,
    referral_id: i64,
    person: String,
    /// The person accepted the referral (else no plan may be built).
    accepted: bool,
    /// The person's open plan for this offer, if any.
    open_plan: Option<i64>,
    schemes: Vec<SchemeRow>,
    sessions: Vec<SessionRow>,
    session: Option<SessionRow>,
    scheme: String,
    starts_on: String,
    ends_on: String,
    hours_centre: String,
    hours_enterprise: String,
}

#[derive(Deserialize, Default)]
pub struct BuildQuery {
    pub referral: Option<String>,
    pub session: Option<String>,
}

/// The referral a plan is built from, of this offer. The role's right is asked first, and
/// a referral unknown or of another offer is refused like another's: ids tell nothing.
async fn referral_of_offer(
    state: &AppState,
    principal: &Principal,
    offer_id: i64,
    typed: Option<&str>,
) -> Result<model::Referral, PageError> {
    principal
        .grant(Resource::TrainingPlans, Verb::Write, None)
        .map_err(api::forbidden)?;
    let refused = || {
        PageError::from(api::forbidden(
            "a training plan is built from a referral of the offer".to_string(),
        ))
    };
    let id = typed
        .and_then(|t| t.trim().parse::<i64>().ok())
        .ok_or_else(refused)?;
    match state.store.referral(id).await? {
        Some(referral) if referral.offer_id == offer_id => Ok(referral),
        _ => Err(refused()),
    }
}

/// Checks that hold whatever the training: a scheme failing one does not apply to this person
/// and offer; failing another, it depends on the training chosen.
fn about_person_or_offer(check: Check) -> bool {
    matches!(
        check,
        Check::NotInForce
            | Check::Public
            | Check::OfferMissing
            | Check::OfferNotFiled
            | Check::Contract
            | Check::WeeklyHours
    )
}

/// "Former avant d'embaucher": for a referral of the offer the person accepted, the schemes
/// that apply, the catalogue's sessions in the offer's occupation within the person's reach
/// in the next six months, and the plan's form.
pub async fn build_form(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(offer_id): PagePath<i64>,
    PageQuery(query): PageQuery<BuildQuery>,
) -> PageResult {
    build_page(&state, &principal, offer_id, &query, None).await
}

/// What was typed in the plan's form, and why it was refused: the form is shown again with
/// them.
struct Typed {
    scheme: String,
    starts_on: String,
    ends_on: String,
    hours_centre: String,
    hours_enterprise: String,
    refused: String,
}

async fn build_page(
    state: &Arc<AppState>,
    principal: &Principal,
    offer_id: i64,
    query: &BuildQuery,
    typed: Option<Typed>,
) -> PageResult {
    let referral = referral_of_offer(state, principal, offer_id, query.referral.as_deref()).await?;
    let built = plans_api::building(state, principal, offer_id, referral.job_seeker_id).await?;
    // The person by name to their agency, or once they accepted the referral (audited);
    // else by pseudonym.
    let named = built.full || api::accepted(referral.state);
    if named {
        plans_api::audit_named(state, principal, &[built.person.id], None).await?;
    }
    let person = &built.person.record;
    let offer = &built.offer.record;
    let today = state.now().date_naive();
    let accepted = matches!(
        referral.state,
        model::ReferralState::Accepted | model::ReferralState::Interview
    );
    let open_plan = state
        .store
        .training_plans_of_offer(offer_id)
        .await?
        .into_iter()
        .find(|p| p.plan.job_seeker_id == built.person.id && p.state.is_open())
        .map(|p| p.id);
    // The catalogue's sessions in the offer's occupation, near the person, in six months.
    let six_months = today.checked_add_months(Months::new(6)).unwrap_or(today);
    let axum::Json(found) = crate::trainings::api::search_trainings(
        State(state.clone()),
        principal.clone(),
        QueryParams(crate::trainings::api::TrainingSearch {
            rome: Some(offer.rome.to_string()),
            commune: Some(person.commune.to_string()),
            km: Some(person.commute_limit.km().clamp(1, 200)),
            from: Some(today),
            to: Some(six_months),
            offset: None,
            limit: Some(30),
        }),
    )
    .await?;
    let row = |s: &crate::trainings::api::TrainingSessionView| SessionRow {
        id: s.id,
        title: s.title.clone(),
        body: s.body.clone(),
        city: s.place.city.clone(),
        dates: match (s.first_day, s.last_day) {
            (Some(a), Some(b)) => format!("du {} au {}", fr_date(a), fr_date(b)),
            _ => "dates à préciser".to_string(),
        },
        hours: s.hours_total.map(|h| format!("{h} h")).unwrap_or_default(),
        distance: s
            .distance_km
            .map(|d| format!("{d:.0} km"))
            .unwrap_or_default(),
    };
    let chosen = query
        .session
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let session = found.sessions.iter().find(|s| Some(s.id) == chosen);
    // The training the verdicts read: the session chosen, else a tailored one in two weeks,
    // eight weeks long, 280 h with a training body.
    let starts = session
        .and_then(|s| s.first_day)
        .or_else(|| today.checked_add_days(Days::new(14)))
        .unwrap_or(today);
    let ends = session
        .and_then(|s| s.last_day)
        .or_else(|| starts.checked_add_days(Days::new(55)))
        .unwrap_or(starts);
    let (centre, enterprise) = match session {
        Some(s) => match (s.hours_centre, s.hours_enterprise) {
            (None, None) => (s.hours_total.unwrap_or(0), 0),
            (c, e) => (c.unwrap_or(0), e.unwrap_or(0)),
        },
        None => (280, 0),
    };
    let seen = super::person_seen(person, today, built.full);
    let mut schemes = Vec::new();
    let mut first_applying = None;
    for scheme in Scheme::ALL {
        let draft = NewTrainingPlan {
            offer_id,
            job_seeker_id: built.person.id,
            referral_id: referral.id,
            scheme: *scheme,
            session_id: session.map(|s| s.id),
            starts_on: starts,
            ends_on: ends,
            hours_centre: centre,
            hours_enterprise: enterprise,
            proposed_side: built.side,
            proposed_by: None,
        };
        let (verdict, why) = match super::assess(&seen, offer, &draft, today).map(|a| a.verdict) {
            Some(Verdict::Eligible(_)) => ("applies", String::new()),
            Some(Verdict::NotEligible(f)) if about_person_or_offer(f.check) => {
                ("no", labels::scheme_check(f.check.as_str()).to_string())
            }
            Some(Verdict::NotEligible(f)) => (
                "depends",
                labels::scheme_check(f.check.as_str()).to_string(),
            ),
            None => ("no", labels::scheme_check("not_in_force").to_string()),
        };
        if verdict == "applies" && first_applying.is_none() {
            first_applying = Some(scheme.as_str());
        }
        schemes.push(SchemeRow {
            code: scheme.as_str(),
            label: scheme.label(),
            verdict,
            why,
        });
    }
    let name = if named {
        format!("{} {}", person.first_name, person.last_name)
    } else {
        built.person.pseudonym.clone()
    };
    let title = form_title(
        &format!("Former avant d'embaucher — {name}"),
        typed.is_some(),
    );
    let mut page = BuildPage {
        chrome: Chrome::new(principal, title, ""),
        refused: None,
        offer_id,
        offer_title: offer.title.clone(),
        referral_id: referral.id,
        person: name,
        accepted,
        open_plan,
        schemes,
        sessions: found.sessions.iter().map(row).collect(),
        session: session.map(row),
        scheme: first_applying.unwrap_or("poei").to_string(),
        starts_on: starts.format("%Y-%m-%d").to_string(),
        ends_on: ends.format("%Y-%m-%d").to_string(),
        hours_centre: centre.to_string(),
        hours_enterprise: enterprise.to_string(),
    };
    if let Some(typed) = typed {
        page.scheme = typed.scheme;
        page.starts_on = typed.starts_on;
        page.ends_on = typed.ends_on;
        page.hours_centre = typed.hours_centre;
        page.hours_enterprise = typed.hours_enterprise;
        page.refused = Some(typed.refused);
    }
    Ok(render_form(&page, page.refused.is_some()))
}

/// The plan's form posted: through the API's own handler, then to the plan.
pub async fn build(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(offer_id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    match try_build(state.clone(), principal.clone(), offer_id, &form).await {
        Err(PageError(ApiError::Refused(refused))) => {
            // What was typed, shown again without control characters.
            let get = |name: &str| {
                trimmed(&form, name)
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
            };
            let query = BuildQuery {
                referral: Some(get("referral")),
                session: Some(get("session")),
            };
            let typed = Typed {
                scheme: get("dispositif"),
                starts_on: get("debut"),
                ends_on: get("fin"),
                hours_centre: get("heures_centre"),
                hours_enterprise: get("heures_entreprise"),
                refused,
            };
            build_page(&state, &principal, offer_id, &query, Some(typed)).await
        }
        done => done,
    }
}

async fn try_build(
    state: Arc<AppState>,
    principal: Principal,
    offer_id: i64,
    form: &HashMap<String, String>,
) -> PageResult {
    let get = |name: &str| trimmed(form, name);
    let referral = referral_of_offer(&state, &principal, offer_id, Some(&get("referral"))).await?;
    let day = |name: &str, what: &str| {
        day_of(&get(name)).ok_or_else(|| {
            PageError::from(ApiError::Refused(format!(
                "Indiquez la date de {what} de la formation (JJ/MM/AAAA)."
            )))
        })
    };
    let hours = |name: &str| match get(name).as_str() {
        "" => Ok(0),
        typed => typed.parse::<u32>().map_err(|_| {
            PageError::from(ApiError::Refused(
                "Les heures de formation s'écrivent en nombre entier, de 1 à 3 000 en tout."
                    .to_string(),
            ))
        }),
    };
    let session_id = match get("session").as_str() {
        "" => None,
        typed => Some(typed.parse::<i64>().map_err(|_| {
            PageError::from(ApiError::Refused(
                "Choisissez une session dans la liste, ou une formation sur mesure.".to_string(),
            ))
        })?),
    };
    let request = NewTrainingPlanRequest {
        offer_id,
        job_seeker_id: referral.job_seeker_id,
        scheme: get("dispositif"),
        session_id,
        starts_on: day("debut", "début")?,
        ends_on: day("fin", "fin")?,
        hours_centre: hours("heures_centre")?,
        hours_enterprise: hours("heures_entreprise")?,
    };
    let (_, axum::Json(plan)) =
        in_french(plans_api::propose_plan(State(state), principal, JsonBody(request)).await)?;
    Ok(see_other(&format!(
        "/plans-formation/{}?fait=plan_propose",
        plan.id
    )))
}

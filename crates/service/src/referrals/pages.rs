//! The referrals' pages, shared by the offer's side (recruiters) and the person's side
//! (advisors): the list, one referral with its log, and its moves.

use std::collections::HashMap;

use crate::json::{PagePath, Path};
use model::workflow;
use model::{Referral, ReferralScope, ReferralState};

use crate::api::views::{JobSeekerView, ReferralView};
use crate::pages::*;

/// The referrals of a scope, all of them (a structure's or an agency's, bounded by its
/// activity), newest first.
pub async fn all_referrals(
    state: &AppState,
    scope: ReferralScope,
) -> Result<Vec<Referral>, PageError> {
    let mut all = crate::referrals::api::all_of(state, scope).await?;
    all.reverse();
    Ok(all)
}

/// The referrals of one offer or one person as the API keeps them for this user
/// ([`crate::referrals::api::of_offer`], [`crate::referrals::api::of_job_seeker`]), newest
/// first.
pub fn newest_first<Access>(kept: Vec<(Referral, Access)>) -> Vec<Referral> {
    kept.into_iter().rev().map(|(r, _)| r).collect()
}

/// A proposal made from the offer's page or the person's page (`page`): through the API's
/// own handler, then back to that page's referrals.
pub async fn propose_from(
    state: Arc<AppState>,
    principal: Principal,
    referral: crate::referrals::api::NewReferral,
    page: &str,
) -> PageResult {
    crate::referrals::api::propose(State(state), principal, JsonBody(referral))
        .await
        .map(|_| ())?;
    Ok(see_other(&format!(
        "{page}?fait=proposee#mises-en-relation"
    )))
}

/// The reasons a person may be recorded as not hired, with their labels (the moves' form).
pub fn not_hired_reasons() -> Vec<(&'static str, &'static str)> {
    workflow::NOT_HIRED_REASONS
        .iter()
        .map(|r| (*r, labels::not_hired_reason(r)))
        .collect()
}

/// A person as a page names them: by identity once it may be read, else by pseudonym.
pub fn person_name(seeker: &JobSeekerView) -> String {
    match &seeker.identity {
        Some(i) => format!("{} {}", i.first_name, i.last_name),
        None => seeker.pseudonym.clone(),
    }
}

pub struct ReferralRow {
    pub referral: ReferralView,
    pub who: String,
    pub offer_title: String,
    pub label: &'static str,
    pub badge: &'static str,
    pub updated: String,
    /// The hire's start date or why the person was not hired, once known.
    pub outcome: String,
}

/// Referrals as listed: the person by pseudonym (names are read on the referral's own page,
/// where the read is audited), the offer by title.
pub async fn referral_rows(state: &AppState, referrals: &[Referral]) -> Vec<ReferralRow> {
    let mut titles: HashMap<i64, String> = HashMap::new();
    let mut rows = Vec::with_capacity(referrals.len());
    for r in referrals {
        if let std::collections::hash_map::Entry::Vacant(slot) = titles.entry(r.offer_id) {
            slot.insert(match state.store.offer_by_id(r.offer_id).await {
                Ok(Some(o)) => o.record.title,
                _ => format!("Offre {}", r.offer_id),
            });
        }
        let who = state
            .sourcing
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .pseudonyms
            .get(&r.job_seeker_id)
            .cloned()
            .unwrap_or_else(|| format!("Personne {}", r.job_seeker_id));
        rows.push(ReferralRow {
            referral: api::views::referral_view(r),
            who,
            offer_title: titles.get(&r.offer_id).cloned().unwrap_or_default(),
            label: labels::referral_state(r.state.as_str()),
            badge: labels::referral_badge(r.state.as_str()),
            updated: fr_datetime(r.updated_at),
            outcome: outcome(r.hire_starts_on, r.not_hired_reason.as_deref()),
        });
    }
    rows
}

// ---------------------------------------------------------------------------------------
// Referrals.

#[derive(Template)]
#[template(path = "referrals/referrals.html")]
struct ReferralsPage {
    chrome: Chrome,
    rows: Vec<ReferralRow>,
    filter: Vec<Field>,
    pagination: Pagination,
    total: usize,
}

pub async fn referrals(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let scope = crate::referrals::api::listing_scope(&state, &principal, None).await?;
    let wanted = query.etat.clone().unwrap_or_default();
    let mut referrals = all_referrals(&state, scope).await?;
    if let Some(s) = ReferralState::parse(&wanted) {
        referrals.retain(|r| r.state == s);
    }
    let pagination = Pagination::new(
        page_number(query.page.as_deref()),
        referrals.len(),
        PER_PAGE,
        format!(
            "/mises-en-relation?etat={}&",
            form_urlencoded::byte_serialize(wanted.as_bytes()).collect::<String>()
        ),
    );
    let shown = pagination.slice(&referrals, PER_PAGE);
    let rows = referral_rows(&state, shown).await;
    let mut options: Vec<(&str, &str)> = vec![("", "Tous les états")];
    options.extend(
        labels::REFERRAL_STATES
            .iter()
            .map(|s| (*s, labels::referral_state(s))),
    );
    let mut filter = Field::text("etat", "État", &wanted).options(&options);
    filter.value = wanted;
    Ok(render(&ReferralsPage {
        chrome: Chrome::new(&principal, "Mises en relation", "/mises-en-relation")
            .notice(done(query.fait.as_deref())),
        total: referrals.len(),
        rows,
        filter: vec![filter],
        pagination,
    }))
}

pub struct MoveOption {
    pub to: &'static str,
    pub label: &'static str,
    pub needs_date: bool,
    pub needs_reason: bool,
    pub secondary: bool,
}

/// The moves this user may make on a referral now, as buttons.
pub async fn moves_for(
    state: &AppState,
    principal: &Principal,
    referral: &Referral,
) -> Vec<MoveOption> {
    match crate::referrals::api::referral_access(state, principal, Verb::Write, referral).await {
        Ok(access) => workflow::MOVES
            .iter()
            .filter(|m| m.from == referral.state && access.may(m))
            .map(|m| MoveOption {
                to: m.to.as_str(),
                label: labels::move_label(m.to.as_str()),
                needs_date: m.needs == workflow::Needs::StartDate,
                needs_reason: m.needs == workflow::Needs::NotHiredReason,
                secondary: m.to == ReferralState::Cancelled,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

pub struct LogRow {
    pub at: String,
    pub label: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "referrals/referral.html")]
struct ReferralPage {
    chrome: Chrome,
    detail: api::views::ReferralDetail,
    state_label: &'static str,
    badge: &'static str,
    name: String,
    statuses: Vec<&'static str>,
    consent: &'static str,
    commune: String,
    targets: Vec<String>,
    log: Vec<LogRow>,
    moves: Vec<MoveOption>,
    reasons: Vec<(&'static str, &'static str)>,
    outcome: String,
    /// The viewer follows the person (their advisor): link to the person's page.
    follows: bool,
    /// The training plans grown from the referral, and whether the viewer may build one.
    plans: Vec<crate::training_plans::pages::PlanCard>,
    may_build_plan: bool,
}

pub async fn referral(
    State(state): St,
    RecordPage(principal, id, query): RecordPage,
) -> PageResult {
    let axum::Json(detail) =
        crate::referrals::api::get_referral(State(state.clone()), principal.clone(), Path(id))
            .await?;
    let stored = state
        .store
        .referral(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("referral {id}")))?;
    let moves = moves_for(&state, &principal, &stored).await;
    let (plans, may_build_plan) =
        crate::training_plans::pages::referral_plans(&state, &principal, &stored).await?;
    let seeker = &detail.job_seeker;
    let name = person_name(seeker);
    let log = detail
        .log
        .iter()
        .map(|t| LogRow {
            at: fr_datetime(t.at),
            label: labels::referral_state(&t.to),
            note: t.note.clone().unwrap_or_default(),
        })
        .collect();
    let outcome = outcome(
        detail.referral.hire_starts_on,
        detail.referral.not_hired_reason.as_deref(),
    );
    let follows = seeker.fields == "full";
    Ok(render(&ReferralPage {
        follows,
        plans,
        may_build_plan,
        chrome: Chrome::new(&principal, format!("Mise en relation — {name}"), "")
            .notice(done(query.fait.as_deref())),
        state_label: labels::referral_state(&detail.referral.state),
        badge: labels::referral_badge(&detail.referral.state),
        statuses: seeker
            .priority_statuses
            .iter()
            .map(|s| labels::priority(s))
            .collect(),
        consent: labels::consent(seeker.consent.as_deref()),
        commune: commune_name(&seeker.commune),
        targets: seeker.targets.iter().map(|t| occupation_label(t)).collect(),
        name,
        log,
        moves,
        reasons: not_hired_reasons(),
        outcome,
        detail,
    }))
}

/// What came of a referral, in words: the hire's start or why the person was not hired.
fn outcome(hire_starts_on: Option<chrono::NaiveDate>, not_hired_reason: Option<&str>) -> String {
    match (hire_starts_on, not_hired_reason) {
        (Some(date), _) => format!("Embauche à partir du {}", fr_date(date)),
        (_, Some(reason)) => format!("Non retenue : {}", labels::not_hired_reason(reason)),
        _ => String::new(),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    to: String,
    from: Option<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    motif: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    retour: String,
}

pub async fn move_referral(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<MoveForm>,
) -> PageResult {
    let hire_starts_on = match form.date.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .or_else(|_| chrono::NaiveDate::parse_from_str(d, "%d/%m/%Y"))
                .map_err(|_| ApiError::field("date", "la date de début s'écrit JJ/MM/AAAA"))?,
        ),
    };
    crate::referrals::api::move_referral(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::referrals::api::MoveRequest {
            to: form.to,
            from: form.from,
            hire_starts_on,
            not_hired_reason: Some(form.motif).filter(|m| !m.is_empty()),
            note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
        }),
    )
    .await
    .map(|_| ())?;
    let back = crate::pages::safe_next(Some(&form.retour));
    Ok(see_other(&if back.is_empty() {
        format!("/mises-en-relation/{id}?fait=etat")
    } else {
        back
    }))
}

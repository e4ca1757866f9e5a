//! The advisor's journey: their agency's job seekers (search, filters), one person's profile,
//! consent, suggested offers with their reasons, and the referrals to handle.

use crate::json::{PagePath, Path};

use crate::access::Reach;
use crate::api::views::{JobSeekerView, SuggestionView};
use crate::pages::*;
use crate::referrals::pages::{
    MoveOption, ReferralRow, moves_for, newest_first, not_hired_reasons, person_name, propose_from,
    referral_rows,
};

pub struct SeekerRow {
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub targets: String,
    pub statuses: Vec<&'static str>,
    pub consent: bool,
}

#[derive(Template)]
#[template(path = "job_seekers/job_seekers.html")]
struct JobSeekersPage {
    chrome: Chrome,
    rows: Vec<SeekerRow>,
    filters: Vec<Field>,
    total: usize,
    pagination: Pagination,
    searched: bool,
}

pub async fn job_seekers(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    if !principal
        .grants(Resource::JobSeekers, Verb::Read)
        .iter()
        .any(|g| g.rule.reach != Reach::Revealed)
    {
        return Err(ApiError::Forbidden(
            "seuls les conseillers France Travail ont une liste de demandeurs d'emploi".to_string(),
        )
        .into());
    }
    let q = query.q.clone().unwrap_or_default();
    let status = query.statut.clone().unwrap_or_default();
    let occupation = query.metier.clone().unwrap_or_default();
    let sort = query.tri.clone().unwrap_or_default();
    if let Some(problem) = crate::limits::search_problem(&occupation) {
        return Err(ApiError::field("?metier", problem).into());
    }
    let rome = if occupation.trim().is_empty() {
        None
    } else {
        forms::occupation_of(&occupation).ok().map(str::to_string)
    };
    let wanted_sort = match sort.as_str() {
        "inscription" => "registered",
        _ => "name",
    };
    let searched = !q.trim().is_empty() || !status.is_empty() || rome.is_some();
    let base = format!(
        "/demandeurs?q={}&statut={}&metier={}&tri={}&",
        encode(&q),
        encode(&status),
        encode(&occupation),
        encode(&sort)
    );
    // The API's search, page by page: filtered, sorted and cut by the database.
    let (found, pagination) = Pagination::fetch(
        query.page.as_deref(),
        base,
        |page| {
            api::job_seekers::search_portfolio(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(api::job_seekers::PortfolioSearch {
                    q: Some(q.clone()),
                    status: Some(status.clone()),
                    rome: rome.clone(),
                    sort: Some(wanted_sort.to_string()),
                    offset: page.offset,
                    limit: page.limit,
                    ..Default::default()
                }),
            )
        },
        |found| found.total,
    )
    .await?;
    let rows = found
        .job_seekers
        .iter()
        .map(|view| SeekerRow {
            id: view.id,
            name: view
                .identity
                .as_ref()
                .map(|i| format!("{} {}", i.last_name.to_uppercase(), i.first_name))
                .unwrap_or_else(|| view.pseudonym.clone()),
            commune: commune_name(&view.commune),
            targets: view
                .targets
                .iter()
                .map(|t| occupation_label(t))
                .collect::<Vec<_>>()
                .join(", "),
            statuses: view
                .priority_statuses
                .iter()
                .map(|p| labels::priority(p))
                .collect(),
            consent: view.consent.is_some(),
        })
        .collect();
    let mut statuses: Vec<(&str, &str)> = vec![("", "Tous")];
    statuses.extend(labels::PRIORITIES.iter().map(|p| (*p, labels::priority(p))));
    let mut status_field = Field::text("statut", "Public prioritaire", &status).options(&statuses);
    status_field.value = status;
    let mut sort_field = Field::text("tri", "Trier par", &sort).options(&[
        ("nom", "Nom"),
        ("inscription", "Inscription la plus récente"),
    ]);
    sort_field.value = sort;
    let filters = vec![
        Field::text("q", "Nom, prénom ou identifiant", &q),
        status_field,
        Field::text("metier", "Métier recherché", &occupation).suggest("/suggestions/metiers"),
        sort_field,
    ];
    Ok(render(&JobSeekersPage {
        chrome: Chrome::new(&principal, "Mes demandeurs d'emploi", "/demandeurs")
            .notice(done(query.fait.as_deref())),
        total: usize::try_from(found.total).unwrap_or(usize::MAX),
        searched,
        rows,
        filters,
        pagination,
    }))
}

pub struct SuggestionRow {
    pub suggestion: SuggestionView,
    pub bars: Vec<Bar>,
    pub score: u32,
    pub kind: &'static str,
    pub commune: String,
    pub contract: &'static str,
    pub proposed: bool,
}

pub struct HandleRow {
    pub row: ReferralRow,
    pub moves: Vec<MoveOption>,
}

#[derive(Template)]
#[template(path = "job_seekers/job_seeker.html")]
struct JobSeekerPage {
    chrome: Chrome,
    seeker: JobSeekerView,
    name: String,
    commune: String,
    targets: Vec<String>,
    statuses: Vec<&'static str>,
    consent: &'static str,
    has_consent: bool,
    status: &'static str,
    available: String,
    may_suggest: bool,
    suggestions: Vec<SuggestionRow>,
    /// For those who may read suggestions: close occupations in tension with offers within
    /// the person's commute.
    close: Vec<crate::tension::close::CloseInTension>,
    referrals: Vec<HandleRow>,
    back: String,
    reasons: Vec<(&'static str, &'static str)>,
    /// For the person's own agency: the form that records consent and disclosures, and their
    /// history.
    consent_form: Option<ConsentForm>,
}

pub struct ConsentForm {
    /// `all_agencies`, `department_agencies` or `retire`.
    pub scope: &'static str,
    /// Each held status: code, label, disclosed now.
    pub held: Vec<(&'static str, &'static str, bool)>,
    pub channels: Vec<(&'static str, &'static str)>,
    /// Each kind of evaluation: code, label, shared with other structures now.
    pub shared: Vec<(&'static str, &'static str, bool)>,
    pub history: Vec<ConsentRow>,
}

pub struct ConsentRow {
    pub at: String,
    pub scope: &'static str,
    pub channel: &'static str,
    pub disclosed: String,
    pub shared: String,
}

async fn consent_form(
    state: &Arc<AppState>,
    principal: &Principal,
    seeker: &JobSeekerView,
) -> Result<Option<ConsentForm>, PageError> {
    if principal
        .grant(Resource::Consent, Verb::Write, None)
        .is_err()
    {
        return Ok(None);
    }
    let history = match crate::job_seekers::api::consent_history(
        State(state.clone()),
        principal.clone(),
        Path(seeker.id),
    )
    .await
    {
        Ok(axum::Json(events)) => events,
        // Another agency's person: no form (the read was refused and audited).
        Err(_) => return Ok(None),
    };
    // What is shared now: the last change's (none recorded: nothing shared).
    let shared: Vec<String> = history
        .last()
        .map(|e| e.shared_evaluations.clone())
        .unwrap_or_default();
    let disclosed = seeker.disclosed_statuses.clone().unwrap_or_default();
    let held = labels::PRIORITIES
        .iter()
        .filter(|code| seeker.priority_statuses.iter().any(|s| s == *code))
        .map(|code| {
            (
                *code,
                labels::priority(code),
                disclosed.iter().any(|d| d == code),
            )
        })
        .collect();
    Ok(Some(ConsentForm {
        scope: match seeker.consent.as_deref() {
            Some("all_agencies") => "all_agencies",
            Some("department_agencies") => "department_agencies",
            _ => "retire",
        },
        held,
        channels: model::ConsentChannel::ALL
            .iter()
            .map(|c| (c.as_str(), labels::consent_channel(c.as_str())))
            .collect(),
        shared: model::evaluations::KINDS
            .iter()
            .map(|k| {
                let code = k.kind.as_str();
                (code, k.label, shared.iter().any(|c| c == code))
            })
            .collect(),
        history: history
            .iter()
            .rev()
            .map(|e| ConsentRow {
                at: fr_datetime(e.recorded_at),
                scope: labels::consent(e.scope.as_deref()),
                channel: labels::consent_channel(&e.channel),
                disclosed: if e.disclosed.is_empty() {
                    "aucun".to_string()
                } else {
                    e.disclosed
                        .iter()
                        .map(|s| labels::priority(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                shared: shared_words(&e.shared_evaluations),
            })
            .collect(),
    }))
}

/// The kinds of evaluation a person shares, in words ("aucune" when none).
pub fn shared_words(kinds: &[String]) -> String {
    let labels: Vec<&str> = kinds
        .iter()
        .filter_map(|k| model::evaluations::EvaluationKind::parse(k))
        .map(|k| k.label())
        .collect();
    if labels.is_empty() {
        "aucune".to_string()
    } else {
        labels.join(", ")
    }
}

/// The consent form as posted: a scope (or `retire`), a channel, and a box per status.
#[derive(Deserialize)]
pub struct ConsentPost {
    scope: String,
    channel: String,
    #[serde(flatten)]
    boxes: ConsentBoxes,
}

/// The boxes of a consent form (an advisor's or the person's own): a status disclosed, an
/// evaluation shared.
#[derive(Deserialize)]
pub(crate) struct ConsentBoxes {
    #[serde(default)]
    disclose_rqth: Option<String>,
    #[serde(default)]
    disclose_long_term: Option<String>,
    #[serde(default)]
    disclose_rsa: Option<String>,
    #[serde(default)]
    disclose_qpv: Option<String>,
    #[serde(default)]
    disclose_senior: Option<String>,
    #[serde(default)]
    disclose_young_unqualified: Option<String>,
    #[serde(default)]
    share_mrs: Option<String>,
    #[serde(default)]
    share_caces: Option<String>,
    #[serde(default)]
    share_language: Option<String>,
    #[serde(default)]
    share_skills_assessment: Option<String>,
}

impl ConsentBoxes {
    /// The statuses whose box is checked, in the order of the form.
    pub(crate) fn disclosed(&self) -> Vec<String> {
        checked([
            ("rqth", &self.disclose_rqth),
            ("long_term", &self.disclose_long_term),
            ("rsa", &self.disclose_rsa),
            ("qpv", &self.disclose_qpv),
            ("senior", &self.disclose_senior),
            ("young_unqualified", &self.disclose_young_unqualified),
        ])
    }

    /// The kinds of evaluation whose box is checked, in the order of the form.
    pub(crate) fn shared_evaluations(&self) -> Vec<String> {
        checked([
            ("mrs", &self.share_mrs),
            ("caces", &self.share_caces),
            ("language", &self.share_language),
            ("skills_assessment", &self.share_skills_assessment),
        ])
    }
}

/// The codes whose box is checked, in the order given.
fn checked<const N: usize>(boxes: [(&str, &Option<String>); N]) -> Vec<String> {
    boxes
        .iter()
        .filter(|(_, checked)| checked.is_some())
        .map(|(code, _)| (*code).to_string())
        .collect()
}

/// Records consent and disclosures from the person's page.
pub async fn record_consent(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<ConsentPost>,
) -> PageResult {
    let withdrawn = form.scope == "retire";
    let input = crate::job_seekers::api::ConsentInput {
        scope: (!withdrawn).then(|| form.scope.clone()),
        channel: form.channel.clone(),
        disclosed: form.boxes.disclosed(),
        shared_evaluations: Some(form.boxes.shared_evaluations()),
    };
    crate::job_seekers::api::consent(&state, &principal, id, &input).await?;
    let done = if withdrawn { "retrait" } else { "consentement" };
    Ok(see_other(&format!(
        "/demandeurs/{id}?fait={done}#consentement"
    )))
}

pub async fn job_seeker(
    State(state): St,
    RecordPage(principal, id, query): RecordPage,
) -> PageResult {
    let axum::Json(seeker) =
        crate::job_seekers::api::get_job_seeker(State(state.clone()), principal.clone(), Path(id))
            .await?;
    // Only for those who may read suggestions (the person's agency): a refused read of a
    // person is an audited attempt, not a way to fill a page.
    let may_suggest = principal
        .grant(Resource::Suggestions, Verb::Read, None)
        .is_ok();
    let suggestions = if !may_suggest {
        Vec::new()
    } else {
        crate::job_seekers::api::suggestions(
            State(state.clone()),
            principal.clone(),
            Path(id),
            crate::json::QueryParams(api::ShortlistQuery { k: Some(10) }),
        )
        .await
        .map(|j| j.0)
        .unwrap_or_default()
    };
    let referrals =
        newest_first(crate::referrals::api::of_job_seeker(&state, &principal, id).await?);
    let proposed: std::collections::HashSet<i64> = referrals.iter().map(|r| r.offer_id).collect();
    let rows = referral_rows(&state, &referrals).await;
    let mut handle = Vec::with_capacity(rows.len());
    for (row, stored) in rows.into_iter().zip(&referrals) {
        let moves = moves_for(&state, &principal, stored).await;
        handle.push(HandleRow { row, moves });
    }
    let name = person_name(&seeker);
    let consent_form = consent_form(&state, &principal, &seeker).await?;
    let close = if may_suggest {
        crate::tension::close::close_in_tension(
            &state,
            &seeker.targets,
            &seeker.commune,
            seeker.commute_limit_km,
        )
    } else {
        Vec::new()
    };
    Ok(render(&JobSeekerPage {
        chrome: Chrome::new(&principal, name.clone(), "/demandeurs")
            .notice(done(query.fait.as_deref())),
        name,
        commune: commune_name(&seeker.commune),
        targets: seeker.targets.iter().map(|t| occupation_label(t)).collect(),
        statuses: seeker
            .priority_statuses
            .iter()
            .map(|s| labels::priority(s))
            .collect(),
        consent: labels::consent(seeker.consent.as_deref()),
        has_consent: seeker.consent.is_some(),
        status: labels::job_seeker_status(&seeker.status),
        available: seeker
            .available_from
            .map(fr_date)
            .unwrap_or_else(|| "immédiatement".to_string()),
        may_suggest,
        close,
        suggestions: suggestions
            .into_iter()
            .map(|s| SuggestionRow {
                bars: reason_bars(&s.reasons),
                score: (s.score.clamp(0.0, 1.0) * 100.0).round() as u32,
                kind: labels::match_kind(&s.match_kind),
                commune: commune_name(&s.offer.commune),
                contract: labels::contract(&s.offer.contract_type),
                proposed: proposed.contains(&s.offer.id),
                suggestion: s,
            })
            .collect(),
        referrals: handle,
        back: format!("/demandeurs/{id}?fait=etat#mises-en-relation"),
        reasons: not_hired_reasons(),
        consent_form,
        seeker,
    }))
}

#[derive(Deserialize)]
pub struct ProposeForm {
    offer_id: i64,
}

pub async fn propose(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<ProposeForm>,
) -> PageResult {
    let referral = crate::referrals::api::NewReferral {
        offer_id: form.offer_id,
        job_seeker_id: id,
    };
    propose_from(state, principal, referral, &format!("/demandeurs/{id}")).await
}

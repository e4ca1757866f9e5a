//! The person's own space as pages (French, DSFR, mobile first): `/espace`. Each page calls
//! the `person::api` function it shows, so that a page reads and writes exactly what the API
//! lets the person.

use super::api::{self, AnswerInput, PersonConsentInput};
use super::{Person, Refusal};
use crate::json::{PageForm, PagePath, PageQuery};
use crate::pages::*;

/// The person of a page of their space; without a session, to the space's sign-in.
pub struct PersonViewer(pub Person);

impl FromRequestParts<Arc<AppState>> for PersonViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        match Person::from_request_parts(parts, state).await {
            Ok(person) => Ok(PersonViewer(person)),
            Err(ApiError::Unauthenticated(_)) => Err(see_other("/espace/connexion")),
            Err(err) => Err(PageError(err).into_response()),
        }
    }
}

#[derive(Template)]
#[template(path = "person/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    error: Option<String>,
    sent: bool,
}

fn sign_in_page(error: Option<String>, sent: bool) -> Response {
    let refused = error.is_some();
    let title = form_title("Accéder à mon espace", refused);
    let mut response = render(&SignInPage {
        chrome: Chrome::anonymous(title),
        error,
        sent,
    });
    if refused {
        *response.status_mut() = StatusCode::UNAUTHORIZED;
    }
    response
}

/// The space's sign-in: a link by e-mail, or the advisor's code.
pub async fn sign_in_form() -> Response {
    sign_in_page(None, false)
}

#[derive(Deserialize)]
pub struct LinkForm {
    email: String,
}

/// Sends a link if the address is known; the page says the same either way.
pub async fn ask_link(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PageForm(form): PageForm<LinkForm>,
) -> PageResult {
    let asked = api::request_link(
        State(state),
        ConnectInfo(peer),
        JsonBody(api::LinkRequest { email: form.email }),
    )
    .await;
    match asked {
        Ok(_) => Ok(sign_in_page(None, true)),
        Err(ApiError::Invalid(_)) => Ok(sign_in_page(
            Some("Cette adresse électronique n'est pas valide : vérifiez-la.".to_string()),
            false,
        )),
        Err(ApiError::TooManyAttempts { retry_after_secs }) => Ok(sign_in_page(
            Some(format!(
                "Plusieurs liens ont déjà été demandés : réessayez dans {retry_after_secs} \
                 secondes."
            )),
            false,
        )),
        Err(err) => Err(PageError(err)),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// Opens the space with a pass, or says in French why not.
async fn open(state: &Arc<AppState>, peer: SocketAddr, pass: String) -> PageResult {
    let opened = api::open_session(
        State(state.clone()),
        ConnectInfo(peer),
        JsonBody(api::PassInput { pass }),
    )
    .await;
    match opened {
        Ok(response) => {
            // The API's answer carries the cookie: keep it, and go to the space.
            let mut page = see_other("/espace");
            for cookie in response.headers().get_all(header::SET_COOKIE) {
                page.headers_mut()
                    .append(header::SET_COOKIE, cookie.clone());
            }
            Ok(page)
        }
        Err(ApiError::Unauthenticated(reason)) => {
            let refusal = if reason.contains("already used") {
                Refusal::Used
            } else if reason.contains("expired") {
                Refusal::Expired
            } else {
                Refusal::Unknown
            };
            Ok(sign_in_page(Some(refusal.french().to_string()), false))
        }
        Err(ApiError::TooManyAttempts { retry_after_secs }) => Ok(sign_in_page(
            Some(format!(
                "Trop d'essais depuis cette connexion : réessayez dans {retry_after_secs} \
                 secondes."
            )),
            false,
        )),
        Err(ApiError::Invalid(_)) => Ok(sign_in_page(
            Some(Refusal::Unknown.french().to_string()),
            false,
        )),
        Err(err) => Err(PageError(err)),
    }
}

/// Opens the space with the advisor's code.
pub async fn sign_in_with_code(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PageForm(form): PageForm<CodeForm>,
) -> PageResult {
    open(&state, peer, form.code).await
}

#[derive(Template)]
#[template(path = "person/link.html")]
struct LinkPage {
    chrome: Chrome,
    token: String,
}

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    jeton: Option<String>,
}

/// The page a link opens: one click uses it (a mail scanner following links does not). The
/// secret travels in the query string and the form, never in a path the logs keep.
pub async fn link_page(PageQuery(query): PageQuery<LinkQuery>) -> Response {
    let token: String = query
        .jeton
        .unwrap_or_default()
        .chars()
        .take(64)
        .filter(char::is_ascii_hexdigit)
        .collect();
    render(&LinkPage {
        chrome: Chrome::anonymous("Accéder à mon espace"),
        token,
    })
}

#[derive(Deserialize)]
pub struct LinkForm2 {
    #[serde(default)]
    jeton: String,
}

/// Uses the link.
pub async fn follow_link(
    State(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PageForm(form): PageForm<LinkForm2>,
) -> PageResult {
    open(&state, peer, form.jeton).await
}

/// Ends the person's session.
pub async fn sign_out(
    State(state): St,
    PersonViewer(person): PersonViewer,
    headers: HeaderMap,
) -> PageResult {
    let response = api::close_session(State(state), person, headers).await?;
    let mut page = see_other("/espace/connexion");
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        page.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    Ok(page)
}

struct ReferralLine {
    id: i64,
    title: String,
    employer: String,
    commune: String,
    contract: &'static str,
    state: &'static str,
    badge: &'static str,
    proposed: String,
    moves: Vec<(String, &'static str)>,
}

struct InvitationLine {
    id: i64,
    title: String,
    kind: &'static str,
    when: String,
    place: String,
    state: &'static str,
    deadline: String,
    moves: Vec<(String, &'static str)>,
}

/// A duo or a training plan, as the home page lists it (`moves`: a duo's answers).
struct FollowLine {
    id: i64,
    title: String,
    desc: String,
    state: &'static str,
    moves: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "person/home.html")]
struct HomePage {
    chrome: Chrome,
    first_name: String,
    referrals: Vec<ReferralLine>,
    invitations: Vec<InvitationLine>,
    duos: Vec<FollowLine>,
    plans: Vec<FollowLine>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    fait: Option<String>,
}

fn person_done(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "reponse" => "Votre réponse est enregistrée : l'agence et votre conseiller la voient.",
        "consentement" => "Votre consentement est enregistré : il s'applique dès maintenant.",
        "rectification" => {
            "Votre demande de correction est envoyée à votre conseiller France Travail."
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// What is proposed to the person, with their answers.
pub async fn home(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PageQuery(query): PageQuery<DoneQuery>,
) -> PageResult {
    let view = api::proposals_of(&state, &person).await?;
    let referrals = view
        .referrals
        .iter()
        .map(|r| ReferralLine {
            id: r.id,
            title: r.offer_title.clone(),
            employer: r.employer.clone(),
            commune: r.commune.clone(),
            contract: labels::contract(&r.contract_type),
            state: labels::referral_state(&r.state),
            badge: labels::referral_badge(&r.state),
            proposed: fr_date(r.proposed_at.date_naive()),
            moves: r
                .moves
                .iter()
                .map(|m| (m.clone(), answer_label(m)))
                .collect(),
        })
        .collect();
    let invitations = view
        .invitations
        .iter()
        .map(|i| InvitationLine {
            id: i.id,
            title: i.title.clone(),
            kind: labels::action_kind(&i.kind),
            when: format!(
                "{} à {}",
                fr_date(i.starts_at.date_naive()),
                paris_time(i.starts_at)
            ),
            place: match (&i.address, i.online) {
                (Some(address), true) => format!("{address}, ou à distance"),
                (Some(address), false) => address.clone(),
                (None, _) => "À distance".to_string(),
            },
            state: labels::invitation_state(&i.state),
            deadline: fr_date(i.deadline.date_naive()),
            moves: i
                .moves
                .iter()
                .map(|m| (m.clone(), answer_label(m)))
                .collect(),
        })
        .collect();
    let duos = view
        .duos
        .iter()
        .map(|d| FollowLine {
            id: d.id,
            title: format!("Découvrir le métier : {}", d.occupation),
            desc: format!("Avec {} ({}) · {} mois", d.mentor, d.agency, d.months),
            state: labels::duo_state(&d.state),
            moves: d
                .moves
                .iter()
                .map(|m| (m.clone(), answer_label(m)))
                .collect(),
        })
        .collect();
    let plans = view
        .training_plans
        .iter()
        .map(|p| FollowLine {
            id: p.id,
            title: p.offer_title.clone(),
            desc: format!(
                "{} · {} · du {} au {}",
                p.employer,
                model::schemes::Scheme::parse(&p.scheme)
                    .map_or("formation", model::schemes::Scheme::label),
                fr_date(p.starts_on),
                fr_date(p.ends_on)
            ),
            state: labels::plan_state(&p.state),
            moves: Vec::new(),
        })
        .collect();
    let chrome = Chrome::person(&person, "Mes propositions", "/espace")
        .notice(person_done(query.fait.as_deref()));
    Ok(render(&HomePage {
        chrome,
        first_name: view.first_name,
        referrals,
        invitations,
        duos,
        plans,
    }))
}

/// The words of an answer's button.
fn answer_label(code: &str) -> &'static str {
    match code {
        "accepted" => "Je suis intéressé(e)",
        "declined" => "Je ne suis pas intéressé(e)",
        "cancelled" => "Retirer ma candidature",
        _ => "Répondre",
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    to: String,
    #[serde(default)]
    modalite: Option<String>,
}

/// The person answers a proposal.
pub async fn answer_referral(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<AnswerForm>,
) -> PageResult {
    api::answer_referral_as(
        &state,
        &person,
        id,
        &AnswerInput {
            to: form.to,
            modality: None,
        },
    )
    .await?;
    Ok(see_other("/espace?fait=reponse"))
}

/// The person answers a duo proposed to them.
pub async fn answer_duo(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<AnswerForm>,
) -> PageResult {
    let answer = AnswerInput {
        to: form.to,
        modality: None,
    };
    super::duos::answer_duo_as(&state, &person, id, &answer).await?;
    Ok(see_other("/espace?fait=reponse"))
}

/// The person answers an invitation to an action.
pub async fn answer_invitation(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<AnswerForm>,
) -> PageResult {
    api::answer_invitation_as(
        &state,
        &person,
        id,
        &AnswerInput {
            to: form.to,
            modality: form.modalite,
        },
    )
    .await?;
    Ok(see_other("/espace?fait=reponse"))
}

struct StatusBox {
    code: &'static str,
    label: &'static str,
    disclosed: bool,
}

struct HistoryLine {
    at: String,
    scope: &'static str,
    disclosed: String,
    shared: String,
    channel: &'static str,
}

#[derive(Template)]
#[template(path = "person/consent.html")]
struct ConsentPage {
    chrome: Chrome,
    scope: String,
    statuses: Vec<StatusBox>,
    /// Each kind of evaluation, checked when shared with other structures.
    shared: Vec<StatusBox>,
    history: Vec<HistoryLine>,
    error: Option<String>,
}

async fn consent_page(
    state: &AppState,
    person: &Person,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let view = api::consent_of(state, person).await?;
    let shared = model::evaluations::KINDS
        .iter()
        .map(|k| StatusBox {
            code: k.kind.as_str(),
            label: k.label,
            disclosed: view.shared_evaluations.iter().any(|c| c == k.kind.as_str()),
        })
        .collect();
    let statuses = model::PriorityStatus::ALL
        .iter()
        .filter(|s| view.held.iter().any(|h| h == s.as_str()))
        .map(|s| StatusBox {
            code: s.as_str(),
            label: labels::priority(s.as_str()),
            disclosed: view.disclosed.iter().any(|d| d == s.as_str()),
        })
        .collect();
    let history = view
        .history
        .iter()
        .rev()
        .map(|e| HistoryLine {
            at: fr_datetime(e.recorded_at),
            scope: labels::consent(e.scope.as_deref()),
            disclosed: e
                .disclosed
                .iter()
                .map(|d| labels::priority(d))
                .collect::<Vec<_>>()
                .join(", "),
            shared: crate::job_seekers::pages::shared_words(&e.shared_evaluations),
            channel: labels::consent_channel(&e.channel),
        })
        .collect();
    let refused = error.is_some();
    let chrome = Chrome::person(
        person,
        form_title("Mon consentement", refused),
        "/espace/consentement",
    )
    .notice(notice);
    Ok(render_form(
        &ConsentPage {
            chrome,
            scope: view.scope.unwrap_or_else(|| "retire".to_string()),
            statuses,
            shared,
            history,
            error,
        },
        refused,
    ))
}

/// The person's consent and disclosures, with the form to change them.
pub async fn consent(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PageQuery(query): PageQuery<DoneQuery>,
) -> PageResult {
    consent_page(&state, &person, None, person_done(query.fait.as_deref())).await
}

#[derive(Deserialize)]
pub struct ConsentForm {
    scope: String,
    #[serde(flatten)]
    boxes: crate::job_seekers::pages::ConsentBoxes,
}

/// The person sets their consent.
pub async fn set_consent(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PageForm(form): PageForm<ConsentForm>,
) -> PageResult {
    let input = PersonConsentInput {
        scope: Some((form.scope != "retire").then(|| form.scope.clone())),
        disclosed: form.boxes.disclosed(),
        shared_evaluations: Some(form.boxes.shared_evaluations()),
    };
    match api::set_consent_as(&state, &person, input).await {
        Ok(_) => Ok(see_other("/espace/consentement?fait=consentement")),
        Err(ApiError::Invalid(problems)) => {
            let message = problems
                .iter()
                .map(|p| {
                    if p.path == "/scope" {
                        "Choisissez une des réponses proposées.".to_string()
                    } else if p.path.starts_with("/shared_evaluations") {
                        "Un type d'évaluation coché n'est pas reconnu.".to_string()
                    } else {
                        "Une situation cochée n'est pas la vôtre.".to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            consent_page(&state, &person, Some(message), None).await
        }
        Err(err) => Err(PageError(err)),
    }
}

struct AccessLine {
    at: String,
    who: String,
    structures: String,
    what: &'static str,
}

#[derive(Template)]
#[template(path = "person/history.html")]
struct HistoryPage {
    chrome: Chrome,
    lines: Vec<AccessLine>,
}

/// What an audited action means to the person.
fn access_label(action: &str) -> &'static str {
    match action {
        "job_seeker.read" => "a consulté votre fiche",
        "job_seeker.suggest" => "a cherché des offres pour vous",
        "job_seeker.consent" => "a enregistré votre consentement",
        "job_seeker.consent.read" => "a consulté votre consentement",
        "job_seeker.access_history" => "a consulté cet historique",
        "job_seeker.reconversion" => "a étudié des reconversions pour vous",
        "job_seeker.evaluations.read" => "a consulté vos évaluations",
        "evaluation.recorded" => "a enregistré une de vos évaluations",
        "evaluation.deleted" => "a supprimé une de vos évaluations",
        "person.sign_in" => "connexion à votre espace",
        "person.sign_in_refused" => "lien ou code refusé",
        "person.sign_out" => "déconnexion de votre espace",
        "person.link_sent" => "lien de connexion envoyé",
        "person.code_issued" => "code d'accès remis par votre conseiller",
        "person.read" => "consultation de votre espace",
        // An attempt the rules refused: it saw nothing, and the person is told so.
        refused if refused.ends_with(".refused") => "a tenté d'accéder à vos données : refusé",
        _ => "autre accès à vos données",
    }
}

/// Who accessed the person's data.
pub async fn history(State(state): St, PersonViewer(person): PersonViewer) -> PageResult {
    let lines = super::data::access_history_of(&state, &person)
        .await?
        .into_iter()
        .map(|a| AccessLine {
            at: fr_datetime(a.at),
            who: match a.who.as_str() {
                "you" => "Vous".to_string(),
                "system" => "Passerelle (automatique)".to_string(),
                _ => a.who.clone(),
            },
            structures: a.structures.join(", "),
            what: access_label(&a.action),
        })
        .collect();
    Ok(render(&HistoryPage {
        chrome: Chrome::person(&person, "Qui a consulté mes données", "/espace/historique"),
        lines,
    }))
}

#[derive(Template)]
#[template(path = "person/data.html")]
struct DataPage {
    chrome: Chrome,
    error: Option<String>,
    rows: Vec<(&'static str, String)>,
    referrals: usize,
    invitations: usize,
    duos: usize,
    plans: usize,
    accesses: usize,
    evaluations: Vec<EvaluationLine>,
    /// The kinds of evaluation shared with other structures, in words.
    shared: String,
}

struct EvaluationLine {
    kind: &'static str,
    subject: String,
    result: String,
    evaluated_on: String,
    valid_until: String,
    valid: bool,
    issuer: String,
    recorded_by: String,
}

/// All the person's data, readable, with the JSON file to download.
pub async fn data(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PageQuery(query): PageQuery<DoneQuery>,
) -> PageResult {
    data_page(&state, &person, None, person_done(query.fait.as_deref())).await
}

async fn data_page(
    state: &AppState,
    person: &Person,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let data = super::data::data_of(state, person).await?;
    let r = &person.job_seeker.record;
    let rows = vec![
        ("Nom", format!("{} {}", r.first_name, r.last_name)),
        (
            "Identifiant France Travail",
            r.external_id.as_str().to_string(),
        ),
        (
            "Adresse électronique",
            r.email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "Téléphone",
            r.phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("Commune", commune_name(r.commune.as_str())),
        ("Distance maximale", format!("{} km", r.commute_limit.km())),
        (
            "Métiers recherchés",
            r.targets
                .as_slice()
                .iter()
                .map(|t| {
                    refdata::rome()
                        .find(t.rome.as_str())
                        .map(|o| format!("{} ({})", o.label, t.rome.as_str()))
                        .unwrap_or_else(|_| t.rome.as_str().to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Situations (publics prioritaires)",
            data.consent
                .held
                .iter()
                .map(|s| labels::priority(s))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Consentement",
            labels::consent(data.consent.scope.as_deref()).to_string(),
        ),
    ];
    let mut evaluations = Vec::with_capacity(data.evaluations.len());
    for e in &data.evaluations {
        let recorded_by = state
            .store
            .structure(e.structure_id)
            .await?
            .map(|s| s.record.name)
            .unwrap_or_default();
        evaluations.push(EvaluationLine {
            kind: e.kind_label,
            subject: crate::evaluations::pages::subject_words(
                &e.subject,
                e.subject_label.as_deref(),
            ),
            result: e.result_label.clone(),
            evaluated_on: fr_date(e.evaluated_on),
            valid_until: e.valid_until.map(fr_date).unwrap_or_default(),
            valid: e.valid,
            issuer: e.issuer.clone(),
            recorded_by,
        });
    }
    let refused = error.is_some();
    let chrome = Chrome::person(
        person,
        form_title("Mes données", refused),
        "/espace/donnees",
    )
    .notice(notice);
    Ok(render_form(
        &DataPage {
            chrome,
            error,
            rows,
            referrals: data.referrals.len(),
            invitations: data.invitations.len(),
            duos: data.duos.len(),
            plans: data.training_plans.len(),
            accesses: data.access_history.len(),
            evaluations,
            shared: crate::job_seekers::pages::shared_words(&data.shared_evaluations),
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub struct RectificationForm {
    message: String,
}

/// The person asks their advisor for a correction.
pub async fn request_rectification(
    State(state): St,
    PersonViewer(person): PersonViewer,
    PageForm(form): PageForm<RectificationForm>,
) -> PageResult {
    let input = api::RectificationInput {
        message: form.message,
    };
    match api::request_rectification_as(&state, &person, &input).await {
        Ok(()) => Ok(see_other("/espace/donnees?fait=rectification")),
        Err(ApiError::Invalid(_)) => {
            let message = "Décrivez ce qui est à corriger, en 2 000 caractères au plus.";
            data_page(&state, &person, Some(message.to_string()), None).await
        }
        Err(ApiError::Refused(reason)) => data_page(&state, &person, Some(reason), None).await,
        Err(err) => Err(PageError(err)),
    }
}

#[derive(Template)]
#[template(path = "person/erasure.html")]
struct ErasurePage {
    chrome: Chrome,
    already: bool,
    blocked_by: Vec<String>,
    can_proceed_on: Option<String>,
}

/// The person asks for their data to be erased; the page says what happens next.
pub async fn request_erasure(State(state): St, PersonViewer(person): PersonViewer) -> PageResult {
    let (already, blocked_by, can_proceed_on) = match api::request_erasure_as(&state, &person).await
    {
        Ok(view) => (false, view.blocked_by, view.can_proceed_on.map(fr_date)),
        Err(ApiError::Conflict(_)) => (true, Vec::new(), None),
        Err(err) => return Err(PageError(err)),
    };
    Ok(render(&ErasurePage {
        chrome: Chrome::person(&person, "Effacement de mes données", "/espace/donnees"),
        already,
        blocked_by,
        can_proceed_on,
    }))
}

/// The JSON file of all the person's data.
pub async fn data_json(State(state): St, PersonViewer(person): PersonViewer) -> PageResult {
    Ok(super::data::download(State(state), person).await?)
}

#[derive(Template)]
#[template(path = "person/code.html")]
struct CodePage {
    chrome: Chrome,
    id: i64,
    code: String,
    expires: String,
}

/// The advisor gives one of their people a code to open their space.
pub async fn issue_code(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let code = api::issue_code_for(&state, &principal, id).await?;
    Ok(render(&CodePage {
        chrome: Chrome::new(
            &principal,
            "Code d'accès à l'espace personnel",
            "/demandeurs",
        ),
        id,
        code: code.code,
        expires: format!(
            "{} à {}",
            fr_date(code.expires_at.date_naive()),
            paris_time(code.expires_at)
        ),
    }))
}

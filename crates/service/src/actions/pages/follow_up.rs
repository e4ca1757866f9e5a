//! After an action is prepared: drawing its invitations, the advisors' answers, its
//! participants' attendance and outcomes, its funnel and its attendance sheet.

use super::*;

/// A participant as the organisers' table shows them.
pub struct ParticipantRow {
    pub view: crate::actions::outcomes::ParticipantView,
    pub shown: String,
    pub modality: &'static str,
    pub seat: &'static str,
    pub attendance: &'static str,
    /// "Embauche (CDD, 6 mois) le 22/01/2027", ...
    pub outcomes: Vec<String>,
}

impl ParticipantRow {
    /// A participant as a row: their name where the user may read it (else their pseudonym)
    /// and how they come, with what the page says of their seat, attendance and outcomes.
    pub fn new(
        view: crate::actions::outcomes::ParticipantView,
        seat: &'static str,
        attendance: &'static str,
        outcomes: Vec<String>,
    ) -> Self {
        Self {
            shown: view.name.clone().unwrap_or_else(|| view.pseudonym.clone()),
            modality: if view.modality == "remote" {
                "en ligne"
            } else {
                "sur place"
            },
            seat,
            attendance,
            outcomes,
            view,
        }
    }
}

/// One stage of the funnel: its label, its count (or "—" withheld) and each public's.
pub struct StageRow {
    pub label: &'static str,
    pub count: String,
    pub publics: Vec<String>,
}

fn stage_label(stage: &str) -> &'static str {
    match stage {
        "invited" => "Invitées",
        "registered" => "Inscrites",
        "present" => "Présentes",
        "interviewed" => "En entretien",
        "hired" => "Embauchées",
        _ => "Autre",
    }
}

fn withheld(n: Option<u64>) -> String {
    n.map_or_else(|| "< 20".to_string(), |n| n.to_string())
}

/// The funnel's rows.
pub fn stage_rows(view: crate::actions::outcomes::FunnelView) -> Vec<StageRow> {
    view.stages
        .into_iter()
        .map(|s| StageRow {
            label: stage_label(&s.stage),
            count: withheld(s.count),
            publics: s.by_public.into_iter().map(|p| withheld(p.count)).collect(),
        })
        .collect()
}

pub(crate) fn outcome_label(o: &crate::actions::outcomes::OutcomeView) -> String {
    let kind = match o.kind.as_str() {
        "interview" => "Entretien",
        "hire" => "Embauche",
        "training" => "Entrée en formation",
        "immersion" => "Immersion (PMSMP)",
        _ => "Autre",
    };
    let contract = match (&o.contract_type, o.contract_months) {
        (Some(c), Some(m)) => format!(" ({}, {m} mois)", labels::contract(c)),
        (Some(c), None) => format!(" ({})", labels::contract(c)),
        _ => String::new(),
    };
    format!("{kind}{contract} le {}", o.on.format("%d/%m/%Y"))
}

/// An invitation as the organisers' table shows it.
pub struct InvitationRow {
    pub view: crate::actions::invitations::OrganiserInvitationView,
    pub state: &'static str,
    pub deadline: String,
    /// "inscrit(e)", "en liste d'attente", or nothing.
    pub seat: &'static str,
    pub may_withdraw: bool,
}

#[derive(Deserialize)]
pub struct InviteForm {
    /// Invitations per position of each offer.
    #[serde(default)]
    par_poste: String,
}

/// Draws the invitations of an action (its organisers).
pub async fn invite(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<InviteForm>,
) -> PageResult {
    let per_position = match form.par_poste.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<u16>()
                .ok()
                .filter(|n| (1..=10).contains(n))
                .ok_or_else(|| ApiError::field("/par_poste", "de 1 à 10 invitations par poste"))?,
        ),
    };
    let result = crate::actions::invitations::draw_invitations(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::invitations::DrawRequest {
            per_position,
            ..Default::default()
        }),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/actions/{id}?fait=invitations#invitations"
        ))),
        Err(ApiError::Conflict(reason)) if reason.starts_with("offers:") => Err(ApiError::Refused(
            "Aucune des offres de cette action n'est encore ouverte : les invitations se tirent \
             parmi les candidats de ses offres ouvertes."
                .to_string(),
        )
        .into()),
        Err(ApiError::Conflict(_)) => Err(ApiError::Refused(
            "Les invitations se tirent pour une action publiée qui n'a pas commencé.".to_string(),
        )
        .into()),
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct InvitationForm {
    vers: String,
    #[serde(default)]
    modalite: String,
    /// Where to come back to.
    #[serde(default)]
    retour: String,
}

/// Records an invitation's answer (the person's agency) or withdraws it (the organisers).
pub async fn move_invitation(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<InvitationForm>,
) -> PageResult {
    let modality = match form.modalite.as_str() {
        "en_ligne" => Some("remote".to_string()),
        "sur_place" => Some("on_site".to_string()),
        "" => None,
        _ => return Err(ApiError::field("/modalite", "« sur_place » ou « en_ligne »").into()),
    };
    let result = crate::actions::invitations::move_invitation(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::invitations::MoveInvitationRequest {
            to: form.vers.clone(),
            modality,
        }),
    )
    .await;
    match result {
        Ok(_) => {
            // Back to the action's page (the organisers) or to the list (the agency).
            let action = form
                .retour
                .strip_prefix("/actions/")
                .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
            Ok(see_other(&match action {
                Some(action) => format!("/actions/{action}?fait=invitation#invitations"),
                None => "/invitations?fait=invitation".to_string(),
            }))
        }
        Err(ApiError::Conflict(reason)) => Err(ApiError::Refused(if reason.contains("deadline") {
            "La date limite de réponse est passée : l'invitation a expiré.".to_string()
        } else if reason.contains("started") {
            "L'action a commencé : on ne s'y inscrit plus.".to_string()
        } else {
            "Cette invitation a déjà reçu sa réponse, ou a été retirée.".to_string()
        })
        .into()),
        Err(other) => Err(other.into()),
    }
}

/// An invitation as the advisor's list shows it.
pub struct AgencyRow {
    pub view: crate::actions::invitations::AgencyInvitationView,
    pub kind: &'static str,
    pub when: String,
    pub deadline: String,
    pub state: &'static str,
    /// (state, label) of the answers open.
    pub moves: Vec<(String, &'static str)>,
    pub both: bool,
}

#[derive(Template)]
#[template(path = "actions/invitations.html")]
struct InvitationsPage {
    chrome: Chrome,
    open: Vec<AgencyRow>,
    answered: Vec<AgencyRow>,
}

/// The invitations of the advisor's job seekers: to relay and answer first.
pub async fn invitations(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(views) = crate::actions::invitations::agency_invitations(
        State(state.clone()),
        principal.clone(),
        crate::json::QueryParams(Default::default()),
    )
    .await?;
    let (open, answered): (Vec<AgencyRow>, Vec<AgencyRow>) = views
        .into_iter()
        .map(|v| AgencyRow {
            kind: labels::action_kind(&v.action_kind),
            when: crate::meetings::paris(v.starts_at),
            deadline: crate::meetings::paris(v.deadline),
            state: labels::invitation_state(&v.state),
            moves: v
                .moves
                .iter()
                .map(|m| (m.clone(), labels::invitation_move(m)))
                .collect(),
            both: v.capacity_on_site > 0 && v.capacity_remote > 0,
            view: v,
        })
        .partition(|r| !r.moves.is_empty());
    Ok(render(&InvitationsPage {
        chrome: Chrome::new(&principal, "Invitations aux actions", "/invitations")
            .notice(done(query.fait.as_deref())),
        open,
        answered,
    }))
}

/// The refusals of the participants' forms, in French.
fn refused(err: ApiError) -> ApiError {
    match err {
        ApiError::Conflict(reason) => {
            ApiError::Refused(if reason.contains("once the gathering is over") {
                "La présence se note et se clôt une fois l'action terminée.".to_string()
            } else if reason.contains("closed") {
                "La présence de cette action est déjà close.".to_string()
            } else if reason.contains("attendance: ") {
                "Des présences restent à noter avant de clore.".to_string()
            } else if reason.contains("90 days") {
                "Les résultats se notent du début de l'action à 90 jours après sa fin.".to_string()
            } else if reason.contains("already recorded") {
                "Ce résultat est déjà noté pour cette personne.".to_string()
            } else {
                "Cette opération n'est pas possible dans l'état de l'action.".to_string()
            })
        }
        other => other,
    }
}

#[derive(Deserialize)]
pub struct PresenceForm {
    job_seeker_id: i64,
    presence: String,
}

pub async fn attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<PresenceForm>,
) -> PageResult {
    let attendance = match form.presence.as_str() {
        "present" => "present",
        "excuse" => "excused",
        "absent" => "absent",
        _ => return Err(ApiError::field("/presence", "present, excuse ou absent").into()),
    };
    crate::actions::outcomes::record_attendance(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::outcomes::ParticipantAttendance {
            job_seeker_id: form.job_seeker_id,
            attendance: attendance.to_string(),
        }),
    )
    .await
    .map_err(refused)?;
    Ok(see_other(&format!(
        "/actions/{id}?fait=presence#participants"
    )))
}

pub async fn close_attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    crate::actions::outcomes::close_attendance(State(state), principal, Path(id))
        .await
        .map_err(refused)?;
    Ok(see_other(&format!(
        "/actions/{id}?fait=cloture_action#participants"
    )))
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    job_seeker_id: i64,
    resultat: String,
    #[serde(default)]
    offre: String,
    #[serde(default)]
    contrat: String,
    #[serde(default)]
    duree: String,
    #[serde(default)]
    date: String,
}

pub async fn outcome(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<OutcomeForm>,
) -> PageResult {
    let number = |text: &str, field: &str| -> Result<Option<i64>, ApiError> {
        match text.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| ApiError::field(field, "un nombre")),
        }
    };
    let offer = number(&form.offre, "/offre")?;
    let months = number(&form.duree, "/duree")?
        .map(|m| u16::try_from(m).map_err(|_| ApiError::field("/duree", "de 1 à 120 mois")))
        .transpose()?;
    let on = match form.date.trim() {
        "" => None,
        t => Some(
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| ApiError::field("/date", "une date au format JJ/MM/AAAA"))?,
        ),
    };
    let request = crate::actions::outcomes::NewOutcomeRequest {
        job_seeker_id: form.job_seeker_id,
        kind: form.resultat.clone(),
        offer_id: offer,
        contract_type: Some(form.contrat.clone()).filter(|c| !c.trim().is_empty()),
        contract_months: months,
        on,
    };
    match crate::actions::outcomes::record_outcome(
        State(state),
        principal,
        Path(id),
        JsonBody(request),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/actions/{id}?fait=resultat#participants"
        ))),
        Err(ApiError::Invalid(problems)) => Err(ApiError::Refused(format!(
            "Le résultat n'est pas noté : {}.",
            problems
                .iter()
                .map(|p| match p.path.as_str() {
                    "/contract_type" =>
                        "une embauche se note avec son contrat, et seule une embauche en a un",
                    "/contract_months" =>
                        "la durée du contrat en mois (de 1 à 120), sauf pour un CDI",
                    "/offer_id" => "l'offre choisie n'est pas celle de l'action",
                    "/job_seeker_id" => "seule une personne inscrite à l'action a un résultat",
                    "/on" => "une date plausible",
                    _ => "choisissez le résultat",
                })
                .collect::<Vec<_>>()
                .join(" ; ")
        ))
        .into()),
        Err(other) => Err(refused(other).into()),
    }
}

#[derive(Template)]
#[template(path = "actions/sheet.html")]
struct SheetPage {
    chrome: Chrome,
    action: ActionCard,
    participants: Vec<ParticipantRow>,
}

/// The attendance sheet as a page to print (or save as PDF from the browser).
pub async fn sheet(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let axum::Json(view) =
        crate::actions::api::get_action(State(state.clone()), principal.clone(), Path(id)).await?;
    let people =
        crate::actions::outcomes::participants(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0;
    let participants = people
        .into_iter()
        .filter(|p| p.seat == "registered")
        .map(|p| ParticipantRow::new(p, "inscrit(e)", "", Vec::new()))
        .collect();
    Ok(render(&SheetPage {
        chrome: Chrome::new(
            &principal,
            format!("Émargement — {}", view.title),
            "/actions",
        ),
        action: card(view),
        participants,
    }))
}

/// The attendance sheet as a spreadsheet.
pub async fn sheet_xlsx(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    Ok(crate::actions::outcomes::attendance_sheet(State(state), principal, Path(id)).await?)
}

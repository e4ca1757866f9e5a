//! "Mon équipe" (`/equipe`): a structure's people and the invitations to its seats, for its
//! managers (and, with `?structure=`, the administrators); and the public page where an
//! invitation's link lands (`/equipe/invitation`), to set a password. Each page calls the
//! API handler it shows.

use std::collections::HashMap;

use model::staff::InvitationStatus;

use super::api::{
    InvitationAcceptance, SeatStatusRequest, StaffInvitationRequest, StaffScope, StaffView,
};
use super::{Lookup, paris_datetime};
use crate::json::{PageForm, PagePath, QueryParams};
use crate::pages::forms::{error_summary, has_errors, set_error, trimmed};
use crate::pages::*;

#[derive(Deserialize, Default)]
pub struct TeamQuery {
    pub structure: Option<String>,
    pub fait: Option<String>,
}

/// Whom a row of either table is about, as both show them: name, address and role.
pub struct Person {
    pub name: String,
    pub email: String,
    pub role: &'static str,
}

impl Person {
    fn new(name: &str, email: &str, role: &str) -> Self {
        Person {
            name: name.to_string(),
            email: email.to_string(),
            role: labels::role(role),
        }
    }
}

pub struct MemberRow {
    pub user_id: i64,
    pub person: Person,
    pub status: &'static str,
    pub suspended: bool,
    pub manageable: bool,
    pub last_sign_in: String,
}

pub struct InvitationRow {
    pub id: i64,
    pub person: Person,
    pub until: String,
    pub expired: bool,
    pub manageable: bool,
}

#[derive(Template)]
#[template(path = "staff/team.html")]
struct TeamPage {
    chrome: Chrome,
    heading: String,
    /// The structure shown, when there is one (an administrator first chooses it).
    name: String,
    siret: String,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    /// The field where an administrator types a structure's SIRET.
    chooser: Option<Field>,
}

/// The message after an action on the page.
fn notice(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "invitation" => {
            "L'invitation est envoyée par courriel : son lien vaut sept jours et ne sert qu'une \
             fois."
        }
        "annulee" => "L'invitation est annulée : son lien n'ouvre plus rien.",
        "suspendu" => {
            "L'accès est suspendu : la personne n'a plus aucun droit dans la structure, dès \
             maintenant."
        }
        "reactive" => "L'accès est rétabli.",
        "retire" => {
            "La personne est retirée de la structure ; son compte et son historique sont \
             conservés."
        }
        _ => return None,
    };
    Some(text.to_string())
}

fn invite_fields(view: &StaffView, form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let options: Vec<(&str, &str)> = view
        .grantable_roles
        .iter()
        .map(|r| (r.as_str(), labels::role(r)))
        .collect();
    let mut role = Field::text("role", "Rôle", &v("role"))
        .options(&options)
        .required();
    if role.value.is_empty() {
        role.value = view.grantable_roles.first().cloned().unwrap_or_default();
    }
    vec![
        Field::text("display_name", "Nom et prénom", &v("display_name"))
            .autocomplete("off")
            .required(),
        Field::text("email", "Adresse électronique", &v("email"))
            .kind("email")
            .hint("Format attendu : nom@domaine.fr. L'invitation y est envoyée.")
            .required(),
        role,
    ]
}

fn status_label(status: &str) -> &'static str {
    match status {
        "suspended" => "Suspendu",
        "disabled" => "Compte désactivé",
        _ => "Actif",
    }
}

/// The page of the structure asked (or the user's own), with the form as posted and its
/// errors.
async fn team_page(
    state: &Arc<AppState>,
    principal: &Principal,
    structure: Option<String>,
    form: &HashMap<String, String>,
    problems: Vec<(&'static str, String)>,
    notice: Option<String>,
) -> PageResult {
    if principal.grants(Resource::Staff, Verb::Read).is_empty() {
        return Err(PageError(ApiError::Forbidden(
            "your role may not manage a structure's people".to_string(),
        )));
    }
    let asked = structure.filter(|s| !s.trim().is_empty());
    let listed = super::api::list_staff(
        State(state.clone()),
        principal.clone(),
        QueryParams(StaffScope {
            structure: asked.clone(),
        }),
    )
    .await;
    let view = match listed {
        Ok(axum::Json(view)) => view,
        // No structure chosen (an administrator), or an unknown SIRET: the chooser.
        Err(ApiError::Invalid(_)) => {
            let mut chooser = Field::text("structure", "SIRET de la structure", "")
                .hint("14 chiffres, voir la page Structures.");
            if let Some(siret) = &asked {
                chooser.value = siret.clone();
                chooser.error = Some("Aucune structure n'a ce SIRET.".to_string());
            }
            let refused = chooser.error.is_some();
            return Ok(render_form(
                &TeamPage {
                    chrome: Chrome::new(principal, form_title("Équipes", refused), "/equipe"),
                    heading: String::new(),
                    name: String::new(),
                    siret: String::new(),
                    members: Vec::new(),
                    invitations: Vec::new(),
                    fields: Vec::new(),
                    errors: Vec::new(),
                    chooser: Some(chooser),
                },
                refused,
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let now = state.now();
    let members = view
        .members
        .iter()
        .map(|m| MemberRow {
            user_id: m.user_id,
            person: Person::new(&m.display_name, &m.email, &m.role),
            status: status_label(&m.status),
            suspended: m.status == "suspended",
            manageable: m.manageable,
            last_sign_in: m
                .last_sign_in_at
                .map(paris_datetime)
                .unwrap_or_else(|| "Jamais".to_string()),
        })
        .collect();
    let invitations = view
        .invitations
        .iter()
        .map(|i| InvitationRow {
            id: i.id,
            person: Person::new(&i.display_name, &i.email, &i.role),
            until: paris_datetime(i.expires_at),
            expired: i.expires_at <= now,
            manageable: view.grantable_roles.contains(&i.role),
        })
        .collect();
    let mut fields = invite_fields(&view, form);
    for (name, message) in problems {
        set_error(&mut fields, name, message);
    }
    let errors = error_summary(&fields);
    let refused = !errors.is_empty();
    let own = principal
        .grants(Resource::Staff, Verb::Write)
        .iter()
        .any(|g| {
            g.rule.reach == crate::access::Reach::Own && g.seat.structure_id == view.structure_id
        });
    let title = if own {
        "Mon équipe".to_string()
    } else {
        format!("Équipe de {}", view.name)
    };
    Ok(render_form(
        &TeamPage {
            chrome: Chrome::new(principal, form_title(&title, refused), "/equipe").notice(notice),
            heading: title,
            name: view.name.clone(),
            siret: view.siret.clone(),
            members,
            invitations,
            fields: if view.grantable_roles.is_empty() {
                Vec::new()
            } else {
                fields
            },
            errors,
            chooser: None,
        },
        refused,
    ))
}

pub async fn team(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<TeamQuery>,
) -> PageResult {
    team_page(
        &state,
        &principal,
        query.structure,
        &HashMap::new(),
        Vec::new(),
        notice(query.fait.as_deref()),
    )
    .await
}

/// Where to go back after an action: the structure's page, with its message.
fn back(siret: &str, done: &str) -> Response {
    if siret.is_empty() {
        see_other(&format!("/equipe?fait={done}"))
    } else {
        see_other(&format!("/equipe?structure={}&fait={done}", encode(siret)))
    }
}

fn scope(form: &HashMap<String, String>) -> Option<String> {
    Some(trimmed(form, "structure")).filter(|s| !s.is_empty())
}

pub async fn invite(
    State(state): St,
    Viewer(principal): Viewer,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let structure = scope(&form);
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    for (name, label) in [
        ("display_name", "Nom et prénom"),
        ("email", "Adresse électronique"),
    ] {
        if trimmed(&form, name).is_empty() {
            problems.push((name, format!("Renseignez le champ « {label} ».")));
        }
    }
    if problems.is_empty() {
        let request = StaffInvitationRequest {
            email: trimmed(&form, "email"),
            display_name: trimmed(&form, "display_name"),
            role: trimmed(&form, "role"),
        };
        let sent = super::api::invite(
            State(state.clone()),
            principal.clone(),
            QueryParams(StaffScope {
                structure: structure.clone(),
            }),
            JsonBody(request),
        )
        .await;
        match sent {
            Ok(_) => return Ok(back(&structure.unwrap_or_default(), "invitation")),
            Err(ApiError::Conflict(_)) => problems.push((
                "email",
                "Cette personne a déjà un accès à cette structure.".to_string(),
            )),
            Err(ApiError::Invalid(found)) => {
                for p in found {
                    let (name, message) = match p.path.as_str() {
                        "/email" => ("email", "Cette adresse n'est pas valide : nom@domaine.fr."),
                        "/display_name" => (
                            "display_name",
                            "Un nom de 100 caractères au plus, sans caractère de contrôle.",
                        ),
                        "/role" => (
                            "role",
                            "Ce rôle ne peut pas être donné dans cette structure.",
                        ),
                        _ => ("email", "Vérifiez les valeurs saisies."),
                    };
                    problems.push((name, message.to_string()));
                }
            }
            Err(other) => return Err(other.into()),
        }
    }
    team_page(&state, &principal, structure, &form, problems, None).await
}

pub async fn revoke(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let revoked =
        super::api::revoke_invitation(State(state.clone()), principal, crate::json::Path(id)).await;
    match revoked {
        Ok(_) => Ok(back(&scope(&form).unwrap_or_default(), "annulee")),
        Err(ApiError::Conflict(_)) => Err(PageError(ApiError::Refused(
            "Cette invitation a déjà été acceptée ou annulée.".to_string(),
        ))),
        Err(other) => Err(other.into()),
    }
}

pub async fn suspend(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(user): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let suspend = match trimmed(&form, "action").as_str() {
        "suspendre" => true,
        "reactiver" => false,
        other => {
            return Err(ApiError::field(
                "action",
                format!("expected suspendre or reactiver, not {other:?}"),
            )
            .into());
        }
    };
    let structure = scope(&form);
    let _seat = super::api::set_seat_status(
        State(state.clone()),
        principal,
        crate::json::Path(user),
        QueryParams(StaffScope {
            structure: structure.clone(),
        }),
        JsonBody(SeatStatusRequest {
            status: if suspend { "suspended" } else { "active" }.to_string(),
        }),
    )
    .await
    .map_err(own_seat_in_french)?;
    Ok(back(
        &structure.unwrap_or_default(),
        if suspend { "suspendu" } else { "reactive" },
    ))
}

pub async fn remove(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(user): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let structure = scope(&form);
    super::api::remove_member(
        State(state.clone()),
        principal,
        crate::json::Path(user),
        QueryParams(StaffScope {
            structure: structure.clone(),
        }),
    )
    .await
    .map_err(own_seat_in_french)?;
    Ok(back(&structure.unwrap_or_default(), "retire"))
}

/// One's own seat is refused in words of its own (the others as any refusal).
fn own_seat_in_french(err: ApiError) -> PageError {
    match err {
        ApiError::Forbidden(reason) if reason.contains("your own seat") => PageError(
            ApiError::Refused("Vous ne pouvez ni suspendre ni retirer votre propre accès.".into()),
        ),
        other => PageError(other),
    }
}

// ---------------------------------------------------------------------------------------
// The invitation's link.

#[derive(Deserialize, Default)]
pub struct AcceptQuery {
    pub jeton: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/accept.html")]
struct AcceptPage {
    chrome: Chrome,
    heading: String,
    /// What the page says first.
    message: String,
    /// The form, for a pending invitation: the token, and the password fields when the
    /// address has no account yet.
    form: bool,
    token: String,
    has_account: bool,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    /// A link to the sign-in page (an existing account, or an invitation already used).
    sign_in: bool,
}

fn password_fields() -> Vec<Field> {
    vec![
        Field::text("password", "Mot de passe", "")
            .kind("password")
            .hint("12 caractères au moins.")
            .autocomplete("new-password")
            .required(),
        Field::text("confirmation", "Confirmation du mot de passe", "")
            .kind("password")
            .autocomplete("new-password")
            .required(),
    ]
}

/// The page of a link that opens nothing: unknown (404), or accepted, revoked, expired (410).
fn closed_page(status: Option<InvitationStatus>) -> Response {
    let (code, heading, message) = match status {
        None => (
            StatusCode::NOT_FOUND,
            "Invitation introuvable",
            "Ce lien ne correspond à aucune invitation : vérifiez qu'il est complet, ou demandez \
             au responsable de votre agence de vous inviter de nouveau.",
        ),
        Some(InvitationStatus::Accepted) => (
            StatusCode::GONE,
            "Invitation déjà acceptée",
            "Cette invitation a déjà servi : connectez-vous avec votre adresse électronique et \
             votre mot de passe.",
        ),
        Some(InvitationStatus::Revoked) => (
            StatusCode::GONE,
            "Invitation annulée",
            "Cette invitation a été annulée par la structure qui l'avait envoyée : \
             rapprochez-vous d'elle si vous pensez que c'est une erreur.",
        ),
        Some(InvitationStatus::Expired | InvitationStatus::Pending) => (
            StatusCode::GONE,
            "Invitation expirée",
            "Une invitation vaut sept jours : celle-ci a expiré. Demandez au responsable de \
             votre agence de vous inviter de nouveau.",
        ),
    };
    let mut response = render(&AcceptPage {
        chrome: Chrome::anonymous(heading),
        heading: heading.to_string(),
        message: message.to_string(),
        form: false,
        token: String::new(),
        has_account: false,
        fields: Vec::new(),
        errors: Vec::new(),
        sign_in: status == Some(InvitationStatus::Accepted),
    });
    *response.status_mut() = code;
    response
}

fn pending_page(
    token: &str,
    invitation: &model::staff::StaffInvitation,
    structure: &str,
    has_account: bool,
    fields: Vec<Field>,
) -> Response {
    let errors = error_summary(&fields);
    let refused = !errors.is_empty();
    let role = labels::role(invitation.role.as_str()).to_lowercase();
    let message = if has_account {
        format!(
            "Bonjour {}, vous êtes invité(e) à rejoindre {structure} en tant que {role}. Votre \
             compte Passerelle existe déjà : acceptez, puis connectez-vous avec votre mot de \
             passe habituel.",
            invitation.display_name
        )
    } else {
        format!(
            "Bonjour {}, vous êtes invité(e) à rejoindre {structure} en tant que {role}. \
             Choisissez votre mot de passe : votre compte est ouvert avec l'adresse {}.",
            invitation.display_name,
            invitation.email.as_str()
        )
    };
    render_form(
        &AcceptPage {
            chrome: Chrome::anonymous(form_title("Accepter l'invitation", refused)),
            heading: "Accepter l'invitation".to_string(),
            message,
            form: true,
            token: token.to_string(),
            has_account,
            fields: if has_account { Vec::new() } else { fields },
            errors,
            sign_in: false,
        },
        refused,
    )
}

pub async fn accept_form(State(state): St, PageQuery(query): PageQuery<AcceptQuery>) -> PageResult {
    let token = query.jeton.unwrap_or_default();
    Ok(match super::lookup(&state, &token).await? {
        Lookup::Unknown => closed_page(None),
        Lookup::Gone(status) => closed_page(Some(status)),
        Lookup::Pending {
            invitation,
            structure,
            has_account,
        } => pending_page(
            token.trim(),
            &invitation,
            &structure,
            has_account,
            password_fields(),
        ),
    })
}

pub async fn accept(
    State(state): St,
    headers: HeaderMap,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> PageResult {
    let token = trimmed(&form, "jeton");
    let (invitation, structure, has_account) = match super::lookup(&state, &token).await? {
        Lookup::Unknown => return Ok(closed_page(None)),
        Lookup::Gone(status) => return Ok(closed_page(Some(status))),
        Lookup::Pending {
            invitation,
            structure,
            has_account,
        } => (invitation, structure, has_account),
    };
    let password = form.get("password").cloned().unwrap_or_default();
    if !has_account {
        let mut fields = password_fields();
        if password.is_empty() {
            set_error(
                &mut fields,
                "password",
                "Renseignez le champ « Mot de passe ».",
            );
        } else if crate::auth::password_problem(&password).is_some() {
            set_error(
                &mut fields,
                "password",
                "12 caractères au moins, sans compter les espaces au début et à la fin.",
            );
        } else if form.get("confirmation") != Some(&password) {
            set_error(
                &mut fields,
                "confirmation",
                "Les deux mots de passe ne sont pas identiques.",
            );
        }
        if has_errors(&fields) {
            return Ok(pending_page(
                &token,
                &invitation,
                &structure,
                has_account,
                fields,
            ));
        }
    }
    let accepted = super::api::accept_invitation(
        State(state.clone()),
        headers,
        JsonBody(InvitationAcceptance {
            token: token.clone(),
            password: (!has_account).then_some(password),
        }),
    )
    .await;
    let response = match accepted {
        Ok(response) => response,
        Err(ApiError::NotFound(_)) => return Ok(closed_page(None)),
        Err(other) => return Err(other.into()),
    };
    if response.status() == StatusCode::GONE {
        return Ok(closed_page(Some(InvitationStatus::Accepted)));
    }
    if has_account {
        let mut page = render(&AcceptPage {
            chrome: Chrome::anonymous("Invitation acceptée"),
            heading: "Invitation acceptée".to_string(),
            message: format!(
                "Votre accès à {structure} est ouvert : connectez-vous avec votre adresse \
                 électronique et votre mot de passe habituel."
            ),
            form: false,
            token: String::new(),
            has_account,
            fields: Vec::new(),
            errors: Vec::new(),
            sign_in: true,
        });
        *page.status_mut() = StatusCode::OK;
        return Ok(page);
    }
    // Signed in: to the first page of the new seat's role (the recruiter's dashboard).
    let mut redirect = see_other("/");
    if let Some(cookie) = response.headers().get(header::SET_COOKIE) {
        redirect
            .headers_mut()
            .insert(header::SET_COOKIE, cookie.clone());
    }
    Ok(redirect)
}

//! A structure's people, managed by the structure (`Resource::Staff`): an agency manager
//! invites recruiters and managers to their agency (an e-mail through the outbox whose link
//! is accepted by setting a password), suspends, reactivates or removes their seats and sees
//! who signed in when; an administrator does the same for any structure and any role. Which
//! roles a seat may give is `Role::may_grant` (data, in `model::staff`), which kinds of
//! structure a role fits is `Role::fits`; a manager never suspends nor removes their own seat.
//! There is no France Travail agency-manager role: advisors' seats stay the administrators'.
//! Every change is audited; an invitation's token is never logged, stored or audited (only
//! its SHA-256 is stored, and the audit names the invitation by id).

pub mod api;
pub mod pages;

use axum::http::HeaderMap;
use chrono::Duration;
use model::staff::{InvitationStatus, StaffInvitation};
use model::{Role, TokenHash};

use crate::AppState;
use crate::access::{Principal, Resource, Verb};
use crate::error::{ApiError, ApiResult};

/// The page where an invitation's link lands (its token in `?jeton=`).
pub const ACCEPT_PATH: &str = "/equipe/invitation";

/// The longest token looked up (ours are 64 hex digits).
const MAX_TOKEN_CHARS: usize = 128;

/// The role of the seat through which the user manages `structure`'s people, or why not:
/// the user's grant must reach the structure, and `role` (when given) be one the seat may
/// give (`Role::may_grant`).
pub(crate) fn managing_role(
    principal: &Principal,
    structure: i64,
    role: Option<Role>,
) -> ApiResult<Role> {
    let grant = principal
        .grant(Resource::Staff, Verb::Write, Some(structure))
        .map_err(ApiError::Forbidden)?;
    let mine = grant.seat.role;
    match role {
        Some(role) if !mine.may_grant().contains(&role) => Err(ApiError::Forbidden(format!(
            "a seat of role {mine} may not give nor manage a seat of role {role}: it manages {}",
            roles_text(mine.may_grant())
        ))),
        _ => Ok(mine),
    }
}

/// Roles as a list for messages.
pub(crate) fn roles_text(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "none".to_string();
    }
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a presented token finds.
pub(crate) enum Lookup {
    /// A pending invitation, its structure's name, and whether its address has an account.
    Pending {
        invitation: StaffInvitation,
        structure: String,
        has_account: bool,
    },
    /// Accepted, revoked or expired.
    Gone(InvitationStatus),
    Unknown,
}

/// The invitation of a token, as its page and the API's acceptance read it.
pub(crate) async fn lookup(state: &AppState, token: &str) -> ApiResult<Lookup> {
    let token = token.trim();
    if token.is_empty() || token.chars().count() > MAX_TOKEN_CHARS {
        return Ok(Lookup::Unknown);
    }
    let Some(invitation) = state
        .store
        .staff_invitation_by_token(&TokenHash::of_token(token))
        .await?
    else {
        return Ok(Lookup::Unknown);
    };
    let status = invitation.status(state.now());
    if status != InvitationStatus::Pending {
        return Ok(Lookup::Gone(status));
    }
    let structure = crate::api::structure_name(state, invitation.structure_id).await?;
    let has_account = state
        .store
        .user_by_email(&invitation.email)
        .await?
        .is_some();
    Ok(Lookup::Pending {
        invitation,
        structure,
        has_account,
    })
}

/// Queues the invitation's e-mail: who invites, to which structure and role, the link and
/// until when it is valid.
pub(crate) async fn send_invitation(
    state: &AppState,
    invitation: &StaffInvitation,
    token: &str,
    inviter: &str,
) -> ApiResult<()> {
    let structure = crate::api::structure_name(state, invitation.structure_id).await?;
    let link = format!(
        "{}{ACCEPT_PATH}?jeton={token}",
        state.config.public_url.trim_end_matches('/')
    );
    let body = format!(
        "Bonjour {},\n\n{inviter} vous invite à rejoindre {structure} sur Passerelle, en tant \
         que {}.\n\nPour accepter, ouvrez ce lien et choisissez votre mot de passe (il ne sert \
         qu'une fois et vaut jusqu'au {}) :\n{link}\n\nSi vous ne vous attendiez pas à cette \
         invitation, ignorez ce message : aucun compte n'est ouvert sans ce lien.\n\nPasserelle \
         — France Travail et les agences d'emploi\n",
        invitation.display_name,
        crate::pages::labels::role(invitation.role.as_str()).to_lowercase(),
        paris_datetime(invitation.expires_at),
    );
    state
        .store
        .queue_message(
            &model::NewMessage {
                recipient: invitation.email.as_str().to_string(),
                subject: format!("Invitation à rejoindre {structure} sur Passerelle"),
                body,
                calendar: None,
            },
            state.now(),
        )
        .await?;
    Ok(())
}

/// Opens a session for a user who just accepted an invitation (as signing in does): the
/// `Set-Cookie` value and the anti-forgery token.
pub(crate) async fn open_session(
    state: &AppState,
    user_id: i64,
    headers: &HeaderMap,
) -> ApiResult<(String, String)> {
    let now = state.now();
    let secret = crate::auth::new_secret()?;
    let csrf = crate::auth::new_secret()?;
    let hours = state.config.session_hours;
    state
        .store
        .create_session(
            user_id,
            &TokenHash::of_token(&secret),
            &csrf,
            now + Duration::hours(hours),
            now,
        )
        .await?;
    let cookie = crate::auth::session_cookie(
        &secret,
        hours * 3600,
        crate::api::session::secure(state, headers),
    );
    Ok((cookie, csrf))
}

/// A moment in Paris time, as French readers write it: "12/03/2026 à 09h30".
pub(crate) fn paris_datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %Hh%M")
        .to_string()
}

//! A structure's people, managed by the structure itself: who may give which seat
//! ([`Role::may_grant`], data), invitations sent by e-mail and accepted by setting a password,
//! and the seats as a manager sees them (suspended or not, last sign-in). An invitation's
//! token is kept as its SHA-256 ([`TokenHash`]), never as itself.

use chrono::{DateTime, Duration, Utc};
use domain::Email;

use crate::{Role, TokenHash, UserStatus};

/// How long an invitation may be accepted.
pub const INVITATION_DAYS: i64 = 7;

/// At most so many invitations a structure sends in an hour: a manager who opens an agency
/// invites its team at once (a temp agency has a handful of permanent staff), and nobody
/// sends the outbox a flood. An assumption, generous for the job.
pub const INVITATIONS_PER_HOUR: u64 = 30;

/// At most so many invitations to one address from one structure in a day (each replaces
/// the one pending): a mistyped name corrected, a link lost, not an inbox flooded.
pub const INVITATIONS_PER_ADDRESS_PER_DAY: u64 = 3;

/// The moment an invitation made at `now` expires.
pub fn invitation_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(INVITATION_DAYS)
}

impl Role {
    /// The roles whose seats a holder of this role may give, suspend and remove: an agency
    /// manager manages the recruiters and the managers of their own agency (the reach is the
    /// access rules', `Own`); an administrator any role, in any structure whose kind the role
    /// fits ([`Role::fits`]); nobody else manages anyone. There is no France Travail
    /// agency-manager role: advisors' seats are given by the administrators.
    pub fn may_grant(self) -> &'static [Role] {
        match self {
            Role::AgencyManager => &[Role::Recruiter, Role::AgencyManager],
            Role::Admin => Role::ALL,
            Role::Advisor | Role::Recruiter | Role::Partner | Role::Steering => &[],
        }
    }
}

/// An invitation to be made: a seat of `role` in the structure, for the person at `email`.
/// Its `Debug` shows no token (`TokenHash`'s hides the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffInvitation {
    pub structure_id: i64,
    pub role: Role,
    pub email: Email,
    pub display_name: String,
    /// The SHA-256 of the token the e-mail's link carries.
    pub token_hash: TokenHash,
    pub invited_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// An invitation as stored (without its token's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffInvitation {
    pub id: i64,
    pub structure_id: i64,
    pub role: Role,
    pub email: Email,
    pub display_name: String,
    pub invited_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The account that accepted it.
    pub accepted_by: Option<i64>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where an invitation stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl StaffInvitation {
    pub fn status(&self, now: DateTime<Utc>) -> InvitationStatus {
        if self.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }
}

/// What accepting an invitation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptance {
    /// The invitation was pending: the seat is given to `user_id`, an account created now
    /// (`created`) or the one that already had the address.
    Accepted {
        invitation: StaffInvitation,
        user_id: i64,
        created: bool,
    },
    /// Not pending: nothing changed.
    Refused(InvitationStatus),
    /// No invitation has this token.
    Unknown,
}

/// A seat of a structure as its manager sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub user_id: i64,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    /// The account's own status (disabled by an administrator for every structure).
    pub user_status: UserStatus,
    /// When the seat was suspended (its holder then has no rights in the structure).
    pub suspended_at: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_manage_their_agencys_seats_only_and_admins_every_role() {
        let table: Vec<(Role, &[Role])> = Role::ALL.iter().map(|r| (*r, r.may_grant())).collect();
        assert_eq!(
            table,
            [
                (Role::Advisor, &[][..]),
                (Role::Recruiter, &[][..]),
                (
                    Role::AgencyManager,
                    &[Role::Recruiter, Role::AgencyManager][..]
                ),
                (Role::Partner, &[][..]),
                (Role::Steering, &[][..]),
                (
                    Role::Admin,
                    &[
                        Role::Advisor,
                        Role::Recruiter,
                        Role::AgencyManager,
                        Role::Partner,
                        Role::Steering,
                        Role::Admin
                    ][..]
                ),
            ]
        );
        // What a manager gives fits the manager's own kind of structure.
        for role in Role::AgencyManager.may_grant() {
            assert_eq!(
                role.structure_kinds(),
                Role::AgencyManager.structure_kinds()
            );
        }
    }

    #[test]
    fn an_invitation_is_pending_until_accepted_revoked_or_expired() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let invitation = StaffInvitation {
            id: 1,
            structure_id: 2,
            role: Role::Recruiter,
            email: Email::parse("lea@agence.fr").unwrap(),
            display_name: "Léa".to_string(),
            invited_by: None,
            created_at: now,
            expires_at: invitation_expiry(now),
            accepted_at: None,
            accepted_by: None,
            revoked_at: None,
        };
        assert_eq!(invitation.status(now), InvitationStatus::Pending);
        assert_eq!(
            invitation.status(now + Duration::days(7)),
            InvitationStatus::Expired
        );
        let revoked = StaffInvitation {
            revoked_at: Some(now),
            ..invitation.clone()
        };
        assert_eq!(revoked.status(now), InvitationStatus::Revoked);
        let accepted = StaffInvitation {
            accepted_at: Some(now),
            ..invitation
        };
        assert_eq!(accepted.status(now), InvitationStatus::Accepted);
    }
}

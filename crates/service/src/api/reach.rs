//! Who reaches a person, and which of their fields: through an accepted referral, a duo, an
//! invitation or the person's own agency (the reveal rules of `access::REVEALS`), each read
//! or refusal audited.

use super::*;

/// States in which the job seeker has accepted: the agency may know who they are.
/// Whether a referral in this state reveals the person to the offer's structure
/// (`access::REVEALS`).
pub(crate) fn accepted(state: ReferralState) -> bool {
    crate::access::reveals(
        crate::access::Link::ReferralToOwnOffer,
        crate::access::LinkState::Referral(state),
    )
}

/// The fields of a job seeker this user may read, or why not: their own agency's advisors see
/// everything; an agency sees identity and disclosed statuses once the person accepted one of
/// its offers.
pub(crate) async fn job_seeker_fields(
    state: &AppState,
    principal: &Principal,
    seeker_id: i64,
    agency: i64,
) -> AppResult<Fields> {
    match readable_fields(state, principal, seeker_id, agency).await {
        Err(ApiError::Forbidden(reason)) => {
            Err(refused(state, principal, seeker_id, "job_seeker.read", reason).await)
        }
        other => other,
    }
}

/// A refused read of a person, written to the audit trail (the person's access history shows
/// attempts too); the refusal to answer, or the audit's failure.
pub(crate) async fn refused(
    state: &AppState,
    principal: &Principal,
    seeker_id: i64,
    action: &str,
    reason: String,
) -> ApiError {
    let refusal = format!("{action}.refused");
    let attempt = principal.event(&refusal, "job_seeker", seeker_id, json!({}));
    match state.audit_one(attempt).await {
        Ok(()) => forbidden(reason),
        Err(err) => err,
    }
}

pub(crate) async fn readable_fields(
    state: &AppState,
    principal: &Principal,
    seeker_id: i64,
    agency: i64,
) -> AppResult<Fields> {
    reach_person(
        state,
        principal,
        Resource::JobSeekers,
        Verb::Read,
        seeker_id,
        agency,
    )
    .await
    .map(|(fields, _)| fields)
}

/// How far `verb` on `resource` about the person `seeker_id` (followed by `agency`) reaches
/// for this user: the fields it shows and the structure through which it reaches them (the
/// seat's own, or the one a relation reveals the person to), or why not.
pub(crate) async fn reach_person(
    state: &AppState,
    principal: &Principal,
    resource: Resource,
    verb: Verb,
    seeker_id: i64,
    agency: i64,
) -> AppResult<(Fields, i64)> {
    let grant = principal
        .grant(resource, verb, Some(agency))
        .map_err(forbidden)?;
    let reach = grant.rule.reach;
    if matches!(reach, Reach::Own | Reach::Any) {
        return Ok((grant.rule.fields, grant.seat.structure_id));
    }
    // A reach through a relation: the person is shown while one of its links holds.
    let mine: Vec<i64> = principal
        .grants(resource, verb)
        .iter()
        .filter(|g| g.rule.reach == reach)
        .map(|g| g.seat.structure_id)
        .collect();
    for link in crate::access::links_of(reach) {
        match link {
            crate::access::Link::ReferralToOwnOffer => {
                let referrals = state
                    .store
                    .referrals(ReferralScope::JobSeeker(seeker_id), 0, 1000)
                    .await?;
                for referral in referrals.iter().filter(|r| {
                    crate::access::reveals(link, crate::access::LinkState::Referral(r.state))
                }) {
                    let (_, owner) = offer_and_owner(state, referral.offer_id).await?;
                    if mine.contains(&owner) {
                        return Ok((grant.rule.fields, owner));
                    }
                }
            }
            crate::access::Link::InvitationToOwnAction => {
                let invitations = state.store.invitations_of_job_seeker(seeker_id).await?;
                for invitation in invitations.iter().filter(|i| {
                    crate::access::reveals(link, crate::access::LinkState::Invitation(i.state))
                }) {
                    let action = state.store.action(invitation.invitation.action_id).await?;
                    if let Some(organiser) =
                        action.and_then(|a| mine.iter().copied().find(|s| a.is_organised_by(*s)))
                    {
                        return Ok((grant.rule.fields, organiser));
                    }
                }
            }
            crate::access::Link::DuoWithOwnMentor => {
                let duos = state.store.duos_of_job_seeker(seeker_id).await?;
                if let Some(duo) = duos.iter().find(|d| {
                    crate::access::reveals(link, crate::access::LinkState::Duo(d.state))
                        && mine.contains(&d.mentor_agency_id)
                }) {
                    return Ok((grant.rule.fields, duo.mentor_agency_id));
                }
            }
        }
    }
    Err(forbidden(NOT_ACCEPTED.to_string()))
}

pub(crate) const NOT_ACCEPTED: &str = "this person has not accepted a referral to one of your offers, \
    an invitation to one of your actions nor a duo with one of your mentors: they are shown by \
    pseudonym only";

/// A job seeker and their agency, for reading the person. To whoever may not list job seekers
/// (agencies, partners, steering), an unknown id is refused exactly like a person they may not
/// read, so that ids tell them nothing.
pub(crate) async fn person_to_read(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> AppResult<(JobSeeker, i64)> {
    match job_seeker_and_agency(state, id).await {
        Err(ApiError::NotFound(what)) => {
            let lists = principal
                .grants(Resource::JobSeekers, Verb::Read)
                .iter()
                .any(|g| g.rule.reach != Reach::Revealed);
            if lists {
                return Err(ApiError::NotFound(what));
            }
            Err(forbidden(
                principal
                    .grant(Resource::JobSeekers, Verb::Read, None)
                    .err()
                    .unwrap_or_else(|| NOT_ACCEPTED.to_string()),
            ))
        }
        other => other,
    }
}

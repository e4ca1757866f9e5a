//! Who may do what, in one table ([`RULES`]): for each role, each resource and each verb, how
//! far the right reaches (the user's own structures, any structure, or only through an
//! accepted referral) and which fields of a job seeker it shows. What the table does not grant
//! is refused. Handlers ask [`Principal::grant`] and apply the reach; nothing else decides.

use model::Role;

/// What is accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Offers (owned by an agence d'emploi or a France Travail agency).
    Offers,
    /// Shortlists of an offer: pseudonymous candidates with the reasons.
    Shortlists,
    /// Job seekers (owned by their France Travail agency).
    JobSeekers,
    /// Offers suggested to a job seeker.
    Suggestions,
    /// Referrals seen from the offer's side: those to offers of the user's structure. The
    /// person is shown by pseudonym until they accept, then by identity with the statuses they
    /// disclosed; the moves are the offer's (interview, hire, cancel).
    OfferReferrals,
    /// Referrals seen from the person's side: those of the job seekers the user's agency
    /// follows. Every field; the moves are the person's (accept, decline, cancel), answered
    /// for them by their agency. Never reached by owning the offer.
    SeekerReferrals,
    /// The whole audit trail and its verification.
    AuditTrail,
    /// A job seeker's access history (the audit events about them).
    AccessHistory,
    /// Accounts and memberships.
    Accounts,
    /// Aggregated indicators, no nominative data.
    Indicators,
    /// The shared directory: structures and their services (data·inclusion), public to every
    /// member of the partnership; each structure keeps its own services up to date.
    Directory,
    /// The directory's moderation: the services waiting for approval, and the kinds of
    /// structure whose new structures' services wait for it (administrators only).
    DirectoryModeration,
    /// Joint information meetings: organised by a structure, open to the structures invited.
    Meetings,
    /// The priority policies of the territories: public to every member of the partnership,
    /// set by the steering committee and the administrators.
    Policies,
    /// A job seeker's consent to be proposed and the statuses they disclose, as recorded by
    /// their agency (written by the person's own agency only).
    Consent,
    /// Co-organised recruitment actions (a job dating, a forum, an MRS session...): prepared
    /// and moved by the structures that organise them (`Own`: the lead agency and the
    /// co-organisers), read once published by every member (no personal data: an action's
    /// public tags are the action's, never a person's). A draft is its organisers' only.
    Actions,
    /// Invitations to actions seen from the person's side: those of the job seekers the
    /// user's agency follows, relayed and answered for them. (The organisers reach an action's
    /// invitations through `Actions`, each person by pseudonym until they accept.)
    SeekerInvitations,
    /// The tension of occupations by territory, official (DARES) and local: aggregates only,
    /// every figure on fewer than twenty offers or people withheld; read by every member.
    Tension,
    /// Temp workers who volunteer as mentors: registered, read in full and withdrawn by their
    /// agency (`Own`); France Travail advisors read them (`Any`) without their identity, which
    /// a mentor's duo shows to its coordinator once both sides accepted. (`Fields` measure a
    /// job seeker's fields: a mentor shows none.)
    Mentors,
    /// Duos: proposed, followed and closed by their coordinator (the job seeker's France
    /// Travail agency, `Own`), answered and logged by the mentor's agency (`Own`); each side
    /// sees the other by pseudonym until both accepted; a contact's note is the
    /// coordinator's only.
    Duos,
    /// The training catalogue (LHEO sessions) and the outcomes of training by occupation and
    /// territory: no personal data, read by every member.
    Trainings,
    /// A job seeker's reconversion paths (their targets, skills, home and months of search
    /// read against the region): their own France Travail agency only.
    Reconversion,
    /// Training plans (training before hiring): built, agreed and followed by their two
    /// sides, the offer's structure and the person's France Travail agency (`Own`), with the
    /// person's identity (they accepted the referral the plan grows from). The steering
    /// committee reads their counts and breaches through `Indicators` (`Any`), never a plan.
    TrainingPlans,
    /// Retention and erasure: the retention table, the record of processing (GDPR art. 30),
    /// the sweep, the erasure requests' queue and their processing (the administrators).
    Retention,
    /// Filing a person's erasure request: their own France Travail agency (`Own`), on their
    /// behalf (the person files theirs from their own space).
    Erasure,
    /// A person's evaluations (MRS, CACES, language level, skills assessment): recorded and
    /// read by their France Travail agency (`Own`) and by an agency the person is revealed to
    /// (`Revealed`); each structure sees the evaluations it recorded, and the others' only for
    /// the kinds the person shares.
    Evaluations,
    /// A structure's people: its seats (suspended, removed) and the invitations to new ones.
    /// Agency managers manage their own agency's (`Own`), administrators any structure's
    /// (`Any`); which roles each may give is `Role::may_grant`.
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Read,
    Write,
}

/// How far a right reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Records of a structure the user is a member of in this role.
    Own,
    /// Every record.
    Any,
    /// A job seeker a relation of [`REVEALS`] links to the user's structure: a referral to
    /// one of its offers, an invitation to one of its actions, that the person accepted.
    Revealed,
}

/// Which fields of a job seeker a right shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fields {
    /// Pseudonym and sourcing profile: no identity, no contact, no status.
    Pseudonymous,
    /// Adds identity and contact, and the priority statuses the person chose to disclose.
    Identity,
    /// Everything, every priority status included (the person's own agency).
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub role: Role,
    pub resource: Resource,
    pub verb: Verb,
    pub reach: Reach,
    pub fields: Fields,
}

const fn rule(role: Role, resource: Resource, verb: Verb, reach: Reach, fields: Fields) -> Rule {
    Rule {
        role,
        resource,
        verb,
        reach,
        fields,
    }
}

use Fields::{Full, Identity, Pseudonymous as Pseudo};
use Reach::{Any, Own, Revealed};
use Resource::*;
use Role::*;
use Verb::{Read, Write};

/// Every right. MISSION.md's table, as data: recruiters and agency managers never see a job
/// seeker's identity before acceptance, nor a status the person did not disclose, nor another
/// agency's offers and referrals; partners and steering never see nominative data.
pub const RULES: &[Rule] = &[
    // France Travail advisors: their agency's portfolio, every offer (to suggest them).
    rule(Advisor, Offers, Read, Any, Pseudo),
    rule(Advisor, Shortlists, Read, Any, Pseudo),
    rule(Advisor, JobSeekers, Read, Own, Full),
    // ... and writes it (France Travail's systems push their portfolio with an advisor's token).
    rule(Advisor, JobSeekers, Write, Own, Full),
    rule(Advisor, Suggestions, Read, Own, Pseudo),
    rule(Advisor, SeekerReferrals, Read, Own, Full),
    rule(Advisor, SeekerReferrals, Write, Own, Full),
    // ... and, for offers their agency owns, the offer's side, like an agency.
    rule(Advisor, OfferReferrals, Read, Own, Identity),
    rule(Advisor, OfferReferrals, Write, Own, Identity),
    rule(Advisor, AccessHistory, Read, Own, Full),
    // Recruiters: their agency's offers, shortlists and referrals.
    rule(Recruiter, Offers, Read, Own, Pseudo),
    rule(Recruiter, Offers, Write, Own, Pseudo),
    rule(Recruiter, Shortlists, Read, Own, Pseudo),
    rule(Recruiter, JobSeekers, Read, Revealed, Identity),
    rule(Recruiter, OfferReferrals, Read, Own, Identity),
    rule(Recruiter, OfferReferrals, Write, Own, Identity),
    // Agency managers: as recruiters, plus the agency's figures.
    rule(AgencyManager, Offers, Read, Own, Pseudo),
    rule(AgencyManager, Offers, Write, Own, Pseudo),
    rule(AgencyManager, Shortlists, Read, Own, Pseudo),
    rule(AgencyManager, JobSeekers, Read, Revealed, Identity),
    rule(AgencyManager, OfferReferrals, Read, Own, Identity),
    rule(AgencyManager, OfferReferrals, Write, Own, Identity),
    rule(AgencyManager, Indicators, Read, Own, Pseudo),
    // Partners: the directory and the meetings (below), nothing nominative.
    // Steering: indicators only.
    rule(Steering, Indicators, Read, Any, Pseudo),
    // Admins: accounts and the audit trail; a job seeker's access history on request.
    rule(Admin, Accounts, Read, Any, Pseudo),
    rule(Admin, Accounts, Write, Any, Pseudo),
    rule(Admin, AuditTrail, Read, Any, Pseudo),
    rule(Admin, AccessHistory, Read, Any, Full),
    rule(Admin, Indicators, Read, Any, Pseudo),
    // Everyone: the shared directory and the joint meetings; each structure writes its own.
    // A meeting is read by the structures it concerns (`Own`: organised by or invited to it),
    // by the steering committee and the administrators (`Any`).
    rule(Advisor, Directory, Read, Any, Pseudo),
    rule(Advisor, Directory, Write, Own, Pseudo),
    rule(Advisor, Meetings, Read, Own, Pseudo),
    rule(Advisor, Meetings, Write, Own, Pseudo),
    rule(Recruiter, Directory, Read, Any, Pseudo),
    rule(Recruiter, Directory, Write, Own, Pseudo),
    rule(Recruiter, Meetings, Read, Own, Pseudo),
    rule(Recruiter, Meetings, Write, Own, Pseudo),
    rule(AgencyManager, Directory, Read, Any, Pseudo),
    rule(AgencyManager, Directory, Write, Own, Pseudo),
    rule(AgencyManager, Meetings, Read, Own, Pseudo),
    rule(AgencyManager, Meetings, Write, Own, Pseudo),
    rule(Partner, Directory, Read, Any, Pseudo),
    rule(Partner, Directory, Write, Own, Pseudo),
    rule(Partner, Meetings, Read, Own, Pseudo),
    rule(Partner, Meetings, Write, Own, Pseudo),
    rule(Steering, Directory, Read, Any, Pseudo),
    rule(Steering, Meetings, Read, Any, Pseudo),
    rule(Steering, Meetings, Write, Own, Pseudo),
    rule(Admin, Directory, Read, Any, Pseudo),
    rule(Admin, Directory, Write, Any, Pseudo),
    rule(Admin, DirectoryModeration, Read, Any, Pseudo),
    rule(Admin, DirectoryModeration, Write, Any, Pseudo),
    rule(Admin, Meetings, Read, Any, Pseudo),
    // Priority policies: read by all, set by the steering committee and the administrators.
    rule(Advisor, Policies, Read, Any, Pseudo),
    rule(Recruiter, Policies, Read, Any, Pseudo),
    rule(AgencyManager, Policies, Read, Any, Pseudo),
    rule(Partner, Policies, Read, Any, Pseudo),
    rule(Steering, Policies, Read, Any, Pseudo),
    rule(Steering, Policies, Write, Any, Pseudo),
    rule(Admin, Policies, Read, Any, Pseudo),
    rule(Admin, Policies, Write, Any, Pseudo),
    rule(Advisor, Tension, Read, Any, Pseudo),
    rule(Recruiter, Tension, Read, Any, Pseudo),
    rule(AgencyManager, Tension, Read, Any, Pseudo),
    rule(Partner, Tension, Read, Any, Pseudo),
    rule(Steering, Tension, Read, Any, Pseudo),
    rule(Admin, Tension, Read, Any, Pseudo),
    // Co-organised actions: organised by a France Travail agency with agencies, read by all.
    rule(Advisor, Actions, Read, Any, Pseudo),
    rule(Advisor, Actions, Write, Own, Pseudo),
    rule(Recruiter, Actions, Read, Any, Pseudo),
    rule(Recruiter, Actions, Write, Own, Pseudo),
    rule(AgencyManager, Actions, Read, Any, Pseudo),
    rule(AgencyManager, Actions, Write, Own, Pseudo),
    rule(Partner, Actions, Read, Any, Pseudo),
    rule(Steering, Actions, Read, Any, Pseudo),
    rule(Admin, Actions, Read, Any, Pseudo),
    // Duos: the mentors are their agencies'; advisors find them by pseudonym and coordinate
    // the duos of their people; each agency answers for its mentors.
    rule(Advisor, Mentors, Read, Any, Pseudo),
    rule(Recruiter, Mentors, Read, Own, Pseudo),
    rule(Recruiter, Mentors, Write, Own, Pseudo),
    rule(AgencyManager, Mentors, Read, Own, Pseudo),
    rule(AgencyManager, Mentors, Write, Own, Pseudo),
    rule(Advisor, Duos, Read, Own, Identity),
    rule(Advisor, Duos, Write, Own, Identity),
    rule(Recruiter, Duos, Read, Own, Identity),
    rule(Recruiter, Duos, Write, Own, Identity),
    rule(AgencyManager, Duos, Read, Own, Identity),
    rule(AgencyManager, Duos, Write, Own, Identity),
    rule(Advisor, SeekerInvitations, Read, Own, Full),
    rule(Advisor, SeekerInvitations, Write, Own, Full),
    // The training catalogue is everyone's; a person's reconversion paths their agency's.
    rule(Advisor, Trainings, Read, Any, Pseudo),
    rule(Recruiter, Trainings, Read, Any, Pseudo),
    rule(AgencyManager, Trainings, Read, Any, Pseudo),
    rule(Partner, Trainings, Read, Any, Pseudo),
    rule(Steering, Trainings, Read, Any, Pseudo),
    rule(Admin, Trainings, Read, Any, Pseudo),
    rule(Advisor, Reconversion, Read, Own, Full),
    // Training plans: the person's agency and the offer's structure, each for its side.
    rule(Advisor, TrainingPlans, Read, Own, Identity),
    rule(Advisor, TrainingPlans, Write, Own, Identity),
    rule(Recruiter, TrainingPlans, Read, Own, Identity),
    rule(Recruiter, TrainingPlans, Write, Own, Identity),
    rule(AgencyManager, TrainingPlans, Read, Own, Identity),
    rule(AgencyManager, TrainingPlans, Write, Own, Identity),
    // Consent and disclosures: the person's own agency records them and reads their history.
    rule(Advisor, Consent, Read, Own, Full),
    rule(Advisor, Consent, Write, Own, Full),
    // Shared evaluations: the person's agency, and an agency the person accepted.
    rule(Advisor, Evaluations, Read, Own, Full),
    rule(Advisor, Evaluations, Write, Own, Full),
    rule(Recruiter, Evaluations, Read, Revealed, Identity),
    rule(Recruiter, Evaluations, Write, Revealed, Identity),
    rule(AgencyManager, Evaluations, Read, Revealed, Identity),
    rule(AgencyManager, Evaluations, Write, Revealed, Identity),
    // Retention and erasure: requests filed by the person's agency, processed by admins.
    rule(Advisor, Erasure, Write, Own, Pseudo),
    rule(Admin, Retention, Read, Any, Pseudo),
    rule(Admin, Retention, Write, Any, Pseudo),
    // A structure's people: an agency's managers theirs, the administrators everyone's.
    rule(AgencyManager, Staff, Read, Own, Pseudo),
    rule(AgencyManager, Staff, Write, Own, Pseudo),
    rule(Admin, Staff, Read, Any, Pseudo),
    rule(Admin, Staff, Write, Any, Pseudo),
];

/// What links a person to a structure in a way that can reveal them to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A referral of the person to an offer the structure owns.
    ReferralToOwnOffer,
    /// An invitation of the person to an action the structure organises.
    InvitationToOwnAction,
    /// A duo of the person with a mentor of the structure.
    DuoWithOwnMentor,
}

/// The state of a linking record, of the kind its link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Referral(model::ReferralState),
    Invitation(model::InvitationState),
    Duo(model::DuoState),
}

/// A relation that reveals a person to a structure: a rule of reach `reach` shows its fields
/// of a person only while a record of kind `link` joins them, in one of `states` (the person
/// said yes). The coming relations (duos, training plans) are rows here, and a `Link` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reveal {
    pub reach: Reach,
    pub link: Link,
    pub states: &'static [LinkState],
}

/// Every relation that reveals a person: a referral the person accepted (and what follows an
/// acceptance: interview, hire, not hired), an invitation to an action the person accepted, a
/// duo both sides accepted (and what follows: under way, completed, stopped).
pub const REVEALS: &[Reveal] = &[
    Reveal {
        reach: Revealed,
        link: Link::ReferralToOwnOffer,
        states: &[
            LinkState::Referral(model::ReferralState::Accepted),
            LinkState::Referral(model::ReferralState::Interview),
            LinkState::Referral(model::ReferralState::Hired),
            LinkState::Referral(model::ReferralState::NotHired),
        ],
    },
    Reveal {
        reach: Revealed,
        link: Link::InvitationToOwnAction,
        states: &[LinkState::Invitation(model::InvitationState::Accepted)],
    },
    Reveal {
        reach: Revealed,
        link: Link::DuoWithOwnMentor,
        states: &[
            LinkState::Duo(model::DuoState::Accepted),
            LinkState::Duo(model::DuoState::Active),
            LinkState::Duo(model::DuoState::Completed),
            LinkState::Duo(model::DuoState::Stopped),
        ],
    },
];

/// Whether a record of `link` in `state` reveals the person, by [`REVEALS`].
pub fn reveals(link: Link, state: LinkState) -> bool {
    REVEALS
        .iter()
        .any(|r| r.link == link && r.states.contains(&state))
}

/// The links through which a rule of this reach reveals a person (none for `Own` and `Any`,
/// which need no relation).
pub fn links_of(reach: Reach) -> impl Iterator<Item = Link> {
    REVEALS
        .iter()
        .filter(move |r| r.reach == reach)
        .map(|r| r.link)
}

/// The rule granting `role` this verb on this resource, if any.
pub fn rule_for(role: Role, resource: Resource, verb: Verb) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.role == role && r.resource == resource && r.verb == verb)
}

/// One of the user's seats: a role in a structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub role: Role,
    pub structure_id: i64,
    pub siret: String,
}

/// The signed-in user and their seats. Its `Debug` hides the anti-forgery token (and the
/// user's password hash, which `model::User`'s hides).
#[derive(Clone)]
pub struct Principal {
    pub user: model::User,
    pub seats: Vec<Seat>,
    /// The session's anti-forgery token; `None` for API tokens (no cookie, no forgery).
    pub csrf_token: Option<String>,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        /// Says whether there is a token, never what it is.
        struct Redacted(bool);
        impl std::fmt::Debug for Redacted {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(if self.0 { "Some(<redacted>)" } else { "None" })
            }
        }
        f.debug_struct("Principal")
            .field("user", &self.user)
            .field("seats", &self.seats)
            .field("csrf_token", &Redacted(self.csrf_token.is_some()))
            .finish()
    }
}

/// What a grant allows: the rule, and the seat that holds it.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'a> {
    pub rule: &'static Rule,
    pub seat: &'a Seat,
}

impl Principal {
    /// The grants the user holds for this verb on this resource, one per seat that has one.
    pub fn grants(&self, resource: Resource, verb: Verb) -> Vec<Grant<'_>> {
        self.seats
            .iter()
            .filter_map(|seat| rule_for(seat.role, resource, verb).map(|rule| Grant { rule, seat }))
            .collect()
    }

    /// The widest grant for a record owned by `owner` (a structure id; `None` when the
    /// question is not about one record), or why not.
    ///
    /// `Revealed` grants are returned as they are: the caller checks the referral.
    pub fn grant(
        &self,
        resource: Resource,
        verb: Verb,
        owner: Option<i64>,
    ) -> Result<Grant<'_>, String> {
        let grants = self.grants(resource, verb);
        if grants.is_empty() {
            return Err(format!(
                "your role ({}) may not {} {}",
                self.roles(),
                verb_name(verb),
                resource_name(resource)
            ));
        }
        let fits = |g: &Grant<'_>| match g.rule.reach {
            Any => true,
            Own => owner.is_none_or(|o| o == g.seat.structure_id),
            Revealed => true,
        };
        grants
            .into_iter()
            .filter(fits)
            .max_by_key(|g| (g.rule.fields, g.rule.reach == Any, g.rule.reach == Own))
            .ok_or_else(|| {
                format!(
                    "this record belongs to another structure: you may {} {} of your own \
                     structure only",
                    verb_name(verb),
                    resource_name(resource)
                )
            })
    }

    fn roles(&self) -> String {
        let mut roles: Vec<&str> = self.seats.iter().map(|s| s.role.as_str()).collect();
        roles.dedup();
        if roles.is_empty() {
            "no role".to_string()
        } else {
            roles.join(", ")
        }
    }
}

fn verb_name(verb: Verb) -> &'static str {
    match verb {
        Read => "read",
        Write => "write",
    }
}

fn resource_name(resource: Resource) -> &'static str {
    match resource {
        Offers => "offers",
        Shortlists => "shortlists",
        JobSeekers => "job seekers",
        Suggestions => "suggestions",
        OfferReferrals => "the referrals of your offers",
        SeekerReferrals => "the referrals of your job seekers",
        AuditTrail => "the audit trail",
        AccessHistory => "access histories",
        Accounts => "accounts",
        Indicators => "indicators",
        Directory => "the directory's services",
        DirectoryModeration => "the directory's moderation",
        Meetings => "joint meetings",
        Policies => "priority policies",
        Consent => "consent and disclosures",
        Tension => "the tension of occupations",
        Actions => "co-organised actions",
        SeekerInvitations => "the invitations of your job seekers",
        Mentors => "mentors",
        Duos => "duos",
        Trainings => "the training catalogue",
        Reconversion => "reconversion paths",
        TrainingPlans => "training plans",
        Retention => "retention and erasure requests",
        Erasure => "erasure requests",
        Evaluations => "evaluations",
        Staff => "a structure's people",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_principals_secrets() {
        let principal = Principal {
            user: model::User {
                id: 3,
                email: domain::Email::parse("ana@example.fr").unwrap(),
                display_name: "Ana".to_string(),
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string()),
                status: model::UserStatus::Active,
                created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            },
            seats: vec![Seat {
                role: Role::Recruiter,
                structure_id: 9,
                siret: "73282932000074".to_string(),
            }],
            csrf_token: Some("c2Vzc2lvbi1hbnRpLWZvcmdlcnk".to_string()),
        };
        let shown = format!("{principal:?} {principal:#?}");
        assert!(!shown.contains("c2Vzc2lvbi1hbnRpLWZvcmdlcnk"), "{shown}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(!shown.contains("aGFzaA"), "{shown}");
        assert!(shown.contains("csrf_token: Some(<redacted>)"), "{shown}");
        assert!(shown.contains("structure_id: 9"), "{shown}");
        let api = Principal {
            csrf_token: None,
            ..principal
        };
        assert!(format!("{api:?}").contains("csrf_token: None"));
    }

    /// Every field of a job seeker (undisclosed statuses included) comes only from the
    /// person's own agency (or, for the access history, from an administrator): never from
    /// the offer's side of a referral.
    #[test]
    fn only_the_persons_own_agency_sees_every_field() {
        let full: Vec<(Role, Resource)> = RULES
            .iter()
            .filter(|r| r.fields == Full)
            .map(|r| (r.role, r.resource))
            .collect();
        assert_eq!(
            full,
            [
                (Advisor, JobSeekers),
                (Advisor, JobSeekers),
                (Advisor, SeekerReferrals),
                (Advisor, SeekerReferrals),
                (Advisor, AccessHistory),
                (Admin, AccessHistory),
                (Advisor, SeekerInvitations),
                (Advisor, SeekerInvitations),
                (Advisor, Reconversion),
                (Advisor, Consent),
                (Advisor, Consent),
                (Advisor, Evaluations),
                (Advisor, Evaluations),
            ]
        );
        for rule in RULES.iter().filter(|r| r.resource == OfferReferrals) {
            assert_eq!(rule.fields, Identity, "{rule:?}");
            assert_eq!(rule.reach, Own, "{rule:?}");
        }
    }

    #[test]
    fn the_table_grants_each_right_once() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert!(
                    !(a.role == b.role && a.resource == b.resource && a.verb == b.verb),
                    "{a:?} and {b:?}"
                );
            }
        }
    }

    #[test]
    fn agencies_partners_and_steering_never_see_everything_of_a_job_seeker() {
        for rule in RULES {
            if matches!(rule.role, Recruiter | AgencyManager | Partner | Steering) {
                assert!(rule.fields < Full, "{rule:?}");
            }
            if matches!(rule.role, Partner | Steering) {
                assert_eq!(rule.fields, Pseudo, "{rule:?}");
                assert!(
                    !matches!(
                        rule.resource,
                        JobSeekers | OfferReferrals | SeekerReferrals | AccessHistory | Consent
                    ),
                    "{rule:?}"
                );
            }
        }
    }
}

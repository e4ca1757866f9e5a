//! Every route × every role × a record of the user's own structure / of another structure,
//! against the expected status written out here (not derived from the rules table).

use serde_json::{Value, json};
use store::Role;
use testdb::TestDb;
use testdb::fixtures::siret;

use crate::support::*;

/// What a route answers each role, for (own structure, other structure).
struct Case {
    /// advisor, recruiter, agency manager, partner, steering, admin (the order of [`ROLES`])
    expect: [(u16, u16); 6],
    route: &'static str,
}

impl Case {
    /// Why the answer to the role in `column` (on its own side or the other) is wrong, if it
    /// is not the status written out for it.
    fn failure(&self, role: Role, column: usize, own: bool, status: u16) -> Option<String> {
        let (own_side, other_side) = self.expect[column];
        let expected = if own { own_side } else { other_side };
        let side = if own { "own" } else { "other" };
        (status != expected).then(|| {
            format!(
                "{role} on {} ({side}): expected {expected}, got {status}",
                self.route
            )
        })
    }
}

/// One referral on each side: A's job seeker 6 for X's offer (the own side's), B's job seeker
/// 7 for Y's (the other's).
async fn referral_on_each_side(server: &Server, world: &World) -> (i64, i64) {
    let store = &server.state.store;
    let mut ids = Vec::new();
    for (seeker, offer) in [(6, world.offer_x), (7, world.offer_y)] {
        let referral = store
            .create_referral(world.seekers[&seeker], offer, None, None, server.now())
            .await
            .unwrap();
        ids.push(referral.id);
    }
    (ids[0], ids[1])
}

const ROLES: [(Role, &str); 6] = [
    (Role::Advisor, "advisor@a.fr"),
    (Role::Recruiter, "recruiter@x.fr"),
    (Role::AgencyManager, "manager@x.fr"),
    (Role::Partner, "partner@p.fr"),
    (Role::Steering, "steering@d.fr"),
    (Role::Admin, "admin@d.fr"),
];

/// Allowed probes that should not change anything answer 422 (the request is wrong on purpose,
/// after the access check): a move not allowed from `proposed`, a referral for someone who has
/// not consented, an account with a short password.
#[rustfmt::skip]
const CASES: &[Case] = &[
    //              advisor     recruiter   manager     partner     steering    admin
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/me" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/directory/services?commune=93066&rayon=10" },
    // The structures' self-service: agency X's entry (own for its recruiter and manager).
    Case { expect: [(403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/structures/{agency_id}/services" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/structures/{agency_id}/profile" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/directory/pending" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/directory/moderation" },
    Case { expect: [(403, 403), (422, 403), (422, 403), (403, 403), (403, 403), (422, 422)], route: "POST /api/v1/structures/{agency_id}/services" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/meetings" },
    Case { expect: [(201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (201, 201)], route: "POST /api/v1/tokens" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers?structure={agency}" },
    Case { expect: [(403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/dashboard?structure={agency}" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/tension/official?rome=J1501&department=93" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/tension/local?department=93&quarter=2026-Q1" },
    Case { expect: [(403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/offers?structure={agency}" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers/{offer}" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers/{offer}/shortlist" },
    // A model is trained in the setup (`access_matrix`): the readers of the offer get its
    // difficulty, as they get the offer.
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers/{offer}/difficulty" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers?structure={ft}" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/search?structure={ft}" },
    // A JSON body where CSV is expected, on purpose: the agency's advisor is told why.
    Case { expect: [(422, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/job-seekers?structure={ft}" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/suggestions" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/job-seekers/{seeker}/access-history" },
    Case { expect: [(422, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/referrals" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/referrals?structure={mine}" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/referrals/{referral}" },
    Case { expect: [(422, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/referrals/{referral}/transitions" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers/{offer}/referrals" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/referrals" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/tokens" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/audit" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/audit/verify" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/users" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/structures?q=agence" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (422, 422)], route: "POST /api/v1/users" },
    // Retention: the table, the sweep (a dry run here) and the erasure queue are the
    // administrators'; an erasure request is filed by the person's own agency only.
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/retention" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "POST /api/v1/retention/sweep" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/erasure-requests" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (404, 404)], route: "POST /api/v1/erasure-requests/999999/process" },
    Case { expect: [(201, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/job-seekers/{seeker}/erasure-request" },
    // Shared evaluations of a person who accepted a referral to the agency's offer (the
    // training plans' people): their agency's advisors and the agency they accepted.
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/evaluation-kinds" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{plan_seeker}/evaluations" },
    Case { expect: [(201, 403), (201, 403), (201, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/job-seekers/{plan_seeker}/evaluations" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/policies" },
    // Impossible shares on purpose: who may set a policy is told why (422).
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (422, 422), (422, 422)], route: "POST /api/v1/policies" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/policies/simulation?territory=region&kind=floors&floors=rqth%3D0.1" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/consent" },
    // An unknown status disclosed on purpose: the person's own agency is told why (422).
    Case { expect: [(422, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "PUT /api/v1/job-seekers/{seeker}/consent" },
    Case { expect: [(403, 403), (403, 403), (200, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/indicators?structure={agency}" },
    // Joint meetings: one organised by each structure, every structure invited, a colleague of
    // agency Y registered in each. Own: the one the role's structure organises; other: one
    // organised by another structure. The steering committee organises meetings too; the
    // administrators read meetings but write none.
    Case { expect: [(200, 403), (200, 403), (200, 403), (200, 403), (200, 403), (403, 403)], route: "GET /api/v1/meetings/{meeting}/registrations" },
    Case { expect: [(201, 201), (201, 201), (201, 201), (201, 201), (201, 201), (403, 403)], route: "POST /api/v1/meetings/{meeting}/registrations" },
    // The organiser cancels someone's registration; in agency X the recruiter does it first,
    // so the manager of the same structure finds it cancelled already (409).
    Case { expect: [(200, 403), (200, 403), (409, 403), (200, 403), (200, 403), (403, 403)], route: "DELETE /api/v1/meetings/{meeting}/registrations/{registration}" },
    // Attendance is the organiser's, once the meeting is over: refused before (409).
    Case { expect: [(409, 403), (409, 403), (409, 403), (409, 403), (409, 403), (403, 403)], route: "POST /api/v1/meetings/{meeting}/attendance" },
    Case { expect: [(409, 403), (409, 403), (409, 403), (409, 403), (409, 403), (403, 403)], route: "POST /api/v1/meetings/{meeting}/attendance/close" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/meetings/attendance-due" },
    // Co-organised actions: on each side a draft and a published one, led by an FT agency with
    // an agency (own: FT A with agency X; other: FT B with agency Y). Everyone reads the
    // published ones; a draft is its organisers' only.
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/actions" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/{action}" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/actions/{published}" },
    // A draft cannot be held (409): only its organisers are told so.
    Case { expect: [(409, 403), (409, 403), (409, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions/{action}/state" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/offers?structure={mine}" },
    // A start in the past on purpose: who may prepare an action is told why (422).
    Case { expect: [(422, 422), (422, 422), (422, 422), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions" },
    // Invitations: drawn and listed by the published action's organisers; the person's own
    // agency (FT A's seeker 6 invited to the own action, FT B's seeker 7 to the other) relays.
    Case { expect: [(201, 403), (201, 403), (201, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions/{published}/invitations" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/{published}/invitations" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/invitations?structure={mine}" },
    Case { expect: [(204, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/invitations/{invitation}/state" },
    // Participants, attendance and outcomes: the organisers'. Nobody is registered and the
    // action is to come: no registration (404), not over (409), not seated (422).
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/{published}/participants" },
    Case { expect: [(404, 403), (404, 403), (404, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions/{published}/attendance" },
    Case { expect: [(409, 403), (409, 403), (409, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions/{published}/attendance/close" },
    Case { expect: [(422, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/actions/{published}/outcomes" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/{published}/attendance-sheet" },
    // Funnels: counts only, read by all (a draft's by its organisers only).
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/actions/{published}/funnel" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/actions/{action}/funnel" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/actions/funnel" },
    // Duos: on each side a mentor of the agency (and a spare one to withdraw) and a duo of
    // the FT agency's person with it (`duos_on_each_side`).
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/mentors" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/mentors/{mentor}" },
    Case { expect: [(403, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/mentors" },
    // The recruiter withdraws the spare mentor; the manager, after, is told it is done.
    Case { expect: [(403, 403), (200, 403), (409, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/mentors/{spare}/withdrawal" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/mentors" },
    Case { expect: [(422, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/duos" },
    Case { expect: [(422, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/duos/draw" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/duos" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/duos/counts" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/duos/evaluation" },
    Case { expect: [(200, 200), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/duos/candidates" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/duos/{duo}" },
    Case { expect: [(409, 403), (409, 403), (409, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/duos/{duo}/state" },
    Case { expect: [(422, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/duos/{duo}/contacts" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/duos/{duo}/contacts" },
    Case { expect: [(409, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/duos/{duo}/outcomes" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/duos/{duo}/outcomes" },
    // The training catalogue is everyone's; a person's paths and schemes their agency's.
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/trainings?rome=N1101&commune=93066&km=30" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "GET /api/v1/trainings/outcomes?rome=N1101&department=93" },
    Case { expect: [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)], route: "GET /api/v1/trainings/999999" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/reconversion" },
    Case { expect: [(422, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/job-seekers/{seeker}/schemes?session=999999" },
    // Training plans: on each side a person (A's 10, B's 11) who accepted a referral to the
    // agency's offer (X's, Y's), and a plan proposed from it (`plans_on_each_side`). No hours
    // on purpose: a side is told why (422); a proposed plan cannot be completed (409).
    Case { expect: [(422, 403), (422, 403), (422, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/training-plans" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/training-plans" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/training-plans/counts" },
    Case { expect: [(403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/steering/indicators" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/steering/indicators/hires?period=2026-Q1" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/steering/report?department=93" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "GET /api/v1/steering/export?format=csv" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/training-plans/{plan}" },
    Case { expect: [(409, 403), (409, 403), (409, 403), (403, 403), (403, 403), (403, 403)], route: "POST /api/v1/training-plans/{plan}/state" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "GET /api/v1/offers/{offer}/training-plans" },
    // A structure's people: its agency managers, and the administrators for any structure.
    // A bad address on purpose (422); no seat nor invitation of that id (404); an unknown
    // token (404, for anyone: the acceptance is public).
    Case { expect: [(403, 403), (403, 403), (200, 403), (403, 403), (403, 403), (200, 200)], route: "GET /api/v1/staff?structure={agency}" },
    Case { expect: [(403, 403), (403, 403), (422, 403), (403, 403), (403, 403), (422, 422)], route: "POST /api/v1/staff/invitations?structure={agency}" },
    Case { expect: [(403, 403), (403, 403), (404, 404), (403, 403), (403, 403), (404, 404)], route: "DELETE /api/v1/staff/invitations/999999" },
    Case { expect: [(403, 403), (403, 403), (404, 403), (403, 403), (403, 403), (404, 404)], route: "PUT /api/v1/staff/members/999999/status?structure={agency}" },
    Case { expect: [(403, 403), (403, 403), (404, 403), (403, 403), (403, 403), (404, 404)], route: "DELETE /api/v1/staff/members/999999?structure={agency}" },
    Case { expect: [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)], route: "POST /api/v1/staff/invitations/acceptance" },
];

/// An invitation on each side: FT A's seeker 6 to the own published action, FT B's seeker 7
/// to the other's.
pub(crate) async fn invitation_on_each_side(
    server: &Server,
    world: &World,
    own: i64,
    other: i64,
) -> (i64, i64) {
    let store = server.state.store.as_ref();
    let mut ids = Vec::new();
    for (action, seeker, agency) in [(own, 6, FT_A), (other, 7, FT_B)] {
        let stored = store
            .create_invitations(
                &[store::NewInvitation {
                    action_id: action,
                    job_seeker_id: world.seekers[&seeker],
                    offer_id: None,
                    agency_id: world.structures[&agency],
                    deadline: server.now() + chrono::Duration::days(5),
                    created_by: None,
                }],
                server.now(),
            )
            .await
            .unwrap();
        ids.push(stored[0].id);
    }
    (ids[0], ids[1])
}

/// On each side, a draft action and a published one, in ten days: (own draft, own published),
/// (other draft, other published).
pub(crate) async fn actions_on_each_side(
    server: &Server,
    world: &World,
) -> ((i64, i64), (i64, i64)) {
    let store = server.state.store.as_ref();
    let mut ids = Vec::new();
    for (lead, partner, offer) in [
        (FT_A, AGENCY_X, world.offer_x),
        (FT_B, AGENCY_Y, world.offer_y),
    ] {
        let starts_at = server.now() + chrono::Duration::days(10);
        let mut pair = Vec::new();
        for publish in [false, true] {
            let action = store
                .create_action(
                    &store::NewAction {
                        kind: store::ActionKind::JobDating,
                        title: format!("Job dating {lead}"),
                        description: String::new(),
                        lead: world.structures[&lead],
                        partners: vec![world.structures[&partner]],
                        offers: vec![offer],
                        romes: Vec::new(),
                        commune: Some(domain::InseeCode::parse("93066").unwrap()),
                        address: None,
                        online_link: None,
                        prerequisites: Vec::new(),
                        public_tags: Vec::new(),
                        gathering: store::NewGathering {
                            starts_at,
                            ends_at: starts_at + chrono::Duration::hours(3),
                            capacity_on_site: 20,
                            capacity_remote: 0,
                        },
                        created_by: None,
                    },
                    server.now(),
                )
                .await
                .unwrap();
            if publish {
                store
                    .move_action(
                        action.id,
                        store::ActionState::Published,
                        store::workflow::Mover::Organiser,
                        server.now(),
                    )
                    .await
                    .unwrap();
            }
            pair.push(action.id);
        }
        ids.push((pair[0], pair[1]));
    }
    (ids[0], ids[1])
}

/// The records a route is asked about: of the user's side, or of the other side.
struct Targets {
    agency: String,
    ft: String,
    mine: String,
    offer: i64,
    seeker: i64,
    referral: i64,
    /// For proposals: an offer and a job seeker who has not consented.
    proposal: (i64, i64),
    /// A joint meeting, and the registration in it of agency Y's colleague.
    meeting: i64,
    registration: i64,
    /// A draft action and a published one.
    action: (i64, i64),
    invitation: i64,
    /// The agency's id, its mentor, a spare mentor, and a duo with the mentor.
    agency_id: i64,
    mentor: i64,
    spare: i64,
    duo: i64,
    /// A training plan, its person and the referral it grows from.
    plan: (i64, i64, i64),
}

/// On each side, a mentor of the agency (X, Y), a spare one, and a duo of the FT agency's
/// person (A's 6, B's 7) with the mentor: (own, other) of (mentor, spare, duo).
pub(crate) async fn duos_on_each_side(
    server: &Server,
    world: &World,
) -> ((i64, i64, i64), (i64, i64, i64)) {
    let store = server.state.store.as_ref();
    let mut out = Vec::new();
    for (agency, ft, seeker) in [(AGENCY_X, FT_A, 6), (AGENCY_Y, FT_B, 7)] {
        let mentor = |first: &str| store::NewMentor {
            agency_id: world.structures[&agency],
            first_name: domain::PersonName::parse(first).unwrap(),
            last_name: domain::PersonName::parse("Benali").unwrap(),
            email: None,
            phone: None,
            commune: domain::InseeCode::parse("93066").unwrap(),
            occupations: vec![store::MentorOccupation {
                rome: domain::RomeCode::parse("N1101").unwrap(),
                months: 60,
            }],
            available_from: server.now().date_naive(),
            hours_per_month: 8,
            capacity: 2,
            consent_on: server.now().date_naive(),
            created_by: None,
        };
        let first = store
            .create_mentor(&mentor("Karim"), server.now())
            .await
            .unwrap();
        let spare = store
            .create_mentor(&mentor("Samir"), server.now())
            .await
            .unwrap();
        let duo = store
            .propose_duo(
                &store::NewDuo {
                    job_seeker_id: world.seekers[&seeker],
                    mentor_id: first.id,
                    rome: domain::RomeCode::parse("N1101").unwrap(),
                    months: 3,
                    coordinator_id: world.structures[&ft],
                    drawn: false,
                    proposed_by: None,
                },
                server.now(),
            )
            .await
            .unwrap();
        out.push((first.id, spare.id, duo.id));
    }
    (out[0], out[1])
}

fn offer_file() -> Value {
    let mut file: Value = serde_json::from_str(include_str!(
        "../../../exchange/tests/fixtures/offres-france-travail.json"
    ))
    .unwrap();
    file["resultats"].as_array_mut().unwrap().truncate(1);
    file
}

pub async fn access_matrix(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let (own_referral, other_referral) = referral_on_each_side(&server, &world).await;
    let (own_actions, other_actions) = actions_on_each_side(&server, &world).await;
    let (own_invitation, other_invitation) =
        invitation_on_each_side(&server, &world, own_actions.1, other_actions.1).await;
    let (own_duos, other_duos) = duos_on_each_side(&server, &world).await;
    let (own_plans, other_plans) = crate::training_plans::plans_on_each_side(&server, &world).await;
    // A year of offers (of agency Y) and a model trained on them, so that the difficulty
    // of an open offer is answered rather than refused for want of a model.
    let store = server.state.store.as_ref();
    crate::difficulty::store_history(store, AGENCY_Y).await;
    crate::difficulty::train_and_save(store, server.now(), t0()).await;
    // One meeting organised by each structure, in ten days; agency Y's colleague in each.
    let colleague = store
        .user_by_email(&domain::Email::parse("recruiter@y.fr").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut meetings = std::collections::HashMap::new();
    let invited: Vec<i64> = world.structures.values().copied().collect();
    for (number, id) in &world.structures {
        let starts_at = server.now() + chrono::Duration::days(10);
        let meeting = store
            .create_meeting(
                &store::NewMeeting {
                    organiser: *id,
                    theme: format!("Réunion de la structure {number}"),
                    starts_at,
                    ends_at: starts_at + chrono::Duration::hours(2),
                    place: Some("Salle 1".to_string()),
                    online_link: None,
                    capacity_on_site: 10,
                    capacity_remote: 0,
                    territory: "93".to_string(),
                    created_by: None,
                },
                &invited,
                server.now(),
            )
            .await
            .unwrap();
        let registration = store
            .register(
                meeting.gathering_id,
                store::Participant::User(colleague.id),
                world.structures[&AGENCY_Y],
                store::Modality::OnSite,
                server.now(),
            )
            .await
            .unwrap();
        meetings.insert(*number, (meeting.id, registration.id));
    }
    let own_structure = |role: Role| match role {
        Role::Advisor => FT_A,
        Role::Recruiter | Role::AgencyManager => AGENCY_X,
        Role::Partner => PARTNER,
        Role::Steering | Role::Admin => DIRECTION,
    };
    // Another structure's meeting: FT agency B's for the advisor, agency Y's for the others.
    let other_structure = |role: Role| {
        if role == Role::Advisor {
            FT_B
        } else {
            AGENCY_Y
        }
    };
    let mut failures = Vec::new();
    for (column, (role, email)) in ROLES.iter().enumerate() {
        let client = server.login(email).await;
        for own in [true, false] {
            let targets = if own {
                Targets {
                    agency: siret(AGENCY_X).as_str().to_string(),
                    ft: siret(FT_A).as_str().to_string(),
                    mine: siret(own_structure(*role)).as_str().to_string(),
                    offer: world.offer_x,
                    seeker: world.seekers[&6],
                    referral: own_referral,
                    proposal: (world.offer_x, world.seekers[&8]),
                    meeting: meetings[&own_structure(*role)].0,
                    registration: meetings[&own_structure(*role)].1,
                    action: own_actions,
                    invitation: own_invitation,
                    agency_id: world.structures[&AGENCY_X],
                    mentor: own_duos.0,
                    spare: own_duos.1,
                    duo: own_duos.2,
                    plan: own_plans,
                }
            } else {
                Targets {
                    agency: siret(AGENCY_Y).as_str().to_string(),
                    ft: siret(FT_B).as_str().to_string(),
                    mine: siret(if *role == Role::Advisor {
                        FT_B
                    } else {
                        AGENCY_Y
                    })
                    .as_str()
                    .to_string(),
                    offer: world.offer_y,
                    seeker: world.seekers[&7],
                    referral: other_referral,
                    proposal: (world.offer_y, world.seekers[&12]),
                    meeting: meetings[&other_structure(*role)].0,
                    registration: meetings[&other_structure(*role)].1,
                    action: other_actions,
                    invitation: other_invitation,
                    agency_id: world.structures[&AGENCY_Y],
                    mentor: other_duos.0,
                    spare: other_duos.1,
                    duo: other_duos.2,
                    plan: other_plans,
                }
            };
            for case in CASES {
                let (method, route) = case.route.split_once(' ').unwrap();
                let path = route
                    .replace("{agency_id}", &targets.agency_id.to_string())
                    .replace("{agency}", &targets.agency)
                    .replace("{ft}", &targets.ft)
                    .replace("{mine}", &targets.mine)
                    .replace("{offer}", &targets.offer.to_string())
                    .replace("{seeker}", &targets.seeker.to_string())
                    .replace("{referral}", &targets.referral.to_string())
                    .replace("{meeting}", &targets.meeting.to_string())
                    .replace("{registration}", &targets.registration.to_string())
                    .replace("{action}", &targets.action.0.to_string())
                    .replace("{published}", &targets.action.1.to_string())
                    .replace("{invitation}", &targets.invitation.to_string())
                    .replace("{mentor}", &targets.mentor.to_string())
                    .replace("{spare}", &targets.spare.to_string())
                    .replace("{duo}", &targets.duo.to_string())
                    .replace("{plan_seeker}", &targets.plan.1.to_string())
                    .replace("{plan}", &targets.plan.0.to_string());
                let body = match route {
                    "/api/v1/structures/{agency_id}/services" => json!({}),
                    "/api/v1/job-seekers/{plan_seeker}/evaluations" => json!({
                        "kind": "language", "subject": "en", "result": "B2",
                        "evaluated_on": "2026-01-05", "issuer": "Alliance"
                    }),
                    "/api/v1/tokens" => json!({ "name": "ATS" }),
                    "/api/v1/offers?structure={agency}" => offer_file(),
                    "/api/v1/referrals" => json!({
                        "offer_id": targets.proposal.0, "job_seeker_id": targets.proposal.1
                    }),
                    "/api/v1/referrals/{referral}/transitions" => json!({ "to": "hired" }),
                    "/api/v1/policies" => json!({
                        "territory": "region", "kind": "floors",
                        "floors": { "rqth": 0.6, "qpv": 0.6 }
                    }),
                    "/api/v1/job-seekers/{seeker}/consent" => json!({
                        "scope": "all_agencies", "channel": "in_person", "disclosed": ["nope"]
                    }),
                    "/api/v1/meetings/{meeting}/attendance" => json!({
                        "user_id": colleague.id, "attendance": "present"
                    }),
                    "/api/v1/actions/{action}/state" => json!({ "to": "held" }),
                    "/api/v1/actions/{published}/invitations" => json!({}),
                    "/api/v1/invitations/{invitation}/state" => json!({ "to": "relayed" }),
                    "/api/v1/actions/{published}/attendance" => json!({
                        "job_seeker_id": world.seekers[&6], "attendance": "present"
                    }),
                    "/api/v1/actions/{published}/outcomes" => json!({
                        "job_seeker_id": world.seekers[&6], "kind": "interview"
                    }),
                    "/api/v1/actions" => json!({
                        "kind": "job_dating", "title": "Job dating", "romes": ["N1103"],
                        "commune": "93066", "starts_at": "2020-01-01T09:00:00Z"
                    }),
                    "/api/v1/mentors" => json!({
                        "agency_id": targets.agency_id, "first_name": "Léa", "last_name": "Roux",
                        "commune": "93066", "occupations": [{ "rome": "N1101", "months": 12 }],
                        "hours_per_month": 0, "consent": true
                    }),
                    "/api/v1/duos" => json!({
                        "job_seeker_id": targets.seeker, "mentor_id": targets.mentor,
                        "rome": "Z9999"
                    }),
                    "/api/v1/duos/draw" => json!({ "job_seeker_id": targets.seeker, "months": 10 }),
                    "/api/v1/duos/{duo}/state" => json!({ "to": "completed" }),
                    "/api/v1/duos/{duo}/contacts" => json!({
                        "on": server.now().date_naive(), "minutes": 1, "kind": "call"
                    }),
                    "/api/v1/duos/{duo}/outcomes" => json!({ "milestone": "end", "kind": "job" }),
                    "/api/v1/training-plans" => json!({
                        "offer_id": targets.offer, "job_seeker_id": targets.plan.1,
                        "scheme": "poei", "starts_on": "2026-04-01", "ends_on": "2026-05-29",
                        "hours_centre": 0, "hours_enterprise": 0
                    }),
                    "/api/v1/training-plans/{plan}/state" => json!({ "to": "completed" }),
                    "/api/v1/retention/sweep" => json!({ "dry_run": true }),
                    "/api/v1/staff/invitations?structure={agency}" => json!({
                        "email": "not an address", "display_name": "New", "role": "recruiter"
                    }),
                    "/api/v1/staff/members/999999/status?structure={agency}" => {
                        json!({ "status": "active" })
                    }
                    "/api/v1/staff/invitations/acceptance" => json!({
                        "token": "unknown", "password": "a long enough password"
                    }),
                    "/api/v1/users" => json!({
                        "email": "new@x.fr", "display_name": "New", "password": "short",
                        "role": "recruiter", "structure": targets.agency
                    }),
                    _ => Value::Null,
                };
                let (status, answer) = client
                    .send(
                        method,
                        &path,
                        matches!(method, "POST" | "PUT").then_some(&body),
                    )
                    .await;
                if let Some(failure) = case.failure(*role, column, own, status.as_u16()) {
                    failures.push(format!("{failure}: {answer}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    server.stop().await;
}

/// The pages: every page × every role × own / other record, as the API's rules say (a page
/// calls the API handler it shows). Statuses written out here.
#[rustfmt::skip]
const PAGES: &[Case] = &[
    //              advisor     recruiter   manager     partner     steering    admin
    Case { expect: [(403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/tableau-de-bord" },
    Case { expect: [(403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/offres/nouvelle" },
    Case { expect: [(403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/offres/import" },
    Case { expect: [(200, 200), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/offres/{offer}" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/mises-en-relation" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/mises-en-relation/{referral}" },
    Case { expect: [(200, 200), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "/demandeurs" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "/demandeurs/{seeker}" },
    Case { expect: [(403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (200, 200)], route: "/pilotage" },
    Case { expect: [(403, 403), (403, 403), (200, 200), (403, 403), (200, 200), (200, 200)], route: "/pilotage/glossaire" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "/pilotage/rapport?department=93" },
    Case { expect: [(403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (200, 200)], route: "/annuaire/structures/{agency_id}/profil" },
    Case { expect: [(403, 403), (200, 403), (200, 403), (403, 403), (403, 403), (200, 200)], route: "/annuaire/structures/{agency_id}/services/nouveau" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "/admin/annuaire" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "/pilotage/rapport.xlsx" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "/pilotage/rapport.csv" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (200, 200), (200, 200)], route: "/pilotage/indicateurs/filled_47_days" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/tension?departement=93&trimestre=2026-T1" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/formations?metier=N1101&commune=93066" },
    Case { expect: [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)], route: "/formations/999999" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "/demandeurs/{seeker}/reconversion" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "/admin/utilisateurs" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "/admin/structures" },
    Case { expect: [(403, 403), (403, 403), (403, 403), (403, 403), (403, 403), (200, 200)], route: "/admin/conservation" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/suggestions/communes?q=evry" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/annuaire?commune=93066&thematique=mobilite" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (403, 403), (403, 403)], route: "/annuaire/ma-structure" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/reunions" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/politique" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/actions" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/actions/nouvelle" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/actions/nouvelle?offre={offer}" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/actions/{action}" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (200, 200), (200, 200), (200, 200)], route: "/actions/{published}" },
    Case { expect: [(200, 200), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "/invitations" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/actions/{published}/emargement" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/actions/{published}/emargement.xlsx" },
    Case { expect: [(403, 403), (200, 200), (200, 200), (403, 403), (403, 403), (403, 403)], route: "/tuteurs" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)], route: "/duos" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/duos/{duo}" },
    Case { expect: [(200, 403), (403, 403), (403, 403), (403, 403), (403, 403), (403, 403)], route: "/demandeurs/{seeker}/duo" },
    Case { expect: [(200, 200), (200, 200), (200, 200), (403, 403), (200, 200), (200, 200)], route: "/plans-formation" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/plans-formation/{plan}" },
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/offres/{offer}/former?referral={plan_referral}" },
    // Evaluations: the person of each side's plan accepted a referral to that side's offer,
    // so the agency reaches them (revealed), as does their France Travail agency.
    Case { expect: [(200, 403), (200, 403), (200, 403), (403, 403), (403, 403), (403, 403)], route: "/demandeurs/{plan_seeker}/evaluations" },
    // A structure's people: the manager's own agency; an administrator first chooses one.
    // An invitation's link is public: an unknown one is a 404 page for anyone.
    Case { expect: [(403, 403), (403, 403), (200, 200), (403, 403), (403, 403), (200, 200)], route: "/equipe" },
    Case { expect: [(404, 404), (404, 404), (404, 404), (404, 404), (404, 404), (404, 404)], route: "/equipe/invitation?jeton=inconnu" },
];

pub async fn page_access_matrix(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let (own_referral, other_referral) = referral_on_each_side(&server, &world).await;
    let (own_actions, other_actions) = actions_on_each_side(&server, &world).await;
    let (own_duos, other_duos) = duos_on_each_side(&server, &world).await;
    let (own_plans, other_plans) = crate::training_plans::plans_on_each_side(&server, &world).await;
    let mut failures = Vec::new();
    for (column, (role, email)) in ROLES.iter().enumerate() {
        let client = server.login(email).await;
        for own in [true, false] {
            let (offer, seeker, referral, actions, duos) = if own {
                (
                    world.offer_x,
                    world.seekers[&6],
                    own_referral,
                    own_actions,
                    own_duos,
                )
            } else {
                (
                    world.offer_y,
                    world.seekers[&7],
                    other_referral,
                    other_actions,
                    other_duos,
                )
            };
            let plans = if own { own_plans } else { other_plans };
            for case in PAGES {
                let agency_id = world.structures[if own { &AGENCY_X } else { &AGENCY_Y }];
                let path = case
                    .route
                    .replace("{agency_id}", &agency_id.to_string())
                    .replace("{offer}", &offer.to_string())
                    .replace("{seeker}", &seeker.to_string())
                    .replace("{referral}", &referral.to_string())
                    .replace("{action}", &actions.0.to_string())
                    .replace("{published}", &actions.1.to_string())
                    .replace("{duo}", &duos.2.to_string())
                    .replace("{plan_referral}", &plans.2.to_string())
                    .replace("{plan_seeker}", &plans.1.to_string())
                    .replace("{plan}", &plans.0.to_string());
                let response = client.get_raw(&path).await;
                let status = response.status().as_u16();
                let html = response.text().await.unwrap();
                failures.extend(case.failure(*role, column, own, status));
                // Refusals are pages too, in French, saying why.
                if status == 403 && !path.starts_with("/suggestions") {
                    assert!(html.contains("<html lang=\"fr\""), "{path}: {html}");
                    assert!(html.contains("Accès refusé"), "{path}: {html}");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    server.stop().await;
}

/// An HTML form carries its anti-forgery token as a field: without it (and without the
/// header) a form is refused; with it, the action is done, exactly once.
pub async fn page_forms_need_their_anti_forgery_field(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let cookie = recruiter.cookie.clone().unwrap();
    let csrf = recruiter.csrf.clone().unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let propose = |body: String| {
        http.post(format!(
            "{}/offres/{}/proposer",
            recruiter.base, world.offer_x
        ))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
    };
    let seeker = world.seekers[&6];
    let refused = propose(format!("job_seeker_id={seeker}")).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("Formulaire expiré"));
    let forged = propose(format!("csrf_token=forged&job_seeker_id={seeker}"))
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let store = server.state.store.clone();
    let agency = model::ReferralScope::OfferOwner(world.structures[&AGENCY_X]);
    let none = store.referrals(agency, 0, 10).await.unwrap();
    assert!(none.is_empty(), "nothing written by refused forms");
    let done = propose(format!("csrf_token={csrf}&job_seeker_id={seeker}"))
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"],
        format!("/offres/{}?fait=proposee#mises-en-relation", world.offer_x).as_str()
    );
    let written = store.referrals(agency, 0, 10).await.unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].job_seeker_id, seeker);
    server.stop().await;
}

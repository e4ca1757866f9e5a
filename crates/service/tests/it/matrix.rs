//! Every route × every role × a record of the user's own structure / of another structure,
//! against the expected status written out here (not derived from the rules table).

use serde_json::{Value, json};
use store::Role;
use testdb::TestDb;
use testdb::fixtures::siret;

use crate::support::*;

/// What a route answers each role, for (own structure, other structure).
struct Case {
    route: &'static str,
    /// advisor, recruiter, agency manager, partner, steering, admin
    expect: [(u16, u16); 6],
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
const CASES: &[Case] = &[
    Case {
        route: "GET /api/v1/me",
        expect: [(200, 200); 6],
    },
    Case {
        route: "GET /api/v1/directory/services?commune=93066&rayon=10",
        expect: [(200, 200); 6],
    },
    Case {
        route: "GET /api/v1/meetings",
        expect: [(200, 200); 6],
    },
    Case {
        route: "POST /api/v1/tokens",
        expect: [(201, 201); 6],
    },
    Case {
        route: "GET /api/v1/offers?structure={agency}",
        expect: [
            (200, 200),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/dashboard?structure={agency}",
        expect: [
            (403, 403),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "POST /api/v1/offers?structure={agency}",
        expect: [
            (403, 403),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/offers/{offer}",
        expect: [
            (200, 200),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/offers/{offer}/shortlist",
        expect: [
            (200, 200),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers?structure={ft}",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/search?structure={ft}",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        // A JSON body where CSV is expected, on purpose: the agency's advisor is told why.
        route: "POST /api/v1/job-seekers?structure={ft}",
        expect: [
            (422, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/{seeker}",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/{seeker}/suggestions",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/{seeker}/access-history",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "POST /api/v1/referrals",
        expect: [
            (422, 403),
            (422, 403),
            (422, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/referrals?structure={mine}",
        expect: [
            (200, 403),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/referrals/{referral}",
        expect: [
            (200, 403),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "POST /api/v1/referrals/{referral}/transitions",
        expect: [
            (422, 403),
            (422, 403),
            (422, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/offers/{offer}/referrals",
        expect: [
            (200, 200),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/{seeker}/referrals",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/tokens",
        expect: [(200, 200); 6],
    },
    Case {
        route: "GET /api/v1/audit",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "GET /api/v1/audit/verify",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "GET /api/v1/users",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "GET /api/v1/structures?q=agence",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "POST /api/v1/users",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (422, 422),
        ],
    },
    Case {
        route: "GET /api/v1/policies",
        expect: [(200, 200); 6],
    },
    Case {
        // Impossible shares on purpose: who may set a policy is told why (422).
        route: "POST /api/v1/policies",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (422, 422),
            (422, 422),
        ],
    },
    Case {
        route: "GET /api/v1/policies/simulation?territory=region&kind=floors&floors=rqth%3D0.1",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
            (200, 200),
        ],
    },
    Case {
        route: "GET /api/v1/job-seekers/{seeker}/consent",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        // An unknown status disclosed on purpose: the person's own agency is told why (422).
        route: "PUT /api/v1/job-seekers/{seeker}/consent",
        expect: [
            (422, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "GET /api/v1/indicators?structure={agency}",
        expect: [
            (403, 403),
            (403, 403),
            (200, 403),
            (403, 403),
            (200, 200),
            (200, 200),
        ],
    },
];

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
    let store = server.state.store.clone();
    // One referral on each side: A's job seeker 6 for X's offer, B's job seeker 7 for Y's.
    let own_referral = store
        .create_referral(world.seekers[&6], world.offer_x, None, None, server.now())
        .await
        .unwrap()
        .id;
    let other_referral = store
        .create_referral(world.seekers[&7], world.offer_y, None, None, server.now())
        .await
        .unwrap()
        .id;
    let own_structure = |role: Role| match role {
        Role::Advisor => FT_A,
        Role::Recruiter | Role::AgencyManager => AGENCY_X,
        Role::Partner => PARTNER,
        Role::Steering | Role::Admin => DIRECTION,
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
                }
            };
            for case in CASES {
                let (method, route) = case.route.split_once(' ').unwrap();
                let path = route
                    .replace("{agency}", &targets.agency)
                    .replace("{ft}", &targets.ft)
                    .replace("{mine}", &targets.mine)
                    .replace("{offer}", &targets.offer.to_string())
                    .replace("{seeker}", &targets.seeker.to_string())
                    .replace("{referral}", &targets.referral.to_string());
                let body = match route {
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
                let expected = if own {
                    case.expect[column].0
                } else {
                    case.expect[column].1
                };
                if status.as_u16() != expected {
                    failures.push(format!(
                        "{role} on {} ({}): expected {expected}, got {status}: {answer}",
                        case.route,
                        if own { "own" } else { "other" }
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    server.stop().await;
}

/// The pages: every page × every role × own / other record, as the API's rules say (a page
/// calls the API handler it shows). Statuses written out here.
const PAGES: &[Case] = &[
    Case {
        route: "/tableau-de-bord",
        expect: [
            (403, 403),
            (200, 200),
            (200, 200),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/offres/nouvelle",
        expect: [
            (403, 403),
            (200, 200),
            (200, 200),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/offres/import",
        expect: [
            (403, 403),
            (200, 200),
            (200, 200),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/offres/{offer}",
        expect: [
            (200, 200),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/mises-en-relation",
        expect: [
            (200, 200),
            (200, 200),
            (200, 200),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/mises-en-relation/{referral}",
        expect: [
            (200, 403),
            (200, 403),
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/demandeurs",
        expect: [
            (200, 200),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/demandeurs/{seeker}",
        expect: [
            (200, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/pilotage",
        expect: [
            (403, 403),
            (403, 403),
            (200, 200),
            (403, 403),
            (200, 200),
            (200, 200),
        ],
    },
    Case {
        route: "/admin/utilisateurs",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "/admin/structures",
        expect: [
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (403, 403),
            (200, 200),
        ],
    },
    Case {
        route: "/suggestions/communes?q=evry",
        expect: [(200, 200); 6],
    },
    Case {
        route: "/annuaire?commune=93066&thematique=mobilite",
        expect: [(200, 200); 6],
    },
    Case {
        route: "/annuaire/ma-structure",
        expect: [
            (200, 200),
            (200, 200),
            (200, 200),
            (200, 200),
            (403, 403),
            (403, 403),
        ],
    },
    Case {
        route: "/reunions",
        expect: [(200, 200); 6],
    },
    Case {
        route: "/politique",
        expect: [(200, 200); 6],
    },
];

pub async fn page_access_matrix(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let store = server.state.store.clone();
    let own_referral = store
        .create_referral(world.seekers[&6], world.offer_x, None, None, server.now())
        .await
        .unwrap()
        .id;
    let other_referral = store
        .create_referral(world.seekers[&7], world.offer_y, None, None, server.now())
        .await
        .unwrap()
        .id;
    let mut failures = Vec::new();
    for (column, (role, email)) in ROLES.iter().enumerate() {
        let client = server.login(email).await;
        for own in [true, false] {
            let (offer, seeker, referral) = if own {
                (world.offer_x, world.seekers[&6], own_referral)
            } else {
                (world.offer_y, world.seekers[&7], other_referral)
            };
            for case in PAGES {
                let path = case
                    .route
                    .replace("{offer}", &offer.to_string())
                    .replace("{seeker}", &seeker.to_string())
                    .replace("{referral}", &referral.to_string());
                let response = client.raw("GET", &path).await.send().await.unwrap();
                let status = response.status().as_u16();
                let html = response.text().await.unwrap();
                let (expected_own, expected_other) = case.expect[column];
                let expected = if own { expected_own } else { expected_other };
                if status != expected {
                    failures.push(format!(
                        "{role} on {} ({}): expected {expected}, got {status}",
                        case.route,
                        if own { "own" } else { "other" }
                    ));
                }
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
    let none = store
        .referrals(
            model::ReferralScope::OfferOwner(world.structures[&AGENCY_X]),
            0,
            10,
        )
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing written by refused forms");
    let done = propose(format!("csrf_token={csrf}&job_seeker_id={seeker}"))
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"],
        format!("/offres/{}?fait=proposee#mises-en-relation", world.offer_x).as_str()
    );
    let written = store
        .referrals(
            model::ReferralScope::OfferOwner(world.structures[&AGENCY_X]),
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].job_seeker_id, seeker);
    server.stop().await;
}

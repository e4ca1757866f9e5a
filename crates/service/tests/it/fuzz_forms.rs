//! Every page form driven with arbitrary and damaged bodies: URL-encoded fields of the forms'
//! names and odd values, damaged bytes, wrong content types, oversized bodies, posted to every
//! POST page route by signed-in users holding a valid anti-forgery token. No answer is a 5xx
//! (a panic in a handler is one: the router catches it as a 500), none hangs; a refusal
//! (4xx), a page again or a redirect (303) are all fine.
//!
//! 10,000 cases in all over the routes rather than 10,000 each: a case is an HTTP request to
//! a real server over SQLite, and the debug build would take over half an hour for each
//! route's own 10,000. The bodies are built the same way for every route, so each route
//! still meets every kind of damage (about 180 cases each, 55 routes).

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};

use crate::support::*;

/// Cases over all the routes.
const CASES: u32 = 10_000;

/// The POST page routes of `pages::routes` (`crates/service/src/pages/mod.rs`), `{id}` and
/// `{registration}` filled in at run time, each with the role that normally posts it.
/// `/connexion` and `/deconnexion` are driven on their own below.
const ROUTES: &[(&str, &str)] = &[
    ("/offres/nouvelle", "recruiter@x.fr"),
    ("/offres/import", "recruiter@x.fr"),
    ("/offres/{offer}/proposer", "recruiter@x.fr"),
    ("/offres/{offer}/former", "recruiter@x.fr"),
    ("/mises-en-relation/{referral}/etat", "recruiter@x.fr"),
    ("/demandeurs/{seeker}/proposer", "advisor@a.fr"),
    ("/demandeurs/{seeker}/consentement", "advisor@a.fr"),
    ("/demandeurs/{seeker}/duo", "advisor@a.fr"),
    ("/demandeurs/{seeker}/duo/tirage", "advisor@a.fr"),
    ("/politique", "steering@d.fr"),
    ("/annuaire/services/{id}/confirmer", "partner@p.fr"),
    ("/annuaire/structures/{id}/profil", "partner@p.fr"),
    ("/annuaire/structures/{id}/services/nouveau", "partner@p.fr"),
    ("/annuaire/services/{id}/modifier", "partner@p.fr"),
    ("/annuaire/services/{id}/statut/suspendre", "partner@p.fr"),
    ("/annuaire/services/{id}/statut/approuver", "admin@d.fr"),
    ("/admin/annuaire/moderation", "admin@d.fr"),
    ("/actions/nouvelle", "advisor@a.fr"),
    ("/actions/{id}/etat", "advisor@a.fr"),
    ("/actions/{id}/invitations", "advisor@a.fr"),
    ("/actions/{id}/presence", "advisor@a.fr"),
    ("/actions/{id}/cloture", "advisor@a.fr"),
    ("/actions/{id}/resultats", "advisor@a.fr"),
    ("/tuteurs", "recruiter@x.fr"),
    ("/tuteurs/{id}/retrait", "recruiter@x.fr"),
    ("/duos/{id}/etat", "advisor@a.fr"),
    ("/duos/{id}/contacts", "advisor@a.fr"),
    ("/duos/{id}/resultats", "advisor@a.fr"),
    ("/plans-formation/{id}/etat", "recruiter@x.fr"),
    ("/invitations/{id}/etat", "advisor@a.fr"),
    ("/reunions", "advisor@a.fr"),
    ("/reunions/{id}/inscription", "advisor@a.fr"),
    ("/reunions/{id}/presence", "advisor@a.fr"),
    ("/reunions/{id}/cloture", "advisor@a.fr"),
    ("/reunions/{id}/desinscription/{id}", "advisor@a.fr"),
    ("/admin/utilisateurs", "admin@d.fr"),
    ("/admin/effacements/{id}/traiter", "admin@d.fr"),
    ("/demandeurs/{seeker}/code-acces", "advisor@a.fr"),
    ("/demandeurs/{seeker}/evaluations", "advisor@a.fr"),
    ("/evaluations/{id}/supprimer", "advisor@a.fr"),
    // The person's own space: posted here with an account's session, which it refuses.
    ("/espace/connexion/lien", "advisor@a.fr"),
    ("/espace/connexion/code", "advisor@a.fr"),
    ("/espace/lien", "advisor@a.fr"),
    ("/espace/deconnexion", "advisor@a.fr"),
    ("/espace/mises-en-relation/{referral}", "advisor@a.fr"),
    ("/espace/invitations/{id}", "advisor@a.fr"),
    ("/espace/duos/{id}", "advisor@a.fr"),
    ("/espace/consentement", "advisor@a.fr"),
    ("/espace/effacement", "advisor@a.fr"),
    ("/espace/rectification", "advisor@a.fr"),
    ("/equipe/invitations", "manager@x.fr"),
    ("/equipe/invitations/{id}/annulation", "manager@x.fr"),
    ("/equipe/membres/{id}/suspension", "manager@x.fr"),
    ("/equipe/membres/{id}/retrait", "manager@x.fr"),
    // The invitation's link: public, posted here with a session it does not need.
    ("/equipe/invitation", "manager@x.fr"),
];

/// The accounts signed in for the cases (any may post any route: the wrong role is a case).
const SIGNED_IN: &[&str] = &[
    "advisor@a.fr",
    "recruiter@x.fr",
    "manager@x.fr",
    "partner@p.fr",
    "steering@d.fr",
    "admin@d.fr",
];

/// The field names of the forms (templates and handlers).
const NAMES: &[&str] = &[
    "accessibilite_lieu",
    "accessible_th",
    "action",
    "adresse",
    "alpha",
    "au",
    "channel",
    "code_postal",
    "commune",
    "conditions_acces",
    "confirmation",
    "consentement",
    "contact_nom_prenom",
    "contrat",
    "courriel",
    "date",
    "date_effet",
    "debut",
    "description",
    "disclose_rqth",
    "display_name",
    "disponible",
    "dispositif",
    "du",
    "duree",
    "echeance",
    "email",
    "en_ligne",
    "evaluated_on",
    "experience",
    "fichier",
    "fin",
    "frais",
    "frais_precisions",
    "frequence",
    "from",
    "heure",
    "heures",
    "heures_centre",
    "heures_entreprise",
    "horaires_accueil",
    "intitule",
    "issuer",
    "jeton",
    "job_seeker_id",
    "kind",
    "kinds",
    "km",
    "lien",
    "lien_mobilisation",
    "lieu",
    "manque_candidats",
    "message",
    "metier",
    "metiers",
    "mobilisable_par",
    "mobilisation_precisions",
    "modalite",
    "modes_accueil",
    "modes_mobilisation",
    "mois",
    "motif",
    "nom",
    "note",
    "offer_id",
    "offre",
    "online_link",
    "p",
    "par_poste",
    "part_long_term",
    "part_qpv",
    "part_rqth",
    "password",
    "places",
    "porteuse",
    "postes",
    "prenom",
    "prerequis",
    "presence",
    "public",
    "publics",
    "publics_precisions",
    "raison",
    "referral",
    "regle",
    "reseau",
    "reseaux_porteurs",
    "result",
    "result_text",
    "resultat",
    "retour",
    "role",
    "scope",
    "session",
    "share_caces",
    "share_mrs",
    "site_web",
    "structure",
    "subject",
    "subject_caces",
    "suite",
    "telephone",
    "territoire",
    "territory",
    "thematiques",
    "theme",
    "titre",
    "to",
    "tuteur",
    "type",
    "user_id",
    "valid_until",
    "vers",
    "zone_eligibilite",
];

/// Values that mean something to some form, and values at the edges.
const VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "1",
    "-1",
    "2",
    "5",
    "99999999999999999999",
    "9223372036854775808",
    "1e309",
    "NaN",
    "0.5",
    "oui",
    "non",
    "on",
    "true",
    "N1101",
    "A1234",
    "93066",
    "75056",
    "99999",
    "93200",
    "73282932000074",
    "2026-03-10",
    "2026-04-01",
    "2026-02-30",
    "0000-00-00",
    "31/12/9999",
    "10/03/2026",
    "09:30",
    "25:61",
    "MIS",
    "CDI",
    "D",
    "E",
    "accepted",
    "declined",
    "proposed",
    "interview",
    "hired",
    "not_hired",
    "published",
    "held",
    "cancelled",
    "withdrawn",
    "present",
    "absent",
    "call",
    "day_alongside",
    "advisor",
    "recruiter",
    "admin",
    "fair",
    "floors",
    "all_agencies",
    "toutes_agences",
    "93",
    "75",
    "11",
    "a@b.fr",
    "https://exemple.fr/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "Cariste (H/F)",
    "\u{0}",
    "\u{202E}",
    "\r\n",
    "é",
    "%",
];

#[derive(Debug, Clone)]
enum Edit {
    /// One byte of the encoded body replaced.
    Set(Index, u8),
    /// A piece of URL encoding inserted.
    Insert(Index, &'static str),
    /// The body cut short.
    Truncate(Index),
    /// `len` bytes repeated in place.
    Duplicate(Index, usize),
}

#[derive(Debug, Clone)]
struct Case {
    route: Index,
    /// Another account than the route's own.
    other_role: Option<Index>,
    /// Another id in the path than a stored record's.
    odd_id: Option<Index>,
    content_type: Index,
    /// The token in the `csrf_token` field (the pages' way), in the header, or both.
    token_in_field: bool,
    token_in_header: bool,
    fields: Vec<(String, String)>,
    edits: Vec<Edit>,
}

const CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "multipart/form-data; boundary=passerelle",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "text/csv",
    "application/octet-stream",
    "",
];

const ODD_IDS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "9223372036854775807",
    "99999999999999999999",
    "abc",
    "%00",
    "%C3%A9",
    "1.5",
];

const PIECES: &[&str] = &[
    "&",
    "=",
    "%",
    "%zz",
    "%FF",
    "%C3",
    "%00",
    "+",
    "&&&",
    "==",
    "csrf_token=",
    "[]",
    "%26",
    "%3D",
    ";",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        (any::<Index>(), prop::sample::select(PIECES)).prop_map(|(at, p)| Edit::Insert(at, p)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), 1..400usize).prop_map(|(at, len)| Edit::Duplicate(at, len)),
    ]
}

fn field() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        8 => prop::sample::select(NAMES).prop_map(str::to_string),
        1 => "[a-z_\\[\\]]{0,12}",
        1 => any::<String>(),
    ];
    let value = prop_oneof![
        6 => prop::sample::select(VALUES).prop_map(str::to_string),
        2 => any::<String>(),
        1 => "[0-9 .,:/-]{0,24}",
        1 => (1..5_000usize, prop::sample::select(VALUES)).prop_map(|(n, v)| v.repeat(n)),
    ];
    (name, value)
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        prop::option::weighted(0.2, any::<Index>()),
        prop::option::weighted(0.1, any::<Index>()),
        any::<Index>(),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.5),
        prop::collection::vec(field(), 0..14),
        prop::collection::vec(edit(), 0..4),
    )
        .prop_map(
            |(route, other_role, odd_id, content_type, in_field, in_header, fields, edits)| Case {
                route,
                other_role,
                odd_id,
                content_type,
                token_in_field: in_field,
                token_in_header: in_header,
                fields,
                edits,
            },
        )
}

fn body(token: &str, case: &Case) -> Vec<u8> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    if case.token_in_field {
        form.append_pair("csrf_token", token);
    }
    for (name, value) in &case.fields {
        form.append_pair(name, value);
    }
    let mut bytes = form.finish().into_bytes();
    for edit in &case.edits {
        let at = |i: &Index, bytes: &Vec<u8>| i.index(bytes.len() + 1);
        match edit {
            Edit::Set(i, b) => {
                if !bytes.is_empty() {
                    let i = i.index(bytes.len());
                    bytes[i] = *b;
                }
            }
            Edit::Insert(i, piece) => {
                let i = at(i, &bytes);
                bytes.splice(i..i, piece.bytes());
            }
            Edit::Truncate(i) => {
                let i = at(i, &bytes);
                bytes.truncate(i);
            }
            Edit::Duplicate(i, len) => {
                let i = at(i, &bytes);
                let end = (i + len).min(bytes.len());
                let slice = bytes[i..end].to_vec();
                bytes.splice(end..end, slice);
            }
        }
    }
    bytes
}

/// Signed-in users, the records the paths name, and an HTTP client that follows no redirect.
struct Harness {
    base: String,
    http: reqwest::Client,
    users: BTreeMap<&'static str, Client>,
    ids: BTreeMap<&'static str, String>,
}

impl Harness {
    fn path(&self, template: &str, odd: Option<&Index>) -> String {
        let mut path = template.to_string();
        for (name, id) in &self.ids {
            let id = odd.map_or(id.as_str(), |i| *i.get(ODD_IDS));
            path = path.replace(&format!("{{{name}}}"), id);
        }
        path
    }

    async fn post(
        &self,
        user: &Client,
        path: &str,
        content_type: &str,
        token_in_header: bool,
        body: Vec<u8>,
    ) -> Result<u16, String> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", user.cookie.as_deref().unwrap());
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        if token_in_header {
            request = request.header("x-csrf-token", user.csrf.as_deref().unwrap());
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = response.status().as_u16();
        // The whole answer is read: a handler that fails while streaming it fails here.
        response.bytes().await.map_err(|e| e.to_string())?;
        Ok(status)
    }

    async fn run(&self, case: &Case) -> Result<(String, u16), TestCaseError> {
        let (template, own) = case.route.get(ROUTES);
        let email = case.other_role.as_ref().map_or(*own, |i| *i.get(SIGNED_IN));
        let user = &self.users[email];
        let path = self.path(template, case.odd_id.as_ref());
        let content_type = *case.content_type.get(CONTENT_TYPES);
        let body = body(user.csrf.as_deref().unwrap(), case);
        let status = self
            .post(user, &path, content_type, case.token_in_header, body)
            .await
            .map_err(|e| TestCaseError::fail(format!("POST {path}: no answer: {e}")))?;
        prop_assert!(status < 500, "POST {} as {}: {}", path, email, status);
        Ok((template.to_string(), status))
    }
}

/// The fuzzing itself: a server over SQLite seeded as the other tests' (two agencies, two
/// France Travail agencies, job seekers, offers), one referral stored for its route.
#[test]
fn page_forms_answer_any_body_without_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (server, harness) = runtime.block_on(async {
        let (server, world) = Server::on_sqlite().await;
        let mut users = BTreeMap::new();
        for email in SIGNED_IN {
            users.insert(*email, server.login(email).await);
        }
        let seeker = world.seekers[&6];
        let referral = users["recruiter@x.fr"].propose(world.offer_x, seeker).await;
        let ids = BTreeMap::from([
            ("offer", world.offer_x.to_string()),
            ("seeker", seeker.to_string()),
            ("referral", referral.to_string()),
            ("id", "1".to_string()),
        ]);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A connection per request: a server may answer before it has read a body it
            // refuses, then close the connection, which a reused one would meet as an error.
            .pool_max_idle_per_host(0)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap();
        let harness = Harness {
            base: server.base.clone(),
            http,
            users,
            ids,
        };
        // The harness reaches the handlers: a right form is stored.
        let recruiter = &harness.users["recruiter@x.fr"];
        let valid = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf_token", recruiter.csrf.as_deref().unwrap())
            .extend_pairs(OFFER_FORM)
            .finish();
        let created = harness
            .post(
                recruiter,
                "/offres/nouvelle",
                "application/x-www-form-urlencoded",
                false,
                valid.into_bytes(),
            )
            .await
            .unwrap();
        assert_eq!(created, 303, "a right offer form is stored");
        (server, harness)
    });

    let mut runner = TestRunner::new(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let statuses = std::sync::Mutex::new(BTreeMap::<(String, u16), usize>::new());
    let result = runner.run(&case(), |case| {
        let answer = runtime.block_on(harness.run(&case))?;
        *statuses.lock().unwrap().entry(answer).or_default() += 1;
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let statuses = statuses.into_inner().unwrap();
    // Every route was reached, and the cases went past the door: not all were refused for
    // want of a token or of rights, some reached the forms' own checks or were done.
    for (route, _) in ROUTES {
        let seen: usize = statuses
            .iter()
            .filter(|((r, _), _)| r == route)
            .map(|(_, n)| n)
            .sum();
        assert!(seen > 0, "{route} never posted: {statuses:?}");
    }
    let reached = |code: u16| -> usize {
        statuses
            .iter()
            .filter(|((_, s), _)| *s == code)
            .map(|(_, n)| n)
            .sum()
    };
    assert!(
        reached(303) > 0 && reached(422) > 0 && reached(404) > 0,
        "{statuses:?}"
    );

    runtime.block_on(async {
        // Sign-in and sign-out forms, on their own: the first hashes a password each time (and
        // paces an address that fails), the second ends the session it is posted with.
        let mut runner = TestRunner::new(ProptestConfig {
            cases: 200,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let cases: Vec<Case> = (0..200)
            .map(|_| case().new_tree(&mut runner).unwrap().current())
            .collect();
        let advisor = server.login("advisor@b.fr").await;
        for (i, case) in cases.iter().enumerate() {
            let path = if i % 2 == 0 {
                "/connexion"
            } else {
                "/deconnexion"
            };
            let content_type = *case.content_type.get(CONTENT_TYPES);
            let body = body(advisor.csrf.as_deref().unwrap(), case);
            let status = harness
                .post(&advisor, path, content_type, case.token_in_header, body)
                .await
                .unwrap_or_else(|e| panic!("POST {path}: no answer: {e}: {case:?}"));
            assert!(status < 500, "POST {path}: {status}: {case:?}");
        }

        // Oversized bodies: refused, whatever the route, never a server error.
        let recruiter = &harness.users["recruiter@x.fr"];
        let huge = format!(
            "csrf_token={}&note={}",
            recruiter.csrf.as_deref().unwrap(),
            "a".repeat(service::BODY_LIMIT)
        );
        for (template, _) in ROUTES {
            let path = harness.path(template, None);
            for content_type in ["application/x-www-form-urlencoded", "text/plain"] {
                let status = harness
                    .post(
                        recruiter,
                        &path,
                        content_type,
                        true,
                        huge.clone().into_bytes(),
                    )
                    .await;
                match status {
                    // A form's body is read, up to the limit, before any handler.
                    Ok(status) if content_type.starts_with("application/x-www") => {
                        assert_eq!(status, 413, "POST {path} oversized form");
                    }
                    // A handler that reads no body (signing out) may answer as usual.
                    Ok(status) => assert!(
                        status < 500,
                        "POST {path} oversized ({content_type}): {status}"
                    ),
                    // The server may answer and close before the client has sent it all.
                    Err(err) => assert!(
                        err.contains("BodyWrite") || err.contains("ConnectionReset"),
                        "POST {path} oversized: {err}"
                    ),
                }
            }
        }

        // Still serving, and the session still works.
        let page = recruiter.page("/tableau-de-bord").await;
        assert_eq!(page.status, 200);
        server.stop().await;
    });
}

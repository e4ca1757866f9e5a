//! What the pages show, beyond who may see them (the matrix): the steering page's figures, and
//! that it names nobody.

use testdb::TestDb;

use crate::support::*;

/// Shortlists served are counted in memory, reach the store when flushed, and appear on the
/// steering page by department and month; the page shows no name.
pub async fn steering_page_counts_shortlists_and_names_nobody(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let recruiter = server.login("recruiter@x.fr").await;
    for _ in 0..3 {
        let (status, body) = recruiter
            .get(&format!("/api/v1/offers/{}/shortlist?k=5", world.offer_x))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let agency_x = world.structures[&AGENCY_X];
    assert!(
        server
            .state
            .store
            .shortlist_tallies(None)
            .await
            .unwrap()
            .is_empty(),
        "counted in memory, not written per request"
    );
    // Three lists of one offer: one (owner, department, month) tally.
    assert_eq!(server.state.flush_shortlist_counts().await.unwrap(), 1);
    let tallies = server
        .state
        .store
        .shortlist_tallies(Some(agency_x))
        .await
        .unwrap();
    assert_eq!(tallies.iter().map(|t| t.shortlists).sum::<u64>(), 3);
    assert_eq!(tallies[0].department, "93");
    assert_eq!(tallies[0].month, server.now().format("%Y-%m").to_string());
    // A fourth, counted but not flushed: the steering page flushes before reading.
    recruiter
        .get(&format!("/api/v1/offers/{}/shortlist?k=5", world.offer_x))
        .await;
    let steering = server.login("steering@d.fr").await;
    let page = steering.page("/pilotage").await;
    assert_eq!(page.status, 200);
    let html = page.html;
    assert!(html.contains("Présélections consultées"));
    assert!(
        html.contains("<td>4</td>"),
        "four shortlists appear in the figures: {html}"
    );
    assert!(html.contains("93 — Seine-Saint-Denis"), "{html}");
    for name in ["Aïcha", "Durand-"] {
        assert!(!html.contains(name), "the steering page names nobody");
    }
    // The API gives the page's figures: the same four shortlists, in 93, this month.
    let (status, figures) = steering.get("/api/v1/indicators").await;
    assert_eq!(status, 200, "{figures}");
    let seine_saint_denis = item_where(&figures["departments"], "department", "93");
    let this_month = seine_saint_denis["months"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(
        this_month["month"],
        server.now().format("%Y-%m").to_string()
    );
    assert_eq!(this_month["figures"]["shortlists"], 4, "{figures}");
    server.stop().await;
}

/// Joint meetings through the API, each a gathering: checked fields, the territory's
/// structures invited, one registration per person, a seat while there is one and the
/// waiting list after, a seat given up promoting the first who waited (told by a message
/// with its calendar invitation, written as an `.eml` file), only the organiser sees who
/// registered and records attendance, once the meeting is over, then closes it.
pub async fn meetings_invite_the_territory_and_the_organiser_records_attendance(db: TestDb) {
    let outbox = tempfile::tempdir().unwrap();
    let config = service::Config {
        delivery: service::outbox::Delivery::Folder(outbox.path().to_path_buf()),
        ..service::Config::default()
    };
    let (server, _world) = Server::start_with(db, 0, 0, config).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let (status, body) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "x", "starts_at": "2020-01-01T09:00:00Z", "territory": "999"
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let paths = strings_of(&body["fields"], "path");
    assert_eq!(paths, ["/theme", "/starts_at", "/place", "/territory"]);
    let starts = server.now() + chrono::Duration::days(10);
    let starts_at = starts.to_rfc3339();
    // An end before the start, seats online without a link, too many seats.
    let (status, body) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Les métiers de la logistique", "starts_at": starts_at,
                "ends_at": (starts - chrono::Duration::hours(1)).to_rfc3339(),
                "place": "Agence X", "capacity_on_site": 200_000, "capacity_remote": 5,
                "territory": "93"
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        strings_of(&body["fields"], "path"),
        ["/ends_at", "/capacity_on_site", "/capacity_remote"]
    );
    // A link that is not one, a department outside the region served.
    for (field, value, path) in [
        ("online_link", "https://", "/online_link"),
        ("online_link", "https://exa mple.org/x", "/online_link"),
        ("territory", "13", "/territory"),
    ] {
        let mut body = serde_json::json!({
            "theme": "Les métiers de la logistique", "starts_at": starts_at,
            "place": "Agence X", "territory": "93"
        });
        body[field] = serde_json::json!(value);
        let (status, body) = recruiter.post("/api/v1/meetings", &body).await;
        assert_eq!(status, 422, "{value}: {body}");
        assert_eq!(body["fields"][0]["path"], path, "{body}");
    }
    // One seat on site.
    let (status, meeting) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Les métiers de la logistique", "starts_at": starts_at,
                "place": "Agence X", "capacity_on_site": 1, "territory": "93"
            }),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    assert_eq!(
        meeting["invited"].as_array().unwrap().len(),
        6,
        "every structure of the 93"
    );
    assert_eq!(
        (&meeting["capacity_on_site"], &meeting["capacity_remote"]),
        (&serde_json::json!(1), &serde_json::json!(0))
    );
    assert_eq!(
        meeting["ends_at"],
        (starts + chrono::Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let id = meeting["id"].as_i64().unwrap();
    let register = format!("/api/v1/meetings/{id}/registrations");
    let (status, body) = advisor
        .post(
            &format!("{register}?modality=remote"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 422, "not held online: {body}");
    assert_eq!(body["fields"][0]["path"], "?modality");
    let (status, view) = advisor.post(&register, &serde_json::json!({})).await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["registered_me"], true);
    assert_eq!(view["my_registration"]["seat"], "registered");
    assert_eq!(advisor.post(&register, &serde_json::json!({})).await.0, 409);
    // The only seat is taken: the next one waits.
    let (status, view) = other_advisor.post(&register, &serde_json::json!({})).await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["my_registration"]["seat"], "waiting");
    assert_eq!(
        (&view["registered"], &view["waiting"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );
    assert_eq!(
        advisor.get(&register).await.0,
        403,
        "only the organiser sees who registered"
    );
    let (status, list) = recruiter.get(&register).await;
    assert_eq!(status, 200);
    let advisor_registration = list[0]["id"].as_i64().unwrap();
    let waiting_registration = list[1]["id"].as_i64().unwrap();
    assert_eq!(
        (&list[0]["seat"], &list[1]["seat"], &list[0]["attendance"]),
        (
            &serde_json::json!("registered"),
            &serde_json::json!("waiting"),
            &serde_json::Value::Null
        )
    );
    // Someone else's registration is the organiser's to cancel, not another participant's.
    let cancel = |registration: i64| format!("{register}/{registration}");
    assert_eq!(
        other_advisor.delete(&cancel(advisor_registration)).await.0,
        403
    );
    // The advisor gives up: the one who waited takes the seat.
    let (status, view) = advisor.delete(&cancel(advisor_registration)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["registered_me"], false);
    let (_, list) = recruiter.get(&register).await;
    assert_eq!(
        (&list[0]["seat"], &list[1]["seat"]),
        (
            &serde_json::json!("cancelled"),
            &serde_json::json!("registered")
        )
    );
    assert_eq!(
        list[1]["id"], waiting_registration,
        "the same registration, promoted"
    );
    assert_eq!(advisor.delete(&cancel(advisor_registration)).await.0, 409);
    // Each was told, by a message waiting in the outbox; the seats with their invitation.
    let pending = server.state.store.pending_messages(10).await.unwrap();
    let told: Vec<(&str, &str, bool)> = pending
        .iter()
        .map(|m| {
            (
                m.message.recipient.as_str(),
                m.message.subject.split(" : ").next().unwrap(),
                m.message.calendar.is_some(),
            )
        })
        .collect();
    assert_eq!(
        told,
        [
            ("advisor@a.fr", "Inscription confirmée", true),
            ("advisor@b.fr", "Liste d'attente", false),
            ("advisor@b.fr", "Une place s'est libérée", true),
        ]
    );
    let delivered = service::outbox::deliver_pending(&server.state)
        .await
        .unwrap();
    assert_eq!((delivered.sent, delivered.failed), (3, 0));
    let eml =
        std::fs::read_to_string(outbox.path().join(format!("{}.eml", pending[2].id))).unwrap();
    assert!(eml.contains("To: advisor@b.fr"), "{eml}");
    assert!(eml.contains("text/calendar"), "{eml}");
    assert!(eml.contains("BEGIN:VEVENT"), "{eml}");
    assert!(
        server
            .state
            .store
            .pending_messages(10)
            .await
            .unwrap()
            .is_empty()
    );
    // Attendance: the organiser's, once the meeting is over.
    let other_id = list[1]["user_id"].as_i64().unwrap();
    let attendance = format!("/api/v1/meetings/{id}/attendance");
    let record = serde_json::json!({ "user_id": other_id, "attendance": "present" });
    let (status, body) = recruiter.post(&attendance, &record).await;
    assert_eq!(status, 409, "not over yet: {body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("once the gathering is over"),
        "{body}"
    );
    let close = format!("/api/v1/meetings/{id}/attendance/close");
    assert_eq!(recruiter.post(&close, &serde_json::json!({})).await.0, 409);
    // The page says why, in French.
    let page = recruiter
        .post_form(&format!("/reunions/{id}/cloture"), &[])
        .await;
    assert_eq!(page.status, 409, "{}", page.html);
    assert!(
        page.html
            .contains("La présence se note et se clôt une fois la réunion terminée."),
        "{}",
        page.html
    );
    let page = advisor
        .post_form(
            &format!("/reunions/{id}/inscription"),
            &[("modalite", "bogus")],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.html);
    server.advance(chrono::Duration::days(11));
    // Sessions last hours: everyone signs in again.
    let recruiter = server.login("recruiter@x.fr").await;
    let advisor = server.login("advisor@a.fr").await;
    let other_advisor = server.login("advisor@b.fr").await;
    let manager = server.login("manager@x.fr").await;
    let (status, due) = recruiter.get("/api/v1/meetings/attendance-due").await;
    assert_eq!(status, 200, "{due}");
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due[0]["id"], id);
    let (_, due) = other_advisor.get("/api/v1/meetings/attendance-due").await;
    assert!(
        due.as_array().unwrap().is_empty(),
        "not the advisor's to record"
    );
    assert_eq!(advisor.post(&attendance, &record).await.0, 403);
    let (status, body) = recruiter
        .post(
            &attendance,
            &serde_json::json!({ "user_id": other_id, "attendance": "venu" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(recruiter.post(&attendance, &record).await.0, 204);
    let (_, list) = recruiter.get(&register).await;
    assert_eq!(list[1]["attendance"], "present");
    assert_eq!(advisor.post(&close, &serde_json::json!({})).await.0, 403);
    // The organiser's structure, through another of its members.
    let (status, closed) = manager.post(&close, &serde_json::json!({})).await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["attendance_closed"], true);
    assert_eq!(recruiter.post(&close, &serde_json::json!({})).await.0, 409);
    assert_eq!(recruiter.post(&attendance, &record).await.0, 409);
    let (_, due) = recruiter.get("/api/v1/meetings/attendance-due").await;
    assert!(due.as_array().unwrap().is_empty(), "{due}");
    // Once it started nobody registers.
    assert_eq!(advisor.post(&register, &serde_json::json!({})).await.0, 409);
    let (_, listed) = advisor.get("/api/v1/meetings").await;
    assert_eq!(listed[0]["over"], true, "{listed}");
    // A meeting for Paris invites none of these structures: the advisor may not register.
    let later = (server.now() + chrono::Duration::days(3)).to_rfc3339();
    let (_, paris) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Réunion parisienne", "starts_at": later,
                "online_link": "https://visio.example.fr/r", "territory": "75"
            }),
        )
        .await;
    assert_eq!(paris["capacity_remote"], 100, "{paris}");
    // Both in a place and online: the one who follows online is sent the link as the place,
    // and told when the organiser cancels them.
    let (status, both) = recruiter
        .post(
            "/api/v1/meetings",
            &serde_json::json!({
                "theme": "Réunion mixte", "starts_at": later, "place": "Salle C",
                "online_link": "HTTPS://visio.example.fr/mixte", "territory": "93"
            }),
        )
        .await;
    assert_eq!(status, 201, "{both}");
    let mixed = format!("/api/v1/meetings/{}/registrations", both["id"]);
    let (status, _) = advisor
        .post(&format!("{mixed}?modality=remote"), &serde_json::json!({}))
        .await;
    assert_eq!(status, 201);
    let pending = server.state.store.pending_messages(50).await.unwrap();
    let ics = pending.last().unwrap().message.calendar.clone().unwrap();
    assert!(
        ics.contains("LOCATION:https://visio.example.fr/mixte"),
        "{ics}"
    );
    assert!(!ics.contains("Salle C"), "{ics}");
    let (_, list) = recruiter.get(&mixed).await;
    let (status, _) = recruiter
        .delete(&format!("{mixed}/{}", list[0]["id"]))
        .await;
    assert_eq!(status, 200);
    let pending = server.state.store.pending_messages(50).await.unwrap();
    let told = &pending.last().unwrap().message;
    assert_eq!(told.recipient, "advisor@a.fr");
    assert!(
        told.subject.starts_with("Inscription annulée"),
        "{}",
        told.subject
    );
    assert!(told.calendar.is_none());
    let other = format!("/api/v1/meetings/{}/registrations", paris["id"]);
    assert_eq!(advisor.post(&other, &serde_json::json!({})).await.0, 403);
    // Two days before it, the organiser registered is reminded, once.
    let (status, _) = recruiter.post(&other, &serde_json::json!({})).await;
    assert_eq!(status, 201);
    server.advance(chrono::Duration::hours(25));
    let before = server.state.store.pending_messages(10).await.unwrap().len();
    let reminded = service::meetings::queue_reminders(&server.state)
        .await
        .unwrap();
    assert_eq!(reminded, 1);
    assert_eq!(
        service::meetings::queue_reminders(&server.state)
            .await
            .unwrap(),
        0
    );
    let pending = server.state.store.pending_messages(10).await.unwrap();
    assert_eq!(pending.len(), before + 1);
    assert!(
        pending
            .last()
            .unwrap()
            .message
            .subject
            .starts_with("Rappel : Réunion parisienne")
    );
    server.stop().await;
}

/// A structure confirms its own services only; the directory finds them from a place.
pub async fn a_structure_confirms_its_own_services_only(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let mut service = testdb::fixtures::service(1, &testdb::fixtures::siret(AGENCY_X));
    service.updated_on = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    server
        .state
        .store
        .upsert_services(&[service], server.now())
        .await
        .unwrap();
    let (_, found) = server
        .login("advisor@a.fr")
        .await
        .get("/api/v1/directory/services?commune=93066&thematique=mobilite")
        .await;
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["overdue"], true);
    assert_eq!(found[0]["distance_km"], 0.0);
    let id = found[0]["id"].as_i64().unwrap();
    let confirm = format!("/api/v1/directory/services/{id}/confirm");
    let other = server.login("recruiter@y.fr").await;
    assert_eq!(other.post(&confirm, &serde_json::json!({})).await.0, 403);
    let (status, view) = server
        .login("recruiter@x.fr")
        .await
        .post(&confirm, &serde_json::json!({}))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["overdue"], false);
    assert_eq!(view["updated_on"], server.now().date_naive().to_string());
    let (status, body) = other
        .get("/api/v1/directory/services?thematique=voyager")
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["path"], "?thematique");
    server.stop().await;
}

// ---------------------------------------------------------------------------------------
// Static files: versioned, compressed, cached for a year; pages and API answers never.

async fn fetch(client: &Client, path: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut request = client.raw("GET", path).await;
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        "br" => brotli_decompressor::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        other => panic!("unexpected encoding {other}"),
    };
    out
}

/// The static URLs a page links (`href` and `src` under `/static/`).
fn static_links(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|part| part.starts_with("/static/"))
        .map(str::to_string)
        .collect()
}

/// Static files answer under the versioned prefix the pages link, compressed as the browser
/// asks (brotli, gzip, or not at all), with their content type and a year-long immutable cache;
/// fonts are sent as they are; the old paths and other versions are not found. Pages and API
/// answers, which carry personal data, keep `no-store` and are never compressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_versioned_compressed_and_cached_for_a_year_pages_never() {
    let (server, _) = Server::on_sqlite().await;
    let assets = service::pages::assets::assets();
    let prefix = &assets.prefix;
    assert!(
        prefix.starts_with(&format!("/static/{}-", assets.dsfr_version)),
        "{prefix}"
    );
    let dsfr = server.state.config.assets_dir.clone();
    let anonymous = server.anonymous();

    // The sign-in page links the versioned files, only the icon categories it needs, and
    // every link answers.
    let page = fetch(&anonymous, "/connexion", Some("br, gzip")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "cache-control"), "no-store");
    assert_eq!(
        header(&page, "content-encoding"),
        "",
        "pages are not compressed"
    );
    let links = static_links(&page.text().await.unwrap());
    for file in [
        "dsfr/dsfr.min.css",
        "dsfr/dsfr.module.min.js",
        "dsfr/utility/icons/icons-user/icons-user.min.css",
        "passerelle.css",
        "passerelle.js",
    ] {
        assert!(
            links.contains(&format!("{prefix}/{file}")),
            "{file} in {links:?}"
        );
    }
    assert!(
        !links.iter().any(|l| l.ends_with("/icons/icons.min.css")),
        "not every icon: {links:?}"
    );
    if dsfr.is_some() {
        for link in &links {
            let response = fetch(&anonymous, link, Some("gzip")).await;
            assert_eq!(response.status(), 200, "{link}");
            assert_eq!(
                header(&response, "cache-control"),
                service::pages::assets::IMMUTABLE,
                "{link}"
            );
        }
    }

    // Each file in each encoding: the content type, the cache, and the same bytes once decoded.
    let own = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let mut files = vec![
        ("passerelle.css", own.join("passerelle.css"), "text/css"),
        (
            "passerelle.js",
            own.join("passerelle.js"),
            "text/javascript",
        ),
    ];
    match &dsfr {
        Some(dir) => files.extend([
            ("dsfr/dsfr.min.css", dir.join("dsfr.min.css"), "text/css"),
            (
                "dsfr/dsfr.module.min.js",
                dir.join("dsfr.module.min.js"),
                "text/javascript",
            ),
            (
                "dsfr/icons/system/close-line.svg",
                dir.join("icons/system/close-line.svg"),
                "image/svg+xml",
            ),
        ]),
        None => eprintln!("SKIPPED: the DSFR's files (run `npm ci --prefix web`)"),
    }
    for (path, on_disk, content_type) in files {
        let expected = std::fs::read(on_disk).unwrap();
        let url = format!("{prefix}/{path}");
        for encoding in [None, Some("br"), Some("gzip")] {
            let response = fetch(&anonymous, &url, encoding).await;
            assert_eq!(response.status(), 200, "{url}");
            assert!(
                header(&response, "content-type").starts_with(content_type),
                "{url}: {}",
                header(&response, "content-type")
            );
            assert_eq!(
                header(&response, "cache-control"),
                "public, max-age=31536000, immutable",
                "{url}"
            );
            assert!(
                header(&response, "content-security-policy").contains("default-src 'self'"),
                "{url}: security headers stay"
            );
            let answered = header(&response, "content-encoding").to_string();
            let body = response.bytes().await.unwrap();
            match encoding {
                None => {
                    assert_eq!(answered, "", "{url}");
                    assert_eq!(body.as_ref(), expected.as_slice(), "{url}");
                }
                Some(encoding) => {
                    assert_eq!(answered, encoding, "{url}");
                    assert!(
                        body.len() < expected.len(),
                        "{url} is smaller in {encoding}"
                    );
                    assert_eq!(decode(encoding, &body), expected, "{url} in {encoding}");
                }
            }
        }
    }

    // Fonts are already compressed: sent as they are, cached for a year.
    if dsfr.is_some() {
        let font = fetch(
            &anonymous,
            &format!("{prefix}/dsfr/fonts/Marianne-Regular.woff2"),
            Some("br, gzip"),
        )
        .await;
        assert_eq!(font.status(), 200);
        assert_eq!(header(&font, "content-type"), "font/woff2");
        assert_eq!(header(&font, "content-encoding"), "");
        assert_eq!(
            header(&font, "cache-control"),
            service::pages::assets::IMMUTABLE
        );
    }

    // Unversioned paths, another version and a missing file are not found, and not cached.
    for path in [
        "/dsfr/dsfr.min.css".to_string(),
        "/static/passerelle.css".to_string(),
        "/static/1.0.0-000000000000/passerelle.css".to_string(),
        format!("{prefix}/dsfr/no-such-file.css"),
    ] {
        let response = fetch(&anonymous, &path, Some("gzip")).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
    }

    // An advisor's page and an API answer: personal data, never stored nor compressed.
    let advisor = server.login("advisor@a.fr").await;
    for path in ["/demandeurs", "/api/v1/job-seekers", "/api/v1/me"] {
        let response = fetch(&advisor, path, Some("br, gzip")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&response, "content-encoding"), "", "{path}");
    }
    server.stop().await;
}

/// Every `fr-icon-` class of the templates (and of Passerelle's own files) is defined by a
/// stylesheet the pages link: the DSFR's core one or an icon category of
/// `assets::ICON_CATEGORIES`.
#[test]
fn every_icon_the_pages_use_comes_with_a_linked_stylesheet() {
    let Some(dir) = service::pages::default_assets_dir() else {
        eprintln!("SKIPPED: the DSFR's files (run `npm ci --prefix web`)");
        return;
    };
    let mut css = std::fs::read_to_string(dir.join("dsfr.min.css")).unwrap();
    for sheet in &service::pages::assets::assets().icon_stylesheets {
        css.push_str(&std::fs::read_to_string(dir.join(sheet)).unwrap());
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Every template, static file and Rust source of the service, in every folder.
    let mut sources = Vec::new();
    let mut folders = vec![
        root.join("templates"),
        root.join("static"),
        root.join("src"),
    ];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut icons = std::collections::BTreeSet::new();
    for source in &sources {
        for (at, _) in source.match_indices("fr-icon-") {
            let name: String = source[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if name.len() > "fr-icon-".len() {
                icons.insert(name);
            }
        }
    }
    assert!(
        icons.contains("fr-icon-logout-box-r-line"),
        "the sign-out button's icon is found: {icons:?}"
    );
    for icon in icons {
        assert!(
            css.contains(&format!(".{icon}:")) || css.contains(&format!(".{icon}{{")),
            "{icon} is used but no linked stylesheet defines it: add its category to \
             assets::ICON_CATEGORIES"
        );
    }
}

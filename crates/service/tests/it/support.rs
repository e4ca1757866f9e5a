//! A server on port 0 over a fresh database seeded with two of each kind of structure, and
//! HTTP clients signed in as each role.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use service::{AppState, Config};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

pub const PASSWORD: &str = "correct horse battery staple";

/// Structure numbers (SIRETs from `testdb::fixtures::siret`).
pub const FT_A: u32 = 1;
pub const FT_B: u32 = 2;
pub const AGENCY_X: u32 = 3;
pub const AGENCY_Y: u32 = 4;
pub const PARTNER: u32 = 5;
pub const DIRECTION: u32 = 6;

/// Accounts: (email, role, structure).
pub const ACCOUNTS: &[(&str, Role, u32)] = &[
    ("advisor@a.fr", Role::Advisor, FT_A),
    ("advisor@b.fr", Role::Advisor, FT_B),
    ("recruiter@x.fr", Role::Recruiter, AGENCY_X),
    ("recruiter@y.fr", Role::Recruiter, AGENCY_Y),
    ("manager@x.fr", Role::AgencyManager, AGENCY_X),
    ("partner@p.fr", Role::Partner, PARTNER),
    ("steering@d.fr", Role::Steering, DIRECTION),
    ("admin@d.fr", Role::Admin, DIRECTION),
];

/// The job seekers: fixture number and agency. Numbers divisible by 4 have not consented;
/// 6 holds RQTH (private) and long-term unemployment (disclosed).
pub const SEEKERS: &[(u32, u32)] = &[(6, FT_A), (7, FT_B), (8, FT_A), (12, FT_B)];

/// The first day of the tests' clock.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
}

pub struct Server {
    pub base: String,
    /// The address of `/metrics` when it has a listener of its own (`Config::metrics_bind`).
    pub metrics_base: Option<String>,
    pub state: Arc<AppState>,
    pub db: TestDb,
    clock: Arc<AtomicI64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Ids of the seeded records.
#[derive(Debug, Clone)]
pub struct World {
    pub structures: std::collections::HashMap<u32, i64>,
    pub seekers: std::collections::HashMap<u32, i64>,
    /// Offer of agency X and of agency Y (fixture 1 and 2).
    pub offer_x: i64,
    pub offer_y: i64,
}

async fn seed(store: &dyn Store, extra_seekers: u32, extra_offers: u32) -> World {
    let kinds = [
        (FT_A, StructureKind::FranceTravail),
        (FT_B, StructureKind::FranceTravail),
        (AGENCY_X, StructureKind::AgenceEmploi),
        (AGENCY_Y, StructureKind::AgenceEmploi),
        (PARTNER, StructureKind::Akto),
        (DIRECTION, StructureKind::FranceTravail),
    ];
    let records: Vec<_> = kinds.iter().map(|(n, k)| structure(*n, *k)).collect();
    store.upsert_structures(&records, t0()).await.unwrap();
    let mut structures = std::collections::HashMap::new();
    for (n, _) in kinds {
        let s = store.structure_by_siret(&siret(n)).await.unwrap().unwrap();
        structures.insert(n, s.id);
    }
    let mut seekers: Vec<_> = SEEKERS
        .iter()
        .map(|(n, a)| job_seeker(*n, &siret(*a)))
        .collect();
    // Extra job seekers of agency A, all consenting, for the workflow tests.
    seekers.extend((0..extra_seekers).map(|i| job_seeker(102 + 4 * i, &siret(FT_A))));
    for s in &mut seekers {
        s.available_from = Some(date(2026, 3, 1));
    }
    let report = store.upsert_job_seekers(&seekers, t0()).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let mut ids = std::collections::HashMap::new();
    for s in &seekers {
        let stored = store.job_seeker(&s.external_id).await.unwrap().unwrap();
        let n: u32 = s.external_id.as_str()[..7].parse().unwrap();
        ids.insert(n, stored.id);
    }
    let mut offers = vec![offer(1, &siret(AGENCY_X)), offer(2, &siret(AGENCY_Y))];
    offers.extend((0..extra_offers).map(|i| offer(100 + i, &siret(AGENCY_X))));
    store.upsert_offers(&offers, t0()).await.unwrap();
    let offer_id = |owner: u32, n: u32| async move {
        store
            .offer(
                &siret(owner),
                &domain::ExternalId::parse(&format!("OFF-{n}")).unwrap(),
            )
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let password = service::auth::hash_password(PASSWORD).unwrap();
    for (email, role, n) in ACCOUNTS {
        let user = store
            .create_user(
                &NewUser {
                    email: domain::Email::parse(email).unwrap(),
                    display_name: email.to_string(),
                    password_hash: Some(password.clone()),
                },
                t0(),
            )
            .await
            .unwrap();
        store
            .set_membership(user.id, structures[n], *role, t0())
            .await
            .unwrap();
    }
    World {
        structures,
        seekers: ids,
        offer_x: offer_id(AGENCY_X, 1).await,
        offer_y: offer_id(AGENCY_Y, 2).await,
    }
}

/// The service's state over `store` with `config`, its time read from `clock` (seconds since
/// the epoch), and a listener on a free port of the loopback with its base URL.
async fn listening(
    store: Arc<dyn Store>,
    config: Config,
    clock: &Arc<AtomicI64>,
) -> (Arc<AppState>, tokio::net::TcpListener, String) {
    let reading = clock.clone();
    let state = Arc::new(
        AppState::with_clock(
            store,
            config,
            Box::new(move || DateTime::from_timestamp(reading.load(Ordering::SeqCst), 0).unwrap()),
        )
        .await
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (state, listener, base)
}

/// The fields of a right form of a new offer (`/offres/nouvelle`): a forklift driver in
/// Saint-Denis, two positions of temporary work.
pub const OFFER_FORM: &[(&str, &str)] = &[
    ("intitule", "Cariste (H/F)"),
    ("metier", "N1101"),
    ("commune", "93066"),
    ("contrat", "MIS"),
    ("postes", "2"),
    ("debut", "2026-04-01"),
    ("experience", "D"),
];

impl Server {
    pub async fn start(db: TestDb) -> (Self, World) {
        Self::start_with(db, 0, 0, Config::default()).await
    }

    /// A server over a fresh SQLite database, for the tests that need no second backend.
    pub async fn on_sqlite() -> (Self, World) {
        Self::start(TestDb::sqlite().await).await
    }

    pub async fn start_with(
        db: TestDb,
        extra_seekers: u32,
        extra_offers: u32,
        config: Config,
    ) -> (Self, World) {
        Self::start_full(db, extra_seekers, extra_offers, config, false).await
    }

    /// A server whose `/metrics` has a listener of its own, on a port of its own.
    pub async fn start_with_metrics_listener(db: TestDb) -> (Self, World) {
        Self::start_full(db, 0, 0, Config::default(), true).await
    }

    async fn start_full(
        db: TestDb,
        extra_seekers: u32,
        extra_offers: u32,
        mut config: Config,
        metrics_listener: bool,
    ) -> (Self, World) {
        let metrics = if metrics_listener {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            config.metrics_bind = Some(listener.local_addr().unwrap());
            Some(listener)
        } else {
            None
        };
        let metrics_base = config.metrics_bind.map(|a| format!("http://{a}"));
        let world = seed(db.store(), extra_seekers, extra_offers).await;
        let clock = Arc::new(AtomicI64::new(t0().timestamp()));
        let (state, listener, base) = listening(db.store.clone(), config, &clock).await;
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(service::serve_with_metrics(
            listener,
            metrics,
            state.clone(),
            async move {
                let _ = stop.await;
            },
        ));
        (
            Self {
                base,
                metrics_base,
                state,
                db,
                clock,
                shutdown: Some(shutdown),
                handle: Some(handle),
            },
            world,
        )
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.state.now()
    }

    /// The id of the offer `reference` of structure `owner`, as stored.
    pub async fn offer_id(&self, owner: u32, reference: &str) -> i64 {
        let reference = domain::ExternalId::parse(reference).unwrap();
        let offer = self.state.store.offer(&siret(owner), &reference).await;
        offer.unwrap().unwrap().id
    }

    /// A referral of the person to the offer, accepted: the person revealed to its agency.
    pub async fn accepted(&self, seeker: i64, offer: i64) -> i64 {
        let store = &self.state.store;
        let referral = store
            .create_referral(seeker, offer, None, None, self.now())
            .await
            .unwrap();
        store
            .transition_referral(&TransitionRequest::accept(referral.id), None, self.now())
            .await
            .unwrap();
        referral.id
    }

    /// A referral's state, as stored.
    pub async fn referral_state(&self, id: i64) -> ReferralState {
        self.state.store.referral(id).await.unwrap().unwrap().state
    }

    /// How many reads of job seeker `id` through `through` (a duo, a plan) are audited.
    pub async fn reads_through(&self, id: i64, through: &str) -> usize {
        self.state
            .store
            .audit_events(0, 100_000)
            .await
            .unwrap()
            .iter()
            .filter(|e| {
                e.event.action == "job_seeker.read"
                    && e.event.subject_id == Some(id)
                    && e.event.detail["through"] == through
            })
            .count()
    }

    /// A job seeker, as stored.
    pub async fn stored_job_seeker(&self, id: i64) -> JobSeeker {
        self.state
            .store
            .job_seeker_by_id(id)
            .await
            .unwrap()
            .unwrap()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            cookie: None,
            csrf: None,
            token: None,
        }
    }

    /// A client signed in with a session cookie.
    pub async fn login(&self, email: &str) -> Client {
        let mut client = self.anonymous();
        let response = client
            .http
            .post(format!("{}/api/v1/session", self.base))
            .json(&serde_json::json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login {email}");
        let cookie = response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let body: Value = response.json().await.unwrap();
        client.cookie = Some(cookie.split(';').next().unwrap().to_string());
        client.csrf = body["csrf_token"].as_str().map(str::to_string);
        client
    }

    /// A second instance of the service over the same database, as a second process would
    /// be: its own connections, engine and caches, the same clock.
    pub async fn second_instance(&self, config: Config) -> Instance {
        let store = store::connect(&self.db.url).await.unwrap();
        let (state, listener, base) = listening(store, config, &self.clock).await;
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(service::serve(listener, state, async move {
            let _ = stop.await;
        }));
        Instance {
            base,
            shutdown,
            handle,
        }
    }

    /// Stops the server (finishing requests in flight) and drops the database.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.unwrap().unwrap();
        }
        drop(self.state);
        self.db.finish().await;
    }
}

/// Another instance of the service over the same database ([`Server::second_instance`]).
pub struct Instance {
    pub base: String,
    shutdown: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Instance {
    /// The same client (session, token), talking to this instance.
    pub fn client(&self, client: &Client) -> Client {
        Client {
            base: self.base.clone(),
            ..client.clone()
        }
    }

    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        self.handle.await.unwrap().unwrap();
    }
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
}

impl Client {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send("POST", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send("DELETE", path, None).await
    }

    /// A body the JSON helpers do not send (CSV, a hand-written form, an oversized document),
    /// posted with its content type; the response as is.
    pub async fn post_body(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn raw(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        self.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            path,
        )
    }

    /// A GET of `path`, sent: the response as is.
    pub async fn get_raw(&self, path: &str) -> reqwest::Response {
        self.raw("GET", path).await.send().await.unwrap()
    }

    /// Proposes a job seeker for an offer through the API, which must accept: the referral's id.
    pub async fn propose(&self, offer: i64, seeker: i64) -> i64 {
        let body = serde_json::json!({ "offer_id": offer, "job_seeker_id": seeker });
        let (status, created) = self.post("/api/v1/referrals", &body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_i64().unwrap()
    }

    /// Moves a referral through the API (`{ "to": ..., "note": ... }`).
    pub async fn move_referral(&self, id: i64, body: &Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/referrals/{id}/transitions");
        self.post(&path, body).await
    }

    /// Answers an invitation through the API (`{ "to": ... }`): the status.
    pub async fn answer_invitation(&self, id: impl std::fmt::Display, to: &str) -> StatusCode {
        let path = format!("/api/v1/invitations/{id}/state");
        self.post(&path, &serde_json::json!({ "to": to })).await.0
    }

    /// A page, read as a browser does (redirects followed).
    pub async fn page(&self, path: &str) -> Page {
        Page::read(
            self.request(reqwest::Method::GET, path)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A form posted as a browser does: the session's cookie and the `csrf_token` field (no
    /// anti-forgery header), the fields URL-encoded; redirects not followed.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send_form(path, Some(self.csrf.as_deref().unwrap()), fields)
            .await
    }

    /// A form posted without the anti-forgery field (by someone without a session, say),
    /// redirects not followed.
    pub async fn post_form_without_token(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send_form(path, None, fields).await
    }

    async fn send_form(&self, path: &str, token: Option<&str>, fields: &[(&str, &str)]) -> Page {
        let mut body = form_urlencoded::Serializer::new(String::new());
        if let Some(token) = token {
            body.append_pair("csrf_token", token);
        }
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = http.post(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await
            .unwrap();
        Page::read(response).await
    }

    /// A file sent through a page's import form (the `fichier` field, beside `csrf_token`), as
    /// a browser sends it: `multipart/form-data`.
    pub async fn upload(&self, path: &str, filename: &str, content_type: &str, file: &str) -> Page {
        let boundary = "passerelle-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{filename}\"\r\n\
             Content-Type: {content_type}\r\n\r\n{file}\r\n--{boundary}--\r\n",
            self.csrf.as_deref().unwrap()
        );
        let response = self
            .request(reqwest::Method::POST, path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        Page::read(response).await
    }
}

/// What a page answered: its status, where it redirects to, its HTML.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub html: String,
}

impl Page {
    async fn read(response: reqwest::Response) -> Self {
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        Self {
            status: response.status().as_u16(),
            location,
            html: response.text().await.unwrap(),
        }
    }
}

/// The text `key` of each item of a JSON list: `strings_of(&problem["fields"], "path")` names
/// the fields a refusal points at.
pub fn strings_of<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    let items = list.as_array().unwrap().iter();
    items.map(|item| item[key].as_str().unwrap()).collect()
}

/// The `message` of a refusal (RFC 9457 problem).
pub fn message_of(problem: &Value) -> &str {
    problem["message"].as_str().unwrap()
}

/// The item of a JSON list whose `key` is `value`:
/// `item_where(&policies["in_force"], "territory", "75")`.
pub fn item_where<'a, T>(list: &'a Value, key: &str, value: T) -> &'a Value
where
    T: std::fmt::Display,
    Value: PartialEq<T>,
{
    let mut items = list.as_array().unwrap().iter();
    items
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no item with {key} {value} in {list}"))
}

/// Runs a test body on SQLite, then on PostgreSQL when configured.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::$name(testdb::TestDb::sqlite().await).await;
                }
            )+
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = testdb::TestDb::postgres(stringify!($name)).await else {
                        return;
                    };
                    $crate::$name(db).await;
                }
            )+
        }
    };
}

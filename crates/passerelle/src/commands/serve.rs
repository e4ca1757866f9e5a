//! `passerelle serve`, `passerelle demo`, `passerelle account create` and `passerelle audit
//! verify`: the service and what operating it needs.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use store::{Role, Store, StructureKind};

use super::now;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line (for log collectors)
    Json,
    /// Human-readable lines
    Text,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database URL: sqlite://PATH or postgres://... (default: the settings' database)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Address and port to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: SocketAddr,
    /// The address people reach the service at, which the sign-in links sent to job seekers
    /// start with (default: http:// and the address bound)
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Serve /metrics on this address and port only, not on --bind's (default: the settings'
    /// metrics_bind; without one, /metrics is served on --bind's)
    #[arg(long, value_name = "ADDR")]
    metrics_bind: Option<SocketAddr>,
    /// Days without a move after which an open referral expires
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    expiry_days: u32,
    /// Mark session cookies Secure (when served behind TLS)
    #[arg(long)]
    secure_cookies: bool,
    /// The DSFR's files (the `dist` folder of the npm package @gouvfr/dsfr) served with the
    /// pages (default: web/node_modules/@gouvfr/dsfr/dist, installed by `npm ci --prefix web`)
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "json")]
    log_format: LogFormat,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder of the demo's database and accounts (default: DATA_DIR/demo)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Address and port to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: SocketAddr,
    /// Size of the simulated region on first start (1.0 is Île-de-France's 975,000 job seekers)
    #[arg(long, default_value_t = 0.02)]
    scale: f64,
    /// Prepare the database and accounts, print them, and exit without serving
    #[arg(long)]
    no_serve: bool,
    /// The DSFR's files (the `dist` folder of the npm package @gouvfr/dsfr) served with the
    /// pages (default: web/node_modules/@gouvfr/dsfr/dist, installed by `npm ci --prefix web`)
    #[arg(long, value_name = "DIR")]
    assets: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account with one role in one structure; prints its generated password
    Create {
        #[arg(long)]
        email: String,
        /// The name shown in the interface
        #[arg(long)]
        name: String,
        /// advisor, recruiter, agency_manager, partner, steering or admin
        #[arg(long)]
        role: String,
        /// SIRET of the structure
        #[arg(long)]
        structure: String,
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain: any changed, removed or reordered event is found
    Verify {
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// The DSFR's folder: the one given (which must hold the DSFR), or the default if installed.
fn assets_dir(given: Option<PathBuf>) -> anyhow::Result<Option<PathBuf>> {
    match given {
        Some(dir) if dir.join("dsfr.min.css").is_file() => Ok(Some(dir)),
        Some(dir) => bail!(
            "--assets: {} has no dsfr.min.css; give the dist folder of the npm package @gouvfr/dsfr",
            dir.display()
        ),
        None => Ok(service::pages::default_assets_dir()),
    }
}

async fn open(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::connect(&settings.database).await?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

async fn run_service(
    store: Arc<dyn Store>,
    config: service::Config,
    bind: SocketAddr,
    out: &mut dyn Write,
    banner: &str,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    let mut config = config;
    if config.public_url.is_empty() {
        // The address bound (port 0 resolved); an unspecified one is reached on loopback
        // here, and needs --public-url to be reached from elsewhere.
        let mut reached = address;
        if reached.ip().is_unspecified() {
            tracing::warn!(
                %address,
                "job seekers' sign-in links will point at loopback: set --public-url"
            );
            reached.set_ip(std::net::IpAddr::from([127, 0, 0, 1]));
        }
        config.public_url = format!("http://{reached}");
    }
    tracing::info!("building the sourcing engine");
    let state = Arc::new(service::AppState::new(store, config).await?);
    writeln!(
        out,
        "{banner}Passerelle is listening on http://{address} (Ctrl-C to stop)"
    )?;
    out.flush()?;
    tracing::info!(%address, "listening");
    service::serve(listener, state, service::shutdown_signal()).await?;
    writeln!(out, "stopped")?;
    Ok(())
}

pub async fn serve(
    args: ServeArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    service::init_logs(args.log_format == LogFormat::Json);
    let settings = Settings::load(config_file, args.database.as_deref())?;
    let store = open(&settings).await?;
    let config = service::Config {
        expiry_days: args.expiry_days,
        secure_cookies: args.secure_cookies,
        scoring: settings.scoring,
        assets_dir: assets_dir(args.assets)?,
        metrics_token: settings.metrics_token.clone(),
        metrics_bind: args.metrics_bind.or(settings.metrics_bind),
        delivery: settings.delivery.clone(),
        mail_from: settings.mail_from.clone(),
        // Empty: the address bound (`run_service`).
        public_url: args.public_url.clone().unwrap_or_default(),
        ..service::Config::default()
    };
    run_service(store, config, args.bind, out, "").await
}

/// One demo account, as kept in the demo folder and printed at each start.
#[derive(Debug, Serialize, Deserialize)]
struct DemoAccount {
    role: String,
    email: String,
    password: String,
    structure: String,
}

/// The France Travail agency of the first person the agency's first open offer's shortlist
/// shows, as the service serves it (the territory's policy, the served length, the order of
/// pseudonyms): the demo's advisor follows them, so the journeys meet on one referral.
async fn first_candidate_agency(
    store: &dyn Store,
    agency: i64,
    scoring: engine::ScoringConfig,
) -> anyhow::Result<Option<store::Structure>> {
    let Some(offer) = store
        .offers_of_structure(agency)
        .await?
        .into_iter()
        .filter(|o| o.record.status == store::OfferStatus::Open)
        .min_by_key(|o| o.id)
    else {
        return Ok(None);
    };
    let loaded = service::sourcing::load(store, scoring, true, &mut || {}).await?;
    let today = now().date_naive();
    let history = store.priority_policies().await?;
    let in_force =
        model::policy::in_force(&history, loaded.engine.offer_department(offer.id), today);
    let policy = engine::Policy::from_rule(&in_force.rule, service::SHORTLIST_LENGTH)
        .map_err(|e| anyhow::anyhow!("the territory's priority policy: {e}"))?;
    let mut shortlist = loaded.engine.shortlist(
        offer.id,
        &engine::ShortlistRequest {
            k: service::SHORTLIST_LENGTH,
            today,
            policy: Some(&policy),
            exposure: false,
        },
    )?;
    service::neutral_order(
        &mut shortlist.entries,
        &loaded.pseudonyms,
        service::SHORTLIST_LENGTH,
    );
    for entry in &shortlist.entries {
        if let Some(seeker) = store.job_seeker_by_id(entry.job_seeker_id).await?
            && seeker.record.consent.is_some()
        {
            return Ok(store
                .structure_by_siret(&seeker.record.agency_siret)
                .await?);
        }
    }
    Ok(None)
}

/// The structure each demo role sits in: the France Travail agency with job seekers, the
/// agence d'emploi with the most offers, a partner (Akto, FASTT, Cap emploi), and the first
/// France Travail structure for steering and administration.
async fn demo_structures(
    store: &dyn Store,
    scoring: engine::ScoringConfig,
) -> anyhow::Result<Vec<(Role, store::Structure)>> {
    let structures = store.structures().await?;
    let of_kind = |kinds: &[StructureKind]| -> Vec<&store::Structure> {
        structures
            .iter()
            .filter(|s| kinds.contains(&s.record.kind))
            .collect()
    };
    let mut best_agency: Option<(usize, &store::Structure)> = None;
    for s in of_kind(&[StructureKind::AgenceEmploi]) {
        let n = store
            .offers_of_structure(s.id)
            .await?
            .iter()
            .filter(|o| o.record.status == store::OfferStatus::Open)
            .count();
        if best_agency.is_none_or(|(best, _)| n > best) {
            best_agency = Some((n, s));
        }
    }
    let partner = of_kind(&[
        StructureKind::Fastt,
        StructureKind::Akto,
        StructureKind::CapEmploi,
    ])
    .first()
    .map(|s| (*s).clone());
    let Some((_, agency)) = best_agency else {
        bail!("the demo database lacks an agence d'emploi");
    };
    // The advisor follows the first consenting candidate of the recruiter's first open offer,
    // so that a referral the recruiter proposes there reaches the demo advisor; otherwise the
    // first France Travail agency with job seekers.
    let mut advisor_agency = first_candidate_agency(store, agency.id, scoring).await?;
    if advisor_agency.is_none() {
        for s in of_kind(&[StructureKind::FranceTravail]) {
            if !store.job_seekers_of_agency(s.id, 0, 1).await?.is_empty() {
                advisor_agency = Some(s.clone());
                break;
            }
        }
    }
    let (Some(advisor_agency), Some(partner)) = (advisor_agency, partner) else {
        bail!("the demo database lacks a France Travail agency, an agency or a partner");
    };
    let steering = of_kind(&[StructureKind::FranceTravail])
        .first()
        .map(|s| (*s).clone())
        .unwrap_or_else(|| advisor_agency.clone());
    Ok(vec![
        (Role::Advisor, advisor_agency),
        (Role::Recruiter, agency.clone()),
        (Role::AgencyManager, agency.clone()),
        (Role::Partner, partner),
        (Role::Steering, steering.clone()),
        (Role::Admin, steering),
    ])
}

/// A demo role's account: its e-mail and the name shown.
fn demo_person(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Advisor => (
            "conseiller@demo.passerelle.fr",
            "Camille Martin (conseillère)",
        ),
        Role::Recruiter => ("recruteur@demo.passerelle.fr", "Karim Benali (recruteur)"),
        Role::AgencyManager => (
            "directrice.agence@demo.passerelle.fr",
            "Sophie Laurent (directrice d'agence)",
        ),
        Role::Partner => ("partenaire@demo.passerelle.fr", "Julien Petit (partenaire)"),
        Role::Steering => (
            "pilotage@demo.passerelle.fr",
            "Nadia Moreau (pilotage régional)",
        ),
        Role::Admin => ("admin@demo.passerelle.fr", "Admin Passerelle"),
    }
}

/// The structure the demo role `role` sits in, if it has a seat.
pub(super) fn seat(seats: &[(Role, store::Structure)], role: Role) -> Option<&store::Structure> {
    seats.iter().find(|(r, _)| *r == role).map(|(_, s)| s)
}

/// A password for a generated account: 20 characters of the secret generator.
fn generated_password() -> anyhow::Result<String> {
    let secret = service::auth::new_secret().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(secret.chars().take(20).collect())
}

async fn create_account(
    store: &dyn Store,
    email: &str,
    name: &str,
    role: Role,
    structure_id: i64,
    password: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let email = domain::Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let password = password.to_string();
    let hash =
        tokio::task::spawn_blocking(move || service::auth::hash_password(&password)).await??;
    let user = store
        .create_user(
            &store::NewUser {
                email,
                display_name: name.to_string(),
                password_hash: Some(hash),
            },
            now,
        )
        .await
        .map_err(|err| match err {
            store::StoreError::Duplicate { .. } => {
                anyhow::anyhow!("--email: an account with this email exists")
            }
            other => other.into(),
        })?;
    store
        .set_membership(user.id, structure_id, role, now)
        .await?;
    store
        .append_audit(
            &store::NewAuditEvent {
                actor: None,
                action: "account.create".to_string(),
                subject_kind: "user".to_string(),
                subject_id: Some(user.id),
                detail: serde_json::json!({ "role": role.as_str(), "structure": structure_id, "by": "command line" }),
            },
            now,
        )
        .await?;
    Ok(())
}

pub async fn demo(
    args: DemoArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    service::init_logs(args.log_format == LogFormat::Json);
    let base = Settings::load(config_file, None)?;
    let dir = args.data_dir.unwrap_or_else(|| base.data_dir.join("demo"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let url = format!("sqlite://{}", dir.join("passerelle-demo.db").display());
    let settings = Settings::load(config_file, Some(&url))?;
    let store = open(&settings).await?;
    let now = now();
    if store.counts().await?.structures == 0 {
        writeln!(
            out,
            "first start: simulating a region at scale {} into {}",
            args.scale,
            dir.display()
        )?;
        crate::commands::simulate::run(
            crate::commands::simulate::SimulateArgs {
                region: "11".to_string(),
                scale: args.scale,
                seed: 42,
                as_of: now.date_naive(),
                out: None,
                database: Some(url.clone()),
            },
            config_file,
            out,
        )
        .await?;
        // The offers at risk need a model: trained on the simulated year, as known today.
        let today = crate::commands::difficulty::today_of(store.as_ref(), None).await?;
        let report = crate::commands::difficulty::train_and_keep(store.as_ref(), today).await?;
        crate::commands::difficulty::write_trained(out, &report)?;
    }
    let accounts_file = dir.join("demo-accounts.json");
    let accounts: Vec<DemoAccount> = if accounts_file.exists() {
        let text = std::fs::read_to_string(&accounts_file)
            .with_context(|| format!("reading {}", accounts_file.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not the demo's accounts file",
                accounts_file.display()
            )
        })?
    } else {
        let mut accounts = Vec::new();
        let seats = demo_structures(store.as_ref(), settings.scoring).await?;
        seed_meeting(store.as_ref(), &seats, now).await?;
        seed_action(store.as_ref(), &seats, now).await?;
        super::demo_duos::seed_duos(store.as_ref(), &seats, now).await?;
        super::demo_plans::seed_plan(store.as_ref(), &seats, now).await?;
        for (role, structure) in seats {
            let password = generated_password()?;
            let (email, name) = demo_person(role);
            if store
                .user_by_email(&domain::Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?)
                .await?
                .is_none()
            {
                create_account(
                    store.as_ref(),
                    email,
                    name,
                    role,
                    structure.id,
                    &password,
                    now,
                )
                .await?;
            }
            accounts.push(DemoAccount {
                role: role.as_str().to_string(),
                email: email.to_string(),
                password,
                structure: format!(
                    "{} ({})",
                    structure.record.name,
                    structure.record.siret.as_str()
                ),
            });
        }
        write_private(&accounts_file, &serde_json::to_string_pretty(&accounts)?)?;
        accounts
    };
    let mut banner = String::from("demo accounts (passwords generated on first start, kept in ");
    banner.push_str(&accounts_file.display().to_string());
    banner.push_str("):\n");
    for a in &accounts {
        banner.push_str(&format!(
            "  {:<15} {:<38} {}  {}\n",
            a.role, a.email, a.password, a.structure
        ));
    }
    if args.no_serve {
        write!(out, "{banner}")?;
        return Ok(());
    }
    let config = service::Config {
        scoring: settings.scoring,
        assets_dir: assets_dir(args.assets)?,
        metrics_token: settings.metrics_token.clone(),
        metrics_bind: settings.metrics_bind,
        // The demo's messages are files in its folder, unless an SMTP server is set.
        delivery: match settings.delivery {
            service::outbox::Delivery::Folder(_) => {
                service::outbox::Delivery::Folder(dir.join("outbox"))
            }
            other => other,
        },
        mail_from: settings.mail_from.clone(),
        outbox_every: std::time::Duration::from_secs(10),
        // The address bound (`run_service`).
        public_url: String::new(),
        ..service::Config::default()
    };
    if let service::outbox::Delivery::Folder(outbox) = &config.delivery {
        banner.push_str(&format!(
            "messages (registrations, reminders, job seekers' sign-in links) are written as .eml \
             files in {}\n",
            outbox.display()
        ));
    }
    run_service(store, config, args.bind, out, &banner).await
}

/// A joint information meeting in two weeks, for the department of the demo advisor's agency,
/// organised by the steering structure: every structure of the department is invited.
async fn seed_meeting(
    store: &dyn Store,
    seats: &[(Role, store::Structure)],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let (Some(advisor), Some(steering)) = (seat(seats, Role::Advisor), seat(seats, Role::Steering))
    else {
        return Ok(());
    };
    let Some(department) = refdata::geo()
        .commune(advisor.record.commune.as_str())
        .map(|c| c.department.to_string())
    else {
        return Ok(());
    };
    let invited: Vec<i64> = store
        .structures()
        .await?
        .into_iter()
        .filter(|s| {
            refdata::geo()
                .commune(s.record.commune.as_str())
                .is_some_and(|c| c.department == department)
        })
        .map(|s| s.id)
        .collect();
    let day = (now + chrono::Duration::days(14)).date_naive();
    let starts_at = day
        .and_hms_opt(8, 30, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let meeting = store
        .create_meeting(
            &store::NewMeeting {
                organiser: steering.id,
                theme: "Présentation croisée des offres de service : France Travail et agences d'emploi"
                    .to_string(),
                starts_at,
                ends_at: starts_at + chrono::Duration::hours(2),
                place: Some(format!("{}, salle de réunion", advisor.record.name)),
                online_link: None,
                capacity_on_site: 40,
                capacity_remote: 0,
                territory: department,
                created_by: None,
            },
            &invited,
            now,
        )
        .await?;
    store
        .append_audit(
            &store::NewAuditEvent {
                actor: None,
                action: "meeting.create".to_string(),
                subject_kind: "meeting".to_string(),
                subject_id: Some(meeting.id),
                detail: serde_json::json!({ "by": "demo", "invited": meeting.invited.len() }),
            },
            now,
        )
        .await?;
    Ok(())
}

/// A job dating held yesterday by the demo advisor's agency with the demo recruiter's, on the
/// recruiter's open offers, with three of the advisor's people who accepted their invitation
/// and whose attendance is still to record: what the organisers do after an action. And the
/// next one, in ten days, whose invitations to two more of the advisor's people wait for
/// their answer.
async fn seed_action(
    store: &dyn Store,
    seats: &[(Role, store::Structure)],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let Some((advisor, agency)) = super::demo_duos::advisor_and_agency(seats) else {
        return Ok(());
    };
    let offers: Vec<store::Offer> = store
        .offers_of_structure(agency.id)
        .await?
        .into_iter()
        .filter(|o| o.record.status == store::OfferStatus::Open)
        .take(2)
        .collect();
    let people: Vec<i64> = store
        .job_seekers_of_agency(advisor.id, 0, 200)
        .await?
        .into_iter()
        .filter(|p| p.record.consent.is_some() && p.record.status == store::JobSeekerStatus::Active)
        .take(5)
        .map(|p| p.id)
        .collect();
    let Some(first) = offers.first() else {
        return Ok(());
    };
    let starts_at = (now - chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(8, 30, 0)
        .map_or(now, |t| t.and_utc());
    let ends_at = starts_at + chrono::Duration::hours(3);
    let drawn_at = starts_at - chrono::Duration::days(14);
    // One of the advisor's people invited on the first offer to a session starting at
    // `session_start`, to answer by the day before.
    let invitation =
        |person: i64, session_start: chrono::DateTime<chrono::Utc>| store::NewInvitation {
            action_id: 0,
            job_seeker_id: person,
            offer_id: Some(first.id),
            agency_id: advisor.id,
            deadline: session_start - chrono::Duration::days(1),
            created_by: None,
        };
    let action = store::PastAction {
        action: store::NewAction {
            kind: store::ActionKind::JobDating,
            title: format!("Job dating partenaire — {}", first.record.title),
            description:
                "Dix minutes avec chaque recruteur de l'agence, sur ses offres difficiles \
                à pourvoir ; apportez un CV."
                    .to_string(),
            lead: advisor.id,
            partners: vec![agency.id],
            offers: offers.iter().map(|o| o.id).collect(),
            romes: offers.iter().map(|o| o.record.rome.clone()).collect(),
            commune: Some(advisor.record.commune.clone()),
            address: Some(format!(
                "{}, salle d'information collective",
                advisor.record.name
            )),
            online_link: None,
            prerequisites: Vec::new(),
            public_tags: vec![store::PublicTag::OpenToDisabledWorkers],
            gathering: store::NewGathering {
                starts_at,
                ends_at,
                capacity_on_site: 20,
                capacity_remote: 0,
            },
            created_by: None,
        },
        state: store::ActionState::Held,
        created_at: starts_at - chrono::Duration::days(21),
        attendance_closed_at: None,
        invitations: people
            .iter()
            .take(3)
            .map(|person| store::PastInvitation {
                invitation: invitation(*person, starts_at),
                drawn_at,
                state: store::InvitationState::Accepted,
                answered_at: drawn_at + chrono::Duration::days(3),
                seat: Some((store::Modality::OnSite, true, None)),
            })
            .collect(),
        outcomes: Vec::new(),
    };
    let next_start = starts_at + chrono::Duration::days(11);
    let next_drawn = now - chrono::Duration::days(1);
    let next = store::PastAction {
        action: store::NewAction {
            title: format!(
                "Job dating partenaire (2e session) — {}",
                first.record.title
            ),
            gathering: store::NewGathering {
                starts_at: next_start,
                ends_at: next_start + chrono::Duration::hours(3),
                capacity_on_site: 20,
                capacity_remote: 0,
            },
            ..action.action.clone()
        },
        state: store::ActionState::Published,
        created_at: next_drawn,
        attendance_closed_at: None,
        invitations: people
            .iter()
            .skip(3)
            .map(|person| store::PastInvitation {
                invitation: invitation(*person, next_start),
                drawn_at: next_drawn,
                state: store::InvitationState::Proposed,
                answered_at: next_drawn,
                seat: None,
            })
            .collect(),
        outcomes: Vec::new(),
    };
    store.record_past_actions(&[action, next]).await?;
    Ok(())
}

/// Writes a file only its owner may read.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

pub async fn account(
    command: AccountCommand,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let AccountCommand::Create {
        email,
        name,
        role,
        structure,
        database,
    } = command;
    let role = Role::parse(&role).ok_or_else(|| {
        anyhow::anyhow!(
            "--role: unknown role `{role}`, expected one of {}",
            Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    if name.trim().is_empty() {
        bail!("--name: empty");
    }
    let siret =
        domain::Siret::parse(&structure).map_err(|e| anyhow::anyhow!("--structure: {e}"))?;
    let settings = Settings::load(config_file, database.as_deref())?;
    let store = open(&settings).await?;
    let structure = store
        .structure_by_siret(&siret)
        .await?
        .ok_or_else(|| anyhow::anyhow!("--structure: no structure has SIRET {structure}"))?;
    if !role.fits(structure.record.kind) {
        bail!(
            "--role: a seat of role {role} cannot be in a structure of kind {}: expected a structure of \
             kind {}",
            structure.record.kind,
            role.structure_kinds()
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        );
    }
    let password = generated_password()?;
    create_account(
        store.as_ref(),
        &email,
        name.trim(),
        role,
        structure.id,
        &password,
        now(),
    )
    .await?;
    writeln!(
        out,
        "created {email} ({role} of {}); password: {password}",
        structure.record.name
    )?;
    Ok(())
}

pub async fn audit(
    command: AuditCommand,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let AuditCommand::Verify { database, json } = command;
    let settings = Settings::load(config_file, database.as_deref())?;
    let store = open(&settings).await?;
    let report = service::verify_chain(store.as_ref()).await?;
    if json {
        super::write_json(out, &report)?;
    } else if report.valid {
        writeln!(
            out,
            "audit trail intact: {} events chained{}; head {}",
            report.sealed,
            if report.before_chain > 0 {
                format!(
                    " ({} older events from before the chain)",
                    report.before_chain
                )
            } else {
                String::new()
            },
            report.head.as_deref().unwrap_or("")
        )?;
    }
    if !report.valid {
        bail!(
            "the audit trail has been tampered with: {}",
            report.error.as_deref().unwrap_or("unknown")
        );
    }
    Ok(())
}

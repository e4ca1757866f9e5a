//! `passerelle simulate`: a realistic simulated region, written as import files and/or loaded
//! into a database.

use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use simulate::{Config, Region, Summary};
use store::Store;

use super::{now, open_store};
use crate::commands::{batches, progress};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// INSEE code of the region (11: Île-de-France, the one with published figures)
    #[arg(long, default_value = "11")]
    pub(crate) region: String,
    /// Size relative to the real region: 1.0 is about 975,000 job seekers (0.001 to 5)
    #[arg(long, default_value_t = 1.0)]
    pub(crate) scale: f64,
    /// Seed: the same seed gives the same region
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// The day the simulated data describes (YYYY-MM-DD)
    #[arg(long, default_value = "2026-11-02")]
    pub(crate) as_of: NaiveDate,
    /// Write structures.csv, demandeurs.csv and offres.json into this folder
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Load the region into this database (sqlite://PATH or postgres://...)
    #[arg(long, value_name = "URL")]
    pub(crate) database: Option<String>,
}

/// Records per batch, generated on a thread of their own.
const BATCH: u64 = 10_000;

struct Files {
    structures: PathBuf,
    job_seekers: BufWriter<std::fs::File>,
    offers: BufWriter<std::fs::File>,
}

fn create(dir: &Path, name: &str) -> anyhow::Result<BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// Streams `total` records drawn by `draw`, in batches generated on a thread of their own,
/// each to `take` (the summary, the files) and each batch to `load` (the store, if any): a
/// record the store refuses, one `one`, stops the run.
async fn stream<T: Send + 'static>(
    (total, what, one): (u64, &'static str, &str),
    draw: impl Fn(u64) -> Option<T> + Send + 'static,
    mut take: impl FnMut(&T) -> std::io::Result<()>,
    load: Option<impl AsyncFn(&[T]) -> store::Result<store::BulkReport>>,
) -> anyhow::Result<()> {
    let bar = progress(total, what);
    let mut receiver = batches(total, BATCH, draw);
    while let Some(batch) = receiver.recv().await {
        for record in &batch {
            take(record)?;
        }
        if let Some(load) = &load {
            let report = load(&batch).await?;
            if let Some((_, reason)) = report.rejected.first() {
                bail!("the database refused a simulated {one}: {reason}");
            }
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
}

/// Writes `records` through `write`, `size` at a time, counting them on a bar of `what`.
async fn in_chunks<T, R>(
    records: &[T],
    size: usize,
    what: &'static str,
    write: impl AsyncFn(&[T]) -> store::Result<R>,
) -> anyhow::Result<()> {
    let bar = progress(records.len() as u64, what);
    for chunk in records.chunks(size) {
        write(chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
}

pub async fn run(
    args: SimulateArgs,
    config_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.out.is_none() && args.database.is_none() {
        bail!("say where the region goes: --out DIR (import files), --database URL, or both");
    }
    let config = Config::new(&args.region, args.scale, args.seed, args.as_of)
        .map_err(|e| anyhow::anyhow!(e))?;
    let region = std::sync::Arc::new(Region::new(config).map_err(|e| anyhow::anyhow!(e))?);
    let now = now();

    let store: Option<std::sync::Arc<dyn Store>> = match &args.database {
        Some(url) => {
            let settings = Settings::load(config_file, Some(url))?;
            Some(open_store(&settings).await?)
        }
        None => None,
    };
    let mut files = match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            Some(Files {
                structures: dir.join("structures.csv"),
                job_seekers: create(dir, "demandeurs.csv")?,
                offers: create(dir, "offres.json")?,
            })
        }
        None => None,
    };

    let mut summary = Summary::default();
    for structure in region.structures() {
        summary.add_structure(structure);
    }
    if let Some(files) = &files {
        let mut file = create(
            files.structures.parent().unwrap_or(Path::new(".")),
            "structures.csv",
        )?;
        exchange::structures::write_csv(region.structures(), &mut file)?;
        file.flush()?;
    }
    // The actions', duos' and directory's reference time: now on the day simulated, else
    // its noon.
    let reference = if args.as_of == now.date_naive() {
        now
    } else {
        args.as_of
            .and_hms_opt(12, 0, 0)
            .map_or(now, |t| t.and_utc())
    };
    // The directory at the end of its year of self-service (`simulate::directory_edits`): the
    // files hold what it shows on the day, the database its year.
    let directory =
        simulate::directory_edits::plan(&region.services(), reference, region.config().seed());
    let services = directory.published();
    if let Some(files) = &files {
        // The shared directory, in data·inclusion v1: import with `passerelle import directory`.
        let dir = files
            .structures
            .parent()
            .unwrap_or(Path::new("."))
            .join("annuaire");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let structures: Vec<_> = region
            .structures()
            .iter()
            .map(|s| (s.clone(), args.as_of))
            .collect();
        for (name, value) in [
            (
                "structures.json",
                exchange::inclusion::write_structures(&structures, &Default::default()),
            ),
            (
                "services.json",
                exchange::inclusion::write_services(&services),
            ),
        ] {
            let mut file = create(&dir, name)?;
            serde_json::to_writer_pretty(&mut file, &value)?;
            writeln!(file)?;
            file.flush()?;
        }
    }
    if let Some(store) = &store {
        let report = store.upsert_structures(region.structures(), now).await?;
        if !report.rejected.is_empty() {
            bail!(
                "the database refused simulated structures: {:?}",
                report.rejected.first()
            );
        }
        let report = store
            .upsert_services(&directory.imported(), directory.start)
            .await?;
        if !report.rejected.is_empty() {
            bail!(
                "the database refused simulated services: {:?}",
                report.rejected.first()
            );
        }
    }

    let mut writer = match files.as_mut() {
        Some(files) => Some(exchange::job_seekers_csv::Writer::new(
            &mut files.job_seekers,
        )?),
        None => None,
    };
    let generator = region.clone();
    stream(
        (region.job_seeker_count(), "job seekers", "job seeker"),
        move |i| generator.job_seeker(i),
        |seeker| {
            summary.add_job_seeker(seeker);
            writer.as_mut().map_or(Ok(()), |w| w.write(seeker))
        },
        store
            .as_ref()
            .map(|s| async move |batch: &[_]| s.upsert_job_seekers(batch, now).await),
    )
    .await?;
    writer.map(|w| w.finish()).transpose()?;

    let mut writer = match files.as_mut() {
        Some(files) => Some(exchange::offers_json::Writer::new(&mut files.offers)?),
        None => None,
    };
    let generator = region.clone();
    stream(
        (region.offer_count(), "offers", "offer"),
        move |i| generator.offer(i),
        |offer| {
            summary.add_offer(offer);
            writer.as_mut().map_or(Ok(()), |w| w.write(offer))
        },
        store
            .as_ref()
            .map(|s| async move |batch: &[_]| s.upsert_offers(batch, now).await),
    )
    .await?;
    writer.map(|w| w.finish()).transpose()?;
    if let Some(files) = files.as_mut() {
        files.job_seekers.flush()?;
        files.offers.flush()?;
    }

    // The training catalogue: an LHEO file beside the others, and the store's catalogue.
    let mut catalogue = simulate::trainings::catalogue(region.config());
    catalogue.sort_by(|a, b| {
        (&a.formation_ref, &a.action_ref, &a.session_ref).cmp(&(
            &b.formation_ref,
            &b.action_ref,
            &b.session_ref,
        ))
    });
    if let Some(dir) = &args.out {
        let mut file = create(dir, "formations.xml")?;
        exchange::lheo::write(&mut file, &catalogue).context("writing formations.xml")?;
        file.flush()?;
    }
    let sessions = catalogue.len();
    if let Some(store) = &store {
        write_catalogue(store.as_ref(), catalogue, now).await?;
    }

    let planned = match &store {
        Some(store) => {
            let inputs = gather(store.as_ref()).await?;
            let (actions, mut hired, year_of_actions) =
                simulate_actions(store.as_ref(), &region, reference, &inputs).await?;
            let duos = simulate_duos(store.as_ref(), &region, reference, &inputs).await?;
            let plans =
                super::simulate_plans::simulate_plans(store.as_ref(), &region, reference, &inputs)
                    .await?;
            // The year's shared evaluations, the results of the actions' MRS sessions among them.
            let evaluations = simulate_evaluations(
                store.as_ref(),
                &region,
                reference,
                &inputs,
                &year_of_actions,
            )
            .await?;
            drop(year_of_actions);
            for offer in &plans.hired {
                *hired.entry(*offer).or_default() += 1;
            }
            let taken = plans.referrals.iter().copied().collect();
            let sourcing = simulate_sourcing(
                store.as_ref(),
                &region,
                reference,
                &inputs,
                (&taken, &hired),
            )
            .await?;
            // The year of the structures' self-service, signed by their members (the meeting
            // référents among them, now stored).
            let members = super::simulate_directory::members(store.as_ref()).await?;
            let edits =
                super::simulate_directory::write_year(store.as_ref(), &directory, &members).await?;
            Some((actions, duos, plans, evaluations, sourcing, edits))
        }
        None => None,
    };

    let region_name = refdata::geo().region(&args.region).map_or("", |r| r.name);
    let catalogue_line = format!("training catalogue: {sessions} sessions (LHEO 2.3)");
    writeln!(
        out,
        "simulated region {} {region_name}, scale {}, seed {}, as of {}",
        args.region, args.scale, args.seed, args.as_of
    )?;
    if let Some(dir) = &args.out {
        writeln!(
            out,
            "files: {} (import with passerelle import structures|job-seekers|offers|directory|trainings)",
            [
                "structures.csv",
                "demandeurs.csv",
                "offres.json",
                "annuaire/",
                "formations.xml"
            ]
            .map(|f| dir.join(f).display().to_string())
            .join(", ")
        )?;
    }
    if let Some(url) = &args.database {
        let url =
            store::DatabaseUrl::parse(url).map_err(|e| anyhow::anyhow!("database URL: {e}"))?;
        writeln!(out, "loaded into {url}")?;
    }
    writeln!(
        out,
        "directory: {} services of {} structures (data·inclusion v1)",
        services.len(),
        region.structures().len()
    )?;
    writeln!(out, "{catalogue_line}")?;
    if let Some(((actions, invitations, outcomes), duos, plans, evaluations, sourcing, edits)) =
        planned
    {
        writeln!(
            out,
            "actions: {actions} co-organised over the past year and the next four weeks, \
             {invitations} invitations, {outcomes} outcomes"
        )?;
        writeln!(
            out,
            "duos: {} mentors of the agences d'emploi, {} duos over the past year ({} active \
             now), {} contacts, {} outcomes",
            duos.mentors, duos.duos, duos.active, duos.contacts, duos.outcomes
        )?;
        writeln!(
            out,
            "training before hiring: {} plans over the past year ({} ended in a hire, {} \
             abandoned), each grown from its referral",
            plans.plans,
            plans.hired.len(),
            plans.abandoned
        )?;
        writeln!(
            out,
            "evaluations: {} recorded over the past year (MRS {}, CACES {}, language {}, \
             skills assessment {}), {} people sharing them",
            evaluations.recorded,
            evaluations.mrs,
            evaluations.caces,
            evaluations.language,
            evaluations.skills_assessment,
            evaluations.sharing
        )?;
        writeln!(
            out,
            "sourcing: {} referrals over the past year ({} hires), {} joint meetings",
            sourcing.referrals, sourcing.hires, sourcing.meetings
        )?;
        writeln!(
            out,
            "directory self-service: over the past year {} services written in the form, {} \
             edited, {} confirmed unchanged, {} suspended, {} deleted (archived)",
            edits.created, edits.edited, edits.confirmed, edits.suspended, edits.archived
        )?;
    }
    if let Some(store) = &store {
        // A year of history loaded at once: the planner's statistics refreshed, as an
        // import's nightly maintenance would.
        store.refresh_statistics().await?;
    }
    write!(out, "{summary}")?;
    Ok(())
}

/// Writes the simulated catalogue into the store, in one transaction as an import does.
async fn write_catalogue(
    store: &dyn Store,
    catalogue: Vec<model::trainings::TrainingSessionRecord>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let bar = progress(catalogue.len() as u64, "training sessions");
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let feeder = {
        let bar = bar.clone();
        tokio::spawn(async move {
            for chunk in catalogue.chunks(BATCH as usize) {
                if sender
                    .send(store::TrainingBatch::Sessions(chunk.to_vec()))
                    .await
                    .is_err()
                {
                    return;
                }
                bar.inc(chunk.len() as u64);
            }
            let _ = sender.send(store::TrainingBatch::End).await;
        })
    };
    let report = store.import_training_sessions(receiver, now).await?;
    feeder
        .await
        .map_err(|_| anyhow::anyhow!("the catalogue's writer stopped unexpectedly"))?;
    bar.finish_and_clear();
    if let Some((_, reason)) = report.rejected.first() {
        bail!("the database refused a simulated training session: {reason}");
    }
    Ok(())
}

/// What the actions and the duos are planned from: the France Travail agencies and the
/// agences d'emploi, the agencies' offers, the consenting active job seekers.
pub(crate) struct Gathered {
    pub(crate) organisers: Vec<simulate::actions::Organiser>,
    pub(crate) offers: Vec<simulate::actions::OpenOffer>,
    pub(crate) candidates: Vec<simulate::actions::Candidate>,
    /// The priority statuses each candidate discloses to agencies, for those who disclose
    /// any (a consent recorded later keeps them).
    pub(crate) disclosed: HashMap<i64, Vec<store::PriorityStatus>>,
}

impl Gathered {
    /// What the actions', duos' and evaluations' plans are drawn from: what was gathered, the
    /// reference time `now`, the region's size and seed.
    fn plan_inputs(
        &self,
        region: &Region,
        now: chrono::DateTime<chrono::Utc>,
    ) -> simulate::actions::Inputs<'_> {
        simulate::actions::Inputs {
            organisers: &self.organisers,
            offers: &self.offers,
            candidates: &self.candidates,
            now,
            job_seekers: region.job_seeker_count(),
            seed: region.config().seed(),
        }
    }
}

/// Reads from the store what the actions and the duos are planned from.
async fn gather(store: &dyn Store) -> anyhow::Result<Gathered> {
    use simulate::actions::{Candidate, OpenOffer, Organiser};
    let department_of = |commune: &str| {
        refdata::geo()
            .commune(commune)
            .map(|c| c.department.to_string())
    };
    let mut organisers = Vec::new();
    for s in store.structures().await? {
        let france_travail = s.record.kind == store::StructureKind::FranceTravail;
        if !france_travail && s.record.kind != store::StructureKind::AgenceEmploi {
            continue;
        }
        if let Some(department) = department_of(s.record.commune.as_str()) {
            organisers.push(Organiser {
                id: s.id,
                name: s.record.name.clone(),
                department,
                commune: s.record.commune.as_str().to_string(),
                france_travail,
            });
        }
    }
    let bar = progress(organisers.len() as u64, "offers and people");
    let mut offers = Vec::new();
    let mut candidates = Vec::new();
    let mut disclosed = HashMap::new();
    for organiser in &organisers {
        if organiser.france_travail {
            let mut after = 0;
            loop {
                let page = store
                    .job_seekers_of_agency(organiser.id, after, 5_000)
                    .await?;
                let Some(last) = page.last() else {
                    break;
                };
                after = last.id;
                for seeker in &page {
                    let r = &seeker.record;
                    if r.consent.is_none() || r.status != store::JobSeekerStatus::Active {
                        continue;
                    }
                    let (Some(department), Some(consent)) =
                        (department_of(r.commune.as_str()), r.consent)
                    else {
                        continue;
                    };
                    let shown: Vec<store::PriorityStatus> = r
                        .priorities
                        .iter()
                        .filter(|(_, d)| **d == store::Disclosure::Disclosed)
                        .map(|(status, _)| *status)
                        .collect();
                    if !shown.is_empty() {
                        disclosed.insert(seeker.id, shown);
                    }
                    candidates.push(Candidate {
                        id: seeker.id,
                        agency: organiser.id,
                        department,
                        romes: r
                            .targets
                            .as_slice()
                            .iter()
                            .map(|t| t.rome.as_str().to_string())
                            .collect(),
                        priorities: r.priorities.keys().copied().collect(),
                        consent,
                        registered_on: r.registered_on,
                    });
                }
            }
        } else {
            for offer in store.offers_of_structure(organiser.id).await? {
                let r = offer.record;
                offers.push(OpenOffer {
                    id: offer.id,
                    owner: organiser.id,
                    department: department_of(r.commune.as_str())
                        .unwrap_or_else(|| organiser.department.clone()),
                    rome: r.rome.as_str().to_string(),
                    title: r.title,
                    published_at: r.published_at,
                    closed_at: r.closed_at,
                    positions: r.positions,
                    status: r.status,
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Gathered {
        organisers,
        offers,
        candidates,
        disclosed,
    })
}

/// The region's year of co-organised actions (`simulate::actions`), planned from what the
/// store now holds and written whole: (actions, invitations, outcomes), the hires they
/// recorded per offer, and the actions themselves (the evaluations record their MRS results).
async fn simulate_actions(
    store: &dyn Store,
    region: &Region,
    now: chrono::DateTime<chrono::Utc>,
    inputs: &Gathered,
) -> anyhow::Result<(
    (usize, usize, usize),
    HashMap<i64, u32>,
    Vec<model::PastAction>,
)> {
    let plan = simulate::actions::plan(&inputs.plan_inputs(region, now));
    let invitations = plan.iter().map(|a| a.invitations.len()).sum();
    let outcomes = plan.iter().map(|a| a.outcomes.len()).sum();
    let mut hired: HashMap<i64, u32> = HashMap::new();
    for (outcome, _) in plan.iter().flat_map(|a| &a.outcomes) {
        if let (model::OutcomeKind::Hire, Some(offer)) = (outcome.kind, outcome.offer_id) {
            *hired.entry(offer).or_default() += 1;
        }
    }
    in_chunks(&plan, 50, "actions", async |chunk: &[_]| {
        store.record_past_actions(chunk).await
    })
    .await?;
    Ok(((plan.len(), invitations, outcomes), hired, plan))
}

/// What the year of duos wrote.
struct DuoTotals {
    mentors: usize,
    duos: usize,
    active: usize,
    contacts: usize,
    outcomes: usize,
}

/// The region's year of duos (`simulate::duos`), planned from what the store now holds: the
/// mentors registered first (each at its time), then the duos, their mentors' ids set.
async fn simulate_duos(
    store: &dyn Store,
    region: &Region,
    now: chrono::DateTime<chrono::Utc>,
    inputs: &Gathered,
) -> anyhow::Result<DuoTotals> {
    let plan = simulate::duos::plan(&inputs.plan_inputs(region, now));
    let bar = progress(plan.mentors.len() as u64, "mentors");
    let mut ids = Vec::with_capacity(plan.mentors.len());
    for planned in &plan.mentors {
        ids.push(
            store
                .create_mentor(&planned.mentor, planned.created_at)
                .await?
                .id,
        );
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut duos = Vec::with_capacity(plan.duos.len());
    for planned in &plan.duos {
        let Some(mentor_id) = ids.get(planned.mentor) else {
            bail!(
                "a simulated duo's mentor {} was not planned",
                planned.mentor
            );
        };
        let mut past = planned.duo.clone();
        past.duo.mentor_id = *mentor_id;
        duos.push(past);
    }
    in_chunks(&duos, 50, "duos", async |chunk: &[_]| {
        store.record_past_duos(chunk).await
    })
    .await?;
    Ok(DuoTotals {
        mentors: ids.len(),
        duos: duos.len(),
        active: duos
            .iter()
            .filter(|d| d.state == store::DuoState::Active)
            .count(),
        contacts: duos.iter().map(|d| d.contacts.len()).sum(),
        outcomes: duos.iter().map(|d| d.outcomes.len()).sum(),
    })
}

/// What the year of evaluations wrote.
struct EvaluationTotals {
    recorded: usize,
    mrs: usize,
    caces: usize,
    language: usize,
    skills_assessment: usize,
    sharing: usize,
}

/// The region's year of shared evaluations (`simulate::evaluations`), planned from what the
/// store now holds and the year of actions (their MRS sessions' results): each evaluation
/// checked as the service checks one and recorded at its time by its structure, then each
/// person's shared kinds recorded with their consent, keeping its scope and the disclosures
/// as they are, given in person.
async fn simulate_evaluations(
    store: &dyn Store,
    region: &Region,
    now: chrono::DateTime<chrono::Utc>,
    inputs: &Gathered,
    actions: &[model::PastAction],
) -> anyhow::Result<EvaluationTotals> {
    use model::evaluations::EvaluationKind;
    let plan = simulate::evaluations::plan(&inputs.plan_inputs(region, now), actions);
    let is_caces = |ogr: &str| {
        refdata::rome()
            .skill(ogr)
            .is_some_and(|s| model::evaluations::is_certificate_label(s.label))
    };
    let is_rome = |code: &str| refdata::rome().occupation(code).is_some();
    // Every record checked as the service checks it, then the year written in one transaction
    // (one per person and record would make the region's simulation minutes longer).
    let mut evaluations = Vec::with_capacity(plan.evaluations.len());
    for planned in &plan.evaluations {
        let record = planned
            .record
            .clone()
            .checked(is_caces, is_rome, now.date_naive())
            .map_err(|problem| {
                anyhow::anyhow!(
                    "a simulated evaluation of job seeker {} is wrong: {problem} ({:?})",
                    planned.job_seeker_id,
                    planned.record
                )
            })?;
        evaluations.push((
            planned.job_seeker_id,
            planned.structure_id,
            record,
            planned.recorded_at,
        ));
    }
    let consents: HashMap<i64, store::ConsentScope> = inputs
        .candidates
        .iter()
        .map(|c| (c.id, c.consent.scope))
        .collect();
    let mut sharings = Vec::with_capacity(plan.sharing.len());
    for planned in &plan.sharing {
        // Only a person with a consent shares anything: its scope and the disclosures are
        // kept as they were gathered (nothing since has changed them).
        let Some(scope) = consents.get(&planned.job_seeker_id) else {
            bail!(
                "a simulated sharing's job seeker {} has no consent",
                planned.job_seeker_id
            );
        };
        let change = model::ConsentChange {
            scope: Some(*scope),
            channel: model::ConsentChannel::InPerson,
            disclosed: inputs
                .disclosed
                .get(&planned.job_seeker_id)
                .cloned()
                .unwrap_or_default(),
            shared_evaluations: planned.kinds.clone(),
        };
        sharings.push((planned.job_seeker_id, change, planned.at));
    }
    store
        .record_past_evaluations(&evaluations, &sharings)
        .await
        .context("writing the year of evaluations")?;
    Ok(EvaluationTotals {
        recorded: plan.evaluations.len(),
        mrs: plan.count(EvaluationKind::Mrs),
        caces: plan.count(EvaluationKind::Caces),
        language: plan.count(EvaluationKind::Language),
        skills_assessment: plan.count(EvaluationKind::SkillsAssessment),
        sharing: plan.sharing.len(),
    })
}

/// What the year of sourcing wrote.
struct SourcingTotals {
    referrals: usize,
    hires: usize,
    meetings: usize,
}

/// The region's year of sourcing (`simulate::referrals`), planned from what the store now
/// holds after the actions and the plans (`taken`: the plans' referrals, never proposed
/// again; `hired`: the hires already recorded per offer), written in bulk; then its joint
/// meetings, their référents created as users (no password: they cannot sign in) with a seat
/// in their structure first.
async fn simulate_sourcing(
    store: &dyn Store,
    region: &Region,
    now: chrono::DateTime<chrono::Utc>,
    inputs: &Gathered,
    (taken, hired): (&HashSet<(i64, i64)>, &HashMap<i64, u32>),
) -> anyhow::Result<SourcingTotals> {
    let inputs = simulate::referrals::Inputs {
        organisers: &inputs.organisers,
        offers: &inputs.offers,
        candidates: &inputs.candidates,
        taken,
        hired,
        now,
        seed: region.config().seed(),
    };
    let referrals = simulate::referrals::plan(&inputs);
    in_chunks(&referrals, 10_000, "referrals", async |chunk: &[_]| {
        store.record_past_referrals(chunk).await
    })
    .await?;
    let plan = simulate::referrals::meetings(&inputs);
    let bar = progress(plan.staff.len() as u64, "meeting référents");
    let mut users = Vec::with_capacity(plan.staff.len());
    for staff in &plan.staff {
        let email = domain::Email::parse(&staff.email)
            .map_err(|e| anyhow::anyhow!("a simulated référent's e-mail: {e}"))?;
        let id = match store.user_by_email(&email).await? {
            Some(user) => user.id,
            None => {
                let user = store
                    .create_user(
                        &store::NewUser {
                            email,
                            display_name: format!("{} {}", staff.first_name, staff.last_name),
                            password_hash: None,
                        },
                        staff.created_at,
                    )
                    .await?;
                store
                    .set_membership(user.id, staff.structure, staff.role, staff.created_at)
                    .await?;
                user.id
            }
        };
        users.push(id);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut meetings = Vec::with_capacity(plan.meetings.len());
    for planned in plan.meetings {
        let mut past = planned.meeting;
        for (registration, staff) in past.registrations.iter_mut().zip(&planned.staff) {
            let Some(user) = users.get(*staff) else {
                bail!("a simulated meeting's référent {staff} was not planned");
            };
            registration.participant = store::Participant::User(*user);
        }
        meetings.push(past);
    }
    in_chunks(&meetings, 50, "joint meetings", async |chunk: &[_]| {
        store.record_past_meetings(chunk).await
    })
    .await?;
    Ok(SourcingTotals {
        hires: referrals
            .iter()
            .filter(|r| r.state() == store::ReferralState::Hired)
            .count(),
        referrals: referrals.len(),
        meetings: meetings.len(),
    })
}

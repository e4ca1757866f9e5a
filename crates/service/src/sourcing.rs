//! The sourcing engine built from the store: what the service keeps in memory and the command
//! line builds per command.

use std::collections::HashMap;

use anyhow::Context;
use engine::{Engine, ScoringConfig};
use store::{Offer, Store};

/// The engine and what is shown beside it.
pub struct Loaded {
    pub engine: Engine,
    /// Pseudonym of each job seeker, by id: what recruiters see before acceptance.
    pub pseudonyms: HashMap<i64, String>,
    pub offers: HashMap<i64, Offer>,
    /// Records the engine could not take (a code unknown to the reference data).
    pub skipped: u64,
    /// Time spent building the engine (the rest of the load is reading the store).
    pub building: std::time::Duration,
}

impl Loaded {
    /// Takes a new or changed offer into the engine (a closed one leaves it).
    pub fn upsert_offer(&mut self, offer: Offer) -> Result<(), engine::UnknownCode> {
        self.engine.upsert_offer(&offer)?;
        if offer.record.status == store::OfferStatus::Open {
            self.offers.insert(offer.id, offer);
        } else {
            self.offers.remove(&offer.id);
        }
        Ok(())
    }
}

/// What a refresh took in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub job_seekers: usize,
    pub offers: usize,
}

/// Takes into the engine the job seekers and offers written at or after `since` (by another
/// instance, an import, an API write): each is re-read and replaces what the engine held.
pub async fn refresh(
    store: &dyn Store,
    loaded: &std::sync::RwLock<Loaded>,
    since: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Refreshed> {
    let profiles = store.sourcing_profiles_changed_since(since).await?;
    let offers = store.offers_changed_since(since).await?;
    let done = Refreshed {
        job_seekers: profiles.len(),
        offers: offers.len(),
    };
    let mut loaded = loaded.write().unwrap_or_else(|e| e.into_inner());
    for profile in profiles {
        if loaded.engine.upsert_profile(&profile).is_ok() {
            loaded.pseudonyms.insert(profile.id, profile.pseudonym);
        }
    }
    for offer in offers {
        let _ = loaded.upsert_offer(offer);
    }
    Ok(done)
}

/// Takes into this instance's engine, within about `Config::changes_every`, the consent and
/// disclosures changed on any instance, as the store's change log has them
/// (`store::changes`): woken by a notification on PostgreSQL, reading at least that often
/// anyway. The retention sweep forgets the changes after two days (`model::retention`).
pub async fn follow_changes(state: std::sync::Arc<crate::AppState>) {
    let mut cursor = loop {
        match state.store.change_cursor().await {
            Ok(cursor) => break cursor,
            Err(err) => {
                tracing::error!(error = %err, "change log not readable: trying again");
                tokio::time::sleep(
                    state
                        .config
                        .changes_every
                        .max(std::time::Duration::from_secs(1)),
                )
                .await;
            }
        }
    };
    loop {
        if let Err(err) = state
            .store
            .wait_for_change(state.config.changes_every)
            .await
        {
            tracing::debug!(error = %err, "waiting for changes");
        }
        match take_changes(&state, cursor).await {
            Ok((taken, next)) => {
                if taken > 0 {
                    tracing::debug!(job_seekers = taken, "changes taken in");
                }
                cursor = next;
            }
            Err(err) => tracing::error!(error = %err, "change log not read: trying again"),
        }
    }
}

/// Reads the changes after `cursor` and takes each person into the engine as stored now;
/// how many, and the cursor after them.
pub async fn take_changes(state: &crate::AppState, cursor: i64) -> anyhow::Result<(usize, i64)> {
    let (ids, next) = state.store.changes_after(cursor).await?;
    let mut people = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(person) = state.store.job_seeker_by_id(*id).await? {
            people.push(person);
        }
    }
    let mut loaded = state.sourcing.write().unwrap_or_else(|e| e.into_inner());
    for person in &people {
        if let Err(err) = loaded.engine.upsert_job_seeker(person) {
            tracing::warn!(job_seeker = person.id, %err, "job seeker left out of the engine");
        }
    }
    Ok((people.len(), next))
}

/// Builds the engine from every structure, job seeker and open offer of the store. With
/// `details`, also keeps pseudonyms and offers for display. `tick` is called once per job
/// seeker read (for a progress display).
#[allow(clippy::disallowed_methods)] // measures its own work, for `bench engine`
pub async fn load(
    store: &dyn Store,
    config: ScoringConfig,
    details: bool,
    tick: &mut (dyn FnMut() + Send),
) -> anyhow::Result<Loaded> {
    let mut engine = Engine::new(config)?;
    let structures = store.structures().await.context("reading structures")?;
    engine.set_structures(&structures);
    let mut pseudonyms = HashMap::new();
    let mut skipped = 0u64;
    let mut building = std::time::Duration::ZERO;
    store
        .stream_sourcing_profiles(&mut |seeker| {
            tick();
            let start = std::time::Instant::now();
            if engine.upsert_profile(&seeker).is_err() {
                skipped += 1;
            } else if details {
                pseudonyms.insert(seeker.id, seeker.pseudonym);
            }
            building += start.elapsed();
            Ok(())
        })
        .await
        .context("reading job seekers")?;
    let offers = store
        .load_open_offers()
        .await
        .context("reading open offers")?;
    let mut kept = HashMap::new();
    for offer in offers {
        if engine.upsert_offer(&offer).is_err() {
            skipped += 1;
        } else if details {
            kept.insert(offer.id, offer);
        }
    }
    let start = std::time::Instant::now();
    engine.compact();
    building += start.elapsed();
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "records left out of the engine: a code they hold is unknown to the reference data"
        );
    }
    Ok(Loaded {
        engine,
        pseudonyms,
        offers: kept,
        skipped,
        building,
    })
}

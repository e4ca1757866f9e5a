//! Engines over hand-made records and over a simulated region.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use engine::{Engine, ScoringConfig};
use model::{JobSeeker, JobSeekerRecord, Offer, OfferRecord, Structure, StructureRecord};

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn stamp() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
}

pub fn stored_seeker(id: i64, record: JobSeekerRecord) -> JobSeeker {
    JobSeeker {
        id,
        pseudonym: format!("DE-{id:016x}"),
        record,
        created_at: stamp(),
        updated_at: stamp(),
        proven_skills: Vec::new(),
    }
}

pub fn stored_offer(id: i64, record: OfferRecord) -> Offer {
    Offer {
        id,
        record,
        created_at: stamp(),
        updated_at: stamp(),
    }
}

pub fn stored_structure(id: i64, record: StructureRecord) -> Structure {
    Structure {
        id,
        record,
        created_at: stamp(),
        updated_at: stamp(),
    }
}

/// A simulated region's records, with ids from 1 in index order.
pub struct Simulated {
    pub engine: Engine,
    pub seekers: Vec<JobSeeker>,
    pub offers: Vec<Offer>,
    pub today: NaiveDate,
}

pub fn simulated(scale: f64, seed: u64, compact: bool) -> Simulated {
    let today = day("2026-11-02");
    let region =
        simulate::Region::new(simulate::Config::new("11", scale, seed, today).unwrap()).unwrap();
    let mut engine = Engine::new(ScoringConfig::default()).unwrap();
    let structures: Vec<Structure> = region
        .structures()
        .iter()
        .enumerate()
        .map(|(i, r)| stored_structure(i as i64 + 1, r.clone()))
        .collect();
    engine.set_structures(&structures);
    let seekers: Vec<JobSeeker> = (0..region.job_seeker_count())
        .filter_map(|i| region.job_seeker(i))
        .enumerate()
        .map(|(i, r)| stored_seeker(i as i64 + 1, r))
        .collect();
    for s in &seekers {
        engine.upsert_job_seeker(s).unwrap();
    }
    let offers: Vec<Offer> = (0..region.offer_count())
        .filter_map(|i| region.offer(i))
        .enumerate()
        .map(|(i, r)| stored_offer(i as i64 + 1, r))
        .collect();
    for o in &offers {
        engine.upsert_offer(o).unwrap();
    }
    if compact {
        engine.compact();
        // An update after compaction lands where it should.
        if let Some(first) = seekers.first() {
            engine.upsert_job_seeker(first).unwrap();
        }
    }
    Simulated {
        engine,
        seekers,
        offers,
        today,
    }
}

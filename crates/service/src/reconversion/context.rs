//! What the reconversion paths read of the region, gathered once: the open offers by
//! occupation and commune, the local figures by occupation and department (offers of the last
//! twelve months, active job seekers), and the training sessions by occupation. Built from the
//! store's own reads, then shared by every person's paths (a region's 975,000 paths read it
//! alone, never the database).

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use model::trainings::TrainingSession;
use model::{Offer, OfferGroup, SeekerGroup};

/// Open offers of one occupation in one commune.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OfferPlace {
    pub point: (f64, f64),
    pub offers: u32,
}

/// A session as the paths use it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionBrief {
    pub id: i64,
    pub title: String,
    pub point: (f64, f64),
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub hours: Option<u32>,
    pub body: String,
    pub city: String,
    /// The whole record, for the schemes that fund it.
    pub record: std::sync::Arc<model::trainings::TrainingSessionRecord>,
}

/// The sessions of one occupation taught at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionPlace {
    pub point: (f64, f64),
    pub sessions: Vec<SessionBrief>,
}

/// The local figures of an occupation in a department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Local {
    /// Offers published in the twelve months before the day.
    pub offers: u64,
    /// Active job seekers living in the department who target the occupation.
    pub seekers: u64,
}

impl Local {
    /// Offers per job seeker, when there is a job seeker to divide by.
    pub fn ratio(self) -> Option<f64> {
        (self.seekers > 0).then(|| self.offers as f64 / self.seekers as f64)
    }

    /// Offers per ten job seekers, withheld (none) when either count is under the secret
    /// threshold (`tension::SECRET_BELOW`).
    pub fn shown_per_10(self) -> Option<f64> {
        let secret = crate::tension::SECRET_BELOW;
        (self.offers >= secret && self.seekers >= secret)
            .then(|| self.offers as f64 * 10.0 / self.seekers as f64)
    }
}

/// What is within one reach of one home: open offers and whether a session is taught, by
/// occupation (indexed by the occupations' positions in the ROME, `refdata::Rome::index_of`).
#[derive(Debug, Default)]
pub struct Within {
    offers: Vec<u32>,
    sessions: Vec<bool>,
}

impl Within {
    /// Open offers within reach of the occupation at `index`.
    pub fn offers_at(&self, index: usize) -> u32 {
        self.offers.get(index).copied().unwrap_or(0)
    }

    /// Whether a session leading to the occupation at `index` is taught within reach.
    pub fn has_session_at(&self, index: usize) -> bool {
        self.sessions.get(index).copied().unwrap_or(false)
    }
}

/// A home and a reach, as a key: people of one commune with one commute limit share what is
/// within their reach.
type ReachKey = (u64, u64, u32);

/// The region as the paths read it.
#[derive(Debug, Default)]
pub struct Context {
    pub day: NaiveDate,
    offers: HashMap<String, Vec<OfferPlace>>,
    /// By occupation, then department.
    local: HashMap<String, HashMap<String, Local>>,
    /// By occupation, the places where sessions are taught, each with its sessions.
    sessions: HashMap<String, Vec<SessionPlace>>,
    /// The official tension class of every occupation (by its index in the ROME), by
    /// department (of the departments the region's people live in), looked up once.
    classes: HashMap<String, Vec<Option<u8>>>,
    /// What is within each reach already asked for (a region has a few thousand communes and
    /// commute limits for its hundreds of thousands of people): counted at the first ask.
    within: std::sync::RwLock<HashMap<ReachKey, std::sync::Arc<Within>>>,
}

impl Context {
    /// Gathers the region on `day`: `open_offers` (placed at their coordinates, or their
    /// commune's), `offer_groups` of the twelve months before `day` and `seeker_groups` of
    /// today's portfolio (the local tension's own counts), and the catalogue's `sessions` not
    /// yet started on `day` (placed at their coordinates or their commune's; a session without
    /// a known start or place is left out: nobody can be sent to it).
    pub fn build(
        day: NaiveDate,
        open_offers: &[Offer],
        offer_groups: &[OfferGroup],
        seeker_groups: &[SeekerGroup],
        sessions: &[TrainingSession],
    ) -> Self {
        let geo = refdata::geo();
        let mut context = Self::new(day);
        for offer in open_offers {
            let record = &offer.record;
            if let Some(point) = record
                .coordinates
                .or_else(|| geo.commune(record.commune.as_str()).map(|c| c.point()))
            {
                context.add_open_offer(record.rome.as_str(), point);
            }
        }
        context.add_groups(offer_groups, seeker_groups);
        for session in sessions {
            context.add_session(session);
        }
        context.sort();
        context
    }

    /// A context with nothing in it yet.
    pub fn new(day: NaiveDate) -> Self {
        Self {
            day,
            ..Self::default()
        }
    }

    /// One open offer of `rome` at `point`.
    pub fn add_open_offer(&mut self, rome: &str, point: (f64, f64)) {
        let places = self.offers.entry(rome.to_string()).or_default();
        match places.iter_mut().find(|p| p.point == point) {
            Some(place) => place.offers += 1,
            None => places.push(OfferPlace { point, offers: 1 }),
        }
    }

    /// The counts of an occupation in a department, zero until added to.
    fn local_mut(&mut self, rome: &str, department: &str) -> &mut Local {
        self.local
            .entry(rome.to_string())
            .or_default()
            .entry(department.to_string())
            .or_default()
    }

    /// The local tension's counts: offers published in the twelve months before the day, job
    /// seekers of today's portfolio, each by occupation and department.
    pub fn add_groups(&mut self, offer_groups: &[OfferGroup], seeker_groups: &[SeekerGroup]) {
        let geo = refdata::geo();
        let department_of = |commune: &str| geo.commune(commune).map(|c| c.department);
        let since = self
            .day
            .checked_sub_months(Months::new(12))
            .unwrap_or(self.day);
        let since_month = since.format("%Y-%m").to_string();
        let day_month = self.day.format("%Y-%m").to_string();
        for group in offer_groups {
            if group.month < since_month || group.month > day_month {
                continue;
            }
            if let Some(department) = department_of(&group.commune) {
                self.local_mut(&group.rome, department).offers += group.offers;
            }
        }
        for group in seeker_groups {
            if let Some(department) = department_of(&group.commune) {
                self.local_mut(&group.rome, department).seekers += group.seekers;
            }
        }
    }

    /// A session of the catalogue, when it starts on or after the day at a known place.
    pub fn add_session(&mut self, session: &TrainingSession) {
        let geo = refdata::geo();
        let record = &session.record;
        let Some(starts_on) = record.starts.first_day().filter(|start| *start >= self.day) else {
            return;
        };
        let point = record.place.coordinates.or_else(|| {
            record
                .place
                .commune
                .as_ref()
                .and_then(|c| geo.commune(c.as_str()))
                .map(|c| c.point())
        });
        let Some(point) = point else { return };
        let brief = SessionBrief {
            id: session.id,
            title: record.title.clone(),
            point,
            starts_on,
            ends_on: record.ends.last_day(),
            hours: record.hours_total,
            body: record.body.name.clone(),
            city: record.place.city.clone(),
            record: std::sync::Arc::new(record.clone()),
        };
        for rome in &record.romes {
            let places = self.sessions.entry(rome.as_str().to_string()).or_default();
            match places.iter_mut().find(|p| p.point == point) {
                Some(place) => place.sessions.push(brief.clone()),
                None => places.push(SessionPlace {
                    point,
                    sessions: vec![brief.clone()],
                }),
            }
        }
    }

    /// Puts each occupation's sessions in the order of their start, and looks up the
    /// official tension of every occupation in the departments where people were counted.
    pub fn sort(&mut self) {
        for place in self.sessions.values_mut().flatten() {
            place
                .sessions
                .sort_by(|a, b| a.starts_on.cmp(&b.starts_on).then(a.id.cmp(&b.id)));
        }
        let departments: std::collections::BTreeSet<String> = self
            .local
            .values()
            .flat_map(|by_department| by_department.keys().cloned())
            .collect();
        for department in departments {
            let classes = refdata::rome()
                .occupations()
                .iter()
                .map(|o| official_class(o.code, &department))
                .collect();
            self.classes.insert(department, classes);
        }
    }

    /// What is within `km` of `home`: counted once for every occupation, then kept.
    pub fn within(&self, home: (f64, f64), km: f64) -> std::sync::Arc<Within> {
        let key = (home.0.to_bits(), home.1.to_bits(), (km * 10.0) as u32);
        if let Some(found) = self
            .within
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return found.clone();
        }
        let band = km / 110.0;
        let near = |point: (f64, f64)| {
            (point.0 - home.0).abs() <= band && refdata::distance_km(home, point) <= km
        };
        let rome_table = refdata::rome();
        let count = rome_table.occupations().len();
        let mut within = Within {
            offers: vec![0; count],
            sessions: vec![false; count],
        };
        for (rome, places) in &self.offers {
            let Some(slot) = rome_table
                .index_of(rome)
                .and_then(|index| within.offers.get_mut(index))
            else {
                continue;
            };
            *slot = places
                .iter()
                .filter(|p| near(p.point))
                .map(|p| p.offers)
                .sum();
        }
        for (rome, places) in &self.sessions {
            let Some(slot) = rome_table
                .index_of(rome)
                .and_then(|index| within.sessions.get_mut(index))
            else {
                continue;
            };
            *slot = places.iter().any(|p| near(p.point));
        }
        let within = std::sync::Arc::new(within);
        self.within
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, within.clone());
        within
    }

    /// The official tension classes of every occupation in `department` (by their index in
    /// the ROME), when looked up.
    pub fn classes_in(&self, department: &str) -> Option<&[Option<u8>]> {
        self.classes.get(department).map(Vec::as_slice)
    }

    /// The official tension class of `rome` in `department` (or above it).
    pub fn official_class(&self, rome: &str, department: &str) -> Option<u8> {
        let known = refdata::rome()
            .index_of(rome)
            .and_then(|index| self.classes.get(department)?.get(index));
        match known {
            Some(class) => *class,
            None => official_class(rome, department),
        }
    }

    /// Open offers of `rome` within `km` of `home`.
    pub fn offers_within(&self, rome: &str, home: (f64, f64), km: f64) -> u32 {
        // A degree of latitude is 111 km: a place further north or south than that is out
        // of reach without the exact distance.
        let band = km / 110.0;
        self.offers.get(rome).map_or(0, |places| {
            places
                .iter()
                .filter(|p| (p.point.0 - home.0).abs() <= band)
                .filter(|p| refdata::distance_km(home, p.point) <= km)
                .map(|p| p.offers)
                .sum()
        })
    }

    /// The local figures of `rome` in `department`.
    pub fn local(&self, rome: &str, department: &str) -> Local {
        self.local
            .get(rome)
            .and_then(|departments| departments.get(department))
            .copied()
            .unwrap_or_default()
    }

    /// The places teaching `rome` within `km` of `home`, with their distance.
    fn places_within<'a>(
        &'a self,
        rome: &str,
        home: (f64, f64),
        km: f64,
    ) -> impl Iterator<Item = (&'a SessionPlace, f64)> + 'a {
        let band = km / 110.0;
        self.sessions
            .get(rome)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(move |p| (p.point.0 - home.0).abs() <= band)
            .map(move |p| (p, refdata::distance_km(home, p.point)))
            .filter(move |(_, distance)| *distance <= km)
    }

    /// The first `limit` sessions leading to `rome` within `km` of `home`, the earliest
    /// first (by start, then id). Only those kept are sorted: an occupation in tension may
    /// have hundreds of sessions within a commute.
    pub fn sessions_within(
        &self,
        rome: &str,
        home: (f64, f64),
        km: f64,
        limit: usize,
    ) -> Vec<(&SessionBrief, f64)> {
        let mut found: Vec<(&SessionBrief, f64)> = self
            .places_within(rome, home, km)
            .flat_map(|(place, distance)| place.sessions.iter().map(move |s| (s, distance)))
            .collect();
        let order = |a: &(&SessionBrief, f64), b: &(&SessionBrief, f64)| {
            a.0.starts_on.cmp(&b.0.starts_on).then(a.0.id.cmp(&b.0.id))
        };
        if limit == 0 {
            return Vec::new();
        }
        if found.len() > limit {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found
    }
}

/// The official tension class of `rome` in `department`, falling back to the region and the
/// nation as `refdata::tensions` does.
fn official_class(rome: &str, department: &str) -> Option<u8> {
    refdata::tensions()
        .official(rome, refdata::tension::Territory::Department(department))
        .ok()
        .map(|t| t.class)
}

/// Gathers the region from the store on `day`: the open offers, the offers published in the
/// twelve months before, today's job seekers by occupation and commune, the catalogue.
pub async fn load(store: &dyn store::Store, day: NaiveDate) -> Result<Context, store::StoreError> {
    let from = day.checked_sub_months(Months::new(12)).unwrap_or(day);
    let query = model::LocalQuery {
        from,
        to: day.succ_opt().unwrap_or(day),
        rome: None,
    };
    let open_offers = store.load_open_offers().await?;
    let offer_groups = store.offer_groups(&query).await?;
    let seeker_groups = store.seeker_groups(&query).await?;
    let sessions = store.training_sessions().await?;
    Ok(Context::build(
        day,
        &open_offers,
        &offer_groups,
        &seeker_groups,
        &sessions,
    ))
}

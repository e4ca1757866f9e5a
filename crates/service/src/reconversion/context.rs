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

/// The region as the paths read it.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub day: NaiveDate,
    offers: HashMap<String, Vec<OfferPlace>>,
    /// By occupation, then department.
    local: HashMap<String, HashMap<String, Local>>,
    sessions: HashMap<String, Vec<SessionBrief>>,
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
                self.local
                    .entry(group.rome.clone())
                    .or_default()
                    .entry(department.to_string())
                    .or_default()
                    .offers += group.offers;
            }
        }
        for group in seeker_groups {
            if let Some(department) = department_of(&group.commune) {
                self.local
                    .entry(group.rome.clone())
                    .or_default()
                    .entry(department.to_string())
                    .or_default()
                    .seekers += group.seekers;
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
            self.sessions
                .entry(rome.as_str().to_string())
                .or_default()
                .push(brief.clone());
        }
    }

    /// Puts each occupation's sessions in the order of their start.
    pub fn sort(&mut self) {
        for briefs in self.sessions.values_mut() {
            briefs.sort_by(|a, b| a.starts_on.cmp(&b.starts_on).then(a.id.cmp(&b.id)));
        }
    }

    /// Open offers of `rome` within `km` of `home`.
    pub fn offers_within(&self, rome: &str, home: (f64, f64), km: f64) -> u32 {
        self.offers.get(rome).map_or(0, |places| {
            places
                .iter()
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

    /// The sessions leading to `rome` within `km` of `home`, the earliest first.
    pub fn sessions_within<'a>(
        &'a self,
        rome: &str,
        home: (f64, f64),
        km: f64,
    ) -> impl Iterator<Item = (&'a SessionBrief, f64)> + 'a {
        self.sessions
            .get(rome)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(move |s| (s, refdata::distance_km(home, s.point)))
            .filter(move |(_, distance)| *distance <= km)
    }
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

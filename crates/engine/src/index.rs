//! The engine: compact job seekers and offers, indexed by ROME code and commune, and the
//! queries over them. A shortlist visits the (occupation, commune) buckets that could still beat
//! the k-th best score found so far, best bound first, and stops when none can: exact, as the
//! exhaustive scorer ([`Engine::shortlist_exhaustive`]) checks.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use foldhash::HashMap;

use chrono::NaiveDate;
use model::{JobSeeker, Offer, PriorityStatus, SourcingProfile, Structure};
use serde::Serialize;

use crate::config::{ConfigError, ScoringConfig};
use crate::fair::{self, Candidate, MTable};
use crate::floors::{self, BitFloor, FloorCandidate};
use crate::profile::{
    self, Codes, Interner, OfferProfile, SeekerProfile, UnknownCode, day, status_bit,
};
use crate::score::{self, Breakdown, Context, MatchKind, Member, Proximity, Scored, skill_bit};

const NONE: u32 = u32::MAX;

/// The `k` best of `found`, best first (on a tie, the smaller id), each with its rank from 1.
fn best(mut found: Vec<(i64, Scored)>, k: usize) -> impl Iterator<Item = (usize, i64, Scored)> {
    found.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then(a.0.cmp(&b.0)));
    found
        .into_iter()
        .take(k)
        .enumerate()
        .map(|(i, (id, s))| (i + 1, id, s))
}

/// Puts `item` in the slot of `id` in place of what was there, or in a new slot at the end;
/// gives the slot.
fn put<T>(items: &mut Vec<T>, slots: &mut HashMap<i64, u32>, id: i64, item: T) -> u32 {
    match slots.get(&id) {
        Some(&slot) => {
            if let Some(old) = items.get_mut(slot as usize) {
                *old = item;
            }
            slot
        }
        None => {
            let slot = u32::try_from(items.len()).unwrap_or(NONE);
            items.push(item);
            slots.insert(id, slot);
            slot
        }
    }
}

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("offer {0} is not in the engine")]
    UnknownOffer(i64),
    #[error("job seeker {0} is not in the engine")]
    UnknownJobSeeker(i64),
    #[error("{0}")]
    Policy(String),
    /// A worker thread of a campaign panicked: its part of the work is missing, so the whole
    /// answer is refused rather than given on a smaller pool.
    #[error("a campaign thread panicked: {0}")]
    ThreadPanicked(String),
    /// A campaign's candidate lists that do not make an assignment problem (a bug, not input).
    #[error("campaign: {0}")]
    Instance(#[from] crate::assignment::InstanceError),
}

fn parse_status(text: &str) -> Result<PriorityStatus, String> {
    PriorityStatus::parse(text).ok_or_else(|| {
        let known: Vec<&str> = PriorityStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "unknown status `{text}`, expected one of {}",
            known.join(", ")
        )
    })
}

/// How priority publics are guaranteed in a shortlist.
#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    /// FA*IR for one status, with its table (whose `k` is the shortlist's).
    Fair {
        status: PriorityStatus,
        table: MTable,
    },
    /// Minimum shares for several statuses at once (see [`crate::floors`]).
    Floors(Vec<(PriorityStatus, f64)>),
}

impl Policy {
    /// FA*IR with the adjusted table for a top-`k`.
    pub fn fair(
        status: PriorityStatus,
        k: usize,
        p: f64,
        alpha: f64,
    ) -> Result<Self, fair::TableError> {
        Ok(Self::Fair {
            status,
            table: MTable::adjusted(k, p, alpha)?,
        })
    }

    /// The policy a territory's rule asks for a top-`k` (FA*IR's table depends on `k`).
    pub fn from_rule(rule: &model::policy::PolicyRule, k: usize) -> Result<Self, String> {
        if let Some((field, reason)) = rule.problem() {
            return Err(format!("{field}: {reason}"));
        }
        match rule {
            model::policy::PolicyRule::Fair { status, p, alpha } => {
                Self::fair(*status, k.max(1), *p, *alpha).map_err(|e| e.to_string())
            }
            model::policy::PolicyRule::Floors { floors } => Ok(Self::Floors(
                floors.iter().map(|f| (f.status, f.share)).collect(),
            )),
        }
    }

    /// FA*IR as typed: `rqth:0.1:0.1` (status, p, alpha), for a top-`k`. The error says what is
    /// wrong, for the caller to prefix with the flag or field.
    pub fn parse_fair(text: &str, k: usize) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let [status, p, alpha] = parts.as_slice() else {
            return Err("expected STATUS:P:ALPHA, such as rqth:0.1:0.1".to_string());
        };
        let status = parse_status(status)?;
        let p: f64 = p.parse().map_err(|_| format!("p `{p}` is not a number"))?;
        let alpha: f64 = alpha
            .parse()
            .map_err(|_| format!("alpha `{alpha}` is not a number"))?;
        Self::fair(status, k, p, alpha).map_err(|e| e.to_string())
    }

    /// Minimum shares as typed: `rqth=0.1,long_term=0.3`.
    pub fn parse_floors(text: &str) -> Result<Self, String> {
        let mut floors = Vec::new();
        for part in text.split(',') {
            let Some((status, share)) = part.split_once('=') else {
                return Err(
                    "expected STATUS=SHARE[,STATUS=SHARE...], such as rqth=0.1,qpv=0.2".to_string(),
                );
            };
            let status = parse_status(status.trim())?;
            let share: f64 = share
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| (0.0..=1.0).contains(s))
                .ok_or_else(|| format!("{status}: `{share}` is not a share between 0 and 1"))?;
            if floors.iter().any(|(s, _)| *s == status) {
                return Err(format!("{status} is given twice"));
            }
            floors.push((status, share));
        }
        Ok(Self::Floors(floors))
    }

    /// For each status the policy guarantees, how many of its best holders the re-ranking may
    /// need beyond those of the overall top-k: FA*IR takes at most m(k) protected candidates
    /// from outside it, and a floor of share s at most ⌊s·k⌋ holders (a candidate placed for a
    /// short status is always among that status's ⌊s·k⌋ best holders).
    fn tracked(&self, k: usize) -> Vec<(u8, usize)> {
        match self {
            Self::Fair { status, table } => {
                vec![(
                    status_bit(*status),
                    table.minimums.last().copied().unwrap_or(0),
                )]
            }
            Self::Floors(floors) => floors
                .iter()
                .map(|(s, share)| (status_bit(*s), floors::floor_at(*share, k)))
                .collect(),
        }
    }

    fn statuses(&self) -> Vec<PriorityStatus> {
        match self {
            Self::Fair { status, .. } => vec![*status],
            Self::Floors(floors) => floors.iter().map(|(s, _)| *s).collect(),
        }
    }

    /// A description for logs and audit: `fair:rqth:p=0.1:alpha=0.1`, `floors:rqth=0.1,qpv=0.2`.
    pub fn describe(&self) -> String {
        match self {
            Self::Fair { status, table } => {
                format!("fair:{status}:p={}:alpha={}", table.p, table.alpha)
            }
            Self::Floors(floors) => {
                let parts: Vec<String> = floors.iter().map(|(s, v)| format!("{s}={v}")).collect();
                format!("floors:{}", parts.join(","))
            }
        }
    }
}

/// What a shortlist is asked.
#[derive(Debug, Clone)]
pub struct ShortlistRequest<'a> {
    pub k: usize,
    /// The day the shortlist is made: availability is measured from it.
    pub today: NaiveDate,
    pub policy: Option<&'a Policy>,
    /// Also count the whole eligible pool, by status (slower: no pruning).
    pub exposure: bool,
}

/// One proposed person, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub rank: usize,
    pub job_seeker_id: i64,
    pub score: f64,
    pub distance_km: f64,
    /// The person's target occupation that matched the offer's, and how.
    pub matched_rome: &'static str,
    pub match_kind: MatchKind,
    pub breakdown: Breakdown,
}

impl Entry {
    fn new(rank: usize, job_seeker_id: i64, scored: &Scored) -> Self {
        Self {
            rank,
            job_seeker_id,
            score: scored.total,
            distance_km: scored.distance_km,
            matched_rome: rome_code(scored.via),
            match_kind: scored.kind,
            breakdown: scored.breakdown,
        }
    }
}

/// Someone the priority policy moved: their rank without it (`None`: outside the top-k) and
/// with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub job_seeker_id: i64,
    pub from: Option<usize>,
    pub to: usize,
}

/// What the priority policy changed: for the audit trail and statistics, never for recruiters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    pub policy: String,
    pub moves: Vec<Move>,
    pub promoted_at: Vec<usize>,
    /// Positions where a minimum could not be met (no eligible holder left), by status.
    pub unmet: Vec<(usize, PriorityStatus)>,
}

/// Holders of one status in a shortlist and in the eligible pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusExposure {
    pub status: PriorityStatus,
    pub in_shortlist: usize,
    pub in_pool: usize,
}

/// The share of each priority status in a shortlist against its share in the eligible pool.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Exposure {
    pub shortlisted: usize,
    pub pool: usize,
    pub statuses: Vec<StatusExposure>,
}

impl Exposure {
    pub fn add(&mut self, other: &Exposure) {
        self.shortlisted += other.shortlisted;
        self.pool += other.pool;
        for s in &other.statuses {
            match self.statuses.iter_mut().find(|t| t.status == s.status) {
                Some(t) => {
                    t.in_shortlist += s.in_shortlist;
                    t.in_pool += s.in_pool;
                }
                None => self.statuses.push(s.clone()),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortlist {
    pub offer_id: i64,
    pub entries: Vec<Entry>,
    /// Never serialised: who moved and why is not for the recruiter.
    #[serde(skip)]
    pub adjustment: Option<Adjustment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    /// How many pairs were scored in full (the others were ruled out by a bound).
    pub scored: usize,
    /// How many bucket members were read (each bounded, and scored if the bound allowed).
    pub read: usize,
    /// How many (occupation, commune) buckets were bounded.
    pub buckets: usize,
}

impl Shortlist {
    /// How many of the listed people hold each priority status, in [`PriorityStatus::ALL`]
    /// order: counts for the steering committee's figures, never who.
    pub fn holders(&self, engine: &Engine) -> [u64; 6] {
        let mut out = [0u64; 6];
        for entry in &self.entries {
            let bits = engine.priorities_of(entry.job_seeker_id);
            for (slot, status) in out.iter_mut().zip(PriorityStatus::ALL) {
                if bits & status_bit(*status) != 0 {
                    *slot += 1;
                }
            }
        }
        out
    }
}

/// One offer suggested to a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub rank: usize,
    pub offer_id: i64,
    pub score: f64,
    pub distance_km: f64,
    pub matched_rome: &'static str,
    pub match_kind: MatchKind,
    pub breakdown: Breakdown,
}

#[derive(Debug)]
struct Bucket {
    /// The best of every member (see [`Member::absorb`]): the bucket's bound. Not narrowed
    /// when a member leaves, so it stays an upper bound.
    summary: Member,
    members: Vec<Member>,
}

/// The sourcing engine's state. Queries take `&self` and may run on several threads.
#[derive(Debug)]
pub struct Engine {
    config: ScoringConfig,
    proximity: Proximity,
    titles: Interner,
    skills: Interner,
    commune_index: HashMap<&'static str, u32>,
    rome_index: HashMap<&'static str, u16>,
    points: Vec<(f64, f64)>,
    departments: Vec<u16>,
    department_codes: Vec<&'static str>,
    structure_departments: HashMap<String, u16>,
    /// Communes that hold a bucket get a dense local index (distance caches stay small).
    local_of: Vec<u32>,
    local_communes: Vec<u32>,
    seekers: Vec<SeekerProfile>,
    seeker_slot: HashMap<i64, u32>,
    buckets: Vec<Vec<Bucket>>,
    /// The local commune of each bucket, beside `buckets`: a shortlist reads these first
    /// (sixteen to a cache line) and touches a bucket only when its distance allows.
    bucket_locals: Vec<Vec<u32>>,
    bucket_of: HashMap<(u16, u32), u32>,
    offers: Vec<OfferProfile>,
    offer_slot: HashMap<i64, u32>,
    offers_by_rome: Vec<Vec<u32>>,
}

impl Codes for Engine {
    fn rome_index(&self, code: &str) -> Option<u16> {
        self.rome_index.get(code).copied()
    }

    fn commune_index(&self, code: &str) -> Option<u32> {
        self.commune_index.get(code).copied()
    }

    fn department_of_commune(&self, commune: u32) -> u16 {
        self.departments
            .get(commune as usize)
            .copied()
            .unwrap_or(u16::MAX)
    }

    fn department_of_structure(&self, siret: &str) -> Option<u16> {
        self.structure_departments.get(siret).copied()
    }

    fn point(&self, commune: u32) -> (f64, f64) {
        self.points
            .get(commune as usize)
            .copied()
            .unwrap_or((0.0, 0.0))
    }

    fn skills(&mut self) -> &mut Interner {
        &mut self.skills
    }

    fn titles(&mut self) -> &mut Interner {
        &mut self.titles
    }
}

/// A candidate found by a scan.
#[derive(Debug, Clone, Copy)]
struct Hit {
    slot: u32,
    id: i64,
    scored: Scored,
}

/// Heap key: greater is better (higher score, then lower id).
#[derive(Debug, Clone, Copy)]
struct Key {
    score: f64,
    id: i64,
    hit: u32,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.id.cmp(&self.id))
    }
}

/// Keeps the k best overall and, for each tracked status, its best holders (as many as the
/// policy may need beyond the overall top-k).
struct Collector {
    /// (status bit, 0 for everyone; how many to keep; heap with the worst on top).
    heaps: Vec<(u8, usize, BinaryHeap<Reverse<Key>>)>,
    hits: Vec<Hit>,
    threshold: Option<f64>,
}

impl Collector {
    fn new(k: usize, tracked: &[(u8, usize)]) -> Self {
        let heap = |size: usize| BinaryHeap::with_capacity(size.min(4096).saturating_add(1));
        let mut heaps = vec![(0u8, k, heap(k))];
        heaps.extend(
            tracked
                .iter()
                .filter(|(_, size)| *size > 0)
                .map(|(bit, size)| (*bit, *size, heap(*size))),
        );
        Self {
            heaps,
            hits: Vec::new(),
            threshold: None,
        }
    }

    fn offer(&mut self, hit: Hit, statuses: u8) {
        let key = Key {
            score: hit.scored.total,
            id: hit.id,
            hit: u32::try_from(self.hits.len()).unwrap_or(NONE),
        };
        let mut kept = false;
        for (bit, size, heap) in &mut self.heaps {
            if *bit != 0 && statuses & *bit == 0 {
                continue;
            }
            if heap.len() < *size {
                heap.push(Reverse(key));
                kept = true;
            } else if heap.peek().is_some_and(|Reverse(worst)| key > *worst) {
                heap.pop();
                heap.push(Reverse(key));
                kept = true;
            }
        }
        if kept {
            self.hits.push(hit);
            self.threshold = if self.heaps.iter().all(|(_, size, h)| h.len() >= *size) {
                self.heaps
                    .iter()
                    .filter_map(|(_, _, h)| h.peek().map(|Reverse(w)| w.score))
                    .reduce(f64::min)
            } else {
                None
            };
        }
    }

    /// Whether nothing scoring at most `bound` can enter any heap.
    fn prunes(&self, bound: f64) -> bool {
        self.threshold.is_some_and(|t| bound < t)
    }

    /// Every kept hit, best first, each once.
    fn into_sorted(self) -> Vec<Hit> {
        let mut keys: Vec<Key> = self
            .heaps
            .into_iter()
            .flat_map(|(_, _, h)| h.into_iter().map(|Reverse(k)| k))
            .collect();
        keys.sort_by(|a, b| b.cmp(a));
        keys.dedup_by_key(|k| k.id);
        keys.iter()
            .filter_map(|k| self.hits.get(k.hit as usize).copied())
            .collect()
    }
}

/// A point's position along a Z-order (Morton) curve: nearby points mostly get nearby numbers.
fn z_order((latitude, longitude): (f64, f64)) -> u64 {
    let scale = |value: f64, low: f64, span: f64| -> u64 {
        (((value - low) / span).clamp(0.0, 1.0) * f64::from(u32::MAX)) as u64
    };
    let (y, x) = (
        scale(latitude, -90.0, 180.0),
        scale(longitude, -180.0, 360.0),
    );
    (0..32).fold(0u64, |acc, bit| {
        acc | (((x >> bit) & 1) << (2 * bit)) | (((y >> bit) & 1) << (2 * bit + 1))
    })
}

fn rome_code(index: u16) -> &'static str {
    refdata::rome()
        .occupations()
        .get(usize::from(index))
        .map_or("", |o| o.code)
}

impl Engine {
    /// An empty engine over the embedded reference data.
    pub fn new(config: ScoringConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut titles = Interner::default();
        let proximity = Proximity::build(&config.tiers, &mut titles);
        let communes = refdata::geo().communes();
        let mut department_codes: Vec<&'static str> = Vec::new();
        let mut departments = Vec::with_capacity(communes.len());
        let mut commune_index =
            HashMap::with_capacity_and_hasher(communes.len(), Default::default());
        let mut points = Vec::with_capacity(communes.len());
        for (i, commune) in communes.iter().enumerate() {
            let d = match department_codes
                .iter()
                .position(|d| *d == commune.department)
            {
                Some(d) => d,
                None => {
                    department_codes.push(commune.department);
                    department_codes.len() - 1
                }
            };
            departments.push(u16::try_from(d).unwrap_or(u16::MAX));
            commune_index.insert(commune.code, u32::try_from(i).unwrap_or(NONE));
            points.push(commune.point());
        }
        let rome_index = refdata::rome()
            .occupations()
            .iter()
            .enumerate()
            .filter_map(|(i, o)| u16::try_from(i).ok().map(|i| (o.code, i)))
            .collect();
        let occupations = refdata::rome().occupations().len();
        let mut buckets = Vec::with_capacity(occupations);
        buckets.resize_with(occupations, Vec::new);
        let mut bucket_locals = Vec::with_capacity(occupations);
        bucket_locals.resize_with(occupations, Vec::new);
        Ok(Self {
            config,
            proximity,
            titles,
            skills: Interner::default(),
            commune_index,
            rome_index,
            points,
            departments,
            department_codes,
            structure_departments: HashMap::default(),
            local_of: vec![NONE; communes.len()],
            local_communes: Vec::new(),
            seekers: Vec::new(),
            seeker_slot: HashMap::default(),
            buckets,
            bucket_locals,
            bucket_of: HashMap::default(),
            offers: Vec::new(),
            offer_slot: HashMap::default(),
            offers_by_rome: vec![Vec::new(); occupations],
        })
    }

    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// Learns the structures' departments (for consents limited to the person's department).
    /// Offers already in the engine keep the department they were given.
    pub fn set_structures(&mut self, structures: &[Structure]) {
        for s in structures {
            if let Some(commune) = self.commune_index(s.record.commune.as_str()) {
                let d = self.department_of_commune(commune);
                self.structure_departments
                    .insert(s.record.siret.as_str().to_string(), d);
            }
        }
    }

    fn local(&mut self, commune: u32) -> u32 {
        match self.local_of.get(commune as usize) {
            Some(&l) if l != NONE => l,
            _ => {
                let l = u32::try_from(self.local_communes.len()).unwrap_or(NONE);
                self.local_communes.push(commune);
                if let Some(slot) = self.local_of.get_mut(commune as usize) {
                    *slot = l;
                }
                l
            }
        }
    }

    fn unindex_seeker(&mut self, slot: u32) {
        let Some(seeker) = self.seekers.get(slot as usize) else {
            return;
        };
        let local = self
            .local_of
            .get(seeker.commune as usize)
            .copied()
            .unwrap_or(NONE);
        let romes: Vec<u16> = seeker.targets.iter().map(|t| t.rome).collect();
        for rome in romes {
            let Some(&b) = self.bucket_of.get(&(rome, local)) else {
                continue;
            };
            if let Some(bucket) = self
                .buckets
                .get_mut(usize::from(rome))
                .and_then(|list| list.get_mut(b as usize))
                && let Some(i) = bucket.members.iter().position(|m| m.slot == slot)
            {
                bucket.members.swap_remove(i);
            }
        }
    }

    fn index_seeker(&mut self, slot: u32) {
        let Some(seeker) = self.seekers.get(slot as usize) else {
            return;
        };
        if !seeker.proposable() {
            return;
        }
        let (commune, commute) = (seeker.commune, seeker.commute_km);
        let department = match seeker.consent {
            Some(model::ConsentScope::DepartmentAgencies) => self.department_of_commune(commune),
            _ => u16::MAX,
        };
        let member = |rome: u16| Member {
            slot,
            available_from: seeker.available_from.unwrap_or(i32::MIN),
            skills: seeker.skills.iter().fold(0, |acc, s| acc | skill_bit(*s)),
            commute_km: commute,
            licences: seeker.licences,
            contracts: seeker.contracts,
            department,
            experience_here: seeker.experience_in(rome),
            working_time: seeker.working_time,
        };
        let members: Vec<(u16, Member)> = seeker
            .targets
            .iter()
            .map(|t| (t.rome, member(t.rome)))
            .collect();
        let local = self.local(commune);
        for (rome, member) in members {
            let (Some(list), Some(locals)) = (
                self.buckets.get_mut(usize::from(rome)),
                self.bucket_locals.get_mut(usize::from(rome)),
            ) else {
                continue;
            };
            let b = *self.bucket_of.entry((rome, local)).or_insert_with(|| {
                locals.push(local);
                list.push(Bucket {
                    summary: member,
                    members: Vec::new(),
                });
                u32::try_from(list.len() - 1).unwrap_or(NONE)
            });
            if let Some(bucket) = list.get_mut(b as usize) {
                bucket.summary.absorb(&member);
                bucket.members.push(member);
            }
        }
    }

    /// Adds a job seeker, or replaces the one with the same id.
    pub fn upsert_job_seeker(&mut self, seeker: &JobSeeker) -> Result<(), UnknownCode> {
        self.upsert_profile(&SourcingProfile::from(seeker))
    }

    /// Adds a job seeker from what the store's lean read gives, or replaces the one with the
    /// same id.
    pub fn upsert_profile(&mut self, seeker: &SourcingProfile) -> Result<(), UnknownCode> {
        let profile = profile::seeker_profile(seeker, self)?;
        if let Some(&slot) = self.seeker_slot.get(&seeker.id) {
            self.unindex_seeker(slot);
        }
        let slot = put(&mut self.seekers, &mut self.seeker_slot, seeker.id, profile);
        self.index_seeker(slot);
        Ok(())
    }

    /// Adds an offer, or replaces the one with the same id.
    pub fn upsert_offer(&mut self, offer: &Offer) -> Result<(), UnknownCode> {
        let profile = profile::offer_profile(offer, self)?;
        if let Some(&slot) = self.offer_slot.get(&offer.id)
            && let Some(old) = self.offers.get(slot as usize)
            && let Some(list) = self.offers_by_rome.get_mut(usize::from(old.rome))
        {
            list.retain(|s| *s != slot);
        }
        let slot = put(&mut self.offers, &mut self.offer_slot, offer.id, profile);
        if let Some(o) = self.offers.get(slot as usize)
            && o.open
            && let Some(list) = self.offers_by_rome.get_mut(usize::from(o.rome))
        {
            list.push(slot);
        }
        Ok(())
    }

    /// Lays job seekers out in memory in the order shortlists read them (by first target
    /// occupation, then commune) and packs the buckets: call after a bulk load. Changes no
    /// result, only speed.
    pub fn compact(&mut self) {
        // Local communes renumbered along a Z-order curve of their coordinates, and each
        // code's buckets sorted by it: a shortlist reads buckets near the workplace first,
        // and near each other on the map means near each other in memory.
        let mut by_place: Vec<(u64, u32)> = self
            .local_communes
            .iter()
            .map(|c| (z_order(self.point(*c)), *c))
            .collect();
        by_place.sort_unstable();
        let mut new_local = vec![NONE; self.local_communes.len()];
        for (new, (_, commune)) in by_place.iter().enumerate() {
            if let Some(old) = self.local_of.get(*commune as usize)
                && let Some(slot) = new_local.get_mut(*old as usize)
            {
                *slot = u32::try_from(new).unwrap_or(NONE);
            }
        }
        self.local_communes = by_place.iter().map(|(_, c)| *c).collect();
        for (new, commune) in self.local_communes.iter().enumerate() {
            if let Some(slot) = self.local_of.get_mut(*commune as usize) {
                *slot = u32::try_from(new).unwrap_or(NONE);
            }
        }
        let key = |p: &SeekerProfile| {
            (
                p.targets.first().map_or(u16::MAX, |t| t.rome),
                self.local_of
                    .get(p.commune as usize)
                    .copied()
                    .unwrap_or(NONE),
                p.id,
            )
        };
        let mut order: Vec<(u16, u32, i64, u32)> = self
            .seekers
            .iter()
            .enumerate()
            .map(|(slot, p)| {
                let (rome, local, id) = key(p);
                (rome, local, id, u32::try_from(slot).unwrap_or(NONE))
            })
            .collect();
        order.sort_unstable();
        let mut new_of = vec![NONE; self.seekers.len()];
        for (new, (_, _, _, old)) in order.iter().enumerate() {
            if let Some(slot) = new_of.get_mut(*old as usize) {
                *slot = u32::try_from(new).unwrap_or(NONE);
            }
        }
        let mut old: Vec<Option<SeekerProfile>> = std::mem::take(&mut self.seekers)
            .into_iter()
            .map(Some)
            .collect();
        self.seekers = order
            .iter()
            .filter_map(|(_, _, _, o)| old.get_mut(*o as usize).and_then(Option::take))
            .collect();
        let remap = |slot: &mut u32| {
            if let Some(new) = new_of.get(*slot as usize) {
                *slot = *new;
            }
        };
        self.seeker_slot.values_mut().for_each(remap);
        self.bucket_of.clear();
        for (code, (list, locals)) in self
            .buckets
            .iter_mut()
            .zip(self.bucket_locals.iter_mut())
            .enumerate()
        {
            let mut paired: Vec<(u32, Bucket)> = locals
                .iter()
                .map(|l| new_local.get(*l as usize).copied().unwrap_or(NONE))
                .zip(list.drain(..))
                .collect();
            paired.sort_unstable_by_key(|(l, _)| *l);
            locals.clear();
            for (i, (local, mut bucket)) in paired.into_iter().enumerate() {
                // A fresh copy, allocated right after the previous bucket's.
                let mut members = bucket.members.clone();
                members.iter_mut().for_each(|m| remap(&mut m.slot));
                members.sort_unstable_by_key(|m| m.slot);
                bucket.members = members;
                locals.push(local);
                list.push(bucket);
                if let Ok(code) = u16::try_from(code) {
                    self.bucket_of
                        .insert((code, local), u32::try_from(i).unwrap_or(NONE));
                }
            }
        }
    }

    /// A person in the engine.
    pub(crate) fn seeker(&self, job_seeker_id: i64) -> Result<&SeekerProfile, EngineError> {
        self.seeker_slot
            .get(&job_seeker_id)
            .and_then(|slot| self.seekers.get(*slot as usize))
            .ok_or(EngineError::UnknownJobSeeker(job_seeker_id))
    }

    /// The priority statuses a person in the engine holds, as bits (0 when not in it).
    fn priorities_of(&self, job_seeker_id: i64) -> u8 {
        self.seeker(job_seeker_id).map_or(0, |s| s.priorities)
    }

    pub fn job_seeker_count(&self) -> usize {
        self.seekers.len()
    }

    pub fn offer_count(&self) -> usize {
        self.offers.len()
    }

    /// The open offers, by id; only those whose workplace is in `department` when given.
    pub fn open_offers(&self, department: Option<&str>) -> Vec<i64> {
        let wanted = department.and_then(|d| self.department_codes.iter().position(|c| *c == d));
        if department.is_some() && wanted.is_none() {
            return Vec::new();
        }
        let mut ids: Vec<i64> = self
            .offers
            .iter()
            .filter(|o| o.open)
            .filter(|o| {
                wanted.is_none_or(|w| {
                    self.departments.get(o.commune as usize).copied() == u16::try_from(w).ok()
                })
            })
            .map(|o| o.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The offers in the order a batch should take them: by occupation, then place, so that
    /// consecutive shortlists read the same buckets while they are in cache. Unknown ids last.
    pub fn batch_order(&self, offer_ids: &[i64]) -> Vec<i64> {
        let mut keyed: Vec<(u16, u64, i64)> = offer_ids
            .iter()
            .map(|id| match self.offer(*id) {
                Ok(o) => (o.rome, z_order(o.point), *id),
                Err(_) => (u16::MAX, u64::MAX, *id),
            })
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, _, id)| id).collect()
    }

    /// The department code of an offer's workplace.
    pub fn offer_department(&self, offer_id: i64) -> Option<&'static str> {
        let offer = self.offer(offer_id).ok()?;
        let d = self.departments.get(offer.commune as usize)?;
        self.department_codes.get(usize::from(*d)).copied()
    }

    /// The offer's number of positions.
    pub fn offer_positions(&self, offer_id: i64) -> Option<u16> {
        self.offer(offer_id).ok().map(|o| o.positions)
    }

    /// An estimate of the heap memory the engine holds, in bytes.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let seekers = self.seekers.capacity() * size_of::<SeekerProfile>()
            + self
                .seekers
                .iter()
                .map(SeekerProfile::heap_bytes)
                .sum::<usize>();
        let offers = self.offers.capacity() * size_of::<OfferProfile>()
            + self
                .offers
                .iter()
                .map(|o| o.skills.len() * 4)
                .sum::<usize>();
        let buckets = self
            .buckets
            .iter()
            .flat_map(|l| l.iter())
            .map(|b| size_of::<Bucket>() + b.members.capacity() * size_of::<Member>())
            .sum::<usize>();
        let maps = (self.seeker_slot.capacity() + self.offer_slot.capacity()) * 16
            + self.bucket_of.capacity() * 16
            + self.commune_index.capacity() * 24;
        seekers
            + offers
            + buckets
            + maps
            + self.titles.heap_bytes()
            + self.skills.heap_bytes()
            + self.proximity.heap_bytes()
            + self.points.capacity() * 16
    }

    fn offer(&self, offer_id: i64) -> Result<&OfferProfile, EngineError> {
        self.offer_slot
            .get(&offer_id)
            .and_then(|s| self.offers.get(*s as usize))
            .ok_or(EngineError::UnknownOffer(offer_id))
    }

    fn context(&self, today: NaiveDate) -> Context<'_> {
        Context {
            config: &self.config,
            proximity: &self.proximity,
            departments: &self.departments,
            today: day(today),
        }
    }

    /// Scans the buckets that may hold candidates for `offer`, best bound first; without
    /// `pool`, stops when no bucket left can improve any heap.
    fn scan(
        &self,
        offer: &OfferProfile,
        context: &Context<'_>,
        collector: &mut Collector,
        mut pool: Option<&mut Vec<u8>>,
    ) -> (usize, usize, usize) {
        let full = pool.is_some();
        let offer_skill_bits: Vec<u64> = offer.skills.iter().map(|s| skill_bit(*s)).collect();
        // Distance and distance component from the workplace, by local commune, once each.
        let mut distances = vec![(f64::NAN, 0.0); self.local_communes.len()];
        let (mut scored, mut read, mut bounded) = (0usize, 0usize, 0usize);
        let sources = self
            .proximity
            .sources
            .get(usize::from(offer.rome))
            .map_or(&[][..], Vec::as_slice);
        let mut order: Vec<(f64, u32, (f64, f64))> = Vec::new();
        for &(code, tier) in sources {
            if !full && collector.prunes(score::upper_bound(&self.config, tier, 1.0)) {
                break;
            }
            let Some(buckets) = self.buckets.get(usize::from(code)) else {
                continue;
            };
            order.clear();
            bounded += buckets.len();
            let locals = self
                .bucket_locals
                .get(usize::from(code))
                .map_or(&[][..], Vec::as_slice);
            for (b, local) in locals.iter().enumerate() {
                let Some(cached) = distances.get_mut(*local as usize) else {
                    continue;
                };
                if cached.0.is_nan() {
                    let commune = self
                        .local_communes
                        .get(*local as usize)
                        .copied()
                        .unwrap_or(NONE);
                    let km = refdata::distance_km(offer.point, self.point(commune));
                    *cached = (km, score::distance_component(&self.config, km));
                }
                let distance = *cached;
                if !full && collector.prunes(score::upper_bound(&self.config, tier, distance.1)) {
                    continue;
                }
                let Some(bucket) = buckets.get(b) else {
                    continue;
                };
                if bucket.members.is_empty() {
                    continue;
                }
                let Some(bound) = context.member_bound(
                    &bucket.summary,
                    offer,
                    &offer_skill_bits,
                    code == offer.rome,
                    tier,
                    distance,
                ) else {
                    continue;
                };
                if !full && collector.prunes(bound) {
                    continue;
                }
                order.push((bound, u32::try_from(b).unwrap_or(NONE), distance));
            }
            if !full {
                order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            }
            for &(bound, b, distance) in &order {
                let km = distance.0;
                if !full && collector.prunes(bound) {
                    break;
                }
                let Some(bucket) = buckets.get(b as usize) else {
                    continue;
                };
                read += bucket.members.len();
                for member in &bucket.members {
                    let slot = member.slot;
                    // Ruled out, or bounded below what the heaps need, from the bucket alone.
                    if !full && collector.threshold.is_some() {
                        let bound = context.member_bound(
                            member,
                            offer,
                            &offer_skill_bits,
                            code == offer.rome,
                            tier,
                            distance,
                        );
                        if bound.is_none_or(|b| collector.prunes(b)) {
                            continue;
                        }
                    }
                    let Some(seeker) = self.seekers.get(slot as usize) else {
                        continue;
                    };
                    scored += 1;
                    let Some(s) = context.score(seeker, offer, km) else {
                        continue;
                    };
                    // Each person is counted through their best target only.
                    if s.via != code {
                        continue;
                    }
                    if let Some(pool) = pool.as_deref_mut() {
                        pool.push(seeker.priorities);
                    }
                    collector.offer(
                        Hit {
                            slot,
                            id: seeker.id,
                            scored: s,
                        },
                        seeker.priorities,
                    );
                }
            }
        }
        (scored, read, bounded)
    }

    /// The k best job seekers for an offer, with their reasons, under the priority policy.
    pub fn shortlist(
        &self,
        offer_id: i64,
        request: &ShortlistRequest<'_>,
    ) -> Result<Shortlist, EngineError> {
        let offer = self.offer(offer_id)?;
        let context = self.context(request.today);
        let k = request.k;
        if let Some(Policy::Fair { table, .. }) = request.policy
            && table.k != k
        {
            return Err(EngineError::Policy(format!(
                "the FA*IR table is for a top-{}, the shortlist asks for {k}",
                table.k
            )));
        }
        let statuses = request.policy.map(Policy::statuses).unwrap_or_default();
        let tracked = request.policy.map(|p| p.tracked(k)).unwrap_or_default();
        let mut collector = Collector::new(k, &tracked);
        let mut pool = request.exposure.then(Vec::new);
        let (scored, read, buckets) = if k == 0 {
            (0, 0, 0)
        } else {
            self.scan(offer, &context, &mut collector, pool.as_mut())
        };
        let hits = collector.into_sorted();
        let priorities = |hit: &Hit| {
            self.seekers
                .get(hit.slot as usize)
                .map_or(0, |s| s.priorities)
        };
        let (chosen, adjustment): (Vec<Hit>, Option<Adjustment>) = match request.policy {
            None => (hits.iter().take(k).copied().collect(), None),
            Some(policy @ Policy::Fair { status, table }) => {
                let bit = status_bit(*status);
                let candidates: Vec<Candidate<usize>> = hits
                    .iter()
                    .enumerate()
                    .map(|(i, h)| Candidate {
                        id: i,
                        score: h.scored.total,
                        protected: priorities(h) & bit != 0,
                    })
                    .collect();
                let fair = fair::rerank(&candidates, table);
                let chosen: Vec<Hit> = fair
                    .ranking
                    .iter()
                    .filter_map(|c| hits.get(c.id).copied())
                    .collect();
                let adjustment = Adjustment {
                    policy: policy.describe(),
                    moves: Vec::new(),
                    promoted_at: fair.promoted_at,
                    unmet: fair.unmet_at.into_iter().map(|p| (p, *status)).collect(),
                };
                (chosen, Some(adjustment))
            }
            Some(policy @ Policy::Floors(list)) => {
                let candidates: Vec<FloorCandidate<usize>> = hits
                    .iter()
                    .enumerate()
                    .map(|(i, h)| FloorCandidate {
                        id: i,
                        score: h.scored.total,
                        statuses: priorities(h),
                    })
                    .collect();
                let bit_floors: Vec<BitFloor> = list
                    .iter()
                    .map(|(s, share)| BitFloor {
                        bit: status_bit(*s),
                        share: *share,
                    })
                    .collect();
                let ranked = floors::rerank(&candidates, &bit_floors, k);
                let chosen: Vec<Hit> = ranked
                    .ranking
                    .iter()
                    .filter_map(|c| hits.get(c.id).copied())
                    .collect();
                let unmet = ranked
                    .unmet
                    .iter()
                    .filter_map(|(p, bit)| {
                        statuses
                            .iter()
                            .find(|s| status_bit(**s) == *bit)
                            .map(|s| (*p, *s))
                    })
                    .collect();
                let adjustment = Adjustment {
                    policy: policy.describe(),
                    moves: Vec::new(),
                    promoted_at: ranked.promoted_at,
                    unmet,
                };
                (chosen, Some(adjustment))
            }
        };
        let adjustment = adjustment.map(|mut a| {
            a.moves = chosen
                .iter()
                .enumerate()
                .filter_map(|(to, hit)| {
                    let from = hits.iter().take(k).position(|h| h.id == hit.id);
                    (from != Some(to)).then_some(Move {
                        job_seeker_id: hit.id,
                        from: from.map(|f| f + 1),
                        to: to + 1,
                    })
                })
                .collect();
            a
        });
        let entries: Vec<Entry> = chosen
            .iter()
            .enumerate()
            .map(|(i, h)| Entry::new(i + 1, h.id, &h.scored))
            .collect();
        let exposure = pool.map(|pool| {
            let statuses = PriorityStatus::ALL
                .iter()
                .map(|s| {
                    let bit = status_bit(*s);
                    StatusExposure {
                        status: *s,
                        in_shortlist: chosen.iter().filter(|h| priorities(h) & bit != 0).count(),
                        in_pool: pool.iter().filter(|p| **p & bit != 0).count(),
                    }
                })
                .collect();
            Exposure {
                shortlisted: chosen.len(),
                pool: pool.len(),
                statuses,
            }
        });
        Ok(Shortlist {
            offer_id,
            entries,
            adjustment,
            exposure,
            scored,
            read,
            buckets,
        })
    }

    /// The reference: scores every job seeker in the engine for the offer and sorts them all.
    /// Slow by design; tests and benchmarks check [`Engine::shortlist`] against it.
    pub fn shortlist_exhaustive(
        &self,
        offer_id: i64,
        k: usize,
        today: NaiveDate,
    ) -> Result<Vec<Entry>, EngineError> {
        let offer = self.offer(offer_id)?;
        let context = self.context(today);
        let all: Vec<(i64, Scored)> = self
            .seekers
            .iter()
            .filter_map(|s| {
                let km = refdata::distance_km(offer.point, self.point(s.commune));
                context.score(s, offer, km).map(|scored| (s.id, scored))
            })
            .collect();
        Ok(best(all, k)
            .map(|(rank, id, s)| Entry::new(rank, id, &s))
            .collect())
    }

    /// The k open offers that suit a job seeker best, with the same breakdown as shortlists.
    pub fn suggest(
        &self,
        job_seeker_id: i64,
        k: usize,
        today: NaiveDate,
    ) -> Result<Vec<Suggestion>, EngineError> {
        let seeker = self.seeker(job_seeker_id)?;
        let context = self.context(today);
        let home = self.point(seeker.commune);
        let mut found: Vec<(i64, Scored)> = Vec::new();
        for target in seeker.targets.iter() {
            let destinations = self
                .proximity
                .destinations
                .get(usize::from(target.rome))
                .map_or(&[][..], Vec::as_slice);
            for &(rome, _) in destinations {
                for &slot in self
                    .offers_by_rome
                    .get(usize::from(rome))
                    .map_or(&[][..], Vec::as_slice)
                {
                    let Some(offer) = self.offers.get(slot as usize) else {
                        continue;
                    };
                    let km = refdata::distance_km(offer.point, home);
                    if let Some(s) = context.score(seeker, offer, km)
                        && s.via == target.rome
                    {
                        found.push((offer.id, s));
                    }
                }
            }
        }
        Ok(best(found, k)
            .map(|(rank, id, s)| Suggestion {
                rank,
                offer_id: id,
                score: s.total,
                distance_km: s.distance_km,
                matched_rome: rome_code(s.via),
                match_kind: s.kind,
                breakdown: s.breakdown,
            })
            .collect())
    }

    /// Whether the person may be proposed for this offer today: every hard condition of the
    /// score holds (consent and its scope, activity, commute limit, permits, availability, an
    /// occupation that leads to the offer's). What a referral's proposal must satisfy.
    pub fn eligible(
        &self,
        job_seeker_id: i64,
        offer_id: i64,
        today: NaiveDate,
    ) -> Result<bool, EngineError> {
        let offer = self.offer(offer_id)?;
        let seeker = self.seeker(job_seeker_id)?;
        let km = refdata::distance_km(offer.point, self.point(seeker.commune));
        Ok(self.context(today).score(seeker, offer, km).is_some())
    }

    /// Whether the person's consent covers the offer: given, and for every agency or for those
    /// of the person's department when the offer is there.
    pub fn consent_covers(&self, job_seeker_id: i64, offer_id: i64) -> Result<bool, EngineError> {
        let offer = self.offer(offer_id)?;
        let seeker = self.seeker(job_seeker_id)?;
        Ok(match seeker.consent {
            None => false,
            Some(model::ConsentScope::AllAgencies) => true,
            Some(model::ConsentScope::DepartmentAgencies) => self
                .departments
                .get(seeker.commune as usize)
                .is_some_and(|own| *own == offer.department),
        })
    }

    /// Whether the person may be proposed for at least one of `offers` (open ones): what
    /// campaigns count as the eligible pool.
    pub(crate) fn eligible_for_any(
        &self,
        seeker: &SeekerProfile,
        wanted: &[bool],
        context: &Context<'_>,
    ) -> bool {
        if !seeker.proposable() {
            return false;
        }
        let home = self.point(seeker.commune);
        for target in seeker.targets.iter() {
            for &(rome, _) in self
                .proximity
                .destinations
                .get(usize::from(target.rome))
                .map_or(&[][..], Vec::as_slice)
            {
                for &slot in self
                    .offers_by_rome
                    .get(usize::from(rome))
                    .map_or(&[][..], Vec::as_slice)
                {
                    if !wanted.get(slot as usize).copied().unwrap_or(false) {
                        continue;
                    }
                    let Some(offer) = self.offers.get(slot as usize) else {
                        continue;
                    };
                    let km = refdata::distance_km(offer.point, home);
                    if context.score(seeker, offer, km).is_some() {
                        return true;
                    }
                }
            }
        }
        false
    }

    pub(crate) fn seekers(&self) -> &[SeekerProfile] {
        &self.seekers
    }

    pub(crate) fn offer_slot(&self, offer_id: i64) -> Option<u32> {
        self.offer_slot.get(&offer_id).copied()
    }

    pub(crate) fn offer_slots(&self) -> usize {
        self.offers.len()
    }

    pub(crate) fn context_for(&self, today: NaiveDate) -> Context<'_> {
        self.context(today)
    }
}

//! The score of a job seeker for an offer: hard conditions first (consent, activity, commute
//! limit, licences, availability), then six components between 0 and 1 and their weighted
//! sum. One function, [`Tables::score`], serves both directions (shortlists and suggestions)
//! and the exhaustive reference scorer, so they cannot disagree.

use model::{ConsentScope, ExperienceRequired, WorkingTime, WorkingTimePreference};
use serde::Serialize;

use crate::config::{ScoringConfig, Tiers};
use crate::profile::{Interner, NO_TITLE, OfferProfile, SeekerProfile, TargetRef};

/// Each component of a score, between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breakdown {
    /// How close the person's target occupation is to the offer's (see [`Tiers`]).
    pub occupation: f64,
    /// Share of the offer's coded skills the person has (1 when the offer names none).
    pub skills: f64,
    /// Halves every `distance_half_km` from the person's commune to the workplace.
    pub distance: f64,
    /// 1 when available by the start date, then falls by day of delay.
    pub availability: f64,
    /// Contract type and working time against the person's preferences, half each.
    pub conditions: f64,
    /// Months of experience in the offer's occupation against those asked for (1 for
    /// beginners accepted; at least 0.5 when experience is only wished).
    pub experience: f64,
}

/// How the person's occupation matched the offer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    SameCode,
    SameCodeOtherTitle,
    Proche,
    Evolution,
    SameDomain,
}

/// A scored pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub total: f64,
    pub breakdown: Breakdown,
    pub distance_km: f64,
    /// The person's target occupation (ROME index) that matched, and how.
    pub via: u16,
    pub kind: MatchKind,
}

/// A ROME mobility link into an occupation.
#[derive(Debug, Clone, Copy)]
struct Link {
    source: u16,
    kind: MatchKind,
    source_title: u32,
    target_title: u32,
}

/// Which occupations lead to which, with the tier of each link.
#[derive(Debug, Default)]
pub(crate) struct Proximity {
    /// Links into each occupation, sorted by source.
    inbound: Vec<Vec<Link>>,
    /// Domaine professionnel of each occupation, as an index.
    domain: Vec<u16>,
    /// For an offer's occupation: the occupations whose seekers may be proposed, with the
    /// best tier each can reach, best first.
    pub sources: Vec<Vec<(u16, f64)>>,
    /// For a person's target occupation: the offers' occupations it may lead to.
    pub destinations: Vec<Vec<(u16, f64)>>,
}

fn tier_value(tiers: &Tiers, kind: MatchKind) -> f64 {
    match kind {
        MatchKind::SameCode => tiers.same_code,
        MatchKind::SameCodeOtherTitle => tiers.same_code_other_title,
        MatchKind::Proche => tiers.proche,
        MatchKind::Evolution => tiers.evolution,
        MatchKind::SameDomain => tiers.same_domain,
    }
}

impl Proximity {
    pub(crate) fn build(tiers: &Tiers, titles: &mut Interner) -> Self {
        let rome = refdata::rome();
        let occupations = rome.occupations();
        let index_of = |code: &str| {
            occupations
                .binary_search_by(|o| o.code.cmp(code))
                .ok()
                .and_then(|i| u16::try_from(i).ok())
        };
        let mut domains: Vec<&str> = Vec::new();
        let mut domain = Vec::with_capacity(occupations.len());
        for occupation in occupations {
            let code = occupation.domaine_professionnel_code();
            let id = match domains.iter().position(|d| *d == code) {
                Some(i) => i,
                None => {
                    domains.push(code);
                    domains.len() - 1
                }
            };
            domain.push(u16::try_from(id).unwrap_or(u16::MAX));
        }
        let mut inbound: Vec<Vec<Link>> = vec![Vec::new(); occupations.len()];
        for (source, occupation) in occupations.iter().enumerate() {
            let Ok(source) = u16::try_from(source) else {
                continue;
            };
            for link in &occupation.mobility {
                let Some(target) = index_of(link.target) else {
                    continue;
                };
                let kind = match link.kind {
                    refdata::MobilityKind::Proche => MatchKind::Proche,
                    refdata::MobilityKind::Evolution => MatchKind::Evolution,
                    refdata::MobilityKind::Derived => MatchKind::SameDomain,
                };
                let mut title = |t: Option<&str>| t.map_or(NO_TITLE, |t| titles.intern(t));
                let link = Link {
                    source,
                    kind,
                    source_title: title(link.source_title),
                    target_title: title(link.target_title),
                };
                if let Some(list) = inbound.get_mut(usize::from(target)) {
                    list.push(link);
                }
            }
        }
        for list in &mut inbound {
            list.sort_by_key(|l| l.source);
        }
        let mut sources: Vec<Vec<(u16, f64)>> = vec![Vec::new(); occupations.len()];
        let mut destinations: Vec<Vec<(u16, f64)>> = vec![Vec::new(); occupations.len()];
        let add = |list: &mut Vec<(u16, f64)>, code: u16, value: f64| match list
            .iter_mut()
            .find(|(c, _)| *c == code)
        {
            Some((_, v)) => *v = v.max(value),
            None => list.push((code, value)),
        };
        for target in 0..occupations.len() {
            let Ok(target16) = u16::try_from(target) else {
                continue;
            };
            let mut list = Vec::new();
            add(&mut list, target16, tiers.same_code);
            for link in inbound.get(target).into_iter().flatten() {
                add(&mut list, link.source, tier_value(tiers, link.kind));
            }
            let own = domain.get(target).copied();
            for (other, d) in domain.iter().enumerate() {
                if Some(*d) == own
                    && let Ok(other) = u16::try_from(other)
                {
                    add(&mut list, other, tiers.same_domain);
                }
            }
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for &(source, value) in &list {
                if let Some(d) = destinations.get_mut(usize::from(source)) {
                    add(d, target16, value);
                }
            }
            if let Some(slot) = sources.get_mut(target) {
                *slot = list;
            }
        }
        for list in &mut destinations {
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        Self {
            inbound,
            domain,
            sources,
            destinations,
        }
    }

    /// The best tier from a person's target to an offer's occupation and title; `None` when
    /// the target does not lead there.
    fn tier(
        &self,
        tiers: &Tiers,
        target: TargetRef,
        rome: u16,
        title: u32,
    ) -> Option<(f64, MatchKind)> {
        if target.rome == rome {
            let kind = if target.title != NO_TITLE && title != NO_TITLE && target.title != title {
                MatchKind::SameCodeOtherTitle
            } else {
                MatchKind::SameCode
            };
            return Some((tier_value(tiers, kind), kind));
        }
        let mut best: Option<(f64, MatchKind)> = None;
        let mut consider = |kind: MatchKind| {
            let value = tier_value(tiers, kind);
            if best.is_none_or(|(v, _)| value > v) {
                best = Some((value, kind));
            }
        };
        let links = self
            .inbound
            .get(usize::from(rome))
            .map_or(&[][..], Vec::as_slice);
        let start = links.partition_point(|l| l.source < target.rome);
        for link in links
            .iter()
            .skip(start)
            .take_while(|l| l.source == target.rome)
        {
            let applies = |required: u32, actual: u32| {
                required == NO_TITLE || actual == NO_TITLE || required == actual
            };
            if applies(link.source_title, target.title) && applies(link.target_title, title) {
                consider(link.kind);
            }
        }
        let same_domain = self.domain.get(usize::from(target.rome)).is_some()
            && self.domain.get(usize::from(target.rome)) == self.domain.get(usize::from(rome));
        if same_domain {
            consider(MatchKind::SameDomain);
        }
        best
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.inbound
            .iter()
            .map(|l| l.capacity() * std::mem::size_of::<Link>())
            .sum::<usize>()
            + self
                .sources
                .iter()
                .chain(&self.destinations)
                .map(|l| l.capacity() * 16)
                .sum::<usize>()
    }
}

/// The weighted sum, always added in the same order so that an upper bound computed with the
/// same function is never below a real score (floating-point addition is monotone).
pub(crate) fn total(config: &ScoringConfig, b: &Breakdown) -> f64 {
    let w = &config.weights;
    w.occupation * b.occupation
        + w.skills * b.skills
        + w.distance * b.distance
        + w.availability * b.availability
        + w.conditions * b.conditions
        + w.experience * b.experience
}

pub(crate) fn distance_component(config: &ScoringConfig, km: f64) -> f64 {
    0.5f64.powf(km / config.distance_half_km)
}

/// The best score any person whose best tier is `tier` could reach at `km`.
pub(crate) fn upper_bound(config: &ScoringConfig, tier: f64, distance: f64) -> f64 {
    total(
        config,
        &Breakdown {
            occupation: tier,
            skills: 1.0,
            distance,
            availability: 1.0,
            conditions: 1.0,
            experience: 1.0,
        },
    )
}

/// Share of the offer's skills the person holds on `today`: a proof that stopped holding
/// (a CACES past its validity) no longer counts.
fn skills_share(offer: &OfferProfile, seeker: &SeekerProfile, today: i32) -> f64 {
    if seeker.lapsing.is_empty() {
        return shared_share(&offer.skills, &seeker.skills);
    }
    if offer.skills.is_empty() {
        return 1.0;
    }
    let lapsed = seeker
        .lapsing
        .iter()
        .filter(|(proof, until)| *until < today && offer.skills.binary_search(proof).is_ok())
        .count();
    let held = shared_count(&offer.skills, &seeker.skills).saturating_sub(lapsed);
    held as f64 / offer.skills.len() as f64
}

fn shared_share(asked: &[u32], held: &[u32]) -> f64 {
    if asked.is_empty() {
        return 1.0;
    }
    shared_count(asked, held) as f64 / asked.len() as f64
}

/// How many of `asked` are in `held` (both sorted, distinct): the one count of shared codes
/// (skills here, the reconversion paths' skills in the service).
pub fn shared_count(asked: &[u32], held: &[u32]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while let (Some(a), Some(h)) = (asked.get(i), held.get(j)) {
        match a.cmp(h) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Everything a score depends on besides the pair.
pub(crate) struct Context<'a> {
    pub config: &'a ScoringConfig,
    pub proximity: &'a Proximity,
    /// Department index of each commune.
    pub departments: &'a [u16],
    pub today: i32,
}

/// Contract type and working time against the person's preferences, half each.
fn conditions(contracts: u16, working_time: WorkingTimePreference, offer: &OfferProfile) -> f64 {
    let contract = if contracts == 0 || contracts & offer.contract != 0 {
        1.0
    } else {
        0.0
    };
    let time = match (working_time, offer.working_time) {
        (WorkingTimePreference::Any, _) | (_, None) => 1.0,
        (WorkingTimePreference::FullTime, Some(WorkingTime::FullTime))
        | (WorkingTimePreference::PartTime, Some(WorkingTime::PartTime)) => 1.0,
        _ => 0.0,
    };
    (contract + time) / 2.0
}

/// Months held in the offer's occupation against those asked for.
fn experience(offer: &OfferProfile, months: u16) -> f64 {
    let share = (f64::from(months) / f64::from(offer.experience_months.max(1))).min(1.0);
    match offer.experience {
        ExperienceRequired::Beginner => 1.0,
        ExperienceRequired::Wished => 0.5 + 0.5 * share,
        ExperienceRequired::Required => share,
    }
}

/// What a bucket keeps of each member, so that most can be ruled out or bounded without
/// reading their profile: the hard conditions, the exact availability and conditions, a
/// signature of their skills and their experience in the bucket's occupation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub slot: u32,
    /// Day from which available, or `i32::MIN` for now.
    pub available_from: i32,
    /// One bit per skill (see [`skill_bit`]).
    pub skills: u64,
    pub commute_km: u16,
    pub licences: u16,
    pub contracts: u16,
    /// The department the consent is limited to, or `u16::MAX` for every agency.
    pub department: u16,
    /// Months of experience in the bucket's occupation.
    pub experience_here: u16,
    pub working_time: WorkingTimePreference,
}

impl Member {
    /// Folds `other` into a bucket's summary: a member that holds, for every bound, the best
    /// any member holds (the earliest availability, every skill bit and licence, the widest
    /// preferences, the most experience), so that its bound is the bucket's.
    pub(crate) fn absorb(&mut self, other: &Member) {
        self.available_from = self.available_from.min(other.available_from);
        self.skills |= other.skills;
        self.commute_km = self.commute_km.max(other.commute_km);
        self.licences |= other.licences;
        self.contracts = if self.contracts == 0 || other.contracts == 0 {
            0
        } else {
            self.contracts | other.contracts
        };
        if self.department != other.department {
            self.department = u16::MAX;
        }
        self.experience_here = self.experience_here.max(other.experience_here);
        if self.working_time != other.working_time {
            self.working_time = WorkingTimePreference::Any;
        }
    }
}

/// The bit of a skill in a member's signature.
pub(crate) fn skill_bit(skill: u32) -> u64 {
    1u64 << (skill.wrapping_mul(0x9E37_79B1) >> 26)
}

impl Context<'_> {
    /// Whether the person may start in time; the availability component if so.
    fn availability(&self, available_from: Option<i32>, offer: &OfferProfile) -> Option<f64> {
        let start = offer.starts_on.unwrap_or(self.today).max(self.today);
        let late = available_from.unwrap_or(self.today) - start;
        let max_delay = i32::try_from(self.config.max_delay_days).unwrap_or(i32::MAX);
        if late > max_delay {
            return None;
        }
        Some(if late <= 0 {
            1.0
        } else {
            1.0 - f64::from(late) / (f64::from(max_delay) + 1.0)
        })
    }

    /// An upper bound of the member's score for the offer at `km`, read from the bucket alone
    /// (`None` when a hard condition fails): the occupation at the bucket's best `tier`, skills
    /// from the signature, experience exact in the offer's own occupation, the rest exact.
    pub(crate) fn member_bound(
        &self,
        member: &Member,
        offer: &OfferProfile,
        offer_skill_bits: &[u64],
        same_code: bool,
        tier: f64,
        (km, distance): (f64, f64),
    ) -> Option<f64> {
        if km > f64::from(member.commute_km)
            || offer.licences & !member.licences != 0
            || (member.department != u16::MAX && member.department != offer.department)
        {
            return None;
        }
        let available = (member.available_from != i32::MIN).then_some(member.available_from);
        let availability = self.availability(available, offer)?;
        let skills = if offer_skill_bits.is_empty() {
            1.0
        } else {
            let held = offer_skill_bits
                .iter()
                .filter(|b| member.skills & **b != 0)
                .count();
            held as f64 / offer_skill_bits.len() as f64
        };
        Some(total(
            self.config,
            &Breakdown {
                occupation: tier,
                skills,
                distance,
                availability,
                conditions: conditions(member.contracts, member.working_time, offer),
                experience: if same_code {
                    experience(offer, member.experience_here)
                } else {
                    1.0
                },
            },
        ))
    }

    /// The score of `seeker` for `offer` at `km` from the workplace, or `None` when a hard
    /// condition fails.
    pub(crate) fn score(
        &self,
        seeker: &SeekerProfile,
        offer: &OfferProfile,
        km: f64,
    ) -> Option<Scored> {
        let config = self.config;
        if !seeker.active || km > f64::from(seeker.commute_km) {
            return None;
        }
        match seeker.consent? {
            ConsentScope::AllAgencies => {}
            ConsentScope::DepartmentAgencies => {
                let own = self.departments.get(seeker.commune as usize)?;
                if *own != offer.department {
                    return None;
                }
            }
        }
        if offer.licences & !seeker.licences != 0 {
            return None;
        }
        let availability = self.availability(seeker.available_from, offer)?;
        let mut best: Option<(f64, MatchKind, u16)> = None;
        for target in seeker.targets.iter() {
            if let Some((value, kind)) =
                self.proximity
                    .tier(&config.tiers, *target, offer.rome, offer.title)
                && best.is_none_or(|(v, _, _)| value > v)
            {
                best = Some((value, kind, target.rome));
            }
        }
        let (occupation, kind, via) = best?;
        let experience = experience(offer, seeker.experience_in(offer.rome));
        let breakdown = Breakdown {
            occupation,
            skills: skills_share(offer, seeker, self.today),
            distance: distance_component(config, km),
            availability,
            conditions: conditions(seeker.contracts, seeker.working_time, offer),
            experience,
        };
        Some(Scored {
            total: total(config, &breakdown),
            breakdown,
            distance_km: km,
            via,
            kind,
        })
    }
}

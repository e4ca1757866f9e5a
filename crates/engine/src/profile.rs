//! The engine's compact forms of job seekers and offers: codes turned into small integers so
//! that a million people fit in a few hundred megabytes and score in tens of nanoseconds.

use foldhash::HashMap;

use chrono::{Datelike, NaiveDate};
use model::{
    ConsentScope, ContractType, ExperienceRequired, JobSeekerStatus, Offer, OfferStatus,
    PriorityStatus, SourcingProfile, WorkingTime, WorkingTimePreference,
};

/// "No job title" in a title slot.
pub(crate) const NO_TITLE: u32 = u32::MAX;

/// Strings (skill and job-title OGR codes) as integers. OGR codes are numbers and stand for
/// themselves, with no lookup; any other text (or a number written with a leading zero) gets
/// a number from 2³¹ up.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: HashMap<String, u32>,
}

const FIRST_INTERNED: u32 = 1 << 31;

impl Interner {
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if !text.is_empty()
            && text.len() <= 9
            && (text == "0" || !text.starts_with('0'))
            && text.bytes().all(|b| b.is_ascii_digit())
            && let Ok(number) = text.parse::<u32>()
        {
            return number;
        }
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = u32::try_from(self.ids.len())
            .ok()
            .and_then(|n| FIRST_INTERNED.checked_add(n))
            .filter(|id| *id < NO_TITLE)
            .unwrap_or(NO_TITLE - 1);
        self.ids.insert(text.to_string(), id);
        id
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.ids
            .keys()
            .map(|k| k.capacity() + std::mem::size_of::<(String, u32)>() + 8)
            .sum()
    }
}

/// Driving licence categories, each a bit; holding one implies holding those it requires.
const LICENCES: [(&str, &[&str]); 15] = model::DRIVING_LICENCES;

fn licence_bit(code: &str) -> Option<u16> {
    LICENCES
        .iter()
        .position(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|i| 1u16 << i)
}

/// A licence with everything it implies (CE holds C, C1, B...).
fn licence_closure(code: &str) -> u16 {
    let Some(bit) = licence_bit(code) else {
        return 0;
    };
    let implied = LICENCES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map_or(0, |(_, requires)| {
            requires.iter().fold(0, |acc, r| acc | licence_closure(r))
        });
    bit | implied
}

/// The licence an offer's `permis` label asks for: France Travail writes the category first
/// (`B - Véhicule léger`, `CE - Poids lourd + remorque`). A label whose category we cannot read
/// is not enforced, rather than excluding everyone.
pub(crate) fn licence_of_label(label: &str) -> u16 {
    let code = label.split(" - ").next().unwrap_or_default().trim();
    licence_bit(code).unwrap_or(0)
}

/// Days since the common era: dates compare as integers.
pub(crate) fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

pub(crate) fn status_bit(status: PriorityStatus) -> u8 {
    let index = PriorityStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    1u8 << index
}

fn contract_bit(contract: ContractType) -> u16 {
    let index = ContractType::ALL
        .iter()
        .position(|c| *c == contract)
        .unwrap_or(0);
    1u16 << index
}

/// A target occupation: ROME index and job title (or [`NO_TITLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TargetRef {
    pub rome: u16,
    pub title: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SeekerProfile {
    pub id: i64,
    pub commune: u32,
    pub commute_km: u16,
    pub targets: Box<[TargetRef]>,
    /// Interned skill codes, sorted, distinct: the skills declared, those an evaluation
    /// proves, and their proofs (see `offer_profile`).
    pub skills: Box<[u32]>,
    /// The proofs among `skills` that stop holding, with their last day: a proof counts in a
    /// score only on the days it holds (the bounds count it always, which only raises them).
    pub lapsing: Box<[(u32, i32)]>,
    /// Months of experience by ROME index, sorted by index.
    pub experience: Box<[(u16, u16)]>,
    pub licences: u16,
    /// Accepted contract types as bits; 0 accepts any.
    pub contracts: u16,
    pub working_time: WorkingTimePreference,
    /// Priority statuses held, as bits of [`PriorityStatus::ALL`].
    pub priorities: u8,
    /// Consent to be proposed, and its scope; `None`: never proposed.
    pub consent: Option<ConsentScope>,
    pub active: bool,
    /// The day from which the person can start; `None`: now.
    pub available_from: Option<i32>,
}

impl SeekerProfile {
    /// Whether the person may appear in any shortlist at all.
    pub(crate) fn proposable(&self) -> bool {
        self.active && self.consent.is_some()
    }

    pub(crate) fn experience_in(&self, rome: u16) -> u16 {
        self.experience
            .binary_search_by_key(&rome, |(r, _)| *r)
            .ok()
            .and_then(|i| self.experience.get(i))
            .map_or(0, |(_, months)| *months)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.targets.len() * std::mem::size_of::<TargetRef>()
            + self.skills.len() * 4
            + self.lapsing.len() * 8
            + self.experience.len() * 4
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OfferProfile {
    pub id: i64,
    pub rome: u16,
    pub title: u32,
    pub commune: u32,
    /// The workplace: the offer's coordinates, else its commune's.
    pub point: (f64, f64),
    /// Index of the owner structure's department (for consents limited to the person's
    /// department); the workplace's when the owner is unknown.
    pub department: u16,
    pub contract: u16,
    pub working_time: Option<WorkingTime>,
    pub experience: ExperienceRequired,
    pub experience_months: u16,
    pub licences: u16,
    /// Interned codes of the skills asked for, sorted, distinct.
    pub skills: Box<[u32]>,
    pub starts_on: Option<i32>,
    pub open: bool,
    pub positions: u16,
}

/// What the conversions need from the engine's tables.
pub(crate) trait Codes {
    fn rome_index(&self, code: &str) -> Option<u16>;
    fn commune_index(&self, code: &str) -> Option<u32>;
    fn department_of_commune(&self, commune: u32) -> u16;
    fn department_of_structure(&self, siret: &str) -> Option<u16>;
    fn point(&self, commune: u32) -> (f64, f64);
    fn skills(&mut self) -> &mut Interner;
    fn titles(&mut self) -> &mut Interner;
}

/// Why a record cannot enter the engine: a code the reference data does not know (the
/// referentials changed since it was stored).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{what} {code} is unknown to the reference data")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// The interned name of the proof of a skill (an OGR code): never a ROME code itself.
fn proof_of(skill: &str) -> String {
    format!("proof:{skill}")
}

fn unknown(what: &'static str, code: &str) -> UnknownCode {
    UnknownCode {
        what,
        code: code.to_string(),
    }
}

pub(crate) fn seeker_profile(
    record: &SourcingProfile,
    codes: &mut impl Codes,
) -> Result<SeekerProfile, UnknownCode> {
    let commune = codes
        .commune_index(record.commune.as_str())
        .ok_or_else(|| unknown("commune", record.commune.as_str()))?;
    let mut targets = Vec::with_capacity(record.targets.as_slice().len());
    for target in record.targets.as_slice() {
        let rome = codes
            .rome_index(target.rome.as_str())
            .ok_or_else(|| unknown("ROME code", target.rome.as_str()))?;
        let title = target
            .job_title
            .as_deref()
            .map_or(NO_TITLE, |t| codes.titles().intern(t));
        targets.push(TargetRef { rome, title });
    }
    // A skill an evaluation proves counts twice: as the skill, and as its proof, which an
    // offer asking for a certificate (a CACES) asks for too (see `offer_profile`).
    let mut skills: Vec<u32> = record
        .skills
        .iter()
        .map(|s| codes.skills().intern(s))
        .collect();
    let mut lapsing: Vec<(u32, i32)> = Vec::new();
    for proven in &record.proven_skills {
        skills.push(codes.skills().intern(&proven.skill));
        let proof = codes.skills().intern(&proof_of(&proven.skill));
        skills.push(proof);
        if let Some(until) = proven.until {
            lapsing.push((proof, day(until)));
        }
    }
    // The same proof twice: the later day holds.
    lapsing.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    lapsing.dedup_by_key(|(proof, _)| *proof);
    let unending: Vec<u32> = record
        .proven_skills
        .iter()
        .filter(|p| p.until.is_none())
        .map(|p| codes.skills().intern(&proof_of(&p.skill)))
        .collect();
    lapsing.retain(|(proof, _)| !unending.contains(proof));
    skills.sort_unstable();
    skills.dedup();
    let mut experience: Vec<(u16, u16)> = Vec::new();
    for e in &record.experience {
        if let Some(rome) = codes.rome_index(e.rome.as_str()) {
            match experience.iter_mut().find(|(r, _)| *r == rome) {
                Some((_, months)) => *months = months.saturating_add(e.months),
                None => experience.push((rome, e.months)),
            }
        }
    }
    experience.sort_unstable();
    let licences = record
        .qualifications
        .iter()
        .filter(|q| q.kind == "driving_licence")
        .fold(0, |acc, q| acc | licence_closure(&q.code));
    Ok(SeekerProfile {
        id: record.id,
        commune,
        commute_km: record.commute_limit.km(),
        targets: targets.into_boxed_slice(),
        skills: skills.into_boxed_slice(),
        lapsing: lapsing.into_boxed_slice(),
        experience: experience.into_boxed_slice(),
        licences,
        contracts: record
            .contract_types
            .iter()
            .fold(0, |acc, c| acc | contract_bit(*c)),
        working_time: record.working_time,
        priorities: record
            .priorities
            .iter()
            .fold(0, |acc, s| acc | status_bit(*s)),
        consent: record.consent,
        active: record.status == JobSeekerStatus::Active,
        available_from: record.available_from.map(day),
    })
}

pub(crate) fn offer_profile(
    offer: &Offer,
    codes: &mut impl Codes,
) -> Result<OfferProfile, UnknownCode> {
    let record = &offer.record;
    let rome = codes
        .rome_index(record.rome.as_str())
        .ok_or_else(|| unknown("ROME code", record.rome.as_str()))?;
    let commune = codes
        .commune_index(record.commune.as_str())
        .ok_or_else(|| unknown("commune", record.commune.as_str()))?;
    let title = record
        .job_title_ogr
        .as_deref()
        .map_or(NO_TITLE, |t| codes.titles().intern(t));
    let mut skills: Vec<u32> = record
        .skills
        .iter()
        .filter_map(|s| s.code.as_deref())
        .map(|code| codes.skills().intern(code))
        .collect();
    // A certificate is asked for twice: the know-how, which a person may declare, and its
    // proof, which only an evaluation the person shares gives.
    for skill in &record.skills {
        if let Some(code) = skill.code.as_deref()
            && model::evaluations::is_certificate_label(&skill.label)
        {
            skills.push(codes.skills().intern(&proof_of(code)));
        }
    }
    skills.sort_unstable();
    skills.dedup();
    let department = codes
        .department_of_structure(record.structure_siret.as_str())
        .unwrap_or_else(|| codes.department_of_commune(commune));
    Ok(OfferProfile {
        id: offer.id,
        rome,
        title,
        commune,
        point: record.coordinates.unwrap_or_else(|| codes.point(commune)),
        department,
        contract: contract_bit(record.contract_type),
        working_time: record.working_time,
        experience: record.experience_required,
        experience_months: record.experience_months.unwrap_or(0),
        licences: record
            .licences
            .iter()
            .fold(0, |acc, l| acc | licence_of_label(l)),
        skills: skills.into_boxed_slice(),
        starts_on: record.starts_on.map(day),
        open: record.status == OfferStatus::Open,
        positions: record.positions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stand_for_themselves_and_other_text_is_interned() {
        let mut interner = Interner::default();
        assert_eq!(interner.intern("100007"), 100_007);
        let a = interner.intern("B1V");
        assert!(a >= FIRST_INTERNED && a != NO_TITLE);
        assert_eq!(interner.intern("B1V"), a);
        let padded = interner.intern("0100007");
        assert!(padded != a && padded != 100_007);
        assert_ne!(interner.intern("x"), a);
    }

    #[test]
    fn licences_imply_what_they_require() {
        let b = licence_bit("B").unwrap_or(0);
        let c = licence_bit("C").unwrap_or(0);
        assert_eq!(licence_closure("CE") & (b | c), b | c);
        assert_eq!(licence_closure("B") & c, 0);
        assert_eq!(licence_of_label("C - Poids lourd"), c);
        assert_eq!(licence_of_label("Permis apprécié"), 0);
    }
}

//! Duos: a job seeker paired for a few months with a temp worker experienced in an occupation
//! in shortage (the agreement's pilot). The mentors are their agencies' (`api` registers
//! them); for a person, the advisor gets mentors suggested ([`suggest`]: the person's target
//! occupations and the close ones among those in tension in the person's department, mentors
//! within reach with a place left, available soonest, the most experienced) or draws one at
//! random among the same eligible mentors, which the pilot's evaluation can then compare
//! with the draw's losers.

pub(crate) mod api;
pub mod evaluation;
pub(crate) mod figures;
pub(crate) mod mentor_pages;
pub(crate) mod mentors;
pub(crate) mod pages;

use chrono::NaiveDate;
use model::Mentor;
use refdata::tension::Territory;

/// How an occupation relates to the person's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// One of the person's targets.
    Same,
    /// Close to a target (ROME "proche").
    Close,
}

/// An occupation a duo could be about, for one person.
#[derive(Debug, Clone, PartialEq)]
pub struct DuoOccupation {
    pub rome: &'static str,
    pub relation: Relation,
    /// Its official tension class in the person's department (4 or 5).
    pub class: u8,
}

/// The occupations a duo can be about for a person living in `department` who targets
/// `targets`: the targets and their close occupations, those in tension only (official class
/// 4 or 5 in the department), the targets first, then by class.
pub fn duo_occupations(targets: &[String], department: &str) -> Vec<DuoOccupation> {
    let rome = refdata::rome();
    let tensions = refdata::tensions();
    let class_of = |code: &str| {
        tensions
            .official(code, Territory::Department(department))
            .ok()
            .map(|t| t.class)
    };
    let mut out: Vec<DuoOccupation> = Vec::new();
    let mut push = |code: &'static str, relation: Relation| {
        if out.iter().any(|o| o.rome == code) {
            return;
        }
        if let Some(class) = class_of(code).filter(|c| *c >= 4) {
            out.push(DuoOccupation {
                rome: code,
                relation,
                class,
            });
        }
    };
    for target in targets {
        if let Some(occupation) = rome.occupation(target) {
            push(occupation.code, Relation::Same);
        }
    }
    for target in targets {
        let Some(occupation) = rome.occupation(target) else {
            continue;
        };
        for link in &occupation.mobility {
            if link.kind == refdata::MobilityKind::Proche {
                push(link.target, Relation::Close);
            }
        }
    }
    out.sort_by(|a, b| a.relation.cmp(&b.relation).then(b.class.cmp(&a.class)));
    out
}

/// A mentor suggested for a person, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub mentor_id: i64,
    /// The occupation the duo would be about.
    pub rome: &'static str,
    pub relation: Relation,
    pub class: u8,
    /// The mentor's months of experience in it.
    pub months: u16,
    pub distance_km: f64,
    /// Available today or within a fortnight.
    pub available_soon: bool,
    pub available_from: NaiveDate,
    pub hours_per_month: u8,
    /// Places left.
    pub places: u8,
}

/// Days within which a mentor's availability counts as soon.
const SOON_DAYS: i64 = 14;
/// Distances within this many kilometres rank alike (a bus ride more or less).
const DISTANCE_STEP_KM: f64 = 5.0;

/// The mentors of `mentors` eligible for a person at `home` who travels up to `reach_km`,
/// for `occupations` (as [`duo_occupations`] gives them): not withdrawn, with a place left,
/// practising one of the occupations, within reach; each once, for the best of its
/// occupations. Ranked: the person's own targets before close occupations, then available
/// soon, nearer (by steps of 5 km), tenser, more experienced, then by id.
pub fn suggest<'a>(
    mentors: impl IntoIterator<Item = &'a Mentor>,
    occupations: &[DuoOccupation],
    home: (f64, f64),
    reach_km: u16,
    today: NaiveDate,
) -> Vec<Suggestion> {
    let geo = refdata::geo();
    let mut out: Vec<Suggestion> = Vec::new();
    for mentor in mentors.into_iter().filter(|m| m.has_room()) {
        let Some(point) = geo
            .commune(mentor.mentor.commune.as_str())
            .map(|c| c.point())
        else {
            continue;
        };
        let distance_km = refdata::distance_km(home, point);
        if distance_km > f64::from(reach_km) {
            continue;
        }
        // The mentor's best occupation for the person: the occupations' order.
        let best = occupations.iter().find_map(|o| {
            mentor
                .mentor
                .occupations
                .iter()
                .find(|m| m.rome.as_str() == o.rome)
                .map(|m| (o, m.months))
        });
        let Some((occupation, months)) = best else {
            continue;
        };
        out.push(Suggestion {
            mentor_id: mentor.id,
            rome: occupation.rome,
            relation: occupation.relation,
            class: occupation.class,
            months,
            distance_km,
            available_soon: (mentor.mentor.available_from - today).num_days() <= SOON_DAYS,
            available_from: mentor.mentor.available_from,
            hours_per_month: mentor.mentor.hours_per_month,
            places: mentor.mentor.capacity.saturating_sub(mentor.open_duos),
        });
    }
    let step = |km: f64| (km / DISTANCE_STEP_KM).floor() as u32;
    out.sort_by(|a, b| {
        a.relation
            .cmp(&b.relation)
            .then(b.available_soon.cmp(&a.available_soon))
            .then(step(a.distance_km).cmp(&step(b.distance_km)))
            .then(b.class.cmp(&a.class))
            .then(b.months.cmp(&a.months))
            .then(a.mentor_id.cmp(&b.mentor_id))
    });
    out
}

/// Whether the person's consent covers a duo with this mentor: given, and for a consent to
/// the agencies of their department only, a mentor of that department (where the duo
/// happens, as an offer's workplace for a referral).
pub fn consent_covers(person: &model::JobSeeker, mentor: &Mentor) -> bool {
    let department = |commune: &str| refdata::geo().commune(commune).map(|c| c.department);
    match person.record.consent.as_ref().map(|c| c.scope) {
        None => false,
        Some(model::ConsentScope::AllAgencies) => true,
        Some(model::ConsentScope::DepartmentAgencies) => {
            department(mentor.mentor.commune.as_str()) == department(person.record.commune.as_str())
        }
    }
}

/// The occupations a duo can be about for a person ([`duo_occupations`] of their targets in
/// the department they live in) and the commune they live in; `None` when it is unknown.
pub fn occupations_of(
    record: &model::JobSeekerRecord,
) -> Option<(Vec<DuoOccupation>, &'static refdata::Commune)> {
    let home = refdata::geo().commune(record.commune.as_str())?;
    let targets: Vec<String> = record
        .targets
        .as_slice()
        .iter()
        .map(|t| t.rome.to_string())
        .collect();
    Some((duo_occupations(&targets, home.department), home))
}

/// The mentors suggested for a person on `today`: the occupations a duo can be about for
/// them ([`duo_occupations`]), the mentors with a place left who practise one (one query),
/// but not those the person was already paired with nor those their consent does not cover
/// ([`consent_covers`]), ranked ([`suggest`]). A person whose commune is unknown gets none.
pub async fn suggestions(
    store: &dyn store::Store,
    seeker: &model::JobSeeker,
    today: NaiveDate,
) -> store::Result<(Vec<DuoOccupation>, Vec<Suggestion>)> {
    let r = &seeker.record;
    let Some((occupations, home)) = occupations_of(r) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let romes: Vec<domain::RomeCode> = occupations
        .iter()
        .filter_map(|o| domain::RomeCode::parse(o.rome).ok())
        .collect();
    let paired: Vec<i64> = store
        .duos_of_job_seeker(seeker.id)
        .await?
        .iter()
        .map(|d| d.duo.mentor_id)
        .collect();
    let mut mentors = store.mentors_with_room(&romes).await?;
    mentors.retain(|m| !paired.contains(&m.id) && consent_covers(seeker, m));
    let found = suggest(
        &mentors,
        &occupations,
        home.point(),
        r.commute_limit.km(),
        today,
    );
    Ok((occupations, found))
}

/// A person of an agency for whom a mentor is free now: their best suggestion and how many.
#[derive(Debug, Clone)]
pub struct DuoCandidate {
    pub seeker: model::JobSeeker,
    pub best: Suggestion,
    pub mentors: usize,
}

/// The people of a France Travail agency for whom a mentor is free (active, consenting, in
/// no open duo, not a lottery loser): priority publics first — those holding a priority
/// status, the more statuses first —, then the longest registered (the furthest from
/// employment), at most `limit`. The mentors are read once, the suggestions computed in
/// memory.
pub async fn candidates(
    store: &dyn store::Store,
    agency: i64,
    today: NaiveDate,
    limit: usize,
) -> store::Result<Vec<DuoCandidate>> {
    let busy: std::collections::HashSet<i64> = store
        .duos_of_structure(agency, u32::MAX)
        .await?
        .iter()
        .filter(|d| d.state.is_open())
        .map(|d| d.duo.job_seeker_id)
        .chain(
            store
                .draws()
                .await?
                .iter()
                .filter(|d| !d.won)
                .map(|d| d.job_seeker_id),
        )
        .collect();
    let mut people = Vec::new();
    let mut after = 0;
    loop {
        let page = store.job_seekers_of_agency(agency, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        people.extend(page.into_iter().filter(|p| {
            p.record.status == model::JobSeekerStatus::Active
                && p.record.consent.is_some()
                && !busy.contains(&p.id)
        }));
    }
    // Each person's occupations, then every mentor with room for any of them, read once.
    let mut wanted: Vec<(usize, Vec<DuoOccupation>, (f64, f64))> = Vec::new();
    let mut romes: Vec<&'static str> = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let Some((occupations, home)) = occupations_of(&person.record) else {
            continue;
        };
        if occupations.is_empty() {
            continue;
        }
        romes.extend(occupations.iter().map(|o| o.rome));
        wanted.push((i, occupations, home.point()));
    }
    romes.sort_unstable();
    romes.dedup();
    let codes: Vec<domain::RomeCode> = romes
        .iter()
        .filter_map(|r| domain::RomeCode::parse(r).ok())
        .collect();
    let mentors = store.mentors_with_room(&codes).await?;
    let mut out: Vec<DuoCandidate> = Vec::new();
    for (i, occupations, home) in wanted {
        let Some(person) = people.get(i) else {
            continue;
        };
        let found = suggest(
            mentors.iter().filter(|m| consent_covers(person, m)),
            &occupations,
            home,
            person.record.commute_limit.km(),
            today,
        );
        if let Some(best) = found.first() {
            out.push(DuoCandidate {
                seeker: person.clone(),
                best: best.clone(),
                mentors: found.len(),
            });
        }
    }
    out.sort_by(|a, b| {
        let held = |c: &DuoCandidate| c.seeker.record.priorities.len();
        (held(b) > 0)
            .cmp(&(held(a) > 0))
            .then(held(b).cmp(&held(a)))
            .then(
                a.seeker
                    .record
                    .registered_on
                    .cmp(&b.seeker.record.registered_on),
            )
            .then(a.seeker.id.cmp(&b.seeker.id))
    });
    out.truncate(limit);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{InseeCode, PersonName, RomeCode};
    use model::{MentorOccupation, NewMentor};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn mentor(id: i64, commune: &str, occupations: &[(&str, u16)], from: &str) -> Mentor {
        Mentor {
            id,
            mentor: NewMentor {
                agency_id: 1,
                first_name: PersonName::parse("Léa").unwrap(),
                last_name: PersonName::parse("Martin").unwrap(),
                email: None,
                phone: None,
                commune: InseeCode::parse(commune).unwrap(),
                occupations: occupations
                    .iter()
                    .map(|(r, m)| MentorOccupation {
                        rome: RomeCode::parse(r).unwrap(),
                        months: *m,
                    })
                    .collect(),
                available_from: day(from),
                hours_per_month: 8,
                capacity: 1,
                consent_on: day("2026-01-05"),
                created_by: None,
            },
            created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            withdrawn_at: None,
            open_duos: 0,
        }
    }

    fn occupation(rome: &'static str, relation: Relation, class: u8) -> DuoOccupation {
        DuoOccupation {
            rome,
            relation,
            class,
        }
    }

    #[test]
    fn suggestions_rank_the_same_occupation_then_availability_then_distance() {
        let paris = refdata::geo().commune("75056").map(|c| c.point()).unwrap();
        let occupations = [
            occupation("F1703", Relation::Same, 4),
            occupation("F1702", Relation::Close, 5),
        ];
        let today = day("2026-03-10");
        let mentors = [
            // Close occupation, at hand: after every mentor of the person's own target.
            mentor(1, "75056", &[("F1702", 200)], "2026-03-01"),
            // Same occupation, Montreuil (a few km), available now.
            mentor(2, "93048", &[("F1703", 24)], "2026-03-01"),
            // Same occupation, in Paris, but only available in two months.
            mentor(3, "75056", &[("F1703", 120)], "2026-05-10"),
            // Same occupation, Paris, available now, more experienced than 5.
            mentor(4, "75056", &[("F1703", 60), ("F1702", 12)], "2026-03-20"),
            mentor(5, "75056", &[("F1703", 30)], "2026-02-01"),
            // Out of reach (Marseille), and one who practises neither occupation.
            mentor(6, "13055", &[("F1703", 200)], "2026-03-01"),
            mentor(7, "75056", &[("N1101", 200)], "2026-03-01"),
        ];
        let mut full = mentor(8, "75056", &[("F1703", 300)], "2026-03-01");
        full.open_duos = 1;
        let mut withdrawn = mentor(9, "75056", &[("F1703", 300)], "2026-03-01");
        withdrawn.withdrawn_at = Some(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH);
        let all: Vec<Mentor> = mentors.into_iter().chain([full, withdrawn]).collect();
        let got = suggest(&all, &occupations, paris, 30, today);
        let ids: Vec<i64> = got.iter().map(|s| s.mentor_id).collect();
        // 4 and 5 in Paris (0 km step) before 2 in Montreuil (its step is 1); 4 before 5 by
        // experience; 3 not available soon; then 1 (a close occupation).
        assert_eq!(ids, [4, 5, 2, 3, 1]);
        assert_eq!(got[0].rome, "F1703");
        assert_eq!(got[0].months, 60);
        assert!(got[3].distance_km < 1.0 && !got[3].available_soon);
        assert_eq!(got[4].relation, Relation::Close);
    }

    #[test]
    fn duo_occupations_keep_only_those_in_tension() {
        // Every occupation kept is in tension in the department, the targets first.
        let got = duo_occupations(&["F1703".to_string(), "J1501".to_string()], "93");
        assert!(got.iter().all(|o| o.class >= 4), "{got:?}");
        let first_close = got.iter().position(|o| o.relation == Relation::Close);
        if let Some(i) = first_close {
            assert!(got[i..].iter().all(|o| o.relation == Relation::Close));
        }
        assert!(duo_occupations(&["Z9999".to_string()], "93").is_empty());
    }
}

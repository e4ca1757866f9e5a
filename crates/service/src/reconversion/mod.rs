//! Reconversion toward occupations that recruit (axis 4 of the agreement). For a person and a
//! day, [`paths`] gives the occupations they could move to, ranked and explained: how each is
//! reached from one of their targets (the ROME's mobility links, close or a step up, in one
//! step or two), the skills they share and those they lack, how much it recruits where they
//! live (its official tension in their department, Passerelle's own offers per job seeker
//! there, the open offers within their commute today), and the training sessions within
//! reach that lead to it. The longer the search, the stronger the suggestion (6, 9 and 12
//! months).
//!
//! [`simple_rule`] is the rule of earlier systems (a close occupation whose offers per job
//! seeker is at least 1.5 times the current one's, the five best): [`compare`] says where the
//! paths part from it and why.
//!
//! Everything here is a pure function of the person, the day and the [`Context`].

pub(crate) mod api;
pub mod context;
pub mod funding;
pub(crate) mod pages;

/// How long the region gathered for the paths is reused, in minutes.
pub const CONTEXT_MINUTES: i64 = 60;

use chrono::NaiveDate;
use refdata::MobilityKind;

pub use context::{Context, Local, SessionBrief, load};

/// How a target is reached from the person's occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// ROME "proche": close, reachable without much training.
    Close,
    /// ROME "évolution": a step up, with training or experience.
    Progression,
    /// A code new in ROME 4.0, linked through its domaine professionnel.
    Derived,
}

impl LinkKind {
    fn of(kind: MobilityKind) -> Self {
        match kind {
            MobilityKind::Proche => Self::Close,
            MobilityKind::Evolution => Self::Progression,
            MobilityKind::Derived => Self::Derived,
        }
    }
}

/// One link of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    pub from: &'static str,
    pub to: &'static str,
    pub kind: LinkKind,
}

/// How strongly the paths are put to the person, by the months they have been searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Under 6 months: shown when asked for.
    OnRequest,
    /// From 6 months.
    Suggested,
    /// From 9 months.
    Recommended,
    /// From 12 months.
    StronglyRecommended,
}

impl Strength {
    pub fn of_months(months: u32) -> Self {
        match months {
            0..=5 => Self::OnRequest,
            6..=8 => Self::Suggested,
            9..=11 => Self::Recommended,
            _ => Self::StronglyRecommended,
        }
    }
}

/// The person as the paths read them.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPerson<'a> {
    /// Their target occupations (ROME codes), in their order.
    pub targets: Vec<&'a str>,
    /// Their skills (ROME OGR codes).
    pub skills: &'a [String],
    pub home: (f64, f64),
    pub department: &'a str,
    pub commute_km: u16,
    pub registered_on: NaiveDate,
}

/// A session within reach that leads to a target.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionNear {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub city: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub hours: Option<u32>,
    pub distance_km: f64,
    /// The whole record, for the schemes that fund it.
    #[serde(skip)]
    pub record: std::sync::Arc<model::trainings::TrainingSessionRecord>,
}

/// One target occupation, with everything that explains its rank.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Target {
    pub rome: &'static str,
    pub label: &'static str,
    /// The links from one of the person's targets: one or two.
    pub route: Vec<Step>,
    /// The route's widest gap: a step up if any link is one.
    pub kind: LinkKind,
    /// Skills of the target the person has, and those they lack (OGR codes).
    pub shared_skills: Vec<&'static str>,
    pub missing_skills: Vec<&'static str>,
    /// Its official tension class (1 to 5) in the person's department or above.
    pub official_class: Option<u8>,
    /// Passerelle's offers of the last twelve months and job seekers in the department.
    pub local: LocalView,
    /// Open offers within the person's commute today.
    pub offers_within_reach: u32,
    /// Sessions within reach leading to it, the earliest first (at most five).
    pub sessions: Vec<SessionNear>,
    /// The rank's score, from 0 to 1, and its parts.
    pub score: f64,
    pub parts: ScoreParts,
}

/// The local figures as shown: offers per ten job seekers only when both counts reach the
/// secret threshold.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LocalView {
    pub offers_per_10_seekers: Option<f64>,
    /// Whether it is at least 1.5 times the person's current occupation's.
    pub better_than_current: bool,
}

/// What the score is made of, each from 0 to 1 (weights in [`WEIGHTS`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ScoreParts {
    pub link: f64,
    pub tension: f64,
    pub skills: f64,
    pub offers: f64,
    pub training: f64,
}

/// The weights of [`ScoreParts`]: how near the occupation is (the link), how much it
/// recruits (official tension, offers within reach), how little the person lacks, whether a
/// session can fill the gap. They add up to 1.
pub const WEIGHTS: ScoreParts = ScoreParts {
    link: 0.30,
    tension: 0.25,
    skills: 0.20,
    offers: 0.15,
    training: 0.10,
};

/// The value of a route's link, by its widest gap and length.
fn link_value(kind: LinkKind, steps: usize) -> f64 {
    match (kind, steps) {
        (LinkKind::Close, 1) => 1.0,
        (LinkKind::Progression, 1) => 0.8,
        (LinkKind::Derived, 1) => 0.6,
        (LinkKind::Close, _) => 0.55,
        (LinkKind::Derived, _) => 0.4,
        (LinkKind::Progression, _) => 0.45,
    }
}

/// Open offers within reach that count as plenty: 20 or more give the whole part.
const OFFERS_PLENTY: f64 = 20.0;
/// Sessions kept per target.
const SESSIONS_SHOWN: usize = 5;
/// Targets kept.
pub const TARGETS_SHOWN: usize = 10;
/// A target must recruit: an official class of at least this, or open offers within reach.
const RECRUITS_FROM_CLASS: u8 = 4;
/// The simple rule's factor and length.
pub const SIMPLE_RULE_FACTOR: f64 = 1.5;
pub const SIMPLE_RULE_TOP: usize = 5;

/// The paths of one person.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Paths {
    pub months_searching: u32,
    pub strength: Strength,
    pub targets: Vec<Target>,
}

/// A strength's name, as the API and the command line say it.
pub fn api_strength(strength: Strength) -> &'static str {
    api::strength_name(strength)
}

/// Whole months from `from` to `to`.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = 0;
    while let Some(next) = from.checked_add_months(chrono::Months::new(months + 1)) {
        if next > to {
            break;
        }
        months += 1;
    }
    months
}

/// The person as the paths read them, from their record: none when their commune is not
/// one Passerelle places.
pub fn path_person(record: &model::JobSeekerRecord) -> Option<PathPerson<'_>> {
    let commune = refdata::geo().commune(record.commune.as_str())?;
    Some(PathPerson {
        targets: record
            .targets
            .as_slice()
            .iter()
            .map(|t| t.rome.as_str())
            .collect(),
        skills: &record.skills,
        home: commune.point(),
        department: commune.department,
        commute_km: record.commute_limit.km(),
        registered_on: record.registered_on,
    })
}

/// Every occupation reachable from the person's targets in one or two links, with the best
/// route to each (the fewest links, then the narrowest gap), the targets themselves left out.
fn routes(targets: &[&str]) -> Vec<Vec<Step>> {
    let rome = refdata::rome();
    let mut best: std::collections::HashMap<&'static str, Vec<Step>> =
        std::collections::HashMap::new();
    let own: Vec<&str> = targets
        .iter()
        .filter_map(|t| rome.occupation(t).map(|o| o.code))
        .collect();
    let better = |new: &[Step], old: &[Step]| {
        let widest = |route: &[Step]| route.iter().map(|s| s.kind).max();
        (new.len(), widest(new)) < (old.len(), widest(old))
    };
    let mut offer = |route: Vec<Step>| {
        let Some(last) = route.last() else { return };
        if own.contains(&last.to) {
            return;
        }
        match best.get(last.to) {
            Some(old) if !better(&route, old) => {}
            _ => {
                best.insert(last.to, route);
            }
        }
    };
    for source in &own {
        let Some(occupation) = rome.occupation(source) else {
            continue;
        };
        for link in &occupation.mobility {
            let first = Step {
                from: occupation.code,
                to: link.target,
                kind: LinkKind::of(link.kind),
            };
            offer(vec![first]);
            let Some(middle) = rome.occupation(link.target) else {
                continue;
            };
            for next in &middle.mobility {
                if next.target == occupation.code {
                    continue;
                }
                offer(vec![
                    first,
                    Step {
                        from: middle.code,
                        to: next.target,
                        kind: LinkKind::of(next.kind),
                    },
                ]);
            }
        }
    }
    let mut out: Vec<Vec<Step>> = best.into_values().collect();
    out.sort_by_key(|route| route.last().map(|s| s.to));
    out
}

/// A route as the paths score it: where it ends (the occupation's index in the ROME) and its
/// widest gap.
#[derive(Debug)]
struct Candidate {
    route: Vec<Step>,
    to: usize,
    kind: LinkKind,
}

/// What the paths read of the ROME alone, computed once per process and indexed by the
/// occupations' positions ([`refdata::Rome::index_of`]).
struct Tables {
    /// From each occupation, the routes [`routes`] gives, in the order of their ends.
    candidates: Vec<Vec<Candidate>>,
    /// Each occupation's skills as numbers (their OGR codes), sorted: how many a person
    /// holds is then a merge of two short sorted lists.
    skills: Vec<Vec<u32>>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let rome = refdata::rome();
        let candidates = rome
            .occupations()
            .iter()
            .map(|o| {
                routes(&[o.code])
                    .into_iter()
                    .filter_map(|route| {
                        let to = rome.index_of(route.last()?.to)?;
                        let kind = route.iter().map(|s| s.kind).max()?;
                        Some(Candidate { route, to, kind })
                    })
                    .collect()
            })
            .collect();
        let skills = rome
            .occupations()
            .iter()
            .map(|o| {
                let mut numbers: Vec<u32> =
                    o.skills.iter().filter_map(|s| s.ogr.parse().ok()).collect();
                numbers.sort_unstable();
                numbers.dedup();
                numbers
            })
            .collect();
        Tables { candidates, skills }
    })
}

/// [`routes`] from the precomputed routes of each target: the same routes, without building
/// them again for every person. The targets' lists are each in the order of their ends, so
/// they merge in one pass: for an end reached from several targets, the fewest links win,
/// then the narrowest gap, then the first target.
fn candidate_routes(targets: &[&str]) -> Vec<&'static Candidate> {
    let rome = refdata::rome();
    let tables = tables();
    let mut own: Vec<usize> = Vec::with_capacity(targets.len());
    for target in targets {
        if let Some(index) = rome.index_of(target)
            && !own.contains(&index)
        {
            own.push(index);
        }
    }
    let lists: Vec<&'static [Candidate]> = own
        .iter()
        .filter_map(|i| tables.candidates.get(*i).map(Vec::as_slice))
        .collect();
    if let [only] = lists.as_slice() {
        return only.iter().collect();
    }
    let mut heads = vec![0usize; lists.len()];
    let mut out = Vec::new();
    loop {
        let next = lists
            .iter()
            .zip(&heads)
            .filter_map(|(list, head)| list.get(*head).map(|c| c.to))
            .min();
        let Some(to) = next else { break };
        let mut best: Option<&'static Candidate> = None;
        for (list, head) in lists.iter().zip(heads.iter_mut()) {
            let Some(candidate) = list.get(*head).filter(|c| c.to == to) else {
                continue;
            };
            *head += 1;
            let better = best.is_none_or(|old| {
                (candidate.route.len(), candidate.kind) < (old.route.len(), old.kind)
            });
            if better {
                best = Some(candidate);
            }
        }
        if let Some(best) = best
            && !own.contains(&to)
        {
            out.push(best);
        }
    }
    out
}

/// The person's current occupation's offers per job seeker in their department: their first
/// target's.
fn current_ratio(person: &PathPerson<'_>, context: &Context) -> Option<f64> {
    person
        .targets
        .first()
        .and_then(|rome| context.local(rome, person.department).ratio())
}

/// The paths of `person` on the context's day: the occupations reachable in one or two
/// links that recruit (official class 4 or 5 in their department, or open offers within
/// their commute), ranked by score, the first [`TARGETS_SHOWN`].
pub fn paths(person: &PathPerson<'_>, context: &Context) -> Paths {
    let rome = refdata::rome();
    let months_searching = months_between(person.registered_on, context.day);
    let reach = f64::from(person.commute_km);
    let current = current_ratio(person, context);
    // First each candidate's score, from counts alone; then the whole target, for the
    // first ones only (their skills by name and sessions are what costs).
    struct Scored {
        route: &'static [Step],
        occupation: &'static refdata::Occupation,
        kind: LinkKind,
        official_class: Option<u8>,
        offers_within_reach: u32,
        parts: ScoreParts,
        score: f64,
    }
    let mut scored = Vec::new();
    let within = context.within(person.home, reach);
    let mut held: Vec<u32> = person
        .skills
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    held.sort_unstable();
    held.dedup();
    let classes = context.classes_in(person.department);
    let occupations = rome.occupations();
    let tables = tables();
    for candidate in candidate_routes(&person.targets) {
        let Some(occupation) = occupations.get(candidate.to) else {
            continue;
        };
        let (route, kind) = (candidate.route.as_slice(), candidate.kind);
        let official_class = match classes.and_then(|c| c.get(candidate.to)) {
            Some(class) => *class,
            None => context.official_class(occupation.code, person.department),
        };
        let offers_within_reach = within.offers_at(candidate.to);
        if official_class.unwrap_or(0) < RECRUITS_FROM_CLASS && offers_within_reach == 0 {
            continue;
        }
        let wanted = tables
            .skills
            .get(candidate.to)
            .map_or(&[][..], Vec::as_slice);
        let shared = engine::shared_count(wanted, &held);
        let skills_total = wanted.len();
        let parts = ScoreParts {
            link: link_value(kind, route.len()),
            tension: official_class.map_or(0.0, |c| f64::from(c.saturating_sub(1)) / 4.0),
            skills: if skills_total == 0 {
                0.0
            } else {
                shared as f64 / skills_total as f64
            },
            offers: (f64::from(offers_within_reach) / OFFERS_PLENTY).min(1.0),
            training: if within.has_session_at(candidate.to) {
                1.0
            } else {
                0.0
            },
        };
        let score = WEIGHTS.link * parts.link
            + WEIGHTS.tension * parts.tension
            + WEIGHTS.skills * parts.skills
            + WEIGHTS.offers * parts.offers
            + WEIGHTS.training * parts.training;
        scored.push(Scored {
            route,
            occupation,
            kind,
            official_class,
            offers_within_reach,
            parts,
            score,
        });
    }
    // The best first (a total order: no two candidates end on the same occupation); only
    // the ones kept are sorted.
    let order = |a: &Scored, b: &Scored| {
        b.score
            .total_cmp(&a.score)
            .then(a.occupation.code.cmp(b.occupation.code))
    };
    if scored.len() > TARGETS_SHOWN {
        scored.select_nth_unstable_by(TARGETS_SHOWN - 1, order);
        scored.truncate(TARGETS_SHOWN);
    }
    scored.sort_unstable_by(order);
    let targets = scored
        .into_iter()
        .map(|t| {
            let code = t.occupation.code;
            let (shared_skills, missing_skills): (Vec<&'static str>, Vec<&'static str>) =
                t.occupation.skills.iter().map(|s| s.ogr).partition(|ogr| {
                    ogr.parse::<u32>()
                        .is_ok_and(|number| held.binary_search(&number).is_ok())
                });
            let local = context.local(code, person.department);
            let better_than_current = match (local.ratio(), current) {
                (Some(ratio), Some(current)) => ratio >= SIMPLE_RULE_FACTOR * current,
                (Some(ratio), None) => ratio > 0.0,
                _ => false,
            };
            let sessions: Vec<SessionNear> = context
                .sessions_within(code, person.home, reach, SESSIONS_SHOWN)
                .into_iter()
                .map(|(s, distance_km)| SessionNear {
                    id: s.id,
                    title: s.title.clone(),
                    body: s.body.clone(),
                    city: s.city.clone(),
                    starts_on: s.starts_on,
                    ends_on: s.ends_on,
                    hours: s.hours,
                    distance_km,
                    record: s.record.clone(),
                })
                .collect();
            Target {
                rome: code,
                label: t.occupation.label,
                route: t.route.to_vec(),
                kind: t.kind,
                shared_skills,
                missing_skills,
                official_class: t.official_class,
                local: LocalView {
                    offers_per_10_seekers: local.shown_per_10(),
                    better_than_current,
                },
                offers_within_reach: t.offers_within_reach,
                sessions,
                score: t.score,
                parts: t.parts,
            }
        })
        .collect();
    Paths {
        months_searching,
        strength: Strength::of_months(months_searching),
        targets,
    }
}

/// The rule of earlier systems: among the occupations close ("proche", one link) to the
/// person's targets, those whose offers per job seeker in the department is at least
/// [`SIMPLE_RULE_FACTOR`] times the first target's, the [`SIMPLE_RULE_TOP`] highest.
pub fn simple_rule(person: &PathPerson<'_>, context: &Context) -> Vec<&'static str> {
    let Some(current) = current_ratio(person, context) else {
        return Vec::new();
    };
    let mut found: Vec<(&'static str, f64)> = candidate_routes(&person.targets)
        .into_iter()
        .filter(|c| c.route.len() == 1 && c.kind == LinkKind::Close)
        .filter_map(|c| c.route.last().map(|s| s.to))
        .filter_map(|rome| {
            let ratio = context.local(rome, person.department).ratio()?;
            (ratio >= SIMPLE_RULE_FACTOR * current).then_some((rome, ratio))
        })
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    found.truncate(SIMPLE_RULE_TOP);
    found.into_iter().map(|(rome, _)| rome).collect()
}

/// Where the paths and the simple rule part, for one occupation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    pub rome: &'static str,
    /// Among the paths' first [`SIMPLE_RULE_TOP`].
    pub in_paths: bool,
    /// Chosen by the simple rule.
    pub in_simple_rule: bool,
    /// Why, as a key the pages translate: `step_up_or_two_steps` (the simple rule takes close
    /// occupations in one link only), `ratio_below` (offers per job seeker under 1.5 times
    /// the current one's, yet in tension or with offers within reach), `no_local_figure` (no
    /// job seeker of the department targets it: the simple rule cannot divide),
    /// `not_recruiting` (official tension under 4 and no offer within the commute),
    /// `ranked_lower` (among the paths, below the first five).
    pub why: &'static str,
}

/// The occupations on which the paths' first five and the simple rule disagree, and why.
pub fn compare(person: &PathPerson<'_>, context: &Context, paths: &Paths) -> Vec<Difference> {
    let simple = simple_rule(person, context);
    let top: Vec<&Target> = paths.targets.iter().take(SIMPLE_RULE_TOP).collect();
    let mut out = Vec::new();
    for target in &top {
        if simple.contains(&target.rome) {
            continue;
        }
        let why = if target.route.len() > 1 || target.kind != LinkKind::Close {
            "step_up_or_two_steps"
        } else if context
            .local(target.rome, person.department)
            .ratio()
            .is_none()
        {
            "no_local_figure"
        } else {
            "ratio_below"
        };
        out.push(Difference {
            rome: target.rome,
            in_paths: true,
            in_simple_rule: false,
            why,
        });
    }
    for rome in simple {
        if top.iter().any(|t| t.rome == rome) {
            continue;
        }
        // Not among the paths at all: it does not recruit (official tension under 4 and no
        // offer within the commute); otherwise it ranked below the first five.
        let kept = paths.targets.iter().any(|t| t.rome == rome);
        let reachable = context.offers_within(rome, person.home, f64::from(person.commute_km)) > 0;
        let why = if kept || reachable {
            "ranked_lower"
        } else {
            "not_recruiting"
        };
        out.push(Difference {
            rome,
            in_paths: false,
            in_simple_rule: true,
            why,
        });
    }
    out
}

#[cfg(test)]
mod tests;

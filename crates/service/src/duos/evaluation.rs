//! The pilot's evaluation: did the duos' participants find work more often than comparable
//! people who had none? Two designs, each measured by the same instruments for everyone (the
//! hires recorded in Passerelle: referrals moved to hired, actions' hire outcomes — never the
//! duo's own declared outcome, which the comparison group cannot have):
//!
//! - **Matched comparison.** Each participant (a duo that started) is compared with the people
//!   of the same stratum who were never in a duo: seeking the duo's occupation, living in the
//!   same department, holding exactly the same priority statuses, registered for as long (by
//!   band: under six months, six to twelve, one to two years, two or more) on the duo's first
//!   day, which is their index day too. The comparison rate is the mean, over participants, of
//!   their stratum's rate (a direct standardisation on the participants' strata); participants
//!   with nobody to compare with are left out and counted.
//! - **Lottery.** Where advisors drew the duos by lottery, the winners against the losers, from
//!   the day of the draw (an intention-to-treat comparison: a winner whose duo never started
//!   stays a winner).
//!
//! Each gives the hire rates by three and by six months after the index day (only people whose
//! window has ended count), their difference and its 95 % confidence interval (normal
//! approximation; the comparison's variance treats strata as independent). Every figure on
//! fewer than twenty people on either side is withheld.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

/// Figures on fewer people are withheld.
pub const MIN_PEOPLE: usize = 20;
/// The horizons, in days: three and six months.
pub const HORIZONS: [(u8, i64); 2] = [(3, 91), (6, 183)];
/// The 97.5th percentile of the standard normal distribution.
const Z: f64 = 1.959_964;

/// A participant: a person whose duo started on `index`.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: i64,
    pub index: NaiveDate,
    pub rome: String,
    pub department: String,
    pub statuses: u8,
    pub registered_on: NaiveDate,
}

/// A person who might be compared with participants.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub department: String,
    pub statuses: u8,
    pub registered_on: NaiveDate,
    pub romes: Vec<String>,
}

/// How long a person had been registered on a day, by band; none when registered after it.
pub fn registration_band(registered_on: NaiveDate, on: NaiveDate) -> Option<u8> {
    let days = (on - registered_on).num_days();
    match days {
        d if d < 0 => None,
        0..183 => Some(0),
        183..365 => Some(1),
        365..730 => Some(2),
        _ => Some(3),
    }
}

/// For each participant, the ids of the candidates of its stratum: never in a duo (not in
/// `in_duos`), seeking the duo's occupation, of the same department and priority statuses,
/// registered for as long (by band) on the participant's index day.
pub fn comparison_groups(
    participants: &[Participant],
    candidates: &[Candidate],
    in_duos: &HashSet<i64>,
) -> Vec<Vec<i64>> {
    // The candidates by stratum but the band (department, statuses, occupation): each
    // participant then looks at its own only.
    let mut strata: HashMap<(&str, u8, &str), Vec<&Candidate>> = HashMap::new();
    for c in candidates.iter().filter(|c| !in_duos.contains(&c.id)) {
        for rome in &c.romes {
            strata
                .entry((c.department.as_str(), c.statuses, rome.as_str()))
                .or_default()
                .push(c);
        }
    }
    participants
        .iter()
        .map(|p| {
            let Some(band) = registration_band(p.registered_on, p.index) else {
                return Vec::new();
            };
            strata
                .get(&(p.department.as_str(), p.statuses, p.rome.as_str()))
                .map(|stratum| {
                    stratum
                        .iter()
                        .filter(|c| registration_band(c.registered_on, p.index) == Some(band))
                        .map(|c| c.id)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// One comparison at one horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Estimate {
    /// Months after the index day.
    pub months: u8,
    /// People counted on each side (withheld figures are `null`).
    pub participants: Option<usize>,
    pub comparison: Option<usize>,
    /// Hire rates, their difference (participants − comparison) and its 95 % interval.
    pub participant_rate: Option<f64>,
    pub comparison_rate: Option<f64>,
    pub difference: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Withheld: fewer than twenty people on a side.
    pub withheld: bool,
}

impl Estimate {
    fn withheld(months: u8) -> Self {
        Self {
            months,
            participants: None,
            comparison: None,
            participant_rate: None,
            comparison_rate: None,
            difference: None,
            low: None,
            high: None,
            withheld: true,
        }
    }
}

/// Whether `person` was hired within `days` of `index` (the index day included).
fn hired_within(
    hires: &HashMap<i64, Vec<NaiveDate>>,
    person: i64,
    index: NaiveDate,
    days: i64,
) -> bool {
    hires.get(&person).is_some_and(|days_hired| {
        days_hired
            .iter()
            .any(|d| *d >= index && (*d - index).num_days() <= days)
    })
}

/// The matched comparison at one horizon: participants whose window has ended by `today` and
/// who have someone to compare with.
pub fn matched_estimate(
    participants: &[Participant],
    groups: &[Vec<i64>],
    hires: &HashMap<i64, Vec<NaiveDate>>,
    (months, days): (u8, i64),
    today: NaiveDate,
) -> Estimate {
    let mut outcomes = Vec::new();
    let mut compared: HashSet<i64> = HashSet::new();
    let mut comparison_variance = 0.0;
    for (p, group) in participants.iter().zip(groups) {
        if group.is_empty() || (today - p.index).num_days() < days {
            continue;
        }
        let hired = group
            .iter()
            .filter(|c| hired_within(hires, **c, p.index, days))
            .count();
        let rate = hired as f64 / group.len() as f64;
        comparison_variance += rate * (1.0 - rate) / group.len() as f64;
        compared.extend(group.iter().copied());
        outcomes.push((hired_within(hires, p.id, p.index, days), rate));
    }
    let n = outcomes.len();
    if n < MIN_PEOPLE || compared.len() < MIN_PEOPLE {
        return Estimate::withheld(months);
    }
    let nf = n as f64;
    let participant_rate = outcomes.iter().filter(|(h, _)| *h).count() as f64 / nf;
    let comparison_rate = outcomes.iter().map(|(_, r)| r).sum::<f64>() / nf;
    let variance =
        participant_rate * (1.0 - participant_rate) / nf + comparison_variance / (nf * nf);
    finish(
        months,
        n,
        compared.len(),
        participant_rate,
        comparison_rate,
        variance,
    )
}

fn finish(
    months: u8,
    participants: usize,
    comparison: usize,
    participant_rate: f64,
    comparison_rate: f64,
    variance: f64,
) -> Estimate {
    let difference = participant_rate - comparison_rate;
    let half = Z * variance.max(0.0).sqrt();
    Estimate {
        months,
        participants: Some(participants),
        comparison: Some(comparison),
        participant_rate: Some(participant_rate),
        comparison_rate: Some(comparison_rate),
        difference: Some(difference),
        low: Some(difference - half),
        high: Some(difference + half),
        withheld: false,
    }
}

/// A lottery draw: the person, the day, and whether they won.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    pub id: i64,
    pub on: NaiveDate,
    pub won: bool,
}

/// The lottery's winners against its losers at one horizon (those whose window has ended).
pub fn lottery_estimate(
    draws: &[Draw],
    hires: &HashMap<i64, Vec<NaiveDate>>,
    (months, days): (u8, i64),
    today: NaiveDate,
) -> Estimate {
    let (mut won, mut lost) = ((0usize, 0usize), (0usize, 0usize));
    for d in draws.iter().filter(|d| (today - d.on).num_days() >= days) {
        let side = if d.won { &mut won } else { &mut lost };
        side.0 += 1;
        side.1 += usize::from(hired_within(hires, d.id, d.on, days));
    }
    if won.0 < MIN_PEOPLE || lost.0 < MIN_PEOPLE {
        return Estimate::withheld(months);
    }
    let rate = |(n, h): (usize, usize)| h as f64 / n as f64;
    let (pw, pl) = (rate(won), rate(lost));
    let variance = pw * (1.0 - pw) / won.0 as f64 + pl * (1.0 - pl) / lost.0 as f64;
    finish(months, won.0, lost.0, pw, pl, variance)
}

/// The pilot's evaluation, for the steering committee .
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// Participants against their matched comparison group, at three and six months.
    pub matched: Vec<Estimate>,
    /// The lottery's winners against its losers, at three and six months.
    pub lottery: Vec<Estimate>,
    /// Participants with nobody to compare with (withheld under twenty).
    pub unmatched: Option<usize>,
}

/// The evaluation on `today`, from the store: the participants (each person's first duo that
/// started), the people seeking their occupations, the lottery's draws and the hires
/// recorded since the first index day.
pub async fn evaluate(store: &dyn store::Store, today: NaiveDate) -> store::Result<EvaluationView> {
    let department = |commune: &str| {
        refdata::geo()
            .commune(commune)
            .map(|c| c.department.to_string())
            .unwrap_or_default()
    };
    let duos = store
        .duos_since(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
        .await?;
    let in_duos: HashSet<i64> = duos
        .iter()
        .filter(|d| d.state.was_accepted())
        .map(|d| d.duo.job_seeker_id)
        .collect();
    // Each person's first duo that started.
    let mut seen = HashSet::new();
    let firsts: Vec<&model::Duo> = duos
        .iter()
        .filter(|d| d.started_on.is_some() && seen.insert(d.duo.job_seeker_id))
        .collect();
    let mut romes: Vec<domain::RomeCode> = firsts.iter().map(|d| d.duo.rome.clone()).collect();
    romes.sort();
    romes.dedup();
    let population = store.evaluation_population(&romes).await?;
    let known: HashMap<i64, &store::EvaluationPerson> =
        population.iter().map(|p| (p.id, p)).collect();
    let mut participants = Vec::with_capacity(firsts.len());
    for duo in &firsts {
        let Some(index) = duo.started_on else {
            continue;
        };
        let person = duo.duo.job_seeker_id;
        // Most participants seek the duo's occupation and were read with the population;
        // the others (a close occupation) are read one by one.
        let (commune, registered_on, statuses) = match known.get(&person) {
            Some(p) => (p.commune.clone(), p.registered_on, p.statuses),
            None => {
                let Some(seeker) = store.job_seeker_by_id(person).await? else {
                    continue;
                };
                // The statuses held, as bits in `PriorityStatus::ALL`'s order (the store's).
                let flags = model::PriorityStatus::ALL
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| seeker.record.priorities.contains_key(s))
                    .fold(0u8, |bits, (i, _)| bits | (1 << i));
                (
                    seeker.record.commune.to_string(),
                    seeker.record.registered_on,
                    flags,
                )
            }
        };
        participants.push(Participant {
            id: person,
            index,
            rome: duo.duo.rome.to_string(),
            department: department(&commune),
            statuses,
            registered_on,
        });
    }
    let candidates: Vec<Candidate> = population
        .into_iter()
        .map(|p| Candidate {
            id: p.id,
            department: department(&p.commune),
            statuses: p.statuses,
            registered_on: p.registered_on,
            romes: p.romes,
        })
        .collect();
    let groups = comparison_groups(&participants, &candidates, &in_duos);
    let draws: Vec<Draw> = store
        .draws()
        .await?
        .iter()
        .map(|d| Draw {
            id: d.job_seeker_id,
            on: d.drawn_at.date_naive(),
            won: d.won,
        })
        .collect();
    let since = participants
        .iter()
        .map(|p| p.index)
        .chain(draws.iter().map(|d| d.on))
        .min()
        .unwrap_or(today);
    let mut hires: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (person, day) in store.recorded_hires(since).await? {
        hires.entry(person).or_default().push(day);
    }
    let unmatched = groups.iter().filter(|g| g.is_empty()).count();
    Ok(EvaluationView {
        matched: HORIZONS
            .iter()
            .map(|h| matched_estimate(&participants, &groups, &hires, *h, today))
            .collect(),
        lottery: HORIZONS
            .iter()
            .map(|h| lottery_estimate(&draws, &hires, *h, today))
            .collect(),
        unmatched: (unmatched >= MIN_PEOPLE).then_some(unmatched),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn participant(id: i64, statuses: u8, registered: &str) -> Participant {
        Participant {
            id,
            index: day("2026-01-15"),
            rome: "F1703".to_string(),
            department: "93".to_string(),
            statuses,
            registered_on: day(registered),
        }
    }

    fn candidate(
        id: i64,
        department: &str,
        statuses: u8,
        registered: &str,
        romes: &[&str],
    ) -> Candidate {
        Candidate {
            id,
            department: department.to_string(),
            statuses,
            registered_on: day(registered),
            romes: romes.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn registration_bands_split_at_six_twelve_and_twenty_four_months() {
        let on = day("2026-01-15");
        assert_eq!(registration_band(day("2026-01-16"), on), None);
        assert_eq!(registration_band(day("2026-01-15"), on), Some(0));
        assert_eq!(registration_band(day("2025-07-17"), on), Some(0)); // 182 days
        assert_eq!(registration_band(day("2025-07-16"), on), Some(1)); // 183 days
        assert_eq!(registration_band(day("2025-01-16"), on), Some(1)); // 364 days
        assert_eq!(registration_band(day("2025-01-15"), on), Some(2));
        assert_eq!(registration_band(day("2024-01-16"), on), Some(3)); // 730 days
    }

    /// Only the candidates of the participant's stratum, never in a duo, are compared.
    #[test]
    fn the_comparison_group_is_the_participants_stratum_never_in_a_duo() {
        // Registered about nine months before the index day (band 1), RQTH (bit 0).
        let p = participant(1, 0b1, "2025-04-10");
        let candidates = [
            candidate(10, "93", 0b1, "2025-05-01", &["N1101", "F1703"]), // kept
            candidate(11, "93", 0b1, "2025-03-01", &["F1703"]),          // kept
            candidate(12, "93", 0b11, "2025-04-10", &["F1703"]),         // another status set
            candidate(13, "93", 0b0, "2025-04-10", &["F1703"]),          // no status
            candidate(14, "94", 0b1, "2025-04-10", &["F1703"]),          // another department
            candidate(15, "93", 0b1, "2025-04-10", &["F1702"]),          // another occupation
            candidate(16, "93", 0b1, "2025-10-01", &["F1703"]),          // registered 3 months
            candidate(17, "93", 0b1, "2023-01-01", &["F1703"]),          // registered 3 years
            candidate(18, "93", 0b1, "2026-02-01", &["F1703"]),          // registered after
            candidate(19, "93", 0b1, "2025-04-10", &["F1703"]),          // was in a duo
            candidate(1, "93", 0b1, "2025-04-10", &["F1703"]),           // the participant
        ];
        let in_duos: HashSet<i64> = [1, 19].into_iter().collect();
        let groups = comparison_groups(std::slice::from_ref(&p), &candidates, &in_duos);
        assert_eq!(groups, vec![vec![10, 11]]);
    }

    fn hires(list: &[(i64, &str)]) -> HashMap<i64, Vec<NaiveDate>> {
        let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        for (id, d) in list {
            out.entry(*id).or_default().push(day(d));
        }
        out
    }

    #[test]
    fn the_matched_estimate_standardises_on_the_participants_and_withholds_small_groups() {
        // 20 participants, each with 2 matched people; 10 participants hired within three
        // months; of their comparison people, one in four hired.
        let participants: Vec<Participant> =
            (0..20).map(|i| participant(i, 0, "2025-10-01")).collect();
        let groups: Vec<Vec<i64>> = (0..20).map(|i| vec![100 + 2 * i, 101 + 2 * i]).collect();
        let mut list: Vec<(i64, &str)> = (0..10).map(|i| (i, "2026-03-01")).collect();
        // Hired too late for three months (day 92), and before the index day: not counted.
        list.push((10, "2026-04-17"));
        list.push((11, "2026-01-14"));
        list.extend((0..10).map(|i| (100 + 4 * i, "2026-02-01")));
        let hires = hires(&list);
        let today = day("2026-07-20");
        let e = matched_estimate(&participants, &groups, &hires, (3, 91), today);
        assert!(!e.withheld);
        assert_eq!((e.participants, e.comparison), (Some(20), Some(40)));
        assert_eq!(e.participant_rate, Some(0.5));
        assert_eq!(e.comparison_rate, Some(0.25));
        let d = e.difference.unwrap();
        assert!((d - 0.25).abs() < 1e-12);
        // Var = 0.5·0.5/20 + (10·(0.5·0.5/2)) / 400 = 0.0125 + 0.003125.
        let half = 1.959_964 * (0.0125f64 + 0.003125).sqrt();
        assert!((e.low.unwrap() - (0.25 - half)).abs() < 1e-9, "{e:?}");
        assert!((e.high.unwrap() - (0.25 + half)).abs() < 1e-9, "{e:?}");
        // At six months participant 10 counts too.
        let e6 = matched_estimate(&participants, &groups, &hires, (6, 183), today);
        assert_eq!(e6.participant_rate, Some(11.0 / 20.0));
        // Before the window ends, or with nineteen participants: withheld, nothing shown.
        assert!(
            matched_estimate(&participants, &groups, &hires, (6, 183), day("2026-07-01")).withheld
        );
        let e19 = matched_estimate(&participants[..19], &groups[..19], &hires, (3, 91), today);
        assert_eq!(e19, Estimate::withheld(3));
    }

    #[test]
    fn the_lottery_compares_winners_and_losers_from_the_draw() {
        let mut draws = Vec::new();
        for i in 0..25 {
            draws.push(Draw {
                id: i,
                on: day("2026-01-10"),
                won: true,
            });
            draws.push(Draw {
                id: 100 + i,
                on: day("2026-01-10"),
                won: false,
            });
        }
        let mut list: Vec<(i64, &str)> = (0..10).map(|i| (i, "2026-02-10")).collect();
        list.extend((100..105).map(|i| (i, "2026-03-10")));
        let hires = hires(&list);
        let e = lottery_estimate(&draws, &hires, (3, 91), day("2026-06-01"));
        assert_eq!((e.participants, e.comparison), (Some(25), Some(25)));
        assert_eq!(
            (e.participant_rate, e.comparison_rate),
            (Some(0.4), Some(0.2))
        );
        let half = 1.959_964 * (0.4f64 * 0.6 / 25.0 + 0.2 * 0.8 / 25.0).sqrt();
        assert!((e.low.unwrap() - (0.2 - half)).abs() < 1e-9);
        assert!(lottery_estimate(&draws[..30], &hires, (3, 91), day("2026-06-01")).withheld);
    }
}

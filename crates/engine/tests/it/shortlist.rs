//! Shortlists on a simulated region: the index finds exactly what scoring everyone finds, the
//! priority policies hold on every prefix, and the same input gives the same output.

use std::collections::HashMap;
use std::sync::OnceLock;

use engine::fair::MTable;
use engine::floors::floor_at;
use engine::{Policy, ShortlistRequest};
use model::PriorityStatus;
use proptest::prelude::*;

use crate::support::{Simulated, simulated};

/// About 9,750 job seekers and 600 open offers, built once for the whole binary.
fn region() -> &'static Simulated {
    static REGION: OnceLock<Simulated> = OnceLock::new();
    REGION.get_or_init(|| simulated(0.01, 7, true))
}

fn request(k: usize, policy: Option<&Policy>) -> ShortlistRequest<'_> {
    ShortlistRequest {
        k,
        today: region().today,
        policy,
        exposure: false,
    }
}

fn statuses_of() -> &'static HashMap<i64, Vec<PriorityStatus>> {
    static MAP: OnceLock<HashMap<i64, Vec<PriorityStatus>>> = OnceLock::new();
    MAP.get_or_init(|| {
        region()
            .seekers
            .iter()
            .map(|s| (s.id, s.record.priorities.keys().copied().collect()))
            .collect()
    })
}

fn holds(id: i64, status: PriorityStatus) -> bool {
    statuses_of()
        .get(&id)
        .is_some_and(|list| list.contains(&status))
}

#[test]
fn the_index_finds_the_exhaustive_top_k_on_1000_offers() {
    let r = region();
    // Every offer id, open or closed, drawn with a fixed stride: 1,000 of them.
    let ids: Vec<i64> = r.offers.iter().map(|o| o.id).collect();
    assert!(ids.len() >= 1000, "{} offers", ids.len());
    let stride = ids.len() / 1000;
    let mut non_empty = 0;
    for id in ids.iter().step_by(stride).take(1000) {
        for k in [1, 30] {
            let indexed = r.engine.shortlist(*id, &request(k, None)).unwrap();
            let exhaustive = r.engine.shortlist_exhaustive(*id, k, r.today).unwrap();
            assert_eq!(indexed.entries, exhaustive, "offer {id}");
            non_empty += usize::from(!exhaustive.is_empty());
        }
    }
    assert!(non_empty > 500, "only {non_empty} shortlists had anyone");
}

#[test]
fn pruning_scores_far_fewer_pairs_than_there_are_people() {
    let r = region();
    let open = r.engine.open_offers(None);
    let scored: usize = open
        .iter()
        .take(200)
        .map(|id| r.engine.shortlist(*id, &request(30, None)).unwrap().scored)
        .sum();
    assert!(
        scored / 200 < r.seekers.len() / 10,
        "{} pairs scored per shortlist for {} people",
        scored / 200,
        r.seekers.len()
    );
}

#[test]
fn suggestions_agree_with_shortlists() {
    let r = region();
    let mut checked = 0;
    for seeker in r.seekers.iter().step_by(97).take(60) {
        let suggestions = r.engine.suggest(seeker.id, 10, r.today).unwrap();
        for s in &suggestions {
            // The same pair, scored from the offer's side, has the same score and reasons.
            let all = r
                .engine
                .shortlist_exhaustive(s.offer_id, usize::MAX, r.today)
                .unwrap();
            let entry = all.iter().find(|e| e.job_seeker_id == seeker.id).unwrap();
            assert_eq!(entry.breakdown, s.breakdown);
            assert_eq!(entry.score, s.score);
            checked += 1;
        }
        assert!(suggestions.windows(2).all(|w| w[0].score >= w[1].score));
    }
    assert!(checked > 20, "only {checked} suggestions checked");
}

#[test]
fn fair_shortlists_meet_the_table_on_every_prefix() {
    let r = region();
    let table = MTable::adjusted(30, 0.3, 0.1).unwrap();
    let policy = Policy::Fair {
        status: PriorityStatus::Rqth,
        table: table.clone(),
    };
    let mut promoted = 0;
    for id in r.engine.open_offers(None).iter().take(300) {
        let plain = r.engine.shortlist(*id, &request(30, None)).unwrap();
        let fair = r
            .engine
            .shortlist(*id, &request(30, Some(&policy)))
            .unwrap();
        let adjustment = fair.adjustment.as_ref().unwrap();
        let mut protected = 0;
        for (i, entry) in fair.entries.iter().enumerate() {
            protected += usize::from(holds(entry.job_seeker_id, PriorityStatus::Rqth));
            let unmet = adjustment.unmet.iter().any(|(p, _)| *p == i + 1);
            assert!(
                protected >= table.minimums[i] || unmet,
                "offer {id}, prefix {}",
                i + 1
            );
        }
        // A re-ranking of the same pool: as long as the plain list, each group in order.
        assert_eq!(fair.entries.len(), plain.entries.len());
        for status_group in [true, false] {
            let scores: Vec<f64> = fair
                .entries
                .iter()
                .filter(|e| holds(e.job_seeker_id, PriorityStatus::Rqth) == status_group)
                .map(|e| e.score)
                .collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "offer {id}");
        }
        promoted += adjustment.promoted_at.len();
    }
    assert!(promoted > 0, "the policy never changed anything");
}

#[test]
fn floors_for_several_statuses() {
    let r = region();
    let floors = vec![(PriorityStatus::Rqth, 0.2), (PriorityStatus::LongTerm, 0.4)];
    let policy = Policy::Floors(floors.clone());
    for id in r.engine.open_offers(None).iter().take(300) {
        let shortlist = r
            .engine
            .shortlist(*id, &request(20, Some(&policy)))
            .unwrap();
        let adjustment = shortlist.adjustment.unwrap();
        for (status, share) in &floors {
            let mut count = 0;
            for (i, entry) in shortlist.entries.iter().enumerate() {
                count += usize::from(holds(entry.job_seeker_id, *status));
                let reported = adjustment
                    .unmet
                    .iter()
                    .any(|(p, s)| *p == i + 1 && s == status);
                // Every shortfall is reported, and nothing else.
                assert_eq!(count < floor_at(*share, i + 1), reported, "offer {id}");
            }
        }
    }
}

#[test]
fn exposure_counts_the_pool_and_the_shortlist() {
    let r = region();
    let id = r.engine.open_offers(None)[3];
    let mut req = request(30, None);
    req.exposure = true;
    let shortlist = r.engine.shortlist(id, &req).unwrap();
    let exposure = shortlist.exposure.unwrap();
    let everyone = r
        .engine
        .shortlist_exhaustive(id, usize::MAX, r.today)
        .unwrap();
    assert_eq!(exposure.pool, everyone.len());
    assert_eq!(exposure.shortlisted, shortlist.entries.len());
    for s in &exposure.statuses {
        let in_pool = everyone
            .iter()
            .filter(|e| holds(e.job_seeker_id, s.status))
            .count();
        assert_eq!(s.in_pool, in_pool, "{}", s.status);
    }
}

#[test]
fn unknown_ids_and_mismatched_tables_are_errors() {
    let r = region();
    assert!(r.engine.shortlist(-5, &request(30, None)).is_err());
    assert!(r.engine.suggest(-5, 10, r.today).is_err());
    let policy = Policy::fair(PriorityStatus::Rqth, 10, 0.1, 0.1).unwrap();
    let error = r
        .engine
        .shortlist(1, &request(30, Some(&policy)))
        .unwrap_err();
    assert!(error.to_string().contains("top-10"), "{error}");
    // Asking for everyone is answered, not a crash.
    let id = r.engine.open_offers(None)[5];
    let everyone = r.engine.shortlist(id, &request(usize::MAX, None)).unwrap();
    let exhaustive = r
        .engine
        .shortlist_exhaustive(id, usize::MAX, r.today)
        .unwrap();
    assert_eq!(everyone.entries, exhaustive);
}

fn bits(id: i64) -> u8 {
    PriorityStatus::ALL
        .iter()
        .enumerate()
        .filter(|(_, s)| holds(id, **s))
        .fold(0, |acc, (i, _)| acc | (1 << i))
}

fn bit(status: PriorityStatus) -> u8 {
    1 << PriorityStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap()
}

/// The policies applied by the index equal the policies applied to everyone, scored
/// exhaustively: pruning keeps every candidate a re-ranking could need.
#[test]
fn policies_on_the_index_equal_policies_on_everyone() {
    use engine::fair::{Candidate, rerank as fair_rerank};
    use engine::floors::{BitFloor, FloorCandidate, rerank as floors_rerank};
    let r = region();
    let k = 20;
    let table = MTable::adjusted(k, 0.3, 0.1).unwrap();
    let fair = Policy::Fair {
        status: PriorityStatus::Rqth,
        table: table.clone(),
    };
    let shares = [(PriorityStatus::Rqth, 0.25), (PriorityStatus::Qpv, 0.3)];
    let floors = Policy::Floors(shares.to_vec());
    for id in r.engine.open_offers(None).iter().step_by(3).take(150) {
        let everyone = r
            .engine
            .shortlist_exhaustive(*id, usize::MAX, r.today)
            .unwrap();
        // Who the index lists under a policy, in order.
        let listed = |policy: &Policy| -> Vec<i64> {
            let list = r.engine.shortlist(*id, &request(k, Some(policy))).unwrap();
            list.entries.iter().map(|e| e.job_seeker_id).collect()
        };
        let candidates: Vec<Candidate<i64>> = everyone
            .iter()
            .map(|e| Candidate {
                id: e.job_seeker_id,
                score: e.score,
                protected: holds(e.job_seeker_id, PriorityStatus::Rqth),
            })
            .collect();
        let expected: Vec<i64> = fair_rerank(&candidates, &table)
            .ranking
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed(&fair), expected, "FA*IR, offer {id}");

        let candidates: Vec<FloorCandidate<i64>> = everyone
            .iter()
            .map(|e| FloorCandidate {
                id: e.job_seeker_id,
                score: e.score,
                statuses: bits(e.job_seeker_id),
            })
            .collect();
        let bit_floors: Vec<BitFloor> = shares
            .iter()
            .map(|(s, share)| BitFloor {
                bit: bit(*s),
                share: *share,
            })
            .collect();
        let expected: Vec<i64> = floors_rerank(&candidates, &bit_floors, k)
            .ranking
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(listed(&floors), expected, "floors, offer {id}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fair_reranking_is_a_deterministic_permutation(
        pick in 0usize..500,
        k in 1usize..40,
        p in 0.05f64..0.6,
        alpha in 0.01f64..0.3,
    ) {
        let r = region();
        let open = r.engine.open_offers(None);
        let id = open[pick % open.len()];
        let policy = Policy::fair(PriorityStatus::LongTerm, k, p, alpha).unwrap();
        let fair = r.engine.shortlist(id, &request(k, Some(&policy))).unwrap();
        let again = r.engine.shortlist(id, &request(k, Some(&policy))).unwrap();
        prop_assert_eq!(&fair, &again);
        // The fair list is drawn from the k best of each group: every non-protected person
        // in it is also in the plain top-k.
        let plain = r.engine.shortlist(id, &request(k, None)).unwrap();
        let mut ids: Vec<i64> = fair.entries.iter().map(|e| e.job_seeker_id).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), fair.entries.len());
        for e in &fair.entries {
            if !holds(e.job_seeker_id, PriorityStatus::LongTerm) {
                prop_assert!(plain.entries.iter().any(|p| p.job_seeker_id == e.job_seeker_id));
            }
        }
        let mut protected = 0;
        let table = match &policy { Policy::Fair { table, .. } => table.clone(), _ => unreachable!() };
        let unmet = &fair.adjustment.as_ref().unwrap().unmet;
        for (i, e) in fair.entries.iter().enumerate() {
            protected += usize::from(holds(e.job_seeker_id, PriorityStatus::LongTerm));
            prop_assert!(protected >= table.minimums[i] || unmet.iter().any(|(p, _)| *p == i + 1));
        }
    }
}

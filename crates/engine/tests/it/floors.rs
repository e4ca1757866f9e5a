//! Minimum shares for several statuses: a permutation of a top-k of the input, every floor met
//! when one status is asked and holders remain, every shortfall reported.

use engine::floors::{BitFloor, FloorCandidate, floor_at, rerank};
use proptest::prelude::*;

fn candidates(statuses: &[u8]) -> Vec<FloorCandidate<usize>> {
    statuses
        .iter()
        .enumerate()
        .map(|(i, s)| FloorCandidate {
            id: i,
            score: 1.0 - i as f64 / 1000.0,
            statuses: *s,
        })
        .collect()
}

/// One floor a share, on the statuses 1, 2, 4, 8... in turn.
fn floors(shares: impl IntoIterator<Item = f64>) -> Vec<BitFloor> {
    (0..)
        .zip(shares)
        .map(|(i, share)| BitFloor { bit: 1 << i, share })
        .collect()
}

#[test]
fn floors_of_a_small_case() {
    // Holders of bit 1 at positions 4 and 6 (0-based); a floor of 0.5 brings one up at 2.
    let input = candidates(&[0, 0, 0, 0, 1, 0, 1, 0]);
    let out = rerank(&input, &[BitFloor { bit: 1, share: 0.5 }], 4);
    let ids: Vec<usize> = out.ranking.iter().map(|c| c.id).collect();
    assert_eq!(ids, [0, 4, 1, 6]);
    assert_eq!(out.promoted_at, [2, 4]);
    assert!(out.unmet.is_empty());
    assert_eq!(floor_at(0.1, 10), 1);
    assert_eq!(floor_at(0.3, 3), 0);
}

proptest! {
    #[test]
    fn reranking_is_a_permutation_that_meets_or_reports(
        statuses in prop::collection::vec(0u8..8, 0..60),
        k in 0usize..40,
        shares in prop::collection::vec(0.0f64..0.6, 1..3),
    ) {
        let input = candidates(&statuses);
        let floors = floors(shares.iter().copied());
        let out = rerank(&input, &floors, k);
        prop_assert_eq!(out.ranking.len(), k.min(input.len()));
        let mut ids: Vec<usize> = out.ranking.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), out.ranking.len());
        for floor in &floors {
            let mut count = 0;
            for (i, c) in out.ranking.iter().enumerate() {
                count += usize::from(c.statuses & floor.bit != 0);
                let reported = out.unmet.contains(&(i + 1, floor.bit));
                prop_assert_eq!(count < floor_at(floor.share, i + 1), reported);
            }
        }
        if floors.len() == 1 {
            let holders = input.iter().filter(|c| c.statuses & 1 != 0).count();
            if let Some(floor) = floors.first()
                && holders >= floor_at(floor.share, k.min(input.len()))
            {
                prop_assert!(out.unmet.is_empty(), "{:?}", out.unmet);
            }
        }
        // Without floors to meet, the input order is kept.
        let plain = rerank(&input, &[], k);
        prop_assert!(plain.ranking.iter().enumerate().all(|(i, c)| c.id == i));
        prop_assert_eq!(rerank(&input, &floors, k), out);
    }
}

proptest! {
    /// Shares summing to at most 1, and holders enough of each status: every prefix meets
    /// every floor at once, however the statuses overlap.
    #[test]
    fn shares_summing_to_at_most_one_are_met_on_every_prefix(
        statuses in prop::collection::vec(0u8..16, 0..80),
        k in 0usize..50,
        weights in prop::collection::vec(0.0f64..1.0, 1..5),
    ) {
        let input = candidates(&statuses);
        let total: f64 = weights.iter().sum::<f64>().max(1.0);
        let floors = floors(weights.iter().map(|w| w / total));
        let n = k.min(input.len());
        let enough = floors.iter().all(|f| {
            input.iter().filter(|c| c.statuses & f.bit != 0).count() >= floor_at(f.share, n)
        });
        let out = rerank(&input, &floors, k);
        if enough {
            prop_assert!(out.unmet.is_empty(), "{:?}", out.unmet);
        }
        for floor in &floors {
            let mut count = 0;
            for (i, c) in out.ranking.iter().enumerate() {
                count += usize::from(c.statuses & floor.bit != 0);
                if enough {
                    prop_assert!(count >= floor_at(floor.share, i + 1));
                }
            }
        }
    }
}

#[test]
fn four_floors_rising_at_the_same_position_are_all_met() {
    // Shares 0.1, 0.4, 0.2, 0.1 (the default policy): at position 10 four floors rise at once;
    // holders come late in merit order, each of one status only.
    let mut statuses = vec![0u8; 30];
    statuses.extend([1, 2, 2, 2, 2, 4, 4, 8]);
    let input = candidates(&statuses);
    let floors = floors([0.1, 0.4, 0.2, 0.1]);
    let out = rerank(&input, &floors, 10);
    assert!(out.unmet.is_empty(), "{:?}", out.unmet);
    let held: Vec<u8> = out.ranking.iter().map(|c| c.statuses).collect();
    // Eight positions are owed by position 10: the first two go to merit.
    assert_eq!(held.iter().filter(|s| **s == 0).count(), 2);
    assert_eq!(held.first(), Some(&0));
}

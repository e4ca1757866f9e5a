use engine::fair::{Candidate, MTable, TableError, fail_probability, rerank};
use proptest::prelude::*;

#[test]
fn unadjusted_tables_of_the_paper() {
    let table = MTable::unadjusted(20, 0.25, 0.1).unwrap();
    assert_eq!(
        table.minimums,
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]
    );
    let table = MTable::unadjusted(10, 0.2, 0.15).unwrap();
    assert_eq!(table.minimums, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
}

/// The probability of failing some prefix, by enumerating every membership vector.
fn brute_force_fail(minimums: &[usize], p: f64) -> f64 {
    let k = minimums.len();
    let mut fail = 0.0;
    for bits in 0u32..(1 << k) {
        let mut protected = 0;
        let mut failed = false;
        for (i, &minimum) in minimums.iter().enumerate() {
            protected += ((bits >> i) & 1) as usize;
            failed |= protected < minimum;
        }
        if failed {
            let ones = bits.count_ones() as i32;
            fail += p.powi(ones) * (1.0 - p).powi(k as i32 - ones);
        }
    }
    fail
}

#[test]
fn fail_probability_is_exact_on_every_prefix_the_last_included() {
    for (k, p, alpha) in [
        (12, 0.25, 0.1),
        (14, 0.2, 0.15),
        (10, 0.5, 0.05),
        (16, 0.1, 0.2),
    ] {
        let table = MTable::unadjusted(k, p, alpha).unwrap();
        let exact = brute_force_fail(&table.minimums, p);
        assert!(
            (table.fail_probability - exact).abs() < 1e-12,
            "k={k}: {} vs {exact}",
            table.fail_probability
        );
    }
    // A table whose only requirement is at the last position fails exactly when nobody in the
    // whole ranking is protected: skipping the last prefix would say 0.
    let p: f64 = 0.3;
    let fail = fail_probability(&[0, 0, 0, 1], p);
    assert!((fail - (1.0 - p).powi(4)).abs() < 1e-12);
}

#[test]
fn adjusted_table_fails_as_close_to_alpha_as_possible_without_exceeding_it() {
    for (k, p, alpha) in [(20, 0.25, 0.1), (50, 0.2, 0.05), (100, 0.1, 0.1)] {
        let unadjusted = MTable::unadjusted(k, p, alpha).unwrap();
        let adjusted = MTable::adjusted(k, p, alpha).unwrap();
        assert!(
            unadjusted.fail_probability > alpha,
            "testing k prefixes fails more than α"
        );
        assert!(adjusted.fail_probability <= alpha);
        assert!(adjusted.alpha_used < alpha);
        // Every minimum of the adjusted table is at most the unadjusted one.
        assert!(
            adjusted
                .minimums
                .iter()
                .zip(&unadjusted.minimums)
                .all(|(a, u)| a <= u)
        );
        // A slightly larger α_c would exceed α.
        let next = MTable::unadjusted(k, p, adjusted.alpha_used * (1.0 + 1e-6) + 1e-12).unwrap();
        assert!(next.minimums == adjusted.minimums || next.fail_probability > alpha);
    }
    // When the unadjusted table already fails less than α (tables are discrete), it stays.
    let unadjusted = MTable::unadjusted(30, 0.1, 0.1).unwrap();
    assert!(unadjusted.fail_probability <= 0.1);
    let adjusted = MTable::adjusted(30, 0.1, 0.1).unwrap();
    assert_eq!(adjusted.minimums, unadjusted.minimums);
    assert_eq!(adjusted.alpha_used, 0.1);
}

#[test]
fn bad_parameters_say_which_and_why() {
    assert_eq!(
        MTable::unadjusted(0, 0.2, 0.1).unwrap_err(),
        TableError::EmptyRanking
    );
    assert!(
        MTable::adjusted(10, 1.5, 0.1)
            .unwrap_err()
            .to_string()
            .starts_with("p: 1.5")
    );
    assert!(
        MTable::adjusted(10, 0.5, 0.0)
            .unwrap_err()
            .to_string()
            .starts_with("alpha: 0")
    );
}

fn candidates(flags: &[bool]) -> Vec<Candidate<usize>> {
    flags
        .iter()
        .enumerate()
        .map(|(i, &protected)| Candidate {
            id: i,
            score: 100.0 - i as f64,
            protected,
        })
        .collect()
}

#[test]
fn rerank_promotes_a_protected_candidate_when_a_prefix_would_fall_short() {
    // Ten unprotected candidates first, then two protected ones.
    let mut flags = vec![false; 10];
    flags.extend([true, true]);
    let table = MTable::unadjusted(10, 0.2, 0.15).unwrap(); // m(9) = 1
    let result = rerank(&candidates(&flags), &table);
    let ids: Vec<usize> = result.ranking.iter().map(|c| c.id).collect();
    assert_eq!(ids, [0, 1, 2, 3, 4, 5, 6, 7, 10, 8]);
    assert_eq!(result.promoted_at, [9]);
    assert!(result.unmet_at.is_empty());
}

proptest! {
    #[test]
    fn reranking_is_fair_ordered_deterministic_and_a_selection(
        flags in proptest::collection::vec(any::<bool>(), 0..60),
        k in 1usize..40,
        p in 0.05f64..0.6,
        alpha in 0.01f64..0.3,
    ) {
        let input = candidates(&flags);
        let table = MTable::unadjusted(k, p, alpha).unwrap();
        let result = rerank(&input, &table);
        prop_assert_eq!(result.ranking.len(), k.min(input.len()));
        // Same input, same output.
        prop_assert_eq!(&rerank(&input, &table), &result);
        // A selection of distinct input candidates, each group in its own order.
        let ids: Vec<usize> = result.ranking.iter().map(|c| c.id).collect();
        let mut sorted = ids.clone();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), ids.len());
        for group in [true, false] {
            let order: Vec<usize> = result.ranking.iter().filter(|c| c.protected == group).map(|c| c.id).collect();
            prop_assert!(order.windows(2).all(|w| w[0] < w[1]));
        }
        // Every prefix meets the table, unless protected candidates ran out.
        let available = flags.iter().filter(|f| **f).count();
        let mut protected = 0;
        for (i, c) in result.ranking.iter().enumerate() {
            protected += usize::from(c.protected);
            let minimum = table.minimums[i];
            prop_assert!(protected >= minimum.min(available) || result.unmet_at.contains(&(i + 1)));
        }
    }
}

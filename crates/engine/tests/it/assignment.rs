//! The campaign's assignment against the best possible, found by brute force on small random
//! instances: the bound is never below it, the assignment never above it nor over a capacity,
//! and where a greedy is provably optimal the assignment is the optimum.

use engine::assignment::{Effort, Instance, Method, solve};
use proptest::prelude::*;

/// People's capacities, then each offer's (cover, capacity, candidates). Scores are multiples
/// of 1/64 so that every sum is exact.
type Spec = (Vec<u32>, Vec<(u32, u32, Vec<(u32, f64)>)>);

fn spec(max_people: usize, max_offers: usize) -> impl Strategy<Value = Spec> {
    prop::collection::vec(0u32..=3, 1..=max_people).prop_flat_map(move |people| {
        let n = people.len() as u32;
        let offer = (
            0u32..=2,
            0u32..=3,
            prop::collection::vec((0..n, 1u32..=64), 0..=4),
        )
            .prop_map(|(cover, capacity, list)| {
                let list = list
                    .into_iter()
                    .map(|(p, s)| (p, f64::from(s) / 64.0))
                    .collect::<Vec<_>>();
                (cover, capacity, list)
            });
        (Just(people), prop::collection::vec(offer, 1..=max_offers))
    })
}

fn build((people, offers): &Spec) -> Instance {
    let mut instance = Instance::new(people.clone());
    for (cover, capacity, list) in offers {
        instance.add_offer(*cover, *capacity, list).unwrap();
    }
    instance
}

/// Whether these edges respect the capacities, checked here rather than by the instance.
fn feasible(spec: &Spec, instance: &Instance, chosen: &[usize]) -> bool {
    let (people, offers) = spec;
    let mut given = vec![0u32; offers.len()];
    let mut received = vec![0u32; people.len()];
    let mut pairs = std::collections::HashSet::new();
    for e in chosen {
        let (o, p, _) = instance.edge(*e).unwrap();
        if !pairs.insert((o, p)) {
            return false;
        }
        given[o] += 1;
        received[p as usize] += 1;
    }
    given.iter().zip(offers).all(|(g, o)| *g <= o.1)
        && received.iter().zip(people).all(|(r, c)| r <= c)
}

fn sum(instance: &Instance, chosen: &[usize]) -> f64 {
    chosen.iter().map(|e| instance.edge(*e).unwrap().2).sum()
}

/// The best total over every subset of edges.
fn brute_force(spec: &Spec, instance: &Instance) -> f64 {
    let edges = instance.edges();
    assert!(edges <= 16, "{edges} edges: too many to enumerate");
    let mut best = 0.0f64;
    for mask in 0u32..(1 << edges) {
        let chosen: Vec<usize> = (0..edges).filter(|e| mask & (1 << e) != 0).collect();
        if feasible(spec, instance, &chosen) {
            best = best.max(sum(instance, &chosen));
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_bound_holds_and_the_assignment_is_feasible(spec in spec(4, 4)) {
        let instance = build(&spec);
        prop_assume!(instance.edges() <= 14);
        let best = brute_force(&spec, &instance);
        let solution = solve(&instance, Effort::default()).unwrap();
        prop_assert!(feasible(&spec, &instance, &solution.chosen));
        prop_assert_eq!(solution.total, sum(&instance, &solution.chosen));
        prop_assert!(solution.total <= best, "{} above the optimum {}", solution.total, best);
        prop_assert!(solution.bound >= best, "bound {} below the optimum {}", solution.bound, best);
        let raw = instance.bound_at(&solution.prices);
        prop_assert!(raw >= best - 1e-9, "L at the prices found {} below the optimum {}", raw, best);
        prop_assert!(solution.gap >= 0.0 && solution.gap < 1.0);
        // A greedy keeps at least half of the optimum.
        prop_assert!(2.0 * solution.total >= best);
    }

    #[test]
    fn local_moves_keep_the_assignment_feasible_and_never_lower(spec in spec(4, 4)) {
        // No prices (no subgradient step): the local moves work on the best plain greedy.
        let instance = build(&spec);
        prop_assume!(instance.edges() <= 14);
        let best = brute_force(&spec, &instance);
        let effort = Effort { iterations: 0, ..Effort::default() };
        let solution = solve(&instance, effort).unwrap();
        prop_assert!(feasible(&spec, &instance, &solution.chosen));
        prop_assert!(solution.total <= best);
        let greedy = solution.totals.iter().map(|t| t.1).fold(0.0, f64::max);
        prop_assert_eq!(solution.total, greedy + solution.improvement);
    }

    #[test]
    fn every_price_gives_a_bound(spec in spec(4, 4), prices in prop::collection::vec(0.0f64..1.5, 4)) {
        let instance = build(&spec);
        prop_assume!(instance.edges() <= 14);
        let best = brute_force(&spec, &instance);
        let bound = instance.bound_at(&prices);
        prop_assert!(bound >= best - 1e-9, "L {} below the optimum {} at {:?}", bound, best, prices);
    }

    #[test]
    fn where_no_person_is_wanted_beyond_their_capacity_the_assignment_is_the_optimum(
        spec in spec(4, 4)
    ) {
        // Give each person room for every list they are in: the capacities of people never
        // bind, so taking each offer's best candidates is optimal, and so is a greedy.
        let (mut people, offers) = spec;
        for (p, room) in people.iter_mut().enumerate() {
            *room = offers
                .iter()
                .filter(|o| o.2.iter().any(|(q, _)| *q as usize == p))
                .count() as u32;
        }
        let spec = (people, offers);
        let instance = build(&spec);
        prop_assume!(instance.edges() <= 14);
        let best = brute_force(&spec, &instance);
        let solution = solve(&instance, Effort::default()).unwrap();
        prop_assert_eq!(solution.total, best);
        prop_assert_eq!(solution.bound, best);
        prop_assert_eq!(solution.gap, 0.0);
        prop_assert_eq!(solution.iterations, 1, "the first prices are already optimal");
    }

    #[test]
    fn one_offer_alone_gets_its_best_candidates(
        spec in spec(6, 1)
    ) {
        let instance = build(&spec);
        prop_assume!(instance.edges() <= 14);
        let best = brute_force(&spec, &instance);
        let solution = solve(&instance, Effort::default()).unwrap();
        prop_assert_eq!(solution.total, best);
        prop_assert_eq!(solution.gap, 0.0);
    }
}

/// Fifty copies of a trap for best score first: offer A likes x (1.0) and y (0.9), offer B
/// only x (0.95). Best first gives x to A and leaves B empty (1.0 a copy); the optimum gives y
/// to A and x to B (1.85 a copy), which prices find and the bound certifies.
#[test]
fn prices_find_what_best_score_first_misses() {
    let copies = 50u32;
    let mut instance = Instance::new(vec![1; 2 * copies as usize]);
    for c in 0..copies {
        let (x, y) = (2 * c, 2 * c + 1);
        instance.add_offer(1, 1, &[(x, 1.0), (y, 0.9)]).unwrap();
        instance.add_offer(1, 1, &[(x, 0.95)]).unwrap();
    }
    let solution = solve(&instance, Effort::default()).unwrap();
    let optimum = 1.85 * f64::from(copies);
    assert_eq!(solution.method, Method::Priced);
    assert!(
        (solution.total - optimum).abs() < 1e-9,
        "{}",
        solution.total
    );
    assert!(
        solution
            .totals
            .contains(&(Method::Global, f64::from(copies)))
    );
    assert!(
        solution.bound >= optimum - 1e-9 && solution.gap < 1e-4,
        "{solution:?}"
    );
}

#[test]
fn local_moves_repair_what_best_score_first_breaks() {
    // The same trap without prices: offer B, with room, takes x from A, which refills with y.
    let mut instance = Instance::new(vec![1, 1]);
    instance.add_offer(1, 1, &[(0, 1.0), (1, 0.9)]).unwrap();
    instance.add_offer(1, 1, &[(0, 0.95)]).unwrap();
    let effort = Effort {
        iterations: 0,
        ..Effort::default()
    };
    let solution = solve(&instance, effort).unwrap();
    assert!((solution.total - 1.85).abs() < 1e-12, "{solution:?}");
    assert!((solution.improvement - 0.85).abs() < 1e-12);
}

#[test]
fn on_a_larger_instance_the_greedies_and_the_bound_agree_closely() {
    // 300 offers wanting 3 each, 600 people with room for 2, every offer listing 12 of a
    // neighbourhood of people whose scores fall with distance: congestion, as in a region.
    let (offers, people) = (300u32, 600u32);
    let mut instance = Instance::new(vec![2; people as usize]);
    let mut state = 42u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    for o in 0..offers {
        let centre = o * 2;
        let list: Vec<(u32, f64)> = (0..12)
            .map(|_| {
                let d = next() % 40;
                let p = (centre + d) % people;
                (
                    p,
                    1.0 - f64::from(d) / 50.0 + f64::from(next() % 100) / 1000.0,
                )
            })
            .collect();
        instance.add_offer(1, 3, &list).unwrap();
    }
    let solution = solve(&instance, Effort::default()).unwrap();
    assert!(instance.is_feasible(&solution.chosen));
    assert!(solution.total <= solution.bound);
    let global = solution
        .totals
        .iter()
        .find(|(m, _)| *m == Method::Global)
        .unwrap()
        .1;
    assert!(solution.total >= global, "the best greedy is kept");
    assert!(
        solution.gap < 0.02,
        "gap {:.4} (total {}, bound {}, greedies {:?})",
        solution.gap,
        solution.total,
        solution.bound,
        solution.totals
    );
}

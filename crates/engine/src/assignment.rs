//! The campaign's assignment problem on its own, with a bound on the best possible.
//!
//! Offers each take at most `capacity` proposals from their candidate list; people each receive
//! at most their own capacity; the total score is to be as high as possible. That is a
//! maximum-weight bipartite b-matching.
//!
//! **The bound.** Price each person's capacity with λ_p ≥ 0 and let every offer take, from its
//! list, its `capacity` largest positive adjusted scores s − λ_p, with no limit per person:
//!
//! L(λ) = Σ_p c_p·λ_p + Σ_o (the `capacity_o` largest positive s_op − λ_p).
//!
//! For any feasible assignment x, Σ s·x = Σ (s − λ_p)·x + Σ_p λ_p·x_p ≤ L(λ), since x_p ≤ c_p
//! and λ ≥ 0: every L(λ) bounds the optimum from above. The constraints of a bipartite
//! b-matching form a totally unimodular matrix, so the smallest L(λ) *is* the optimum: the bound
//! is as tight as the prices are good. They are found by projected subgradient steps
//! (g_p = c_p − times p is taken, Polyak's step towards the best assignment found, halved when
//! the bound stalls), each evaluation of L spread over threads by offer.
//!
//! **Assignments.** Three greedies take the edges in an order while both sides have room:
//! - [`Method::TwoPass`]: best score first, a proposal per position of each offer first (the
//!   campaign's earlier rule, which favours covering every offer);
//! - [`Method::Global`]: best score first over all edges;
//! - [`Method::Priced`]: best price-adjusted score s − λ_p first, with the bound's prices, which
//!   steers the people many offers want towards the offers that have no one as good.
//!
//! The best total is kept and its gap to the bound reported.

use std::cmp::Ordering;

use serde::Serialize;

use crate::campaign::join_all;
use crate::index::EngineError;

/// A candidate that cannot belong to the instance.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InstanceError {
    #[error("offer {offer}: candidate {person} is not one of the instance's {people} people")]
    UnknownPerson {
        offer: usize,
        person: u32,
        people: usize,
    },
    #[error("offer {offer}: candidate {person}'s score is not a finite number")]
    NotFinite { offer: usize, person: u32 },
}

/// Offers with their candidate lists (the edges, stored by offer) and people's capacities.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    /// Per offer: proposals wanted first (one per position), then at most `capacity`.
    cover: Vec<u32>,
    capacity: Vec<u32>,
    /// Per offer: where its edges start; one more entry than offers.
    starts: Vec<usize>,
    /// Per person: how many more proposals they may receive.
    people: Vec<u32>,
    /// Per edge.
    person: Vec<u32>,
    offer: Vec<u32>,
    score: Vec<f64>,
}

impl Instance {
    /// An instance of `people.len()` people, each able to receive `people[p]` proposals.
    pub fn new(people: Vec<u32>) -> Self {
        Self {
            starts: vec![0],
            people,
            ..Self::default()
        }
    }

    /// Adds an offer that wants `cover` proposals first and takes at most `capacity`, with its
    /// candidates (person, score). A person listed twice keeps their first score; a person with
    /// no capacity left is left out (they can receive nothing). Returns the offer's index.
    pub fn add_offer(
        &mut self,
        cover: u32,
        capacity: u32,
        candidates: &[(u32, f64)],
    ) -> Result<usize, InstanceError> {
        let index = self.capacity.len();
        let people = self.people.len();
        for (person, score) in candidates {
            let Some(room) = self.people.get(*person as usize) else {
                return Err(InstanceError::UnknownPerson {
                    offer: index,
                    person: *person,
                    people,
                });
            };
            if !score.is_finite() {
                return Err(InstanceError::NotFinite {
                    offer: index,
                    person: *person,
                });
            }
            let start = self.starts.last().copied().unwrap_or(0);
            let listed = self
                .person
                .get(start..)
                .is_some_and(|these| these.contains(person));
            if *room == 0 || listed {
                continue;
            }
            self.person.push(*person);
            self.offer.push(u32::try_from(index).unwrap_or(u32::MAX));
            self.score.push(*score);
        }
        self.cover.push(cover.min(capacity));
        self.capacity.push(capacity);
        self.starts.push(self.person.len());
        Ok(index)
    }

    pub fn offers(&self) -> usize {
        self.capacity.len()
    }

    /// Each person's capacity.
    pub fn people(&self) -> &[u32] {
        &self.people
    }

    /// An offer's (cover, capacity).
    pub fn offer(&self, offer: usize) -> Option<(u32, u32)> {
        Some((*self.cover.get(offer)?, *self.capacity.get(offer)?))
    }

    pub fn edges(&self) -> usize {
        self.person.len()
    }

    /// The edge's offer, person and score.
    pub fn edge(&self, edge: usize) -> Option<(usize, u32, f64)> {
        Some((
            *self.offer.get(edge)? as usize,
            *self.person.get(edge)?,
            *self.score.get(edge)?,
        ))
    }

    /// Each offer's edges.
    fn range(&self, offer: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(offer).copied().unwrap_or(0);
        let end = self.starts.get(offer + 1).copied().unwrap_or(start);
        start..end
    }

    /// The total score of these edges, summed best first so that the same set gives the same
    /// total whatever its order.
    pub fn total(&self, chosen: &[usize]) -> f64 {
        let mut scores: Vec<f64> = chosen
            .iter()
            .filter_map(|e| self.score.get(*e).copied())
            .collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        scores.iter().sum()
    }

    /// Whether these edges respect every capacity, with no edge twice.
    pub fn is_feasible(&self, chosen: &[usize]) -> bool {
        let mut given = vec![0u32; self.offers()];
        let mut received = vec![0u32; self.people.len()];
        let mut seen = vec![false; self.edges()];
        for e in chosen {
            let Some((o, p, _)) = self.edge(*e) else {
                return false;
            };
            let (Some(g), Some(r), Some(s)) = (
                given.get_mut(o),
                received.get_mut(p as usize),
                seen.get_mut(*e),
            ) else {
                return false;
            };
            if *s {
                return false;
            }
            *s = true;
            *g += 1;
            *r += 1;
        }
        given.iter().zip(&self.capacity).all(|(g, c)| g <= c)
            && received.iter().zip(&self.people).all(|(r, c)| r <= c)
    }

    /// Takes the edges in `order` while both sides have room: in two passes when `cover_first`
    /// (up to `cover` per offer, then up to `capacity`).
    fn greedy(&self, order: &[usize], cover_first: bool) -> Vec<usize> {
        let mut given = vec![0u32; self.offers()];
        let mut received = vec![0u32; self.people.len()];
        let mut taken = vec![false; self.edges()];
        let mut chosen = Vec::new();
        let limits: &[&[u32]] = if cover_first {
            &[&self.cover, &self.capacity]
        } else {
            &[&self.capacity]
        };
        for limit in limits {
            for &e in order {
                let Some((o, p, _)) = self.edge(e) else {
                    continue;
                };
                let (Some(g), Some(r), Some(t), Some(max), Some(room)) = (
                    given.get_mut(o),
                    received.get_mut(p as usize),
                    taken.get_mut(e),
                    limit.get(o),
                    self.people.get(p as usize),
                ) else {
                    continue;
                };
                if *t || *g >= *max || *r >= *room {
                    continue;
                }
                *t = true;
                *g += 1;
                *r += 1;
                chosen.push(e);
            }
        }
        chosen
    }

    /// The edges ordered by `key`, largest first (ties by edge, so the order is determined).
    fn order_by(&self, key: impl Fn(usize) -> f64) -> Vec<usize> {
        let mut keyed: Vec<(f64, usize)> = (0..self.edges()).map(|e| (key(e), e)).collect();
        keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.into_iter().map(|(_, e)| e).collect()
    }

    /// Local moves that each raise the total, until none does (at most `rounds` sweeps):
    /// - an offer with room takes a listed person with room;
    /// - an offer swaps its weakest proposal for a better listed person with room;
    /// - an offer with room takes a full person from another offer that scores them lower,
    ///   that offer taking instead its best listed person with room, if any.
    fn improve(&self, chosen: &[usize], rounds: usize) -> Vec<usize> {
        let mut taken = vec![false; self.edges()];
        let mut given = vec![0u32; self.offers()];
        let mut received = vec![0u32; self.people.len()];
        for e in chosen {
            if let Some((o, p, _)) = self.edge(*e) {
                set(&mut taken, *e, true);
                bump(&mut given, o, 1);
                bump(&mut received, p as usize, 1);
            }
        }
        // Each person's edges.
        let mut by_person: Vec<Vec<usize>> = vec![Vec::new(); self.people.len()];
        for (e, p) in self.person.iter().enumerate() {
            if let Some(list) = by_person.get_mut(*p as usize) {
                list.push(e);
            }
        }
        let score = |e: usize| self.score.get(e).copied().unwrap_or(0.0);
        let room_of = |received: &[u32], p: u32| {
            received.get(p as usize).copied().unwrap_or(u32::MAX)
                < self.people.get(p as usize).copied().unwrap_or(0)
        };
        for _ in 0..rounds {
            let mut moved = false;
            for o in 0..self.offers() {
                let capacity = self.capacity.get(o).copied().unwrap_or(0);
                for e in self.range(o) {
                    if taken.get(e).copied().unwrap_or(true) {
                        continue;
                    }
                    let Some((_, p, s)) = self.edge(e) else {
                        continue;
                    };
                    let full_offer = given.get(o).copied().unwrap_or(0) >= capacity;
                    if room_of(&received, p) {
                        if !full_offer {
                            set(&mut taken, e, true);
                            bump(&mut given, o, 1);
                            bump(&mut received, p as usize, 1);
                            moved = true;
                            continue;
                        }
                        // Swap the offer's weakest proposal for this better person.
                        let weakest = self
                            .range(o)
                            .filter(|f| taken.get(*f).copied().unwrap_or(false))
                            .min_by(|a, b| score(*a).total_cmp(&score(*b)));
                        if let Some(w) = weakest
                            && s > score(w) + 1e-12
                            && let Some((_, q, _)) = self.edge(w)
                        {
                            set(&mut taken, w, false);
                            bump(&mut received, q as usize, -1);
                            set(&mut taken, e, true);
                            bump(&mut received, p as usize, 1);
                            moved = true;
                        }
                        continue;
                    }
                    if full_offer {
                        continue;
                    }
                    // p is full: take them from the offer that loses least, which refills from
                    // its best listed person with room.
                    let mut best: Option<(f64, usize, Option<usize>)> = None;
                    for &f in by_person.get(p as usize).map_or(&[][..], Vec::as_slice) {
                        if !taken.get(f).copied().unwrap_or(false) {
                            continue;
                        }
                        let Some((other, _, lost)) = self.edge(f) else {
                            continue;
                        };
                        let refill = self
                            .range(other)
                            .filter(|g| !taken.get(*g).copied().unwrap_or(true))
                            .filter(|g| {
                                self.edge(*g)
                                    .is_some_and(|(_, q, _)| q != p && room_of(&received, q))
                            })
                            .max_by(|a, b| score(*a).total_cmp(&score(*b)));
                        let gain = s - lost + refill.map_or(0.0, score);
                        if gain > 1e-12 && best.is_none_or(|(g, _, _)| gain > g) {
                            best = Some((gain, f, refill));
                        }
                    }
                    if let Some((_, f, refill)) = best {
                        set(&mut taken, f, false);
                        if let Some((other, _, _)) = self.edge(f) {
                            bump(&mut given, other, -1);
                        }
                        set(&mut taken, e, true);
                        bump(&mut given, o, 1);
                        if let Some(g) = refill
                            && let Some((other, q, _)) = self.edge(g)
                        {
                            set(&mut taken, g, true);
                            bump(&mut given, other, 1);
                            bump(&mut received, q as usize, 1);
                        }
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        (0..self.edges())
            .filter(|e| taken.get(*e).copied().unwrap_or(false))
            .collect()
    }

    fn priced_order(&self, prices: &[f64]) -> Vec<usize> {
        self.order_by(|e| {
            let price = self
                .person
                .get(e)
                .and_then(|p| prices.get(*p as usize))
                .copied()
                .unwrap_or(0.0);
            self.score.get(e).copied().unwrap_or(0.0) - price
        })
    }

    /// L(λ) at these prices (one a person, each at least zero): no assignment totals more.
    pub fn bound_at(&self, prices: &[f64]) -> f64 {
        let clamped: Vec<f64> = (0..self.people.len())
            .map(|p| prices.get(p).copied().unwrap_or(0.0).max(0.0))
            .collect();
        let mut taken = vec![0u32; self.people.len()];
        let priced: f64 = self
            .people
            .iter()
            .zip(&clamped)
            .map(|(c, l)| f64::from(*c) * l)
            .sum();
        priced + self.relaxed(&clamped, 0..self.offers(), &mut taken)
    }

    /// L(λ) over the offers `offers`, adding to `taken` how often each person is taken.
    fn relaxed(&self, prices: &[f64], offers: std::ops::Range<usize>, taken: &mut [u32]) -> f64 {
        let mut value = 0.0;
        let mut best: Vec<(f64, u32)> = Vec::new();
        for o in offers {
            best.clear();
            for e in self.range(o) {
                let (Some(p), Some(s)) = (self.person.get(e), self.score.get(e)) else {
                    continue;
                };
                let adjusted = s - prices.get(*p as usize).copied().unwrap_or(0.0);
                if adjusted > 0.0 {
                    best.push((adjusted, *p));
                }
            }
            let b = self.capacity.get(o).copied().unwrap_or(0) as usize;
            if best.len() > b {
                if b > 0 {
                    best.select_nth_unstable_by(b - 1, |x, y| y.0.total_cmp(&x.0));
                }
                best.truncate(b);
            }
            for (adjusted, p) in &best {
                value += adjusted;
                if let Some(t) = taken.get_mut(*p as usize) {
                    *t += 1;
                }
            }
        }
        value
    }

    /// L(λ) and how often each person is taken, the offers split over `threads`.
    fn dual(&self, prices: &[f64], threads: usize) -> Result<(f64, Vec<u32>), EngineError> {
        let priced: f64 = self
            .people
            .iter()
            .zip(prices)
            .map(|(c, l)| f64::from(*c) * l)
            .sum();
        let offers = self.offers();
        let chunk = offers.div_ceil(threads.max(1)).max(1);
        let parts: Vec<(f64, Vec<u32>)> = if threads <= 1 || offers < 2 * chunk {
            let mut taken = vec![0u32; self.people.len()];
            let value = self.relaxed(prices, 0..offers, &mut taken);
            vec![(value, taken)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..offers)
                    .step_by(chunk)
                    .map(|start| {
                        scope.spawn(move || {
                            let mut taken = vec![0u32; self.people.len()];
                            let end = (start + chunk).min(offers);
                            let value = self.relaxed(prices, start..end, &mut taken);
                            (value, taken)
                        })
                    })
                    .collect();
                join_all(handles)
            })?
        };
        let mut value = priced;
        let mut taken = vec![0u32; self.people.len()];
        for (part, counts) in parts {
            value += part;
            for (t, c) in taken.iter_mut().zip(counts) {
                *t += c;
            }
        }
        Ok((value, taken))
    }
}

fn set(flags: &mut [bool], at: usize, value: bool) {
    if let Some(flag) = flags.get_mut(at) {
        *flag = value;
    }
}

fn bump(counts: &mut [u32], at: usize, by: i32) {
    if let Some(count) = counts.get_mut(at) {
        *count = count.saturating_add_signed(by);
    }
}

/// Which greedy gave the assignment kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    TwoPass,
    Global,
    Priced,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TwoPass => "two_pass",
            Self::Global => "global",
            Self::Priced => "priced",
        }
    }
}

/// How hard to work.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Subgradient steps at the most.
    pub iterations: usize,
    /// Stop once the gap between the bound and the best assignment is below this share.
    pub tolerance: f64,
    pub threads: usize,
    /// Sweeps of local moves over the best greedy's assignment, at most.
    pub rounds: usize,
}

impl Default for Effort {
    fn default() -> Self {
        Self {
            iterations: 200,
            tolerance: 1e-4,
            threads: 1,
            rounds: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// The edges chosen.
    pub chosen: Vec<usize>,
    pub total: f64,
    pub method: Method,
    /// No assignment of the instance can total more.
    pub bound: f64,
    /// 1 − total / bound: how far the assignment may be from the best possible, at most.
    pub gap: f64,
    /// Each greedy's best total.
    pub totals: Vec<(Method, f64)>,
    /// What the local moves added to the best greedy's total.
    pub improvement: f64,
    /// Subgradient steps taken.
    pub iterations: usize,
    /// The people's prices at the bound: `bound` is L(prices) (or the total, if rounding put
    /// L a hair below it).
    #[serde(skip)]
    pub prices: Vec<f64>,
}

/// The best of the three greedies, and the bound. An error only if a thread panicked.
pub fn solve(instance: &Instance, effort: Effort) -> Result<Solution, EngineError> {
    let by_score = instance.order_by(|e| instance.score.get(e).copied().unwrap_or(0.0));
    let mut candidates: Vec<(Method, Vec<usize>, f64)> = [
        (Method::TwoPass, instance.greedy(&by_score, true)),
        (Method::Global, instance.greedy(&by_score, false)),
    ]
    .into_iter()
    .map(|(m, chosen)| {
        let total = instance.total(&chosen);
        (m, chosen, total)
    })
    .collect();
    let lower = |c: &[(Method, Vec<usize>, f64)]| c.iter().map(|x| x.2).fold(0.0, f64::max);

    let people = instance.people.len();
    let mut prices = vec![0.0f64; people];
    let mut best_bound = f64::INFINITY;
    let mut best_prices = prices.clone();
    let mut step = 2.0;
    let mut stalled = 0;
    let mut iterations = 0;
    while iterations < effort.iterations {
        let (value, taken) = instance.dual(&prices, effort.threads)?;
        iterations += 1;
        if value < best_bound {
            best_bound = value;
            best_prices.clone_from(&prices);
            stalled = 0;
        } else {
            stalled += 1;
            if stalled >= 4 {
                step /= 2.0;
                stalled = 0;
            }
        }
        // The projected subgradient: a price at zero with room to spare stays at zero.
        let gradient: Vec<f64> = instance
            .people
            .iter()
            .zip(&taken)
            .zip(&prices)
            .map(|((c, t), l)| {
                let g = f64::from(*c) - f64::from(*t);
                if *l <= 0.0 && g > 0.0 { 0.0 } else { g }
            })
            .collect();
        let norm: f64 = gradient.iter().map(|g| g * g).sum();
        let found = lower(&candidates);
        if norm == 0.0 || best_bound - found <= effort.tolerance * best_bound.abs() {
            break;
        }
        // Every few steps, an assignment from the current prices: a better target for the step.
        if iterations % 10 == 0 {
            let chosen = instance.greedy(&instance.priced_order(&prices), false);
            let total = instance.total(&chosen);
            candidates.push((Method::Priced, chosen, total));
        }
        let t = step * (value - lower(&candidates)).max(0.0) / norm;
        for (l, g) in prices.iter_mut().zip(&gradient) {
            *l = (*l - t * g).max(0.0);
        }
    }
    if best_bound.is_finite() {
        let chosen = instance.greedy(&instance.priced_order(&best_prices), false);
        let total = instance.total(&chosen);
        candidates.push((Method::Priced, chosen, total));
    }
    let mut totals: Vec<(Method, f64)> = Vec::new();
    for (m, _, t) in &candidates {
        match totals.iter_mut().find(|(n, _)| n == m) {
            Some((_, best)) => *best = best.max(*t),
            None => totals.push((*m, *t)),
        }
    }
    // The best total; among equals the earliest method (the two-pass covers offers first).
    let (method, chosen, total) = candidates
        .into_iter()
        .reduce(|best, next| {
            if next.2.total_cmp(&best.2) == Ordering::Greater {
                next
            } else {
                best
            }
        })
        .unwrap_or((Method::Global, Vec::new(), 0.0));
    // Local moves on the best greedy's assignment.
    let (chosen, total, improvement) = if effort.rounds > 0 {
        let better = instance.improve(&chosen, effort.rounds);
        let better_total = instance.total(&better);
        if better_total > total {
            (better, better_total, better_total - total)
        } else {
            (chosen, total, 0.0)
        }
    } else {
        (chosen, total, 0.0)
    };
    // The bound is never below an assignment that exists (only rounding could put it there).
    let bound = best_bound.max(total);
    let gap = if bound > 0.0 {
        (1.0 - total / bound).max(0.0)
    } else {
        0.0
    };
    Ok(Solution {
        chosen,
        total,
        method,
        bound,
        gap,
        totals,
        improvement,
        iterations,
        prices: best_prices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_refuses_an_unknown_person_and_a_score_that_is_not_a_number() {
        let mut instance = Instance::new(vec![1, 1]);
        assert_eq!(
            instance.add_offer(1, 1, &[(0, 0.5), (2, 0.4)]),
            Err(InstanceError::UnknownPerson {
                offer: 0,
                person: 2,
                people: 2
            })
        );
        assert_eq!(
            instance
                .add_offer(1, 1, &[(1, f64::NAN)])
                .unwrap_err()
                .to_string(),
            "offer 0: candidate 1's score is not a finite number"
        );
    }

    #[test]
    fn a_person_listed_twice_or_without_room_is_left_out() {
        let mut instance = Instance::new(vec![1, 0, 2]);
        assert_eq!(
            instance.add_offer(1, 2, &[(0, 0.9), (1, 0.8), (0, 0.7), (2, 0.6)]),
            Ok(0)
        );
        assert_eq!(instance.edges(), 2);
        assert_eq!(instance.edge(0), Some((0, 0, 0.9)));
        assert_eq!(instance.edge(1), Some((0, 2, 0.6)));
        assert_eq!(instance.edge(2), None);
    }

    #[test]
    fn prices_send_the_person_everyone_wants_where_no_one_else_fits() {
        // Offer 0 likes x (1.0) and y (0.9); offer 1 only x (0.95). Best score first gives x
        // to offer 0 and leaves offer 1 empty (1.0); the best is y to 0 and x to 1 (1.85).
        let mut instance = Instance::new(vec![1, 1]);
        instance.add_offer(1, 1, &[(0, 1.0), (1, 0.9)]).unwrap();
        instance.add_offer(1, 1, &[(0, 0.95)]).unwrap();
        let solution = solve(&instance, Effort::default()).unwrap();
        assert_eq!(solution.method, Method::Priced);
        assert!((solution.total - 1.85).abs() < 1e-12, "{solution:?}");
        assert!(solution.totals.contains(&(Method::Global, 1.0)));
        assert!(solution.totals.contains(&(Method::TwoPass, 1.0)));
        assert!(solution.bound >= 1.85 && solution.bound <= 1.85 * (1.0 + 1e-4) + 1e-12);
        assert!(instance.is_feasible(&solution.chosen));
    }
}

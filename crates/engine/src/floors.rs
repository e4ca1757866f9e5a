//! Minimum shares for several priority statuses at once, after DetGreedy (Geyik, Ambler,
//! Kenthapadi, *Fairness-Aware Ranking in Search & Recommendation Systems with Application to
//! LinkedIn Talent Search*, KDD 2019), adapted to statuses that overlap (one person may be
//! disabled, long-term unemployed and live in a QPV).
//!
//! Every prefix i of the top-k must hold at least ⌊share(s)·i⌋ holders of each status s. Each
//! status thus owes holders by deadlines (the t-th by the first prefix whose floor reaches t),
//! and the positions are filled as a scheduler fills slots with unit jobs: at position i, if
//! the holders still owed by some prefix j fill every position from i to j (the schedule is
//! *tight*), the best remaining holder of the status owed soonest is placed (earliest deadline
//! first); otherwise the best remaining candidate, whatever they hold. A candidate counts for
//! every status they hold, so one person may settle several debts at once.
//!
//! What is guaranteed: when the shares sum to at most 1, at most j holders are ever owed by
//! prefix j, and placing the soonest-owed status whenever the schedule is tight meets every
//! floor on every prefix, as long as holders of each status remain (earliest-deadline-first
//! is optimal for unit jobs). A holder is promoted only at the last position that keeps that
//! promise, so merit decides every other position. Every (position, status) left short, for
//! want of holders or because the shares sum past 1, is reported in `unmet`, so nothing is
//! claimed that did not hold.

/// One candidate: its score and the statuses it holds, as bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloorCandidate<Id> {
    pub id: Id,
    pub score: f64,
    pub statuses: u8,
}

/// A minimum share of the top-k positions for the holders of one status (given as a bit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BitFloor {
    pub bit: u8,
    pub share: f64,
}

/// The floor for a prefix of length `i`: ⌊share·i⌋, computed so that 0.1 × 10 gives 1.
pub fn floor_at(share: f64, i: usize) -> usize {
    let value = share * i as f64;
    (value + 1e-9).floor().max(0.0) as usize
}

#[derive(Debug, Clone, PartialEq)]
pub struct FloorRanking<Id> {
    pub ranking: Vec<FloorCandidate<Id>>,
    /// Positions (from 1) where a lower-scored candidate was placed to meet a floor.
    pub promoted_at: Vec<usize>,
    /// (position, status bit) pairs where a floor was not met.
    pub unmet: Vec<(usize, u8)>,
}

/// When the schedule is tight at `position` (the holders owed by some prefix j ≤ `n` fill
/// every position from `position` to j), the statuses owed, grouped by deadline, soonest
/// first; otherwise nothing (merit alone places this position).
fn owed_soonest(floors: &[BitFloor], counts: &[usize], position: usize, n: usize) -> Vec<u8> {
    let owed_by = |j: usize| -> usize {
        floors
            .iter()
            .zip(counts)
            .map(|(f, c)| floor_at(f.share, j).saturating_sub(*c))
            .sum()
    };
    if !(position..=n).any(|j| owed_by(j) > j - position) {
        return Vec::new();
    }
    let mut groups = Vec::new();
    let mut seen = 0u8;
    for j in position..=n {
        let bits = floors
            .iter()
            .zip(counts)
            .filter(|(f, c)| floor_at(f.share, j) > **c && seen & f.bit == 0)
            .fold(0u8, |acc, (f, _)| acc | f.bit);
        if bits != 0 {
            groups.push(bits);
            seen |= bits;
        }
    }
    groups
}

/// Re-ranks `candidates` (best first) into a top-k meeting the floors where it can.
pub fn rerank<Id: Copy>(
    candidates: &[FloorCandidate<Id>],
    floors: &[BitFloor],
    k: usize,
) -> FloorRanking<Id> {
    let mut taken = vec![false; candidates.len()];
    let mut counts = vec![0usize; floors.len()];
    let mut out = FloorRanking {
        ranking: Vec::with_capacity(k.min(candidates.len())),
        promoted_at: Vec::new(),
        unmet: Vec::new(),
    };
    let n = k.min(candidates.len());
    for position in 1..=n {
        let best = taken.iter().position(|t| !t);
        let chosen = owed_soonest(floors, &counts, position, n)
            .into_iter()
            .find_map(|bits| {
                candidates
                    .iter()
                    .zip(&taken)
                    .position(|(c, t)| !t && c.statuses & bits != 0)
            })
            .or(best);
        let Some(chosen) = chosen else { break };
        if chosen != best.unwrap_or(chosen) {
            out.promoted_at.push(position);
        }
        if let Some(flag) = taken.get_mut(chosen) {
            *flag = true;
        }
        let Some(candidate) = candidates.get(chosen) else {
            break;
        };
        out.ranking.push(*candidate);
        for (floor, count) in floors.iter().zip(counts.iter_mut()) {
            if candidate.statuses & floor.bit != 0 {
                *count += 1;
            }
            if *count < floor_at(floor.share, position) {
                out.unmet.push((position, floor.bit));
            }
        }
    }
    out
}

//! Minimum shares for several priority statuses at once, after DetGreedy (Geyik, Ambler,
//! Kenthapadi, *Fairness-Aware Ranking in Search & Recommendation Systems with Application to
//! LinkedIn Talent Search*, KDD 2019), adapted to statuses that overlap (one person may be
//! disabled, long-term unemployed and live in a QPV).
//!
//! At each position i of the top-k, a status s is *short* when fewer than ⌊share(s)·i⌋ of the
//! candidates placed so far hold it. If some status is short, the best remaining candidate who
//! holds a short status is placed; otherwise the best remaining candidate. A candidate counts
//! for every status they hold.
//!
//! What is guaranteed: with one status, every prefix meets its floor as long as holders remain
//! (the floor rises by at most one per position). With several, two floors may rise at the same
//! position while one candidate is placed; the other status is then met one position later if
//! a holder remains. Every (position, status) left short is reported in `unmet`, so nothing
//! is claimed that did not hold.

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
    for position in 1..=k.min(candidates.len()) {
        let short: u8 = floors
            .iter()
            .zip(&counts)
            .filter(|(f, count)| **count < floor_at(f.share, position))
            .fold(0, |acc, (f, _)| acc | f.bit);
        let best = taken.iter().position(|t| !t);
        let chosen = if short != 0 {
            candidates
                .iter()
                .zip(&taken)
                .position(|(c, t)| !t && c.statuses & short != 0)
                .or(best)
        } else {
            best
        };
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

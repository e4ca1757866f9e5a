//! Congestion-aware campaigns: proposals for many offers at once (say every open offer of a
//! department), so that nobody receives more than `capacity` proposals in the period and each
//! offer gets its positions covered where possible, with the total score as high as we can.
//!
//! The problem is a maximum-weight b-matching over each offer's best candidates (its list under
//! its territory's policy, `depth` times the proposals it wants). [`crate::assignment`] solves
//! it: the best of three greedies (best score first with a proposal per position first, best
//! score first, best price-adjusted score first), with a Lagrangian bound that no assignment of
//! the same lists can exceed, so that every campaign reports how far it may be from the best
//! possible (`gap`). The same offers' independent top lists (no capacity) are measured beside
//! it, as what congestion looks like without a campaign.

use std::collections::HashMap;

use chrono::NaiveDate;
use model::PriorityStatus;
use serde::Serialize;

use crate::assignment::{self, Effort, Instance, Method};
use crate::index::{Engine, EngineError, Exposure, Policy, ShortlistRequest, StatusExposure};
use crate::profile::status_bit;

#[derive(Debug, Clone)]
pub struct CampaignRequest {
    /// The offers to staff, by id.
    pub offers: Vec<i64>,
    pub today: NaiveDate,
    /// Proposals wanted per position of an offer.
    pub per_position: u16,
    /// The most proposals one person may receive in the period.
    pub capacity: u16,
    /// Proposals each person already received in the period, by job seeker id.
    pub already: HashMap<i64, u16>,
    /// Candidates considered per wanted proposal (the depth of each offer's list).
    pub depth: u16,
    /// Threads to compute the candidate lists on.
    pub threads: usize,
    /// The priority policies' history: each offer's list follows the policy in force on
    /// `today` in the offer's department (`model::policy::in_force`). `None`: no policy
    /// (benchmarks comparing the assignment alone).
    pub policies: Option<Vec<model::policy::PriorityPolicy>>,
    /// Measure the outcome against the eligible pool (`CampaignOutcome::pool`, `exposure`):
    /// a pass over every job seeker. Off, the pool and the exposure are left empty (an
    /// action's invitations, which need the proposals alone).
    pub measure: bool,
    /// Subgradient steps at the most for the bound on the best assignment.
    pub iterations: usize,
}

impl CampaignRequest {
    pub fn new(offers: Vec<i64>, today: NaiveDate) -> Self {
        Self {
            offers,
            today,
            per_position: 3,
            capacity: 2,
            already: HashMap::new(),
            depth: 4,
            threads: 1,
            policies: None,
            measure: true,
            iterations: Effort::default().iterations,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proposal {
    pub offer_id: i64,
    pub job_seeker_id: i64,
    pub score: f64,
}

/// How proposals are spread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub proposals: usize,
    pub total_score: f64,
    /// Σ s·log s / log N over each person's share s of all proposals, N the eligible pool:
    /// −1 when spread evenly over the whole pool, 0 when all go to one person.
    pub congestion: f64,
    /// Share of the eligible pool proposed at least once.
    pub coverage: f64,
    /// Gini coefficient of proposals per person over the eligible pool.
    pub gini: f64,
    /// Share of offers with at least one proposal per position.
    pub offers_covered: f64,
    /// Offers left without any proposal.
    pub offers_without_proposal: usize,
    /// People proposed at least once.
    pub people_proposed: usize,
    /// People by the proposals they received: `per_person[k]` received k + 1.
    pub per_person: Vec<usize>,
    /// The most proposals any one person received.
    pub max_per_person: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignOutcome {
    pub offers: usize,
    /// Job seekers eligible for at least one of the offers.
    pub pool: usize,
    pub proposals: Vec<Proposal>,
    pub campaign: Metrics,
    /// The same offers' top lists computed one by one, without the capacity.
    pub independent: Metrics,
    /// 1 − campaign total / independent total: what the capacity and the assignment cost.
    pub score_loss: f64,
    /// No assignment of the same candidate lists under the same capacities can total more
    /// (the Lagrangian bound of [`crate::assignment`]).
    pub bound: f64,
    /// 1 − campaign total / bound: the assignment is at most this far from the best possible.
    pub gap: f64,
    /// The greedy whose assignment was kept.
    pub method: Method,
    /// Each greedy's total.
    pub greedy_totals: Vec<(Method, f64)>,
    /// Subgradient steps taken for the bound.
    pub iterations: usize,
    /// Priority statuses among the campaign's proposals against the eligible pool.
    pub exposure: Exposure,
    /// The share of the proposals each protected status is aimed at by the policies in force,
    /// each offer's target weighted by its proposals (empty without policies).
    pub targets: Vec<StatusTarget>,
}

/// A protected status's aimed share, to read against its share among the proposals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusTarget {
    pub status: PriorityStatus,
    pub share: f64,
}

struct Assigned {
    proposals: Vec<Proposal>,
    bound: f64,
    gap: f64,
    method: Method,
    totals: Vec<(Method, f64)>,
    iterations: usize,
}

/// The lists as an [`Instance`] (people by ascending id, each with the room the period leaves
/// them), and the people's ids by index.
fn instance_of(
    lists: &[OfferList],
    request: &CampaignRequest,
) -> Result<(Instance, Vec<i64>), EngineError> {
    let mut people: Vec<i64> = lists
        .iter()
        .flat_map(|l| l.candidates.iter().map(|(id, _)| *id))
        .collect();
    people.sort_unstable();
    people.dedup();
    let room: Vec<u32> = people
        .iter()
        .map(|id| {
            let already = request.already.get(id).copied().unwrap_or(0);
            u32::from(request.capacity.saturating_sub(already))
        })
        .collect();
    let mut instance = Instance::new(room);
    for list in lists {
        let candidates: Vec<(u32, f64)> = list
            .candidates
            .iter()
            .filter_map(|(id, score)| {
                let index = people.binary_search(id).ok()?;
                Some((u32::try_from(index).ok()?, *score))
            })
            .collect();
        let wide = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        instance.add_offer(wide(list.positions), wide(list.wanted), &candidates)?;
    }
    Ok((instance, people))
}

/// The lists' assignment, solved.
fn assign(lists: &[OfferList], request: &CampaignRequest) -> Result<Assigned, EngineError> {
    let (instance, people) = instance_of(lists, request)?;
    let solution = assignment::solve(
        &instance,
        Effort {
            iterations: request.iterations,
            threads: request.threads.max(1),
            ..Effort::default()
        },
    )?;
    let proposals = solution
        .chosen
        .iter()
        .filter_map(|e| {
            let (offer, person, score) = instance.edge(*e)?;
            Some(Proposal {
                offer_id: lists.get(offer)?.offer_id,
                job_seeker_id: *people.get(person as usize)?,
                score,
            })
        })
        .collect();
    Ok(Assigned {
        proposals,
        bound: solution.bound,
        gap: solution.gap,
        method: solution.method,
        totals: solution.totals,
        iterations: solution.iterations,
    })
}

/// Each protected status's target, weighted by the proposals each offer received.
fn targets(
    lists: &[OfferList],
    proposals: &[Proposal],
    request: &CampaignRequest,
    engine: &Engine,
) -> Vec<StatusTarget> {
    let Some(history) = &request.policies else {
        return Vec::new();
    };
    if proposals.is_empty() {
        return Vec::new();
    }
    let mut per_offer: HashMap<i64, usize> = HashMap::new();
    for p in proposals {
        *per_offer.entry(p.offer_id).or_default() += 1;
    }
    let mut aimed: Vec<StatusTarget> = Vec::new();
    for list in lists {
        let Some(count) = per_offer.get(&list.offer_id) else {
            continue;
        };
        let in_force = model::policy::in_force(
            history,
            engine.offer_department(list.offer_id),
            request.today,
        );
        for (status, share) in in_force.rule.targets() {
            let weighted = share * *count as f64 / proposals.len() as f64;
            match aimed.iter_mut().find(|t| t.status == status) {
                Some(t) => t.share += weighted,
                None => aimed.push(StatusTarget {
                    status,
                    share: weighted,
                }),
            }
        }
    }
    aimed.sort_by_key(|t| PriorityStatus::ALL.iter().position(|s| *s == t.status));
    aimed
}

/// Each offer's candidates for a campaign ([`Engine::campaign_lists`]).
#[derive(Debug, Clone)]
pub struct CandidateLists(Vec<OfferList>);

impl CandidateLists {
    /// Candidate (offer, person) pairs over every list.
    pub fn edges(&self) -> usize {
        self.0.iter().map(|l| l.candidates.len()).sum()
    }

    /// The assignment problem these lists make under the request's capacities (what
    /// [`Engine::campaign_over`] solves; for timing the solver alone).
    pub fn instance(&self, request: &CampaignRequest) -> Result<Instance, EngineError> {
        instance_of(&self.0, request).map(|(instance, _)| instance)
    }
}

#[derive(Debug, Clone)]
struct OfferList {
    offer_id: i64,
    positions: usize,
    wanted: usize,
    candidates: Vec<(i64, f64)>,
}

fn metrics(
    proposals: &[Proposal],
    lists: &[OfferList],
    pool: usize,
    counts_in_pool: &HashMap<i64, u16>,
) -> Metrics {
    // Summed in a fixed order, so that the same proposals give the same total.
    let mut scores: Vec<f64> = proposals.iter().map(|p| p.score).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let total_score: f64 = scores.iter().sum();
    let n = proposals.len() as f64;
    // Sorted, so that sums do not depend on a hash map's order.
    let mut counts: Vec<u64> = counts_in_pool.values().map(|c| u64::from(*c)).collect();
    counts.sort_unstable();
    let congestion = if proposals.is_empty() || pool < 2 {
        0.0
    } else {
        counts
            .iter()
            .filter(|c| **c > 0)
            .map(|c| {
                let s = *c as f64 / n;
                s * s.ln()
            })
            .sum::<f64>()
            / (pool as f64).ln()
    };
    let proposed = counts.iter().filter(|c| **c > 0).count();
    counts.resize(pool.max(counts.len()), 0);
    counts.sort_unstable();
    let sum: u64 = counts.iter().sum();
    let gini = if sum == 0 || counts.is_empty() {
        0.0
    } else {
        let len = counts.len() as f64;
        let weighted: f64 = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (i as f64 + 1.0) * *c as f64)
            .sum();
        2.0 * weighted / (len * sum as f64) - (len + 1.0) / len
    };
    let mut per_offer: HashMap<i64, usize> = HashMap::new();
    for p in proposals {
        *per_offer.entry(p.offer_id).or_default() += 1;
    }
    let covered = lists
        .iter()
        .filter(|l| per_offer.get(&l.offer_id).copied().unwrap_or(0) >= l.positions)
        .count();
    let offers_without_proposal = lists
        .iter()
        .filter(|l| !per_offer.contains_key(&l.offer_id))
        .count();
    let max_per_person = counts_in_pool.values().copied().max().unwrap_or(0);
    let mut per_person = vec![0usize; usize::from(max_per_person)];
    for c in counts_in_pool.values() {
        if let Some(people) = usize::from(*c)
            .checked_sub(1)
            .and_then(|k| per_person.get_mut(k))
        {
            *people += 1;
        }
    }
    Metrics {
        proposals: proposals.len(),
        total_score,
        congestion,
        coverage: if pool == 0 {
            0.0
        } else {
            proposed as f64 / pool as f64
        },
        gini,
        offers_covered: if lists.is_empty() {
            0.0
        } else {
            covered as f64 / lists.len() as f64
        },
        offers_without_proposal,
        people_proposed: proposed,
        per_person,
        max_per_person,
    }
}

fn counts(proposals: &[Proposal]) -> HashMap<i64, u16> {
    let mut out: HashMap<i64, u16> = HashMap::new();
    for p in proposals {
        let c = out.entry(p.job_seeker_id).or_default();
        *c = c.saturating_add(1);
    }
    out
}

impl Engine {
    fn candidate_lists(&self, request: &CampaignRequest) -> Result<Vec<OfferList>, EngineError> {
        let size = |offer_id: i64| {
            let positions = usize::from(self.offer_positions(offer_id).unwrap_or(1).max(1));
            let wanted = positions * usize::from(request.per_position.max(1));
            (
                positions,
                wanted,
                wanted * usize::from(request.depth.max(1)),
            )
        };
        // Each (policy in force, list length) once: FA*IR's table takes a moment to compute.
        let mut policies: HashMap<(Option<i64>, usize), Policy> = HashMap::new();
        let mut policy_of: HashMap<i64, (Option<i64>, usize)> = HashMap::new();
        if let Some(history) = &request.policies {
            for &offer_id in &request.offers {
                let (_, _, k) = size(offer_id);
                let in_force = model::policy::in_force(
                    history,
                    self.offer_department(offer_id),
                    request.today,
                );
                let key = (in_force.id, k);
                if let std::collections::hash_map::Entry::Vacant(slot) = policies.entry(key) {
                    let policy = Policy::from_rule(&in_force.rule, k).map_err(|reason| {
                        EngineError::Policy(format!("priority policy {:?}: {reason}", in_force.id))
                    })?;
                    slot.insert(policy);
                }
                policy_of.insert(offer_id, key);
            }
        }
        let one = |offer_id: i64| -> Result<OfferList, EngineError> {
            let (positions, wanted, k) = size(offer_id);
            let shortlist = self.shortlist(
                offer_id,
                &ShortlistRequest {
                    k,
                    today: request.today,
                    policy: policy_of.get(&offer_id).and_then(|key| policies.get(key)),
                    exposure: false,
                },
            )?;
            Ok(OfferList {
                offer_id,
                positions,
                wanted,
                candidates: shortlist
                    .entries
                    .iter()
                    .map(|e| (e.job_seeker_id, e.score))
                    .collect(),
            })
        };
        let threads = request.threads.max(1);
        // By occupation and place, so that consecutive lists read the same buckets.
        let offers = self.batch_order(&request.offers);
        let chunk = offers.len().div_ceil(threads).max(1);
        let results: Vec<Result<Vec<OfferList>, EngineError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = offers
                .chunks(chunk)
                .map(|ids| scope.spawn(move || ids.iter().map(|id| one(*id)).collect()))
                .collect();
            join_all(handles)
        })?;
        let mut lists = Vec::with_capacity(request.offers.len());
        for part in results {
            lists.extend(part?);
        }
        Ok(lists)
    }

    fn pool(&self, request: &CampaignRequest) -> Result<Vec<(i64, u8)>, EngineError> {
        let mut wanted = vec![false; self.offer_slots()];
        for id in &request.offers {
            if let Some(slot) = self.offer_slot(*id)
                && let Some(flag) = wanted.get_mut(slot as usize)
            {
                *flag = true;
            }
        }
        let context = self.context_for(request.today);
        let seekers = self.seekers();
        let threads = request.threads.max(1);
        let chunk = seekers.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = seekers
                .chunks(chunk)
                .map(|part| {
                    let (wanted, context) = (&wanted, &context);
                    scope.spawn(move || {
                        part.iter()
                            .filter(|s| self.eligible_for_any(s, wanted, context))
                            .map(|s| (s.id, s.priorities))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            join_all(handles).map(|parts| parts.into_iter().flatten().collect())
        })
    }

    /// Proposes candidates for every offer of the request under the per-person capacity, and
    /// compares the result with independent top lists.
    pub fn campaign(&self, request: &CampaignRequest) -> Result<CampaignOutcome, EngineError> {
        let lists = self.campaign_lists(request)?;
        self.campaign_over(lists, request)
    }

    /// A campaign's first stage: each offer's candidate list (what a shortlist computes, deeper).
    pub fn campaign_lists(&self, request: &CampaignRequest) -> Result<CandidateLists, EngineError> {
        self.candidate_lists(request).map(CandidateLists)
    }

    /// A campaign's second stage: the assignment over the lists, its bound and its measures.
    pub fn campaign_over(
        &self,
        lists: CandidateLists,
        request: &CampaignRequest,
    ) -> Result<CampaignOutcome, EngineError> {
        let CandidateLists(lists) = lists;
        let pool = if request.measure {
            self.pool(request)?
        } else {
            Vec::new()
        };
        let solution = assign(&lists, request)?;
        let mut proposals = solution.proposals;
        proposals.sort_by(|a, b| {
            a.offer_id
                .cmp(&b.offer_id)
                .then(b.score.total_cmp(&a.score))
                .then(a.job_seeker_id.cmp(&b.job_seeker_id))
        });
        let independent: Vec<Proposal> = lists
            .iter()
            .flat_map(|l| {
                l.candidates
                    .iter()
                    .take(l.wanted)
                    .map(|(seeker, score)| Proposal {
                        offer_id: l.offer_id,
                        job_seeker_id: *seeker,
                        score: *score,
                    })
            })
            .collect();
        let campaign = metrics(&proposals, &lists, pool.len(), &counts(&proposals));
        let independent = metrics(&independent, &lists, pool.len(), &counts(&independent));
        let score_loss = if independent.total_score > 0.0 {
            1.0 - campaign.total_score / independent.total_score
        } else {
            0.0
        };
        let targets = targets(&lists, &proposals, request, self);
        // The statuses of those proposed come from the engine, measured or not; those of the
        // pool only from the pass over it.
        let proposed_statuses: Vec<u8> = proposals
            .iter()
            .map(|p| self.seeker(p.job_seeker_id).map_or(0, |s| s.priorities))
            .collect();
        let exposure = Exposure {
            shortlisted: proposals.len(),
            pool: pool.len(),
            statuses: PriorityStatus::ALL
                .iter()
                .map(|s| {
                    let bit = status_bit(*s);
                    StatusExposure {
                        status: *s,
                        in_shortlist: proposed_statuses.iter().filter(|b| *b & bit != 0).count(),
                        in_pool: pool.iter().filter(|(_, b)| b & bit != 0).count(),
                    }
                })
                .collect(),
        };
        Ok(CampaignOutcome {
            offers: lists.len(),
            pool: pool.len(),
            proposals,
            campaign,
            independent,
            score_loss,
            bound: solution.bound,
            gap: solution.gap,
            method: solution.method,
            greedy_totals: solution.totals,
            iterations: solution.iterations,
            exposure,
            targets,
        })
    }
}

/// Joins scoped threads in their order. A thread that panicked is an error, never a missing
/// part of the answer (every handle is joined first, so that the scope itself does not panic).
pub(crate) fn join_all<T>(
    handles: Vec<std::thread::ScopedJoinHandle<'_, T>>,
) -> Result<Vec<T>, EngineError> {
    let mut parts = Vec::with_capacity(handles.len());
    let mut panicked = None;
    for handle in handles {
        match handle.join() {
            Ok(part) => parts.push(part),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|m| (*m).to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".to_string());
                panicked.get_or_insert(message);
            }
        }
    }
    match panicked {
        Some(message) => Err(EngineError::ThreadPanicked(message)),
        None => Ok(parts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_that_panics_is_an_error_not_a_smaller_answer() {
        let joined = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    scope.spawn(move || {
                        if i == 2 {
                            panic!("worker {i} gave up");
                        }
                        vec![i]
                    })
                })
                .collect();
            join_all(handles)
        });
        assert_eq!(
            joined,
            Err(EngineError::ThreadPanicked("worker 2 gave up".to_string()))
        );
        assert_eq!(
            joined.unwrap_err().to_string(),
            "a campaign thread panicked: worker 2 gave up"
        );
        let whole = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4).map(|i| scope.spawn(move || vec![i])).collect();
            join_all(handles)
        });
        assert_eq!(whole, Ok(vec![vec![0], vec![1], vec![2], vec![3]]));
    }
}

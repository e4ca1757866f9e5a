//! The simulated region's year of training plans (`simulate::training_plans`), written from
//! what the store holds: each plan's referral first (proposed, accepted by the person, hired
//! when the plan ended in a hire), at its time, then the plan whole.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use model::training_plans::PlanState;
use simulate::Region;
use store::{ReferralState, Store};

use super::simulate::Gathered;
use crate::commands::progress;

/// What the year of plans wrote: the plans, the offer of each hire, those abandoned, and the
/// (person, offer) of every referral written (for the year of sourcing, which proposes
/// nobody twice).
pub struct PlanTotals {
    pub plans: usize,
    pub hired: Vec<i64>,
    pub abandoned: usize,
    pub referrals: Vec<(i64, i64)>,
}

pub async fn simulate_plans(
    store: &dyn Store,
    region: &Region,
    now: DateTime<Utc>,
    inputs: &Gathered,
) -> anyhow::Result<PlanTotals> {
    let sessions: Vec<(i64, model::trainings::TrainingSessionRecord)> = store
        .training_sessions()
        .await?
        .into_iter()
        .map(|s| (s.id, s.record))
        .collect();
    let planned = simulate::training_plans::plan(&simulate::training_plans::Inputs {
        organisers: &inputs.organisers,
        offers: &inputs.offers,
        candidates: &inputs.candidates,
        sessions: &sessions,
        region: region.config().region(),
        now,
        job_seekers: region.job_seeker_count(),
        seed: region.config().seed(),
    });
    let bar = progress(planned.len() as u64, "training plans");
    let mut totals = PlanTotals {
        plans: 0,
        hired: Vec::new(),
        abandoned: 0,
        referrals: Vec::new(),
    };
    for chunk in planned.chunks(100) {
        let mut plans = Vec::with_capacity(chunk.len());
        for planned in chunk {
            let referral = &planned.referral;
            let created = store
                .create_referral(
                    referral.job_seeker_id,
                    referral.offer_id,
                    None,
                    None,
                    referral.proposed_at,
                )
                .await;
            // The person was already proposed for the offer (by the year of actions): the
            // plan is left out rather than grown from someone else's referral.
            let Ok(created) = created else { continue };
            totals
                .referrals
                .push((referral.job_seeker_id, referral.offer_id));
            let moved = |moves: (ReferralState, ReferralState), hire_starts_on, at| async move {
                store
                    .move_referral_plainly(created.id, moves, hire_starts_on, at)
                    .await
                    .with_context(|| {
                        format!(
                            "moving the simulated referral {} to {}",
                            created.id, moves.1
                        )
                    })
            };
            moved(
                (ReferralState::Proposed, ReferralState::Accepted),
                None,
                referral.accepted_at,
            )
            .await?;
            if let (Some(hired_at), Some(hire)) = (referral.hired_at, planned.plan.hire.as_ref()) {
                moved(
                    (ReferralState::Accepted, ReferralState::Interview),
                    None,
                    referral.accepted_at,
                )
                .await?;
                moved(
                    (ReferralState::Interview, ReferralState::Hired),
                    Some(hire.starts_on),
                    hired_at,
                )
                .await?;
            }
            let mut plan = planned.plan.clone();
            plan.plan.referral_id = created.id;
            if plan.state == PlanState::Hired {
                totals.hired.push(referral.offer_id);
            }
            totals.abandoned += usize::from(plan.state == PlanState::Abandoned);
            plans.push(plan);
        }
        totals.plans += store.record_past_training_plans(&plans).await?.len();
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(totals)
}

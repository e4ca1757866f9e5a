//! Campaigns: capacities hold, every proposal is a real candidate, and the comparison with
//! independent lists is computed from the lists themselves.

use std::collections::HashMap;

use engine::CampaignRequest;

use crate::support::simulated;

#[test]
fn a_campaign_respects_capacities_and_spreads_proposals() {
    let r = simulated(0.004, 3, false);
    let offers = r.engine.open_offers(Some("93"));
    assert!(offers.len() > 20, "{} offers", offers.len());
    let mut request = CampaignRequest::new(offers.clone(), r.today);
    request.capacity = 1;
    request.threads = 2;
    let one = r.seekers[0].id;
    request.already.insert(one, 1);
    let outcome = r.engine.campaign(&request).unwrap();

    let mut per_person: HashMap<i64, u16> = HashMap::new();
    let mut per_offer: HashMap<i64, usize> = HashMap::new();
    for p in &outcome.proposals {
        *per_person.entry(p.job_seeker_id).or_default() += 1;
        *per_offer.entry(p.offer_id).or_default() += 1;
        // A real candidate, with its real score.
        let all = r
            .engine
            .shortlist_exhaustive(p.offer_id, usize::MAX, r.today)
            .unwrap();
        let entry = all
            .iter()
            .find(|e| e.job_seeker_id == p.job_seeker_id)
            .unwrap();
        assert_eq!(entry.score, p.score);
    }
    assert!(per_person.values().all(|c| *c <= 1));
    assert!(
        !per_person.contains_key(&one),
        "someone already at capacity"
    );
    for (offer, count) in &per_offer {
        let positions = usize::from(r.engine.offer_positions(*offer).unwrap());
        assert!(*count <= positions * 3);
    }
    assert_eq!(outcome.campaign.max_per_person, 1);
    assert!(outcome.independent.max_per_person > 1);
    // Capacity spreads proposals: less congestion, more people reached, a lower total.
    assert!(outcome.campaign.congestion < outcome.independent.congestion);
    assert!(outcome.campaign.coverage > outcome.independent.coverage);
    assert!(outcome.campaign.gini < outcome.independent.gini);
    assert!(outcome.score_loss >= 0.0 && outcome.score_loss < 1.0);
    assert!(outcome.pool > 0 && outcome.campaign.coverage <= 1.0);
    assert_eq!(outcome.exposure.shortlisted, outcome.proposals.len());

    // Same input, same output.
    assert_eq!(r.engine.campaign(&request).unwrap(), outcome);
    // Unmeasured (an action's invitations): the same proposals, without the pass over the
    // pool.
    request.measure = false;
    let lean = r.engine.campaign(&request).unwrap();
    assert_eq!(lean.proposals, outcome.proposals);
    assert_eq!((lean.pool, lean.exposure.pool), (0, 0));
}

#[test]
fn without_pressure_a_campaign_is_the_independent_lists() {
    let r = simulated(0.004, 3, false);
    let offers: Vec<i64> = r
        .engine
        .open_offers(Some("75"))
        .into_iter()
        .take(3)
        .collect();
    let mut request = CampaignRequest::new(offers, r.today);
    request.capacity = 100;
    let outcome = r.engine.campaign(&request).unwrap();
    assert_eq!(
        outcome.campaign.total_score,
        outcome.independent.total_score
    );
    assert_eq!(outcome.score_loss, 0.0);
}

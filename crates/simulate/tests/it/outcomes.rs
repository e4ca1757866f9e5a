//! The simulated outcomes against France Travail's published figures, and their causes.

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use model::{CloseReason, OfferRecord, OfferStatus};
use simulate::outcomes::{
    ABANDONED, CONSTRUCTION_ABANDONED, EXPIRY_DAYS, FILLED, MEDIAN_DAYS_TO_FILL,
};

use super::{as_of, near, region};

/// The offers whose outcome is known on the reference day: published more than the expiry
/// delay before it, so that none can still be open.
fn settled() -> Vec<OfferRecord> {
    let region = region(0.06, 11);
    let as_of = Utc.from_utc_datetime(&as_of().and_time(NaiveTime::MIN));
    let cutoff = as_of - Duration::days(EXPIRY_DAYS as i64 + 1);
    (0..region.offer_count())
        .filter_map(|i| region.offer(i))
        .filter(|o| o.published_at < cutoff)
        .collect()
}

fn days(o: &OfferRecord) -> f64 {
    o.closed_at
        .map(|c| (c - o.published_at).num_minutes() as f64 / 1440.0)
        .unwrap_or(f64::NAN)
}

fn abandoned(o: &OfferRecord) -> bool {
    o.close_reason == Some(CloseReason::LackOfCandidates)
}

fn share(offers: &[&OfferRecord], test: impl Fn(&OfferRecord) -> bool) -> f64 {
    offers.iter().filter(|o| test(o)).count() as f64 / offers.len().max(1) as f64
}

#[test]
fn outcomes_match_the_published_figures() {
    let offers = settled();
    let all: Vec<&OfferRecord> = offers.iter().collect();
    assert!(all.len() > 15_000, "{} settled offers", all.len());
    assert!(all.iter().all(|o| o.status != OfferStatus::Open));
    let filled = share(&all, |o| o.status == OfferStatus::Filled);
    let gave_up = share(&all, abandoned);
    let mut fill_days: Vec<f64> = all
        .iter()
        .filter(|o| o.status == OfferStatus::Filled)
        .map(|o| days(o))
        .collect();
    fill_days.sort_by(f64::total_cmp);
    let median = fill_days[fill_days.len() / 2];
    let construction: Vec<&OfferRecord> = all
        .iter()
        .copied()
        .filter(|o| o.rome.as_str().starts_with('F'))
        .collect();
    let construction_gave_up = share(&construction, abandoned);
    println!(
        "filled {filled:.3}, abandoned {gave_up:.3}, median {median:.1} days, construction \
         abandoned {construction_gave_up:.3} of {}, expired {:.3}, withdrawn {:.3}",
        construction.len(),
        share(&all, |o| o.status == OfferStatus::Expired),
        share(&all, |o| o.close_reason == Some(CloseReason::NeedWithdrawn)),
    );
    near(filled, FILLED, 0.03, "filled");
    near(
        gave_up,
        ABANDONED,
        0.012,
        "abandoned for lack of candidates",
    );
    near(median, MEDIAN_DAYS_TO_FILL, 4.0, "median days to fill");
    near(
        construction_gave_up,
        CONSTRUCTION_ABANDONED,
        0.03,
        "abandoned in construction",
    );
}

#[test]
fn outcomes_follow_their_causes() {
    let offers = settled();
    let median_of = |test: &dyn Fn(&OfferRecord) -> bool| {
        let mut d: Vec<f64> = offers
            .iter()
            .filter(|o| o.status == OfferStatus::Filled && test(o))
            .map(days)
            .collect();
        d.sort_by(f64::total_cmp);
        d[d.len() / 2]
    };
    // A wage above the occupation's median fills sooner than one below it.
    let ratio = |o: &OfferRecord| {
        o.wage.map(|w| {
            w.min * 35.0
                / o.weekly_hours.unwrap_or(35.0)
                / simulate::outcomes::median_wage(o.rome.as_str())
        })
    };
    let well_paid = median_of(&|o| ratio(o).is_some_and(|r| r > 1.08));
    let poorly_paid = median_of(&|o| ratio(o).is_some_and(|r| r < 0.95));
    assert!(
        well_paid < poorly_paid * 0.85,
        "well paid {well_paid:.1} days, poorly paid {poorly_paid:.1}"
    );
    // Experience required slows hiring; short missions are filled fastest.
    let required = median_of(&|o| o.experience_required == model::ExperienceRequired::Required);
    let beginners = median_of(&|o| o.experience_required == model::ExperienceRequired::Beginner);
    assert!(required > beginners, "{required:.1} against {beginners:.1}");
    // The declared flag leans on difficulty without being it: flagged offers are abandoned
    // more often, and not all abandoned offers were flagged.
    let all: Vec<&OfferRecord> = offers.iter().collect();
    let flagged: Vec<&OfferRecord> = all.iter().copied().filter(|o| o.hard_to_fill).collect();
    let unflagged: Vec<&OfferRecord> = all.iter().copied().filter(|o| !o.hard_to_fill).collect();
    assert!(share(&flagged, abandoned) > 1.5 * share(&unflagged, abandoned));
    assert!(share(&unflagged, abandoned) > 0.0);
}

#[test]
fn wage_labels_read_back_as_the_wage_stored() {
    let region = region(0.01, 3);
    let mut unreadable = 0;
    let count = region.offer_count();
    for i in 0..count {
        let offer = region.offer(i).unwrap();
        let label = offer.salary_label.as_deref().unwrap();
        match (
            offer.wage,
            exchange::wage::monthly_gross(label, offer.weekly_hours),
        ) {
            (Some(stored), Ok(read)) => {
                assert!(
                    (stored.min - read.min).abs() < 0.01,
                    "{label}: {stored:?} {read:?}"
                );
                assert!(
                    (stored.max - read.max).abs() < 0.01,
                    "{label}: {stored:?} {read:?}"
                );
                assert!(stored.min * 35.0 / offer.weekly_hours.unwrap() >= 1_801.0);
            }
            (None, Err(_)) => unreadable += 1,
            (stored, read) => panic!("{label}: stored {stored:?}, read {read:?}"),
        }
    }
    near(
        unreadable as f64 / count as f64,
        0.05,
        0.02,
        "unreadable labels",
    );
}

//! The steering measures: events counted by department and month with one aggregate query,
//! the same on both backends; nothing outside the span asked.

use chrono::{DateTime, Duration, TimeZone, Utc};
use model::indicators::{Cut, Measure, MeasureRow};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::ft_and_agency;

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 10, 0, 0).unwrap()
}

fn row(department: &str, month: &str, days: i64, count: u64) -> MeasureRow {
    MeasureRow {
        key: department.to_string(),
        month: month.to_string(),
        days,
        count,
    }
}

/// 25 offers in Seine-Saint-Denis published on 5 January 2026 (21 filled ten days later, 2
/// sixty days later, 1 withdrawn for lack of candidates, 1 open), 3 in Paris published on 10
/// February; one person proposed to 22 of the first on 20 January, 20 of whom accepted on 1
/// February, were interviewed on 3 February and hired on 15 February (26 days after).
pub async fn steering_measures_count_events_by_department_and_month(db: &TestDb) {
    let store = db.store();
    ft_and_agency(store).await;
    let published = utc(2026, 1, 5);
    let mut offers = Vec::new();
    for n in 0..25u32 {
        let mut o = offer(n, &siret(3));
        o.published_at = published;
        o.source_updated_at = None;
        match n {
            0..=20 => {
                o.status = OfferStatus::Filled;
                o.closed_at = Some(published + Duration::days(10));
            }
            21 | 22 => {
                o.status = OfferStatus::Filled;
                o.closed_at = Some(published + Duration::days(60));
            }
            23 => {
                o.status = OfferStatus::Cancelled;
                o.closed_at = Some(published + Duration::days(40));
                o.close_reason = Some(CloseReason::LackOfCandidates);
            }
            _ => {}
        }
        offers.push(o);
    }
    for n in 100..103u32 {
        let mut o = offer(n, &siret(3));
        o.published_at = utc(2026, 2, 10);
        o.source_updated_at = None;
        o.commune = domain::InseeCode::parse("75111").unwrap();
        o.postcode = None;
        o.workplace_label = None;
        offers.push(o);
    }
    let report = store.upsert_offers(&offers, published).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    // Person 6: recognised as a disabled worker (RQTH) and long-term unemployed.
    let person = job_seeker(6, &siret(1));
    assert!(!person.priorities.is_empty());
    store
        .upsert_job_seekers(std::slice::from_ref(&person), published)
        .await
        .unwrap();
    let seeker = store.load_job_seekers().await.unwrap().remove(0);
    let mut stored = store.load_offers().await.unwrap();
    stored.sort_by_key(|o| o.id);
    let proposed = utc(2026, 1, 20);
    for (i, o) in stored
        .iter()
        .filter(|o| o.record.commune.as_str() == "93066")
        .take(22)
        .enumerate()
    {
        let referral = store
            .create_referral(seeker.id, o.id, None, None, proposed)
            .await
            .unwrap();
        if i >= 20 {
            continue;
        }
        let moves = [
            (
                ReferralState::Proposed,
                ReferralState::Accepted,
                utc(2026, 2, 1),
            ),
            (
                ReferralState::Accepted,
                ReferralState::Interview,
                utc(2026, 2, 3),
            ),
            (
                ReferralState::Interview,
                ReferralState::Hired,
                utc(2026, 2, 15),
            ),
        ];
        for (from, to, at) in moves {
            let starts = (to == ReferralState::Hired).then(|| date(2026, 3, 1));
            store
                .move_referral_plainly(referral.id, (from, to), starts, at)
                .await
                .unwrap();
        }
    }
    let (since, until) = (utc(2026, 1, 1), utc(2026, 4, 1));
    let measure = |m: Measure| async move { store.measure(m, since, until).await.unwrap() };
    // By department and month.
    let by_department = [
        (
            Measure::OffersPublished,
            vec![row("75", "2026-02", 0, 3), row("93", "2026-01", 0, 25)],
        ),
        (
            Measure::OffersFilledWithin30,
            vec![row("93", "2026-01", 0, 21)],
        ),
        (
            Measure::OffersFilledWithin90,
            vec![row("93", "2026-01", 0, 23)],
        ),
        (Measure::OffersAbandoned, vec![row("93", "2026-01", 0, 1)]),
        (
            Measure::ReferralsProposed,
            vec![row("93", "2026-01", 0, 22)],
        ),
        (
            Measure::PriorityReferralsProposed,
            vec![row("93", "2026-01", 0, 22)],
        ),
        (
            Measure::ReferralsAccepted,
            vec![row("93", "2026-02", 0, 20)],
        ),
        (
            Measure::ReferralsInterviewed,
            vec![row("93", "2026-02", 0, 20)],
        ),
        (Measure::ReferralsHired, vec![row("93", "2026-02", 0, 20)]),
        (
            Measure::PriorityReferralsHired,
            vec![row("93", "2026-02", 0, 20)],
        ),
        (Measure::DaysToHire, vec![row("93", "2026-02", 26, 20)]),
    ];
    for (m, expected) in by_department {
        assert_eq!(measure(m).await, expected, "{m:?}");
    }
    // Nothing else happened: no meeting, action, duo or plan.
    for m in [
        Measure::MeetingsHeld,
        Measure::MeetingAttendees,
        Measure::ActionsHeld,
        Measure::ActionHires,
        Measure::DuosStarted,
        Measure::DuosEndedInJob,
        Measure::PlansProposed,
        Measure::PlansEntered,
        Measure::PlansCompleted,
        Measure::PlansHired,
    ] {
        assert_eq!(measure(m).await, [], "{m:?}");
    }
    // Cut another way: by the offer's occupation family (N, transport), its commune, the
    // person's priority public (RQTH first); a measure with no such cut is refused.
    let cut = |m: Measure, cut: Cut| async move {
        store
            .measures(&[m], cut, since, until)
            .await
            .unwrap()
            .remove(0)
            .1
    };
    let cuts = [
        (
            Measure::OffersPublished,
            Cut::OccupationFamily,
            vec![row("N", "2026-01", 0, 25), row("N", "2026-02", 0, 3)],
        ),
        (
            Measure::OffersFilledWithin30,
            Cut::Occupation,
            vec![row("N1101", "2026-01", 0, 21)],
        ),
        (
            Measure::OffersPublished,
            Cut::Commune,
            vec![
                row("75111", "2026-02", 0, 3),
                row("93066", "2026-01", 0, 25),
            ],
        ),
        (
            Measure::ReferralsHired,
            Cut::PriorityPublic,
            vec![row("rqth", "2026-02", 0, 20)],
        ),
        (
            Measure::DaysToHire,
            Cut::PriorityPublic,
            vec![row("rqth", "2026-02", 26, 20)],
        ),
        (
            Measure::PriorityReferralsHired,
            Cut::Commune,
            vec![row("93066", "2026-02", 0, 20)],
        ),
    ];
    for (m, by, expected) in cuts {
        assert_eq!(cut(m, by).await, expected, "{m:?} by {by:?}");
    }
    let refused = store
        .measures(
            &[Measure::MeetingsHeld],
            Cut::OccupationFamily,
            since,
            until,
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("cut"), "{refused}");
    // Asked together (the measures of one table counted in one query), each is the same.
    let together = store
        .measures(&Measure::ALL, Cut::Department, since, until)
        .await
        .unwrap();
    assert_eq!(together.len(), Measure::ALL.len());
    for (m, rows) in together {
        assert_eq!(rows, measure(m).await, "{m:?}");
    }
    // The span is half-open and read by the event's own date.
    let february = store
        .measure(Measure::ReferralsProposed, utc(2026, 2, 1), until)
        .await
        .unwrap();
    assert_eq!(february, []);
    let january = store
        .measure(Measure::ReferralsHired, since, utc(2026, 2, 15))
        .await
        .unwrap();
    assert_eq!(january, []);
    // After a bulk load, the planner's statistics refreshed: on PostgreSQL, ANALYZE counted
    // the 28 offers (the estimate of a table never analysed is -1, or 0).
    store.refresh_statistics().await.unwrap();
    if store.backend() == Backend::Postgres {
        let analysed = db
            .execute_raw(
                "UPDATE offers SET id = id \
                 WHERE (SELECT reltuples FROM pg_class WHERE relname = 'offers') > 0",
            )
            .await
            .unwrap();
        assert_eq!(analysed, 28);
    }
}

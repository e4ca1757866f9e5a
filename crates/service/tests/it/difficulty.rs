//! An open offer's predicted difficulty through the API: none before a model is trained, then
//! the model in force (the one saved last), read by whoever may read the offer.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use service::difficulty::{self, Context};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::support::*;

/// The first external number of the history's offers (`OFF-1000`...): clear of the world's.
const HISTORY_FIRST: u32 = 1000;
/// How many offers the history holds: past the 200 the training needs.
const HISTORY_LEN: u32 = 240;

/// A year of offers of `owner` before the tests' clock, where asking for experience slows the
/// filling three times. Offer `HISTORY_FIRST + i`:
/// - published `360 - 3i/2` days before `t0` (from 360 days to 1.5 day before);
/// - every eighth (i = 1, 9, ..., experience required) cancelled for lack of candidates after
///   70 days, every eighth but one (i = 0, 8, ..., beginners) withdrawn after 12 days;
/// - the rest filled after `4 + i % 13` days, three times that when experience is required
///   (every other offer, i odd);
/// - still open when that day is not yet come on `t0`;
/// - N1101 and N1103 in turn (i % 4 < 2), wages from 1,800 to 2,150 a month.
fn history(owner: u32) -> Vec<OfferRecord> {
    (0..HISTORY_LEN)
        .map(|i| {
            let mut record = offer(HISTORY_FIRST + i, &siret(owner));
            record.published_at = t0() - Duration::hours(24 * 360 - 36 * i64::from(i));
            record.starts_on = None;
            record.rome =
                domain::RomeCode::parse(if i % 4 < 2 { "N1101" } else { "N1103" }).unwrap();
            let wage = 1_800.0 + 50.0 * f64::from(i % 8);
            record.wage = Some(MonthlyWage::new(wage, wage).unwrap());
            let experienced = i % 2 == 1;
            record.experience_required = if experienced {
                ExperienceRequired::Required
            } else {
                ExperienceRequired::Beginner
            };
            let fill_days = i64::from(4 + i % 13) * if experienced { 3 } else { 1 };
            let (status, reason, days) = match i {
                _ if i % 8 == 1 => (
                    OfferStatus::Cancelled,
                    Some(CloseReason::LackOfCandidates),
                    Some(70),
                ),
                _ if i % 8 == 0 => (
                    OfferStatus::Cancelled,
                    Some(CloseReason::NeedWithdrawn),
                    Some(12),
                ),
                _ => (OfferStatus::Filled, None, Some(fill_days)),
            };
            let closed_at = days
                .map(|d| record.published_at + Duration::days(d))
                .filter(|day| *day <= t0());
            record.status = if closed_at.is_some() {
                status
            } else {
                OfferStatus::Open
            };
            record.close_reason = closed_at.and(reason);
            record.closed_at = closed_at;
            record.source_updated_at = Some(record.closed_at.unwrap_or(record.published_at));
            record
        })
        .collect()
}

/// Stores [`history`] for `owner`.
pub async fn store_history(store: &dyn Store, owner: u32) {
    let report = store.upsert_offers(&history(owner), t0()).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// Trains the model on the year of history the store holds before `on`, as the CLI does, and
/// saves it as trained at `trained_at`: its version.
pub async fn train_and_save(
    store: &dyn Store,
    on: DateTime<Utc>,
    trained_at: DateTime<Utc>,
) -> i64 {
    let (from, to) = difficulty::span(on);
    let histories = store.offer_histories(from, to).await.unwrap();
    let seekers = store
        .seeker_groups(&LocalQuery {
            from: from.date_naive(),
            to: to.date_naive(),
            rome: None,
        })
        .await
        .unwrap();
    let context = Context::new(&histories, &seekers);
    let trained = difficulty::train(&histories, context, on).unwrap();
    store
        .save_difficulty_model(&NewDifficultyModel {
            trained_at,
            span_from: from,
            span_to: to,
            observations: histories.len() as u64,
            model: serde_json::to_value(&trained).unwrap(),
            metrics: json!({}),
        })
        .await
        .unwrap()
}

fn trained_at_of(body: &Value) -> DateTime<Utc> {
    body["trained_at"].as_str().unwrap().parse().unwrap()
}

pub async fn an_open_offers_difficulty_comes_from_the_model_in_force(db: TestDb) {
    let (server, world) = Server::start(db).await;
    let store = server.state.store.as_ref();
    store_history(store, AGENCY_X).await;
    let recruiter = server.login("recruiter@x.fr").await;
    let stranger = server.login("recruiter@y.fr").await;
    let path = |id: i64| format!("/api/v1/offers/{id}/difficulty");

    // No model yet: the owner is told how to train one; the access check comes first.
    let (status, body) = recruiter.get(&path(world.offer_x)).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        message_of(&body).contains("passerelle difficulty train"),
        "{body}"
    );
    let (status, body) = stranger.get(&path(world.offer_x)).await;
    assert_eq!(status, 403, "{body}");

    let first = train_and_save(store, server.now(), t0()).await;
    let (status, body) = recruiter.get(&path(world.offer_x)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["model_version"], first, "{body}");
    assert_eq!(trained_at_of(&body), t0());
    assert_eq!(body["offer_id"], world.offer_x);
    // Published on 1 March at 9:30, read on 10 March at 9:00: 8 days and 23.5 hours.
    let age = body["age_days"].as_f64().unwrap();
    assert!((age - (8.0 + 23.5 / 24.0)).abs() < 1e-6, "{body}");
    let horizons = body["not_filled_by"].as_array().unwrap();
    let days: Vec<u64> = horizons
        .iter()
        .map(|h| h["days"].as_u64().unwrap())
        .collect();
    assert_eq!(days, [30, 47, 90]);
    let probabilities: Vec<f64> = horizons
        .iter()
        .map(|h| h["probability"].as_f64().unwrap())
        .collect();
    assert!(
        probabilities.iter().all(|p| (0.0..=1.0).contains(p)),
        "{body}"
    );
    assert!(
        probabilities.windows(2).all(|w| w[0] >= w[1]),
        "not filled by a later day is no likelier: {body}"
    );
    // Nine days old, none of the horizons is past: none is certain.
    assert!(probabilities[0] < 1.0, "{body}");
    assert!(body["at_risk"].is_boolean(), "{body}");
    let expected_fill_day = &body["expected_fill_day"];
    assert!(
        expected_fill_day.is_null() || expected_fill_day.as_f64().unwrap() >= age,
        "{body}"
    );
    let mut features = strings_of(&body["factors"], "feature");
    features.sort_unstable();
    assert_eq!(
        features,
        [
            "candidates",
            "car_licence",
            "construction",
            "declared_hard",
            "experience_required",
            "experience_wished",
            "heavy_licence",
            "labour_shortage",
            "official_class",
            "part_time",
            "permanent",
            "several_positions",
            "short_mission",
            "wage_gap",
            "wage_unknown",
            "working_conditions",
        ]
    );
    // The offer asks for experience, which the history makes three times slower to fill: the
    // factor that slows it most, and the first reason, in French.
    let experience = &body["factors"][0];
    assert_eq!(experience["feature"], "experience_required", "{body}");
    assert_eq!(experience["value"], 1.0, "{body}");
    assert_eq!(experience["label"], "Expérience exigée");
    assert!(experience["contribution"].as_f64().unwrap() < 0.0, "{body}");
    let reasons = body["reasons"].as_array().unwrap();
    assert_eq!(reasons[0], "expérience exigée", "{body}");
    assert!(reasons.len() <= 3, "{body}");

    // Whoever may not read the offer may not read its difficulty; an unknown offer is not found.
    let (status, body) = stranger.get(&path(world.offer_x)).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = recruiter.get(&path(world.offer_y)).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = recruiter.get(&path(world.offer_y + 100_000)).await;
    assert_eq!(status, 404, "{body}");
    // A closed offer has an outcome, not a prediction (OFF-1002: filled).
    let filled = server.offer_id(AGENCY_X, "OFF-1002").await;
    let (status, body) = recruiter.get(&path(filled)).await;
    assert_eq!(status, 409, "{body}");
    assert!(message_of(&body).contains("filled"), "{body}");

    // A model trained later is the one served from then on, without a restart.
    let second = train_and_save(store, server.now(), t0() + Duration::hours(1)).await;
    assert!(second > first);
    let (status, body) = recruiter.get(&path(world.offer_x)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["model_version"], second, "{body}");
    assert_eq!(trained_at_of(&body), t0() + Duration::hours(1));
    server.stop().await;
}

//! The behaviour every backend must have. Each function runs once per backend.

use domain::*;
use store::portfolio::{PortfolioQuery, PortfolioSort};
use store::*;

use testdb::TestDb;
use testdb::fixtures::*;

// The gatherings' contract lives in its own file; the suite's macro calls it from here.
pub use crate::changes::*;
pub use crate::directory_edits::*;
pub use crate::duos::*;
pub use crate::evaluations::*;
pub use crate::gatherings::*;
pub use crate::past_sourcing::*;
pub use crate::plans::*;
pub use crate::retention::*;
pub use crate::staff::*;
pub use crate::steering::*;
pub use crate::trainings::*;

pub async fn migrating_twice_changes_nothing(db: &TestDb) {
    let store = db.store();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.counts().await.unwrap(), Counts::default());
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
}

pub async fn structures_are_upserted_on_their_siret(db: &TestDb) {
    let store = db.store();
    let records: Vec<_> = (1..=3)
        .map(|n| structure(n, StructureKind::AgenceEmploi))
        .collect();
    let report = store.upsert_structures(&records, at(1)).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (3, 0, 0)
    );

    let again = store.upsert_structures(&records, at(2)).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));

    let mut changed = records.clone();
    changed[1].name = "Agence renommée".to_string();
    changed[1].coordinates = None;
    let report = store.upsert_structures(&changed, at(3)).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 1, 2)
    );

    let stored = store.structures().await.unwrap();
    assert_eq!(stored.len(), 3);
    let renamed = store.structure_by_siret(&siret(2)).await.unwrap().unwrap();
    assert_eq!(renamed.record, changed[1]);
    assert_eq!(renamed.created_at, at(1));
    assert_eq!(renamed.updated_at, at(3));
    assert!(
        store
            .structure_by_siret(&siret(99))
            .await
            .unwrap()
            .is_none()
    );

    // The same SIRET twice in one batch: the first is written, the second rejected.
    let twice = vec![
        structure(7, StructureKind::Fastt),
        structure(7, StructureKind::Akto),
    ];
    let report = store.upsert_structures(&twice, at(4)).await.unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, 1);
    assert!(report.rejected[0].1.contains("same key as record 1"));
    let kept = store.structure_by_siret(&siret(7)).await.unwrap().unwrap();
    assert_eq!(kept.record.kind, StructureKind::Fastt);
}

pub async fn users_memberships_and_tokens(db: &TestDb) {
    let store = db.store();
    add_structures(store, [(1, StructureKind::FranceTravail)]).await;
    let agency = store.structure_by_siret(&siret(1)).await.unwrap().unwrap();
    let user = store
        .create_user(
            &NewUser {
                email: Email::parse("Conseiller.Un@FranceTravail.fr").unwrap(),
                display_name: "Conseiller Un".to_string(),
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string()),
            },
            at(1),
        )
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Active);

    // E-mail addresses are unique whatever their case.
    let duplicate = store
        .create_user(
            &NewUser {
                email: Email::parse("conseiller.un@francetravail.fr").unwrap(),
                display_name: "Doublon".to_string(),
                password_hash: None,
            },
            at(1),
        )
        .await;
    // A duplicate is a typed error naming the field, in the same words on every backend: the
    // driver's own text stays in its source, for the log.
    match duplicate {
        Err(err @ StoreError::Duplicate { field: "email", .. }) => assert_eq!(
            err.to_string(),
            "email: an account already has this e-mail address"
        ),
        other => panic!("expected a duplicate e-mail, got {other:?}"),
    }
    let found = store
        .user_by_email(&Email::parse("CONSEILLER.UN@francetravail.fr").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, user.id);

    store
        .set_membership(user.id, agency.id, Role::Advisor, at(1))
        .await
        .unwrap();
    store
        .set_membership(user.id, agency.id, Role::AgencyManager, at(2))
        .await
        .unwrap();
    let memberships = store.memberships(user.id).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].role, Role::AgencyManager);
    // A foreign key refused: the same words on every backend (SQLite does not say which key).
    match store
        .set_membership(user.id, 999_999, Role::Advisor, at(2))
        .await
    {
        Err(err @ StoreError::Refused { .. }) => {
            assert_eq!(err.to_string(), "refers to a record that does not exist")
        }
        other => panic!("expected a refused foreign key, got {other:?}"),
    }

    let hash = TokenHash::of_token("pst_secret_token_value");
    store
        .create_api_token(user.id, "ATS", &hash, Some(at(10)), at(1))
        .await
        .unwrap();
    let (who, token) = store.user_by_token(&hash, at(5)).await.unwrap().unwrap();
    assert_eq!(who.id, user.id);
    assert_eq!(token.name, "ATS");
    assert!(
        store.user_by_token(&hash, at(11)).await.unwrap().is_none(),
        "expired"
    );
    let unknown = TokenHash::of_token("another");
    assert!(
        store
            .user_by_token(&unknown, at(5))
            .await
            .unwrap()
            .is_none()
    );
    // Listed and revoked: a revoked token authenticates no more, at once.
    let second = TokenHash::of_token("pst_second_token_value");
    let kept = store
        .create_api_token(user.id, "CRM", &second, None, at(2))
        .await
        .unwrap();
    let names: Vec<String> = store
        .api_tokens(user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["ATS", "CRM"]);
    assert!(
        !store
            .revoke_api_token(kept.id, Some(user.id + 1), at(3))
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(store.user_by_token(&second, at(3)).await.unwrap().is_some());
    assert!(
        store
            .revoke_api_token(kept.id, Some(user.id), at(3))
            .await
            .unwrap()
    );
    assert!(
        !store.revoke_api_token(kept.id, None, at(4)).await.unwrap(),
        "already revoked"
    );
    assert!(store.user_by_token(&second, at(3)).await.unwrap().is_none());
    let listed = store.api_tokens(user.id).await.unwrap();
    assert_eq!(listed[1].revoked_at, Some(at(3)));
    assert_eq!(listed[0].revoked_at, None);
}

/// Stores the structures `(n, kind)` of [`structure`] at `at(1)` and answers their ids, in
/// the same order.
pub(crate) async fn add_structures<const N: usize>(
    store: &dyn Store,
    structures: [(u32, StructureKind); N],
) -> [i64; N] {
    let records: Vec<_> = structures
        .iter()
        .map(|&(n, kind)| structure(n, kind))
        .collect();
    store.upsert_structures(&records, at(1)).await.unwrap();
    let mut ids = [0; N];
    for (id, (n, _)) in ids.iter_mut().zip(structures) {
        *id = store
            .structure_by_siret(&siret(n))
            .await
            .unwrap()
            .unwrap()
            .id;
    }
    ids
}

/// France Travail's agency (fixture 1) and an agency (fixture 3), stored by
/// [`add_structures`]: their ids.
pub(crate) async fn ft_and_agency(store: &dyn Store) -> [i64; 2] {
    add_structures(
        store,
        [
            (1, StructureKind::FranceTravail),
            (3, StructureKind::AgenceEmploi),
        ],
    )
    .await
}

/// France Travail's agency (fixture 1) and two agencies (fixtures 3 and 4), stored by
/// [`add_structures`]: their ids.
pub(crate) async fn ft_and_two_agencies(store: &dyn Store) -> [i64; 3] {
    add_structures(
        store,
        [
            (1, StructureKind::FranceTravail),
            (3, StructureKind::AgenceEmploi),
            (4, StructureKind::AgenceEmploi),
        ],
    )
    .await
}

/// A France Travail agency, an agency, and the people of these fixtures of the first.
pub(crate) async fn region_of(store: &dyn Store, numbers: &[u32]) -> (i64, i64, Vec<i64>) {
    let [ft, agency] = ft_and_agency(store).await;
    let records: Vec<_> = numbers.iter().map(|i| job_seeker(*i, &siret(1))).collect();
    store.upsert_job_seekers(&records, at(1)).await.unwrap();
    let mut people = Vec::new();
    for record in &records {
        people.push(
            store
                .job_seeker(&record.external_id)
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    (ft, agency, people)
}

/// Job seeker 1 of France Travail's agency (fixture 1) and offer 1 of the agency (fixture 3),
/// stored at `at(1)` once their structures are: as read back.
pub(crate) async fn one_seeker_and_offer(store: &dyn Store) -> (JobSeeker, Offer) {
    store
        .upsert_job_seekers(&[job_seeker(1, &siret(1))], at(1))
        .await
        .unwrap();
    store
        .upsert_offers(&[offer(1, &siret(3))], at(1))
        .await
        .unwrap();
    let seeker = store.load_job_seekers().await.unwrap().remove(0);
    let offer = store.load_offers().await.unwrap().remove(0);
    (seeker, offer)
}

/// Asserts that the schema refuses `sql`.
pub(crate) async fn assert_refused(db: &TestDb, sql: &str) {
    assert!(
        db.execute_raw(sql).await.is_err(),
        "the schema accepted: {sql}"
    );
}

/// Creates an account with no password at `at(1)`.
pub(crate) async fn add_user(store: &dyn Store, email: &str, display_name: &str) -> User {
    store
        .create_user(
            &NewUser {
                email: Email::parse(email).unwrap(),
                display_name: display_name.to_string(),
                password_hash: None,
            },
            at(1),
        )
        .await
        .unwrap()
}

pub(crate) async fn one_agency(store: &dyn Store) -> Siret {
    add_structures(store, [(1, StructureKind::FranceTravail)]).await;
    siret(1)
}

/// The engine's lean read gives exactly what the full record gives, for every shape of record
/// (no consent, consent by department, statuses, no availability, several targets).
pub async fn sourcing_profiles_are_the_records_without_identity(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    let mut records: Vec<_> = (1..=12).map(|n| job_seeker(n, &agency)).collect();
    records[1].available_from = None;
    records[2].consent = Some(Consent {
        given_at: at(3),
        scope: ConsentScope::DepartmentAgencies,
    });
    records[3].status = JobSeekerStatus::Suspended;
    store.upsert_job_seekers(&records, at(2)).await.unwrap();
    let full = store.load_job_seekers().await.unwrap();
    let mut lean = Vec::new();
    let count = store
        .stream_sourcing_profiles(&mut |p| {
            lean.push(p);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(count, 12);
    let expected: Vec<SourcingProfile> = full.iter().map(SourcingProfile::from).collect();
    assert_eq!(lean, expected);
    assert!(lean.iter().any(|p| p.targets.as_slice().len() > 1));
    assert!(lean.iter().any(|p| !p.priorities.is_empty()));
}

pub async fn job_seekers_round_trip_every_field(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    let advisor = add_user(store, "advisor@francetravail.fr", "Advisor").await;
    let mut records: Vec<_> = (1..=6).map(|n| job_seeker(n, &agency)).collect();
    records[0].advisor_email = Some(advisor.email.clone());
    records[1].email = None;
    records[1].phone = None;
    records[1].birth_date = None;
    records[1].available_from = None;
    let report = store.upsert_job_seekers(&records, at(2)).await.unwrap();
    assert_eq!(
        (report.created, report.rejected.len()),
        (6, 0),
        "{report:?}"
    );

    for record in &records {
        let stored = store
            .job_seeker(&record.external_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&stored.record, record);
        assert!(
            stored.pseudonym.starts_with("DE-") && stored.pseudonym.len() == 19,
            "{}",
            stored.pseudonym
        );
        assert_eq!(stored.created_at, at(2));
    }
    let loaded = store.load_job_seekers().await.unwrap();
    assert_eq!(
        loaded.iter().map(|j| j.record.clone()).collect::<Vec<_>>(),
        records
    );
    let pseudonyms: std::collections::BTreeSet<_> = loaded.iter().map(|j| &j.pseudonym).collect();
    assert_eq!(pseudonyms.len(), 6);
    assert!(
        store
            .job_seeker(&ExternalId::parse("nobody").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn job_seekers_upsert_is_idempotent_and_replaces_targets(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    let records: Vec<_> = (1..=4).map(|n| job_seeker(n, &agency)).collect();
    store.upsert_job_seekers(&records, at(2)).await.unwrap();
    let before = store
        .job_seeker(&records[1].external_id)
        .await
        .unwrap()
        .unwrap();

    let again = store.upsert_job_seekers(&records, at(3)).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
    let unchanged = store
        .job_seeker(&records[1].external_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        unchanged.updated_at,
        at(2),
        "an unchanged record is not rewritten"
    );

    let mut changed = records.clone();
    changed[1].targets = Targets::new(vec![target("N1103", None), target("N1105", None)]).unwrap();
    changed[1].priorities.clear();
    changed[1].consent = None;
    let report = store.upsert_job_seekers(&changed, at(4)).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 1, 3)
    );
    let after = store
        .job_seeker(&records[1].external_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.record, changed[1]);
    assert_eq!(
        after.pseudonym, before.pseudonym,
        "the pseudonym outlives updates"
    );
    assert_eq!(after.updated_at, at(4));
    assert_eq!(store.counts().await.unwrap().job_seekers, 4);
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
}

pub async fn job_seekers_with_unknown_agency_or_advisor_are_rejected_alone(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    let mut records: Vec<_> = (1..=4).map(|n| job_seeker(n, &agency)).collect();
    records[1].agency_siret = siret(77);
    records[2].advisor_email = Some(Email::parse("nobody@francetravail.fr").unwrap());
    records.push(job_seeker(1, &agency));
    let report = store.upsert_job_seekers(&records, at(2)).await.unwrap();
    assert_eq!(report.created, 2);
    let reasons: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|(i, r)| (*i, r.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|(i, r)| *i == 1 && r.starts_with("agency_siret: no structure"))
    );
    assert!(
        reasons
            .iter()
            .any(|(i, r)| *i == 2 && r.starts_with("advisor_email: no user"))
    );
    assert!(
        reasons
            .iter()
            .any(|(i, r)| *i == 4 && r.contains("same key as record 1"))
    );
    assert_eq!(store.counts().await.unwrap().job_seekers, 2);
}

pub async fn offers_round_trip_and_close(db: &TestDb) {
    let store = db.store();
    add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let owner = siret(3);
    let mut records: Vec<_> = (1..=5).map(|n| offer(n, &owner)).collect();
    records[4].coordinates = None;
    records[4].weekly_hours = None;
    records[4].starts_on = None;
    let report = store.upsert_offers(&records, at(2)).await.unwrap();
    assert_eq!(
        (report.created, report.rejected.len()),
        (5, 0),
        "{report:?}"
    );
    for record in &records {
        let stored = store
            .offer(&owner, &record.external_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&stored.record, record);
    }
    let again = store.upsert_offers(&records, at(3)).await.unwrap();
    assert_eq!(again.unchanged, 5);

    let first = store
        .offer(&owner, &records[0].external_id)
        .await
        .unwrap()
        .unwrap();
    let filled = store
        .set_offer_status(first.id, OfferStatus::Filled, None, at(5))
        .await
        .unwrap();
    assert_eq!(filled.record.status, OfferStatus::Filled);
    assert_eq!(filled.record.closed_at, Some(at(5)));
    let reopened = store
        .set_offer_status(first.id, OfferStatus::Open, None, at(6))
        .await
        .unwrap();
    assert_eq!(reopened.record.closed_at, None);
    // Only open offers reach the engine.
    store
        .set_offer_status(first.id, OfferStatus::Cancelled, None, at(7))
        .await
        .unwrap();
    let open: Vec<i64> = store
        .load_open_offers()
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(open.len(), 4);
    assert!(!open.contains(&first.id));
    assert!(open.windows(2).all(|w| w[0] < w[1]));
    assert!(matches!(
        store
            .set_offer_status(424_242, OfferStatus::Filled, None, at(6))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.load_offers().await.unwrap().len(), 5);
}

pub async fn offers_keep_their_wage_and_closing_reason(db: &TestDb) {
    let store = db.store();
    add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let owner = siret(3);
    let mut records: Vec<_> = (1..=5).map(|n| offer(n, &owner)).collect();
    records[0].wage = Some(MonthlyWage {
        min: 1_850.5,
        max: 2_100.0,
    });
    records[1].wage = None;
    records[2].status = OfferStatus::Cancelled;
    records[2].closed_at = Some(at(4));
    records[2].close_reason = Some(CloseReason::LackOfCandidates);
    // Refused: a reason on an offer that is not cancelled, a range that goes down.
    records[3].status = OfferStatus::Filled;
    records[3].closed_at = Some(at(4));
    records[3].close_reason = Some(CloseReason::NeedWithdrawn);
    records[4].wage = Some(MonthlyWage {
        min: 2_000.0,
        max: 1_900.0,
    });
    let report = store.upsert_offers(&records, at(2)).await.unwrap();
    assert_eq!(report.created, 3);
    let reasons: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|(i, r)| (*i, r.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 3);
    assert!(
        reasons[0]
            .1
            .starts_with("close_reason: only a cancelled offer")
    );
    assert_eq!(reasons[1].0, 4);
    assert!(
        reasons[1]
            .1
            .starts_with("wage: the minimum 2000 is above the maximum 1900")
    );
    let stored = |n: usize| {
        let records = &records;
        let owner = &owner;
        async move {
            store
                .offer(owner, &records[n].external_id)
                .await
                .unwrap()
                .unwrap()
        }
    };
    assert_eq!(stored(0).await.record, records[0]);
    assert_eq!(stored(1).await.record.wage, None);
    let cancelled = stored(2).await;
    assert_eq!(cancelled.record, records[2]);
    // Reopened, it loses its reason; cancelled again for another reason, it has that one.
    let reopened = store
        .set_offer_status(cancelled.id, OfferStatus::Open, None, at(5))
        .await
        .unwrap();
    assert_eq!(reopened.record.close_reason, None);
    let withdrawn = store
        .set_offer_status(
            cancelled.id,
            OfferStatus::Cancelled,
            Some(CloseReason::NeedWithdrawn),
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(
        withdrawn.record.close_reason,
        Some(CloseReason::NeedWithdrawn)
    );
    assert!(matches!(
        store
            .set_offer_status(
                cancelled.id,
                OfferStatus::Filled,
                Some(CloseReason::LackOfCandidates),
                at(7)
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        stored(2).await.record.status,
        OfferStatus::Cancelled,
        "a refused change changes nothing"
    );
    // Dates that cannot be: closed before published, published or closed years ahead.
    let mut wrong: Vec<_> = (11..=13).map(|n| offer(n, &owner)).collect();
    wrong[0].status = OfferStatus::Filled;
    wrong[0].closed_at = Some(at(1) - chrono::Duration::days(30));
    wrong[1].published_at = at(1) + chrono::Duration::days(367);
    wrong[2].status = OfferStatus::Cancelled;
    wrong[2].closed_at = Some(at(1) + chrono::Duration::days(800));
    let report = store.upsert_offers(&wrong, at(1)).await.unwrap();
    assert_eq!(report.created, 0);
    let reasons: Vec<&str> = report.rejected.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "closed_at: 2026-01-30 is before the publication (2026-03-01)",
            "published_at: 2027-03-03 is more than a year after today",
            "closed_at: 2028-05-09 is more than a year after today",
        ]
    );
}

pub async fn offer_histories_and_difficulty_models_round_trip(db: &TestDb) {
    let store = db.store();
    assert_eq!(store.latest_offer_activity().await.unwrap(), None);
    assert_eq!(store.latest_difficulty_model_id().await.unwrap(), None);
    assert!(store.latest_difficulty_model().await.unwrap().is_none());
    add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let owner = siret(3);
    // 1 and 2 published on the 1st (fixtures), 3 on the 10th and closed for lack of
    // candidates on the 20th, 4 on the 25th (out of the span asked).
    let mut records: Vec<_> = (1..=4).map(|n| offer(n, &owner)).collect();
    records[2].published_at = at(10);
    records[2].status = OfferStatus::Cancelled;
    records[2].closed_at = Some(at(20));
    records[2].close_reason = Some(CloseReason::LackOfCandidates);
    records[3].published_at = at(25);
    store.upsert_offers(&records, at(1)).await.unwrap();
    assert_eq!(store.latest_offer_activity().await.unwrap(), Some(at(25)));
    let histories = store.offer_histories(at(1), at(25)).await.unwrap();
    assert_eq!(histories.len(), 3, "published in [1st, 25th)");
    assert!(histories.windows(2).all(|w| w[0].id < w[1].id));
    let third = &histories[2];
    assert_eq!(third.rome, "N1101");
    assert_eq!(third.commune, "93066");
    assert_eq!(third.published_at, at(10));
    assert_eq!(third.closed_at, Some(at(20)));
    assert_eq!(third.status, OfferStatus::Cancelled);
    assert_eq!(third.close_reason, Some(CloseReason::LackOfCandidates));
    assert_eq!(third.contract_type, records[2].contract_type);
    assert_eq!(third.duration_days, records[2].duration_days);
    assert_eq!(third.weekly_hours, records[2].weekly_hours);
    assert_eq!(third.wage, records[2].wage);
    assert_eq!(third.experience_required, records[2].experience_required);
    assert_eq!(third.licences, records[2].licences);
    assert_eq!(third.positions, records[2].positions);
    assert_eq!(third.hard_to_fill, records[2].hard_to_fill);
    assert_eq!(third.sector_code, records[2].sector_code);
    assert_eq!(
        store.offer_history(third.id).await.unwrap().as_ref(),
        Some(third)
    );
    assert_eq!(store.offer_history(424_242).await.unwrap(), None);

    let model = |n: u64| NewDifficultyModel {
        trained_at: at(26),
        span_from: at(1),
        span_to: at(25),
        observations: n,
        model: serde_json::json!({ "survival": { "n": n } }),
        metrics: serde_json::json!({ "pr_auc": [0.9, 0.8, 0.6] }),
    };
    let first = store.save_difficulty_model(&model(3)).await.unwrap();
    let second = store.save_difficulty_model(&model(4)).await.unwrap();
    assert!(second > first);
    assert_eq!(
        store.latest_difficulty_model_id().await.unwrap(),
        Some(second)
    );
    let latest = store.latest_difficulty_model().await.unwrap().unwrap();
    assert_eq!(latest.id, second);
    assert_eq!(latest.model, model(4));
}

pub async fn offers_with_unknown_owner_or_inconsistent_status_are_rejected(db: &TestDb) {
    let store = db.store();
    add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let owner = siret(3);
    let mut records: Vec<_> = (1..=4).map(|n| offer(n, &owner)).collect();
    records[0].structure_siret = siret(4);
    records[1].status = OfferStatus::Filled; // without closed_at
    records[2].title = "   ".to_string();
    let report = store.upsert_offers(&records, at(2)).await.unwrap();
    assert_eq!(report.created, 1);
    let reasons: Vec<&str> = report.rejected.iter().map(|(_, r)| r.as_str()).collect();
    assert!(
        reasons[0].starts_with("structure_siret: no structure"),
        "{reasons:?}"
    );
    assert!(reasons[1].starts_with("closed_at:"), "{reasons:?}");
    assert!(reasons[2].starts_with("title:"), "{reasons:?}");
    // The same reference under another owner is another offer.
    add_structures(store, [(4, StructureKind::AgenceEmploi)]).await;
    let report = store
        .upsert_offers(&[offer(4, &siret(4))], at(2))
        .await
        .unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(store.counts().await.unwrap().offers, 2);
}

pub async fn referral_transitions_are_checked_and_logged(db: &TestDb) {
    let store = db.store();
    one_agency(store).await;
    add_structures(store, [(3, StructureKind::AgenceEmploi)]).await;
    let (seeker, offer) = one_seeker_and_offer(store).await;
    let recruiter = add_user(store, "recruteur@interim.fr", "Recruteur").await;

    let referral = store
        .create_referral(
            seeker.id,
            offer.id,
            Some(recruiter.id),
            Some(&NewAuditEvent {
                actor: Some(recruiter.id),
                action: "referral.propose".to_string(),
                subject_kind: "referral".to_string(),
                subject_id: None,
                detail: serde_json::json!({}),
            }),
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(referral.state, ReferralState::Proposed);
    match store
        .create_referral(seeker.id, offer.id, None, None, at(2))
        .await
    {
        Err(
            err @ StoreError::Duplicate {
                field: "job_seeker_id",
                ..
            },
        ) => assert_eq!(
            err.to_string(),
            "job_seeker_id: this person was already proposed for this offer"
        ),
        other => panic!("expected a duplicate proposal, got {other:?}"),
    }

    let accept = TransitionRequest {
        referral_id: referral.id,
        from: ReferralState::Proposed,
        to: ReferralState::Accepted,
        by: None,
        note: Some("accepté par téléphone".to_string()),
        hire_starts_on: None,
        not_hired_reason: None,
    };
    let moved = NewAuditEvent {
        actor: None,
        action: "referral.move".to_string(),
        subject_kind: "referral".to_string(),
        subject_id: Some(referral.id),
        detail: serde_json::json!({"to": "accepted"}),
    };
    let accepted = store
        .transition_referral(&accept, Some(&moved), at(3))
        .await
        .unwrap();
    assert_eq!(accepted.state, ReferralState::Accepted);
    // The proposal and the move were audited with them, the proposal under its new id.
    let audited = store.audit_events(0, 10).await.unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0].event.subject_id, Some(referral.id));
    assert_eq!(audited[1].event, moved);
    // The same request again: the state is no longer `proposed`, and nothing is audited.
    let stale = store
        .transition_referral(&accept, Some(&moved), at(4))
        .await;
    assert_eq!(store.audit_events(0, 10).await.unwrap(), audited);
    assert!(
        matches!(&stale, Err(StoreError::Conflict(m)) if m.contains("is accepted, not proposed")),
        "{stale:?}"
    );

    let hire = TransitionRequest {
        from: ReferralState::Accepted,
        to: ReferralState::Hired,
        hire_starts_on: Some(date(2026, 4, 20)),
        note: None,
        ..accept.clone()
    };
    let hired = store.transition_referral(&hire, None, at(5)).await.unwrap();
    assert_eq!(hired.hire_starts_on, Some(date(2026, 4, 20)));
    assert_eq!(store.referral(referral.id).await.unwrap(), Some(hired));

    let wrong = TransitionRequest {
        from: ReferralState::Hired,
        to: ReferralState::Cancelled,
        hire_starts_on: Some(date(2026, 4, 20)),
        ..accept.clone()
    };
    assert!(matches!(
        store.transition_referral(&wrong, None, at(6)).await,
        Err(StoreError::Invalid(_))
    ));
    let missing = TransitionRequest {
        referral_id: 987_654,
        ..accept.clone()
    };
    assert!(matches!(
        store.transition_referral(&missing, None, at(6)).await,
        Err(StoreError::NotFound(_))
    ));

    let log = store.referral_log(referral.id).await.unwrap();
    let steps: Vec<_> = log.iter().map(|t| (t.from, t.to, t.at)).collect();
    assert_eq!(
        steps,
        vec![
            (None, ReferralState::Proposed, at(2)),
            (
                Some(ReferralState::Proposed),
                ReferralState::Accepted,
                at(3)
            ),
            (Some(ReferralState::Accepted), ReferralState::Hired, at(5)),
        ]
    );
    assert_eq!(log[0].by, Some(recruiter.id));
    assert_eq!(log[1].note.as_deref(), Some("accepté par téléphone"));
}

pub async fn audit_trail_is_append_only(db: &TestDb) {
    let store = db.store();
    for n in 0..3 {
        store
            .append_audit(
                &NewAuditEvent {
                    actor: None,
                    action: "job_seeker.read".to_string(),
                    subject_kind: "job_seeker".to_string(),
                    subject_id: Some(n),
                    detail: serde_json::json!({"fields": ["identity"], "n": n}),
                },
                at(1 + n as u32),
            )
            .await
            .unwrap();
    }
    let events = store.audit_events(0, 10).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].event.detail["n"], 2);
    assert_eq!(events[1].at, at(2));
    assert_eq!(
        store.audit_events(events[0].id, 1).await.unwrap()[0].id,
        events[1].id
    );

    let update = db
        .execute_raw("UPDATE audit_events SET action = 'tampered'")
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = db.execute_raw("DELETE FROM audit_events").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(store.audit_events(0, 10).await.unwrap(), events);
}

pub async fn audit_trail_is_hash_chained_and_tampering_is_found(db: &TestDb) {
    let store = db.store();
    let verify = |events: &[AuditEvent]| {
        let mut verifier = audit::Verifier::default();
        for e in events {
            verifier.feed(e)?;
        }
        Ok::<_, audit::ChainError>(verifier.finish())
    };
    let batch: Vec<NewAuditEvent> = (0..4)
        .map(|n| NewAuditEvent {
            actor: None,
            action: "job_seeker.read".to_string(),
            subject_kind: "job_seeker".to_string(),
            subject_id: Some(n),
            // Keys out of order and a float: what reads back must hash the same.
            detail: serde_json::json!({"z": n, "a": [1.5, "é"], "fields": "identity"}),
        })
        .collect();
    let first = store.append_audit_all(&batch[..1], at(1)).await.unwrap();
    assert_eq!(first[0].prev_hash.as_deref(), Some(audit::GENESIS));
    let rest = store.append_audit_all(&batch[1..], at(2)).await.unwrap();
    assert_eq!(rest[0].prev_hash, first[0].hash);
    let events = store.audit_events(0, 10).await.unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(&events[..1], &first[..]);
    let summary = verify(&events).unwrap();
    assert_eq!(summary.sealed, 4);
    assert_eq!(Some(summary.head), events[3].hash.clone());
    assert_eq!(
        store
            .query_audit(
                &AuditQuery {
                    subject_kind: Some("job_seeker".to_string()),
                    subject_id: Some(2),
                    ..AuditQuery::default()
                },
                0,
                10,
            )
            .await
            .unwrap(),
        vec![events[2].clone()]
    );

    let query =
        |q: AuditQuery, after: i64| async move { store.query_audit(&q, after, 10).await.unwrap() };
    assert_eq!(query(AuditQuery::default(), 0).await, events);
    assert_eq!(
        query(AuditQuery::default(), events[2].id).await,
        events[3..].to_vec()
    );
    let at2 = AuditQuery {
        from: Some(at(2)),
        ..AuditQuery::default()
    };
    assert_eq!(query(at2, 0).await, events[1..].to_vec());
    let before2 = AuditQuery {
        to: Some(at(2)),
        action: Some("job_seeker.read".to_string()),
        ..AuditQuery::default()
    };
    assert_eq!(query(before2, 0).await, events[..1].to_vec());
    let nobody = AuditQuery {
        actor: Some(1),
        ..AuditQuery::default()
    };
    assert!(query(nobody, 0).await.is_empty());

    // Someone with the database's keys edits a row behind the application's back.
    let disable = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_events_no_update",
        Backend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
    };
    db.execute_raw(disable).await.unwrap();
    let id = events[1].id;
    let tamper = match store.backend() {
        Backend::Sqlite => format!(
            "UPDATE audit_events SET detail = json_set(detail, '$.fields', 'none') WHERE id = {id}"
        ),
        Backend::Postgres => format!(
            "UPDATE audit_events SET detail = jsonb_set(detail, '{{fields}}', '\"none\"') WHERE id = {id}"
        ),
    };
    db.execute_raw(&tamper).await.unwrap();
    let events = store.audit_events(0, 10).await.unwrap();
    assert_eq!(verify(&events), Err(audit::ChainError::Altered { id }));
}

pub async fn sessions_open_expire_and_close(db: &TestDb) {
    let store = db.store();
    let user = add_user(store, "camille@ft.fr", "Camille").await;
    let hash = TokenHash::of_token("cookie secret");
    let csrf = "c".repeat(64);
    let session = store
        .create_session(user.id, &hash, &csrf, at(3), at(1))
        .await
        .unwrap();
    let (found, read) = store.session(&hash, at(2)).await.unwrap().unwrap();
    assert_eq!((found.id, &read), (user.id, &session));
    assert_eq!(read.csrf_token, csrf);
    assert!(
        store.session(&hash, at(3)).await.unwrap().is_none(),
        "expired"
    );
    assert!(
        store
            .session(&TokenHash::of_token("other"), at(2))
            .await
            .unwrap()
            .is_none()
    );
    store.delete_session(&hash).await.unwrap();
    assert!(store.session(&hash, at(2)).await.unwrap().is_none());
}

pub async fn referrals_are_listed_by_scope_and_idleness(db: &TestDb) {
    let store = db.store();
    add_structures(
        store,
        [
            (1, StructureKind::FranceTravail),
            (2, StructureKind::FranceTravail),
            (3, StructureKind::AgenceEmploi),
        ],
    )
    .await;
    store
        .upsert_job_seekers(&[job_seeker(1, &siret(1)), job_seeker(2, &siret(2))], at(1))
        .await
        .unwrap();
    store
        .upsert_offers(&[offer(1, &siret(3)), offer(2, &siret(3))], at(1))
        .await
        .unwrap();
    let seeker = |n: u32| {
        let id = ExternalId::parse(&format!("{:07}A", n)).unwrap();
        async move { store.job_seeker(&id).await.unwrap().unwrap() }
    };
    let (s1, s2) = (seeker(1).await, seeker(2).await);
    assert_eq!(
        store.job_seekers_changed_since(at(1)).await.unwrap(),
        vec![s1.id, s2.id]
    );
    assert!(
        store
            .job_seekers_changed_since(at(2))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.offers_changed_since(at(1)).await.unwrap().len(), 2);
    assert!(store.offers_changed_since(at(2)).await.unwrap().is_empty());
    assert_eq!(
        store.job_seeker_by_id(s1.id).await.unwrap(),
        Some(s1.clone())
    );
    let agency1 = store.structure_by_siret(&siret(1)).await.unwrap().unwrap();
    let owner = store.structure_by_siret(&siret(3)).await.unwrap().unwrap();
    assert_eq!(
        store
            .job_seekers_of_agency(agency1.id, 0, 10)
            .await
            .unwrap(),
        vec![s1.clone()]
    );
    let offers = store.offers_of_structure(owner.id).await.unwrap();
    assert_eq!(offers.len(), 2);
    assert_eq!(
        store.offer_by_id(offers[0].id).await.unwrap().as_ref(),
        Some(&offers[0])
    );
    let r1 = store
        .create_referral(s1.id, offers[0].id, None, None, at(2))
        .await
        .unwrap();
    let r2 = store
        .create_referral(s2.id, offers[1].id, None, None, at(5))
        .await
        .unwrap();
    let ids = |rs: Vec<Referral>| rs.iter().map(|r| r.id).collect::<Vec<_>>();
    for (scope, after, expected) in [
        (ReferralScope::OfferOwner(owner.id), 0, vec![r1.id, r2.id]),
        (ReferralScope::JobSeekerAgency(agency1.id), 0, vec![r1.id]),
        (ReferralScope::JobSeeker(s2.id), 0, vec![r2.id]),
        (ReferralScope::All, r1.id, vec![r2.id]),
        (ReferralScope::Offer(offers[1].id), 0, vec![r2.id]),
        // A structure's referrals: of its offers or of its job seekers (agency 1 owns no offer).
        (ReferralScope::Structure(agency1.id), 0, vec![r1.id]),
        (ReferralScope::Structure(owner.id), r1.id, vec![r2.id]),
    ] {
        let listed = store.referrals(scope, after, 10).await.unwrap();
        assert_eq!(ids(listed), expected, "{scope:?} after {after}");
    }
    assert_eq!(
        ids(store.referrals_idle_since(at(3)).await.unwrap()),
        vec![r1.id]
    );
    store
        .move_referral_plainly(
            r1.id,
            (ReferralState::Proposed, ReferralState::Declined),
            None,
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        ids(store.referrals_idle_since(at(10)).await.unwrap()),
        vec![r2.id],
        "declined is final"
    );
    // Tallies for the steering pages: grouped in the database, by the offer's department,
    // the month of proposal, the month of the last move and the state.
    let tally = |month: &str, state: &str, count: u64| Tally {
        department: "93".to_string(),
        month: month.to_string(),
        changed_month: month.to_string(),
        state: state.to_string(),
        count,
    };
    assert_eq!(
        store.referral_tallies(ReferralScope::All).await.unwrap(),
        vec![
            tally("2026-03", "declined", 1),
            tally("2026-03", "proposed", 1)
        ]
    );
    assert_eq!(
        store
            .referral_tallies(ReferralScope::JobSeekerAgency(agency1.id))
            .await
            .unwrap(),
        vec![tally("2026-03", "declined", 1)]
    );
    let offer_tallies = store.offer_tallies(None).await.unwrap();
    let all_offers = store.load_offers().await.unwrap();
    assert_eq!(
        offer_tallies.iter().map(|t| t.count).sum::<u64>(),
        all_offers.len() as u64
    );
    assert!(
        offer_tallies
            .iter()
            .all(|t| t.department == "93" && t.state == "open")
    );
    let owned = store.offer_tallies(Some(owner.id)).await.unwrap();
    assert_eq!(owned.iter().map(|t| t.count).sum::<u64>(), 2);
}

pub async fn schema_refuses_what_the_code_would_refuse(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    store
        .upsert_job_seekers(&[job_seeker(2, &agency)], at(1))
        .await
        .unwrap();
    let refused = [
        // Not 14 digits.
        "UPDATE structures SET siret = '123'",
        // Unknown kind.
        "UPDATE structures SET kind = 'bank'",
        // A status not held cannot be disclosed.
        "UPDATE job_seekers SET rsa_disclosed = TRUE WHERE rsa = FALSE",
        // Consent needs both its date and its scope.
        "UPDATE job_seekers SET consent_scope = NULL WHERE consent_at IS NOT NULL",
        // Commute limit out of range.
        "UPDATE job_seekers SET commute_limit_km = 1000",
        // A fourth target.
        "INSERT INTO job_seeker_targets (job_seeker_id, rank, rome_code) SELECT id, 4, 'A1101' FROM job_seekers",
        // A target pointing nowhere.
        "INSERT INTO job_seeker_targets (job_seeker_id, rank, rome_code) VALUES (424242, 3, 'A1101')",
        // An agency that does not exist.
        "UPDATE job_seekers SET agency_structure_id = 424242",
        // A structure still referenced.
        "DELETE FROM structures",
    ];
    for sql in refused {
        assert_refused(db, sql).await;
    }
    let stored = store
        .job_seeker(&job_seeker(2, &agency).external_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record, job_seeker(2, &agency), "nothing changed");
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
}

pub async fn bulk_write_of_thousands_reads_back_identical(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    let records: Vec<_> = (1..=3_000).map(|n| job_seeker(n, &agency)).collect();
    for batch in records.chunks(1_000) {
        let report = store.upsert_job_seekers(batch, at(2)).await.unwrap();
        assert_eq!(report.created, 1_000);
    }
    let loaded = store.load_job_seekers().await.unwrap();
    assert_eq!(loaded.len(), 3_000);
    assert!(
        loaded
            .iter()
            .zip(&records)
            .all(|(stored, record)| &stored.record == record)
    );
    let report = store.upsert_job_seekers(&records, at(3)).await.unwrap();
    assert_eq!(report.unchanged, 3_000);
    assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
}

/// Shortlist counts add up across flushes (several instances add theirs), per owner,
/// department and month; wrong values are refused by the schema.
pub async fn shortlist_tallies_add_up(db: &TestDb) {
    let store = db.store();
    let [x, y] = add_structures(
        store,
        [
            (3, StructureKind::AgenceEmploi),
            (4, StructureKind::AgenceEmploi),
        ],
    )
    .await;
    let tally =
        |structure_id, department: &str, month: &str, shortlists, candidates| ShortlistTally {
            structure_id,
            department: department.to_string(),
            month: month.to_string(),
            shortlists,
            candidates,
            // Holders of each status add up like the rest: 1 RQTH per 10 candidates, ...
            holders: [
                candidates / 10,
                candidates / 2,
                0,
                shortlists,
                0,
                candidates / 5,
            ],
        };
    assert!(store.shortlist_tallies(None).await.unwrap().is_empty());
    store
        .add_shortlist_tallies(&[
            tally(x, "93", "2026-11", 2, 20),
            tally(y, "75", "2026-11", 1, 7),
        ])
        .await
        .unwrap();
    store
        .add_shortlist_tallies(&[
            tally(x, "93", "2026-11", 1, 10),
            tally(x, "93", "2026-10", 4, 40),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.shortlist_tallies(None).await.unwrap(),
        vec![
            tally(y, "75", "2026-11", 1, 7),
            tally(x, "93", "2026-10", 4, 40),
            tally(x, "93", "2026-11", 3, 30),
        ]
    );
    assert_eq!(
        store.shortlist_tallies(Some(y)).await.unwrap(),
        vec![tally(y, "75", "2026-11", 1, 7)]
    );
    assert!(
        store
            .add_shortlist_tallies(&[tally(x, "9", "2026-11", 1, 1)])
            .await
            .is_err(),
        "a department has 2 or 3 characters"
    );
    assert!(
        store
            .add_shortlist_tallies(&[tally(424_242, "93", "2026-11", 1, 1)])
            .await
            .is_err(),
        "an unknown structure"
    );
    assert_eq!(
        store.shortlist_tallies(None).await.unwrap().len(),
        3,
        "nothing half-written"
    );
}

/// Services round-trip whole, are replaced by structure and reference, and one whose structure
/// is unknown is rejected alone; structure profiles are set and read back.
pub async fn services_and_profiles_round_trip(db: &TestDb) {
    let store = db.store();
    let owner = one_agency(store).await;
    let mut second = service(2, &owner);
    second
        .thematiques
        .push("mobilite--preparer-un-permis".to_string());
    second.coordinates = None;
    let report = store
        .upsert_services(
            &[service(1, &owner), second.clone(), service(3, &siret(99))],
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (2, 0, 0)
    );
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, 2);
    let services = store.services().await.unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(services[0].record, service(1, &owner));
    assert_eq!(services[1].record, second);
    assert_eq!(services[0].created_at, at(2));
    // The same again changes nothing; a change replaces the record under the same id.
    let again = store
        .upsert_services(&[service(1, &owner)], at(3))
        .await
        .unwrap();
    assert_eq!(again.unchanged, 1);
    let mut changed = service(1, &owner);
    changed.review_every_days = 30;
    let report = store
        .upsert_services(&[changed.clone()], at(4))
        .await
        .unwrap();
    assert_eq!(report.updated, 1);
    let services = store.services().await.unwrap();
    assert_eq!(services[0].record, changed);
    assert_eq!(services[0].updated_at, at(4));
    assert_eq!(
        changed.review_due(),
        chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    );
    let agency = store.structure_by_siret(&owner).await.unwrap().unwrap();
    let profile = StructureProfile {
        description: Some("Agence France Travail de Saint-Denis".to_string()),
        opening_hours: Some("Mo-Fr 08:30-16:30".to_string()),
        accessibility: None,
        networks: Vec::new(),
        updated_on: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
    };
    store
        .set_structure_profile(agency.id, &profile, at(5))
        .await
        .unwrap();
    assert_eq!(
        store.structure_profiles().await.unwrap(),
        vec![(agency.id, profile)]
    );
}

/// A meeting is created with its gathering and invitations in one go, listed from a date,
/// registered for once per person through its gathering, and its attendance recorded once it
/// is over; the schema refuses a meeting with no place.
pub async fn meetings_invitations_registrations_and_attendance(db: &TestDb) {
    let store = db.store();
    let [ft, agency] = ft_and_agency(store).await;
    let user = add_user(store, "recruteur@agence.fr", "Recruteur").await;
    let new = NewMeeting {
        organiser: ft,
        theme: "Les métiers de la logistique qui recrutent".to_string(),
        starts_at: at(20),
        ends_at: at(20) + chrono::Duration::hours(2),
        place: Some("France Travail Saint-Denis".to_string()),
        online_link: None,
        capacity_on_site: 30,
        capacity_remote: 0,
        territory: "93".to_string(),
        created_by: Some(user.id),
    };
    let meeting = store
        .create_meeting(&new, &[agency, ft, agency], at(2))
        .await
        .unwrap();
    let mut invited = vec![ft, agency];
    invited.sort_unstable();
    assert_eq!(meeting.invited, invited);
    let earlier = NewMeeting {
        starts_at: at(10),
        ends_at: at(10) + chrono::Duration::hours(1),
        online_link: Some("https://visio.example.fr/reunion".to_string()),
        place: None,
        capacity_on_site: 0,
        capacity_remote: 100,
        ..new.clone()
    };
    let first = store
        .create_meeting(&earlier, &[agency], at(2))
        .await
        .unwrap();
    let listed = store.meetings_from(at(5)).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first.id, meeting.id]
    );
    assert_eq!(listed[1], meeting);
    assert_eq!(store.meetings_from(at(15)).await.unwrap().len(), 1);
    assert_eq!(
        store.meeting(meeting.id).await.unwrap(),
        Some(meeting.clone())
    );
    assert_eq!(
        store
            .meeting_of_gathering(meeting.gathering_id)
            .await
            .unwrap(),
        Some(meeting.clone())
    );
    assert_eq!(store.meeting(424_242).await.unwrap(), None);
    // Its gathering holds the time and the seats.
    let gathering = store
        .gathering(meeting.gathering_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            gathering.gathering.starts_at,
            gathering.gathering.capacity_on_site
        ),
        (at(20), 30)
    );
    let me = Participant::User(user.id);
    let registration = store
        .register(meeting.gathering_id, me, agency, Modality::OnSite, at(3))
        .await
        .unwrap();
    assert!(matches!(
        store
            .register(meeting.gathering_id, me, agency, Modality::OnSite, at(4))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Attendance once it is over.
    assert!(matches!(
        store
            .record_attendance(registration.id, Attendance::Present, at(20))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let recorded = store
        .record_attendance(registration.id, Attendance::Present, at(21))
        .await
        .unwrap();
    assert_eq!(
        store
            .gathering_registrations(meeting.gathering_id)
            .await
            .unwrap(),
        vec![GatheringRegistration {
            id: registration.id,
            gathering_id: meeting.gathering_id,
            participant: me,
            structure_id: agency,
            modality: Modality::OnSite,
            seat: Seat::Registered,
            attendance: Some(Attendance::Present),
            registered_at: at(3),
            changed_at: at(21),
            reminded_at: None,
        }]
    );
    assert_eq!(recorded.attendance, Some(Attendance::Present));
    assert!(
        db.execute_raw("UPDATE meetings SET place = NULL, online_link = NULL")
            .await
            .is_err(),
        "a meeting is somewhere"
    );
}

fn floors(list: &[(PriorityStatus, f64)]) -> model::policy::PolicyRule {
    model::policy::PolicyRule::Floors {
        floors: list
            .iter()
            .map(|(status, share)| model::policy::Floor {
                status: *status,
                share: *share,
            })
            .collect(),
    }
}

/// Priority policies are kept whole, in order, and never changed nor removed.
pub async fn priority_policies_are_an_append_only_history(db: &TestDb) {
    use model::policy::{PolicyRecord, PolicyRule, Territory};
    let store = db.store();
    assert!(store.priority_policies().await.unwrap().is_empty());
    let steering = add_user(store, "pilotage@idf.fr", "Comité").await;
    let region = PolicyRecord {
        territory: Territory::Region("11".to_string()),
        rule: floors(&[(PriorityStatus::Rqth, 0.1), (PriorityStatus::Qpv, 0.25)]),
        effective_from: date(2026, 3, 1),
        note: Some("Décision du comité du 12 février".to_string()),
        set_by: Some(steering.id),
    };
    let department = PolicyRecord {
        territory: Territory::Department("93".to_string()),
        rule: PolicyRule::Fair {
            status: PriorityStatus::Rqth,
            p: 0.15,
            alpha: 0.1,
        },
        effective_from: date(2026, 4, 1),
        note: None,
        set_by: None,
    };
    let first = store.add_priority_policy(&region, at(2)).await.unwrap();
    let second = store.add_priority_policy(&department, at(3)).await.unwrap();
    assert_eq!(first.record, region);
    assert_eq!(first.set_at, at(2));
    assert_eq!(second.record, department);
    assert!(second.id > first.id);
    assert_eq!(
        store.priority_policies().await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    let update = db
        .execute_raw("UPDATE priority_policies SET code = '75'")
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = db.execute_raw("DELETE FROM priority_policies").await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(
        store.priority_policies().await.unwrap(),
        vec![first, second]
    );
}

/// Consent recorded in Passerelle is kept as history, moves the person's row at once (so that
/// other instances' engines take it in), refuses disclosing a status not held, and is kept by
/// later imports of the person.
pub async fn consent_is_recorded_with_its_history_and_kept_by_imports(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    // n = 6: RQTH (private) and long-term (disclosed), consent to every agency.
    let record = job_seeker(6, &agency);
    store
        .upsert_job_seekers(std::slice::from_ref(&record), at(2))
        .await
        .unwrap();
    let id = store
        .job_seeker(&record.external_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(store.consent_events(id).await.unwrap().is_empty());

    // Not held: refused, nothing written.
    let refused = store
        .record_consent(
            id,
            &ConsentChange {
                scope: Some(ConsentScope::AllAgencies),
                channel: ConsentChannel::InPerson,
                disclosed: vec![PriorityStatus::Qpv],
                shared_evaluations: vec![],
            },
            None,
            at(3),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert!(store.consent_events(id).await.unwrap().is_empty());

    // Narrowed to the department, RQTH disclosed, long-term no longer.
    let narrowed = ConsentChange {
        scope: Some(ConsentScope::DepartmentAgencies),
        channel: ConsentChannel::Phone,
        disclosed: vec![PriorityStatus::Rqth],
        shared_evaluations: vec![],
    };
    let seeker = store
        .record_consent(id, &narrowed, None, at(4))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        seeker.record.consent,
        Some(Consent {
            given_at: at(4),
            scope: ConsentScope::DepartmentAgencies
        })
    );
    assert_eq!(
        seeker.record.priorities.get(&PriorityStatus::Rqth),
        Some(&Disclosure::Disclosed)
    );
    assert_eq!(
        seeker.record.priorities.get(&PriorityStatus::LongTerm),
        Some(&Disclosure::Private)
    );
    assert_eq!(seeker.updated_at, at(4));
    assert!(
        store
            .job_seekers_changed_since(at(4))
            .await
            .unwrap()
            .contains(&id)
    );

    // The same import again, or a changed one, keeps what the person told Passerelle.
    let mut reimported = record.clone();
    reimported.commute_limit = CommuteLimitKm::new(45).unwrap();
    store
        .upsert_job_seekers(std::slice::from_ref(&record), at(5))
        .await
        .unwrap();
    store
        .upsert_job_seekers(&[reimported.clone()], at(6))
        .await
        .unwrap();
    let kept = store.job_seeker_by_id(id).await.unwrap().unwrap();
    assert_eq!(kept.record.commute_limit.km(), 45);
    assert_eq!(kept.record.consent, seeker.record.consent);
    assert_eq!(kept.record.priorities, seeker.record.priorities);
    // A disclosed status the file says is no longer held is no longer disclosed (nor held).
    let mut without_rqth = reimported.clone();
    without_rqth.priorities.remove(&PriorityStatus::Rqth);
    store
        .upsert_job_seekers(&[without_rqth], at(7))
        .await
        .unwrap();
    let dropped = store.job_seeker_by_id(id).await.unwrap().unwrap();
    assert!(
        !dropped
            .record
            .priorities
            .contains_key(&PriorityStatus::Rqth)
    );

    // Withdrawn.
    let withdrawn = ConsentChange {
        scope: None,
        channel: ConsentChannel::Email,
        disclosed: vec![],
        shared_evaluations: vec![],
    };
    let seeker = store
        .record_consent(id, &withdrawn, None, at(8))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seeker.record.consent, None);
    let history = store.consent_events(id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].change, narrowed);
    assert_eq!(history[0].recorded_at, at(4));
    assert_eq!(history[1].change, withdrawn);
    assert!(
        store
            .record_consent(424_242, &withdrawn, None, at(9))
            .await
            .unwrap()
            .is_none()
    );
    let update = db
        .execute_raw("UPDATE consent_events SET channel = 'phone'")
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
}

/// Referrals counted over the territory with their holders of each status.
pub async fn referral_holder_tallies_count_each_status(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    add_structures(store, [(2, StructureKind::AgenceEmploi)]).await;
    // 2: RQTH; 3: long-term; 6: both.
    let seekers: Vec<_> = [2, 3, 6].iter().map(|n| job_seeker(*n, &agency)).collect();
    store.upsert_job_seekers(&seekers, at(1)).await.unwrap();
    store
        .upsert_offers(&[offer(1, &siret(2))], at(1))
        .await
        .unwrap();
    let offer_id = store
        .offer(&siret(2), &offer(1, &siret(2)).external_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    for record in &seekers {
        let seeker = store
            .job_seeker(&record.external_id)
            .await
            .unwrap()
            .unwrap();
        store
            .create_referral(seeker.id, offer_id, None, None, at(2))
            .await
            .unwrap();
    }
    let tallies = store.referral_holder_tallies().await.unwrap();
    assert_eq!(tallies.len(), 1, "{tallies:?}");
    let t = &tallies[0];
    assert_eq!((t.kind.as_str(), t.people), ("proposed", 3));
    assert_eq!(t.holders, [2, 2, 0, 0, 0, 0]);
    // People, not referrals: the same person proposed for a second offer counts once.
    store
        .upsert_offers(&[offer(2, &siret(2))], at(1))
        .await
        .unwrap();
    let second = store
        .offer(&siret(2), &offer(2, &siret(2)).external_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let six = store
        .job_seeker(&seekers[2].external_id)
        .await
        .unwrap()
        .unwrap();
    store
        .create_referral(six.id, second, None, None, at(2))
        .await
        .unwrap();
    let tallies = store.referral_holder_tallies().await.unwrap();
    assert_eq!(tallies.len(), 1, "{tallies:?}");
    assert_eq!(
        (tallies[0].people, tallies[0].holders),
        (3, [2, 2, 0, 0, 0, 0])
    );
}

/// The advisor's portfolio is searched, filtered, sorted and cut by the database: words of a
/// name or reference (case and accents ignored) or of a pseudonym, a status, a target
/// occupation, two orders, pages; never another agency's people.
pub async fn portfolio_is_searched_filtered_sorted_and_paged_by_the_database(db: &TestDb) {
    let store = db.store();
    let agency = one_agency(store).await;
    add_structures(store, [(2, StructureKind::FranceTravail)]).await;
    let mut records: Vec<_> = (1..=12).map(|n| job_seeker(n, &agency)).collect();
    records[3].last_name = PersonName::parse("Lefèvre").unwrap();
    records[7].last_name = PersonName::parse("LEFEVRE-Dupont").unwrap();
    records[7].first_name = PersonName::parse("Zoé").unwrap();
    let mut elsewhere = job_seeker(13, &siret(2));
    elsewhere.last_name = PersonName::parse("Lefèvre").unwrap();
    records.push(elsewhere);
    store.upsert_job_seekers(&records, at(2)).await.unwrap();
    let id = store.structure_by_siret(&agency).await.unwrap().unwrap().id;
    let search = |words: &[&str]| PortfolioQuery {
        agency_structure_id: id,
        words: words.iter().map(|w| w.to_string()).collect(),
        limit: 50,
        ..Default::default()
    };
    let names = |found: &[JobSeeker]| -> Vec<String> {
        found
            .iter()
            .map(|s| s.record.external_id.to_string())
            .collect()
    };

    let (total, found) = store.search_portfolio(&search(&["lefevre"])).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(names(&found), ["0000004A", "0000008A"]);
    let (total, _) = store.search_portfolio(&search(&["aicha"])).await.unwrap();
    assert_eq!(total, 11);
    let (total, found) = store
        .search_portfolio(&search(&["durand", "0000011a"]))
        .await
        .unwrap();
    assert_eq!((total, names(&found)), (1, vec!["0000011A".to_string()]));
    // A pseudonym as the search folds it (`DE-1A2B…` → `de`, `1a2b…`).
    let pseudonym = found[0].pseudonym.to_lowercase();
    let words: Vec<&str> = pseudonym.split('-').collect();
    let (total, found) = store.search_portfolio(&search(&words)).await.unwrap();
    assert_eq!((total, names(&found)), (1, vec!["0000011A".to_string()]));

    // Statuses: the even numbers hold RQTH; J1501 is the odd numbers' target.
    let holders = PortfolioQuery {
        status: Some(PriorityStatus::Rqth),
        ..search(&[])
    };
    let (total, found) = store.search_portfolio(&holders).await.unwrap();
    assert_eq!(total, 6);
    assert_eq!(
        names(&found),
        [
            "0000010A", "0000012A", "0000002A", "0000006A", "0000004A", "0000008A"
        ]
    );
    let page = PortfolioQuery {
        offset: 4,
        limit: 4,
        ..holders.clone()
    };
    let (total, found) = store.search_portfolio(&page).await.unwrap();
    assert_eq!(
        (total, names(&found)),
        (6, vec!["0000004A".to_string(), "0000008A".to_string()])
    );
    let odd = PortfolioQuery {
        rome_code: Some("J1501".to_string()),
        ..search(&[])
    };
    assert_eq!(store.search_portfolio(&odd).await.unwrap().0, 6);
    let none = PortfolioQuery {
        rome_code: Some("J1501".to_string()),
        ..holders.clone()
    };
    assert_eq!(store.search_portfolio(&none).await.unwrap(), (0, vec![]));
    let newest = PortfolioQuery {
        sort: PortfolioSort::Registered,
        ..search(&[])
    };
    // Registered on 2025-(1 + n % 12)-(1 + n % 28): number 11 last in December, 12 in January.
    let (total, found) = store.search_portfolio(&newest).await.unwrap();
    assert_eq!(total, 12);
    assert_eq!(
        names(&found),
        [
            "0000011A", "0000010A", "0000009A", "0000008A", "0000007A", "0000006A", "0000005A",
            "0000004A", "0000003A", "0000002A", "0000001A", "0000012A"
        ]
    );
}

/// The structures are searched by name, SIRET or network (case and accents ignored), sorted
/// by name and paged by the database.
pub async fn structures_are_searched_sorted_and_paged_by_the_database(db: &TestDb) {
    let store = db.store();
    let mut records = vec![
        structure(1, StructureKind::FranceTravail),
        structure(2, StructureKind::AgenceEmploi),
        structure(3, StructureKind::AgenceEmploi),
        structure(4, StructureKind::FranceTravail),
    ];
    records[2].name = "Élan Intérim Bobigny".to_string();
    store.upsert_structures(&records, at(1)).await.unwrap();
    let names = |found: &[Structure]| -> Vec<String> {
        found.iter().map(|s| s.record.name.clone()).collect()
    };
    let search = |words: &[&str]| -> Vec<String> { words.iter().map(|w| w.to_string()).collect() };

    let (total, found) = store.search_structures(&[], 0, 50).await.unwrap();
    assert_eq!(total, 4);
    assert_eq!(
        names(&found),
        ["Agence 1", "Agence 2", "Agence 4", "Élan Intérim Bobigny"]
    );
    let (total, found) = store
        .search_structures(&search(&["interim"]), 0, 50)
        .await
        .unwrap();
    assert_eq!(
        (total, names(&found)),
        (
            2,
            vec!["Agence 2".to_string(), "Élan Intérim Bobigny".to_string()]
        )
    );
    let (total, found) = store
        .search_structures(&search(&[siret(4).as_str()]), 0, 50)
        .await
        .unwrap();
    assert_eq!((total, names(&found)), (1, vec!["Agence 4".to_string()]));
    let (total, found) = store.search_structures(&[], 1, 2).await.unwrap();
    assert_eq!(
        (total, names(&found)),
        (4, vec!["Agence 2".to_string(), "Agence 4".to_string()])
    );
    let (total, found) = store
        .search_structures(&search(&["nulle", "part"]), 0, 50)
        .await
        .unwrap();
    assert_eq!((total, found.len()), (0, 0));
}

pub async fn dashboard_counts_open_offers_and_referrals_in_sql(db: &TestDb) {
    let store = db.store();
    store
        .upsert_structures(
            &[
                structure(1, StructureKind::FranceTravail),
                structure(3, StructureKind::AgenceEmploi),
                structure(4, StructureKind::AgenceEmploi),
            ],
            at(1),
        )
        .await
        .unwrap();
    let seekers: Vec<_> = (1..=3).map(|n| job_seeker(n, &siret(1))).collect();
    store.upsert_job_seekers(&seekers, at(1)).await.unwrap();
    let mut records: Vec<_> = (1..=4).map(|n| offer(n, &siret(3))).collect();
    records.push(offer(5, &siret(4)));
    store.upsert_offers(&records, at(1)).await.unwrap();
    let owner = store.structure_by_siret(&siret(3)).await.unwrap().unwrap();
    let other = store.structure_by_siret(&siret(4)).await.unwrap().unwrap();
    let o = store.offers_of_structure(owner.id).await.unwrap();
    let theirs = store.offers_of_structure(other.id).await.unwrap();
    let mut people = Vec::new();
    for n in 1..=3 {
        let id = ExternalId::parse(&format!("{n:07}A")).unwrap();
        people.push(store.job_seeker(&id).await.unwrap().unwrap().id);
    }
    // Offer 1: two referrals, one accepted; offer 2: one; offer 3: one, then filled;
    // offer 4: none. The other structure's offer has one, which must not count.
    for (person, offer) in [
        (people[0], o[0].id),
        (people[1], o[0].id),
        (people[2], o[1].id),
        (people[0], o[2].id),
        (people[1], theirs[0].id),
    ] {
        store
            .create_referral(person, offer, None, None, at(2))
            .await
            .unwrap();
    }
    let first = store
        .referrals(ReferralScope::Offer(o[0].id), 0, 1)
        .await
        .unwrap();
    store
        .move_referral_plainly(
            first[0].id,
            (ReferralState::Proposed, ReferralState::Accepted),
            None,
            at(3),
        )
        .await
        .unwrap();
    store
        .set_offer_status(o[2].id, OfferStatus::Filled, None, at(4))
        .await
        .unwrap();

    let query = |offset: u64, limit: u32| store::dashboard::DashboardQuery {
        structure_id: owner.id,
        offset,
        limit,
        without_limit: 10,
    };
    let first_page = store.offer_dashboard(&query(0, 2)).await.unwrap();
    assert_eq!(first_page.open_offers, 3);
    assert_eq!(first_page.open_without_referral, 1);
    let by_state: Vec<(ReferralState, u64)> = first_page
        .referrals_by_state
        .iter()
        .filter(|(_, n)| *n > 0)
        .copied()
        .collect();
    assert_eq!(
        by_state,
        vec![(ReferralState::Proposed, 3), (ReferralState::Accepted, 1)]
    );
    assert_eq!(first_page.referrals_by_state.len(), 8);
    assert_eq!(first_page.total_referrals(), 4);
    let page = |d: &store::dashboard::OfferDashboard| {
        d.open
            .iter()
            .map(|(offer, n)| (offer.id, *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(page(&first_page), vec![(o[0].id, 2), (o[1].id, 1)]);
    assert_eq!(first_page.open[0].0, o[0]);
    let without: Vec<i64> = first_page.without_referral.iter().map(|o| o.id).collect();
    assert_eq!(without, vec![o[3].id]);
    let second_page = store.offer_dashboard(&query(2, 2)).await.unwrap();
    assert_eq!(page(&second_page), vec![(o[3].id, 0)]);
    assert!(
        store
            .offer_dashboard(&query(4, 2))
            .await
            .unwrap()
            .open
            .is_empty()
    );
    // A structure with no offer counts zeros, every state listed.
    let empty = store
        .offer_dashboard(&store::dashboard::DashboardQuery {
            structure_id: store
                .structure_by_siret(&siret(1))
                .await
                .unwrap()
                .unwrap()
                .id,
            offset: 0,
            limit: 20,
            without_limit: 10,
        })
        .await
        .unwrap();
    assert_eq!((empty.open_offers, empty.open_without_referral), (0, 0));
    assert_eq!(empty.total_referrals(), 0);
    assert_eq!(empty.referrals_by_state.len(), 8);
}

pub async fn local_tension_groups_offers_and_seekers(db: &TestDb) {
    let store = db.store();
    ft_and_agency(store).await;
    let mut people: Vec<_> = [2, 3, 4, 5, 6]
        .iter()
        .map(|n| job_seeker(*n, &siret(1)))
        .collect();
    // Someone who left is no longer seeking.
    people[3].status = JobSeekerStatus::Left;
    store.upsert_job_seekers(&people, at(1)).await.unwrap();
    let mut offers: Vec<_> = (1..=6).map(|n| offer(n, &siret(3))).collect();
    // 1 and 6: open, alike, counted together. 2: filled ten days after. 3 (declared hard to fill): cancelled two days after
    // for lack of candidates. 4: another occupation and commune, a day later. 5: published in
    // April, out of the period.
    offers[1].status = OfferStatus::Filled;
    offers[1].closed_at = Some(at(11));
    offers[2].status = OfferStatus::Cancelled;
    offers[2].closed_at = Some(at(3));
    offers[2].close_reason = Some(CloseReason::LackOfCandidates);
    offers[3].rome = RomeCode::parse("J1501").unwrap();
    offers[3].commune = InseeCode::parse("75111").unwrap();
    offers[3].published_at = at(2);
    offers[4].published_at = at(28) + chrono::Duration::days(10);
    offers[5].hard_to_fill = offers[0].hard_to_fill;
    let report = store.upsert_offers(&offers, at(1)).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let march = |rome: Option<&str>| LocalQuery {
        from: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        rome: rome.map(str::to_string),
    };
    let group = |rome: &str,
                 commune: &str,
                 hard_to_fill: bool,
                 status: OfferStatus,
                 days_open: Option<i64>| OfferGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        month: "2026-03".to_string(),
        hard_to_fill,
        status,
        close_reason: (status == OfferStatus::Cancelled).then_some(CloseReason::LackOfCandidates),
        days_open,
        offers: 1,
    };
    let n1101 = vec![
        group("N1101", "93066", false, OfferStatus::Filled, Some(10)),
        OfferGroup {
            offers: 2,
            ..group("N1101", "93066", false, OfferStatus::Open, None)
        },
        group("N1101", "93066", true, OfferStatus::Cancelled, Some(2)),
    ];
    let mut all = vec![group("J1501", "75111", false, OfferStatus::Open, None)];
    all.extend(n1101.clone());
    assert_eq!(store.offer_groups(&march(None)).await.unwrap(), all);
    assert_eq!(
        store.offer_groups(&march(Some("N1101"))).await.unwrap(),
        n1101
    );

    // Even fixtures live in Saint-Denis and seek N1101 and N1103 (limits 12, 14, 16 km);
    // 3 lives in Paris 11e and seeks J1501 (13 km); 5 left.
    let seekers = |rome: &str, commune: &str, limit: u16| SeekerGroup {
        rome: rome.to_string(),
        commune: commune.to_string(),
        commute_limit_km: limit,
        seekers: 1,
    };
    // In the order of commune, limit and occupation.
    let expected = vec![
        seekers("J1501", "75111", 13),
        seekers("N1101", "93066", 12),
        seekers("N1103", "93066", 12),
        seekers("N1101", "93066", 14),
        seekers("N1103", "93066", 14),
        seekers("N1101", "93066", 16),
        seekers("N1103", "93066", 16),
    ];
    assert_eq!(store.seeker_groups(&march(None)).await.unwrap(), expected);
    assert_eq!(
        store.seeker_groups(&march(Some("J1501"))).await.unwrap(),
        expected[..1]
    );
    // The same people by the set of what they seek: each once.
    let set = |romes: &[&str], commune: &str, limit: u16| SeekerSet {
        romes: romes.iter().map(|r| r.to_string()).collect(),
        commune: commune.to_string(),
        commute_limit_km: limit,
        seekers: 1,
    };
    assert_eq!(
        store.seeker_sets().await.unwrap(),
        vec![
            set(&["J1501"], "75111", 13),
            set(&["N1101", "N1103"], "93066", 12),
            set(&["N1101", "N1103"], "93066", 14),
            set(&["N1101", "N1103"], "93066", 16),
        ]
    );
}

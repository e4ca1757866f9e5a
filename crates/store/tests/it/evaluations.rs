//! Shared evaluations (`store::Evaluations`): recorded and read back, and the skills they
//! prove kept for the engine only while the person shares their kind and they hold; each
//! change logged for every instance; none left after an erasure.

use store::evaluations::{EvaluationKind, EvaluationRecord};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

use crate::contract::region_of;

fn caces(valid_until: Option<chrono::NaiveDate>) -> EvaluationRecord {
    EvaluationRecord {
        kind: EvaluationKind::Caces,
        subject: "123698".to_string(),
        result: "obtained".to_string(),
        evaluated_on: date(2026, 1, 12),
        valid_until,
        issuer: "AFPA Bobigny".to_string(),
    }
}

fn consent(shared: Vec<EvaluationKind>) -> ConsentChange {
    ConsentChange {
        scope: Some(ConsentScope::AllAgencies),
        channel: ConsentChannel::InPerson,
        disclosed: vec![],
        shared_evaluations: shared,
    }
}

/// The skills the engine reads for `id`, with their last day.
async fn proven(store: &dyn Store, id: i64) -> Vec<(String, Option<chrono::NaiveDate>)> {
    let mut found = None;
    store
        .stream_sourcing_profiles(&mut |profile| {
            if profile.id == id {
                found = Some(
                    profile
                        .proven_skills
                        .iter()
                        .map(|p| (p.skill.clone(), p.until))
                        .collect(),
                );
            }
            Ok(())
        })
        .await
        .unwrap();
    found.unwrap()
}

pub async fn evaluations_prove_skills_only_while_shared_and_valid(db: &TestDb) {
    let store = db.store();
    let (ft, agency, people) = region_of(store, &[1, 2]).await;
    let (a, b) = (people[0], people[1]);
    // Recorded by the agency: listed, but not shared yet, so it proves nothing.
    let start = store.change_cursor().await.unwrap();
    let recorded = store
        .record_evaluation(a, agency, None, &caces(Some(date(2099, 1, 11))), at(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recorded.structure_id, agency);
    assert_eq!(recorded.record, caces(Some(date(2099, 1, 11))));
    let language = EvaluationRecord {
        kind: EvaluationKind::Language,
        subject: "en".to_string(),
        result: "B2".to_string(),
        valid_until: None,
        ..caces(None)
    };
    store
        .record_evaluation(a, ft, None, &language, at(3))
        .await
        .unwrap()
        .unwrap();
    let listed = store.evaluations_of(a).await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.record.kind).collect::<Vec<_>>(),
        [EvaluationKind::Caces, EvaluationKind::Language]
    );
    assert_eq!(store.evaluations_of(b).await.unwrap(), vec![]);
    assert_eq!(
        store.evaluation(recorded.id).await.unwrap(),
        Some(recorded.clone())
    );
    assert_eq!(store.shared_evaluation_kinds(a).await.unwrap(), vec![]);
    assert_eq!(proven(store, a).await, vec![]);
    // A CACES is a change the engines must take in: logged once for the person.
    let (changed, _) = store.changes_after(start).await.unwrap();
    assert_eq!(changed, vec![a]);

    // Shared: the engine reads the skill; the history keeps what was shared.
    store
        .record_consent(a, &consent(vec![EvaluationKind::Caces]), None, at(4))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.shared_evaluation_kinds(a).await.unwrap(),
        vec![EvaluationKind::Caces]
    );
    let until_2099 = ("123698".to_string(), Some(date(2099, 1, 11)));
    assert_eq!(proven(store, a).await, vec![until_2099.clone()]);
    let seeker = store.job_seeker_by_id(a).await.unwrap().unwrap();
    assert_eq!(
        SourcingProfile::from(&seeker).proven_skills,
        seeker.proven_skills
    );
    assert_eq!(seeker.proven_skills.len(), 1);
    let history = store.consent_events(a).await.unwrap();
    assert_eq!(
        history.last().unwrap().change.shared_evaluations,
        vec![EvaluationKind::Caces]
    );
    // A second, older CACES of the same skill: the later day holds.
    let expired = store
        .record_evaluation(a, agency, None, &caces(Some(date(2020, 1, 1))), at(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(proven(store, a).await, vec![until_2099]);
    // The later one deleted: the older one's day (the engine counts it only until then).
    assert!(store.delete_evaluation(recorded.id, at(6)).await.unwrap());
    assert!(!store.delete_evaluation(recorded.id, at(6)).await.unwrap());
    assert_eq!(
        proven(store, a).await,
        vec![("123698".to_string(), Some(date(2020, 1, 1)))]
    );
    assert!(store.delete_evaluation(expired.id, at(6)).await.unwrap());
    assert_eq!(proven(store, a).await, vec![]);

    // Shared, then no longer: the skill leaves with the sharing.
    store
        .record_evaluation(a, agency, None, &caces(None), at(7))
        .await
        .unwrap();
    assert_eq!(proven(store, a).await, vec![("123698".to_string(), None)]);
    store
        .record_consent(a, &consent(vec![]), None, at(8))
        .await
        .unwrap();
    assert_eq!(proven(store, a).await, vec![]);

    // A past year written whole: the evaluation, the sharing in the consent's history, the
    // proof for the engine.
    store
        .record_past_evaluations(
            &[(b, agency, caces(Some(date(2099, 1, 11))), at(10))],
            &[(b, consent(vec![EvaluationKind::Caces]), at(11))],
        )
        .await
        .unwrap();
    assert_eq!(store.evaluations_of(b).await.unwrap().len(), 1);
    assert_eq!(
        store.shared_evaluation_kinds(b).await.unwrap(),
        vec![EvaluationKind::Caces]
    );
    let last = store.consent_events(b).await.unwrap().pop().unwrap();
    assert_eq!(last.change, consent(vec![EvaluationKind::Caces]));
    assert_eq!(last.recorded_at, at(11));
    assert_eq!(
        proven(store, b).await,
        vec![("123698".to_string(), Some(date(2099, 1, 11)))]
    );

    // No such person: nothing recorded.
    assert_eq!(
        store
            .record_evaluation(999_999, agency, None, &caces(None), at(9))
            .await
            .unwrap(),
        None
    );
}

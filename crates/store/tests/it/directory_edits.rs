//! The structures' self-service (`store::DirectoryEdits`): one service at a time, each change
//! kept in its history with the fields it touched; the moves allowed from each status; the
//! networks under moderation; a structure's profile read back whole.

use chrono::{TimeZone, Utc};
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

fn at(hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).unwrap()
}

pub async fn services_are_written_one_by_one_with_their_history(db: &TestDb) {
    let store = db.store();
    store
        .upsert_structures(
            &[
                structure(1, StructureKind::AgenceEmploi),
                structure(2, StructureKind::MissionLocale),
            ],
            at(8),
        )
        .await
        .unwrap();
    let owner = store.structure_by_siret(&siret(1)).await.unwrap().unwrap();
    let record = service(1, &siret(1));
    let created = store.create_service(&record, None, at(9)).await.unwrap();
    assert_eq!(created.status, ServiceStatus::Published);
    // The same reference twice is a duplicate named on its field, on both backends.
    let err = store
        .create_service(&record, None, at(9))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                field: "external_id",
                ..
            }
        ),
        "{err:?}"
    );
    // An unknown structure is not found.
    let stray = service(2, &siret(9));
    assert!(matches!(
        store.create_service(&stray, None, at(9)).await.unwrap_err(),
        StoreError::NotFound(_)
    ));

    let mut edited = record.clone();
    edited.name = "Aide à la mobilité, prêt de scooter".to_string();
    edited.eligibility_zone = vec!["93".to_string(), "95".to_string()];
    // The structure and the reference stay whatever the record says.
    edited.external_id = "OTHER".to_string();
    let updated = store
        .update_service(created.id, &edited, ServiceAction::Updated, None, at(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.record.external_id, "S1");
    assert_eq!(updated.record.name, "Aide à la mobilité, prêt de scooter");
    assert_eq!(
        store.service(created.id).await.unwrap().unwrap().record,
        updated.record
    );
    // A move is not an update.
    assert!(
        store
            .update_service(created.id, &edited, ServiceAction::Suspended, None, at(10))
            .await
            .is_err()
    );

    // The moves each status allows.
    let moved = store
        .move_service(created.id, ServiceAction::Suspended, None, at(11))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.status, ServiceStatus::Suspended);
    assert!(matches!(
        store
            .move_service(created.id, ServiceAction::Suspended, None, at(11))
            .await
            .unwrap_err(),
        StoreError::Conflict(_)
    ));
    assert!(matches!(
        store
            .move_service(created.id, ServiceAction::Approved, None, at(11))
            .await
            .unwrap_err(),
        StoreError::Conflict(_)
    ));
    let resumed = store
        .move_service(created.id, ServiceAction::Resumed, None, at(12))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resumed.status, ServiceStatus::Published);
    store
        .move_service(created.id, ServiceAction::Archived, None, at(13))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .move_service(404_404, ServiceAction::Archived, None, at(13))
            .await
            .unwrap()
            .is_none()
    );
    // Archived: kept (and listed for its structure), never published again.
    let of_owner = store.services_of(owner.id).await.unwrap();
    assert_eq!(of_owner.len(), 1);
    assert_eq!(of_owner[0].status, ServiceStatus::Archived);
    assert!(matches!(
        store
            .move_service(created.id, ServiceAction::Resumed, None, at(14))
            .await
            .unwrap_err(),
        StoreError::Conflict(_)
    ));
    // The bulk read says each service's status too.
    let all = store.services().await.unwrap();
    assert_eq!(all[0].status, ServiceStatus::Archived);

    let history = store.service_history(created.id).await.unwrap();
    let actions: Vec<ServiceAction> = history.iter().map(|c| c.action).collect();
    assert_eq!(
        actions,
        [
            ServiceAction::Created,
            ServiceAction::Updated,
            ServiceAction::Suspended,
            ServiceAction::Resumed,
            ServiceAction::Archived
        ]
    );
    assert_eq!(history[1].fields, ["eligibility_zone", "name"]);
    assert_eq!(history[1].at, at(10));
    assert!(history[0].fields.is_empty());
}

pub async fn a_moderated_network_holds_its_new_structures_services(db: &TestDb) {
    let store = db.store();
    store
        .upsert_structures(
            &[
                structure(1, StructureKind::MissionLocale),
                structure(2, StructureKind::MissionLocale),
                structure(3, StructureKind::Akto),
            ],
            at(8),
        )
        .await
        .unwrap();
    // A structure known before moderation begins.
    let known = store
        .create_service(&service(1, &siret(2)), None, at(8))
        .await
        .unwrap();
    assert_eq!(known.status, ServiceStatus::Published);
    store
        .set_moderated_kinds(&[StructureKind::MissionLocale], at(9))
        .await
        .unwrap();
    assert_eq!(
        store.moderated_kinds().await.unwrap(),
        [StructureKind::MissionLocale]
    );
    let waiting = store
        .create_service(&service(2, &siret(1)), None, at(9))
        .await
        .unwrap();
    assert_eq!(waiting.status, ServiceStatus::Pending);
    let another = store
        .create_service(&service(3, &siret(1)), None, at(9))
        .await
        .unwrap();
    assert_eq!(another.status, ServiceStatus::Pending);
    // Known, or of a kind not moderated: published at once.
    for (n, owner) in [(4, 2), (5, 3)] {
        let s = store
            .create_service(&service(n, &siret(owner)), None, at(9))
            .await
            .unwrap();
        assert_eq!(s.status, ServiceStatus::Published, "structure {owner}");
    }
    let pending: Vec<i64> = store
        .pending_services()
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(pending, [waiting.id, another.id]);
    // Refused; resumed while the structure is still unknown: waits again.
    let refused = store
        .move_service(another.id, ServiceAction::Refused, None, at(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refused.status, ServiceStatus::Refused);
    let again = store
        .move_service(another.id, ServiceAction::Resumed, None, at(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.status, ServiceStatus::Pending);
    // Approved once: the structure is known, its next service is published at once.
    store
        .move_service(waiting.id, ServiceAction::Approved, None, at(11))
        .await
        .unwrap();
    let next = store
        .create_service(&service(6, &siret(1)), None, at(12))
        .await
        .unwrap();
    assert_eq!(next.status, ServiceStatus::Published);
    // Setting the list again keeps what stays and drops what goes.
    store
        .set_moderated_kinds(&[StructureKind::Akto, StructureKind::MissionLocale], at(13))
        .await
        .unwrap();
    store
        .set_moderated_kinds(&[StructureKind::Akto], at(14))
        .await
        .unwrap();
    assert_eq!(
        store.moderated_kinds().await.unwrap(),
        [StructureKind::Akto]
    );
}

pub async fn a_structure_profile_reads_back_whole(db: &TestDb) {
    let store = db.store();
    store
        .upsert_structures(&[structure(1, StructureKind::CapEmploi)], at(8))
        .await
        .unwrap();
    let id = store
        .structure_by_siret(&siret(1))
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(store.structure_profile(id).await.unwrap(), None);
    let profile = StructureProfile {
        description: Some("Accompagnement vers l'emploi des personnes handicapées.".to_string()),
        opening_hours: Some("Mo-Fr 09:00-17:00".to_string()),
        accessibility: Some("https://acceslibre.beta.gouv.fr/app/erp/1/".to_string()),
        networks: vec!["france-travail".to_string()],
        updated_on: date(2026, 11, 2),
    };
    store
        .set_structure_profile(id, &profile, at(9))
        .await
        .unwrap();
    assert_eq!(
        store.structure_profile(id).await.unwrap(),
        Some(profile.clone())
    );
    assert_eq!(store.structure_profiles().await.unwrap(), [(id, profile)]);
}

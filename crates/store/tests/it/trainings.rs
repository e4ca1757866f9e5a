//! The training catalogue: a file's sessions written in one transaction (an abort or a reader
//! that stops early writes nothing), importing again changes nothing, a changed session is
//! updated in place, searches by occupation, period and place.

use domain::RomeCode;
use model::trainings::*;
use store::*;
use testdb::TestDb;
use testdb::fixtures::*;

fn session(
    key: &str,
    rome: &str,
    starts: &str,
    ends: &str,
    at: (f64, f64),
) -> TrainingSessionRecord {
    TrainingSessionRecord {
        formation_ref: "F1".into(),
        action_ref: "A1".into(),
        session_ref: key.into(),
        title: format!("Titre professionnel {key}"),
        objective: Some("Être « opérationnel » & autonome".into()),
        body: TrainingBody {
            name: "AFPA Montreuil".into(),
            siret: None,
        },
        romes: vec![RomeCode::parse(rome).unwrap()],
        formacodes: vec!["31812".into()],
        nsf_codes: vec!["311".into()],
        rncp_codes: vec![],
        certifinfo_codes: vec![],
        certifying: true,
        entry_level: Some(0),
        publics: vec![],
        funders: vec!["10".into()],
        teaching: Some(TeachingMode::InPerson),
        place: TrainingPlace {
            lines: vec!["1 rue de la Gare".into()],
            postcode: None,
            city: "Montreuil".into(),
            commune: None,
            coordinates: Some(at),
        },
        starts: LheoDate::parse(starts).unwrap(),
        ends: LheoDate::parse(ends).unwrap(),
        hours_total: Some(420),
        hours_centre: Some(350),
        hours_enterprise: Some(70),
        recruitment: Some(1),
        url: None,
    }
}

const MONTREUIL: (f64, f64) = (48.86415, 2.44322);
const FONTAINEBLEAU: (f64, f64) = (48.40908, 2.70177);

fn catalogue() -> Vec<TrainingSessionRecord> {
    vec![
        session("S1", "N1101", "20260401", "20260530", MONTREUIL),
        session("S2", "N1101", "20260900", "20261200", FONTAINEBLEAU),
        session("S3", "N1103", "20260601", "20260630", MONTREUIL),
    ]
}

async fn import(db: &TestDb, batches: Vec<TrainingBatch>, now_day: u32) -> Result<BulkReport> {
    let (sender, receiver) = tokio::sync::mpsc::channel(batches.len().max(1));
    for batch in batches {
        sender.send(batch).await.unwrap();
    }
    drop(sender);
    db.store()
        .import_training_sessions(receiver, at(now_day))
        .await
}

pub async fn a_catalogue_is_imported_whole_or_not_at_all(db: &TestDb) {
    // Aborted halfway: nothing of the first batch stays.
    let aborted = import(
        db,
        vec![
            TrainingBatch::Sessions(catalogue()),
            TrainingBatch::Abort("line 40: malformed".into()),
        ],
        1,
    )
    .await;
    assert!(matches!(aborted, Err(StoreError::Invalid(ref m)) if m.contains("line 40")));
    // A reader that stops without saying the file ended: nothing either.
    let stopped = import(db, vec![TrainingBatch::Sessions(catalogue())], 1).await;
    assert!(
        matches!(stopped, Err(StoreError::Invalid(_))),
        "{stopped:?}"
    );
    assert!(db.store().training_sessions().await.unwrap().is_empty());

    let first = import(
        db,
        vec![TrainingBatch::Sessions(catalogue()), TrainingBatch::End],
        1,
    )
    .await
    .unwrap();
    assert_eq!((first.created, first.updated, first.unchanged), (3, 0, 0));
    let stored = db.store().training_sessions().await.unwrap();
    let keys: Vec<&str> = stored
        .iter()
        .map(|s| s.record.session_ref.as_str())
        .collect();
    assert_eq!(keys, vec!["S1", "S2", "S3"]);
    assert_eq!(stored[1].record, catalogue()[1]);

    // Again: nothing changes; a changed title is an update; a session twice is rejected.
    let again = import(
        db,
        vec![TrainingBatch::Sessions(catalogue()), TrainingBatch::End],
        2,
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    let mut changed = catalogue();
    changed[0].title = "Cariste d'entrepôt".into();
    changed[0].romes = vec![RomeCode::parse("A1101").unwrap()];
    changed.push(changed[2].clone());
    let report = import(
        db,
        vec![TrainingBatch::Sessions(changed), TrainingBatch::End],
        3,
    )
    .await
    .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 1, 2)
    );
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, 3);
    let first = db
        .store()
        .training_session(stored[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.record.title, "Cariste d'entrepôt");
    assert_eq!(first.updated_at, at(3));
    // The changed session's occupations are replaced, the others' kept.
    let of = |rome: &str| {
        let query = TrainingQuery {
            romes: vec![RomeCode::parse(rome).unwrap()],
            limit: 10,
            ..TrainingQuery::default()
        };
        async move {
            let (_, found) = db.store().search_training_sessions(&query).await.unwrap();
            found
                .into_iter()
                .map(|s| s.record.session_ref)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(of("A1101").await, vec!["S1".to_string()]);
    assert_eq!(of("N1101").await, vec!["S2".to_string()]);
    assert_eq!(of("N1103").await, vec!["S3".to_string()]);
}

pub async fn the_catalogue_is_searched_by_occupation_period_and_place(db: &TestDb) {
    import(
        db,
        vec![TrainingBatch::Sessions(catalogue()), TrainingBatch::End],
        1,
    )
    .await
    .unwrap();
    let search = |query: TrainingQuery| async move {
        let (total, found) = db.store().search_training_sessions(&query).await.unwrap();
        (
            total,
            found
                .into_iter()
                .map(|s| s.record.session_ref)
                .collect::<Vec<_>>(),
        )
    };
    let all = TrainingQuery {
        limit: 10,
        ..TrainingQuery::default()
    };
    assert_eq!(
        search(all.clone()).await,
        (3, vec!["S1".into(), "S3".into(), "S2".into()])
    );
    let forklift = TrainingQuery {
        romes: vec![RomeCode::parse("N1101").unwrap()],
        ..all.clone()
    };
    assert_eq!(
        search(forklift.clone()).await,
        (2, vec!["S1".into(), "S2".into()])
    );
    // Running on some day of June: S3; S1 ended on 30 May, S2 starts in September.
    let june = TrainingQuery {
        from: Some(date(2026, 6, 10)),
        to: Some(date(2026, 6, 20)),
        ..all.clone()
    };
    assert_eq!(search(june).await, (1, vec!["S3".into()]));
    // A month-only start (September) runs on 1 September at the earliest.
    let august = TrainingQuery {
        from: Some(date(2026, 8, 1)),
        to: Some(date(2026, 8, 31)),
        ..forklift.clone()
    };
    assert_eq!(search(august).await.0, 0);
    // Within 20 km of Saint-Denis: Montreuil (10 km), not Fontainebleau (60 km).
    let near = TrainingQuery {
        near: Some((48.93564, 2.35387)),
        within_km: 20.0,
        ..forklift
    };
    assert_eq!(search(near).await, (1, vec!["S1".into()]));
    let paged = TrainingQuery {
        limit: 1,
        offset: 1,
        ..all
    };
    assert_eq!(search(paged).await, (3, vec!["S3".into()]));
}

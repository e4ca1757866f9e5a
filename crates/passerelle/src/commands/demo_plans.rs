//! The demo's training before hiring: a long-term job seeker of the demo advisor's portfolio
//! whose reconversion paths lead, in one close step, to an occupation in tension; an offer of
//! the demo agency in that occupation near them ("formation avant embauche"), to which the
//! person was referred and said yes; and a session of the catalogue for it within their reach,
//! starting in three weeks. The advisor finds the path, and the two sides build the plan.

use chrono::{DateTime, Duration, Utc};
use domain::{ExternalId, RomeCode};
use model::trainings::{
    LheoDate, TeachingMode, TrainingBody, TrainingPlace, TrainingSessionRecord,
};
use service::reconversion;
use store::{PriorityStatus, Role, Store, TransitionRequest};

/// The demo offer's reference: the seed runs once.
const OFFER_REFERENCE: &str = "DEMO-POEI-1";

pub async fn seed_plan(
    store: &dyn Store,
    seats: &[(Role, store::Structure)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some((advisor, agency)) = super::demo_duos::advisor_and_agency(seats) else {
        return Ok(());
    };
    let today = now.date_naive();
    let context = reconversion::load(store, today).await?;
    let mut found = None;
    for person in store.job_seekers_of_agency(advisor.id, 0, 2_000).await? {
        let r = &person.record;
        if r.status != store::JobSeekerStatus::Active
            || r.consent.is_none()
            || !r.priorities.contains_key(&PriorityStatus::LongTerm)
        {
            continue;
        }
        let Some(path_person) = reconversion::path_person(r) else {
            continue;
        };
        let paths = reconversion::paths(&path_person, &context);
        let target = paths.targets.iter().find(|t| {
            t.official_class.unwrap_or(0) >= 4
                && t.route.len() == 1
                && t.kind == reconversion::LinkKind::Close
        });
        if let Some(target) = target {
            found = Some((person.clone(), target.rome, target.label, path_person.home));
            break;
        }
    }
    let Some((person, rome, label, home)) = found else {
        return Ok(());
    };
    // The agency's offer, modelled on one of its own.
    let Some(model_offer) = store
        .offers_of_structure(agency.id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let mut offer = model_offer.record.clone();
    offer.external_id = ExternalId::parse(OFFER_REFERENCE).map_err(|e| anyhow::anyhow!("{e}"))?;
    offer.title = format!("{label} — formation avant embauche");
    offer.rome = RomeCode::parse(rome).map_err(|e| anyhow::anyhow!("{e}"))?;
    offer.job_title = None;
    offer.job_title_ogr = None;
    offer.skills = Vec::new();
    offer.commune = person.record.commune.clone();
    offer.postcode = None;
    offer.workplace_label = None;
    offer.coordinates = None;
    offer.contract_type = store::ContractType::Cdi;
    offer.duration_label = None;
    offer.duration_days = None;
    offer.weekly_hours = Some(35.0);
    offer.hard_to_fill = true;
    offer.status = store::OfferStatus::Open;
    offer.published_at = now - Duration::days(10);
    offer.closed_at = None;
    offer.close_reason = None;
    offer.starts_on = Some(today + Duration::days(70));
    store.upsert_offers(&[offer], now).await?;
    let Some(offer) = store
        .offer(
            &agency.record.siret,
            &ExternalId::parse(OFFER_REFERENCE).map_err(|e| anyhow::anyhow!("{e}"))?,
        )
        .await?
    else {
        return Ok(());
    };
    // The person was referred to it and said yes (through their advisor).
    let referral = store
        .create_referral(person.id, offer.id, None, None, now - Duration::days(3))
        .await?;
    store
        .transition_referral(
            &TransitionRequest::accept(referral.id),
            None,
            now - Duration::days(2),
        )
        .await?;
    // A session toward the occupation where the person lives, in three weeks, 350 hours.
    let starts = today + Duration::days(21);
    let ends = starts + Duration::weeks(10);
    let session = TrainingSessionRecord {
        objective: Some(format!(
            "Acquérir les gestes du métier de {label} avant l'embauche, en centre et en \
             entreprise."
        )),
        romes: vec![RomeCode::parse(rome).map_err(|e| anyhow::anyhow!("{e}"))?],
        teaching: Some(TeachingMode::InPerson),
        starts: LheoDate::of_day(starts),
        ends: LheoDate::of_day(ends),
        hours_total: Some(350),
        hours_centre: Some(280),
        hours_enterprise: Some(70),
        recruitment: Some(1),
        ..TrainingSessionRecord::bare(
            [
                "DEMO_AF_0000000001",
                "DEMO_AC_0000000001",
                "DEMO_SE_0000000001",
            ],
            format!("Préparation opérationnelle à l'emploi : {label}"),
            TrainingBody {
                name: "AFPA (démonstration)".into(),
                siret: None,
            },
            TrainingPlace {
                lines: Vec::new(),
                postcode: None,
                city: refdata::geo()
                    .commune(person.record.commune.as_str())
                    .map_or_else(String::new, |c| c.name.to_string()),
                commune: Some(person.record.commune.clone()),
                coordinates: Some(home),
            },
        )
    };
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    sender
        .send(store::TrainingBatch::Sessions(vec![session]))
        .await
        .map_err(|_| anyhow::anyhow!("the demo's catalogue writer stopped"))?;
    sender
        .send(store::TrainingBatch::End)
        .await
        .map_err(|_| anyhow::anyhow!("the demo's catalogue writer stopped"))?;
    drop(sender);
    store.import_training_sessions(receiver, now).await?;
    Ok(())
}

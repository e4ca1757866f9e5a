//! The simulated region's year of the structures' self-service (`simulate::directory_edits`):
//! each service's steps written through the store's `DirectoryEdits`, as the forms write them,
//! each record first read back by `exchange::inclusion::read_service_object`, the forms' and
//! the API's own check, so that what the year leaves is what a structure could have typed.

use std::collections::HashMap;

use anyhow::{Context, bail};
use simulate::directory_edits::Plan;
use store::{ServiceAction, ServiceRecord, Store};

/// What the year of self-service wrote.
pub(crate) struct DirectoryTotals {
    pub(crate) created: usize,
    pub(crate) edited: usize,
    pub(crate) confirmed: usize,
    pub(crate) suspended: usize,
    pub(crate) archived: usize,
}

/// A record as the form would give it: written as data·inclusion's object and read back by
/// the form's own reader, which must give it back unchanged.
fn as_typed(record: &ServiceRecord) -> anyhow::Result<()> {
    let object = exchange::inclusion::service_object(record);
    let read = exchange::inclusion::read_service_object(
        &object,
        &record.structure_siret,
        &record.external_id,
    )
    .map_err(|errors| {
        anyhow::anyhow!(
            "a simulated service ({}) would be refused by the form: {}",
            record.name,
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    // The simulated addresses are reserved ones, which the writer leaves out of the file.
    let expected = ServiceRecord {
        email: record
            .email
            .clone()
            .filter(|e| exchange::inclusion::publishable_email(e.as_str())),
        ..record.clone()
    };
    if read != expected {
        bail!(
            "a simulated service ({}) does not read back as written",
            record.name
        );
    }
    Ok(())
}

/// Writes the year's steps in time order, each by a member of the service's structure when it
/// has one (`members`: a user per structure id).
pub(crate) async fn write_year(
    store: &dyn Store,
    plan: &Plan,
    members: &HashMap<i64, i64>,
) -> anyhow::Result<DirectoryTotals> {
    let structures: HashMap<String, i64> = store
        .structures()
        .await?
        .into_iter()
        .map(|s| (s.record.siret.as_str().to_string(), s.id))
        .collect();
    let mut ids: HashMap<(String, String), i64> = store
        .services()
        .await?
        .into_iter()
        .map(|s| {
            (
                (
                    s.record.structure_siret.as_str().to_string(),
                    s.record.external_id.clone(),
                ),
                s.id,
            )
        })
        .collect();
    let mut steps: Vec<(&simulate::directory_edits::Step, &ServiceRecord)> = plan
        .services
        .iter()
        .flat_map(|s| s.steps.iter().map(move |step| (step, &s.last)))
        .collect();
    steps.sort_by_key(|(step, _)| step.at);
    let bar = super::progress(steps.len() as u64, "directory edits");
    for (step, last) in steps {
        let key = (
            last.structure_siret.as_str().to_string(),
            last.external_id.clone(),
        );
        let by = structures
            .get(&key.0)
            .and_then(|structure| members.get(structure))
            .copied();
        if let Some(record) = &step.record {
            as_typed(record)?;
        }
        match (step.action, &step.record) {
            (ServiceAction::Created, Some(record)) => {
                let service = store
                    .create_service(record, by, step.at)
                    .await
                    .with_context(|| format!("writing the simulated service {}", record.name))?;
                ids.insert(key, service.id);
            }
            (action, record) => {
                let Some(id) = ids.get(&key).copied() else {
                    bail!(
                        "a simulated step of {} before the service exists",
                        last.name
                    );
                };
                let done = match record {
                    Some(record) => {
                        store
                            .update_service(id, record, action, by, step.at)
                            .await?
                    }
                    None => store.move_service(id, action, by, step.at).await?,
                };
                if done.is_none() {
                    bail!("the simulated service {} is gone", last.name);
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(DirectoryTotals {
        created: plan.count(ServiceAction::Created),
        edited: plan.count(ServiceAction::Updated),
        confirmed: plan.count(ServiceAction::Confirmed),
        suspended: plan.count(ServiceAction::Suspended),
        archived: plan.count(ServiceAction::Archived),
    })
}

/// A member of each structure that has one (the lowest user id), to sign its edits.
pub(crate) async fn members(store: &dyn Store) -> anyhow::Result<HashMap<i64, i64>> {
    let mut out: HashMap<i64, i64> = HashMap::new();
    for (user, memberships) in store.users().await? {
        for m in memberships {
            let entry = out.entry(m.structure_id).or_insert(user.id);
            *entry = (*entry).min(user.id);
        }
    }
    Ok(out)
}

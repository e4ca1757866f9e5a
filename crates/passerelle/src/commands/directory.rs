//! `passerelle export directory` and `passerelle import directory`: the shared directory of
//! both networks as data·inclusion v1 files (`structures.json`, `services.json`).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use domain::Siret;
use exchange::{RowError, inclusion};

use super::{now, open_store};
use crate::settings::Settings;

const STRUCTURES: &str = "structures.json";
const SERVICES: &str = "services.json";

/// The good records, their positions in the file, and the rejected rows.
fn split<T>(rows: Vec<exchange::Row<T>>) -> (Vec<T>, Vec<usize>, Vec<RowError>) {
    let mut good = Vec::new();
    let mut positions = Vec::new();
    let mut rejected = Vec::new();
    for row in rows {
        match row {
            Ok((position, record)) => {
                good.push(record);
                positions.push(position);
            }
            Err(err) => rejected.push(err),
        }
    }
    (good, positions, rejected)
}

pub async fn export(dir: &Path, settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let stored = store.structures().await?;
    let sirets: HashMap<i64, String> = stored
        .iter()
        .map(|s| (s.id, s.record.siret.as_str().to_string()))
        .collect();
    let structures: Vec<_> = stored
        .into_iter()
        .map(|s| (s.record, s.updated_at.date_naive()))
        .collect();
    let profiles: HashMap<String, store::StructureProfile> = store
        .structure_profiles()
        .await?
        .into_iter()
        .filter_map(|(id, p)| sirets.get(&id).map(|siret| (siret.clone(), p)))
        .collect();
    let services: Vec<_> = store
        .services()
        .await?
        .into_iter()
        // Only what the directory shows: a pending, suspended or archived service stays out.
        .filter(|s| s.status == store::ServiceStatus::Published)
        .map(|s| s.record)
        .collect();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_whole(
        &dir.join(STRUCTURES),
        &inclusion::write_structures(&structures, &profiles),
    )?;
    write_whole(&dir.join(SERVICES), &inclusion::write_services(&services))?;
    writeln!(
        out,
        "exported {} structures and {} services as data·inclusion v1 to {} ({STRUCTURES}, {SERVICES})",
        structures.len(),
        services.len(),
        dir.display()
    )?;
    Ok(())
}

/// Writes a file whole or not at all: a temporary file renamed into place.
fn write_whole(path: &Path, value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn report_rejects(out: &mut dyn Write, file: &Path, rejected: &[RowError]) -> anyhow::Result<()> {
    let rejects = {
        let mut name = file.as_os_str().to_owned();
        name.push(".rejects.csv");
        std::path::PathBuf::from(name)
    };
    if rejected.is_empty() {
        if rejects.exists() {
            std::fs::remove_file(&rejects)
                .with_context(|| format!("removing the stale {}", rejects.display()))?;
        }
        return Ok(());
    }
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(&rejects)
        .with_context(|| format!("writing {}", rejects.display()))?;
    csv.write_record(["position", "field", "reason"])?;
    for row in rejected {
        for e in &row.errors {
            csv.write_record([row.position.to_string(), e.field.clone(), e.reason.clone()])?;
        }
    }
    csv.flush()?;
    writeln!(
        out,
        "rejected records, with the field and the reason: {}",
        rejects.display()
    )?;
    for row in rejected.iter().take(5) {
        for e in row.errors.iter().take(3) {
            writeln!(
                out,
                "  position {}: {}: {}",
                row.position, e.field, e.reason
            )?;
        }
    }
    if rejected.len() > 5 {
        writeln!(out, "  ...")?;
    }
    Ok(())
}

pub async fn import(
    dir: &Path,
    settings: &Settings,
    dry_run: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder: the directory is a folder holding {STRUCTURES} and {SERVICES}",
            dir.display()
        );
    }
    let structures_file = dir.join(STRUCTURES);
    let services_file = dir.join(SERVICES);
    let structure_rows = inclusion::read_structures(&read(&structures_file)?)
        .map_err(|err| anyhow::anyhow!("{}: {err}", structures_file.display()))?;
    let (good, good_positions, mut rejected) = split(structure_rows);
    // Which SIRET each data·inclusion structure id is: the file's, and ours by construction.
    let mut ids: BTreeMap<String, Siret> = good
        .iter()
        .map(|s| (s.id.clone(), s.record.siret.clone()))
        .collect();
    let service_rows = if services_file.exists() {
        let bytes = read(&services_file)?;
        // Ids of our own form name structures already in the directory.
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_slice(&bytes) {
            for item in items {
                if let Some(id) = item.get("structure_id").and_then(|v| v.as_str())
                    && let Some(siret) = id.strip_prefix(&format!("{}--", inclusion::SOURCE))
                    && let Ok(siret) = Siret::parse(siret)
                {
                    ids.entry(id.to_string()).or_insert(siret);
                }
            }
        }
        inclusion::read_services(&bytes, &ids)
            .map_err(|err| anyhow::anyhow!("{}: {err}", services_file.display()))?
    } else {
        Vec::new()
    };
    let (services, service_positions, mut services_rejected) = split(service_rows);
    if dry_run {
        writeln!(
            out,
            "dry run of {}: {} structures and {} services valid, {} and {} rejected; nothing written",
            dir.display(),
            good.len(),
            services.len(),
            rejected.len(),
            services_rejected.len()
        )?;
    } else {
        let store = open_store(settings).await?;
        let now = now();
        // A field the file leaves out is unknown to its producer, not removed: what we hold
        // is kept (data·inclusion files leave out, for instance, reserved addresses).
        let mut records = Vec::with_capacity(good.len());
        for s in &good {
            let mut record = s.record.clone();
            if let Some(stored) = store.structure_by_siret(&record.siret).await? {
                let kept = stored.record;
                record.email = record.email.or(kept.email);
                record.phone = record.phone.or(kept.phone);
                record.website = record.website.or(kept.website);
                record.address = record.address.or(kept.address);
                record.postcode = record.postcode.or(kept.postcode);
                record.coordinates = record.coordinates.or(kept.coordinates);
                record.network = record.network.or(kept.network);
            }
            records.push(record);
        }
        let report = store.upsert_structures(&records, now).await?;
        for (i, reason) in &report.rejected {
            rejected.push(RowError {
                position: good_positions.get(*i).copied().unwrap_or(i + 1),
                errors: vec![exchange::FieldError::new("record", reason.clone())],
            });
        }
        for s in &good {
            if let Some(stored) = store.structure_by_siret(&s.record.siret).await? {
                store
                    .set_structure_profile(stored.id, &s.profile, now)
                    .await?;
            }
        }
        let service_report = store.upsert_services(&services, now).await?;
        for (i, reason) in &service_report.rejected {
            services_rejected.push(RowError {
                position: service_positions.get(*i).copied().unwrap_or(i + 1),
                errors: vec![exchange::FieldError::new("record", reason.clone())],
            });
        }
        writeln!(
            out,
            "{} into {}: structures {} created, {} updated, {} unchanged, {} rejected; services \
             {} created, {} updated, {} unchanged, {} rejected",
            dir.display(),
            settings.database,
            report.created,
            report.updated,
            report.unchanged,
            rejected.len(),
            service_report.created,
            service_report.updated,
            service_report.unchanged,
            services_rejected.len()
        )?;
    }
    report_rejects(out, &structures_file, &rejected)?;
    report_rejects(out, &services_file, &services_rejected)?;
    Ok(())
}

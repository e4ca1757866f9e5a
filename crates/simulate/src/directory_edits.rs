//! A year of the structures' self-service in the simulated region (issue 22): the directory's
//! services as their structures kept them through the forms over the year before the
//! reference day. The services of `Region::services` are what the directory holds at the end
//! of the year (each `date_maj` the last day its structure checked it); this plan says how
//! each got there:
//!
//! - a service checked before the year began was imported then, and nobody touched it since
//!   (the overdue ones among them);
//! - of those checked during the year, [`FORM_CREATED`] were written in the form on that day;
//!   [`EDITED`] were imported at the year's start in an earlier version (other opening hours,
//!   a shorter description, its last check one review period before) and edited in the form
//!   that day; the others were imported the same way and confirmed unchanged that day;
//! - after its last check, a service may be suspended by its structure ([`SUSPENDED`]) or
//!   deleted ([`ARCHIVED`]): then the directory no longer shows it, and [`Plan::published`]
//!   leaves it out.
//!
//! No rate of the kind is published for data·inclusion's producers (DORA publishes counts of
//! structures and services, not of edits): each rate here is an assumption, said as such. The
//! plan is a pure function of the services, the reference time and the seed.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use model::{ServiceAction, ServiceRecord};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Share of the services checked during the year that were written in the form that year
/// (the others came by file): an assumption.
pub const FORM_CREATED: f64 = 0.10;

/// Share of the services checked during the year whose structure changed something in the
/// form (the others confirmed the description unchanged): an assumption.
pub const EDITED: f64 = 0.30;

/// Share of the services suspended by their structure after their last check, still
/// suspended on the reference day: an assumption.
pub const SUSPENDED: f64 = 0.03;

/// Share of the services deleted from the directory by their structure after their last
/// check (archived, history kept): an assumption.
pub const ARCHIVED: f64 = 0.02;

/// One step of a service's year, in the form: what, when, with the record it leaves (for a
/// creation, an edit or a confirmation).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub action: ServiceAction,
    pub record: Option<ServiceRecord>,
}

/// A service's year: the version imported at the year's start (none when it was written in
/// the form during the year), then its steps in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedService {
    pub imported: Option<ServiceRecord>,
    pub steps: Vec<Step>,
    /// What it says on the reference day.
    pub last: ServiceRecord,
}

impl PlannedService {
    /// Whether the directory shows it on the reference day.
    pub fn published(&self) -> bool {
        !self
            .steps
            .iter()
            .any(|s| matches!(s.action, ServiceAction::Suspended | ServiceAction::Archived))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// When the imported versions were imported: a year before the reference time.
    pub start: DateTime<Utc>,
    pub services: Vec<PlannedService>,
}

impl Plan {
    /// The services the directory shows on the reference day, as the export writes them.
    pub fn published(&self) -> Vec<ServiceRecord> {
        self.services
            .iter()
            .filter(|s| s.published())
            .map(|s| s.last.clone())
            .collect()
    }

    /// The versions imported at the year's start.
    pub fn imported(&self) -> Vec<ServiceRecord> {
        self.services
            .iter()
            .filter_map(|s| s.imported.clone())
            .collect()
    }

    pub fn count(&self, action: ServiceAction) -> usize {
        self.services
            .iter()
            .flat_map(|s| &s.steps)
            .filter(|s| s.action == action)
            .count()
    }
}

/// A time on `day` during office hours.
fn during(rng: &mut StdRng, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.random_range(8 * 60..18 * 60);
    day.and_time(NaiveTime::MIN).and_utc() + Duration::minutes(minutes)
}

/// The version a structure edited: other opening hours, and the description's first sentence
/// only when it has several; checked one review period before (and no later than `start`,
/// when it was imported).
fn earlier(record: &ServiceRecord, start: NaiveDate) -> ServiceRecord {
    let hours = match record.opening_hours.as_deref() {
        Some("Mo-Fr 09:00-12:00") => "Mo-Th 09:00-12:00",
        _ => "Mo-Fr 09:00-12:00",
    };
    let description = match record.description.split_once(". ") {
        Some((first, _)) if first.chars().count() >= 5 => format!("{first}."),
        _ => record.description.clone(),
    };
    ServiceRecord {
        opening_hours: Some(hours.to_string()),
        description,
        updated_on: (record.updated_on - Duration::days(i64::from(record.review_every_days)))
            .min(start),
        ..record.clone()
    }
}

/// The year of each service of `services` (the directory on the reference day `now`).
pub fn plan(services: &[ServiceRecord], now: DateTime<Utc>, seed: u64) -> Plan {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5e41_ce5f);
    let start = now - Duration::days(365);
    let today = now.date_naive();
    let mut planned = Vec::with_capacity(services.len());
    for record in services {
        let checked = record.updated_on;
        if checked <= start.date_naive() || checked > today {
            planned.push(PlannedService {
                imported: Some(record.clone()),
                steps: Vec::new(),
                last: record.clone(),
            });
            continue;
        }
        let at = during(&mut rng, checked);
        let x: f64 = rng.random();
        let (imported, first) = if x < FORM_CREATED {
            (None, ServiceAction::Created)
        } else if x < FORM_CREATED + EDITED {
            (
                Some(earlier(record, start.date_naive())),
                ServiceAction::Updated,
            )
        } else {
            (
                Some(ServiceRecord {
                    updated_on: earlier(record, start.date_naive()).updated_on,
                    ..record.clone()
                }),
                ServiceAction::Confirmed,
            )
        };
        let mut steps = vec![Step {
            at,
            action: first,
            record: Some(record.clone()),
        }];
        let left = (today - checked).num_days();
        if left > 1 {
            let y: f64 = rng.random();
            let end = if y < SUSPENDED {
                Some(ServiceAction::Suspended)
            } else if y < SUSPENDED + ARCHIVED {
                Some(ServiceAction::Archived)
            } else {
                None
            };
            if let Some(action) = end {
                let day = checked + Duration::days(rng.random_range(1..left));
                steps.push(Step {
                    at: during(&mut rng, day),
                    action,
                    record: None,
                });
            }
        }
        planned.push(PlannedService {
            imported,
            steps,
            last: record.clone(),
        });
    }
    Plan {
        start,
        services: planned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn service(n: u32, updated_on: NaiveDate) -> ServiceRecord {
        ServiceRecord {
            eligibility_zone: vec!["93".to_string()],
            opening_hours: Some("Mo-Fr 09:00-17:00".to_string()),
            ..ServiceRecord::new(
                domain::Siret::parse("73282932000074").unwrap(),
                &format!("S{n}"),
                &format!("Service {n}"),
                "Un accompagnement. Sur rendez-vous.",
                updated_on,
            )
        }
    }

    #[test]
    fn each_service_ends_the_year_as_the_directory_holds_it() {
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
        let old = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let services: Vec<ServiceRecord> = (0..2_000)
            .map(|n| {
                let day = if n % 4 == 0 {
                    old
                } else {
                    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                        + Duration::days(i64::from(n % 300))
                };
                service(n, day)
            })
            .collect();
        let plan = plan(&services, now, 7);
        assert_eq!(plan.services.len(), 2_000);
        for (planned, record) in plan.services.iter().zip(&services) {
            assert_eq!(&planned.last, record);
            if record.updated_on == old {
                // Checked before the year: imported as it is, untouched.
                assert_eq!(planned.imported.as_ref(), Some(record));
                assert!(planned.steps.is_empty());
                continue;
            }
            let first = &planned.steps[0];
            assert_eq!(first.record.as_ref(), Some(record));
            assert_eq!(first.at.date_naive(), record.updated_on);
            match first.action {
                ServiceAction::Created => assert!(planned.imported.is_none()),
                ServiceAction::Updated => {
                    let before = planned.imported.as_ref().unwrap();
                    assert_ne!(before.opening_hours, record.opening_hours);
                    assert_eq!(before.description, "Un accompagnement.");
                    assert!(before.updated_on < record.updated_on);
                }
                ServiceAction::Confirmed => {
                    let before = planned.imported.as_ref().unwrap();
                    assert_eq!(before.opening_hours, record.opening_hours);
                    assert!(before.updated_on < record.updated_on);
                }
                other => panic!("a year does not start with {other:?}"),
            }
            // Steps in time order, within the year.
            assert!(planned.steps.windows(2).all(|w| w[0].at < w[1].at));
            assert!(
                planned
                    .steps
                    .iter()
                    .all(|s| s.at > plan.start && s.at <= now)
            );
        }
        // The rates hold roughly over 1,500 services checked in the year.
        let share = |action| plan.count(action) as f64 / 1_500.0;
        assert!((share(ServiceAction::Created) - FORM_CREATED).abs() < 0.03);
        assert!((share(ServiceAction::Updated) - EDITED).abs() < 0.04);
        assert!(share(ServiceAction::Suspended) > 0.01 && share(ServiceAction::Suspended) < 0.05);
        assert!(share(ServiceAction::Archived) > 0.005 && share(ServiceAction::Archived) < 0.04);
        let published = plan.published();
        assert_eq!(
            published.len(),
            2_000 - plan.count(ServiceAction::Suspended) - plan.count(ServiceAction::Archived)
        );
    }
}

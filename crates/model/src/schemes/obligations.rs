//! Whether the contract a scheme asks for followed the training: met, still awaited, or
//! missing (a breach the training plans flag to the steering committee).

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{ContractKind, Following, SchemeRule, SchemeSession, WorkStudy, contract_kinds, human};
use crate::ContractType;

/// A contract signed after (or during) a training, as a plan records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowingContract {
    pub contract_type: ContractType,
    #[serde(default)]
    pub work_study: Option<WorkStudy>,
    #[serde(default)]
    pub seasonal: bool,
    /// First day.
    pub starts: NaiveDate,
    /// Last day (inclusive) as agreed; none for a contract without end.
    #[serde(default)]
    pub ends: Option<NaiveDate>,
    /// Hours worked, for temp missions, when known.
    #[serde(default)]
    pub hours: Option<u32>,
}

impl FollowingContract {
    pub fn kinds(&self) -> BTreeSet<ContractKind> {
        contract_kinds(self.contract_type, self.work_study, self.seasonal)
    }

    /// Whole months from the first day to the last: 1 October to 31 March is 6 months. None
    /// for a contract without end.
    pub fn months(&self) -> Option<u32> {
        let after = self.ends?.succ_opt()?;
        let mut months = (after.year() - self.starts.year()) * 12 + after.month() as i32
            - self.starts.month() as i32;
        while months > 0
            && self
                .starts
                .checked_add_months(Months::new(months.unsigned_abs()))
                .is_none_or(|day| day > after)
        {
            months -= 1;
        }
        Some(u32::try_from(months).unwrap_or(0))
    }

    fn describe(&self) -> String {
        let ends = self
            .ends
            .map(|ends| format!(" to {}", human(ends)))
            .unwrap_or_default();
        format!("{} from {}{ends}", self.contract_type, human(self.starts))
    }
}

/// Where a scheme's following contract stands on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obligation {
    /// The scheme asks for no contract afterwards.
    NotRequired,
    /// A contract (or missions) recorded meets it.
    Met { reason: String },
    /// Not met yet, and the window is open until that day (inclusive).
    Pending { until: NaiveDate, reason: String },
    /// Not met, and every window has closed: `rule` is the version's id.
    Breach { rule: &'static str, reason: String },
}

/// Where the contract that must follow a training stands on `day`, given the contracts
/// recorded since (any one way of the rule suffices). A way's window:
/// - a contract ([`Following::Contract`]) must start between the training's first day and
///   `hire_within_months` after its last, and be of the kind and at least the length (its
///   agreed length counts, ended early or not; a longer one than the upper bound too);
/// - missions ([`Following::Missions`]) count for their days within the months after the
///   training, a month counting 30 days;
/// - mission hours ([`Following::MissionHours`]) count for missions starting within the
///   months after the training; missions without hours count none;
/// - being put to work ([`Following::PutToWork`]) is a temp mission starting between the
///   training's first day and the months after its last.
///
/// The rule is met when a way is; pending while a way's window is still open on `day`; a
/// breach once all have closed.
pub fn obligations(
    rule: &'static SchemeRule,
    session: &SchemeSession,
    followed: &[FollowingContract],
    day: NaiveDate,
) -> Obligation {
    if rule.following.is_empty() {
        return Obligation::NotRequired;
    }
    let statuses: Vec<Status> = rule
        .following
        .iter()
        .map(|way| status(rule, *way, session, followed))
        .collect();
    if let Some(reason) = statuses.iter().find_map(|status| match status {
        Status::Met(reason) => Some(reason.clone()),
        Status::Unmet(_) => None,
    }) {
        return Obligation::Met { reason };
    }
    let ways: Vec<String> = rule.following.iter().map(|way| way.describe()).collect();
    let ways = ways.join(", or ");
    let deadline = statuses
        .iter()
        .filter_map(|status| match status {
            Status::Unmet(last) => *last,
            Status::Met(_) => None,
        })
        .max();
    match deadline {
        Some(until) if day <= until => Obligation::Pending {
            until,
            reason: format!("awaiting {ways}, until {}", human(until)),
        },
        _ => {
            let recorded: Vec<String> = followed.iter().map(FollowingContract::describe).collect();
            let recorded = if recorded.is_empty() {
                "none recorded".to_string()
            } else {
                format!("recorded: {}", recorded.join("; "))
            };
            Obligation::Breach {
                rule: rule.id,
                reason: format!(
                    "the {} had to lead to {ways}; {recorded}",
                    rule.scheme.short()
                ),
            }
        }
    }
}

/// One way's state: met (why), or not (with the last day of its window, none when the dates
/// overflow).
enum Status {
    Met(String),
    Unmet(Option<NaiveDate>),
}

fn status(
    rule: &SchemeRule,
    way: Following,
    session: &SchemeSession,
    followed: &[FollowingContract],
) -> Status {
    let after = session.ends.succ_opt();
    match way {
        Following::Contract {
            kind, min_months, ..
        } => {
            let last = session
                .ends
                .checked_add_months(Months::new(rule.hire_within_months));
            let meets = |contract: &&FollowingContract| {
                in_window(contract.starts, Some(session.starts), last)
                    && contract.kinds().contains(&kind)
                    && (kind == ContractKind::Permanent
                        || contract.months().is_some_and(|months| months >= min_months))
            };
            match followed.iter().find(meets) {
                Some(contract) => {
                    Status::Met(format!("{} meets: {}", contract.describe(), way.describe()))
                }
                None => Status::Unmet(last),
            }
        }
        Following::Missions {
            months,
            within_months,
        } => {
            let last = session.ends.checked_add_months(Months::new(within_months));
            let (Some(first), Some(last)) = (after, last) else {
                return Status::Unmet(last);
            };
            let days: i64 = followed
                .iter()
                .filter(|contract| contract.kinds().contains(&ContractKind::Missions))
                .map(|mission| {
                    let from = mission.starts.max(first);
                    let to = mission.ends.unwrap_or(last).min(last);
                    ((to - from).num_days() + 1).max(0)
                })
                .sum();
            if days >= i64::from(months) * 30 {
                Status::Met(format!(
                    "{days} days of missions within the window meet: {}",
                    way.describe()
                ))
            } else {
                Status::Unmet(Some(last))
            }
        }
        Following::MissionHours {
            share,
            within_months,
        } => {
            let last = session.ends.checked_add_months(Months::new(within_months));
            let training = session.hours(rule.hours_basis);
            let hours: u32 = followed
                .iter()
                .filter(|contract| {
                    contract.kinds().contains(&ContractKind::Missions)
                        && in_window(contract.starts, after, last)
                })
                .filter_map(|mission| mission.hours)
                .sum();
            if u64::from(hours) * u64::from(share.denominator)
                >= u64::from(training) * u64::from(share.numerator)
            {
                Status::Met(format!(
                    "{hours} h of missions for {training} h of training meet: {}",
                    way.describe()
                ))
            } else {
                Status::Unmet(last)
            }
        }
        Following::PutToWork { within_months } => {
            let last = session.ends.checked_add_months(Months::new(within_months));
            match followed.iter().find(|contract| {
                contract.kinds().contains(&ContractKind::Missions)
                    && in_window(contract.starts, Some(session.starts), last)
            }) {
                Some(contract) => {
                    Status::Met(format!("{} meets: {}", contract.describe(), way.describe()))
                }
                None => Status::Unmet(last),
            }
        }
    }
}

/// Whether a day lies between two (inclusive); a bound that overflowed admits nothing.
fn in_window(day: NaiveDate, first: Option<NaiveDate>, last: Option<NaiveDate>) -> bool {
    match (first, last) {
        (Some(first), Some(last)) => first <= day && day <= last,
        _ => false,
    }
}

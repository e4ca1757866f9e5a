//! The priority policy of a territory: which priority statuses every shortlist of the
//! territory's offers protects, and how, from which day. The agreement's second axis asks both
//! networks for "particular attention" to job seekers with a disability and to those furthest
//! from employment; a policy is how that attention is applied, the same for every reader.
//!
//! A policy is set for the region or for one department, and kept as history: rows are only
//! ever added. The policy in force for an offer on a day is the newest one of the offer's
//! department effective on that day, else the region's, else [`default_rule`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::PriorityStatus;

/// How a shortlist protects priority publics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PolicyRule {
    /// FA*IR for one status: every prefix of the list holds at least as many holders as a
    /// ranking drawn with proportion `p` would at significance `alpha` (Zehlike et al. 2017).
    Fair {
        status: PriorityStatus,
        p: f64,
        alpha: f64,
    },
    /// A minimum share of every prefix for each of several statuses (statuses overlap: one
    /// person may count for several).
    Floors { floors: Vec<Floor> },
}

/// The minimum share of a list's positions for the holders of one status.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub status: PriorityStatus,
    pub share: f64,
}

/// Where a policy applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", content = "code", rename_all = "snake_case")]
pub enum Territory {
    /// The whole region (its INSEE code, such as `11` for Île-de-France).
    Region(String),
    /// One department of the region (`93`, `2A`, `974`).
    Department(String),
}

impl Territory {
    pub fn scope(&self) -> &'static str {
        match self {
            Self::Region(_) => "region",
            Self::Department(_) => "department",
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Region(code) | Self::Department(code) => code,
        }
    }
}

/// A policy as it is set: for a territory, from a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub territory: Territory,
    pub rule: PolicyRule,
    /// The first day the policy applies.
    pub effective_from: NaiveDate,
    /// Why it was set (the committee's decision, say).
    pub note: Option<String>,
    /// The user who set it.
    pub set_by: Option<i64>,
}

/// A stored policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityPolicy {
    pub id: i64,
    #[serde(flatten)]
    pub record: PolicyRecord,
    pub set_at: chrono::DateTime<chrono::Utc>,
}

/// The largest FA*IR target proportion and significance accepted (beyond, the table asks
/// nearly every position of the list).
const MAX_STATUSES: usize = PriorityStatus::ALL.len();

impl PolicyRule {
    /// Why this rule cannot be applied, as (field, reason), if it cannot: `p` and `alpha`
    /// strictly between 0 and 1, shares in (0, 1] summing to at most 1 (so that every
    /// prefix can meet every floor at once, whoever holds what), each status once.
    pub fn problem(&self) -> Option<(String, String)> {
        match self {
            Self::Fair { p, alpha, .. } => {
                if !(p.is_finite() && *p > 0.0 && *p < 1.0) {
                    return Some(("p".into(), "a proportion strictly between 0 and 1".into()));
                }
                if !(alpha.is_finite() && *alpha > 0.0 && *alpha < 1.0) {
                    return Some((
                        "alpha".into(),
                        "a significance strictly between 0 and 1".into(),
                    ));
                }
                None
            }
            Self::Floors { floors } => {
                if floors.is_empty() {
                    return Some(("floors".into(), "at least one status is needed".into()));
                }
                if floors.len() > MAX_STATUSES {
                    return Some(("floors".into(), format!("at most {MAX_STATUSES} statuses")));
                }
                for (i, floor) in floors.iter().enumerate() {
                    if !(floor.share.is_finite() && floor.share > 0.0 && floor.share <= 1.0) {
                        return Some((
                            format!("floors/{i}/share"),
                            "a share greater than 0 and at most 1".into(),
                        ));
                    }
                    if floors.iter().take(i).any(|f| f.status == floor.status) {
                        return Some((
                            format!("floors/{i}/status"),
                            format!("{} is given twice", floor.status),
                        ));
                    }
                }
                let sum: f64 = floors.iter().map(|f| f.share).sum();
                if sum > 1.0 + 1e-9 {
                    return Some((
                        "floors".into(),
                        format!(
                            "the shares sum to {sum:.2}: at most 1, or no list could meet them all"
                        ),
                    ));
                }
                None
            }
        }
    }

    /// The statuses the rule protects.
    pub fn statuses(&self) -> Vec<PriorityStatus> {
        match self {
            Self::Fair { status, .. } => vec![*status],
            Self::Floors { floors } => floors.iter().map(|f| f.status).collect(),
        }
    }

    /// The share each protected status is aimed at: `p` for FA*IR, the floor's share.
    pub fn targets(&self) -> Vec<(PriorityStatus, f64)> {
        match self {
            Self::Fair { status, p, .. } => vec![(*status, *p)],
            Self::Floors { floors } => floors.iter().map(|f| (f.status, f.share)).collect(),
        }
    }

    /// For logs and the audit trail: `fair:rqth:p=0.1:alpha=0.1`, `floors:rqth=0.1,qpv=0.2`.
    pub fn describe(&self) -> String {
        match self {
            Self::Fair { status, p, alpha } => format!("fair:{status}:p={p}:alpha={alpha}"),
            Self::Floors { floors } => {
                let parts: Vec<String> = floors
                    .iter()
                    .map(|f| format!("{}={}", f.status, f.share))
                    .collect();
                format!("floors:{}", parts.join(","))
            }
        }
    }
}

/// The policy every territory has until its steering committee sets one: minimum shares for
/// the publics the agreement names (people with a disability, and those furthest from
/// employment: long-term unemployed, RSA recipients, residents of a QPV), each drawn from its
/// published share of Île-de-France's registered job seekers (categories A, B, C, 2022–24;
/// the same figures ground the simulated region, `simulate::figures`):
///
/// | status    | published share | floor | why |
/// |-----------|-----------------|-------|-----|
/// | rqth      | 6.2 % (60,400 DEBOE of 974,220, Handidonnées) | 0.10 | rounded *up* to one in ten, so that a top-10 holds one: the agreement's "particular attention", and the 6 % employment obligation (OETH) |
/// | long_term | 45.4 % (France Travail, STMT) | 0.40 | rounded down to the tenth |
/// | qpv       | 19.8 % (192,424 of 974,220)   | 0.20 | rounded to the tenth |
/// | rsa       | ≈ 16 % (France Travail)       | 0.10 | rounded down to the tenth |
///
/// The shares sum to 0.8, leaving room for merit alone; seniors (25 %) and young people
/// without a qualification (4.8 %) are left to each committee to add.
pub fn default_rule() -> PolicyRule {
    PolicyRule::Floors {
        floors: vec![
            Floor {
                status: PriorityStatus::Rqth,
                share: 0.1,
            },
            Floor {
                status: PriorityStatus::LongTerm,
                share: 0.4,
            },
            Floor {
                status: PriorityStatus::Qpv,
                share: 0.2,
            },
            Floor {
                status: PriorityStatus::Rsa,
                share: 0.1,
            },
        ],
    }
}

/// The published share of each priority public among Île-de-France's registered job seekers
/// (see [`default_rule`]): what the policy page shows beside each target.
pub fn published_share(status: PriorityStatus) -> f64 {
    match status {
        PriorityStatus::Rqth => 60_400.0 / 974_220.0,
        PriorityStatus::LongTerm => 0.454,
        PriorityStatus::Qpv => 192_424.0 / 974_220.0,
        PriorityStatus::Rsa => 0.16,
        PriorityStatus::Senior => 0.25,
        PriorityStatus::YoungUnqualified => 0.12 * 0.40,
    }
}

/// The policy that applies: what it is, where it was set, from when (`None`: the default,
/// never set).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InForce {
    pub id: Option<i64>,
    pub territory: Option<Territory>,
    pub rule: PolicyRule,
    pub effective_from: Option<NaiveDate>,
}

/// The policy in force on `day` for an offer of `department`: the newest of the department's
/// effective that day, else the region's, else the default. `policies` is the whole history
/// (any order); among policies effective the same day, the one set last wins.
pub fn in_force(policies: &[PriorityPolicy], department: Option<&str>, day: NaiveDate) -> InForce {
    let newest = |wanted: &dyn Fn(&Territory) -> bool| {
        policies
            .iter()
            .filter(|p| wanted(&p.record.territory) && p.record.effective_from <= day)
            .max_by_key(|p| (p.record.effective_from, p.id))
    };
    let found = department
        .and_then(|d| newest(&|t| matches!(t, Territory::Department(c) if c == d)))
        .or_else(|| newest(&|t| matches!(t, Territory::Region(_))));
    match found {
        Some(p) => InForce {
            id: Some(p.id),
            territory: Some(p.record.territory.clone()),
            rule: p.record.rule.clone(),
            effective_from: Some(p.record.effective_from),
        },
        None => InForce {
            id: None,
            territory: None,
            rule: default_rule(),
            effective_from: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn stored(id: i64, territory: Territory, from: NaiveDate, share: f64) -> PriorityPolicy {
        PriorityPolicy {
            id,
            record: PolicyRecord {
                territory,
                rule: PolicyRule::Floors {
                    floors: vec![Floor {
                        status: PriorityStatus::Rqth,
                        share,
                    }],
                },
                effective_from: from,
                note: None,
                set_by: None,
            },
            set_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn impossible_rules_name_their_field() {
        let fair = |p, alpha| PolicyRule::Fair {
            status: PriorityStatus::Rqth,
            p,
            alpha,
        };
        assert_eq!(fair(0.1, 0.1).problem(), None);
        assert_eq!(fair(1.0, 0.1).problem().unwrap().0, "p");
        assert_eq!(fair(f64::NAN, 0.1).problem().unwrap().0, "p");
        assert_eq!(fair(0.1, 0.0).problem().unwrap().0, "alpha");
        let floors = |list: &[(PriorityStatus, f64)]| PolicyRule::Floors {
            floors: list
                .iter()
                .map(|(status, share)| Floor {
                    status: *status,
                    share: *share,
                })
                .collect(),
        };
        use PriorityStatus::*;
        assert_eq!(floors(&[(Rqth, 0.1), (Qpv, 0.9)]).problem(), None);
        assert_eq!(
            floors(&[(Rqth, 0.5), (Qpv, 0.6)]).problem().unwrap().0,
            "floors"
        );
        assert_eq!(
            floors(&[(Rqth, 0.1), (Rqth, 0.2)]).problem().unwrap().0,
            "floors/1/status"
        );
        assert_eq!(
            floors(&[(Rqth, 0.1), (Qpv, -0.2)]).problem().unwrap().0,
            "floors/1/share"
        );
        assert_eq!(floors(&[]).problem().unwrap().0, "floors");
        assert_eq!(default_rule().problem(), None);
    }

    #[test]
    fn the_department_overrides_the_region_from_its_day_and_the_newest_wins() {
        let region = || Territory::Region("11".into());
        let dept = || Territory::Department("93".into());
        let history = vec![
            stored(1, region(), day(1), 0.1),
            stored(2, dept(), day(10), 0.3),
            stored(3, region(), day(5), 0.2),
            stored(4, dept(), day(10), 0.4),
        ];
        let share = |found: &InForce| match &found.rule {
            PolicyRule::Floors { floors } => floors[0].share,
            PolicyRule::Fair { .. } => unreachable!(),
        };
        // Before any policy: the default.
        let before = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        assert_eq!(in_force(&history, Some("93"), before).id, None);
        assert_eq!(in_force(&history, Some("93"), before).rule, default_rule());
        // The region's, until the department's day.
        assert_eq!(share(&in_force(&history, Some("93"), day(4))), 0.1);
        assert_eq!(share(&in_force(&history, Some("93"), day(9))), 0.2);
        // Two set for the same day: the one set last.
        assert_eq!(in_force(&history, Some("93"), day(10)).id, Some(4));
        // Another department keeps the region's.
        assert_eq!(in_force(&history, Some("75"), day(20)).id, Some(3));
        assert_eq!(in_force(&history, None, day(20)).id, Some(3));
    }
}

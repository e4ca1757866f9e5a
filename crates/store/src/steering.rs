//! The steering committee's measures (`model::indicators`): counted by department (or
//! another [`Cut`]: occupation family or occupation, priority public, commune) and month with `GROUP BY`
//! queries, the same on both backends — the measures read from the same rows
//! dated by the same column (the offers' five, the referral moves' four...) in one query, one
//! sum each. Only counts leave: no row holds a person's id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::Result;
use crate::backend::{Dialect, both_backends};
use crate::common::department_of;
use model::indicators::{Cut, Measure, MeasureRow};

/// The steering measures.
#[async_trait]
pub trait Steering: Send + Sync {
    /// `measure` counted by department and month over the events dated in `[since, until)`.
    async fn measure(
        &self,
        measure: Measure,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<MeasureRow>>;

    /// Each of `measures` counted by `cut` and month (a row's key the department's code,
    /// the grand domaine's letter, the ROME code, the priority public or the commune's code),
    /// those of the same rows counted in one query. A measure not counted by `cut` (see
    /// [`Measure::cuts`]) is refused.
    async fn measures(
        &self,
        measures: &[Measure],
        cut: Cut,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(Measure, Vec<MeasureRow>)>>;
}

/// Whether the person `j` holds at least one priority status.
const PRIORITY: &str =
    "(j.rqth OR j.long_term OR j.rsa OR j.qpv OR j.senior OR j.young_unqualified)";

/// The priority public of the person `j`: RQTH first, as the agreement ranks them.
const PUBLIC: &str = "CASE WHEN j.rqth THEN 'rqth' WHEN (j.long_term OR j.rsa OR j.qpv OR \
                      j.senior OR j.young_unqualified) THEN 'priority' ELSE 'none' END";

/// How a measure is read: its tables, the column that dates it (a timestamp, or a day when
/// `day` is set), its department, its days for a histogram, and its conditions; and for
/// the other cuts, its commune, its occupation and how to reach its person `j`.
struct Spec {
    from: &'static str,
    at: &'static str,
    day: bool,
    department: String,
    days: Option<String>,
    filter: String,
    commune: Option<&'static str>,
    rome: Option<&'static str>,
    /// The join that brings the person `j` (empty when `from` has it); none if no person.
    person: Option<&'static str>,
}

impl Spec {
    /// The key `cut` groups by, and the join it needs.
    fn key(&self, cut: Cut) -> Option<(String, &'static str)> {
        match cut {
            Cut::Department => Some((self.department.clone(), "")),
            Cut::Commune => self.commune.map(|c| (c.to_string(), "")),
            Cut::OccupationFamily => self.rome.map(|r| (format!("substr({r}, 1, 1)"), "")),
            Cut::Occupation => self.rome.map(|r| (r.to_string(), "")),
            Cut::PriorityPublic => self.person.map(|join| (PUBLIC.to_string(), join)),
        }
    }
}

fn spec<D: Dialect>(measure: Measure) -> Spec {
    let offer = || department_of("o.commune_code");
    let person = || department_of("j.commune_code");
    let simple = |from, at, department, filter: &str| Spec {
        from,
        at,
        day: false,
        department,
        days: None,
        filter: filter.to_string(),
        commune: None,
        rome: None,
        person: None,
    };
    // Where the event is the offer's, or a referral to it of the person `j`.
    let of_offer = |s: Spec| Spec {
        commune: Some("o.commune_code"),
        rome: Some("o.rome_code"),
        ..s
    };
    let of_referral = |s: Spec| Spec {
        person: Some(""),
        ..of_offer(s)
    };
    let filled = |within: i64| Spec {
        filter: format!(
            "o.status = 'filled' AND {} <= {within}",
            D::days_between("o.published_at", "o.closed_at")
        ),
        ..of_offer(simple("offers o", "o.published_at", offer(), ""))
    };
    // A referral of the person `j` to the offer `o`, dated when proposed (`r`) or when moved (`t`).
    const REFERRAL_OF_PERSON: &str = "referrals r JOIN offers o ON o.id = r.offer_id \
                                      JOIN job_seekers j ON j.id = r.job_seeker_id";
    const REFERRAL_MOVE_OF_PERSON: &str = "referral_transitions t JOIN referrals r ON r.id = \
                                           t.referral_id JOIN offers o ON o.id = r.offer_id \
                                           JOIN job_seekers j ON j.id = r.job_seeker_id";
    let proposed =
        |filter| of_referral(simple(REFERRAL_OF_PERSON, "r.created_at", offer(), filter));
    let moved = |filter| of_referral(simple(REFERRAL_MOVE_OF_PERSON, "t.at", offer(), filter));
    // A meeting of an organiser `s`, dated when it starts.
    let meeting = |from, filter| Spec {
        commune: Some("s.commune_code"),
        ..simple(from, "m.starts_at", department_of("s.commune_code"), filter)
    };
    // An action `a` led by the structure `s`, in its commune or else the leader's.
    const ACTION_COMMUNE: &str = "COALESCE(a.commune_code, s.commune_code)";
    let action = |from, at, filter| Spec {
        commune: Some(ACTION_COMMUNE),
        ..simple(from, at, department_of(ACTION_COMMUNE), filter)
    };
    // A duo `d` of the person `j`, dated by one of its days.
    let duo = |from, at, filter| Spec {
        day: true,
        commune: Some("j.commune_code"),
        rome: Some("d.rome"),
        person: Some(""),
        ..simple(from, at, person(), filter)
    };
    // A training plan `p`, dated by one of its timestamps or days, in its department.
    let plan = |at, filter| Spec {
        rome: Some("p.rome"),
        person: Some(" JOIN job_seekers j ON j.id = p.job_seeker_id"),
        ..simple("training_plans p", at, "p.department".to_string(), filter)
    };
    match measure {
        Measure::MeetingsHeld => meeting(
            "meetings m JOIN structures s ON s.id = m.organiser_structure_id",
            "1 = 1",
        ),
        Measure::MeetingAttendees => meeting(
            "gathering_registrations g JOIN meetings m ON m.gathering_id = g.gathering_id \
             JOIN structures s ON s.id = m.organiser_structure_id",
            "g.attendance = 'present'",
        ),
        Measure::ReferralsProposed => proposed("1 = 1"),
        Measure::PriorityReferralsProposed => proposed(PRIORITY),
        Measure::ReferralsAccepted => moved("t.to_state = 'accepted'"),
        Measure::ReferralsInterviewed => moved("t.to_state = 'interview'"),
        Measure::ReferralsHired => moved("t.to_state = 'hired'"),
        Measure::PriorityReferralsHired => Spec {
            filter: format!("t.to_state = 'hired' AND {PRIORITY}"),
            ..moved("")
        },
        Measure::DaysToHire => Spec {
            days: Some(D::days_between("r.created_at", "t.at")),
            ..moved("t.to_state = 'hired'")
        },
        Measure::OffersPublished => {
            of_offer(simple("offers o", "o.published_at", offer(), "1 = 1"))
        }
        Measure::OffersFilledWithin30 => filled(30),
        Measure::OffersFilledWithin47 => filled(47),
        Measure::OffersFilledWithin90 => filled(90),
        Measure::OffersAbandoned => of_offer(simple(
            "offers o",
            "o.published_at",
            offer(),
            "o.status = 'cancelled' AND o.close_reason = 'lack_of_candidates'",
        )),
        Measure::ActionsHeld => action(
            "actions a JOIN gatherings g ON g.id = a.gathering_id \
             JOIN structures s ON s.id = a.lead_structure_id",
            "g.starts_at",
            "a.state IN ('held', 'closed')",
        ),
        Measure::ActionHires => Spec {
            day: true,
            ..action(
                "action_outcomes x JOIN actions a ON a.id = x.action_id \
                 JOIN structures s ON s.id = a.lead_structure_id",
                "x.happened_on",
                "x.kind = 'hire'",
            )
        },
        Measure::DuosStarted => duo(
            "duos d JOIN job_seekers j ON j.id = d.job_seeker_id",
            "d.started_on",
            "d.started_on IS NOT NULL",
        ),
        Measure::DuosEndedInJob => duo(
            "duos d JOIN job_seekers j ON j.id = d.job_seeker_id \
             JOIN duo_outcomes x ON x.duo_id = d.id",
            "d.ended_on",
            "x.milestone = 'end' AND x.kind = 'job'",
        ),
        Measure::PlansProposed => plan("p.proposed_at", "1 = 1"),
        Measure::PlansEntered => Spec {
            day: true,
            ..plan(
                "p.starts_on",
                "p.state IN ('in_training', 'completed', 'hired')",
            )
        },
        Measure::PlansCompleted => Spec {
            day: true,
            ..plan("p.ends_on", "p.state IN ('completed', 'hired')")
        },
        Measure::PlansHired => Spec {
            day: true,
            ..plan("p.hire_starts_on", "p.state = 'hired'")
        },
    }
}

/// A family of measures: their spec, the key of the cut and the join it needs, and each
/// member with its condition.
type Family = (Spec, (String, &'static str), Vec<(Measure, String)>);

/// The measures of `wanted` that read the same rows, dated by the same column, with the
/// same key of `cut` (a histogram alone), in the order first asked.
fn families<D: Dialect>(wanted: &[Measure], cut: Cut) -> Result<Vec<Family>> {
    let mut out: Vec<Family> = Vec::new();
    for &measure in wanted {
        let spec = spec::<D>(measure);
        let key = spec.key(cut).ok_or_else(|| {
            crate::StoreError::Invalid(format!("cut: {measure:?} is not counted by {cut:?}"))
        })?;
        let same = |(s, k, _): &&mut Family| {
            s.days.is_none()
                && spec.days.is_none()
                && (s.from, s.at, s.day) == (spec.from, spec.at, spec.day)
                && *k == key
        };
        match out.iter_mut().find(same) {
            Some((_, _, members)) => members.push((measure, spec.filter.clone())),
            None => {
                let filter = spec.filter.clone();
                out.push((spec, key, vec![(measure, filter)]));
            }
        }
    }
    Ok(out)
}

both_backends! {
    impl This {
        /// One family of measures, each summed in its own column.
        async fn family(
            &self,
            (spec, (key, join), members): &Family,
            since: DateTime<Utc>,
            until: DateTime<Utc>,
        ) -> Result<Vec<(Measure, Vec<MeasureRow>)>> {
            let Spec { from, at, day, days, .. } = spec;
            let from = format!("{from}{join}");
            // The offer's department and the person's statuses, from their narrow indexes.
            // (Not the offer's place when its occupation is read: the index lacks it.)
            let offers_index = if key.contains("rome") {
                String::new()
            } else {
                This::indexed_by("offers_place")
            };
            let from = from
                .replace(" JOIN offers o ON", &format!(" JOIN offers o{offers_index} ON"))
                .replace(
                    " JOIN job_seekers j ON",
                    &format!(" JOIN job_seekers j{} ON", This::indexed_by("job_seekers_priorities")),
                );
            let month = if *day { This::day_month(at) } else { This::month(at) };
            let days = days.clone().unwrap_or_else(|| "CAST(0 AS BIGINT)".to_string());
            let sums = members
                .iter()
                .enumerate()
                .map(|(i, (_, filter))| {
                    format!("CAST(SUM(CASE WHEN {filter} THEN 1 ELSE 0 END) AS BIGINT) AS n{i}")
                })
                .collect::<Vec<_>>()
                .join(", ");
            let any = members
                .iter()
                .map(|(_, filter)| format!("({filter})"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let sql = format!(
                "SELECT {key} AS department, {month} AS month, {days} AS days, {sums} \
                 FROM {from} WHERE {at} >= $1 AND {at} < $2 AND ({any}) \
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            );
            let query = sqlx::query(&sql);
            let query = if *day {
                query.bind(since.date_naive()).bind(until.date_naive())
            } else {
                query.bind(since).bind(until)
            };
            let rows = query.fetch_all(&self.pool).await?;
            let mut out: Vec<(Measure, Vec<MeasureRow>)> =
                members.iter().map(|(m, _)| (*m, Vec::new())).collect();
            for row in &rows {
                let department: String = row.try_get("department")?;
                let month: String = row.try_get("month")?;
                let days: i64 = row.try_get("days")?;
                for (i, (_, found)) in out.iter_mut().enumerate() {
                    let n = u64::try_from(row.try_get::<i64, _>(format!("n{i}").as_str())?)
                        .unwrap_or(0);
                    if n > 0 {
                        found.push(MeasureRow {
                            key: department.clone(),
                            month: month.clone(),
                            days,
                            count: n,
                        });
                    }
                }
            }
            Ok(out)
        }
    }

    #[async_trait]
    impl Steering for This {
        async fn measure(
            &self,
            measure: Measure,
            since: DateTime<Utc>,
            until: DateTime<Utc>,
        ) -> Result<Vec<MeasureRow>> {
            let found = self.measures(&[measure], Cut::Department, since, until).await?;
            Ok(found.into_iter().next().map(|(_, rows)| rows).unwrap_or_default())
        }

        async fn measures(
            &self,
            measures: &[Measure],
            cut: Cut,
            since: DateTime<Utc>,
            until: DateTime<Utc>,
        ) -> Result<Vec<(Measure, Vec<MeasureRow>)>> {
            // The families are independent reads: the pool runs them side by side.
            let families = families::<This>(measures, cut)?;
            let found = futures_util::future::try_join_all(
                families.iter().map(|family| self.family(family, since, until)),
            )
            .await?;
            Ok(found.into_iter().flatten().collect())
        }
    }
}

//! The steering committee's page: offers, referrals and hires by department and month, and
//! the share of each priority public in shortlists against its share in the pool. Aggregates
//! only: no page here names a person.

use std::collections::BTreeMap;

use engine::{Exposure, ShortlistRequest};

use crate::indicators::{Figures, Measured, Tallies};
use crate::pages::*;

/// At most this many open offers (the newest) are shortlisted to measure exposure.
const EXPOSURE_OFFERS: usize = 300;
/// How long a measured exposure is reused.
const EXPOSURE_TTL_SECS: i64 = 600;
/// The most measured exposures kept (the region's departments, overseas included, and the
/// whole region, with room to spare).
const EXPOSURE_CACHE_ENTRIES: usize = 128;

pub struct MonthRow {
    pub month: String,
    pub figures: Figures,
}

pub struct DepartmentRow {
    pub code: String,
    pub name: String,
    pub figures: Figures,
    pub open: u64,
    pub rate: String,
}

/// One bar of an SVG chart, placed on the server.
pub struct ChartBar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub series: &'static str,
    pub title: String,
}

pub struct ChartLabel {
    pub x: u32,
    pub text: String,
}

pub struct ExposureRow {
    pub label: &'static str,
    pub shortlist: String,
    pub pool: String,
    pub shortlist_width: u32,
    pub pool_width: u32,
    pub y: u32,
}

#[derive(Template)]
#[template(path = "indicators/steering.html")]
struct SteeringPage {
    chrome: Chrome,
    scope: String,
    filter: Vec<Field>,
    months: Vec<MonthRow>,
    departments: Vec<DepartmentRow>,
    bars: Vec<ChartBar>,
    labels: Vec<ChartLabel>,
    max: u64,
    exposure: Vec<ExposureRow>,
    exposure_height: u32,
    shortlisted: usize,
    pool: usize,
    /// The reader sees one structure: exposure is shown for the territory only.
    territory_only: bool,
    offers_measured: usize,
    measured_at: String,
    /// The priority publics in practice (territory readers only).
    practice: Vec<PracticeRow>,
    public_label: &'static str,
    /// Occupations × departments, the three signals (territory readers only).
    matrix: Option<crate::tension::pages::SignalMatrix>,
}

/// Below this count a figure is withheld (statistical secrecy), and so is a share built on it.
pub const SECRECY_THRESHOLD: u64 = 20;

/// One department and month: a protected public's share in the shortlists served, the
/// proposals and the hires, beside the policy's target and the public's share in the
/// eligible pool (measured now).
pub struct PracticeRow {
    pub department: String,
    pub month: String,
    pub target: String,
    pub pool: String,
    pub shortlists: String,
    pub proposals: String,
    pub hires: String,
}

/// `part` of `whole` as a French percentage, or withheld when either count is under the
/// secrecy threshold.
fn secret_share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_string()
    } else if part < SECRECY_THRESHOLD || whole < SECRECY_THRESHOLD {
        "secret (< 20)".to_string()
    } else {
        percent(part as f64 / whole as f64)
    }
}

/// (holders, total) of one public by department and month: in the shortlists served (places),
/// the people proposed (month of proposal) and the people hired (month of the hire).
#[derive(Default, Clone, Copy)]
struct Practice {
    shortlisted: (u64, u64),
    proposed: (u64, u64),
    hired: (u64, u64),
}

fn practice(
    shortlists: &[model::ShortlistTally],
    referrals: &[model::HolderTally],
    index: usize,
) -> BTreeMap<(String, String), Practice> {
    let mut by: BTreeMap<(String, String), Practice> = BTreeMap::new();
    let held = |holders: &[u64; 6]| holders.get(index).copied().unwrap_or(0);
    for t in shortlists {
        let p = by
            .entry((t.department.clone(), t.month.clone()))
            .or_default();
        p.shortlisted.0 += held(&t.holders);
        p.shortlisted.1 += t.candidates;
    }
    for t in referrals {
        let p = by
            .entry((t.department.clone(), t.month.clone()))
            .or_default();
        let counted = match t.kind.as_str() {
            "hired" => &mut p.hired,
            _ => &mut p.proposed,
        };
        counted.0 += held(&t.holders);
        counted.1 += t.people;
    }
    by
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0).replace('.', ",")
}

pub async fn indicators(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let Tallies {
        scope_label,
        own,
        months,
        by,
        open_by,
        shortlists: shortlist_tallies,
        ..
    } = crate::indicators::tallies(&state, &principal, None).await?;
    let wanted = query.departement.clone().unwrap_or_default();
    // Only a department of the reference data (or none): the exposure measured for it is
    // cached, and typed text must not grow the cache.
    if !wanted.is_empty() && refdata::geo().department(&wanted).is_none() {
        return Err(ApiError::field("?departement", "not a department code").into());
    }
    let mut department_options: Vec<(String, String)> =
        vec![(String::new(), "Tous les départements".to_string())];
    let mut departments = Vec::new();
    let mut monthly: BTreeMap<String, Figures> = BTreeMap::new();
    for (code, per_month) in &by {
        let name = refdata::geo()
            .department(code)
            .map(|d| d.name.to_string())
            .unwrap_or_else(|| code.clone());
        department_options.push((code.clone(), format!("{code} — {name}")));
        let mut total = Figures::default();
        for month in &months {
            let f = per_month.get(month).copied().unwrap_or_default();
            total.add(&f);
            if wanted.is_empty() || wanted == *code {
                monthly.entry(month.clone()).or_default().add(&f);
            }
        }
        departments.push(DepartmentRow {
            code: code.clone(),
            name,
            open: open_by.get(code).copied().unwrap_or(0),
            rate: if total.referrals == 0 {
                "—".to_string()
            } else {
                percent(share(total.hires as usize, total.referrals as usize))
            },
            figures: total,
        });
    }
    let months: Vec<MonthRow> = months
        .iter()
        .map(|m| MonthRow {
            month: labels::month(m),
            figures: monthly.get(m).copied().unwrap_or_default(),
        })
        .collect();
    let (bars, chart_labels, max) = month_chart(&months);
    let mut filter = Field::text("departement", "Département", &wanted);
    filter.kind = "select";
    filter.options = department_options;
    // Only over the whole territory: an agency chooses its own offers, so measured over them
    // (300 copies of one offer with one candidate) the shares would describe one person.
    let measured = match own {
        None => exposure(&state, None, &wanted).await?,
        Some(_) => Measured {
            exposure: Exposure::default(),
            by_department: BTreeMap::new(),
            offers: 0,
            at: state.now(),
        },
    };
    let public = query
        .statut
        .as_deref()
        .and_then(model::PriorityStatus::parse)
        .unwrap_or(model::PriorityStatus::Rqth);
    let practice_rows = if own.is_none() {
        let holder_tallies = state.store.referral_holder_tallies().await?;
        let index = model::PriorityStatus::ALL
            .iter()
            .position(|s| *s == public)
            .unwrap_or(0);
        let by = practice(&shortlist_tallies, &holder_tallies, index);
        let today = state.now().date_naive();
        let policies = state
            .policies
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut rows = Vec::new();
        for ((department, month), p) in by.iter().rev() {
            if !months.iter().any(|m| m.month == labels::month(month))
                || !(wanted.is_empty() || wanted == *department)
            {
                continue;
            }
            let target = model::policy::in_force(&policies, Some(department), today)
                .rule
                .targets()
                .iter()
                .find(|(s, _)| *s == public)
                .map_or_else(|| "non protégé".to_string(), |(_, t)| percent(*t));
            let pool = measured
                .by_department
                .get(department)
                .and_then(|e| {
                    e.statuses
                        .iter()
                        .find(|s| s.status == public)
                        .map(|s| secret_share(s.in_pool as u64, e.pool as u64))
                })
                .unwrap_or_else(|| "—".to_string());
            rows.push(PracticeRow {
                department: refdata::geo()
                    .department(department)
                    .map(|d| format!("{} — {}", d.code, d.name))
                    .unwrap_or_else(|| department.clone()),
                month: labels::month(month),
                target,
                pool,
                shortlists: secret_share(p.shortlisted.0, p.shortlisted.1),
                proposals: secret_share(p.proposed.0, p.proposed.1),
                hires: secret_share(p.hired.0, p.hired.1),
            });
        }
        rows
    } else {
        Vec::new()
    };
    let mut public_filter = Field::text("statut", "Public prioritaire", public.as_str());
    public_filter.kind = "select";
    public_filter.options = labels::PRIORITIES
        .iter()
        .map(|c| (c.to_string(), labels::priority(c).to_string()))
        .collect();
    let exposure_rows: Vec<ExposureRow> = measured
        .exposure
        .statuses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let in_shortlist = share(s.in_shortlist, measured.exposure.shortlisted);
            let in_pool = share(s.in_pool, measured.exposure.pool);
            ExposureRow {
                label: labels::priority(s.status.as_str()),
                shortlist: percent(in_shortlist),
                pool: percent(in_pool),
                shortlist_width: (in_shortlist * 400.0).round() as u32,
                pool_width: (in_pool * 400.0).round() as u32,
                y: u32::try_from(i).unwrap_or(0) * 56,
            }
        })
        .collect();
    let matrix = if own.is_none() {
        let risk = state.risk_cells().await?;
        Some(crate::tension::pages::signal_matrix(
            &risk,
            &state.config.region,
        ))
    } else {
        None
    };
    Ok(render(&SteeringPage {
        matrix,
        chrome: Chrome::new(&principal, "Pilotage", "/pilotage"),
        scope: scope_label,
        filter: if own.is_none() {
            vec![filter, public_filter]
        } else {
            vec![filter]
        },
        practice: practice_rows,
        public_label: labels::priority(public.as_str()),
        months,
        departments,
        bars,
        labels: chart_labels,
        max,
        exposure_height: u32::try_from(exposure_rows.len()).unwrap_or(0) * 56 + 8,
        exposure: exposure_rows,
        shortlisted: measured.exposure.shortlisted,
        pool: measured.exposure.pool,
        offers_measured: measured.offers,
        measured_at: fr_datetime(measured.at),
        territory_only: own.is_some(),
    }))
}

/// Bars of the monthly chart: four per month (offers, shortlists, referrals, hires) in a 640 × 220 box.
fn month_chart(months: &[MonthRow]) -> (Vec<ChartBar>, Vec<ChartLabel>, u64) {
    let max = months
        .iter()
        .flat_map(|m| {
            [
                m.figures.offers,
                m.figures.shortlists,
                m.figures.referrals,
                m.figures.hires,
            ]
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let group = 600 / u32::try_from(months.len().max(1)).unwrap_or(1);
    let bar = (group.saturating_sub(16)) / 4;
    let height = 180u32;
    let mut bars = Vec::new();
    let mut chart_labels = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let x0 = 40 + u32::try_from(i).unwrap_or(0) * group;
        for (j, (value, series, what)) in [
            (m.figures.offers, "offers", "offres publiées"),
            (
                m.figures.shortlists,
                "shortlists",
                "présélections consultées",
            ),
            (m.figures.referrals, "referrals", "mises en relation"),
            (m.figures.hires, "hires", "embauches"),
        ]
        .into_iter()
        .enumerate()
        {
            let h = u32::try_from(value * u64::from(height) / max).unwrap_or(height);
            bars.push(ChartBar {
                x: x0 + 8 + u32::try_from(j).unwrap_or(0) * bar,
                y: 10 + height - h,
                width: bar.saturating_sub(2),
                height: h,
                series,
                title: format!("{} : {value} {what}", m.month),
            });
        }
        chart_labels.push(ChartLabel {
            x: x0 + group / 2,
            text: m.month.clone(),
        });
    }
    (bars, chart_labels, max)
}

/// The share of each status in served shortlists (the twenty people their policy chooses)
/// against the eligible pool, over the newest open offers of the scope (a structure's, or all)
/// and department; measured at most every ten minutes per scope, on a blocking thread (a full
/// scan of each offer's pool).
async fn exposure(
    state: &Arc<AppState>,
    own: Option<i64>,
    department: &str,
) -> Result<Measured, PageError> {
    let key = format!("{own:?}/{department}");
    let now = state.now();
    if let Some(m) = state
        .exposure_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .filter(|m| (now - m.at).num_seconds() < EXPOSURE_TTL_SECS)
    {
        return Ok(m.clone());
    }
    let owner = match own {
        Some(id) => Some(state.structure_siret(id).await?),
        None => None,
    };
    let worker = state.clone();
    let department = department.to_string();
    let measured = tokio::task::spawn_blocking(move || {
        let sourcing = worker.sourcing.read().unwrap_or_else(|e| e.into_inner());
        let mut ids: Vec<i64> = sourcing
            .engine
            .open_offers((!department.is_empty()).then_some(department.as_str()))
            .into_iter()
            .filter(|id| {
                owner.as_deref().is_none_or(|siret| {
                    sourcing
                        .offers
                        .get(id)
                        .is_some_and(|o| o.record.structure_siret.as_str() == siret)
                })
            })
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(EXPOSURE_OFFERS);
        let mut total = Exposure::default();
        let mut by_department: BTreeMap<String, Exposure> = BTreeMap::new();
        for id in &ids {
            // Measured as served: under the policy in force in the offer's department.
            let department = sourcing.engine.offer_department(*id);
            let policy = worker
                .policy_for(
                    department,
                    now.date_naive(),
                    crate::offers::api::SHORTLIST_LENGTH,
                )
                .ok()
                .map(|(_, p)| p);
            if let Ok(shortlist) = sourcing.engine.shortlist(
                *id,
                &ShortlistRequest {
                    k: crate::offers::api::SHORTLIST_LENGTH,
                    today: now.date_naive(),
                    policy: policy.as_ref(),
                    exposure: true,
                },
            ) && let Some(e) = &shortlist.exposure
            {
                total.add(e);
                if let Some(d) = department {
                    by_department.entry(d.to_string()).or_default().add(e);
                }
            }
        }
        Measured {
            exposure: total,
            by_department,
            offers: ids.len(),
            at: now,
        }
    })
    .await
    .map_err(|err| ApiError::Internal(format!("measuring exposure: {err}")))?;
    let mut cache = state
        .exposure_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // Bounded: one entry per department and scope at most, the stale ones dropped first.
    if cache.len() >= EXPOSURE_CACHE_ENTRIES {
        cache.retain(|_, m| (now - m.at).num_seconds() < EXPOSURE_TTL_SECS);
        if cache.len() >= EXPOSURE_CACHE_ENTRIES {
            cache.clear();
        }
    }
    cache.insert(key, measured.clone());
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_a_public_are_withheld_under_twenty_and_hires_count_in_their_month() {
        let shortlists = [model::ShortlistTally {
            structure_id: 1,
            department: "93".to_string(),
            month: "2026-11".to_string(),
            shortlists: 30,
            candidates: 300,
            holders: [40, 120, 0, 0, 0, 0],
        }];
        let people = |month: &str, kind: &str, people, rqth| model::HolderTally {
            department: "93".to_string(),
            month: month.to_string(),
            kind: kind.to_string(),
            people,
            holders: [rqth, 0, 0, 0, 0, 0],
        };
        let by = practice(
            &shortlists,
            &[
                people("2026-10", "proposed", 30, 5),
                people("2026-11", "hired", 30, 5),
                people("2026-11", "proposed", 60, 21),
            ],
            0,
        );
        let nov = by[&("93".to_string(), "2026-11".to_string())];
        assert_eq!(nov.shortlisted, (40, 300));
        assert_eq!(nov.proposed, (21, 60));
        assert_eq!(nov.hired, (5, 30));
        let oct = by[&("93".to_string(), "2026-10".to_string())];
        assert_eq!(oct.proposed, (5, 30));
        assert_eq!(secret_share(40, 300), "13,3 %");
        assert_eq!(secret_share(21, 60), "35,0 %");
        assert_eq!(secret_share(5, 30), "secret (< 20)");
        assert_eq!(secret_share(19, 19), "secret (< 20)");
        assert_eq!(secret_share(0, 0), "—");
    }
}

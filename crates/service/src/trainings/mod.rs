//! The training catalogue (LHEO sessions imported by `passerelle import trainings`) searched
//! by occupation, place and dates, and what training leads to: the share of trainees in a job
//! of at least a month within six months of the end of their training, by occupation (and
//! Formacode where the catalogue gives it) and department, falling back to the region when a
//! cell has fewer than twenty trainees, shown as a five-step gauge.

pub(crate) mod api;
pub(crate) mod pages;

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use model::training_plans::{PlanState, TrainingPlan};

/// Below this many trainees a cell's rate is not shown: the region's answers.
pub const OUTCOME_SECRET_BELOW: u64 = 20;
/// How long after the training's end a job counts.
pub const OUTCOME_MONTHS: u32 = 6;

/// The five steps of the outcomes' gauge, and the rate each starts at. The steps are the
/// product's reading of the published rates: about half of POEC trainees and four in five
/// POEI trainees are in a job six months on (DARES, France Travail), so "moyen" is around
/// the POEC's, "très bon" the POEI's.
pub const GAUGE: [(Gauge, f64); 5] = [
    (Gauge::Faible, 0.0),
    (Gauge::Moyen, 0.40),
    (Gauge::Bon, 0.55),
    (Gauge::TresBon, 0.70),
    (Gauge::Excellent, 0.85),
];

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Gauge {
    Faible,
    Moyen,
    Bon,
    TresBon,
    Excellent,
}

impl Gauge {
    pub fn of_rate(rate: f64) -> Self {
        GAUGE
            .iter()
            .rev()
            .find(|(_, from)| rate >= *from)
            .map_or(Gauge::Faible, |(step, _)| *step)
    }

    /// Its rank, 1 to 5.
    pub fn step(self) -> u8 {
        match self {
            Gauge::Faible => 1,
            Gauge::Moyen => 2,
            Gauge::Bon => 3,
            Gauge::TresBon => 4,
            Gauge::Excellent => 5,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gauge::Faible => "faible",
            Gauge::Moyen => "moyen",
            Gauge::Bon => "bon",
            Gauge::TresBon => "très bon",
            Gauge::Excellent => "excellent",
        }
    }
}

/// Whether a trainee was in a job of at least a month within six months of the training's
/// end; none while those six months are not over on `today` (the plan is not counted yet).
pub fn employed_within(plan: &TrainingPlan, today: NaiveDate) -> Option<bool> {
    let deadline = plan
        .plan
        .ends_on
        .checked_add_months(Months::new(OUTCOME_MONTHS))?;
    let hired_in_time = plan.hire.as_ref().is_some_and(|hire| {
        hire.starts_on <= deadline && hire.months.is_none_or(|months| months >= 1)
    });
    if hired_in_time {
        return Some(true);
    }
    (deadline < today).then_some(false)
}

/// Whether a plan counts among the trainees: its training took place (completed, or hired
/// after it; an abandon during the training is not a trainee's outcome).
fn trained(plan: &TrainingPlan) -> bool {
    matches!(plan.state, PlanState::Completed | PlanState::Hired)
}

/// Trainees and those in a job, in one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub trainees: u64,
    pub employed: u64,
}

/// The outcomes of every plan, by (occupation, department) and by occupation (the region's).
#[derive(Debug, Clone, Default)]
pub struct Outcomes {
    cells: HashMap<(String, String), Tally>,
    regions: HashMap<String, Tally>,
    /// By (Formacode, department) where the plan's session gives one.
    formacodes: HashMap<(String, String), Tally>,
}

/// One answer of the gauge: where it was measured and what it says.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct TrainingOutcomeView {
    /// ROME code (or Formacode) measured.
    pub code: String,
    /// department or region: the level that answered.
    pub level: String,
    pub department: Option<String>,
    /// Trainees and those in a job; `null` under twenty trainees (a small count, or two
    /// counts, would tell who).
    pub trainees: Option<u64>,
    pub employed: Option<u64>,
    /// The share in a job of a month or more within six months; `null` when fewer than
    /// twenty trainees, even in the region.
    pub rate: Option<f64>,
    pub gauge: Option<Gauge>,
}

impl Outcomes {
    /// Counts `plans` on `today` (plans whose six months are not over are left out);
    /// `formacode_of` gives the main Formacode of a plan's session.
    pub fn count(
        plans: &[TrainingPlan],
        today: NaiveDate,
        formacode_of: impl Fn(i64) -> Option<String>,
    ) -> Self {
        let mut outcomes = Outcomes::default();
        for plan in plans.iter().filter(|p| trained(p)) {
            let Some(employed) = employed_within(plan, today) else {
                continue;
            };
            let add = |tally: &mut Tally| {
                tally.trainees += 1;
                tally.employed += u64::from(employed);
            };
            add(outcomes
                .cells
                .entry((plan.rome.clone(), plan.department.clone()))
                .or_default());
            add(outcomes.regions.entry(plan.rome.clone()).or_default());
            if let Some(code) = plan.plan.session_id.and_then(&formacode_of) {
                add(outcomes
                    .formacodes
                    .entry((code, plan.department.clone()))
                    .or_default());
            }
        }
        outcomes
    }

    fn answer(
        code: &str,
        department: &str,
        cell: Option<Tally>,
        region: Option<Tally>,
    ) -> TrainingOutcomeView {
        let shown = |tally: Tally| tally.trainees >= OUTCOME_SECRET_BELOW;
        let (level, tally) = match (cell, region) {
            (Some(cell), _) if shown(cell) => ("department", cell),
            (_, Some(region)) => ("region", region),
            (Some(cell), None) => ("department", cell),
            (None, None) => ("region", Tally::default()),
        };
        let rate = shown(tally).then(|| tally.employed as f64 / tally.trainees as f64);
        TrainingOutcomeView {
            code: code.to_string(),
            level: level.to_string(),
            department: (level == "department").then(|| department.to_string()),
            trainees: shown(tally).then_some(tally.trainees),
            employed: shown(tally).then_some(tally.employed),
            rate,
            gauge: rate.map(Gauge::of_rate),
        }
    }

    /// The outcome of an occupation in a department, or the region's when the department has
    /// fewer than twenty trainees.
    pub fn of_occupation(&self, rome: &str, department: &str) -> TrainingOutcomeView {
        let cell = self
            .cells
            .get(&(rome.to_string(), department.to_string()))
            .copied();
        let region = self.regions.get(rome).copied();
        Self::answer(rome, department, cell, region)
    }

    /// The outcome of a Formacode in a department (no fallback kept by Formacode: the
    /// region's is the sum of its departments').
    pub fn of_formacode(&self, code: &str, department: &str) -> TrainingOutcomeView {
        let cell = self
            .formacodes
            .get(&(code.to_string(), department.to_string()))
            .copied();
        let region = self.formacodes.iter().filter(|((c, _), _)| c == code).fold(
            None,
            |sum: Option<Tally>, (_, t)| {
                let mut sum = sum.unwrap_or_default();
                sum.trainees += t.trainees;
                sum.employed += t.employed;
                Some(sum)
            },
        );
        Self::answer(code, department, cell, region)
    }
}

#[cfg(test)]
mod tests;

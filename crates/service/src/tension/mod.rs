//! Tension of occupations by territory. The official one (DARES, France Travail) is
//! `refdata::tensions()`; this module is the *local* tension, measured on Passerelle's own
//! offers and job seekers, per occupation × territory × period. It is never called "la
//! tension DARES", and every figure computed on fewer than [`SECRET_BELOW`] offers or people is
//! withheld (`None`, shown as "secret statistique").
//!
//! An occupation is a ROME code or a FAP 225 family ([`Occupations`]): the DARES crosswalk is
//! many to many, so an offer counts in every family of its occupation and a family's figures do
//! not add up across families; a job seeker counts once in each family of their targets, however
//! many of its occupations they seek. A territory is a department or a group of communes
//! ([`Territories`]): the établissement public territorial in the Grand Paris, Paris as one,
//! the EPCI elsewhere.
//!
//! What each figure is:
//! - `offers`: offers published in the period in the territory;
//! - `seekers`: active job seekers targeting the occupation who live in the territory (today's
//!   portfolio: the store keeps no history of who was registered when);
//! - `offers_per_10_seekers`: offers × 10 / seekers;
//! - `seekers_within_reach`: per offer, the mean number of active job seekers targeting the
//!   occupation (wherever they live) whose own commute limit reaches the offer's commune;
//! - `dissimilarity`: Duncan's index between the communes of the offers and of the seekers in
//!   the territory, ½ Σ |offers_c / offers − seekers_c / seekers|, from 0 (same places) to 1;
//! - `hard_to_fill_share`: the share of offers their file declares hard to fill;
//! - `filled_within`: the share filled within 30, 47 and 90 days of publication, among the
//!   offers published at least that long before the day of measure;
//! - `median_days_to_fill`: the median days from publication to filling, of the filled ones;
//! - `abandoned_share`: the share cancelled for lack of candidates (France Travail's closing
//!   reason; an offer cancelled because the need went away does not count).

//!
//! What the withholding does not cover yet: each cell is withheld on its own (primary
//! suppression). Cuts of the same offers at two levels can be subtracted: a family's offers
//! minus its shown occupations', a department's people minus its shown groups', a quarter
//! minus its shown months. Protecting against that needs secondary suppression across the
//! cuts (withholding as well a shown cell whose withheld neighbours would add up to fewer than
//! twenty), which is a decision still to take with the steering committee.

pub mod api;
pub mod close;
pub mod pages;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use model::{CloseReason, OfferStatus};
use model::{LocalQuery, OfferGroup, SeekerGroup, SeekerSet};

/// Below this many offers or people a figure is withheld ("secret statistique").
pub const SECRET_BELOW: u64 = 20;

/// The delays of the fill rates, in days: a month, the published median (47 days), a quarter.
pub const FILL_DELAYS: [i64; 3] = [30, 47, 90];

/// How the period is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Month,
    Quarter,
    /// The whole period asked, as one.
    Whole,
}

impl Granularity {
    /// The period a month (`YYYY-MM`) falls in: itself, its quarter (`YYYY-Qn`) or `whole`.
    pub fn period_of(self, month: &str, whole: &str) -> String {
        match self {
            Granularity::Month => month.to_string(),
            Granularity::Quarter => {
                let (year, m) = month.split_at(month.len().min(4));
                let m: u32 = m.trim_start_matches('-').parse().unwrap_or(1);
                format!("{year}-Q{}", (m.max(1) - 1) / 3 + 1)
            }
            Granularity::Whole => whole.to_string(),
        }
    }
}

/// A way to count a measure, chosen by its snake-case name in a request: the enum (its first
/// variant the default) and `parse`, which reads the same names as serde.
macro_rules! measure_choice {
    ($(#[$doc:meta])* $name:ident {
        $(#[$first_doc:meta])* $first:ident = $first_text:literal,
        $($(#[$variant_doc:meta])* $variant:ident = $text:literal,)*
    }) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            Default,
            PartialEq,
            Eq,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[$first_doc])*
            #[default]
            $first,
            $($(#[$variant_doc])* $variant,)*
        }

        impl $name {
            pub fn parse(text: &str) -> Option<Self> {
                match text.trim() {
                    $first_text => Some($name::$first),
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

measure_choice! {
    /// What an occupation is in a measure.
    Occupations {
        /// A ROME 4.0 code.
        Rome = "rome",
        /// A FAP 225 family of the DARES crosswalk.
        Fap = "fap",
    }
}

measure_choice! {
    /// What a territory is in a measure.
    Territories {
        /// A department (`93`).
        Department = "department",
        /// A group of communes: the établissement public territorial in the Grand Paris (Plaine
        /// Commune: `200057867`), Paris as one (`75056`), the EPCI elsewhere (its SIREN).
        CommuneGroup = "commune_group",
    }
}

/// The Métropole du Grand Paris: too wide to be a local group; its EPTs are.
const GRAND_PARIS: &str = "200054781";

impl Territories {
    /// The territory of a commune (a commune unknown to the geography is a group of its own).
    pub fn of(self, commune: &str) -> &str {
        match self {
            Territories::Department => department_of(commune),
            Territories::CommuneGroup => commune_group(commune).unwrap_or(commune),
        }
    }

    /// The name of a territory, as the geography has it.
    pub fn name(self, code: &str) -> Option<&'static str> {
        let geo = refdata::geo();
        match self {
            Territories::Department => geo.department(code).map(|d| d.name),
            Territories::CommuneGroup => geo
                .epci(code)
                .map(|e| e.name)
                .or_else(|| geo.commune(code).map(|c| c.name)),
        }
    }
}

fn commune_group(commune: &str) -> Option<&'static str> {
    let c = refdata::geo().commune(commune)?;
    let whole = c.arrondissement_of.unwrap_or(c.code);
    Some(match (c.ept, c.epci) {
        (Some(ept), _) => ept,
        (None, Some(epci)) if epci != GRAND_PARIS => epci,
        _ => whole,
    })
}

/// The local tension of one occupation in one territory over one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct LocalTension {
    /// A ROME code or a FAP family, as the measure asked.
    pub occupation: String,
    /// A department's code or a group of communes' code, as the measure asked.
    pub territory: String,
    pub period: String,
    pub offers: Option<u64>,
    pub seekers: Option<u64>,
    pub offers_per_10_seekers: Option<f64>,
    pub seekers_within_reach: Option<f64>,
    pub dissimilarity: Option<f64>,
    pub hard_to_fill_share: Option<f64>,
    /// Within 30, 47 and 90 days ([`FILL_DELAYS`]).
    #[schema(value_type = Vec<Option<f64>>)]
    pub filled_within: [Option<f64>; 3],
    pub median_days_to_fill: Option<f64>,
    pub abandoned_share: Option<f64>,
}

/// The most offers first (a withheld count, under twenty, after every shown one), then by
/// occupation, department and period: the order the command and the API list cells in.
pub fn sort_for_display(cells: &mut [LocalTension]) {
    cells.sort_by(|a, b| {
        b.offers
            .cmp(&a.offers)
            .then_with(|| a.occupation.cmp(&b.occupation))
            .then_with(|| a.territory.cmp(&b.territory))
            .then_with(|| a.period.cmp(&b.period))
    });
}

/// The department of a commune's INSEE code (three digits overseas).
pub fn department_of(commune: &str) -> &str {
    let n = if commune.starts_with("97") { 3 } else { 2 };
    commune.get(..n).unwrap_or(commune)
}

/// A value kept only when its base holds at least [`SECRET_BELOW`] offers or people.
fn disclosed<T>(base: u64, value: impl FnOnce() -> T) -> Option<T> {
    (base >= SECRET_BELOW).then(value)
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// What one cell (occupation, territory, period) adds up.
#[derive(Default)]
struct Cell<'a> {
    offers: u64,
    hard_to_fill: u64,
    abandoned: u64,
    /// Offers old enough to judge each delay, and of those the ones filled within it.
    judged: [u64; 3],
    filled_in_time: [u64; 3],
    /// Days to fill of the filled offers, with how many offers took that long.
    days_to_fill: BTreeMap<i64, u64>,
    /// Offers by commune.
    communes: HashMap<&'a str, u64>,
}

/// Measures the local tension from the store's groups. `as_of` is the day of measure (the fill
/// rates judge only offers published at least that long before); `whole` names the period when
/// `granularity` is [`Granularity::Whole`]; `department` keeps the offers of one department
/// (a group of communes across a department's border keeps its seekers on both sides).
pub fn local_tension(
    offers: &[OfferGroup],
    seekers: &[SeekerGroup],
    granularity: Granularity,
    whole: &str,
    territories: Territories,
    department: Option<&str>,
    as_of: NaiveDate,
) -> Vec<LocalTension> {
    // Each month's period and last day, once.
    let mut months: HashMap<&str, (String, Option<NaiveDate>)> = HashMap::new();
    for group in offers {
        months.entry(&group.month).or_insert_with(|| {
            (
                granularity.period_of(&group.month, whole),
                month_end(&group.month),
            )
        });
    }
    let mut cells: HashMap<(&str, &str, &str), Cell> = HashMap::new();
    for group in offers {
        if department.is_some_and(|d| d != department_of(&group.commune)) {
            continue;
        }
        let Some((period, last_day)) = months.get(group.month.as_str()) else {
            continue;
        };
        let place = territories.of(&group.commune);
        let cell = cells.entry((&group.rome, place, period)).or_default();
        cell.offers += group.offers;
        if group.hard_to_fill {
            cell.hard_to_fill += group.offers;
        }
        if group.close_reason == Some(CloseReason::LackOfCandidates) {
            cell.abandoned += group.offers;
        }
        *cell.communes.entry(&group.commune).or_default() += group.offers;
        let filled_after = (group.status == OfferStatus::Filled)
            .then_some(group.days_open)
            .flatten();
        if let Some(days) = filled_after {
            *cell.days_to_fill.entry(days).or_default() += group.offers;
        }
        // The group's offers were published in its month: judge a delay only when the month's
        // last day is that long before the day of measure.
        for (i, delay) in FILL_DELAYS.iter().enumerate() {
            if last_day.is_some_and(|d| (as_of - d).num_days() >= *delay) {
                if let Some(judged) = cell.judged.get_mut(i) {
                    *judged += group.offers;
                }
                if filled_after.is_some_and(|days| days <= *delay)
                    && let Some(filled) = cell.filled_in_time.get_mut(i)
                {
                    *filled += group.offers;
                }
            }
        }
    }
    let reach = Reach::new(seekers, territories);
    let nobody = HashMap::new();
    let mut cells: Vec<_> = cells.into_iter().collect();
    cells.sort_unstable_by_key(|(key, _)| *key);
    cells
        .into_iter()
        .map(|((rome, place, period), cell)| {
            let local = reach.local(rome, place).unwrap_or(&nobody);
            let seekers_here: u64 = local.values().sum();
            let filled: u64 = cell.days_to_fill.values().sum();
            let mut filled_within = [None; 3];
            for (slot, (judged, filled)) in filled_within
                .iter_mut()
                .zip(cell.judged.iter().zip(cell.filled_in_time.iter()))
            {
                *slot = disclosed(*judged, || share(*filled, *judged));
            }
            let within_reach = disclosed(cell.offers, || {
                let reached: f64 = cell
                    .communes
                    .iter()
                    .map(|(commune, n)| *n as f64 * reach.within_reach(rome, commune) as f64)
                    .sum();
                reached / cell.offers as f64
            });
            LocalTension {
                occupation: rome.to_string(),
                territory: place.to_string(),
                period: period.to_string(),
                offers: disclosed(cell.offers, || cell.offers),
                seekers: disclosed(seekers_here, || seekers_here),
                offers_per_10_seekers: disclosed(cell.offers.min(seekers_here), || {
                    cell.offers as f64 * 10.0 / seekers_here as f64
                }),
                // People are counted there too: withheld under twenty of them as well.
                seekers_within_reach: within_reach.filter(|_| reach.total(rome) >= SECRET_BELOW),
                dissimilarity: disclosed(cell.offers.min(seekers_here), || {
                    duncan(&cell.communes, local)
                }),
                hard_to_fill_share: disclosed(cell.offers, || {
                    share(cell.hard_to_fill, cell.offers)
                }),
                filled_within,
                median_days_to_fill: disclosed(filled, || median(&cell.days_to_fill, filled)),
                abandoned_share: disclosed(cell.offers, || share(cell.abandoned, cell.offers)),
            }
        })
        .collect()
}

/// A FAP 225 family's code as the DARES edition writes it (`T4Z60`), from what was typed: a
/// family of the crosswalk (every family a measure by family lists) or of the edition's
/// figures; an error says why not.
pub fn fap_family(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    let tensions = refdata::tensions();
    let known = code.len() == 5
        && (!tensions.occupations(&code).is_empty()
            || tensions
                .family(&code, refdata::tension::Level::Nation, "")
                .is_some());
    if known {
        Ok(code)
    } else {
        Err(format!(
            "{:?} is not a FAP 225 family of the DARES crosswalk or edition, such as T4Z60",
            echoed(text)
        ))
    }
}

/// What a measure of local tension asks.
pub struct Measure {
    pub period: Period,
    pub occupations: Occupations,
    pub territories: Territories,
    /// Only the offers of this department.
    pub department: Option<&'static str>,
    /// Only this occupation: a ROME code or a FAP family, as `occupations` says.
    pub occupation: Option<String>,
    /// The day of measure.
    pub today: NaiveDate,
}

/// Reads the store's groups and measures the local tension, cells in no particular order (see
/// [`sort_for_display`]). The two reads run at once on two connections; the counting runs off
/// the async threads.
pub async fn measure(
    store: &dyn store::Store,
    asked: Measure,
) -> Result<Vec<LocalTension>, MeasureError> {
    let by_rome = asked.occupations == Occupations::Rome;
    let query = LocalQuery {
        from: asked.period.from,
        to: asked.period.to,
        rome: if by_rome {
            asked.occupation.clone()
        } else {
            None
        },
    };
    let (offers, seekers) = if by_rome {
        tokio::try_join!(store.offer_groups(&query), store.seeker_groups(&query))?
    } else {
        let (offers, sets) = tokio::try_join!(store.offer_groups(&query), store.seeker_sets())?;
        by_family(offers, &sets, asked.occupation.as_deref())
    };
    let counted = tokio::task::spawn_blocking(move || {
        local_tension(
            &offers,
            &seekers,
            asked.period.granularity,
            &asked.period.name,
            asked.territories,
            asked.department,
            asked.today,
        )
    })
    .await;
    counted.map_err(|err| MeasureError::Stopped(err.to_string()))
}

/// Why a measure of local tension failed.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the counting of the local tension stopped: {0}")]
    Stopped(String),
}

impl From<MeasureError> for crate::error::ApiError {
    fn from(err: MeasureError) -> Self {
        match err {
            MeasureError::Store(err) => err.into(),
            MeasureError::Stopped(why) => crate::error::ApiError::Internal(why),
        }
    }
}

/// The offers and seekers of each FAP 225 family (of `only`, or all): an offer counts in every
/// family of its occupation, a person once in each family of the occupations they seek. An
/// occupation the crosswalk gives no family is not counted.
pub fn by_family(
    offers: Vec<OfferGroup>,
    sets: &[SeekerSet],
    only: Option<&str>,
) -> (Vec<OfferGroup>, Vec<SeekerGroup>) {
    let tensions = refdata::tensions();
    let kept = |fap: &str| only.is_none_or(|o| o == fap);
    let mut families = Vec::new();
    for group in offers {
        for fap in tensions.families(&group.rome).iter().filter(|f| kept(f)) {
            families.push(OfferGroup {
                rome: fap.to_string(),
                ..group.clone()
            });
        }
    }
    let mut seekers = Vec::new();
    for set in sets {
        let mut faps: Vec<&str> = set
            .romes
            .iter()
            .flat_map(|rome| tensions.families(rome).iter().copied())
            .filter(|fap| kept(fap))
            .collect();
        faps.sort_unstable();
        faps.dedup();
        for fap in faps {
            seekers.push(SeekerGroup {
                rome: fap.to_string(),
                commune: set.commune.clone(),
                commute_limit_km: set.commute_limit_km,
                seekers: set.seekers,
            });
        }
    }
    (families, seekers)
}

/// The period of a local measure and how it is cut.
pub struct Period {
    /// The first day...
    pub from: NaiveDate,
    /// ...and the day after the last.
    pub to: NaiveDate,
    /// `2026-Q3`, `2026-07` or `2026`.
    pub name: String,
    pub granularity: Granularity,
}

impl Period {
    /// A quarter (`2026-Q3`, or in French `2026-T3`), a month (`2026-07`) or a year (cut by month); with none of
    /// them, the last quarter ended before `today`. A wrong one is an error naming the field.
    pub fn parse(
        quarter: Option<&str>,
        month: Option<&str>,
        year: Option<i32>,
        today: NaiveDate,
    ) -> Result<Self, String> {
        let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
        let span = |from: Option<NaiveDate>, months: u32| {
            from.and_then(|f| Some((f, f.checked_add_months(chrono::Months::new(months))?)))
        };
        if let Some(text) = quarter {
            let parsed = text
                .trim()
                .split_once("-Q")
                .or_else(|| text.trim().split_once("-T"))
                .and_then(|(y, q)| Some((y.parse::<i32>().ok()?, q.parse::<u32>().ok()?)))
                .filter(|(y, q)| (2000..=2199).contains(y) && (1..=4).contains(q));
            let Some((y, q)) = parsed else {
                return Err(format!(
                    "quarter: {:?} is not a quarter from 2000-Q1 to 2199-Q4 such as 2026-Q3",
                    echoed(text)
                ));
            };
            let (from, to) = span(first(y, 3 * q - 2), 3)
                .ok_or_else(|| format!("quarter: {:?} is out of range", echoed(text)))?;
            return Ok(Period {
                from,
                to,
                name: format!("{y}-Q{q}"),
                granularity: Granularity::Quarter,
            });
        }
        if let Some(text) = month {
            let parsed = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2199).contains(&d.year()));
            let Some(from) = parsed else {
                return Err(format!(
                    "month: {:?} is not a month from 2000-01 to 2199-12 such as 2026-07",
                    echoed(text)
                ));
            };
            let (from, to) = span(Some(from), 1)
                .ok_or_else(|| format!("month: {:?} is out of range", echoed(text)))?;
            return Ok(Period {
                from,
                to,
                name: from.format("%Y-%m").to_string(),
                granularity: Granularity::Month,
            });
        }
        if let Some(y) = year {
            if !(2000..=2199).contains(&y) {
                return Err(format!("year: {y} is not between 2000 and 2199"));
            }
            let (from, to) =
                span(first(y, 1), 12).ok_or_else(|| format!("year: {y} is out of range"))?;
            return Ok(Period {
                from,
                to,
                name: y.to_string(),
                granularity: Granularity::Month,
            });
        }
        // The last quarter ended before today.
        let this_quarter = (today.month() - 1) / 3;
        let (y, q) = if this_quarter == 0 {
            (today.year() - 1, 4)
        } else {
            (today.year(), this_quarter)
        };
        Self::parse(Some(&format!("{y}-Q{q}")), None, None, today)
    }
}

/// At most the first 40 characters of a value, for a message that names it.
fn echoed(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        shown.push('…');
    }
    shown
}

/// The last day of a `YYYY-MM` month.
fn month_end(month: &str) -> Option<NaiveDate> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    first.checked_add_months(chrono::Months::new(1))?.pred_opt()
}

/// Duncan's dissimilarity index between two distributions over communes.
pub fn duncan(a: &HashMap<&str, u64>, b: &HashMap<&str, u64>) -> f64 {
    let (total_a, total_b) = (a.values().sum::<u64>(), b.values().sum::<u64>());
    if total_a == 0 || total_b == 0 {
        return 0.0;
    }
    let mut communes: Vec<&&str> = a.keys().chain(b.keys()).collect();
    communes.sort_unstable();
    communes.dedup();
    let half_sum: f64 = communes
        .into_iter()
        .map(|c| {
            let x = a.get(*c).copied().unwrap_or(0) as f64 / total_a as f64;
            let y = b.get(*c).copied().unwrap_or(0) as f64 / total_b as f64;
            (x - y).abs()
        })
        .sum();
    half_sum / 2.0
}

/// The median of a distribution of days (`count` values in all); the mean of the two middle
/// ones when the count is even.
fn median(days: &BTreeMap<i64, u64>, count: u64) -> f64 {
    let at = |rank: u64| {
        let mut seen = 0;
        for (day, n) in days {
            seen += n;
            if seen > rank {
                return *day as f64;
            }
        }
        0.0
    };
    if count % 2 == 1 {
        at(count / 2)
    } else {
        (at(count / 2 - 1) + at(count / 2)) / 2.0
    }
}

/// The job seekers of each occupation, by commune and commute limit, with the places of the
/// communes: who lives where, and whom an offer's commune is within reach of.
///
/// Built once per measure so that no cell walks every group: each occupation's seekers are
/// kept by home commune with their limits sorted (so counting those whose limit reaches a
/// distance is a binary search), each (occupation, department) has its seekers by commune, and
/// the distances from an offer's commune to every home commune are computed once.
struct Reach<'a> {
    /// Home communes, each once, and their places (`None`: unknown to the geography).
    homes: Vec<(&'a str, Option<(f64, f64)>)>,
    by_rome: HashMap<&'a str, RomeSeekers>,
    /// Seekers by commune, per (occupation, territory).
    local: HashMap<(&'a str, &'a str), HashMap<&'a str, u64>>,
    /// Distance from an offer's commune to each home (`homes`' order), once asked.
    distances: std::cell::RefCell<HashMap<&'a str, Option<Vec<f64>>>>,
    /// `within_reach` of each (occupation, commune) already asked: it depends on neither the
    /// period nor the department.
    reached: std::cell::RefCell<HashMap<(&'a str, &'a str), u64>>,
}

/// The seekers of one occupation.
#[derive(Default)]
struct RomeSeekers {
    total: u64,
    /// Per home commune (its index in `Reach::homes`): the commute limits in increasing order,
    /// each with how many seekers have at least that limit.
    homes: Vec<(usize, Vec<(u16, u64)>)>,
}

impl<'a> Reach<'a> {
    fn new(seekers: &'a [SeekerGroup], territories: Territories) -> Self {
        let geo = refdata::geo();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut homes = Vec::new();
        let mut limits: HashMap<&str, BTreeMap<usize, BTreeMap<u16, u64>>> = HashMap::new();
        let mut local: HashMap<(&str, &str), HashMap<&str, u64>> = HashMap::new();
        for group in seekers {
            let commune = group.commune.as_str();
            let home = *index.entry(commune).or_insert_with(|| {
                homes.push((commune, geo.commune(commune).map(|c| c.point())));
                homes.len() - 1
            });
            *limits
                .entry(&group.rome)
                .or_default()
                .entry(home)
                .or_default()
                .entry(group.commute_limit_km)
                .or_default() += group.seekers;
            *local
                .entry((&group.rome, territories.of(commune)))
                .or_default()
                .entry(commune)
                .or_default() += group.seekers;
        }
        let by_rome = limits
            .into_iter()
            .map(|(rome, by_home)| {
                let mut seekers = RomeSeekers::default();
                for (home, counts) in by_home {
                    // Counts of a limit or more: sums from the largest limit down.
                    let mut at_least: Vec<(u16, u64)> = Vec::with_capacity(counts.len());
                    let mut sum = 0;
                    for (limit, n) in counts.into_iter().rev() {
                        sum += n;
                        at_least.push((limit, sum));
                    }
                    at_least.reverse();
                    seekers.total += sum;
                    seekers.homes.push((home, at_least));
                }
                (rome, seekers)
            })
            .collect();
        Reach {
            homes,
            by_rome,
            local,
            distances: Default::default(),
            reached: Default::default(),
        }
    }

    fn total(&self, rome: &str) -> u64 {
        self.by_rome.get(rome).map_or(0, |seekers| seekers.total)
    }

    /// The seekers of an occupation living in a territory, by commune.
    fn local(&self, rome: &'a str, territory: &'a str) -> Option<&HashMap<&'a str, u64>> {
        self.local.get(&(rome, territory))
    }

    /// How many seekers of an occupation have the commune within their commute limit.
    fn within_reach(&self, rome: &'a str, commune: &'a str) -> u64 {
        if let Some(n) = self.reached.borrow().get(&(rome, commune)) {
            return *n;
        }
        let n = self.count_within_reach(rome, commune);
        self.reached.borrow_mut().insert((rome, commune), n);
        n
    }

    fn count_within_reach(&self, rome: &str, commune: &'a str) -> u64 {
        let Some(seekers) = self.by_rome.get(rome) else {
            return 0;
        };
        let mut distances = self.distances.borrow_mut();
        let Some(distances) = distances
            .entry(commune)
            .or_insert_with(|| {
                let place = refdata::geo().commune(commune)?.point();
                Some(
                    self.homes
                        .iter()
                        .map(|(_, point)| {
                            point.map_or(f64::INFINITY, |p| refdata::distance_km(p, place))
                        })
                        .collect(),
                )
            })
            .as_ref()
        else {
            return 0;
        };
        seekers
            .homes
            .iter()
            .map(|(home, at_least)| {
                if self
                    .homes
                    .get(*home)
                    .is_some_and(|(code, _)| *code == commune)
                {
                    // Their own commune: every one of them.
                    return at_least.first().map_or(0, |(_, n)| *n);
                }
                let distance = distances.get(*home).copied().unwrap_or(f64::INFINITY);
                let first = at_least.partition_point(|(limit, _)| f64::from(*limit) < distance);
                at_least.get(first).map_or(0, |(_, n)| *n)
            })
            .sum()
    }
}

#[cfg(test)]
mod tests;

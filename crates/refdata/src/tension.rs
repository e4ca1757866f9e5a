//! The official tension of occupations by territory: the DARES / France Travail indicators, 2019
//! edition (`data/tension/`, built by `cargo xtask refdata`), joined to ROME 4.0 codes through the
//! FAP 225 families.
//!
//! This is the *structural* signal, published for a family of occupations and a territory. It is
//! never Passerelle's own measure (the local tension) nor an offer's declared flag, and it is
//! always shown with its edition. The Île-de-France departments have no value in this edition: a
//! department without a score falls back to its region, then to the nation, and the answer says
//! which level answered.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::table::rows;

const TENSIONS: &str = include_str!("../../../data/tension/tensions.tsv");
const FAP_ROME: &str = include_str!("../../../data/tension/fap_rome.tsv");
const SERIES: &str = include_str!("../../../data/tension/national_series.tsv");

/// How the figures are cited wherever they are shown.
pub const EDITION: &str = "DARES, France Travail — Les tensions sur le marché du travail, 2019";

/// The upper bounds of classes 1 to 4 of the standardised score (the quintiles of 2014–2018, as
/// read off the edition); above the last is class 5.
pub const CLASS_BOUNDS: [f64; 4] = [-0.565, -0.260, 0.130, 0.510];

/// The territorial level of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Department,
    Region,
    Nation,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Department => "department",
            Level::Region => "region",
            Level::Nation => "nation",
        }
    }

    fn index(self) -> usize {
        match self {
            Level::Department => 0,
            Level::Region => 1,
            Level::Nation => 2,
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Level::Department, Level::Region, Level::Nation]
            .into_iter()
            .find(|l| l.as_str() == text)
    }
}

/// Where a tension is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Territory<'a> {
    /// A department's code (`93`, `2A`, `971`).
    Department(&'a str),
    /// A region's INSEE code (`11`).
    Region(&'a str),
    Nation,
}

/// The six complementary indicators, each a class from 1 (weak) to 5 (strong).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Indicators {
    /// Intensité d'embauches.
    pub hiring: Option<u8>,
    /// Lien formation-emploi.
    pub training_link: Option<u8>,
    /// Manque de main-d'œuvre disponible.
    pub labour_shortage: Option<u8>,
    /// Non-durabilité de l'emploi.
    pub non_durable: Option<u8>,
    /// Conditions de travail contraignantes.
    pub working_conditions: Option<u8>,
    /// Inadéquation géographique.
    pub geographic_mismatch: Option<u8>,
}

impl Indicators {
    /// Each indicator with its French label, as the edition names it.
    pub fn labelled(&self) -> [(&'static str, Option<u8>); 6] {
        [
            ("Intensité d'embauches", self.hiring),
            ("Lien formation-emploi", self.training_link),
            ("Manque de main-d'œuvre disponible", self.labour_shortage),
            ("Non-durabilité de l'emploi", self.non_durable),
            (
                "Conditions de travail contraignantes",
                self.working_conditions,
            ),
            ("Inadéquation géographique", self.geographic_mismatch),
        ]
    }
}

/// One family's figures in one territory, as published.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FamilyTension {
    pub fap: &'static str,
    pub level: Level,
    /// The region's or department's code; none for the nation.
    pub territory: Option<&'static str>,
    /// Average employment of the family there.
    pub employment: Option<u32>,
    pub score: Option<f64>,
    pub class: Option<u8>,
    pub indicators: Indicators,
}

/// The official tension of a ROME code in a territory.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfficialTension {
    pub rome: String,
    /// The level that answered: the one asked for, or the first above it where the edition
    /// publishes a class for a family of the code.
    pub level: Level,
    pub territory: Option<&'static str>,
    /// The score of the code: its family's, or the mean of its families' weighted by their
    /// employment.
    pub score: f64,
    /// The class of the code: its family's as published, or the class of the weighted score.
    pub class: u8,
    /// The indicators: the family's, or each the employment-weighted mean class, rounded.
    pub indicators: Indicators,
    /// Whether several families were combined: then the score and indicators are their
    /// employment-weighted means and the class is the score's by [`CLASS_BOUNDS`], not a class
    /// the edition published.
    pub combined: bool,
    /// The FAP 225 families behind the code at that level, the largest employment first.
    pub families: Vec<FamilyTension>,
    pub edition: &'static str,
}

/// Why a tension cannot be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TensionError {
    /// No FAP 225 family describes this ROME code (new in ROME 4.0, or unknown).
    NoFamily(String),
    UnknownDepartment(String),
    UnknownRegion(String),
    /// The families exist but the edition publishes no class for them, even nationally.
    NoScore(String),
}

impl std::fmt::Display for TensionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TensionError::NoFamily(rome) => write!(
                f,
                "rome: no FAP family of the DARES crosswalk describes {rome} (a code new in ROME 4.0 or unknown)"
            ),
            TensionError::UnknownDepartment(code) => {
                write!(f, "department: {code} is not a French department")
            }
            TensionError::UnknownRegion(code) => write!(f, "region: {code} is not a French region"),
            TensionError::NoScore(rome) => {
                write!(
                    f,
                    "rome: the edition publishes no score for the families of {rome}"
                )
            }
        }
    }
}

impl std::error::Error for TensionError {}

/// The embedded tables, parsed once.
pub fn tensions() -> &'static Tensions {
    static TENSIONS_TABLE: OnceLock<Tensions> = OnceLock::new();
    TENSIONS_TABLE.get_or_init(Tensions::parse)
}

/// A family's figures at each level, by territory code (`""` for the nation).
type ByLevel = [HashMap<&'static str, FamilyTension>; 3];

pub struct Tensions {
    figures: HashMap<&'static str, ByLevel>,
    families_of: HashMap<&'static str, Vec<&'static str>>,
    series: HashMap<&'static str, Vec<(u16, f64)>>,
    defects: Vec<String>,
}

fn class(cell: &str) -> Option<u8> {
    cell.parse().ok().filter(|c| (1..=5).contains(c))
}

impl Tensions {
    fn parse() -> Self {
        let mut defects = Vec::new();
        let mut figures: HashMap<&'static str, ByLevel> = HashMap::new();
        let read: Vec<[&'static str; 13]> =
            rows::<13>("tension/tensions", TENSIONS, &mut defects).collect();
        for r in read {
            let Some(level) = Level::parse(r[2]) else {
                defects.push(format!("tension/tensions: level {:?}", r[2]));
                continue;
            };
            let figure = FamilyTension {
                fap: r[0],
                level,
                territory: (!r[3].is_empty()).then_some(r[3]),
                employment: r[4].parse().ok(),
                score: r[5].parse().ok(),
                class: class(r[6]),
                indicators: Indicators {
                    hiring: class(r[7]),
                    training_link: class(r[8]),
                    labour_shortage: class(r[9]),
                    non_durable: class(r[10]),
                    working_conditions: class(r[11]),
                    geographic_mismatch: class(r[12]),
                },
            };
            let by_level = figures.entry(r[0]).or_default();
            if let Some(by_territory) = by_level.get_mut(level.index()) {
                by_territory.insert(r[3], figure);
            }
        }
        let mut families_of: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for [fap, rome] in rows::<2>("tension/fap_rome", FAP_ROME, &mut defects) {
            families_of.entry(rome).or_default().push(fap);
        }
        let mut series: HashMap<&'static str, Vec<(u16, f64)>> = HashMap::new();
        for [fap, year, score] in rows::<3>("tension/national_series", SERIES, &mut defects) {
            if let (Ok(year), Ok(score)) = (year.parse(), score.parse()) {
                series.entry(fap).or_default().push((year, score));
            }
        }
        for points in series.values_mut() {
            points.sort_by_key(|(year, _)| *year);
        }
        Tensions {
            figures,
            families_of,
            series,
            defects,
        }
    }

    /// Lines of the embedded tables that could not be read (none in a good build).
    pub fn defects(&self) -> &[String] {
        &self.defects
    }

    /// The FAP 225 families behind a ROME code.
    pub fn families(&self, rome: &str) -> &[&'static str] {
        self.families_of.get(rome).map_or(&[], Vec::as_slice)
    }

    /// The ROME codes of a FAP 225 family, in code order.
    pub fn occupations(&self, fap: &str) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = self
            .families_of
            .iter()
            .filter(|(_, families)| families.contains(&fap))
            .map(|(rome, _)| *rome)
            .collect();
        codes.sort_unstable();
        codes
    }

    /// A family's figures in a department, or where the edition publishes a class for it
    /// first: its region, then the nation.
    pub fn family_in(&self, fap: &str, department: &str) -> Option<&FamilyTension> {
        let region = crate::geo::geo().department(department).map(|d| d.region);
        [
            (Level::Department, Some(department)),
            (Level::Region, region),
            (Level::Nation, Some("")),
        ]
        .into_iter()
        .filter_map(|(level, code)| self.family(fap, level, code?))
        .find(|f| f.score.is_some() && f.class.is_some())
    }

    /// A family's published figures in one territory (`""` for the nation).
    pub fn family(&self, fap: &str, level: Level, territory: &str) -> Option<&FamilyTension> {
        self.figures.get(fap)?.get(level.index())?.get(territory)
    }

    /// A family's national score, year by year since 2011.
    pub fn national_series(&self, fap: &str) -> &[(u16, f64)] {
        self.series.get(fap).map_or(&[], Vec::as_slice)
    }

    /// The official tension of a ROME code in a territory, falling back from the department to
    /// its region, then to the nation, to the first level where the edition publishes a class
    /// for one of its families (a small cell has a score and no class: it is not used).
    pub fn official(
        &self,
        rome: &str,
        territory: Territory<'_>,
    ) -> Result<OfficialTension, TensionError> {
        let families = self.families(rome);
        if families.is_empty() {
            return Err(TensionError::NoFamily(rome.to_string()));
        }
        let geo = crate::geo::geo();
        let mut levels: Vec<(Level, &str)> = Vec::with_capacity(3);
        match territory {
            Territory::Department(code) => {
                let department = geo
                    .department(&code.to_ascii_uppercase())
                    .ok_or_else(|| TensionError::UnknownDepartment(code.to_string()))?;
                levels.push((Level::Department, department.code));
                levels.push((Level::Region, department.region));
            }
            Territory::Region(code) => {
                let region = geo
                    .region(code)
                    .ok_or_else(|| TensionError::UnknownRegion(code.to_string()))?;
                levels.push((Level::Region, region.code));
            }
            Territory::Nation => {}
        }
        levels.push((Level::Nation, ""));
        for (level, code) in levels {
            let mut found: Vec<FamilyTension> = families
                .iter()
                .filter_map(|fap| self.family(fap, level, code))
                // A small cell has a score but no class: the edition withholds it there, and
                // so does Passerelle (the next level answers).
                .filter(|f| f.score.is_some() && f.class.is_some())
                .copied()
                .collect();
            if found.is_empty() {
                continue;
            }
            found.sort_by(|a, b| b.employment.cmp(&a.employment).then(a.fap.cmp(b.fap)));
            let (score, class, indicators) = combine(&found);
            return Ok(OfficialTension {
                rome: rome.to_string(),
                level,
                territory: found.first().and_then(|f| f.territory),
                score,
                class,
                indicators,
                combined: found.len() > 1,
                families: found,
                edition: EDITION,
            });
        }
        Err(TensionError::NoScore(rome.to_string()))
    }
}

/// The class of a standardised score, by [`CLASS_BOUNDS`].
pub fn class_of_score(score: f64) -> u8 {
    let below = CLASS_BOUNDS.iter().filter(|bound| score > **bound).count();
    u8::try_from(below + 1).unwrap_or(5)
}

/// One family: its published figures. Several: the employment-weighted means (a family whose
/// employment is not published weighs as one job).
fn combine(families: &[FamilyTension]) -> (f64, u8, Indicators) {
    if let [only] = families {
        let score = only.score.unwrap_or(0.0);
        return (
            score,
            only.class.unwrap_or_else(|| class_of_score(score)),
            only.indicators,
        );
    }
    let weight = |f: &FamilyTension| f64::from(f.employment.unwrap_or(1).max(1));
    let mean = |value: &dyn Fn(&FamilyTension) -> Option<f64>| {
        let (sum, weights) = families
            .iter()
            .filter_map(|f| value(f).map(|v| (v * weight(f), weight(f))))
            .fold((0.0, 0.0), |(s, w), (v, x)| (s + v, w + x));
        (weights > 0.0).then(|| sum / weights)
    };
    let score = mean(&|f| f.score).unwrap_or(0.0);
    let indicator = |pick: fn(&Indicators) -> Option<u8>| {
        mean(&|f| pick(&f.indicators).map(f64::from)).map(|m| m.round().clamp(1.0, 5.0) as u8)
    };
    let indicators = Indicators {
        hiring: indicator(|i| i.hiring),
        training_link: indicator(|i| i.training_link),
        labour_shortage: indicator(|i| i.labour_shortage),
        non_durable: indicator(|i| i.non_durable),
        working_conditions: indicator(|i| i.working_conditions),
        geographic_mismatch: indicator(|i| i.geographic_mismatch),
    };
    (score, class_of_score(score), indicators)
}

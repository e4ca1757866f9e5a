//! Training catalogues (axis 4 of the agreement: reconversion toward occupations that
//! recruit). A catalogue comes in LHEO, the exchange language of the Carif-Oref network and
//! France Travail (formation → action → session); Passerelle keeps one record per session,
//! flattened with what its action and formation say of it, keyed by the catalogue's own
//! numbers so that importing the same file again changes nothing.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::{InseeCode, Postcode, RomeCode, Siret};
use serde::{Deserialize, Serialize};

/// A date as LHEO writes it: `YYYYMMDD`, where a day `00` means the month only, a month and
/// day `0000` the year only, `00000000` an unknown date and `99999999` no end (sessions with
/// permanent entries and exits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LheoDate(String);

/// How precise an [`LheoDate`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePrecision {
    Day,
    Month,
    Year,
    Unknown,
    /// `99999999`: no end.
    Open,
}

impl LheoDate {
    pub const UNKNOWN: &'static str = "00000000";
    pub const OPEN: &'static str = "99999999";

    /// A date not known (`00000000`).
    pub fn unknown() -> Self {
        Self(Self::UNKNOWN.to_string())
    }

    /// Reads `YYYYMMDD` (surrounding spaces allowed); the reason names what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err("not a date: LHEO writes YYYYMMDD (00 for an unknown day or month)".into());
        }
        if text == Self::UNKNOWN || text == Self::OPEN {
            return Ok(Self(text.to_string()));
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            text.get(range)
                .and_then(|part| part.parse().ok())
                .unwrap_or(0)
        };
        let (year, month, day) = (number(0..4) as i32, number(4..6), number(6..8));
        if !(crate::text::FIRST_YEAR..=crate::text::LAST_YEAR).contains(&year) {
            return Err(format!(
                "the year is out of range: between {} and {}",
                crate::text::FIRST_YEAR,
                crate::text::LAST_YEAR
            ));
        }
        match (month, day) {
            (0, 0) => {}
            (0, _) => return Err("a day without a month".into()),
            (1..=12, 0) => {}
            (1..=12, _) => {
                if NaiveDate::from_ymd_opt(year, month, day).is_none() {
                    return Err("no such day in the calendar".into());
                }
            }
            _ => return Err("no such month: between 01 and 12 (00 when unknown)".into()),
        }
        Ok(Self(text.to_string()))
    }

    /// The date of a known day.
    pub fn of_day(day: NaiveDate) -> Self {
        Self(day.format("%Y%m%d").to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn precision(&self) -> DatePrecision {
        match self.0.as_str() {
            Self::UNKNOWN => DatePrecision::Unknown,
            Self::OPEN => DatePrecision::Open,
            text if text.ends_with("0000") => DatePrecision::Year,
            text if text.ends_with("00") => DatePrecision::Month,
            _ => DatePrecision::Day,
        }
    }

    fn parts(&self) -> (i32, u32, u32) {
        let number = |range: std::ops::Range<usize>| -> u32 {
            self.0
                .get(range)
                .and_then(|part| part.parse().ok())
                .unwrap_or(0)
        };
        (number(0..4) as i32, number(4..6), number(6..8))
    }

    /// The first day the date may be (none when unknown or open).
    pub fn first_day(&self) -> Option<NaiveDate> {
        let (year, month, day) = self.parts();
        match self.precision() {
            DatePrecision::Day => NaiveDate::from_ymd_opt(year, month, day),
            DatePrecision::Month => NaiveDate::from_ymd_opt(year, month, 1),
            DatePrecision::Year => NaiveDate::from_ymd_opt(year, 1, 1),
            DatePrecision::Unknown | DatePrecision::Open => None,
        }
    }

    /// The last day the date may be (none when unknown or open).
    pub fn last_day(&self) -> Option<NaiveDate> {
        let (year, month, _) = self.parts();
        match self.precision() {
            DatePrecision::Day => self.first_day(),
            DatePrecision::Month => {
                let (next_year, next_month) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                NaiveDate::from_ymd_opt(next_year, next_month, 1).and_then(|d| d.pred_opt())
            }
            DatePrecision::Year => NaiveDate::from_ymd_opt(year, 12, 31),
            DatePrecision::Unknown | DatePrecision::Open => None,
        }
    }
}

impl TryFrom<String> for LheoDate {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<LheoDate> for String {
    fn from(date: LheoDate) -> String {
        date.0
    }
}

impl std::fmt::Display for LheoDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.precision(), self.first_day()) {
            (DatePrecision::Day, Some(day)) => write!(f, "{}", day.format("%d/%m/%Y")),
            (DatePrecision::Month, Some(day)) => write!(f, "{:02}/{}", day.month(), day.year()),
            (DatePrecision::Year, Some(day)) => write!(f, "{}", day.year()),
            (DatePrecision::Open, _) => f.write_str("sans fin"),
            _ => f.write_str("inconnue"),
        }
    }
}

text_enum!(
    /// How a session is taught (LHEO `modalites-enseignement`, dict-modalites-es is another
    /// list): 0 in person, 1 mixed, 2 at a distance.
    TeachingMode { InPerson = "0", Mixed = "1", Distance = "2" }
);

/// Where a session takes place (LHEO `lieu-de-formation/coordonnees/adresse`, or the index's
/// place of the offer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingPlace {
    /// The address lines (at most 4).
    pub lines: Vec<String>,
    pub postcode: Option<Postcode>,
    pub city: String,
    /// The commune's INSEE code, when the file gives it or the postcode names one commune.
    pub commune: Option<InseeCode>,
    /// (latitude, longitude), from `geolocalisation` or the `extras` the Carif-Oref add.
    pub coordinates: Option<(f64, f64)>,
}

/// A body that runs or funds the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingBody {
    pub name: String,
    pub siret: Option<Siret>,
}

/// One session of a catalogue, as an import or the simulation describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSessionRecord {
    /// The catalogue's number of the formation (LHEO `formation/@numero`).
    pub formation_ref: String,
    /// The catalogue's number of the action (`action/@numero`).
    pub action_ref: String,
    /// The catalogue's number of the session (`session/@numero`): with the two above, the
    /// natural key of imports.
    pub session_ref: String,
    /// `intitule-formation`.
    pub title: String,
    /// `objectif-formation`, as plain text (the field's HTML-escaped rich text unescaped and
    /// stripped of its tags).
    pub objective: Option<String>,
    /// `organisme-formation-responsable`.
    pub body: TrainingBody,
    /// The occupations the training leads to, ROME 4.0 codes (LHEO files give ROME v3 codes,
    /// whose keys ROME 4.0 kept).
    pub romes: Vec<RomeCode>,
    /// Formacode codes (five digits), the first the main one.
    pub formacodes: Vec<String>,
    /// NSF codes (three characters: digits and a letter).
    pub nsf_codes: Vec<String>,
    /// RNCP codes of the certifications it leads to.
    pub rncp_codes: Vec<String>,
    /// CERTIFINFO codes.
    pub certifinfo_codes: Vec<String>,
    /// `certifiante`.
    pub certifying: bool,
    /// `code-niveau-entree` (dict-niveaux: 0 none to 8).
    pub entry_level: Option<u8>,
    /// `code-public-vise` (Formacode codes of publics, dict-public-vise).
    pub publics: Vec<String>,
    /// `organisme-financeur/code-financeur` (dict-financeurs).
    pub funders: Vec<String>,
    pub teaching: Option<TeachingMode>,
    pub place: TrainingPlace,
    pub starts: LheoDate,
    pub ends: LheoDate,
    pub hours_total: Option<u32>,
    pub hours_centre: Option<u32>,
    pub hours_enterprise: Option<u32>,
    /// `etat-recrutement` (dict-etat-recrutement: 1 open, 2 closed, 3 suspended).
    pub recruitment: Option<u8>,
    pub url: Option<String>,
}

impl TrainingSessionRecord {
    /// A session of which only the keys (`[formation, action, session]`), the title, the body
    /// and the place are known: nothing else said of it, its dates unknown.
    pub fn bare(refs: [&str; 3], title: String, body: TrainingBody, place: TrainingPlace) -> Self {
        let [formation_ref, action_ref, session_ref] = refs.map(str::to_string);
        Self {
            formation_ref,
            action_ref,
            session_ref,
            title,
            objective: None,
            body,
            romes: Vec::new(),
            formacodes: Vec::new(),
            nsf_codes: Vec::new(),
            rncp_codes: Vec::new(),
            certifinfo_codes: Vec::new(),
            certifying: false,
            entry_level: None,
            publics: Vec::new(),
            funders: Vec::new(),
            teaching: None,
            place,
            starts: LheoDate::unknown(),
            ends: LheoDate::unknown(),
            hours_total: None,
            hours_centre: None,
            hours_enterprise: None,
            recruitment: None,
            url: None,
        }
    }

    /// The first and last days of the session when both are known.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.starts.first_day()?, self.ends.last_day()?))
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingSession {
    pub id: i64,
    #[serde(flatten)]
    pub record: TrainingSessionRecord,
    pub updated_at: DateTime<Utc>,
}

/// A search of the catalogue: sessions leading to one of `romes` (any when empty), running
/// on some day of `from..=to` (sessions with unknown dates only when no period is given),
/// taught within `within_km` of `near` (sessions without coordinates only when no place is
/// given), the earliest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainingQuery {
    pub romes: Vec<RomeCode>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// (latitude, longitude).
    pub near: Option<(f64, f64)>,
    pub within_km: f64,
    pub limit: u32,
    pub offset: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lheo_dates_keep_their_precision() {
        let day = LheoDate::parse("20240618").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(day.precision(), DatePrecision::Day);
        assert_eq!(day.first_day(), NaiveDate::from_ymd_opt(2024, 6, 18));
        let month = LheoDate::parse("20240200").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(month.first_day(), NaiveDate::from_ymd_opt(2024, 2, 1));
        assert_eq!(month.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29));
        let year = LheoDate::parse("20250000").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(year.last_day(), NaiveDate::from_ymd_opt(2025, 12, 31));
        assert_eq!(month.to_string(), "02/2024");
        for open in ["00000000", "99999999"] {
            let date = LheoDate::parse(open).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(date.first_day(), None);
        }
    }

    #[test]
    fn impossible_lheo_dates_are_refused_with_their_reason() {
        for (text, reason) in [
            ("20240230", "no such day"),
            ("20241300", "no such month"),
            ("20240015", "a day without a month"),
            ("2024-06-18", "not a date"),
            ("18000101", "year is out of range"),
            ("", "not a date"),
        ] {
            match LheoDate::parse(text) {
                Ok(date) => panic!("{text} read as {date:?}"),
                Err(said) => assert!(said.contains(reason), "{text}: {said}"),
            }
        }
    }
}

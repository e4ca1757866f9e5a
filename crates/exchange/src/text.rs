//! Values as people and spreadsheets write them.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

/// `JJ/MM/AAAA` (French spreadsheets) or ISO `AAAA-MM-JJ`.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let date = NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map_err(|_| {
            format!(
                "{:?} is not a date (JJ/MM/AAAA or AAAA-MM-JJ)",
                text.chars().take(40).collect::<String>()
            )
        })?;
    match model::text::date_problem(date) {
        Some(problem) => Err(problem),
        None => Ok(date),
    }
}

/// An RFC 3339 timestamp (`2026-03-02T09:30:00Z`, `...+01:00`), or a date (taken at midnight
/// UTC).
pub fn timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let checked = |t: DateTime<Utc>| match model::text::date_problem(t.date_naive()) {
        Some(problem) => Err(problem),
        None => Ok(t),
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return checked(t.with_timezone(&Utc));
    }
    // France Travail sometimes omits the offset: UTC.
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return checked(Utc.from_utc_datetime(&t));
    }
    match date(text) {
        Ok(d) => Ok(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))),
        Err(problem) if problem.starts_with("the year") => Err(problem),
        Err(_) => Err(format!(
            "{:?} is not a date and time (e.g. 2026-03-02T09:30:00Z)",
            text.chars().take(40).collect::<String>()
        )),
    }
}

/// Months of experience from France Travail's label: `6 mois`, `1 an`, `2 An(s)`, `3 ans`.
pub fn experience_months(label: &str) -> Option<u16> {
    let folded = label.trim().to_lowercase();
    let mut words = folded.split_whitespace();
    let number: u16 = words.next()?.parse().ok()?;
    match words.next()? {
        "mois" => Some(number),
        unit if unit.starts_with("an") => number.checked_mul(12),
        _ => None,
    }
}

/// The label France Travail gives to a number of months.
pub fn experience_label(months: u16) -> String {
    if months >= 12 && months.is_multiple_of(12) {
        let years = months / 12;
        format!("{years} An(s)")
    } else {
        format!("{months} Mois")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_french_or_iso() {
        assert_eq!(
            date("02/03/2026"),
            NaiveDate::from_ymd_opt(2026, 3, 2).ok_or(String::new())
        );
        assert_eq!(
            date(" 2026-03-02 "),
            NaiveDate::from_ymd_opt(2026, 3, 2).ok_or(String::new())
        );
        assert!(date("31/02/2026").unwrap_err().contains("not a date"));
        assert!(date("2026/03/02").is_err());
    }

    #[test]
    fn timestamps() {
        let t = timestamp("2026-03-02T09:30:00.000Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-02T09:30:00+00:00");
        assert_eq!(timestamp("2026-03-02T10:30:00+01:00").unwrap(), t);
        assert_eq!(timestamp("2026-03-02T09:30:00").unwrap(), t);
        assert_eq!(
            timestamp("02/03/2026").unwrap().to_rfc3339(),
            "2026-03-02T00:00:00+00:00"
        );
        assert!(timestamp("hier").is_err());
    }

    #[test]
    fn experience_labels_both_ways() {
        assert_eq!(experience_months("6 Mois"), Some(6));
        assert_eq!(experience_months("2 An(s)"), Some(24));
        assert_eq!(experience_months("1 an"), Some(12));
        assert_eq!(experience_months("Débutant accepté"), None);
        for months in [1, 6, 12, 18, 24, 36] {
            assert_eq!(experience_months(&experience_label(months)), Some(months));
        }
    }
}

//! The wage of an offer, read from France Travail's `salaire.libelle` into a comparable monthly
//! gross range, or the reason it cannot be.
//!
//! The forms the field uses: a period (`Mensuel`, `Horaire`, `Annuel`), one figure (`de 1800.00
//! Euros`) or a range (`de 1800.00 Euros à 2000.00 Euros`), and how many monthly payments (`sur
//! 12 mois`, `sur 13 mois`; twelve when it is not said). Figures may use a decimal comma or a
//! space between thousands. A monthly gross is what a year pays divided by twelve: an hourly
//! wage is paid for the offer's weekly hours (the legal 35 hours when it does not say) over 52
//! weeks, and a thirteenth month adds a twelfth.

pub use model::MonthlyWage;

/// The legal full-time week in France, in hours.
pub const LEGAL_WEEKLY_HOURS: f64 = 35.0;

/// The wage an offer's label gives, when it can be read.
pub fn of_label(label: Option<&str>, weekly_hours: Option<f64>) -> Option<MonthlyWage> {
    label.and_then(|l| monthly_gross(l, weekly_hours).ok())
}

/// What an import report says of an offer whose label could not be read as a wage: the label is
/// kept, the offer has no numeric wage.
pub fn notice(record: &model::OfferRecord) -> Option<crate::FieldError> {
    if record.wage.is_some() {
        return None;
    }
    let label = record.salary_label.as_deref()?;
    let reason = monthly_gross(label, record.weekly_hours).err()?;
    Some(crate::FieldError::new(
        "salaire.libelle",
        format!("{reason}; the label is kept, with no numeric wage"),
    ))
}

/// Reads a `salaire.libelle`; `weekly_hours` are the offer's, when it gives them.
pub fn monthly_gross(label: &str, weekly_hours: Option<f64>) -> Result<MonthlyWage, String> {
    let text = label.trim().to_lowercase();
    let (period, rest) = text
        .split_once(' ')
        .ok_or_else(|| format!("{label:?}: no period (Mensuel, Horaire or Annuel)"))?;
    let hours = weekly_hours
        .filter(|h| h.is_finite() && *h > 0.0 && *h <= 60.0)
        .unwrap_or(LEGAL_WEEKLY_HOURS);
    let to_monthly = match period {
        "mensuel" => 1.0,
        "horaire" => hours * 52.0 / 12.0,
        "annuel" => 1.0 / 12.0,
        _ => {
            return Err(format!(
                "{label:?}: the period {period:?} is not Mensuel, Horaire or Annuel"
            ));
        }
    };
    let (amounts, payments) = match rest.split_once(" sur ") {
        Some((amounts, months)) => (amounts, payments_of(months, label)?),
        None => (rest, 12.0),
    };
    let amounts = amounts
        .trim()
        .strip_prefix("de ")
        .ok_or_else(|| format!("{label:?}: no amount (\"de … Euros\")"))?;
    let (low, high) = match amounts.split_once(" à ") {
        Some((low, high)) => (euros(low, label)?, euros(high, label)?),
        None => {
            let only = euros(amounts, label)?;
            (only, only)
        }
    };
    if low > high {
        return Err(format!("{label:?}: the range goes down"));
    }
    // Monthly payments beyond twelve (a thirteenth month) are spread over the year; an hourly
    // or yearly figure already covers the year.
    let spread = if period == "mensuel" {
        payments / 12.0
    } else {
        1.0
    };
    let wage = MonthlyWage {
        min: low * to_monthly * spread,
        max: high * to_monthly * spread,
    };
    if !(100.0..=100_000.0).contains(&wage.min) || wage.max > 100_000.0 {
        return Err(format!(
            "{label:?}: {:.0} to {:.0} euros a month is not a plausible wage",
            wage.min, wage.max
        ));
    }
    Ok(wage)
}

/// `12 mois`, `13 mois`, `13.5 mois`.
fn payments_of(text: &str, label: &str) -> Result<f64, String> {
    let number = text
        .trim()
        .strip_suffix("mois")
        .map(str::trim)
        .and_then(|n| n.replace(',', ".").parse::<f64>().ok())
        .filter(|n| (12.0..=16.0).contains(n));
    number.ok_or_else(|| {
        format!("{label:?}: \"sur {text}\" is not a number of monthly payments from 12 to 16")
    })
}

/// `1800.00 Euros`, `1 800,00 euros`, `12.5 €`.
fn euros(text: &str, label: &str) -> Result<f64, String> {
    let figure = text
        .trim()
        .trim_end_matches("euros")
        .trim_end_matches('€')
        .trim()
        .replace([' ', '\u{a0}', '\u{202f}'], "")
        .replace(',', ".");
    figure
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .ok_or_else(|| format!("{label:?}: {:?} is not an amount in euros", text.trim()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn close(wage: MonthlyWage, min: f64, max: f64) {
        assert!(
            (wage.min - min).abs() < 0.01 && (wage.max - max).abs() < 0.01,
            "{wage:?} against {min} to {max}"
        );
    }

    #[test]
    fn the_forms_france_travail_uses() {
        close(
            monthly_gross("Mensuel de 1800.00 Euros à 2000.00 Euros sur 12 mois", None).unwrap(),
            1800.0,
            2000.0,
        );
        close(
            monthly_gross("Mensuel de 1800.00 Euros sur 12 mois", None).unwrap(),
            1800.0,
            1800.0,
        );
        // A thirteenth month: 2,400 × 13 / 12.
        close(
            monthly_gross("Mensuel de 2400.00 Euros sur 13 mois", None).unwrap(),
            2600.0,
            2600.0,
        );
        // 12.50 an hour for 35 hours over 52 weeks: 12.5 × 35 × 52 / 12 = 1,895.83.
        close(
            monthly_gross("Horaire de 12.50 Euros sur 12 mois", None).unwrap(),
            1895.83,
            1895.83,
        );
        // The same for a 24-hour week: 12.5 × 24 × 52 / 12 = 1,300.
        close(
            monthly_gross("Horaire de 12.50 Euros", Some(24.0)).unwrap(),
            1300.0,
            1300.0,
        );
        close(
            monthly_gross(
                "Annuel de 30000.00 Euros à 36000.00 Euros sur 12 mois",
                None,
            )
            .unwrap(),
            2500.0,
            3000.0,
        );
        close(
            monthly_gross("mensuel de 1 800,50 euros", None).unwrap(),
            1800.5,
            1800.5,
        );
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        for (label, reason) in [
            ("Selon profil", "is not Mensuel"),
            ("A négocier selon expérience", "is not Mensuel"),
            ("Mensuel", "no period"),
            ("Mensuel selon profil", "no amount"),
            ("Mensuel de beaucoup Euros", "is not an amount"),
            ("Mensuel de 2000 Euros à 1800 Euros", "the range goes down"),
            ("Mensuel de 1800 Euros sur 40 mois", "monthly payments"),
            ("Mensuel de 5 Euros", "not a plausible wage"),
            ("Annuel de 9999999 Euros", "not a plausible wage"),
            ("Cachet de 150 Euros", "is not Mensuel"),
        ] {
            let err = monthly_gross(label, None).unwrap_err();
            assert!(err.contains(reason), "{label}: {err}");
        }
    }
}

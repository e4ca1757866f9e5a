use crate::{ParseError, string_value};

/// An e-mail address as people and mail servers use them: `local@domain.tld`, an unquoted
/// local part of at most 64 characters, a domain of at least two labels whose last is
/// alphabetic, 254 characters at most. The domain is stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(String);

string_value!(Email);

/// A French phone number, stored in E.164 (`+33123456789`, overseas `+262262123456`) and shown
/// in the national format (`01 23 45 67 89`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneNumber(String);

string_value!(PhoneNumber);

const EMAIL: &str = "e-mail address";
const PHONE: &str = "French phone number";

/// Characters allowed unquoted in the local part (RFC 5322 `atext`), besides letters and
/// digits.
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

impl Email {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseError::new(EMAIL, "is empty"));
        }
        if text.chars().count() > 254 {
            return Err(ParseError::new(EMAIL, "is longer than 254 characters"));
        }
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err(ParseError::new(EMAIL, "has no @"));
        };
        if local.is_empty() {
            return Err(ParseError::new(EMAIL, "has nothing before the @"));
        }
        if local.chars().count() > 64 {
            return Err(ParseError::new(
                EMAIL,
                "has more than 64 characters before the @",
            ));
        }
        if let Some(bad) = local
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || LOCAL_SPECIALS.contains(c)))
        {
            return Err(ParseError::new(
                EMAIL,
                format!("{bad:?} is not allowed before the @"),
            ));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(ParseError::new(
                EMAIL,
                "dots before the @ may not lead, trail or follow each other",
            ));
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return Err(ParseError::new(
                EMAIL,
                "the domain needs a dot, e.g. francetravail.fr",
            ));
        }
        for label in &labels {
            let valid = !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !valid {
                return Err(ParseError::new(
                    EMAIL,
                    "the domain after the @ has an empty or invalid part (letters, digits and \
                     inner hyphens only)",
                ));
            }
        }
        let tld_ok = labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if !tld_ok {
            return Err(ParseError::new(
                EMAIL,
                "the domain must end with a name of letters, e.g. .fr",
            ));
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// Overseas departments have their own country codes; their national numbers start with these
/// prefixes (fixed and mobile lines).
const OVERSEAS: [(&str, &str); 12] = [
    ("262", "262"),
    ("263", "262"),
    ("692", "262"),
    ("693", "262"),
    ("269", "262"),
    ("639", "262"),
    ("590", "590"),
    ("690", "590"),
    ("691", "590"),
    ("594", "594"),
    ("694", "594"),
    ("596", "596"),
];

impl PhoneNumber {
    /// Accepts the national form (`01 23 45 67 89`, `01.23.45.67.89`) and the international
    /// ones (`+33 1 23 45 67 89`, `+33 (0)1 23 45 67 89`, `0033 1 23...`), with spaces, dots,
    /// dashes and parentheses anywhere; overseas numbers in both forms.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut digits = String::new();
        let trimmed = text.trim();
        let mut plus = false;
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                other => {
                    return Err(ParseError::new(PHONE, format!("{other:?} is not allowed")));
                }
            }
        }
        // "+33 (0)1..." writes a national 0 that the international form drops.
        let international = if plus {
            Some(digits.as_str())
        } else {
            digits.strip_prefix("00")
        };
        let national: String = match international {
            Some(rest) => {
                let (country, number) = ["33", "262", "590", "594", "596"]
                    .iter()
                    .find_map(|code| rest.strip_prefix(code).map(|n| (*code, n)))
                    .ok_or_else(|| {
                        ParseError::new(
                            PHONE,
                            "only French numbers (+33, or overseas +262, +590, +594, +596)",
                        )
                    })?;
                let number = number
                    .strip_prefix('0')
                    .filter(|n| n.len() == 9)
                    .unwrap_or(number);
                if country != "33" {
                    // +262 262 12 34 56: the national number is 0262 12 34 56.
                    let belongs = OVERSEAS
                        .iter()
                        .any(|(prefix, c)| *c == country && number.starts_with(prefix));
                    if !belongs {
                        return Err(ParseError::new(
                            PHONE,
                            format!("+{country} numbers start with one of its overseas prefixes"),
                        ));
                    }
                }
                format!("0{number}")
            }
            None => digits.clone(),
        };
        if national.len() != 10 {
            return Err(ParseError::new(
                PHONE,
                format!(
                    "has {} digits, expected 10 (0 and nine digits), e.g. 01 23 45 67 89",
                    national.len()
                ),
            ));
        }
        let Some(significant) = national.strip_prefix('0') else {
            return Err(ParseError::new(PHONE, "a national number starts with 0"));
        };
        if significant.starts_with('0') {
            return Err(ParseError::new(
                PHONE,
                "no French number starts with 00 after the 0",
            ));
        }
        let country = OVERSEAS
            .iter()
            .find(|(prefix, _)| significant.starts_with(prefix))
            .map_or("33", |(_, country)| country);
        Ok(Self(format!("+{country}{significant}")))
    }

    /// The national form grouped by two digits: `01 23 45 67 89`.
    pub fn national(&self) -> String {
        let significant = OVERSEAS
            .iter()
            .find_map(|(prefix, country)| {
                self.0
                    .strip_prefix('+')
                    .and_then(|n| n.strip_prefix(country))
                    .filter(|n| n.starts_with(prefix))
            })
            .or_else(|| self.0.strip_prefix("+33"))
            .unwrap_or_default();
        let national = format!("0{significant}");
        national
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Mobile lines: national numbers starting 06 or 07 (overseas mobiles too: 0690, 0639...).
    pub fn is_mobile(&self) -> bool {
        let national = self.national();
        national.starts_with("06") || national.starts_with("07")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::test_support::check;

    #[test]
    fn email_table() {
        let p = Email::parse;
        check(
            p,
            "prenom.nom@francetravail.fr",
            Ok("prenom.nom@francetravail.fr"),
        );
        check(
            p,
            " Jean.Dupont@Agence-Interim.FR ",
            Ok("Jean.Dupont@agence-interim.fr"),
        );
        check(p, "a+tag@sub.domain.org", Ok("a+tag@sub.domain.org"));
        check(p, "o'brien@example.ie", Ok("o'brien@example.ie"));
        check(p, "", Err("is empty"));
        check(p, "jean.dupont", Err("has no @"));
        check(p, "@francetravail.fr", Err("nothing before the @"));
        check(p, "jean@francetravail", Err("needs a dot"));
        check(p, "jean@-ft.fr", Err("invalid part"));
        check(p, "jean@ft..fr", Err("invalid part"));
        check(p, "jean@ft.f", Err("end with a name of letters"));
        check(p, "jean@ft.123", Err("end with a name of letters"));
        check(p, "jean dupont@ft.fr", Err("' ' is not allowed"));
        check(p, ".jean@ft.fr", Err("dots before the @"));
        check(p, "jean..dupont@ft.fr", Err("dots before the @"));
        check(p, "jéan@ft.fr", Err("'é' is not allowed"));
        let long_local = format!("{}@ft.fr", "a".repeat(65));
        check(p, &long_local, Err("more than 64"));
        let long = format!("a@{}.fr", "b".repeat(260));
        check(p, &long, Err("longer than 254"));
    }

    #[test]
    fn phone_table() {
        let p = |text: &str| PhoneNumber::parse(text).map(|n| n.as_str().to_string());
        check(p, "01 23 45 67 89", Ok("+33123456789"));
        check(p, "01.23.45.67.89", Ok("+33123456789"));
        check(p, "0123456789", Ok("+33123456789"));
        check(p, "+33 1 23 45 67 89", Ok("+33123456789"));
        check(p, "+33 (0)1 23 45 67 89", Ok("+33123456789"));
        check(p, "0033 6 12 34 56 78", Ok("+33612345678"));
        check(p, "07-12-34-56-78", Ok("+33712345678"));
        check(p, "02 62 12 34 56", Ok("+262262123456"));
        check(p, "+262 692 12 34 56", Ok("+262692123456"));
        check(p, "05 90 12 34 56", Ok("+590590123456"));
        check(p, "+596 596 12 34 56", Ok("+596596123456"));
        check(p, "01 23 45 67", Err("has 8 digits"));
        check(p, "1 23 45 67 89", Err("has 9 digits"));
        check(p, "11 23 45 67 89", Err("starts with 0"));
        check(p, "00 23 45 67 89", Err("only French numbers"));
        check(p, "+44 20 7946 0958", Err("only French numbers"));
        check(p, "+262 1 23 45 67 89", Err("overseas prefixes"));
        check(p, "01 23 45 67 8x", Err("'x' is not allowed"));
        check(p, "", Err("has 0 digits"));
    }

    #[test]
    fn phone_national_form() {
        let national = |text: &str| PhoneNumber::parse(text).unwrap().national();
        assert_eq!(national("+33123456789"), "01 23 45 67 89");
        assert_eq!(national("0262123456"), "02 62 12 34 56");
        assert!(PhoneNumber::parse("06 12 34 56 78").unwrap().is_mobile());
        assert!(!PhoneNumber::parse("01 23 45 67 89").unwrap().is_mobile());
    }

    proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,30}") {
            let _ = Email::parse(&text);
            let _ = PhoneNumber::parse(&text).map(|n| n.national());
        }

        #[test]
        fn well_formed_emails_parse_and_round_trip(
            local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]",
            domain in "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
            tld in "[a-z]{2,6}",
        ) {
            prop_assume!(!local.contains(".."));
            let text = format!("{local}@{domain}.{tld}");
            let email = Email::parse(&text).unwrap();
            prop_assert_eq!(email.as_str(), text.as_str());
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }

        #[test]
        fn every_writing_of_a_number_gives_the_same_value(
            first in 1u8..10,
            rest in proptest::collection::vec(0u8..10, 8),
            style in 0usize..5,
        ) {
            let significant: String = std::iter::once(first)
                .chain(rest)
                .map(|d| char::from(b'0' + d))
                .collect();
            let national = format!("0{significant}");
            let canonical = PhoneNumber::parse(&national).unwrap();
            let pairs: Vec<&str> = national
                .as_bytes()
                .chunks(2)
                .map(|p| std::str::from_utf8(p).unwrap())
                .collect();
            let written = match style {
                0 => pairs.join(" "),
                1 => pairs.join("."),
                2 => format!("+{} {}", &canonical.as_str()[1..canonical.as_str().len() - 9], significant),
                3 => format!("00{}", &canonical.as_str()[1..]),
                _ => canonical.national(),
            };
            prop_assert_eq!(PhoneNumber::parse(&written), Ok(canonical));
        }
    }
}

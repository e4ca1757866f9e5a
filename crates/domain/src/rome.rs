use crate::{ParseError, describe_length, string_value};

/// A ROME 4.0 occupation code known to the embedded referential, e.g. `N1101`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RomeCode(String);

string_value!(RomeCode);

/// The expected shape of a ROME code, for messages.
struct Shape;

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a letter from A to N followed by four digits, e.g. N1101")
    }
}

const WHAT: &str = "ROME code";

impl RomeCode {
    /// Accepts surrounding spaces and lower case (`" n1101"`); the code must have the shape
    /// `^[A-N][0-9]{4}$` and name an occupation of the ROME 4.0.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let code = text.trim().to_ascii_uppercase();
        if code.chars().count() != 5 {
            return Err(ParseError::new(
                WHAT,
                format!("{}; {}", describe_length(code.chars().count(), "5"), Shape),
            ));
        }
        let bytes = code.as_bytes();
        let letter_ok = bytes.first().is_some_and(|b| (b'A'..=b'N').contains(b));
        let digits_ok = bytes.iter().skip(1).all(u8::is_ascii_digit);
        if !letter_ok || !digits_ok {
            return Err(ParseError::new(WHAT, format!("expected {Shape}")));
        }
        if refdata::rome().occupation(&code).is_none() {
            return Err(ParseError::new(
                WHAT,
                "no such occupation in the ROME 4.0 referential",
            ));
        }
        Ok(Self(code))
    }

    /// The grand domaine: one letter, A to N.
    pub fn grand_domaine(&self) -> &str {
        self.0.get(..1).unwrap_or_default()
    }

    /// The domaine professionnel: three characters, e.g. N11.
    pub fn domaine_professionnel(&self) -> &str {
        self.0.get(..3).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::test_support::check(RomeCode::parse, input, expected);
    }

    #[test]
    fn rome_code_table() {
        check("N1101", Ok("N1101"));
        check(" n1101 ", Ok("N1101"));
        check("J1501", Ok("J1501"));
        check("A1101", Ok("A1101"));
        check("N110", Err("expected 5"));
        check("N11011", Err("expected 5"));
        check("O1101", Err("a letter from A to N"));
        check("NN101", Err("a letter from A to N"));
        check("N1 01", Err("a letter from A to N"));
        check("N9999", Err("no such occupation"));
        check("", Err("has 0 characters"));
        check("Ñ1101", Err("a letter from A to N"));
    }

    #[test]
    fn rome_code_domains() {
        let code = RomeCode::parse("N1101").unwrap();
        assert_eq!(code.grand_domaine(), "N");
        assert_eq!(code.domaine_professionnel(), "N11");
    }

    #[test]
    fn every_referential_code_parses_and_round_trips() {
        for occupation in refdata::rome().occupations() {
            let code = RomeCode::parse(occupation.code).unwrap();
            assert_eq!(code.as_str(), occupation.code);
            assert_eq!(RomeCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    fn serde_goes_through_parse() {
        let code: RomeCode = serde_json::from_str("\"n1101\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"N1101\"");
        assert!(serde_json::from_str::<RomeCode>("\"Z0000\"").is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_or_fails_without_panicking(text in ".{0,12}") {
            if let Ok(code) = RomeCode::parse(&text) {
                prop_assert!(refdata::rome().occupation(code.as_str()).is_some());
            }
        }

        #[test]
        fn well_shaped_codes_parse_exactly_when_known(letter in "[A-N]", digits in "[0-9]{4}") {
            let text = format!("{letter}{digits}");
            let known = refdata::rome().occupation(&text).is_some();
            prop_assert_eq!(RomeCode::parse(&text).is_ok(), known);
        }
    }
}

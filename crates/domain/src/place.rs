use crate::{ParseError, compact, describe_length, string_value};

/// INSEE code of a commune or arrondissement municipal (code officiel géographique):
/// `93066`, Corsica `2A004`/`2B033`, overseas `97411`, arrondissements such as `75111`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InseeCode(String);

string_value!(InseeCode);

/// A French department: `01`–`19`, `2A`, `2B`, `21`–`95`, `971`–`974`, `976`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DepartmentCode(String);

string_value!(DepartmentCode);

/// A French postcode: five digits, not starting with `00`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(String);

string_value!(Postcode);

/// The department part of a code of mainland France or Corsica (two characters), if valid.
fn mainland_department(two: &str) -> bool {
    match two {
        "2A" | "2B" => true,
        _ => {
            two.parse::<u8>()
                .is_ok_and(|n| (1..=95).contains(&n) && n != 20)
                && two.len() == 2
        }
    }
}

/// Overseas departments (three digits); 975 (Saint-Pierre-et-Miquelon) is a collectivity.
fn overseas_department(three: &str) -> bool {
    matches!(three, "971" | "972" | "973" | "974" | "976")
}

impl InseeCode {
    const WHAT: &'static str = "INSEE commune code";

    /// Accepts surrounding spaces and lower case (`2a004`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let code = text.trim().to_ascii_uppercase();
        let length = code.chars().count();
        if length != 5 {
            return Err(ParseError::new(
                Self::WHAT,
                format!("{}, e.g. 93066 or 2A004", describe_length(length, "5")),
            ));
        }
        let (Some(head), Some(tail)) = (code.get(..2), code.get(2..)) else {
            return Err(ParseError::new(Self::WHAT, "expected letters and digits"));
        };
        let valid = if head == "97" {
            // Overseas: 97 + department digit + two digits.
            code.get(..3).is_some_and(overseas_department)
                && tail.bytes().all(|b| b.is_ascii_digit())
                && code.get(3..) != Some("00")
        } else {
            mainland_department(head) && tail.bytes().all(|b| b.is_ascii_digit()) && tail != "000"
        };
        if !valid {
            return Err(ParseError::new(
                Self::WHAT,
                "expected a department (01–95, 2A, 2B, 971–976) followed by the commune's \
                 number, e.g. 93066 or 2A004",
            ));
        }
        Ok(Self(code))
    }

    /// The department of the commune: `93`, `2A`, `974`.
    pub fn department(&self) -> DepartmentCode {
        let length = if self.0.starts_with("97") { 3 } else { 2 };
        DepartmentCode(self.0.get(..length).unwrap_or_default().to_string())
    }
}

impl DepartmentCode {
    const WHAT: &'static str = "department code";

    /// Accepts surrounding spaces, lower case and a single digit (`1` for `01`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut code = text.trim().to_ascii_uppercase();
        if code.len() == 1 && code.bytes().all(|b| b.is_ascii_digit()) {
            code.insert(0, '0');
        }
        let valid = match code.len() {
            2 => mainland_department(&code),
            3 => overseas_department(&code),
            _ => false,
        };
        if !valid {
            return Err(ParseError::new(
                Self::WHAT,
                "expected 01–19, 2A, 2B, 21–95 or 971–974, 976",
            ));
        }
        Ok(Self(code))
    }
}

impl Postcode {
    const WHAT: &'static str = "postcode";

    /// Accepts surrounding and inner spaces (`93 200`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let code = compact(text, &[]);
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new(
                Self::WHAT,
                "expected five digits, e.g. 93200",
            ));
        }
        if code.len() != 5 {
            return Err(ParseError::new(
                Self::WHAT,
                format!("has {} digits, expected 5", code.len()),
            ));
        }
        if code.starts_with("00") {
            return Err(ParseError::new(
                Self::WHAT,
                "no French postcode starts with 00",
            ));
        }
        Ok(Self(code))
    }

    /// The first two digits: the department for most postcodes (`20` for Corsica, `97` overseas).
    pub fn prefix(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::test_support::check;

    #[test]
    fn insee_code_table() {
        let p = InseeCode::parse;
        check(p, "93066", Ok("93066"));
        check(p, " 2a004 ", Ok("2A004"));
        check(p, "2B033", Ok("2B033"));
        check(p, "75111", Ok("75111"));
        check(p, "69381", Ok("69381"));
        check(p, "13201", Ok("13201"));
        check(p, "97411", Ok("97411"));
        check(p, "97611", Ok("97611"));
        check(p, "20004", Err("expected a department"));
        check(p, "2C004", Err("expected a department"));
        check(p, "00123", Err("expected a department"));
        check(p, "96001", Err("expected a department"));
        check(p, "97501", Err("expected a department"));
        check(p, "98735", Err("expected a department"));
        check(p, "93000", Err("expected a department"));
        check(p, "9306", Err("expected 5"));
        check(p, "930666", Err("expected 5"));
        check(p, "", Err("expected 5"));
        check(p, "93O66", Err("expected a department"));
    }

    #[test]
    fn insee_code_department() {
        let department = |code: &str| InseeCode::parse(code).unwrap().department().to_string();
        assert_eq!(department("93066"), "93");
        assert_eq!(department("2A004"), "2A");
        assert_eq!(department("97411"), "974");
        assert_eq!(department("75111"), "75");
    }

    #[test]
    fn department_code_table() {
        let p = DepartmentCode::parse;
        check(p, "93", Ok("93"));
        check(p, "1", Ok("01"));
        check(p, "2a", Ok("2A"));
        check(p, "974", Ok("974"));
        check(p, "20", Err("expected 01–19"));
        check(p, "96", Err("expected 01–19"));
        check(p, "975", Err("expected 01–19"));
        check(p, "00", Err("expected 01–19"));
        check(p, "", Err("expected 01–19"));
    }

    #[test]
    fn postcode_table() {
        let p = Postcode::parse;
        check(p, "93200", Ok("93200"));
        check(p, " 93 200 ", Ok("93200"));
        check(p, "20000", Ok("20000"));
        check(p, "97400", Ok("97400"));
        check(p, "9320", Err("has 4 digits"));
        check(p, "932000", Err("has 6 digits"));
        check(p, "00100", Err("starts with 00"));
        check(p, "93-200", Err("expected five digits"));
        check(p, "", Err("has 0 digits"));
    }

    #[test]
    fn every_referential_commune_code_and_postcode_parses() {
        for commune in refdata::geo().communes() {
            let code = InseeCode::parse(commune.code).unwrap();
            assert_eq!(
                code.department().as_str(),
                commune.department,
                "{}",
                commune.code
            );
            for postcode in &commune.postcodes {
                Postcode::parse(postcode).unwrap();
            }
        }
    }

    #[test]
    fn exactly_the_101_departments_parse() {
        let departments: Vec<_> = refdata::geo().departments().collect();
        assert_eq!(departments.len(), 101);
        for department in departments {
            DepartmentCode::parse(department.code).unwrap();
        }
        let valid = (0..1000)
            .map(|n| format!("{n:02}"))
            .chain(["2A".to_string(), "2B".to_string()])
            .filter(|code| DepartmentCode::parse(code).is_ok())
            .count();
        assert_eq!(valid, 101);
    }

    proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,8}") {
            let _ = InseeCode::parse(&text);
            let _ = DepartmentCode::parse(&text);
            let _ = Postcode::parse(&text);
        }

        #[test]
        fn parsed_values_are_canonical(text in "[0-9AB ]{3,7}") {
            if let Ok(code) = InseeCode::parse(&text) {
                prop_assert_eq!(InseeCode::parse(code.as_str()), Ok(code.clone()));
                prop_assert!(DepartmentCode::parse(code.department().as_str()).is_ok());
            }
            if let Ok(code) = Postcode::parse(&text) {
                prop_assert_eq!(code.as_str().len(), 5);
                prop_assert_eq!(Postcode::parse(code.as_str()), Ok(code.clone()));
            }
        }
    }
}

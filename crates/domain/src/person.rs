use crate::{ParseError, RomeCode, string_value};

/// A first or last name: trimmed, inner spaces collapsed, 1 to 100 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonName(String);

string_value!(PersonName);

impl PersonName {
    const WHAT: &'static str = "name";

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ParseError::new(Self::WHAT, "is empty"));
        }
        if name.chars().count() > 100 {
            return Err(ParseError::new(Self::WHAT, "is longer than 100 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(ParseError::new(Self::WHAT, "contains control characters"));
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(ParseError::new(Self::WHAT, "has no letter"));
        }
        Ok(Self(name))
    }
}

/// An identifier given by another system (France Travail's job-seeker identifier, an
/// agency's offer reference): 1 to 40 visible ASCII characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExternalId(String);

string_value!(ExternalId);

impl ExternalId {
    const WHAT: &'static str = "identifier";

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let id = text.trim();
        if id.is_empty() {
            return Err(ParseError::new(Self::WHAT, "is empty"));
        }
        if id.len() > 40 {
            return Err(ParseError::new(Self::WHAT, "is longer than 40 characters"));
        }
        if !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ParseError::new(
                Self::WHAT,
                "may only hold letters, digits and punctuation, without spaces",
            ));
        }
        Ok(Self(id.to_string()))
    }
}

/// The farthest a person accepts to travel to work, in kilometres: 0 to 300.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommuteLimitKm(u16);

impl CommuteLimitKm {
    pub const MAX: u16 = 300;

    pub fn new(km: u16) -> Result<Self, ParseError> {
        if km > Self::MAX {
            return Err(ParseError::new(
                "commute limit",
                format!("is {km} km, at most {} km", Self::MAX),
            ));
        }
        Ok(Self(km))
    }

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let km = text
            .trim()
            .trim_end_matches("km")
            .trim()
            .parse::<u16>()
            .map_err(|_| ParseError::new("commute limit", "expected a whole number of km"))?;
        Self::new(km)
    }

    pub fn km(self) -> u16 {
        self.0
    }
}

impl serde::Serialize for CommuteLimitKm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for CommuteLimitKm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(u16::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// An occupation a job seeker looks for: a ROME code, and a job title of it when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Target {
    pub rome: RomeCode,
    /// OGR code of a job title (appellation) of that occupation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
}

/// One to three target occupations, distinct, in the person's order of preference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Targets(Vec<Target>);

impl Targets {
    pub fn new(targets: Vec<Target>) -> Result<Self, ParseError> {
        const WHAT: &str = "target occupations";
        if targets.is_empty() {
            return Err(ParseError::new(WHAT, "at least one is needed"));
        }
        if targets.len() > 3 {
            return Err(ParseError::new(
                WHAT,
                format!("{} given, at most 3", targets.len()),
            ));
        }
        for (i, target) in targets.iter().enumerate() {
            if targets.iter().take(i).any(|t| t.rome == target.rome) {
                return Err(ParseError::new(
                    WHAT,
                    format!("{} is given twice", target.rome),
                ));
            }
            if let Some(ogr) = &target.job_title {
                let known = refdata::rome()
                    .occupation(target.rome.as_str())
                    .is_some_and(|o| o.job_titles.iter().any(|t| t.ogr == ogr));
                if !known {
                    return Err(ParseError::new(
                        WHAT,
                        format!("job title {ogr} is not one of {}", target.rome),
                    ));
                }
            }
        }
        Ok(Self(targets))
    }

    pub fn as_slice(&self) -> &[Target] {
        &self.0
    }

    pub fn first(&self) -> Option<&Target> {
        self.0.first()
    }

    /// The ROME codes, in the person's order of preference.
    pub fn codes(&self) -> Vec<String> {
        self.0.iter().map(|t| t.rome.as_str().to_string()).collect()
    }
}

impl<'de> serde::Deserialize<'de> for Targets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(Vec::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn target(code: &str, title: Option<&str>) -> Target {
        Target {
            rome: RomeCode::parse(code).unwrap(),
            job_title: title.map(str::to_string),
        }
    }

    #[test]
    fn person_name_table() {
        assert_eq!(
            PersonName::parse("  Marie-Hélène  ").unwrap().as_str(),
            "Marie-Hélène"
        );
        assert_eq!(
            PersonName::parse("de  La Tour").unwrap().as_str(),
            "de La Tour"
        );
        assert!(
            PersonName::parse("   ")
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
        assert!(
            PersonName::parse("1234")
                .unwrap_err()
                .to_string()
                .contains("no letter")
        );
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert!(
            PersonName::parse("a\u{7}b")
                .unwrap_err()
                .to_string()
                .contains("control")
        );
    }

    #[test]
    fn external_id_table() {
        assert_eq!(
            ExternalId::parse(" 1234567A ").unwrap().as_str(),
            "1234567A"
        );
        assert_eq!(
            ExternalId::parse("OFF-2024/001").unwrap().as_str(),
            "OFF-2024/001"
        );
        assert!(ExternalId::parse("").is_err());
        assert!(
            ExternalId::parse("a b")
                .unwrap_err()
                .to_string()
                .contains("without spaces")
        );
        assert!(ExternalId::parse(&"x".repeat(41)).is_err());
        assert!(ExternalId::parse("é").is_err());
    }

    #[test]
    fn commute_limit_table() {
        assert_eq!(CommuteLimitKm::parse("25").unwrap().km(), 25);
        assert_eq!(CommuteLimitKm::parse(" 30 km").unwrap().km(), 30);
        assert_eq!(CommuteLimitKm::parse("0").unwrap().km(), 0);
        assert!(
            CommuteLimitKm::parse("301")
                .unwrap_err()
                .to_string()
                .contains("at most 300")
        );
        assert!(CommuteLimitKm::parse("-1").is_err());
        assert!(CommuteLimitKm::parse("loin").is_err());
    }

    #[test]
    fn targets_table() {
        assert!(Targets::new(vec![target("N1101", Some("11679"))]).is_ok());
        assert!(
            Targets::new(vec![
                target("N1101", None),
                target("N1103", None),
                target("J1501", None)
            ])
            .is_ok()
        );
        let err = |t| Targets::new(t).unwrap_err().to_string();
        assert!(err(vec![]).contains("at least one"));
        assert!(err(vec![target("N1101", None); 4]).contains("at most 3"));
        assert!(err(vec![target("N1101", None), target("N1101", None)]).contains("twice"));
        assert!(err(vec![target("N1101", Some("99999"))]).contains("not one of N1101"));
    }

    proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,120}") {
            if let Ok(name) = PersonName::parse(&text) {
                prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(id) = ExternalId::parse(&text) {
                prop_assert_eq!(ExternalId::parse(id.as_str()), Ok(id.clone()));
            }
            let _ = CommuteLimitKm::parse(&text);
        }
    }
}

//! Passerelle's domain types. Each value is parsed once at the edge (`Type::parse(&str)`) and
//! is valid by construction afterwards: a private field, a constructor that checks, a getter.
//! Parsing is lenient about presentation (spaces, case) and strict about substance; the stored
//! form is canonical. Nothing here does IO or reads the clock.

mod contact;
mod person;
mod place;
mod rome;
mod siret;

pub use contact::{Email, PhoneNumber};
pub use person::{CommuteLimitKm, ExternalId, PersonName, Target, Targets};
pub use place::{DepartmentCode, InseeCode, Postcode};
pub use rome::RomeCode;
pub use siret::Siret;

/// Why a text is not a valid value of some type. The message names the reason, never the
/// value itself (which may be personal data); the caller names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {what}: {reason}")]
pub struct ParseError {
    /// What was expected, e.g. "SIRET".
    pub what: &'static str,
    /// Why the text is not one, e.g. "has 13 digits, expected 14".
    pub reason: String,
}

impl ParseError {
    fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            reason: reason.into(),
        }
    }
}

/// The string-like plumbing every parsed type shares: `as_str`, `Display`, `FromStr`,
/// serde as a plain string (deserialising through `parse`).
macro_rules! string_value {
    ($type:ident) => {
        impl $type {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::ParseError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_value;

/// `text` without any of the separators people put in codes and numbers.
fn compact(text: &str, separators: &[char]) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .collect()
}

fn describe_length(found: usize, expected: &str) -> String {
    format!("has {found} characters, expected {expected}")
}

#[cfg(test)]
mod test_support {
    use crate::ParseError;

    /// Table tests of a parser: `Ok(canonical)` for what parses and how it prints, `Err(part)`
    /// for a part of the message of what does not.
    pub fn check<T: std::fmt::Display>(
        parse: fn(&str) -> Result<T, ParseError>,
        input: &str,
        expected: Result<&str, &str>,
    ) {
        match (parse(input), expected) {
            (Ok(value), Ok(canonical)) => assert_eq!(value.to_string(), canonical, "{input:?}"),
            (Err(err), Err(fragment)) => {
                assert!(err.to_string().contains(fragment), "{input:?}: {err}")
            }
            (Ok(value), Err(_)) => panic!("{input:?} parsed as {value}"),
            (Err(err), Ok(_)) => panic!("{input:?} rejected: {err}"),
        }
    }
}

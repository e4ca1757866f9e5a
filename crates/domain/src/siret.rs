use crate::{ParseError, compact, string_value};

/// A SIRET, the 14-digit identifier of an establishment: the company's SIREN (9 digits) and
/// the establishment's NIC (5 digits). Both the SIREN and the whole SIRET carry a Luhn key.
/// La Poste's establishments (SIREN 356 000 000, head office 356 000 000 00048 aside) are
/// numbered past what the key allows: for them, INSEE's rule is that the sum of the 14 digits
/// is a multiple of 5.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Siret(String);

string_value!(Siret);

const WHAT: &str = "SIRET";
const LA_POSTE_SIREN: &str = "356000000";
const LA_POSTE_HEAD_OFFICE: &str = "35600000000048";

/// Luhn: from the right, every second digit doubled (minus 9 past 9); valid when the sum is a
/// multiple of 10.
fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl Siret {
    /// Accepts the spaces, dots and dashes people type (`732 829 320 00074`).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let code = compact(text, &['.', '-']);
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new(WHAT, "expected 14 digits"));
        }
        if code.len() != 14 {
            return Err(ParseError::new(
                WHAT,
                format!("has {} digits, expected 14", code.len()),
            ));
        }
        let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
        if !luhn_valid(digits.get(..9).unwrap_or_default()) {
            return Err(ParseError::new(
                WHAT,
                "the SIREN (first nine digits) check digit does not match (a digit is probably \
                 mistyped)",
            ));
        }
        let valid = if code.starts_with(LA_POSTE_SIREN) && code != LA_POSTE_HEAD_OFFICE {
            digits
                .iter()
                .map(|&d| u32::from(d))
                .sum::<u32>()
                .is_multiple_of(5)
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(ParseError::new(
                WHAT,
                "the check digit does not match (a digit is probably mistyped)",
            ));
        }
        Ok(Self(code))
    }

    /// The SIRET whose SIREN starts with the 8 digits of `siren_base` and whose NIC starts with
    /// the 4 digits of `nic_base`, check digits computed: for simulated structures.
    pub fn with_check_digits(siren_base: u32, nic_base: u16) -> Self {
        fn digits(mut n: u32, count: usize) -> Vec<u8> {
            let mut out = vec![0; count];
            for slot in out.iter_mut().rev() {
                *slot = (n % 10) as u8;
                n /= 10;
            }
            out
        }
        fn complete(mut digits: Vec<u8>) -> Vec<u8> {
            digits.push(0);
            for last in 0..10 {
                if let Some(slot) = digits.last_mut() {
                    *slot = last;
                }
                if luhn_valid(&digits) {
                    break;
                }
            }
            digits
        }
        let mut all = complete(digits(siren_base % 100_000_000, 8));
        all.extend(digits(u32::from(nic_base % 10_000), 4));
        let all = complete(all);
        Self(all.iter().map(|d| char::from(b'0' + d)).collect())
    }

    /// The company's SIREN, the first nine digits.
    pub fn siren(&self) -> &str {
        self.0.get(..9).unwrap_or_default()
    }

    /// The establishment's NIC, the last five digits.
    pub fn nic(&self) -> &str {
        self.0.get(9..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::test_support::check(Siret::parse, input, expected);
    }

    #[test]
    fn siret_table() {
        check("12002701600563", Ok("12002701600563"));
        check("130 005 481 00010", Ok("13000548100010"));
        // The example SIRET found in many French administrative guides.
        check("732.829.320-00074", Ok("73282932000074"));
        // La Poste's head office follows Luhn...
        check("35600000000048", Ok("35600000000048"));
        // ...its other establishments a digit sum multiple of 5 instead.
        check("35600000049837", Ok("35600000049837"));
        check("35600000000049", Err("check digit"));
        check("35600000012345", Err("check digit"));
        // Luhn-valid as 14 digits, but the SIREN's own key is wrong.
        check("12345678000006", Err("SIREN"));
        check("12002701600564", Err("check digit"));
        check("1200270160056", Err("has 13 digits"));
        check("120027016005630", Err("has 15 digits"));
        check("1200270160056A", Err("expected 14 digits"));
        check("", Err("has 0 digits"));
    }

    #[test]
    fn with_check_digits_gives_valid_sirets() {
        for (siren, nic) in [(0, 0), (12345678, 1), (99_999_999, 9999), (35600000, 0)] {
            let siret = Siret::with_check_digits(siren, nic);
            assert_eq!(Siret::parse(siret.as_str()), Ok(siret.clone()), "{siret}");
        }
        assert_ne!(
            Siret::with_check_digits(1, 1),
            Siret::with_check_digits(1, 2)
        );
    }

    #[test]
    fn siren_and_nic() {
        let siret = Siret::parse("12002701600563").unwrap();
        assert_eq!(siret.siren(), "120027016");
        assert_eq!(siret.nic(), "00563");
    }

    /// `prefix` followed by the digit that makes it Luhn-valid.
    fn complete(prefix: &[u8]) -> Vec<u8> {
        let last = (0..10)
            .find(|&last| {
                let mut digits = prefix.to_vec();
                digits.push(last);
                luhn_valid(&digits)
            })
            .unwrap();
        let mut digits = prefix.to_vec();
        digits.push(last);
        digits
    }

    /// A valid SIRET from 8 SIREN digits and 4 NIC digits.
    fn valid_siret(siren: &[u8], nic: &[u8]) -> Vec<u8> {
        let mut digits = complete(siren);
        digits.extend_from_slice(nic);
        complete(&digits)
    }

    fn render(digits: &[u8]) -> String {
        digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,20}") {
            let _ = Siret::parse(&text);
        }

        #[test]
        fn every_completed_number_parses(
            siren in proptest::collection::vec(0u8..10, 8),
            nic in proptest::collection::vec(0u8..10, 4),
        ) {
            let digits = valid_siret(&siren, &nic);
            prop_assume!(render(&digits).get(..9) != Some(LA_POSTE_SIREN));
            let text = render(&digits);
            prop_assert_eq!(Siret::parse(&text).map(|s| s.0), Ok(text.clone()));
        }

        #[test]
        fn one_changed_digit_is_caught(
            siren in proptest::collection::vec(0u8..10, 8),
            nic in proptest::collection::vec(0u8..10, 4),
            position in 0usize..14,
            shift in 1u8..10,
        ) {
            let mut digits = valid_siret(&siren, &nic);
            digits[position] = (digits[position] + shift) % 10;
            prop_assume!(render(&digits).get(..9) != Some(LA_POSTE_SIREN));
            prop_assert!(Siret::parse(&render(&digits)).is_err());
        }
    }
}

//! The values of a catalogue's elements as files in the field write them: codes, numbers,
//! coordinates, and rich text (HTML escaped inside an element).

/// The code lists of `code-public-vise`: Formacode V10 and, for older files, V9.
pub(super) const PUBLIC_LISTS: &[&str] = &[
    "dict-public-vise-formacode-V10",
    "dict-public-vise-formacode-V9",
];
/// The code lists of `code-financeur`: the definition's, and the Formacode V10 codes of funders
/// some files write instead.
pub(super) const FUNDER_LISTS: &[&str] = &["dict-financeurs", "dict-financeurs-formacodes-V10"];
/// `modalites-enseignement`: 0 in person, 1 mixed, 2 at a distance.
pub(super) const TEACHING_LISTS: &[&str] = &["dict-modalites-enseignement"];
pub(super) const LEVEL_LISTS: &[&str] = &["dict-niveaux"];
pub(super) const RECRUITMENT_LISTS: &[&str] = &["dict-etat-recrutement"];

/// The text on one line: runs of whitespace (line breaks included) become one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value as it may be quoted in a reason: on one line, at most 40 characters.
pub(super) fn quoted(text: &str) -> String {
    let line = one_line(text);
    let mut short: String = line.chars().take(40).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    format!("{short:?}")
}

fn digits(text: &str, count: std::ops::RangeInclusive<usize>) -> bool {
    count.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// A Formacode: five digits.
pub(super) fn formacode(text: &str) -> Result<String, String> {
    let code = text.trim();
    if digits(code, 5..=5) {
        Ok(code.to_string())
    } else {
        Err(format!("{}: not a Formacode (five digits)", quoted(code)))
    }
}

/// An NSF code: three characters, two digits then a digit or a letter (`311`, `31t`); the
/// letter in lower case.
pub(super) fn nsf(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_lowercase();
    let bytes = code.as_bytes();
    let shaped = matches!(bytes, [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit()
        && (c.is_ascii_digit() || c.is_ascii_lowercase()));
    if shaped {
        Ok(code)
    } else {
        Err(format!(
            "{}: not an NSF code (three characters: two digits, then a digit or a letter)",
            quoted(text)
        ))
    }
}

/// An RNCP code as France compétences names the certification, `RNCP` and its number
/// (catalogues write `34828` or `RNCP34828`).
pub(super) fn rncp(text: &str) -> Result<String, String> {
    let code = text.trim();
    let number = code
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("RNCP"))
        .and_then(|_| code.get(4..))
        .unwrap_or(code)
        .trim();
    if digits(number, 1..=10) {
        Ok(format!("RNCP{number}"))
    } else {
        Err(format!("{}: not an RNCP code (its number)", quoted(code)))
    }
}

/// A CERTIFINFO code: up to ten digits.
pub(super) fn certifinfo(text: &str) -> Result<String, String> {
    let code = text.trim();
    if digits(code, 1..=10) {
        Ok(code.to_string())
    } else {
        Err(format!("{}: not a CERTIFINFO code (digits)", quoted(code)))
    }
}

/// A code of one of the definition's code lists.
pub(super) fn listed(lists: &[&str], text: &str) -> Result<String, String> {
    let code = text.trim();
    if lists
        .iter()
        .any(|list| refdata::lheo::code_label(list, code).is_some())
    {
        Ok(code.to_string())
    } else {
        Err(format!(
            "{}: not a code of {}",
            quoted(code),
            lists.join(" or ")
        ))
    }
}

/// A small number from a code list (`code-niveau-entree`, `etat-recrutement`).
pub(super) fn listed_number(lists: &[&str], text: &str) -> Result<u8, String> {
    let code = listed(lists, text)?;
    code.parse()
        .map_err(|_| format!("{}: not a number", quoted(&code)))
}

/// `dict-boolean`: 0 or 1 (`true`, `false`, `oui`, `non` accepted).
pub(super) fn boolean(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "oui" => Ok(true),
        "0" | "false" | "non" => Ok(false),
        _ => Err(format!("{}: expected 0 or 1", quoted(text))),
    }
}

/// A number of hours (spaces allowed, `120,0` read as 120).
pub(super) fn hours(text: &str) -> Result<u32, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let whole = compact
        .strip_suffix(",0")
        .or_else(|| compact.strip_suffix(".0"))
        .unwrap_or(&compact);
    whole
        .parse()
        .map_err(|_| format!("{}: not a whole number of hours", quoted(text)))
}

/// A coordinate in degrees (a decimal comma accepted); empty is none.
pub(super) fn coordinate(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| format!("{}: not a number of degrees", quoted(text)))
}

/// An address line that only holds a placeholder (`-`, `.`): the definition requires a line,
/// and files without one write this.
pub(super) fn placeholder(line: &str) -> bool {
    !line.chars().any(char::is_alphanumeric)
}

/// Rich text as catalogues write it (HTML, escaped inside the element): tags removed (a block
/// tag separates words, an inline one does not), character references resolved, whitespace
/// collapsed to single spaces.
pub(super) fn rich_text(html: &str) -> String {
    let mut plain = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let step = match c {
            '<' => match tag(rest) {
                Some((length, inline)) => {
                    if !inline {
                        plain.push(' ');
                    }
                    length
                }
                None => {
                    plain.push('<');
                    1
                }
            },
            '&' => match reference(rest) {
                Some((length, resolved)) => {
                    plain.push(resolved);
                    length
                }
                None => {
                    plain.push('&');
                    1
                }
            },
            other => {
                plain.push(other);
                other.len_utf8()
            }
        };
        rest = rest.get(step..).unwrap_or_default();
    }
    one_line(&plain)
}

/// Character references resolved (`&amp;`, `&#233;`, `&eacute;`), any other `&` left as
/// written.
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        let (before, from) = rest.split_at_checked(at).unwrap_or((rest, ""));
        out.push_str(before);
        let step = match reference(from) {
            Some((length, resolved)) => {
                out.push(resolved);
                length
            }
            None => {
                out.push('&');
                1
            }
        };
        rest = from.get(step..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A tag at the start of `text` (`<p>`, `</li>`, `<br/>`, `<!-- -->`): its length in bytes and
/// whether it is inline (`b`, `i`, `em`, `strong`, `span`, `a`, `u`, `sup`, `sub`).
fn tag(text: &str) -> Option<(usize, bool)> {
    let after = text.get(1..)?;
    let first = after.chars().next()?;
    if !(first.is_ascii_alphabetic() || matches!(first, '/' | '!' | '?')) {
        return None;
    }
    let end = text.find('>')?;
    let name: String = after
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let inline = matches!(
        name.as_str(),
        "b" | "i" | "em" | "strong" | "span" | "a" | "u" | "sup" | "sub" | "font" | "small"
    );
    Some((end + 1, inline))
}

/// A character reference at the start of `text` (`&amp;`, `&#233;`, `&#xE9;`, `&eacute;`):
/// its length in bytes and its character.
fn reference(text: &str) -> Option<(usize, char)> {
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = text.get(1..end)?;
    Some((end + 1, entity(name)?))
}

/// The character an entity names: a numeric reference (`#233`, `#xE9`), one of XML's five, or
/// one of the HTML names catalogues use.
pub(super) fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "acirc" => 'â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yuml" => 'ÿ',
        "oelig" => 'œ',
        "aelig" => 'æ',
        "Eacute" => 'É',
        "Egrave" => 'È',
        "Ecirc" => 'Ê',
        "Agrave" => 'À',
        "Acirc" => 'Â',
        "Ccedil" => 'Ç',
        "Icirc" => 'Î',
        "Ocirc" => 'Ô',
        "OElig" => 'Œ',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "bull" => '•',
        "middot" => '·',
        "deg" => '°',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    };
    Some(c)
}

/// Text as HTML, for rich text written back: `&`, `<` and `>` escaped.
pub(super) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rich_text_loses_its_tags_and_entities_and_keeps_its_words() {
        assert_eq!(
            rich_text(
                "<p>Objectif&nbsp;: conduire un chariot</p><ul><li>CACES&reg; R489</li><li>cat.&#160;3</li></ul>"
            ),
            "Objectif : conduire un chariot CACES® R489 cat. 3"
        );
        assert_eq!(rich_text("a <b>gras</b>et<br/>suite"), "a graset suite");
        assert_eq!(rich_text("Score < 10 & plus > 2"), "Score < 10 & plus > 2");
        assert_eq!(
            rich_text("  l&apos;été\n\n  &unknown; &#xE9;  "),
            "l'été &unknown; é"
        );
        assert_eq!(rich_text("<!-- note -->texte"), "texte");
        assert_eq!(rich_text("&amp;éééééé"), "&éééééé");
        assert_eq!(unescape("a &amp; b &x; &#233;"), "a & b &x; é");
        let text = "Écrire « 3 < 4 » & \"citer\" l'été";
        assert_eq!(rich_text(&html_escape(text)), text);
    }

    #[test]
    fn codes_as_files_write_them() {
        assert_eq!(formacode(" 31795 "), Ok("31795".into()));
        assert!(formacode("3179").unwrap_err().contains("five digits"));
        assert_eq!(nsf("311"), Ok("311".into()));
        assert_eq!(nsf("31T"), Ok("31t".into()));
        assert!(nsf("3111").is_err());
        assert_eq!(rncp("RNCP34828"), Ok("RNCP34828".into()));
        assert_eq!(rncp("rncp 34828"), Ok("RNCP34828".into()));
        assert_eq!(rncp("25730"), Ok("RNCP25730".into()));
        assert!(rncp("RNCP").is_err());
        assert_eq!(certifinfo("85556"), Ok("85556".into()));
        assert_eq!(listed(FUNDER_LISTS, "98013"), Ok("98013".into()));
        assert_eq!(listed(FUNDER_LISTS, "16"), Ok("16".into()));
        assert_eq!(
            listed(FUNDER_LISTS, "99"),
            Err("\"99\": not a code of dict-financeurs or dict-financeurs-formacodes-V10".into())
        );
        assert_eq!(listed(PUBLIC_LISTS, "81024"), Ok("81024".into()));
        assert_eq!(listed_number(LEVEL_LISTS, "4"), Ok(4));
        assert_eq!(boolean(" 1 "), Ok(true));
        assert!(boolean("2").is_err());
        assert_eq!(hours("1 200"), Ok(1200));
        assert_eq!(hours("35,0"), Ok(35));
        assert!(hours("35h").is_err());
        assert_eq!(coordinate("48,8566"), Ok(Some(48.8566)));
        assert_eq!(coordinate(""), Ok(None));
        assert!(coordinate("nord").is_err());
        assert!(placeholder(" - "));
        assert!(!placeholder("1 rue"));
        assert_eq!(quoted(&"x".repeat(50)), format!("\"{}…\"", "x".repeat(40)));
    }
}

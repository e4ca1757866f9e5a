//! The limits of free text and dates, one definition for every way in (files, the API, the
//! pages): each text field has a maximum length in characters and holds no control
//! character (a paragraph keeps its line breaks and tabs) nor any bidirectional override
//! (which makes a title read differently than it is written); a date is between
//! [`FIRST_YEAR`] and [`LAST_YEAR`]. Messages name the reason, never the value.

use chrono::{Datelike, NaiveDate};

/// A title or label on one line (an offer's title, a job title, a meeting's theme).
pub const LINE_CHARS: usize = 200;
/// A person's or an account's name, a token's name.
pub const NAME_CHARS: usize = 100;
/// A place (a meeting's address).
pub const PLACE_CHARS: usize = 300;
/// A web address.
pub const URL_CHARS: usize = 2_000;
/// A note on a referral's move.
pub const NOTE_CHARS: usize = 2_000;
/// An offer's description (France Travail's own are under 4,000 characters).
pub const DESCRIPTION_CHARS: usize = 20_000;

/// The first and last years a date may have.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2199;

/// The months' names in French, January first, as pages and letters write them.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A character no one types on purpose in a name or a note: a control character (line
/// breaks and tabs aside in a paragraph), a direction mark or override, a line or paragraph
/// separator, an invisible format character (soft hyphen, zero-width space, word joiner,
/// invisible operators, byte order mark, interlinear annotation, tag characters) or a
/// Hangul filler. The zero-width joiner and non-joiner stay: some scripts and emoji need
/// them.
fn invisible_or_control(c: char, paragraph: bool) -> bool {
    (c.is_control() && !(paragraph && matches!(c, '\n' | '\r' | '\t')))
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

fn problem(text: &str, max: usize, paragraph: bool) -> Option<String> {
    if text.chars().nth(max).is_some() {
        return Some(format!("too long: at most {max} characters"));
    }
    if text.chars().any(|c| invisible_or_control(c, paragraph)) {
        return Some(if paragraph {
            "holds a control character, an invisible one or a direction override (only line \
             breaks and tabs are allowed)"
                .to_string()
        } else {
            "holds a control character, a line break, an invisible one or a direction override"
                .to_string()
        });
    }
    None
}

/// Why a one-line text is refused, if it is.
pub fn line_problem(text: &str, max: usize) -> Option<String> {
    problem(text, max, false)
}

/// Why a text of several lines is refused, if it is.
pub fn paragraph_problem(text: &str, max: usize) -> Option<String> {
    problem(text, max, true)
}

/// Why a date is refused, if it is: its year outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn date_problem(date: NaiveDate) -> Option<String> {
    let year = date.year();
    (!(FIRST_YEAR..=LAST_YEAR).contains(&year))
        .then(|| format!("the year {year} is not between {FIRST_YEAR} and {LAST_YEAR}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_printable() {
        assert_eq!(line_problem("Cariste CACES 3 (H/F)", LINE_CHARS), None);
        assert_eq!(line_problem(&"é".repeat(LINE_CHARS), LINE_CHARS), None);
        // The zero-width non-joiner and joiner stay: Persian names and emoji need them.
        assert_eq!(line_problem("می\u{200C}خواهم", LINE_CHARS), None);
        assert_eq!(line_problem("👩\u{200D}🔧", LINE_CHARS), None);
        assert!(line_problem(&"é".repeat(LINE_CHARS + 1), LINE_CHARS).is_some());
        for bad in [
            "a\u{0}b",
            "a\u{1b}[31m",
            "a\nb",
            "a\tb",
            "abc\u{202E}fdp.exe",
            "\u{2066}x",
            "Be\u{200B}nali",
            "\u{FEFF}Karim",
            "a\u{2028}b",
            "Ka\u{00AD}rim",
            "\u{061C}x",
            "x\u{E0041}",
            "\u{3164}",
        ] {
            assert!(line_problem(bad, LINE_CHARS).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn paragraphs_keep_line_breaks_and_tabs_only() {
        assert_eq!(paragraph_problem("Missions :\r\n\t- conduite", 100), None);
        assert!(paragraph_problem("a\u{0}b", 100).is_some());
        assert!(paragraph_problem("a\u{202E}b", 100).is_some());
        assert!(paragraph_problem(&"x".repeat(101), 100).is_some());
    }

    #[test]
    fn dates_are_between_1900_and_2199() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(date_problem(d(2026, 12, 4)), None);
        assert_eq!(date_problem(d(1900, 1, 1)), None);
        assert!(date_problem(d(0, 1, 1)).is_some());
        assert!(date_problem(d(-5, 1, 1)).is_some());
        assert!(date_problem(d(2200, 1, 1)).is_some());
    }
}

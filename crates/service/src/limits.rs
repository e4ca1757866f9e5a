//! What the service accepts of text that people type: a search text (a commune, an
//! occupation, a name, the directory's words) is refused above [`SEARCH_CHARS`] characters
//! before any lookup, so no request can make one costly. The API answers 422 naming the
//! parameter; the pages say it in French next to the field.

/// The longest typed search text, in characters (the reference data's lookups read no
/// further either: `refdata::text::MAX_QUERY_CHARS`).
pub const SEARCH_CHARS: usize = refdata::text::MAX_QUERY_CHARS;

/// Why a typed search text is refused, if it is: too long, or holding control characters.
pub fn search_problem(text: &str) -> Option<String> {
    if text.chars().nth(SEARCH_CHARS).is_some() {
        return Some(format!("too long: at most {SEARCH_CHARS} characters"));
    }
    if text.chars().any(char::is_control) {
        return Some("control characters are not allowed".to_string());
    }
    None
}

/// The French message for a search text refused by [`search_problem`].
pub fn search_problem_fr(text: &str) -> Option<String> {
    search_problem(text).map(|_| {
        format!(
            "Texte trop long ou illisible : {SEARCH_CHARS} caractères au plus, sans caractère de \
             contrôle."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_bounded_and_printable() {
        assert_eq!(search_problem("Saint-Denis"), None);
        assert_eq!(search_problem(&"é".repeat(SEARCH_CHARS)), None);
        assert!(search_problem(&"é".repeat(SEARCH_CHARS + 1)).is_some());
        assert!(search_problem("evry\u{0}").is_some());
        assert!(search_problem("evry\u{1b}[31m").is_some());
    }
}

//! Text folding for search: case, accents, ligatures and punctuation do not matter.

/// The longest text a search reads, in characters: lookups read no further, so no text can
/// make one costly. The edges refuse longer text first, naming the field.
pub const MAX_QUERY_CHARS: usize = 200;

/// The most words of a query a search matches.
pub const MAX_QUERY_WORDS: usize = 16;

/// Folded names longer than this get no fuzzy suggestions (the longest French commune name
/// has 45 characters): similarity is quadratic in the length.
pub const MAX_FUZZY_CHARS: usize = 64;

/// The first [`MAX_QUERY_CHARS`] characters of `text`.
pub fn bounded(text: &str) -> &str {
    match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// Lower-case ASCII words of `text`: accents and ligatures folded (`Œuvre` → `oeuvre`),
/// anything not a letter or digit taken as a separator.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            let folded = deunicode::deunicode(w).to_ascii_lowercase();
            // deunicode may turn one word into several (e.g. "l’œil" pieces); split again.
            folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
}

/// The folded words joined by single spaces, with "st"/"ste" read as "saint"/"sainte":
/// `"St-Ouen-l'Aumône"` → `"saint ouen l aumone"`.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(match word.as_str() {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(normalise(input), expected, "normalise({input:?})");
    }

    #[test]
    fn bounded_cuts_at_the_limit_on_a_character_boundary() {
        assert_eq!(bounded("évry"), "évry");
        let long = "é".repeat(MAX_QUERY_CHARS + 5);
        assert_eq!(bounded(&long).chars().count(), MAX_QUERY_CHARS);
        assert_eq!(
            bounded(&long[..2 * MAX_QUERY_CHARS]),
            &long[..2 * MAX_QUERY_CHARS]
        );
    }

    #[test]
    fn normalise_folds_case_accents_ligatures_and_punctuation() {
        check("Évry-Courcouronnes", "evry courcouronnes");
        check("  L'Haÿ-les-Roses ", "l hay les roses");
        check("St-Ouen-l'Aumône", "saint ouen l aumone");
        check("Œnologue", "oenologue");
        check(
            "Aide-soignant / Aide-soignante",
            "aide soignant aide soignante",
        );
        check("", "");
        check("--//--", "");
    }
}

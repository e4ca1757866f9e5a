//! Text folding for search: case, accents, ligatures and punctuation do not matter.

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

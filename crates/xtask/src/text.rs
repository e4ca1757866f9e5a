//! Name normalisation used to join sources (case, accents, punctuation, "St" abbreviations).

pub fn normalise(name: &str) -> String {
    let folded = deunicode::deunicode(name).to_lowercase();
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    spaced
        .split_whitespace()
        .map(|word| match word {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The ROME CSV files escape a quote inside a quoted value as `''`.
pub fn unescape_rome(value: &str) -> String {
    value.replace("''", "'").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_case_accents_punctuation_and_saint() {
        assert_eq!(normalise("Évry-Courcouronnes"), "evry courcouronnes");
        assert_eq!(normalise("St-Ouen-l'Aumône"), "saint ouen l aumone");
        assert_eq!(normalise("L'Haÿ-les-Roses"), "l hay les roses");
        assert_eq!(
            normalise("Ste Geneviève des Bois"),
            "sainte genevieve des bois"
        );
    }

    #[test]
    fn unescape_rome_turns_doubled_quotes_into_one() {
        assert_eq!(unescape_rome("Conduite d''engins"), "Conduite d'engins");
    }
}

//! Form fields as the DSFR draws them (label, hint, error next to the field), and the
//! suggestions that fill the occupation and commune fields as the user types.

use super::*;

/// One field of a form, with the value typed and, after a failed submission, why it is wrong.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    /// text, email, password, number, date, select, checkbox, textarea, file
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    /// For a select: (value, label).
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub autocomplete: &'static str,
    /// Where suggestions come from as the user types (`/suggestions/metiers`).
    pub suggest: &'static str,
}

impl Field {
    pub fn text(name: &'static str, label: &'static str, value: &str) -> Self {
        Self {
            name,
            label,
            hint: "",
            kind: "text",
            value: value.to_string(),
            error: None,
            options: Vec::new(),
            required: false,
            autocomplete: "off",
            suggest: "",
        }
    }

    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    pub fn suggest(mut self, url: &'static str) -> Self {
        self.suggest = url;
        self
    }

    pub fn options(mut self, options: &[(&str, &str)]) -> Self {
        self.kind = "select";
        self.options = options
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect();
        self
    }

    pub fn checked(&self) -> bool {
        !self.value.is_empty()
    }

    pub fn describedby(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// Sets the error of the named field (the first error stays).
pub fn set_error(fields: &mut [Field], name: &str, message: impl Into<String>) {
    if let Some(field) = fields.iter_mut().find(|f| f.name == name)
        && field.error.is_none()
    {
        field.error = Some(message.into());
    }
}

/// The errors of a form, for the summary at its top: (field id, "label : message").
pub fn error_summary(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| (f.name.to_string(), format!("{} : {e}", f.label)))
        })
        .collect()
}

/// The fields of a gathering's time (an action's, a meeting's): its day, start and end, with
/// what the form gave (`value`).
pub fn time_fields(value: impl Fn(&str) -> String) -> [Field; 3] {
    [
        Field::text("date", "Date", &value("date"))
            .kind("date")
            .required(),
        Field::text("heure", "Heure de début", &value("heure"))
            .kind("time")
            .required(),
        Field::text("fin", "Heure de fin", &value("fin"))
            .kind("time")
            .hint("Par défaut, deux heures après le début."),
    ]
}

/// The hints of a gathering's seat fields, which name it and its default seats.
pub struct SeatHints {
    pub on_site: &'static str,
    pub link: &'static str,
    pub remote: &'static str,
}

/// The fields of a gathering's seats (an action's, a meeting's): on site, its online link,
/// online, with what the form gave (`value`).
pub fn seat_fields(value: impl Fn(&str) -> String, hints: SeatHints) -> [Field; 3] {
    [
        Field::text(
            "places_sur_place",
            "Places sur place",
            &value("places_sur_place"),
        )
        .kind("number")
        .hint(hints.on_site),
        Field::text("lien", "Lien de visioconférence", &value("lien")).hint(hints.link),
        Field::text(
            "places_en_ligne",
            "Places en ligne",
            &value("places_en_ligne"),
        )
        .kind("number")
        .hint(hints.remote),
    ]
}

/// What a posted form holds for `name`, trimmed; empty when absent.
pub fn trimmed(form: &std::collections::HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

pub fn has_errors(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.error.is_some())
}

#[derive(Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

impl SuggestQuery {
    /// What was typed.
    pub fn text(&self) -> &str {
        &self.q
    }
}

/// Occupations for what was typed (a job title, a label or a code), best first, as
/// `["Cariste (N1101)", ...]`: what the occupation field's list offers.
pub async fn occupations(Viewer(_): Viewer, PageQuery(query): PageQuery<SuggestQuery>) -> Response {
    if crate::limits::search_problem(&query.q).is_some() {
        return axum::Json(Vec::<String>::new()).into_response();
    }
    let hits = refdata::rome().search(&query.q, 10);
    let list: Vec<String> = hits
        .iter()
        .map(|h| {
            if h.matched == h.label {
                format!("{} ({})", h.label, h.code)
            } else {
                format!("{} — {} ({})", h.matched, h.label, h.code)
            }
        })
        .collect();
    axum::Json(list).into_response()
}

/// Communes whose name starts with what was typed (or of that postcode), most populated
/// first, as `["Saint-Denis (93066)", ...]`.
pub async fn communes(Viewer(_): Viewer, PageQuery(query): PageQuery<SuggestQuery>) -> Response {
    if crate::limits::search_problem(&query.q).is_some() {
        return axum::Json(Vec::<String>::new()).into_response();
    }
    let list: Vec<String> = complete_commune(&query.q, 10)
        .into_iter()
        .map(|c| {
            format!(
                "{} {} ({})",
                c.name,
                c.postcodes.first().copied().unwrap_or(""),
                c.code
            )
        })
        .collect();
    axum::Json(list).into_response()
}

fn complete_commune(typed: &str, limit: usize) -> Vec<&'static refdata::Commune> {
    let geo = refdata::geo();
    let typed = typed.trim();
    // A code or a postcode: the communes it names.
    if typed.len() == 5 && typed.chars().all(|c| c.is_ascii_alphanumeric()) {
        return geo.lookup(typed).into_iter().take(limit).collect();
    }
    if refdata::text::normalise(typed).chars().count() < 2 {
        return Vec::new();
    }
    // Names starting with what was typed: exact names first, then the most populated.
    let mut found: Vec<(bool, &refdata::Commune)> = geo
        .names_starting_with(typed)
        .into_iter()
        .filter(|(c, _)| c.arrondissement_of.is_none() || c.code.starts_with("75"))
        .map(|(c, exact)| (exact, c))
        .collect();
    found.sort_by_key(|(exact, c)| (std::cmp::Reverse(*exact), std::cmp::Reverse(c.population)));
    found.into_iter().take(limit).map(|(_, c)| c).collect()
}

/// The ROME code in what the occupation field holds: a suggestion (`... (N1101)`), a code, or
/// a text whose best match is unambiguous.
pub fn occupation_of(typed: &str) -> Result<&'static str, String> {
    if let Some(problem) = crate::limits::search_problem_fr(typed) {
        return Err(problem);
    }
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(
            "Renseignez le métier : tapez un intitulé de poste et choisissez dans la liste."
                .to_string(),
        );
    }
    let code = trailing_code(typed).unwrap_or(typed);
    if let Ok(occupation) = refdata::rome().find(code) {
        return Ok(occupation.code);
    }
    let hits = refdata::rome().search(typed, 3);
    match hits.as_slice() {
        [best, ..] if best.score >= 0.999 && hits.get(1).is_none_or(|h| h.score < best.score) => {
            Ok(best.code)
        }
        [] => Err(format!(
            "Aucun métier ne correspond à « {typed} » : essayez un autre intitulé."
        )),
        _ => Err(format!(
            "Plusieurs métiers correspondent à « {typed} » : choisissez-en un dans la liste ({}).",
            hits.iter()
                .map(|h| format!("{} {}", h.code, h.label))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The INSEE code in what the commune field holds: a suggestion (`... (93066)`), a code, a
/// postcode of one commune, or a name of one commune.
pub fn commune_of(typed: &str) -> Result<&'static str, String> {
    if let Some(problem) = crate::limits::search_problem_fr(typed) {
        return Err(problem);
    }
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Renseignez la commune du lieu de travail.".to_string());
    }
    let query = trailing_code(typed).unwrap_or(typed);
    match refdata::geo().lookup(query).as_slice() {
        [] => Err(format!(
            "Aucune commune ne correspond à « {typed} » : choisissez-en une dans la liste."
        )),
        [one] => Ok(one.code),
        several => Err(format!(
            "Plusieurs communes correspondent à « {typed} » : choisissez-en une dans la liste ({}).",
            several
                .iter()
                .take(5)
                .map(|c| format!("{} {}", c.name, c.code))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `X (CODE)` → `CODE`.
pub(crate) fn trailing_code(typed: &str) -> Option<&str> {
    let inner = typed.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    inner.get(open + 1..).map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupations_are_read_from_suggestions_codes_or_clear_titles() {
        assert_eq!(occupation_of("Cariste (N1101)"), Ok("N1101"));
        assert_eq!(occupation_of("n1101"), Ok("N1101"));
        assert!(occupation_of("").is_err());
        assert!(
            occupation_of("zzzzqqq")
                .unwrap_err()
                .contains("Aucun métier")
        );
    }

    #[test]
    fn communes_are_read_from_suggestions_codes_or_unique_names() {
        assert_eq!(commune_of("Saint-Denis 93200 (93066)"), Ok("93066"));
        assert_eq!(commune_of("93066"), Ok("93066"));
        assert!(commune_of("").is_err());
        assert!(commune_of("Nulle-Part-Sur-Rien").is_err());
        assert!(
            complete_commune("evry", 5)
                .iter()
                .any(|c| c.code == "91228")
        );
    }
}

//! ROME 4.0 occupations with their ROME v3.47 detail, and search over them.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::OnceLock;

use crate::table::{optional, rows};
use crate::text::words;

const OCCUPATIONS: &str = include_str!("../../../data/rome/occupations.tsv");
const DOMAINS: &str = include_str!("../../../data/rome/domains.tsv");
const NAF_DIVISIONS: &str = include_str!("../../../data/rome/naf_divisions.tsv");
const JOB_TITLES: &str = include_str!("../../../data/rome/job_titles.tsv");
const SKILLS: &str = include_str!("../../../data/rome/skills.tsv");
const OCCUPATION_SKILLS: &str = include_str!("../../../data/rome/occupation_skills.tsv");
const MOBILITY: &str = include_str!("../../../data/rome/mobility.tsv");

/// Words too common in job titles to tell occupations apart.
const STOP_WORDS: [&str; 22] = [
    "a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les",
    "ou", "par", "pour", "sur", "un", "une", "chez",
];

/// The whole referential, parsed once.
pub fn rome() -> &'static Rome {
    static ROME: OnceLock<Rome> = OnceLock::new();
    ROME.get_or_init(Rome::parse)
}

/// A skill (compétence) of the ROME v3.47.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Skill {
    pub ogr: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
}

/// A job title (appellation) of the ROME v3.47.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct JobTitle {
    pub ogr: &'static str,
    pub label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_label: Option<&'static str>,
}

/// How close a target occupation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MobilityKind {
    /// ROME v3.47 "Proche": a close occupation, reachable without much training.
    Proche,
    /// ROME v3.47 "Evolution": a step up, usually with training or experience.
    Evolution,
    /// Not in the ROME: for codes new in ROME 4.0, same domaine professionnel, ranked by the
    /// number of NAF divisions shared.
    Derived,
}

impl MobilityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proche => "proche",
            Self::Evolution => "evolution",
            Self::Derived => "derived",
        }
    }
}

/// A link from an occupation to another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MobilityLink {
    pub target: &'static str,
    pub kind: MobilityKind,
    /// When the link holds only from one job title of the source occupation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_title: Option<&'static str>,
    /// When the link leads to one job title of the target occupation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_title: Option<&'static str>,
    /// For derived links: the number of NAF divisions both occupations belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_naf_divisions: Option<u8>,
}

/// A grand domaine (one letter) or domaine professionnel (three characters) of the ROME.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Domain {
    pub code: &'static str,
    /// Unknown for most domaines professionnels (the v3.47 tree we have lists three).
    pub label: Option<&'static str>,
}

/// A ROME 4.0 occupation (fiche métier).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Occupation {
    pub code: &'static str,
    /// ROME 4.0 label.
    pub label: &'static str,
    /// ROME v3.47 label, for the 531 codes of the v3.47 code list.
    pub label_v3: Option<&'static str>,
    /// NAF divisions (two digits) whose employers hire this occupation.
    pub naf_divisions: Vec<&'static str>,
    pub job_titles: Vec<JobTitle>,
    pub skills: Vec<Skill>,
    pub mobility: Vec<MobilityLink>,
}

impl Occupation {
    /// The grand domaine: the first letter, A to N.
    pub fn grand_domaine_code(&self) -> &'static str {
        self.code.get(..1).unwrap_or_default()
    }

    /// The domaine professionnel: the first three characters, e.g. N11.
    pub fn domaine_professionnel_code(&self) -> &'static str {
        self.code.get(..3).unwrap_or_default()
    }

    /// Whether ROME v3.47 describes this occupation (job titles, skills, mobility): the 531
    /// codes of its code list, and L1510 which its other files describe.
    pub fn has_v3_detail(&self) -> bool {
        self.label_v3.is_some() || !self.job_titles.is_empty()
    }
}

/// Which text of an occupation a search matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedField {
    Label,
    LabelV3,
    JobTitle,
}

/// One result of [`Rome::search`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    pub code: &'static str,
    pub label: &'static str,
    /// Between 0 and 1; 1 is every word of the query found in a text with nothing else.
    pub score: f64,
    /// The text that matched best, and which one it is.
    pub matched: &'static str,
    pub matched_field: MatchedField,
}

/// Why a code was not found.
#[derive(Debug, Clone, PartialEq)]
pub struct RomeLookupError {
    pub query: String,
    /// Whether the query has the shape of a ROME code (a letter A–N and four digits).
    pub well_formed: bool,
    /// The closest codes, with their labels.
    pub suggestions: Vec<(&'static str, &'static str)>,
}

impl std::fmt::Display for RomeLookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.well_formed {
            write!(f, "no occupation has the ROME code {:?}", self.query)?;
        } else {
            write!(
                f,
                "{:?} is not a ROME code (a letter from A to N and four digits, e.g. N1101)",
                self.query
            )?;
        }
        if !self.suggestions.is_empty() {
            let list: Vec<String> = self
                .suggestions
                .iter()
                .map(|(code, label)| format!("{code} {label}"))
                .collect();
            write!(f, "; closest: {}", list.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for RomeLookupError {}

struct Document {
    occupation: usize,
    field: MatchedField,
    text: &'static str,
    words: Vec<String>,
}

/// The ROME referential: occupations sorted by code, their detail, and a search index.
pub struct Rome {
    occupations: Vec<Occupation>,
    domains: BTreeMap<&'static str, Option<&'static str>>,
    naf_divisions: BTreeMap<&'static str, &'static str>,
    skills: HashMap<&'static str, Skill>,
    documents: Vec<Document>,
    /// Every indexed word, with the documents containing it.
    vocabulary: BTreeMap<String, Vec<usize>>,
    defects: Vec<String>,
}

fn is_rome_code_shape(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes.first().is_some_and(|b| (b'A'..=b'N').contains(b))
        && bytes.iter().skip(1).all(u8::is_ascii_digit)
}

impl Rome {
    fn parse() -> Self {
        let mut defects = Vec::new();
        let mut occupations: Vec<Occupation> = rows::<4>("occupations", OCCUPATIONS, &mut defects)
            .map(|[code, label, label_v3, naf]| Occupation {
                code,
                label,
                label_v3: optional(label_v3),
                naf_divisions: naf.split(',').filter(|d| !d.is_empty()).collect(),
                job_titles: Vec::new(),
                skills: Vec::new(),
                mobility: Vec::new(),
            })
            .collect();
        occupations.sort_by_key(|o| o.code);
        let position: HashMap<&str, usize> = occupations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.code, i))
            .collect();

        let domains = rows::<2>("domains", DOMAINS, &mut defects)
            .map(|[code, label]| (code, optional(label)))
            .collect();
        let naf_divisions = rows::<2>("naf_divisions", NAF_DIVISIONS, &mut defects)
            .map(|[code, label]| (code, label))
            .collect();

        let mut orphans = Vec::new();
        for [code, ogr, label, short] in rows::<4>("job_titles", JOB_TITLES, &mut defects) {
            match position.get(code).and_then(|&i| occupations.get_mut(i)) {
                Some(o) => o.job_titles.push(JobTitle {
                    ogr,
                    label,
                    short_label: optional(short),
                }),
                None => orphans.push(format!("job title {ogr} names unknown code {code}")),
            }
        }

        let skills: HashMap<&str, Skill> = rows::<3>("skills", SKILLS, &mut defects)
            .map(|[ogr, label, kind]| (ogr, Skill { ogr, label, kind }))
            .collect();
        for [code, ogr] in rows::<2>("occupation_skills", OCCUPATION_SKILLS, &mut defects) {
            match (
                position.get(code).and_then(|&i| occupations.get_mut(i)),
                skills.get(ogr),
            ) {
                (Some(o), Some(skill)) => o.skills.push(*skill),
                _ => orphans.push(format!("skill link {code} -> {ogr} names an unknown item")),
            }
        }

        let mut ranks: HashMap<(&str, &str), u8> = HashMap::new();
        for [
            source,
            target,
            kind,
            source_title,
            target_title,
            shared,
            rank,
        ] in rows::<7>("mobility", MOBILITY, &mut defects)
        {
            if let Ok(rank) = rank.parse() {
                ranks.insert((source, target), rank);
            }
            let kind = match kind {
                "proche" => MobilityKind::Proche,
                "evolution" => MobilityKind::Evolution,
                "derived" => MobilityKind::Derived,
                other => {
                    orphans.push(format!(
                        "mobility {source} -> {target}: unknown kind {other}"
                    ));
                    continue;
                }
            };
            if !position.contains_key(target) {
                orphans.push(format!("mobility {source} -> {target}: unknown target"));
                continue;
            }
            match position.get(source).and_then(|&i| occupations.get_mut(i)) {
                Some(o) => o.mobility.push(MobilityLink {
                    target,
                    kind,
                    source_title: optional(source_title),
                    target_title: optional(target_title),
                    shared_naf_divisions: shared.parse().ok(),
                }),
                None => orphans.push(format!("mobility {source} -> {target}: unknown source")),
            }
        }
        for o in &mut occupations {
            o.job_titles
                .sort_by_cached_key(|t| (crate::text::normalise(t.label), t.ogr));
            o.skills
                .sort_by_cached_key(|s| (crate::text::normalise(s.label), s.ogr));
            // Proche, then évolution, then derived in the generator's rank order.
            let code = o.code;
            o.mobility.sort_by_key(|link| {
                let rank = ranks.get(&(code, link.target)).copied().unwrap_or(0);
                (link.kind, rank, link.target)
            });
        }
        defects.extend(orphans);

        let mut documents = Vec::new();
        for (i, o) in occupations.iter().enumerate() {
            let mut add = |field, text: &'static str| {
                documents.push(Document {
                    occupation: i,
                    field,
                    text,
                    words: index_words(text),
                })
            };
            add(MatchedField::Label, o.label);
            if let Some(v3) = o.label_v3 {
                add(MatchedField::LabelV3, v3);
            }
            for title in &o.job_titles {
                add(MatchedField::JobTitle, title.label);
            }
        }
        let mut vocabulary: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (d, document) in documents.iter().enumerate() {
            for word in &document.words {
                let postings = vocabulary.entry(word.clone()).or_default();
                if postings.last() != Some(&d) {
                    postings.push(d);
                }
            }
        }

        Self {
            occupations,
            domains,
            naf_divisions,
            skills,
            documents,
            vocabulary,
            defects,
        }
    }

    /// Lines of the embedded tables that did not parse or point nowhere (none expected).
    pub fn defects(&self) -> &[String] {
        &self.defects
    }

    /// Every occupation, sorted by code.
    pub fn occupations(&self) -> &[Occupation] {
        &self.occupations
    }

    /// The number of distinct skills in the referential.
    pub fn skill_count(&self) -> usize {
        self.skills.len()
    }

    /// Every skill of the referential, in no particular order.
    pub fn skills(&self) -> impl Iterator<Item = Skill> + '_ {
        self.skills.values().copied()
    }

    /// The skill with this OGR code.
    pub fn skill(&self, ogr: &str) -> Option<Skill> {
        self.skills.get(ogr).copied()
    }

    /// The position of the occupation with exactly this code in [`Rome::occupations`] (the
    /// order of their codes): a dense number to index tables by.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.occupations.binary_search_by(|o| o.code.cmp(code)).ok()
    }

    /// The occupation with exactly this code.
    pub fn occupation(&self, code: &str) -> Option<&Occupation> {
        self.occupations
            .binary_search_by(|o| o.code.cmp(code))
            .ok()
            .and_then(|i| self.occupations.get(i))
    }

    /// The occupation of a code typed by a person: surrounding spaces and lower case are
    /// accepted; otherwise an error with the closest codes.
    pub fn find(&self, query: &str) -> Result<&Occupation, RomeLookupError> {
        let query = crate::text::bounded(query);
        let code = query.trim().to_ascii_uppercase();
        if let Some(occupation) = self.occupation(&code) {
            return Ok(occupation);
        }
        let well_formed = is_rome_code_shape(&code);
        let suggestions: Vec<(&'static str, &'static str)> = if well_formed {
            // Codes one keystroke away first, then the same domaine professionnel.
            let mut near: Vec<(usize, &Occupation)> = self
                .occupations
                .iter()
                .map(|o| (strsim::damerau_levenshtein(o.code, &code), o))
                .filter(|(d, o)| *d <= 1 || o.code.get(..3) == code.get(..3))
                .collect();
            near.sort_by_key(|(d, o)| (*d, o.code));
            near.into_iter()
                .take(5)
                .map(|(_, o)| (o.code, o.label))
                .collect()
        } else {
            self.search(query, 5)
                .into_iter()
                .map(|hit| (hit.code, hit.label))
                .collect()
        };
        Err(RomeLookupError {
            query: query.trim().to_string(),
            well_formed,
            suggestions,
        })
    }

    /// A grand domaine (`"N"`) or domaine professionnel (`"N11"`).
    pub fn domain(&self, code: &str) -> Option<Domain> {
        self.domains
            .get_key_value(code)
            .map(|(&code, &label)| Domain { code, label })
    }

    /// The label of a NAF division (`"52"`).
    pub fn naf_division(&self, code: &str) -> Option<&'static str> {
        self.naf_divisions.get(code).copied()
    }

    /// The best occupations for a free-text query, best first: case, accents and word order do
    /// not matter, words may be cut short ("prepa"), plural or feminine forms and one typo are
    /// forgiven (but not in the first letter). Each occupation is scored by its best text (label, v3 label or job title):
    /// the share of the query's words found, minus a little for words the text has beyond them.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = crate::text::bounded(query);
        let mut query_words = index_words(query);
        if query_words.is_empty() {
            query_words = words(query).collect();
        }
        query_words.dedup();
        query_words.truncate(crate::text::MAX_QUERY_WORDS);
        if query_words.is_empty() || limit == 0 {
            return Vec::new();
        }
        // For each query word, the vocabulary words it matches and how well.
        // Every kind of match keeps the first letter, so only words starting with it are tried.
        let matches: Vec<HashMap<&str, f64>> = query_words
            .iter()
            .map(|q| {
                let first = q.get(..1).unwrap_or_default();
                self.vocabulary
                    .range::<str, _>((Bound::Included(first), Bound::Unbounded))
                    .map(|(w, _)| w)
                    .take_while(|w| w.starts_with(first))
                    .filter_map(|w| word_match(q, w).map(|quality| (w.as_str(), quality)))
                    .collect()
            })
            .collect();
        let mut candidates: Vec<usize> = matches
            .iter()
            .flat_map(|m| m.keys())
            .filter_map(|w| self.vocabulary.get(*w))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();

        // Best document per occupation.
        let mut best: HashMap<usize, (f64, usize)> = HashMap::new();
        for d in candidates {
            let Some(document) = self.documents.get(d) else {
                continue;
            };
            let Some(score) = score_document(document, &matches) else {
                continue;
            };
            let entry = best.entry(document.occupation).or_insert((f64::MIN, d));
            if score > entry.0 {
                *entry = (score, d);
            }
        }
        let mut hits: Vec<SearchHit> = best
            .into_iter()
            .filter_map(|(o, (score, d))| {
                let occupation = self.occupations.get(o)?;
                let document = self.documents.get(d)?;
                Some(SearchHit {
                    code: occupation.code,
                    label: occupation.label,
                    score: (score * 1000.0).round() / 1000.0,
                    matched: document.text,
                    matched_field: document.field,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.code.cmp(b.code)));
        hits.truncate(limit);
        hits
    }
}

/// The distinct words of a text, stop words left out.
fn index_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(text) {
        if !STOP_WORDS.contains(&word.as_str()) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// How well a query word matches an indexed word, if at all.
fn word_match(query: &str, word: &str) -> Option<f64> {
    if query == word {
        return Some(1.0);
    }
    let (q, w) = (query.len(), word.len());
    if q >= 2 && word.starts_with(query) {
        // Typed short: "prepa" for "preparateur".
        return Some(0.9);
    }
    if w >= 4 && q <= w + 2 && query.starts_with(word) {
        // Feminine or plural: "soignante" for "soignant", "commandes" for "commande".
        return Some(0.85);
    }
    if q >= 5 && w.abs_diff(q) <= 2 {
        let distance = strsim::damerau_levenshtein(query, word);
        if distance == 1 {
            return Some(0.7);
        }
        if distance == 2 && q >= 8 {
            return Some(0.6);
        }
    }
    None
}

/// Two words are variants of one another (masculine and feminine forms of a job title) when
/// they share a long beginning: "preparateur" and "preparatrice".
fn variants(a: &str, b: &str) -> bool {
    let shared = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    shared >= 5 || (shared >= 4 && shared + 1 >= a.len().min(b.len()))
}

fn score_document(document: &Document, matches: &[HashMap<&str, f64>]) -> Option<f64> {
    let mut total = 0.0;
    let mut found = 0usize;
    let mut matched_words: Vec<&str> = Vec::new();
    for word_matches in matches {
        let best = document
            .words
            .iter()
            .filter_map(|w| word_matches.get(w.as_str()).map(|&q| (q, w.as_str())))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((quality, word)) = best {
            total += quality;
            found += 1;
            matched_words.push(word);
        }
    }
    // At least half of the query's words must be found.
    if found == 0 || found * 2 < matches.len() {
        return None;
    }
    let extra = document
        .words
        .iter()
        .filter(|w| !matched_words.iter().any(|m| variants(m, w)))
        .count();
    let field_weight = match document.field {
        MatchedField::Label => 1.0,
        MatchedField::JobTitle => 0.98,
        MatchedField::LabelV3 => 0.96,
    };
    let coverage = total / matches.len() as f64;
    Some(field_weight * coverage * (1.0 - 0.03 * extra.min(10) as f64))
}

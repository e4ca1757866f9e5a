//! French communes, arrondissements municipaux, departments, regions and EPCI.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::table::{optional, rows};
use crate::text::normalise;

const COMMUNES: &str = include_str!("../../../data/geo/communes.tsv");
const DEPARTMENTS: &str = include_str!("../../../data/geo/departments.tsv");
const REGIONS: &str = include_str!("../../../data/geo/regions.tsv");
const EPCI: &str = include_str!("../../../data/geo/epci.tsv");

/// The whole geography, parsed once.
pub fn geo() -> &'static Geo {
    static GEO: OnceLock<Geo> = OnceLock::new();
    GEO.get_or_init(Geo::parse)
}

/// A commune, or an arrondissement municipal of Paris, Lyon or Marseille.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Commune {
    /// INSEE code (code officiel géographique), e.g. 93066, 2A004, 75111.
    pub code: &'static str,
    pub name: &'static str,
    /// For an arrondissement municipal, the INSEE code of its commune (75056, 69123, 13055).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrondissement_of: Option<&'static str>,
    pub department: &'static str,
    pub region: &'static str,
    /// SIREN of the EPCI the commune belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epci: Option<&'static str>,
    /// SIREN of the établissement public territorial (Grand Paris only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ept: Option<&'static str>,
    pub postcodes: Vec<&'static str>,
    pub population: u32,
    pub latitude: f64,
    pub longitude: f64,
    /// The coordinates were placed by a fallback (centroid of the EPCI, the commune of an
    /// arrondissement...), not matched to the place itself.
    pub approximate: bool,
    /// Names of former communes merged into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<&'static str>,
}

impl Commune {
    pub fn point(&self) -> (f64, f64) {
        (self.latitude, self.longitude)
    }

    pub fn is_arrondissement(&self) -> bool {
        self.arrondissement_of.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Department {
    pub code: &'static str,
    pub name: &'static str,
    pub region: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

/// An établissement public de coopération intercommunale, or an EPT of the Grand Paris.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Epci {
    pub code: &'static str,
    pub name: &'static str,
    /// CC, CA, CU, METRO, MET69 or EPT.
    pub kind: &'static str,
}

/// Why a commune query found nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneLookupError {
    pub query: String,
    /// The closest communes: (code, name, department).
    pub suggestions: Vec<(&'static str, &'static str, &'static str)>,
}

impl std::fmt::Display for CommuneLookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no commune has the INSEE code, postcode or name {:?}",
            self.query
        )?;
        if !self.suggestions.is_empty() {
            let list: Vec<String> = self
                .suggestions
                .iter()
                .map(|(code, name, department)| format!("{name} ({department}, {code})"))
                .collect();
            write!(f, "; closest: {}", list.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for CommuneLookupError {}

pub struct Geo {
    communes: Vec<Commune>,
    by_postcode: HashMap<&'static str, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    departments: BTreeMap<&'static str, Department>,
    regions: BTreeMap<&'static str, Region>,
    epcis: BTreeMap<&'static str, Epci>,
    defects: Vec<String>,
}

/// "Paris 11e Arrondissement" can be typed "Paris 11" or "Paris 11e".
fn arrondissement_aliases(name: &str) -> Vec<String> {
    let normalised = normalise(name);
    let Some(base) = normalised.strip_suffix(" arrondissement") else {
        return Vec::new();
    };
    let Some((city, ordinal)) = base.rsplit_once(' ') else {
        return Vec::new();
    };
    let number = ordinal.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    vec![base.to_string(), format!("{city} {number}")]
}

impl Geo {
    fn parse() -> Self {
        let mut defects = Vec::new();
        let mut communes: Vec<Commune> = Vec::new();
        let lines: Vec<[&'static str; 13]> = rows("communes", COMMUNES, &mut defects).collect();
        for cells in lines {
            let [
                code,
                name,
                parent,
                department,
                region,
                epci,
                ept,
                postcodes,
                population,
                latitude,
                longitude,
                approximate,
                former,
            ] = cells;
            let (Ok(population), Ok(latitude), Ok(longitude)) =
                (population.parse(), latitude.parse(), longitude.parse())
            else {
                defects.push(format!("commune {code}: bad population or coordinates"));
                continue;
            };
            communes.push(Commune {
                code,
                name,
                arrondissement_of: optional(parent),
                department,
                region,
                epci: optional(epci),
                ept: optional(ept),
                postcodes: postcodes.split(' ').filter(|p| !p.is_empty()).collect(),
                population,
                latitude,
                longitude,
                approximate: approximate == "1",
                former_names: former.split('|').filter(|n| !n.is_empty()).collect(),
            });
        }
        communes.sort_by_key(|c| c.code);

        let mut by_postcode: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in communes.iter().enumerate() {
            for postcode in &c.postcodes {
                by_postcode.entry(postcode).or_default().push(i);
            }
            let mut names: Vec<String> = vec![normalise(c.name)];
            names.extend(c.former_names.iter().map(|n| normalise(n)));
            names.extend(arrondissement_aliases(c.name));
            names.sort();
            names.dedup();
            for name in names {
                by_name.entry(name).or_default().push(i);
            }
        }
        // Most populated first, so that "Saint-Denis" lists the big one first.
        let population =
            |i: &usize| std::cmp::Reverse(communes.get(*i).map_or(0, |c| c.population));
        for list in by_postcode.values_mut().chain(by_name.values_mut()) {
            list.sort_by_key(|i| (population(i), *i));
        }

        let departments = rows::<3>("departments", DEPARTMENTS, &mut defects)
            .map(|[code, name, region]| (code, Department { code, name, region }))
            .collect();
        let regions = rows::<2>("regions", REGIONS, &mut defects)
            .map(|[code, name]| (code, Region { code, name }))
            .collect();
        let epcis = rows::<3>("epci", EPCI, &mut defects)
            .map(|[code, name, kind]| (code, Epci { code, name, kind }))
            .collect();

        Self {
            communes,
            by_postcode,
            by_name,
            departments,
            regions,
            epcis,
            defects,
        }
    }

    /// Lines of the embedded tables that did not parse (none expected).
    pub fn defects(&self) -> &[String] {
        &self.defects
    }

    /// Every commune and arrondissement municipal, sorted by INSEE code.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The commune or arrondissement with exactly this INSEE code.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.communes
            .binary_search_by(|c| c.code.cmp(code))
            .ok()
            .and_then(|i| self.communes.get(i))
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.get(code)
    }

    pub fn departments(&self) -> impl Iterator<Item = &Department> {
        self.departments.values()
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.get(code)
    }

    /// Every EPCI (and EPT), by code.
    pub fn epcis(&self) -> impl Iterator<Item = &Epci> {
        self.epcis.values()
    }

    pub fn epci(&self, code: &str) -> Option<&Epci> {
        self.epcis.get(code)
    }

    /// Communes for what a person typed: an INSEE code (`93066`, `2a004`), a postcode
    /// (`93200`, possibly several communes) or a name (`evry courcouronnes`, case, accents
    /// and hyphens ignored; former names of merged communes too). Most populated first.
    pub fn find(&self, query: &str) -> Result<Vec<&Commune>, CommuneLookupError> {
        let found = self.lookup(query);
        if !found.is_empty() {
            return Ok(found);
        }
        let trimmed = crate::text::bounded(query).trim();
        Err(CommuneLookupError {
            query: trimmed.to_string(),
            suggestions: self.suggest(trimmed),
        })
    }

    /// As [`Geo::find`], without the suggestions when nothing matches (an empty list): three
    /// hash lookups, whatever the text. What a server answering each keystroke uses; the
    /// fuzzy suggestions (tens of milliseconds) are for the command line.
    pub fn lookup(&self, query: &str) -> Vec<&Commune> {
        let trimmed = crate::text::bounded(query).trim();
        let upper = trimmed.to_ascii_uppercase();
        if let Some(commune) = self.commune(&upper) {
            return vec![commune];
        }
        self.by_postcode
            .get(trimmed)
            .or_else(|| self.by_name.get(&normalise(trimmed)))
            .map(|indices| {
                indices
                    .iter()
                    .filter_map(|&i| self.communes.get(i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Communes whose name or former name starts with `prefix` (case, accents and hyphens
    /// ignored), each with whether that name is exactly the prefix; by INSEE code.
    pub fn names_starting_with(&self, prefix: &str) -> Vec<(&Commune, bool)> {
        let wanted = normalise(crate::text::bounded(prefix));
        if wanted.is_empty() || wanted.len() > crate::text::MAX_FUZZY_CHARS {
            return Vec::new();
        }
        let mut found: Vec<(&Commune, bool)> = Vec::new();
        for (name, indices) in &self.by_name {
            if name.starts_with(&wanted) {
                found.extend(
                    indices
                        .iter()
                        .filter_map(|&i| self.communes.get(i))
                        .map(|c| (c, *name == wanted)),
                );
            }
        }
        found.sort_by(|a, b| a.0.code.cmp(b.0.code).then(b.1.cmp(&a.1)));
        found.dedup_by(|a, b| a.0.code == b.0.code);
        found
    }

    /// Up to five communes whose code, postcode or name is closest to the query.
    fn suggest(&self, query: &str) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut scored: Vec<(f64, u32, usize)> = Vec::new();
        if query.chars().all(|c| c.is_ascii_alphanumeric()) && query.len() == 5 {
            let upper = query.to_ascii_uppercase();
            for (i, c) in self.communes.iter().enumerate() {
                let closest = std::iter::once(c.code)
                    .chain(c.postcodes.iter().copied())
                    .map(|code| strsim::hamming(code, &upper).unwrap_or(5))
                    .min()
                    .unwrap_or(5);
                if closest <= 1 {
                    scored.push((1.0 - closest as f64 / 5.0, c.population, i));
                }
            }
        } else {
            let wanted = normalise(query);
            if wanted.is_empty() || wanted.len() > crate::text::MAX_FUZZY_CHARS {
                return Vec::new();
            }
            for (name, indices) in &self.by_name {
                let similarity = strsim::jaro_winkler(&wanted, name);
                if similarity >= 0.8 {
                    for &i in indices {
                        let population = self.communes.get(i).map_or(0, |c| c.population);
                        scored.push((similarity, population, i));
                    }
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut out: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
        for (_, _, i) in scored {
            if let Some(c) = self.communes.get(i)
                && !out.iter().any(|(code, _, _)| *code == c.code)
            {
                out.push((c.code, c.name, c.department));
            }
            if out.len() == 5 {
                break;
            }
        }
        out
    }
}

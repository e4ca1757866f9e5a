//! Geography: communes, arrondissements municipaux, departments, regions, EPCI/EPT, postcodes
//! and coordinates.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::fetch::Sources;
use crate::text::normalise;
use crate::tsv::{Files, Table};

/// A GeoNames match farther than this from the centroid of the other matched communes of its
/// EPCI is taken for a namesake and rejected.
const EPCI_CONSISTENCY_KM: f64 = 60.0;

const IDF: &str = "11";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCommune {
    code: String,
    nom: String,
    #[serde(rename = "type")]
    kind: String,
    departement: Option<String>,
    region: Option<String>,
    #[serde(default)]
    codes_postaux: Vec<String>,
    population: Option<u64>,
    commune: Option<String>,
    chef_lieu: Option<String>,
    #[serde(default)]
    anciens_codes: Vec<String>,
}

#[derive(Deserialize)]
struct RawArea {
    code: String,
    nom: String,
    region: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    zone: Option<String>,
    #[serde(default)]
    membres: Vec<RawMember>,
}

#[derive(Deserialize)]
struct RawMember {
    code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPostcode {
    code_postal: String,
    code_commune: String,
}

#[derive(Deserialize)]
struct RawPlace {
    name: String,
    latitude: f64,
    longitude: f64,
    countrycode: String,
    population: u64,
    admin1code: String,
    #[serde(default)]
    alternatenames: Vec<String>,
}

struct Commune {
    code: String,
    name: String,
    arrondissement_of: Option<String>,
    department: String,
    region: String,
    epci: String,
    ept: String,
    postcodes: BTreeSet<String>,
    population: u64,
    former_names: BTreeSet<String>,
    /// Whether the commune results from a merger (it has former INSEE codes).
    merged: bool,
    place: Option<usize>,
    fallback: Option<(f64, f64)>,
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// GeoNames keeps the overseas departments as countries of their own.
fn place_region(place: &RawPlace) -> Option<&str> {
    match place.countrycode.as_str() {
        "FR" => Some(place.admin1code.as_str()),
        "GP" => Some("01"),
        "MQ" => Some("02"),
        "GF" => Some("03"),
        "RE" => Some("04"),
        "YT" => Some("06"),
        _ => None,
    }
}

pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
}

fn population_gap(a: u64, b: u64) -> f64 {
    ((a as f64 + 1.0).ln() - (b as f64 + 1.0).ln()).abs()
}

fn centroid(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut lat, mut lon, mut n) = (0.0, 0.0, 0.0);
    for (a, b) in points {
        lat += a;
        lon += b;
        n += 1.0;
    }
    (n > 0.0).then(|| (lat / n, lon / n))
}

pub fn generate(sources: &Sources, files: &mut Files) -> Result<()> {
    let raw: Vec<RawCommune> = read_json(&sources.communes)?;
    let regions: Vec<RawArea> = read_json::<Vec<RawArea>>(&sources.regions)?
        .into_iter()
        .filter(|r| matches!(r.zone.as_deref(), Some("metro" | "drom")))
        .collect();
    let departments: Vec<RawArea> = read_json::<Vec<RawArea>>(&sources.departements)?
        .into_iter()
        .filter(|d| matches!(d.zone.as_deref(), Some("metro" | "drom")))
        .collect();
    if departments.len() != 101 {
        bail!("expected the 101 departments, found {}", departments.len());
    }
    let epcis: Vec<RawArea> = read_json(&sources.epci)?;
    let epts: Vec<RawArea> = read_json(&sources.ept)?;
    let postcodes: Vec<RawPostcode> = read_json(&sources.codes_postaux)?;
    let places: BTreeMap<String, RawPlace> = read_json(&sources.cities500)?;
    let places: Vec<RawPlace> = places
        .into_values()
        .filter(|p| place_region(p).is_some())
        .collect();

    let mut epci_of: HashMap<&str, &str> = HashMap::new();
    for epci in &epcis {
        for member in &epci.membres {
            epci_of.insert(member.code.as_str(), epci.code.as_str());
        }
    }
    let mut ept_of: HashMap<&str, &str> = HashMap::new();
    for ept in &epts {
        for member in &ept.membres {
            ept_of.insert(member.code.as_str(), ept.code.as_str());
        }
    }

    // Current communes and arrondissements municipaux of the 101 departments (the overseas
    // collectivities outside any department are left out).
    let known_departments: HashSet<&str> = departments.iter().map(|d| d.code.as_str()).collect();
    let mut left_out = 0usize;
    let mut communes: Vec<Commune> = Vec::new();
    for c in &raw {
        if !c
            .departement
            .as_deref()
            .is_some_and(|d| known_departments.contains(d))
        {
            left_out += usize::from(c.kind == "commune-actuelle");
            continue;
        }
        let arrondissement_of = match c.kind.as_str() {
            "commune-actuelle" => None,
            "arrondissement-municipal" => Some(
                c.commune
                    .clone()
                    .with_context(|| format!("arrondissement {} has no parent commune", c.code))?,
            ),
            _ => continue,
        };
        let parent = arrondissement_of.as_deref().unwrap_or(&c.code);
        communes.push(Commune {
            code: c.code.clone(),
            name: c.nom.trim().to_string(),
            department: c.departement.clone().unwrap_or_default(),
            region: c.region.clone().unwrap_or_default(),
            epci: epci_of.get(parent).copied().unwrap_or_default().to_string(),
            ept: ept_of.get(parent).copied().unwrap_or_default().to_string(),
            postcodes: c.codes_postaux.iter().cloned().collect(),
            population: c.population.unwrap_or(0),
            former_names: BTreeSet::new(),
            merged: !c.anciens_codes.is_empty(),
            arrondissement_of,
            place: None,
            fallback: None,
        });
    }
    communes.sort_by(|a, b| a.code.cmp(&b.code));
    let index: HashMap<String, usize> = communes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.clone(), i))
        .collect();
    if index.len() != communes.len() {
        bail!("two communes share an INSEE code");
    }

    // Former communes (déléguées, associées) give search aliases and coordinate hints.
    for c in &raw {
        if !matches!(c.kind.as_str(), "commune-deleguee" | "commune-associee") {
            continue;
        }
        let Some(&i) = c.chef_lieu.as_ref().and_then(|code| index.get(code)) else {
            continue;
        };
        if let Some(commune) = communes.get_mut(i)
            && normalise(&c.nom) != normalise(&commune.name)
        {
            commune.former_names.insert(c.nom.trim().to_string());
        }
    }

    let mut unknown_postcode_rows = 0usize;
    for row in &postcodes {
        match index
            .get(&row.code_commune)
            .and_then(|&i| communes.get_mut(i))
        {
            Some(commune) => {
                commune.postcodes.insert(row.code_postal.clone());
            }
            None => unknown_postcode_rows += 1,
        }
    }

    if left_out > 0 {
        eprintln!(
            "geo: {left_out} communes of overseas collectivities outside the departments left out"
        );
    }
    locate(&mut communes, &index, &places)?;
    report(&communes);

    let mut region_table = Table::new(&["code", "name"]);
    for r in &regions {
        region_table.row(&[r.code.as_str(), r.nom.trim()])?;
    }
    let mut department_table = Table::new(&["code", "name", "region"]);
    for d in &departments {
        department_table.row(&[
            d.code.as_str(),
            d.nom.trim(),
            d.region.as_deref().unwrap_or(""),
        ])?;
    }
    let mut epci_table = Table::new(&["code", "name", "kind"]);
    for e in epcis.iter().chain(&epts) {
        epci_table.row(&[
            e.code.as_str(),
            e.nom.trim(),
            e.kind.as_deref().unwrap_or(""),
        ])?;
    }
    let mut commune_table = Table::new(&[
        "code",
        "name",
        "arrondissement_of",
        "department",
        "region",
        "epci",
        "ept",
        "postcodes",
        "population",
        "latitude",
        "longitude",
        "approximate",
        "former_names",
    ]);
    for c in &communes {
        let (point, approximate) = match (c.place.and_then(|p| places.get(p)), c.fallback) {
            (Some(place), _) => ((place.latitude, place.longitude), "0"),
            (None, Some(point)) => (point, "1"),
            (None, None) => bail!("commune {} {} could not be placed", c.code, c.name),
        };
        commune_table.row(&[
            c.code.as_str(),
            c.name.as_str(),
            c.arrondissement_of.as_deref().unwrap_or(""),
            c.department.as_str(),
            c.region.as_str(),
            c.epci.as_str(),
            c.ept.as_str(),
            c.postcodes
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
                .as_str(),
            c.population.to_string().as_str(),
            format!("{:.5}", point.0).as_str(),
            format!("{:.5}", point.1).as_str(),
            approximate,
            c.former_names
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("|")
                .as_str(),
        ])?;
    }
    if unknown_postcode_rows > 0 {
        eprintln!(
            "postcodes: {unknown_postcode_rows} rows name a commune code we do not keep (Monaco, former codes)"
        );
    }

    files.add("geo/regions.tsv", region_table.render());
    files.add("geo/departments.tsv", department_table.render());
    files.add("geo/epci.tsv", epci_table.render());
    files.add("geo/communes.tsv", commune_table.render());
    Ok(())
}

fn point_of(commune: &Commune, places: &[RawPlace]) -> Option<(f64, f64)> {
    commune
        .place
        .and_then(|p| places.get(p))
        .map(|p| (p.latitude, p.longitude))
}

/// Running sums of the matched communes' coordinates per EPCI (arrondissements excluded).
#[derive(Default)]
struct EpciCentroids(HashMap<String, (f64, f64, f64)>);

impl EpciCentroids {
    fn change(&mut self, commune: &Commune, point: (f64, f64), sign: f64) {
        if commune.epci.is_empty() || commune.arrondissement_of.is_some() {
            return;
        }
        let entry = self.0.entry(commune.epci.clone()).or_default();
        entry.0 += sign * point.0;
        entry.1 += sign * point.1;
        entry.2 += sign;
    }

    /// The centroid of the EPCI's matched communes other than `commune` itself.
    fn without(&self, commune: &Commune, places: &[RawPlace]) -> Option<(f64, f64)> {
        let &(lat, lon, n) = self.0.get(&commune.epci)?;
        let (lat, lon, n) = match point_of(commune, places) {
            Some(p) if commune.arrondissement_of.is_none() => (lat - p.0, lon - p.1, n - 1.0),
            _ => (lat, lon, n),
        };
        (n > 0.5).then(|| (lat / n, lon / n))
    }

    fn consistent(&self, commune: &Commune, place: &RawPlace, places: &[RawPlace]) -> bool {
        match self.without(commune, places) {
            Some(center) => {
                distance_km(center, (place.latitude, place.longitude)) <= EPCI_CONSISTENCY_KM
            }
            None => true,
        }
    }
}

fn locate(
    communes: &mut [Commune],
    index: &HashMap<String, usize>,
    places: &[RawPlace],
) -> Result<()> {
    // Places by (region, normalised name), from primary names and from alternate names.
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut by_alternate: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (p, place) in places.iter().enumerate() {
        let region = place_region(place).unwrap_or_default().to_string();
        by_name
            .entry((region.clone(), normalise(&place.name)))
            .or_default()
            .push(p);
        let alternates: BTreeSet<String> =
            place.alternatenames.iter().map(|n| normalise(n)).collect();
        for name in alternates {
            by_alternate
                .entry((region.clone(), name))
                .or_default()
                .push(p);
        }
    }

    // Pass 1: primary names; namesakes within a region paired by closest population.
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, c) in communes.iter().enumerate() {
        groups
            .entry((c.region.clone(), normalise(&c.name)))
            .or_default()
            .push(i);
    }
    let mut used: HashSet<usize> = HashSet::new();
    for (key, members) in &groups {
        let Some(candidates) = by_name.get(key) else {
            continue;
        };
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for &i in members {
            for &p in candidates {
                let (Some(c), Some(place)) = (communes.get(i), places.get(p)) else {
                    continue;
                };
                pairs.push((population_gap(c.population, place.population), i, p));
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (_, i, p) in pairs {
            let taken = communes.get(i).is_none_or(|c| c.place.is_some());
            if taken || used.contains(&p) {
                continue;
            }
            if let Some(c) = communes.get_mut(i) {
                c.place = Some(p);
                used.insert(p);
            }
        }
    }

    // Reject namesakes far from the rest of their EPCI.
    let mut centroids = EpciCentroids::default();
    for c in communes.iter() {
        if let Some(point) = point_of(c, places) {
            centroids.change(c, point, 1.0);
        }
    }
    let rejected: Vec<usize> = communes
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.place
                .and_then(|p| places.get(p))
                .is_some_and(|place| !centroids.consistent(c, place, places))
        })
        .map(|(i, _)| i)
        .collect();
    for &i in &rejected {
        if let Some(c) = communes.get_mut(i)
            && let Some(p) = c.place.take()
        {
            used.remove(&p);
            if let Some(place) = places.get(p) {
                centroids.change(c, (place.latitude, place.longitude), -1.0);
            }
        }
    }
    eprintln!(
        "geo: {} GeoNames matches rejected as far from their EPCI",
        rejected.len()
    );

    // Pass 2: former names and name parts of merged communes, then alternate names. Pairs
    // are taken best first across the whole country (closest population), so that a place
    // goes to the commune it most likely is.
    for pass in 0..2 {
        let table = if pass == 0 { &by_name } else { &by_alternate };
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, c) in communes.iter().enumerate() {
            if c.place.is_some() {
                continue;
            }
            let mut names: Vec<String> = if pass == 0 {
                c.former_names.iter().map(|n| normalise(n)).collect()
            } else {
                vec![normalise(&c.name)]
            };
            if pass == 0 && c.merged {
                names.extend(name_parts(&c.name));
            }
            let candidates: BTreeSet<usize> = names
                .into_iter()
                .filter_map(|name| table.get(&(c.region.clone(), name)))
                .flatten()
                .copied()
                .filter(|p| !used.contains(p))
                .collect();
            for p in candidates {
                if let Some(place) = places.get(p) {
                    pairs.push((population_gap(c.population, place.population), i, p));
                }
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (_, i, p) in pairs {
            let (Some(c), Some(place)) = (communes.get(i), places.get(p)) else {
                continue;
            };
            if c.place.is_some() || used.contains(&p) || !centroids.consistent(c, place, places) {
                continue;
            }
            let point = (place.latitude, place.longitude);
            if let Some(c) = communes.get_mut(i) {
                c.place = Some(p);
                used.insert(p);
                centroids.change(c, point, 1.0);
            }
        }
    }

    // Fallbacks: arrondissement -> its commune; else EPCI centroid; else department; else region.
    let mut department_points: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut region_points: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for c in communes.iter() {
        if let Some(point) = point_of(c, places) {
            department_points
                .entry(c.department.clone())
                .or_default()
                .push(point);
            region_points
                .entry(c.region.clone())
                .or_default()
                .push(point);
        }
    }
    for i in 0..communes.len() {
        let Some(c) = communes.get(i) else { continue };
        if c.place.is_some() {
            continue;
        }
        let parent = c
            .arrondissement_of
            .as_ref()
            .and_then(|code| index.get(code))
            .and_then(|&p| communes.get(p))
            .and_then(|p| point_of(p, places));
        let fallback = parent
            .or_else(|| centroids.without(c, places))
            .or_else(|| {
                department_points
                    .get(&c.department)
                    .and_then(|v| centroid(v.iter().copied()))
            })
            .or_else(|| {
                region_points
                    .get(&c.region)
                    .and_then(|v| centroid(v.iter().copied()))
            });
        if let Some(c) = communes.get_mut(i) {
            c.fallback = fallback;
        }
    }
    Ok(())
}

/// For a merged commune named after its parts ("Évry-Courcouronnes"), the names of the parts:
/// every run of its hyphen-separated words but the whole, if it is not a lone short word.
fn name_parts(name: &str) -> Vec<String> {
    const TOO_VAGUE: [&str; 9] = [
        "saint", "sainte", "sur", "sous", "les", "en", "la", "le", "de",
    ];
    let words: Vec<&str> = name.split('-').collect();
    let mut parts = Vec::new();
    for start in 0..words.len() {
        for end in start + 1..=words.len() {
            if end - start == words.len() {
                continue;
            }
            let part = normalise(&words.get(start..end).unwrap_or_default().join("-"));
            if part.len() >= 4 && !TOO_VAGUE.contains(&part.as_str()) {
                parts.push(part);
            }
        }
    }
    parts
}

fn report(communes: &[Commune]) {
    let line = |label: &str, filter: &dyn Fn(&Commune) -> bool| {
        let selected: Vec<&Commune> = communes
            .iter()
            .filter(|c| c.arrondissement_of.is_none() && filter(c))
            .collect();
        let matched = selected.iter().filter(|c| c.place.is_some()).count();
        let population: u64 = selected.iter().map(|c| c.population).sum();
        let matched_population: u64 = selected
            .iter()
            .filter(|c| c.place.is_some())
            .map(|c| c.population)
            .sum();
        eprintln!(
            "geo: {label}: {matched} of {} communes located from GeoNames ({:.1} %), \
             {:.1} % of the population; the rest approximate",
            selected.len(),
            100.0 * matched as f64 / selected.len().max(1) as f64,
            100.0 * matched_population as f64 / population.max(1) as f64,
        );
    };
    line("France", &|_| true);
    line("Île-de-France", &|c| c.region == IDF);
    let arrondissements = communes.iter().filter(|c| c.arrondissement_of.is_some());
    let (total, matched) = arrondissements.fold((0, 0), |(t, m), c| {
        (t + 1, m + usize::from(c.place.is_some()))
    });
    eprintln!("geo: arrondissements municipaux: {matched} of {total} located from GeoNames");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_parts_of_merged_communes() {
        assert_eq!(name_parts("Évry-Courcouronnes"), ["evry", "courcouronnes"]);
        assert_eq!(
            name_parts("Saint-Ouen-sur-Seine"),
            [
                "saint ouen",
                "saint ouen sur",
                "ouen",
                "ouen sur",
                "ouen sur seine",
                "sur seine",
                "seine"
            ]
        );
        assert!(name_parts("Paris").is_empty());
    }

    #[test]
    fn distance_paris_marseille() {
        let d = distance_km((48.85341, 2.3488), (43.29695, 5.38107));
        assert!((655.0..665.0).contains(&d), "{d}");
    }
}

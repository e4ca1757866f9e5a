//! The shared directory's search and freshness: which services match a place, a thématique, a
//! public, a type, a network or words, nearest first; which are overdue for review; and a
//! quality score per service (completeness and freshness).

pub mod api;
pub mod edits;
pub mod entry_pages;
pub mod forms;
pub mod pages;

use std::collections::HashMap;

use chrono::NaiveDate;
use model::{Service, ServiceStatus, Structure};
use refdata::text::normalise;
use refdata::{Commune, Vocabulary, inclusion};

/// What is searched for; every criterion is optional.
#[derive(Debug, Default)]
pub struct Query {
    /// From this commune, within `radius_km` (services whose eligibility zone covers the
    /// commune are found wherever they are given).
    pub place: Option<&'static Commune>,
    pub radius_km: f64,
    /// A thématique, or a whole category (`mobilite`).
    pub thematique: Option<String>,
    pub public: Option<String>,
    /// Type of service.
    pub kind: Option<String>,
    /// A kind of structure (`fastt`, `france_travail`...) or an agencies' brand.
    pub network: Option<String>,
    /// Words, accents and case ignored, in the service's or its structure's texts.
    pub text: Option<String>,
}

/// One service found, with its structure and what the page shows of it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub service: Service,
    pub structure: Structure,
    /// From the place searched, when there is one and the service has a location.
    pub distance_km: Option<f64>,
    pub overdue: bool,
    /// 0 to 100.
    pub quality: u32,
}

/// Whether a service is past its review date on `today`.
pub fn overdue(service: &Service, today: NaiveDate) -> bool {
    service.record.review_due() < today
}

/// Completeness (share of the optional descriptions filled) and freshness (full until the
/// review date, then decreasing over one review period), weighted 60/40, out of 100.
pub fn quality(service: &Service, today: NaiveDate) -> u32 {
    let r = &service.record;
    let filled = [
        r.kind.is_some(),
        !r.thematiques.is_empty(),
        !r.publics.is_empty(),
        r.fees.is_some(),
        r.access_conditions.is_some() || r.publics_details.is_some(),
        r.address.is_some() || r.commune.is_some(),
        r.phone.is_some() || r.email.is_some() || r.mobilisation_link.is_some(),
        !r.reception_modes.is_empty(),
        !r.eligibility_zone.is_empty(),
        !r.mobilisation_modes.is_empty(),
        !r.mobilisable_by.is_empty(),
        r.opening_hours.is_some(),
    ];
    let completeness = filled.iter().filter(|f| **f).count() as f64 / filled.len() as f64;
    let late = (today - r.review_due()).num_days();
    let freshness = if late <= 0 {
        1.0
    } else {
        (1.0 - late as f64 / f64::from(r.review_every_days.max(1))).max(0.0)
    };
    ((completeness * 0.6 + freshness * 0.4) * 100.0).round() as u32
}

/// Whether the service's eligibility zone covers a commune (its code, department, EPCI or the
/// whole country).
fn eligible_in(service: &Service, commune: &Commune) -> bool {
    service.record.eligibility_zone.iter().any(|zone| {
        zone == "france"
            || zone == "99100"
            || zone == commune.code
            || zone == commune.department
            || commune.epci == Some(zone.as_str())
    })
}

fn words(text: &str) -> Vec<String> {
    normalise(text)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The services matching the query, nearest first when a place is given (then by name).
pub fn search(
    services: &[Service],
    structures: &HashMap<String, Structure>,
    query: &Query,
    today: NaiveDate,
) -> Vec<Hit> {
    let wanted = query.text.as_deref().map(words).unwrap_or_default();
    let network = query.network.as_deref().map(normalise);
    let mut hits: Vec<Hit> = services
        .iter()
        .filter_map(|service| {
            // Only what is published: not a service waiting for approval, suspended or archived.
            if service.status != ServiceStatus::Published {
                return None;
            }
            let r = &service.record;
            let structure = structures.get(r.structure_siret.as_str())?;
            if let Some(t) = &query.thematique
                && !r
                    .thematiques
                    .iter()
                    .any(|x| x == t || x.split("--").next() == Some(t.as_str()))
            {
                return None;
            }
            if let Some(p) = &query.public
                && !r.publics.iter().any(|x| x == p || x == "tous-publics")
            {
                return None;
            }
            if let Some(k) = &query.kind
                && r.kind.as_deref() != Some(k.as_str())
            {
                return None;
            }
            if let Some(n) = &network
                && normalise(structure.record.kind.as_str()) != *n
                && structure
                    .record
                    .network
                    .as_deref()
                    .is_none_or(|brand| normalise(brand) != *n)
            {
                return None;
            }
            if !wanted.is_empty() {
                let labels: Vec<&str> = r
                    .thematiques
                    .iter()
                    .filter_map(|t| inclusion().label(Vocabulary::Thematique, t))
                    .collect();
                let text = normalise(&format!(
                    "{} {} {} {} {}",
                    r.name,
                    r.description,
                    structure.record.name,
                    structure.record.network.as_deref().unwrap_or(""),
                    labels.join(" ")
                ));
                if !wanted.iter().all(|w| text.contains(w.as_str())) {
                    return None;
                }
            }
            let location = r.coordinates.or(structure.record.coordinates);
            let distance_km = match (query.place, location) {
                (Some(place), Some(at)) => Some(refdata::distance_km(place.point(), at)),
                _ => None,
            };
            if let Some(place) = query.place {
                let near = distance_km.is_some_and(|d| d <= query.radius_km);
                if !near && !eligible_in(service, place) {
                    return None;
                }
            }
            Some(Hit {
                overdue: overdue(service, today),
                quality: quality(service, today),
                service: service.clone(),
                structure: structure.clone(),
                distance_km,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.distance_km
            .unwrap_or(f64::MAX)
            .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
            .then_with(|| a.service.record.name.cmp(&b.service.record.name))
            .then_with(|| a.service.id.cmp(&b.service.id))
    });
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use domain::InseeCode;
    use model::{ServiceRecord, StructureKind, StructureRecord, StructureStatus};

    fn structure(n: u32, kind: StructureKind, commune: &str, network: Option<&str>) -> Structure {
        let c = refdata::geo().commune(commune).unwrap();
        Structure {
            id: 1,
            record: StructureRecord {
                siret: testdb::fixtures::siret(n),
                kind,
                name: format!("Structure {commune}"),
                network: network.map(str::to_string),
                address: None,
                postcode: None,
                commune: InseeCode::parse(commune).unwrap(),
                coordinates: Some(c.point()),
                email: None,
                phone: None,
                website: None,
                status: StructureStatus::Active,
            },
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            updated_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    fn service(id: i64, owner: &Structure, name: &str, thematique: &str, zone: &[&str]) -> Service {
        Service {
            id,
            status: ServiceStatus::Published,
            record: ServiceRecord {
                kind: Some("accompagnement".to_string()),
                thematiques: vec![thematique.to_string()],
                publics: vec!["demandeurs-emploi".to_string()],
                fees: Some("gratuit".to_string()),
                eligibility_zone: zone.iter().map(|z| z.to_string()).collect(),
                review_every_days: 90,
                ..ServiceRecord::new(
                    owner.record.siret.clone(),
                    &format!("S{id}"),
                    name,
                    "Une description du service.",
                    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                )
            },
            created_at: owner.created_at,
            updated_at: owner.updated_at,
        }
    }

    #[test]
    fn a_place_finds_the_nearest_first_and_the_services_eligible_there() {
        // Saint-Denis (93), Aubervilliers (93, next door), Versailles (78), Paris 1er.
        let near = structure(1, StructureKind::FranceTravail, "93001", None);
        let far = structure(2, StructureKind::FranceTravail, "78646", None);
        let fastt = structure(3, StructureKind::Fastt, "75101", Some("FASTT"));
        let structures: HashMap<String, Structure> = [&near, &far, &fastt]
            .into_iter()
            .map(|s| (s.record.siret.as_str().to_string(), s.clone()))
            .collect();
        let services = vec![
            service(
                1,
                &far,
                "Recrutement par simulation (MRS)",
                "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
                &["78"],
            ),
            service(
                2,
                &near,
                "Recrutement par simulation (MRS)",
                "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
                &["93"],
            ),
            service(
                3,
                &fastt,
                "Location solidaire de véhicule",
                "mobilite--acceder-a-un-vehicule",
                &["75", "93", "78"],
            ),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let saint_denis = refdata::geo().commune("93066").unwrap();
        let query = Query {
            place: Some(saint_denis),
            radius_km: 5.0,
            ..Query::default()
        };
        let hits = search(&services, &structures, &query, today);
        // The Versailles agency is neither near nor eligible in the 93; the FASTT aid is
        // eligible there though given in Paris.
        let ids: Vec<i64> = hits.iter().map(|h| h.service.id).collect();
        assert_eq!(ids, vec![2, 3]);
        assert!(hits[0].distance_km.unwrap() < hits[1].distance_km.unwrap());
        // By category and words, accents and case ignored.
        let mobility = Query {
            thematique: Some("mobilite".into()),
            text: Some("VEHICULE solidaire".into()),
            ..Query::default()
        };
        assert_eq!(search(&services, &structures, &mobility, today).len(), 1);
        let network = Query {
            network: Some("fastt".into()),
            ..Query::default()
        };
        assert_eq!(
            search(&services, &structures, &network, today)[0]
                .service
                .id,
            3
        );
        let none = Query {
            public: Some("jeunes".into()),
            ..Query::default()
        };
        assert!(search(&services, &structures, &none, today).is_empty());
    }

    #[test]
    fn quality_counts_completeness_and_freshness() {
        let owner = structure(1, StructureKind::FranceTravail, "93066", None);
        let s = service(
            1,
            &owner,
            "Atelier CV",
            "preparer-sa-candidature--valoriser-ses-competences",
            &["93"],
        );
        let due = s.record.review_due();
        assert!(!overdue(&s, due));
        assert!(overdue(&s, due + chrono::Duration::days(1)));
        let fresh = quality(&s, due);
        let late = quality(&s, due + chrono::Duration::days(45));
        let very_late = quality(&s, due + chrono::Duration::days(400));
        assert!(
            fresh > late && late > very_late,
            "{fresh} {late} {very_late}"
        );
        // 5 of 12 descriptions filled: 25 points, plus freshness.
        assert_eq!(fresh, 65);
        assert_eq!(very_late, 25);
    }
}

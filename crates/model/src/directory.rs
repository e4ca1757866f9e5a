//! The shared directory's records: a structure's services in the terms of data·inclusion v1,
//! and what it says of itself beside them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Email, InseeCode, Postcode, Siret};
use serde::{Deserialize, Serialize};

/// A service a structure offers, in the terms of data·inclusion v1 (see `docs/directory.md`):
/// its vocabularies' values are checked against `refdata::inclusion()` when read from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRecord {
    pub structure_siret: Siret,
    /// The service's reference within its structure.
    pub external_id: String,
    /// `nom`: 3 to 150 characters.
    pub name: String,
    /// `description`: 5 to 10,000 characters.
    pub description: String,
    /// `type` (accompagnement, aide-financiere, aide-materielle, atelier, formation, information).
    pub kind: Option<String>,
    pub thematiques: Vec<String>,
    pub publics: Vec<String>,
    pub publics_details: Option<String>,
    /// `frais`: gratuit or payant.
    pub fees: Option<String>,
    pub fees_details: Option<String>,
    pub access_conditions: Option<String>,
    /// Where the service is given, when not at the structure's address.
    pub commune: Option<InseeCode>,
    pub address: Option<String>,
    pub postcode: Option<Postcode>,
    pub coordinates: Option<(f64, f64)>,
    pub phone: Option<String>,
    pub email: Option<Email>,
    /// `modes_accueil`: en-presentiel, a-distance.
    pub reception_modes: Vec<String>,
    /// `zone_eligibilite`: INSEE codes of communes, departments, EPCI, or `france`.
    pub eligibility_zone: Vec<String>,
    pub contact_name: Option<String>,
    pub mobilisation_link: Option<String>,
    pub mobilisation_modes: Vec<String>,
    pub mobilisable_by: Vec<String>,
    pub mobilisation_details: Option<String>,
    /// OpenStreetMap opening hours.
    pub opening_hours: Option<String>,
    /// `date_maj`: when the structure last checked the description.
    pub updated_on: NaiveDate,
    /// How often it must be checked again, in days (Passerelle's extension).
    pub review_every_days: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: i64,
    #[serde(flatten)]
    pub record: ServiceRecord,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceRecord {
    /// The day the description must be checked again.
    pub fn review_due(&self) -> NaiveDate {
        self.updated_on + chrono::Duration::days(i64::from(self.review_every_days))
    }
}

/// What data·inclusion says of a structure beyond the structure record: its description,
/// opening hours, and when it was last checked (`date_maj`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureProfile {
    pub description: Option<String>,
    pub opening_hours: Option<String>,
    pub updated_on: NaiveDate,
}

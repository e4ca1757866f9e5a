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
    pub status: ServiceStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceRecord {
    /// A service with what data·inclusion requires and nothing else: every list empty, every
    /// optional field absent, reviewed every 180 days (where tests and examples start).
    pub fn new(
        structure_siret: Siret,
        external_id: &str,
        name: &str,
        description: &str,
        updated_on: NaiveDate,
    ) -> Self {
        Self {
            structure_siret,
            external_id: external_id.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            kind: None,
            thematiques: Vec::new(),
            publics: Vec::new(),
            publics_details: None,
            fees: None,
            fees_details: None,
            access_conditions: None,
            commune: None,
            address: None,
            postcode: None,
            coordinates: None,
            phone: None,
            email: None,
            reception_modes: Vec::new(),
            eligibility_zone: Vec::new(),
            contact_name: None,
            mobilisation_link: None,
            mobilisation_modes: Vec::new(),
            mobilisable_by: Vec::new(),
            mobilisation_details: None,
            opening_hours: None,
            updated_on,
            review_every_days: 180,
        }
    }

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
    /// `accessibilite_lieu`: a page on the place's accessibility (acceslibre).
    #[serde(default)]
    pub accessibility: Option<String>,
    /// `reseaux_porteurs` beyond the one the structure's kind implies.
    #[serde(default)]
    pub networks: Vec<String>,
    pub updated_on: NaiveDate,
}

text_enum!(
    /// Where a service stands in the directory: only a published one is searched and exported.
    ServiceStatus {
        /// Shown in the search and the export.
        Published = "published",
        /// Written by a structure new to a moderated network: waits for an administrator.
        Pending = "pending",
        /// Paused by its structure: kept, not shown.
        Suspended = "suspended",
        /// Refused by an administrator: kept, not shown; its structure may edit it and submit
        /// it again.
        Refused = "refused",
        /// Deleted by its structure: kept with its history, never shown again.
        Archived = "archived",
    }
);

text_enum!(
    /// What happened to a service, in its history.
    ServiceAction {
        Created = "created",
        Updated = "updated",
        Confirmed = "confirmed",
        Suspended = "suspended",
        Resumed = "resumed",
        Approved = "approved",
        Refused = "refused",
        Archived = "archived",
    }
);

impl ServiceAction {
    /// The status a service takes after this action, from `pending_or_published` for the
    /// actions that publish (a creation, a resumption) under moderation or not.
    pub fn status_after(self, published: ServiceStatus) -> Option<ServiceStatus> {
        match self {
            ServiceAction::Created | ServiceAction::Resumed => Some(published),
            ServiceAction::Updated | ServiceAction::Confirmed => None,
            ServiceAction::Suspended => Some(ServiceStatus::Suspended),
            ServiceAction::Refused => Some(ServiceStatus::Refused),
            ServiceAction::Approved => Some(ServiceStatus::Published),
            ServiceAction::Archived => Some(ServiceStatus::Archived),
        }
    }

    /// The statuses this action may start from.
    pub fn allowed_from(self) -> &'static [ServiceStatus] {
        use ServiceStatus as S;
        match self {
            ServiceAction::Created => &[],
            ServiceAction::Updated | ServiceAction::Confirmed | ServiceAction::Archived => {
                &[S::Published, S::Pending, S::Suspended, S::Refused]
            }
            ServiceAction::Suspended => &[S::Published],
            ServiceAction::Resumed => &[S::Suspended, S::Refused],
            ServiceAction::Approved | ServiceAction::Refused => &[S::Pending],
        }
    }
}

/// One line of a service's history: who did what, when, and which fields a change touched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceChange {
    pub id: i64,
    pub service_id: i64,
    pub action: ServiceAction,
    /// The user, or none for an import or the simulation.
    pub user_id: Option<i64>,
    /// The record's fields that changed (`ServiceRecord`'s names; empty but for updates).
    pub fields: Vec<String>,
    pub at: DateTime<Utc>,
}

impl ServiceRecord {
    /// The fields (`ServiceRecord`'s names) that differ between two versions of a service.
    pub fn changed_fields(&self, other: &ServiceRecord) -> Vec<String> {
        let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
            (serde_json::to_value(self), serde_json::to_value(other))
        else {
            return Vec::new();
        };
        let mut fields: Vec<String> = a
            .iter()
            .filter(|(k, v)| b.get(k.as_str()) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        fields.sort();
        fields
    }
}

//! The tension of occupations by territory: the official one (DARES, France Travail, 2019
//! edition, embedded) and the local one (Passerelle's own offers and job seekers), side by side
//! and never merged. Aggregates only, read by every member of the partnership.

use refdata::tension::{FamilyTension, Indicators, OfficialTension, TensionError, Territory};

use super::{LocalTension, Measure, Occupations, Period, Territories, measure, sort_for_display};
use crate::api::*;

/// Where to read the official tension: a department, a region, or the nation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfficialParams {
    /// ROME code, e.g. J1501.
    pub rome: String,
    /// Department code (93, 2A, 971).
    pub department: Option<String>,
    /// Region INSEE code (11 for Île-de-France); not with `department`.
    pub region: Option<String>,
}

/// The six complementary indicators, each a class from 1 (weak) to 5 (strong); `null` where
/// the edition gives none.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsView {
    pub hiring: Option<u8>,
    pub training_link: Option<u8>,
    pub labour_shortage: Option<u8>,
    pub non_durable: Option<u8>,
    pub working_conditions: Option<u8>,
    pub geographic_mismatch: Option<u8>,
}

impl From<Indicators> for IndicatorsView {
    fn from(i: Indicators) -> Self {
        IndicatorsView {
            hiring: i.hiring,
            training_link: i.training_link,
            labour_shortage: i.labour_shortage,
            non_durable: i.non_durable,
            working_conditions: i.working_conditions,
            geographic_mismatch: i.geographic_mismatch,
        }
    }
}

/// One FAP family's published figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyView {
    /// FAP 225 code.
    pub fap: String,
    pub employment: Option<u32>,
    pub score: Option<f64>,
    pub class: Option<u8>,
    pub indicators: IndicatorsView,
}

impl From<&FamilyTension> for FamilyView {
    fn from(f: &FamilyTension) -> Self {
        FamilyView {
            fap: f.fap.to_string(),
            employment: f.employment,
            score: f.score,
            class: f.class,
            indicators: f.indicators.into(),
        }
    }
}

/// The official tension of an occupation in a territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialTensionView {
    pub rome: String,
    /// The occupation's ROME 4.0 label.
    pub label: String,
    /// department, region or nation: the level that answered, which may be above the one
    /// asked (the edition has no value for the Île-de-France departments).
    pub level: String,
    /// The department's or region's code; `null` for the nation.
    pub territory: Option<String>,
    /// Standardised score (centred and scaled on 2014–2018).
    pub score: f64,
    /// Class from 1 (low tension) to 5 (high).
    pub class: u8,
    pub indicators: IndicatorsView,
    /// Several families combined by their employment: the class is then the class of the
    /// weighted score, not one the edition published.
    pub combined: bool,
    pub families: Vec<FamilyView>,
    /// The publication, to cite.
    pub edition: String,
}

/// The official tension of an occupation (DARES, France Travail, 2019 edition) in a department,
/// a region or the nation, falling back to the region then the nation where the edition
/// publishes no class.
#[utoipa::path(get, path = "/api/v1/tension/official", tag = "tension", params(OfficialParams),
    responses((status = 200, body = OfficialTensionView), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn official(
    principal: Principal,
    QueryParams(params): QueryParams<OfficialParams>,
) -> AppResult<Json<OfficialTensionView>> {
    principal
        .grant(Resource::Tension, Verb::Read, None)
        .map_err(forbidden)?;
    let occupation = refdata::rome()
        .find(&params.rome)
        .map_err(|err| ApiError::field("?rome", err.to_string()))?;
    let territory = match (params.department.as_deref(), params.region.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "?region",
                "give a department or a region, not both",
            ));
        }
        (Some(d), None) => Territory::Department(d.trim()),
        (None, Some(r)) => Territory::Region(r.trim()),
        (None, None) => Territory::Nation,
    };
    let tension = refdata::tensions()
        .official(occupation.code, territory)
        .map_err(|err| {
            let field = match err {
                TensionError::UnknownDepartment(_) => "?department",
                TensionError::UnknownRegion(_) => "?region",
                TensionError::NoFamily(_) | TensionError::NoScore(_) => "?rome",
            };
            ApiError::field(field, err.to_string())
        })?;
    Ok(Json(official_view(occupation.label, &tension)))
}

fn official_view(label: &str, t: &OfficialTension) -> OfficialTensionView {
    OfficialTensionView {
        rome: t.rome.clone(),
        label: label.to_string(),
        level: t.level.as_str().to_string(),
        territory: t.territory.map(str::to_string),
        score: t.score,
        class: t.class,
        indicators: t.indicators.into(),
        combined: t.combined,
        families: t.families.iter().map(FamilyView::from).collect(),
        edition: t.edition.to_string(),
    }
}

/// Which local tension to measure.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocalParams {
    /// Only the offers of this department.
    pub department: Option<String>,
    pub quarter: Option<String>,
    pub month: Option<String>,
    pub year: Option<i32>,
    /// Only this ROME code (occupations by ROME).
    pub rome: Option<String>,
    /// Only this FAP 225 family (occupations by FAP family).
    pub fap: Option<String>,
    /// `rome` (default) or `fap`: an offer counts in every family of its occupation, a person
    /// once per family.
    pub occupations: Option<String>,
    /// `department` (default) or `commune_group`: the EPT in the Grand Paris, Paris as one, the
    /// EPCI elsewhere.
    pub territories: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalPage {
    pub measure: String,
    pub period: String,
    pub occupations: Occupations,
    pub territories: Territories,
    pub department: Option<String>,
    pub measured_on: NaiveDate,
    pub secret_below: u64,
    pub total: u64,
    pub cells: Vec<LocalTension>,
}

#[utoipa::path(get, path = "/api/v1/tension/local", tag = "tension", params(LocalParams, OffsetPage),
    responses((status = 200, body = LocalPage), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub(crate) async fn local(
    State(state): St,
    principal: Principal,
    QueryParams(params): QueryParams<LocalParams>,
    QueryParams(page): QueryParams<OffsetPage>,
) -> AppResult<Json<LocalPage>> {
    principal
        .grant(Resource::Tension, Verb::Read, None)
        .map_err(forbidden)?;
    let (offset, limit) = page.checked()?;
    let today = state.now().date_naive();
    let chosen = [
        ("quarter", params.quarter.is_some()),
        ("month", params.month.is_some()),
        ("year", params.year.is_some()),
    ];
    if let Some((second, _)) = chosen.iter().filter(|(_, given)| *given).nth(1) {
        return Err(ApiError::field(
            format!("?{second}"),
            "give one of quarter, month or year",
        ));
    }
    let period = Period::parse(
        params.quarter.as_deref(),
        params.month.as_deref(),
        params.year,
        today,
    )
    .map_err(|message| {
        let field = message.split(':').next().unwrap_or_default();
        ApiError::field(format!("?{field}"), message.clone())
    })?;
    let department = match params.department.as_deref() {
        None => None,
        Some(code) => Some(
            refdata::geo()
                .department(&code.trim().to_ascii_uppercase())
                .ok_or_else(|| ApiError::field("?department", "not a French department's code"))?
                .code,
        ),
    };
    let levels = |given: Option<&str>, field: &str, choices: &str| {
        ApiError::field(
            format!("?{field}"),
            format!(
                "{:?} is not one of {choices}",
                given
                    .unwrap_or_default()
                    .chars()
                    .take(40)
                    .collect::<String>()
            ),
        )
    };
    let mut occupations = match params.occupations.as_deref() {
        None => Occupations::Rome,
        Some(text) => Occupations::parse(text)
            .ok_or_else(|| levels(Some(text), "occupations", "rome, fap"))?,
    };
    let territories = match params.territories.as_deref() {
        None => Territories::Department,
        Some(text) => Territories::parse(text)
            .ok_or_else(|| levels(Some(text), "territories", "department, commune_group"))?,
    };
    let occupation = match (params.rome.as_deref(), params.fap.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "?fap",
                "give a ROME code or a FAP family, not both",
            ));
        }
        (Some(code), None) => {
            if occupations == Occupations::Fap {
                return Err(ApiError::field(
                    "?rome",
                    "occupations by FAP family: give ?fap, not ?rome",
                ));
            }
            Some(
                refdata::rome()
                    .find(code)
                    .map_err(|err| ApiError::field("?rome", err.to_string()))?
                    .code
                    .to_string(),
            )
        }
        (None, Some(code)) => {
            if params.occupations.is_some() && occupations == Occupations::Rome {
                return Err(ApiError::field(
                    "?fap",
                    "occupations by ROME code: give ?rome, not ?fap",
                ));
            }
            occupations = Occupations::Fap;
            Some(super::fap_family(code).map_err(|message| ApiError::field("?fap", message))?)
        }
        (None, None) => None,
    };
    let period_name = period.name.clone();
    let mut cells = measure(
        state.store.as_ref(),
        Measure {
            period,
            occupations,
            territories,
            department,
            occupation,
            today,
        },
    )
    .await?;
    sort_for_display(&mut cells);
    let total = cells.len() as u64;
    let cells = cells
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit as usize)
        .collect();
    Ok(Json(LocalPage {
        measure: "local: Passerelle's own offers and job seekers (not the DARES tension)"
            .to_string(),
        period: period_name,
        occupations,
        territories,
        department: department.map(str::to_string),
        measured_on: today,
        secret_below: super::SECRET_BELOW,
        total,
        cells,
    }))
}

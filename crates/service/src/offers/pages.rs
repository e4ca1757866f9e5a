//! The offers' pages: the recruiter's dashboard, creating or importing offers, and an offer with
//! its shortlist, its reasons and its referrals, where candidates are proposed.

use std::collections::{HashMap, HashSet};

use crate::json::{PagePath, Path};

use crate::api::views::{Candidate, OfferView};
use crate::pages::forms::{has_errors, set_error};
use crate::pages::*;
use crate::referrals::pages::{ReferralRow, newest_first, propose_from, referral_rows};

// ---------------------------------------------------------------------------------------
// Dashboard.

pub struct OfferRow {
    pub id: i64,
    pub title: String,
    pub occupation: String,
    pub commune: String,
    pub contract: &'static str,
    pub positions: u16,
    pub referrals: u64,
    pub hard_to_fill: bool,
    pub published: String,
    /// Passerelle's prediction, when a model is trained: at risk, and the percent not filled
    /// 90 days after publication.
    pub risk: Option<(bool, u32)>,
}

impl OfferRow {
    /// Predicted at risk.
    pub fn at_risk(&self) -> bool {
        self.risk.is_some_and(|r| r.0)
    }

    fn new(offer: &OfferView, referrals: u64) -> Self {
        OfferRow {
            id: offer.id,
            title: offer.title.clone(),
            occupation: occupation_label(&offer.rome),
            commune: commune_name(&offer.commune),
            contract: labels::contract(&offer.contract_type),
            positions: offer.positions,
            referrals,
            hard_to_fill: offer.hard_to_fill,
            published: fr_date(offer.published_at.date_naive()),
            risk: None,
        }
    }
}

pub struct StateCount {
    pub state: &'static str,
    pub label: &'static str,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "offers/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    structure: String,
    /// Open offers of the page at risk, and whether a model assessed them.
    at_risk: usize,
    assessed: bool,
    open: Vec<OfferRow>,
    without: Vec<OfferRow>,
    without_count: u64,
    by_state: Vec<StateCount>,
    total_referrals: u64,
    pagination: Pagination,
}

/// The recruiter's dashboard, through `GET /api/v1/dashboard`: every count is the database's.
pub async fn dashboard(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let (counted, pagination) = Pagination::fetch(
        query.page.as_deref(),
        "/tableau-de-bord?".to_string(),
        |page| {
            api::offers::dashboard(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(api::StructureQuery { structure: None }),
                crate::json::QueryParams(page),
            )
        },
        |counted| counted.open_offers,
    )
    .await?;
    let name = state
        .store
        .structure(counted.structure_id)
        .await?
        .map(|s| s.record.name)
        .unwrap_or_default();
    let by_state = counted
        .referrals_by_state
        .iter()
        .filter_map(|s| {
            let known = labels::REFERRAL_STATES.iter().find(|k| **k == s.state)?;
            Some(StateCount {
                state: known,
                label: labels::referral_state(known),
                count: s.count,
            })
        })
        .collect();
    let mut open: Vec<OfferRow> = counted
        .open
        .iter()
        .map(|o| OfferRow::new(&o.offer, o.referrals))
        .collect();
    let mut without: Vec<OfferRow> = counted
        .without_referral
        .iter()
        .map(|o| OfferRow::new(o, 0))
        .collect();
    for row in open.iter_mut().chain(without.iter_mut()) {
        row.risk = crate::difficulty::pages::risk(&state, row.id).await;
    }
    let at_risk = open.iter().filter(|r| r.at_risk()).count();
    Ok(render(&Dashboard {
        chrome: Chrome::new(&principal, "Tableau de bord", "/tableau-de-bord")
            .notice(done(query.fait.as_deref())),
        structure: name,
        at_risk,
        assessed: open.iter().any(|r| r.risk.is_some()),
        open,
        without,
        without_count: counted.open_without_referral,
        by_state,
        total_referrals: counted.total_referrals,
        pagination,
    }))
}

// ---------------------------------------------------------------------------------------
// Creating an offer.

#[derive(Template)]
#[template(path = "offers/offer_form.html")]
struct OfferForm {
    chrome: Chrome,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
}

fn offer_fields(form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let positions = form
        .get("postes")
        .cloned()
        .unwrap_or_else(|| "1".to_string());
    let mut contract = Field::text("contrat", "Type de contrat", &v("contrat"))
        .options(labels::CONTRACTS)
        .required();
    if contract.value.is_empty() {
        contract.value = "MIS".to_string();
    }
    let mut experience = Field::text("experience", "Expérience", &v("experience")).options(&[
        ("D", "Débutant accepté"),
        ("S", "Expérience souhaitée"),
        ("E", "Expérience exigée"),
    ]);
    if experience.value.is_empty() {
        experience.value = "D".to_string();
    }
    vec![
        Field::text("intitule", "Intitulé du poste", &v("intitule"))
            .hint("Tel qu'il sera présenté aux candidats, par exemple « Cariste CACES 3 (H/F) ».")
            .required(),
        Field::text("metier", "Métier (ROME)", &v("metier"))
            .hint("Tapez un intitulé de poste et choisissez le métier dans la liste.")
            .suggest("/suggestions/metiers")
            .required(),
        Field::text("commune", "Commune du lieu de travail", &v("commune"))
            .hint("Tapez le nom ou le code postal et choisissez dans la liste.")
            .suggest("/suggestions/communes")
            .required(),
        contract,
        Field::text("postes", "Nombre de postes", &positions)
            .kind("number")
            .required(),
        Field::text("debut", "Date de début", &v("debut"))
            .kind("date")
            .hint("Facultatif."),
        experience,
        Field::text("description", "Description du poste", &v("description"))
            .kind("textarea")
            .hint("Missions, horaires, conditions. Facultatif."),
        Field::text(
            "accessible_th",
            "Poste accessible aux travailleurs handicapés",
            &v("accessible_th"),
        )
        .kind("checkbox"),
        Field::text(
            "manque_candidats",
            "Offre difficile à pourvoir",
            &v("manque_candidats"),
        )
        .kind("checkbox"),
    ]
}

pub async fn new_offer(State(state): St, Viewer(principal): Viewer) -> PageResult {
    api::listing(&state, &principal, Resource::Offers, Verb::Write, None).await?;
    Ok(render(&OfferForm {
        chrome: Chrome::new(&principal, "Créer une offre", "/offres/nouvelle"),
        fields: offer_fields(&HashMap::new()),
        errors: Vec::new(),
    }))
}

/// Maps a field of France Travail's format to the form's.
fn form_field(ft: &str) -> &'static str {
    match ft {
        "intitule" => "intitule",
        "romeCode" => "metier",
        "lieuTravail.commune" | "lieuTravail.codePostal" => "commune",
        "typeContrat" => "contrat",
        "nombrePostes" => "postes",
        "passerelle.startsOn" => "debut",
        "experienceExige" => "experience",
        "description" => "description",
        _ => "intitule",
    }
}

pub async fn create_offer(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    let (structure, _) =
        api::listing(&state, &principal, Resource::Offers, Verb::Write, None).await?;
    let mut fields = offer_fields(&form);
    let get = |name: &str| forms::trimmed(&form, name);
    if get("intitule").is_empty() {
        set_error(&mut fields, "intitule", "Renseignez l'intitulé du poste.");
    } else if model::text::line_problem(&get("intitule"), model::text::LINE_CHARS).is_some() {
        set_error(
            &mut fields,
            "intitule",
            "200 caractères au plus, sur une ligne, sans caractère de contrôle.",
        );
    }
    if model::text::paragraph_problem(&get("description"), model::text::DESCRIPTION_CHARS).is_some()
    {
        set_error(
            &mut fields,
            "description",
            "20 000 caractères au plus, sans caractère de contrôle.",
        );
    }
    let rome = occupation_of_field(&mut fields, &get("metier"));
    let commune = commune_of_field(&mut fields, &get("commune"));
    let positions = match get("postes").parse::<u16>() {
        Ok(n @ 1..=999) => n,
        _ => {
            set_error(
                &mut fields,
                "postes",
                "Un nombre entier de postes, entre 1 et 999.",
            );
            1
        }
    };
    let contract = get("contrat");
    if !labels::CONTRACTS.iter().any(|(c, _)| *c == contract) {
        set_error(
            &mut fields,
            "contrat",
            "Choisissez un type de contrat dans la liste.",
        );
    }
    let starts_on = match get("debut") {
        d if d.is_empty() => None,
        d => match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(date) if model::text::date_problem(date).is_some() => {
                set_error(&mut fields, "debut", "Une date entre 1900 et 2199.");
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                set_error(&mut fields, "debut", "Une date au format JJ/MM/AAAA.");
                None
            }
        },
    };
    if has_errors(&fields) {
        return Ok(invalid_offer_form(&principal, fields));
    }
    let now = state.now();
    let reference = format!(
        "PSR-{}-{}",
        now.format("%Y%m%d"),
        auth::new_secret()?.get(..6).unwrap_or("000000")
    );
    let mut passerelle = serde_json::Map::new();
    if let Some(date) = starts_on {
        passerelle.insert(
            "startsOn".into(),
            serde_json::Value::String(date.to_string()),
        );
    }
    let offer = serde_json::json!([{
        "id": reference,
        "intitule": get("intitule"),
        "description": get("description"),
        "romeCode": rome,
        "lieuTravail": { "commune": commune },
        "typeContrat": contract,
        "nombrePostes": positions,
        "experienceExige": get("experience"),
        "accessibleTH": !get("accessible_th").is_empty(),
        "offresManqueCandidats": !get("manque_candidats").is_empty(),
        "dateCreation": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "passerelle": passerelle,
    }]);
    let siret = state.structure_siret(structure).await?;
    let owner = domain::Siret::parse(&siret)
        .map_err(|err| ApiError::Internal(format!("stored SIRET: {err}")))?;
    let bytes = serde_json::to_vec(&offer).map_err(|err| ApiError::Internal(err.to_string()))?;
    let rows = exchange::offers_json::read(&bytes, Some(&owner))
        .map_err(|err| ApiError::Internal(err.to_string()))?;
    let mut records = Vec::new();
    for row in rows {
        match row {
            Ok((_, record)) => records.push(record),
            Err(err) => {
                for e in err.errors {
                    set_error(&mut fields, form_field(&e.field), e.reason);
                }
            }
        }
    }
    if has_errors(&fields) || records.is_empty() {
        return Ok(invalid_offer_form(&principal, fields));
    }
    let report = crate::offers::api::store_offers(&state, &principal, structure, &records).await?;
    let id = report.offers.first().map(|o| o.id).unwrap_or_default();
    Ok(see_other(&format!("/offres/{id}?fait=offre")))
}

fn occupation_of_field(fields: &mut [Field], typed: &str) -> String {
    match forms::occupation_of(typed) {
        Ok(code) => code.to_string(),
        Err(message) => {
            set_error(fields, "metier", message);
            String::new()
        }
    }
}

fn commune_of_field(fields: &mut [Field], typed: &str) -> String {
    match forms::commune_of(typed) {
        Ok(code) => code.to_string(),
        Err(message) => {
            set_error(fields, "commune", message);
            String::new()
        }
    }
}

fn invalid_offer_form(principal: &Principal, fields: Vec<Field>) -> Response {
    let errors = forms::error_summary(&fields);
    let page = OfferForm {
        chrome: Chrome::new(principal, "Erreur — Créer une offre", "/offres/nouvelle"),
        fields,
        errors,
    };
    render_form(&page, true)
}

// ---------------------------------------------------------------------------------------
// Importing a file of offers.

pub struct Reject {
    pub position: usize,
    pub field: String,
    /// The field's French name, when it has one.
    pub label: &'static str,
    /// Why, as the file reader words it (in English: shown marked as such).
    pub reason: String,
}

#[derive(Template)]
#[template(path = "offers/import.html")]
struct ImportPage {
    chrome: Chrome,
    error: Option<String>,
    report: Option<crate::offers::api::PushReport>,
    rejects: Vec<Reject>,
    /// Offers written with a remark (a wage label that cannot be read): position, label.
    notes: Vec<(usize, String)>,
    file_name: String,
}

pub async fn import_form(State(state): St, Viewer(principal): Viewer) -> PageResult {
    api::listing(&state, &principal, Resource::Offers, Verb::Write, None).await?;
    Ok(render(&ImportPage {
        chrome: Chrome::new(&principal, "Importer des offres", "/offres/import"),
        error: None,
        report: None,
        rejects: Vec::new(),
        notes: Vec::new(),
        file_name: String::new(),
    }))
}

pub async fn import(
    State(state): St,
    Viewer(principal): Viewer,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    let (structure, _) =
        api::listing(&state, &principal, Resource::Offers, Verb::Write, None).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| ApiError::field("fichier", err.body_text()))?
    {
        if field.name() == Some("fichier") {
            let name = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|err| ApiError::field("fichier", err.body_text()))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let page = |error: Option<String>, report, rejects, notes, file_name: String| {
        let failed = error.is_some();
        render_form(
            &ImportPage {
                chrome: Chrome::new(
                    &principal,
                    form_title("Importer des offres", failed),
                    "/offres/import",
                ),
                error,
                report,
                rejects,
                notes,
                file_name,
            },
            failed,
        )
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(page(
            Some("Choisissez un fichier JSON ou CSV d'offres.".to_string()),
            None,
            Vec::new(),
            Vec::new(),
            String::new(),
        ));
    };
    let siret = state.structure_siret(structure).await?;
    let owner = domain::Siret::parse(&siret)
        .map_err(|err| ApiError::Internal(format!("stored SIRET: {err}")))?;
    let json = name.to_ascii_lowercase().ends_with(".json")
        || bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'[' || *b == b'{');
    // Reading a file is CPU work: on the blocking pool, never on the async workers.
    let reader_owner = owner.clone();
    let rows = tokio::task::spawn_blocking(move || {
        if json {
            exchange::offers_json::read(&bytes, Some(&reader_owner))
        } else {
            exchange::offers_csv::read(&bytes, Some(&reader_owner))
        }
    })
    .await
    .map_err(|err| ApiError::Internal(format!("reading the file: {err}")))?;
    let rows = match rows {
        Ok(rows) if rows.len() > crate::offers::api::MAX_OFFERS_PER_REQUEST => {
            return Ok(page(
                Some(format!(
                    "Le fichier contient {} offres : {} au plus par import, découpez-le.",
                    rows.len(),
                    crate::offers::api::MAX_OFFERS_PER_REQUEST
                )),
                None,
                Vec::new(),
                Vec::new(),
                name,
            ));
        }
        Ok(rows) => rows,
        Err(err) => {
            return Ok(page(
                Some(format!("Le fichier ne peut pas être lu : {err}")),
                None,
                Vec::new(),
                Vec::new(),
                name,
            ));
        }
    };
    let mut positions = Vec::new();
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    for row in rows {
        match row {
            Ok((position, record)) if record.structure_siret != owner => rejects.push(Reject {
                position,
                field: "passerelle.structureSiret".to_string(),
                label: "Structure propriétaire (SIRET)",
                reason: format!(
                    "cette offre appartient à la structure {}, pas à la vôtre",
                    record.structure_siret.as_str()
                ),
            }),
            Ok((position, record)) => {
                positions.push(position);
                records.push(record);
            }
            Err(err) => rejects.extend(err.errors.into_iter().map(|e| Reject {
                position: err.position,
                label: labels::offer_file_field(&e.field).unwrap_or(""),
                field: e.field,
                reason: e.reason,
            })),
        }
    }
    let report = if records.is_empty() {
        None
    } else {
        Some(crate::offers::api::store_offers(&state, &principal, structure, &records).await?)
    };
    // Nothing imported is a failure (422), whether the file was empty or every row refused.
    let error = match (&report, rejects.is_empty()) {
        (None, true) => Some("Le fichier ne contient aucune offre.".to_string()),
        (None, false) => Some(
            "Aucune offre n'a été importée : chaque offre du fichier a été refusée, pour les \
             raisons détaillées ci-dessous."
                .to_string(),
        ),
        (Some(_), _) => None,
    };
    // What was written with a remark: the wage labels that cannot be read.
    let notes = records
        .iter()
        .zip(&positions)
        .filter(|(record, _)| exchange::wage::notice(record).is_some())
        .map(|(record, position)| (*position, record.salary_label.clone().unwrap_or_default()))
        .collect();
    Ok(page(error, report, rejects, notes, name))
}

// ---------------------------------------------------------------------------------------
// One offer: its shortlist and its referrals.

pub struct CandidateRow {
    pub candidate: Candidate,
    pub distance: &'static str,
    pub kind: &'static str,
    pub occupation: String,
    pub proposed: bool,
}

#[derive(Template)]
#[template(path = "offers/offer.html")]
struct OfferPage {
    chrome: Chrome,
    offer: OfferView,
    occupation: String,
    commune: String,
    contract: &'static str,
    status: &'static str,
    candidates: Vec<CandidateRow>,
    /// The priority policy the shortlist applied, in French, and since when.
    policy: Option<(String, String)>,
    can_propose: bool,
    referrals: Vec<ReferralRow>,
    /// Passerelle's prediction for an open offer, when a model is trained.
    difficulty: Option<crate::difficulty::pages::Panel>,
    /// "Former avant d'embaucher": the plans of the offer and whom one may be built for.
    training: Option<crate::training_plans::pages::OfferPlans>,
}

pub async fn offer(State(state): St, RecordPage(principal, id, query): RecordPage) -> PageResult {
    let axum::Json(offer) =
        crate::offers::api::get_offer(State(state.clone()), principal.clone(), Path(id)).await?;
    let (stored, owner) = api::offer_and_owner(&state, id).await?;
    let shortlist = if stored.record.status == model::OfferStatus::Open {
        crate::offers::api::shortlist(
            State(state.clone()),
            principal.clone(),
            Path(id),
            crate::json::QueryParams(api::ShortlistQuery { k: None }),
        )
        .await
        .map(|j| (j.0.candidates, j.0.policy))
        .unwrap_or_default()
    } else {
        (Vec::new(), None)
    };
    let (shortlist, policy) = shortlist;
    let policy = policy.map(|p| {
        let since = p
            .effective_from
            .map(|d| format!("depuis le {}", fr_date(d)))
            .unwrap_or_else(|| "par défaut".to_string());
        (crate::policies::pages::rule_label(&p), since)
    });
    let referrals = newest_first(crate::referrals::api::of_offer(&state, &principal, id).await?);
    let proposed: HashSet<i64> = referrals.iter().map(|r| r.job_seeker_id).collect();
    // The API's own rule: the page offers what the proposal would accept.
    let can_propose = crate::referrals::api::may_propose_from_offer(&principal, &stored, owner);
    let candidates = shortlist
        .into_iter()
        .map(|c| CandidateRow {
            distance: labels::distance_band(&c.distance),
            kind: labels::match_kind(&c.match_kind),
            occupation: occupation_label(&c.matched_rome),
            proposed: proposed.contains(&c.job_seeker_id),
            candidate: c,
        })
        .collect();
    let rows = referral_rows(&state, &referrals).await;
    let training =
        crate::training_plans::pages::offer_plans(&state, &principal, id, owner, &rows).await?;
    let difficulty = if stored.record.status == model::OfferStatus::Open {
        crate::difficulty::pages::panel(
            &state,
            &stored,
            crate::difficulty::department_of(stored.record.commune.as_str()),
        )
        .await
    } else {
        None
    };
    Ok(render(&OfferPage {
        chrome: Chrome::new(&principal, format!("Offre « {} »", offer.title), "")
            .notice(done(query.fait.as_deref())),
        occupation: occupation_label(&offer.rome),
        commune: commune_name(&offer.commune),
        contract: labels::contract(&offer.contract_type),
        status: labels::offer_status(&offer.status),
        offer,
        candidates,
        policy,
        can_propose,
        referrals: rows,
        difficulty,
        training,
    }))
}

#[derive(Deserialize)]
pub struct ProposeForm {
    job_seeker_id: i64,
}

pub async fn propose(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<ProposeForm>,
) -> PageResult {
    let referral = crate::referrals::api::NewReferral {
        offer_id: id,
        job_seeker_id: form.job_seeker_id,
    };
    propose_from(state, principal, referral, &format!("/offres/{id}")).await
}

//! The co-organised actions' pages: the list (the user's structures' actions, drafts included,
//! and those published by others), one action with its moves, and preparing one from offers
//! at risk.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};

use crate::actions::api::{ActionView, CandidateOfferView, NewActionRequest};
use crate::api::forbidden;
use crate::json::{PagePath, Path};
use crate::pages::forms::set_error;
use crate::pages::*;

/// An action as a card or a page shows it.
pub struct ActionCard {
    pub view: ActionView,
    pub kind: &'static str,
    pub state: &'static str,
    pub badge: &'static str,
    /// "10/12/2026 à 09h30, jusqu'à 12h00".
    pub when: String,
    /// The commune and address, and "en ligne" when held online too.
    pub place: String,
    /// The lead and the co-organisers, by name.
    pub organisers: String,
    pub tags: Vec<&'static str>,
    /// (code, label) of its occupations.
    pub occupations: Vec<(String, String)>,
    /// (state, button label) of the moves open to the user.
    pub moves: Vec<(String, &'static str)>,
}

fn card(view: ActionView) -> ActionCard {
    let mut place = Vec::new();
    if let Some(commune) = &view.commune {
        place.push(match &view.address {
            Some(address) => format!("{address}, {}", commune_name(commune)),
            None => commune_name(commune),
        });
    }
    if view.online_link.is_some() {
        place.push("en ligne".to_string());
    }
    ActionCard {
        kind: labels::action_kind(&view.kind),
        state: labels::action_state(&view.state),
        badge: labels::action_badge(&view.state),
        when: format!(
            "{}, jusqu'à {}",
            crate::meetings::paris(view.starts_at),
            paris_time(view.ends_at)
        ),
        place: place.join(" · "),
        organisers: std::iter::once(view.lead.name.as_str())
            .chain(view.partners.iter().map(|p| p.name.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        tags: view
            .public_tags
            .iter()
            .map(|t| labels::public_tag(t))
            .collect(),
        occupations: view
            .romes
            .iter()
            .map(|code| (code.clone(), occupation_label(code)))
            .collect(),
        moves: view
            .moves
            .iter()
            .map(|to| (to.clone(), labels::action_move(to)))
            .collect(),
        view,
    }
}

#[derive(Template)]
#[template(path = "actions/actions.html")]
struct ActionsPage {
    chrome: Chrome,
    mine: Vec<ActionCard>,
    others: Vec<ActionCard>,
    may_organise: bool,
}

pub async fn list(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(views) = crate::actions::api::list_actions(
        State(state.clone()),
        principal.clone(),
        crate::json::QueryParams(Default::default()),
    )
    .await?;
    let (mine, others): (Vec<ActionCard>, Vec<ActionCard>) =
        views.into_iter().map(card).partition(|c| c.view.organising);
    Ok(render(&ActionsPage {
        chrome: Chrome::new(&principal, "Actions de recrutement", "/actions")
            .notice(done(query.fait.as_deref())),
        may_organise: principal
            .grant(Resource::Actions, Verb::Write, None)
            .is_ok(),
        mine,
        others,
    }))
}

#[derive(Template)]
#[template(path = "actions/action.html")]
struct ActionPage {
    chrome: Chrome,
    action: ActionCard,
    /// (id, title, occupation, commune) of its offers.
    offers: Vec<(i64, String, String, String)>,
    /// Its invitations, for the organisers.
    invitations: Vec<InvitationRow>,
    /// Invitations may be drawn now (published, not started, the user organises it).
    may_invite: bool,
    /// Its participants, for the organisers.
    participants: Vec<ParticipantRow>,
    /// Over: attendance is recorded; and whether it is closed.
    over: bool,
    attendance_closed: bool,
    /// Outcomes may be recorded (from the start to 90 days after the end).
    outcomes_open: bool,
    /// Seated participants whose attendance is still to record.
    to_record: usize,
    funnel: Vec<StageRow>,
    /// (code, label) of the kinds of outcome and of the contracts, for the form.
    outcome_kinds: Vec<(&'static str, &'static str)>,
    contracts: Vec<(&'static str, &'static str)>,
}

/// A participant as the organisers' table shows them.
pub struct ParticipantRow {
    pub view: crate::actions::outcomes::ParticipantView,
    pub shown: String,
    pub modality: &'static str,
    pub seat: &'static str,
    pub attendance: &'static str,
    /// "Embauche (CDD, 6 mois) le 22/01/2027", ...
    pub outcomes: Vec<String>,
}

/// One stage of the funnel: its label, its count (or "—" withheld) and each public's.
pub struct StageRow {
    pub label: &'static str,
    pub count: String,
    pub publics: Vec<String>,
}

fn stage_label(stage: &str) -> &'static str {
    match stage {
        "invited" => "Invitées",
        "registered" => "Inscrites",
        "present" => "Présentes",
        "interviewed" => "En entretien",
        "hired" => "Embauchées",
        _ => "Autre",
    }
}

fn withheld(n: Option<u64>) -> String {
    n.map_or_else(|| "< 20".to_string(), |n| n.to_string())
}

/// The funnel's rows.
pub fn stage_rows(view: crate::actions::outcomes::FunnelView) -> Vec<StageRow> {
    view.stages
        .into_iter()
        .map(|s| StageRow {
            label: stage_label(&s.stage),
            count: withheld(s.count),
            publics: s.by_public.into_iter().map(|p| withheld(p.count)).collect(),
        })
        .collect()
}

fn outcome_label(o: &crate::actions::outcomes::OutcomeView) -> String {
    let kind = match o.kind.as_str() {
        "interview" => "Entretien",
        "hire" => "Embauche",
        "training" => "Entrée en formation",
        "immersion" => "Immersion (PMSMP)",
        _ => "Autre",
    };
    let contract = match (&o.contract_type, o.contract_months) {
        (Some(c), Some(m)) => format!(" ({}, {m} mois)", labels::contract(c)),
        (Some(c), None) => format!(" ({})", labels::contract(c)),
        _ => String::new(),
    };
    format!("{kind}{contract} le {}", o.on.format("%d/%m/%Y"))
}

/// An invitation as the organisers' table shows it.
pub struct InvitationRow {
    pub view: crate::actions::invitations::OrganiserInvitationView,
    pub state: &'static str,
    pub deadline: String,
    /// "inscrit(e)", "en liste d'attente", or nothing.
    pub seat: &'static str,
    pub may_withdraw: bool,
}

pub async fn show(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(view) =
        crate::actions::api::get_action(State(state.clone()), principal.clone(), Path(id)).await?;
    let offers = view
        .offers
        .iter()
        .map(|o| {
            (
                o.id,
                o.title.clone(),
                occupation_label(&o.rome),
                commune_name(&o.commune),
            )
        })
        .collect();
    let invitations = if view.organising {
        crate::actions::invitations::action_invitations(
            State(state.clone()),
            principal.clone(),
            Path(id),
        )
        .await?
        .0
        .into_iter()
        .map(|v| InvitationRow {
            state: labels::invitation_state(&v.state),
            deadline: crate::meetings::paris(v.deadline),
            seat: match v.seat.as_deref() {
                Some("registered") => "inscrit(e)",
                Some("waiting") => "en liste d'attente",
                Some(_) => "désinscrit(e)",
                None => "",
            },
            may_withdraw: matches!(v.state.as_str(), "proposed" | "relayed"),
            view: v,
        })
        .collect()
    } else {
        Vec::new()
    };
    let may_invite = view.organising && view.state == "published" && view.starts_at > state.now();
    let now = state.now();
    let over = view.ends_at <= now;
    let outcomes_open =
        view.starts_at <= now && now <= view.ends_at + chrono::Duration::days(model::OUTCOME_DAYS);
    let participants: Vec<ParticipantRow> = if view.organising {
        crate::actions::outcomes::participants(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0
            .into_iter()
            .map(|p| ParticipantRow {
                shown: p.name.clone().unwrap_or_else(|| p.pseudonym.clone()),
                modality: if p.modality == "remote" {
                    "en ligne"
                } else {
                    "sur place"
                },
                seat: if p.seat == "waiting" {
                    "liste d'attente"
                } else {
                    "inscrit(e)"
                },
                attendance: match p.attendance.as_deref() {
                    Some("present") => "présent(e)",
                    Some("excused") => "excusé(e)",
                    Some("absent") => "absent(e)",
                    _ => "",
                },
                outcomes: p.outcomes.iter().map(outcome_label).collect(),
                view: p,
            })
            .collect()
    } else {
        Vec::new()
    };
    let to_record = participants
        .iter()
        .filter(|p| p.view.seat == "registered" && p.view.attendance.is_none())
        .count();
    let attendance_closed = state
        .store
        .action(id)
        .await?
        .map(|a| a.gathering_id)
        .map(|g| state.store.gathering(g));
    let attendance_closed = match attendance_closed {
        Some(gathering) => gathering
            .await?
            .is_some_and(|g| g.attendance_closed_at.is_some()),
        None => false,
    };
    let funnel = stage_rows(
        crate::actions::outcomes::action_funnel(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0,
    );
    let action = card(view);
    Ok(render(&ActionPage {
        invitations,
        may_invite,
        participants,
        over,
        attendance_closed,
        outcomes_open,
        to_record,
        funnel,
        outcome_kinds: vec![
            ("interview", "Entretien"),
            ("hire", "Embauche"),
            ("training", "Entrée en formation"),
            ("immersion", "Immersion (PMSMP)"),
        ],
        contracts: vec![
            ("", "—"),
            ("CDI", "CDI"),
            ("CDD", "CDD"),
            ("MIS", "Mission d'intérim"),
            ("CCE", "Contrat de chantier"),
        ],
        chrome: Chrome::new(&principal, action.view.title.clone(), "/actions")
            .notice(done(query.fait.as_deref())),
        action,
        offers,
    }))
}

#[derive(Deserialize)]
pub struct MoveForm {
    vers: String,
}

pub async fn move_to(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<MoveForm>,
) -> PageResult {
    let result = crate::actions::api::move_action(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::api::MoveActionRequest {
            to: form.vers.clone(),
        }),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/actions/{id}?fait=action"))),
        Err(ApiError::Conflict(_)) => Err(ApiError::Refused(format!(
            "Cette action ne peut pas passer à l'état « {} » maintenant : une action se publie \
             avant son début, est tenue une fois commencée et se clôt une fois la présence de \
             ses participants close.",
            labels::action_state(&form.vers)
        ))
        .into()),
        Err(other) => Err(other.into()),
    }
}

/// A checkbox of the form whose name is made of a prefix and a value.
pub struct Choice {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "actions/new.html")]
struct NewActionPage {
    chrome: Chrome,
    fields: Vec<Field>,
    place_fields: Vec<Field>,
    offers: Vec<Choice>,
    tags: Vec<Choice>,
    errors: Vec<(String, String)>,
}

/// The options of a select of structures of a kind: those of the department first, by name.
fn structure_options(
    structures: &[model::Structure],
    kind: model::StructureKind,
    department: &str,
    region: &str,
) -> Vec<(String, String)> {
    let geo = refdata::geo();
    let mut found: Vec<(bool, String, i64)> = structures
        .iter()
        .filter(|s| s.record.kind == kind && s.record.status == model::StructureStatus::Active)
        .filter_map(|s| {
            let commune = geo.commune(s.record.commune.as_str())?;
            let in_region = geo
                .department(commune.department)
                .is_some_and(|d| d.region == region);
            in_region.then(|| {
                (
                    commune.department != department,
                    format!("{} — {}", s.record.name, commune.name),
                    s.id,
                )
            })
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, label, id)| (id.to_string(), label))
        .collect()
}

async fn new_page(
    state: &Arc<AppState>,
    principal: &Principal,
    form: &HashMap<String, String>,
    errors_of: impl FnOnce(&mut Vec<Field>, &mut Vec<Field>),
) -> PageResult {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let structures = state.store.structures().await?;
    let own = principal
        .seats
        .iter()
        .find(|s| {
            principal
                .grant(Resource::Actions, Verb::Write, Some(s.structure_id))
                .is_ok()
        })
        .and_then(|s| structures.iter().find(|st| st.id == s.structure_id));
    let department = own
        .and_then(|s| refdata::geo().commune(s.record.commune.as_str()))
        .map(|c| c.department.to_string())
        .unwrap_or_default();
    let is_ft = own.is_some_and(|s| s.record.kind == model::StructureKind::FranceTravail);
    let region = state.config.region.as_str();
    let mut kind = Field::text("type", "Type d'action", &v("type")).required();
    kind.kind = "select";
    kind.options = model::ActionKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                labels::action_kind(k.as_str()).to_string(),
            )
        })
        .collect();
    let mut lead = Field::text("porteuse", "Agence France Travail porteuse", &v("porteuse"))
        .hint("Elle mène l'action avec une ou plusieurs agences d'emploi.")
        .required();
    lead.kind = "select";
    lead.options = if is_ft {
        own.map(|s| vec![(s.id.to_string(), s.record.name.clone())])
            .unwrap_or_default()
    } else {
        structure_options(
            &structures,
            model::StructureKind::FranceTravail,
            &department,
            region,
        )
    };
    let agencies = structure_options(
        &structures,
        model::StructureKind::AgenceEmploi,
        &department,
        region,
    );
    let mut partner = Field::text(
        "partenaire",
        "Agence d'emploi co-organisatrice",
        &v("partenaire"),
    )
    .required();
    partner.kind = "select";
    partner.options = if is_ft {
        agencies.clone()
    } else {
        own.map(|s| vec![(s.id.to_string(), s.record.name.clone())])
            .unwrap_or_default()
    };
    let mut second = Field::text(
        "partenaire2",
        "Autre agence d'emploi (facultatif)",
        &v("partenaire2"),
    );
    second.kind = "select";
    second.options = std::iter::once((String::new(), "—".to_string()))
        .chain(agencies)
        .collect();
    let mut fields = vec![
        kind,
        Field::text("titre", "Intitulé", &v("titre"))
            .hint("Par exemple : « Job dating de la logistique à Saint-Denis ».")
            .required(),
        Field::text("description", "Description", &v("description"))
            .kind("textarea")
            .hint("Le déroulé, les postes à pourvoir, ce que les participants apportent."),
        lead,
        partner,
        second,
        Field::text("metiers", "Autres métiers (codes ROME)", &v("metiers"))
            .hint("Facultatif, séparés par des virgules : ceux des offres cochées sont repris."),
        Field::text("prerequis", "Prérequis", &v("prerequis"))
            .kind("textarea")
            .hint("Un par ligne : permis B, CACES R489, niveau CAP…"),
    ];
    let mut place_fields = vec![
        Field::text("date", "Date", &v("date"))
            .kind("date")
            .required(),
        Field::text("heure", "Heure de début", &v("heure"))
            .kind("time")
            .required(),
        Field::text("fin", "Heure de fin", &v("fin"))
            .kind("time")
            .hint("Par défaut, deux heures après le début."),
        Field::text("commune", "Commune", &v("commune"))
            .hint("Si l'action se tient sur place : tapez le nom ou le code postal.")
            .suggest("/suggestions/communes"),
        Field::text("adresse", "Adresse", &v("adresse")),
        Field::text(
            "places_sur_place",
            "Places sur place",
            &v("places_sur_place"),
        )
        .kind("number")
        .hint("Par défaut 30 ; au-delà, les inscrits sont en liste d'attente."),
        Field::text("lien", "Lien de visioconférence", &v("lien"))
            .hint("Adresse https://, si l'action se tient en ligne."),
        Field::text("places_en_ligne", "Places en ligne", &v("places_en_ligne"))
            .kind("number")
            .hint("Par défaut 50."),
    ];
    errors_of(&mut fields, &mut place_fields);
    let candidates: Vec<CandidateOfferView> = match own {
        Some(s) => {
            crate::actions::api::candidate_offers(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(crate::api::StructureQuery {
                    structure: Some(s.record.siret.to_string()),
                }),
            )
            .await?
            .0
        }
        None => Vec::new(),
    };
    let offers = candidates
        .into_iter()
        .map(|c| {
            let name = format!("offre_{}", c.offer.id);
            Choice {
                checked: form.contains_key(&name),
                hint: match (c.at_risk, c.not_filled_percent) {
                    (Some(true), Some(p)) => format!(
                        "À risque : {p} % de chances de ne pas être pourvue à temps · {}",
                        commune_name(&c.offer.commune)
                    ),
                    _ => commune_name(&c.offer.commune),
                },
                label: format!("{} — {}", c.offer.title, occupation_label(&c.offer.rome)),
                name,
            }
        })
        .collect();
    let tags = model::PublicTag::ALL
        .iter()
        .map(|t| {
            let name = format!("public_{}", t.as_str());
            Choice {
                checked: form.contains_key(&name),
                label: labels::public_tag(t.as_str()).to_string(),
                hint: String::new(),
                name,
            }
        })
        .collect();
    let errors: Vec<(String, String)> = forms::error_summary(&fields)
        .into_iter()
        .chain(forms::error_summary(&place_fields))
        .collect();
    let failed = !errors.is_empty();
    Ok(render_form(
        &NewActionPage {
            chrome: Chrome::new(
                principal,
                form_title("Préparer une action de recrutement", failed),
                "/actions/nouvelle",
            ),
            fields,
            place_fields,
            offers,
            tags,
            errors,
        },
        failed,
    ))
}

#[derive(Deserialize)]
pub struct NewQuery {
    /// An offer to tick (from its page).
    offre: Option<i64>,
}

pub async fn new_form(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<NewQuery>,
) -> PageResult {
    principal
        .grant(Resource::Actions, Verb::Write, None)
        .map_err(forbidden)?;
    let mut form = HashMap::new();
    if let Some(offer) = query.offre {
        form.insert(format!("offre_{offer}"), "1".to_string());
    }
    new_page(&state, &principal, &form, |_, _| {}).await
}

/// The page field a problem of the API is about.
fn field_of(path: &str) -> &'static str {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match top {
        "kind" => "type",
        "title" => "titre",
        "description" => "description",
        "lead" => "porteuse",
        "partners" => "partenaire",
        "romes" | "offers" => "metiers",
        "prerequisites" => "prerequis",
        "starts_at" => "date",
        "ends_at" => "fin",
        "commune" | "place" => "commune",
        "address" => "adresse",
        "online_link" => "lien",
        "capacity_on_site" => "places_sur_place",
        "capacity_remote" => "places_en_ligne",
        _ => "titre",
    }
}

fn set_either(fields: &mut [Field], place_fields: &mut [Field], name: &str, message: &str) {
    set_error(fields, name, message);
    set_error(place_fields, name, message);
}

pub async fn create(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    let get = |name: &str| forms::trimmed(&form, name);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let date = NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.push(("date", "Une date au format JJ/MM/AAAA.".to_string()));
    }
    let time = NaiveTime::parse_from_str(&get("heure"), "%H:%M").ok();
    if time.is_none() {
        errors.push(("heure", "Une heure au format HH:MM.".to_string()));
    }
    let end = match get("fin").as_str() {
        "" => None,
        typed => {
            let parsed = NaiveTime::parse_from_str(typed, "%H:%M").ok();
            if parsed.is_none() {
                errors.push(("fin", "Une heure au format HH:MM.".to_string()));
            }
            parsed
        }
    };
    let commune = match get("commune").as_str() {
        "" => None,
        typed => match forms::commune_of(typed) {
            Ok(code) => Some(code.to_string()),
            Err(message) => {
                errors.push(("commune", message));
                None
            }
        },
    };
    let mut seats = |name: &'static str| -> Option<u32> {
        match get(name).as_str() {
            "" => None,
            typed => match typed.parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => Some(n),
                _ => {
                    errors.push((name, "Un nombre de places de 1 à 100 000.".to_string()));
                    None
                }
            },
        }
    };
    let capacity_on_site = seats("places_sur_place");
    let capacity_remote = seats("places_en_ligne");
    let id = |name: &'static str, errors: &mut Vec<(&'static str, String)>| -> Option<i64> {
        match get(name).as_str() {
            "" => None,
            typed => typed.parse().ok().or_else(|| {
                errors.push((name, "Choisissez dans la liste.".to_string()));
                None
            }),
        }
    };
    let lead = id("porteuse", &mut errors);
    let partners: Vec<i64> = [
        id("partenaire", &mut errors),
        id("partenaire2", &mut errors),
    ]
    .into_iter()
    .flatten()
    .collect();
    let offers: Vec<i64> = form
        .keys()
        .filter_map(|k| k.strip_prefix("offre_")?.parse().ok())
        .collect();
    let public_tags: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("public_").map(str::to_string))
        .collect();
    let (Some(date), Some(time), true) = (date, time, errors.is_empty()) else {
        return new_page(&state, &principal, &form, |fields, place_fields| {
            for (name, message) in &errors {
                set_either(fields, place_fields, name, message);
            }
        })
        .await;
    };
    let starts_at = from_paris(date, time);
    let request = NewActionRequest {
        kind: get("type"),
        title: get("titre"),
        description: get("description"),
        lead,
        partners,
        offers,
        romes: get("metiers")
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        commune,
        address: Some(get("adresse")),
        online_link: Some(get("lien")),
        starts_at,
        ends_at: end.map(|end| from_paris(date, end)),
        capacity_on_site,
        capacity_remote,
        prerequisites: get("prerequis").lines().map(str::to_string).collect(),
        public_tags,
    };
    match crate::actions::api::create_action(
        State(state.clone()),
        principal.clone(),
        JsonBody(request),
    )
    .await
    {
        Ok((_, axum::Json(view))) => Ok(see_other(&format!(
            "/actions/{}?fait=action_creee",
            view.id
        ))),
        Err(ApiError::Invalid(problems)) => {
            new_page(&state, &principal, &form, |fields, place_fields| {
                for p in &problems {
                    let message = french_problem(&p.path, &p.message);
                    set_either(fields, place_fields, field_of(&p.path), &message);
                }
            })
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// What the page says of a problem the API found, in French.
fn french_problem(path: &str, message: &str) -> String {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match top {
        "kind" => "Choisissez un type d'action.".to_string(),
        "title" => "Un intitulé de 3 à 200 caractères, sans caractère de contrôle.".to_string(),
        "description" => "Une description de 2 000 caractères au plus.".to_string(),
        "lead" => "Choisissez l'agence France Travail qui porte l'action.".to_string(),
        "partners" => "Choisissez une ou deux agences d'emploi actives.".to_string(),
        "offers" => {
            "Une offre cochée n'est plus ouverte ou n'est pas celle d'un organisateur.".to_string()
        }
        "romes" => format!("Indiquez au moins un métier ou cochez une offre ({message})."),
        "prerequisites" => "Dix prérequis au plus, de 200 caractères chacun.".to_string(),
        "starts_at" => "L'action doit avoir lieu dans le futur.".to_string(),
        "ends_at" => "L'heure de fin suit l'heure de début, dans les douze heures.".to_string(),
        "commune" => "Une commune de la région.".to_string(),
        "place" => "Indiquez une commune, un lien de visioconférence, ou les deux.".to_string(),
        "address" => "Une adresse de 300 caractères au plus.".to_string(),
        "online_link" => "Un lien commençant par https://.".to_string(),
        "capacity_on_site" => "Des places sur place demandent une commune.".to_string(),
        "capacity_remote" => {
            "Des places en ligne demandent un lien de visioconférence.".to_string()
        }
        _ => "Cette valeur ne convient pas.".to_string(),
    }
}

#[derive(Deserialize)]
pub struct InviteForm {
    /// Invitations per position of each offer.
    #[serde(default)]
    par_poste: String,
}

/// Draws the invitations of an action (its organisers).
pub async fn invite(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<InviteForm>,
) -> PageResult {
    let per_position = match form.par_poste.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<u16>()
                .ok()
                .filter(|n| (1..=10).contains(n))
                .ok_or_else(|| ApiError::field("/par_poste", "de 1 à 10 invitations par poste"))?,
        ),
    };
    let result = crate::actions::invitations::draw_invitations(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::invitations::DrawRequest {
            per_position,
            ..Default::default()
        }),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/actions/{id}?fait=invitations#invitations"
        ))),
        Err(ApiError::Conflict(reason)) if reason.starts_with("offers:") => Err(ApiError::Refused(
            "Aucune des offres de cette action n'est encore ouverte : les invitations se tirent \
             parmi les candidats de ses offres ouvertes."
                .to_string(),
        )
        .into()),
        Err(ApiError::Conflict(_)) => Err(ApiError::Refused(
            "Les invitations se tirent pour une action publiée qui n'a pas commencé.".to_string(),
        )
        .into()),
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct InvitationForm {
    vers: String,
    #[serde(default)]
    modalite: String,
    /// Where to come back to.
    #[serde(default)]
    retour: String,
}

/// Records an invitation's answer (the person's agency) or withdraws it (the organisers).
pub async fn move_invitation(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<InvitationForm>,
) -> PageResult {
    let modality = match form.modalite.as_str() {
        "en_ligne" => Some("remote".to_string()),
        "sur_place" => Some("on_site".to_string()),
        "" => None,
        _ => return Err(ApiError::field("/modalite", "« sur_place » ou « en_ligne »").into()),
    };
    let result = crate::actions::invitations::move_invitation(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::invitations::MoveInvitationRequest {
            to: form.vers.clone(),
            modality,
        }),
    )
    .await;
    match result {
        Ok(_) => {
            // Back to the action's page (the organisers) or to the list (the agency).
            let action = form
                .retour
                .strip_prefix("/actions/")
                .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
            Ok(see_other(&match action {
                Some(action) => format!("/actions/{action}?fait=invitation#invitations"),
                None => "/invitations?fait=invitation".to_string(),
            }))
        }
        Err(ApiError::Conflict(reason)) => Err(ApiError::Refused(if reason.contains("deadline") {
            "La date limite de réponse est passée : l'invitation a expiré.".to_string()
        } else if reason.contains("started") {
            "L'action a commencé : on ne s'y inscrit plus.".to_string()
        } else {
            "Cette invitation a déjà reçu sa réponse, ou a été retirée.".to_string()
        })
        .into()),
        Err(other) => Err(other.into()),
    }
}

/// An invitation as the advisor's list shows it.
pub struct AgencyRow {
    pub view: crate::actions::invitations::AgencyInvitationView,
    pub kind: &'static str,
    pub when: String,
    pub deadline: String,
    pub state: &'static str,
    /// (state, label) of the answers open.
    pub moves: Vec<(String, &'static str)>,
    pub both: bool,
}

#[derive(Template)]
#[template(path = "actions/invitations.html")]
struct InvitationsPage {
    chrome: Chrome,
    open: Vec<AgencyRow>,
    answered: Vec<AgencyRow>,
}

/// The invitations of the advisor's job seekers: to relay and answer first.
pub async fn invitations(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let axum::Json(views) = crate::actions::invitations::agency_invitations(
        State(state.clone()),
        principal.clone(),
        crate::json::QueryParams(Default::default()),
    )
    .await?;
    let (open, answered): (Vec<AgencyRow>, Vec<AgencyRow>) = views
        .into_iter()
        .map(|v| AgencyRow {
            kind: labels::action_kind(&v.action_kind),
            when: crate::meetings::paris(v.starts_at),
            deadline: crate::meetings::paris(v.deadline),
            state: labels::invitation_state(&v.state),
            moves: v
                .moves
                .iter()
                .map(|m| (m.clone(), labels::invitation_move(m)))
                .collect(),
            both: v.capacity_on_site > 0 && v.capacity_remote > 0,
            view: v,
        })
        .partition(|r| !r.moves.is_empty());
    Ok(render(&InvitationsPage {
        chrome: Chrome::new(&principal, "Invitations aux actions", "/invitations")
            .notice(done(query.fait.as_deref())),
        open,
        answered,
    }))
}

/// The refusals of the participants' forms, in French.
fn refused(err: ApiError) -> ApiError {
    match err {
        ApiError::Conflict(reason) => {
            ApiError::Refused(if reason.contains("once the gathering is over") {
                "La présence se note et se clôt une fois l'action terminée.".to_string()
            } else if reason.contains("closed") {
                "La présence de cette action est déjà close.".to_string()
            } else if reason.contains("attendance: ") {
                "Des présences restent à noter avant de clore.".to_string()
            } else if reason.contains("90 days") {
                "Les résultats se notent du début de l'action à 90 jours après sa fin.".to_string()
            } else if reason.contains("already recorded") {
                "Ce résultat est déjà noté pour cette personne.".to_string()
            } else {
                "Cette opération n'est pas possible dans l'état de l'action.".to_string()
            })
        }
        other => other,
    }
}

#[derive(Deserialize)]
pub struct PresenceForm {
    job_seeker_id: i64,
    presence: String,
}

pub async fn attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<PresenceForm>,
) -> PageResult {
    let attendance = match form.presence.as_str() {
        "present" => "present",
        "excuse" => "excused",
        "absent" => "absent",
        _ => return Err(ApiError::field("/presence", "present, excuse ou absent").into()),
    };
    crate::actions::outcomes::record_attendance(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::actions::outcomes::ParticipantAttendance {
            job_seeker_id: form.job_seeker_id,
            attendance: attendance.to_string(),
        }),
    )
    .await
    .map_err(refused)?;
    Ok(see_other(&format!(
        "/actions/{id}?fait=presence#participants"
    )))
}

pub async fn close_attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    crate::actions::outcomes::close_attendance(State(state), principal, Path(id))
        .await
        .map_err(refused)?;
    Ok(see_other(&format!(
        "/actions/{id}?fait=cloture_action#participants"
    )))
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    job_seeker_id: i64,
    resultat: String,
    #[serde(default)]
    offre: String,
    #[serde(default)]
    contrat: String,
    #[serde(default)]
    duree: String,
    #[serde(default)]
    date: String,
}

pub async fn outcome(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<OutcomeForm>,
) -> PageResult {
    let number = |text: &str, field: &str| -> Result<Option<i64>, ApiError> {
        match text.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| ApiError::field(field, "un nombre")),
        }
    };
    let offer = number(&form.offre, "/offre")?;
    let months = number(&form.duree, "/duree")?
        .map(|m| u16::try_from(m).map_err(|_| ApiError::field("/duree", "de 1 à 120 mois")))
        .transpose()?;
    let on = match form.date.trim() {
        "" => None,
        t => Some(
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| ApiError::field("/date", "une date au format JJ/MM/AAAA"))?,
        ),
    };
    let request = crate::actions::outcomes::NewOutcomeRequest {
        job_seeker_id: form.job_seeker_id,
        kind: form.resultat.clone(),
        offer_id: offer,
        contract_type: Some(form.contrat.clone()).filter(|c| !c.trim().is_empty()),
        contract_months: months,
        on,
    };
    match crate::actions::outcomes::record_outcome(
        State(state),
        principal,
        Path(id),
        JsonBody(request),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/actions/{id}?fait=resultat#participants"
        ))),
        Err(ApiError::Invalid(problems)) => Err(ApiError::Refused(format!(
            "Le résultat n'est pas noté : {}.",
            problems
                .iter()
                .map(|p| match p.path.as_str() {
                    "/contract_type" =>
                        "une embauche se note avec son contrat, et seule une embauche en a un",
                    "/contract_months" =>
                        "la durée du contrat en mois (de 1 à 120), sauf pour un CDI",
                    "/offer_id" => "l'offre choisie n'est pas celle de l'action",
                    "/job_seeker_id" => "seule une personne inscrite à l'action a un résultat",
                    "/on" => "une date plausible",
                    _ => "choisissez le résultat",
                })
                .collect::<Vec<_>>()
                .join(" ; ")
        ))
        .into()),
        Err(other) => Err(refused(other).into()),
    }
}

#[derive(Template)]
#[template(path = "actions/sheet.html")]
struct SheetPage {
    chrome: Chrome,
    action: ActionCard,
    participants: Vec<ParticipantRow>,
}

/// The attendance sheet as a page to print (or save as PDF from the browser).
pub async fn sheet(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let axum::Json(view) =
        crate::actions::api::get_action(State(state.clone()), principal.clone(), Path(id)).await?;
    let people =
        crate::actions::outcomes::participants(State(state.clone()), principal.clone(), Path(id))
            .await?
            .0;
    let participants = people
        .into_iter()
        .filter(|p| p.seat == "registered")
        .map(|p| ParticipantRow {
            shown: p.name.clone().unwrap_or_else(|| p.pseudonym.clone()),
            modality: if p.modality == "remote" {
                "en ligne"
            } else {
                "sur place"
            },
            seat: "inscrit(e)",
            attendance: "",
            outcomes: Vec::new(),
            view: p,
        })
        .collect();
    Ok(render(&SheetPage {
        chrome: Chrome::new(
            &principal,
            format!("Émargement — {}", view.title),
            "/actions",
        ),
        action: card(view),
        participants,
    }))
}

/// The attendance sheet as a spreadsheet.
pub async fn sheet_xlsx(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    Ok(crate::actions::outcomes::attendance_sheet(State(state), principal, Path(id)).await?)
}

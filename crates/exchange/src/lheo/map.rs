//! From the elements of one unit to its part of the sessions' records. Every element read is
//! checked against the definition's cardinalities, its codes against the lists; each problem
//! is noted with its path, and a unit with any problem is left out whole by the caller.

use domain::{InseeCode, Postcode, RomeCode, Siret};
use model::text::{
    DESCRIPTION_CHARS, LINE_CHARS, PLACE_CHARS, URL_CHARS, line_problem, paragraph_problem,
};
use model::trainings::{
    LheoDate, TeachingMode, TrainingBody, TrainingPlace, TrainingSessionRecord,
};

use super::Reject;
use super::tree::Node;
use super::values::{
    FUNDER_LISTS, LEVEL_LISTS, PUBLIC_LISTS, RECRUITMENT_LISTS, TEACHING_LISTS, boolean,
    certifinfo, coordinate, formacode, hours, listed, listed_number, nsf, one_line, placeholder,
    quoted, rich_text, rncp,
};

/// `intitule-formation` (the definition's maximum).
pub(super) const TITLE_CHARS: usize = 255;
/// `nom-organisme`, `raison-sociale` (the definition's maximum).
pub(super) const BODY_NAME_CHARS: usize = 250;

/// What Passerelle's writer fills in only because the definition requires the element, named
/// (by their paths under the unit) in the unit's `<extras info="passerelle"><extra
/// info="remplissage">`: the reader leaves their values out.
pub(super) const FILLED_OBJECTIVE: &str = "objectif-formation";
pub(super) const FILLED_LEVEL: &str = "code-niveau-entree";
pub(super) const FILLED_SIRET: &str =
    "organisme-formation-responsable/SIRET-organisme-formation/SIRET";
pub(super) const FILLED_PUBLICS: &str = "code-public-vise";
pub(super) const FILLED_TEACHING: &str = "modalites-enseignement";
pub(super) const FILLED_POSTCODE: &str = "lieu-de-formation/coordonnees/adresse/codepostal";
pub(super) const FILLED_CITY: &str = "lieu-de-formation/coordonnees/adresse/ville";
pub(super) const FILLED_INFO: (&str, &str) = ("passerelle", "remplissage");

pub(super) type Problems = Vec<Reject>;

/// What a formation (or an index's offer) says of its sessions.
#[derive(Debug)]
pub(super) struct FormationPart {
    pub formation_ref: String,
    pub title: String,
    pub objective: Option<String>,
    pub body: TrainingBody,
    pub romes: Vec<RomeCode>,
    pub formacodes: Vec<String>,
    pub nsf_codes: Vec<String>,
    pub rncp_codes: Vec<String>,
    pub certifinfo_codes: Vec<String>,
    pub certifying: bool,
    pub entry_level: Option<u8>,
}

/// What an action (or an index's offer) says of its sessions.
#[derive(Debug)]
pub(super) struct ActionPart {
    pub action_ref: String,
    pub publics: Vec<String>,
    pub funders: Vec<String>,
    pub teaching: Option<TeachingMode>,
    pub place: TrainingPlace,
    pub hours_total: Option<u32>,
    pub hours_centre: Option<u32>,
    pub hours_enterprise: Option<u32>,
    pub url: Option<String>,
}

#[derive(Debug)]
pub(super) struct SessionPart {
    pub session_ref: String,
    pub starts: Option<LheoDate>,
    pub ends: Option<LheoDate>,
    pub recruitment: Option<u8>,
    pub url: Option<String>,
}

/// The record of a session (none if a date is missing, which a noted problem explains).
pub(super) fn record(
    f: &FormationPart,
    a: &ActionPart,
    s: SessionPart,
) -> Option<TrainingSessionRecord> {
    Some(TrainingSessionRecord {
        formation_ref: f.formation_ref.clone(),
        action_ref: a.action_ref.clone(),
        session_ref: s.session_ref,
        title: f.title.clone(),
        objective: f.objective.clone(),
        body: f.body.clone(),
        romes: f.romes.clone(),
        formacodes: f.formacodes.clone(),
        nsf_codes: f.nsf_codes.clone(),
        rncp_codes: f.rncp_codes.clone(),
        certifinfo_codes: f.certifinfo_codes.clone(),
        certifying: f.certifying,
        entry_level: f.entry_level,
        publics: a.publics.clone(),
        funders: a.funders.clone(),
        teaching: a.teaching,
        place: a.place.clone(),
        starts: s.starts?,
        ends: s.ends?,
        hours_total: a.hours_total,
        hours_centre: a.hours_centre,
        hours_enterprise: a.hours_enterprise,
        recruitment: s.recruitment,
        url: s.url.or_else(|| a.url.clone()),
    })
}

fn problem(problems: &mut Problems, path: &str, reason: impl Into<String>) {
    problems.push(Reject {
        path: path.to_string(),
        reason: reason.into(),
    });
}

fn noted<T>(problems: &mut Problems, path: &str, result: Result<T, String>) -> Option<T> {
    result
        .map_err(|reason| problem(problems, path, reason))
        .ok()
}

/// Notes what the definition says is wrong with the node's children: a mandatory one missing
/// (at the node's path), more than the maximum (at the first one too many).
pub(super) fn check(node: &Node, path: &str, problems: &mut Problems) {
    cardinalities(&node.name, path, problems, |name| {
        node.children.iter().filter(|c| c.name == name).count()
    });
}

/// As [`check`], for an element of `name` whose children are counted by `count`.
pub(super) fn cardinalities(
    name: &str,
    path: &str,
    problems: &mut Problems,
    count: impl Fn(&str) -> usize,
) {
    for child in refdata::lheo::children(name) {
        let count = u32::try_from(count(child.name)).unwrap_or(u32::MAX);
        if count < child.min {
            problem(
                problems,
                path,
                format!("missing mandatory element {}", child.name),
            );
        }
        if let Some(max) = child.max.filter(|max| count > *max) {
            problem(
                problems,
                &format!("{path}/{}[{}]", child.name, max.saturating_add(1)),
                format!("at most {max} {}", child.name),
            );
        }
    }
}

/// The paths the writer filled in (see [`FILLED_INFO`]).
fn filled(unit: &Node) -> Vec<&str> {
    let (extras_info, extra_info) = FILLED_INFO;
    unit.children
        .iter()
        .filter(|c| c.name == "extras" && c.attribute("info") == Some(extras_info))
        .flat_map(|extras| extras.children.iter())
        .filter(|c| c.name == "extra" && c.attribute("info") == Some(extra_info))
        .flat_map(|extra| extra.text.split_whitespace())
        .collect()
}

/// The unit's `numero`, trimmed, if it has one. A `numero` is a reference written back as
/// it was read: a line break, control or invisible character in it is refused (the writer's
/// attribute would read back otherwise), as is one past a line's length.
fn numero<'a>(node: &'a Node, path: &str, problems: &mut Problems) -> Option<&'a str> {
    let numero = node
        .attribute("numero")
        .map(str::trim)
        .filter(|n| !n.is_empty())?;
    if let Some(reason) = line_problem(numero, LINE_CHARS) {
        problem(problems, &format!("{path}/@numero"), reason);
    }
    Some(numero)
}

/// The unit's `numero`, or a key derived from its content.
fn reference(node: &Node, path: &str, problems: &mut Problems) -> String {
    numero(node, path, problems).map_or_else(|| node.key(), str::to_string)
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// The values of the children named `name`, each read by `read`, without repeats.
fn codes_of(
    node: &Node,
    name: &str,
    path: &str,
    problems: &mut Problems,
    read: impl Fn(&str) -> Result<String, String>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (code, code_path) in node.each(name, path) {
        if let Some(code) = noted(problems, &code_path, read(code.text())) {
            push_new(&mut found, code);
        }
    }
    found
}

fn one_line_checked(node: &Node, path: &str, max: usize, problems: &mut Problems) -> String {
    let text = one_line(node.text());
    if let Some(reason) = line_problem(&text, max) {
        problem(problems, path, reason);
    }
    text
}

fn title(node: &Node, path: &str, problems: &mut Problems) -> String {
    match node.first("intitule-formation", path) {
        Some((title, title_path)) => {
            let text = one_line_checked(title, &title_path, TITLE_CHARS, problems);
            if text.is_empty() {
                problem(problems, &title_path, "empty");
            }
            text
        }
        None => String::new(),
    }
}

fn objective(node: &Node, path: &str, problems: &mut Problems) -> Option<String> {
    let (objective, objective_path) = node.first("objectif-formation", path)?;
    let text = rich_text(&objective.text);
    if let Some(reason) = paragraph_problem(&text, DESCRIPTION_CHARS) {
        problem(problems, &objective_path, reason);
    }
    (!text.is_empty()).then_some(text)
}

#[derive(Default)]
struct Domain {
    romes: Vec<RomeCode>,
    formacodes: Vec<String>,
    nsf_codes: Vec<String>,
}

/// `domaine-formation`: ROME codes (v3, whose keys ROME 4.0 kept: each must be a ROME 4.0
/// occupation), Formacode and NSF codes.
fn domain(node: &Node, path: &str, problems: &mut Problems) -> Domain {
    let mut domain = Domain::default();
    let Some((codes, codes_path)) = node.first("domaine-formation", path) else {
        return domain;
    };
    check(codes, &codes_path, problems);
    for (code, code_path) in codes.each("code-ROME", &codes_path) {
        match RomeCode::parse(code.text()) {
            Ok(rome) => push_new(&mut domain.romes, rome),
            Err(err) => problem(
                problems,
                &code_path,
                format!("{}: {err}", quoted(code.text())),
            ),
        }
    }
    domain.formacodes = codes_of(codes, "code-FORMACODE", &codes_path, problems, formacode);
    domain.nsf_codes = codes_of(codes, "code-NSF", &codes_path, problems, nsf);
    domain
}

/// The RNCP and CERTIFINFO codes of the `certification`s.
fn certifications(node: &Node, path: &str, problems: &mut Problems) -> (Vec<String>, Vec<String>) {
    let (mut rncp_codes, mut certifinfo_codes) = (Vec::new(), Vec::new());
    for (certification, certification_path) in node.each("certification", path) {
        check(certification, &certification_path, problems);
        for code in codes_of(
            certification,
            "code-RNCP",
            &certification_path,
            problems,
            rncp,
        ) {
            push_new(&mut rncp_codes, code);
        }
        let found = codes_of(
            certification,
            "code-CERTIFINFO",
            &certification_path,
            problems,
            certifinfo,
        );
        for code in found {
            push_new(&mut certifinfo_codes, code);
        }
    }
    (rncp_codes, certifinfo_codes)
}

fn read_one<T>(
    node: &Node,
    name: &str,
    path: &str,
    problems: &mut Problems,
    read: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let (child, child_path) = node.first(name, path)?;
    noted(problems, &child_path, read(child.text()))
}

fn teaching(text: &str) -> Result<TeachingMode, String> {
    let code = listed(TEACHING_LISTS, text)?;
    TeachingMode::parse(&code).ok_or_else(|| format!("{}: not a teaching mode", quoted(&code)))
}

fn siret(text: &str) -> Result<Siret, String> {
    Siret::parse(text).map_err(|err| format!("{}: {err}", quoted(text)))
}

/// A web address: `urlweb` (the first) of a `url-action` or `url-session`.
fn url(node: &Node, name: &str, path: &str, problems: &mut Problems) -> Option<String> {
    let (holder, holder_path) = node.first(name, path)?;
    check(holder, &holder_path, problems);
    let (web, web_path) = holder.first("urlweb", &holder_path)?;
    let address = one_line_checked(web, &web_path, URL_CHARS, problems);
    (!address.is_empty()).then_some(address)
}

/// An index offer's web address, its `href`, checked as a `urlweb` is (a control character
/// would be stored, and refused once written back as a `urlweb`).
fn href(node: &Node, path: &str, problems: &mut Problems) -> Option<String> {
    let address = one_line(node.attribute("href")?);
    if let Some(reason) = line_problem(&address, URL_CHARS) {
        problem(problems, &format!("{path}/@href"), reason);
    }
    (!address.is_empty()).then_some(address)
}

/// `organisme-formation-responsable`: its name (`nom-organisme`, else `raison-sociale`) and
/// SIRET.
fn body(node: &Node, path: &str, siret_filled: bool, problems: &mut Problems) -> TrainingBody {
    let mut body = TrainingBody {
        name: String::new(),
        siret: None,
    };
    let Some((holder, holder_path)) = node.first("organisme-formation-responsable", path) else {
        return body;
    };
    check(holder, &holder_path, problems);
    for name in ["nom-organisme", "raison-sociale"] {
        if let Some((element, element_path)) = holder.first(name, &holder_path) {
            body.name = one_line_checked(element, &element_path, BODY_NAME_CHARS, problems);
            if !body.name.is_empty() {
                break;
            }
        }
    }
    if body.name.is_empty() {
        problem(problems, &holder_path, "the body has no name");
    }
    if let Some((siret_holder, siret_path)) =
        holder.first("SIRET-organisme-formation", &holder_path)
    {
        check(siret_holder, &siret_path, problems);
        if !siret_filled {
            body.siret = read_one(siret_holder, "SIRET", &siret_path, problems, siret);
        }
    }
    body
}

pub(super) fn formation(node: &Node, path: &str, problems: &mut Problems) -> FormationPart {
    check(node, path, problems);
    let filled = filled(node);
    let domain = domain(node, path, problems);
    let (rncp_codes, certifinfo_codes) = certifications(node, path, problems);
    let objective = if filled.contains(&FILLED_OBJECTIVE) {
        None
    } else {
        objective(node, path, problems)
    };
    let entry_level = if filled.contains(&FILLED_LEVEL) {
        None
    } else {
        read_one(node, "code-niveau-entree", path, problems, |t| {
            listed_number(LEVEL_LISTS, t)
        })
    };
    FormationPart {
        formation_ref: reference(node, path, problems),
        title: title(node, path, problems),
        objective,
        body: body(node, path, filled.contains(&FILLED_SIRET), problems),
        romes: domain.romes,
        formacodes: domain.formacodes,
        nsf_codes: domain.nsf_codes,
        rncp_codes,
        certifinfo_codes,
        certifying: read_one(node, "certifiante", path, problems, boolean).unwrap_or(false),
        entry_level,
    }
}

pub(super) fn action(node: &Node, path: &str, problems: &mut Problems) -> ActionPart {
    check(node, path, problems);
    let filled = filled(node);
    let publics = if filled.contains(&FILLED_PUBLICS) {
        Vec::new()
    } else {
        codes_of(node, "code-public-vise", path, problems, |t| {
            listed(PUBLIC_LISTS, t)
        })
    };
    let mut funders = Vec::new();
    for (funder, funder_path) in node.each("organisme-financeur", path) {
        check(funder, &funder_path, problems);
        let codes = codes_of(funder, "code-financeur", &funder_path, problems, |t| {
            listed(FUNDER_LISTS, t)
        });
        for code in codes {
            push_new(&mut funders, code);
        }
    }
    let teaching = if filled.contains(&FILLED_TEACHING) {
        None
    } else {
        read_one(node, "modalites-enseignement", path, problems, teaching)
    };
    let skip = Skip {
        postcode: filled.contains(&FILLED_POSTCODE),
        city: filled.contains(&FILLED_CITY),
    };
    let place = match node.first("lieu-de-formation", path) {
        Some((lieu, lieu_path)) => training_place(lieu, &lieu_path, skip, problems),
        None => empty_place(),
    };
    ActionPart {
        action_ref: reference(node, path, problems),
        publics,
        funders,
        teaching,
        place,
        hours_total: read_one(node, "nombre-heures-total", path, problems, hours),
        hours_centre: read_one(node, "nombre-heures-centre", path, problems, hours),
        hours_enterprise: read_one(node, "nombre-heures-entreprise", path, problems, hours),
        url: url(node, "url-action", path, problems),
    }
}

/// A session; without a `numero`, `fallback` (or a key derived from its content).
pub(super) fn session(
    node: &Node,
    path: &str,
    fallback: Option<&str>,
    problems: &mut Problems,
) -> SessionPart {
    check(node, path, problems);
    let (starts, ends) = match node.first("periode", path) {
        Some((period, period_path)) => dates(period, &period_path, problems),
        None => (None, None),
    };
    let session_ref = match (numero(node, path, problems), fallback) {
        (Some(numero), _) => numero.to_string(),
        (None, Some(fallback)) => fallback.to_string(),
        (None, None) => node.key(),
    };
    SessionPart {
        session_ref,
        starts,
        ends,
        recruitment: read_one(node, "etat-recrutement", path, problems, |t| {
            listed_number(RECRUITMENT_LISTS, t)
        }),
        url: url(node, "url-session", path, problems),
    }
}

/// `periode`: `debut` and `fin`, the end not before the start (a month or a year is taken
/// at its widest: a session of 202403 may end on 20240301).
fn dates(
    period: &Node,
    path: &str,
    problems: &mut Problems,
) -> (Option<LheoDate>, Option<LheoDate>) {
    check(period, path, problems);
    let date = |text: &str| LheoDate::parse(text).map_err(|err| format!("{}: {err}", quoted(text)));
    let starts = read_one(period, "debut", path, problems, date);
    let ends = read_one(period, "fin", path, problems, date);
    if let (Some(start), Some(end)) = (&starts, &ends)
        && let (Some(first), Some(last)) = (start.first_day(), end.last_day())
        && last < first
    {
        problem(
            problems,
            path,
            format!(
                "the session ends ({}) before it starts ({})",
                end.as_str(),
                start.as_str()
            ),
        );
    }
    (starts, ends)
}

/// An offer of the Carif-Oref index (`resume-offre`): the formation and action parts of its
/// sessions. Its `numero` (`14_AF_0000011179_SE_0000093700`) names the action before
/// `_SE_` (the whole `numero` when nothing stands before it); the index has no formation
/// number, the action's stands for it.
pub(super) fn offer(
    node: &Node,
    path: &str,
    problems: &mut Problems,
) -> (FormationPart, ActionPart) {
    check(node, path, problems);
    let action_ref = numero(node, path, problems).map_or_else(
        || node.key(),
        |numero| {
            numero
                .split_once("_SE_")
                .map(|(action, _)| action.trim())
                .filter(|action| !action.is_empty())
                .unwrap_or(numero)
                .to_string()
        },
    );
    let domain = domain(node, path, problems);
    let (rncp_codes, certifinfo_codes) = certifications(node, path, problems);
    let mut body = TrainingBody {
        name: String::new(),
        siret: read_one(node, "SIRET", path, problems, siret),
    };
    if let Some((name, name_path)) = node.first("nom-organisme", path) {
        body.name = one_line_checked(name, &name_path, BODY_NAME_CHARS, problems);
        if body.name.is_empty() {
            problem(problems, &name_path, "empty");
        }
    }
    let mut place = address(node, path, Skip::default(), problems);
    if place.coordinates.is_none() {
        place.coordinates = extras_point(&[(node, path)], problems);
    }
    let formation = FormationPart {
        formation_ref: action_ref.clone(),
        title: title(node, path, problems),
        objective: None,
        body,
        romes: domain.romes,
        formacodes: domain.formacodes,
        nsf_codes: domain.nsf_codes,
        rncp_codes,
        certifinfo_codes,
        certifying: read_one(node, "certifiante", path, problems, boolean).unwrap_or(false),
        entry_level: read_one(node, "code-niveau-entree", path, problems, |t| {
            listed_number(LEVEL_LISTS, t)
        }),
    };
    let action = ActionPart {
        action_ref,
        publics: codes_of(node, "code-public-vise", path, problems, |t| {
            listed(PUBLIC_LISTS, t)
        }),
        funders: Vec::new(),
        teaching: read_one(node, "modalites-enseignement", path, problems, teaching),
        place,
        hours_total: read_one(node, "nombre-heures-total", path, problems, hours),
        hours_centre: None,
        hours_enterprise: None,
        url: href(node, path, problems),
    };
    (formation, action)
}

/// The `session_ref` of an index offer's only session without a `numero`: the offer's.
pub(super) fn offer_session_ref(offer: &Node) -> Option<&str> {
    let sessions = offer
        .children
        .iter()
        .filter(|c| c.name == "session")
        .count();
    (sessions == 1)
        .then(|| offer.attribute("numero").map(str::trim))
        .flatten()
        .filter(|n| !n.is_empty())
}

/// Elements the writer filled in and the reader leaves out.
#[derive(Debug, Clone, Copy, Default)]
struct Skip {
    postcode: bool,
    city: bool,
}

fn empty_place() -> TrainingPlace {
    TrainingPlace {
        lines: Vec::new(),
        postcode: None,
        city: String::new(),
        commune: None,
        coordinates: None,
    }
}

/// `lieu-de-formation`: its `coordonnees/adresse`, the point from `geolocalisation` or else
/// from the `extras` of the address, the `coordonnees` or the place.
fn training_place(lieu: &Node, path: &str, skip: Skip, problems: &mut Problems) -> TrainingPlace {
    check(lieu, path, problems);
    let Some((coordinates, coordinates_path)) = lieu.first("coordonnees", path) else {
        return empty_place();
    };
    check(coordinates, &coordinates_path, problems);
    let found = coordinates.first("adresse", &coordinates_path);
    let mut place = match &found {
        Some((address_node, address_path)) => {
            check(address_node, address_path, problems);
            address(address_node, address_path, skip, problems)
        }
        None => empty_place(),
    };
    if place.coordinates.is_none() {
        let mut holders = Vec::new();
        if let Some((address_node, address_path)) = &found {
            holders.push((*address_node, address_path.as_str()));
        }
        holders.push((coordinates, coordinates_path.as_str()));
        holders.push((lieu, path));
        place.coordinates = extras_point(&holders, problems);
    }
    place
}

/// The place an `adresse` (or an index's offer) gives: lines (placeholders left out),
/// postcode, city, commune (the file's, or the one commune the postcode names) and the
/// `geolocalisation` point.
fn address(node: &Node, path: &str, skip: Skip, problems: &mut Problems) -> TrainingPlace {
    let mut lines = Vec::new();
    for (line, line_path) in node.each("ligne", path) {
        let text = one_line_checked(line, &line_path, PLACE_CHARS, problems);
        if !placeholder(&text) {
            lines.push(text);
        }
    }
    let postcode = if skip.postcode {
        None
    } else {
        read_one(node, "codepostal", path, problems, |t| {
            Postcode::parse(t).map_err(|err| format!("{}: {err}", quoted(t)))
        })
    };
    let city = match node.first("ville", path) {
        Some((city, city_path)) if !skip.city => {
            one_line_checked(city, &city_path, PLACE_CHARS, problems)
        }
        _ => String::new(),
    };
    let commune = match node.first("code-INSEE-commune", path) {
        Some((code, code_path)) if !code.text().is_empty() => {
            noted(problems, &code_path, crate::known_commune(code.text()))
        }
        _ => postcode.as_ref().and_then(single_commune),
    };
    let coordinates = match node.first("geolocalisation", path) {
        Some((point, point_path)) => {
            check(point, &point_path, problems);
            let text = |name| point.first(name, &point_path).map(|(n, _)| n.text());
            located(text("latitude"), text("longitude"), &point_path, problems)
        }
        None => None,
    };
    TrainingPlace {
        lines,
        postcode,
        city,
        commune,
        coordinates,
    }
}

/// The one commune a postcode names; a city's arrondissement rather than the city (the rule
/// of the France Travail offers).
fn single_commune(postcode: &Postcode) -> Option<InseeCode> {
    let found: Vec<_> = refdata::geo()
        .lookup(postcode.as_str())
        .into_iter()
        .filter(|c| c.postcodes.contains(&postcode.as_str()))
        .collect();
    crate::specific_commune(&found)
}

/// A point from its latitude and longitude texts: both or neither, numbers within range.
fn located(
    latitude: Option<&str>,
    longitude: Option<&str>,
    path: &str,
    problems: &mut Problems,
) -> Option<(f64, f64)> {
    let number = |text: Option<&str>| text.map(coordinate).transpose().map(Option::flatten);
    let point = number(latitude)
        .and_then(|lat| Ok((lat, number(longitude)?)))
        .and_then(|(lat, lon)| crate::point(lat, lon).map_err(str::to_string));
    noted(problems, path, point).flatten()
}

/// The point the Carif-Oref put in `extras`: `<extra info="latitude">48.85</extra>` and its
/// longitude, or `latitude` and `longitude` elements anywhere inside the `extras`.
fn extras_point(holders: &[(&Node, &str)], problems: &mut Problems) -> Option<(f64, f64)> {
    for (holder, path) in holders {
        for (extras, extras_path) in holder.each("extras", path) {
            let (mut latitude, mut longitude) = (None, None);
            find_point(extras, &mut latitude, &mut longitude);
            if latitude.is_some() || longitude.is_some() {
                return located(latitude, longitude, &extras_path, problems);
            }
        }
    }
    None
}

fn find_point<'n>(node: &'n Node, latitude: &mut Option<&'n str>, longitude: &mut Option<&'n str>) {
    for child in &node.children {
        let label = child
            .attribute("info")
            .unwrap_or(&child.name)
            .trim()
            .to_ascii_lowercase();
        match label.as_str() {
            "latitude" | "lat" => {
                latitude.get_or_insert(child.text());
            }
            "longitude" | "lon" | "lng" => {
                longitude.get_or_insert(child.text());
            }
            _ => find_point(child, latitude, longitude),
        }
    }
}

//! The shared directory in data·inclusion v1 JSON: a structures file and a services file, each
//! an array of objects with the schema's field names (`docs/directory.md`). What our networks
//! need and the schema lacks (the kind of structure, the agency's brand, the review frequency)
//! goes in an object named `passerelle` on each record, which the schema's validator ignores.
//!
//! Writing is deterministic (records by id, fields in the schema's order, absent values left
//! out), so that export → import → export gives identical files.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::{Email, InseeCode, PhoneNumber, Postcode, Siret};
use model::text::{LINE_CHARS, NOTE_CHARS, line_problem};
use model::{ServiceRecord, StructureKind, StructureProfile, StructureRecord, StructureStatus};
use refdata::{Vocabulary, inclusion};
use serde_json::{Map, Value, json};

use crate::{FieldError, FileError, Row};

mod reader;
use reader::Reader;

/// The producer's name in the `source` field of every record we write.
pub const SOURCE: &str = "passerelle";
/// The review frequency of a service that does not say.
pub const DEFAULT_REVIEW_DAYS: u16 = 180;

/// The data·inclusion id of a structure: `passerelle--SIRET`.
pub fn structure_id(siret: &Siret) -> String {
    format!("{SOURCE}--{}", siret.as_str())
}

/// The data·inclusion id of a service: `passerelle--SIRET--REFERENCE`.
pub fn service_id(service: &ServiceRecord) -> String {
    format!(
        "{}--{}",
        structure_id(&service.structure_siret),
        service.external_id
    )
}

/// The réseaux porteurs of the schema's list that a kind of structure belongs to.
fn reseaux_of(kind: StructureKind) -> Vec<&'static str> {
    match kind {
        StructureKind::FranceTravail => vec!["france-travail"],
        StructureKind::CapEmploi => vec!["cap-emploi-reseau-cheops"],
        StructureKind::MissionLocale => vec!["mission-locale"],
        _ => Vec::new(),
    }
}

/// The kind of a structure from the schema's réseaux porteurs, when our extension is absent.
fn kind_of(reseaux: &[String]) -> StructureKind {
    if reseaux.iter().any(|r| r == "france-travail") {
        StructureKind::FranceTravail
    } else if reseaux.iter().any(|r| r.starts_with("cap-emploi")) {
        StructureKind::CapEmploi
    } else if reseaux.iter().any(|r| r == "mission-locale") {
        StructureKind::MissionLocale
    } else {
        StructureKind::Other
    }
}

/// Whether an address may be published: data·inclusion's validator refuses special-use and
/// reserved domains (RFC 2606, RFC 6761), such as the `.invalid` addresses of simulated data.
pub fn publishable_email(email: &str) -> bool {
    let domain = email
        .rsplit_once('@')
        .map_or("", |(_, d)| d)
        .to_ascii_lowercase();
    let last = domain.rsplit('.').next().unwrap_or("");
    let reserved_tld = [
        "invalid",
        "test",
        "example",
        "localhost",
        "local",
        "onion",
        "alt",
        "arpa",
    ];
    let reserved_domain = ["example.com", "example.net", "example.org"];
    !(reserved_tld.contains(&last)
        || reserved_domain
            .iter()
            .any(|d| domain == *d || domain.ends_with(&format!(".{d}"))))
}

fn email(value: Option<&Email>) -> Option<Value> {
    value
        .map(Email::as_str)
        .filter(|e| publishable_email(e))
        .map(|e| json!(e))
}

fn put(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_string(), value);
    }
}

/// [`put`]s each field in turn, the absent ones left out.
fn put_all<const N: usize>(object: &mut Map<String, Value>, fields: [(&str, Option<Value>); N]) {
    for (key, value) in fields {
        put(object, key, value);
    }
}

fn text(value: Option<&str>) -> Option<Value> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| Value::String(v.to_string()))
}

/// Where a structure is or a service is given: the commune's name and code, the postcode, the
/// address and the coordinates, each left out when absent (the schema's order).
fn put_place(
    o: &mut Map<String, Value>,
    commune: Option<&InseeCode>,
    postcode: Option<&Postcode>,
    address: Option<&str>,
    coordinates: Option<(f64, f64)>,
) {
    put(
        o,
        "commune",
        commune
            .and_then(|c| refdata::geo().commune(c.as_str()))
            .map(|c| json!(c.name)),
    );
    put(o, "code_postal", postcode.map(|p| json!(p.as_str())));
    put(o, "code_insee", commune.map(|c| json!(c.as_str())));
    put(o, "adresse", text(address));
    if let Some((lat, lon)) = coordinates {
        o.insert("longitude".into(), json!(lon));
        o.insert("latitude".into(), json!(lat));
    }
}

fn list(values: &[String]) -> Option<Value> {
    (!values.is_empty()).then(|| json!(values))
}

/// The structures file: every structure with its profile (`date_maj` is the profile's, or the
/// day the record last changed).
pub fn write_structures(
    structures: &[(StructureRecord, NaiveDate)],
    profiles: &HashMap<String, StructureProfile>,
) -> Value {
    let mut out = Vec::with_capacity(structures.len());
    let mut sorted: Vec<&(StructureRecord, NaiveDate)> = structures.iter().collect();
    sorted.sort_by(|a, b| a.0.siret.as_str().cmp(b.0.siret.as_str()));
    for (s, changed) in sorted {
        let profile = profiles.get(s.siret.as_str());
        let mut o = Map::new();
        o.insert("source".into(), json!(SOURCE));
        o.insert("id".into(), json!(structure_id(&s.siret)));
        o.insert("nom".into(), json!(s.name));
        let updated_on = profile.map_or(*changed, |p| p.updated_on);
        o.insert("date_maj".into(), json!(updated_on.to_string()));
        put(
            &mut o,
            "description",
            text(profile.and_then(|p| p.description.as_deref())),
        );
        o.insert("siret".into(), json!(s.siret.as_str()));
        put_place(
            &mut o,
            Some(&s.commune),
            s.postcode.as_ref(),
            s.address.as_deref(),
            s.coordinates,
        );
        put_all(
            &mut o,
            [
                ("telephone", s.phone.as_ref().map(|p| json!(p.as_str()))),
                ("courriel", email(s.email.as_ref())),
                ("site_web", text(s.website.as_deref())),
                (
                    "horaires_accueil",
                    text(profile.and_then(|p| p.opening_hours.as_deref())),
                ),
                (
                    "accessibilite_lieu",
                    text(profile.and_then(|p| p.accessibility.as_deref())),
                ),
            ],
        );
        let mut reseaux: Vec<&str> = reseaux_of(s.kind);
        for network in profile.map(|p| p.networks.as_slice()).unwrap_or_default() {
            if !reseaux.contains(&network.as_str()) {
                reseaux.push(network);
            }
        }
        reseaux.sort_unstable();
        if !reseaux.is_empty() {
            o.insert("reseaux_porteurs".into(), json!(reseaux));
        }
        let mut ext = Map::new();
        ext.insert("type_structure".into(), json!(s.kind.as_str()));
        put(&mut ext, "reseau", text(s.network.as_deref()));
        ext.insert("statut".into(), json!(s.status.as_str()));
        o.insert(SOURCE.into(), Value::Object(ext));
        out.push(Value::Object(o));
    }
    Value::Array(out)
}

/// The services file.
pub fn write_services(services: &[ServiceRecord]) -> Value {
    let mut sorted: Vec<&ServiceRecord> = services.iter().collect();
    sorted.sort_by_key(|s| service_id(s));
    let out = sorted
        .into_iter()
        .map(|s| {
            let mut o = Map::new();
            o.insert("source".into(), json!(SOURCE));
            o.insert(
                "structure_id".into(),
                json!(structure_id(&s.structure_siret)),
            );
            o.insert("id".into(), json!(service_id(s)));
            o.insert("nom".into(), json!(s.name));
            o.insert("description".into(), json!(s.description));
            o.insert("date_maj".into(), json!(s.updated_on.to_string()));
            put_all(
                &mut o,
                [
                    ("type", text(s.kind.as_deref())),
                    ("thematiques", list(&s.thematiques)),
                    ("frais", text(s.fees.as_deref())),
                    ("frais_precisions", text(s.fees_details.as_deref())),
                    ("publics", list(&s.publics)),
                    ("publics_precisions", text(s.publics_details.as_deref())),
                    ("conditions_acces", text(s.access_conditions.as_deref())),
                ],
            );
            put_place(
                &mut o,
                s.commune.as_ref(),
                s.postcode.as_ref(),
                s.address.as_deref(),
                s.coordinates,
            );
            put_all(
                &mut o,
                [
                    ("telephone", text(s.phone.as_deref())),
                    ("courriel", email(s.email.as_ref())),
                    ("modes_accueil", list(&s.reception_modes)),
                    ("zone_eligibilite", list(&s.eligibility_zone)),
                    ("contact_nom_prenom", text(s.contact_name.as_deref())),
                    ("lien_mobilisation", text(s.mobilisation_link.as_deref())),
                    ("modes_mobilisation", list(&s.mobilisation_modes)),
                    ("mobilisable_par", list(&s.mobilisable_by)),
                    (
                        "mobilisation_precisions",
                        text(s.mobilisation_details.as_deref()),
                    ),
                    ("horaires_accueil", text(s.opening_hours.as_deref())),
                ],
            );
            o.insert(
                SOURCE.into(),
                json!({ "frequence_mise_a_jour_jours": s.review_every_days }),
            );
            Value::Object(o)
        })
        .collect();
    Value::Array(out)
}

/// The longest description of a structure or a service (the schema's bound for services).
pub const DESCRIPTION_MAX: usize = 10_000;

/// At most so many values in one list field.
pub const LIST_ITEMS: usize = 200;

/// Why an `opening_hours` text is refused, if it is: where the OpenStreetMap syntax stops
/// parsing (the character, counted from 1) and what was expected there.
pub fn opening_hours_problem(text: &str) -> Option<String> {
    match opening_hours_syntax::parse(text) {
        Ok(_) => None,
        Err(opening_hours_syntax::Error::Parser(err)) => {
            let at = match err.location {
                pest::error::InputLocation::Pos(at) => at,
                pest::error::InputLocation::Span((at, _)) => at,
            };
            let column = text.get(..at).map_or(at, |head| head.chars().count()) + 1;
            Some(format!(
                "not in the OpenStreetMap opening_hours syntax: it stops parsing at character {column}"
            ))
        }
        Err(other) => Some(format!(
            "not in the OpenStreetMap opening_hours syntax: {other}"
        )),
    }
}

/// Why a value of `zone_eligibilite` is refused, if it is: it must be `france`, or the code
/// of a commune, a department or an EPCI the reference data knows.
pub fn zone_problem(code: &str) -> Option<String> {
    let geo = refdata::geo();
    let known = code == "france"
        || code == "99100"
        || geo.commune(code).is_some()
        || geo.department(code).is_some()
        || geo.epci(code).is_some();
    (!known).then(|| {
        format!("{code:?} is not france nor the code of a commune, a department or an EPCI")
    })
}

fn objects(bytes: &[u8]) -> Result<Vec<Map<String, Value>>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        FileError(format!(
            "not a JSON document: line {}, column {}: {err}",
            err.line(),
            err.column()
        ))
    })?;
    let Value::Array(items) = value else {
        return Err(FileError("expected an array of records".to_string()));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(o) => Ok(o),
            _ => Err(FileError(format!("record {} is not an object", i + 1))),
        })
        .collect()
}

/// A structure read from a file: the record, its profile, and its data·inclusion id.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStructure {
    pub id: String,
    pub record: StructureRecord,
    pub profile: StructureProfile,
}

/// Reads a structures file. Passerelle keys structures by SIRET: a structure without one is
/// rejected (with the reason).
pub fn read_structures(bytes: &[u8]) -> Result<Vec<Row<ReadStructure>>, FileError> {
    Ok(objects(bytes)?
        .iter()
        .enumerate()
        .map(|(i, o)| read_structure(i + 1, o))
        .collect())
}

/// Whether a brand reads as another kind of structure than `kind`, or a network of
/// data·inclusion's list that `kind` does not imply (an agency named `France Travail` or
/// `cap_emploi`): the network filter would take it for one.
fn passes_for_another(brand: &str, kind: StructureKind) -> bool {
    let folded = refdata::text::normalise(&brand.replace(['_', '-'], " "));
    if folded.is_empty() {
        return false;
    }
    let own_name = refdata::text::normalise(&kind.as_str().replace('_', " "));
    let others = StructureKind::ALL
        .iter()
        .filter(|k| **k != kind)
        .map(|k| refdata::text::normalise(&k.as_str().replace('_', " ")))
        .chain(["pole emploi".to_string(), "agence emploi".to_string()]);
    let reseaux = inclusion()
        .values(Vocabulary::ReseauPorteur)
        .iter()
        .filter(|(v, _)| !reseaux_of(kind).contains(v))
        .flat_map(|(v, l)| {
            [
                refdata::text::normalise(&v.replace('-', " ")),
                refdata::text::normalise(l),
            ]
        });
    others
        .chain(reseaux)
        .any(|name| name == folded && name != own_name)
}

/// The brand's error, if it passes for another kind of structure than `kind`.
fn check_brand(r: &mut Reader<'_>, brand: Option<&str>, kind: StructureKind) {
    if brand.is_some_and(|b| passes_for_another(b, kind)) {
        r.error(
            "passerelle.reseau",
            "an agencies' brand, not the name of another kind of structure",
        );
    }
}

/// What a structure says of itself, read the same way from a file and from the profile form.
struct ProfileFields {
    description: Option<String>,
    opening_hours: Option<String>,
    accessibility: Option<String>,
    website: Option<String>,
    reseaux: Vec<String>,
    network: Option<String>,
}

fn profile_fields(r: &mut Reader<'_>) -> ProfileFields {
    let description = r.paragraph("description", DESCRIPTION_MAX);
    let website = r.link("site_web");
    let opening_hours = r.opening_hours();
    let accessibility = r.link("accessibilite_lieu");
    let reseaux = r.values("reseaux_porteurs", Some(Vocabulary::ReseauPorteur));
    // Blank is none, as the writer leaves it out.
    let network = match r.extension().and_then(|e| e.get("reseau")) {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) => match line_problem(n, LINE_CHARS) {
            Some(problem) => {
                r.error("passerelle.reseau", problem);
                None
            }
            None => Some(n.trim().to_string()).filter(|n| !n.is_empty()),
        },
        Some(_) => {
            r.error("passerelle.reseau", "expected a string");
            None
        }
    };
    ProfileFields {
        description,
        opening_hours,
        accessibility,
        website,
        reseaux,
        network,
    }
}

/// A structure's profile as the profile form gives it (data·inclusion's names, the agencies'
/// brand in `passerelle.reseau`), checked as a structures file is: the profile (its
/// `networks` beyond those `kind` implies, `updated_on` as given), the web site and the brand.
pub fn read_profile_object(
    object: &Map<String, Value>,
    kind: StructureKind,
    updated_on: NaiveDate,
) -> Result<(StructureProfile, Option<String>, Option<String>), Vec<FieldError>> {
    let mut r = Reader::new(object);
    let fields = profile_fields(&mut r);
    check_brand(&mut r, fields.network.as_deref(), kind);
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let profile = StructureProfile {
        description: fields.description,
        opening_hours: fields.opening_hours,
        accessibility: fields.accessibility,
        networks: fields
            .reseaux
            .into_iter()
            .filter(|n| !reseaux_of(kind).contains(&n.as_str()))
            .collect(),
        updated_on,
    };
    Ok((profile, fields.website, fields.network))
}

fn read_structure(position: usize, o: &Map<String, Value>) -> Row<ReadStructure> {
    let mut r = Reader::new(o);
    let id = r.required("id");
    let name = r.required("nom");
    if let Some(n) = &name
        && !(3..=150).contains(&n.chars().count())
    {
        r.error("nom", "between 3 and 150 characters");
    }
    let updated_on = r.date("date_maj");
    let ProfileFields {
        description,
        opening_hours,
        accessibility,
        website,
        reseaux,
        network,
    } = profile_fields(&mut r);
    let siret = match r.required("siret") {
        Some(s) => match Siret::parse(&s) {
            Ok(s) => Some(s),
            Err(err) => {
                r.error("siret", err.to_string());
                None
            }
        },
        None => None,
    };
    let commune = r.commune(true);
    let postcode = r.parsed("code_postal", Postcode::parse);
    let address = r.text("adresse");
    let coordinates = r.coordinates();
    let phone = r.parsed("telephone", PhoneNumber::parse);
    let email = r.parsed("courriel", Email::parse);
    let ext = r.extension();
    let kind = match ext
        .and_then(|e| e.get("type_structure"))
        .and_then(Value::as_str)
    {
        Some(k) => match StructureKind::parse(k) {
            Some(kind) => Some(kind),
            None => {
                r.error("passerelle.type_structure", format!("unknown kind {k:?}"));
                None
            }
        },
        None => Some(kind_of(&reseaux)),
    };
    let status = match ext.and_then(|e| e.get("statut")).and_then(Value::as_str) {
        Some(s) => match StructureStatus::parse(s) {
            Some(status) => Some(status),
            None => {
                r.error("passerelle.statut", format!("unknown status {s:?}"));
                None
            }
        },
        None => Some(StructureStatus::Active),
    };
    if let Some(kind) = kind {
        check_brand(&mut r, network.as_deref(), kind);
    }
    let record = match (id, name, updated_on, siret, commune, kind, status) {
        (
            Some(id),
            Some(name),
            Some(updated_on),
            Some(siret),
            Some(commune),
            Some(kind),
            Some(status),
        ) => Some(ReadStructure {
            id,
            record: StructureRecord {
                siret,
                kind,
                name,
                network,
                address,
                postcode,
                commune,
                coordinates,
                email,
                phone,
                website,
                status,
            },
            profile: StructureProfile {
                description,
                opening_hours,
                accessibility,
                networks: reseaux
                    .iter()
                    .filter(|r| !reseaux_of(kind).contains(&r.as_str()))
                    .cloned()
                    .collect(),
                updated_on,
            },
        }),
        _ => None,
    };
    r.finish(position, record)
}

/// Reads a services file; `structures` gives the SIRET of each data·inclusion structure id
/// (from the structures file read before, or from the directory).
pub fn read_services(
    bytes: &[u8],
    structures: &BTreeMap<String, Siret>,
) -> Result<Vec<Row<ServiceRecord>>, FileError> {
    Ok(objects(bytes)?
        .iter()
        .enumerate()
        .map(|(i, o)| read_service(i + 1, o, structures))
        .collect())
}

/// Reads one service given as a data·inclusion object (the directory's form and API), for the
/// structure `siret`: the same checks as a file's, every wrong field named. The object's own
/// `source`, `structure_id` and `id` are set from the structure and `reference`.
pub fn read_service_object(
    object: &Map<String, Value>,
    siret: &Siret,
    reference: &str,
) -> Result<ServiceRecord, Vec<FieldError>> {
    let owner = structure_id(siret);
    let mut object = object.clone();
    object.insert("source".into(), json!(SOURCE));
    object.insert("structure_id".into(), json!(owner));
    object.insert("id".into(), json!(format!("{owner}--{reference}")));
    let structures = BTreeMap::from([(owner, siret.clone())]);
    read_service(1, &object, &structures)
        .map(|(_, record)| record)
        .map_err(|err| err.errors)
}

/// The data·inclusion object of one service (as in the services file).
pub fn service_object(service: &ServiceRecord) -> Map<String, Value> {
    match write_services(std::slice::from_ref(service)) {
        Value::Array(mut items) => match items.pop() {
            Some(Value::Object(o)) => o,
            _ => Map::new(),
        },
        _ => Map::new(),
    }
}

fn read_service(
    position: usize,
    o: &Map<String, Value>,
    structures: &BTreeMap<String, Siret>,
) -> Row<ServiceRecord> {
    let mut r = Reader::new(o);
    let owner = r.required("structure_id");
    let siret = owner.as_ref().and_then(|id| structures.get(id).cloned());
    if owner.is_some() && siret.is_none() {
        r.error(
            "structure_id",
            "no structure of the structures file has this id",
        );
    }
    let id = r.required("id");
    // Our services' ids are STRUCTURE-ID--REFERENCE; others keep their whole id.
    let external_id = match (&id, &owner) {
        (Some(id), Some(owner)) => Some(
            id.strip_prefix(&format!("{owner}--"))
                .unwrap_or(id)
                .to_string(),
        ),
        _ => None,
    };
    if external_id
        .as_ref()
        .is_some_and(|e| e.chars().count() > 100)
    {
        r.error("id", "at most 100 characters after the structure's id");
    }
    let name = r.required("nom");
    if let Some(n) = &name
        && !(3..=150).contains(&n.chars().count())
    {
        r.error("nom", "between 3 and 150 characters");
    }
    let description = r.required_paragraph("description", DESCRIPTION_MAX);
    if let Some(d) = &description
        && !(5..=10_000).contains(&d.chars().count())
    {
        r.error("description", "between 5 and 10,000 characters");
    }
    let updated_on = r.date("date_maj");
    let kind = r.vocabulary("type", Vocabulary::Type);
    let thematiques = r.values("thematiques", Some(Vocabulary::Thematique));
    let fees = r.vocabulary("frais", Vocabulary::Frais);
    let fees_details = r.paragraph("frais_precisions", NOTE_CHARS);
    let publics = r.values("publics", Some(Vocabulary::Public));
    let publics_details = r.paragraph("publics_precisions", NOTE_CHARS);
    let access_conditions = r.paragraph("conditions_acces", NOTE_CHARS);
    let commune = r.commune(false);
    let postcode = r.parsed("code_postal", Postcode::parse);
    let address = r.text("adresse");
    let coordinates = r.coordinates();
    // Kept as typed (data·inclusion takes a text), but it must read as a phone number.
    let phone = r.text("telephone");
    if let Some(p) = &phone
        && let Err(err) = PhoneNumber::parse(p)
    {
        r.error("telephone", err.to_string());
    }
    let email = r.parsed("courriel", Email::parse);
    let reception_modes = r.values("modes_accueil", Some(Vocabulary::ModeAccueil));
    let eligibility_zone = r.values("zone_eligibilite", None);
    for code in &eligibility_zone {
        if let Some(problem) = zone_problem(code) {
            r.error("zone_eligibilite", problem);
        }
    }
    let contact_name = r.text("contact_nom_prenom");
    let mobilisation_link = r.link("lien_mobilisation");
    let mobilisation_modes = r.values("modes_mobilisation", Some(Vocabulary::ModeMobilisation));
    let mobilisable_by = r.values("mobilisable_par", Some(Vocabulary::MobilisablePar));
    let mobilisation_details = r.paragraph("mobilisation_precisions", NOTE_CHARS);
    let opening_hours = r.opening_hours();
    let review_every_days = match r
        .extension()
        .and_then(|e| e.get("frequence_mise_a_jour_jours"))
    {
        None => Some(DEFAULT_REVIEW_DAYS),
        Some(v) => match v.as_u64().and_then(|n| u16::try_from(n).ok()) {
            Some(n @ 1..=730) => Some(n),
            _ => {
                r.error(
                    "passerelle.frequence_mise_a_jour_jours",
                    "a number of days between 1 and 730",
                );
                None
            }
        },
    };
    let record = match (
        siret,
        external_id,
        name,
        description,
        updated_on,
        review_every_days,
    ) {
        (
            Some(structure_siret),
            Some(external_id),
            Some(name),
            Some(description),
            Some(updated_on),
            Some(review_every_days),
        ) => Some(ServiceRecord {
            structure_siret,
            external_id,
            name,
            description,
            kind,
            thematiques,
            publics,
            publics_details,
            fees,
            fees_details,
            access_conditions,
            commune,
            address,
            postcode,
            coordinates,
            phone,
            email,
            reception_modes,
            eligibility_zone,
            contact_name,
            mobilisation_link,
            mobilisation_modes,
            mobilisable_by,
            mobilisation_details,
            opening_hours,
            updated_on,
            review_every_days,
        }),
        _ => None,
    };
    r.finish(position, record)
}

#[cfg(test)]
mod tests;

//! Training catalogues in LHEO: the fixtures are written as Carif-Oref files are (a 2.3 full
//! offer, a 2.2 one in ISO-8859-1, a 2.2 search index).

use std::io::Read;

use domain::{InseeCode, Postcode, RomeCode, Siret};
use exchange::FileError;
use exchange::lheo::{self, ReadSummary, Reject, Shape, Version};
use model::trainings::{
    LheoDate, TeachingMode, TrainingBody, TrainingPlace, TrainingSessionRecord,
};
use proptest::prelude::*;

const OFFERS_2_3: &str = include_str!("../fixtures/lheo/offres-2.3.xml");
const OFFERS_2_2_LATIN1: &[u8] = include_bytes!("../fixtures/lheo/offres-2.2-latin1.xml");
const INDEX_2_2: &str = include_str!("../fixtures/lheo/index-2.2.xml");

struct Outcome {
    records: Vec<TrainingSessionRecord>,
    rejects: Vec<(String, String)>,
    summary: ReadSummary,
}

fn try_read(input: impl std::io::BufRead) -> Result<Outcome, FileError> {
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    let summary = lheo::read_each(input, &mut |item| match item {
        Ok(record) => records.push(record),
        Err(Reject { path, reason }) => rejects.push((path, reason)),
    })?;
    Ok(Outcome {
        records,
        rejects,
        summary,
    })
}

#[track_caller]
fn read(bytes: &[u8]) -> Outcome {
    try_read(bytes).unwrap_or_else(|err| panic!("{err}"))
}

#[track_caller]
fn file_error(bytes: &[u8]) -> String {
    match try_read(bytes) {
        Ok(read) => panic!("read: {:?}", read.rejects),
        Err(FileError(message)) => message,
    }
}

/// The (path, reason) of the rejects of a file.
#[track_caller]
fn rejects(xml: &str) -> Vec<(String, String)> {
    read(xml.as_bytes()).rejects
}

#[track_caller]
fn changed(from: &str, to: &str) -> String {
    assert!(OFFERS_2_3.contains(from), "{from}");
    OFFERS_2_3.replacen(from, to, 1)
}

fn date(text: &str) -> LheoDate {
    LheoDate::parse(text).unwrap()
}

fn rome(code: &str) -> RomeCode {
    RomeCode::parse(code).unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn write(records: &[TrainingSessionRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    lheo::write(&mut out, records).unwrap();
    out
}

#[test]
fn a_full_offer_gives_its_sessions_and_a_reject_for_each_bad_unit() {
    let read = read(OFFERS_2_3.as_bytes());
    assert_eq!(
        read.rejects,
        [
            (
                "/lheo/offres/formation[1]/action[1]/session[2]/periode/debut".to_string(),
                "\"20240230\": no such day in the calendar".to_string()
            ),
            (
                "/lheo/offres/formation[2]/action[1]/session[2]/periode".to_string(),
                "the session ends (20250115) before it starts (20250301)".to_string()
            ),
            (
                "/lheo/offres/formation[3]/domaine-formation/code-ROME[2]".to_string(),
                "\"G9999\": not a valid ROME code: no such occupation in the ROME 4.0 referential"
                    .to_string()
            ),
        ]
    );
    assert_eq!(
        read.summary,
        ReadSummary {
            version: Version::Lheo2_3,
            shape: Shape::Offers,
            sessions: 3,
            dropped: 3,
            rejects: 3
        }
    );
    let refs: Vec<_> = read
        .records
        .iter()
        .map(|r| r.session_ref.as_str())
        .collect();
    assert_eq!(
        refs,
        ["14_SE_0000301001", "14_SE_0000301003", "14_SE_0000301004"]
    );

    let cariste = &read.records[0];
    assert_eq!(cariste.formation_ref, "14_FO_0000101001");
    assert_eq!(cariste.action_ref, "14_AF_0000201001");
    assert_eq!(
        cariste.title,
        "Cariste d'entrepôt - CACES® R489 catégories 1, 3 et 5"
    );
    assert_eq!(
        cariste.objective.as_deref(),
        Some(
            "Objectif : conduire en sécurité les chariots « 1, 3 et 5 » préparer les \
             commandes charger & décharger"
        )
    );
    assert_eq!(
        cariste.body,
        TrainingBody {
            name: "AFPA Saint-Denis".into(),
            siret: Some(Siret::parse("73282932000074").unwrap())
        }
    );
    assert_eq!(cariste.romes, [rome("N1101"), rome("N1103")]);
    assert_eq!(cariste.formacodes, strings(&["31795", "31812"]));
    assert_eq!(cariste.nsf_codes, strings(&["311"]));
    assert_eq!(cariste.rncp_codes, strings(&["RNCP38457"]));
    assert_eq!(cariste.certifinfo_codes, strings(&["115238"]));
    assert!(cariste.certifying);
    assert_eq!(cariste.entry_level, Some(3));
    assert_eq!(cariste.publics, strings(&["80006", "81024"]));
    assert_eq!(cariste.funders, strings(&["2", "4"]));
    assert_eq!(cariste.teaching, Some(TeachingMode::InPerson));
    assert_eq!(
        cariste.place,
        TrainingPlace {
            lines: strings(&["10 rue de la Légion d'Honneur"]),
            postcode: Some(Postcode::parse("93200").unwrap()),
            city: "Saint-Denis".into(),
            commune: Some(InseeCode::parse("93066").unwrap()),
            coordinates: Some((48.9362, 2.3574)),
        }
    );
    assert_eq!(
        (
            cariste.hours_total,
            cariste.hours_centre,
            cariste.hours_enterprise
        ),
        (Some(504), Some(399), Some(105))
    );
    assert_eq!(
        (cariste.starts.clone(), cariste.ends.clone()),
        (date("20250106"), date("20250328"))
    );
    assert_eq!(cariste.recruitment, Some(1));
    assert_eq!(
        cariste.url.as_deref(),
        Some("https://www.afpa.fr/formation-qualifiante/cariste")
    );

    let by_month = &read.records[1];
    assert_eq!(by_month.starts.as_str(), "20250300");
    assert_eq!(by_month.ends.to_string(), "06/2025");
    assert_eq!(by_month.recruitment, Some(3));
    assert_eq!(
        by_month.url.as_deref(),
        Some("https://www.afpa.fr/session/14_SE_0000301003")
    );

    let care = &read.records[2];
    assert_eq!(care.title, "Diplôme d'État d'aide-soignant (DEAS)");
    assert_eq!(
        care.objective.as_deref(),
        Some("Exercer auprès des patients des soins d'hygiène & de confort.")
    );
    assert_eq!(care.body.name, "IFAS du CHI de Créteil");
    assert_eq!(care.teaching, Some(TeachingMode::Mixed));
    assert_eq!(care.place.commune, Some(InseeCode::parse("94028").unwrap()));
    assert_eq!(care.place.coordinates, Some((48.7904, 2.4556)));
    assert_eq!(care.ends.as_str(), "99999999");
    assert_eq!(care.url, None);
}

#[test]
fn importing_the_same_file_again_gives_the_same_records() {
    assert_eq!(
        read(OFFERS_2_3.as_bytes()).records,
        read(OFFERS_2_3.as_bytes()).records
    );
}

#[test]
fn lheo_2_2_in_iso_8859_1_reads_as_2_3_does() {
    let read = read(OFFERS_2_2_LATIN1);
    assert_eq!(read.rejects, []);
    assert_eq!(read.summary.version, Version::Lheo2_2);
    let [record] = read.records.as_slice() else {
        panic!("{:?}", read.records)
    };
    assert_eq!(record.title, "Maçon en voirie et réseaux divers");
    assert_eq!(
        record.objective.as_deref(),
        Some("Réaliser des ouvrages en maçonnerie Poser des réseaux d'assainissement.")
    );
    assert_eq!(record.body.name, "Lycée des métiers du BTP");
    assert_eq!(record.place.city, "Évry-Courcouronnes");
    assert_eq!(
        record.place.commune,
        Some(InseeCode::parse("91228").unwrap())
    );
    // The point from `latitude` and `longitude` elements inside an `extra`.
    assert_eq!(record.place.coordinates, Some((48.6328, 2.4405)));
    assert_eq!(record.romes, [rome("F1703")]);
    assert_eq!(record.certifinfo_codes, strings(&["54890"]));
    assert_eq!(record.rncp_codes, Vec::<String>::new());
    assert_eq!(
        (record.starts.as_str(), record.ends.as_str()),
        ("20250915", "20260400")
    );
    assert_eq!(record.recruitment, Some(2));
}

#[test]
fn the_carif_oref_index_gives_one_record_per_session() {
    let read = read(INDEX_2_2.as_bytes());
    assert_eq!(
        read.rejects,
        [(
            "/lheo-index/resumes-offres/resume-offre[3]/SIRET".to_string(),
            "\"39297563700044\": not a valid SIRET: the check digit does not match (a digit \
             is probably mistyped)"
                .to_string()
        )]
    );
    assert_eq!(read.summary.shape, Shape::Index);
    assert_eq!((read.summary.sessions, read.summary.dropped), (3, 1));
    let keys: Vec<_> = read
        .records
        .iter()
        .map(|r| {
            (
                r.formation_ref.as_str(),
                r.action_ref.as_str(),
                r.session_ref.as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            (
                "14_AF_0000011179",
                "14_AF_0000011179",
                "14_AF_0000011179_SE_0000093700"
            ),
            ("14_AF_0000028218", "14_AF_0000028218", "14_SE_0000118670"),
            ("14_AF_0000028218", "14_AF_0000028218", "14_SE_0000118671"),
        ]
    );
    let guide = &read.records[0];
    assert_eq!(guide.title, "Licence pro guide conférencier");
    assert_eq!(guide.romes, [rome("G1102"), rome("G1201")]);
    assert_eq!(guide.body.name, "GRETA METEHOR PARIS");
    assert_eq!(
        guide.body.siret,
        Some(Siret::parse("19750707200027").unwrap())
    );
    assert_eq!(
        guide.place.commune,
        Some(InseeCode::parse("75117").unwrap())
    );
    assert_eq!(guide.place.lines, Vec::<String>::new());
    assert_eq!(guide.place.coordinates, Some((48.897144, 2.320914)));
    assert_eq!(guide.publics, strings(&["80006", "81050", "83056"]));
    assert_eq!(guide.hours_total, Some(482));
    assert_eq!(guide.entry_level, Some(6));
    assert_eq!(
        (guide.rncp_codes.clone(), guide.certifinfo_codes.clone()),
        (strings(&["RNCP25730"]), strings(&["85556"]))
    );
    assert_eq!(
        guide.url.as_deref(),
        Some("https://www.intercariforef.org/formations/14_AF_0000011179.html")
    );
    let tourism = &read.records[1];
    assert_eq!(
        tourism.title,
        "Titre professionnel d'accompagnateur(trice) de tourisme"
    );
    // No INSEE code: the one commune of the postcode.
    assert_eq!(
        tourism.place.commune,
        Some(InseeCode::parse("93048").unwrap())
    );
    assert_eq!(tourism.teaching, None);
    assert_eq!(read.records[2].starts.as_str(), "20260100");
}

#[test]
fn each_bad_value_rejects_its_unit_with_the_path_of_the_element() {
    let session = "/lheo/offres/formation[1]/action[1]/session[1]";
    let action = "/lheo/offres/formation[1]/action[1]";
    let formation = "/lheo/offres/formation[1]";
    let cases = [
        (
            "<certifiante>1</certifiante>",
            "",
            formation.to_string(),
            "missing mandatory element certifiante",
        ),
        (
            "<debut>20250106</debut>",
            "",
            format!("{session}/periode"),
            "missing mandatory element debut",
        ),
        (
            "<code-ROME>N1103</code-ROME>",
            "<code-ROME>N1103</code-ROME><code-ROME>A1101</code-ROME><code-ROME>A1102</code-ROME>\
             <code-ROME>F1703</code-ROME><code-ROME>J1501</code-ROME>",
            format!("{formation}/domaine-formation/code-ROME[6]"),
            "at most 5 code-ROME",
        ),
        (
            "<code-financeur>4</code-financeur>",
            "<code-financeur>99</code-financeur>",
            format!("{action}/organisme-financeur[2]/code-financeur"),
            "\"99\": not a code of dict-financeurs or dict-financeurs-formacodes-V10",
        ),
        (
            "<code-public-vise>81024</code-public-vise>",
            "<code-public-vise>99999</code-public-vise>",
            format!("{action}/code-public-vise[2]"),
            "\"99999\": not a code of dict-public-vise-formacode-V10 or dict-public-vise-formacode-V9",
        ),
        (
            "<SIRET>732 829 320 00074</SIRET>",
            "<SIRET>732 829 320 00075</SIRET>",
            format!("{formation}/organisme-formation-responsable/SIRET-organisme-formation/SIRET"),
            "\"732 829 320 00075\": not a valid SIRET: the check digit does not match (a digit \
             is probably mistyped)",
        ),
        (
            "<code-FORMACODE>31812</code-FORMACODE>",
            "<code-FORMACODE>3181</code-FORMACODE>",
            format!("{formation}/domaine-formation/code-FORMACODE[2]"),
            "\"3181\": not a Formacode (five digits)",
        ),
        (
            "<code-niveau-entree>3</code-niveau-entree>",
            "<code-niveau-entree>9</code-niveau-entree>",
            format!("{formation}/code-niveau-entree"),
            "\"9\": not a code of dict-niveaux",
        ),
        (
            "<modalites-enseignement>0</modalites-enseignement>",
            "<modalites-enseignement>3</modalites-enseignement>",
            format!("{action}/modalites-enseignement"),
            "\"3\": not a code of dict-modalites-enseignement",
        ),
        (
            "<extra info=\"longitude\">2.3574</extra>",
            "",
            format!("{action}/lieu-de-formation[1]/coordonnees/adresse/extras[1]"),
            "latitude and longitude go together, within range",
        ),
        (
            "<codepostal>93200</codepostal>\n              <ville>Saint-Denis</ville>\n              <extras",
            "<codepostal>9320</codepostal>\n              <ville>Saint-Denis</ville>\n              <extras",
            format!("{action}/lieu-de-formation[1]/coordonnees/adresse/codepostal"),
            "\"9320\": not a valid postcode: has 4 digits, expected 5",
        ),
        (
            "<etat-recrutement>1</etat-recrutement>",
            "<etat-recrutement>4</etat-recrutement>",
            format!("{session}/etat-recrutement"),
            "\"4\": not a code of dict-etat-recrutement",
        ),
        (
            "<debut>20250106</debut>",
            "<debut>2025-01-06</debut>",
            format!("{session}/periode/debut"),
            "\"2025-01-06\": not a date: LHEO writes YYYYMMDD (00 for an unknown day or month)",
        ),
        (
            "<nombre-heures-total>504</nombre-heures-total>",
            "<nombre-heures-total>504 h</nombre-heures-total>",
            format!("{action}/nombre-heures-total"),
            "\"504 h\": not a whole number of hours",
        ),
    ];
    let good = rejects(OFFERS_2_3);
    for (from, to, path, reason) in cases {
        let found = rejects(&changed(from, to));
        let new: Vec<_> = found.iter().filter(|r| !good.contains(r)).collect();
        assert_eq!(new, [&(path.clone(), reason.to_string())], "{from} → {to}");
    }
}

#[test]
fn a_reject_leaves_out_the_smallest_unit_it_is_in() {
    let sessions = |xml: &str| -> Vec<String> {
        read(xml.as_bytes())
            .records
            .into_iter()
            .map(|r| r.session_ref)
            .collect()
    };
    // In the session: that session.
    let session = changed(
        "<etat-recrutement>1</etat-recrutement>",
        "<etat-recrutement>7</etat-recrutement>",
    );
    assert_eq!(sessions(&session), ["14_SE_0000301003", "14_SE_0000301004"]);
    // In the action: its sessions.
    let action = changed(
        "<code-financeur>4</code-financeur>",
        "<code-financeur>77</code-financeur>",
    );
    assert_eq!(sessions(&action), ["14_SE_0000301004"]);
    // In the formation: its actions.
    let formation = changed("<code-NSF>311</code-NSF>", "<code-NSF>3111</code-NSF>");
    assert_eq!(sessions(&formation), ["14_SE_0000301004"]);
    let summary = read(formation.as_bytes()).summary;
    assert_eq!(
        (summary.sessions, summary.dropped, summary.rejects),
        (1, 5, 4)
    );
}

#[test]
fn a_text_past_the_limit_is_not_held_and_rejects_its_unit() {
    let long = "x".repeat(2 * 1024 * 1024);
    let xml = changed(
        "<resultats-attendus>Titre professionnel agent magasinier et CACES R489.",
        &format!("<resultats-attendus>{long}"),
    );
    let read = read(xml.as_bytes());
    assert!(read.rejects.contains(&(
        "/lheo/offres/formation[1]/resultats-attendus".to_string(),
        format!(
            "too long: more than {} bytes (left unread)",
            lheo::TEXT_LIMIT
        )
    )));
    assert_eq!(read.summary.sessions, 1, "the other formations are read");

    // 300 MB of text, made as it is read: the reader holds at most the limit of it.
    let head = changed("Titre professionnel agent magasinier et CACES R489.", "");
    let (before, after) = head.split_once("<resultats-attendus>").unwrap();
    let huge = std::io::repeat(b'y').take(300 * 1024 * 1024);
    let input = before
        .as_bytes()
        .chain(&b"<resultats-attendus>"[..])
        .chain(huge)
        .chain(after.as_bytes());
    let read = try_read(std::io::BufReader::new(input)).unwrap();
    assert_eq!(read.summary.sessions, 1);
    assert_eq!(read.rejects.len(), 4);
    assert_eq!(
        read.rejects[0].0,
        "/lheo/offres/formation[1]/resultats-attendus"
    );
}

#[test]
fn a_text_held_by_many_cdata_sections_stops_growing_at_the_limit() {
    let pieces = "<![CDATA[abcdefghij]]>".repeat(lheo::TEXT_LIMIT / 10 + 1);
    let xml = changed(
        "Réglementation, conduite des chariots, stockage, gestes et postures.",
        &pieces,
    );
    assert!(rejects(&xml).contains(&(
        "/lheo/offres/formation[1]/contenu-formation".to_string(),
        format!(
            "too long: more than {} bytes (left unread)",
            lheo::TEXT_LIMIT
        )
    )));
}

#[test]
fn a_file_that_cannot_be_read_says_why() {
    let malformed = changed("</intitule-formation>", "</intitule>");
    let message = file_error(malformed.as_bytes());
    assert!(
        message.starts_with("malformed XML at line 13 "),
        "{message}"
    );

    let namespace = changed("http://lheo.gouv.fr/2.3", "http://lheo.gouv.fr/2.4");
    assert_eq!(
        file_error(namespace.as_bytes()),
        "the namespace of <lheo> is \"http://lheo.gouv.fr/2.4\": LHEO catalogues use \
         \"http://lheo.gouv.fr/2.3\" (LHEO 2.3) or \"http://www.lheo.org/2.2\" (LHEO 2.2)"
    );
    let none = changed(" xmlns=\"http://lheo.gouv.fr/2.3\"", "");
    assert!(file_error(none.as_bytes()).starts_with("the namespace of <lheo> is missing"));
    assert!(
        file_error(b"<catalogue xmlns=\"http://lheo.gouv.fr/2.3\"/>")
            .starts_with("the root element is <catalogue>")
    );
    assert!(file_error(b"").starts_with("no XML element"));
    assert!(file_error(b"not xml at all").starts_with("no XML element"));
    let cut = &OFFERS_2_3.as_bytes()[..OFFERS_2_3.len() / 2];
    let message = file_error(cut);
    assert!(
        message.contains("cut short") || message.starts_with("malformed XML"),
        "{message}"
    );
    let latin9 = changed("encoding=\"UTF-8\"", "encoding=\"klingon\"");
    assert_eq!(
        file_error(latin9.as_bytes()),
        "the encoding klingon is unknown: convert the file to UTF-8"
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(OFFERS_2_3.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let message = file_error(&utf16);
    assert!(
        message.contains("is not read: convert the file to UTF-8"),
        "{message}"
    );
    let deep = format!(
        "<lheo xmlns=\"http://lheo.gouv.fr/2.3\">{}",
        "<extras>".repeat(100)
    );
    assert!(file_error(deep.as_bytes()).contains("nested more than 64 deep"));
}

#[test]
fn an_empty_offer_is_a_reject_not_an_error() {
    let read = read(b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres/></lheo>");
    assert_eq!(
        read.rejects,
        [(
            "/lheo/offres".to_string(),
            "missing mandatory element formation".to_string()
        )]
    );
    assert_eq!(read.records, []);
}

#[test]
fn elements_without_a_number_get_a_key_from_their_content() {
    let xml = changed(" numero=\"14_SE_0000301001\"", "");
    let first = read(xml.as_bytes()).records[0].session_ref.clone();
    assert!(first.starts_with("sha:") && first.len() == 20, "{first}");
    assert_eq!(read(xml.as_bytes()).records[0].session_ref, first);
    let other = xml.replacen("20250328", "20250329", 1);
    assert_ne!(read(other.as_bytes()).records[0].session_ref, first);
}

#[test]
fn catalogues_read_written_and_read_again_are_the_same() {
    for input in [
        OFFERS_2_3.as_bytes(),
        OFFERS_2_2_LATIN1,
        INDEX_2_2.as_bytes(),
    ] {
        let first = read(input).records;
        assert!(!first.is_empty());
        let again = read(&write(&first));
        assert_eq!(again.rejects, []);
        assert_eq!(again.records, first);
    }
}

fn record(formation: &str, action: &str, session: &str) -> TrainingSessionRecord {
    TrainingSessionRecord {
        formation_ref: formation.into(),
        action_ref: action.into(),
        session_ref: session.into(),
        title: "Préparateur de commandes <CACES> & \"quai\"".into(),
        objective: Some("Préparer 3 < 4 & 5 > 2 commandes, l'été « à Paris » &nbsp;".into()),
        body: TrainingBody {
            name: "Institut L'Étoile & Cie".into(),
            siret: Some(Siret::parse("13000548100010").unwrap()),
        },
        romes: vec![rome("N1103"), rome("N1101")],
        formacodes: strings(&["31812", "31795"]),
        nsf_codes: strings(&["311", "31t"]),
        rncp_codes: strings(&["RNCP38457", "RNCP1234"]),
        certifinfo_codes: strings(&["115238"]),
        certifying: true,
        entry_level: Some(0),
        publics: strings(&["80006"]),
        funders: strings(&["98013"]),
        teaching: Some(TeachingMode::Distance),
        place: TrainingPlace {
            lines: strings(&["Bâtiment B", "12 rue des Rosiers"]),
            postcode: Some(Postcode::parse("93100").unwrap()),
            city: "Montreuil".into(),
            commune: Some(InseeCode::parse("93048").unwrap()),
            coordinates: Some((48.86415, 2.44322)),
        },
        starts: date("20250300"),
        ends: date("20251231"),
        hours_total: Some(400),
        hours_centre: Some(300),
        hours_enterprise: Some(100),
        recruitment: Some(1),
        url: Some("https://example.org/session?id=1&lang=fr".into()),
    }
}

#[test]
fn records_written_then_read_are_the_same_even_when_half_empty() {
    let full = record("F1", "A1", "S1");
    let mut next = record("F1", "A1", "S2");
    next.starts = date("20260000");
    next.ends = date("99999999");
    next.url = None;
    next.recruitment = None;
    let mut other_action = record("F1", "A2", "S1");
    other_action.place.coordinates = None;
    let empty = TrainingSessionRecord::bare(
        ["sha:0123456789abcdef", "A", "S"],
        record("sha:0123456789abcdef", "A", "S").title,
        TrainingBody {
            name: "Organisme".into(),
            siret: None,
        },
        TrainingPlace {
            lines: Vec::new(),
            postcode: None,
            city: String::new(),
            commune: Some(InseeCode::parse("93066").unwrap()),
            coordinates: None,
        },
    );
    let mut nowhere = empty.clone();
    nowhere.formation_ref = "F3".into();
    nowhere.place.commune = None;
    // Same formation key, another title: another formation element.
    let mut renamed = record("F1", "A2", "S2");
    renamed.title = "Autre intitulé".into();
    let records = vec![full, next, other_action, renamed, empty, nowhere];
    let written = write(&records);
    let again = read(&written);
    assert_eq!(again.rejects, []);
    assert_eq!(again.records, records);
    let text = String::from_utf8(written).unwrap();
    assert_eq!(text.matches("<formation ").count(), 4);
    assert_eq!(text.matches("<action ").count(), 5);
    assert!(text.contains("<extra info=\"remplissage\">objectif-formation code-niveau-entree"));
}

#[test]
fn the_simulated_catalogue_is_written_and_read_back_the_same() {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let config = simulate::Config::new("11", 0.02, 7, as_of).unwrap();
    let mut sessions = simulate::trainings::catalogue(&config);
    assert!(sessions.len() > 100, "{}", sessions.len());
    sessions.sort_by(|a, b| {
        (&a.formation_ref, &a.action_ref, &a.session_ref).cmp(&(
            &b.formation_ref,
            &b.action_ref,
            &b.session_ref,
        ))
    });
    let again = read(&write(&sessions));
    assert_eq!(again.rejects, []);
    assert_eq!(again.records, sessions);
}

#[test]
fn fifty_thousand_sessions_read_in_one_pass() {
    let records: Vec<_> = (0..50_000)
        .map(|i| {
            record(
                &format!("F{:05}", i / 10),
                &format!("A{:05}", i / 5),
                &format!("S{i:05}"),
            )
        })
        .collect();
    let written = write(&records);
    let mut count = 0;
    let summary = lheo::read_each(written.as_slice(), &mut |item| {
        assert!(item.is_ok(), "{item:?}");
        count += 1;
    })
    .unwrap();
    assert_eq!(
        (count, summary.sessions, summary.rejects),
        (50_000, 50_000, 0)
    );
}

#[test]
fn a_formation_or_a_unit_too_large_to_hold_is_rejected() {
    let half = lheo::FORMATION_SESSIONS / 2;
    let records: Vec<_> = (0..=lheo::FORMATION_SESSIONS)
        .map(|i| {
            record(
                "F",
                if i <= half { "A1" } else { "A2" },
                &format!("S{i:05}"),
            )
        })
        .collect();
    let read = read(&write(&records));
    assert_eq!(
        read.rejects,
        [(
            "/lheo/offres/formation[1]".to_string(),
            format!(
                "more than {} sessions: split the formation",
                lheo::FORMATION_SESSIONS
            )
        )]
    );
    assert_eq!(
        (read.summary.sessions, read.summary.dropped),
        (0, lheo::FORMATION_SESSIONS + 1)
    );

    let crowded = changed(
        "<etat-recrutement>1</etat-recrutement>",
        &"<extras/>".repeat(lheo::UNIT_ELEMENTS),
    );
    let found = rejects(&crowded);
    assert!(
        found.contains(&(
            "/lheo/offres/formation[1]/action[1]/session[1]".to_string(),
            format!("more than {} elements (left unread)", lheo::UNIT_ELEMENTS)
        )),
        "{found:?}"
    );
    assert_eq!(found.len(), 3 + 1, "said once: {found:?}");
}

#[test]
fn a_byte_order_mark_is_read_past() {
    let with_bom = [&b"\xEF\xBB\xBF"[..], OFFERS_2_3.as_bytes()].concat();
    assert_eq!(read(&with_bom).records, read(OFFERS_2_3.as_bytes()).records);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_are_read_or_refused_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = try_read(bytes.as_slice());
    }

    #[test]
    fn damaged_catalogues_are_read_or_refused_without_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        which in 0..3usize,
    ) {
        let source: &[u8] = match which {
            0 => OFFERS_2_3.as_bytes(),
            1 => OFFERS_2_2_LATIN1,
            _ => INDEX_2_2.as_bytes(),
        };
        let mut bytes = source.to_vec();
        for (at, byte) in &flips {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        let _ = try_read(bytes.as_slice());
        bytes.truncate(cut.index(bytes.len()));
        let _ = try_read(bytes.as_slice());
    }

    #[test]
    fn markup_flipped_in_catalogues_is_read_or_refused_without_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![b'<', b'>', b'/', b'&', b'"', b';', b'\0', b'x'])), 1..6),
    ) {
        let mut bytes = OFFERS_2_3.as_bytes().to_vec();
        for (at, byte) in &edits {
            let i = at.index(bytes.len());
            bytes.insert(i, *byte);
        }
        let _ = try_read(bytes.as_slice());
    }
}

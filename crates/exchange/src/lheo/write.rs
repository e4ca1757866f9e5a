//! Writing sessions as an LHEO 2.3 full offer.

use std::io::{self, BufWriter, Write};

use model::trainings::{TrainingPlace, TrainingSessionRecord};
use quick_xml::escape::escape;

use super::NAMESPACE_2_3;
use super::map::{
    FILLED_CITY, FILLED_INFO, FILLED_LEVEL, FILLED_OBJECTIVE, FILLED_POSTCODE, FILLED_PUBLICS,
    FILLED_SIRET, FILLED_TEACHING,
};
use super::values::html_escape;

/// What the definition allows of each list (the rest of a longer list is not written).
const ROMES: usize = 5;
const FORMACODES: usize = 5;
const NSF_CODES: usize = 3;
const CERTIFICATIONS: usize = 5;
const PUBLICS: usize = 10;
const FUNDERS: usize = 8;
const LINES: usize = 4;
/// `coordonnees/nom` holds at most this many characters.
const CONTACT_NAME_CHARS: usize = 50;
/// "Tout public" (dict-public-vise-formacode-V10), written where no public is known.
const ANY_PUBLIC: &str = "83056";

/// Writes the sessions as an LHEO 2.3 full offer (`<lheo><offres><formation>…`). Consecutive
/// sessions with the same formation (its number and everything a formation says) make one
/// `formation`, and within it consecutive sessions with the same action one `action`: pass
/// them sorted by `formation_ref`, `action_ref`, `session_ref`. Every element the definition
/// makes mandatory is written: what Passerelle does not keep gets a neutral value (contact
/// from the body, registration address from the place, `0` for the yes/no and code
/// elements), and what the record leaves empty gets one named in the unit's
/// `<extras info="passerelle"><extra info="remplissage">`, which [`super::read_each`] leaves
/// out: what this writes reads back as the same records.
pub fn write<'a>(
    out: impl Write,
    sessions: impl IntoIterator<Item = &'a TrainingSessionRecord>,
) -> io::Result<()> {
    let mut xml = Xml {
        out: BufWriter::new(out),
        depth: 0,
    };
    xml.out
        .write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    xml.open("lheo", &[("xmlns", NAMESPACE_2_3)])?;
    xml.open("offres", &[])?;
    let mut formation: Option<&TrainingSessionRecord> = None;
    let mut action: Option<&TrainingSessionRecord> = None;
    for session in sessions {
        let same_formation = formation.is_some_and(|f| same_formation(f, session));
        let same_action = same_formation && action.is_some_and(|a| same_action(a, session));
        if !same_action && let Some(previous) = action {
            close_action(&mut xml, previous)?;
        }
        if !same_formation {
            if let Some(previous) = formation {
                close_formation(&mut xml, previous)?;
            }
            open_formation(&mut xml, session)?;
            formation = Some(session);
        }
        if !same_action {
            open_action(&mut xml, session)?;
            action = Some(session);
        }
        write_session(&mut xml, session)?;
    }
    if let Some(previous) = action {
        close_action(&mut xml, previous)?;
    }
    if let Some(previous) = formation {
        close_formation(&mut xml, previous)?;
    }
    xml.close("offres")?;
    xml.close("lheo")?;
    xml.out.flush()
}

fn same_formation(a: &TrainingSessionRecord, b: &TrainingSessionRecord) -> bool {
    a.formation_ref == b.formation_ref
        && a.title == b.title
        && a.objective == b.objective
        && a.body == b.body
        && a.romes == b.romes
        && a.formacodes == b.formacodes
        && a.nsf_codes == b.nsf_codes
        && a.rncp_codes == b.rncp_codes
        && a.certifinfo_codes == b.certifinfo_codes
        && a.certifying == b.certifying
        && a.entry_level == b.entry_level
}

fn same_action(a: &TrainingSessionRecord, b: &TrainingSessionRecord) -> bool {
    a.action_ref == b.action_ref
        && a.publics == b.publics
        && a.funders == b.funders
        && a.teaching == b.teaching
        && a.place == b.place
        && a.hours_total == b.hours_total
        && a.hours_centre == b.hours_centre
        && a.hours_enterprise == b.hours_enterprise
}

struct Xml<W: Write> {
    out: W,
    depth: usize,
}

impl<W: Write> Xml<W> {
    fn indent(&mut self) -> io::Result<()> {
        for _ in 0..self.depth {
            self.out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.indent()?;
        write!(self.out, "<{name}")?;
        for (key, value) in attributes {
            write!(self.out, " {key}=\"{}\"", escape(*value))?;
        }
        Ok(())
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.start(name, attributes)?;
        self.out.write_all(b">\n")?;
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.indent()?;
        writeln!(self.out, "</{name}>")
    }

    fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.start(name, attributes)?;
        writeln!(self.out, ">{}</{name}>", escape(text))
    }

    fn leaf(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.leaf_with(name, &[], text)
    }

    fn empty(&mut self, name: &str) -> io::Result<()> {
        self.start(name, &[])?;
        self.out.write_all(b"/>\n")
    }

    /// The elements written only because the definition requires them.
    fn filled(&mut self, paths: &[&str]) -> io::Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let (extras_info, extra_info) = FILLED_INFO;
        self.open("extras", &[("info", extras_info)])?;
        self.leaf_with("extra", &[("info", extra_info)], &paths.join(" "))?;
        self.close("extras")
    }
}

fn flag(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

fn open_formation<W: Write>(xml: &mut Xml<W>, r: &TrainingSessionRecord) -> io::Result<()> {
    xml.open("formation", &[("numero", &r.formation_ref)])?;
    xml.open("domaine-formation", &[])?;
    for code in r.formacodes.iter().take(FORMACODES) {
        xml.leaf("code-FORMACODE", code)?;
    }
    for code in r.nsf_codes.iter().take(NSF_CODES) {
        xml.leaf("code-NSF", code)?;
    }
    for code in r.romes.iter().take(ROMES) {
        xml.leaf("code-ROME", code.as_str())?;
    }
    xml.close("domaine-formation")?;
    xml.leaf("intitule-formation", &r.title)?;
    let objective = r.objective.as_deref().unwrap_or(&r.title);
    xml.leaf(
        "objectif-formation",
        &format!("<p>{}</p>", html_escape(objective)),
    )?;
    xml.leaf("resultats-attendus", "Voir l'objectif de la formation.")?;
    xml.leaf("contenu-formation", "Voir l'objectif de la formation.")?;
    xml.leaf("certifiante", flag(r.certifying))?;
    xml.open("contact-formation", &[])?;
    contact(xml, &r.body.name)?;
    xml.close("contact-formation")?;
    xml.leaf("parcours-de-formation", "1")?;
    let level = r
        .entry_level
        .map_or_else(|| "0".to_string(), |l| l.to_string());
    xml.leaf("code-niveau-entree", &level)?;
    let certifications = r.rncp_codes.len().max(r.certifinfo_codes.len());
    for i in 0..certifications.min(CERTIFICATIONS) {
        xml.open("certification", &[])?;
        if let Some(code) = r.rncp_codes.get(i) {
            // Catalogues write the number.
            xml.leaf("code-RNCP", code.strip_prefix("RNCP").unwrap_or(code))?;
        }
        if let Some(code) = r.certifinfo_codes.get(i) {
            xml.leaf("code-CERTIFINFO", code)?;
        }
        xml.close("certification")?;
    }
    Ok(())
}

/// A `coordonnees` naming the body (which is all Passerelle knows of a contact).
fn contact<W: Write>(xml: &mut Xml<W>, name: &str) -> io::Result<()> {
    if name.is_empty() {
        return xml.empty("coordonnees");
    }
    xml.open("coordonnees", &[])?;
    let short: String = name.chars().take(CONTACT_NAME_CHARS).collect();
    xml.leaf("nom", short.trim_end())?;
    xml.close("coordonnees")
}

fn close_formation<W: Write>(xml: &mut Xml<W>, r: &TrainingSessionRecord) -> io::Result<()> {
    let mut filled = Vec::new();
    if r.objective.is_none() {
        filled.push(FILLED_OBJECTIVE);
    }
    if r.entry_level.is_none() {
        filled.push(FILLED_LEVEL);
    }
    xml.open("organisme-formation-responsable", &[])?;
    xml.leaf("numero-activite", "00000000000")?;
    xml.open("SIRET-organisme-formation", &[])?;
    match &r.body.siret {
        Some(siret) => xml.leaf("SIRET", siret.as_str())?,
        None => {
            xml.leaf("SIRET", "00000000000000")?;
            filled.push(FILLED_SIRET);
        }
    }
    xml.close("SIRET-organisme-formation")?;
    xml.leaf("nom-organisme", &r.body.name)?;
    xml.leaf("raison-sociale", &r.body.name)?;
    xml.open("coordonnees-organisme", &[])?;
    xml.empty("coordonnees")?;
    xml.close("coordonnees-organisme")?;
    xml.open("contact-organisme", &[])?;
    contact(xml, &r.body.name)?;
    xml.close("contact-organisme")?;
    xml.close("organisme-formation-responsable")?;
    xml.filled(&filled)?;
    xml.close("formation")
}

fn place_known(place: &TrainingPlace) -> bool {
    !place.lines.is_empty()
        || place.postcode.is_some()
        || !place.city.is_empty()
        || place.commune.is_some()
        || place.coordinates.is_some()
}

/// The postcode to write: the place's, else its commune's (`None`: neither is known).
fn postcode_of(place: &TrainingPlace) -> Option<String> {
    place
        .postcode
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| {
            let commune = refdata::geo().commune(place.commune.as_ref()?.as_str())?;
            commune.postcodes.first().map(|p| p.to_string())
        })
}

/// The city to write: the place's, else its commune's name.
fn city_of(place: &TrainingPlace) -> Option<String> {
    if !place.city.is_empty() {
        return Some(place.city.clone());
    }
    let commune = refdata::geo().commune(place.commune.as_ref()?.as_str())?;
    Some(commune.name.to_string())
}

/// The place's `codepostal` and `ville`, or their placeholders (`00000`, `-`) where neither the
/// place nor its commune gives them.
fn postcode_and_city<W: Write>(xml: &mut Xml<W>, place: &TrainingPlace) -> io::Result<()> {
    xml.leaf(
        "codepostal",
        &postcode_of(place).unwrap_or_else(|| "00000".to_string()),
    )?;
    xml.leaf("ville", &city_of(place).unwrap_or_else(|| "-".to_string()))
}

fn open_action<W: Write>(xml: &mut Xml<W>, r: &TrainingSessionRecord) -> io::Result<()> {
    xml.open("action", &[("numero", &r.action_ref)])?;
    xml.leaf("rythme-formation", "Non communiqué")?;
    if r.publics.is_empty() {
        xml.leaf("code-public-vise", ANY_PUBLIC)?;
    }
    for code in r.publics.iter().take(PUBLICS) {
        xml.leaf("code-public-vise", code)?;
    }
    xml.leaf("niveau-entree-obligatoire", "0")?;
    xml.leaf("modalites-alternance", "Non communiquées")?;
    xml.leaf(
        "modalites-enseignement",
        r.teaching.map_or("0", |mode| mode.as_str()),
    )?;
    xml.leaf("conditions-specifiques", "Aucune")?;
    xml.leaf("prise-en-charge-frais-possible", "0")?;
    if place_known(&r.place) {
        xml.open("lieu-de-formation", &[])?;
        xml.open("coordonnees", &[])?;
        xml.open("adresse", &[])?;
        address_lines(xml, &r.place.lines, LINES)?;
        postcode_and_city(xml, &r.place)?;
        if let Some(commune) = &r.place.commune {
            xml.leaf("code-INSEE-commune", commune.as_str())?;
        }
        if let Some((latitude, longitude)) = r.place.coordinates {
            xml.open("geolocalisation", &[])?;
            xml.leaf("latitude", &latitude.to_string())?;
            xml.leaf("longitude", &longitude.to_string())?;
            xml.close("geolocalisation")?;
        }
        xml.close("adresse")?;
        xml.close("coordonnees")?;
        xml.close("lieu-de-formation")?;
    }
    xml.leaf("modalites-entrees-sorties", "0")
}

/// At most `max` lines, or the placeholder `-` where there is none.
fn address_lines<W: Write>(xml: &mut Xml<W>, lines: &[String], max: usize) -> io::Result<()> {
    if lines.is_empty() {
        return xml.leaf("ligne", "-");
    }
    for line in lines.iter().take(max) {
        xml.leaf("ligne", line)?;
    }
    Ok(())
}

fn close_action<W: Write>(xml: &mut Xml<W>, r: &TrainingSessionRecord) -> io::Result<()> {
    let hours = [
        ("nombre-heures-centre", r.hours_centre),
        ("nombre-heures-entreprise", r.hours_enterprise),
        ("nombre-heures-total", r.hours_total),
    ];
    for (name, value) in hours {
        if let Some(value) = value {
            xml.leaf(name, &value.to_string())?;
        }
    }
    for code in r.funders.iter().take(FUNDERS) {
        xml.open("organisme-financeur", &[])?;
        xml.leaf("code-financeur", code)?;
        xml.close("organisme-financeur")?;
    }
    let mut filled = Vec::new();
    if r.publics.is_empty() {
        filled.push(FILLED_PUBLICS);
    }
    if r.teaching.is_none() {
        filled.push(FILLED_TEACHING);
    }
    if place_known(&r.place) {
        if r.place.postcode.is_none() {
            filled.push(FILLED_POSTCODE);
        }
        if r.place.city.is_empty() {
            filled.push(FILLED_CITY);
        }
    }
    xml.filled(&filled)?;
    xml.close("action")
}

fn write_session<W: Write>(xml: &mut Xml<W>, r: &TrainingSessionRecord) -> io::Result<()> {
    xml.open("session", &[("numero", &r.session_ref)])?;
    xml.open("periode", &[])?;
    xml.leaf("debut", r.starts.as_str())?;
    xml.leaf("fin", r.ends.as_str())?;
    xml.close("periode")?;
    // Where to register: the place (Passerelle keeps no other address).
    xml.open("adresse-inscription", &[])?;
    xml.open("adresse", &[])?;
    address_lines(xml, &r.place.lines, 1)?;
    postcode_and_city(xml, &r.place)?;
    xml.close("adresse")?;
    xml.close("adresse-inscription")?;
    if let Some(state) = r.recruitment {
        xml.leaf("etat-recrutement", &state.to_string())?;
    }
    if let Some(url) = &r.url {
        xml.open("url-session", &[])?;
        xml.leaf("urlweb", url)?;
        xml.close("url-session")?;
    }
    xml.close("session")
}

#[cfg(test)]
mod tests {
    use domain::{InseeCode, Postcode};
    use model::trainings::{LheoDate, TrainingBody};
    use quick_xml::events::Event;

    use super::*;

    fn record(session: &str, place: TrainingPlace) -> TrainingSessionRecord {
        TrainingSessionRecord {
            formation_ref: "F".into(),
            action_ref: "A".into(),
            session_ref: session.into(),
            title: "Cariste".into(),
            objective: None,
            body: TrainingBody {
                name: "Organisme".into(),
                siret: None,
            },
            romes: Vec::new(),
            formacodes: vec!["31795".into()],
            nsf_codes: Vec::new(),
            rncp_codes: vec!["RNCP1".into(), "RNCP2".into()],
            certifinfo_codes: vec!["3".into()],
            certifying: false,
            entry_level: None,
            publics: Vec::new(),
            funders: vec!["98013".into()],
            teaching: None,
            place,
            starts: LheoDate::parse("20250300").unwrap_or_else(|e| panic!("{e}")),
            ends: LheoDate::parse("99999999").unwrap_or_else(|e| panic!("{e}")),
            hours_total: Some(35),
            hours_centre: None,
            hours_enterprise: None,
            recruitment: Some(1),
            url: Some("https://example.org".into()),
        }
    }

    /// Every element written has the children the definition requires, no more than it
    /// allows, in the order of its sequence.
    #[test]
    fn what_is_written_follows_the_definition() {
        let place = TrainingPlace {
            lines: Vec::new(),
            postcode: None,
            city: String::new(),
            commune: InseeCode::parse("93066").ok(),
            coordinates: Some((48.9, 2.35)),
        };
        let known = TrainingPlace {
            lines: vec!["1".into(), "2".into(), "3".into(), "4".into(), "5".into()],
            postcode: Postcode::parse("93200").ok(),
            city: "Saint-Denis".into(),
            commune: None,
            coordinates: None,
        };
        let records = [record("S1", place), record("S2", known)];
        let mut out = Vec::new();
        write(&mut out, &records).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"));
        let mut reader = quick_xml::Reader::from_str(&text);
        reader.config_mut().expand_empty_elements = true;
        // Each open element: its name, its children so far, the place of the last in its
        // parent's sequence.
        let mut open: Vec<(String, Vec<String>)> = Vec::new();
        let mut checked = 0;
        loop {
            match reader.read_event().unwrap_or_else(|e| panic!("{e}")) {
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    if let Some((_, children)) = open.last_mut() {
                        children.push(name.clone());
                    }
                    open.push((name, Vec::new()));
                }
                Event::End(_) => {
                    let (name, children) = open.pop().unwrap_or_default();
                    let definition = refdata::lheo::children(&name);
                    let mut last = 0;
                    for child in &children {
                        let place = definition.iter().position(|c| c.name == *child);
                        let place = place.unwrap_or_else(|| panic!("{name} has no {child}"));
                        assert!(
                            place >= last,
                            "{name}: {child} out of order in {children:?}"
                        );
                        last = place;
                    }
                    for child in definition {
                        let count = children.iter().filter(|c| **c == child.name).count();
                        let count = u32::try_from(count).unwrap_or(u32::MAX);
                        assert!(count >= child.min, "{name} lacks {}", child.name);
                        assert!(
                            child.max.is_none_or(|max| count <= max),
                            "{name} has too many {}",
                            child.name
                        );
                    }
                    checked += 1;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(checked > 50, "{checked}");
        assert_eq!(
            text.matches("<action ").count(),
            2,
            "another place, another action"
        );
        assert_eq!(text.matches("<ligne>").count(), 4 + 1 + 1 + 1);
        assert!(text.contains("<codepostal>93200</codepostal>"));
        assert!(text.contains("<ville>Saint-Denis</ville>"));
        assert!(text.contains(
            "<extra info=\"remplissage\">code-public-vise modalites-enseignement \
             lieu-de-formation/coordonnees/adresse/codepostal \
             lieu-de-formation/coordonnees/adresse/ville</extra>"
        ));
    }
}

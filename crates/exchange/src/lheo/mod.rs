//! Training catalogues in LHEO, the exchange language of the Carif-Oref network and France
//! Travail: versions 2.2 (namespace `http://www.lheo.org/2.2`) and 2.3
//! (`http://lheo.gouv.fr/2.3`), the full offer (`lheo/offres/formation/action/session`)
//! and the Carif-Oref search index (`lheo-index/resumes-offres/resume-offre`). Passerelle
//! keeps one record per session, with what its action and formation say of it.
//!
//! | element | stored as |
//! |---|---|
//! | `formation@numero`, `action@numero`, `session@numero` | the key of the session |
//! | `intitule-formation` | title (whitespace collapsed) |
//! | `objectif-formation` | objective, as plain text (the HTML escaped in the element unescaped, tags removed, whitespace collapsed) |
//! | `domaine-formation`: `code-ROME`, `code-FORMACODE`, `code-NSF` | occupations (ROME v3 codes, each a ROME 4.0 occupation), Formacode codes (the first the main one), NSF codes |
//! | `certification`: `code-RNCP`, `code-CERTIFINFO` | certifications (an RNCP code as France compétences names it, `RNCP34828`, whether the file writes `34828` or `RNCP34828`; written back as the number) |
//! | `certifiante`, `code-niveau-entree` | certifying (0 or 1), entry level (dict-niveaux) |
//! | `organisme-formation-responsable`: `nom-organisme` (else `raison-sociale`), `SIRET-organisme-formation/SIRET` | the body that runs it |
//! | action `code-public-vise`, `organisme-financeur/code-financeur`, `modalites-enseignement` | publics (dict-public-vise-formacode V10 or V9), funders (dict-financeurs, or its Formacode V10 codes, dict-financeurs-formacodes-V10), teaching mode (dict-modalites-enseignement: 0 in person, 1 mixed, 2 at a distance) |
//! | action `lieu-de-formation/coordonnees/adresse` (the first place): `ligne`, `codepostal`, `ville`, `code-INSEE-commune`, `geolocalisation` | the place: lines, postcode, city, commune (the file's, else the one commune the postcode names), point |
//! | action `nombre-heures-centre`, `-entreprise`, `-total` | hours |
//! | session `periode/debut`, `periode/fin`, `etat-recrutement` | start, end, recruitment (1 open, 2 closed, 3 suspended) |
//! | `url-session/urlweb`, else `url-action/urlweb` | web address |
//!
//! The index gives, for each `resume-offre`, the same as a formation and its action (the
//! body's `nom-organisme` and `SIRET`, the place's `codepostal`, `code-INSEE-commune` and
//! `ville`, `nombre-heures-total`) and its `session`s; its `numero`
//! (`14_AF_0000011179_SE_0000093700`) names the action before `_SE_`, and stands for the
//! formation too (the index has no formation number); a session without its own `numero`
//! takes the offer's when it is the offer's only one; its `href` is the web address.
//!
//! An element without a `numero` gets a key derived from its content: `sha:` and 16
//! hexadecimal digits of a hash of it, the same on every import of the same content (a changed
//! element is then a new one).
//!
//! What files in the field do, read as meant: dates `YYYYMMDD` whose day is `00` (the month
//! only: `20250300`), month and day `0000` (the year only), `00000000` (unknown) and
//! `99999999` (no end); rich text HTML-escaped inside the element (`&lt;p&gt;Objectif&amp;nbsp;:`);
//! HTML character names (`&eacute;`) and stray entities; several ROME codes per formation;
//! the point in `extras` as the Carif-Oref add it (`<extras info="geolocalisation"><extra
//! info="latitude">48.85</extra>…`, or `latitude` and `longitude` elements in an `extra`);
//! address lines holding only a placeholder (`-`), left out; titles over several lines;
//! a file in ISO-8859-1 or another encoding its declaration names (UTF-16 is refused: convert
//! the file to UTF-8).
//!
//! A problem is a reject: the path of the element, with its place among same-named siblings
//! (from 1) wherever the definition allows more than one,
//! `/lheo/offres/formation[3]/action[1]/session[2]/periode/debut`, and the reason. A reject
//! leaves out the smallest whole unit it is in: the session, the action with its sessions, the
//! formation with its actions, the index's offer; the rest is read. Checked: each element read
//! has the children the definition requires and no more than it allows
//! (`missing mandatory element intitule-formation`, `at most 5 code-ROME`); codes are in their
//! lists (ROME 4.0, the `dict-*` lists) and have their shapes (Formacode five digits, NSF three
//! characters, RNCP and CERTIFINFO digits); dates are in the calendar (`20240230` is not) and a
//! session ends no earlier than it starts (a month or a year taken at its widest); SIRETs,
//! postcodes and INSEE codes are valid, the commune known; texts have no control characters,
//! titles at most 255 characters; latitude and longitude come together, within range. A text
//! (or a tag) of more than 100,000 bytes is not read (nor held in memory): its unit is rejected
//! as too long; so is a unit of more than 10,000 elements, a formation of more than 10,000
//! sessions.
//!
//! The whole file is refused, with why, when it is not XML (`malformed XML at line 12 (byte
//! 480): …`), has another root than `lheo` or `lheo-index`, another namespace than the two
//! above (or none), an unknown encoding, or elements nested more than 64 deep. Records read
//! before such an error are handed over already: an import stores nothing unless the whole
//! file was read.
//!
//! The writer writes LHEO 2.3 full offers: a `formation` for consecutive sessions of the same
//! formation, an `action` for consecutive ones of the same action (sorted by their keys); the
//! objective as one HTML paragraph, escaped. Every element the definition makes mandatory is
//! there: what Passerelle does not keep gets a neutral value (the contact is the body, the
//! registration address the place), what a record leaves empty (no objective, no entry level,
//! no SIRET, no public, no teaching mode, no postcode or city) gets a sensible one that the
//! unit names in `<extras info="passerelle"><extra info="remplissage">` and that Passerelle's
//! reader leaves out, so that a file written reads back as the same records. At most what the
//! definition allows is written of each list (5 ROME codes, 5 Formacode, 3 NSF, 5
//! certifications, 10 publics, 8 funders, 4 address lines).

mod guard;
mod map;
mod read;
mod tree;
mod values;
mod write;

use std::fmt;

pub use read::read_each;
pub use write::write;

/// The namespace of LHEO 2.3, which the writer writes.
pub const NAMESPACE_2_3: &str = "http://lheo.gouv.fr/2.3";
/// The namespace of LHEO 2.2.
pub const NAMESPACE_2_2: &str = "http://www.lheo.org/2.2";
/// A text (or a tag) longer than this many bytes is not read: its unit is rejected.
pub const TEXT_LIMIT: usize = 100_000;
/// A unit (formation, action, session, index offer) of more elements is rejected.
pub const UNIT_ELEMENTS: usize = 10_000;
/// A formation of more sessions is rejected (its sessions are held until it ends).
pub const FORMATION_SESSIONS: usize = 10_000;
/// Elements nested deeper make the file unreadable.
pub const MAX_DEPTH: usize = 64;

/// A problem in a catalogue: where (the element's path) and why. It leaves out the smallest
/// unit it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// `/lheo/offres/formation[3]/action[1]/session[2]/periode/debut`.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// The version of LHEO a file is in, from its namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Lheo2_2,
    Lheo2_3,
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `lheo/offres/formation…`: the full offer.
    Offers,
    /// `lheo-index/resumes-offres/resume-offre…`: the Carif-Oref search index.
    Index,
}

/// What was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSummary {
    pub version: Version,
    pub shape: Shape,
    /// Sessions handed over as records.
    pub sessions: usize,
    /// Sessions left out by a reject (theirs, or their action's or formation's).
    pub dropped: usize,
    /// Rejects handed over.
    pub rejects: usize,
}

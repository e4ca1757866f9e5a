//! Reading a catalogue, streaming: the XML events of the file are read one by one; only the
//! unit being read is held (a formation without its actions, an action without its sessions,
//! a session, an index's offer) plus, until its formation ends, the small parts of the
//! formation's finished actions and sessions (the body that runs them comes after them in the
//! file).

use std::io::BufRead;

use model::trainings::TrainingSessionRecord;
use quick_xml::NsReader;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::guard::{Guard, MARKER};
use super::map::{self, ActionPart, FormationPart, Problems, SessionPart};
use super::tree::{Node, segment};
use super::values::{entity, unescape};
use super::{
    FORMATION_SESSIONS, MAX_DEPTH, NAMESPACE_2_2, NAMESPACE_2_3, ReadSummary, Reject, Shape,
    TEXT_LIMIT, UNIT_ELEMENTS, Version,
};
use crate::FileError;

type Sink<'s> = &'s mut dyn FnMut(Result<TrainingSessionRecord, Reject>);

/// A part read, or what is wrong with it; with the path of its element.
struct Done<T> {
    path: String,
    part: Result<T, Problems>,
}

impl<T> Done<T> {
    fn new(path: String, part: T, problems: Problems) -> Self {
        let part = if problems.is_empty() {
            Ok(part)
        } else {
            Err(problems)
        };
        Self { path, part }
    }
}

type Action = (Done<ActionPart>, Vec<Done<SessionPart>>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Formation,
    Action,
    Session,
    /// An offer of the index (`resume-offre`), its sessions within.
    Offer,
}

/// A unit being read.
struct Unit {
    kind: Kind,
    path: String,
    /// The elements open, the unit's own first.
    open: Vec<Node>,
    problems: Problems,
    elements: usize,
    /// Elements left unread inside, past [`UNIT_ELEMENTS`].
    skipping: usize,
    /// An action's sessions read.
    sessions: Vec<Done<SessionPart>>,
    /// A formation's actions read, with their sessions.
    actions: Vec<Action>,
    /// A formation's sessions held, and those left out past [`FORMATION_SESSIONS`].
    held: usize,
    unheld: usize,
}

impl Unit {
    fn new(kind: Kind, path: String, node: Node) -> Self {
        Self {
            kind,
            path,
            open: vec![node],
            problems: Vec::new(),
            elements: 1,
            skipping: 0,
            sessions: Vec::new(),
            actions: Vec::new(),
            held: 0,
            unheld: 0,
        }
    }

    /// The path of the innermost open element.
    fn open_path(&self) -> String {
        let mut path = self.path.clone();
        for pair in self.open.windows(2) {
            if let [parent, child] = pair {
                path.push('/');
                path.push_str(&segment(&parent.name, &child.name, child.index));
            }
        }
        path
    }

    fn too_long(&mut self) {
        let path = self.open_path();
        if let Some(node) = self.open.last_mut()
            && !node.overflowed
        {
            node.overflowed = true;
            self.problems.push(Reject {
                path,
                reason: format!("too long: more than {TEXT_LIMIT} bytes (left unread)"),
            });
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 {
            return;
        }
        let Some(node) = self.open.last_mut() else {
            return;
        };
        if node.overflowed {
            return;
        }
        if node.text.len() + text.len() > TEXT_LIMIT {
            self.too_long();
        } else {
            node.text.push_str(text);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    /// `offres` or `resumes-offres`.
    Container,
    Ignored,
}

/// An element outside the units.
struct Outer {
    name: String,
    path: String,
    role: Role,
    /// Its children seen, by name.
    counts: Vec<(String, u32)>,
}

impl Outer {
    fn count(&mut self, name: &str) -> u32 {
        match self.counts.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.counts.push((name.to_string(), 1));
                1
            }
        }
    }
}

struct Parser<'s> {
    sink: Sink<'s>,
    found: Option<(Version, Shape)>,
    sessions: usize,
    dropped: usize,
    rejects: usize,
    depth: usize,
    outer: Vec<Outer>,
    units: Vec<Unit>,
}

/// Reads a catalogue in LHEO 2.2 or 2.3, full offer or index, handing each session to `sink`
/// as its record, or each problem as a [`Reject`], as soon as its unit is read. A
/// [`FileError`] says why the file cannot be read at all; it may come after records were
/// handed over (a file cut short, malformed further on): store them only once this returns
/// `Ok`.
pub fn read_each(
    input: impl BufRead,
    sink: &mut dyn FnMut(Result<TrainingSessionRecord, Reject>),
) -> Result<ReadSummary, FileError> {
    let mut reader = NsReader::from_reader(Guard::new(input, TEXT_LIMIT));
    reader.config_mut().expand_empty_elements = true;
    let mut parser = Parser {
        sink,
        found: None,
        sessions: 0,
        dropped: 0,
        rejects: 0,
        depth: 0,
        outer: Vec::new(),
        units: Vec::new(),
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (namespace, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(read) => read,
            Err(err) => return Err(malformed(&reader, &err)),
        };
        let root_namespace = (parser.depth == 0).then(|| describe(&namespace));
        let decoder = reader.decoder();
        let line = reader.get_ref().line();
        match event {
            Event::Start(start) => {
                parser.depth += 1;
                if parser.depth > MAX_DEPTH {
                    return Err(FileError(format!(
                        "line {line}: elements nested more than {MAX_DEPTH} deep"
                    )));
                }
                if root_namespace.is_some() {
                    unreadable_encoding(decoder)?;
                }
                let name = decoder
                    .decode(start.local_name().as_ref())
                    .map_err(|err| FileError(format!("line {line}: an element's name: {err}")))?
                    .into_owned();
                match root_namespace {
                    Some(namespace) => parser.root(name, &namespace)?,
                    None => parser.start(name, &start, decoder, line)?,
                }
            }
            Event::End(_) => {
                parser.depth = parser.depth.saturating_sub(1);
                parser.end();
            }
            Event::Text(text) => parser.raw_text(&text, text.xml10_content().ok()),
            Event::CData(text) => parser.raw_text(&text, text.xml10_content().ok()),
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap_or_default();
                let resolved = match name.strip_prefix('#') {
                    Some(_) => reference.resolve_char_ref().ok().flatten(),
                    None => entity(&name),
                };
                let text = resolved.map_or_else(|| format!("&{name};"), String::from);
                parser.raw_text(&reference, Some(text.into()));
            }
            Event::Decl(declaration) => {
                if let Some(Ok(label)) = declaration.encoding()
                    && declaration.encoder().is_none()
                {
                    return Err(FileError(format!(
                        "the encoding {} is unknown: convert the file to UTF-8",
                        String::from_utf8_lossy(&label)
                    )));
                }
                unreadable_encoding(decoder)?;
            }
            Event::Eof => break,
            // `Empty` comes expanded into `Start` and `End`.
            Event::Empty(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if parser.depth > 0 {
        return Err(FileError(
            "the file ends inside an element: it was cut short".to_string(),
        ));
    }
    let Some((version, shape)) = parser.found else {
        return Err(FileError(
            "no XML element: an LHEO catalogue starts with <lheo> or <lheo-index>".to_string(),
        ));
    };
    Ok(ReadSummary {
        version,
        shape,
        sessions: parser.sessions,
        dropped: parser.dropped,
        rejects: parser.rejects,
    })
}

/// UTF-16 (and the other encodings that are not a superset of ASCII) cannot be read.
fn unreadable_encoding(decoder: Decoder) -> Result<(), FileError> {
    let name = decoder.encoding().name();
    if name.starts_with("UTF-16") || name == "ISO-2022-JP" {
        return Err(FileError(format!(
            "the encoding {name} is not read: convert the file to UTF-8"
        )));
    }
    Ok(())
}

fn malformed<R: std::io::Read>(reader: &NsReader<Guard<R>>, err: &quick_xml::Error) -> FileError {
    if let Err(encoding) = unreadable_encoding(reader.decoder()) {
        return encoding;
    }
    match err {
        quick_xml::Error::Io(io) => FileError(format!("cannot read the file: {io}")),
        _ => FileError(format!(
            "malformed XML at line {} (byte {}): {err}",
            reader.get_ref().line(),
            reader.error_position()
        )),
    }
}

fn describe(namespace: &ResolveResult) -> Result<String, String> {
    match namespace {
        ResolveResult::Bound(ns) => Ok(String::from_utf8_lossy(ns.as_ref()).into_owned()),
        ResolveResult::Unbound => Err("missing".to_string()),
        ResolveResult::Unknown(prefix) => Err(format!(
            "an undeclared prefix {:?}",
            String::from_utf8_lossy(prefix)
        )),
    }
}

/// An element's attributes (namespace declarations aside), entities resolved.
fn attributes(
    start: &BytesStart,
    decoder: Decoder,
    line: u64,
) -> Result<Vec<(String, String)>, FileError> {
    let mut found = Vec::new();
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|err| FileError(format!("malformed XML at line {line}: {err}")))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let decode = |bytes: &[u8]| {
            decoder
                .decode(bytes)
                .map(|text| text.into_owned())
                .map_err(|err| FileError(format!("line {line}: an attribute: {err}")))
        };
        let name = decode(attribute.key.local_name().as_ref())?;
        let value = unescape(&decode(&attribute.value)?);
        found.push((name, value));
    }
    Ok(found)
}

impl Parser<'_> {
    fn root(&mut self, name: String, namespace: &Result<String, String>) -> Result<(), FileError> {
        if self.found.is_some() {
            return Err(FileError(format!(
                "a second root element <{name}>: a file holds one catalogue"
            )));
        }
        let shape = match name.as_str() {
            "lheo" => Shape::Offers,
            "lheo-index" => Shape::Index,
            _ => {
                return Err(FileError(format!(
                    "the root element is <{name}>: an LHEO catalogue starts with <lheo> (a full \
                     offer) or <lheo-index> (a Carif-Oref search index)"
                )));
            }
        };
        let version = match namespace.as_deref() {
            Ok(NAMESPACE_2_3) => Version::Lheo2_3,
            Ok(NAMESPACE_2_2) => Version::Lheo2_2,
            other => {
                let found = match other {
                    Ok(namespace) => format!("\"{namespace}\""),
                    Err(described) => described.clone(),
                };
                return Err(FileError(format!(
                    "the namespace of <{name}> is {found}: LHEO catalogues use \
                     \"{NAMESPACE_2_3}\" (LHEO 2.3) or \"{NAMESPACE_2_2}\" (LHEO 2.2)"
                )));
            }
        };
        self.found = Some((version, shape));
        self.outer.push(Outer {
            path: format!("/{name}"),
            name,
            role: Role::Root,
            counts: Vec::new(),
        });
        Ok(())
    }

    fn start(
        &mut self,
        name: String,
        start: &BytesStart,
        decoder: Decoder,
        line: u64,
    ) -> Result<(), FileError> {
        let too_long = start.contains(&MARKER);
        if let Some(unit) = self.units.last_mut() {
            if unit.skipping > 0 {
                unit.skipping += 1;
                return Ok(());
            }
            if unit.elements >= UNIT_ELEMENTS {
                if unit.elements == UNIT_ELEMENTS {
                    let path = unit.open_path();
                    unit.problems.push(Reject {
                        path,
                        reason: format!("more than {UNIT_ELEMENTS} elements (left unread)"),
                    });
                }
                unit.elements += 1;
                unit.skipping = 1;
                return Ok(());
            }
            let attributes = if too_long {
                Vec::new()
            } else {
                attributes(start, decoder, line)?
            };
            let depth = unit.open.len();
            let Some(parent) = unit.open.last_mut() else {
                return Ok(());
            };
            let index = parent.next_index(&name);
            let sub_unit = match (unit.kind, depth, name.as_str()) {
                (Kind::Formation, 1, "action") => Some(Kind::Action),
                (Kind::Action, 1, "session") => Some(Kind::Session),
                _ => None,
            };
            unit.elements += 1;
            let node = Node::new(name, index, attributes);
            match sub_unit {
                Some(kind) => {
                    // The parent keeps a bare element, for its cardinalities.
                    parent
                        .children
                        .push(Node::new(node.name.clone(), index, Vec::new()));
                    let path =
                        format!("{}/{}", unit.path, segment(&parent.name, &node.name, index));
                    self.units.push(Unit::new(kind, path, node));
                }
                None => unit.open.push(node),
            }
            if too_long && let Some(unit) = self.units.last_mut() {
                unit.too_long();
            }
            return Ok(());
        }
        let Some(parent) = self.outer.last_mut() else {
            return Ok(());
        };
        let index = parent.count(&name);
        let path = format!("{}/{}", parent.path, segment(&parent.name, &name, index));
        let kind = match (parent.role, parent.name.as_str(), name.as_str()) {
            (Role::Root, "lheo", "offres") | (Role::Root, "lheo-index", "resumes-offres") => None,
            (Role::Container, "offres", "formation") => Some(Kind::Formation),
            (Role::Container, "resumes-offres", "resume-offre") => Some(Kind::Offer),
            _ => {
                self.outer.push(Outer {
                    name,
                    path,
                    role: Role::Ignored,
                    counts: Vec::new(),
                });
                return Ok(());
            }
        };
        match kind {
            Some(kind) => {
                let attributes = if too_long {
                    Vec::new()
                } else {
                    attributes(start, decoder, line)?
                };
                let mut unit = Unit::new(kind, path, Node::new(name, index, attributes));
                if too_long {
                    unit.too_long();
                }
                self.units.push(unit);
            }
            None => self.outer.push(Outer {
                name,
                path,
                role: Role::Container,
                counts: Vec::new(),
            }),
        }
        Ok(())
    }

    /// Text of the innermost element: as decoded, unless the guard cut it short.
    fn raw_text(&mut self, raw: &[u8], decoded: Option<std::borrow::Cow<str>>) {
        let Some(unit) = self.units.last_mut() else {
            return;
        };
        if unit.skipping > 0 {
            return;
        }
        if raw.contains(&MARKER) {
            unit.too_long();
            return;
        }
        match decoded {
            Some(text) => unit.text(&text),
            None => {
                let path = unit.open_path();
                unit.problems.push(Reject {
                    path,
                    reason: "the text is not in the file's encoding (UTF-8 unless declared)"
                        .to_string(),
                });
            }
        }
    }

    fn end(&mut self) {
        if let Some(unit) = self.units.last_mut() {
            if unit.skipping > 0 {
                unit.skipping -= 1;
                return;
            }
            if unit.open.len() > 1 {
                if let Some(node) = unit.open.pop()
                    && let Some(parent) = unit.open.last_mut()
                {
                    parent.children.push(node);
                }
                return;
            }
            if let Some(unit) = self.units.pop() {
                self.finish(unit);
            }
            return;
        }
        if let Some(outer) = self.outer.pop()
            && outer.role != Role::Ignored
        {
            self.check_outer(&outer);
        }
    }

    /// The definition's cardinalities for `lheo`, `offres`, `lheo-index`, `resumes-offres`.
    fn check_outer(&mut self, outer: &Outer) {
        let mut problems = Vec::new();
        map::cardinalities(&outer.name, &outer.path, &mut problems, |name| {
            outer
                .counts
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, count)| *count as usize)
        });
        self.reject_all(problems);
    }

    fn finish(&mut self, mut unit: Unit) {
        let Some(node) = unit.open.pop() else {
            return;
        };
        match unit.kind {
            Kind::Session => {
                let part = map::session(&node, &unit.path, None, &mut unit.problems);
                let done = Done::new(unit.path, part, unit.problems);
                let Some(formation) = self.units.first_mut() else {
                    return;
                };
                formation.held += 1;
                if formation.held > FORMATION_SESSIONS {
                    if formation.unheld == 0 {
                        formation.problems.push(Reject {
                            path: formation.path.clone(),
                            reason: format!(
                                "more than {FORMATION_SESSIONS} sessions: split the formation"
                            ),
                        });
                    }
                    formation.unheld += 1;
                } else if let Some(action) = self.units.last_mut() {
                    action.sessions.push(done);
                }
            }
            Kind::Action => {
                let part = map::action(&node, &unit.path, &mut unit.problems);
                let done = Done::new(unit.path, part, unit.problems);
                if let Some(formation) = self.units.last_mut() {
                    formation.actions.push((done, unit.sessions));
                }
            }
            Kind::Formation => {
                let part = map::formation(&node, &unit.path, &mut unit.problems);
                self.dropped += unit.unheld;
                self.emit(Done::new(unit.path, part, unit.problems), unit.actions);
            }
            Kind::Offer => {
                let (formation, action) = map::offer(&node, &unit.path, &mut unit.problems);
                let fallback = map::offer_session_ref(&node);
                let sessions = node
                    .each("session", &unit.path)
                    .map(|(session, path)| {
                        let mut problems = Vec::new();
                        let part = map::session(session, &path, fallback, &mut problems);
                        Done::new(path, part, problems)
                    })
                    .collect();
                let action = Done::new(unit.path.clone(), action, Vec::new());
                self.emit(
                    Done::new(unit.path, formation, unit.problems),
                    vec![(action, sessions)],
                );
            }
        }
    }

    /// Hands over the sessions of a formation read, or the rejects that leave them out.
    fn emit(&mut self, formation: Done<FormationPart>, actions: Vec<Action>) {
        let formation = match formation.part {
            Ok(part) => Some(part),
            Err(problems) => {
                self.reject_all(problems);
                None
            }
        };
        for (action, sessions) in actions {
            let action = match action.part {
                Ok(part) => Some(part),
                Err(problems) => {
                    self.reject_all(problems);
                    None
                }
            };
            for session in sessions {
                let (part, path) = match session.part {
                    Ok(part) => (part, session.path),
                    Err(problems) => {
                        self.dropped += 1;
                        self.reject_all(problems);
                        continue;
                    }
                };
                let (Some(formation), Some(action)) = (&formation, &action) else {
                    self.dropped += 1;
                    continue;
                };
                match map::record(formation, action, part) {
                    Some(record) => {
                        self.sessions += 1;
                        (self.sink)(Ok(record));
                    }
                    None => {
                        self.dropped += 1;
                        self.reject(Reject {
                            path,
                            reason: "incomplete".to_string(),
                        });
                    }
                }
            }
        }
    }

    fn reject_all(&mut self, problems: Problems) {
        for problem in problems {
            self.reject(problem);
        }
    }

    fn reject(&mut self, reject: Reject) {
        self.rejects += 1;
        (self.sink)(Err(reject));
    }
}

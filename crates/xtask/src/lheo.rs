//! LHEO 2.3, the exchange language of training catalogues (`../shared/data/lheo-2.3/`): the
//! children each element of the definition (`lheo-gml.xml`) may have, with their cardinalities,
//! and the code lists (`dict-*.xml`), for the reader of `crates/exchange` to check files against.
//!
//! `lheo/elements.tsv`: `parent`, `order` (the child's place in the parent's sequence, from 01),
//! `child`, `min`, `max` (`unbounded` where the definition writes `max="0"`); a missing `min` or
//! `max` is 1, as in the definition. `lheo/codes.tsv`: `list`, `code`, `label` (French): the
//! lists the definition holds (`dict-financeurs`, `dict-niveaux`, `dict-boolean`...), by their
//! names, then those of the `dict-*.xml` files it does not (named after the file:
//! `dict-public-vise-formacode-V10`, `dict-FOAD`...); where both have a list, the definition's
//! is the one of version 2.3.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};

use crate::tsv::{Files, Table};

/// What `data/ATTRIBUTION.md` says of these tables.
pub const ATTRIBUTION: &str = "\n## LHEO 2.3\n\n\
    `lheo-2.3/`: the definition of LHEO (Langage Harmonisé d'Échange d'informations sur l'Offre\n\
    de formation), the exchange language of the Carif-Oref network and France Travail, from the\n\
    public repository of the language's definition, lheo/lheo-schema (commits bdb4cc8 for\n\
    `lheo-gml.xml`, eeb306f for the `dict-*.xml` code lists). The repository states no licence;\n\
    these are the published definition of a public exchange standard. `lheo/elements.tsv`: each\n\
    element's children with their order and cardinalities; `lheo/codes.tsv`: the code lists,\n\
    those of the definition (version 2.3's where a file has an older one) and those of the\n\
    files it does not hold (Formacode lists of publics and funders, FOAD).\n";

/// One child of a definition's content, as the definition writes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Element {
    pub parent: String,
    pub child: String,
    pub min: u32,
    /// `None`: unbounded.
    pub max: Option<u32>,
}

/// A cardinality attribute: absent is 1, `0` for `max` is unbounded.
fn cardinality(start: &BytesStart, name: &str, decoder: Decoder) -> Result<Option<u32>> {
    match attribute(start, name, decoder)? {
        None => Ok(Some(1)),
        Some(text) => {
            let value: u32 = text
                .trim()
                .parse()
                .with_context(|| format!("{name}={text:?} is not a number"))?;
            Ok((name == "min" || value != 0).then_some(value))
        }
    }
}

fn attribute(start: &BytesStart, name: &str, decoder: Decoder) -> Result<Option<String>> {
    for attr in start.attributes() {
        let attr = attr?;
        if attr.key.local_name().as_ref() == name.as_bytes() {
            return Ok(Some(
                attr.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)?
                    .into_owned(),
            ));
        }
    }
    Ok(None)
}

fn local_name(start: &BytesStart) -> Vec<u8> {
    start.local_name().as_ref().to_vec()
}

/// What `walk` hands over of an XML document: an element opened (or empty), with the decoder
/// of its attributes, or the local name of one closed.
enum Tag<'a> {
    Open(&'a BytesStart<'a>, Decoder),
    Close(&'a [u8]),
}

/// Reads an XML document to its end, handing each element's opening and closing to `on`.
fn walk(xml: &str, mut on: impl FnMut(Tag<'_>) -> Result<()>) -> Result<()> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        let decoder = reader.decoder();
        let event = reader
            .read_event()
            .with_context(|| format!("malformed XML at byte {}", reader.error_position()))?;
        match event {
            Event::Start(start) | Event::Empty(start) => on(Tag::Open(&start, decoder))?,
            Event::End(end) => on(Tag::Close(end.local_name().as_ref()))?,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The children of every definition of a GML file, in the order of its sequences.
pub fn elements(gml: &str) -> Result<Vec<Element>> {
    let mut found = Vec::new();
    let mut definition: Option<String> = None;
    let mut in_type = false;
    // The cardinalities of the `choice` being read: its `choice_element`s take them.
    let mut choice: Option<(Option<u32>, Option<u32>)> = None;
    walk(gml, |tag| {
        match tag {
            Tag::Open(start, decoder) => match local_name(start).as_slice() {
                b"definition" => {
                    definition = attribute(start, "name", decoder)?;
                    in_type = false;
                }
                b"element_type" => in_type = true,
                b"choice" if in_type => {
                    choice = Some((
                        cardinality(start, "min", decoder)?,
                        cardinality(start, "max", decoder)?,
                    ));
                }
                name @ (b"element" | b"choice_element") if in_type => {
                    let (Some(parent), Some(child)) =
                        (&definition, attribute(start, "name", decoder)?)
                    else {
                        bail!("an element without a name or outside a definition");
                    };
                    let (min, max) = match (name, choice) {
                        (b"choice_element", Some(bounds)) => bounds,
                        _ => (
                            cardinality(start, "min", decoder)?,
                            cardinality(start, "max", decoder)?,
                        ),
                    };
                    found.push(Element {
                        parent: parent.clone(),
                        child,
                        min: min.unwrap_or(0),
                        max,
                    });
                }
                _ => {}
            },
            Tag::Close(name) => match name {
                b"definition" => definition = None,
                b"element_type" => in_type = false,
                b"choice" => choice = None,
                _ => {}
            },
        }
        Ok(())
    })?;
    Ok(found)
}

/// A code list: its name (the `dict` element's, if it has one) and its (code, label) entries.
#[derive(Debug, PartialEq, Eq)]
pub struct Dict {
    pub name: Option<String>,
    pub entries: Vec<(String, String)>,
}

/// The code lists (`dict` elements) of a document, each entry with its first label.
pub fn dicts(text: &str) -> Result<Vec<Dict>> {
    let mut found = Vec::new();
    let mut dict: Option<Dict> = None;
    let mut entry: Option<(Option<String>, Option<String>)> = None;
    walk(text, |tag| {
        match tag {
            Tag::Open(start, decoder) => match local_name(start).as_slice() {
                b"dict" => {
                    dict = Some(Dict {
                        name: attribute(start, "name", decoder)?,
                        entries: Vec::new(),
                    });
                }
                b"entry" => entry = Some((None, None)),
                b"key" => {
                    if let Some((key, _)) = entry.as_mut() {
                        *key = attribute(start, "val", decoder)?;
                    }
                }
                b"value" => {
                    if let Some((_, value @ None)) = entry.as_mut() {
                        *value = attribute(start, "val", decoder)?;
                    }
                }
                _ => {}
            },
            Tag::Close(name) => match name {
                b"entry" => match (entry.take(), dict.as_mut()) {
                    (Some((Some(code), Some(label))), Some(dict)) => {
                        dict.entries
                            .push((code.trim().to_string(), label.trim().to_string()));
                    }
                    _ => bail!("an entry without a key or a value, or outside a list"),
                },
                b"dict" => match dict.take() {
                    Some(done) if !done.entries.is_empty() => found.push(done),
                    _ => bail!("a list without entries"),
                },
                _ => {}
            },
        }
        Ok(())
    })?;
    Ok(found)
}

pub fn generate(dir: &Path, files: &mut Files) -> Result<()> {
    let gml_path = dir.join("lheo-gml.xml");
    let gml = std::fs::read_to_string(&gml_path)
        .with_context(|| format!("reading {}", gml_path.display()))?;
    let elements = elements(&gml).with_context(|| format!("in {}", gml_path.display()))?;
    let mut table = Table::new(&["parent", "order", "child", "min", "max"]);
    let mut seen = BTreeSet::new();
    let mut order = 0;
    let mut previous_parent = "";
    for element in &elements {
        if element.parent != previous_parent {
            order = 0;
            previous_parent = &element.parent;
        }
        order += 1;
        if !seen.insert((element.parent.as_str(), element.child.as_str())) {
            bail!(
                "{} has {} twice in its definition",
                element.parent,
                element.child
            );
        }
        let max = element
            .max
            .map_or_else(|| "unbounded".to_string(), |m| m.to_string());
        table.row(&[
            element.parent.as_str(),
            &format!("{order:02}"),
            element.child.as_str(),
            &element.min.to_string(),
            &max,
        ])?;
    }
    files.add("lheo/elements.tsv", table.render());

    // The definition's own lists first; the files add the lists it does not have.
    let mut lists: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for dict in dicts(&gml).with_context(|| format!("in {}", gml_path.display()))? {
        let name = dict
            .name
            .context("a list of the definition without a name")?;
        lists.insert(name, dict.entries);
    }
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("dict-") && n.ends_with(".xml"))
        })
        .collect();
    paths.sort();
    for path in &paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a code list's name is not UTF-8")?;
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let found = dicts(&text).with_context(|| format!("in {}", path.display()))?;
        let [dict] = <[Dict; 1]>::try_from(found)
            .map_err(|_| anyhow::anyhow!("{}: expected one list", path.display()))?;
        lists.entry(name.to_string()).or_insert(dict.entries);
    }
    let mut codes = Table::new(&["list", "code", "label"]);
    let mut counts = Vec::new();
    for (list, entries) in &lists {
        counts.push(format!("{} {list}", entries.len()));
        for (code, label) in entries {
            codes.row(&[list.as_str(), code.as_str(), label.as_str()])?;
        }
    }
    eprintln!(
        "LHEO 2.3: {} parent → child cardinalities; codes: {}",
        elements.len(),
        counts.join(", ")
    );
    files.add("lheo/codes.tsv", codes.render());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinalities_default_to_one_and_max_zero_is_unbounded() {
        let gml = r#"<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "gml.dtd">
<definitions xmlns="http://www.gelaba.org/gml/1.2">
  <definition name="periode">
    <element_type>
      <sequence>
        <element name="debut" />
        <element name="fin" min="0"/>
        <element name="extras" min="0" max="0"/>
      </sequence>
    </element_type>
    <attribute name="numero" type="optional"><attribute_type><attribute_text/></attribute_type></attribute>
  </definition>
  <definition name="extras">
    <element_type>
      <choice min="0" max="0">
        <choice_element name="extra"/>
      </choice>
    </element_type>
  </definition>
  <definition name="debut"><element_type><basic_date vmin="00000000"/></element_type></definition>
</definitions>"#;
        let found = elements(gml).unwrap();
        let element = |parent: &str, child: &str, min, max| Element {
            parent: parent.into(),
            child: child.into(),
            min,
            max,
        };
        assert_eq!(
            found,
            [
                element("periode", "debut", 1, Some(1)),
                element("periode", "fin", 0, Some(1)),
                element("periode", "extras", 0, None),
                element("extras", "extra", 0, None),
            ]
        );
    }

    #[test]
    fn code_lists_are_read_with_their_names_and_first_labels() {
        let text = r#"<definitions>
  <dict name="dict-x">
    <!-- A COMMENT -->
    <entry><key val="1"/><value xml:lang="fr" val=" ouvert "/><value xml:lang="en" val="open"/></entry>
    <entry><key val="2" /><value xml:lang="fr" val="fermé" /></entry>
  </dict>
  <dict><entry><key val="0"/><value val="non"/></entry></dict>
</definitions>"#;
        assert_eq!(
            dicts(text).unwrap(),
            [
                Dict {
                    name: Some("dict-x".into()),
                    entries: vec![
                        ("1".to_string(), "ouvert".to_string()),
                        ("2".to_string(), "fermé".to_string())
                    ]
                },
                Dict {
                    name: None,
                    entries: vec![("0".to_string(), "non".to_string())]
                }
            ]
        );
        assert!(dicts("<dict><entry><key val=\"1\"/></entry></dict>").is_err());
        assert!(dicts("<dict></dict>").is_err());
    }
}

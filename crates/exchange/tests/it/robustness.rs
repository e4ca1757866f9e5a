//! Every reader driven with arbitrary bytes and with damaged valid files: it never panics, it
//! gives rows or a clean file error, each rejected row names its fields and why, and every
//! record it reads from a damaged file is still a valid record (the format's writer writes it
//! and the reader reads it back as itself). 10,000 cases per reader and kind of input.
//!
//! The damaged files start from the fixtures and from files the writers make of simulated
//! records; the mutations are byte changes, insertions, deletions, duplicated and spliced
//! slices, truncations, repeated delimiters and quotes, invalid UTF-8, huge numbers and deep
//! nesting. `the_undamaged_samples_read_as_expected` checks that the samples are real input.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use domain::Siret;
use exchange::{
    FileError, Row, RowError, inclusion, job_seekers_csv, lheo, offers_csv, offers_json, structures,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

/// Cases per reader and kind of input.
const CASES: u32 = 10_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // A failure found is kept as a named regression test below, not as a file.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    OffersJson,
    OffersCsv,
    JobSeekersCsv,
    StructuresCsv,
    StructuresJson,
    InclusionStructures,
    InclusionServices,
    Lheo,
}

/// The structure offers belong to when a file does not say (as `--structure` gives it).
fn owner() -> Siret {
    Siret::parse("73282932000074").unwrap()
}

/// A valid file and how many rows (or LHEO rejects) it holds that are refused.
struct Sample {
    name: &'static str,
    bytes: Vec<u8>,
    rejects: usize,
}

struct Samples {
    by_format: HashMap<&'static str, Vec<Sample>>,
    /// The data·inclusion structure ids of the simulated structures, for the services file.
    inclusion_ids: BTreeMap<String, Siret>,
}

fn key(format: Format) -> &'static str {
    match format {
        Format::OffersJson => "offers_json",
        Format::OffersCsv => "offers_csv",
        Format::JobSeekersCsv => "job_seekers_csv",
        Format::StructuresCsv => "structures_csv",
        Format::StructuresJson => "structures_json",
        Format::InclusionStructures => "inclusion_structures",
        Format::InclusionServices => "inclusion_services",
        Format::Lheo => "lheo",
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn sample(name: &'static str, bytes: Vec<u8>, rejects: usize) -> Sample {
    Sample {
        name,
        bytes,
        rejects,
    }
}

/// Few records per file: the mutations, not the size, find the problems.
const RECORDS: usize = 5;

static SAMPLES: LazyLock<Samples> = LazyLock::new(|| {
    let config = simulate::Config::new(
        "11",
        0.001,
        5,
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    )
    .unwrap();
    let region = simulate::Region::new(config).unwrap();
    let as_of = region.config().as_of();
    let offers: Vec<_> = (0..region.offer_count())
        .filter_map(|i| region.offer(i))
        .take(RECORDS)
        .collect();
    let seekers: Vec<_> = (0..region.job_seeker_count())
        .filter_map(|i| region.job_seeker(i))
        .take(RECORDS)
        .collect();
    let kept: Vec<_> = region.structures().iter().take(RECORDS).cloned().collect();
    let services: Vec<_> = region
        .services()
        .into_iter()
        .filter(|s| kept.iter().any(|k| k.siret == s.structure_siret))
        .take(RECORDS)
        .collect();
    assert_eq!(services.len(), RECORDS, "the kept structures have services");

    let write = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        out
    };
    let dated: Vec<_> = kept.iter().map(|s| (s.clone(), as_of)).collect();
    let inclusion_structures =
        serde_json::to_vec_pretty(&inclusion::write_structures(&dated, &HashMap::new())).unwrap();
    let inclusion_services =
        serde_json::to_vec_pretty(&inclusion::write_services(&services)).unwrap();
    let inclusion_ids = kept
        .iter()
        .map(|s| (inclusion::structure_id(&s.siret), s.siret.clone()))
        .collect();

    let lheo_fixtures = [
        "lheo/offres-2.3.xml",
        "lheo/offres-2.2-latin1.xml",
        "lheo/index-2.2.xml",
    ];
    let mut lheo_records = Vec::new();
    let mut lheo_samples = Vec::new();
    for name in lheo_fixtures {
        let bytes = fixture(name);
        let mut rejects = 0;
        lheo::read_each(bytes.as_slice(), &mut |item| match item {
            Ok(record) => lheo_records.push(record),
            Err(_) => rejects += 1,
        })
        .unwrap();
        lheo_samples.push(sample(name, bytes, rejects));
    }
    lheo_samples.push(sample(
        "lheo written",
        write(&|out| lheo::write(out, &lheo_records)),
        0,
    ));

    let mut by_format = HashMap::new();
    by_format.insert(
        key(Format::OffersJson),
        vec![
            sample(
                "offres-france-travail.json",
                fixture("offres-france-travail.json"),
                1,
            ),
            sample(
                "offers written",
                write(&|out| offers_json::write(&offers, out)),
                0,
            ),
        ],
    );
    by_format.insert(
        key(Format::OffersCsv),
        vec![sample(
            "offers written",
            write(&|out| offers_csv::write(&offers, out)),
            0,
        )],
    );
    by_format.insert(
        key(Format::JobSeekersCsv),
        vec![
            sample("demandeurs.csv", fixture("demandeurs.csv"), 1),
            sample(
                "job seekers written",
                write(&|out| job_seekers_csv::write(&seekers, out)),
                0,
            ),
        ],
    );
    by_format.insert(
        key(Format::StructuresCsv),
        vec![
            sample("structures.csv", fixture("structures.csv"), 1),
            sample(
                "structures written",
                write(&|out| structures::write_csv(&kept, out)),
                0,
            ),
        ],
    );
    by_format.insert(
        key(Format::StructuresJson),
        vec![sample(
            "structures written",
            write(&|out| structures::write_json(&kept, out)),
            0,
        )],
    );
    by_format.insert(
        key(Format::InclusionStructures),
        vec![sample("structures written", inclusion_structures, 0)],
    );
    by_format.insert(
        key(Format::InclusionServices),
        vec![sample("services written", inclusion_services, 0)],
    );
    by_format.insert(key(Format::Lheo), lheo_samples);
    Samples {
        by_format,
        inclusion_ids,
    }
});

fn samples(format: Format) -> &'static [Sample] {
    &SAMPLES.by_format[key(format)]
}

/// What a reader made of a file.
#[derive(Debug)]
struct Outcome {
    records: usize,
    rejects: usize,
}

/// Rows in order of position, each rejection naming its fields and why.
fn sound_rows<T>(rows: &[Row<T>]) -> Result<(usize, Vec<&T>), TestCaseError> {
    let mut last = 0;
    let mut rejects = 0;
    let mut records = Vec::new();
    for row in rows {
        let position = match row {
            Ok((position, record)) => {
                records.push(record);
                *position
            }
            Err(RowError { position, errors }) => {
                rejects += 1;
                prop_assert!(
                    !errors.is_empty(),
                    "row {position} rejected without a reason"
                );
                for error in errors {
                    prop_assert!(
                        !error.field.trim().is_empty() && error.field != ".",
                        "row {position}: an error names no field: {error:?}"
                    );
                    prop_assert!(
                        !error.reason.trim().is_empty(),
                        "row {position}: {} without a reason",
                        error.field
                    );
                }
                *position
            }
        };
        prop_assert!(
            position > last,
            "row positions go forward: {position} after {last}"
        );
        last = position;
    }
    Ok((rejects, records))
}

fn file_error(err: &FileError) -> Result<(), TestCaseError> {
    prop_assert!(!err.0.trim().is_empty(), "a file error without a reason");
    Ok(())
}

/// The same records, in any order (writers sort).
fn same_records<T: fmt::Debug>(
    read: &[&T],
    again: Vec<Row<T>>,
    format: Format,
) -> Result<(), TestCaseError> {
    let mut expected: Vec<String> = read.iter().map(|r| format!("{r:?}")).collect();
    let mut found = Vec::new();
    for row in again {
        match row {
            Ok((_, record)) => found.push(format!("{record:?}")),
            Err(err) => {
                return Err(TestCaseError::fail(format!(
                    "{format:?}: a record read does not read back once written: {err:?}"
                )));
            }
        }
    }
    expected.sort();
    found.sort();
    prop_assert_eq!(
        expected,
        found,
        "{:?}: records written and read back",
        format
    );
    Ok(())
}

fn rows<T>(read: Result<Vec<Row<T>>, FileError>) -> Result<Option<Vec<Row<T>>>, TestCaseError> {
    match read {
        Ok(rows) => Ok(Some(rows)),
        Err(err) => file_error(&err).map(|()| None),
    }
}

fn write_out(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    out
}

/// Reads `bytes` as `format`: rows or a clean error, sound rows, records that round-trip.
fn check(format: Format, bytes: &[u8]) -> Result<Option<Outcome>, TestCaseError> {
    macro_rules! table {
        ($read:expr, $write:expr, $read_again:expr) => {{
            let Some(rows) = rows($read)? else {
                return Ok(None);
            };
            let (rejects, records) = sound_rows(&rows)?;
            let owned: Vec<_> = records.iter().map(|r| (*r).clone()).collect();
            let written = write_out(|out| $write(&owned, out));
            same_records(&records, $read_again(&written).unwrap(), format)?;
            Ok(Some(Outcome {
                records: records.len(),
                rejects,
            }))
        }};
    }
    let owner = owner();
    match format {
        Format::OffersJson => table!(
            offers_json::read(bytes, Some(&owner)),
            |r: &[_], out: &mut Vec<u8>| offers_json::write(r, out),
            |b: &[u8]| offers_json::read(b, None)
        ),
        Format::OffersCsv => table!(
            offers_csv::read(bytes, Some(&owner)),
            |r: &[_], out: &mut Vec<u8>| offers_csv::write(r, out),
            |b: &[u8]| offers_csv::read(b, None)
        ),
        Format::JobSeekersCsv => table!(
            job_seekers_csv::read(bytes),
            |r: &[_], out: &mut Vec<u8>| job_seekers_csv::write(r, out),
            job_seekers_csv::read
        ),
        Format::StructuresCsv => table!(
            structures::read_csv(bytes),
            |r: &[_], out: &mut Vec<u8>| structures::write_csv(r, out),
            structures::read_csv
        ),
        Format::StructuresJson => table!(
            structures::read_json(bytes),
            |r: &[_], out: &mut Vec<u8>| structures::write_json(r, out),
            structures::read_json
        ),
        Format::InclusionStructures => {
            let Some(rows) = rows(inclusion::read_structures(bytes))? else {
                return Ok(None);
            };
            let (rejects, read) = sound_rows(&rows)?;
            let dated: Vec<_> = read
                .iter()
                .map(|s| (s.record.clone(), s.profile.updated_on))
                .collect();
            let profiles = read
                .iter()
                .map(|s| (s.record.siret.as_str().to_string(), s.profile.clone()))
                .collect();
            let written = serde_json::to_vec(&inclusion::write_structures(&dated, &profiles))?;
            // The writer keys by SIRET (one structure each) and leaves out addresses the
            // data·inclusion validator refuses; the id becomes ours.
            let mut expected: BTreeMap<String, _> = BTreeMap::new();
            for s in &read {
                let mut record = s.record.clone();
                record.email = record
                    .email
                    .filter(|e| inclusion::publishable_email(e.as_str()));
                expected.insert(
                    s.record.siret.as_str().to_string(),
                    (record, s.profile.clone()),
                );
            }
            let again = inclusion::read_structures(&written).unwrap();
            let mut found = BTreeMap::new();
            for row in again {
                let (_, s) = row.map_err(|err| {
                    TestCaseError::fail(format!("a structure does not read back: {err:?}"))
                })?;
                prop_assert_eq!(&s.id, &inclusion::structure_id(&s.record.siret));
                found.insert(s.record.siret.as_str().to_string(), (s.record, s.profile));
            }
            prop_assert_eq!(
                expected.keys().collect::<Vec<_>>(),
                found.keys().collect::<Vec<_>>()
            );
            for (siret, (record, profile)) in &found {
                // With two structures of one SIRET, the writer kept one of them.
                let candidates: Vec<_> = read
                    .iter()
                    .filter(|s| s.record.siret.as_str() == siret)
                    .collect();
                prop_assert!(
                    candidates.iter().any(|s| {
                        let mut r = s.record.clone();
                        r.email = r.email.filter(|e| inclusion::publishable_email(e.as_str()));
                        &r == record
                    }),
                    "{siret}: {record:?} is none of the records read"
                );
                if candidates.len() == 1 {
                    prop_assert_eq!(&expected[siret], &(record.clone(), profile.clone()));
                }
            }
            Ok(Some(Outcome {
                records: read.len(),
                rejects,
            }))
        }
        Format::InclusionServices => {
            let ids = &SAMPLES.inclusion_ids;
            let Some(rows) = rows(inclusion::read_services(bytes, ids))? else {
                return Ok(None);
            };
            let (rejects, read) = sound_rows(&rows)?;
            let owned: Vec<_> = read.iter().map(|r| (*r).clone()).collect();
            let written = serde_json::to_vec(&inclusion::write_services(&owned))?;
            same_records(
                &read,
                inclusion::read_services(&written, ids).unwrap(),
                format,
            )?;
            Ok(Some(Outcome {
                records: read.len(),
                rejects,
            }))
        }
        Format::Lheo => {
            let mut records = Vec::new();
            let mut rejects = 0;
            let mut bad = None;
            let read = lheo::read_each(bytes, &mut |item| match item {
                Ok(record) => records.push(record),
                Err(reject) => {
                    rejects += 1;
                    if !reject.path.starts_with('/') || reject.reason.trim().is_empty() {
                        bad = Some(reject);
                    }
                }
            });
            if let Some(reject) = bad {
                return Err(TestCaseError::fail(format!(
                    "a reject without its element's path or reason: {reject:?}"
                )));
            }
            if let Err(err) = read {
                // Records handed over before the error are not stored: nothing more to check.
                return file_error(&err).map(|()| None);
            }
            if records.is_empty() {
                // A catalogue needs a formation: there is nothing to write.
                return Ok(Some(Outcome {
                    records: 0,
                    rejects,
                }));
            }
            let written = write_out(|out| lheo::write(out, &records));
            let mut again = Vec::new();
            let mut again_rejects = Vec::new();
            lheo::read_each(written.as_slice(), &mut |item| match item {
                Ok(record) => again.push(record),
                Err(reject) => again_rejects.push(reject),
            })
            .map_err(|err| TestCaseError::fail(format!("written LHEO is unreadable: {err}")))?;
            prop_assert_eq!(again_rejects, vec![], "written LHEO has rejects");
            let read: Vec<_> = records.iter().collect();
            same_records(
                &read,
                again.into_iter().map(|r| Ok((1, r))).collect(),
                format,
            )?;
            Ok(Some(Outcome {
                records: records.len(),
                rejects,
            }))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// Bytes shown as text when a case fails.
#[derive(Clone)]
struct Input(Vec<u8>);

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

fn is_json(format: Format) -> bool {
    matches!(
        format,
        Format::OffersJson
            | Format::StructuresJson
            | Format::InclusionStructures
            | Format::InclusionServices
    )
}

/// What a file of the format starts with, for arbitrary bytes to reach past the first check.
fn heads(format: Format) -> Vec<Vec<u8>> {
    let mut heads = vec![Vec::new()];
    if is_json(format) {
        heads.extend([
            b"[".to_vec(),
            b"[{".to_vec(),
            b"{\"resultats\":[{".to_vec(),
            b"\xEF\xBB\xBF[{\"".to_vec(),
        ]);
    } else if format == Format::Lheo {
        heads.extend([
            b"<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres><formation>".to_vec(),
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><lheo-index xmlns=\"http://www.lheo.org/2.2\"><resumes-offres><resume-offre>".to_vec(),
        ]);
    } else {
        for s in samples(format) {
            let end = s.bytes.iter().position(|b| *b == b'\n').unwrap_or(0);
            heads.push(s.bytes[..=end].to_vec());
        }
    }
    heads
}

/// The bytes that mean something in the format, and values that test a reader's limits.
fn tokens(format: Format) -> Vec<&'static [u8]> {
    let mut tokens: Vec<&'static [u8]> = vec![
        b";",
        b",",
        b"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b"\t",
        b"\0",
        b" ",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3",
        b"\xE9",
        b"\xED\xA0\x80",
        b"\xF4\x90\x80\x80",
        b"99999999999999999999999999999",
        b"-1",
        b"-0",
        b"0",
        b"1e999",
        b"1.7976931348623157e309",
        b"NaN",
        b"inf",
        b"4294967296",
        b"18446744073709551616",
        b"00/00/0000",
        b"31/02/2024",
        b"2024-02-30",
        b"9999-12-31T23:59:59Z",
        b"0000-01-01T00:00:00+14:00",
        b"\xE2\x80\xAE",
        b"\xC2\x85",
    ];
    if is_json(format) {
        tokens.extend([
            &b"{"[..],
            b"}",
            b"[",
            b"]",
            b":",
            b"null",
            b"true",
            b"{}",
            b"[]",
            b"\"\"",
            b"\\u0000",
            b"\\ud800",
            b"\\\"",
            b"\"passerelle\":{}",
            b"\"resultats\":",
        ]);
    } else if format == Format::Lheo {
        tokens.extend([
            &b"<"[..],
            b">",
            b"</",
            b"/>",
            b"&",
            b"&amp;",
            b"&#0;",
            b"&#x110000;",
            b"&eacute;",
            b"&lt;p&gt;",
            b"<![CDATA[",
            b"]]>",
            b"<!--",
            b"-->",
            b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
            b"<!DOCTYPE lheo [<!ENTITY a \"aaaaaaaaaa\">]>",
            b"20240230",
            b"20250300",
            b"00000000",
            b"99999999",
            b"<session><periode><debut>20240101</debut><fin>20230101</fin></periode></session>",
            b"<extras info=\"geolocalisation\"><extra info=\"latitude\">91</extra></extras>",
            b" xmlns=\"http://www.lheo.org/2.2\"",
            b"numero=\"\"",
        ]);
    } else {
        tokens.extend([
            &b"\"\""[..],
            b";;;;;;;;;;",
            b"oui",
            b"non",
            b"|",
            b":",
            b"N1101",
            b"93066",
            b"75056",
            b"73282932000074",
        ]);
    }
    tokens
}

#[derive(Debug, Clone)]
enum Mutation {
    /// One byte replaced.
    Set(Index, u8),
    /// Random bytes inserted.
    Insert(Index, Vec<u8>),
    /// A token of the format inserted `repeat` times.
    Token(Index, Index, usize),
    /// A token of the format replacing `len` bytes.
    Replace(Index, Index, usize),
    /// `len` bytes deleted.
    Delete(Index, usize),
    /// `len` bytes repeated in place.
    Duplicate(Index, usize),
    /// The file cut short.
    Truncate(Index),
    /// A slice of another sample of the format inserted.
    Splice(Index, Index, Index, usize),
    /// Balanced nesting `depth` deep inserted (arrays and objects, elements, quotes).
    Nest(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), any::<u8>()).prop_map(|(at, b)| Mutation::Set(at, b)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        3 => (any::<Index>(), any::<Index>(), prop_oneof![4 => Just(1usize), 1 => 2..300usize])
            .prop_map(|(at, token, repeat)| Mutation::Token(at, token, repeat)),
        3 => (any::<Index>(), any::<Index>(), 1..24usize)
            .prop_map(|(at, token, len)| Mutation::Replace(at, token, len)),
        2 => (any::<Index>(), 1..64usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        2 => (any::<Index>(), 1..256usize).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<Index>(), any::<Index>(), 1..512usize)
            .prop_map(|(at, which, from, len)| Mutation::Splice(at, which, from, len)),
        1 => (any::<Index>(), 1..400usize).prop_map(|(at, depth)| Mutation::Nest(at, depth)),
    ]
}

fn nesting(format: Format, depth: usize) -> Vec<u8> {
    if is_json(format) {
        let mut v = b"[{\"a\":".repeat(depth);
        v.extend_from_slice(b"1");
        v.extend(b"}]".repeat(depth));
        v
    } else if format == Format::Lheo {
        let mut v = b"<extra>".repeat(depth);
        v.extend(b"</extra>".repeat(depth));
        v
    } else {
        b"\"".repeat(depth)
    }
}

fn apply(format: Format, base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let tokens = tokens(format);
    let others = samples(format);
    let mut bytes = base.to_vec();
    for m in mutations {
        // Positions from 0 to the length, both included.
        let at = |i: &Index, bytes: &Vec<u8>| i.index(bytes.len() + 1);
        match m {
            Mutation::Set(i, b) => {
                if !bytes.is_empty() {
                    let i = i.index(bytes.len());
                    bytes[i] = *b;
                }
            }
            Mutation::Insert(i, new) => {
                let i = at(i, &bytes);
                bytes.splice(i..i, new.iter().copied());
            }
            Mutation::Token(i, t, repeat) => {
                let i = at(i, &bytes);
                let token = t.get(&tokens).repeat(*repeat);
                bytes.splice(i..i, token);
            }
            Mutation::Replace(i, t, len) => {
                let i = at(i, &bytes);
                let end = (i + len).min(bytes.len());
                bytes.splice(i..end, t.get(&tokens).iter().copied());
            }
            Mutation::Delete(i, len) => {
                let i = at(i, &bytes);
                let end = (i + len).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Duplicate(i, len) => {
                let i = at(i, &bytes);
                let end = (i + len).min(bytes.len());
                let slice = bytes[i..end].to_vec();
                bytes.splice(end..end, slice);
            }
            Mutation::Truncate(i) => {
                let i = at(i, &bytes);
                bytes.truncate(i);
            }
            Mutation::Splice(i, which, from, len) => {
                let other = &which.get(others).bytes;
                let from = from.index(other.len() + 1);
                let end = (from + len).min(other.len());
                let i = at(i, &bytes);
                bytes.splice(i..i, other[from..end].iter().copied());
            }
            Mutation::Nest(i, depth) => {
                let i = at(i, &bytes);
                bytes.splice(i..i, nesting(format, *depth));
            }
        }
    }
    bytes
}

/// Arbitrary bytes, or bytes of the format's alphabet, after what a file of it starts with.
fn arbitrary(format: Format) -> impl Strategy<Value = Input> {
    let alphabet: Vec<u8> = if is_json(format) {
        b"{}[]:,\"\\ 0123456789.eE-+truefalsnul\n\xC3\xA9".to_vec()
    } else if format == Format::Lheo {
        b"<>/=\"'&;#!?[]- abcdefghilmnoprstu0123456789\n\xC3\xA9".to_vec()
    } else {
        b";,\"\n\r |:0123456789/-.ABNouin\xC3\xA9".to_vec()
    };
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        prop::collection::vec(prop::sample::select(alphabet), 0..600),
    ];
    (prop::sample::select(heads(format)), body).prop_map(|(mut head, body)| {
        head.extend(body);
        Input(head)
    })
}

/// A sample of the format, damaged by one to six mutations.
fn damaged(format: Format) -> impl Strategy<Value = Input> {
    let count = samples(format).len();
    (0..count, prop::collection::vec(mutation(), 1..7)).prop_map(move |(which, mutations)| {
        Input(apply(format, &samples(format)[which].bytes, &mutations))
    })
}

macro_rules! robust {
    ($($format:ident: $any:ident, $damaged:ident;)+) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $any(input in arbitrary(Format::$format)) {
                    check(Format::$format, &input.0)?;
                }

                #[test]
                fn $damaged(input in damaged(Format::$format)) {
                    check(Format::$format, &input.0)?;
                }
            )+
        }
    };
}

robust! {
    OffersJson: offers_json_reads_any_bytes, offers_json_reads_damaged_files;
    OffersCsv: offers_csv_reads_any_bytes, offers_csv_reads_damaged_files;
    JobSeekersCsv: job_seekers_csv_reads_any_bytes, job_seekers_csv_reads_damaged_files;
    StructuresCsv: structures_csv_reads_any_bytes, structures_csv_reads_damaged_files;
    StructuresJson: structures_json_reads_any_bytes, structures_json_reads_damaged_files;
    InclusionStructures: inclusion_structures_read_any_bytes, inclusion_structures_read_damaged_files;
    InclusionServices: inclusion_services_read_any_bytes, inclusion_services_read_damaged_files;
    Lheo: lheo_reads_any_bytes, lheo_reads_damaged_files;
}

/// The samples the mutations start from are real input: each reads with its records and
/// exactly its known rejects, and the checks above pass on it.
#[test]
fn the_undamaged_samples_read_as_expected() {
    for format in [
        Format::OffersJson,
        Format::OffersCsv,
        Format::JobSeekersCsv,
        Format::StructuresCsv,
        Format::StructuresJson,
        Format::InclusionStructures,
        Format::InclusionServices,
        Format::Lheo,
    ] {
        for s in samples(format) {
            let outcome = check(format, &s.bytes)
                .unwrap_or_else(|err| panic!("{format:?} {}: {err}", s.name))
                .unwrap_or_else(|| panic!("{format:?} {}: unreadable", s.name));
            assert_eq!(outcome.rejects, s.rejects, "{format:?} {}: rejects", s.name);
            assert!(outcome.records >= 1, "{format:?} {}: {outcome:?}", s.name);
        }
    }
}

/// The harness can fail: a file the readers refuse is seen as such, and a damaged file's
/// rejected row is seen.
#[test]
fn the_checks_see_refusals_and_rejects() {
    assert!(check(Format::OffersJson, b"{").unwrap().is_none());
    assert!(check(Format::Lheo, b"<lheo>").unwrap().is_none());
    let csv = &samples(Format::OffersCsv)[0].bytes;
    let cut = check(Format::OffersCsv, &csv[..csv.len() / 2])
        .unwrap()
        .unwrap();
    assert!(cut.records + cut.rejects >= 1, "{cut:?}");
    let header_only = csv.split(|b| *b == b'\n').next().unwrap();
    let bad_row = [header_only, b"\nx;y;z\n"].concat();
    let outcome = check(Format::OffersCsv, &bad_row).unwrap().unwrap();
    assert_eq!((outcome.records, outcome.rejects), (0, 1));
}

/// Found by `job_seekers_csv_reads_any_bytes`: the rows of a file whose lines end with a lone
/// `\r` (old Mac spreadsheets) were all said to be on line 2.
#[test]
fn rows_of_a_file_with_lone_carriage_returns_are_on_their_own_lines() {
    let file = String::from_utf8(fixture("demandeurs.csv")).unwrap();
    let positions = |text: &str| -> Vec<usize> {
        job_seekers_csv::read(text.as_bytes())
            .unwrap()
            .iter()
            .map(|row| match row {
                Ok((position, _)) => *position,
                Err(err) => err.position,
            })
            .collect()
    };
    assert_eq!(positions(&file), [2, 3, 4]);
    assert_eq!(positions(&file.replace('\n', "\r")), [2, 3, 4]);
    assert_eq!(positions(&file.replace('\n', "\r\n")), [2, 3, 4]);
    // A quoted cell over two lines counts them.
    let two_lines = file
        .replace('\n', "\r")
        .replacen(";Aïcha;", ";\"Aï\r\ncha\";", 1);
    assert_eq!(positions(&two_lines), [2, 4, 5]);
}

/// Found by `offers_json_reads_damaged_files`: an error of an offer as a whole (a field given
/// twice, an offer that is not an object) named the field ".".
#[test]
fn an_error_of_a_whole_offer_names_the_offer() {
    let file = br#"[{"id": "A1", "id": "A2"}, 3]"#;
    let rows = offers_json::read(file, Some(&owner())).unwrap();
    let fields: Vec<_> = rows
        .iter()
        .map(|row| {
            let err = row.as_ref().unwrap_err();
            (err.position, err.errors[0].field.as_str())
        })
        .collect();
    assert_eq!(fields, [(1, "offer"), (2, "offer")]);
    let reason = &rows[0].as_ref().unwrap_err().errors[0].reason;
    assert!(reason.contains("duplicate field `id`"), "{reason}");
}

/// The index sample's records and rejects, with `from` replaced by `to` once.
fn index_damaged(from: &str, to: &str) -> ((usize, Vec<String>), (usize, Vec<String>)) {
    let index = String::from_utf8(fixture("lheo/index-2.2.xml")).unwrap();
    assert!(index.contains(from), "{from}");
    let damaged = index.replacen(from, to, 1);
    let read = |xml: &str| {
        let mut records = 0;
        let mut rejects = Vec::new();
        lheo::read_each(xml.as_bytes(), &mut |item| match item {
            Ok(_) => records += 1,
            Err(reject) => rejects.push(reject.to_string()),
        })
        .unwrap();
        (records, rejects)
    };
    (read(&index), read(&damaged))
}

const CONTROL_REASON: &str =
    "holds a control character, a line break, an invisible one or a direction override";

/// Found by `lheo_reads_damaged_files`: an index offer's `href` holding a control character
/// was stored as the web address (and refused once written back as a `urlweb`).
#[test]
fn an_index_offers_web_address_is_checked() {
    let href = "href=\"https://www.intercariforef.org/formations/14_AF_0000028218.html\"";
    let ((undamaged_records, undamaged_rejects), (records, rejects)) =
        index_damaged(href, &href.replacen("https", "\u{1}https", 1));
    let href_reject = format!("/lheo-index/resumes-offres/resume-offre[2]/@href: {CONTROL_REASON}");
    assert_eq!(rejects, [&[href_reject][..], &undamaged_rejects].concat());
    assert_eq!(
        records,
        undamaged_records - 2,
        "the offer's two sessions are left out"
    );
}

/// Found by `lheo_reads_damaged_files` in CI: an offer whose `numero` lost its closing quote
/// ran to the next quote, line breaks and all, and was stored as the action's reference; the
/// writer's attribute did not read back as it. A reference is one line.
#[test]
fn an_index_offers_reference_is_one_line() {
    let numero = "numero=\"14_AF_0000028218_SE_0000118670\"";
    let ((undamaged_records, undamaged_rejects), (records, rejects)) =
        index_damaged(numero, &numero.replacen("_SE_", "\n_SE_", 1));
    let numero_reject =
        format!("/lheo-index/resumes-offres/resume-offre[2]/@numero: {CONTROL_REASON}");
    assert_eq!(rejects, [&[numero_reject][..], &undamaged_rejects].concat());
    assert_eq!(
        records,
        undamaged_records - 2,
        "the offer's two sessions are left out"
    );
    // Found in a later run: a `numero` with nothing before `_SE_` named the action "", which
    // is no reference once written. The whole `numero` stands for it.
    let first = "numero=\"14_AF_0000011179_SE_0000093700\"";
    let (_, (records, rejects)) = index_damaged(first, "numero=\"_SE_0000093700\"");
    assert_eq!((records, &rejects), (undamaged_records, &undamaged_rejects));
    let index = String::from_utf8(fixture("lheo/index-2.2.xml")).unwrap();
    let damaged = index.replacen(first, "numero=\"_SE_0000093700\"", 1);
    check(Format::Lheo, damaged.as_bytes()).expect("reads back as itself");
    let session = "<session numero=\"14_SE_0000118671\">";
    let (_, (records, rejects)) = index_damaged(session, &session.replacen("14_", "14_\t", 1));
    assert_eq!(records, undamaged_records - 1, "{rejects:?}");
    assert!(
        rejects[0].ends_with(&format!("/@numero: {CONTROL_REASON}")),
        "{rejects:?}"
    );
}

/// Found by `offers_json_reads_damaged_files` in CI: a sector code of one character was
/// written as no sector at all (the writer cut every code to its first two bytes).
#[test]
fn a_one_character_sector_reads_back_as_itself() {
    // The simulated offers: a division (`secteurActivite`) and no `codeNAF`, which the reader
    // would take first.
    let sample = samples(Format::OffersJson)
        .iter()
        .find(|s| s.name == "offers written")
        .unwrap();
    assert!(!sample.bytes.windows(7).any(|w| w == b"codeNAF"));
    let json = String::from_utf8(sample.bytes.clone()).unwrap();
    // The value of the first `"secteurActivite": "…"`, spaces or not.
    let key = json
        .find("\"secteurActivite\"")
        .expect("the sample has a sector");
    let at = key + json[key..].find(':').unwrap();
    let at = at + json[at..].find('"').unwrap() + 1;
    let end = at + json[at..].find('"').unwrap();
    for sector in ["0", "é", "4"] {
        let damaged = format!("{}{sector}{}", &json[..at], &json[end..]);
        let outcome = check(Format::OffersJson, damaged.as_bytes())
            .unwrap_or_else(|err| panic!("{sector}: {err}"))
            .unwrap();
        assert_eq!(
            outcome.rejects, sample.rejects,
            "{sector}: its known rejects only"
        );
    }
}

/// Found by `inclusion_structures_read_damaged_files` in CI: a longitude of 25 digits read
/// one bit off the nearest number (serde_json's fast parsing), so the written shortest form
/// read back as another point. JSON numbers are read to the nearest (`float_roundtrip`).
#[test]
fn a_long_coordinate_reads_back_as_itself() {
    let sample = &samples(Format::InclusionStructures)[0];
    let json = String::from_utf8(sample.bytes.clone()).unwrap();
    let key = json
        .find("\"longitude\": ")
        .expect("a structure with a place");
    let at = key + "\"longitude\": ".len();
    let end = at + json[at..].find([',', '\n']).unwrap();
    let damaged = format!("{}2.184467440737095516163264{}", &json[..at], &json[end..]);
    let outcome = check(Format::InclusionStructures, damaged.as_bytes())
        .unwrap_or_else(|err| panic!("{err}"))
        .unwrap();
    assert_eq!(outcome.rejects, sample.rejects);
}

/// A blank `passerelle.reseau` of a data·inclusion structure was read as a network of spaces,
/// which the writer leaves out: it did not read back as itself. Blank is none.
#[test]
fn a_blank_network_of_a_data_inclusion_structure_is_none() {
    let file = br#"[{"id": "x--1", "nom": "Agence de Saint-Denis", "date_maj": "2026-01-05",
        "siret": "73282932000074", "code_insee": "93066",
        "passerelle": {"type_structure": "agence_emploi", "reseau": "  "}}]"#;
    let rows = inclusion::read_structures(file).unwrap();
    let (_, read) = rows[0].as_ref().unwrap();
    assert_eq!(read.record.network, None);
    assert!(check(Format::InclusionStructures, file).unwrap().is_some());
    let named = String::from_utf8(file.to_vec())
        .unwrap()
        .replace("\"  \"", "\" Réseau A \"");
    let rows = inclusion::read_structures(named.as_bytes()).unwrap();
    assert_eq!(
        rows[0].as_ref().unwrap().1.record.network.as_deref(),
        Some("Réseau A")
    );
}

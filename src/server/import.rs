//! `codecard import`: loads a licensed or newer code-set file into a data folder that
//! `codecard serve --data-dir` reads.
//!
//! Formats read:
//! - ICD-10-CM and ICD-10-PCS: the CMS "order file" (`icd10cm_order_2026.txt`,
//!   `icd10pcs_order_2026.txt`), fixed width: order number (1-5), code (7-13), header flag
//!   (15: 0 header, 1 valid for claims), short description (17-76), long description (78-).
//!   ICD-10-PCS header rows (tables) are not codes and are skipped.
//! - HCPCS Level II: the CMS annual/quarterly "ANWEB" fixed-width record file
//!   (`HCPC2026_JAN_ANWEB.txt`): code (1-5), sequence number (6-10), record identifier (11:
//!   3 first line of a code, 4 its continuation, 7/8 modifiers, skipped), long description
//!   line (12-91), short description (92-119). Later fields (pricing, dates) are not read.
//!   Dental (D) codes are skipped: their text belongs to the ADA.
//! - CPT®: a licensee's descriptor file, tab- or pipe-delimited: code, descriptor, and a
//!   consumer-friendly descriptor if present. A header line naming the columns is optional.
//!
//! Every row is validated; any bad row stops the import with every bad line listed, and the
//! data folder is untouched. The new file is written beside the old one, the whole folder is
//! test-loaded through a staging folder of hard links, and only then renamed into place, so
//! `serve` sees the old set or the new one, never half of one.
//!
//! Releases: every imported code carries the release it came from; a code of the previous
//! set that the new file lacks is kept, marked deleted in the new release.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::catalog::{self, Catalog, DataSource, files};
use crate::api::CodeSystem;
use crate::code;

/// A row the import refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the imported file.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Why an import did not happen. The data folder is unchanged in every case.
#[derive(Debug)]
pub enum ImportError {
    /// Rows that failed validation (all of them, in file order).
    BadRows(Vec<BadRow>),
    /// A file could not be read or written.
    Io(String),
    /// The result would not load (a bug, or a damaged data folder).
    Invalid(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::BadRows(rows) => write!(f, "{} bad rows; nothing was imported", rows.len()),
            ImportError::Io(message) | ImportError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The file written in the data folder.
    pub file: String,
    /// Codes in the new release.
    pub imported: usize,
    /// Of those, codes the previous set did not have.
    pub added: usize,
    /// Codes of the previous set absent from the new release, now marked deleted.
    pub deleted: usize,
    /// Rows skipped on purpose (ICD-10-PCS table headers, HCPCS modifiers, dental codes).
    pub skipped: usize,
}

/// One import request.
pub struct Request<'a> {
    /// Which code set the file holds.
    pub system: CodeSystem,
    /// The file to import.
    pub file: &'a Path,
    /// The data folder (created and seeded with the embedded sets when missing).
    pub data_dir: &'a Path,
    /// The release label the codes get (`FY2026`, `2026-01`, `2026`).
    pub release: &'a str,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

/// The code-set file of each system in the data folder.
fn file_of(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10cm => files::ICD10CM,
        CodeSystem::Icd10pcs => files::ICD10PCS,
        CodeSystem::Cpt => files::CPT_DEMO,
        CodeSystem::Hcpcs => files::HCPCS_DEMO,
    }
}

/// Base column count of each system's file (before the release columns).
fn base_columns(system: CodeSystem) -> usize {
    match system {
        CodeSystem::Icd10cm => 5,
        CodeSystem::Icd10pcs => 11,
        // code, sections, summary, plain language, licensed descriptor
        CodeSystem::Cpt => 8,
        CodeSystem::Hcpcs => 5,
    }
}

/// Imports `request.file`, returning what changed.
pub fn run(request: &Request) -> Result<Summary, ImportError> {
    let release = request.release.trim();
    if release.is_empty() || release.contains(['\t', '\n']) {
        return Err(ImportError::Invalid("the release label must be non-empty text, e.g. FY2026".into()));
    }
    seed(request.data_dir)?;
    let name = file_of(request.system);
    let current = DataSource::Dir(request.data_dir.to_path_buf())
        .read(name)
        .map_err(|e| ImportError::Invalid(format!("the current set does not load: {e}")))?;
    let previous = Existing::parse(request.system, &current);
    let (incoming, skipped) = read_rows(request)?;
    let merged = merge(request.system, &previous, incoming, release);
    let mut text = header_of(&current, request.system);
    for row in merged.rows.values() {
        text.push_str(&row.join("\t"));
        text.push('\n');
    }
    swap_in(request.data_dir, name, &text)?;
    Ok(Summary { file: name.into(), imported: merged.imported, added: merged.added, deleted: merged.deleted, skipped })
}

/// Writes every embedded file the folder lacks, so `serve --data-dir` finds a complete set.
fn seed(dir: &Path) -> Result<(), ImportError> {
    std::fs::create_dir_all(dir).map_err(|e| ImportError::Io(format!("cannot create {}: {e}", dir.display())))?;
    for (name, bytes) in catalog::embedded_files() {
        let path = dir.join(name);
        if !path.exists() {
            let temp = dir.join(format!(".{name}.seeding"));
            std::fs::write(&temp, bytes)
                .map_err(|e| ImportError::Io(format!("cannot write {}: {e}", temp.display())))?;
            std::fs::rename(&temp, &path)
                .map_err(|e| ImportError::Io(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// The header line of the versioned file: the current header plus the release columns.
fn header_of(current: &str, system: CodeSystem) -> String {
    let header = current.lines().next().unwrap_or_default();
    let mut columns: Vec<&str> = header.split('\t').collect();
    let base = base_columns(system);
    if system == CodeSystem::Cpt && columns.len() == 7 {
        columns.push("licensed_descriptor");
    }
    columns.truncate(base);
    columns.extend(["release", "deleted_in"]);
    columns.join("\t") + "\n"
}

/// The previous set's rows, by code, padded to the versioned width.
struct Existing {
    rows: BTreeMap<String, Vec<String>>,
}

impl Existing {
    fn parse(system: CodeSystem, text: &str) -> Existing {
        let base = base_columns(system);
        let default_release =
            if matches!(system, CodeSystem::Icd10cm | CodeSystem::Icd10pcs) { "FY2025" } else { "demo" };
        let rows = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let mut fields: Vec<String> = line.split('\t').map(String::from).collect();
                // The demo CPT file has no licensed-descriptor column yet.
                if system == CodeSystem::Cpt && fields.len() == 7 {
                    fields.push(String::new());
                }
                if fields.len() == base {
                    fields.extend([default_release.to_string(), String::new()]);
                }
                (fields[0].clone(), fields)
            })
            .collect();
        Existing { rows }
    }
}

/// A validated row of the imported file, in the system's own terms.
enum Incoming {
    Icd10cm { code: String, billable: bool, short: String, long: String },
    Icd10pcs { code: String, short: String, long: String },
    Cpt { code: String, descriptor: String, consumer: String },
    Hcpcs { code: String, short: String, long: String },
}

impl Incoming {
    fn code(&self) -> &str {
        match self {
            Incoming::Icd10cm { code, .. }
            | Incoming::Icd10pcs { code, .. }
            | Incoming::Cpt { code, .. }
            | Incoming::Hcpcs { code, .. } => code,
        }
    }
}

/// Reads and validates every row, with a progress bar over the file's bytes.
fn read_rows(request: &Request) -> Result<(Vec<Incoming>, usize), ImportError> {
    let file = std::fs::File::open(request.file)
        .map_err(|e| ImportError::Io(format!("cannot open {}: {e}", request.file.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if request.progress { indicatif::ProgressBar::new(size) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", request.file.display()));
    let mut reader = BufReader::new(bar.wrap_read(file));
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut skipped = 0;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut bytes = Vec::new();
    let mut number = 0;
    let mut hcpcs = HcpcsAssembler::default();
    let mut cpt_columns: Option<CptColumns> = None;
    loop {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| ImportError::Io(format!("cannot read {}: {e}", request.file.display())))?;
        if read == 0 {
            break;
        }
        number += 1;
        let Ok(line) = std::str::from_utf8(&bytes) else {
            // CMS files are ASCII; a licensee file may be Latin-1: say so rather than guess.
            bad.push(BadRow { line: number, reason: "not UTF-8 text".into() });
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match request.system {
            CodeSystem::Icd10cm | CodeSystem::Icd10pcs => order_row(request.system, line),
            CodeSystem::Hcpcs => hcpcs.push(line),
            CodeSystem::Cpt => cpt_row(line, number, &mut cpt_columns),
        };
        match parsed {
            Ok(Some(row)) => {
                if let Some(first) = seen.insert(row.code().to_string(), number) {
                    bad.push(BadRow { line: number, reason: format!("{} repeats line {first}", row.code()) });
                } else {
                    rows.push(row);
                }
            }
            Ok(None) => skipped += 1,
            Err(reason) => bad.push(BadRow { line: number, reason }),
        }
    }
    bar.finish_and_clear();
    if request.system == CodeSystem::Hcpcs {
        // Continuation lines were merged into their first line; count codes, not lines.
        let (codes, skipped_codes) = hcpcs.finish();
        rows = codes;
        skipped = skipped_codes;
    }
    if !bad.is_empty() {
        return Err(ImportError::BadRows(bad));
    }
    if rows.is_empty() {
        return Err(ImportError::Invalid(format!("{} holds no codes", request.file.display())));
    }
    Ok((rows, skipped))
}

/// The character range `from..=to` (1-based, inclusive) of a fixed-width line, trimmed.
fn columns(line: &str, from: usize, to: usize) -> Option<&str> {
    let end = to.min(line.len());
    line.get(from - 1..end).map(str::trim)
}

/// One line of a CMS ICD-10 order file. `Ok(None)` for an ICD-10-PCS table header.
fn order_row(system: CodeSystem, line: &str) -> Result<Option<Incoming>, String> {
    if !line.is_ascii() {
        return Err("the order file is ASCII; this line is not".into());
    }
    if line.len() < 78 {
        return Err(format!("a line of the order file has at least 78 characters, this one {}", line.len()));
    }
    let order = columns(line, 1, 5).unwrap_or_default();
    if order.is_empty() || !order.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("columns 1-5 hold the order number, not {order:?}"));
    }
    for at in [6, 14, 16, 77] {
        if line.as_bytes()[at - 1] != b' ' {
            return Err(format!("column {at} must be blank (is the file fixed-width?)"));
        }
    }
    let code = columns(line, 7, 13).unwrap_or_default().to_string();
    let flag = columns(line, 15, 15).unwrap_or_default();
    let billable = match flag {
        "1" => true,
        "0" => false,
        other => return Err(format!("column 15 is the header flag, 0 or 1, not {other:?}")),
    };
    let short = columns(line, 17, 76).unwrap_or_default().to_string();
    let long = line[77..].trim().to_string();
    if short.is_empty() || long.is_empty() {
        return Err(format!("{code}: the short and long descriptions must not be empty"));
    }
    match system {
        CodeSystem::Icd10pcs if !billable => Ok(None),
        CodeSystem::Icd10pcs => {
            if !code::fits(CodeSystem::Icd10pcs, &code) {
                return Err(format!("{code:?} is not an ICD-10-PCS code"));
            }
            Ok(Some(Incoming::Icd10pcs { code, short, long }))
        }
        _ => {
            if !code::fits(CodeSystem::Icd10cm, &code) {
                return Err(format!("{code:?} is not an ICD-10-CM code"));
            }
            Ok(Some(Incoming::Icd10cm { code, billable, short, long }))
        }
    }
}

/// Collects HCPCS records: a code's long description spans a first line and continuations.
#[derive(Default)]
struct HcpcsAssembler {
    codes: Vec<Incoming>,
    skipped: usize,
}

impl HcpcsAssembler {
    fn push(&mut self, line: &str) -> Result<Option<Incoming>, String> {
        if !line.is_ascii() {
            return Err("the HCPCS file is ASCII; this line is not".into());
        }
        if line.len() < 91 {
            return Err(format!("a HCPCS record has at least 91 characters, this one {}", line.len()));
        }
        let code = columns(line, 1, 5).unwrap_or_default().to_string();
        let sequence = columns(line, 6, 10).unwrap_or_default();
        if sequence.len() != 5 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("columns 6-10 hold the sequence number, not {sequence:?}"));
        }
        let long = columns(line, 12, 91).unwrap_or_default();
        let short = columns(line, 92, 119).unwrap_or_default();
        match columns(line, 11, 11).unwrap_or_default() {
            // Modifiers (two characters) are not codes.
            "7" | "8" => {
                self.skipped += usize::from(line.as_bytes()[10] == b'7');
                Ok(None)
            }
            "3" => {
                if !code::fits(CodeSystem::Hcpcs, &code) {
                    return Err(format!("{code:?} is not a HCPCS Level II code"));
                }
                if long.is_empty() {
                    return Err(format!("{code}: the long description must not be empty"));
                }
                if code.starts_with('D') {
                    // CDT (dental) text belongs to the ADA.
                    self.skipped += 1;
                    return Ok(None);
                }
                self.codes.push(Incoming::Hcpcs { code: code.clone(), short: short.into(), long: long.into() });
                // Reported upward only for the duplicate check; `finish` hands over the codes.
                Ok(Some(Incoming::Hcpcs { code, short: String::new(), long: String::new() }))
            }
            "4" => {
                match self.codes.last_mut() {
                    Some(Incoming::Hcpcs { code: last, long: text, .. }) if *last == code => {
                        text.push(' ');
                        text.push_str(long);
                    }
                    _ if code.starts_with('D') => {}
                    _ => return Err(format!("{code}: a continuation line without its first line")),
                }
                Ok(None)
            }
            other => Err(format!("column 11 is the record identifier (3, 4, 7 or 8), not {other:?}")),
        }
    }

    fn finish(self) -> (Vec<Incoming>, usize) {
        (self.codes, self.skipped)
    }
}

/// Which column of a CPT licensee file holds what.
struct CptColumns {
    separator: char,
    code: usize,
    descriptor: usize,
    consumer: Option<usize>,
}

/// One line of a CPT descriptor file. The first line may be a header naming the columns.
fn cpt_row(line: &str, number: usize, columns: &mut Option<CptColumns>) -> Result<Option<Incoming>, String> {
    let separator = if line.contains('\t') { '\t' } else { '|' };
    let fields: Vec<&str> = line.split(separator).map(str::trim).collect();
    if columns.is_none() {
        let looks_like_code = fields.first().is_some_and(|f| code::fits(CodeSystem::Cpt, f));
        if number == 1 && !looks_like_code {
            let find = |names: &[&str]| {
                fields.iter().position(|f| {
                    let f = f.to_ascii_lowercase();
                    names.iter().any(|n| f.contains(n))
                })
            };
            let code = find(&["code"]).ok_or("the header names no code column")?;
            let consumer = find(&["consumer", "friendly", "lay"]);
            let descriptor = fields
                .iter()
                .enumerate()
                .position(|(i, f)| {
                    let f = f.to_ascii_lowercase();
                    i != code && Some(i) != consumer && (f.contains("long") || f.contains("descriptor"))
                })
                .ok_or("the header names no descriptor column")?;
            *columns = Some(CptColumns { separator, code, descriptor, consumer });
            return Ok(None);
        }
        *columns = Some(CptColumns { separator, code: 0, descriptor: 1, consumer: (fields.len() > 2).then_some(2) });
    }
    let layout = columns.as_ref().expect("set above");
    let fields: Vec<&str> = line.split(layout.separator).map(str::trim).collect();
    let get = |i: usize| fields.get(i).copied().unwrap_or_default();
    let code = get(layout.code).to_ascii_uppercase();
    if !code::fits(CodeSystem::Cpt, &code) {
        return Err(format!("{code:?} is not a CPT® code"));
    }
    let descriptor = get(layout.descriptor);
    if descriptor.is_empty() {
        return Err(format!("{code}: the descriptor must not be empty"));
    }
    if [descriptor, layout.consumer.map(get).unwrap_or_default()].iter().any(|t| t.contains('\t')) {
        return Err(format!("{code}: a descriptor contains a tab"));
    }
    Ok(Some(Incoming::Cpt {
        code,
        descriptor: descriptor.into(),
        consumer: layout.consumer.map(get).unwrap_or_default().into(),
    }))
}

/// The new set: every incoming code at `release`, and the previous set's other codes marked
/// deleted.
struct Merged {
    rows: BTreeMap<String, Vec<String>>,
    imported: usize,
    added: usize,
    deleted: usize,
}

fn merge(system: CodeSystem, previous: &Existing, incoming: Vec<Incoming>, release: &str) -> Merged {
    let axes = PcsAxes::learn(previous);
    let mut rows = BTreeMap::new();
    let (imported, mut added) = (incoming.len(), 0);
    for row in incoming {
        let old = previous.rows.get(row.code());
        added += usize::from(old.is_none());
        let fields: Vec<String> = match row {
            Incoming::Icd10cm { code, billable, short, long } => {
                let dotted = code::display(CodeSystem::Icd10cm, &code);
                vec![code, dotted, if billable { "1" } else { "0" }.into(), short, long]
            }
            Incoming::Icd10pcs { code, short, long } => {
                let mut fields = vec![code.clone(), "1".into(), short, long];
                fields.extend(match old {
                    Some(old) => old[4..11].to_vec(),
                    None => axes.guess(&code),
                });
                fields
            }
            Incoming::Cpt { code, descriptor, consumer } => match old {
                Some(old) => {
                    let mut fields = old[..8].to_vec();
                    if fields[6].is_empty() {
                        fields[6] = consumer;
                    }
                    fields[7] = descriptor;
                    fields
                }
                None => {
                    let (section, range) = cpt_section(&code);
                    let summary = if consumer.is_empty() { descriptor.clone() } else { consumer.clone() };
                    vec![
                        code,
                        section.into(),
                        range.into(),
                        String::new(),
                        String::new(),
                        summary,
                        consumer,
                        descriptor,
                    ]
                }
            },
            Incoming::Hcpcs { code, short, long } => {
                let (section, range) = hcpcs_section(&code);
                let short = if short.is_empty() { long.clone() } else { short };
                vec![code, section.into(), range, short, long]
            }
        };
        let mut fields = fields;
        fields.extend([release.to_string(), String::new()]);
        rows.insert(fields[0].clone(), fields);
    }
    let mut deleted = 0;
    for (code, old) in &previous.rows {
        if rows.contains_key(code) {
            continue;
        }
        let mut fields = old.clone();
        let last = fields.len() - 1;
        if fields[last].is_empty() {
            fields[last] = release.to_string();
            deleted += 1;
        }
        rows.insert(code.clone(), fields);
    }
    debug_assert!(rows.values().all(|r| r.len() == base_columns(system) + catalog::VERSION_COLUMNS));
    Merged { rows, imported, added, deleted }
}

/// ICD-10-PCS axis labels learnt from the previous set: a character's meaning depends on the
/// characters before it (section; section and body system; the first three for the rest).
struct PcsAxes {
    labels: HashMap<(String, usize), String>,
}

impl PcsAxes {
    fn learn(previous: &Existing) -> PcsAxes {
        let mut labels = HashMap::new();
        for (code, fields) in &previous.rows {
            if code.len() != 7 || fields.len() < 11 {
                continue;
            }
            for position in 0..7 {
                labels.entry(Self::context(code, position)).or_insert_with(|| fields[4 + position].clone());
            }
        }
        PcsAxes { labels }
    }

    fn context(code: &str, position: usize) -> (String, usize) {
        let known = position.min(3);
        (format!("{}{}", &code[..known], &code[position..=position]), position)
    }

    /// The seven labels of a new code; a character never seen in its context gets no label.
    fn guess(&self, code: &str) -> Vec<String> {
        (0..7).map(|p| self.labels.get(&Self::context(code, p)).cloned().unwrap_or_default()).collect()
    }
}

/// The CPT® section of a code, by the published section ranges.
fn cpt_section(code: &str) -> (&'static str, &'static str) {
    let last = code.as_bytes()[4];
    match last {
        b'F' => ("Category II Codes", "0001F-9007F"),
        b'T' => ("Category III Codes", "0042T-0999T"),
        b'U' => ("Proprietary Laboratory Analyses", "0001U-0999U"),
        _ => match code.parse::<u32>().unwrap_or(0) {
            100..=1999 => ("Anesthesia", "00100-01999"),
            10004..=69990 => ("Surgery", "10004-69990"),
            70010..=79999 => ("Radiology", "70010-79999"),
            80047..=89398 => ("Pathology and Laboratory", "80047-89398"),
            99202..=99499 => ("Evaluation and Management", "99202-99499"),
            _ => ("Medicine", "90281-99607"),
        },
    }
}

/// The HCPCS Level II section of a code, by its letter.
fn hcpcs_section(code: &str) -> (&'static str, String) {
    let letter = &code[..1];
    let title = match letter {
        "A" => "Transportation, Medical and Surgical Supplies, Miscellaneous and Experimental",
        "B" => "Enteral and Parenteral Therapy",
        "C" => "Outpatient Prospective Payment System",
        "E" => "Durable Medical Equipment",
        "G" => "Procedures and Professional Services (Temporary)",
        "H" => "Alcohol and Drug Abuse Treatment Services",
        "J" => "Drugs Administered Other Than Oral Method",
        "K" => "Temporary Codes (Durable Medical Equipment)",
        "L" => "Orthotic and Prosthetic Procedures and Devices",
        "M" => "Medical Services",
        "P" => "Pathology and Laboratory Services",
        "Q" => "Temporary Codes",
        "R" => "Diagnostic Radiology Services",
        "S" => "Temporary National Codes (Non-Medicare)",
        "T" => "National T Codes Established for State Medicaid Agencies",
        "U" => "Coronavirus Diagnostic Panel",
        _ => "Vision and Hearing Services",
    };
    (title, format!("{letter}0000-{letter}9999"))
}

/// Puts `text` in place as `dir/name`: written aside, synced, test-loaded with the rest of the
/// folder (a staging folder of hard links), then renamed over the old file.
fn swap_in(dir: &Path, name: &str, text: &str) -> Result<(), ImportError> {
    let io =
        |what: &str, path: &Path, e: std::io::Error| ImportError::Io(format!("cannot {what} {}: {e}", path.display()));
    let pending = dir.join(format!(".{name}.importing"));
    {
        let file = std::fs::File::create(&pending).map_err(|e| io("create", &pending, e))?;
        let mut writer = std::io::BufWriter::new(file);
        if name.ends_with(".gz") {
            let mut gz = flate2::write::GzEncoder::new(&mut writer, flate2::Compression::default());
            gz.write_all(text.as_bytes()).map_err(|e| io("write", &pending, e))?;
            gz.finish().map_err(|e| io("write", &pending, e))?;
        } else {
            writer.write_all(text.as_bytes()).map_err(|e| io("write", &pending, e))?;
        }
        let file = writer.into_inner().map_err(|e| io("write", &pending, e.into_error()))?;
        file.sync_all().map_err(|e| io("sync", &pending, e))?;
    }
    let staging = staging_dir(dir, name, &pending)?;
    let check = Catalog::load(&DataSource::Dir(staging.clone()));
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(e) = check {
        let _ = std::fs::remove_file(&pending);
        return Err(ImportError::Invalid(format!("the imported set would not load: {e}")));
    }
    std::fs::rename(&pending, dir.join(name)).map_err(|e| io("replace", &dir.join(name), e))?;
    // Make the rename itself durable.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// A folder beside the data with hard links to every current file but `name`, which links
/// to `pending`: the folder `serve` would see after the swap.
fn staging_dir(dir: &Path, name: &str, pending: &Path) -> Result<PathBuf, ImportError> {
    let staging = dir.join(".import-staging");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging).map_err(|e| ImportError::Io(format!("cannot create {}: {e}", staging.display())))?;
    for (file, _) in catalog::embedded_files() {
        let source = if file == name { pending.to_path_buf() } else { dir.join(file) };
        let target = staging.join(file);
        if std::fs::hard_link(&source, &target).is_err() {
            // A file system without hard links: a copy serves the check as well.
            let mut bytes = Vec::new();
            std::fs::File::open(&source)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .and_then(|_| std::fs::write(&target, &bytes))
                .map_err(|e| ImportError::Io(format!("cannot stage {}: {e}", source.display())))?;
        }
    }
    Ok(staging)
}

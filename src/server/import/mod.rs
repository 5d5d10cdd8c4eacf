//! `codecard import`: loads a licensed or newer code-set file into a data folder that
//! `codecard serve --data-dir` reads.
//!
//! Each system's module owns its import format (a [`Format`]): how a line of the official file
//! becomes a row of the system's own file. This module is the pipeline they share: every row is
//! validated; any bad row stops the import with every bad line listed, and the data folder is
//! untouched. The new file is written beside the old one, the whole folder is test-loaded
//! through a staging folder of hard links, and only then renamed into place, so `serve` sees
//! the old set or the new one, never half of one.
//!
//! Releases: every imported code carries the release it came from; a code of the previous set
//! that the new file lacks is kept, marked deleted in the new release.

pub mod order_file;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::catalog::release::VersionedRow;
use super::catalog::source::{read_tsv, tsv_writer};
use super::catalog::{self, Catalog, DataSource, LoadError, cpt, hcpcs, icd10cm, icd10pcs};
use crate::code;

/// The official file formats `codecard import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// ICD-10-CM: the CMS order file.
    Icd10cm,
    /// ICD-10-PCS: the CMS order file.
    Icd10pcs,
    /// CPT®: a licensee's tab- or pipe-delimited descriptor file.
    Cpt,
    /// HCPCS Level II: the CMS ANWEB fixed-width record file.
    Hcpcs,
    /// ICD-10-CM: the CDC's Tabular List XML (codes, titles, notes, 7th characters).
    Icd10cmTabular,
}

impl ImportFormat {
    /// Every format with the name the command line takes.
    const NAMES: [(&'static str, ImportFormat); 5] = [
        ("icd10cm", ImportFormat::Icd10cm),
        ("icd10cmtabular", ImportFormat::Icd10cmTabular),
        ("icd10pcs", ImportFormat::Icd10pcs),
        ("cpt", ImportFormat::Cpt),
        ("hcpcs", ImportFormat::Hcpcs),
    ];

    /// Parses a format name as people write it: case, dashes, dots and spaces are ignored, so
    /// `ICD-10-CM` and `icd10cm` are the same.
    pub fn parse(text: &str) -> Result<ImportFormat, String> {
        let key: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        Self::NAMES.iter().find(|(name, _)| *name == key).map(|(_, format)| *format).ok_or_else(|| {
            let names: Vec<&str> = Self::NAMES.iter().map(|(name, _)| *name).collect();
            format!("{text:?} is not an import format: use {}", names.join(", "))
        })
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Icd10cm | ImportFormat::Icd10cmTabular => "ICD-10-CM",
            ImportFormat::Icd10pcs => "ICD-10-PCS",
            ImportFormat::Cpt => "CPT®",
            ImportFormat::Hcpcs => "HCPCS Level II",
        }
    }
}

/// A row the import refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the imported file.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Why an import did not happen. The data folder is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows that failed validation (all of them, in file order).
    #[error("{} bad rows; nothing was imported", .0.len())]
    BadRows(Vec<BadRow>),
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The request itself is unusable (an empty release label, a file without codes).
    #[error("{0}")]
    Invalid(String),
    /// The current set, or the result, would not load.
    #[error("{what}: {source}")]
    WouldNotLoad {
        /// Which set.
        what: &'static str,
        /// Why it does not load.
        #[source]
        source: LoadError,
    },
}

fn io<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> ImportError + 'p {
    move |source| ImportError::Io { action, path: path.to_path_buf(), source }
}

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
    /// Which format the file is in.
    pub format: ImportFormat,
    /// The file to import.
    pub file: &'a Path,
    /// The data folder (created and seeded with the embedded sets when missing).
    pub data_dir: &'a Path,
    /// The release label the codes get (`FY2026`, `2026-01`, `2026`).
    pub release: &'a str,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// For the Tabular List: the release's official code list (one undotted code a line), which
    /// the 7th-character extensions are checked against.
    pub code_list: Option<&'a Path>,
}

/// The rows a [`Format`] has read so far, with their line numbers.
pub struct Collected<R> {
    rows: Vec<(usize, R)>,
    line: usize,
    skipped: usize,
}

impl<R> Collected<R> {
    /// Adds the row read from the current line.
    pub fn push(&mut self, row: R) {
        self.rows.push((self.line, row));
    }

    /// Counts the current line as skipped on purpose.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    /// The last row added, to continue it over several lines.
    pub fn last_mut(&mut self) -> Option<&mut R> {
        self.rows.last_mut().map(|(_, row)| row)
    }
}

/// An official file format of one system: how its lines become rows of the system's file.
pub trait Format: Default {
    /// The system's row, as its file in the data folder holds it.
    type Row: VersionedRow;
    /// The system's file in the data folder.
    const FILE: &'static str;
    /// The release of rows whose file names none.
    const DEFAULT_RELEASE: &'static str;

    /// Reads one non-blank line into `out`, or says what is wrong with it.
    fn line(&mut self, line: &str, out: &mut Collected<Self::Row>) -> Result<(), String>;

    /// Sees the previous set before any row is completed.
    fn prepare(&mut self, _previous: &BTreeMap<String, Self::Row>) {}

    /// Fills in what the file does not carry, from the previous row of the same code if any.
    fn complete(&self, _row: &mut Self::Row, _old: Option<&Self::Row>) {}
}

/// Imports `request.file`, returning what changed.
pub fn run(request: &Request) -> Result<Summary, ImportError> {
    match request.format {
        ImportFormat::Icd10cm => run_format::<icd10cm::OrderFileImport>(request),
        ImportFormat::Icd10pcs => run_format::<icd10pcs::OrderFileImport>(request),
        ImportFormat::Cpt => run_format::<cpt::LicenseeImport>(request),
        ImportFormat::Hcpcs => run_format::<hcpcs::AnwebImport>(request),
        ImportFormat::Icd10cmTabular => run_tabular(request),
    }
}

/// The release label of a request, checked.
fn release_of<'r>(request: &'r Request) -> Result<&'r str, ImportError> {
    let release = request.release.trim();
    if release.is_empty() || release.contains(['\t', '\n']) {
        return Err(ImportError::Invalid("the release label must be non-empty text, e.g. FY2026".into()));
    }
    Ok(release)
}

/// The rows of the system's file in the data folder, by code.
fn current_rows<R: VersionedRow>(dir: &Path, file: &'static str) -> Result<BTreeMap<String, R>, ImportError> {
    let rows = DataSource::Dir(dir.to_path_buf())
        .bytes(file)
        .and_then(|bytes| read_tsv::<R>(file, &bytes))
        .map_err(|source| ImportError::WouldNotLoad { what: "the current set does not load", source })?;
    Ok(rows.into_iter().map(|(_, row)| (row.code().to_string(), row)).collect())
}

/// Rows as the text of a system's file.
fn tsv_text<'r, R: VersionedRow + 'r>(rows: impl Iterator<Item = &'r R>) -> Result<Vec<u8>, ImportError> {
    let mut writer = tsv_writer(Vec::new());
    for row in rows {
        writer.serialize(row).map_err(|e| ImportError::Invalid(format!("cannot write a row: {e}")))?;
    }
    writer.into_inner().map_err(|e| ImportError::Invalid(format!("cannot write the set: {e}")))
}

/// `codecard import icd10cm-tabular`: the Tabular List XML becomes the ICD-10-CM code list
/// (every diag and its 7th-character extensions) and the notes file, swapped in together.
fn run_tabular(request: &Request) -> Result<Summary, ImportError> {
    let release = release_of(request)?;
    seed(request.data_dir)?;
    let previous: BTreeMap<String, icd10cm::Row> = current_rows(request.data_dir, icd10cm::FILE)?;
    let mut xml = Vec::new();
    std::fs::File::open(request.file).and_then(|mut f| f.read_to_end(&mut xml)).map_err(io("read", request.file))?;
    if xml.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&xml[..]).read_to_end(&mut inflated).map_err(io("inflate", request.file))?;
        xml = inflated;
    }
    let tabular = icd10cm::tabular::parse(&xml)
        .map_err(|e| ImportError::BadRows(vec![BadRow { line: e.line, reason: e.reason }]))?;
    let only = request.code_list.map(read_code_list).transpose()?;
    let incoming = icd10cm::expand::rows(&tabular, &previous, only.as_ref()).map_err(ImportError::Invalid)?;
    let merged = merge(&icd10cm::OrderFileImport, &previous, incoming, release);
    let text = tsv_text(merged.rows.values())?;
    swap_in(request.data_dir, &[(icd10cm::TABULAR_FILE, &xml), (icd10cm::FILE, &text)])?;
    Ok(Summary {
        file: icd10cm::FILE.into(),
        imported: merged.imported,
        added: merged.added,
        deleted: merged.deleted,
        skipped: 0,
    })
}

/// An official code list: one undotted code a line; chapter numbers and block ranges, which the
/// CDC's list also holds, are skipped.
fn read_code_list(path: &Path) -> Result<std::collections::HashSet<String>, ImportError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(io("read", path))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut inflated).map_err(io("inflate", path))?;
        bytes = inflated;
    }
    let text =
        String::from_utf8(bytes).map_err(|_| ImportError::Invalid(format!("{} is not UTF-8", path.display())))?;
    let mut codes = std::collections::HashSet::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.contains('-') || line.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        match code::normalize(line).filter(|k| code::fits(crate::api::CodeSystem::Icd10cm, k)) {
            Some(key) => {
                codes.insert(key);
            }
            None => bad.push(BadRow { line: i + 1, reason: format!("{line:?} is not an ICD-10-CM code") }),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::BadRows(bad));
    }
    Ok(codes)
}

fn run_format<F: Format>(request: &Request) -> Result<Summary, ImportError> {
    let release = release_of(request)?;
    seed(request.data_dir)?;
    let previous: BTreeMap<String, F::Row> = current_rows(request.data_dir, F::FILE)?;
    let mut format = F::default();
    format.prepare(&previous);
    let (incoming, skipped) = read_rows(&mut format, request)?;
    let merged = merge(&format, &previous, incoming, release);
    let text = tsv_text(merged.rows.values())?;
    swap_in(request.data_dir, &[(F::FILE, &text)])?;
    Ok(Summary {
        file: F::FILE.into(),
        imported: merged.imported,
        added: merged.added,
        deleted: merged.deleted,
        skipped,
    })
}

/// Writes every embedded file the folder lacks, so `serve --data-dir` finds a complete set.
fn seed(dir: &Path) -> Result<(), ImportError> {
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    for (name, bytes) in catalog::embedded_files() {
        let path = dir.join(name);
        if !path.exists() {
            let temp = dir.join(format!(".{name}.seeding"));
            std::fs::write(&temp, bytes).map_err(io("write", &temp))?;
            std::fs::rename(&temp, &path).map_err(io("write", &path))?;
        }
    }
    Ok(())
}

/// Reads and validates every row, with a progress bar over the file's bytes.
fn read_rows<F: Format>(format: &mut F, request: &Request) -> Result<(Vec<F::Row>, usize), ImportError> {
    let file = std::fs::File::open(request.file).map_err(io("open", request.file))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if request.progress { indicatif::ProgressBar::new(size) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", request.file.display()));
    let mut reader = BufReader::new(bar.wrap_read(file));
    let mut out = Collected { rows: Vec::new(), line: 0, skipped: 0 };
    let mut bad = Vec::new();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).map_err(io("read", request.file))? == 0 {
            break;
        }
        out.line += 1;
        let Ok(line) = std::str::from_utf8(&bytes) else {
            // CMS files are ASCII; a licensee file may be Latin-1: say so rather than guess.
            bad.push(BadRow { line: out.line, reason: "not UTF-8 text".into() });
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if let Err(reason) = format.line(line, &mut out) {
            bad.push(BadRow { line: out.line, reason });
        }
    }
    bar.finish_and_clear();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (line, row) in &out.rows {
        if let Some(first) = seen.insert(row.code(), *line) {
            bad.push(BadRow { line: *line, reason: format!("{} repeats line {first}", row.code()) });
        }
    }
    if !bad.is_empty() {
        bad.sort_by_key(|b| b.line);
        return Err(ImportError::BadRows(bad));
    }
    if out.rows.is_empty() {
        return Err(ImportError::Invalid(format!("{} holds no codes", request.file.display())));
    }
    Ok((out.rows.into_iter().map(|(_, row)| row).collect(), out.skipped))
}

/// The character range `from..=to` (1-based, inclusive) of a fixed-width line, trimmed; empty
/// past the line's end.
pub fn fixed_width(line: &str, from: usize, to: usize) -> &str {
    line.get(from - 1..to.min(line.len())).map(str::trim).unwrap_or_default()
}

/// The new set: every incoming code at `release`, and the previous set's other codes marked
/// deleted.
struct Merged<R> {
    rows: BTreeMap<String, R>,
    imported: usize,
    added: usize,
    deleted: usize,
}

fn merge<F: Format>(
    format: &F,
    previous: &BTreeMap<String, F::Row>,
    incoming: Vec<F::Row>,
    release: &str,
) -> Merged<F::Row> {
    let mut rows = BTreeMap::new();
    let (imported, mut added) = (incoming.len(), 0);
    for mut row in incoming {
        let old = previous.get(row.code());
        added += usize::from(old.is_none());
        format.complete(&mut row, old);
        let (row_release, deleted_in) = row.version_mut();
        (*row_release, *deleted_in) = (release.to_string(), String::new());
        rows.insert(row.code().to_string(), row);
    }
    let mut deleted = 0;
    for (code, old) in previous {
        if rows.contains_key(code) {
            continue;
        }
        let mut row = old.clone();
        let (old_release, deleted_in) = row.version_mut();
        if old_release.is_empty() {
            *old_release = F::DEFAULT_RELEASE.to_string();
        }
        if deleted_in.is_empty() {
            *deleted_in = release.to_string();
            deleted += 1;
        }
        rows.insert(code.clone(), row);
    }
    Merged { rows, imported, added, deleted }
}

/// Puts each `(name, bytes)` in place in `dir`: written aside (gzip where the name says so),
/// synced, test-loaded with the rest of the folder (a staging folder of hard links), then
/// renamed over the old files.
fn swap_in(dir: &Path, files: &[(&str, &[u8])]) -> Result<(), ImportError> {
    let mut pending = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(format!(".{name}.importing"));
        write_synced(&path, name.ends_with(".gz"), bytes)?;
        pending.push((*name, path));
    }
    let staging = staging_dir(dir, &pending)?;
    let check = Catalog::load(&DataSource::Dir(staging.clone()));
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(source) = check {
        for (_, path) in &pending {
            let _ = std::fs::remove_file(path);
        }
        return Err(ImportError::WouldNotLoad { what: "the imported set would not load", source });
    }
    for (name, path) in &pending {
        std::fs::rename(path, dir.join(name)).map_err(io("replace", &dir.join(name)))?;
    }
    // Make the renames themselves durable.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Writes `bytes` (gzipped when `gzip`) to `path` and syncs it.
fn write_synced(path: &Path, gzip: bool, bytes: &[u8]) -> Result<(), ImportError> {
    let file = std::fs::File::create(path).map_err(io("create", path))?;
    let mut writer = std::io::BufWriter::new(file);
    if gzip {
        let mut gz = flate2::write::GzEncoder::new(&mut writer, flate2::Compression::best());
        gz.write_all(bytes).map_err(io("write", path))?;
        gz.finish().map_err(io("write", path))?;
    } else {
        writer.write_all(bytes).map_err(io("write", path))?;
    }
    let file = writer.into_inner().map_err(|e| io("write", path)(e.into_error()))?;
    file.sync_all().map_err(io("sync", path))
}

/// A folder beside the data with hard links to every current file but the `pending` ones,
/// which link to their new versions: the folder `serve` would see after the swap.
fn staging_dir(dir: &Path, pending: &[(&str, PathBuf)]) -> Result<PathBuf, ImportError> {
    let staging = dir.join(".import-staging");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging).map_err(io("create", &staging))?;
    for (file, _) in catalog::embedded_files() {
        let source = match pending.iter().find(|(name, _)| *name == file) {
            Some((_, path)) => path.clone(),
            None => dir.join(file),
        };
        let target = staging.join(file);
        if std::fs::hard_link(&source, &target).is_err() {
            // A file system without hard links: a copy serves the check as well.
            let mut bytes = Vec::new();
            std::fs::File::open(&source)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .and_then(|_| std::fs::write(&target, &bytes))
                .map_err(io("stage", &source))?;
        }
    }
    Ok(staging)
}

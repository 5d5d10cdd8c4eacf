//! Where the code-set files come from (compiled in, or a `--data-dir`), and how a tab-separated
//! file of one system's rows is read: the `csv` crate deserialising each system's own row type
//! by the header's column names.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// File names of the code sets, in `assets/data/` and in any `--data-dir`. Each system's module
/// names its own files; these are the ones shared by the catalog as a whole.
pub mod files {
    /// Demo "Coding tips" in codecard's own words (TSV): a paid-plan section.
    pub const CODING_TIPS_DEMO: &str = "coding-tips-demo.tsv";
}

/// The files compiled into the binary, by name.
const EMBEDDED: [(&str, &[u8]); 6] = [
    (super::icd10cm::FILE, include_bytes!("../../../assets/data/icd10cm.tsv.gz")),
    (super::icd10cm::TABULAR_FILE, include_bytes!("../../../assets/data/icd10cm-tabular.xml.gz")),
    (super::icd10pcs::FILE, include_bytes!("../../../assets/data/icd10pcs-2025.tsv.gz")),
    (super::cpt::FILE, include_bytes!("../../../assets/data/cpt-demo.tsv")),
    (super::hcpcs::FILE, include_bytes!("../../../assets/data/hcpcs-demo.tsv")),
    (files::CODING_TIPS_DEMO, include_bytes!("../../../assets/data/coding-tips-demo.tsv")),
];

/// The files compiled into the binary: (name, bytes).
pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED.into_iter()
}

/// Where the code-set files come from.
#[derive(Clone, Debug, Default)]
pub enum DataSource {
    /// The files compiled into the binary.
    #[default]
    Embedded,
    /// A folder holding files with the names the system modules give.
    Dir(PathBuf),
}

/// Why the code sets could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct LoadError {
    /// The file at fault.
    pub file: String,
    /// The 1-based line at fault, when the fault is in a row.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl LoadError {
    /// A fault in the file as a whole.
    pub fn file(file: &str, reason: impl Into<String>) -> LoadError {
        LoadError { file: file.into(), line: None, reason: reason.into() }
    }

    /// A fault in one row.
    pub fn row(file: &str, line: usize, reason: impl Into<String>) -> LoadError {
        LoadError { file: file.into(), line: Some(line), reason: reason.into() }
    }
}

impl DataSource {
    /// The bytes of the code-set file `name`, gzip files inflated.
    pub fn bytes(&self, name: &str) -> Result<Vec<u8>, LoadError> {
        let raw: std::borrow::Cow<[u8]> = match self {
            DataSource::Embedded => EMBEDDED
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, bytes)| (*bytes).into())
                .ok_or_else(|| LoadError::file(name, "not embedded"))?,
            DataSource::Dir(dir) => std::fs::read(dir.join(name))
                .map_err(|e| LoadError::file(name, format!("cannot read {}: {e}", dir.join(name).display())))?
                .into(),
        };
        if !name.ends_with(".gz") {
            return Ok(raw.into_owned());
        }
        let mut inflated = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut inflated)
            .map_err(|e| LoadError::file(name, format!("not valid gzip: {e}")))?;
        Ok(inflated)
    }

    /// The text of the code-set file `name` (gzip files are inflated).
    pub fn read(&self, name: &str) -> Result<String, LoadError> {
        String::from_utf8(self.bytes(name)?).map_err(|e| LoadError::file(name, format!("not UTF-8: {e}")))
    }

    /// Every row of the tab-separated file `name` as `R`, with its 1-based line number.
    pub fn rows<R: DeserializeOwned>(&self, name: &str) -> Result<Vec<(usize, R)>, LoadError> {
        read_tsv(name, &self.bytes(name)?)
    }
}

/// The reader every code-set file is read with: tabs, no quoting (descriptions hold `"`), one
/// header line naming the columns.
pub fn tsv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().delimiter(b'\t').quoting(false).has_headers(true).from_reader(input)
}

/// The writer every code-set file is written with, matching [`tsv_reader`].
pub fn tsv_writer<W: std::io::Write>(output: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().delimiter(b'\t').quote_style(csv::QuoteStyle::Never).from_writer(output)
}

/// Deserialises every row of a TSV file, naming the file and line of the first bad one.
pub fn read_tsv<R: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<Vec<(usize, R)>, LoadError> {
    let fail = |e: csv::Error| {
        let line = e.position().map(|p| p.line() as usize);
        let reason = match e.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("expected {expected_len} tab-separated fields as the header names, found {len}")
            }
            csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
            _ => e.to_string(),
        };
        LoadError { file: name.into(), line, reason }
    };
    let mut reader = tsv_reader(bytes);
    let headers = reader.headers().map_err(fail)?.clone();
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    while reader.read_record(&mut record).map_err(fail)? {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let row = record.deserialize(Some(&headers)).map_err(|e| LoadError::row(name, line, e.to_string()))?;
        rows.push((line, row));
    }
    Ok(rows)
}

/// Resolves a data folder given on the command line: it must exist.
pub fn data_dir(path: &Path) -> Result<DataSource, LoadError> {
    if path.is_dir() {
        Ok(DataSource::Dir(path.to_path_buf()))
    } else {
        Err(LoadError::file(&path.display().to_string(), "not a folder"))
    }
}

/// Serde helpers for the `0`/`1` flag columns.
pub mod flag {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Reads `1` as true and `0` as false; anything else is an error naming the value.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        match <&str>::deserialize(deserializer)? {
            "1" => Ok(true),
            "0" => Ok(false),
            other => Err(serde::de::Error::custom(format!("a flag is 0 or 1, not {other:?}"))),
        }
    }

    /// Writes `1` or `0`.
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *value { "1" } else { "0" })
    }
}

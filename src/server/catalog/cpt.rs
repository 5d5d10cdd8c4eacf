//! CPT®: the file layout, rows, cards and search entries of the AMA's procedure codes.
//!
//! codecard ships no AMA text: the embedded rows carry a summary and a plain-language text
//! written by codecard; the official descriptor arrives only through a licensee's import.

use serde::{Deserialize, Serialize};

use super::codes::{CodeList, Codes, Searchable, Versioned};
use super::release::Version;
use super::source::{DataSource, LoadError};
use super::{CodeSet, SearchEntry, base_card};
use crate::api::{Card, CodeSystem, HierarchyLevel, Level};
use crate::code;
use crate::server::import::{Collected, Format};

/// The CPT® rows (TSV of [`Row`]s): codecard's demo set, or a licensee's import.
pub const FILE: &str = "cpt-demo.tsv";
/// The release of a row that names none.
pub const DEFAULT_RELEASE: &str = "demo";

/// One line of [`FILE`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    /// The five-character code.
    pub code: String,
    /// The CPT® section's title.
    pub section: String,
    /// The section's code range.
    pub section_range: String,
    /// The subsection's title (empty for an imported code outside the demo set).
    pub subsection: String,
    /// The subsection's code range.
    pub subsection_range: String,
    /// A summary written by codecard (or the licensee's consumer text for a new code).
    pub summary: String,
    /// A plain-language text for patients.
    pub plain_language: String,
    /// The official descriptor from a licensee's import; absent from the demo set.
    #[serde(default)]
    pub licensed_descriptor: String,
    /// The release the code comes from (written by `codecard import`).
    #[serde(default)]
    pub release: String,
    /// The release that deleted the code, if any.
    #[serde(default)]
    pub deleted_in: String,
}

super::release::versioned_row!(Row);

struct Entry {
    version: Version,
    section: Box<str>,
    section_range: Box<str>,
    subsection: Box<str>,
    subsection_range: Box<str>,
    summary: Box<str>,
    plain_language: Box<str>,
    descriptor: Box<str>,
}

/// The loaded CPT® set.
pub struct Cpt {
    codes: Codes<Entry>,
}

impl Cpt {
    /// Loads and validates [`FILE`].
    pub fn load(source: &DataSource) -> Result<Cpt, LoadError> {
        let codes = Codes::load(source, FILE, CodeSystem::Cpt, DEFAULT_RELEASE, |row: Row, version| Entry {
            version,
            section: row.section.into(),
            section_range: row.section_range.into(),
            subsection: row.subsection.into(),
            subsection_range: row.subsection_range.into(),
            summary: row.summary.into(),
            plain_language: row.plain_language.into(),
            descriptor: row.licensed_descriptor.into(),
        })?;
        Ok(Cpt { codes })
    }
}

impl CodeSet for Cpt {
    fn codes(&self) -> &dyn CodeList {
        &self.codes
    }

    /// What the search index needs of every code.
    fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>) {
        self.codes.search_entries(out, |e| Searchable {
            billable: true,
            // The licensed descriptor, where imported, is the official title; codecard's summary
            // and plain-language text still help lay searches find it.
            title: if e.descriptor.is_empty() { &e.summary } else { &e.descriptor },
            extra: &e.plain_language,
        });
    }

    /// The card of `key`: codecard's summary (or the licensed descriptor), the plain-language
    /// text, section and subsection.
    fn card(&self, key: &str) -> Option<Card> {
        let entry = self.codes.get(key)?;
        let licensed = !entry.descriptor.is_empty();
        Some(Card {
            short_description: Some(entry.summary.to_string()),
            long_description: licensed.then(|| entry.descriptor.to_string()),
            descriptor_note: (!licensed).then(|| {
                "Summary written by codecard. The official CPT® descriptor is shown only where the \
                 endpoint has loaded a licensed AMA data file."
                    .into()
            }),
            plain_language: (!entry.plain_language.is_empty()).then(|| entry.plain_language.to_string()),
            hierarchy: [
                (Level::Section, &entry.section_range, &entry.section),
                (Level::Subsection, &entry.subsection_range, &entry.subsection),
            ]
            .into_iter()
            // An imported code outside the demo set has no subsection.
            .filter(|(_, _, title)| !title.is_empty())
            .map(|(level, code, title)| HierarchyLevel { level, code: code.to_string(), title: title.to_string() })
            .collect(),
            attribution: if licensed {
                format!(
                    "CPT® {} descriptor from the endpoint's licensed AMA data file. CPT® is a registered \
                     trademark of the American Medical Association.",
                    entry.version.release
                )
            } else {
                "CPT® is a registered trademark of the American Medical Association. \
                 This card shows no AMA descriptor text."
                    .into()
            },
            ..base_card(CodeSystem::Cpt, key, &entry.version)
        })
    }
}

/// The CPT® section of a code, by the published section ranges.
fn section_of(code: &str) -> (&'static str, &'static str) {
    match code.as_bytes()[4] {
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

/// Which column of a licensee file holds what.
struct Columns {
    separator: char,
    code: usize,
    descriptor: usize,
    consumer: Option<usize>,
}

/// `codecard import cpt`: a licensee's descriptor file, tab- or pipe-delimited: code,
/// descriptor, consumer-friendly descriptor if present; an optional first line names the
/// columns. Licensee files vary too much in layout for a fixed serde row.
#[derive(Default)]
pub struct LicenseeImport {
    columns: Option<Columns>,
    first_line: bool,
}

impl LicenseeImport {
    /// Reads a header line naming the columns.
    fn header(fields: &[&str], separator: char) -> Result<Columns, String> {
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
        Ok(Columns { separator, code, descriptor, consumer })
    }
}

impl Format for LicenseeImport {
    type Row = Row;
    const FILE: &'static str = FILE;
    const DEFAULT_RELEASE: &'static str = DEFAULT_RELEASE;

    fn line(&mut self, line: &str, out: &mut Collected<Row>) -> Result<(), String> {
        let first = !std::mem::replace(&mut self.first_line, true);
        if self.columns.is_none() {
            let separator = if line.contains('\t') { '\t' } else { '|' };
            let fields: Vec<&str> = line.split(separator).map(str::trim).collect();
            let looks_like_code = fields.first().is_some_and(|f| code::fits(CodeSystem::Cpt, f));
            if first && !looks_like_code {
                self.columns = Some(Self::header(&fields, separator)?);
                out.skip();
                return Ok(());
            }
            self.columns =
                Some(Columns { separator, code: 0, descriptor: 1, consumer: (fields.len() > 2).then_some(2) });
        }
        let layout = self.columns.as_ref().expect("set above");
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
        let consumer = layout.consumer.map(get).unwrap_or_default();
        if [descriptor, consumer].iter().any(|t| t.contains('\t')) {
            return Err(format!("{code}: a descriptor contains a tab"));
        }
        let (section, range) = section_of(&code);
        out.push(Row {
            code,
            section: section.into(),
            section_range: range.into(),
            subsection: String::new(),
            subsection_range: String::new(),
            summary: if consumer.is_empty() { descriptor.into() } else { consumer.into() },
            plain_language: consumer.into(),
            licensed_descriptor: descriptor.into(),
            release: String::new(),
            deleted_in: String::new(),
        });
        Ok(())
    }

    /// A known code keeps codecard's sections, summary and (unless the file brings one)
    /// plain-language text; only the descriptor is the licensee's.
    fn complete(&self, row: &mut Row, old: Option<&Row>) {
        if let Some(old) = old {
            let consumer = std::mem::take(&mut row.plain_language);
            let descriptor = std::mem::take(&mut row.licensed_descriptor);
            *row = Row { licensed_descriptor: descriptor, ..old.clone() };
            if row.plain_language.is_empty() {
                row.plain_language = consumer;
            }
        }
    }
}

impl Versioned for Entry {
    fn version(&self) -> &Version {
        &self.version
    }
}

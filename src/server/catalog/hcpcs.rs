//! HCPCS Level II: the file layout, rows, cards and search entries of CMS's supply, drug and
//! service codes.

use serde::{Deserialize, Serialize};

use super::codes::{CodeList, Codes, Searchable, Versioned};
use super::release::Version;
use super::source::{DataSource, LoadError};
use super::{CodeSet, SearchEntry, base_card};
use crate::api::{Card, CodeSystem, HierarchyLevel, Level};
use crate::code;
use crate::server::import::{Collected, Format, fixed_width};

/// The HCPCS rows (TSV of [`Row`]s): the demo set, or an import of the CMS file.
pub const FILE: &str = "hcpcs-demo.tsv";
/// The release of a row that names none.
pub const DEFAULT_RELEASE: &str = "demo";

/// One line of [`FILE`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    /// The five-character code.
    pub code: String,
    /// The section's title.
    pub section: String,
    /// The section's code range.
    pub section_range: String,
    /// The CMS short description.
    pub short_description: String,
    /// The CMS long description.
    pub long_description: String,
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
    short: Box<str>,
    long: Box<str>,
}

/// The loaded HCPCS Level II set.
pub struct Hcpcs {
    codes: Codes<Entry>,
}

impl Hcpcs {
    /// Loads and validates [`FILE`].
    pub fn load(source: &DataSource) -> Result<Hcpcs, LoadError> {
        let codes = Codes::load(source, FILE, CodeSystem::Hcpcs, DEFAULT_RELEASE, |row: Row, version| Entry {
            version,
            section: row.section.into(),
            section_range: row.section_range.into(),
            short: row.short_description.into(),
            long: row.long_description.into(),
        })?;
        Ok(Hcpcs { codes })
    }
}

impl CodeSet for Hcpcs {
    fn codes(&self) -> &dyn CodeList {
        &self.codes
    }

    /// What the search index needs of every code.
    fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>) {
        self.codes.search_entries(out, |e| Searchable { billable: true, title: &e.long, extra: &e.short });
    }

    /// The card of `key`: CMS's descriptions and the section.
    fn card(&self, key: &str) -> Option<Card> {
        let entry = self.codes.get(key)?;
        Some(Card {
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            hierarchy: vec![HierarchyLevel {
                level: Level::Section,
                code: entry.section_range.to_string(),
                title: entry.section.to_string(),
            }],
            attribution: "HCPCS Level II, Centers for Medicare & Medicaid Services; public domain.".into(),
            ..base_card(CodeSystem::Hcpcs, key, &entry.version)
        })
    }
}

/// The HCPCS Level II section of a code, by its letter.
fn section_of(code: &str) -> (&'static str, String) {
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

/// `codecard import hcpcs`: the CMS "ANWEB" record file, fixed width: code (1-5), sequence
/// number (6-10), record identifier (11: `3` a code's first line, `4` its continuation, `7`/`8`
/// modifiers, skipped), long description line (12-91), short description (92-119). Dental (D)
/// codes are skipped: their text belongs to the ADA.
#[derive(Default)]
pub struct AnwebImport;

impl Format for AnwebImport {
    type Row = Row;
    const FILE: &'static str = FILE;
    const DEFAULT_RELEASE: &'static str = DEFAULT_RELEASE;

    fn line(&mut self, line: &str, out: &mut Collected<Row>) -> Result<(), String> {
        if !line.is_ascii() {
            return Err("the HCPCS file is ASCII; this line is not".into());
        }
        if line.len() < 91 {
            return Err(format!("a HCPCS record has at least 91 characters, this one {}", line.len()));
        }
        let code = fixed_width(line, 1, 5).to_string();
        let sequence = fixed_width(line, 6, 10);
        if sequence.len() != 5 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("columns 6-10 hold the sequence number, not {sequence:?}"));
        }
        let long = fixed_width(line, 12, 91);
        let short = fixed_width(line, 92, 119);
        match fixed_width(line, 11, 11) {
            // Modifiers (two characters) are not codes; count each once, on its first line.
            "7" => out.skip(),
            "8" => {}
            "3" => {
                if !code::fits(CodeSystem::Hcpcs, &code) {
                    return Err(format!("{code:?} is not a HCPCS Level II code"));
                }
                if long.is_empty() {
                    return Err(format!("{code}: the long description must not be empty"));
                }
                if code.starts_with('D') {
                    // CDT (dental) text belongs to the ADA.
                    out.skip();
                    return Ok(());
                }
                let (section, section_range) = section_of(&code);
                out.push(Row {
                    code,
                    section: section.into(),
                    section_range,
                    short_description: short.into(),
                    long_description: long.into(),
                    release: String::new(),
                    deleted_in: String::new(),
                });
            }
            "4" => match out.last_mut() {
                Some(last) if last.code == code => {
                    last.long_description.push(' ');
                    last.long_description.push_str(long);
                }
                _ if code.starts_with('D') => {}
                _ => return Err(format!("{code}: a continuation line without its first line")),
            },
            other => return Err(format!("column 11 is the record identifier (3, 4, 7 or 8), not {other:?}")),
        }
        Ok(())
    }

    /// A record without a short description shows its (whole) long one.
    fn complete(&self, row: &mut Row, _old: Option<&Row>) {
        if row.short_description.is_empty() {
            row.short_description = row.long_description.clone();
        }
    }
}

impl Versioned for Entry {
    fn version(&self) -> &Version {
        &self.version
    }
}

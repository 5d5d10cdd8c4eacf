//! ICD-10-CM: the file layout, rows, cards and search entries of US diagnosis codes.
//!
//! Two files: the code list with short and long descriptions ([`FILE`]), and the CDC's Tabular
//! List XML ([`TABULAR_FILE`]) for chapters, blocks, instructional notes and 7th characters.

pub mod expand;
mod notes;
pub mod tabular;

use serde::{Deserialize, Serialize};

use super::codes::{CodeList, Codes, Searchable, Versioned};
use super::release::Version;
use super::source::{DataSource, LoadError, flag};
use super::{CodeSet, SearchEntry, base_card};
use crate::api::{Card, CodeRef, CodeSystem, HierarchyLevel, Level, NoteKind, Section, SectionContent, SectionId};
use crate::code;
pub use tabular::Tabular;

/// The code descriptions (gzip TSV of [`Row`]s).
pub const FILE: &str = "icd10cm.tsv.gz";
/// The CDC's Tabular List XML (gzip), as published.
pub const TABULAR_FILE: &str = "icd10cm-tabular.xml.gz";
/// The release of a row that names none.
pub const DEFAULT_RELEASE: &str = "FY2025";

/// One line of [`FILE`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    /// The code without its dot (`E119`).
    pub code: String,
    /// The code as printed (`E11.9`).
    pub code_dotted: String,
    /// `1` when the code is valid on a claim, `0` for a category header.
    #[serde(with = "flag")]
    pub billable: bool,
    /// The CMS short description (60 characters at most).
    pub short_description: String,
    /// The full title.
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
    billable: bool,
    short: Box<str>,
    long: Box<str>,
}

impl Versioned for Entry {
    fn version(&self) -> &Version {
        &self.version
    }
}

/// The loaded ICD-10-CM set.
pub struct Icd10cm {
    entries: Codes<Entry>,
    /// The keys in order, to find a header's children by binary search.
    sorted: Vec<Box<str>>,
    /// Chapters, blocks, notes and 7th characters.
    tabular: tabular::Tabular,
}

impl Icd10cm {
    /// Loads and validates [`FILE`] and [`TABULAR_FILE`].
    pub fn load(source: &DataSource) -> Result<Icd10cm, LoadError> {
        // The Tabular List parses on a second core while the code list loads.
        let (entries, tabular) = std::thread::scope(|scope| {
            let tabular = scope.spawn(|| {
                tabular::parse(&source.bytes(TABULAR_FILE)?).map_err(|e| LoadError::row(TABULAR_FILE, e.line, e.reason))
            });
            let entries = Codes::load(source, FILE, CodeSystem::Icd10cm, DEFAULT_RELEASE, |row: Row, version| Entry {
                version,
                billable: row.billable,
                short: row.short_description.into(),
                long: row.long_description.into(),
            });
            (entries, tabular.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (entries, tabular) = (entries?, tabular?);
        let mut sorted: Vec<Box<str>> = entries.iter().map(|(key, _)| key.into()).collect();
        sorted.sort_unstable();
        Ok(Icd10cm { entries, sorted, tabular })
    }

    /// The Tabular List's inclusion terms and "includes" phrases of every live code, as
    /// `(code, phrase)`: other names of the condition the code is for, which search uses.
    pub fn inclusion_terms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.tabular.order.iter().filter(|code| self.entries.get(code).is_some_and(|e| !e.version.deleted())).flat_map(
            move |code| {
                self.tabular.diags[code]
                    .notes
                    .0
                    .iter()
                    .filter(|(kind, _)| matches!(kind, NoteKind::InclusionTerm | NoteKind::Includes))
                    .flat_map(move |(_, texts)| texts.iter().map(move |text| (&**code, &**text)))
            },
        )
    }

    /// Every code (normalised, headers included), in code order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.sorted.iter().map(|k| &**k)
    }

    /// The chapter → block → category → subcategory chain above `key`.
    fn hierarchy(&self, key: &str) -> Vec<HierarchyLevel> {
        let mut hierarchy = Vec::new();
        if let Some(block) = self.block_of(key) {
            let chapter = &self.tabular.chapters[block.chapter];
            hierarchy.push(HierarchyLevel {
                level: Level::Chapter,
                code: chapter.range.to_string(),
                title: format!("Chapter {}: {}", chapter.number, chapter.title),
            });
            hierarchy.push(HierarchyLevel {
                level: Level::Block,
                code: block.range.to_string(),
                title: block.title.to_string(),
            });
        }
        // Every shorter prefix that is itself a code is an ancestor: E1165 → E116 → E11.
        for len in 3..key.len() {
            let prefix = &key[..len];
            if let Some(parent) = self.entries.get(prefix) {
                hierarchy.push(HierarchyLevel {
                    level: if len == 3 { Level::Category } else { Level::Subcategory },
                    code: code::display(CodeSystem::Icd10cm, prefix),
                    title: parent.long.to_string(),
                });
            }
        }
        hierarchy
    }

    /// The block of the Tabular List that holds `key`'s category.
    fn block_of(&self, key: &str) -> Option<&tabular::Block> {
        self.tabular.diags.get(&key[..3]).map(|diag| &self.tabular.blocks[diag.block])
    }

    /// For a header: its direct children. For a billable code: its siblings under the same parent.
    fn related(&self, key: &str, billable: bool) -> Option<Section> {
        // The widget words the title from `billable` ("Other codes in this category").
        let parent = if billable { self.parent(key)? } else { key };
        // Keys sharing a prefix are contiguous once sorted; a direct child is one whose nearest
        // existing ancestor is `parent` (placeholder-X codes skip a length: T360 → T360X1).
        let start = self.sorted.partition_point(|k| &**k < parent);
        let children: Vec<&str> = self.sorted[start..]
            .iter()
            .map(|k| &**k)
            .take_while(|k| k.starts_with(parent))
            .filter(|k| *k != parent && *k != key && self.parent(k) == Some(parent))
            .take(25)
            .collect();
        if children.is_empty() {
            return None;
        }
        Some(Section {
            id: SectionId::Related,
            content: Some(SectionContent::Codes {
                codes: children
                    .into_iter()
                    .map(|k| CodeRef {
                        system: CodeSystem::Icd10cm,
                        display_code: code::display(CodeSystem::Icd10cm, k),
                        title: self.entries.get(k).map(|e| e.short.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            }),
        })
    }

    /// The longest proper prefix of `key` that is itself a code.
    fn parent<'k>(&self, key: &'k str) -> Option<&'k str> {
        (3..key.len()).rev().map(|len| &key[..len]).find(|p| self.entries.contains(p))
    }
}

impl CodeSet for Icd10cm {
    fn codes(&self) -> &dyn CodeList {
        &self.entries
    }

    /// What the search index needs of every code.
    fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>) {
        self.entries.search_entries(out, |e| Searchable { billable: e.billable, title: &e.long, extra: &e.short });
    }

    /// The card of `key`: descriptions, the chapter → block → category chain, related codes.
    fn card(&self, key: &str) -> Option<Card> {
        let entry = self.entries.get(key)?;
        let related = self.related(key, entry.billable);
        Some(Card {
            billable: entry.billable,
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            descriptor_note: (!entry.billable).then(|| {
                "Category header: not valid on a claim. Report one of the more specific codes below it.".into()
            }),
            hierarchy: self.hierarchy(key),
            attribution: format!(
                "ICD-10-CM {}, CDC National Center for Health Statistics and CMS; public domain.",
                entry.version.release
            ),
            sections: related.into_iter().chain(self.notes(key)).collect(),
            ..base_card(CodeSystem::Icd10cm, key, &entry.version)
        })
    }
}

/// `codecard import icd10cm`: the CMS order file, headers included.
#[derive(Default)]
pub struct OrderFileImport;

impl crate::server::import::Format for OrderFileImport {
    type Row = Row;
    const FILE: &'static str = FILE;
    const DEFAULT_RELEASE: &'static str = DEFAULT_RELEASE;

    fn line(&mut self, line: &str, out: &mut crate::server::import::Collected<Row>) -> Result<(), String> {
        let order = crate::server::import::order_file::parse(line)?;
        if !code::fits(CodeSystem::Icd10cm, &order.code) {
            return Err(format!("{:?} is not an ICD-10-CM code", order.code));
        }
        out.push(Row {
            code_dotted: code::display(CodeSystem::Icd10cm, &order.code),
            code: order.code,
            billable: order.billable,
            short_description: order.short,
            long_description: order.long,
            release: String::new(),
            deleted_in: String::new(),
        });
        Ok(())
    }
}

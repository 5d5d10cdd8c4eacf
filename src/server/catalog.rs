//! The code sets the endpoint serves, loaded once at start and read without locks.
//!
//! The default data is compiled into the binary (`assets/data/`), so `codecard serve` works
//! from any directory; `--data-dir` points at a folder with files of the same names instead.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::api::{Axis, Card, CodeRef, CodeSystem, HierarchyLevel, Section, SectionContent, SystemCount};
use crate::code;

/// File names of the code sets, in `assets/data/` and in any `--data-dir`.
pub mod files {
    /// CMS ICD-10-CM FY2025 code descriptions (gzip TSV).
    pub const ICD10CM: &str = "icd10cm-2025.tsv.gz";
    /// CMS ICD-10-PCS FY2025 codes with their seven axes (gzip TSV).
    pub const ICD10PCS: &str = "icd10pcs-2025.tsv.gz";
    /// ICD-10-CM chapters and blocks from the CMS tabular list (TSV).
    pub const ICD10CM_BLOCKS: &str = "icd10cm-chapters-blocks.tsv";
    /// CPT® demo entries in codecard's own words (TSV).
    pub const CPT_DEMO: &str = "cpt-demo.tsv";
    /// HCPCS Level II demo entries with CMS descriptors (TSV).
    pub const HCPCS_DEMO: &str = "hcpcs-demo.tsv";
    /// Demo "Coding tips" in codecard's own words (TSV): a paid-plan section.
    pub const CODING_TIPS_DEMO: &str = "coding-tips-demo.tsv";
}

/// The files compiled into the binary, by name.
const EMBEDDED: [(&str, &[u8]); 6] = [
    (files::ICD10CM, include_bytes!("../../assets/data/icd10cm-2025.tsv.gz")),
    (files::ICD10PCS, include_bytes!("../../assets/data/icd10pcs-2025.tsv.gz")),
    (files::ICD10CM_BLOCKS, include_bytes!("../../assets/data/icd10cm-chapters-blocks.tsv")),
    (files::CPT_DEMO, include_bytes!("../../assets/data/cpt-demo.tsv")),
    (files::HCPCS_DEMO, include_bytes!("../../assets/data/hcpcs-demo.tsv")),
    (files::CODING_TIPS_DEMO, include_bytes!("../../assets/data/coding-tips-demo.tsv")),
];

/// The files compiled into the binary: (name, bytes).
pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED.into_iter()
}

const ICD10_RELEASE: &str = "FY2025";
const DEMO_RELEASE: &str = "demo";

/// Where the code-set files come from.
#[derive(Clone, Debug, Default)]
pub enum DataSource {
    /// The files compiled into the binary.
    #[default]
    Embedded,
    /// A folder holding files with the names in [`files`].
    Dir(PathBuf),
}

/// Why the code sets could not be loaded.
#[derive(Debug)]
pub struct LoadError {
    /// The file at fault.
    pub file: String,
    /// The 1-based line at fault, when the fault is in a row.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for LoadError {}

impl DataSource {
    /// The text of the code-set file `name` (gzip files are inflated).
    pub fn read(&self, name: &str) -> Result<String, LoadError> {
        let fail = |reason: String| LoadError { file: name.to_string(), line: None, reason };
        let bytes: std::borrow::Cow<[u8]> = match self {
            DataSource::Embedded => EMBEDDED
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, bytes)| (*bytes).into())
                .ok_or_else(|| fail("not embedded".into()))?,
            DataSource::Dir(dir) => std::fs::read(dir.join(name))
                .map_err(|e| fail(format!("cannot read {}: {e}", dir.join(name).display())))?
                .into(),
        };
        let mut text = String::new();
        if name.ends_with(".gz") {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .map_err(|e| fail(format!("not valid gzip UTF-8 text: {e}")))?;
        } else {
            text = String::from_utf8(bytes.into_owned()).map_err(|e| fail(format!("not UTF-8: {e}")))?;
        }
        Ok(text)
    }
}

/// Splits a TSV file into rows, skipping the header line. A row has the file's base `columns`
/// or, as written by `codecard import`, [`VERSION_COLUMNS`] more: the release the code comes
/// from and the release that deleted it. (`rows_of` takes an explicit list.)
fn rows<'a>(
    file: &'a str,
    text: &'a str,
    columns: usize,
) -> impl Iterator<Item = Result<Vec<&'a str>, LoadError>> + 'a {
    rows_of(file, text, vec![columns, columns + VERSION_COLUMNS])
}

/// Splits a TSV file into rows of one of the `allowed` field counts, skipping the header line.
fn rows_of<'a>(
    file: &'a str,
    text: &'a str,
    allowed: Vec<usize>,
) -> impl Iterator<Item = Result<Vec<&'a str>, LoadError>> + 'a {
    text.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()).map(move |(i, line)| {
        let fields: Vec<&str> = line.split('\t').collect();
        if allowed.contains(&fields.len()) {
            Ok(fields)
        } else {
            let imported: Vec<String> = allowed[1..].iter().map(usize::to_string).collect();
            Err(LoadError {
                file: file.to_string(),
                line: Some(i + 1),
                reason: format!(
                    "expected {} tab-separated fields (or {} as written by codecard import), found {}",
                    allowed[0],
                    imported.join(" or "),
                    fields.len()
                ),
            })
        }
    })
}

/// How many columns the versioned form of a code-set file adds: `release` and `deleted_in`.
pub const VERSION_COLUMNS: usize = 2;

/// Which release a code comes from and, if a newer release dropped it, which one.
#[derive(Clone, Debug)]
struct Version {
    release: Arc<str>,
    deleted_in: Option<Arc<str>>,
}

impl Version {
    /// Reads the optional trailing columns of a row with `base` columns, interning the labels
    /// (a handful of releases serve every code).
    fn of(fields: &[&str], base: usize, default: &Arc<str>, releases: &mut Vec<Arc<str>>) -> Version {
        let mut intern = |label: &str| -> Arc<str> {
            if let Some(known) = releases.iter().find(|r| &***r == label) {
                return known.clone();
            }
            let label: Arc<str> = label.into();
            releases.push(label.clone());
            label
        };
        match fields.get(base..base + VERSION_COLUMNS) {
            Some([release, deleted]) => Version {
                release: if release.is_empty() { default.clone() } else { intern(release) },
                deleted_in: (!deleted.is_empty()).then(|| intern(deleted)),
            },
            _ => Version { release: default.clone(), deleted_in: None },
        }
    }
}

struct CmEntry {
    version: Version,
    billable: bool,
    short: Box<str>,
    long: Box<str>,
}

struct CmGroup {
    /// `chapter` or `block`.
    level: &'static str,
    chapter: Box<str>,
    first: Box<str>,
    last: Box<str>,
    title: Box<str>,
}

struct PcsEntry {
    version: Version,
    short: Box<str>,
    long: Box<str>,
    /// Labels of the seven axes, interned: a few thousand distinct strings serve 68k codes.
    axes: [Arc<str>; 7],
    root_operation_definition: Arc<str>,
}

struct CptEntry {
    version: Version,
    section: Box<str>,
    section_range: Box<str>,
    subsection: Box<str>,
    subsection_range: Box<str>,
    summary: Box<str>,
    plain_language: Box<str>,
    /// The official descriptor from a licensee's import; empty in the demo set.
    descriptor: Box<str>,
}

struct HcpcsEntry {
    version: Version,
    section: Box<str>,
    section_range: Box<str>,
    short: Box<str>,
    long: Box<str>,
}

const PCS_AXIS_NAMES: [&str; 7] =
    ["Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier"];

/// Every loaded code set. Immutable after [`Catalog::load`]; share it behind an `Arc`.
pub struct Catalog {
    icd10cm: HashMap<Box<str>, CmEntry>,
    /// The ICD-10-CM keys in order, to find a header's children by binary search.
    icd10cm_sorted: Vec<Box<str>>,
    /// Chapters then blocks, in file order.
    icd10cm_groups: Vec<CmGroup>,
    icd10pcs: HashMap<Box<str>, PcsEntry>,
    cpt: HashMap<Box<str>, CptEntry>,
    hcpcs: HashMap<Box<str>, HcpcsEntry>,
    /// Coding tips by system and code, in file order.
    tips: HashMap<(CodeSystem, Box<str>), Vec<Box<str>>>,
    /// Every release label seen, interned.
    releases: Vec<Arc<str>>,
}

/// One code as the search index sees it.
#[derive(Clone, Copy, Debug)]
pub struct SearchEntry<'a> {
    /// The code's system.
    pub system: CodeSystem,
    /// The normalised code.
    pub key: &'a str,
    /// Whether the code can be reported on a claim.
    pub billable: bool,
    /// Whether a newer release deleted the code.
    pub deleted: bool,
    /// The description shown in results.
    pub title: &'a str,
    /// Further text to match but not to show (short descriptions, plain-language text).
    pub extra: &'a str,
}

impl Catalog {
    /// Loads every code set from `source`, validating every row.
    pub fn load(source: &DataSource) -> Result<Catalog, LoadError> {
        let mut catalog = Catalog {
            icd10cm: HashMap::new(),
            icd10cm_sorted: Vec::new(),
            icd10cm_groups: Vec::new(),
            icd10pcs: HashMap::new(),
            cpt: HashMap::new(),
            hcpcs: HashMap::new(),
            tips: HashMap::new(),
            releases: Vec::new(),
        };
        catalog.load_icd10cm(source)?;
        catalog.load_icd10pcs(source)?;
        catalog.load_cpt(source)?;
        catalog.load_hcpcs(source)?;
        catalog.load_tips(source)?;
        Ok(catalog)
    }

    fn load_icd10cm(&mut self, source: &DataSource) -> Result<(), LoadError> {
        let text = source.read(files::ICD10CM)?;
        self.icd10cm.reserve(100_000);
        let default: Arc<str> = ICD10_RELEASE.into();
        for (i, row) in rows(files::ICD10CM, &text, 5).enumerate() {
            let f = row?;
            check_key(files::ICD10CM, i + 2, CodeSystem::Icd10cm, f[0])?;
            let version = Version::of(&f, 5, &default, &mut self.releases);
            self.icd10cm
                .insert(f[0].into(), CmEntry { version, billable: f[2] == "1", short: f[3].into(), long: f[4].into() });
        }
        self.icd10cm_sorted = self.icd10cm.keys().cloned().collect();
        self.icd10cm_sorted.sort_unstable();
        let text = source.read(files::ICD10CM_BLOCKS)?;
        for row in rows(files::ICD10CM_BLOCKS, &text, 4) {
            let f = row?;
            let (first, last) = f[2].split_once('-').unwrap_or((f[2], f[2]));
            self.icd10cm_groups.push(CmGroup {
                level: if f[0] == "chapter" { "chapter" } else { "block" },
                chapter: f[1].into(),
                first: first.into(),
                last: last.into(),
                title: f[3].into(),
            });
        }
        Ok(())
    }

    fn load_icd10pcs(&mut self, source: &DataSource) -> Result<(), LoadError> {
        let text = source.read(files::ICD10PCS)?;
        let mut interned: HashSet<Arc<str>> = HashSet::new();
        let mut intern = |s: &str| -> Arc<str> {
            if let Some(shared) = interned.get(s) {
                return shared.clone();
            }
            let shared: Arc<str> = s.into();
            interned.insert(shared.clone());
            shared
        };
        self.icd10pcs.reserve(70_000);
        let default: Arc<str> = ICD10_RELEASE.into();
        for (i, row) in rows(files::ICD10PCS, &text, 11).enumerate() {
            let f = row?;
            check_key(files::ICD10PCS, i + 2, CodeSystem::Icd10pcs, f[0])?;
            // "Bypass: Altering the route of passage ..." holds the name and its definition.
            let (operation, definition) = f[6].split_once(": ").unwrap_or((f[6], ""));
            self.icd10pcs.insert(
                f[0].into(),
                PcsEntry {
                    version: Version::of(&f, 11, &default, &mut self.releases),
                    short: f[2].into(),
                    long: f[3].into(),
                    axes: [
                        intern(f[4]),
                        intern(f[5]),
                        intern(operation),
                        intern(f[7]),
                        intern(f[8]),
                        intern(f[9]),
                        intern(f[10]),
                    ],
                    root_operation_definition: intern(definition),
                },
            );
        }
        Ok(())
    }

    fn load_cpt(&mut self, source: &DataSource) -> Result<(), LoadError> {
        let text = source.read(files::CPT_DEMO)?;
        let default: Arc<str> = DEMO_RELEASE.into();
        // The demo file has 7 columns; an imported one adds the licensed descriptor, then the
        // version columns.
        for (i, row) in rows_of(files::CPT_DEMO, &text, vec![7, 8, 8 + VERSION_COLUMNS]).enumerate() {
            let f = row?;
            check_key(files::CPT_DEMO, i + 2, CodeSystem::Cpt, f[0])?;
            self.cpt.insert(
                f[0].into(),
                CptEntry {
                    version: Version::of(&f, 8, &default, &mut self.releases),
                    descriptor: f.get(7).copied().unwrap_or_default().into(),
                    section: f[1].into(),
                    section_range: f[2].into(),
                    subsection: f[3].into(),
                    subsection_range: f[4].into(),
                    summary: f[5].into(),
                    plain_language: f[6].into(),
                },
            );
        }
        Ok(())
    }

    fn load_hcpcs(&mut self, source: &DataSource) -> Result<(), LoadError> {
        let text = source.read(files::HCPCS_DEMO)?;
        let default: Arc<str> = DEMO_RELEASE.into();
        for (i, row) in rows(files::HCPCS_DEMO, &text, 5).enumerate() {
            let f = row?;
            check_key(files::HCPCS_DEMO, i + 2, CodeSystem::Hcpcs, f[0])?;
            let version = Version::of(&f, 5, &default, &mut self.releases);
            self.hcpcs.insert(
                f[0].into(),
                HcpcsEntry {
                    version,
                    section: f[1].into(),
                    section_range: f[2].into(),
                    short: f[3].into(),
                    long: f[4].into(),
                },
            );
        }
        Ok(())
    }

    fn load_tips(&mut self, source: &DataSource) -> Result<(), LoadError> {
        let text = source.read(files::CODING_TIPS_DEMO)?;
        for (i, row) in rows(files::CODING_TIPS_DEMO, &text, 3).enumerate() {
            let f = row?;
            let line = i + 2;
            let system = CodeSystem::parse(f[0]).ok_or_else(|| LoadError {
                file: files::CODING_TIPS_DEMO.into(),
                line: Some(line),
                reason: format!("{:?} is not a code system", f[0]),
            })?;
            if !self.contains(system, f[1]) {
                return Err(LoadError {
                    file: files::CODING_TIPS_DEMO.into(),
                    line: Some(line),
                    reason: format!("{} is not a loaded {} code", f[1], system.label()),
                });
            }
            self.tips.entry((system, f[1].into())).or_default().push(f[2].into());
        }
        Ok(())
    }

    /// How many codes each system holds, for `/v1/health` and the start-up log.
    pub fn counts(&self) -> Vec<SystemCount> {
        // A set's release is its newest code's: labels of one system sort by date (FY2025 <
        // FY2026, 2025-01 < 2025-04).
        fn newest<'a>(versions: impl Iterator<Item = &'a Version>, fallback: &str) -> String {
            versions.map(|v| &*v.release).max().unwrap_or(fallback).to_string()
        }
        let count = |system, release: String, codes| SystemCount { system, release, codes };
        vec![
            count(
                CodeSystem::Icd10cm,
                newest(self.icd10cm.values().map(|e| &e.version), ICD10_RELEASE),
                self.icd10cm.len(),
            ),
            count(
                CodeSystem::Icd10pcs,
                newest(self.icd10pcs.values().map(|e| &e.version), ICD10_RELEASE),
                self.icd10pcs.len(),
            ),
            count(CodeSystem::Cpt, newest(self.cpt.values().map(|e| &e.version), DEMO_RELEASE), self.cpt.len()),
            count(CodeSystem::Hcpcs, newest(self.hcpcs.values().map(|e| &e.version), DEMO_RELEASE), self.hcpcs.len()),
        ]
    }

    /// Every code of every system, for the search index, in a stable order (system, then code).
    pub fn search_entries(&self) -> Vec<SearchEntry<'_>> {
        let mut entries = Vec::with_capacity(self.icd10cm.len() + self.icd10pcs.len() + 64);
        for (key, e) in &self.icd10cm {
            entries.push(SearchEntry {
                system: CodeSystem::Icd10cm,
                key,
                billable: e.billable,
                deleted: e.version.deleted_in.is_some(),
                title: &e.long,
                extra: &e.short,
            });
        }
        for (key, e) in &self.icd10pcs {
            entries.push(SearchEntry {
                system: CodeSystem::Icd10pcs,
                key,
                billable: true,
                deleted: e.version.deleted_in.is_some(),
                title: &e.long,
                extra: "",
            });
        }
        for (key, e) in &self.cpt {
            // The licensed descriptor, where imported, is the official title; codecard's summary
            // and plain-language text still help lay searches find it.
            let title = if e.descriptor.is_empty() { &e.summary } else { &e.descriptor };
            entries.push(SearchEntry {
                system: CodeSystem::Cpt,
                key,
                billable: true,
                deleted: e.version.deleted_in.is_some(),
                title,
                extra: &e.plain_language,
            });
        }
        for (key, e) in &self.hcpcs {
            entries.push(SearchEntry {
                system: CodeSystem::Hcpcs,
                key,
                billable: true,
                deleted: e.version.deleted_in.is_some(),
                title: &e.long,
                extra: &e.short,
            });
        }
        entries.sort_unstable_by(|a, b| (a.system, a.key).cmp(&(b.system, b.key)));
        entries
    }

    /// Every ICD-10-CM code (normalised, headers included), in code order.
    pub fn icd10cm_codes(&self) -> impl Iterator<Item = &str> {
        self.icd10cm_sorted.iter().map(|k| &**k)
    }

    /// Whether `key` (normalised) is a code of `system`.
    pub fn contains(&self, system: CodeSystem, key: &str) -> bool {
        match system {
            CodeSystem::Icd10cm => self.icd10cm.contains_key(key),
            CodeSystem::Icd10pcs => self.icd10pcs.contains_key(key),
            CodeSystem::Cpt => self.cpt.contains_key(key),
            CodeSystem::Hcpcs => self.hcpcs.contains_key(key),
        }
    }

    /// The full card for `key` (normalised) in `system`, or `None` if the code is unknown.
    pub fn card(&self, system: CodeSystem, key: &str) -> Option<Card> {
        let mut card = match system {
            CodeSystem::Icd10cm => self.icd10cm_card(key),
            CodeSystem::Icd10pcs => self.icd10pcs_card(key),
            CodeSystem::Cpt => self.cpt_card(key),
            CodeSystem::Hcpcs => self.hcpcs_card(key),
        }?;
        if let Some(tips) = self.tips.get(&(system, key.into())) {
            card.sections.push(Section {
                id: "coding_tips".into(),
                title: "Coding tips".into(),
                content: Some(SectionContent::Text { paragraphs: tips.iter().map(|t| t.to_string()).collect() }),
            });
        }
        Some(card)
    }

    fn icd10cm_card(&self, key: &str) -> Option<Card> {
        let entry = self.icd10cm.get(key)?;
        let category = &key[..3];
        let mut hierarchy = Vec::new();
        if let Some(block) = self.icd10cm_block(category) {
            if let Some(chapter) =
                self.icd10cm_groups.iter().find(|g| g.level == "chapter" && g.chapter == block.chapter)
            {
                hierarchy.push(HierarchyLevel {
                    level: "chapter".into(),
                    code: format!("{}-{}", chapter.first, chapter.last),
                    title: format!("Chapter {}: {}", chapter.chapter, chapter.title),
                });
            }
            hierarchy.push(HierarchyLevel {
                level: "block".into(),
                code: if block.first == block.last {
                    block.first.to_string()
                } else {
                    format!("{}-{}", block.first, block.last)
                },
                title: block.title.to_string(),
            });
        }
        // Every shorter prefix that is itself a code is an ancestor: E1165 → E116 → E11.
        for len in 3..key.len() {
            let prefix = &key[..len];
            if let Some(parent) = self.icd10cm.get(prefix) {
                hierarchy.push(HierarchyLevel {
                    level: if len == 3 { "category" } else { "subcategory" }.into(),
                    code: code::display(CodeSystem::Icd10cm, prefix),
                    title: parent.long.to_string(),
                });
            }
        }
        let related = self.icd10cm_related(key, entry.billable);
        Some(Card {
            billable: entry.billable,
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            descriptor_note: (!entry.billable).then(|| {
                "Category header: not valid on a claim. Report one of the more specific codes below it.".into()
            }),
            hierarchy,
            attribution: format!(
                "ICD-10-CM {}, CDC National Center for Health Statistics and CMS; public domain.",
                entry.version.release
            ),
            sections: related.into_iter().collect(),
            ..base_card(CodeSystem::Icd10cm, key, &entry.version)
        })
    }

    /// The narrowest block holding `category`: single-category blocks (C7A) sit inside the
    /// lexical span of ranges (C76-C80) and must win over them.
    fn icd10cm_block(&self, category: &str) -> Option<&CmGroup> {
        self.icd10cm_groups
            .iter()
            .filter(|g| g.level == "block" && &*g.first <= category && category <= &*g.last)
            .min_by_key(|g| (g.first != g.last, g.first.len() + g.last.len()))
    }

    /// For a header: its direct children. For a billable code: its siblings under the same parent.
    fn icd10cm_related(&self, key: &str, billable: bool) -> Option<Section> {
        let (parent, title) = if billable {
            let parent = self.icd10cm_parent(key)?;
            (parent, "Other codes in this category")
        } else {
            (key, "Codes in this category")
        };
        // Keys sharing a prefix are contiguous once sorted; a direct child is one whose nearest
        // existing ancestor is `parent` (placeholder-X codes skip a length: T360 → T360X1).
        let start = self.icd10cm_sorted.partition_point(|k| &**k < parent);
        let mut children: Vec<&str> = self.icd10cm_sorted[start..]
            .iter()
            .map(|k| &**k)
            .take_while(|k| k.starts_with(parent))
            .filter(|k| *k != parent && *k != key && self.icd10cm_parent(k) == Some(parent))
            .take(25)
            .collect();
        if children.is_empty() {
            return None;
        }
        children.sort_unstable();
        Some(Section {
            id: "related".into(),
            title: title.into(),
            content: Some(SectionContent::Codes {
                codes: children
                    .into_iter()
                    .map(|k| CodeRef {
                        system: CodeSystem::Icd10cm,
                        display_code: code::display(CodeSystem::Icd10cm, k),
                        title: self.icd10cm[k].short.to_string(),
                    })
                    .collect(),
            }),
        })
    }

    /// The longest proper prefix of `key` that is itself an ICD-10-CM code.
    fn icd10cm_parent<'k>(&self, key: &'k str) -> Option<&'k str> {
        (3..key.len()).rev().map(|len| &key[..len]).find(|p| self.icd10cm.contains_key(*p))
    }

    fn icd10pcs_card(&self, key: &str) -> Option<Card> {
        let entry = self.icd10pcs.get(key)?;
        let chars: Vec<String> = key.chars().map(String::from).collect();
        let axes = (0..7)
            .map(|i| Axis {
                position: i as u8 + 1,
                name: PCS_AXIS_NAMES[i].into(),
                value: chars[i].clone(),
                label: entry.axes[i].to_string(),
                definition: (i == 2 && !entry.root_operation_definition.is_empty())
                    .then(|| entry.root_operation_definition.to_string()),
            })
            .collect();
        let level = |level: &str, len: usize, title: &Arc<str>| HierarchyLevel {
            level: level.into(),
            code: key[..len].into(),
            title: title.to_string(),
        };
        Some(Card {
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            hierarchy: vec![
                level("section", 1, &entry.axes[0]),
                level("body_system", 2, &entry.axes[1]),
                level("root_operation", 3, &entry.axes[2]),
            ],
            axes,
            attribution: format!(
                "ICD-10-PCS {}, Centers for Medicare & Medicaid Services; public domain.",
                entry.version.release
            ),
            ..base_card(CodeSystem::Icd10pcs, key, &entry.version)
        })
    }

    fn cpt_card(&self, key: &str) -> Option<Card> {
        let entry = self.cpt.get(key)?;
        Some(Card {
            short_description: Some(entry.summary.to_string()),
            long_description: (!entry.descriptor.is_empty()).then(|| entry.descriptor.to_string()),
            descriptor_note: entry.descriptor.is_empty().then(|| {
                "Summary written by codecard. The official CPT® descriptor is shown only where the \
                 endpoint has loaded a licensed AMA data file."
                    .into()
            }),
            plain_language: (!entry.plain_language.is_empty()).then(|| entry.plain_language.to_string()),
            hierarchy: [
                ("section", &entry.section_range, &entry.section),
                ("subsection", &entry.subsection_range, &entry.subsection),
            ]
            .into_iter()
            // An imported code outside the demo set has no subsection.
            .filter(|(_, _, title)| !title.is_empty())
            .map(|(level, code, title)| HierarchyLevel {
                level: level.into(),
                code: code.to_string(),
                title: title.to_string(),
            })
            .collect(),
            attribution: if entry.descriptor.is_empty() {
                "CPT® is a registered trademark of the American Medical Association. \
                 This card shows no AMA descriptor text."
                    .into()
            } else {
                format!(
                    "CPT® {} descriptor from the endpoint's licensed AMA data file. CPT® is a registered \
                     trademark of the American Medical Association.",
                    entry.version.release
                )
            },
            ..base_card(CodeSystem::Cpt, key, &entry.version)
        })
    }

    fn hcpcs_card(&self, key: &str) -> Option<Card> {
        let entry = self.hcpcs.get(key)?;
        Some(Card {
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            hierarchy: vec![HierarchyLevel {
                level: "section".into(),
                code: entry.section_range.to_string(),
                title: entry.section.to_string(),
            }],
            attribution: "HCPCS Level II, Centers for Medicare & Medicaid Services; public domain.".into(),
            ..base_card(CodeSystem::Hcpcs, key, &entry.version)
        })
    }
}

/// What every card starts from: the code in its system and release, with no content and no
/// meter yet. Each system's builder fills in what it has.
fn base_card(system: CodeSystem, key: &str, version: &Version) -> Card {
    Card {
        code: key.into(),
        display_code: code::display(system, key),
        system,
        release: version.release.to_string(),
        billable: true,
        short_description: None,
        long_description: None,
        descriptor_note: None,
        plain_language: None,
        hierarchy: Vec::new(),
        axes: Vec::new(),
        attribution: String::new(),
        sections: Vec::new(),
        deleted_in: version.deleted_in.as_deref().map(String::from),
        also_indexed_as: Vec::new(),
        meter: None,
        paywalled: false,
        visitor_token: None,
    }
}

/// Refuses a row whose code does not have its system's shape, so bad data fails at start
/// instead of producing cards nobody can request.
fn check_key(file: &str, line: usize, system: CodeSystem, key: &str) -> Result<(), LoadError> {
    if code::fits(system, key) {
        Ok(())
    } else {
        Err(LoadError {
            file: file.into(),
            line: Some(line),
            reason: format!("{key:?} is not a {} code", system.label()),
        })
    }
}

/// Resolves a data folder given on the command line: it must exist.
pub fn data_dir(path: &Path) -> Result<DataSource, LoadError> {
    if path.is_dir() {
        Ok(DataSource::Dir(path.to_path_buf()))
    } else {
        Err(LoadError { file: path.display().to_string(), line: None, reason: "not a folder".into() })
    }
}

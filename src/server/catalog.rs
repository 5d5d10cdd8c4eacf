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
    fn read(&self, name: &str) -> Result<String, LoadError> {
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

/// Splits a TSV file into rows of exactly `columns` fields, skipping the header line.
fn rows<'a>(
    file: &'a str,
    text: &'a str,
    columns: usize,
) -> impl Iterator<Item = Result<Vec<&'a str>, LoadError>> + 'a {
    text.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()).map(move |(i, line)| {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() == columns {
            Ok(fields)
        } else {
            Err(LoadError {
                file: file.to_string(),
                line: Some(i + 1),
                reason: format!("expected {columns} tab-separated fields, found {}", fields.len()),
            })
        }
    })
}

struct CmEntry {
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
    short: Box<str>,
    long: Box<str>,
    /// Labels of the seven axes, interned: a few thousand distinct strings serve 68k codes.
    axes: [Arc<str>; 7],
    root_operation_definition: Arc<str>,
}

struct CptEntry {
    section: Box<str>,
    section_range: Box<str>,
    subsection: Box<str>,
    subsection_range: Box<str>,
    summary: Box<str>,
    plain_language: Box<str>,
}

struct HcpcsEntry {
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
        for (i, row) in rows(files::ICD10CM, &text, 5).enumerate() {
            let f = row?;
            check_key(files::ICD10CM, i + 2, CodeSystem::Icd10cm, f[0])?;
            self.icd10cm.insert(f[0].into(), CmEntry { billable: f[2] == "1", short: f[3].into(), long: f[4].into() });
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
        for (i, row) in rows(files::ICD10PCS, &text, 11).enumerate() {
            let f = row?;
            check_key(files::ICD10PCS, i + 2, CodeSystem::Icd10pcs, f[0])?;
            // "Bypass: Altering the route of passage ..." holds the name and its definition.
            let (operation, definition) = f[6].split_once(": ").unwrap_or((f[6], ""));
            self.icd10pcs.insert(
                f[0].into(),
                PcsEntry {
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
        for (i, row) in rows(files::CPT_DEMO, &text, 7).enumerate() {
            let f = row?;
            check_key(files::CPT_DEMO, i + 2, CodeSystem::Cpt, f[0])?;
            self.cpt.insert(
                f[0].into(),
                CptEntry {
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
        for (i, row) in rows(files::HCPCS_DEMO, &text, 5).enumerate() {
            let f = row?;
            check_key(files::HCPCS_DEMO, i + 2, CodeSystem::Hcpcs, f[0])?;
            self.hcpcs.insert(
                f[0].into(),
                HcpcsEntry { section: f[1].into(), section_range: f[2].into(), short: f[3].into(), long: f[4].into() },
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
        let count = |system, release: &str, codes| SystemCount { system, release: release.into(), codes };
        vec![
            count(CodeSystem::Icd10cm, ICD10_RELEASE, self.icd10cm.len()),
            count(CodeSystem::Icd10pcs, ICD10_RELEASE, self.icd10pcs.len()),
            count(CodeSystem::Cpt, DEMO_RELEASE, self.cpt.len()),
            count(CodeSystem::Hcpcs, DEMO_RELEASE, self.hcpcs.len()),
        ]
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
            code: key.into(),
            display_code: code::display(CodeSystem::Icd10cm, key),
            system: CodeSystem::Icd10cm,
            release: ICD10_RELEASE.into(),
            billable: entry.billable,
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            descriptor_note: (!entry.billable).then(|| {
                "Category header: not valid on a claim. Report one of the more specific codes below it.".into()
            }),
            plain_language: None,
            hierarchy,
            axes: Vec::new(),
            attribution: "ICD-10-CM FY2025, CDC National Center for Health Statistics and CMS; public domain.".into(),
            sections: related.into_iter().collect(),
            meter: None,
            paywalled: false,
            visitor_token: None,
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
            code: key.into(),
            display_code: key.into(),
            system: CodeSystem::Icd10pcs,
            release: ICD10_RELEASE.into(),
            billable: true,
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            descriptor_note: None,
            plain_language: None,
            hierarchy: vec![
                level("section", 1, &entry.axes[0]),
                level("body_system", 2, &entry.axes[1]),
                level("root_operation", 3, &entry.axes[2]),
            ],
            axes,
            attribution: "ICD-10-PCS FY2025, Centers for Medicare & Medicaid Services; public domain.".into(),
            sections: Vec::new(),
            meter: None,
            paywalled: false,
            visitor_token: None,
        })
    }

    fn cpt_card(&self, key: &str) -> Option<Card> {
        let entry = self.cpt.get(key)?;
        Some(Card {
            code: key.into(),
            display_code: key.into(),
            system: CodeSystem::Cpt,
            release: DEMO_RELEASE.into(),
            billable: true,
            short_description: Some(entry.summary.to_string()),
            long_description: None,
            descriptor_note: Some(
                "Summary written by codecard. The official CPT® descriptor is shown only where the \
                 endpoint has loaded a licensed AMA data file."
                    .into(),
            ),
            plain_language: Some(entry.plain_language.to_string()),
            hierarchy: vec![
                HierarchyLevel {
                    level: "section".into(),
                    code: entry.section_range.to_string(),
                    title: entry.section.to_string(),
                },
                HierarchyLevel {
                    level: "subsection".into(),
                    code: entry.subsection_range.to_string(),
                    title: entry.subsection.to_string(),
                },
            ],
            axes: Vec::new(),
            attribution: "CPT® is a registered trademark of the American Medical Association. \
                          This card shows no AMA descriptor text."
                .into(),
            sections: Vec::new(),
            meter: None,
            paywalled: false,
            visitor_token: None,
        })
    }

    fn hcpcs_card(&self, key: &str) -> Option<Card> {
        let entry = self.hcpcs.get(key)?;
        Some(Card {
            code: key.into(),
            display_code: key.into(),
            system: CodeSystem::Hcpcs,
            release: DEMO_RELEASE.into(),
            billable: true,
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            descriptor_note: None,
            plain_language: None,
            hierarchy: vec![HierarchyLevel {
                level: "section".into(),
                code: entry.section_range.to_string(),
                title: entry.section.to_string(),
            }],
            axes: Vec::new(),
            attribution: "HCPCS Level II, Centers for Medicare & Medicaid Services; public domain.".into(),
            sections: Vec::new(),
            meter: None,
            paywalled: false,
            visitor_token: None,
        })
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

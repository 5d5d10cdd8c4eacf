//! ICD-10-PCS: the file layout, rows, cards and search entries of US inpatient procedure codes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::codes::{CodeList, Codes, Searchable, Versioned};
use super::release::Version;
use super::source::{DataSource, LoadError, flag};
use super::{CodeSet, SearchEntry, base_card};
use crate::api::{Axis, Card, CodeSystem, HierarchyLevel, Level};
use crate::code;
use crate::server::import::{Collected, Format, order_file};

/// The codes with their seven axes (gzip TSV of [`Row`]s).
pub const FILE: &str = "icd10pcs-2025.tsv.gz";
/// The release of a row that names none.
pub const DEFAULT_RELEASE: &str = "FY2025";

/// The names of the seven characters' axes, in order.
const AXIS_NAMES: [&str; 7] =
    ["Section", "Body System", "Root Operation", "Body Part", "Approach", "Device", "Qualifier"];

/// One line of [`FILE`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    /// The seven-character code.
    pub code: String,
    /// Always `1`: PCS table headers are not codes.
    #[serde(with = "flag")]
    pub billable: bool,
    /// The CMS short description.
    pub short_description: String,
    /// The full title.
    pub long_description: String,
    /// Label of character 1.
    pub section: String,
    /// Label of character 2.
    pub body_system: String,
    /// Label of character 3, as "Name: definition".
    pub root_operation: String,
    /// Label of character 4.
    pub body_part: String,
    /// Label of character 5.
    pub approach: String,
    /// Label of character 6.
    pub device: String,
    /// Label of character 7.
    pub qualifier: String,
    /// The release the code comes from (written by `codecard import`).
    #[serde(default)]
    pub release: String,
    /// The release that deleted the code, if any.
    #[serde(default)]
    pub deleted_in: String,
}

impl Row {
    fn axes(&self) -> [&str; 7] {
        [
            &self.section,
            &self.body_system,
            &self.root_operation,
            &self.body_part,
            &self.approach,
            &self.device,
            &self.qualifier,
        ]
    }

    fn set_axes(&mut self, labels: [String; 7]) {
        let [a, b, c, d, e, f, g] = labels;
        (self.section, self.body_system, self.root_operation, self.body_part) = (a, b, c, d);
        (self.approach, self.device, self.qualifier) = (e, f, g);
    }
}

super::release::versioned_row!(Row);

struct Entry {
    version: Version,
    short: Box<str>,
    long: Box<str>,
    /// Labels of the seven axes, interned: a few thousand distinct strings serve 68k codes.
    axes: [Arc<str>; 7],
    root_operation_definition: Arc<str>,
}

/// The loaded ICD-10-PCS set.
pub struct Icd10pcs {
    codes: Codes<Entry>,
}

impl Icd10pcs {
    /// Loads and validates [`FILE`].
    pub fn load(source: &DataSource) -> Result<Icd10pcs, LoadError> {
        let mut interned: HashSet<Arc<str>> = HashSet::new();
        let mut intern = move |s: &str| -> Arc<str> {
            if let Some(shared) = interned.get(s) {
                return shared.clone();
            }
            let shared: Arc<str> = s.into();
            interned.insert(shared.clone());
            shared
        };
        let codes = Codes::load(source, FILE, CodeSystem::Icd10pcs, DEFAULT_RELEASE, |row: Row, version| {
            // "Bypass: Altering the route of passage ..." holds the name and its definition.
            let (operation, definition) = row.root_operation.split_once(": ").unwrap_or((&row.root_operation, ""));
            let mut axes = row.axes().map(&mut intern);
            axes[2] = intern(operation);
            Entry {
                version,
                short: row.short_description.as_str().into(),
                long: row.long_description.as_str().into(),
                axes,
                root_operation_definition: intern(definition),
            }
        })?;
        Ok(Icd10pcs { codes })
    }
}

impl CodeSet for Icd10pcs {
    fn codes(&self) -> &dyn CodeList {
        &self.codes
    }

    /// What the search index needs of every code.
    fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>) {
        self.codes.search_entries(out, |e| Searchable { billable: true, title: &e.long, extra: "" });
    }

    /// The card of `key`: descriptions, the meaning of each character, the first three axes as
    /// the hierarchy.
    fn card(&self, key: &str) -> Option<Card> {
        let entry = self.codes.get(key)?;
        let axes = key
            .chars()
            .zip(AXIS_NAMES)
            .zip(&entry.axes)
            .enumerate()
            .map(|(i, ((value, name), label))| Axis {
                position: i as u8 + 1,
                name: name.into(),
                value: value.into(),
                label: label.to_string(),
                definition: (i == 2 && !entry.root_operation_definition.is_empty())
                    .then(|| entry.root_operation_definition.to_string()),
            })
            .collect();
        let level = |level: Level, len: usize| HierarchyLevel {
            level,
            code: key[..len].into(),
            title: entry.axes[len - 1].to_string(),
        };
        Some(Card {
            short_description: Some(entry.short.to_string()),
            long_description: Some(entry.long.to_string()),
            hierarchy: vec![level(Level::Section, 1), level(Level::BodySystem, 2), level(Level::RootOperation, 3)],
            axes,
            attribution: format!(
                "ICD-10-PCS {}, Centers for Medicare & Medicaid Services; public domain.",
                entry.version.release
            ),
            ..base_card(CodeSystem::Icd10pcs, key, &entry.version)
        })
    }
}

/// `codecard import icd10pcs`: the CMS order file. Table rows (flag 0) are not codes; a new
/// code's axis labels come from known codes sharing the characters that define them.
#[derive(Default)]
pub struct OrderFileImport {
    labels: HashMap<(String, usize), String>,
}

impl OrderFileImport {
    /// A character's meaning depends on the characters before it (section; section and body
    /// system; the first three for the rest).
    fn context(code: &str, position: usize) -> (String, usize) {
        let known = position.min(3);
        (format!("{}{}", &code[..known], &code[position..=position]), position)
    }
}

impl Format for OrderFileImport {
    type Row = Row;
    const FILE: &'static str = FILE;
    const DEFAULT_RELEASE: &'static str = DEFAULT_RELEASE;

    fn line(&mut self, line: &str, out: &mut Collected<Row>) -> Result<(), String> {
        let order = order_file::parse(line)?;
        if !order.billable {
            out.skip();
            return Ok(());
        }
        if !code::fits(CodeSystem::Icd10pcs, &order.code) {
            return Err(format!("{:?} is not an ICD-10-PCS code", order.code));
        }
        out.push(Row {
            code: order.code,
            billable: true,
            short_description: order.short,
            long_description: order.long,
            section: String::new(),
            body_system: String::new(),
            root_operation: String::new(),
            body_part: String::new(),
            approach: String::new(),
            device: String::new(),
            qualifier: String::new(),
            release: String::new(),
            deleted_in: String::new(),
        });
        Ok(())
    }

    fn prepare(&mut self, previous: &BTreeMap<String, Row>) {
        for (code, row) in previous {
            if code.len() != 7 {
                continue;
            }
            for (position, label) in row.axes().into_iter().enumerate() {
                self.labels.entry(Self::context(code, position)).or_insert_with(|| label.to_string());
            }
        }
    }

    fn complete(&self, row: &mut Row, old: Option<&Row>) {
        let labels = match old {
            Some(old) => old.axes().map(String::from),
            // A character never seen in its context gets no label.
            None => std::array::from_fn(|p| self.labels.get(&Self::context(&row.code, p)).cloned().unwrap_or_default()),
        };
        row.set_axes(labels);
    }
}

impl Versioned for Entry {
    fn version(&self) -> &Version {
        &self.version
    }
}

//! The code sets the endpoint serves, loaded once at start and read without locks.
//!
//! Each code system has one module that owns its file layout (a serde row type read with the
//! `csv` crate), its default release, its card builder, its search entries and its import
//! format: [`icd10cm`], [`icd10pcs`], [`cpt`], [`hcpcs`]. This module only puts them together.
//!
//! The default data is compiled into the binary (`assets/data/`), so `codecard serve` works
//! from any directory; `--data-dir` points at a folder with files of the same names instead.

pub mod codes;
pub mod cpt;
pub mod hcpcs;
pub mod icd10cm;
pub mod icd10pcs;
pub mod release;
pub mod source;
mod tips;

use crate::api::{Card, CodeSystem, Section, SectionContent, SectionId, SystemCount};
use crate::code;
use release::Version;
pub use source::{DataSource, LoadError, data_dir, embedded_files, files};

/// What the catalog asks of every system's set.
pub trait CodeSet: Send + Sync {
    /// The set's codes: the look-ups and counts every system answers alike.
    fn codes(&self) -> &dyn codes::CodeList;
    /// Whether `key` (normalised) is a code of the set, headers included.
    fn contains(&self, key: &str) -> bool {
        self.codes().contains(key)
    }
    /// The full card of `key`, or `None` if the set has no such code.
    fn card(&self, key: &str) -> Option<Card>;
    /// How many codes the set holds, and its newest release.
    fn count(&self) -> SystemCount {
        self.codes().count()
    }
    /// What the search index needs of every code, appended to `out`.
    fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>);
}

/// Every loaded code set. Immutable after [`Catalog::load`]; share it behind an `Arc`.
pub struct Catalog {
    icd10cm: icd10cm::Icd10cm,
    icd10pcs: icd10pcs::Icd10pcs,
    cpt: cpt::Cpt,
    hcpcs: hcpcs::Hcpcs,
    tips: tips::Tips,
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
        // The two large sets load side by side: start-up time is a budget.
        let (icd10cm, icd10pcs) = std::thread::scope(|scope| {
            let icd10pcs = scope.spawn(|| icd10pcs::Icd10pcs::load(source));
            let icd10cm = icd10cm::Icd10cm::load(source);
            (icd10cm, icd10pcs.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let mut catalog = Catalog {
            icd10cm: icd10cm?,
            icd10pcs: icd10pcs?,
            cpt: cpt::Cpt::load(source)?,
            hcpcs: hcpcs::Hcpcs::load(source)?,
            tips: tips::Tips::default(),
        };
        catalog.tips = tips::Tips::load(source, |system, key| catalog.contains(system, key))?;
        Ok(catalog)
    }

    /// The set of `system`.
    fn set(&self, system: CodeSystem) -> &dyn CodeSet {
        self.sets()[CodeSystem::ALL.iter().position(|s| *s == system).expect("every system is in ALL")]
    }

    /// Every set, in [`CodeSystem::ALL`] order.
    fn sets(&self) -> [&dyn CodeSet; 4] {
        [&self.icd10cm, &self.icd10pcs, &self.cpt, &self.hcpcs]
    }

    /// How many codes each system holds, for `/v1/health` and the start-up log.
    pub fn counts(&self) -> Vec<SystemCount> {
        self.sets().iter().map(|set| set.count()).collect()
    }

    /// Every code of every system, for the search index, in a stable order (system, then code).
    pub fn search_entries(&self) -> Vec<SearchEntry<'_>> {
        let mut entries = Vec::with_capacity(170_000);
        for set in self.sets() {
            set.search_entries(&mut entries);
        }
        entries.sort_unstable_by(|a, b| (a.system, a.key).cmp(&(b.system, b.key)));
        entries
    }

    /// The ICD-10-CM set.
    pub fn icd10cm(&self) -> &icd10cm::Icd10cm {
        &self.icd10cm
    }

    /// Every ICD-10-CM code (normalised, headers included), in code order.
    pub fn icd10cm_codes(&self) -> impl Iterator<Item = &str> {
        self.icd10cm.codes()
    }

    /// Whether `key` (normalised) is a code of `system`.
    pub fn contains(&self, system: CodeSystem, key: &str) -> bool {
        self.set(system).contains(key)
    }

    /// The full card for `key` (normalised) in `system`, or `None` if the code is unknown.
    pub fn card(&self, system: CodeSystem, key: &str) -> Option<Card> {
        let mut card = self.set(system).card(key)?;
        // A code a newer release deleted is kept so old records resolve, but no longer goes on
        // a claim; the widget words `deleted_in`.
        if card.deleted_in.is_some() {
            card.billable = false;
        }
        if let Some(tips) = self.tips.of(system, key) {
            card.sections.push(Section {
                id: SectionId::CodingTips,
                content: Some(SectionContent::Text { paragraphs: tips.iter().map(|t| t.to_string()).collect() }),
            });
        }
        Some(card)
    }
}

/// What every card starts from: the code in its system and release, with no content and no
/// meter yet. Each system's builder fills in what it has.
pub(crate) fn base_card(system: CodeSystem, key: &str, version: &Version) -> Card {
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
pub(crate) fn check_key(file: &str, line: usize, system: CodeSystem, key: &str) -> Result<(), LoadError> {
    if code::fits(system, key) {
        Ok(())
    } else {
        Err(LoadError::row(file, line, format!("{key:?} is not a {} code", system.label())))
    }
}

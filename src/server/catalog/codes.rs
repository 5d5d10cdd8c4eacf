//! One system's codes by normalised code: the loading loop, look-ups and counts every set
//! shares, so each system's module writes only what its rows and cards hold.

use std::collections::HashMap;

use super::release::{Releases, Version, VersionedRow, newest};
use super::source::{DataSource, LoadError};
use super::{SearchEntry, check_key};
use crate::api::{CodeSystem, SystemCount};

/// An entry that knows its release.
pub trait Versioned {
    /// The release it comes from, and the one that deleted it.
    fn version(&self) -> &Version;
}

/// What the search index reads of one entry; the system, the code and whether it was deleted
/// come from [`Codes`].
pub struct Searchable<'a> {
    /// Whether the code can be reported on a claim.
    pub billable: bool,
    /// The description shown in results.
    pub title: &'a str,
    /// Further text to match but not to show.
    pub extra: &'a str,
}

/// What every code set answers alike, whatever its entries hold: the `CodeSet` trait reaches
/// it through `codes()`.
pub trait CodeList: Send + Sync {
    /// Whether `key` is a code of the set.
    fn contains(&self, key: &str) -> bool;
    /// How many codes the set holds, and its newest release.
    fn count(&self) -> SystemCount;
}

/// The entries of one system's file.
pub struct Codes<E> {
    system: CodeSystem,
    default_release: &'static str,
    entries: HashMap<Box<str>, E>,
}

impl<E: Versioned> Codes<E> {
    /// Reads every row of `file` as `R`, refusing a code of the wrong shape (with its line), and
    /// turns each into an entry with `make`.
    pub fn load<R: VersionedRow>(
        source: &DataSource,
        file: &str,
        system: CodeSystem,
        default_release: &'static str,
        mut make: impl FnMut(R, Version) -> E,
    ) -> Result<Codes<E>, LoadError> {
        let mut releases = Releases::default();
        let rows: Vec<(usize, R)> = source.rows(file)?;
        let mut entries = HashMap::with_capacity(rows.len());
        for (line, mut row) in rows {
            check_key(file, line, system, row.code())?;
            let code: Box<str> = row.code().into();
            let (release, deleted_in) = row.version_mut();
            let version = releases.version(release, deleted_in, default_release);
            entries.insert(code, make(row, version));
        }
        Ok(Codes { system, default_release, entries })
    }

    /// The entry of `key`.
    pub fn get(&self, key: &str) -> Option<&E> {
        self.entries.get(key)
    }

    /// Every code with its entry, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &E)> {
        self.entries.iter().map(|(key, entry)| (&**key, entry))
    }

    /// Appends every code's search entry, with what `searchable` reads of its entry.
    pub fn search_entries<'a>(&'a self, out: &mut Vec<SearchEntry<'a>>, searchable: impl Fn(&'a E) -> Searchable<'a>) {
        out.extend(self.iter().map(|(key, entry)| {
            let Searchable { billable, title, extra } = searchable(entry);
            SearchEntry { system: self.system, key, billable, deleted: entry.version().deleted(), title, extra }
        }));
    }
}

impl<E: Versioned + Send + Sync> CodeList for Codes<E> {
    fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    fn count(&self) -> SystemCount {
        SystemCount {
            system: self.system,
            release: newest(self.entries.values().map(Versioned::version), self.default_release),
            codes: self.entries.len(),
        }
    }
}

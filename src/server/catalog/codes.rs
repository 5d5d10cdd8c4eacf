//! One system's codes by normalised code: the loading loop, look-ups and counts every set
//! shares, so each system's module writes only what its rows and cards hold.

use std::collections::HashMap;

use super::check_key;
use super::release::{Releases, Version, VersionedRow, newest};
use super::source::{DataSource, LoadError};
use crate::api::{CodeSystem, SystemCount};

/// An entry that knows its release.
pub trait Versioned {
    /// The release it comes from, and the one that deleted it.
    fn version(&self) -> &Version;
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

    /// Whether `key` is a code of the set.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Every code with its entry, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &E)> {
        self.entries.iter().map(|(key, entry)| (&**key, entry))
    }

    /// How many codes the set holds, and its newest release.
    pub fn count(&self) -> SystemCount {
        SystemCount {
            system: self.system,
            release: newest(self.entries.values().map(Versioned::version), self.default_release),
            codes: self.entries.len(),
        }
    }
}

//! Releases: every code carries the release it came from and, once a newer release dropped it,
//! the release that deleted it. On disk these are the optional trailing columns `release` and
//! `deleted_in` that `codecard import` writes.

use std::sync::Arc;

/// Which release a code comes from and, if a newer release dropped it, which one.
#[derive(Clone, Debug)]
pub struct Version {
    /// The release label (`FY2025`, `demo`).
    pub release: Arc<str>,
    /// The release that dropped the code, if any.
    pub deleted_in: Option<Arc<str>>,
}

impl Version {
    /// Whether a newer release dropped the code.
    pub fn deleted(&self) -> bool {
        self.deleted_in.is_some()
    }
}

/// Interns release labels: a handful of labels serve every code.
#[derive(Default)]
pub struct Releases {
    labels: Vec<Arc<str>>,
}

impl Releases {
    /// The shared copy of `label`.
    pub fn intern(&mut self, label: &str) -> Arc<str> {
        if let Some(known) = self.labels.iter().find(|r| &***r == label) {
            return known.clone();
        }
        let label: Arc<str> = label.into();
        self.labels.push(label.clone());
        label
    }

    /// The version of a row whose release columns say `release` and `deleted_in` (empty when the
    /// file has no such columns: then the system's `default` release).
    pub fn version(&mut self, release: &str, deleted_in: &str, default: &str) -> Version {
        Version {
            release: self.intern(if release.is_empty() { default } else { release }),
            deleted_in: (!deleted_in.is_empty()).then(|| self.intern(deleted_in)),
        }
    }
}

/// The newest release label among `versions`: labels of one system sort by date (FY2025 <
/// FY2026, 2025-01 < 2025-04).
pub fn newest<'a>(versions: impl Iterator<Item = &'a Version>, fallback: &str) -> String {
    versions.map(|v| &*v.release).max().unwrap_or(fallback).to_string()
}

/// A row of a system's file, as `codecard import` reads and writes it.
pub trait VersionedRow: serde::Serialize + serde::de::DeserializeOwned + Clone {
    /// The row's normalised code.
    fn code(&self) -> &str;
    /// The release and deleted-in columns (empty strings when absent).
    fn version_mut(&mut self) -> (&mut String, &mut String);
}

/// Implements [`VersionedRow`] for a row type whose fields are named `code`, `release` and
/// `deleted_in`, as every system's row is.
macro_rules! versioned_row {
    ($row:ty) => {
        impl $crate::server::catalog::release::VersionedRow for $row {
            fn code(&self) -> &str {
                &self.code
            }
            fn version_mut(&mut self) -> (&mut String, &mut String) {
                (&mut self.release, &mut self.deleted_in)
            }
        }
    };
}
pub(crate) use versioned_row;

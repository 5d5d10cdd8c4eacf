//! The index in code order rather than by relevance: one code's title, a page of a system's
//! current codes, and the codes directly above and below a code. The FHIR terminology
//! operations read these (`$expand` without a filter pages the implicit all-codes value set;
//! `$lookup` names a code's parent and children), at the cost of a binary search each.

use super::SearchIndex;
use crate::api::CodeSystem;

/// One code as the index holds it: what search results show, nothing gated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeEntry<'a> {
    /// The code's system.
    pub system: CodeSystem,
    /// The normalised code (`E119`).
    pub key: &'a str,
    /// The title search results show.
    pub title: &'a str,
    /// Whether the code can be reported on a claim (`false` for ICD-10-CM headers).
    pub billable: bool,
    /// Whether a newer release deleted the code.
    pub deleted: bool,
}

impl SearchIndex {
    fn entry(&self, id: u32) -> CodeEntry<'_> {
        let (doc, meta) = (&self.docs[id as usize], &self.meta[id as usize]);
        CodeEntry {
            system: meta.system,
            key: &doc.key,
            title: &doc.title,
            billable: meta.billable,
            deleted: meta.deleted,
        }
    }

    /// `system`'s codes that no newer release deleted, in code order: a slice of `current`.
    fn current_of(&self, system: CodeSystem) -> &[u32] {
        // Documents are in (system, code) order, so one system's are contiguous.
        let start = self.current.partition_point(|id| self.meta[*id as usize].system < system);
        let end = self.current.partition_point(|id| self.meta[*id as usize].system <= system);
        &self.current[start..end]
    }

    /// The code `key` (normalised) of `system`, deleted or not.
    pub fn code(&self, system: CodeSystem, key: &str) -> Option<CodeEntry<'_>> {
        // Documents are in (system, code) order: find the system's run, then the code in it.
        // `meta` holds the codes, then the ways in: only the codes' part is in that order.
        let codes = &self.meta[..self.docs.len()];
        let start = codes.partition_point(|m| m.system < system);
        let end = codes.partition_point(|m| m.system <= system);
        let at = self.docs[start..end].binary_search_by(|d| (*d.key).cmp(key)).ok()?;
        Some(self.entry((start + at) as u32))
    }

    /// How many current codes `system` has.
    pub fn current_count(&self, system: CodeSystem) -> usize {
        self.current_of(system).len()
    }

    /// `count` of `system`'s current codes from `offset`, in code order.
    pub fn current_page(&self, system: CodeSystem, offset: usize, count: usize) -> Vec<CodeEntry<'_>> {
        self.current_of(system).iter().skip(offset).take(count).map(|id| self.entry(*id)).collect()
    }

    /// `count` of `system`'s current billable codes from `offset`, in code order, and how many
    /// there are in all (a scan of the system's codes: headers are spread through them).
    pub fn current_billable_page(
        &self,
        system: CodeSystem,
        offset: usize,
        count: usize,
    ) -> (usize, Vec<CodeEntry<'_>>) {
        let billable = self.current_of(system).iter().filter(|id| self.meta[**id as usize].billable);
        let total = billable.clone().count();
        (total, billable.skip(offset).take(count).map(|id| self.entry(*id)).collect())
    }

    /// The code directly above `key`: the longest shorter code of `system` that `key` starts
    /// with (`E11` for `E11.9`; `S00.00` for `S00.00XA`, which has no `S00.00X`).
    pub fn parent(&self, system: CodeSystem, key: &str) -> Option<CodeEntry<'_>> {
        (1..key.len()).rev().find_map(|len| self.code(system, &key[..len]).filter(|e| !e.deleted))
    }

    /// The current codes directly below `key`, in code order: those whose [`parent`] it is.
    ///
    /// [`parent`]: SearchIndex::parent
    pub fn children(&self, system: CodeSystem, key: &str) -> Vec<CodeEntry<'_>> {
        let codes = self.current_of(system);
        let start = codes.partition_point(|id| *self.docs[*id as usize].key <= *key);
        codes[start..]
            .iter()
            .map(|id| self.entry(*id))
            .take_while(|e| e.key.starts_with(key))
            .filter(|e| self.parent(system, e.key).is_some_and(|p| p.key == key))
            .collect()
    }
}

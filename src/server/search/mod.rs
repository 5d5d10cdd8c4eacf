//! Code search: find a code by typing the code or words from its description.
//!
//! An inverted index over every loaded code's description, built once at start. The term
//! dictionary is an `fst` map: prefix lookups while the person types, and the scan of one
//! letter's words for misspellings, run over a compact automaton in microseconds, without a
//! hand-written trie; `strsim` measures the edit distance.
//! Postings are plain sorted `u32` document lists; scoring is done in per-thread scratch
//! arrays, so a query allocates almost nothing.
//!
//! How a query is read:
//! - a single token shaped like a code (`e119`, `E11.9`, `E11`, `0DT`) lists that code, then
//!   the codes under it, shortest (the direct children) first;
//! - otherwise its words are rewritten by the synonym list (lay terms, abbreviations), and each
//!   word must match a word of the description: exactly, as a prefix (the last word always, the
//!   others when they are not whole words), or, failing both, within 1 (5-7 letters) or 2 (8
//!   or more) edits;
//! - codes matching every word rank by how much of their description the query covers
//!   (so `hypertension` finds `Essential (primary) hypertension` before `Hypertensive heart
//!   disease with heart failure`), then by word rarity and match quality, then billable codes
//!   first, then shorter titles, then code order. When no code matches every word, the codes
//!   matching the most words are returned and `complete` is false.

mod codes;
mod endpoint;
mod synonyms;
pub mod text;

use std::cell::RefCell;
use std::cmp::Ordering;

use fst::automaton::Str;
use fst::{Automaton, IntoStreamer, Streamer};

pub use codes::CodeEntry;
pub use endpoint::{MAX_OFFSET, MAX_QUERY_CHARS, search};
pub use synonyms::Synonyms;

use super::catalog::Catalog;
use crate::api::{CodeSystem, Highlight, SearchHit};
use crate::code;

/// How much a word counts when matched other than exactly.
const PREFIX_LAST: f32 = 0.85;
const PREFIX_INNER: f32 = 0.75;
/// A misspelling one edit away, and two.
const TYPO: [f32; 2] = [0.65, 0.5];
/// How much covering a title entirely is worth, against the rarity-weighted word scores.
const COVERAGE: f32 = 3.0;
/// Headers cannot go on a claim: a billable code of equal coverage comes first.
const BILLABLE: f32 = 2.0;
/// At most this many dictionary words stand for one typed prefix of 0, 1, 2, 3 or more
/// characters (the most frequent win), so a short prefix cannot make a query scan the index.
const MAX_EXPANSIONS: [usize; 5] = [0, 0, 8, 40, 100];
/// Marks a posting whose word is only in the code's extra text (short description,
/// plain-language text), not in the title the person sees: it counts, but less.
const EXTRA_ONLY: u32 = 1 << 31;
const EXTRA_WEIGHT: f32 = 0.5;
/// How much a common completion of a prefix or misspelling is preferred over a rare one, at most.
const POPULAR: f32 = 0.5;
/// Words of a query beyond this are ignored (a query is at most 200 characters anyway).
const MAX_WORDS: usize = 24;

/// One indexed code.
struct Doc {
    key: Box<str>,
    title: Box<str>,
}

/// What scoring reads of every candidate, packed small and apart from the strings so that a
/// query touching 50,000 codes stays in cache.
#[derive(Clone, Copy)]
struct Meta {
    system: CodeSystem,
    billable: bool,
    deleted: bool,
    /// How many details its title has (see [`text::specific_words`]): the denominator of
    /// coverage.
    specific_words: u8,
    /// The title's length in bytes, for ties (capped).
    title_len: u16,
}

/// What to search for and which page of results to return.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    /// The text as typed.
    pub text: &'a str,
    /// Only codes of this system.
    pub system: Option<CodeSystem>,
    /// Only codes that can be reported on a claim (drops ICD-10-CM headers).
    pub billable_only: bool,
    /// How many of the best matches to skip.
    pub offset: usize,
    /// How many to return.
    pub limit: usize,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// How many codes match in all.
    pub total: usize,
    /// False when no code matched every word of the query.
    pub complete: bool,
    /// The page, best first.
    pub hits: Vec<SearchHit>,
}

/// The search index over a [`Catalog`]. Immutable once built; share it behind an `Arc`.
pub struct SearchIndex {
    docs: Vec<Doc>,
    meta: Vec<Meta>,
    /// Dictionary: word → term id.
    terms: fst::Map<Vec<u8>>,
    /// Term `t`'s documents are `postings[starts[t]..starts[t + 1]]`, ascending, each with
    /// [`EXTRA_ONLY`] set when the word is not in the title.
    postings: Vec<u32>,
    starts: Vec<u32>,
    /// Inverse document frequency of each term.
    idf: Vec<f32>,
    /// Whether each term is a generic word (see [`text::is_generic`]).
    generic: Vec<bool>,
    /// Document ids ordered by code, then system: code prefixes are contiguous ranges.
    by_code: Vec<u32>,
    /// The ids of codes no newer release deleted, in document (system, code) order: a page of
    /// a system's codes is a slice of it (see `codes.rs`).
    current: Vec<u32>,
    synonyms: Synonyms,
}

/// Per-thread scoring arrays, one slot per document, reset after each query.
#[derive(Default)]
struct Scratch {
    score: Vec<f32>,
    mask: Vec<u32>,
    specific: Vec<u8>,
    touched: Vec<u32>,
}

impl Scratch {
    /// Zeroes what the last query touched.
    fn reset(&mut self) {
        for id in self.touched.drain(..) {
            let d = id as usize;
            (self.score[d], self.mask[d], self.specific[d]) = (0.0, 0, 0);
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The words one query word may stand for: (term id, what matching it is worth).
type Group = Vec<(u32, f32)>;

impl SearchIndex {
    /// Indexes every code of `catalog` (deleted codes too: they are filtered at query time).
    pub fn build(catalog: &Catalog) -> SearchIndex {
        let entries = catalog.search_entries();
        let mut docs = Vec::with_capacity(entries.len());
        let mut meta = Vec::with_capacity(entries.len());
        let mut dictionary: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
        let mut seen: Vec<String> = Vec::new();
        let mut in_title: Vec<String> = Vec::new();
        for (id, entry) in entries.iter().enumerate() {
            in_title.clear();
            in_title.extend(text::terms(entry.title));
            in_title.sort_unstable();
            in_title.dedup();
            let specific_words = text::specific_words(entry.title).min(255) as u8;
            seen.clear();
            seen.extend(text::terms(entry.extra).into_iter().filter(|t| in_title.binary_search(t).is_err()));
            seen.sort_unstable();
            seen.dedup();
            let title_terms = in_title.iter().map(|t| (t, id as u32));
            let extra_terms = seen.iter().map(|t| (t, id as u32 | EXTRA_ONLY));
            for (term, posting) in title_terms.chain(extra_terms) {
                match dictionary.get_mut(term.as_str()) {
                    Some(list) => list.push(posting),
                    None => {
                        dictionary.insert(term.clone(), vec![posting]);
                    }
                }
            }
            docs.push(Doc { key: entry.key.into(), title: entry.title.into() });
            meta.push(Meta {
                system: entry.system,
                billable: entry.billable,
                deleted: entry.deleted,
                specific_words,
                title_len: entry.title.len().min(u16::MAX as usize) as u16,
            });
        }
        let mut dictionary: Vec<(String, Vec<u32>)> = dictionary.into_iter().collect();
        dictionary.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut builder = fst::MapBuilder::memory();
        let mut postings: Vec<u32> = Vec::with_capacity(dictionary.iter().map(|(_, l)| l.len()).sum());
        let mut starts = Vec::with_capacity(dictionary.len() + 1);
        let mut idf = Vec::with_capacity(dictionary.len());
        let mut generic = Vec::with_capacity(dictionary.len());
        let n = docs.len() as f32;
        for (id, (term, list)) in dictionary.iter().enumerate() {
            builder.insert(term, id as u64).expect("terms are inserted sorted and unique");
            starts.push(postings.len() as u32);
            let first = postings.len();
            postings.extend_from_slice(list);
            postings[first..].sort_unstable_by_key(|p| p & !EXTRA_ONLY);
            idf.push((1.0 + n / list.len() as f32).ln());
            generic.push(text::is_generic(term));
        }
        starts.push(postings.len() as u32);
        let terms = builder.into_map();
        let mut by_code: Vec<u32> = (0..docs.len() as u32).collect();
        by_code.sort_unstable_by(|a, b| {
            let (a, b) = (*a as usize, *b as usize);
            (&docs[a].key, meta[a].system).cmp(&(&docs[b].key, meta[b].system))
        });
        let current = (0..docs.len() as u32).filter(|id| !meta[*id as usize].deleted).collect();
        SearchIndex {
            docs,
            meta,
            terms,
            postings,
            starts,
            idf,
            generic,
            by_code,
            current,
            synonyms: Synonyms::builtin(),
        }
    }

    /// How many codes are indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no code is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Bytes the index holds on the heap (documents, dictionary, postings, tables), for the
    /// memory budget.
    pub fn heap_bytes(&self) -> usize {
        let docs: usize =
            self.docs.iter().map(|d| std::mem::size_of::<Doc>() + d.key.len() + d.title.len()).sum::<usize>()
                + (self.docs.capacity() - self.docs.len()) * std::mem::size_of::<Doc>();
        docs + self.terms.as_fst().as_bytes().len()
            + self.postings.capacity() * 4
            + self.starts.capacity() * 4
            + self.idf.capacity() * 4
            + self.generic.capacity()
            + self.by_code.capacity() * 4
            + self.current.capacity() * 4
            + self.meta.capacity() * std::mem::size_of::<Meta>()
            // One scratch set per thread that has searched.
            + self.docs.len() * (4 + 4 + 1)
    }

    /// Runs `query`.
    pub fn search(&self, query: &Query) -> Found {
        let ranked = match self.code_matches(query) {
            Some(found) => (found, true, Vec::new()),
            None => self.word_matches(query),
        };
        let (ranked, complete, matched_terms) = ranked;
        let total = ranked.len();
        let hits =
            ranked.into_iter().skip(query.offset).take(query.limit).map(|id| self.hit(id, &matched_terms)).collect();
        Found { total, complete, hits }
    }

    fn admits(&self, id: usize, query: &Query) -> bool {
        let meta = &self.meta[id];
        !meta.deleted && query.system.is_none_or(|s| s == meta.system) && (meta.billable || !query.billable_only)
    }

    /// A query that is one code-shaped token: the code and every code under it, in order of
    /// depth then code. `None` when the text is not code-shaped or no code starts with it.
    fn code_matches(&self, query: &Query) -> Option<Vec<u32>> {
        let written = query.text.trim().trim_end_matches('.');
        if written.contains(char::is_whitespace) {
            return None;
        }
        let key = code::normalize(written)?;
        let b = key.as_bytes();
        let shaped = b.len() >= 3 && (b[0].is_ascii_digit() || (b[0].is_ascii_alphabetic() && b[1].is_ascii_digit()));
        if !shaped {
            return None;
        }
        let start = self.by_code.partition_point(|id| *self.docs[*id as usize].key < *key);
        let mut found: Vec<u32> = self.by_code[start..]
            .iter()
            .copied()
            .take_while(|id| self.docs[*id as usize].key.starts_with(&key))
            .filter(|id| self.admits(*id as usize, query))
            .collect();
        if found.is_empty() {
            return None;
        }
        // `by_code` is in code order; a stable sort by length keeps it within each depth.
        found.sort_by_key(|id| self.docs[*id as usize].key.len());
        Some(found)
    }

    /// A query of words: every matching code, ranked, and the terms that matched (to highlight).
    fn word_matches(&self, query: &Query) -> (Vec<u32>, bool, Vec<u32>) {
        let mut words = text::terms(query.text);
        if words.iter().any(|w| !text::is_stopword(w)) {
            words.retain(|w| !text::is_stopword(w));
        }
        words.truncate(MAX_WORDS);
        let parts = self.synonyms.rewrite(&words);
        let last = parts.len().saturating_sub(1);
        let groups: Vec<Group> = parts.iter().enumerate().map(|(i, part)| self.group(part, i == last)).collect();
        if groups.is_empty() {
            return (Vec::new(), true, Vec::new());
        }
        let matched_terms: Vec<u32> = {
            let mut all: Vec<u32> = groups.iter().flatten().map(|(t, _)| *t).collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.score.len() != self.docs.len() {
                scratch.score = vec![0.0; self.docs.len()];
                scratch.mask = vec![0; self.docs.len()];
                scratch.specific = vec![0; self.docs.len()];
            }
            self.match_all_words(&groups, query, &mut scratch);
            let Scratch { score, mask, specific, touched } = &mut *scratch;
            let best = touched.iter().map(|id| mask[*id as usize].count_ones()).max().unwrap_or(0);
            let complete = best as usize == groups.len();
            let mut ranked: Vec<(f32, u32)> = touched
                .iter()
                .filter(|id| mask[**id as usize].count_ones() == best)
                .map(|&id| {
                    let meta = &self.meta[id as usize];
                    let coverage = (f32::from(specific[id as usize]) / f32::from(meta.specific_words.max(1))).min(1.0);
                    let rank = score[id as usize] + COVERAGE * coverage + if meta.billable { BILLABLE } else { 0.0 };
                    (rank, id)
                })
                .collect();
            scratch.reset();
            let order = |a: &(f32, u32), b: &(f32, u32)| -> Ordering {
                b.0.total_cmp(&a.0)
                    .then_with(|| self.meta[a.1 as usize].title_len.cmp(&self.meta[b.1 as usize].title_len))
                    .then_with(|| a.1.cmp(&b.1))
            };
            // Only the requested page needs ordering; the rest is only counted, never returned.
            let wanted = (query.offset + query.limit).min(ranked.len());
            if wanted < ranked.len() && wanted > 0 {
                ranked.select_nth_unstable_by(wanted - 1, order);
                ranked[..wanted].sort_unstable_by(order);
            } else {
                ranked.sort_unstable_by(order);
            }
            (ranked.into_iter().map(|(_, id)| id).collect(), complete, matched_terms)
        })
    }

    /// Scores the codes matching every group into `scratch`, cheapest group first: its codes
    /// are the candidates, and each further group only narrows them, by probing its posting
    /// lists for each candidate or by walking them, whichever costs less. If no code matches
    /// every group, scores every code matching any group instead (the caller keeps those that
    /// match the most).
    fn match_all_words(&self, groups: &[Group], query: &Query, scratch: &mut Scratch) {
        let cost = |group: &Group| -> usize { group.iter().map(|(t, _)| self.postings_of(*t).len()).sum() };
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by_key(|g| (cost(&groups[*g]), *g));
        let mut required = 0u32;
        for (step, &g) in order.iter().enumerate() {
            let bit = 1u32 << g;
            if step == 0 {
                self.walk(&groups[g], bit, None, query, scratch);
            } else {
                let alive = scratch.touched.iter().filter(|id| scratch.mask[**id as usize] == required).count();
                if alive == 0 {
                    break;
                }
                if alive * groups[g].len() * 16 < cost(&groups[g]) {
                    self.probe(&groups[g], bit, required, scratch);
                } else {
                    self.walk(&groups[g], bit, Some(required), query, scratch);
                }
            }
            required |= bit;
        }
        let any_complete = scratch.touched.iter().any(|id| scratch.mask[*id as usize] == required);
        if !any_complete && groups.len() > 1 {
            scratch.reset();
            for (g, group) in groups.iter().enumerate() {
                self.walk(group, 1 << g, None, query, scratch);
            }
        }
    }

    /// Walks `group`'s posting lists, crediting `bit` to each admitted code: any code (`only`
    /// is `None`) or only those whose mask is exactly `only`.
    fn walk(&self, group: &Group, bit: u32, only: Option<u32>, query: &Query, scratch: &mut Scratch) {
        let Scratch { score, mask, specific, touched } = scratch;
        for &(term, value) in group {
            let is_specific = !self.generic[term as usize];
            for &posting in self.postings_of(term) {
                let id = posting & !EXTRA_ONLY;
                let d = id as usize;
                if mask[d] & bit != 0 || only.is_some_and(|m| mask[d] != m) {
                    continue;
                }
                if only.is_none() && !self.admits(d, query) {
                    continue;
                }
                if mask[d] == 0 {
                    touched.push(id);
                }
                let in_title = posting & EXTRA_ONLY == 0;
                mask[d] |= bit;
                score[d] += if in_title { value } else { value * EXTRA_WEIGHT };
                specific[d] += u8::from(is_specific && in_title);
            }
        }
    }

    /// Credits `bit` to each candidate (mask exactly `required`) that one of `group`'s words
    /// has, found by binary search; the group's best word wins.
    fn probe(&self, group: &Group, bit: u32, required: u32, scratch: &mut Scratch) {
        let Scratch { score, mask, specific, touched } = scratch;
        for &id in touched.iter() {
            let d = id as usize;
            if mask[d] != required {
                continue;
            }
            for &(term, value) in group {
                let list = self.postings_of(term);
                if let Ok(at) = list.binary_search_by_key(&id, |p| p & !EXTRA_ONLY) {
                    let in_title = list[at] & EXTRA_ONLY == 0;
                    mask[d] |= bit;
                    score[d] += if in_title { value } else { value * EXTRA_WEIGHT };
                    specific[d] += u8::from(!self.generic[term as usize] && in_title);
                    break;
                }
            }
        }
    }

    fn postings_of(&self, term: u32) -> &[u32] {
        &self.postings[self.starts[term as usize] as usize..self.starts[term as usize + 1] as usize]
    }

    /// The dictionary words a query word may stand for, with what each is worth, best first.
    ///
    /// A word matched exactly is worth its rarity (idf). Completions and corrections are not
    /// chosen by rarity (that would put `hypertelorism` before `hypertension` for `hypert`):
    /// each is worth its weight times the rarity of the most common candidate, plus a small
    /// bonus for being common itself.
    fn group(&self, part: &synonyms::Part, last: bool) -> Group {
        let mut exact: Group = Vec::new();
        let mut guessed: Vec<(u32, f32)> = Vec::new();
        match part {
            synonyms::Part::Rewritten { term, also } => {
                for word in std::iter::once(term).chain(also) {
                    if let Some(id) = self.terms.get(word) {
                        exact.push((id as u32, self.idf[id as usize]));
                    }
                }
            }
            synonyms::Part::Typed(word) => {
                let found = self.terms.get(word);
                if let Some(id) = found {
                    exact.push((id as u32, self.idf[id as usize]));
                }
                let chars = word.chars().count();
                // While typing, the last word is a prefix; inner words may be abbreviations by
                // truncation ("diab typ 2"), even when short descriptions use them as words.
                if (last && chars >= 2) || chars >= 3 {
                    let weight = if last { PREFIX_LAST } else { PREFIX_INNER };
                    // A short prefix says little: only its most common completions count.
                    let most = MAX_EXPANSIONS[chars.min(MAX_EXPANSIONS.len() - 1)];
                    self.expand(Str::new(word).starts_with(), weight, found, most, &mut guessed);
                }
                if found.is_none() && guessed.is_empty() && chars >= 5 {
                    self.misspelt(word, chars, &mut guessed);
                }
            }
        }
        if !guessed.is_empty() {
            let common = guessed.iter().map(|(t, _)| self.idf[*t as usize]).fold(f32::INFINITY, f32::min);
            let most = (self.docs.len() as f32).ln();
            for (term, weight) in guessed {
                let df = (self.starts[term as usize + 1] - self.starts[term as usize]) as f32;
                exact.push((term, weight * common + POPULAR * (1.0 + df).ln() / most));
            }
        }
        exact.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        exact
    }

    /// Adds the dictionary words `automaton` accepts (other than `exact`) to `group`, keeping
    /// the [`MAX_EXPANSIONS`] most frequent.
    fn expand<A: Automaton>(
        &self,
        automaton: A,
        weight: f32,
        exact: Option<u64>,
        most: usize,
        group: &mut Vec<(u32, f32)>,
    ) {
        let mut found: Vec<u32> = Vec::new();
        let mut stream = self.terms.search(automaton).into_stream();
        while let Some((_, id)) = stream.next() {
            if Some(id) != exact {
                found.push(id as u32);
            }
        }
        if found.len() > most {
            found.sort_by_key(|t| (std::cmp::Reverse(self.postings_of(*t).len()), *t));
            found.truncate(most);
        }
        group.extend(found.into_iter().map(|t| (t, weight)));
    }

    /// Adds the dictionary words within 1 (5-7 letters) or 2 (8 or more) edits of `word`,
    /// counting a swap of neighbours as one edit (`pnuemonia`). The first letter must be right:
    /// that keeps the scan to one letter's words, well under a millisecond, and people rarely
    /// mistype it.
    fn misspelt(&self, word: &str, chars: usize, group: &mut Vec<(u32, f32)>) {
        let distance = if chars >= 8 { 2 } else { 1 };
        let first = &word[..word.chars().next().map_or(0, char::len_utf8)];
        let mut stream = self.terms.search(Str::new(first).starts_with()).into_stream();
        while let Some((candidate, id)) = stream.next() {
            if candidate.len().abs_diff(word.len()) > distance {
                continue;
            }
            let Ok(candidate) = std::str::from_utf8(candidate) else { continue };
            let edits = strsim::osa_distance(word, candidate);
            if (1..=distance).contains(&edits) {
                group.push((id as u32, TYPO[edits - 1]));
            }
        }
    }

    /// A result row: the code and its title with the matched words marked.
    fn hit(&self, id: u32, matched_terms: &[u32]) -> SearchHit {
        let doc = &self.docs[id as usize];
        let system = self.meta[id as usize].system;
        let highlights = if matched_terms.is_empty() {
            Vec::new()
        } else {
            text::words(&doc.title)
                .into_iter()
                .filter(|w| self.terms.get(&w.term).is_some_and(|t| matched_terms.binary_search(&(t as u32)).is_ok()))
                .map(|w| Highlight { start: w.start, end: w.end })
                .collect()
        };
        SearchHit {
            code: doc.key.to_string(),
            display_code: code::display(system, &doc.key),
            system,
            billable: self.meta[id as usize].billable,
            title: doc.title.to_string(),
            highlights,
        }
    }
}

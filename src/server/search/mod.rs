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
//! - otherwise words of everyday questions (`my`, `why`) go, two words the dictionary has as
//!   one are joined (`bed wetting` → `bedwetting`), a word it only has as two is split, the
//!   rest are rewritten by the synonym list (abbreviations, lay terms the Index lacks), and each
//!   word must match a word of the description or of a way in (below): exactly, in its other
//!   number (`corns` → `corn`), as a prefix (the last word always, the others when they are not
//!   whole words), or, failing these, within 1 (5-7 letters) or 2 (8 or more) edits; British
//!   spellings and accents are folded on both sides ([`text::words`]);
//! - besides its title, a code is reached through its ways in ([`ways_in`]): the paths of the
//!   ICD-10-CM Alphabetic Index ([`index_terms`]), each indexed as a document of its own that
//!   stands for its code. A way in the query covers completely ranks its code above title
//!   matches ([`WayKind::full_match`]); a partly covered one ranks by coverage like a title,
//!   so a title matching all its words wins over it. A code ranks by its best document, and
//!   a result found through a way in names it (`via`);
//! - codes matching every word rank by how much of their description the query covers
//!   (so `hypertension` finds `Essential (primary) hypertension` before `Hypertensive heart
//!   disease with heart failure`), then by word rarity and match quality, then billable codes
//!   first, then shorter titles, then code order. When no code matches every word, the codes
//!   matching the most words are returned and `complete` is false.

mod codes;
mod endpoint;
pub mod inclusion_terms;
pub mod index_terms;
mod synonyms;
pub mod text;
pub mod ways_in;

use std::cell::RefCell;

use fst::automaton::Str;
use fst::{Automaton, IntoStreamer, Streamer};

pub use codes::CodeEntry;
pub use endpoint::{MAX_OFFSET, MAX_QUERY_CHARS, search};
pub use synonyms::Synonyms;
pub use ways_in::{WayIn, WayKind};

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
/// Marks a posting whose word is another form of a way in's word (`hernial`, or `bedwetting`
/// for "Enuresis"): it covers the way in, but the way in that has the word itself wins.
const ALTERNATIVE: u32 = 1 << 30;
const ALTERNATIVE_WEIGHT: f32 = 0.9;
/// Marks a title's posting whose word the title only names to deny (`failure` in "... without
/// heart failure"; see [`text::negated_words`]): it matches, but neither scores nor covers the
/// title, unless the query says `without` or `not` too. (Postings never carry [`DEFAULT_OF`],
/// which marks ranked entries.)
const NEGATED: u32 = 1 << 29;
/// Marks, in scoring, a code whose own title covers the query.
const TITLE_COVERS: u32 = 1 << 31;
/// A posting's document id, without its flags.
const ID: u32 = !(EXTRA_ONLY | ALTERNATIVE | DEFAULT_OF);
/// How much a common completion of a prefix or misspelling is preferred over a rare one, at most.
const POPULAR: f32 = 0.5;
/// Words of a query beyond this are ignored (a query is at most 200 characters anyway).
const MAX_WORDS: usize = 24;
/// A word's other number (`corns` for `corn`) is almost as good as the word.
const OTHER_NUMBER: f32 = 0.95;
/// A typed word this rare (codes and ways in having it) may also be read as two words, or in
/// its other everyday forms.
const RARE_WORD: u32 = 2;
/// A word reached through its stem (`ingrown` → `ingrowing`) is worth a little less.
const STEM: f32 = 0.85;
/// What matching a generic word is worth at most.
const GENERIC_MOST: f32 = 1.0;
/// A card lists at most this many Index terms.
const CARD_TERMS: usize = 5;
/// Marks, in a ranked entry, a document found through the synonym list's reading of the query.
const READ_AS: u32 = 1 << 30;
/// What a title naming a family or personal history, a screening or a risk loses when the
/// query does not ask for one: `ischemic heart disease` is the disease, not its family history.
const CONTEXT: f32 = 5.0;
/// What a family history loses when the query asks for a history without saying whose: in
/// coding, an unqualified "history of" is the patient's own ("History, personal").
const FAMILY: f32 = 2.0;
/// What a later encounter (a 7th character "subsequent encounter" or "sequela") loses when the
/// query names none: an injury a person describes is being seen for the first time.
const LATER: f32 = 1.0;
/// A category the Index sends to with a code to be completed (`S00.1-`) is followed by at most
/// this many of the codes under it that go on a claim (24: three sides of eight stages).
const OFFERED_CHILDREN: usize = 24;

/// No document.
const NONE: u32 = u32::MAX;
/// Marks, in a ranked entry, the default child of the code its document found (see
/// `default_child`): the child is listed, and says how its header was found.
const DEFAULT_OF: u32 = 1 << 29;
/// How far a header's default child ranks above the header (see `default_child`).
const DEFAULT_CHILD: f32 = 0.01;

/// One indexed code.
struct Doc {
    key: Box<str>,
    title: Box<str>,
}

/// One way in, indexed as a document after the codes: the code it stands for and its label.
struct Way {
    target: u32,
    kind: WayKind,
    label: Box<str>,
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
    /// Whether the title is a family or personal history, a screening or a risk (see
    /// [`text::names_a_context`]).
    context: bool,
    /// Whether the title is a later encounter (see [`text::names_a_later_encounter`]).
    later: bool,
    /// Whether the title is a family history (see [`text::names_a_family_history`]).
    family: bool,
}

/// What a query of words matched.
#[derive(Default)]
struct Matches {
    /// Documents, best first (flagged [`READ_AS`] when found through the synonym reading).
    ranked: Vec<u32>,
    /// False when no code matched every word.
    complete: bool,
    /// The terms that matched, sorted (to highlight).
    terms: Vec<u32>,
    /// The synonym entries the rewritten reading used (`htn → hypertension`).
    synonyms: String,
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
    /// The codes: document ids `0..docs.len()`.
    docs: Vec<Doc>,
    /// The ways in: document `docs.len() + i` is `ways[i]`.
    ways: Vec<Way>,
    /// Ways in of the Alphabetic Index by code, then prominence: what a card lists.
    card_ways: Vec<u32>,
    /// Every document's scoring data, codes then ways in (a way in has its code's).
    meta: Vec<Meta>,
    /// Dictionary: word → term id.
    terms: fst::Map<Vec<u8>>,
    /// Term `t`'s documents are `postings[starts[t]..starts[t + 1]]`, ascending, each with
    /// [`EXTRA_ONLY`] set when the word is not in the title.
    postings: Vec<u32>,
    starts: Vec<u32>,
    /// Inverse document frequency of each term.
    idf: Vec<f32>,
    /// How many codes have each term (how many ways in, for a term only ways in have): how
    /// common a completion is, as it was before ways in were indexed.
    df: Vec<u32>,
    /// Whether each term is a generic word (see [`text::is_generic`]).
    generic: Vec<bool>,
    /// How many letters each term's [`text::skeleton`] has: a misspelling is compared with
    /// the skeletons of only the words whose count is within one of its own.
    skeleton_chars: Vec<u8>,
    /// Document ids ordered by code, then system: code prefixes are contiguous ranges.
    by_code: Vec<u32>,
    /// For each code, the range of `by_code` holding the codes under it (see `below`), found
    /// once at build: a broad query offers thousands of categories, and finding each one's
    /// range by comparing strings cost more than the rest of its ranking.
    below: Vec<(u32, u32)>,
    /// For each code, how many codes under it go on a claim (capped): what a category the
    /// Index sends to offers.
    billable_below: Vec<u16>,
    /// For each ICD-10-CM header, its default child ([`NONE`] if it has none): ranked with the
    /// header, just before it.
    default_child: Vec<u32>,
    /// The ids of codes no newer release deleted, in document (system, code) order: a page of
    /// a system's codes is a slice of it (see `codes.rs`).
    current: Vec<u32>,
    synonyms: Synonyms,
}

/// What a query has credited one document with so far.
#[derive(Clone, Copy, Default)]
struct Tally {
    score: f32,
    /// The query words it matched, as bits.
    mask: u32,
    /// The query words a way in matched only through its nonessential modifiers.
    optional: u32,
    /// How many of its details the query covered.
    specific: u8,
}

/// Per-thread scoring arrays, one slot per document, reset after each query.
#[derive(Default)]
struct Scratch {
    /// One document's tally in one place: a query of a short prefix credits 100,000
    /// documents, and one cache line each instead of four is what it costs.
    tally: Vec<Tally>,
    touched: Vec<u32>,
    /// Per code: the best rank of its documents and which document (itself or a way in).
    best: Vec<f32>,
    best_doc: Vec<u32>,
    /// Buffers kept between queries: a short prefix matches 100,000 codes, and allocating and
    /// freeing lists that long cost as much as ranking them.
    lists: Vec<Vec<(f32, u32)>>,
    keyed: Vec<(SortKey, u32)>,
    ranked: Vec<u32>,
}

impl Scratch {
    /// Zeroes what the last query touched.
    fn reset(&mut self) {
        for id in self.touched.drain(..) {
            let d = id as usize;
            self.tally[d] = Tally::default();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What a match through `posting` is worth, against one in a title or a way in's own words.
fn weight(posting: u32) -> f32 {
    if posting & EXTRA_ONLY != 0 {
        EXTRA_WEIGHT
    } else if posting & ALTERNATIVE != 0 {
        ALTERNATIVE_WEIGHT
    } else {
        1.0
    }
}

/// How a dictionary word stands for a query word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The word itself (or its other number, or the synonym list's word).
    Whole,
    /// A completion of a prefix or a correction of a misspelling.
    Guess,
    /// A completion of a prefix of three letters or fewer: titles only. While someone types
    /// `lo`, ways in add little and would double the postings walked.
    Hint,
}

/// What a query asks for beyond its words.
#[derive(Clone, Copy)]
struct Asked {
    /// A history, screening or risk (see [`text::asks_for_context`]).
    context: bool,
    /// A negated detail: it says `without` or `not` (see [`text::negates`]).
    denial: bool,
    /// A later encounter (see [`text::asks_for_later_encounter`]).
    later: bool,
    /// A relative's history (see [`text::asks_for_family_history`]).
    family: bool,
}

/// The words one query word may stand for: (term id, what matching it is worth, how).
type Group = Vec<(u32, f32, Match)>;

/// How a ranked entry sorts (see `SearchIndex::sort_key`).
type SortKey = (u32, u16, u32);

impl SearchIndex {
    /// Indexes every code of `catalog` (deleted codes too: they are filtered at query time),
    /// with the ICD-10-CM Alphabetic Index and the Tabular List's inclusion terms as ways in.
    pub fn build(catalog: &Catalog) -> SearchIndex {
        // The ways in are read on a second core while the titles are indexed: start-up time is a
        // budget.
        SearchIndex::with_ways_from(catalog, || {
            let mut ways = match index_terms::load(catalog) {
                Ok(terms) => {
                    tracing::debug!(
                        ways = terms.ways.len(),
                        mapped = terms.mapped,
                        dropped = terms.dropped,
                        "Index read"
                    );
                    terms.ways
                }
                Err(error) => {
                    // The file is compiled in and tested; should it ever fail, titles still work.
                    tracing::error!(%error, "the Alphabetic Index did not load: search uses titles only");
                    Vec::new()
                }
            };
            ways.extend(inclusion_terms::load(catalog));
            ways
        })
    }

    /// Indexes every code of `catalog` and every way in of `ways` (ways to codes the catalog
    /// does not have are skipped).
    pub fn with_ways(catalog: &Catalog, ways_in: Vec<WayIn>) -> SearchIndex {
        SearchIndex::with_ways_from(catalog, move || ways_in)
    }

    /// [`SearchIndex::with_ways`], with the ways in made by `ways` on another thread while the
    /// codes' titles are indexed.
    fn with_ways_from(catalog: &Catalog, ways: impl FnOnce() -> Vec<WayIn> + Send) -> SearchIndex {
        std::thread::scope(|scope| {
            let ways = scope.spawn(ways);
            SearchIndex::index(catalog, || ways.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }

    /// Indexes the codes' titles, then the ways in `ways` gives.
    fn index(catalog: &Catalog, ways: impl FnOnce() -> Vec<WayIn>) -> SearchIndex {
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
            let negated = text::negated_words(entry.title);
            seen.clear();
            seen.extend(text::terms(entry.extra).into_iter().filter(|t| in_title.binary_search(t).is_err()));
            seen.sort_unstable();
            seen.dedup();
            let title_terms = in_title.iter().map(|t| (t, id as u32 | if negated.contains(t) { NEGATED } else { 0 }));
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
                context: text::names_a_context(entry.title),
                later: text::names_a_later_encounter(entry.title),
                family: text::names_a_family_history(entry.title),
            });
        }
        // The ways in, as documents after the codes.
        let ways_in = ways();
        let codes = docs.len() as u32;
        let id_of: std::collections::HashMap<(CodeSystem, &str), u32> =
            docs.iter().zip(&meta).enumerate().map(|(id, (d, m))| ((m.system, &*d.key), id as u32)).collect();
        let mut ways = Vec::with_capacity(ways_in.len());
        let mut prominence = Vec::with_capacity(ways_in.len());
        for way in &ways_in {
            let Some(&target) = id_of.get(&(way.system, way.code.as_str())) else { continue };
            let id = codes + ways.len() as u32;
            in_title.clear();
            in_title.extend(text::terms(&way.phrase));
            in_title.sort_unstable();
            in_title.dedup();
            // Every word of a path is a detail to cover, generic ones too: `Migraine, specified
            // NEC` is a narrower entry than `Migraine`, not the same one.
            let specific_words = in_title.iter().filter(|t| !text::is_stopword(t)).count();
            let mut other_forms = text::terms(&way.alternatives);
            other_forms.retain(|t| in_title.binary_search(t).is_err());
            other_forms.sort_unstable();
            other_forms.dedup();
            seen.clear();
            seen.extend(
                text::terms(&way.optional)
                    .into_iter()
                    .filter(|t| in_title.binary_search(t).is_err() && other_forms.binary_search(t).is_err()),
            );
            seen.sort_unstable();
            seen.dedup();
            let essential = in_title.iter().map(|t| (t, id));
            let alternative = other_forms.iter().map(|t| (t, id | ALTERNATIVE));
            let optional = seen.iter().map(|t| (t, id | EXTRA_ONLY));
            for (term, posting) in essential.chain(alternative).chain(optional) {
                match dictionary.get_mut(term.as_str()) {
                    Some(list) => list.push(posting),
                    None => {
                        dictionary.insert(term.clone(), vec![posting]);
                    }
                }
            }
            meta.push(Meta { specific_words: specific_words.min(255) as u8, ..meta[target as usize] });
            ways.push(Way { target, kind: way.kind, label: way.via().into() });
            prominence.push(way.prominence);
        }
        let mut card_ways: Vec<u32> =
            (0..ways.len() as u32).filter(|w| ways[*w as usize].kind == WayKind::AlphabeticIndex).collect();
        card_ways.sort_by_key(|w| (ways[*w as usize].target, prominence[*w as usize], *w));
        let mut dictionary: Vec<(String, Vec<u32>)> = dictionary.into_iter().collect();
        dictionary.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut builder = fst::MapBuilder::memory();
        let mut postings: Vec<u32> = Vec::with_capacity(dictionary.iter().map(|(_, l)| l.len()).sum());
        let mut starts = Vec::with_capacity(dictionary.len() + 1);
        let mut idf = Vec::with_capacity(dictionary.len());
        let mut df = Vec::with_capacity(dictionary.len());
        let mut generic = Vec::with_capacity(dictionary.len());
        let mut skeleton_chars = Vec::with_capacity(dictionary.len());
        let n = docs.len() as f32;
        for (id, (term, list)) in dictionary.iter().enumerate() {
            builder.insert(term, id as u64).expect("terms are inserted sorted and unique");
            starts.push(postings.len() as u32);
            let first = postings.len();
            postings.extend_from_slice(list);
            postings[first..].sort_unstable_by_key(|p| p & ID);
            // Rarity among codes, as before ways in existed; a word only ways in have is rare.
            let in_codes = list.iter().filter(|p| *p & ID < codes).count();
            let count = if in_codes > 0 { in_codes } else { list.len() };
            idf.push((1.0 + n / count as f32).ln());
            df.push(count as u32);
            generic.push(text::is_generic(term));
            skeleton_chars.push(text::skeleton(term).chars().count().min(255) as u8);
        }
        starts.push(postings.len() as u32);
        let terms = builder.into_map();
        let mut by_code: Vec<u32> = (0..docs.len() as u32).collect();
        by_code.sort_unstable_by(|a, b| {
            let (a, b) = (*a as usize, *b as usize);
            (&docs[a].key, meta[a].system).cmp(&(&docs[b].key, meta[b].system))
        });
        let current = (0..docs.len() as u32).filter(|id| !meta[*id as usize].deleted).collect();
        // In code order the codes starting with a key follow it: a stack of the keys the current
        // code starts with closes each range where a code no longer does.
        let mut below = vec![(0u32, 0u32); docs.len()];
        let mut open: Vec<u32> = Vec::new();
        for (at, &id) in by_code.iter().enumerate() {
            let key = &docs[id as usize].key;
            while let Some(&top) = open.last().filter(|top| !key.starts_with(&*docs[**top as usize].key)) {
                below[top as usize].1 = at as u32;
                open.pop();
            }
            below[id as usize] = (at as u32 + 1, 0);
            open.push(id);
        }
        for top in open {
            below[top as usize].1 = by_code.len() as u32;
        }
        // In code order a code's descendants follow it: a stack of the codes above the current
        // one is enough to credit each billable code to all of them.
        let mut billable_below = vec![0u16; docs.len()];
        let mut above: Vec<u32> = Vec::new();
        for &id in &by_code {
            let (d, m) = (&docs[id as usize], &meta[id as usize]);
            above.retain(|a| {
                let (ad, am) = (&docs[*a as usize], &meta[*a as usize]);
                am.system == m.system && d.key.starts_with(&*ad.key)
            });
            if m.billable && !m.deleted {
                for a in &above {
                    billable_below[*a as usize] = billable_below[*a as usize].saturating_add(1);
                }
            }
            above.push(id);
        }
        // A header's default child: the billable code under it that only adds "unspecified"
        // (`Otitis media, unspecified` → `..., unspecified ear`; `Type 2 diabetes mellitus` →
        // `... without complications`): what a coder reports when the query names no detail.
        let mut default_child = vec![NONE; docs.len()];
        for (at, &id) in by_code.iter().enumerate() {
            let (d, m) = (&docs[id as usize], &meta[id as usize]);
            if m.billable || m.system != CodeSystem::Icd10cm {
                continue;
            }
            let title = d.title.to_ascii_lowercase();
            default_child[id as usize] = by_code[at + 1..]
                .iter()
                .copied()
                .take_while(|c| docs[*c as usize].key.starts_with(&*d.key))
                .find(|c| {
                    let (cd, cm) = (&docs[*c as usize], &meta[*c as usize]);
                    cm.system == m.system
                        && cm.billable
                        && !cm.deleted
                        && cd.key.len() == d.key.len() + 1
                        && cm.specific_words <= m.specific_words
                        && cd.title.to_ascii_lowercase().starts_with(&title)
                })
                .unwrap_or(NONE);
        }
        SearchIndex {
            default_child,
            docs,
            ways,
            card_ways,
            meta,
            terms,
            postings,
            starts,
            idf,
            df,
            generic,
            skeleton_chars,
            by_code,
            below,
            billable_below,
            current,
            synonyms: Synonyms::builtin(),
        }
    }

    /// Up to five Alphabetic Index terms that lead to `key` (normalised) in `system`, main
    /// terms first, without the one that only repeats the title; empty for other systems.
    pub fn also_indexed_as(&self, system: CodeSystem, key: &str) -> Vec<String> {
        let start = self.by_code.partition_point(|id| {
            let d = *id as usize;
            (&*self.docs[d].key, self.meta[d].system) < (key, system)
        });
        let Some(&id) = self.by_code.get(start).filter(|id| {
            let d = **id as usize;
            &*self.docs[d].key == key && self.meta[d].system == system
        }) else {
            return Vec::new();
        };
        let first = self.card_ways.partition_point(|w| self.ways[*w as usize].target < id);
        let title = text::terms(&self.docs[id as usize].title);
        let mut out: Vec<String> = Vec::new();
        for w in self.card_ways[first..].iter().take_while(|w| self.ways[**w as usize].target == id) {
            let way = &self.ways[*w as usize];
            let label = way.label.split_once(": ").map_or(&*way.label, |(_, l)| l);
            if text::terms(label) == title || out.iter().any(|o| o == label) {
                continue;
            }
            out.push(label.to_string());
            if out.len() == CARD_TERMS {
                break;
            }
        }
        out
    }

    /// How many codes are indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// How many ways in are indexed besides the codes' titles.
    pub fn ways_in(&self) -> usize {
        self.ways.len()
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
        let ways: usize = self.ways.iter().map(|w| std::mem::size_of::<Way>() + w.label.len()).sum::<usize>()
            + self.card_ways.capacity() * 4;
        docs + ways
            + self.terms.as_fst().as_bytes().len()
            + self.postings.capacity() * 4
            + self.starts.capacity() * 4
            + self.idf.capacity() * 4
            + self.df.capacity() * 4
            + self.generic.capacity()
            + self.skeleton_chars.capacity()
            + self.by_code.capacity() * 4
            + self.below.capacity() * 8
            + self.default_child.capacity() * 4
            + self.current.capacity() * 4
            + self.meta.capacity() * std::mem::size_of::<Meta>()
            // One scratch set per thread that has searched.
            + self.meta.len() * std::mem::size_of::<Tally>()
            + self.docs.len() * (4 + 4)
    }

    /// Runs `query`.
    pub fn search(&self, query: &Query) -> Found {
        let matches = match self.code_matches(query) {
            Some(found) => Matches { ranked: found, complete: true, ..Matches::default() },
            None => self.word_matches(query),
        };
        // A category reached through the Index is followed by the codes under it that go on a
        // claim, found the same way; with `billable_only` they stand in for it.
        // Counted without looking for codes listed twice (a child that also matched on its own):
        // `total` says how many results there are to page through, and stays cheap.
        let total: usize = matches
            .ranked
            .iter()
            .map(|doc| match self.offers(*doc) {
                true => {
                    let below = self.billable_below[self.code_of(doc & ID) as usize] as usize;
                    below.min(OFFERED_CHILDREN) + usize::from(!query.billable_only)
                }
                false => 1,
            })
            .sum();
        let wanted = query.offset + query.limit;
        let mut page: Vec<(u32, u32)> = Vec::new();
        let mut listed: std::collections::HashSet<u32> = std::collections::HashSet::new();
        for &doc in &matches.ranked {
            if page.len() >= wanted {
                break;
            }
            let code = self.code_for(doc);
            let offered = self.offers(doc);
            if (!offered || !query.billable_only) && listed.insert(code) {
                page.push((code, doc));
            }
            if offered {
                for child in self.children_to_offer(code, query) {
                    if listed.insert(child) {
                        page.push((child, doc));
                    }
                }
            }
        }
        let hits = page
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|(code, doc)| self.hit(code, doc, &matches))
            .collect();
        // The ranked list's buffer serves the thread's next query.
        SCRATCH.with(|scratch| scratch.borrow_mut().ranked = matches.ranked);
        Found { total, complete: matches.complete, hits }
    }

    /// The code a ranked entry lists: its document's, or that code's default child.
    fn code_for(&self, entry: u32) -> u32 {
        let code = self.code_of(entry & ID);
        if entry & DEFAULT_OF != 0 { self.default_child[code as usize] } else { code }
    }

    /// Whether a ranked entry lists a category the Index sends to, with its children.
    fn offers(&self, entry: u32) -> bool {
        entry & DEFAULT_OF == 0 && self.offers_children(entry & ID)
    }

    /// Whether `doc` is an Index entry leading to a category (a code to be completed).
    fn offers_children(&self, doc: u32) -> bool {
        let codes = self.docs.len() as u32;
        doc >= codes && {
            let way = &self.ways[(doc - codes) as usize];
            way.kind == WayKind::AlphabeticIndex && !self.meta[way.target as usize].billable
        }
    }

    /// The billable codes under `code` that `query` admits, shortest (the direct children)
    /// first, at most [`OFFERED_CHILDREN`].
    fn children_to_offer(&self, code: u32, query: &Query) -> Vec<u32> {
        let system = self.meta[code as usize].system;
        let mut children: Vec<u32> = self
            .below(code)
            .iter()
            .copied()
            .filter(|id| {
                let m = &self.meta[*id as usize];
                m.system == system && m.billable && self.admits(*id as usize, query)
            })
            .collect();
        children.sort_by_key(|id| self.docs[*id as usize].key.len());
        children.truncate(OFFERED_CHILDREN);
        children
    }

    /// The codes under `code` (of any system: callers check), in code order.
    fn below(&self, code: u32) -> &[u32] {
        let (start, end) = self.below[code as usize];
        &self.by_code[start as usize..end as usize]
    }

    fn admits(&self, id: usize, query: &Query) -> bool {
        let meta = &self.meta[id];
        // An Index entry leading to a category is admitted with `billable_only`: the codes
        // under it that go on a claim stand in for it (see `search`).
        let billable = meta.billable || !query.billable_only || self.offers_children(id as u32);
        !meta.deleted && query.system.is_none_or(|s| s == meta.system) && billable
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

    /// A query of words: every matching code, ranked, and how to name what matched.
    ///
    /// A query is read as typed and, when the synonym list or a compound applies, also as
    /// rewritten: a synonym adds a way in and never removes the literal words (`cavity` finds
    /// dental caries and the body cavities). Each code keeps its best rank over the readings;
    /// a reading that matches every word beats one that does not.
    fn word_matches(&self, query: &Query) -> Matches {
        // Filler words (`my`, `can't`, `keep`) go from a query that names something, but only
        // after the synonym list has read it: its phrases may hold them (`can't sleep`).
        let mut spoken = text::terms(query.text);
        let names_something = spoken.iter().any(|w| !text::is_stopword(w) && !text::is_filler(w));
        if names_something {
            spoken.retain(|w| !text::is_stopword(w));
        }
        spoken.truncate(MAX_WORDS);
        let mut words = spoken.clone();
        if names_something {
            words.retain(|w| !text::is_filler(w));
        }
        let context_asked = words.iter().any(|w| text::asks_for_context(w));
        let later_asked = words.iter().any(|w| text::asks_for_later_encounter(w));
        let family_asked = words.iter().any(|w| text::asks_for_family_history(w));
        let literal: Vec<synonyms::Part> = words.iter().cloned().map(synonyms::Part::Typed).collect();
        let (mut rewritten, applied) = self.synonyms.rewrite(&spoken);
        if names_something {
            rewritten.retain(|part| !matches!(part, synonyms::Part::Typed(w) if text::is_filler(w)));
        }
        let rewritten = self.compounds(rewritten);
        let mut readings = vec![(literal, 0)];
        if rewritten != readings[0].0 {
            readings.push((rewritten, READ_AS));
        }
        let mut matches = Matches { complete: true, synonyms: applied.join("; "), ..Matches::default() };
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.tally.len() != self.meta.len() {
                scratch.tally = vec![Tally::default(); self.meta.len()];
            }
            if scratch.best.len() != self.docs.len() {
                scratch.best = vec![f32::NEG_INFINITY; self.docs.len()];
                scratch.best_doc = vec![0; self.docs.len()];
            }
            let mut lists: Vec<(Vec<(f32, u32)>, bool)> = Vec::with_capacity(readings.len());
            // A word both readings share is looked up once: a misspelling's scan of the
            // dictionary is the dearest part of reading a query.
            let mut looked_up: Vec<(&synonyms::Part, bool, Group)> = Vec::new();
            for (parts, flag) in &readings {
                let last = parts.len().saturating_sub(1);
                let mut groups: Vec<Group> = Vec::with_capacity(parts.len());
                for (i, part) in parts.iter().enumerate() {
                    let is_last = i == last;
                    let group = match looked_up.iter().find(|(p, l, _)| *p == part && *l == is_last) {
                        Some((_, _, group)) => group.clone(),
                        None => {
                            let group = self.group(part, is_last);
                            looked_up.push((part, is_last, group.clone()));
                            group
                        }
                    };
                    groups.push(group);
                }
                if groups.is_empty() {
                    continue;
                }
                matches.terms.extend(groups.iter().flatten().map(|(t, _, _)| *t));
                let denies = parts.iter().any(|part| match part {
                    synonyms::Part::Typed(word) => text::negates(word),
                    synonyms::Part::Rewritten { term, .. } => text::negates(term),
                });
                let asked = Asked { context: context_asked, later: later_asked, family: family_asked, denial: denies };
                lists.push(self.rank_reading(&groups, query, asked, *flag, &mut scratch));
            }
            matches.terms.sort_unstable();
            matches.terms.dedup();
            let any_complete = lists.iter().any(|(_, complete)| *complete);
            matches.complete = any_complete || lists.is_empty();
            lists.retain(|(_, complete)| *complete == any_complete);
            // Best rank first, then shorter title, then code: each entry's key is read once, so
            // that ordering 100,000 matches of a short prefix compares plain numbers.
            let mut keyed = std::mem::take(&mut scratch.keyed);
            keyed.clear();
            match lists.len() {
                0 => {}
                1 => keyed.extend(lists[0].0.iter().map(|&(rank, id)| (self.sort_key(rank, id), id))),
                _ => {
                    // A code found by both readings keeps its better rank (the literal one on a tie).
                    let Scratch { best: best_rank, best_doc, ranked: merged, .. } = &mut *scratch;
                    merged.clear();
                    for (rank, doc) in lists.iter().flat_map(|(list, _)| list) {
                        let slot = self.code_for(*doc) as usize;
                        if best_rank[slot] == f32::NEG_INFINITY {
                            merged.push(slot as u32);
                        }
                        if *rank > best_rank[slot] {
                            (best_rank[slot], best_doc[slot]) = (*rank, *doc);
                        }
                    }
                    for &slot in merged.iter() {
                        let slot = slot as usize;
                        keyed.push((self.sort_key(best_rank[slot], best_doc[slot]), best_doc[slot]));
                        (best_rank[slot], best_doc[slot]) = (f32::NEG_INFINITY, 0);
                    }
                }
            }
            scratch.lists.extend(lists.into_iter().map(|(list, _)| list));
            // Only the requested page needs ordering; the rest is only counted, never returned.
            let wanted = (query.offset + query.limit).min(keyed.len());
            if wanted < keyed.len() && wanted > 0 {
                keyed.select_nth_unstable(wanted - 1);
                keyed[..wanted].sort_unstable();
            } else {
                keyed.sort_unstable();
            }
            let mut ranked = std::mem::take(&mut scratch.ranked);
            ranked.clear();
            ranked.extend(keyed.iter().map(|(_, id)| *id));
            matches.ranked = ranked;
            scratch.keyed = keyed;
        });
        matches
    }

    /// What orders a ranked entry: best rank first, then shorter title, then code.
    fn sort_key(&self, rank: f32, entry: u32) -> SortKey {
        // `total_cmp`'s order as an unsigned number, reversed: the best rank sorts first.
        let bits = rank.to_bits();
        let ascending = if bits >> 31 == 1 { !bits } else { bits | 1 << 31 };
        (!ascending, self.meta[(entry & ID) as usize].title_len, self.code_for(entry))
    }

    /// Scores one reading of the query: each matching code once, with its rank and the
    /// document that gave it (flagged with `flag`), and whether it matched every word.
    fn rank_reading(
        &self,
        groups: &[Group],
        query: &Query,
        asked: Asked,
        flag: u32,
        scratch: &mut Scratch,
    ) -> (Vec<(f32, u32)>, bool) {
        self.match_all_words(groups, query, asked.denial, scratch);
        let mut ranked = scratch.lists.pop().unwrap_or_default();
        ranked.clear();
        let Scratch { tally, touched, best: best_rank, best_doc, .. } = &mut *scratch;
        let effective = |id: u32| self.effective_mask(id, tally);
        let best = touched.iter().map(|id| effective(*id).count_ones()).max().unwrap_or(0);
        let complete = best as usize == groups.len();
        let codes = self.docs.len() as u32;
        // Each code ranks by its best document: its title or one of its ways in. On a tie
        // the title wins (the result then needs no `via`).
        let mut offering: Vec<u32> = Vec::new();
        for &id in touched.iter().filter(|id| effective(**id).count_ones() == best) {
            let meta = &self.meta[id as usize];
            let t = &tally[id as usize];
            let coverage = (f32::from(t.specific) / f32::from(meta.specific_words.max(1))).min(1.0);
            let mut rank = t.score + COVERAGE * coverage + if meta.billable { BILLABLE } else { 0.0 };
            if meta.context && !asked.context {
                rank -= CONTEXT;
            }
            if meta.later && !asked.later {
                rank -= LATER;
            }
            if meta.family && !asked.family {
                rank -= FAMILY;
            }
            let code = if id < codes {
                id
            } else {
                let way = &self.ways[(id - codes) as usize];
                if coverage >= 1.0 {
                    rank += way.kind.full_match();
                }
                way.target
            };
            // A header the query finds brings its default child just above it, found the same
            // way: a query naming no detail gets the code that goes on a claim first.
            let child = self.default_child[code as usize];
            if child != NONE && self.admits(child as usize, query) {
                let slot = child as usize;
                if best_rank[slot] == f32::NEG_INFINITY {
                    ranked.push((0.0, child));
                }
                if rank + DEFAULT_CHILD > best_rank[slot] {
                    best_rank[slot] = rank + DEFAULT_CHILD;
                    if best_doc[slot] & TITLE_COVERS == 0 {
                        best_doc[slot] = id | DEFAULT_OF;
                    }
                }
            }
            let slot = code as usize;
            if best_rank[slot] == f32::NEG_INFINITY {
                ranked.push((0.0, code));
            }
            // A title that covers the query, or has every word of it, keeps the result's own
            // name: no `via` needed.
            let title_covers = id < codes && (coverage >= 1.0 || complete);
            let better = rank > best_rank[slot] || (rank == best_rank[slot] && id < codes);
            if title_covers || (better && best_doc[slot] & TITLE_COVERS == 0) {
                best_doc[slot] = if title_covers { id | TITLE_COVERS } else { id };
            }
            if better {
                best_rank[slot] = rank;
                // The rank may come from a way in to a category while the title names the
                // result: the category's children are still offered under it.
                if self.offers_children(id) {
                    offering.push(code);
                }
            }
        }
        // A category the Index sends to lists its children under the way in; a child whose own
        // title the query covers ("Pressure ulcer of sacral region, stage 3") is the code the
        // path meant, and goes above the category and its unspecified child. A category without
        // an unspecified child of its own (S93.40, whose children need a side and a 7th
        // character) has its best matching child, what goes on a claim, just above it.
        let covers = |id: u32| {
            effective(id).count_ones() == best
                && tally[id as usize].specific >= self.meta[id as usize].specific_words.max(1)
        };
        offering.sort_unstable();
        offering.dedup();
        for &code in &offering {
            let rank = best_rank[code as usize] + 2.0 * DEFAULT_CHILD;
            let mut best_child: Option<u32> = None;
            for &child in self.below(code) {
                let slot = child as usize;
                let (m, system) = (&self.meta[slot], self.meta[code as usize].system);
                if child == code || m.system != system || !m.billable || effective(child).count_ones() != best {
                    continue;
                }
                if covers(child) && rank > best_rank[slot] {
                    (best_rank[slot], best_doc[slot]) = (rank, child | TITLE_COVERS);
                } else if best_child.is_none_or(|b| best_rank[slot] > best_rank[b as usize]) {
                    best_child = Some(child);
                }
            }
            if let Some(child) = best_child.filter(|_| self.default_child[code as usize] == NONE) {
                let slot = child as usize;
                best_rank[slot] = best_rank[slot].max(rank - 0.5 * DEFAULT_CHILD);
            }
        }
        for entry in &mut ranked {
            let slot = entry.1 as usize;
            *entry = (best_rank[slot], (best_doc[slot] & !TITLE_COVERS) | flag);
            (best_rank[slot], best_doc[slot]) = (f32::NEG_INFINITY, 0);
        }
        scratch.reset();
        (ranked, complete)
    }

    /// The query words document `id` matched, as bits: a way in's nonessential modifiers
    /// count only when the query covers the way's own words ("Stroke (ischemic)" for
    /// `ischemic stroke`), never on their own (`oedema of the ankles` is not "Ulcer, pressure,
    /// stage 1 (... persistent focal edema), ankle").
    fn effective_mask(&self, id: u32, tally: &[Tally]) -> u32 {
        let t = &tally[id as usize];
        if id < self.docs.len() as u32 || t.specific >= self.meta[id as usize].specific_words.max(1) {
            t.mask
        } else {
            t.mask & !t.optional
        }
    }

    /// Scores the codes matching every group into `scratch`, cheapest group first: its codes
    /// are the candidates, and each further group only narrows them, by probing its posting
    /// lists for each candidate or by walking them, whichever costs less. If no code matches
    /// every group, scores every code matching any group instead (the caller keeps those that
    /// match the most).
    fn match_all_words(&self, groups: &[Group], query: &Query, denial: bool, scratch: &mut Scratch) {
        let cost = |group: &Group| -> usize { group.iter().map(|(t, _, _)| self.postings_of(*t).len()).sum() };
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by_key(|g| (cost(&groups[*g]), *g));
        let mut required = 0u32;
        for (step, &g) in order.iter().enumerate() {
            let bit = 1u32 << g;
            if step == 0 {
                self.walk(&groups[g], bit, None, query, denial, scratch);
            } else {
                let alive = scratch.touched.iter().filter(|id| scratch.tally[**id as usize].mask == required).count();
                if alive == 0 {
                    break;
                }
                if alive * groups[g].len() * 16 < cost(&groups[g]) {
                    self.probe(&groups[g], bit, required, denial, scratch);
                } else {
                    self.walk(&groups[g], bit, Some(required), query, denial, scratch);
                }
            }
            required |= bit;
        }
        let any_complete = scratch.touched.iter().any(|id| self.effective_mask(*id, &scratch.tally) == required);
        if !any_complete && groups.len() > 1 {
            scratch.reset();
            for (g, group) in groups.iter().enumerate() {
                self.walk(group, 1 << g, None, query, denial, scratch);
            }
        }
    }

    /// Walks `group`'s posting lists, crediting `bit` to each admitted code: any code (`only`
    /// is `None`) or only those whose mask is exactly `only`. `denial`: the query says `without`
    /// or `not`, so a title's negated words count as its others.
    fn walk(&self, group: &Group, bit: u32, only: Option<u32>, query: &Query, denial: bool, scratch: &mut Scratch) {
        let Scratch { tally, touched, .. } = scratch;
        let codes = self.docs.len() as u32;
        for &(term, value, how) in group {
            let is_specific = !self.generic[term as usize];
            let list = self.postings_of(term);
            let list = if how == Match::Hint { &list[..list.partition_point(|p| p & ID < codes)] } else { list };
            for &posting in list {
                let id = posting & ID;
                let d = id as usize;
                let t = &mut tally[d];
                if t.mask & bit != 0 || only.is_some_and(|m| t.mask != m) {
                    continue;
                }
                if only.is_none() && !self.admits(d, query) {
                    continue;
                }
                if t.mask == 0 {
                    touched.push(id);
                }
                let in_title = posting & EXTRA_ONLY == 0;
                t.mask |= bit;
                if !in_title && id >= codes {
                    t.optional |= bit;
                }
                if posting & NEGATED != 0 && !denial {
                    continue;
                }
                t.score += value * weight(posting);
                // A way in counts only words typed whole: a completion (`colic` → `colicystitis`)
                // must not make a way in look fully covered.
                t.specific += u8::from(in_title && if id < codes { is_specific } else { how == Match::Whole });
            }
        }
    }

    /// Credits `bit` to each candidate (mask exactly `required`) that one of `group`'s words
    /// has, found by binary search; the group's best word wins.
    fn probe(&self, group: &Group, bit: u32, required: u32, denial: bool, scratch: &mut Scratch) {
        let Scratch { tally, touched, .. } = scratch;
        for &id in touched.iter() {
            let t = &mut tally[id as usize];
            if t.mask != required {
                continue;
            }
            for &(term, value, how) in group {
                if how == Match::Hint && id >= self.docs.len() as u32 {
                    continue;
                }
                let list = self.postings_of(term);
                if let Ok(at) = list.binary_search_by_key(&id, |p| p & ID) {
                    let in_title = list[at] & EXTRA_ONLY == 0;
                    t.mask |= bit;
                    if !in_title && id >= self.docs.len() as u32 {
                        t.optional |= bit;
                    }
                    if list[at] & NEGATED != 0 && !denial {
                        break;
                    }
                    t.score += value * weight(list[at]);
                    let counts =
                        if id < self.docs.len() as u32 { !self.generic[term as usize] } else { how == Match::Whole };
                    t.specific += u8::from(in_title && counts);
                    break;
                }
            }
        }
    }

    /// The code a document stands for: itself, or the code of a way in.
    fn code_of(&self, id: u32) -> u32 {
        let codes = self.docs.len() as u32;
        if id < codes { id } else { self.ways[(id - codes) as usize].target }
    }

    /// Joins two neighbouring words the dictionary has as one (`bed wetting`, `bed-wetting` →
    /// `bedwetting`) and splits a word it only has as two (`heartburn` when titles said
    /// `heart burn`). A word that is a prefix of a known word is left alone: it may still be
    /// being typed.
    /// Only words as typed are joined or split: the synonym list has had its say.
    fn compounds(&self, parts: Vec<synonyms::Part>) -> Vec<synonyms::Part> {
        use synonyms::Part::Typed;
        let mut out: Vec<synonyms::Part> = Vec::with_capacity(parts.len());
        let mut i = 0;
        while i < parts.len() {
            let Typed(word) = &parts[i] else {
                out.push(parts[i].clone());
                i += 1;
                continue;
            };
            if let Some(Typed(next)) = parts.get(i + 1) {
                // A doing word said before its object (`wetting the bed`) is the compound the
                // other way round (`bedwetting`).
                let joined = format!("{word}{next}");
                let turned = format!("{next}{word}");
                let found = [(joined, true), (turned, word.ends_with("ing"))]
                    .into_iter()
                    .find(|(w, ok)| *ok && word.len() >= 2 && next.len() >= 2 && self.terms.get(w).is_some());
                if let Some((compound, _)) = found {
                    out.push(Typed(compound));
                    i += 2;
                    continue;
                }
            }
            let known = self.terms.get(word).is_some()
                || text::other_numbers(word).iter().any(|w| self.terms.get(w).is_some())
                || self.terms.search(Str::new(word).starts_with()).into_stream().next().is_some();
            // A word known only rarely (`toenail`, in one Index path) is split too: the
            // rewritten reading is tried beside the literal one, never instead of it.
            let rare = || {
                std::iter::once(word.clone())
                    .chain(text::other_numbers(word))
                    .filter_map(|w| self.terms.get(&w))
                    .map(|t| self.df[t as usize])
                    .sum::<u32>()
                    <= RARE_WORD
            };
            let split = ((!known || rare()) && word.len() >= 6 && word.is_ascii())
                .then(|| {
                    (3..=word.len() - 3)
                        .filter(|at| self.terms.get(&word[..*at]).is_some() && self.terms.get(&word[*at..]).is_some())
                        .max_by_key(|at| (*at).min(word.len() - *at))
                })
                .flatten();
            match split {
                Some(at) => out.extend([Typed(word[..at].to_string()), Typed(word[at..].to_string())]),
                None => out.push(Typed(word.clone())),
            }
            i += 1;
        }
        out
    }

    fn postings_of(&self, term: u32) -> &[u32] {
        &self.postings[self.starts[term as usize] as usize..self.starts[term as usize + 1] as usize]
    }

    /// What the typed words a synonym phrase took would be worth matched as typed (each word,
    /// or its likeliest other form, at its rarity), shared among the phrase's meaning words.
    fn worth_of_typed(&self, share: &synonyms::Share) -> f32 {
        let worth = |word: &String| {
            let forms = std::iter::once(word.clone()).chain(text::word_forms(word));
            forms.filter_map(|w| self.terms.get(&w)).map(|id| self.idf[id as usize]).fold(0.0, f32::max)
        };
        share.words.iter().map(worth).sum::<f32>() / share.among.max(1) as f32
    }

    /// The dictionary words a query word may stand for, with what each is worth, best first.
    ///
    /// A word matched exactly is worth its rarity (idf). Completions and corrections are not
    /// chosen by rarity (that would put `hypertelorism` before `hypertension` for `hypert`):
    /// each is worth its weight times the rarity of the most common candidate, plus a small
    /// bonus for being common itself.
    fn group(&self, part: &synonyms::Part, last: bool) -> Group {
        let mut exact: Group = Vec::new();
        let mut likeliest: Option<u32> = None;
        let mut guessed: Vec<(u32, f32)> = Vec::new();
        match part {
            synonyms::Part::Rewritten { term, also, stands_for } => {
                let meant = self.terms.get(term);
                if let Some(id) = meant {
                    let value = self.idf[id as usize].max(self.worth_of_typed(stands_for));
                    exact.push((id as u32, value, Match::Whole));
                }
                // The typed abbreviation (`fx`, in short descriptions) stands for the word it
                // means and is worth a little less: the title's own word is credited first, so
                // a title saying "fracture" is covered by `fx`.
                if let Some(id) = also.as_ref().and_then(|w| self.terms.get(w)) {
                    let most = meant.map_or(f32::INFINITY, |m| STEM * self.idf[m as usize]);
                    exact.push((id as u32, self.idf[id as usize].min(most), Match::Whole));
                }
            }
            synonyms::Part::Typed(word) => {
                let found = self.terms.get(word);
                if let Some(id) = found {
                    exact.push((id as u32, self.idf[id as usize], Match::Whole));
                }
                for other in text::other_numbers(word) {
                    if let Some(id) = self.terms.get(&other) {
                        exact.push((id as u32, OTHER_NUMBER * self.idf[id as usize], Match::Whole));
                    }
                }
                // `sacral` → "sacrum": a site's adjective names the site, however common.
                if let Some(id) = text::site_forms(word).and_then(|other| self.terms.get(other)) {
                    let most = found.map_or(f32::INFINITY, |f| self.idf[f as usize]);
                    exact.push((id as u32, (STEM * self.idf[id as usize]).min(most), Match::Whole));
                }
                // `sprained` → "Sprain", `hoarse` → "Hoarseness": the same thing, said otherwise,
                // for a word the code sets rarely use as typed (`swallowing` is common, and its
                // `swallow` would only add noise). Never worth more than the word itself.
                let rare = found.is_none_or(|id| self.df[id as usize] <= RARE_WORD);
                if rare && word.chars().count() >= 4 {
                    for other in text::word_forms(word) {
                        if let Some(id) = self.terms.get(&other) {
                            let most = found.map_or(f32::INFINITY, |f| self.idf[f as usize]);
                            exact.push((id as u32, (STEM * self.idf[id as usize]).min(most), Match::Whole));
                        }
                    }
                }
                let chars = word.chars().count();
                // While typing, the last word is a prefix; inner words may be abbreviations by
                // truncation ("diab typ 2"), even when short descriptions use them as words.
                if (last && chars >= 2) || chars >= 3 {
                    let weight = if last { PREFIX_LAST } else { PREFIX_INNER };
                    // A short prefix says little: only its most common completions count.
                    let most = MAX_EXPANSIONS[chars.min(MAX_EXPANSIONS.len() - 1)];
                    self.expand(Str::new(word).starts_with(), weight, found, most, &mut guessed);
                    // `with` typed whole asks for the opposite of its completion `without`.
                    if found.is_some() && word == "with" {
                        let without = self.terms.get("without").map(|t| t as u32);
                        guessed.retain(|(t, _)| Some(*t) != without);
                    }
                }
                if found.is_none() && exact.is_empty() && guessed.is_empty() && chars >= 5 {
                    self.misspelt(word, chars, &mut guessed);
                    // The likeliest correction (fewest edits, then the word the code sets use
                    // most: `artheritis` is arthritis before arteritis) is what was meant, and
                    // covers a way in like the word itself (`diabeetis` → "Diabetes").
                    likeliest = guessed
                        .iter()
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(self.df[a.0 as usize].cmp(&self.df[b.0 as usize])))
                        .map(|(t, _)| *t);
                }
                // Another form of a word the dictionary only has differently inflected
                // (`ingrown` for "Ingrowing", `dizzy` for "Dizziness"): its stem, one or two
                // letters shorter but at least four, as a prefix. It stands for the word
                // itself, so it may cover a way in.
                if found.is_none() && exact.is_empty() && guessed.is_empty() && chars >= 5 && word.is_ascii() {
                    for cut in (1..=2).filter(|cut| chars - cut >= 4) {
                        let mut stems = Vec::new();
                        let most = MAX_EXPANSIONS[MAX_EXPANSIONS.len() - 1];
                        self.expand(Str::new(&word[..word.len() - cut]).starts_with(), STEM, None, most, &mut stems);
                        if !stems.is_empty() {
                            exact.extend(stems.into_iter().map(|(t, w)| (t, w * self.idf[t as usize], Match::Whole)));
                            break;
                        }
                    }
                }
            }
        }
        let how = match part {
            synonyms::Part::Typed(word) if word.chars().count() <= 3 => Match::Hint,
            _ => Match::Guess,
        };
        if !guessed.is_empty() {
            let common = guessed.iter().map(|(t, _)| self.idf[*t as usize]).fold(f32::INFINITY, f32::min);
            let most = (self.docs.len() as f32).ln();
            for (term, weight) in guessed {
                let df = self.df[term as usize] as f32;
                let how = if likeliest == Some(term) { Match::Whole } else { how };
                exact.push((term, weight * common + POPULAR * (1.0 + df).ln() / most, how));
            }
        }
        // A generic word (`nos`, `unspecified`) says no more when rare: only paths of the
        // Index spell `NOS` out, which must not make them outrank the plain code.
        for (term, value, how) in &mut exact {
            if *how == Match::Whole && self.generic[*term as usize] {
                *value = value.min(GENERIC_MOST);
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
            found.sort_by_key(|t| (std::cmp::Reverse(self.df[*t as usize]), *t));
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
        let bare = text::skeleton(word);
        let bare_chars = bare.chars().count();
        let mut stream = self.terms.search(Str::new(first).starts_with()).into_stream();
        while let Some((candidate, id)) = stream.next() {
            // A skeleton is at most a third shorter than its word.
            if candidate.len().abs_diff(word.len()) > distance + candidate.len().max(word.len()) / 3 {
                continue;
            }
            let Ok(candidate) = std::str::from_utf8(candidate) else { continue };
            let mut edits = if candidate.len().abs_diff(word.len()) > distance {
                usize::MAX
            } else {
                strsim::osa_distance(word, candidate)
            };
            // Doubled and silent letters are the commonest slips in long medical words
            // (`hemmoroids`, `hemroids` for hemorrhoids): compared without them, a word is
            // within one edit of what was meant. Skeletons whose lengths differ by more than
            // one are further apart: most words need no skeleton made.
            let near = (self.skeleton_chars[id as usize] as usize).abs_diff(bare_chars) <= 1;
            if edits > 1 && chars >= 6 && near {
                let skeleton_edits = strsim::osa_distance(&bare, &text::skeleton(candidate));
                if skeleton_edits <= 1 && candidate != word {
                    edits = edits.min(skeleton_edits.max(1));
                }
            }
            if (1..=distance).contains(&edits) {
                group.push((id as u32, TYPO[edits - 1]));
            }
        }
    }

    /// A result row: the code and its title with the matched words marked, and how it was
    /// found when its title does not say: the way in (`Index: Hernia, umbilical`), or the
    /// synonym list's reading of the query (`Synonym: htn → hypertension`).
    fn hit(&self, id: u32, found: u32, matches: &Matches) -> SearchHit {
        let doc_id = found & ID;
        let via = if doc_id >= self.docs.len() as u32 {
            Some(self.ways[doc_id as usize - self.docs.len()].label.to_string())
        } else {
            (found & READ_AS != 0 && !matches.synonyms.is_empty()).then(|| format!("Synonym: {}", matches.synonyms))
        };
        let doc = &self.docs[id as usize];
        let system = self.meta[id as usize].system;
        let highlights = if matches.terms.is_empty() {
            Vec::new()
        } else {
            text::words(&doc.title)
                .into_iter()
                .filter(|w| self.terms.get(&w.term).is_some_and(|t| matches.terms.binary_search(&(t as u32)).is_ok()))
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
            via,
        }
    }
}

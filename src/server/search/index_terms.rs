//! The ICD-10-CM Alphabetic Index (Index to Diseases and Injuries, FY2025, vendored as
//! `assets/data/icd10cm-index-2025.csv.gz`) read as ways into codes.
//!
//! The CSV has one row per printed line: a level (0 = main term, 1+ = subterm under the
//! nearest row above with one level less), the term, its nonessential modifiers (the words in
//! parentheses), a code and the cross-references "see" and "see also". Every row's path
//! (main term → subterms) that ends in a code becomes a way into that code; a "see" leads to
//! the code of the entry it names, a "see also" both to the row's own code and to that entry's.
//!
//! Codes are taken as the loaded catalog has them: a code written with a trailing `-` (`M21.61-`)
//! or lacking its 7th character (`T33.90`) leads to its category, which lists the codes under
//! it; a code the catalog does not have (or has deleted) leads to its nearest live ancestor,
//! or is dropped when there is none. Nothing is hard-coded about which release is loaded.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde::Deserialize;

use super::text;
use super::ways_in::{WayIn, WayKind};
use crate::api::CodeSystem;
use crate::code;
use crate::server::Catalog;

/// The vendored Index.
const INDEX: &[u8] = include_bytes!("../../../assets/data/icd10cm-index-2025.csv.gz");
/// How many "see" references are followed from one entry before giving up (they do not loop
/// in the published Index, but nothing here relies on that).
const MAX_HOPS: usize = 4;

/// Why the Index could not be read.
#[derive(Debug)]
pub enum IndexError {
    /// The gzip stream is damaged.
    Gzip(std::io::Error),
    /// A row does not have the expected columns.
    Csv(csv::Error),
    /// A row's level skips one (a subterm without a parent).
    Level { row: u32 },
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexError::Gzip(_) => write!(f, "the Alphabetic Index file is not valid gzip"),
            IndexError::Csv(e) => write!(f, "the Alphabetic Index has a bad row: {e}"),
            IndexError::Level { row } => write!(f, "the Alphabetic Index row {row} has no parent at the level above"),
        }
    }
}

impl std::error::Error for IndexError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IndexError::Gzip(e) => Some(e),
            IndexError::Csv(e) => Some(e),
            IndexError::Level { .. } => None,
        }
    }
}

/// One row as the CSV has it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    #[serde(rename = "RowID")]
    row_id: u32,
    level: usize,
    term: String,
    see: String,
    see_also: String,
    non_ess_modif: String,
    code: String,
}

/// A row placed in the tree.
struct Entry {
    row: Row,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// What the Index yields: the ways in, and how many codes had to be mapped or were dropped.
pub struct IndexTerms {
    /// Every way in, in the Index's order.
    pub ways: Vec<WayIn>,
    /// Index codes led to a live ancestor because the catalog lacks them as written.
    pub mapped: usize,
    /// Index codes with no live ancestor in the catalog: their entries lead nowhere.
    pub dropped: usize,
}

/// Reads the vendored Index against `catalog`.
pub fn load(catalog: &Catalog) -> Result<IndexTerms, IndexError> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(INDEX).read_to_string(&mut text).map_err(IndexError::Gzip)?;
    let live: HashSet<&str> = catalog
        .search_entries()
        .into_iter()
        .filter(|e| e.system == CodeSystem::Icd10cm && !e.deleted)
        .map(|e| e.key)
        .collect();
    read(&text, &|key| live.contains(key))
}

/// Builds the ways in from the CSV `text`; `live` says whether a normalised code is loaded.
fn read(text: &str, live: &dyn Fn(&str) -> bool) -> Result<IndexTerms, IndexError> {
    Ok(Tree::new(parse(text)?).ways(live))
}

/// The rows, each linked to its parent.
fn parse(text: &str) -> Result<Vec<Entry>, IndexError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for row in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>() {
        let mut row = row.map_err(IndexError::Csv)?;
        // A few rows lost their code into the cross-reference in the flattening ("Fracture,
        // pathological — see also Fracture, traumatic M84.40"): give it back to the row.
        if row.code.is_empty() {
            for reference in [&mut row.see_also, &mut row.see] {
                if let Some(code) = trailing_code(reference) {
                    row.code = code;
                    break;
                }
            }
        }
        if row.level > stack.len() {
            return Err(IndexError::Level { row: row.row_id });
        }
        stack.truncate(row.level);
        let parent = stack.last().copied();
        let id = entries.len();
        if let Some(p) = parent {
            entries[p].children.push(id);
        }
        stack.push(id);
        entries.push(Entry { row, parent, children: Vec::new() });
    }
    Ok(entries)
}

/// Whether a cross-reference's last part names no entry but a kind of subterm ("by site").
fn is_by_subterm(part: &str) -> bool {
    part.starts_with("by ")
}

/// A cross-reference as a result names it: its words, without a "by site" part.
fn reference_label(reference: &str) -> String {
    let parts = printed_forms(reference);
    let keep =
        parts.len() - usize::from(parts.len() > 1 && parts.last().is_some_and(|p| is_by_subterm(&p.to_lowercase())));
    parts[..keep].iter().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(", ")
}

/// A form without its "NEC" (not elsewhere classifiable): cross-references leave it out
/// ("see Displacement, intervertebral disc" names "intervertebral disc NEC").
fn without_nec(form: &str) -> &str {
    form.strip_suffix(" nec").unwrap_or(form)
}

/// Takes a code written at the end of a cross-reference off it (`Fracture, traumatic M84.40`).
fn trailing_code(reference: &mut String) -> Option<String> {
    let (rest, last) = reference.trim_end().rsplit_once(' ')?;
    let b = last.as_bytes();
    let shaped = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && last.contains('.');
    if !shaped || code::normalize(last.trim_end_matches(['-', '.'])).is_none() {
        return None;
    }
    let code = last.to_string();
    *reference = rest.trim_end().to_string();
    Some(code)
}

/// A term cut into what a reader sees: its forms (`Hernia, hernial` → `hernia`, `hernial`;
/// `Mononucleosis, infectious` → both), lower case, without parenthesised words.
fn forms(term: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in term.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(',')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A code an entry leads to, as the Index writes it, and the cross-reference followed to it.
type Lead = (String, Option<String>);

/// The Index as a tree, with main terms findable by name for cross-references.
struct Tree {
    entries: Vec<Entry>,
    /// Each entry's forms ([`forms`]), cut once.
    forms: Vec<Vec<String>>,
    /// Each main term by its whole name and by its first form, lower case.
    mains: HashMap<String, usize>,
    /// Each main term by its other forms (`tubercular`), when no main term is called that.
    other_forms: HashMap<String, usize>,
    /// Main terms that are their first word's default kind ("Fracture, traumatic"): a path
    /// under one need not say "traumatic".
    default_kinds: HashSet<usize>,
    /// Main terms that only send the reader elsewhere ("Bedwetting — see Enuresis",
    /// "Swollen — see Swelling"), by the main term they name: their words are other forms of
    /// it, so `swollen ankle` reaches "Swelling, ankle".
    aliases: HashMap<usize, Vec<String>>,
}

/// Cross-references that name no entry: "see condition" sends the reader to the condition's
/// own term.
fn names_an_entry(reference: &str) -> bool {
    let r = reference.trim().to_lowercase();
    !(r.is_empty() || r.starts_with("condition") || r.starts_with("table of"))
}

impl Tree {
    fn new(entries: Vec<Entry>) -> Tree {
        let mut mains: HashMap<String, usize> = HashMap::new();
        let mut other_forms: HashMap<String, usize> = HashMap::new();
        // A reference to "Fracture" means the main term whose name is that word in any form
        // ("Hernia, hernial"), not "Fracture, burst"; failing one, the one with the most
        // subterms ("Fracture, traumatic").
        let mut by_first: HashMap<String, (bool, usize, usize)> = HashMap::new();
        for (id, e) in entries.iter().enumerate().filter(|(_, e)| e.parent.is_none()) {
            let all = forms(&e.row.term);
            let Some(first) = all.first() else { continue };
            mains.entry(all.join(", ")).or_insert(id);
            let one_word = all[1..].iter().all(|other| is_other_form(first, other));
            let candidate = (one_word, e.children.len(), id);
            let better = |held: &(bool, usize, usize)| (candidate.0, candidate.1) > (held.0, held.1);
            match by_first.get_mut(first) {
                Some(held) if better(held) => *held = candidate,
                Some(_) => {}
                None => {
                    by_first.insert(first.clone(), candidate);
                }
            }
            for other in all[1..].iter().filter(|other| is_other_form(first, other)) {
                other_forms.entry(other.clone()).or_insert(id);
            }
        }
        // The main term a bare word names when no main term is that word alone ("Fracture" →
        // "Fracture, traumatic") is that word's default kind: its further words are optional.
        let mut default_kinds = HashSet::new();
        for (first, (one_word, _, id)) in by_first {
            if let std::collections::hash_map::Entry::Vacant(slot) = mains.entry(first) {
                slot.insert(id);
                if !one_word {
                    default_kinds.insert(id);
                }
            }
        }
        // "Complication (s)": references name it in the plural ("see Complications, joint
        // prosthesis").
        for (id, e) in entries.iter().enumerate().filter(|(_, e)| e.parent.is_none()) {
            let all = forms(&e.row.term);
            if let [only] = all.as_slice()
                && e.row.non_ess_modif.trim_start().starts_with("(s)")
                && !mains.contains_key(&format!("{only}s"))
            {
                other_forms.entry(format!("{only}s")).or_insert(id);
            }
        }
        let forms = entries.iter().map(|e| forms(&e.row.term)).collect();
        let mut tree = Tree { entries, forms, mains, other_forms, default_kinds, aliases: HashMap::new() };
        let mut aliases: HashMap<usize, Vec<String>> = HashMap::new();
        for (id, e) in tree.entries.iter().enumerate() {
            let row = &e.row;
            let plain_see = e.parent.is_none() && e.children.is_empty() && row.code.is_empty();
            if plain_see
                && names_an_entry(&row.see)
                && !row.see.contains(',')
                && let Some(target) = tree.find(&row.see).filter(|t| tree.entries[*t].parent.is_none() && *t != id)
            {
                aliases.entry(target).or_default().extend(tree.forms[id].iter().cloned());
            }
        }
        tree.aliases = aliases;
        tree
    }

    /// The main term called `name`.
    fn main(&self, name: &str) -> Option<usize> {
        self.mains.get(name).or_else(|| self.other_forms.get(name)).copied()
    }

    /// The entry a cross-reference names ("Neuropathy, entrapment", "Otitis, media,
    /// nonsuppurative, chronic, mucoid"): its main term, then a subterm for each further part.
    /// `None` when no main term matches ("Table of Drugs and Chemicals", "condition") or a part
    /// matches no subterm.
    fn find(&self, reference: &str) -> Option<usize> {
        let mut parts: Vec<String> = forms(reference);
        // "see Ulcer, pressure, by site": the entry is "Ulcer, pressure"; its subterms are the
        // sites (see [`Tree::subterms_sent_to`]).
        if parts.len() > 1 && is_by_subterm(parts.last().expect("not empty")) {
            parts.pop();
        }
        // The main term may itself hold a comma ("Foreign body", "Hernia, hernial"): try the
        // longest run of leading parts first.
        let (mut at, mut used) =
            (1..=parts.len()).rev().find_map(|n| self.main(&parts[..n].join(", ")).map(|id| (id, n)))?;
        while used < parts.len() {
            let next = self
                .named_child(at, &parts[used..])
                .or_else(|| self.loosely_named_child(at, &parts[used]).map(|child| (child, 1)))
                .or_else(|| self.named_descendant(at, &parts[used]).map(|child| (child, 1)));
            match next {
                Some((child, n)) => (at, used) = (child, used + n),
                // A part no subterm has ("by site", a subterm further down): following the
                // reference only part of the way would lead to a broader code than it names.
                None => return None,
            }
        }
        Some(at)
    }

    /// The subterm of `at` that the leading parts of `parts` name, and how many parts it took.
    fn named_child(&self, at: usize, parts: &[String]) -> Option<(usize, usize)> {
        self.entries[at].children.iter().find_map(|&child| {
            let child_forms = &self.forms[child];
            let whole = child_forms.join(", ");
            (1..=parts.len()).rev().find_map(|n| {
                let wanted = parts[..n].join(", ");
                let same = |form: &str| form == wanted || without_nec(form) == wanted;
                (same(&whole) || (n == 1 && child_forms.iter().any(|f| same(f)))).then_some((child, n))
            })
        })
    }

    /// The one subterm of `at` a reference names by part of it, when none is named exactly:
    /// one side of an "or" ("Bronchitis, acute" is "acute or subacute") or its first words
    /// ("Fracture, tarsal, talus" is under "tarsal bone(s)").
    fn loosely_named_child(&self, at: usize, part: &str) -> Option<usize> {
        let names = |child: &usize| {
            self.forms[*child].iter().map(|f| without_nec(f)).any(|form| {
                form.split(" or ").any(|side| side.trim() == part)
                    || form.strip_prefix(part).is_some_and(|rest| rest.starts_with(' '))
            })
        };
        let mut found = self.entries[at].children.iter().filter(|c| names(c));
        match (found.next(), found.next()) {
            (Some(&child), None) => Some(child),
            _ => None,
        }
    }

    /// The entry below `at` named `part` when a reference leaves out the level between ("see
    /// Fracture, femur, neck" names "femur, upper end, neck"): the one such entry at the
    /// shallowest depth that has any, else none.
    fn named_descendant(&self, at: usize, part: &str) -> Option<usize> {
        let mut level: Vec<usize> = self.entries[at].children.clone();
        while !level.is_empty() {
            let next: Vec<usize> = level.iter().flat_map(|&e| self.entries[e].children.iter().copied()).collect();
            let mut found = next.iter().filter(|&&e| self.forms[e].iter().any(|f| f == part || without_nec(f) == part));
            match (found.next(), found.next()) {
                (Some(&e), None) => return Some(e),
                (Some(_), Some(_)) => return None,
                _ => level = next,
            }
        }
        None
    }

    /// The entries a cross-reference sends to under the referring term: the subterms of X for
    /// "X, by site" (or "by type", "by region": "Bedsore" → "Ulcer, pressure, heel"), and, for a
    /// plain "see X" (`see`), those of an X that is a subterm leading nowhere itself
    /// ("Herniation, intervertebral cartilage or disc — see Displacement, intervertebral disc":
    /// that entry has no code, its regions have). A main term's subterms are not followed that
    /// way: a "see" to a main term is an alias of it.
    fn subterms_sent_to(&self, reference: &str, see: bool) -> &[usize] {
        let Some(target) = self.find(reference) else { return &[] };
        let entry = &self.entries[target];
        let by = forms(reference).last().is_some_and(|p| is_by_subterm(p));
        let leads_nowhere = entry.parent.is_some()
            && entry.row.code.is_empty()
            && !names_an_entry(&entry.row.see)
            && !names_an_entry(&entry.row.see_also);
        if by || (see && leads_nowhere) { &entry.children } else { &[] }
    }

    /// The codes an entry leads to: its own, and those of the entries its "see" and "see
    /// also" name, followed at most [`MAX_HOPS`] times.
    fn codes_of(&self, id: usize, hops: usize, out: &mut Vec<Lead>) {
        let row = &self.entries[id].row;
        if !row.code.is_empty() {
            out.push((row.code.clone(), None));
        }
        if hops >= MAX_HOPS {
            return;
        }
        for reference in [&row.see, &row.see_also] {
            if !names_an_entry(reference) {
                continue;
            }
            if let Some(target) = self.find(reference) {
                let start = out.len();
                self.codes_of(target, hops + 1, out);
                for found in &mut out[start..] {
                    found.1.get_or_insert_with(|| reference.clone());
                }
            }
        }
    }

    /// Every way in: one per (path, code it leads to).
    fn ways(&self, live: &dyn Fn(&str) -> bool) -> IndexTerms {
        let (mut mapped, mut dropped) = (0, 0);
        let mut resolved: HashMap<String, Option<String>> = HashMap::new();
        let mut ways = Vec::new();
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let mut codes = Vec::new();
        let mut paths: Vec<(Path, Vec<Lead>)> = Vec::new();
        for id in 0..self.entries.len() {
            paths.clear();
            codes.clear();
            self.codes_of(id, 0, &mut codes);
            let row = &self.entries[id].row;
            // "See X, by site" sends the reader on to X's subterms, and so does a main term's
            // "see also" ("Boil — see also Furuncle, by site": a boil is a furuncle). A
            // subterm's "see also" only says where the kinds are listed ("Disease, viral — see
            // also Disease, by type of virus"): not every kind of disease is viral.
            let also =
                if self.entries[id].parent.is_none() { self.subterms_sent_to(&row.see_also, false) } else { &[] };
            let by: Vec<usize> = self.subterms_sent_to(&row.see, true).iter().chain(also).copied().collect();
            if codes.is_empty() && by.is_empty() {
                continue;
            }
            let path = self.path(id);
            // "Bedsore — see Ulcer, pressure, by site": "Bedsore" plus each site's words leads
            // to that site's code ("bedsore heel" → L89.6-).
            for child in by {
                let mut found = Vec::new();
                self.codes_of(child, 1, &mut found);
                if found.is_empty() {
                    continue;
                }
                let mut extended = path.clone();
                self.level(child, 1, &mut extended);
                extended.label = format!("{} → {}", path.label, self.path(child).label);
                extended.levels += 1;
                paths.push((extended, found.into_iter().map(|(code, _)| (code, Some(String::new()))).collect()));
            }
            paths.insert(0, (path, std::mem::take(&mut codes)));
            for (path, found) in paths.drain(..) {
                for (written, reference) in found {
                    let key = resolved.entry(written.clone()).or_insert_with(|| {
                        let key = live_key(&written, live);
                        match &key {
                            Some(k)
                                if code::normalize(written.trim_end_matches(['-', '.'])).is_some_and(|n| n == *k) => {}
                            Some(_) => mapped += 1,
                            None => dropped += 1,
                        }
                        key
                    });
                    let Some(key) = key.clone() else { continue };
                    if !seen.insert((key.clone(), path.phrase.clone(), path.alternatives.clone())) {
                        continue;
                    }
                    // An empty reference marks a path that already names where it was sent.
                    let label = match reference.as_deref() {
                        Some(r) if !r.is_empty() => format!("{} → {}", path.label, reference_label(r)),
                        _ => path.label.clone(),
                    };
                    let levels = path.levels as u16;
                    ways.push(WayIn {
                        system: CodeSystem::Icd10cm,
                        code: key,
                        phrase: path.phrase.clone(),
                        alternatives: path.alternatives.clone(),
                        optional: path.optional.clone(),
                        label,
                        kind: WayKind::AlphabeticIndex,
                        prominence: levels + if reference.is_some() { 100 } else { 0 },
                    });
                }
            }
        }
        IndexTerms { ways, mapped, dropped }
    }

    /// The words of the path to `id`, split as [`WayIn`] wants them, and its label.
    fn path(&self, id: usize) -> Path {
        let mut chain = vec![id];
        while let Some(parent) = self.entries[*chain.last().expect("not empty")].parent {
            chain.push(parent);
        }
        chain.reverse();
        let mut path = Path { levels: chain.len(), ..Path::default() };
        let mut label: Vec<String> = Vec::new();
        for (level, &e) in chain.iter().enumerate() {
            label.extend(self.level(e, level, &mut path));
        }
        path.label = label.join(", ");
        path
    }

    /// Adds entry `e`'s words, at `level` of a path, to `path`; returns how it is printed.
    fn level(&self, e: usize, level: usize, path: &mut Path) -> Option<String> {
        let row = &self.entries[e].row;
        let all = &self.forms[e];
        let first = all.first()?;
        push_words(&mut path.phrase, first);
        // After a comma comes either another form of the same word ("Hernia, hernial",
        // "umbilicus, umbilical"), which a query may use instead, or more of the term
        // ("Stroke, ischemic, perinatal arterial", "Fracture, pathological"), which a query
        // must cover too: matching only its first part would make "ischemic stroke" the
        // perinatal stroke. "NEC" / "NOS" say no more than the term without them.
        for other in &all[1..] {
            let to = if is_other_form(first, other) {
                &mut path.alternatives
            } else if (level == 0 && self.default_kinds.contains(&e))
                || text::terms(other).iter().all(|t| text::is_generic(t))
            {
                // The main term's default kind ("Fracture, traumatic"), or words that add nothing.
                &mut path.optional
            } else {
                &mut path.phrase
            };
            push_words(to, other);
        }
        for other in self.aliases.get(&e).into_iter().flatten() {
            push_words(&mut path.alternatives, other);
        }
        push_words(&mut path.optional, &row.non_ess_modif.replace(['(', ')'], " "));
        // The Index's own words, as printed: a subterm's adjective form reads better after
        // the main term ("Hernia, umbilical" rather than "Hernia, umbilicus"); parts that
        // are more of the term are all shown ("Stroke, ischemic, perinatal arterial").
        let printed = printed_forms(&row.term);
        let mut shown: Vec<&str> = Vec::new();
        for (i, form) in printed.iter().enumerate() {
            match shown.last_mut() {
                Some(last) if is_other_form(last, form) => {
                    if level > 0 && i == 1 && printed.len() == 2 {
                        *last = form.as_str();
                    }
                }
                _ => shown.push(form),
            }
        }
        Some(shown.join(", "))
    }
}

/// A path's words and label.
#[derive(Clone, Default)]
struct Path {
    phrase: String,
    alternatives: String,
    optional: String,
    label: String,
    levels: usize,
}

fn push_words(to: &mut String, words: &str) {
    for word in words.split_whitespace() {
        if !to.is_empty() {
            to.push(' ');
        }
        to.push_str(word);
    }
}

/// A term's comma-separated forms with their capitals, without parenthesised words.
fn printed_forms(term: &str) -> Vec<String> {
    let cut = term.find(['(', '[']).map_or(term, |at| &term[..at]);
    cut.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// Whether two forms are one word in two grammatical shapes (`umbilicus` / `umbilical`,
/// `eye` / `eyeball`, `tooth` / `teeth`) rather than two words of one term.
fn is_other_form(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    if a.contains(' ') || b.contains(' ') {
        return false;
    }
    let shared = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    shared >= 4.min(a.len()).min(b.len()) || text::other_numbers(&a).contains(&b)
}

/// The loaded code an Index code leads to: itself; its category when written to be completed
/// (`M21.61-`); else its nearest live ancestor (a code the loaded release changed).
fn live_key(written: &str, live: &dyn Fn(&str) -> bool) -> Option<String> {
    let key = code::normalize(written.trim_end_matches(['-', '.']))?;
    (3..=key.len()).rev().map(|n| &key[..n]).find(|k| live(k)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code
1,B,0,Bedwetting,Enuresis,,,
2,B,0,Bunion,,,,M21.61-
3,E,0,Enuresis,,,,R32
4,E,1,nocturnal,,,,N39.44
5,G,0,\"Grippe, grippal\",,Influenza,,
6,H,0,\"Hernia, hernial\",,,(acquired) (recurrent),K46.9
7,H,1,\"umbilicus, umbilical\",,,,K42.9
8,I,0,Influenza,,,(bronchial) (epidemic),J11.1
9,P,0,Pinched nerve,\"Neuropathy, entrapment\",,,
10,N,0,\"Neuropathy, neuropathic\",,,,G62.9
11,N,1,entrapment,,,,G58.9
12,X,0,Xanthoma,,,,Z99.999
";

    fn ways(live: &[&str]) -> IndexTerms {
        read(SAMPLE, &|k| live.contains(&k)).unwrap()
    }

    fn leading_to<'a>(terms: &'a IndexTerms, code: &str) -> Vec<&'a str> {
        terms.ways.iter().filter(|w| w.code == code).map(|w| w.label.as_str()).collect()
    }

    const LIVE: [&str; 9] = ["M2161", "R32", "N3944", "K469", "K429", "J111", "G629", "G589", "Z99"];

    #[test]
    fn see_leads_to_the_code_of_the_entry_it_names() {
        let terms = ways(&LIVE);
        assert_eq!(leading_to(&terms, "R32"), ["Bedwetting → Enuresis", "Enuresis"]);
        assert_eq!(leading_to(&terms, "G589"), ["Pinched nerve → Neuropathy, entrapment", "Neuropathy, entrapment"]);
    }

    #[test]
    fn see_also_leads_to_the_named_entry() {
        let terms = ways(&LIVE);
        assert_eq!(leading_to(&terms, "J111"), ["Grippe → Influenza", "Influenza"]);
    }

    #[test]
    fn a_path_joins_main_term_and_subterms_with_modifiers_optional() {
        let terms = ways(&LIVE);
        let umbilical = terms.ways.iter().find(|w| w.code == "K429").unwrap();
        assert_eq!(umbilical.label, "Hernia, umbilical");
        assert_eq!(umbilical.phrase, "hernia umbilicus");
        assert_eq!(umbilical.alternatives, "hernial umbilical");
        assert_eq!(umbilical.optional, "acquired recurrent");
        assert_eq!(umbilical.via(), "Index: Hernia, umbilical");
    }

    const MORE: &str = "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code
1,B,0,Bedsore,\"Ulcer, pressure, by site\",,,
2,F,0,\"Fracture, pathological\",,\"Fracture, traumatic M84.40\",(pathologic),
3,S,0,Stroke,,,(ischemic),I63.9
4,S,1,\"ischemic, perinatal arterial\",,,,P91.82-
5,U,0,\"Ulcer, ulcerated\",,,,L98.49
6,U,1,pressure,,,,L89.9-
7,U,2,heel,,,,L89.6-
8,F,0,\"Fracture, traumatic\",,,,T14.8
";

    fn more() -> IndexTerms {
        read(MORE, &|k| ["M8440", "I639", "P9182", "L9849", "L899", "L896", "T148"].contains(&k)).unwrap()
    }

    #[test]
    fn the_parts_of_a_term_after_a_comma_are_words_to_cover_unless_another_form() {
        let terms = more();
        let perinatal = terms.ways.iter().find(|w| w.code == "P9182").unwrap();
        assert_eq!(
            (perinatal.phrase.as_str(), perinatal.alternatives.as_str()),
            ("stroke ischemic perinatal arterial", "")
        );
        assert_eq!(perinatal.label, "Stroke, ischemic, perinatal arterial");
        let pressure = terms.ways.iter().find(|w| w.code == "L899" && w.label.starts_with("Ulcer")).unwrap();
        assert_eq!((pressure.phrase.as_str(), pressure.alternatives.as_str()), ("ulcer pressure", "ulcerated"));
    }

    #[test]
    fn see_by_site_leads_to_the_entry_and_each_of_its_subterms() {
        let terms = more();
        assert_eq!(leading_to(&terms, "L899"), ["Bedsore → Ulcer, pressure", "Ulcer, pressure"]);
        let heel = terms.ways.iter().find(|w| w.code == "L896" && w.label.starts_with("Bedsore")).unwrap();
        assert_eq!((heel.label.as_str(), heel.phrase.as_str()), ("Bedsore → Ulcer, pressure, heel", "bedsore heel"));
    }

    #[test]
    fn a_subterms_see_also_by_type_does_not_lead_to_every_subterm() {
        let text = "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code
1,D,0,Disease,,,,R69
2,D,1,kidney,,,,N28.9
3,D,1,viral,,\"Disease, by type of virus\",,B34.9
";
        let terms = read(text, &|k| ["R69", "N289", "B349"].contains(&k)).unwrap();
        assert_eq!(leading_to(&terms, "N289"), ["Disease, kidney"]);
        assert!(leading_to(&terms, "B349").contains(&"Disease, viral"));
    }

    #[test]
    fn a_code_left_at_the_end_of_a_cross_reference_is_the_rows_own() {
        let terms = more();
        assert_eq!(leading_to(&terms, "M8440"), ["Fracture, pathological"]);
        assert_eq!(leading_to(&terms, "T148"), ["Fracture, pathological → Fracture, traumatic", "Fracture, traumatic"]);
    }

    #[test]
    fn a_subterm_without_its_parent_is_an_error() {
        let text =
            "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n1,A,0,Abscess,,,,L02.91\n2,A,2,deep,,,,L02.91\n";
        assert!(matches!(read(text, &|_| true), Err(IndexError::Level { row: 2 })));
    }

    #[test]
    fn codes_to_be_completed_lead_to_their_category_and_unknown_codes_to_a_live_ancestor() {
        let terms = ways(&LIVE);
        assert_eq!(leading_to(&terms, "M2161"), ["Bunion"]);
        // Z99.999 is not loaded; its category Z99 is.
        assert_eq!(leading_to(&terms, "Z99"), ["Xanthoma"]);
        assert_eq!(terms.mapped, 1);
        let without: Vec<&str> = LIVE.iter().copied().filter(|k| *k != "Z99").collect();
        let terms = ways(&without);
        assert!(terms.ways.iter().all(|w| without.contains(&w.code.as_str())), "no way leads to a code not loaded");
        assert_eq!(terms.dropped, 1);
    }
}

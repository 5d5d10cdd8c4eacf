//! The labelled query sets and their scoring against our index and against a plain full-text
//! baseline: SQLite FTS5 with bm25 over the same descriptions. Shared by the accuracy test and
//! the benchmark.
//!
//! - `tests/search-lay.tsv`: everyday lay phrasings, written before the Index or the synonym
//!   file was looked at, each with every ICD-10-CM code a coder would accept;
//! - `tests/search-labelled.tsv`: the older set of codes, professional phrases, lay phrases,
//!   typos and prefixes, kept as a regression set;
//! - `tests/search-lay-heldout.tsv`, `tests/search-lay-heldout2.tsv`: held-out lay sets, never
//!   used to tune search.
#![allow(dead_code)]

use std::path::Path;

use codecard::api::CodeSystem;
use codecard::server::Catalog;
use codecard::server::search::{Query, SearchIndex};
use rusqlite::Connection;

/// One labelled query: what a person types and the codes a coder would accept.
pub struct Labelled {
    pub query: String,
    pub system: CodeSystem,
    /// Any of these at a rank counts as a hit there.
    pub codes: Vec<String>,
    /// `code`, `professional`, `lay`, `typo` or `prefix`.
    pub kind: String,
}

/// The regression set (`tests/search-labelled.tsv`), parsed and checked.
pub fn labelled(catalog: &Catalog) -> Vec<Labelled> {
    parse("search-labelled.tsv", include_str!("../search-labelled.tsv"), catalog)
}

/// The everyday lay set (`tests/search-lay.tsv`), parsed and checked.
pub fn lay(catalog: &Catalog) -> Vec<Labelled> {
    parse("search-lay.tsv", include_str!("../search-lay.tsv"), catalog)
}

/// The held-out lay set (`tests/search-lay-heldout.tsv`): phrasings written before any result
/// of them was seen, never used to tune search.
pub fn heldout(catalog: &Catalog) -> Vec<Labelled> {
    parse("search-lay-heldout.tsv", include_str!("../search-lay-heldout.tsv"), catalog)
}

/// The second held-out lay set (`tests/search-lay-heldout2.tsv`): written and labelled before
/// any of it was searched or the synonym file was opened, run once at the end of a round.
pub fn heldout2(catalog: &Catalog) -> Vec<Labelled> {
    parse("search-lay-heldout2.tsv", include_str!("../search-lay-heldout2.tsv"), catalog)
}

/// Rows of `query, system, codes (space-separated), kind`; every code must be loaded.
fn parse(name: &str, text: &str, catalog: &Catalog) -> Vec<Labelled> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "{name} line {}: 4 fields", i + 2);
            let system = CodeSystem::parse(f[1]).expect("a system");
            let codes: Vec<String> = f[2].split_whitespace().map(String::from).collect();
            assert!(!codes.is_empty(), "{name} line {}: no code", i + 2);
            for code in &codes {
                assert!(catalog.contains(system, code), "{name} line {}: {code} is not a loaded {} code", i + 2, f[1]);
            }
            Labelled { query: f[0].into(), system, codes, kind: f[3].into() }
        })
        .collect()
}

/// The baseline: every code's title and extra text in an FTS5 table (default `unicode61`
/// tokenizer), queried with the typed words ANDed and ranked by bm25, as a plain full-text
/// search box would do.
pub struct Fts {
    connection: Connection,
}

impl Fts {
    /// Builds the FTS5 table in the SQLite file at `path`.
    pub fn build(catalog: &Catalog, path: &Path) -> Fts {
        let mut connection = Connection::open(path).unwrap();
        let fts5: bool =
            connection.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| r.get(0)).unwrap();
        assert!(fts5, "the bundled SQLite has FTS5");
        connection
            .execute_batch(
                "DROP TABLE IF EXISTS codes;
                 CREATE VIRTUAL TABLE codes USING fts5(code, display_code, title, extra, system UNINDEXED);",
            )
            .unwrap();
        let tx = connection.transaction().unwrap();
        {
            let mut insert = tx
                .prepare("INSERT INTO codes (code, display_code, title, extra, system) VALUES (?1, ?2, ?3, ?4, ?5)")
                .unwrap();
            for e in catalog.search_entries() {
                let display = codecard::code::display(e.system, e.key);
                insert.execute((e.key, display, e.title, e.extra, e.system.id())).unwrap();
            }
        }
        tx.commit().unwrap();
        Fts { connection }
    }

    /// The best `n` (system, code) for `text`.
    pub fn search(&self, text: &str, n: usize) -> Vec<(String, String)> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut statement = self
            .connection
            .prepare_cached("SELECT system, code FROM codes WHERE codes MATCH ?1 ORDER BY bm25(codes), rowid LIMIT ?2")
            .unwrap();
        statement
            .query_map((words.join(" "), n as i64), |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

/// Hits at rank 1 and within the top 5, per kind and in all.
#[derive(Default, Clone)]
pub struct Score {
    pub queries: usize,
    pub top1: usize,
    pub top5: usize,
}

impl Score {
    fn add(&mut self, rank: Option<usize>) {
        self.queries += 1;
        self.top1 += usize::from(rank == Some(0));
        self.top5 += usize::from(rank.is_some_and(|r| r < 5));
    }

    /// Top-1 accuracy in percent.
    pub fn top1_pct(&self) -> f64 {
        100.0 * self.top1 as f64 / self.queries.max(1) as f64
    }

    /// Top-5 accuracy in percent.
    pub fn top5_pct(&self) -> f64 {
        100.0 * self.top5 as f64 / self.queries.max(1) as f64
    }
}

/// Accuracy of both engines over the set, by kind (`all` last), and the queries ours missed.
pub struct Report {
    pub rows: Vec<(String, Score, Score)>,
    pub misses: Vec<String>,
}

impl Report {
    /// The whole set's (ours, baseline).
    pub fn all(&self) -> (&Score, &Score) {
        let (_, ours, fts) = self.rows.last().expect("an `all` row");
        (ours, fts)
    }

    /// A Markdown table.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| queries | n | codecard top-1 | codecard top-5 | FTS5 bm25 top-1 | FTS5 bm25 top-5 |\n\
             | --- | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for (kind, ours, fts) in &self.rows {
            out += &format!(
                "| {kind} | {} | {:.1}% | {:.1}% | {:.1}% | {:.1}% |\n",
                ours.queries,
                ours.top1_pct(),
                ours.top5_pct(),
                fts.top1_pct(),
                fts.top5_pct()
            );
        }
        out
    }
}

impl Report {
    /// The row of one kind.
    pub fn kind(&self, kind: &str) -> &Score {
        &self.rows.iter().find(|r| r.0 == kind).unwrap_or_else(|| panic!("no {kind} row")).1
    }
}

/// Runs every labelled query through both engines.
pub fn evaluate(index: &SearchIndex, fts: &Fts, set: &[Labelled]) -> Report {
    let kinds = ["code", "professional", "lay", "typo", "prefix"];
    let mut rows: Vec<(String, Score, Score)> = kinds
        .iter()
        .filter(|k| set.iter().any(|l| l.kind == **k))
        .map(|k| (k.to_string(), Score::default(), Score::default()))
        .collect();
    let mut all = (Score::default(), Score::default());
    let mut misses = Vec::new();
    for l in set {
        let ours = index.search(&Query { text: &l.query, system: None, billable_only: false, offset: 0, limit: 5 });
        let ours_rank = ours.hits.iter().position(|h| h.system == l.system && l.codes.contains(&h.code));
        let theirs = fts.search(&l.query, 5);
        let fts_rank = theirs.iter().position(|(s, c)| s == l.system.id() && l.codes.contains(c));
        let row = rows.iter_mut().find(|r| r.0 == l.kind).expect("a known kind");
        row.1.add(ours_rank);
        row.2.add(fts_rank);
        all.0.add(ours_rank);
        all.1.add(fts_rank);
        if ours_rank != Some(0) {
            let got: Vec<&str> = ours.hits.iter().map(|h| h.display_code.as_str()).collect();
            let want = if l.codes.len() > 1 {
                format!("{} (or {} more)", l.codes[0], l.codes.len() - 1)
            } else {
                l.codes[0].clone()
            };
            misses.push(format!("{:?} → want {want} ({:?}), got {:?}", l.query, ours_rank, got));
        }
    }
    rows.push(("all".into(), all.0, all.1));
    Report { rows, misses }
}

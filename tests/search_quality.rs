//! Search quality on two labelled sets, each run through our index and through SQLite FTS5 +
//! bm25 over the same descriptions (the tables are printed):
//! - `tests/search-lay.tsv`: everyday lay phrasings written before the Index or the synonym
//!   file was looked at, each with every code a coder would accept;
//! - `tests/search-labelled.tsv`: codes, professional phrases, lay phrases, typos and
//!   prefixes, the older set, kept as a regression set;
//! - `tests/search-lay-heldout.tsv`: a held-out set of 26 everyday phrasings (issue 17's review
//!   round). They were written from memory of how patients word things (UK and US colloquial
//!   names, symptoms as described to a GP or a symptom checker), avoiding any phrasing the two
//!   sets above already had, before the synonym file was opened and before any of them was
//!   searched; then each was labelled with every code a coder would accept, from the code list.
//!   Nothing in search was tuned on them: their figures say how search does on words it has not
//!   seen.
//! - `tests/search-lay-heldout2.tsv`: a second held-out set of 66 everyday phrasings (issue 17,
//!   round 3), written the same way and committed on its own before any of them was run or the
//!   synonym file was opened; run once, after that round's changes, as its out-of-sample figure.
//!
//! The floors are absolute, per kind, set just under the figures measured when they were last
//! raised (README, Search): a change that loses queries fails here.

#[path = "common/accuracy.rs"]
mod accuracy;
mod common;

use codecard::server::SearchIndex;

/// Runs `set` through both engines, prints the table and the misses.
fn report(name: &str, set: &[accuracy::Labelled]) -> accuracy::Report {
    let catalog = common::catalog();
    let index = SearchIndex::build(&catalog);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let fts = accuracy::Fts::build(&catalog, &dir.path().join("fts.db"));
    let report = accuracy::evaluate(&index, &fts, set);
    // A Markdown heading: the benchmark keeps these and the table lines for its report.
    println!("\n#### {name}\n{}", report.table());
    println!("codecard misses at top-1:");
    for miss in &report.misses {
        println!("  {miss}");
    }
    report
}

/// Fails naming the kind when its accuracy is under a floor (percent, top-1 then top-5).
fn assert_floor(report: &accuracy::Report, kind: &str, top1: f64, top5: f64) {
    let score = report.kind(kind);
    assert!(
        score.top1_pct() >= top1 && score.top5_pct() >= top5,
        "{kind}: top-1 {:.1}% (floor {top1}%), top-5 {:.1}% (floor {top5}%)",
        score.top1_pct(),
        score.top5_pct()
    );
}

/// Runs a lay set of at least `least` phrasings and holds it to its floors.
fn lay_set_reaches(name: &str, set: &[accuracy::Labelled], least: usize, top1: f64, top5: f64) {
    assert!(set.len() >= least, "{name}: at least {least} phrasings, found {}", set.len());
    assert_floor(&report(name, set), "lay", top1, top5);
}

#[test]
fn everyday_lay_phrasings_reach_the_floors() {
    let set = accuracy::lay(&common::catalog());
    lay_set_reaches("everyday lay set (tests/search-lay.tsv)", &set, 100, 90.0, 94.0);
}

#[test]
fn regression_set_keeps_its_floors_and_beats_plain_full_text_search_by_twenty_points() {
    let catalog = common::catalog();
    let set = accuracy::labelled(&catalog);
    assert!(set.len() >= 150, "at least 150 labelled queries, found {}", set.len());
    let report = report("regression set (tests/search-labelled.tsv)", &set);
    assert_floor(&report, "code", 100.0, 100.0);
    assert_floor(&report, "professional", 97.5, 98.8);
    // "pink eye" also accepts H10.02- since the Index's own entry ("Pink, eye — see
    // Conjunctivitis, acute, mucopurulent") is followed: a coder reading the Index lands there.
    assert_floor(&report, "lay", 95.0, 99.5);
    assert_floor(&report, "typo", 99.5, 100.0);
    assert_floor(&report, "prefix", 90.0, 100.0);
    let (ours, baseline) = report.all();
    assert!(
        ours.top5_pct() >= baseline.top5_pct() + 20.0,
        "top-5: codecard {:.1}% vs FTS5 {:.1}%",
        ours.top5_pct(),
        baseline.top5_pct()
    );
}

#[test]
fn held_out_lay_phrasings_reach_the_floors() {
    let set = accuracy::heldout(&common::catalog());
    lay_set_reaches("held-out lay set (tests/search-lay-heldout.tsv)", &set, 20, 49.5, 65.0);
}

#[test]
fn second_held_out_lay_phrasings_reach_the_floors() {
    let set = accuracy::heldout2(&common::catalog());
    lay_set_reaches("second held-out lay set (tests/search-lay-heldout2.tsv)", &set, 40, 62.0, 65.0);
}

//! Search quality: the labelled query set (`tests/search-labelled.tsv`, written by codecard:
//! codes, professional phrases, lay phrases, typos and prefixes, each with the code a coder
//! would pick) through our index and through SQLite FTS5 + bm25 over the same descriptions.
//! Prints the table; fails unless our top-5 accuracy beats the baseline's by 20 points.

#[path = "common/accuracy.rs"]
mod accuracy;
mod common;

use codecard::server::SearchIndex;

#[test]
fn codecard_beats_plain_full_text_search_by_twenty_points_at_top_5() {
    let catalog = common::catalog();
    let set = accuracy::labelled(&catalog);
    assert!(set.len() >= 150, "at least 150 labelled queries, found {}", set.len());
    let index = SearchIndex::build(&catalog);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let fts = accuracy::Fts::build(&catalog, &dir.path().join("fts.db"));
    let report = accuracy::evaluate(&index, &fts, &set);
    println!("\n{}", report.table());
    println!("codecard misses at top-1:");
    for miss in &report.misses {
        println!("  {miss}");
    }
    let (ours, baseline) = report.all();
    assert!(
        ours.top5_pct() >= baseline.top5_pct() + 20.0,
        "top-5: codecard {:.1}% vs FTS5 {:.1}%",
        ours.top5_pct(),
        baseline.top5_pct()
    );
}

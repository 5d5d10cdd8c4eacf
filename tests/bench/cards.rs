//! The card-data benchmark: `cargo bench --bench cards`.
//!
//! Prints, as a Markdown table: how long the embedded code sets take to load, how long and how
//! much resident memory the ICD-10-CM Tabular List (notes, 7th characters) takes of that, and
//! the size of an ICD-10-CM card's JSON with its coding notes, gzip, median and max over every
//! code. Budgets (issue "Coding notes"): start ≤ 2 s, resident growth from the notes ≤ 60 MB.

use std::io::Write;
use std::time::Instant;

use codecard::api::{CodeSystem, SectionId};
use codecard::server::catalog::icd10cm::tabular;
use codecard::server::{Catalog, DataSource};

/// Resident memory of this process, from /proc/self/statm (Linux), in bytes.
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).unwrap_or(0) * 4096
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().len()
}

fn main() {
    let xml = DataSource::Embedded.bytes("icd10cm-tabular.xml.gz").expect("the tabular list is embedded");
    let before = resident_bytes();
    let parsing = Instant::now();
    let parsed = tabular::parse(&xml).expect("the tabular list parses");
    let parse_time = parsing.elapsed();
    let notes_growth = resident_bytes().saturating_sub(before);
    drop(xml);

    let loading = Instant::now();
    let catalog = Catalog::load(&DataSource::Embedded).expect("embedded data loads");
    let load_time = loading.elapsed();

    let mut with_notes = Vec::new();
    let mut all = Vec::new();
    for code in catalog.icd10cm_codes() {
        let card = catalog.card(CodeSystem::Icd10cm, code).expect("a listed code has a card");
        let size = gzip_len(&serde_json::to_vec(&card).unwrap());
        all.push(size);
        if card.sections.iter().any(|s| s.id == SectionId::CodingNotes) {
            with_notes.push(size);
        }
    }
    all.sort_unstable();
    with_notes.sort_unstable();
    let median = |v: &[usize]| v[v.len() / 2];
    println!("| measure | figure |");
    println!("| --- | ---: |");
    println!(
        "| catalog load, every embedded set (Tabular List parse included) | {:.0} ms |",
        load_time.as_secs_f64() * 1e3
    );
    println!(
        "| Tabular List parse (quick-xml, {} diags) | {:.0} ms |",
        parsed.diags.len(),
        parse_time.as_secs_f64() * 1e3
    );
    println!(
        "| resident growth from the parsed Tabular List (notes, 7th characters) | {:.1} MB |",
        notes_growth as f64 / 1e6
    );
    println!("| ICD-10-CM cards (every code) | {} |", all.len());
    println!("| of which with coding notes | {} |", with_notes.len());
    println!("| card JSON gzip, median / max (every code) | {} / {} B |", median(&all), all.last().unwrap());
    println!(
        "| card JSON gzip, median / max (codes with notes) | {} / {} B |",
        median(&with_notes),
        with_notes.last().unwrap()
    );
    drop(parsed);
}

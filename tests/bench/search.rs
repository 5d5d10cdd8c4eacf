//! The search benchmark: `cargo bench --bench search`.
//!
//! Prints index build time and memory, query latency (p50, p99, max) over every labelled
//! query of both sets (the everyday lay set and the regression set) and every prefix of it as
//! typed, the start time of the real `codecard serve`, and the
//! accuracy table against the SQLite FTS5 baseline (also written to
//! `target/search-accuracy.md`). Budgets: p99 ≤ 1 ms, index ≤ 100 MB, start ≤ 2 s.

#[path = "../common/accuracy.rs"]
mod accuracy;

// The server's allocator (src/main.rs), so that build time and latency are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codecard::server::search::Query;
use codecard::server::{Catalog, DataSource, SearchIndex};

/// Resident memory of this process, from /proc/self/statm (Linux), in bytes.
fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Starts the real binary on a free port and times it until it logs that it serves.
fn server_start() -> Option<Duration> {
    let dir = std::env::temp_dir().join(format!("codecard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_codecard"))
        .args(["serve", "--addr", "127.0.0.1:0", "--no-meter", "--db"])
        .arg(dir.join("bench.db"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let mut elapsed = None;
    for line in BufReader::new(child.stderr.take()?).lines() {
        if line.ok()?.contains("serving on") {
            elapsed = Some(started.elapsed());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    elapsed
}

fn main() {
    let loading = Instant::now();
    let catalog = Catalog::load(&DataSource::Embedded).expect("embedded data loads");
    let load_time = loading.elapsed();
    let before = resident_bytes();
    let building = Instant::now();
    let index = SearchIndex::build(&catalog);
    let build_time = building.elapsed();
    let after = resident_bytes();

    let regression = accuracy::labelled(&catalog);
    let lay = accuracy::lay(&catalog);
    let set: Vec<&accuracy::Labelled> = lay.iter().chain(&regression).collect();
    // Every labelled query, and every prefix of it of two or more characters: what type-ahead
    // sends while someone types.
    let mut queries: Vec<String> = Vec::new();
    for l in &set {
        let chars: Vec<char> = l.query.chars().collect();
        for end in 2..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            if !prefix.trim().is_empty() {
                queries.push(prefix);
            }
        }
    }
    let run = |text: &str| index.search(&Query { text, system: None, billable_only: false, offset: 0, limit: 10 });
    for q in &queries {
        run(q); // warm-up: scratch arrays, caches
    }
    let mut times = Vec::with_capacity(queries.len() * 3);
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for _ in 0..3 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(run(q));
            let elapsed = t.elapsed();
            times.push(elapsed);
            slowest.push((elapsed, q));
        }
    }
    times.sort_unstable();
    slowest.sort_unstable_by(|a, b| b.cmp(a));

    println!("codes indexed:            {}", index.len());
    println!("ways in indexed:          {} (ICD-10-CM Alphabetic Index)", index.ways_in());
    println!("catalog load:             {:.0} ms", load_time.as_secs_f64() * 1e3);
    println!("index build:              {:.0} ms", build_time.as_secs_f64() * 1e3);
    println!("index memory:             {:.1} MB (its structures)", index.heap_bytes() as f64 / 1e6);
    if let (Some(before), Some(after)) = (before, after) {
        println!("resident growth (build):  {:.1} MB", after.saturating_sub(before) as f64 / 1e6);
    }
    println!("queries timed:            {} ({} distinct, 3 rounds)", times.len(), queries.len());
    println!("latency p50:              {:.1} µs", percentile(&times, 0.50).as_secs_f64() * 1e6);
    println!("latency p99:              {:.1} µs", percentile(&times, 0.99).as_secs_f64() * 1e6);
    println!("latency max:              {:.1} µs", times.last().unwrap().as_secs_f64() * 1e6);
    let names: Vec<String> =
        slowest.iter().take(8).map(|(t, q)| format!("{q:?} {:.0} µs", t.as_secs_f64() * 1e6)).collect();
    println!("slowest:                  {}", names.join(", "));
    match server_start() {
        Some(t) => {
            println!("codecard serve start:     {:.0} ms (to \"serving on\", index included)", t.as_secs_f64() * 1e3)
        }
        None => println!("codecard serve start:     not measured (binary did not start)"),
    }

    let dir = std::env::temp_dir().join(format!("codecard-fts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fts = accuracy::Fts::build(&catalog, &dir.join("fts.db"));
    let lay_report = accuracy::evaluate(&index, &fts, &lay);
    let regression_report = accuracy::evaluate(&index, &fts, &regression);
    let _ = std::fs::remove_dir_all(&dir);
    let table = format!(
        "Everyday lay set (tests/search-lay.tsv)\n\n{}\nRegression set (tests/search-labelled.tsv)\n\n{}",
        lay_report.table(),
        regression_report.table()
    );
    println!("\n{table}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("search-accuracy.md");
    if std::fs::write(&out, &table).is_ok() {
        println!("accuracy table written to target/search-accuracy.md");
    }
}

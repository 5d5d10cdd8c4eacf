//! The `$expand` benchmark: `cargo bench --bench fhir`.
//!
//! Times `GET /fhir/ValueSet/$expand` in process, through `app()` and `oneshot` (routing,
//! parameter parsing, the search, the ValueSet's JSON): every labelled search query and every
//! prefix of it as typed, as `filter` on its system's implicit value set, and pages of the
//! unfiltered ICD-10-CM value set at spread offsets. Budget: p99 ≤ 2 ms.

#[path = "../common/accuracy.rs"]
mod accuracy;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codecard::server::fhir::implicit_value_set;
use codecard::server::{self, AppState, Catalog, DataSource, ServerConfig, SqliteStore, StaticDirs, WidgetFiles};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn main() {
    let catalog = Arc::new(Catalog::load(&DataSource::Embedded).expect("embedded data loads"));
    let set = accuracy::labelled(&catalog);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.db")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let widget = Arc::new(WidgetFiles::load(&root.join("pkg")));
    let state = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(AppState::new(catalog, widget, Arc::new(store), ServerConfig::default()))
        .unwrap();
    state.search_index();
    let app = server::app(state, &StaticDirs { www: root.join("www") });

    let mut uris: Vec<String> = Vec::new();
    for l in &set {
        let vs = encode(&implicit_value_set(l.system));
        let chars: Vec<char> = l.query.chars().collect();
        for end in 2..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            if !prefix.trim().is_empty() {
                uris.push(format!("/fhir/ValueSet/$expand?url={vs}&filter={}&count=10", encode(&prefix)));
            }
        }
    }
    let filtered = uris.len();
    let cm = encode(&implicit_value_set(codecard::api::CodeSystem::Icd10cm));
    for offset in (0..98_000).step_by(500) {
        uris.push(format!("/fhir/ValueSet/$expand?url={cm}&offset={offset}&count=100"));
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let times = runtime.block_on(async {
        let call = |uri: &str| {
            let app = app.clone();
            let request = Request::get(uri).body(Body::empty()).unwrap();
            async move {
                let response = app.oneshot(request).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                response.into_body().collect().await.unwrap().to_bytes().len()
            }
        };
        for uri in &uris {
            call(uri).await; // warm-up: scratch arrays, caches
        }
        let mut times = Vec::with_capacity(uris.len() * 3);
        for _ in 0..3 {
            for (i, uri) in uris.iter().enumerate() {
                let t = Instant::now();
                std::hint::black_box(call(uri).await);
                times.push((t.elapsed(), i));
            }
        }
        times
    });
    let by_kind = |filtered_only: bool| -> Vec<Duration> {
        let mut kind: Vec<Duration> =
            times.iter().filter(|(_, i)| (*i < filtered) == filtered_only).map(|(t, _)| *t).collect();
        kind.sort_unstable();
        kind
    };
    let (typed, pages) = (by_kind(true), by_kind(false));
    let mut slowest: Vec<(Duration, usize)> = times.clone();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    let mut times: Vec<Duration> = times.into_iter().map(|(t, _)| t).collect();
    times.sort_unstable();
    println!(
        "$expand requests timed:   {} ({} filtered as typed, {} unfiltered pages of 100; 3 rounds)",
        times.len(),
        filtered,
        uris.len() - filtered
    );
    println!("$expand latency p50:      {:.1} µs", percentile(&times, 0.50).as_secs_f64() * 1e6);
    println!("$expand latency p99:      {:.1} µs (budget 2000 µs)", percentile(&times, 0.99).as_secs_f64() * 1e6);
    println!("$expand latency max:      {:.1} µs", times.last().unwrap().as_secs_f64() * 1e6);
    for (name, kind) in [("filtered", &typed), ("unfiltered", &pages)] {
        println!(
            "  {name:<10} p50 {:.1} µs, p99 {:.1} µs",
            percentile(kind, 0.50).as_secs_f64() * 1e6,
            percentile(kind, 0.99).as_secs_f64() * 1e6
        );
    }
    let names: Vec<String> =
        slowest.iter().take(5).map(|(t, i)| format!("{} {:.0} µs", &uris[*i][22..], t.as_secs_f64() * 1e6)).collect();
    println!("slowest:                  {}", names.join(", "));
}

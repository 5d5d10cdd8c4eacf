//! Operators' metrics in Prometheus text format: requests by route template and status, their
//! latency, views counted, paywalled answers, registrations, failed log-ins, store errors, and
//! the PostgreSQL pool in use.
//!
//! Recording goes through the `metrics` facade: without an installed recorder (the library's
//! tests, `app()` with `oneshot`) every call is a no-op. `codecard serve --metrics-addr`
//! installs the Prometheus recorder and serves [`routes`] on a listener of its own, so the
//! figures are never on the public port.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::store::{Store, StoreError, StoreErrorKind};

/// Latency buckets in seconds: a card answers in well under a millisecond, a log-in hashes for
/// tens of milliseconds, a timed-out request takes the request timeout.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0];

/// The label of requests no route matched (the demo pages and anything unknown): one value, so
/// that scanners probing random paths cannot grow the label set.
const UNMATCHED: &str = "unmatched";

/// Installs the Prometheus recorder for the process; the handle renders the text. Fails if a
/// recorder is already installed.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets(&LATENCY_BUCKETS)
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    // The counters alerts are written against exist from the start, at 0: a rule on a series
    // that appears only with its first event cannot tell "none yet" from "not scraped".
    metrics::counter!("codecard_registrations_total").absolute(0);
    metrics::counter!("codecard_login_failures_total").absolute(0);
    for kind in ["unavailable", "fault"] {
        metrics::counter!("codecard_store_errors_total", "kind" => kind).absolute(0);
    }
    // Histograms keep samples until upkeep folds them in; do it often enough that memory stays
    // flat between scrapes.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// What the metrics listener needs: the renderer and the store whose pool it reports.
#[derive(Clone)]
struct Exporter {
    handle: PrometheusHandle,
    store: Arc<dyn Store>,
}

/// `GET /metrics`, for the metrics listener only.
pub fn routes(handle: PrometheusHandle, store: Arc<dyn Store>) -> Router {
    Router::new().route("/metrics", get(render)).with_state(Exporter { handle, store })
}

async fn render(State(exporter): State<Exporter>) -> Response {
    // A gauge read at scrape time: the pool's own counters are the truth.
    if let Some((in_use, size)) = exporter.store.pool_in_use() {
        metrics::gauge!("codecard_store_pool_connections_in_use").set(in_use as f64);
        metrics::gauge!("codecard_store_pool_connections").set(size as f64);
    }
    let mut response = exporter.handle.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// Middleware: counts every request by its route template (never the raw path, which would
/// give each code its own series) and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |path| path.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("codecard_http_requests_total", "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("codecard_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A view was counted against a visitor's quota.
pub fn view_counted() {
    metrics::counter!("codecard_views_counted_total").increment(1);
}

/// A card was answered without its gated sections: the visitor's quota was used up.
pub fn paywalled() {
    metrics::counter!("codecard_paywalled_total").increment(1);
}

/// An account was registered.
pub fn registered() {
    metrics::counter!("codecard_registrations_total").increment(1);
}

/// A log-in was refused for a wrong email or password.
pub fn login_failed() {
    metrics::counter!("codecard_login_failures_total").increment(1);
}

/// A storage call failed, by what the failure means (`unavailable` or `fault`).
pub fn store_error(error: &StoreError) {
    let kind = match error.kind() {
        StoreErrorKind::Unavailable => "unavailable",
        StoreErrorKind::Fault => "fault",
    };
    metrics::counter!("codecard_store_errors_total", "kind" => kind).increment(1);
}

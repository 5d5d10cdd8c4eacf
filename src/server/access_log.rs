//! The access log: one line per request with method, path, status and latency. Never the query
//! string (search text) or any header, so no token or credential reaches a log.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The log target, so `CODECARD_LOG=codecard::access=off` silences it alone.
const TARGET: &str = "codecard::access";

fn span(request: &Request<Body>) -> Span {
    tracing::info_span!(target: TARGET, "request", method = %request.method(), path = %request.uri().path())
}

fn answered(response: &Response<Body>, latency: Duration, span: &Span) {
    tracing::info!(
        target: TARGET,
        parent: span,
        status = response.status().as_u16(),
        ms = format_args!("{:.1}", latency.as_secs_f64() * 1000.0),
        "answered"
    );
}

/// The layer that writes the access log.
#[allow(clippy::type_complexity)]
pub fn layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    (),
    fn(&Response<Body>, Duration, &Span),
    (),
    (),
    (),
> {
    TraceLayer::new_for_http()
        .make_span_with(span as fn(&Request<Body>) -> Span)
        .on_request(())
        .on_response(answered as fn(&Response<Body>, Duration, &Span))
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

//! FHIR R4 (4.0.1) terminology operations under `/fhir`, in JSON: what an EHR back end already
//! speaks to tx.fhir.org, Ontoserver or Snowstorm, answered from the same catalog, search index
//! and meter as the cards.
//!
//! - `GET /fhir/metadata`: the CapabilityStatement (`?mode=terminology`: the
//!   TerminologyCapabilities) — [`capability`];
//! - `GET /fhir/CodeSystem`, `GET /fhir/CodeSystem/{id}`: one `content: not-present` resource per
//!   loaded system — [`codesystem`];
//! - `CodeSystem/$lookup` (a view, metered like a card) — [`lookup`];
//! - `CodeSystem/$validate-code`, `ValueSet/$validate-code` (like search: not metered) —
//!   [`validate`];
//! - `ValueSet/$expand` over each system's implicit all-codes value set (`<uri>?fhir_vs`), with
//!   our search as `filter` (not metered) — [`expand`].
//!
//! Every error is an `OperationOutcome` whose status comes from the endpoint's one `AppError`
//! ([`outcome`]). Operations take their input from the query string (GET) or a `Parameters`
//! body (POST) alike ([`params`]), at the type level (`CodeSystem/$lookup?system=`) or the
//! instance level (`CodeSystem/icd10cm/$lookup`: the id names the system). The general
//! parameters `_format`, `_pretty` and `_summary` are read for every route ([`format`]).

mod capability;
mod codesystem;
mod expand;
mod format;
mod lookup;
mod outcome;
mod params;
mod release;
mod systems;
mod types;
mod validate;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

pub use lookup::VISITOR_TOKEN_HEADER;
pub use outcome::{FhirError, IssueType, OperationOutcome};
pub use systems::{implicit_value_set, system_uri};

use super::{AppError, AppState, site_keys};

/// The media type of every answer.
pub const FHIR_JSON: &str = "application/fhir+json";

/// The FHIR version the resources follow.
pub const FHIR_VERSION: &str = "4.0.1";

/// The `/fhir` routes, nested by `app()`.
pub fn routes(state: &AppState) -> Router<AppState> {
    // A lookup is a view: the same site-key rule as a card, or `--require-site-key` could be
    // side-stepped here.
    let lookup = Router::new()
        .route("/CodeSystem/$lookup", get(lookup::lookup).post(lookup::lookup))
        .route("/CodeSystem/{id}/$lookup", get(lookup::instance).post(lookup::instance))
        .route_layer(middleware::from_fn_with_state(state.clone(), site_keys_as_outcome));
    Router::new()
        .merge(lookup)
        .route("/metadata", get(capability::metadata))
        .route("/CodeSystem", get(codesystem::search))
        .route("/CodeSystem/{id}", get(codesystem::read))
        .route("/CodeSystem/$validate-code", get(validate::code_system).post(validate::code_system))
        .route("/CodeSystem/{id}/$validate-code", get(validate::instance).post(validate::instance))
        .route("/ValueSet/$validate-code", get(validate::value_set).post(validate::value_set))
        .route("/ValueSet/$expand", get(expand::expand).post(expand::expand))
        // A Parameters body of a few codes is small; anything bigger is a mistake.
        .layer(DefaultBodyLimit::max(64 * 1024))
        .fallback(|| async { FhirError::from(AppError::NotFound) })
        .method_not_allowed_fallback(|| async { FhirError::from(AppError::MethodNotAllowed) })
        .layer(middleware::from_fn(format::general_parameters))
}

/// [`site_keys::check`], its refusals worded as OperationOutcomes.
async fn site_keys_as_outcome(state: State<AppState>, request: Request, next: Next) -> Response {
    match site_keys::check(state, request, next).await {
        Ok(response) => response,
        Err(error) => FhirError::from(error).into_response(),
    }
}

/// A FHIR resource answer: `application/fhir+json`.
pub struct Fhir<T>(pub T);

impl<T: Serialize> IntoResponse for Fhir<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => ([(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], body).into_response(),
            Err(error) => FhirError::from(AppError::Internal(format!("FHIR JSON: {error}"))).into_response(),
        }
    }
}

/// Marks an answer that is the same for everyone (no meter) as cacheable for a while, as
/// `/v1/search` does.
fn public(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// Now as a FHIR `dateTime` in UTC (`2026-11-24T19:20:00Z`).
fn now_datetime() -> String {
    let at =
        time::OffsetDateTime::from_unix_timestamp(super::unix_now() as i64).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

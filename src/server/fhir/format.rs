//! FHIR's general parameters, which any interaction may carry (`_format`, `_pretty`,
//! `_summary`), and the formats asked for in `Accept`: read once for every `/fhir` route and
//! taken out of the query, so the operations see only their own parameters.
//!
//! This server writes JSON only: a client that will take only XML (or Turtle) is told so with
//! 406, rather than answered in a format it did not ask for. `_pretty` is accepted and changes
//! nothing (FHIR leaves it to the server; re-indenting would cost a second serialisation).
//! `_summary=false` (the whole resource) is what every answer is; any other summary is refused.

use axum::extract::{Query, Request};
use axum::http::{Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::FHIR_JSON;
use super::outcome::{FhirError, IssueType};
use crate::server::AppError;

/// The general parameters this middleware reads and removes.
const GENERAL: [&str; 3] = ["_format", "_pretty", "_summary"];

/// Checks the general parameters and `Accept`, then runs the route without them.
pub async fn general_parameters(mut request: Request, next: Next) -> Response {
    match read(&mut request) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Takes the general parameters out of `request`; an error for a format or summary this server
/// cannot give.
fn read(request: &mut Request) -> Result<(), FhirError> {
    super::super::query_text::check(request.uri()).map_err(FhirError::from)?;
    let accept = request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !accept.trim().is_empty() && !accept.split(',').any(takes_json) {
        return Err(not_acceptable(&format!("Accept: {accept}")));
    }
    let Some(query) = request.uri().query().filter(|q| GENERAL.iter().any(|name| q.contains(name))) else {
        return Ok(());
    };
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        .map_err(|e| FhirError::from(AppError::BadRequest(e.body_text())))?;
    for (name, value) in pairs.iter().filter(|(name, _)| GENERAL.contains(&name.as_str())) {
        match (name.as_str(), value.trim()) {
            ("_format", format) if !takes_json(format) => return Err(not_acceptable(&format!("_format={format}"))),
            ("_pretty", "true" | "false") | ("_summary", "false") | ("_format", _) => {}
            ("_pretty", other) => {
                return Err(FhirError::invalid(
                    "_pretty",
                    IssueType::Value,
                    format!("Parameter _pretty must be true or false, not {other:?}."),
                ));
            }
            (_, other) => {
                return Err(FhirError::invalid(
                    "_summary",
                    IssueType::NotSupported,
                    format!(
                        "_summary={other} is not supported: this server answers whole resources only (_summary=false)."
                    ),
                ));
            }
        }
    }
    // The operations refuse parameters they do not know: these have been dealt with here.
    let kept: Vec<&str> =
        query.split('&').filter(|pair| !GENERAL.contains(&pair.split('=').next().unwrap_or_default())).collect();
    let path = request.uri().path();
    let uri = if kept.is_empty() { path.to_string() } else { format!("{path}?{}", kept.join("&")) };
    *request.uri_mut() =
        uri.parse::<Uri>().map_err(|e| FhirError::from(AppError::BadRequest(format!("Bad address: {e}."))))?;
    Ok(())
}

/// Whether a media range (from `Accept` or `_format`, parameters such as `;q=` or
/// `;fhirVersion=` aside) takes JSON: `json`, `application/fhir+json`, `application/json`, the
/// older `application/json+fhir`, or a wildcard.
fn takes_json(range: &str) -> bool {
    let kind = range.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    kind.contains("json") || matches!(kind.as_str(), "*/*" | "application/*" | "")
}

/// The 406 for a client that takes no JSON.
fn not_acceptable(asked: &str) -> FhirError {
    FhirError::from(AppError::NotAcceptable(format!(
        "This server answers in JSON only ({FHIR_JSON}); {asked} asks for another format."
    )))
}

//! FHIR's general parameters, which any interaction may carry (`_format`, `_pretty`,
//! `_summary`), and the formats asked for in `Accept`: read once for every `/fhir` route and
//! taken out of the query, so the operations see only their own parameters.
//!
//! This server writes JSON only: a client that will take only XML (or Turtle) is told so with
//! 406, rather than answered in a format it did not ask for. `_pretty=true` indents the JSON.
//! `_summary=false` (the whole resource) is what every answer is; any other summary is refused.

use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::FHIR_JSON;
use super::outcome::{FhirError, IssueType};
use crate::server::AppError;

/// The general parameters this middleware reads and removes.
const GENERAL: [&str; 3] = ["_format", "_pretty", "_summary"];

/// The largest answer `_pretty` re-indents (an `$expand` of 1,000 codes is far below it).
const MAX_PRETTY: usize = 16 * 1024 * 1024;

/// Checks the general parameters and `Accept`, then runs the route without them.
pub async fn general_parameters(mut request: Request, next: Next) -> Response {
    let pretty = match read(&mut request) {
        Ok(pretty) => pretty,
        Err(error) => return error.into_response(),
    };
    let response = next.run(request).await;
    if pretty { indent(response).await } else { response }
}

/// Whether `_pretty=true` was asked; an error for a format or summary this server cannot give.
fn read(request: &mut Request) -> Result<bool, FhirError> {
    let accept = request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !accept.trim().is_empty() && !accept.split(',').any(|range| takes_json(range)) {
        return Err(not_acceptable(&format!("Accept: {accept}")));
    }
    let Some(query) = request.uri().query().filter(|q| GENERAL.iter().any(|name| q.contains(name))) else {
        return Ok(false);
    };
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        .map_err(|e| FhirError::from(AppError::BadRequest(e.body_text())))?;
    let mut pretty = false;
    for (name, value) in pairs.iter().filter(|(name, _)| GENERAL.contains(&name.as_str())) {
        match (name.as_str(), value.trim()) {
            ("_format", format) if !takes_json(format) => return Err(not_acceptable(&format!("_format={format}"))),
            ("_pretty", "true") => pretty = true,
            ("_pretty", "false") | ("_summary", "false") | ("_format", _) => {}
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
                    format!("_summary={other} is not supported: this server answers whole resources only (_summary=false)."),
                ));
            }
        }
    }
    // The operations refuse parameters they do not know: these have been dealt with here.
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !GENERAL.contains(&pair.split('=').next().unwrap_or_default()))
        .collect();
    let path = request.uri().path();
    let uri = if kept.is_empty() { path.to_string() } else { format!("{path}?{}", kept.join("&")) };
    *request.uri_mut() =
        uri.parse::<Uri>().map_err(|e| FhirError::from(AppError::BadRequest(format!("Bad address: {e}."))))?;
    Ok(pretty)
}

/// Whether a media range (from `Accept` or `_format`, parameters such as `;q=` or
/// `;fhirVersion=` aside) takes JSON.
fn takes_json(range: &str) -> bool {
    let kind = range.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(kind.as_str(), "json" | "*/*" | "application/*" | "application/json" | "application/fhir+json" | "")
}

/// The 406 for a client that takes no JSON.
fn not_acceptable(asked: &str) -> FhirError {
    FhirError::from(AppError::NotAcceptable(format!(
        "This server answers in JSON only ({FHIR_JSON}); {asked} asks for another format."
    )))
}

/// The JSON of `response`, indented (`_pretty=true`); anything that is not JSON goes as it is.
async fn indent(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PRETTY).await else {
        return FhirError::from(AppError::Internal("answer too large to indent".into())).into_response();
    };
    let pretty = serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| serde_json::to_vec_pretty(&v).ok());
    match pretty {
        Some(pretty) => {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(pretty.len()));
            Response::from_parts(parts, Body::from(pretty))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

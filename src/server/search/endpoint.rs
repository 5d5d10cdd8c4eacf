//! `GET /v1/search`: the type-ahead lookup.
//!
//! Not metered: an answer carries codes and titles only, which any printed code book has; the
//! card (descriptions, hierarchy, tips) stays behind the meter. Answers are the same for every
//! visitor, so shared caches may keep them briefly.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::{AppError, AppState};
use crate::api::{CodeSystem, SearchResults};

/// The longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most results one page may hold.
pub const MAX_LIMIT: usize = 50;
/// Results per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// The deepest a client may page: nobody reads past this, and it bounds the work.
pub const MAX_OFFSET: usize = 1000;

/// The query string of a search. Numbers arrive as text so that a bad one gets our own message.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    system: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    billable: Option<String>,
}

/// `GET /v1/search?q=&system=&limit=&offset=&billable=`.
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let text = params.q.as_deref().unwrap_or("");
    if text.trim().is_empty() {
        return Err(AppError::EmptyQuery);
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::QueryTooLong { max: MAX_QUERY_CHARS });
    }
    let system = match params.system.as_deref().filter(|s| !s.is_empty()) {
        Some(name) => Some(CodeSystem::parse(name).ok_or_else(|| AppError::UnknownSystem(name.into()))?),
        None => None,
    };
    let limit = number(params.limit.as_deref(), "limit", 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT);
    let offset = number(params.offset.as_deref(), "offset", 0, MAX_OFFSET)?.unwrap_or(0);
    let billable_only = match params.billable.as_deref() {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => return Err(AppError::BadRequest(format!("billable must be true or false, not {other:?}."))),
    };
    let query = super::Query { text, system, billable_only, offset, limit };
    let found = state.search_index().search(&query);
    let mut response = Json(SearchResults {
        query: text.to_string(),
        total: found.total,
        offset,
        limit,
        complete: found.complete,
        results: found.hits,
    })
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    Ok(response)
}

/// Parses an optional whole number in `min..=max`, naming the parameter when it is not one.
fn number(value: Option<&str>, name: &str, min: usize, max: usize) -> Result<Option<usize>, AppError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::BadRequest(format!("{name} must be a whole number from {min} to {max}, not {value:?}."))),
    }
}

//! `GET /v1/codes/...` and `GET /v1/health`.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::visitor::{self, ClientIp};
use super::{AppError, AppState, meter, unix_now};
use crate::api::{Card, CodeSystem, ErrorBody, ExistsAnswer, ExistsRequest, Health, PeekBatch, Peeked, Ready};
use crate::code;

/// The query of a card lookup.
#[derive(Debug, Deserialize)]
pub struct LookupQuery {
    /// Narrows the lookup to one system when a code's shape fits several.
    system: Option<String>,
}

/// `GET /v1/codes/{code}?system=`: the system is inferred from the code unless named.
pub async fn card_by_code(
    State(state): State<AppState>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let card = card_for_code(&state, path, query)?;
    metered(&state, &method, &headers, &ip, card).await
}

/// `GET /v1/codes/{system}/{code}`.
pub async fn card_by_system_and_code(
    State(state): State<AppState>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, AppError> {
    let card = card_for_system_and_code(&state, path)?;
    metered(&state, &method, &headers, &ip, card).await
}

/// `GET /v1/peek/{code}?system=`: the card's public part, as [`public_part`] leaves it.
pub async fn peek_by_code(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    Ok(peeked(&state, card_for_code(&state, path, query)?))
}

/// `GET /v1/peek/{system}/{code}`.
pub async fn peek_by_system_and_code(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, AppError> {
    Ok(peeked(&state, card_for_system_and_code(&state, path)?))
}

/// The most codes one `GET /v1/peek?codes=...` may list: more than a screen shows, few enough
/// that an answer stays small on a phone's connection.
pub const MAX_PEEKS: usize = 50;

/// The query of a batch peek.
#[derive(Debug, Deserialize)]
pub struct PeekBatchQuery {
    /// The codes, comma-separated, each written as in the single peek's path: `I10` or
    /// `icd10cm/E1165`.
    codes: Option<String>,
    /// Present (`?open&codes=...`): the first code is the one the reader opened, not merely in
    /// view, so its entry is what its single peek answers (the whole card where nothing is
    /// metered).
    open: Option<String>,
}

/// `GET /v1/peek?codes=I10,icd10cm/E1165`: the public parts of the codes in view on a page, in
/// one answer, in the order asked; a code without a card gets its error in its place (an empty
/// entry too: a page's element with an empty `data-code` costs the others nothing). Like the
/// single peek it reads no token, so it counts no view and creates no guest. Unlike it, it
/// carries the public part on an unmetered endpoint too: it is fetched for codes merely in view,
/// most of which are never opened, so it stays small, and the click's lookup brings the rest;
/// with `open`, the first code was opened (a cold click), and its entry is its single peek's.
pub async fn peek_batch(
    State(state): State<AppState>,
    query: Result<Query<PeekBatchQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let list = query.codes.unwrap_or_default();
    if list.trim().is_empty() {
        return Err(AppError::BadRequest("List the codes to peek at in `codes`, comma-separated.".into()));
    }
    let written: Vec<&str> = list.split(',').map(str::trim).collect();
    if written.len() > MAX_PEEKS {
        return Err(AppError::BadRequest(format!("At most {MAX_PEEKS} codes per peek.")));
    }
    let opened = query.open.is_some();
    let peeks = written
        .into_iter()
        .enumerate()
        .map(|(at, code)| {
            let card = match code.split_once('/') {
                Some((system, code)) => parse_system(system).and_then(|system| lookup(&state, code, Some(system))),
                None => lookup(&state, code, None),
            };
            let meter = &state.config.meter;
            match card {
                Ok(card) if opened && at == 0 => Peeked::Card(Box::new(public_part(meter, card))),
                Ok(card) => Peeked::Card(Box::new(public_only(meter, card))),
                Err(error) => Peeked::Error(ErrorBody { error: error.status_and_body().1 }),
            }
        })
        .collect();
    let mut response = Json(PeekBatch { peeks }).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(SAME_FOR_EVERYONE));
    Ok(response)
}

/// The card of `/{code}?system=`, whole.
fn card_for_code(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Card, AppError> {
    let Path(written) = path.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Query(query) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let system = query.system.as_deref().filter(|s| !s.is_empty()).map(parse_system).transpose()?;
    lookup(state, &written, system)
}

/// The card of `/{system}/{code}`, whole.
fn card_for_system_and_code(
    state: &AppState,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Card, AppError> {
    let Path((system, written)) = path.map_err(|e| AppError::BadRequest(e.body_text()))?;
    lookup(state, &written, Some(parse_system(&system)?))
}

/// How an answer that is the same for every visitor (a peek, an unmetered card) may be cached:
/// code data changes once a year; a short lifetime still lets a fix reach pages quickly.
const SAME_FOR_EVERYONE: &str = "public, max-age=300";

/// Answers a peek: the public part, the same for every visitor, so shared caches may keep it
/// like an unmetered card. It never reads a token: it cannot count a view or create a guest.
fn peeked(state: &AppState, card: Card) -> Response {
    let mut response = Json(public_part(&state.config.meter, card)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(SAME_FOR_EVERYONE));
    response
}

/// What anyone may see of `card` without spending a view: exactly what a visitor with no views
/// left receives (the code, its system, its public title and release, every other part locked,
/// `paywalled: true`); unmetered, where nothing is gated, the whole card.
pub(super) fn public_part(config: &meter::MeterConfig, card: Card) -> Card {
    if !config.enabled {
        return card;
    }
    public_only(config, card)
}

/// The public part of `card` whether or not the endpoint meters views (`paywalled: true`).
fn public_only(config: &meter::MeterConfig, card: Card) -> Card {
    meter::redact(card, config.sections(crate::api::Plan::Guest), true)
}

/// Answers with the card as [`entitled`] leaves it.
async fn metered(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    ip: &ClientIp,
    card: Card,
) -> Result<Response, AppError> {
    let card = entitled(state, method, headers, ip, card).await?;
    let mut response = Json(card).into_response();
    cache_by_visitor(state, response.headers_mut());
    Ok(response)
}

/// Counts the view and cuts the card down to what the visitor is entitled to; it then carries
/// the visitor's meter (and a new visitor token, when one was issued). Unmetered, the card is
/// complete and carries no meter. Unknown and malformed codes never get here, so they cost no
/// view. The FHIR `$lookup` goes through here too: one meter for both.
pub(super) async fn entitled(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    ip: &ClientIp,
    card: Card,
) -> Result<Card, AppError> {
    let config = &state.config.meter;
    if !config.enabled {
        return Ok(card);
    }
    if method == Method::HEAD {
        // A HEAD answer has no body to show: it creates no guest and spends no view.
        return Ok(public_part(config, card));
    }
    let now = unix_now();
    let visitor = visitor::resolve(state, headers, ip, now).await?;
    let (period, limit) = (config.period.key(now), config.limit(visitor.plan));
    let code = format!("{}:{}", card.system.id(), card.code);
    let outcome = state.store.record_view(&visitor.identity, &period, &code, limit).await?;
    if outcome.counted {
        super::metrics::view_counted();
    }
    if !outcome.granted {
        super::metrics::paywalled();
    }
    let mut card = meter::redact(card, config.sections(visitor.plan), !outcome.granted);
    card.meter = Some(meter::meter(config, visitor.plan, outcome.used, outcome.counted, visitor.account));
    card.visitor_token = visitor.issued_token;
    Ok(card)
}

/// Cache headers of an answer cut to its visitor: shared caches may keep an unmetered card
/// briefly, never a metered one.
pub(super) fn cache_by_visitor(state: &AppState, headers: &mut HeaderMap) {
    if state.config.meter.enabled {
        // The answer depends on who asks: never store it in a shared cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("Authorization"));
    } else {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(SAME_FOR_EVERYONE));
    }
}

/// `GET /v1/health`: what is loaded.
pub async fn health(State(state): State<AppState>) -> Response {
    let mut response = Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        systems: state.catalog.counts(),
    })
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /v1/ready`: whether this instance can serve metered cards now, i.e. its store answers
/// (the load balancer's health check). 503 `storage_unavailable` when it does not, whatever the
/// cause: the instance should get no traffic until it recovers. `/v1/health` stays the liveness
/// check, which does not depend on the database.
pub async fn ready(State(state): State<AppState>) -> Result<Response, AppError> {
    state.store.ping().await.map_err(AppError::NotReady)?;
    let mut response = Json(Ready { status: "ready".into() }).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The most candidates one `POST /v1/codes/exists` may check.
pub const MAX_EXISTS: usize = 1000;

/// `POST /v1/codes/exists`: which candidate codes are real, for auto-detection on a page. Says
/// only yes or no, so it is not metered.
pub async fn exists(
    State(state): State<AppState>,
    body: Result<Json<ExistsRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ExistsAnswer>, AppError> {
    let Json(request) = body?;
    if request.codes.len() > MAX_EXISTS {
        return Err(AppError::BadRequest(format!("At most {MAX_EXISTS} codes per request.")));
    }
    let known = request
        .codes
        .iter()
        .map(|query| {
            let Some(key) = code::normalize(&query.code) else { return false };
            let dotted = query.code.contains('.');
            code::candidate_systems(&key)
                .into_iter()
                .filter(|s| query.system.is_none_or(|wanted| wanted == *s) && (!dotted || *s == CodeSystem::Icd10cm))
                .any(|s| state.catalog.contains(s, &key))
        })
        .collect();
    Ok(Json(ExistsAnswer { known }))
}

fn parse_system(name: &str) -> Result<CodeSystem, AppError> {
    CodeSystem::parse(name).ok_or_else(|| AppError::UnknownSystem(name.to_string()))
}

/// Finds the card for a written code: 400 if no system's shape fits, 404 if no fitting system
/// has it, 300 if several do.
pub(super) fn lookup(state: &AppState, written: &str, system: Option<CodeSystem>) -> Result<Card, AppError> {
    let malformed = || AppError::MalformedCode { written: written.to_string(), system };
    let key = code::normalize(written).ok_or_else(malformed)?;
    // A dot is only ever written in ICD-10-CM codes.
    let dotted = written.contains('.');
    let shaped: Vec<CodeSystem> = code::candidate_systems(&key)
        .into_iter()
        .filter(|s| system.is_none_or(|wanted| wanted == *s))
        .filter(|s| !dotted || *s == CodeSystem::Icd10cm)
        .collect();
    if shaped.is_empty() {
        return Err(malformed());
    }
    let found: Vec<CodeSystem> = shaped.iter().copied().filter(|s| state.catalog.contains(*s, &key)).collect();
    match found.as_slice() {
        [] => Err(AppError::UnknownCode { display: code::display(shaped[0], &key), searched: shaped }),
        [one] => {
            let mut card = state
                .catalog
                .card(*one, &key)
                .ok_or_else(|| AppError::Internal(format!("{one} {key} listed but has no card")))?;
            // Public, like any printed index: added before the meter, which never removes it.
            card.also_indexed_as = state.search_index().also_indexed_as(*one, &key);
            Ok(card)
        }
        _ => Err(AppError::AmbiguousCode { written: written.trim().to_string(), candidates: found }),
    }
}

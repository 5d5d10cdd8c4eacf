//! The widget's one HTTP client: cards, search results and log-out, each under a deadline and an
//! abort signal, with a clear error for every way a request fails.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use web_sys::AbortSignal;

use super::auth::{self, TokenSlot};
use super::decode::{FromJs, from_text};
use crate::api::{ApiError, Card, CodeSystem, ErrorBody, ErrorKind, SearchResults};
use crate::code;

/// Everything that can go wrong between the widget and the endpoint. Each variant reads as a
/// sentence a person can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    /// The code on the page is not a well-formed code; nothing was requested.
    MalformedCode(String),
    /// The endpoint answered with one of its JSON errors.
    Api {
        /// The HTTP status.
        status: u16,
        /// The endpoint's error.
        error: ApiError,
    },
    /// No answer at all: the endpoint is down, unreachable or refused the page's origin.
    Unreachable,
    /// No answer within the deadline.
    Timeout {
        /// The deadline that passed, in milliseconds.
        after_ms: u32,
    },
    /// An answer that is not what the endpoint sends: a proxy page, a truncated body, ...
    Garbled {
        /// The HTTP status of that answer.
        status: u16,
    },
    /// The request was cancelled because the card closed or moved on.
    Aborted,
}

impl FetchError {
    /// Whether a retry can help: not for a code that does not exist or cannot exist.
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            FetchError::MalformedCode(_)
                | FetchError::Api {
                    error: ApiError {
                        kind: ErrorKind::UnknownCode
                            | ErrorKind::MalformedCode
                            | ErrorKind::UnknownSystem
                            | ErrorKind::AmbiguousCode
                            | ErrorKind::RateLimited
                            | ErrorKind::Forbidden,
                        ..
                    },
                    ..
                }
        )
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::MalformedCode(written) => write!(f, "“{written}” is not a valid medical code."),
            FetchError::Api { error, .. } => f.write_str(&error.message),
            FetchError::Unreachable => f.write_str("The code lookup service cannot be reached right now."),
            FetchError::Timeout { after_ms } => match after_ms.div_ceil(1000) {
                1 => f.write_str("The code lookup service did not answer within 1 second."),
                seconds => write!(f, "The code lookup service did not answer within {seconds} seconds."),
            },
            FetchError::Garbled { status } => {
                write!(f, "The code lookup service sent an answer the card cannot read (HTTP {status}).")
            }
            FetchError::Aborted => f.write_str("The lookup was cancelled."),
        }
    }
}

impl std::error::Error for FetchError {}

/// The address of a card: `{endpoint}/v1/codes/{system}/{code}` or, when the page did not say
/// which system, `{endpoint}/v1/codes/{code}`.
pub fn card_url(endpoint: &str, written: &str, system: Option<CodeSystem>) -> Result<String, FetchError> {
    code_url(endpoint, "codes", written, system)
}

/// The address of a card's public part: `{endpoint}/v1/peek/...`, as [`card_url`].
pub fn peek_url(endpoint: &str, written: &str, system: Option<CodeSystem>) -> Result<String, FetchError> {
    code_url(endpoint, "peek", written, system)
}

/// The address of the public parts of many cards in one answer: `{endpoint}/v1/peek?codes=`
/// with each code as in its [`peek_url`]'s path (`I10`, `icd10cm/E1165`); `None` for no code.
pub fn peek_batch_url(endpoint: &str, peek_urls: &[String]) -> Option<String> {
    let base = format!("{}/v1/peek", endpoint.trim_end_matches('/'));
    let prefix = format!("{base}/");
    let codes = peek_urls
        .iter()
        .filter_map(|url| url.strip_prefix(prefix.as_str()))
        .fold(String::new(), |all, code| all + "," + code);
    (!codes.is_empty()).then(|| format!("{base}?codes={}", &codes[1..]))
}

/// The system a code written on a page is in: the one the page names, else ICD-10-CM for a
/// dotted code (only ICD-10-CM writes a dot), else any.
pub fn implied_system(written: &str, system: Option<CodeSystem>) -> Option<CodeSystem> {
    system.or_else(|| written.contains('.').then_some(CodeSystem::Icd10cm))
}

fn code_url(endpoint: &str, route: &str, written: &str, system: Option<CodeSystem>) -> Result<String, FetchError> {
    let key = code::normalize(written).ok_or_else(|| FetchError::MalformedCode(written.to_string()))?;
    let base = endpoint.trim_end_matches('/');
    Ok(match implied_system(written, system) {
        Some(system) => format!("{base}/v1/{route}/{}/{key}", system.id()),
        None => format!("{base}/v1/{route}/{key}"),
    })
}

/// Fetches a card's public part from `url` (a [`peek_url`]), or many (a [`peek_batch_url`]):
/// unmetered, so no token is sent and none is kept. The JSON value, undecoded: the card that
/// opens decodes it, if one does.
pub async fn fetch_peek(
    url: &str,
    site_key: Option<&str>,
    timeout_ms: u32,
    abort: &web_sys::AbortController,
) -> Result<wasm_bindgen::JsValue, FetchError> {
    let deadline = Deadline::start(timeout_ms, abort);
    let mut request = Request::get(url).header("Accept", "application/json");
    if let Some(key) = site_key {
        request = request.header("X-Codecard-Key", key);
    }
    let (status, body) = deadline.send(request).await?;
    let garbled = || FetchError::Garbled { status };
    if !(200..300).contains(&status) {
        return Err(garbled());
    }
    js_sys::JSON::parse(&body).map_err(|_| garbled())
}

/// Fetches the card for `written`, as the stored visitor or session (see [`auth`]), with the
/// site key if the page has one. Gives up after `timeout_ms`; `abort` cancels it early (the
/// caller aborts when the card closes, so no answer lands in a card that is gone).
///
/// A token the endpoint refuses is dropped and the lookup tried again: a session falls back to
/// the visitor token, a visitor token to a fresh guest identity. A new visitor token in the
/// answer is kept for next time.
pub async fn fetch_card(
    endpoint: &str,
    written: &str,
    system: Option<CodeSystem>,
    site_key: Option<&str>,
    timeout_ms: u32,
    abort: &web_sys::AbortController,
) -> Result<Card, FetchError> {
    let url = card_url(endpoint, written, system)?;
    let endpoint = endpoint.trim_end_matches('/');
    let deadline = Deadline::start(timeout_ms, abort);
    loop {
        let sent = auth::bearer(endpoint);
        let mut request = Request::get(&url).header("Accept", "application/json");
        if let Some((_, token)) = &sent {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = site_key {
            request = request.header("X-Codecard-Key", key);
        }
        match deadline.send(request).await.and_then(|(status, body)| parse::<Card>(status, &body)) {
            Err(FetchError::Api { error, .. }) if error.kind == ErrorKind::InvalidToken && sent.is_some() => {
                if let Some((slot, _)) = sent {
                    auth::forget(endpoint, slot);
                }
            }
            Ok(card) => {
                if let Some(token) = &card.visitor_token {
                    auth::store(endpoint, TokenSlot::Visitor, token);
                }
                return Ok(card);
            }
            other => return other,
        }
    }
}

/// What the search box asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    /// The text as typed.
    pub text: String,
    /// Only this system, if chosen.
    pub system: Option<CodeSystem>,
    /// Only billable codes.
    pub billable_only: bool,
    /// Results per page, 1 to 50 ([`SEARCH_PAGE`] for the search box).
    pub limit: usize,
}

/// Results per search: enough to choose from, few enough to read.
pub const SEARCH_PAGE: usize = 10;

/// The address of a search: `{endpoint}/v1/search?q=...`.
pub fn search_url(endpoint: &str, request: &SearchRequest) -> String {
    let mut url = format!(
        "{}/v1/search?q={}&limit={}",
        endpoint.trim_end_matches('/'),
        String::from(js_sys::encode_uri_component(&request.text)),
        request.limit.clamp(1, 50)
    );
    if let Some(system) = request.system {
        url += &format!("&system={}", system.id());
    }
    if request.billable_only {
        url += "&billable=true";
    }
    url
}

/// Runs `request` against the endpoint. Search is not metered, so no token is sent. Gives up
/// after `timeout_ms`; `abort` cancels it when a newer query supersedes it.
pub async fn fetch_results(
    endpoint: &str,
    request: &SearchRequest,
    timeout_ms: u32,
    abort: &web_sys::AbortController,
) -> Result<SearchResults, FetchError> {
    let deadline = Deadline::start(timeout_ms, abort);
    let request = Request::get(&search_url(endpoint, request)).header("Accept", "application/json");
    let (status, body) = deadline.send(request).await?;
    parse::<SearchResults>(status, &body)
}

/// Ends the stored session: the endpoint revokes it, and the widget forgets it whatever the
/// endpoint answered (a session it cannot revoke is one it no longer honours).
pub async fn log_out(endpoint: &str, timeout_ms: u32) -> Result<(), FetchError> {
    let endpoint = endpoint.trim_end_matches('/');
    let Some(token) = auth::token(endpoint, TokenSlot::Session) else { return Ok(()) };
    auth::forget(endpoint, TokenSlot::Session);
    let abort = web_sys::AbortController::new().map_err(|_| FetchError::Unreachable)?;
    let deadline = Deadline::start(timeout_ms, &abort);
    let request = gloo_net::http::RequestBuilder::new(&format!("{endpoint}/v1/account/logout"))
        .method(gloo_net::http::Method::POST)
        .header("Authorization", &format!("Bearer {token}"));
    let (status, body) = deadline.send(request).await?;
    if (200..300).contains(&status) { Ok(()) } else { parse::<()>(status, &body) }
}

/// One lookup's time budget, shared by its attempts.
struct Deadline {
    timed_out: Rc<Cell<bool>>,
    timeout_ms: u32,
    signal: AbortSignal,
    _timer: Timeout,
}

impl Deadline {
    fn start(timeout_ms: u32, abort: &web_sys::AbortController) -> Deadline {
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (timed_out, abort) = (timed_out.clone(), abort.clone());
            Timeout::new(timeout_ms, move || {
                timed_out.set(true);
                abort.abort();
            })
        };
        Deadline { timed_out, timeout_ms, signal: abort.signal(), _timer: timer }
    }

    fn failure(&self) -> FetchError {
        if self.timed_out.get() {
            FetchError::Timeout { after_ms: self.timeout_ms }
        } else if self.signal.aborted() {
            FetchError::Aborted
        } else {
            FetchError::Unreachable
        }
    }

    /// Sends `request` under this deadline; the status and the body text.
    async fn send(&self, request: gloo_net::http::RequestBuilder) -> Result<(u16, String), FetchError> {
        let response = request.abort_signal(Some(&self.signal)).send().await.map_err(|_| self.failure())?;
        let body = response.text().await.map_err(|_| self.failure())?;
        Ok((response.status(), body))
    }
}

/// A 2xx body as `T`, or the endpoint's JSON error; anything else is garbled.
fn parse<T: FromJs>(status: u16, body: &str) -> Result<T, FetchError> {
    if (200..300).contains(&status) {
        from_text::<T>(body).map_err(|_| FetchError::Garbled { status })
    } else {
        match from_text::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => Err(FetchError::Api { status, error }),
            Err(_) => Err(FetchError::Garbled { status }),
        }
    }
}

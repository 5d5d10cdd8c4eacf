//! Fetching a card from the endpoint, with a deadline and a clear error for every way it fails.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use web_sys::AbortSignal;

use crate::api::{ApiError, Card, CodeSystem, ErrorBody, ErrorKind};
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
                | FetchError::Api { error: ApiError { kind: ErrorKind::UnknownCode | ErrorKind::MalformedCode | ErrorKind::UnknownSystem | ErrorKind::AmbiguousCode, .. }, .. }
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
    let key = code::normalize(written).ok_or_else(|| FetchError::MalformedCode(written.to_string()))?;
    let base = endpoint.trim_end_matches('/');
    Ok(match system {
        Some(system) => format!("{base}/v1/codes/{}/{key}", system.id()),
        None if written.contains('.') => format!("{base}/v1/codes/{}/{key}", CodeSystem::Icd10cm.id()),
        None => format!("{base}/v1/codes/{key}"),
    })
}

/// Fetches the card for `written`. Gives up after `timeout_ms`; `abort` cancels it early (the
/// caller aborts when the card closes, so no answer lands in a card that is gone).
pub async fn fetch_card(
    endpoint: &str,
    written: &str,
    system: Option<CodeSystem>,
    timeout_ms: u32,
    abort: &web_sys::AbortController,
) -> Result<Card, FetchError> {
    let url = card_url(endpoint, written, system)?;
    let timed_out = Rc::new(Cell::new(false));
    let _deadline = {
        let timed_out = timed_out.clone();
        let abort = abort.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            abort.abort();
        })
    };
    let signal: AbortSignal = abort.signal();
    let failed = |signal: &AbortSignal| {
        if timed_out.get() {
            FetchError::Timeout { after_ms: timeout_ms }
        } else if signal.aborted() {
            FetchError::Aborted
        } else {
            FetchError::Unreachable
        }
    };
    let response = Request::get(&url)
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|_| failed(&signal))?;
    let status = response.status();
    let body = response.text().await.map_err(|_| failed(&signal))?;
    if response.ok() {
        serde_json::from_str::<Card>(&body).map_err(|_| FetchError::Garbled { status })
    } else {
        match serde_json::from_str::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => Err(FetchError::Api { status, error }),
            Err(_) => Err(FetchError::Garbled { status }),
        }
    }
}

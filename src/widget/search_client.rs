//! Fetching one page of search results, with a deadline and an abort signal.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;

use super::client::FetchError;
use crate::api::{CodeSystem, ErrorBody, SearchResults};

/// What the search box asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    /// The text as typed.
    pub text: String,
    /// Only this system, if chosen.
    pub system: Option<CodeSystem>,
    /// Only billable codes.
    pub billable_only: bool,
}

/// Results per search: enough to choose from, few enough to read.
pub const PAGE: usize = 10;

/// The address of a search: `{endpoint}/v1/search?q=...`.
pub fn search_url(endpoint: &str, request: &SearchRequest) -> String {
    let mut url = format!(
        "{}/v1/search?q={}&limit={PAGE}",
        endpoint.trim_end_matches('/'),
        String::from(js_sys::encode_uri_component(&request.text))
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
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let (timed_out, abort) = (timed_out.clone(), abort.clone());
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            abort.abort();
        })
    };
    let signal = abort.signal();
    let failure = || {
        if timed_out.get() {
            FetchError::Timeout { after_ms: timeout_ms }
        } else if signal.aborted() {
            FetchError::Aborted
        } else {
            FetchError::Unreachable
        }
    };
    let response = Request::get(&search_url(endpoint, request))
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|_| failure())?;
    let status = response.status();
    let body = response.text().await.map_err(|_| failure())?;
    if (200..300).contains(&status) {
        serde_json::from_str(&body).map_err(|_| FetchError::Garbled { status })
    } else {
        match serde_json::from_str::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => Err(FetchError::Api { status, error }),
            Err(_) => Err(FetchError::Garbled { status }),
        }
    }
}

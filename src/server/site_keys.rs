//! Site keys: the public key an embed script carries, and the page origins allowed to use it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{AppError, AppState};
use crate::api::Credentials;

/// The request header the widget sends its site key in.
pub const HEADER: &str = "x-codecard-key";

/// A new site key: `ck_` and 20 random characters.
pub fn new_key() -> String {
    format!("ck_{}", super::tokens::random_id(15))
}

/// Whether `origin` is written as a browser sends it: scheme, host and optional port, no path.
pub fn valid_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' ', '@'])
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// Middleware on the card routes: a request with a site key must come from one of the key's
/// origins; a request without one is refused when the endpoint requires keys. Whether an answer
/// is given at all depends on the key, so every answer says so in `Vary`: a shared cache keeping
/// a public answer (a peek, search, an unmetered card) must not hand it to a page without the key.
pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Result<Response, AppError> {
    let mut response = admit(&state, request, next).await?;
    response.headers_mut().append(header::VARY, HeaderValue::from_static(HEADER));
    Ok(response)
}

/// Runs `request` if its site key (or the lack of one) admits it.
async fn admit(state: &AppState, request: Request, next: Next) -> Result<Response, AppError> {
    let key = request.headers().get(HEADER).map(|v| v.to_str().unwrap_or_default().trim().to_string());
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    match key {
        None if state.config.require_site_key => Err(AppError::Forbidden(
            "This code service needs a site key: add data-site-key to the codecard script tag.".into(),
        )),
        None => Ok(next.run(request).await),
        Some(key) => {
            let site = state.store.site_key(&key).await?;
            let Some(site) = site else {
                return Err(AppError::Forbidden(format!("The site key {key:?} is not known to this code service.")));
            };
            match origin {
                Some(origin) if site.origins.contains(&origin) => Ok(next.run(request).await),
                Some(origin) => Err(AppError::Forbidden(format!("The site key {key:?} is not valid on {origin}."))),
                None => Err(AppError::Forbidden(format!("The site key {key:?} is valid only from its sites' pages."))),
            }
        }
    }
}

/// The origin a new session may be handed to: the one the account page names, if it is an
/// origin at all and, once the endpoint has site keys, one of the origins of the key the widget
/// sent. `None` when no origin is named (a client keeping the session itself).
pub async fn session_origin(state: &AppState, credentials: &Credentials) -> Result<Option<String>, AppError> {
    let Some(origin) = credentials.origin.as_deref() else { return Ok(None) };
    if !valid_origin(origin) {
        return Err(AppError::InvalidInput(format!(
            "{origin:?} is not a page origin; the session can only be handed to one exact origin."
        )));
    }
    let key = credentials.site_key.clone().filter(|k| !k.is_empty());
    let site = match &key {
        Some(key) => state.store.site_key(key).await?,
        None => None,
    };
    let any_keys = !state.store.site_keys().await?.is_empty();
    if !(any_keys || state.config.require_site_key || key.is_some()) {
        return Ok(Some(origin.to_string()));
    }
    match site {
        Some(site) if site.origins.iter().any(|o| o == origin) => Ok(Some(origin.to_string())),
        _ => Err(AppError::Forbidden(format!("Accounts of this code service cannot be used on {origin}."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port() {
        for good in ["https://clinic.example", "http://127.0.0.1:8080", "http://localhost:3000", "https://[::1]:8443"] {
            assert!(valid_origin(good), "{good}");
        }
        for bad in
            ["clinic.example", "https://clinic.example/", "ftp://x.org", "https://a b", "https://u@x.org", "https://"]
        {
            assert!(!valid_origin(bad), "{bad}");
        }
    }
}

//! The account pages the card opens in a popup: on the endpoint's own origin, under a strict
//! Content-Security-Policy, so that credentials never touch the host page.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const TEMPLATE: &str = include_str!("../../assets/account/account.html");
const SCRIPT: &str = include_str!("../../assets/account/account.js");
const STYLES: &str = include_str!("../../assets/account/account.css");

/// No inline code, nothing from elsewhere, no framing (against click-jacking of the form).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn page(fields: &[(&str, &str)]) -> Response {
    let html =
        fields.iter().fold(TEMPLATE.to_string(), |html, (name, value)| html.replace(&format!("{{{{{name}}}}}"), value));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ],
        html,
    )
        .into_response()
}

/// `GET /account/login`.
pub async fn login() -> Response {
    page(&[
        ("title", "Log in"),
        ("mode", "login"),
        ("autocomplete", "current-password"),
        ("password_hint", "At least 8 characters."),
        ("done", "You are logged in."),
        ("switch_question", "No account yet?"),
        ("switch_href", "/account/register"),
        ("switch_label", "Register free account"),
    ])
}

/// `GET /account/register`.
pub async fn register() -> Response {
    page(&[
        ("title", "Register free account"),
        ("mode", "register"),
        ("autocomplete", "new-password"),
        ("password_hint", "At least 8 characters. A free account gets 5 more code views."),
        ("done", "Your free account is ready."),
        ("switch_question", "Already registered?"),
        ("switch_href", "/account/login"),
        ("switch_label", "Log in"),
    ])
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        body,
    )
        .into_response()
}

/// `GET /account/account.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /account/account.css`.
pub async fn styles() -> Response {
    asset("text/css; charset=utf-8", STYLES)
}

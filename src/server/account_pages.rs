//! The account pages the card opens in a popup: on the endpoint's own origin, under a strict
//! Content-Security-Policy, so that credentials never touch the host page.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const TEMPLATE: &str = include_str!("../../assets/account/account.html");
const SCRIPT: &str = include_str!("../../assets/account/account.js");
const STYLES: &str = include_str!("../../assets/account/account.css");

/// No inline code, nothing from elsewhere, no framing (against click-jacking of the form).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

use super::AppState;
use super::accounts::MIN_PASSWORD;

fn page(fields: &[(&str, &str)]) -> Response {
    let minimum = MIN_PASSWORD.to_string();
    let html = fields
        .iter()
        .copied()
        .chain([("min_password", minimum.as_str())])
        .fold(TEMPLATE.to_string(), |html, (name, value)| html.replace(&format!("{{{{{name}}}}}"), value));
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
    let hint = format!("At least {MIN_PASSWORD} characters.");
    page(&[
        ("title", "Log in"),
        ("mode", "login"),
        ("autocomplete", "current-password"),
        ("password_hint", &hint),
        ("done", "You are logged in."),
        ("switch_question", "No account yet?"),
        ("switch_href", "/account/register"),
        ("switch_label", "Register free account"),
    ])
}

/// `GET /account/register`: the views a free account adds are the endpoint's own figures.
pub async fn register(State(state): State<AppState>) -> Response {
    let meter = &state.config.meter;
    let more = meter.free_views.saturating_sub(meter.guest_views);
    let hint = match more {
        0 => format!("At least {MIN_PASSWORD} characters."),
        1 => format!("At least {MIN_PASSWORD} characters. A free account gets 1 more code view."),
        _ => format!("At least {MIN_PASSWORD} characters. A free account gets {more} more code views."),
    };
    page(&[
        ("title", "Register free account"),
        ("mode", "register"),
        ("autocomplete", "new-password"),
        ("password_hint", &hint),
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

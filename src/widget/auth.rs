//! The visitor's tokens for one endpoint, kept in the host page's `localStorage`, and the
//! account popup that hands a session back by `postMessage`.
//!
//! Only tokens live here, never credentials: email and password are typed into the endpoint's
//! own page in a popup window.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Storage;

use super::decode::FromJs;
use crate::api::Session;

/// Which of the two tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSlot {
    /// The guest's visitor token, issued on first contact.
    Visitor,
    /// A logged-in account's session token.
    Session,
}

fn storage() -> Option<Storage> {
    // Storage can be disabled or throw (privacy modes, sandboxed frames): the card then works
    // with a new guest identity per page view, within the endpoint's per-address cap.
    window().local_storage().ok().flatten()
}

fn key(endpoint: &str, slot: TokenSlot) -> String {
    let name = match slot {
        TokenSlot::Visitor => "visitor",
        TokenSlot::Session => "session",
    };
    format!("codecard:{endpoint}:{name}")
}

/// The stored token in `slot` for `endpoint`.
pub fn token(endpoint: &str, slot: TokenSlot) -> Option<String> {
    storage()?.get_item(&key(endpoint, slot)).ok().flatten().filter(|t| !t.is_empty())
}

/// The token to send: the session when logged in, else the visitor token.
pub fn bearer(endpoint: &str) -> Option<(TokenSlot, String)> {
    token(endpoint, TokenSlot::Session)
        .map(|t| (TokenSlot::Session, t))
        .or_else(|| token(endpoint, TokenSlot::Visitor).map(|t| (TokenSlot::Visitor, t)))
}

/// Keeps `value` in `slot`.
pub fn store(endpoint: &str, slot: TokenSlot, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(endpoint, slot), value);
    }
}

/// Forgets the token in `slot`.
pub fn forget(endpoint: &str, slot: TokenSlot) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(endpoint, slot));
    }
}

/// The origin of `endpoint` (`https://codes.example.org`), the only sender whose messages
/// the widget accepts.
pub fn origin_of(endpoint: &str) -> Option<String> {
    web_sys::Url::new(endpoint).ok().map(|url| url.origin())
}

/// Which account page to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountPage {
    /// `/account/login`.
    Login,
    /// `/account/register`.
    Register,
}

/// Opens the endpoint's account page in a popup. The fragment (never sent to a server) tells
/// the page where to send the session, which guest's views to carry over, and the site key the
/// session's origin must belong to.
pub fn open_account_page(endpoint: &str, page: AccountPage, site_key: Option<&str>) -> Option<web_sys::Window> {
    let path = match page {
        AccountPage::Login => "login",
        AccountPage::Register => "register",
    };
    let host_origin = window().location().origin().ok()?;
    let mut url = format!("{endpoint}/account/{path}#origin={}", js_sys::encode_uri_component(&host_origin));
    if let Some(visitor) = token(endpoint, TokenSlot::Visitor) {
        url.push_str(&format!("&visitor={}", js_sys::encode_uri_component(&visitor)));
    }
    if let Some(key) = site_key {
        url.push_str(&format!("&key={}", js_sys::encode_uri_component(key)));
    }
    window()
        .open_with_url_and_target_and_features(&url, "codecard-account", "popup,width=480,height=660")
        .ok()
        .flatten()
}

/// Reads a session out of a `message` event, if the event is a session message from
/// `expected_origin`.
pub fn session_from_message(event: &web_sys::MessageEvent, expected_origin: &str) -> Option<Session> {
    if event.origin() != expected_origin {
        return None;
    }
    let data = event.data();
    let kind = js_sys::Reflect::get(&data, &"type".into()).ok()?.as_string()?;
    if kind != "codecard:session" {
        return None;
    }
    let session = js_sys::Reflect::get(&data, &"session".into()).ok()?;
    Session::from_js(session, "session").ok()
}

/// Whether `event` came from `popup`: a message from any other window of the endpoint's origin
/// (an iframe of it on some other page, say) is ignored.
pub fn from_window(event: &web_sys::MessageEvent, popup: &web_sys::Window) -> bool {
    event.source().is_some_and(|source| js_sys::Object::is(&source, popup.unchecked_ref()))
}

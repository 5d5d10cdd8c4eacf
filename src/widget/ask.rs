//! "Ask about this code": a hook for the site's assistant, chat or help desk.

use leptos::prelude::window;

use super::fixed::{Action, El, button, el};
use super::{dom, i18n};
use crate::api::CodeSystem;

/// What the site configured for the ask action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// A URL template opened in a new tab unless a `codecard:ask` listener cancels the event;
    /// `{code}` and `{system}` are replaced, URL-encoded. `None`: the event only.
    pub url: Option<String>,
}

impl Ask {
    /// The URL for `code`, if the site gave a template.
    pub fn url_for(&self, code: &str, system: CodeSystem) -> Option<String> {
        let encode = |s: &str| String::from(js_sys::encode_uri_component(s));
        self.url
            .as_ref()
            .map(|template| template.replace("{code}", &encode(code)).replace("{system}", &encode(system.id())))
    }
}

/// The button at the foot of a card (fixed markup: the card's frame runs [`ask`]).
pub fn ask_button() -> El {
    el("p").class("cc-ask").child(button("cc-button cc-secondary", Action::Ask, i18n::current().text().ask))
}

/// Asks about `code`: dispatches a cancelable `codecard:ask` event on the code's element
/// (`anchor`; it bubbles out of any shadow root); unless a listener cancels it, the configured
/// URL opens in a new tab.
pub fn ask(ask: &Ask, anchor: &web_sys::EventTarget, code: &str, system: CodeSystem) {
    let url = ask.url_for(code, system);
    let detail =
        dom::object(&[("code", code.into()), ("system", system.id().into()), ("url", dom::or_null(url.as_deref()))]);
    if let (true, Some(url)) = (dom::emit(anchor, "codecard:ask", &detail, true), url) {
        let _ = window().open_with_url_and_target_and_features(&url, "_blank", "noopener");
    }
}

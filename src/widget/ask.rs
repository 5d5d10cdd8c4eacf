//! "Ask about this code": a hook for the site's assistant, chat or help desk.

use leptos::prelude::*;

use super::{WidgetConfig, dom, i18n};
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

/// The button at the foot of a card. It dispatches a cancelable `codecard:ask` event on the
/// code's element (bubbling out of any shadow root); unless a listener cancels it, the
/// configured URL opens in a new tab.
#[component]
pub fn AskButton(
    /// The code as displayed.
    code: String,
    /// Its system.
    system: CodeSystem,
) -> impl IntoView {
    let config = expect_context::<WidgetConfig>();
    let anchor = use_context::<super::app::CurrentAnchor>();
    let on_click = move |_| {
        let Some(ask) = &config.ask else { return };
        let url = ask.url_for(&code, system);
        let detail = dom::object(&[
            ("code", code.as_str().into()),
            ("system", system.id().into()),
            ("url", dom::or_null(url.as_deref())),
        ]);
        let proceed = match anchor.as_ref() {
            Some(anchor) => dom::emit(&anchor.0, "codecard:ask", &detail, true),
            None => true,
        };
        if let (true, Some(url)) = (proceed, url) {
            let _ = window().open_with_url_and_target_and_features(&url, "_blank", "noopener");
        }
    };
    view! {
        <p class="cc-ask">
            <button type="button" class="cc-button cc-secondary" on:click=on_click>
                {i18n::current().text().ask}
            </button>
        </p>
    }
}

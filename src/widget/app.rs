//! The root component and the open/close state every part of the widget shares.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use web_sys::HtmlElement;

use super::Popover;
use crate::api::CodeSystem;

/// Settings from the embed script's data- attributes, provided as context to the card and
/// handed whole to every search box of the same instance.
#[derive(Clone, Debug)]
pub struct WidgetConfig {
    /// Base URL of the JSON API, without a trailing slash.
    pub endpoint: String,
    /// How long a lookup may take before the card reports it.
    pub timeout_ms: u32,
    /// The site key of the embed script, sent with every card request.
    pub site_key: Option<String>,
    /// The "Ask about this code" action, when the site enabled it.
    pub ask: Option<super::ask::Ask>,
    /// The language of the widget's own words.
    pub lang: super::i18n::Lang,
    /// The palette the site forced; `None` follows `prefers-color-scheme`.
    pub theme: Option<Theme>,
    /// The stylesheet of every shadow root.
    pub styles: super::dom::Styles,
}

/// A palette a site can force with `data-theme`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// The light palette.
    Light,
    /// The dark palette.
    Dark,
}

impl Theme {
    /// `light` or `dark`; `None` for anything else (`auto` included).
    pub fn parse(name: &str) -> Option<Theme> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The value of the `data-theme` attribute.
    pub fn id(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl WidgetConfig {
    /// How this widget's shadow roots start.
    pub fn look(&self) -> super::dom::ShadowLook<'_> {
        super::dom::ShadowLook { styles: &self.styles, theme: self.theme.map(Theme::id), lang: self.lang.tag() }
    }
}

/// What the open card is about: a code and the page element it belongs to.
#[derive(Clone, Debug)]
pub struct Target {
    /// The code element on the host page; focus returns to it on close.
    pub anchor: SendWrapper<HtmlElement>,
    /// The code as written on the page.
    pub code: String,
    /// The system the page named, if any.
    pub system: Option<CodeSystem>,
    /// Distinguishes two openings of the same code, so a reopened card starts afresh.
    pub serial: u32,
}

impl Target {
    /// A new target; every call gets a new serial.
    pub fn new(anchor: HtmlElement, code: String, system: Option<CodeSystem>) -> Target {
        static SERIAL: AtomicU32 = AtomicU32::new(0);
        Target { anchor: SendWrapper::new(anchor), code, system, serial: SERIAL.fetch_add(1, Ordering::Relaxed) }
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.serial == other.serial
    }
}

thread_local! {
    /// The open/close state that last opened a card. The page has one card at a time, whichever
    /// widget (loader instance) or search box opened it.
    static SHOWN: std::cell::Cell<Option<RwSignal<Option<Target>>>> = const { std::cell::Cell::new(None) };
}

/// Opens a card, closing the previous one (whose code then reports `aria-expanded="false"`),
/// also another widget's.
pub fn open(state: RwSignal<Option<Target>>, target: Target) {
    if let Some(other) = SHOWN.replace(Some(state))
        && other != state
    {
        close(other, false);
    }
    if let Some(previous) = state.get_untracked() {
        let _ = previous.anchor.set_attribute("aria-expanded", "false");
        announce(&previous, "codecard:close");
    }
    let _ = target.anchor.set_attribute("aria-expanded", "true");
    announce(&target, "codecard:open");
    state.set(Some(target));
}

/// Tells the host page, on the code's element, that its card opened or closed.
fn announce(target: &Target, event: &str) {
    use super::dom::{object, or_null};
    let detail = object(&[("code", target.code.as_str().into()), ("system", or_null(target.system.map(|s| s.id())))]);
    super::dom::emit(&target.anchor, event, &detail, false);
}

/// Closes the card. With `return_focus`, focus goes back to the code that opened it, as a
/// dialog must; not when the click that closed it put focus elsewhere.
pub fn close(state: RwSignal<Option<Target>>, return_focus: bool) {
    // `try_`: another widget's state, closed from here, may have been disposed of.
    if let Some(previous) = state.try_get_untracked().flatten() {
        let _ = previous.anchor.set_attribute("aria-expanded", "false");
        state.set(None);
        announce(&previous, "codecard:close");
        if return_focus {
            super::dom::focus_without_scrolling(&previous.anchor);
        }
    }
}

/// The widget's root: at most one card, for the current target.
#[component]
pub fn App(
    /// The open card's target; `None` when closed.
    target: RwSignal<Option<Target>>,
) -> impl IntoView {
    // A new target rebuilds the card; the old one is disposed of, which aborts its request and
    // removes its listeners. No memo is needed to skip equal targets: `target` is written only
    // by `open` (a new target, with a new serial) and by `close` (when a card is open).
    move || target.get().map(|t| view! { <Popover target=t state=target /> })
}

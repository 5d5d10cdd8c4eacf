//! Small DOM helpers: the shadow host and event listeners that remove themselves.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{EventTarget, HtmlElement, ShadowRootInit, ShadowRootMode};

/// Creates `<div data-codecard-host>` at the end of `<body>` with an open shadow root holding
/// the stylesheet link and an empty container, and returns the host and the container.
pub fn shadow_host(styles_url: &str, theme: Option<&str>, lang: &str) -> Result<(HtmlElement, HtmlElement), JsValue> {
    let document = leptos::prelude::document();
    let body = document.body().ok_or("the page has no <body>")?;
    let host: HtmlElement = document.create_element("div")?.unchecked_into();
    host.set_attribute("data-codecard-host", "")?;
    if let Some(theme) = theme {
        host.set_attribute("data-theme", theme)?;
    }
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let link = document.create_element("link")?;
    link.set_attribute("rel", "stylesheet")?;
    link.set_attribute("href", styles_url)?;
    shadow.append_child(&link)?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_attribute("class", "cc-root")?;
    container.set_attribute("lang", lang)?;
    shadow.append_child(&container)?;
    body.append_child(&host)?;
    Ok((host, container))
}

/// Moves focus to `element` without scrolling the page: the card is fixed to the viewport, and a
/// page that jumps when a card opens or closes loses the reader's place.
pub fn focus_without_scrolling(element: &HtmlElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = element.focus_with_options(&options);
}

/// Dispatches a bubbling, composed `CustomEvent` named `name` on `target` with `detail` (as a
/// plain object), so host pages and frameworks can listen on any ancestor of a code. Returns
/// false when a listener cancelled a `cancelable` event.
pub fn emit(target: &web_sys::EventTarget, name: &str, detail: &serde_json::Value, cancelable: bool) -> bool {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(&js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL));
    match web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(event) => target.dispatch_event(&event).unwrap_or(true),
        Err(_) => true,
    }
}

/// An event listener that is removed when this value is dropped.
pub struct Listener {
    target: EventTarget,
    event: &'static str,
    capture: bool,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    /// Listens for `event` on `target`; `capture` also catches events that do not bubble, such
    /// as `scroll` in nested scrolling panels.
    pub fn new(
        target: &EventTarget,
        event: &'static str,
        capture: bool,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Listener {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        let _ = target.add_event_listener_with_callback_and_bool(event, callback.as_ref().unchecked_ref(), capture);
        Listener { target: target.clone(), event, capture, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.event,
            self.callback.as_ref().unchecked_ref(),
            self.capture,
        );
    }
}

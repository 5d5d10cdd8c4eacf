//! Small DOM helpers: shadow roots, focus, events, and listeners and observers that remove
//! themselves.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, EventTarget, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The card's stylesheet: its text (fetched by the loader over `connect-src`) and its address.
#[derive(Clone, Debug, Default)]
pub struct Styles {
    /// The CSS itself; empty when the embedder passed only the address.
    pub text: String,
    /// Where the CSS lives, for browsers without constructable stylesheets.
    pub url: String,
}

/// What every shadow root of the widget starts with: its styles, theme and language.
#[derive(Clone, Debug)]
pub struct ShadowLook<'a> {
    /// The stylesheet.
    pub styles: &'a Styles,
    /// `light` or `dark` when the site forced one; `None` follows `prefers-color-scheme`.
    pub theme: Option<&'a str>,
    /// The language tag of the widget's own words.
    pub lang: &'a str,
}

/// Creates `<div data-codecard-host>` at the end of `<body>` with an open shadow root (see
/// [`shadow_container`]), and returns the host and the container.
pub fn shadow_host(look: &ShadowLook) -> Result<(HtmlElement, HtmlElement), JsValue> {
    let document = document();
    let body = document.body().ok_or("the page has no <body>")?;
    let host: HtmlElement = document.create_element("div")?.unchecked_into();
    host.set_attribute("data-codecard-host", "")?;
    if let Some(theme) = look.theme {
        host.set_attribute("data-theme", theme)?;
    }
    let container = shadow_container(&host, look, "cc-root")?;
    body.append_child(&host)?;
    Ok((host, container))
}

/// Moves the card's `host` to where a card for `anchor` can be used: inside the anchor's open
/// `<dialog>` when it has one (everything outside a modal dialog is inert: a card drawn over it
/// would take no focus, no click and be absent from the accessibility tree), else at the end of
/// `<body>`. The card is a popover (the top layer) either way, so it still sits
/// above the dialog and outside its overflow.
pub fn rehost(host: &HtmlElement, anchor: &HtmlElement) {
    // Any open dialog: a non-modal one makes nothing inert, and a card inside it is as usable.
    let dialog = anchor.closest("dialog[open]").ok().flatten();
    let place: Option<web_sys::Node> = match dialog {
        Some(dialog) => Some(dialog.into()),
        None => document().body().map(Into::into),
    };
    if let Some(place) = place
        && host.parent_node().as_ref() != Some(&place)
    {
        let _ = place.append_child(host);
    }
}

/// Gives `host` an open shadow root (or empties the one it has: a shadow root cannot be
/// removed) holding the styles and an empty container of class `class`, and returns the
/// container. The container carries the theme and the language.
pub fn shadow_container(host: &HtmlElement, look: &ShadowLook, class: &str) -> Result<HtmlElement, JsValue> {
    let document = document();
    let shadow = match host.shadow_root() {
        Some(shadow) => {
            empty(&shadow);
            shadow
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    adopt_styles(&shadow, look.styles)?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_attribute("class", class)?;
    container.set_attribute("lang", look.lang)?;
    // `all: initial` on the host resets everything but `direction`: without this a card on a
    // right-to-left page would be mirrored. Both of the widget's languages are left to right.
    container.set_attribute("dir", "ltr")?;
    if let Some(theme) = look.theme {
        container.set_attribute("data-theme", theme)?;
    }
    shadow.append_child(&container)?;
    Ok(container)
}

/// Removes every child of `node`: node by node rather than through `innerHTML`, which a page
/// requiring Trusted Types refuses (and the widget never assigns HTML strings).
pub fn empty(node: &web_sys::Node) {
    while let Some(child) = node.last_child() {
        let _ = node.remove_child(&child);
    }
}

/// Styles a shadow root with a constructed stylesheet: no `<link>` or `<style>` for the page's
/// `style-src` to block. Without the text, or in a browser without constructable stylesheets,
/// a `<link>` to the address.
fn adopt_styles(shadow: &ShadowRoot, styles: &Styles) -> Result<(), JsValue> {
    if !styles.text.is_empty()
        && let Ok(sheet) = CssStyleSheet::new()
        && sheet.replace_sync(&styles.text).is_ok()
    {
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        return Ok(());
    }
    let link = document().create_element("link")?;
    link.set_attribute("rel", "stylesheet")?;
    link.set_attribute("href", &styles.url)?;
    shadow.append_child(&link)?;
    Ok(())
}

/// Moves focus to `element` without scrolling the page: the card is fixed to the viewport, and a
/// page that jumps when a card opens or closes loses the reader's place.
pub fn focus_without_scrolling(element: &HtmlElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = element.focus_with_options(&options);
}

/// After a press outside the card closed it, gives focus back to `anchor` once the press has
/// settled (a mouse press moves focus at once; a tap only with its click), unless the press
/// focused something of its own: pressing a field or a button of the page keeps it focused.
pub fn return_focus_after_press(anchor: &HtmlElement) {
    let pressed_at = js_sys::Date::now();
    let restore = {
        let anchor = anchor.clone();
        move || {
            let document = document();
            let lost = match document.active_element() {
                None => true,
                Some(active) => {
                    Some(&active) == document.body().as_deref() || Some(&active) == document.document_element().as_ref()
                }
            };
            // A click long after the press is a new interaction, not this one.
            if lost && anchor.is_connected() && js_sys::Date::now() - pressed_at < 2000.0 {
                focus_without_scrolling(&anchor);
            }
        }
    };
    let later = restore.clone();
    gloo_timers::callback::Timeout::new(0, later).forget();
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    options.set_capture(true);
    let on_click = Closure::once_into_js(move || gloo_timers::callback::Timeout::new(0, restore).forget());
    let _ = document().add_event_listener_with_callback_and_add_event_listener_options(
        "click",
        on_click.unchecked_ref(),
        &options,
    );
}

/// `v` rounded to `places` decimals and written with integers only, without trailing zeros
/// (`12.5`, `-3`, `0.75`), for CSS values: formatting an `f64` would link core's float printing
/// (Grisu and Dragon4, some 3 KB gzip) into the modules for a few style values.
pub fn decimal(v: f64, places: u32) -> String {
    let scale = 10u64.pow(places);
    // `as` saturates (and makes NaN 0): no CSS length comes near those bounds.
    let scaled = (v * scale as f64).round() as i64;
    let (whole, mut fraction) = (scaled.unsigned_abs() / scale, scaled.unsigned_abs() % scale);
    let mut text = if scaled < 0 { format!("-{whole}") } else { whole.to_string() };
    if fraction > 0 {
        let mut digits = places as usize;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        let fraction = fraction.to_string();
        text.push('.');
        text.extend(std::iter::repeat_n('0', digits - fraction.len()));
        text.push_str(&fraction);
    }
    text
}

/// A plain JS object with `fields` in their order, as `JSON.parse` would give it: an event's
/// `detail`. (Built by hand: serde's serializer for a handful of flat objects cost the modules
/// more code than the objects themselves.)
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

/// A JSON value that may be `null`: `Some(value)` as a JS value, `None` as `null`.
pub fn or_null<T: Into<JsValue>>(value: Option<T>) -> JsValue {
    value.map_or(JsValue::NULL, Into::into)
}

/// Dispatches a bubbling, composed `CustomEvent` named `name` on `target` with `detail` (a
/// plain object, see [`object`]), so host pages and frameworks can listen on any ancestor of a
/// code. Returns false when a listener cancelled a `cancelable` event.
pub fn emit(target: &web_sys::EventTarget, name: &str, detail: &JsValue, cancelable: bool) -> bool {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(detail);
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
    callback: Closure<dyn Fn(web_sys::Event)>,
}

impl Listener {
    /// Listens for `event` on `target`; `capture` also catches events that do not bubble, such
    /// as `scroll` in nested scrolling panels. `Fn`, not `FnMut`: a handler may run again inside
    /// itself (the page fires, from its own code, the event the handler set off: an input's
    /// attribute callback, say), which an `FnMut` closure refuses with an error.
    pub fn new(
        target: &EventTarget,
        event: &'static str,
        capture: bool,
        callback: impl Fn(web_sys::Event) + 'static,
    ) -> Listener {
        Listener::listen(target, event, capture, Closure::new(callback))
    }

    fn listen(
        target: &EventTarget,
        event: &'static str,
        capture: bool,
        callback: Closure<dyn Fn(web_sys::Event)>,
    ) -> Listener {
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

/// A `ResizeObserver` on some elements that disconnects when this value is dropped.
pub struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut()>,
}

impl ResizeWatch {
    /// Calls `callback` whenever one of `elements` changes size (and once when observed).
    pub fn new(elements: &[&web_sys::Element], callback: impl FnMut() + 'static) -> Option<ResizeWatch> {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        for element in elements {
            observer.observe(element);
        }
        Some(ResizeWatch { observer, _callback: callback })
    }
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// An `IntersectionObserver` on one element that disconnects when this value is dropped. It
/// sees an element stop being rendered (`display: none` on it or an ancestor), which a
/// `ResizeObserver` cannot for an inline element (those always measure 0 × 0 to it).
pub struct VisibilityWatch {
    observer: web_sys::IntersectionObserver,
    _callback: Closure<dyn FnMut()>,
}

impl VisibilityWatch {
    /// Calls `callback` whenever `element` starts or stops showing (and once when observed).
    pub fn new(element: &web_sys::Element, callback: impl FnMut() + 'static) -> Option<VisibilityWatch> {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let observer = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(VisibilityWatch { observer, _callback: callback })
    }
}

impl Drop for VisibilityWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A `MutationObserver` on the whole document's tree that disconnects when this value is
/// dropped: it sees an element leave the page, however it was removed. (The code picker's;
/// the card module does not need it.)
#[cfg(feature = "search-box")]
pub struct RemovalWatch {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

#[cfg(feature = "search-box")]
impl RemovalWatch {
    /// Calls `callback` after every change to the document's tree.
    pub fn new(callback: impl FnMut() + 'static) -> Option<RemovalWatch> {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let init = web_sys::MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        observer.observe_with_options(&document(), &init).ok()?;
        Some(RemovalWatch { observer, _callback: callback })
    }
}

#[cfg(feature = "search-box")]
impl Drop for RemovalWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A listbox's or button's `mousedown`: cancelled, so that pressing it leaves focus in the
/// combobox's field.
#[cfg(feature = "search-box")]
pub fn keep_focus(event: web_sys::Event) {
    event.prevent_default();
}

/// Sets attribute `name` of `element` to `value` unless it has that value already: the search
/// box and the picker redraw after every change, and a rewrite of the same value would still be
/// a mutation to the page's observers.
#[cfg(feature = "search-box")]
pub fn set_attr(element: &web_sys::Element, name: &str, value: &str) {
    if element.get_attribute(name).as_deref() != Some(value) {
        let _ = element.set_attribute(name, value);
    }
}

/// Removes attribute `name` of `element` when it has it.
#[cfg(feature = "search-box")]
pub fn unset_attr(element: &web_sys::Element, name: &str) {
    if element.has_attribute(name) {
        let _ = element.remove_attribute(name);
    }
}

/// Sets or removes the boolean attribute `name` of `element` (`hidden`, `disabled`).
#[cfg(feature = "search-box")]
pub fn set_flag(element: &web_sys::Element, name: &str, on: bool) {
    if element.has_attribute(name) != on {
        let _ = element.toggle_attribute_with_force(name, on);
    }
}

/// Sets the text of `element` unless it says that already: a live region that is written the
/// same words may say them again.
#[cfg(feature = "search-box")]
pub fn set_text(element: &web_sys::Node, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// The elements in `parent`, in order.
#[cfg(feature = "search-box")]
pub fn child_elements(parent: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut children = Vec::new();
    let mut next = parent.first_element_child();
    while let Some(child) = next {
        next = child.next_element_sibling();
        children.push(child);
    }
    children
}

/// The `value` of the element an event happened on (a `<select>`), empty when it has none.
#[cfg(feature = "search-box")]
pub fn event_value(event: &web_sys::Event) -> String {
    let target = event.target().map(JsValue::from).unwrap_or_default();
    js_sys::Reflect::get(&target, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// The element matching `selector` that `event` happened in (its target or an ancestor), when
/// it is inside `within`.
#[cfg(feature = "search-box")]
pub fn event_within(event: &web_sys::Event, selector: &str, within: &web_sys::Node) -> Option<web_sys::Element> {
    let found = event.target()?.dyn_into::<web_sys::Element>().ok()?.closest(selector).ok()??;
    within.contains(Some(&found)).then_some(found)
}

/// The page's document.
pub fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

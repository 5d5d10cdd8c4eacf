//! The code picker: `<input data-codecard-picker>` (or `CodeCard.picker(input)`) becomes a search
//! combobox that picks codes into the page's own form field.
//!
//! The input stays the page's: its label, `name`, `required` and form keep working, and the form
//! submits what was picked natively. The list and, in multiple mode, the chips are rendered
//! into the page's DOM next to it (see [`styles`] for why not in a shadow root, and how the
//! page's CSS is kept out all the same).

mod check;
mod chips;
mod choice;
mod field;
mod place;
mod popup;
mod state;
mod styles;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlInputElement};

use super::dom::{self, Listener};
use super::search::Card;
use crate::api::CodeSystem;

/// A picker's options: those given to `CodeCard.picker(input, options)`, each else the input's
/// data- attribute (`data-codecard-picker`, `data-multiple`, `data-billable`, `data-limit`).
struct PickerOptions {
    /// System names, separated by spaces or commas; every system when empty.
    systems: String,
    /// Keep several codes, as chips.
    multiple: bool,
    /// Refuse category headers (the default for pickers: they cannot go on a claim).
    billable: bool,
    /// Results listed at most, as the page wrote it; anything but a whole number from 1 to 50
    /// is warned about and replaced (see [`limit`]).
    limit: String,
}

impl PickerOptions {
    /// Reads `given` (the page's options object, or nothing) as the embed script documents it:
    /// `systems` or `system`, else the attribute, when not empty; `multiple` when given and
    /// not `false` (an attribute without a value turns it on); `billable` unless `false`;
    /// `limit` as written.
    fn read(given: &JsValue, input: &HtmlInputElement) -> PickerOptions {
        let given_option = |name: &str| js_sys::Reflect::get(given, &name.into()).ok();
        let attribute = |name: &str| input.get_attribute(name).map(JsValue::from);
        // An option given (neither undefined nor null), else the input's attribute.
        let option = |name: &str, attribute_name: &str| {
            given_option(name)
                .filter(|value| !value.is_undefined() && !value.is_null())
                .or_else(|| attribute(attribute_name))
        };
        let off = |value: &JsValue| *value == JsValue::FALSE || text(value) == "false";
        let systems = [given_option("systems"), given_option("system"), attribute("data-codecard-picker")]
            .into_iter()
            .flatten()
            .find(JsValue::is_truthy);
        PickerOptions {
            systems: systems.as_ref().map(text).unwrap_or_default(),
            multiple: option("multiple", "data-multiple").is_some_and(|value| !off(&value)),
            billable: option("billable", "data-billable").is_none_or(|value| !off(&value)),
            limit: option("limit", "data-limit").as_ref().map(text).unwrap_or_default(),
        }
    }
}

/// A value as JavaScript's `String(value)` writes it (`3`, `true`, `icd10cm`).
fn text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| value.unchecked_ref::<js_sys::Object>().to_string().into())
}

/// The results a picker lists unless told otherwise.
const DEFAULT_LIMIT: usize = 8;
/// The most the search route lists.
const MAX_LIMIT: usize = 50;

/// The limit the page asked for (`data-limit`, or the `limit` option as text): absent is the
/// default; a number above the most is brought down to it and anything else is the default,
/// each with a console warning (a typo must not stop the picker, nor change it silently).
fn limit(asked: &str) -> usize {
    let asked = asked.trim();
    if asked.is_empty() {
        return DEFAULT_LIMIT;
    }
    let (limit, why) = match asked.parse::<i64>() {
        Ok(n @ 1..=50) => return n as usize,
        Ok(51..) => (MAX_LIMIT, "is above the most the picker lists:"),
        _ => (DEFAULT_LIMIT, "is not a whole number from 1 to 50; the picker lists the default,"),
    };
    web_sys::console::warn_1(&format!("codecard: picker limit \"{asked}\" {why} {limit}").into());
    limit
}

/// The systems named in `names`, or an error naming the one that is no system (a misspelt
/// system must not silently become "every system").
fn systems(names: &str) -> Result<Vec<CodeSystem>, String> {
    names
        .split([' ', ','])
        .filter(|name| !name.is_empty())
        .map(|name| {
            CodeSystem::parse(name).ok_or_else(|| {
                let known: Vec<&str> = CodeSystem::ALL.iter().map(|s| s.id()).collect();
                format!(
                    "codecard: no code system \"{name}\" (known: {}); the field stays a plain input",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The input types a code can be typed into (a missing or unknown `type` is `text`).
const TEXT_TYPES: [&str; 2] = ["text", "search"];

/// `element` as a text input, or the console's error naming it (its start tag, as the page
/// wrote it): a checkbox, a `<textarea>` or a `<select>` cannot hold a typed code, and is left
/// as the page made it.
fn text_input(element: HtmlElement) -> Result<HtmlInputElement, String> {
    match element.dyn_into::<HtmlInputElement>() {
        Ok(input) if TEXT_TYPES.contains(&input.type_().as_str()) => Ok(input),
        Ok(input) => Err(refusal(&input)),
        Err(element) => Err(refusal(&element)),
    }
}

/// A page's mistake that leaves its field a plain input: said on the console, and thrown.
fn refused(message: String) -> JsValue {
    web_sys::console::error_1(&message.as_str().into());
    JsValue::from_str(&message)
}

fn refusal(element: &web_sys::Element) -> String {
    let html = element.outer_html();
    let tag = html.split_inclusive('>').next().unwrap_or_default();
    format!("codecard: a code picker needs a text <input>; {tag} is left as it is")
}

/// Makes `input` a code picker with the settings of `widget_options` (the JSON the card was
/// mounted with) whose cards open through `card`, the card module's handle. `options` is the
/// object the page gave `CodeCard.picker`, if any (see [`PickerOptions::read`]). The picker
/// lives until [`MountedPicker::destroy`].
#[wasm_bindgen]
pub fn mount_picker(
    widget_options: &str,
    card: Card,
    input: HtmlElement,
    options: JsValue,
) -> Result<MountedPicker, JsValue> {
    let input = text_input(input).map_err(refused)?;
    let config = super::config(widget_options)?;
    let options = PickerOptions::read(&options, &input);
    let systems = systems(&options.systems).map_err(refused)?;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let id = format!("codecard-pick-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    styles::adopt();

    let document = dom::document();
    let popup: HtmlElement = document.create_element("div")?.unchecked_into();
    popup.set_attribute("data-codecard-pick", "")?;
    popup.set_attribute("data-codecard-host", "")?;
    popup.set_attribute("lang", config.lang.tag())?;
    // Both of the widget's languages are left to right, whatever the page's direction.
    popup.set_attribute("dir", "ltr")?;
    if let Some(theme) = config.theme {
        popup.set_attribute("data-theme", theme.id())?;
    }
    // In a modal dialog or a popover (the top layer) the list must be inside it: under it, the
    // list would be hidden and inert.
    let layer = input.closest("dialog, [popover]")?;
    if layer.is_some() {
        // Important: the stylesheet's own rules are (see styles).
        popup.style().set_property_with_priority("position", "fixed", "important")?;
    }
    match &layer {
        Some(layer) => layer.append_child(&popup)?,
        None => document.body().ok_or("codecard: the page has no <body>")?.append_child(&popup)?,
    };
    let chips_host = if options.multiple {
        let host: HtmlElement = document.create_element("div")?.unchecked_into();
        host.set_attribute("data-codecard-chips", "")?;
        host.set_attribute("data-codecard-host", "")?;
        if let Some(theme) = config.theme {
            host.set_attribute("data-theme", theme.id())?;
        }
        input.after_with_node_1(&host)?;
        Some(host)
    } else {
        None
    };

    let picker = state::new(
        state::Settings {
            input: input.clone(),
            id,
            systems,
            multiple: options.multiple,
            billable_only: options.billable,
            limit: limit(&options.limit),
            endpoint: config.endpoint.clone(),
            timeout_ms: config.timeout_ms,
            lang: config.lang,
            card,
            popup: popup.clone(),
            fixed: layer.is_some(),
        },
        chips_host.as_ref(),
    )?;
    let listeners = picker.listen();
    let relocked = Rc::downgrade(&picker);
    let watch = field::AttributeWatch::new(&input, &["disabled", "readonly"], move || {
        if let Some(picker) = relocked.upgrade() {
            picker.relock();
            picker.redraw();
        }
    });
    let parts = Rc::new(RefCell::new(None::<Parts>));
    // A framework that re-renders the field drops the input without telling us: the picker goes
    // with it (its list, and its chips, whose hidden inputs would still be submitted).
    let gone = {
        let (parts, input) = (Rc::downgrade(&parts), input.clone());
        dom::RemovalWatch::new(move || {
            if !input.is_connected() {
                let parts = parts.clone();
                // Not from inside the observer's own callback, which the teardown drops.
                gloo_timers::callback::Timeout::new(0, move || {
                    if let Some(parts) = parts.upgrade().and_then(|p| p.borrow_mut().take()) {
                        parts.teardown();
                    }
                })
                .forget();
            }
        })
    };
    parts.replace(Some(Parts { picker, listeners, _watch: watch, popup, chips_host, _gone: gone }));
    Ok(MountedPicker { parts })
}

/// A mounted picker, held by the embed script so that teardown can undo it.
#[wasm_bindgen]
pub struct MountedPicker {
    /// `None` once torn down (by [`MountedPicker::destroy`] or because its input left the page).
    parts: Rc<RefCell<Option<Parts>>>,
}

struct Parts {
    picker: state::Picker,
    // Dropping them stops the picker (and lets it go: they hold it).
    listeners: Vec<Listener>,
    _watch: Option<field::AttributeWatch>,
    popup: HtmlElement,
    chips_host: Option<HtmlElement>,
    _gone: Option<dom::RemovalWatch>,
}

impl Parts {
    /// Listeners, list, chips and added attributes go.
    fn teardown(mut self) {
        self.listeners.clear();
        self.picker.restore();
        self.popup.remove();
        if let Some(host) = &self.chips_host {
            host.remove();
        }
        styles::release();
    }
}

#[wasm_bindgen]
impl MountedPicker {
    /// Gives the page its plain input back: listeners, list, chips and added attributes go.
    pub fn destroy(self) {
        if let Some(parts) = self.parts.borrow_mut().take() {
            parts.teardown();
        }
    }
}

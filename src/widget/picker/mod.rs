//! The code picker: `<input data-codecard-picker>` (or `CodeCard.picker(input)`) becomes a search
//! combobox that picks codes into the page's own form field.
//!
//! The input stays the page's: its label, `name`, `required` and form keep working, and the form
//! submits what was picked natively. The list and, in multiple mode, the chips are rendered
//! into the page's DOM next to it (see [`styles`] for why not in a shadow root).

mod check;
mod chips;
mod choice;
mod field;
mod popup;
mod state;
mod styles;
mod words;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlInputElement};

use super::dom::{self, Listener};
use super::search::Card;
use crate::api::CodeSystem;

/// What the loader passes to [`mount_picker`], as JSON.
#[derive(serde::Deserialize)]
struct PickerOptions {
    /// System names, separated by spaces or commas; every system when empty.
    #[serde(default)]
    systems: String,
    /// Keep several codes, as chips.
    #[serde(default)]
    multiple: bool,
    /// Refuse category headers (the default for pickers: they cannot go on a claim).
    #[serde(default = "yes")]
    billable: bool,
    /// Results listed at most; 0 for the default.
    #[serde(default)]
    limit: usize,
}

fn yes() -> bool {
    true
}

/// The results a picker lists unless told otherwise.
const DEFAULT_LIMIT: usize = 8;

/// Makes `input` a code picker with the settings of `widget_options` (the JSON the card was
/// mounted with) whose cards open through `card`, the card module's handle. `options` is the JSON
/// of the picker's options. The picker lives until [`MountedPicker::destroy`].
#[wasm_bindgen]
pub fn mount_picker(
    widget_options: &str,
    card: Card,
    input: HtmlInputElement,
    options: &str,
) -> Result<MountedPicker, JsValue> {
    let config = super::config(widget_options)?;
    // In its own module nothing has started Leptos's task executor yet (mount_to does that, but
    // the picker's state spawns before its first view is mounted).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let card = StoredValue::new_local(card);
    let options: PickerOptions = super::client::decode(options).map_err(|e| {
        let reason = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        JsValue::from_str(&format!("codecard: bad picker options: {reason}"))
    })?;
    let systems: Vec<CodeSystem> = options.systems.split([' ', ',']).filter_map(CodeSystem::parse).collect();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let id = format!("codecard-pick-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    styles::adopt();

    let document = document();
    let popup: HtmlElement = document.create_element("div")?.unchecked_into();
    popup.set_attribute("data-codecard-pick", "")?;
    popup.set_attribute("data-codecard-host", "")?;
    popup.set_attribute("lang", config.lang.tag())?;
    // In a modal dialog or a popover (the top layer) the list must be inside it: under it, the
    // list would be hidden and inert.
    let layer = input.closest("dialog, [popover]")?;
    if layer.is_some() {
        popup.style().set_property("position", "fixed")?;
    }
    match &layer {
        Some(layer) => layer.append_child(&popup)?,
        None => document.body().ok_or("codecard: the page has no <body>")?.append_child(&popup)?,
    };
    let chips_host = if options.multiple {
        let host: HtmlElement = document.create_element("div")?.unchecked_into();
        host.set_attribute("data-codecard-chips", "")?;
        host.set_attribute("data-codecard-host", "")?;
        input.after_with_node_1(&host)?;
        Some(host)
    } else {
        None
    };

    let owner = Owner::new();
    let (picker, handles) = owner.with(|| {
        let picker = state::new(state::Settings {
            input: input.clone(),
            id,
            systems,
            multiple: options.multiple,
            billable_only: options.billable,
            limit: if options.limit == 0 { DEFAULT_LIMIT } else { options.limit.min(50) },
            endpoint: config.endpoint.clone(),
            timeout_ms: config.timeout_ms,
            lang: config.lang,
            card,
            popup: popup.clone(),
            fixed: layer.is_some(),
        });
        let shown = picker.clone();
        let mut handles: Vec<Box<dyn std::any::Any>> =
            vec![Box::new(leptos::mount::mount_to(popup.clone(), move || {
                view! { <popup::Popup picker=shown /> }
            }))];
        if let Some(host) = &chips_host {
            let shown = picker.clone();
            handles.push(Box::new(leptos::mount::mount_to(host.clone(), move || {
                view! { <chips::Chips picker=shown /> }
            })));
        }
        (picker, handles)
    });
    let listeners = picker.listen();
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
    parts.replace(Some(Parts { picker, listeners, handles, owner, popup, chips_host, _gone: gone }));
    Ok(MountedPicker { parts })
}

/// A mounted picker, held by the embed script so that teardown can undo it.
#[wasm_bindgen]
pub struct MountedPicker {
    /// `None` once torn down (by [`MountedPicker::destroy`] or because its input left the page).
    parts: Rc<RefCell<Option<Parts>>>,
}

struct Parts {
    picker: SendWrapper<Rc<state::Inner>>,
    listeners: Vec<Listener>,
    // Dropping them unmounts the views and disposes of their reactive graphs.
    handles: Vec<Box<dyn std::any::Any>>,
    owner: Owner,
    popup: HtmlElement,
    chips_host: Option<HtmlElement>,
    _gone: Option<dom::RemovalWatch>,
}

impl Parts {
    /// Listeners, list, chips and added attributes go.
    fn teardown(mut self) {
        self.listeners.clear();
        self.picker.restore();
        self.handles.clear();
        drop(self.owner);
        self.popup.remove();
        if let Some(host) = &self.chips_host {
            host.remove();
        }
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

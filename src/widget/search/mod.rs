//! The search box: `<div data-codecard-search>` on a page becomes a type-ahead code search
//! (ARIA combobox with a listbox popup) whose results open the card.
//!
//! Typing is debounced; each new query aborts the request of the one before, and the previous
//! results stay on screen until the new ones arrive, so the list does not flicker while typing
//! (see [`crate::widget::typeahead`], which also says why this module has no Leptos).

mod filters;
mod results;
mod search_box;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::dom::{self, Listener};
use search_box::SearchBox;

#[wasm_bindgen]
extern "C" {
    /// The card, which lives in the card module: the loader hands its `Widget` handle over.
    pub type Card;

    /// Opens the card for `code` next to `anchor`.
    #[wasm_bindgen(method)]
    pub fn show(this: &Card, anchor: &HtmlElement, code: &str, system: &str);

    /// Whether a card is open.
    #[wasm_bindgen(method, getter, js_name = isOpen)]
    pub fn is_open(this: &Card) -> bool;
}

/// Turns `element` into a search box in its own open shadow root (so the page's CSS cannot
/// reach it), with the styles, theme, language and endpoint of `options` (the JSON the card was
/// mounted with); results open `card`. The box lives until [`MountedSearch::destroy`].
#[wasm_bindgen]
pub fn mount_search(options: &str, element: HtmlElement, card: Card) -> Result<MountedSearch, JsValue> {
    let config = super::config(options)?;
    let container = dom::shadow_container(&element, &config.look(), "cc-root cc-search-root")?;
    let shadow = element.shadow_root().ok_or("codecard: the search box has no shadow root")?;
    let label = element.get_attribute("data-label");
    let (search_box, listeners) = SearchBox::mount(&container, &config, card, label)?;
    Ok(MountedSearch { shadow, _search_box: search_box, listeners })
}

/// A mounted search box, held by the embed script so that teardown can remove it.
#[wasm_bindgen]
pub struct MountedSearch {
    shadow: web_sys::ShadowRoot,
    _search_box: Rc<SearchBox>,
    // Dropping them stops the box (and lets it go: they hold it).
    listeners: Vec<Listener>,
}

#[wasm_bindgen]
impl MountedSearch {
    /// Unmounts the box and shows the element's own content again (through a slot).
    pub fn destroy(mut self) {
        self.listeners.clear();
        // Nodes, not an HTML string: a page requiring Trusted Types refuses innerHTML.
        dom::empty(&self.shadow);
        if let Ok(slot) = dom::document().create_element("slot") {
            let _ = self.shadow.append_child(&slot);
        }
    }
}

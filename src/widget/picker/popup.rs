//! The picker's list: a listbox of results under the input (in the page's DOM, so the input's
//! `aria-controls` and `aria-activedescendant` can name it), the explanation when a header was
//! picked, a button that opens the active result's card, the live region and the field's
//! message.

use std::cell::Cell;

use web_sys::{Element, HtmlElement};

use super::state::Inner;
use crate::widget::dom::{self, document};
use crate::widget::fixed::{self, el};
use crate::widget::i18n::{self, Lang};

/// The id of the listbox of the picker whose ids start with `id`.
pub fn list_id(id: &str) -> String {
    format!("{id}-list")
}

/// The id of the element holding the field's validation message.
pub fn message_id(id: &str) -> String {
    format!("{id}-message")
}

/// The list's elements, drawn once; [`Popup::draw`] brings them up to date.
pub struct Popup {
    lang: Lang,
    status: Element,
    message: Element,
    frame: Element,
    note: Element,
    list: Element,
    open_card: Element,
    /// The results whose options are drawn.
    drawn: Cell<Option<u32>>,
}

impl Popup {
    /// Draws the list's frame into `host`; `id` prefixes the ids of its parts.
    pub fn new(host: &HtmlElement, id: &str, lang: Lang) -> Result<Popup, wasm_bindgen::JsValue> {
        let text = lang.search_text();
        fixed::replace_children(
            host,
            vec![
                // One polite live region: the latest change to the field when there is one (a
                // chip added or removed, a header's children offered), else what the search found.
                el("p").class("cc-pick-sr").attr("role", "status").attr("aria-live", "polite").into(),
                // What the input's aria-describedby names while it is invalid.
                el("p").attr("id", message_id(id)).class("cc-pick-message").attr("hidden", "").into(),
                el("div")
                    .class("cc-pick-box")
                    .attr("hidden", "")
                    .child(
                        el("ul")
                            .attr("id", list_id(id))
                            .attr("role", "listbox")
                            .attr("aria-label", text.matching_codes),
                    )
                    .into(),
            ],
        );
        let children = dom::child_elements(host);
        let [status, message, frame] =
            <[Element; 3]>::try_from(children).map_err(|_| "codecard: the list was not drawn")?;
        let list = frame.first_element_child().ok_or("codecard: the list was not drawn")?;
        let document = document();
        let note = document.create_element("p")?;
        note.set_class_name("cc-pick-note");
        let open_card = document.create_element("button")?;
        for (name, value) in [("type", "button"), ("class", "cc-pick-open"), ("tabindex", "-1")] {
            open_card.set_attribute(name, value)?;
        }
        Ok(Popup { lang, status, message, frame, note, list, open_card, drawn: Cell::new(None) })
    }

    /// Brings the list up to date with `picker`; `open`: whether it shows.
    pub fn draw(&self, picker: &Inner, open: bool) {
        let lang = self.lang;
        let mut status = picker.announced();
        if status.is_empty() {
            status = picker.search.status();
        }
        dom::set_text(&self.status, &status);
        dom::set_flag(&self.message, "hidden", !picker.shows_message());
        dom::set_text(&self.message, &picker.message());
        dom::set_flag(&self.frame, "hidden", !open);
        match picker.header() {
            Some(header) => {
                dom::set_text(&self.note, &i18n::children_of(lang, &header.display_code));
                if !self.note.is_connected() {
                    let _ = self.frame.insert_before(&self.note, Some(&self.list));
                }
            }
            None => self.note.remove(),
        }
        let hits = picker.hits();
        let tag = lang.search_text().header_short;
        picker.search.draw_options(&self.list, &self.drawn, &hits, |i, hit| {
            el("li")
                .attr("id", picker.option_id(i))
                .attr("role", "option")
                .attr("aria-selected", "false")
                .child(el("span").class("cc-pick-code").child(hit.display_code.as_str()))
                .child(el("span").class("cc-pick-title").child(hit.title.as_str()))
                .maybe((!hit.billable).then(|| el("span").class("cc-pick-tag").child(tag).into()))
                .into()
        });
        let active = picker.search.active();
        match hits.get(active.unwrap_or(0)) {
            Some(hit) => {
                dom::set_text(&self.open_card, &i18n::open_card(lang, &hit.display_code));
                if !self.open_card.is_connected() {
                    let _ = self.frame.append_child(&self.open_card);
                }
            }
            None => self.open_card.remove(),
        }
    }

    /// The position of `option` in the list.
    pub fn index_of(&self, option: &Element) -> Option<usize> {
        dom::child_elements(&self.list).iter().position(|li| li == option)
    }
}

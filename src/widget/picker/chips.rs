//! Multiple mode: the picked codes as chips after the input, each with a remove button (a real
//! button, so Tab reaches it and Enter or Space removes it) and a hidden input carrying the
//! field's `name`, so the form submits one field per code (`dx=E11.9&dx=I10`).

use std::cell::RefCell;

use web_sys::{Element, HtmlElement};

use super::choice::Choice;
use super::state::Inner;
use crate::widget::dom;
use crate::widget::fixed::{self, el};
use crate::widget::i18n::{self, Lang};

/// The chips' list, drawn once; [`Chips::draw`] brings it up to date.
pub struct Chips {
    lang: Lang,
    host: HtmlElement,
    list: Element,
    /// The field's `name`, which every chip's hidden input carries.
    name: String,
    /// The input's `form` attribute: an input outside its form (`form="claim"`) has the chips'
    /// inputs belong to the same form.
    form: Option<String>,
    /// The chips drawn.
    drawn: RefCell<Vec<Choice>>,
}

impl Chips {
    /// Draws the (empty) list into `host`.
    pub fn new(
        host: &HtmlElement,
        lang: Lang,
        name: String,
        form: Option<String>,
    ) -> Result<Chips, wasm_bindgen::JsValue> {
        let list = el("ul").attr("aria-label", i18n::picked_codes(lang)).attr("hidden", "");
        fixed::replace_children(host, vec![list.into()]);
        let list = host.first_element_child().ok_or("codecard: the chips were not drawn")?;
        Ok(Chips { lang, host: host.clone(), list, name, form, drawn: RefCell::default() })
    }

    /// Where the chips are: their buttons' clicks are heard there.
    pub fn host(&self) -> &web_sys::EventTarget {
        &self.host
    }

    /// Brings the chips up to date with `picker`.
    pub fn draw(&self, picker: &Inner) {
        let picked = picker.picked();
        if *self.drawn.borrow() != picked {
            let chips = picked
                .iter()
                .map(|choice| {
                    let mut input = el("input").attr("type", "hidden").attr("name", self.name.as_str());
                    if let Some(form) = &self.form {
                        input = input.attr("form", form.as_str());
                    }
                    el("li")
                        .child(el("span").attr("title", choice.title.as_str()).child(choice.display_code.as_str()))
                        .child(
                            el("button")
                                .attr("type", "button")
                                .attr("aria-label", i18n::remove_chip(self.lang, &choice.display_code, &choice.title))
                                .child("×"),
                        )
                        // Disabled with the field: a disabled field is not submitted.
                        .child(input.attr("value", choice.display_code.as_str()))
                        .into()
                })
                .collect();
            fixed::replace_children(&self.list, chips);
            self.drawn.replace(picked.clone());
        }
        dom::set_flag(&self.list, "hidden", picked.is_empty());
        for chip in dom::child_elements(&self.list) {
            for (part, off) in [("button", picker.locked()), ("input", picker.disabled())] {
                if let Ok(Some(part)) = chip.query_selector(part) {
                    dom::set_flag(&part, "disabled", off);
                }
            }
        }
    }

    /// The position of the chip whose remove button is `button`.
    pub fn index_of(button: &Element) -> Option<usize> {
        let chip = button.parent_element()?;
        let list = chip.parent_element()?;
        dom::child_elements(&list).iter().position(|li| *li == chip)
    }
}

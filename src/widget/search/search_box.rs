//! The search field and its state: debounced typing, keyboard navigation of the results,
//! opening the card for a chosen one, and the status line.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, FocusEvent, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::Card;
use super::filters::filters;
use super::results::{self, option_id};
use crate::api::{CodeSystem, SearchHit};
use crate::widget::app::WidgetConfig;
use crate::widget::client::{self, SearchRequest};
use crate::widget::dom::{self, Listener};
use crate::widget::fixed::{self, el};
use crate::widget::i18n::Lang;
use crate::widget::typeahead::Typeahead;

/// The search field, its filters, its status line and the listbox of results, drawn into a
/// container; the box redraws itself after every change.
pub struct SearchBox {
    lang: Lang,
    card: Card,
    search: Typeahead,
    /// The text as typed.
    text: RefCell<String>,
    /// Only this system, when one is chosen.
    system: Cell<Option<CodeSystem>>,
    billable_only: Cell<bool>,
    /// Whether the list may show (the field was focused or typed into since it was cleared).
    expanded: Cell<bool>,
    /// The results whose options are drawn ([`Typeahead::serial`]).
    drawn: Cell<Option<u32>>,
    root: Element,
    input: HtmlInputElement,
    status: Element,
    list: Element,
}

impl SearchBox {
    /// Draws the box into `container`, labelled `label` (the widget's own words when absent);
    /// chosen results open `card`. The listeners it returns drive it until they are dropped.
    pub fn mount(
        container: &HtmlElement,
        config: &WidgetConfig,
        card: Card,
        label: Option<String>,
    ) -> Result<(Rc<SearchBox>, Vec<Listener>), wasm_bindgen::JsValue> {
        let lang = config.lang;
        let words = lang.search_text();
        let label = label.unwrap_or_else(|| words.search_label.to_string());
        let field = el("input")
            .attr("id", "cc-search-input")
            .class("cc-search-input")
            .attr("type", "search")
            .attr("role", "combobox")
            .attr("autocomplete", "off")
            .attr("spellcheck", "false")
            .attr("placeholder", words.search_placeholder)
            .attr("aria-autocomplete", "list")
            .attr("aria-controls", "cc-search-list")
            .attr("aria-describedby", "cc-search-status")
            .attr("aria-expanded", "false");
        let markup = el("div")
            .class("cc-search")
            .attr("aria-busy", "false")
            .child(el("label").class("cc-search-label").attr("for", "cc-search-input").child(label))
            .child(el("div").class("cc-search-row").child(field).children(filters(lang).map(Into::into)))
            .child(
                el("p")
                    .attr("id", "cc-search-status")
                    .class("cc-search-status")
                    .attr("role", "status")
                    .attr("aria-live", "polite"),
            )
            .child(
                el("ul")
                    .attr("id", "cc-search-list")
                    .class("cc-search-list")
                    .attr("role", "listbox")
                    .attr("aria-label", words.matching_codes)
                    // Out of the Tab order: Chromium makes a scrolling box a Tab stop of its own,
                    // and the field drives this list (`aria-activedescendant`).
                    .attr("tabindex", "-1")
                    .attr("hidden", ""),
            );
        fixed::replace_children(container, vec![markup.into()]);
        let find = |selector: &str| {
            container.query_selector(selector).ok().flatten().ok_or("codecard: the search box was not drawn")
        };
        let (root, input, status, list) = (find(".cc-search")?, find("input")?, find("p")?, find("ul")?);
        let (select, checkbox) = (find("select")?, find("[type=checkbox]")?);
        let search_box = Rc::new_cyclic(|me: &Weak<SearchBox>| {
            let me = me.clone();
            let changed = Box::new(move || {
                if let Some(me) = me.upgrade() {
                    me.redraw();
                }
            });
            SearchBox {
                lang,
                card,
                search: Typeahead::new(config.endpoint.clone(), config.timeout_ms, lang, changed),
                text: RefCell::default(),
                system: Cell::default(),
                billable_only: Cell::default(),
                expanded: Cell::default(),
                drawn: Cell::default(),
                root,
                input: input.unchecked_into(),
                status,
                list,
            }
        });
        // Each handler changes the state, then the box redraws.
        let on = |target: &Element, event: &'static str, handle: fn(&SearchBox, Event)| {
            let me = search_box.clone();
            Listener::new(target, event, false, move |event| {
                handle(&me, event);
                me.redraw();
            })
        };
        let listeners = vec![
            on(search_box.input.as_ref(), "input", SearchBox::typed),
            on(search_box.input.as_ref(), "keydown", SearchBox::key),
            on(search_box.input.as_ref(), "focus", |me, _| me.expanded.set(true)),
            // Focus gone from the box (not to its filters): the list closes, as a combobox's does.
            on(&search_box.root, "focusout", |me, event| {
                let to = event.dyn_ref::<FocusEvent>().and_then(FocusEvent::related_target);
                if !me.root.contains(to.as_ref().and_then(|to| to.dyn_ref())) {
                    me.expanded.set(false);
                }
            }),
            on(&select, "change", |me, event| {
                let value = dom::event_value(&event);
                me.system.set(CodeSystem::parse(&value));
            }),
            on(&checkbox, "change", |me, event| {
                let checked = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
                me.billable_only.set(checked.is_some_and(|input| input.checked()));
            }),
            // Pressing an option leaves focus in the field.
            on(&search_box.list, "mousedown", |_, event| dom::keep_focus(event)),
            on(&search_box.list, "click", SearchBox::clicked),
        ];
        Ok((search_box, listeners))
    }

    /// What the box searches: the settled text with the filters.
    fn request(&self) -> SearchRequest {
        SearchRequest {
            text: self.search.settled().trim().to_string(),
            system: self.system.get(),
            billable_only: self.billable_only.get(),
            limit: client::SEARCH_PAGE,
        }
    }

    fn hits(&self) -> Vec<SearchHit> {
        self.search.shown(|s| s.map(|s| s.results.results.clone()).unwrap_or_default())
    }

    fn open_list(&self) -> bool {
        self.expanded.get() && !self.text.borrow().is_empty() && self.search.shown(|s| s.is_some())
    }

    fn typed(&self, _: Event) {
        let value = self.input.value();
        self.text.replace(value.clone());
        self.expanded.set(true);
        // The option chosen with the arrows was one of the previous text's.
        self.search.set_active(None);
        self.search.typed(value);
    }

    fn open_card(&self, hit: &SearchHit) {
        self.card.show(&self.input, &hit.display_code, hit.system.id());
    }

    fn clear(&self) {
        self.text.replace(String::new());
        self.search.settle_now(String::new());
        self.search.set_active(None);
        self.search.clear_problem();
        self.expanded.set(false);
        self.input.set_value("");
    }

    fn key(&self, event: Event) {
        // The keys that end or steer an IME composition belong to it.
        let Some(event) = event.dyn_ref::<KeyboardEvent>().filter(|event| !event.is_composing()) else { return };
        let hits = self.hits();
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" if !hits.is_empty() => {
                event.prevent_default();
                self.expanded.set(true);
                self.search.step(event.key() == "ArrowDown", hits.len());
            }
            // The last search of this text failed: Enter tries it again.
            "Enter" if !self.search.problem().is_empty() => {
                event.prevent_default();
                self.search.settle_now(self.text.borrow().clone());
                self.search.retry();
            }
            // Without an option chosen with the arrows, the list is taken at its word only when it
            // answers the text in the field (not a previous one still showing, its successor still
            // loading or failed): else the search goes now, and the next Enter opens its first.
            "Enter" if !hits.is_empty() => {
                let typed = self.text.borrow().clone();
                let fresh = self.search.settled() == typed
                    && self.search.shown(|s| s.is_some_and(|s| s.request == self.request()));
                if self.search.active().is_none() && !fresh {
                    self.search.settle_now(typed);
                } else if let Some(hit) = hits.get(self.search.chosen()) {
                    event.prevent_default();
                    self.open_card(hit);
                }
            }
            // With a card open, Esc belongs to the card (it closes and gives focus back here).
            "Escape" if !self.card.is_open() => {
                event.prevent_default();
                self.clear();
            }
            _ => {}
        }
    }

    /// A click in the list: on an option, it becomes the active one and its card opens.
    fn clicked(&self, event: Event) {
        let Some(option) = dom::event_within(&event, "li", &self.list) else { return };
        let index = dom::child_elements(&self.list).iter().position(|li| *li == option);
        if let Some((i, hit)) = index.and_then(|i| Some((i, self.hits().get(i)?.clone()))) {
            self.search.set_active(Some(i));
            self.open_card(&hit);
        }
    }

    /// Brings the page up to date with the state: asks for the current request, then sets the
    /// field's state, the status line and the list.
    fn redraw(&self) {
        self.search.want(self.request());
        let (open, loading) = (self.open_list(), self.search.loading());
        dom::set_attr(&self.root, "aria-busy", if loading { "true" } else { "false" });
        dom::set_attr(&self.input, "aria-expanded", if open { "true" } else { "false" });
        let active = self.search.active().filter(|_| open);
        match active {
            Some(i) => dom::set_attr(&self.input, "aria-activedescendant", &option_id(i)),
            None => dom::unset_attr(&self.input, "aria-activedescendant"),
        }
        // (A search under way has not failed: `loading` says so.)
        let status = if loading { self.lang.search_text().searching.to_string() } else { self.search.status() };
        dom::set_text(&self.status, &status);
        dom::set_flag(&self.list, "hidden", !open);
        self.search.draw_options(&self.list, &self.drawn, &self.hits(), |i, hit| results::option(self.lang, i, hit));
    }
}

//! One picker's state and behaviour: what is typed, what is listed, what is picked, and the
//! page input's listeners that drive it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::check::{self, Verdict};
use super::chips::Chips;
use super::choice::Choice;
use super::popup::{self, Popup};
use super::{field, place};
use crate::api::{CodeSystem, SearchHit};
use crate::widget::client::SearchRequest;
use crate::widget::dom::{self, Listener};
use crate::widget::i18n::{self, Lang};
use crate::widget::search::Card;
use crate::widget::typeahead::Typeahead;

/// What a picker is given.
pub struct Settings {
    /// The page's input.
    pub input: HtmlInputElement,
    /// The prefix of the ids of its list and options.
    pub id: String,
    /// The systems it accepts; every system when empty.
    pub systems: Vec<CodeSystem>,
    /// Several codes, as chips.
    pub multiple: bool,
    /// Refuse category headers.
    pub billable_only: bool,
    /// Results listed at most.
    pub limit: usize,
    /// The JSON API.
    pub endpoint: String,
    /// A request's deadline.
    pub timeout_ms: u32,
    /// The language of the picker's words.
    pub lang: Lang,
    /// The widget's card: Alt+Enter opens it.
    pub card: Card,
    /// Where the list is rendered.
    pub popup: HtmlElement,
    /// The list is inside a dialog or popover (the top layer): placed in the viewport's
    /// coordinates rather than the page's.
    pub fixed: bool,
}

/// The longest text searched, in characters: the search route's own cap (longer is refused).
const MAX_QUERY_CHARS: usize = 200;

/// A picker, shared by its listeners.
pub type Picker = Rc<Inner>;

/// The settings and the state.
pub struct Inner {
    pub settings: Settings,
    /// The text as typed.
    text: RefCell<String>,
    /// A header picked where only billable codes go: its billable children are listed.
    header: RefCell<Option<Choice>>,
    /// What the list shows, why not when the search failed, and the active option.
    pub search: Typeahead,
    /// Whether the list may show.
    expanded: Cell<bool>,
    /// The chips (multiple mode).
    picked: RefCell<Vec<Choice>>,
    /// The field's validation message, which its `aria-describedby` names; empty when valid.
    message: RefCell<String>,
    /// What the live region says of the latest change to the field (a chip added or removed, a
    /// header's children offered); empty while typing, when the search's status is said.
    announced: RefCell<String>,
    /// The input is disabled or read-only: nothing opens, is picked or removed (kept in step by
    /// an observer of its attributes, so that the chips' buttons follow).
    locked: Cell<bool>,
    /// The input is disabled: the chips' hidden inputs are too.
    disabled: Cell<bool>,
    /// The text being checked, while a check is under way: the same text is not checked twice
    /// (a blur and a submit in a row would otherwise pick it twice).
    checking: RefCell<Option<String>>,
    /// The code the field holds (single mode), once picked or confirmed.
    held: RefCell<Option<Choice>>,
    /// Set while the picker writes the input itself, so its own `input` event is not typing.
    filling: Cell<bool>,
    /// The text was typed and not yet picked or checked: a submit waits for its check.
    dirty: Cell<bool>,
    /// A submit held back until the check answers, with the button that made it.
    resubmit: RefCell<Option<Option<HtmlElement>>>,
    /// Attributes added to the input, restored on teardown.
    added: field::Added,
    /// Torn down: the input is the page's again, and nothing is written to it any more (a page
    /// handler of an event the picker fired may have destroyed it; a check may answer later).
    gone: Cell<bool>,
    /// The input had `required` (in multiple mode a chip meets it).
    required: bool,
    /// The list, drawn into `settings.popup`.
    popup: Popup,
    /// The chips, drawn after the input (multiple mode).
    chips: Option<Chips>,
}

/// Sets up a picker's state, its list and chips, and the input's attributes.
pub fn new(settings: Settings, chips_host: Option<&HtmlElement>) -> Result<Picker, JsValue> {
    let name = settings.input.name();
    let required = settings.input.has_attribute("required");
    let popup = Popup::new(&settings.popup, &settings.id, settings.lang)?;
    let form = settings.input.get_attribute("form");
    let chips = chips_host.map(|host| Chips::new(host, settings.lang, name.clone(), form)).transpose()?;
    let picker = Rc::new_cyclic(|me: &std::rc::Weak<Inner>| {
        let me = me.clone();
        let changed = Box::new(move || {
            if let Some(me) = me.upgrade() {
                me.redraw();
            }
        });
        Inner {
            search: Typeahead::new(settings.endpoint.clone(), settings.timeout_ms, settings.lang, changed),
            required,
            settings,
            popup,
            chips,
            text: RefCell::default(),
            header: RefCell::default(),
            expanded: Cell::default(),
            picked: RefCell::default(),
            announced: RefCell::default(),
            message: RefCell::default(),
            locked: Cell::default(),
            disabled: Cell::default(),
            checking: RefCell::default(),
            held: RefCell::default(),
            filling: Cell::default(),
            dirty: Cell::default(),
            resubmit: RefCell::default(),
            added: field::Added::default(),
            gone: Cell::default(),
        }
    });
    picker.prepare_input();
    picker.relock();
    picker.redraw();
    Ok(picker)
}

impl Inner {
    fn input(&self) -> &HtmlInputElement {
        &self.settings.input
    }

    /// What the list searches: the settled text or, after a header was picked, its billable
    /// children.
    fn request(&self) -> SearchRequest {
        let limit = self.settings.limit;
        match self.header.borrow().as_ref() {
            Some(choice) => SearchRequest {
                text: choice.display_code.clone(),
                system: Some(choice.system),
                billable_only: true,
                limit,
            },
            // Headers are listed (marked) even where they cannot be picked: picking one explains
            // why and offers its children.
            None => SearchRequest {
                text: self.search.settled().trim().chars().take(MAX_QUERY_CHARS).collect(),
                system: if let [one] = self.settings.systems[..] { Some(one) } else { None },
                billable_only: false,
                limit,
            },
        }
    }

    /// The id of the listbox.
    pub fn list_id(&self) -> String {
        popup::list_id(&self.settings.id)
    }

    /// The id of option `i`.
    pub fn option_id(&self, i: usize) -> String {
        format!("{}-option-{i}", self.settings.id)
    }

    /// The options listed: the search's hits among the accepted systems.
    pub fn hits(&self) -> Vec<SearchHit> {
        let systems = &self.settings.systems;
        self.search.shown(|s| {
            s.map(|s| {
                s.results
                    .results
                    .iter()
                    .filter(|h| systems.is_empty() || systems.contains(&h.system))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
        })
    }

    /// The header whose children are listed, if any.
    pub fn header(&self) -> Option<Choice> {
        self.header.borrow().clone()
    }

    /// The chips (multiple mode).
    pub fn picked(&self) -> Vec<Choice> {
        self.picked.borrow().clone()
    }

    /// The field's validation message; empty when valid.
    pub fn message(&self) -> String {
        self.message.borrow().clone()
    }

    /// What the live region says of the latest change to the field; empty for none.
    pub fn announced(&self) -> String {
        self.announced.borrow().clone()
    }

    /// Whether the input takes no changes (the chips' buttons are disabled).
    pub fn locked(&self) -> bool {
        self.locked.get()
    }

    /// Whether the input is disabled (the chips' hidden inputs are too).
    pub fn disabled(&self) -> bool {
        self.disabled.get()
    }

    /// Whether the list may show (it shows when there is something to list).
    pub fn expanded(&self) -> bool {
        self.expanded.get()
    }

    fn close_list(&self) {
        self.expanded.set(false);
        self.header.replace(None);
    }

    /// Whether the page's input takes no changes now (`disabled`, on it or its fieldset, or
    /// `readonly`).
    fn frozen(&self) -> bool {
        self.input().read_only() || self.disabled_now()
    }

    fn disabled_now(&self) -> bool {
        self.input().matches(":disabled").unwrap_or(false)
    }

    /// Follows the input's `disabled` and `readonly`: locked, the list closes; unlocked again
    /// with typed text left unchecked and the field no longer focused (disabling it took focus
    /// away, and no blur may have said so), the text is checked now.
    pub fn relock(self: &Rc<Self>) {
        let locked = self.frozen();
        if locked {
            self.close_list();
        }
        let was_locked = self.locked.replace(locked);
        self.disabled.set(self.disabled_now());
        let input: &web_sys::Element = self.input();
        let focused = dom::document().active_element().as_ref() == Some(input);
        if was_locked && !locked && self.dirty.get() && !focused {
            self.validate();
        }
    }

    /// Whether the field's message shows under it: the browser shows no validity bubble for a
    /// field that takes no changes (it is barred from constraint validation), so a submit the
    /// picker stopped for it says why here.
    pub fn shows_message(&self) -> bool {
        self.locked.get() && !self.message.borrow().is_empty()
    }

    /// Whether the list is showing.
    pub fn open(&self) -> bool {
        let header = self.header.borrow().is_some();
        self.expanded.get()
            && !self.locked.get()
            && (header || !self.text.borrow().trim().is_empty())
            && (header || !self.hits().is_empty())
    }

    /// The combobox pattern on the page's input; in multiple mode the chips carry the `name`.
    fn prepare_input(&self) {
        let input = self.input();
        let added = &self.added;
        added.set(input, "role", "combobox");
        added.set(input, "aria-autocomplete", "list");
        added.set(input, "aria-controls", &self.list_id());
        added.set(input, "aria-expanded", "false");
        added.set(input, "autocomplete", "off");
        added.set(input, "spellcheck", "false");
        if self.settings.multiple {
            added.remove(input, "name");
        }
    }

    /// Brings the page up to date with the state, after every change: asks for the current
    /// request; mirrors the state onto the input (`aria-expanded`, `aria-activedescendant`, and
    /// in multiple mode `required`, met by a chip); draws the list and the chips; and places the
    /// list under the input.
    pub fn redraw(&self) {
        if self.gone.get() {
            return;
        }
        self.search.want(self.request());
        let open = self.open();
        let input = self.input();
        let added = &self.added;
        added.set(input, "aria-expanded", if open { "true" } else { "false" });
        let active = self.search.active().filter(|_| open);
        match active {
            Some(i) => added.set(input, "aria-activedescendant", &self.option_id(i)),
            None => added.remove(input, "aria-activedescendant"),
        }
        if self.settings.multiple && self.required {
            if self.picked.borrow().is_empty() {
                added.set(input, "required", "");
            } else {
                added.remove(input, "required");
            }
        }
        self.popup.draw(self, open);
        if let Some(chips) = &self.chips {
            chips.draw(self);
        }
        // The list scrolls; the keyboard's option must stay in sight.
        if let Some(option) = active.and_then(|i| dom::document().get_element_by_id(&self.option_id(i))) {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
            let _ = js_sys::Reflect::get(&option, &"scrollIntoView".into())
                .and_then(|f| f.unchecked_into::<js_sys::Function>().call1(&option, &options));
        }
        if open {
            self.place();
        }
    }

    /// Places the list at its input (see [`place`]); an input scrolled out of view closes it.
    pub fn place(&self) {
        if !place::place(self.input(), &self.settings.popup, self.settings.fixed) {
            self.close_list();
            self.redraw();
        }
    }

    /// The input's listeners, and those of the list and the chips: each handler changes the
    /// state, then the picker redraws.
    pub fn listen(self: &Rc<Self>) -> Vec<Listener> {
        let on = |target: &web_sys::EventTarget, event: &'static str, capture: bool, handle: fn(&Rc<Inner>, Event)| {
            let me = self.clone();
            Listener::new(target, event, capture, move |event| {
                handle(&me, event);
                // The picker's own writing of the input fires `input` inside a handler of its
                // own, which redraws when it is done.
                if !me.filling.get() {
                    me.redraw();
                }
            })
        };
        let input: &web_sys::EventTarget = self.input();
        let popup: &web_sys::EventTarget = &self.settings.popup;
        let mut listeners = place::follow(self);
        listeners.extend([
            on(input, "input", false, |me, _| me.typed()),
            on(input, "paste", false, |me, event| me.pasted(&event)),
            on(input, "keydown", false, |me, event| {
                if let Ok(event) = event.dyn_into::<KeyboardEvent>() {
                    me.key(&event);
                }
            }),
            on(input, "blur", false, |me, event| {
                me.close_list();
                // Focus went to the card Alt+Enter opened: the text is still being worked on.
                // Focus went to a button that submits the form: the submit checks the text (and
                // waits for it); a chip made now would move the button between press and release,
                // and the click would never land.
                if !me.settings.card.is_open() && !me.to_a_submit_button(&event) {
                    me.validate();
                }
            }),
            // Pressing an option or the list's button leaves focus in the field.
            on(popup, "mousedown", false, |me, event| {
                if dom::event_within(&event, "li,button", &me.settings.popup).is_some() {
                    dom::keep_focus(event);
                }
            }),
            on(popup, "click", false, |me, event| me.clicked(&event)),
        ]);
        if let Some(chips) = &self.chips {
            listeners.push(on(chips.host(), "click", false, |me, event| {
                let chips = me.chips.as_ref().map(|chips| chips.host().clone());
                let button = chips.and_then(|host| dom::event_within(&event, "button", host.unchecked_ref()));
                if let Some(i) = button.and_then(|button| Chips::index_of(&button)) {
                    me.remove_and_refocus(i);
                }
            }));
        }
        if let Some(form) = self.input().form() {
            // Capture: the page's own submit handlers must not see a submit that is held back.
            listeners.push(on(&form, "submit", true, |me, event| me.submitting(&event)));
            listeners.push(on(&form, "reset", false, |me, event| {
                // Once every listener has run: the page's own may cancel the reset (a confirm
                // that said no), and the form then keeps its values, so the chips stay too.
                let me = me.clone();
                gloo_timers::callback::Timeout::new(0, move || {
                    if !event.default_prevented() && !me.gone.get() {
                        me.reset();
                        me.redraw();
                    }
                })
                .forget();
            }));
        }
        listeners
    }

    /// A click in the list: an option is picked; the button opens the card of the active option
    /// (else the first).
    fn clicked(&self, event: &Event) {
        let Some(pressed) = dom::event_within(event, "li,button", &self.settings.popup) else { return };
        let hits = self.hits();
        if pressed.tag_name() == "BUTTON" {
            if let Some(hit) = hits.get(self.search.chosen()) {
                self.open_card(&hit.display_code, Some(hit.system));
            }
        } else if let Some(hit) = self.popup.index_of(&pressed).and_then(|i| hits.get(i)) {
            self.pick(hit);
        }
    }

    /// Whether the focus `event` moves to a button that submits this input's form.
    fn to_a_submit_button(&self, event: &Event) -> bool {
        let (Some(form), Ok(to)) = (self.input().form(), js_sys::Reflect::get(event, &"relatedTarget".into())) else {
            return false;
        };
        let field = |name: &str| js_sys::Reflect::get(&to, &name.into()).unwrap_or(JsValue::UNDEFINED);
        // `<button>` (type submit by default) and `<input type=submit|image>` both say so in `type`.
        let submits = matches!(field("type").as_string().as_deref(), Some("submit" | "image"));
        to.is_object() && submits && field("form") == JsValue::from(form)
    }

    /// A submit while the typed text is unchecked (a check under way, or none yet) waits for the
    /// check: a known code is taken (normalised, or a chip) and the submit made again; anything
    /// else stops it with the field's message.
    fn submitting(self: &Rc<Self>, event: &Event) {
        // A disabled field is not submitted, so there is nothing to check; a read-only one is.
        if !self.dirty.get() || self.disabled_now() || self.input().value().trim().is_empty() {
            return;
        }
        event.prevent_default();
        event.stop_immediate_propagation();
        let submitter = js_sys::Reflect::get(event, &"submitter".into()).ok().and_then(|s| s.dyn_into().ok());
        self.resubmit.replace(Some(submitter));
        self.validate();
    }

    /// The form was reset: no message, no chips, nothing held or listed (the browser reset the
    /// value).
    fn reset(&self) {
        self.set_message("");
        self.picked.replace(Vec::new());
        self.held.replace(None);
        self.dirty.set(false);
        self.close_list();
        // The emptied field lists nothing: the text typed before is gone with its results.
        self.text.replace(String::new());
        self.search.settle_now(String::new());
    }

    fn typed(&self) {
        let value = self.input().value();
        // An `input` event that changed nothing (a page's form library "touching" its fields) is
        // no typing: the field's message, its code and the keyboard's option stay.
        if self.filling.get() || self.frozen() || value == *self.text.borrow() {
            return;
        }
        // A new text is a new answer: the browser's verdict on the old one no longer applies.
        self.set_message("");
        self.held.replace(None);
        self.dirty.set(true);
        self.header.replace(None);
        self.announced.replace(String::new());
        self.text.replace(value.clone());
        self.expanded.set(true);
        // The option chosen with the arrows was one of the previous text's.
        self.search.set_active(None);
        self.search.typed(value);
    }

    fn key(self: &Rc<Self>, event: &KeyboardEvent) {
        // Alt+Enter still opens the card: reading a code changes nothing. The keys that end or
        // steer an IME composition belong to it.
        if event.is_composing() || (self.frozen() && !(event.key() == "Enter" && event.alt_key())) {
            return;
        }
        let hits = self.hits();
        let open = self.open();
        let typed = self.input().value();
        let typed = typed.trim();
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" if !hits.is_empty() => {
                event.prevent_default();
                self.expanded.set(true);
                self.search.step(event.key() == "ArrowDown", hits.len());
            }
            "Enter" if event.alt_key() => {
                event.prevent_default();
                if open && let Some(hit) = hits.get(self.search.chosen()) {
                    self.open_card(&hit.display_code, Some(hit.system));
                } else if !self.input().value().trim().is_empty() {
                    let system = if let [one] = self.settings.systems[..] { Some(one) } else { None };
                    self.open_card(self.input().value().trim(), system);
                }
            }
            "Enter" if open && let Some(hit) = self.search.active().and_then(|i| hits.get(i)) => {
                event.prevent_default();
                self.pick(&hit.clone());
            }
            // Nothing chosen with the arrows: the list is taken at its word only when it answers
            // the text in the field (not a previous one still showing), and a typed code only
            // when the list has that very code; otherwise the code is checked as typed.
            "Enter" if open && !typed.is_empty() => {
                event.prevent_default();
                let fresh =
                    self.search.shown(|s| s.is_some_and(|s| s.request.text == typed)) || self.header.borrow().is_some();
                if check::code_shaped(typed) {
                    match check::exact(if fresh { &hits } else { &[] }, typed, &self.settings.systems) {
                        check::Exact::One(hit) => self.pick(&hit.clone()),
                        _ => self.validate(),
                    }
                } else if fresh && let Some(hit) = hits.first() {
                    self.pick(&hit.clone());
                } else {
                    self.search.settle_now(typed.to_string());
                }
            }
            // A typed code becomes a chip, rather than submitting the form half-filled.
            "Enter" if self.settings.multiple && !typed.is_empty() => {
                event.prevent_default();
                self.validate();
            }
            "Escape" if open => {
                event.prevent_default();
                self.close_list();
                // The same text typed again lists afresh, with no option chosen.
                self.search.set_active(None);
            }
            "Backspace" if self.settings.multiple && self.input().value().is_empty() => {
                let count = self.picked.borrow().len();
                if let Some(last) = count.checked_sub(1) {
                    self.remove(last);
                }
            }
            "Tab" => self.expanded.set(false),
            _ => {}
        }
    }

    /// Opens the widget's card for `code`, next to the input (focus comes back to it on close).
    pub fn open_card(&self, code: &str, system: Option<CodeSystem>) {
        self.expanded.set(false);
        let anchor: HtmlElement = self.input().clone().unchecked_into();
        self.settings.card.show(&anchor, code, system.map_or("", CodeSystem::id));
    }

    /// Picks `hit`: into the input's value (or a chip), unless it is a header the field cannot
    /// take; then its billable children are listed instead.
    pub fn pick(&self, hit: &SearchHit) {
        if self.frozen() {
            return;
        }
        if self.settings.billable_only && !hit.billable {
            self.search.set_active(None);
            self.header.replace(Some(hit.into()));
            self.announced.replace(i18n::children_of(self.settings.lang, &hit.display_code));
            self.expanded.set(true);
            return;
        }
        self.accept(hit.into());
    }

    /// Puts `choice` in the field and tells the page (not of a code that already is a chip).
    fn accept(&self, choice: Choice) {
        if self.gone.get() {
            return;
        }
        self.dirty.set(false);
        self.close_list();
        self.search.set_active(None);
        self.set_message("");
        let new = !self.picked.borrow().contains(&choice);
        if self.settings.multiple {
            if new {
                self.picked.borrow_mut().push(choice.clone());
                self.announced.replace(i18n::chip_changed(
                    self.settings.lang,
                    &choice.display_code,
                    &choice.title,
                    true,
                ));
            }
        } else {
            // Held before it is written: a page that moves focus on from the `change` this
            // fires blurs the field, and that blur must not check (and pick) the code again.
            self.held.replace(Some(choice.clone()));
        }
        // The page sees the field as picked from its first event on: the chip (and its hidden
        // input) drawn, `required` met by it, the list closed (a handler may save or submit the
        // form right away).
        self.redraw();
        self.write(if self.settings.multiple { "" } else { &choice.display_code });
        // (Single mode has no chips: always new.) A page handler of the `input` or `change`
        // just fired may have destroyed the picker.
        if new && !self.gone.get() {
            dom::emit(self.input(), "codecard:select", &choice.detail(), false);
        }
    }

    /// Writes the input as typing would, without taking it for typing.
    fn write(&self, value: &str) {
        self.filling.set(true);
        field::write(self.input(), value);
        self.filling.set(false);
        self.text.replace(value.to_string());
        self.search.settle_now(String::new());
    }

    /// Checks a code typed or pasted without picking: a known one is written in its display
    /// form (or, in multiple mode, becomes a chip); anything else marks the field invalid.
    pub fn validate(self: &Rc<Self>) {
        let written = self.input().value().trim().to_string();
        let held = self.held.borrow().as_ref().is_some_and(|c| c.display_code == written);
        if written.is_empty() || held {
            self.set_message("");
            self.dirty.set(false);
            return;
        }
        // A read-only or disabled field is not written to now; what was typed into it before
        // (a page that disables its fields while it saves a draft) stays unchecked, and is
        // checked once it is enabled again, or when the form is submitted (a read-only field's
        // value is submitted, so a submit held back for it checks it now).
        let submit_held = self.resubmit.borrow().is_some();
        if self.frozen() && (!submit_held || self.disabled_now()) {
            return;
        }
        // The same text is already being checked: that check answers (and resubmits).
        if self.checking.borrow().as_deref() == Some(&written) {
            return;
        }
        self.checking.replace(Some(written.clone()));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let s = &this.settings;
            let verdict = check::check(&s.endpoint, s.timeout_ms, &written, &s.systems, s.billable_only).await;
            this.checking.replace(None);
            // Typing went on meanwhile: that text gets its own check. Torn down: nothing is said.
            if this.gone.get() || this.input().value().trim() != written {
                return;
            }
            this.dirty.set(false);
            let message = this.take(verdict, &written);
            this.set_message(&message);
            // A new chip lifts `required` here, before the form is submitted again.
            this.redraw();
            let resubmit = this.resubmit.take();
            if let (Some(submitter), Some(form)) = (resubmit, this.input().form()) {
                if !message.is_empty() {
                    // A read-only field shows no validity bubble: the message shows under it.
                    if this.shows_message() {
                        this.place();
                    }
                    this.input().report_validity();
                } else {
                    // In a task of its own, as a press of the button would be.
                    gloo_timers::callback::Timeout::new(0, move || {
                        let _ = form.request_submit_with_submitter(submitter.as_ref());
                    })
                    .forget();
                }
            }
        });
    }

    /// Acts on the verdict on `written`: a known code is accepted; anything else is the message
    /// returned (empty when there is nothing to say).
    fn take(&self, verdict: Verdict, written: &str) -> String {
        let (lang, all) = (self.settings.lang, CodeSystem::ALL);
        let systems = if self.settings.systems.is_empty() { &all[..] } else { &self.settings.systems[..] };
        match verdict {
            Verdict::Known(choice) => {
                self.accept(choice);
                String::new()
            }
            Verdict::Unverified => String::new(),
            Verdict::NotACode => i18n::not_a_code(lang, written),
            Verdict::Unknown => i18n::unknown_code(lang, written, systems),
            Verdict::Header(choice) => i18n::header_code(lang, &choice.display_code),
            Verdict::Ambiguous(among) => i18n::ambiguous_code(lang, written, &among),
        }
    }

    /// A list of codes pasted into a multiple picker ("E11.9, I10"): each known one becomes a
    /// chip, and the others stay in the field, with their messages. Anything else (one code,
    /// words) is pasted as usual.
    fn pasted(self: &Rc<Self>, event: &Event) {
        if !self.settings.multiple || self.frozen() {
            return;
        }
        let text = js_sys::Reflect::get(event, &"clipboardData".into())
            .ok()
            .and_then(|data| {
                let get = js_sys::Reflect::get(&data, &"getData".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
                get.call1(&data, &"text/plain".into()).ok()?.as_string()
            })
            .unwrap_or_default();
        let pieces: Vec<String> =
            text.split([',', ';', '\n', '\t']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect();
        if pieces.len() < 2 || !pieces.iter().all(|p| check::code_shaped(p)) {
            return;
        }
        event.prevent_default();
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let s = &this.settings;
            let (mut left, mut messages) = (Vec::new(), Vec::new());
            for piece in pieces {
                let verdict = check::check(&s.endpoint, s.timeout_ms, &piece, &s.systems, s.billable_only).await;
                if this.gone.get() {
                    return;
                }
                let message = this.take(verdict, &piece);
                if !message.is_empty() {
                    messages.push(message);
                    left.push(piece);
                }
            }
            this.write(&left.join(", "));
            this.dirty.set(false);
            this.set_message(&messages.join(" "));
            this.redraw();
        });
    }

    /// Sets the field's validation message (empty: valid): the browser's, and the one its
    /// `aria-describedby` names, with `aria-invalid`.
    fn set_message(&self, message: &str) {
        let input = self.input();
        input.set_custom_validity(message);
        self.message.replace(message.to_string());
        let added = &self.added;
        if message.is_empty() {
            added.put_back(input, "aria-invalid");
            added.put_back(input, "aria-describedby");
        } else {
            added.set(input, "aria-invalid", "true");
            // After the page's own description (a hint, say), not instead of it.
            let own = added.before(input, "aria-describedby").unwrap_or_default();
            added.set(input, "aria-describedby", format!("{own} {}", self.message_id()).trim());
        }
    }

    /// The id of the element holding the validation message.
    pub fn message_id(&self) -> String {
        popup::message_id(&self.settings.id)
    }

    /// Removes chip `i` (multiple mode).
    pub fn remove(&self, i: usize) {
        if self.frozen() {
            return;
        }
        let count = self.picked.borrow().len();
        let gone = (i < count).then(|| self.picked.borrow_mut().remove(i));
        let Some(gone) = gone else { return };
        self.announced.replace(i18n::chip_changed(self.settings.lang, &gone.display_code, &gone.title, false));
        // The field's value changed as far as the page is concerned: `input` and `change` fire,
        // once the chip is gone from the form.
        self.redraw();
        let typed = self.input().value();
        self.write(&typed);
    }

    /// Removes chip `i` from its button, and gives focus to the input (the button is gone).
    pub fn remove_and_refocus(&self, i: usize) {
        self.remove(i);
        let _ = self.input().focus();
    }

    /// Gives the input its attributes back.
    pub fn restore(&self) {
        self.gone.set(true);
        self.added.restore(self.input());
        self.input().set_custom_validity("");
    }
}

//! One picker's state and behaviour: what is typed, what is listed, what is picked, and the
//! page input's listeners that drive it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, HtmlElement, HtmlInputElement, KeyboardEvent};

use super::check::{self, Verdict};
use super::choice::Choice;
use super::{field, place};
use crate::api::{CodeSystem, SearchHit};
use crate::widget::client::SearchRequest;
use crate::widget::dom::{self, Listener};
use crate::widget::hooks::{ActiveOption, Debounced, Search, effect, use_active_option, use_debounced, use_search};
use crate::widget::i18n::{self, Lang};
use crate::widget::search::Card;

/// How long typing must pause before a search is sent (the search box's pause).
const DEBOUNCE_MS: u32 = 180;

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
    pub card: StoredValue<Card, LocalStorage>,
    /// Where the list is rendered.
    pub popup: HtmlElement,
    /// The list is inside a dialog or popover (the top layer): placed in the viewport's
    /// coordinates rather than the page's.
    pub fixed: bool,
}

/// The longest text searched, in characters: the search route's own cap (longer is refused).
const MAX_QUERY_CHARS: usize = 200;

/// A picker, shared by its listeners and views.
pub type Picker = SendWrapper<Rc<Inner>>;

/// The settings and the reactive state.
pub struct Inner {
    pub settings: Settings,
    /// The text as typed.
    pub text: RwSignal<String>,
    settled: Debounced<String>,
    /// A header picked where only billable codes go: its billable children are listed.
    pub header: RwSignal<Option<Choice>>,
    /// What the list shows, and why not when the search failed.
    pub search: Search,
    /// The active option.
    pub option: ActiveOption,
    /// Whether the list may show.
    pub expanded: RwSignal<bool>,
    /// The chips (multiple mode).
    pub picked: RwSignal<Vec<Choice>>,
    /// The field's validation message, which its `aria-describedby` names; empty when valid.
    pub message: RwSignal<String>,
    /// What the live region says of the latest change to the field (a chip added or removed, a
    /// header's children offered); empty while typing, when the search's status is said.
    pub announced: RwSignal<String>,
    /// The input is disabled or read-only: nothing opens, is picked or removed (kept in step by
    /// an observer of its attributes, so that the chips' buttons follow).
    pub locked: RwSignal<bool>,
    /// The input is disabled: the chips' hidden inputs are too.
    pub disabled: RwSignal<bool>,
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
    added: RefCell<field::Added>,
    /// The input's `name`: in multiple mode, the chips' hidden inputs carry it.
    name: String,
}

/// Sets up a picker's state (in the caller's reactive owner) and the input's attributes.
pub fn new(settings: Settings) -> Picker {
    let name = settings.input.name();
    let (settled, header, option) =
        (use_debounced(String::new(), DEBOUNCE_MS), RwSignal::new(None), use_active_option());
    let request = request(&settings, settled, header);
    let search = use_search(request, settings.endpoint.clone(), settings.timeout_ms, settings.lang, option.index);
    let inner = Rc::new(Inner {
        name,
        settings,
        text: RwSignal::new(String::new()),
        settled,
        header,
        search,
        option,
        expanded: RwSignal::new(false),
        picked: RwSignal::new(Vec::new()),
        announced: RwSignal::new(String::new()),
        message: RwSignal::new(String::new()),
        locked: RwSignal::new(false),
        disabled: RwSignal::new(false),
        checking: RefCell::new(None),
        held: RefCell::new(None),
        filling: Cell::new(false),
        dirty: Cell::new(false),
        resubmit: RefCell::new(None),
        added: RefCell::new(field::Added::default()),
    });
    let picker = SendWrapper::new(inner);
    picker.prepare_input();
    picker.relock();
    picker.reflect();
    picker
}

/// What the list searches: the settled text or, after a header was picked, its billable
/// children.
fn request(settings: &Settings, settled: Debounced<String>, header: RwSignal<Option<Choice>>) -> Memo<SearchRequest> {
    let (systems, limit) = (settings.systems.clone(), settings.limit);
    Memo::new(move |_| match header.get() {
        Some(choice) => {
            SearchRequest { text: choice.display_code, system: Some(choice.system), billable_only: true, limit }
        }
        // Headers are listed (marked) even where they cannot be picked: picking one explains why
        // and offers its children.
        None => SearchRequest {
            text: settled.settled.get().trim().chars().take(MAX_QUERY_CHARS).collect(),
            system: if let [one] = systems[..] { Some(one) } else { None },
            billable_only: false,
            limit,
        },
    })
}

impl Inner {
    fn input(&self) -> &HtmlInputElement {
        &self.settings.input
    }

    /// The id of the listbox.
    pub fn list_id(&self) -> String {
        format!("{}-list", self.settings.id)
    }

    /// The id of option `i`.
    pub fn option_id(&self, i: usize) -> String {
        format!("{}-option-{i}", self.settings.id)
    }

    /// The options listed: the search's hits among the accepted systems.
    pub fn hits(&self) -> Vec<SearchHit> {
        let systems = &self.settings.systems;
        self.search.shown.with(|s| {
            s.as_ref()
                .map(|s| {
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
            self.expanded.set(false);
            self.header.set(None);
        }
        let was_locked = self.locked.get_untracked();
        self.locked.set(locked);
        self.disabled.set(self.disabled_now());
        let input: &web_sys::Element = self.input();
        let focused = document().active_element().as_ref() == Some(input);
        if was_locked && !locked && self.dirty.get() && !focused {
            self.validate();
        }
    }

    /// Whether the field's message shows under it: the browser shows no validity bubble for a
    /// field that takes no changes (it is barred from constraint validation), so a submit the
    /// picker stopped for it says why here.
    pub fn shows_message(&self) -> bool {
        self.locked.get() && !self.message.with(String::is_empty)
    }

    /// Whether the list is showing.
    pub fn open(&self) -> bool {
        self.expanded.get()
            && !self.locked.get()
            && (self.header.with(Option::is_some) || !self.text.with(|t| t.trim().is_empty()))
            && (!self.hits().is_empty() || self.header.with(Option::is_some))
    }

    /// The combobox pattern on the page's input; in multiple mode the chips carry the `name`.
    fn prepare_input(&self) {
        let input = self.input();
        let mut added = self.added.borrow_mut();
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

    /// Mirrors the state onto the input: `aria-expanded`, `aria-activedescendant`, and in
    /// multiple mode `required` (met by a chip); and places the list under the input.
    fn reflect(self: &Rc<Self>) {
        let this = SendWrapper::new(self.clone());
        let required = self.input().has_attribute("required");
        effect(move || {
            let open = this.open();
            let input = this.input();
            let mut added = this.added.borrow_mut();
            added.set(input, "aria-expanded", if open { "true" } else { "false" });
            match this.option.index.get().filter(|_| open) {
                Some(i) => {
                    added.set(input, "aria-activedescendant", &this.option_id(i));
                    // The list scrolls; the keyboard's option must stay in sight.
                    if let Some(option) = document().get_element_by_id(&this.option_id(i)) {
                        let options = js_sys::Object::new();
                        let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
                        let _ = js_sys::Reflect::get(&option, &"scrollIntoView".into())
                            .and_then(|f| f.unchecked_into::<js_sys::Function>().call1(&option, &options));
                    }
                }
                None => added.remove(input, "aria-activedescendant"),
            }
            if this.settings.multiple && required {
                if this.picked.with(Vec::is_empty) {
                    added.set(input, "required", "");
                } else {
                    added.remove(input, "required");
                }
            }
            drop(added);
            if open {
                this.place();
            }
        });
    }

    /// Places the list at its input (see [`place`]); an input scrolled out of view closes it.
    pub fn place(&self) {
        if !place::place(self.input(), &self.settings.popup, self.settings.fixed) {
            self.expanded.set(false);
            self.header.set(None);
        }
    }

    /// The input's listeners.
    pub fn listen(self: &Rc<Self>) -> Vec<Listener> {
        let target: &web_sys::EventTarget = self.input();
        let on_input = self.clone();
        let on_key = self.clone();
        let on_blur = self.clone();
        let on_paste = self.clone();
        let mut listeners = place::follow(self);
        listeners.extend([
            Listener::new(target, "input", false, move |_| on_input.typed()),
            Listener::new(target, "paste", false, move |event| on_paste.pasted(&event)),
            Listener::new(target, "keydown", false, move |event| {
                if let Ok(event) = event.dyn_into::<KeyboardEvent>() {
                    on_key.key(&event);
                }
            }),
            Listener::new(target, "blur", false, move |event| {
                on_blur.expanded.set(false);
                on_blur.header.set(None);
                // Focus went to the card Alt+Enter opened: the text is still being worked on.
                // Focus went to a button that submits the form: the submit checks the text (and
                // waits for it); a chip made now would move the button between press and release,
                // and the click would never land.
                if !on_blur.settings.card.with_value(Card::is_open) && !on_blur.to_a_submit_button(&event) {
                    on_blur.validate();
                }
            }),
        ]);
        if let Some(form) = self.input().form() {
            let (on_submit, on_reset) = (self.clone(), self.clone());
            // Capture: the page's own submit handlers must not see a submit that is held back.
            listeners.push(Listener::new(&form, "submit", true, move |event| on_submit.submitting(&event)));
            listeners.push(Listener::new(&form, "reset", false, move |_| on_reset.reset()));
        }
        listeners
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

    /// The form was reset: no message, no chips, nothing held (the browser resets the value).
    fn reset(&self) {
        self.set_message("");
        self.picked.set(Vec::new());
        self.held.replace(None);
        self.dirty.set(false);
        self.header.set(None);
        self.expanded.set(false);
    }

    fn typed(&self) {
        if self.filling.get() || self.frozen() {
            return;
        }
        let value = self.input().value();
        // A new text is a new answer: the browser's verdict on the old one no longer applies.
        self.set_message("");
        self.held.replace(None);
        self.dirty.set(true);
        self.header.set(None);
        self.announced.set(String::new());
        self.text.set(value.clone());
        self.expanded.set(true);
        self.settled.set(value);
    }

    fn key(self: &Rc<Self>, event: &KeyboardEvent) {
        // Alt+Enter still opens the card: reading a code changes nothing.
        if self.frozen() && !(event.key() == "Enter" && event.alt_key()) {
            return;
        }
        let hits = self.hits();
        let open = self.open();
        let typed = self.input().value();
        let typed = typed.trim();
        match event.key().as_str() {
            // The Enter that ends an IME composition belongs to the composition.
            "Enter" if event.is_composing() => {}
            "ArrowDown" | "ArrowUp" if !hits.is_empty() => {
                event.prevent_default();
                self.expanded.set(true);
                self.option.step(event.key() == "ArrowDown", hits.len());
            }
            "Enter" if event.alt_key() => {
                event.prevent_default();
                if open && let Some(hit) = hits.get(self.option.chosen()) {
                    self.open_card(&hit.display_code, Some(hit.system));
                } else if !self.input().value().trim().is_empty() {
                    let system = if let [one] = self.settings.systems[..] { Some(one) } else { None };
                    self.open_card(self.input().value().trim(), system);
                }
            }
            "Enter" if open && let Some(hit) = self.option.index.get_untracked().and_then(|i| hits.get(i)) => {
                event.prevent_default();
                self.pick(&hit.clone());
            }
            // Nothing chosen with the arrows: the list is taken at its word only when it answers
            // the text in the field (not a previous one still showing), and a typed code only
            // when the list has that very code; otherwise the code is checked as typed.
            "Enter" if open && !typed.is_empty() => {
                event.prevent_default();
                let fresh = self.search.shown.with_untracked(|s| s.as_ref().is_some_and(|s| s.request.text == typed))
                    || self.header.with_untracked(Option::is_some);
                if check::code_shaped(typed) {
                    match check::exact(if fresh { &hits } else { &[] }, typed, &self.settings.systems) {
                        check::Exact::One(hit) => self.pick(&hit.clone()),
                        _ => self.validate(),
                    }
                } else if fresh && let Some(hit) = hits.first() {
                    self.pick(&hit.clone());
                } else {
                    self.settled.set_now(typed.to_string());
                }
            }
            // A typed code becomes a chip, rather than submitting the form half-filled.
            "Enter" if self.settings.multiple && !typed.is_empty() => {
                event.prevent_default();
                self.validate();
            }
            "Escape" if open => {
                event.prevent_default();
                self.expanded.set(false);
                self.header.set(None);
                // The same text typed again lists afresh, with no option chosen.
                self.option.index.set(None);
            }
            "Backspace" if self.settings.multiple && self.input().value().is_empty() => {
                if let Some(last) = self.picked.with_untracked(Vec::len).checked_sub(1) {
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
        self.settings.card.with_value(|card| card.show(&anchor, code, system.map_or("", CodeSystem::id)));
    }

    /// Picks `hit`: into the input's value (or a chip), unless it is a header the field cannot
    /// take; then its billable children are listed instead.
    pub fn pick(&self, hit: &SearchHit) {
        if self.frozen() {
            return;
        }
        if self.settings.billable_only && !hit.billable {
            self.option.index.set(None);
            self.header.set(Some(hit.into()));
            self.announced.set(i18n::children_of(self.settings.lang, &hit.display_code));
            self.expanded.set(true);
            return;
        }
        self.accept(hit.into());
    }

    /// Puts `choice` in the field and tells the page (not of a code that already is a chip).
    fn accept(&self, choice: Choice) {
        self.dirty.set(false);
        self.header.set(None);
        self.expanded.set(false);
        self.option.index.set(None);
        self.set_message("");
        if self.settings.multiple {
            let new = self
                .picked
                .try_update(|p| {
                    let new = !p.contains(&choice);
                    if new {
                        p.push(choice.clone());
                    }
                    new
                })
                .unwrap_or(false);
            self.write("");
            if !new {
                return;
            }
            self.announced.set(i18n::chip_changed(self.settings.lang, &choice.display_code, &choice.title, true));
        } else {
            self.write(&choice.display_code);
            self.held.replace(Some(choice.clone()));
        }
        dom::emit(self.input(), "codecard:select", &choice.detail(), false);
    }

    /// Writes the input as typing would, without taking it for typing.
    fn write(&self, value: &str) {
        self.filling.set(true);
        field::write(self.input(), value);
        self.filling.set(false);
        self.text.set(value.to_string());
        self.settled.set_now(String::new());
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
        leptos::task::spawn_local(async move {
            let s = &this.settings;
            let verdict = check::check(&s.endpoint, s.timeout_ms, &written, &s.systems, s.billable_only).await;
            this.checking.replace(None);
            // Typing went on meanwhile: that text gets its own check.
            if this.input().value().trim() != written {
                return;
            }
            this.dirty.set(false);
            let message = this.take(verdict, &written);
            this.set_message(&message);
            let resubmit = this.resubmit.take();
            if let (Some(submitter), Some(form)) = (resubmit, this.input().form()) {
                if !message.is_empty() {
                    // A read-only field shows no validity bubble: the message shows under it.
                    if this.shows_message() {
                        this.place();
                    }
                    this.input().report_validity();
                } else {
                    // After the effects have run: a new chip must first lift `required`.
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
        leptos::task::spawn_local(async move {
            let s = &this.settings;
            let (mut left, mut messages) = (Vec::new(), Vec::new());
            for piece in pieces {
                let verdict = check::check(&s.endpoint, s.timeout_ms, &piece, &s.systems, s.billable_only).await;
                let message = this.take(verdict, &piece);
                if !message.is_empty() {
                    messages.push(message);
                    left.push(piece);
                }
            }
            this.write(&left.join(", "));
            this.dirty.set(false);
            this.set_message(&messages.join(" "));
        });
    }

    /// Sets the field's validation message (empty: valid): the browser's, and the one its
    /// `aria-describedby` names, with `aria-invalid`.
    fn set_message(&self, message: &str) {
        let input = self.input();
        input.set_custom_validity(message);
        self.message.set(message.to_string());
        let mut added = self.added.borrow_mut();
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
        format!("{}-message", self.settings.id)
    }

    /// Removes chip `i` (multiple mode).
    pub fn remove(&self, i: usize) {
        if self.frozen() {
            return;
        }
        let Some(gone) = self.picked.try_update(|p| (i < p.len()).then(|| p.remove(i))).flatten() else { return };
        self.announced.set(i18n::chip_changed(self.settings.lang, &gone.display_code, &gone.title, false));
        // The field's value changed as far as the page is concerned: `input` and `change` fire.
        let typed = self.input().value();
        self.write(&typed);
    }

    /// Removes chip `i` from its button, and gives focus to the input (the button is gone).
    pub fn remove_and_refocus(&self, i: usize) {
        self.remove(i);
        let _ = self.input().focus();
    }

    /// The field's name.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Gives the input its attributes back.
    pub fn restore(&self) {
        self.added.borrow().restore(self.input());
        self.input().set_custom_validity("");
    }
}

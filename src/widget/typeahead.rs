//! A combobox's search as plain state, for the search box and the code picker: typing settles
//! after a pause, each request is fetched once, a newer one (or the owner going away) aborts the
//! one in flight and a stale answer is dropped, the previous results stay until new ones arrive
//! (the list does not flicker), and new results clear the active option.
//!
//! Why not Leptos signals, as the card has: the search box and the picker are a module of their
//! own, and Leptos's runtime was about 40% of its code (issue 14: everything the widget ships
//! must fit in 200 KB gzip). Their state is small enough to hold in cells; the owner redraws
//! after each change (`changed`), the way a view re-runs after a signal it reads.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use web_sys::AbortController;

use crate::api::{SearchHit, SearchResults};
use crate::widget::client::{self, FetchError, SearchRequest};
use crate::widget::dom;
use crate::widget::fixed::{self, Node};
use crate::widget::i18n::{self, Lang};

/// How long typing must pause before a search is sent.
const DEBOUNCE_MS: u32 = 180;

/// Results and the request they answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The request answered.
    pub request: SearchRequest,
    /// The answer.
    pub results: SearchResults,
}

/// A combobox's search; cloning shares it.
#[derive(Clone)]
pub struct Typeahead(Rc<State>);

struct State {
    endpoint: String,
    timeout_ms: u32,
    lang: Lang,
    /// Called after every change that happened outside the owner's own handlers: the text
    /// settled, an answer arrived.
    changed: Box<dyn Fn()>,
    settled: RefCell<String>,
    pending: RefCell<Option<Timeout>>,
    asked: RefCell<Option<SearchRequest>>,
    running: RefCell<Option<AbortController>>,
    shown: RefCell<Option<Shown>>,
    problem: RefCell<String>,
    active: Cell<Option<usize>>,
    /// Counts the results shown, so that views rebuild their options only for new ones.
    serial: Cell<u32>,
}

impl Drop for State {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
        }
    }
}

impl Typeahead {
    /// A search of `endpoint` in `lang`; `changed` redraws its owner.
    pub fn new(endpoint: String, timeout_ms: u32, lang: Lang, changed: Box<dyn Fn()>) -> Typeahead {
        Typeahead(Rc::new(State {
            endpoint,
            timeout_ms,
            lang,
            changed,
            settled: RefCell::default(),
            pending: RefCell::default(),
            asked: RefCell::default(),
            running: RefCell::default(),
            shown: RefCell::default(),
            problem: RefCell::default(),
            active: Cell::default(),
            serial: Cell::default(),
        }))
    }

    /// The text typed: it settles after the pause, unless more comes first.
    pub fn typed(&self, text: String) {
        let state = Rc::downgrade(&self.0);
        // Replacing the pending timer drops (cancels) it.
        self.0.pending.replace(Some(Timeout::new(DEBOUNCE_MS, move || {
            if let Some(state) = state.upgrade() {
                state.settled.replace(text);
                (state.changed)();
            }
        })));
    }

    /// Settles on `text` at once, dropping any pending one.
    pub fn settle_now(&self, text: String) {
        self.0.pending.take();
        self.0.settled.replace(text);
    }

    /// The text after the pause.
    pub fn settled(&self) -> String {
        self.0.settled.borrow().clone()
    }

    /// Asks for `request`, unless it is the one asked already. An empty text clears the results
    /// at once.
    pub fn want(&self, request: SearchRequest) {
        if self.0.asked.borrow().as_ref() == Some(&request) {
            return;
        }
        if let Some(running) = self.0.running.take() {
            running.abort();
        }
        self.0.asked.replace(Some(request.clone()));
        if request.text.is_empty() {
            self.answered(Ok(None));
            return;
        }
        let Ok(controller) = AbortController::new() else {
            self.answered(Err(FetchError::Unreachable));
            return;
        };
        self.0.running.replace(Some(controller.clone()));
        let state = Rc::downgrade(&self.0);
        let (endpoint, timeout_ms) = (self.0.endpoint.clone(), self.0.timeout_ms);
        wasm_bindgen_futures::spawn_local(async move {
            let answer = client::fetch_results(&endpoint, &request, timeout_ms, &controller).await;
            let Some(state) = Weak::upgrade(&state) else { return };
            // Superseded, even when its answer came in before the abort could stop it.
            if state.asked.borrow().as_ref() != Some(&request) {
                return;
            }
            state.running.take();
            let this = Typeahead(state);
            this.answered(answer.map(|results| Some(Shown { request, results })));
            (this.0.changed)();
        });
    }

    fn answered(&self, answer: Result<Option<Shown>, FetchError>) {
        match answer {
            Ok(shown) => {
                self.0.problem.replace(String::new());
                self.0.active.set(None);
                self.0.shown.replace(shown);
                self.0.serial.set(self.0.serial.get().wrapping_add(1));
            }
            Err(FetchError::Aborted) => {}
            Err(error) => {
                self.0.problem.replace(i18n::problem_message(self.0.lang, &error));
            }
        }
    }

    /// Forgets the failure of the latest request, so that the next [`Typeahead::want`] asks
    /// again even for the same request.
    pub fn retry(&self) {
        self.0.asked.take();
        self.0.problem.replace(String::new());
    }

    /// The latest results; `None` for an empty request.
    pub fn shown<R>(&self, read: impl FnOnce(Option<&Shown>) -> R) -> R {
        read(self.0.shown.borrow().as_ref())
    }

    /// Why the latest request failed, in the owner's language; empty when it did not.
    pub fn problem(&self) -> String {
        self.0.problem.borrow().clone()
    }

    /// Forgets a failure (the box was cleared).
    pub fn clear_problem(&self) {
        self.0.problem.replace(String::new());
    }

    /// What a status line says of the latest search: why it failed, else what it found; empty
    /// before any.
    pub fn status(&self) -> String {
        let problem = self.problem();
        if !problem.is_empty() {
            return problem;
        }
        let lang = self.0.lang;
        self.shown(|s| s.map(|s| i18n::search_status(lang, s.results.total, s.results.results.len())))
            .unwrap_or_default()
    }

    /// Draws `hits` into `list` as `option` builds each, when the results are newer than those
    /// `drawn` (its options are rebuilt only then), and marks the active option selected.
    pub fn draw_options(
        &self,
        list: &web_sys::Element,
        drawn: &Cell<Option<u32>>,
        hits: &[SearchHit],
        option: impl Fn(usize, &SearchHit) -> Node,
    ) {
        let serial = self.0.serial.get();
        if drawn.replace(Some(serial)) != Some(serial) {
            fixed::replace_children(list, hits.iter().enumerate().map(|(i, hit)| option(i, hit)).collect());
        }
        let active = self.active();
        for (i, option) in dom::child_elements(list).iter().enumerate() {
            dom::set_attr(option, "aria-selected", if active == Some(i) { "true" } else { "false" });
        }
    }

    /// Whether the latest request is still unanswered (and has not failed).
    pub fn loading(&self) -> bool {
        let asked = self.0.asked.borrow();
        let Some(asked) = asked.as_ref().filter(|asked| !asked.text.is_empty()) else { return false };
        self.0.problem.borrow().is_empty() && self.shown(|s| s.is_none_or(|s| s.request != *asked))
    }

    /// The option the keyboard is on.
    pub fn active(&self) -> Option<usize> {
        self.0.active.get()
    }

    /// Puts the keyboard on option `index` (or none).
    pub fn set_active(&self, index: Option<usize>) {
        self.0.active.set(index);
    }

    /// Moves to the next option (`down`) or the previous one among `count`, wrapping around;
    /// from none, to the first or the last.
    pub fn step(&self, down: bool, count: usize) {
        if count == 0 {
            return;
        }
        self.0.active.set(Some(match (self.0.active.get(), down) {
            (None, true) => 0,
            (None, false) => count - 1,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        }));
    }

    /// The option Enter chooses: the active one, else the first.
    pub fn chosen(&self) -> usize {
        self.0.active.get().unwrap_or(0)
    }
}

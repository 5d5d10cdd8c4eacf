//! The codes in view: an `IntersectionObserver` over the codes the loader marked in its root
//! (`data-codecard-ready`), so that their public parts are fetched in one request before any
//! click (see [`Peeks::in_view`]). Only once the page has settled: every change of what is in
//! view and every scroll restarts a short wait, and the batch then waits for the browser to be
//! idle, so a reader flicking through a page fetches nothing for the codes passed by. The codes in
//! view when the module mounts wait less ([`FIRST_SETTLE_MS`], no idle wait): the module mounts on
//! a click or a hover as often as not, and a reader who clicked one code may click the next as
//! soon as its card closes; a scroll in that moment (the module can mount mid-scroll: focus
//! reached a code) puts them back on the usual wait. A `MutationObserver` sees codes the loader
//! marks later (new content, auto-detection).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, MutationObserver, Node};

use super::peek::Peeks;
use crate::api::CodeSystem;

/// How long what is in view must stay still before its codes are fetched.
const SETTLE_MS: i32 = 200;
/// ... when the module has just mounted: long enough for a scroll under way to show (it fires
/// a scroll event every frame).
const FIRST_SETTLE_MS: i32 = 50;
/// How long a settled page's batch waits for the browser to be idle at most.
const IDLE_WITHIN_MS: u32 = 500;
/// The codes the loader manages: it marks each with this attribute.
const MARKED: &str = "data-codecard-ready";
/// ... and the selector that finds them.
const MARKED_SELECTOR: &str = "[data-codecard-ready]";

/// Watches the codes in view in `root` while it lives; dropping it stops every observer,
/// listener and timer (the widget is going away).
pub struct InView {
    codes: IntersectionObserver,
    marks: MutationObserver,
    watch: Rc<Watch>,
    _seen: Closure<dyn FnMut(JsValue)>,
    _marked: Closure<dyn FnMut()>,
}

/// What the observers share: the codes in view now, and the wait for them to settle.
struct Watch {
    visible: RefCell<Vec<Element>>,
    peeks: Weak<Peeks>,
    /// The observer has reported what is in view since the module mounted (its first report
    /// waits less).
    reported: Cell<bool>,
    /// The pending settle timer and idle callback, if any: cancelled when the watch stops, as
    /// their callbacks go with it.
    timer: Cell<i32>,
    idling: Cell<u32>,
    /// Restarts the settle timer: every scroll and every change of what is in view.
    unsettle: Closure<dyn FnMut()>,
    /// The timer ran out: fetch once the browser is idle.
    settled: Closure<dyn FnMut()>,
    /// The browser is idle: hand the codes in view to the peeks.
    idle: Closure<dyn FnMut()>,
}

impl InView {
    /// Starts watching the marked codes in `root` (the loader's root: an element or the
    /// document) for `peeks`; `None` where the browser lacks the observers.
    pub fn start(root: &Node, peeks: &Rc<Peeks>) -> Option<InView> {
        let watch = Rc::new_cyclic(|me: &Weak<Watch>| {
            let on = |act: fn(&Watch)| {
                let me = me.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(watch) = me.upgrade() {
                        act(&watch);
                    }
                })
            };
            Watch {
                visible: RefCell::new(Vec::new()),
                peeks: Rc::downgrade(peeks),
                reported: Cell::new(false),
                timer: Cell::new(0),
                idling: Cell::new(0),
                unsettle: on(Watch::unsettle),
                settled: on(Watch::when_idle),
                idle: on(Watch::fetch),
            }
        });
        let seen = {
            let watch = watch.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |entries: JsValue| {
                let entries: js_sys::Array = entries.unchecked_into();
                let mut visible = watch.visible.borrow_mut();
                for entry in entries.iter().map(JsCast::unchecked_into::<IntersectionObserverEntry>) {
                    let code = entry.target();
                    visible.retain(|el| *el != code);
                    if entry.is_intersecting() {
                        visible.push(code);
                    }
                }
                drop(visible);
                if watch.reported.replace(true) {
                    watch.unsettle();
                } else {
                    watch.wait(FIRST_SETTLE_MS, &watch.idle);
                }
            })
        };
        let codes = IntersectionObserver::new(seen.as_ref().unchecked_ref()).ok()?;
        let marked = {
            let (codes, root) = (codes.clone(), root.clone());
            Closure::<dyn FnMut()>::new(move || observe_marked(&codes, &root))
        };
        let marks = MutationObserver::new(marked.as_ref().unchecked_ref()).ok()?;
        let init = web_sys::MutationObserverInit::new();
        init.set_subtree(true);
        init.set_attribute_filter(&js_sys::Array::of1(&MARKED.into()));
        marks.observe_with_options(root, &init).ok()?;
        observe_marked(&codes, root);
        // Any scroller's scroll (they do not bubble: hence the capture), never delaying it.
        let listening = web_sys::AddEventListenerOptions::new();
        listening.set_capture(true);
        listening.set_passive(true);
        let _ = web_sys::window()?.add_event_listener_with_callback_and_add_event_listener_options(
            "scroll",
            watch.unsettle.as_ref().unchecked_ref(),
            &listening,
        );
        Some(InView { codes, marks, watch, _seen: seen, _marked: marked })
    }
}

impl Drop for InView {
    fn drop(&mut self) {
        self.codes.disconnect();
        self.marks.disconnect();
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.watch.timer.get());
            // (Only where requestIdleCallback gave a handle: elsewhere the call would throw.)
            if self.watch.idling.get() != 0 {
                window.cancel_idle_callback(self.watch.idling.get());
            }
            let _ = window.remove_event_listener_with_callback_and_bool(
                "scroll",
                self.watch.unsettle.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}

/// Observes every marked code in `root` (observing one again changes nothing).
fn observe_marked(codes: &IntersectionObserver, root: &Node) {
    // An element's or the document's querySelectorAll (the same call on either).
    let Ok(found) = root.unchecked_ref::<Element>().query_selector_all(MARKED_SELECTOR) else { return };
    for code in (0..found.length()).filter_map(|i| found.item(i)) {
        codes.observe(code.unchecked_ref());
    }
}

impl Watch {
    /// What is in view moved: the codes are fetched once it has stayed still a moment.
    fn unsettle(&self) {
        self.wait(SETTLE_MS, &self.settled);
    }

    /// Runs `then` after `ms`, unless something unsettles the page first.
    fn wait(&self, ms: i32, then: &Closure<dyn FnMut()>) {
        let Some(window) = web_sys::window() else { return };
        window.clear_timeout_with_handle(self.timer.get());
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(then.as_ref().unchecked_ref(), ms);
        self.timer.set(timer.unwrap_or_default());
    }

    /// ... and the browser is idle, or [`IDLE_WITHIN_MS`] have passed: a page that draws no
    /// frames may never have an idle period. (Where there is no `requestIdleCallback`, as in
    /// Safari, the settled page is idle enough.)
    fn when_idle(&self) {
        let within = web_sys::IdleRequestOptions::new();
        within.set_timeout(IDLE_WITHIN_MS);
        let idle = self.idle.as_ref().unchecked_ref();
        match web_sys::window().map(|w| w.request_idle_callback_with_options(idle, &within)) {
            Some(Ok(handle)) => self.idling.set(handle),
            _ => self.fetch(),
        }
    }

    /// Hands the codes in view to the peeks.
    fn fetch(&self) {
        self.idling.set(0);
        let Some(peeks) = self.peeks.upgrade() else { return };
        let codes = self
            .visible
            .borrow()
            .iter()
            .filter(|el| el.is_connected() && drawn(el))
            .filter_map(|el| {
                let system = el.get_attribute("data-code-system").and_then(|s| CodeSystem::parse(&s));
                Some((el.get_attribute("data-code")?, system))
            })
            .collect();
        peeks.in_view(codes);
    }
}

/// Whether `el` is drawn for the reader to see: an intersection says where a box is, not that
/// it shows (a tab panel hidden with `visibility: hidden` or `opacity: 0` still intersects).
/// `checkVisibility` says so where the browser has it; elsewhere the code counts as drawn.
fn drawn(el: &Element) -> bool {
    let Ok(check) = js_sys::Reflect::get(el, &"checkVisibility".into()) else { return true };
    let Some(check) = check.dyn_ref::<js_sys::Function>() else { return true };
    let options = js_sys::Object::new();
    for name in ["visibilityProperty", "opacityProperty"] {
        let _ = js_sys::Reflect::set(&options, &name.into(), &true.into());
    }
    check.call1(el, &options).map_or(true, |drawn| drawn.as_bool() != Some(false))
}

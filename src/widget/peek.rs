//! Peeks: a card's public part, fetched before the click (`GET /v1/peek/...`, unmetered), so that
//! a click shows it at once while the metered lookup fills in the rest.
//!
//! The loader reports where the reader points (hover, keyboard focus, touch, a press); a peek
//! starts once the pointer has rested on a code (at once for a touch or a press, which a click
//! follows within moments), so a pointer sweeping over a list of codes fetches nothing. One hover
//! peek runs at a time (a newer one aborts it), answers are kept briefly per code and bounded in
//! number. On a cold page the loader hands over the batch it started with the click while the
//! module was loading: the clicked code's public part and those of the codes in view, so that
//! the click right after the first card is as quick as any.
//!
//! The codes in view (see `in_view`) are peeked too, many in one request (`GET /v1/peek?codes=`),
//! so that a plain click, a tap or Enter with no rest before it shows the public part at once.
//! One batch is on its way at a time (the codes in view meanwhile wait for it), and a code kept
//! or on its way is never asked for again.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::AbortController;

use super::client;
use super::decode::FromJs;
use crate::api::{Card, CodeSystem};

/// How long the pointer (or focus) rests on a code before its peek is fetched.
const REST_MS: i32 = 80;
/// How long a peek's answer is kept: as long as the endpoint says it stays fresh
/// (`max-age=300`), for a reader who reads the codes in view a while before clicking one.
const KEEP_MS: f64 = 300_000.0;
/// How many answers are kept at most: a batch and the hovers around it.
const KEEP: usize = 64;
/// How many codes in view one batch asks for at most (the endpoint takes 50): more than a
/// phone's screen shows, and a batch never pushes the previous one out of what is kept.
const BATCH: usize = 32;
/// How long no batch is sent after one failed: an endpoint that is down is not asked again at
/// every re-render of a page (hovers still peek one code at a time).
const QUIET_MS: f64 = 30_000.0;

/// A code as the page writes it, with its system when the page names one.
pub type Written = (String, Option<CodeSystem>);

/// One kept answer: a promise of the card's JSON value, or `null` when the peek failed.
struct Kept {
    id: u32,
    url: String,
    at: f64,
    answer: Promise,
}

/// The peeks of one widget.
pub struct Peeks {
    endpoint: String,
    site_key: Option<String>,
    timeout_ms: u32,
    kept: RefCell<Vec<Kept>>,
    /// Bumped by every pointing and every opening: a resting pointer whose turn has passed
    /// fetches nothing.
    turn: Cell<u32>,
    /// The id of the next kept answer.
    serial: Cell<u32>,
    /// The one hover peek on its way, by address.
    running: RefCell<Option<(String, AbortController)>>,
    /// The one batch of codes in view on its way: its answer's id and its abort.
    batch: RefCell<Option<(u32, AbortController)>>,
    /// The codes in view since that batch left: asked for once it is back.
    waiting: RefCell<Option<Vec<Written>>>,
    /// No batch before this time (a batch failed).
    quiet_until: Cell<f64>,
}

impl Peeks {
    /// No peeks yet, for the endpoint of one widget.
    pub fn new(endpoint: String, site_key: Option<String>, timeout_ms: u32) -> Rc<Peeks> {
        Rc::new(Peeks {
            endpoint,
            site_key,
            timeout_ms,
            kept: RefCell::new(Vec::new()),
            turn: Cell::new(0),
            serial: Cell::new(0),
            running: RefCell::new(None),
            batch: RefCell::new(None),
            waiting: RefCell::new(None),
            quiet_until: Cell::new(0.0),
        })
    }

    /// The codes in view (as written, with their system if the page names it) once the page
    /// has settled: the public parts of those neither kept nor on their way are fetched in one
    /// request, at most [`BATCH`] of them; while a batch is on its way, they wait for it.
    pub fn in_view(self: &Rc<Self>, codes: Vec<Written>) {
        if self.batch.borrow().is_some() {
            *self.waiting.borrow_mut() = Some(codes);
            return;
        }
        if js_sys::Date::now() < self.quiet_until.get() {
            return;
        }
        let mut urls: Vec<(String, u32)> = Vec::new();
        // More codes in view than a batch takes: the rest go once this batch is back.
        let mut rest: Vec<Written> = Vec::new();
        for (written, system) in codes {
            let Ok(url) = client::peek_url(&self.endpoint, &written, system) else { continue };
            if urls.iter().any(|(asked, _)| *asked == url) || self.kept(&url).is_some() {
                continue;
            }
            if urls.len() < BATCH {
                urls.push((url, urls.len() as u32));
            } else {
                rest.push((written, system));
            }
        }
        let asked: Vec<String> = urls.iter().map(|(url, _)| url.clone()).collect();
        let Some(address) = client::peek_batch_url(&self.endpoint, &asked) else { return };
        let count = asked.len();
        let Ok(abort) = AbortController::new() else { return };
        let (signal, site_key, timeout_ms) = (abort.clone(), self.site_key.clone(), self.timeout_ms);
        // Every code of the batch keeps its own entry of the batch's one answer.
        let id = self.keep(
            urls,
            true,
            Box::pin(async move {
                listed(client::fetch_peek(&address, site_key.as_deref(), timeout_ms, &signal).await.ok(), count)
            }),
        );
        *self.batch.borrow_mut() = Some((id, abort));
        if !rest.is_empty() {
            *self.waiting.borrow_mut() = Some(rest);
        }
    }

    /// The reader points at `code`: its public part is fetched once the pointer has rested there
    /// (`now`: at once, for a press or a touch), unless it is kept already.
    pub fn point(self: &Rc<Self>, code: &str, system: Option<CodeSystem>, now: bool) {
        let Ok(url) = client::peek_url(&self.endpoint, code, system) else { return };
        let turn = self.next_turn();
        if self.kept(&url).is_some() {
            return;
        }
        let peeks = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            if !now {
                rest(REST_MS).await;
            }
            if let Some(peeks) = peeks.upgrade()
                && peeks.turn.get() == turn
                && peeks.kept(&url).is_none()
            {
                peeks.fetch(url);
            }
        });
    }

    /// The peek a card opening on `code` starts with, if one is kept or on its way. The reader
    /// has chosen: a pointer still resting elsewhere fetches nothing, and this peek is the
    /// card's now, so no later hover aborts it.
    pub fn claim(&self, code: &str, system: Option<CodeSystem>) -> Option<Promise> {
        let url = client::peek_url(&self.endpoint, code, system).ok()?;
        self.next_turn();
        if self.running.borrow().as_ref().is_some_and(|(running, _)| *running == url) {
            self.running.take();
        }
        self.kept(&url)
    }

    /// Keeps the batch the loader started with a click while this module loaded, for the card
    /// about to open and the codes in view: `[answer, code, ...]`, the answer a promise of the
    /// batch's JSON value (of anything else when it failed), each code as the batch asked for it
    /// (`I10`, `icd10cm/E11.65`), the clicked one first.
    pub fn adopt(self: &Rc<Self>, batch: js_sys::Array) {
        // The loader's fetch has no deadline of its own: one that hangs is given up after the
        // module's, so that the codes it holds are peeked again rather than waiting for it.
        let answer = Promise::race(&js_sys::Array::of2(&batch.shift(), &after(self.timeout_ms as i32)));
        let count = batch.length() as usize;
        let mut urls = Vec::new();
        for (at, asked) in batch.iter().enumerate() {
            let asked = asked.as_string().unwrap_or_default();
            let (system, code) = match asked.split_once('/') {
                Some((system, code)) => (CodeSystem::parse(system), code),
                None => (None, asked.as_str()),
            };
            if let Ok(url) = client::peek_url(&self.endpoint, code, system) {
                urls.push((url, at as u32));
            }
        }
        // Kept in reverse: a code in view twice keeps the entry asked first.
        urls.reverse();
        self.keep(urls, true, Box::pin(async move { listed(JsFuture::from(answer).await.ok(), count) }));
    }

    /// Aborts the peeks on their way and forgets every answer (the widget is going away).
    pub fn clear(&self) {
        self.next_turn();
        if let Some((_, abort)) = self.running.take() {
            abort.abort();
        }
        self.waiting.take();
        if let Some((_, abort)) = self.batch.take() {
            abort.abort();
        }
        self.kept.borrow_mut().clear();
    }

    fn next_turn(&self) -> u32 {
        self.turn.set(self.turn.get().wrapping_add(1));
        self.turn.get()
    }

    /// The kept answer for `url`, if it is recent.
    fn kept(&self, url: &str) -> Option<Promise> {
        let now = js_sys::Date::now();
        self.kept.borrow().iter().find(|k| k.url == url && now - k.at < KEEP_MS).map(|k| k.answer.clone())
    }

    /// Starts the hover peek of `url`, aborting the one on its way.
    fn fetch(self: &Rc<Self>, url: String) {
        if let Some((_, abort)) = self.running.take() {
            abort.abort();
        }
        let Ok(abort) = AbortController::new() else { return };
        *self.running.borrow_mut() = Some((url.clone(), abort.clone()));
        let (address, site_key, timeout_ms) = (url.clone(), self.site_key.clone(), self.timeout_ms);
        self.keep(
            vec![(url, 0)],
            false,
            Box::pin(async move {
                client::fetch_peek(&address, site_key.as_deref(), timeout_ms, &abort).await.map_err(drop)
            }),
        );
    }

    /// Keeps `answer` (the card's JSON value; for a `batch`, the batch's, each url's entry at the
    /// place it names) under each of `urls`, dropping stale and surplus answers; a failed
    /// one is forgotten when it fails, so the next pointing tries again. Its id, for
    /// [`Peeks::settled`].
    /// (Boxed, not generic: one copy of this code and of the promise glue behind it serves
    /// every kind of peek, which keeps the card module small.)
    fn keep(
        self: &Rc<Self>,
        urls: Vec<(String, u32)>,
        batch: bool,
        answer: Pin<Box<dyn Future<Output = Result<JsValue, ()>>>>,
    ) -> u32 {
        let (peeks, id) = (Rc::downgrade(self), self.serial.get());
        self.serial.set(id.wrapping_add(1));
        // Resolves to `null` rather than rejecting: nobody may be waiting for it, and an
        // unhandled rejection would reach the page's console.
        let promise = future_to_promise(async move {
            let answer = answer.await;
            if let Some(peeks) = peeks.upgrade() {
                peeks.settled(id, answer.is_ok());
            }
            Ok(answer.unwrap_or(JsValue::NULL))
        });
        let now = js_sys::Date::now();
        let mut kept = self.kept.borrow_mut();
        for (url, at) in urls {
            kept.retain(|k| k.url != url && now - k.at < KEEP_MS);
            if kept.len() >= KEEP {
                kept.remove(0);
            }
            // A code of a batch keeps its own entry, found by its place in the order asked, not
            // by the code an entry names: `J1100` asked without a system is ambiguous, and must
            // not show the card of the ICD-10-CM J11.00 asked beside it.
            let answer = if batch { entry(promise.clone(), at) } else { promise.clone() };
            kept.push(Kept { id, url, at: now, answer });
        }
        id
    }

    /// Answer `id` arrived (`ok`) or failed: the hover peek is no longer on its way, a failed
    /// answer is forgotten (under every code that kept it), and once the batch is back the codes
    /// in view since it left are asked for.
    fn settled(self: &Rc<Self>, id: u32, ok: bool) {
        {
            let mut kept = self.kept.borrow_mut();
            let url = kept.iter().find(|k| k.id == id).map(|k| k.url.clone());
            if url.is_some() && self.running.borrow().as_ref().map(|(running, _)| running) == url.as_ref() {
                self.running.take();
            }
            if !ok {
                kept.retain(|k| k.id != id);
            }
        }
        if self.batch.borrow().as_ref().is_some_and(|(batch, _)| *batch == id) {
            self.batch.take();
            if !ok {
                self.quiet_until.set(js_sys::Date::now() + QUIET_MS);
            }
            if let Some(codes) = self.waiting.take() {
                self.in_view(codes);
            }
        }
    }
}

/// A batch's answer if it has its list, one entry for each of the `count` codes asked: one
/// without (a proxy's page, say) is garbled, and is forgotten (a hover then peeks on its own), and
/// so is one with more or fewer entries: a comma inside a code as a page wrote it splits it in
/// two at the endpoint, and every entry after it would stand in another code's place.
fn listed(answer: Option<JsValue>, count: usize) -> Result<JsValue, ()> {
    let entries = |a: &JsValue| {
        js_sys::Reflect::get(a, &"peeks".into())
            .is_ok_and(|p| p.dyn_ref::<js_sys::Array>().is_some_and(|p| p.length() as usize == count))
    };
    answer.filter(entries).ok_or(())
}

/// Entry `at` of a batch's answer (`null` when the batch failed or has no such entry).
fn entry(batch: Promise, at: u32) -> Promise {
    future_to_promise(async move {
        let answer = JsFuture::from(batch).await.unwrap_or(JsValue::NULL);
        let entries = js_sys::Reflect::get(&answer, &"peeks".into()).ok().filter(JsValue::is_array);
        Ok(entries.map_or(JsValue::NULL, |entries| entries.unchecked_into::<js_sys::Array>().get(at)))
    })
}

/// The card a peek's answer holds for `written` (in `system`, if named): `None` when there is no
/// peek, it failed (a batch's entry holds the endpoint's error for a code without a card), or it
/// answered with another code's card (a cache or proxy in between mixing up addresses), which
/// must not show under this code's heading.
pub async fn card(peek: Option<Promise>, written: &str, system: Option<CodeSystem>) -> Option<Card> {
    let value = JsFuture::from(peek?).await.ok().filter(JsValue::is_object)?;
    let card = Card::from_js(value, "card").ok()?;
    let ours = crate::code::normalize(written).is_some_and(|key| key == card.code)
        && client::implied_system(written, system).is_none_or(|wanted| wanted == card.system);
    ours.then_some(card)
}

/// Resolves after `ms` milliseconds.
async fn rest(ms: i32) {
    let _ = JsFuture::from(after(ms)).await;
}

/// A promise of `undefined` in `ms` milliseconds.
fn after(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let _ =
            web_sys::window().map(|window| window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms));
    })
}

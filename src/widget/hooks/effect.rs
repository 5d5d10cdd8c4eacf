//! `Effect::new` behind one closure type: Leptos's effect code (over a kilobyte of wasm for each
//! closure it is given) is compiled once for the whole module, not once per effect.

use leptos::prelude::*;

/// Runs `run` now (once the current work is done) and again whenever a signal it read changes,
/// until the calling component is disposed of: `Effect::new(move |_| run())`.
pub fn effect(run: impl Fn() + 'static) {
    let run: Box<dyn Fn()> = Box::new(run);
    Effect::new(move |_| run());
}

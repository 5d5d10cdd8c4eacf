//! A resource whose every run can be cancelled: each run gets its own `AbortController`, aborted
//! when the run is superseded (its inputs changed) or its owner is disposed of (the card closed,
//! the search box went away), so a stale answer never lands anywhere.

use std::pin::Pin;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use web_sys::AbortController;

use crate::widget::client::FetchError;

/// A run of a fetching resource, its future's type erased.
pub type Fetching<T> = Pin<Box<dyn Future<Output = Result<T, FetchError>>>>;

/// A `LocalResource` of `fetch(source(), controller)`. `source` is tracked: a change starts a
/// new run and aborts the previous one.
pub fn abortable_resource<S, T, Fut>(
    source: impl Fn() -> S + 'static,
    fetch: impl Fn(S, AbortController) -> Fut + 'static,
) -> LocalResource<Result<T, FetchError>>
where
    S: 'static,
    T: 'static,
    Fut: Future<Output = Result<T, FetchError>> + 'static,
{
    local_resource(Box::new(move || {
        let input = source();
        let controller = AbortController::new().ok();
        let on_abort = SendWrapper::new(controller.clone());
        on_cleanup(move || {
            if let Some(controller) = on_abort.take() {
                controller.abort();
            }
        });
        let running = controller.map(|controller| fetch(input, controller));
        Box::pin(async move {
            match running {
                Some(running) => running.await,
                None => Err(FetchError::Unreachable),
            }
        })
    }))
}

/// `LocalResource::new` behind one closure type per answer type: Leptos's async code (several
/// KB of wasm) is compiled once for every resource of a type, not once per call site.
pub fn local_resource<T: 'static>(fetch: Box<dyn Fn() -> Fetching<T>>) -> LocalResource<Result<T, FetchError>> {
    LocalResource::new(fetch)
}

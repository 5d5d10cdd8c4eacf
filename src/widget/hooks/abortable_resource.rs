//! A resource whose every run can be cancelled: each run gets its own `AbortController`, aborted
//! when the run is superseded (its inputs changed) or its owner is disposed of (the card closed,
//! the search box went away), so a stale answer never lands anywhere.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use web_sys::AbortController;

use crate::widget::client::FetchError;

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
    LocalResource::new(move || {
        let input = source();
        let controller = AbortController::new().ok();
        let on_abort = SendWrapper::new(controller.clone());
        on_cleanup(move || {
            if let Some(controller) = on_abort.take() {
                controller.abort();
            }
        });
        let running = controller.map(|controller| fetch(input, controller));
        async move {
            match running {
                Some(running) => running.await,
                None => Err(FetchError::Unreachable),
            }
        }
    })
}

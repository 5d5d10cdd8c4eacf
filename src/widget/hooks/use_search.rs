//! Search results that follow a request: one fetch per request, a newer request (or the owner
//! going away) aborting the one in flight, so a slow stale answer can never overwrite a newer
//! one; the previous results stay until the new ones arrive, so a list does not flicker.

use leptos::prelude::*;

use super::{abortable_resource, effect};
use crate::api::SearchResults;
use crate::widget::client::{self, FetchError, SearchRequest};
use crate::widget::i18n::{self, Lang};

/// Results and the request they answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The request answered.
    pub request: SearchRequest,
    /// The answer.
    pub results: SearchResults,
}

/// What a search shows.
#[derive(Clone, Copy)]
pub struct Search {
    /// The latest results; `None` for an empty request.
    pub shown: RwSignal<Option<Shown>>,
    /// Why the latest request failed, in `lang`.
    /// (Empty when there is none: a `String` signal, a type the search box and the picker have
    /// already; each value type of a signal compiles Leptos's signal code again.)
    pub problem: RwSignal<String>,
}

/// Searches `request` at `endpoint`; new results clear `active` (the active option).
pub fn use_search(
    request: Memo<SearchRequest>,
    endpoint: String,
    timeout_ms: u32,
    lang: Lang,
    active: RwSignal<Option<usize>>,
) -> Search {
    let (shown, problem) = (RwSignal::new(None::<Shown>), RwSignal::new(String::new()));
    let results = abortable_resource(
        move || request.get(),
        move |request, controller| {
            let endpoint = endpoint.clone();
            async move {
                if request.text.is_empty() {
                    return Ok(None);
                }
                client::fetch_results(&endpoint, &request, timeout_ms, &controller)
                    .await
                    .map(|results| Some(Shown { request, results }))
            }
        },
    );
    effect(move || match results.get() {
        Some(Ok(found)) => {
            problem.set(String::new());
            active.set(None);
            shown.set(found);
        }
        Some(Err(FetchError::Aborted)) | None => {}
        Some(Err(error)) => problem.set(i18n::problem_message(lang, &error)),
    });
    Search { shown, problem }
}

//! What the card shows while loading and when there is no card to show.

use leptos::prelude::*;

use super::client::FetchError;
use crate::api::ErrorKind;

/// Shown while the first answer is on its way.
#[component]
pub fn Loading(
    /// The code being looked up.
    code: String,
) -> impl IntoView {
    view! {
        <p class="cc-loading" role="status" aria-live="polite">
            <span class="cc-spinner" aria-hidden="true"></span>
            {format!("Looking up {code}…")}
        </p>
    }
}

/// A failure a retry may fix (service down, slow or garbled): the message and a Retry button.
#[component]
pub fn Problem(
    /// The errors caught by the boundary.
    errors: ArcRwSignal<Errors>,
    /// Runs the lookup again.
    retry: Callback<()>,
) -> impl IntoView {
    let message = move || {
        errors.with(|errors| {
            errors.iter().next().map(|(_, e)| e.to_string()).unwrap_or_else(|| "Something went wrong.".into())
        })
    };
    view! {
        <div class="cc-problem" role="alert">
            <p class="cc-problem-title">"This code could not be looked up"</p>
            <p class="cc-problem-message">{message}</p>
            <button type="button" class="cc-button" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}

/// A definite answer that there is no card: unknown or malformed code, or a code found in
/// several systems (then one button per system).
#[component]
pub fn Unavailable(
    /// Why there is no card.
    error: FetchError,
    /// The code as written on the page.
    code: String,
    /// Opens the same code in a chosen system.
    open_related: Callback<(String, Option<crate::api::CodeSystem>)>,
) -> impl IntoView {
    let (heading, choices) = match &error {
        FetchError::Api { error: api, .. } if api.kind == ErrorKind::AmbiguousCode => {
            ("Which code system?", api.candidates.clone())
        }
        FetchError::Api { error: api, .. } if api.kind == ErrorKind::UnknownCode => ("Code not found", Vec::new()),
        FetchError::Api { error: api, .. } if api.kind == ErrorKind::RateLimited => {
            ("Code views are limited", Vec::new())
        }
        FetchError::Api { error: api, .. } if api.kind == ErrorKind::Forbidden => {
            ("Not available on this site", Vec::new())
        }
        _ => ("Not a valid code", Vec::new()),
    };
    let limited = matches!(&error, FetchError::Api { error: api, .. } if api.kind == ErrorKind::RateLimited);
    view! {
        <div class="cc-unavailable" role="status">
            <p class="cc-problem-title">{heading}</p>
            <p class="cc-problem-message">{error.to_string()}</p>
            {limited.then(|| view! { <super::paywall::AccountButtons email=None /> })}
            {(!choices.is_empty()).then(|| view! {
                <ul class="cc-choices">
                    {choices.into_iter().map(|system| {
                        let code = code.clone();
                        let label = format!("{} {}", system.label(), crate::code::display(system, &crate::code::normalize(&code).unwrap_or_default()));
                        view! {
                            <li>
                                <button type="button" class="cc-button" on:click=move |_| open_related.run((code.clone(), Some(system)))>
                                    {label}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

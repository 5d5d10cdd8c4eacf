//! What the card shows while loading and when there is no card to show.

use leptos::prelude::*;

use super::client::FetchError;
use super::i18n;
use crate::api::ErrorKind;

/// Shown while the first answer is on its way.
#[component]
pub fn Loading(
    /// The code being looked up.
    code: String,
) -> impl IntoView {
    let text = i18n::current().text();
    view! {
        <p class="cc-loading" role="status" aria-live="polite">
            // A block value: a fully static element would be built by Leptos from an HTML string
            // (innerHTML), which a page requiring Trusted Types refuses.
            <span class={"cc-spinner"} aria-hidden="true"></span>
            {format!("{} {code}…", text.looking_up)}
        </p>
    }
}

/// Under a card's public part (a peek) while the metered lookup brings the rest.
#[component]
pub fn LoadingRest() -> impl IntoView {
    view! {
        <p class="cc-loading cc-rest" role="status" aria-live="polite">
            <span class={"cc-spinner"} aria-hidden="true"></span>
            {i18n::current().text().loading_rest}
        </p>
    }
}

/// A failure a retry may fix (service down, slow or garbled): the message and a Retry button.
#[component]
pub fn Problem(
    /// What failed.
    error: FetchError,
    /// Runs the lookup again.
    retry: Callback<()>,
    /// The heading, when not the whole lookup failed (the public part of the card shows).
    #[prop(optional)]
    title: Option<&'static str>,
) -> impl IntoView {
    let lang = i18n::current();
    let text = lang.text();
    view! {
        <div class="cc-problem" role="alert">
            <p class="cc-problem-title">{title.unwrap_or(text.problem)}</p>
            <p class="cc-problem-message">{i18n::problem_message(lang, &error)}</p>
            <button type="button" class="cc-button" on:click=move |_| retry.run(())>
                {text.try_again}
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
    let lang = i18n::current();
    let text = lang.text();
    let kind = match &error {
        FetchError::Api { error: api, .. } => Some(api.kind),
        _ => None,
    };
    let (heading, choices) = match (&error, kind) {
        (FetchError::Api { error: api, .. }, Some(ErrorKind::AmbiguousCode)) => {
            (text.which_system, api.candidates.clone())
        }
        (_, Some(ErrorKind::UnknownCode)) => (text.not_found, Vec::new()),
        (_, Some(ErrorKind::RateLimited)) => (text.limited, Vec::new()),
        (_, Some(ErrorKind::Forbidden)) => (text.not_here, Vec::new()),
        _ => (text.not_valid, Vec::new()),
    };
    let limited = matches!(&error, FetchError::Api { error: api, .. } if api.kind == ErrorKind::RateLimited);
    view! {
        <div class="cc-unavailable" role="status">
            <p class="cc-problem-title">{heading}</p>
            <p class="cc-problem-message">{i18n::problem_message(lang, &error)}</p>
            {limited.then(|| view! { <super::paywall::AccountButtons email=None /> }.into_any())}
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
                        .into_any()
                    }).collect_view()}
                </ul>
            }.into_any())}
        </div>
    }
}

//! What the card shows while loading and when there is no card to show. Fixed markup (see
//! `fixed`): the frame handles the buttons.

use super::client::FetchError;
use super::fixed::{Action, El, button, el, opens};
use super::{i18n, paywall};
use crate::api::ErrorKind;

/// A spinner and a line of status.
fn status(class: &'static str, line: String) -> El {
    el("p")
        .class(class)
        .attr("role", "status")
        .attr("aria-live", "polite")
        .child(el("span").class("cc-spinner").attr("aria-hidden", "true"))
        .child(line)
}

/// Shown while the first answer for `code` is on its way.
pub fn loading(code: &str) -> El {
    status("cc-loading", format!("{} {code}…", i18n::current().text().looking_up))
}

/// Under a card's public part (a peek) while the metered lookup brings the rest.
pub fn loading_rest() -> El {
    status("cc-loading cc-rest", i18n::current().text().loading_rest.to_string())
}

/// A failure a retry may fix (service down, slow or garbled): the message and a Retry button;
/// `title` when not the whole lookup failed (the public part of the card shows).
pub fn problem(error: &FetchError, title: Option<&'static str>) -> El {
    let lang = i18n::current();
    let text = lang.text();
    el("div")
        .class("cc-problem")
        .attr("role", "alert")
        .child(el("p").class("cc-problem-title").child(title.unwrap_or(text.problem)))
        .child(el("p").class("cc-problem-message").child(i18n::problem_message(lang, error)))
        .child(button("cc-button", Action::Retry, text.try_again))
}

/// A definite answer that there is no card for `code` as the page wrote it: unknown or
/// malformed code, or a code found in several systems (then one button per system).
pub fn unavailable(error: &FetchError, code: &str) -> El {
    let lang = i18n::current();
    let text = lang.text();
    let api = match error {
        FetchError::Api { error: api, .. } => Some(api),
        _ => None,
    };
    let (heading, choices) = match api.map(|api| api.kind) {
        Some(ErrorKind::AmbiguousCode) => {
            (text.which_system, api.map(|api| api.candidates.clone()).unwrap_or_default())
        }
        Some(ErrorKind::UnknownCode) => (text.not_found, Vec::new()),
        Some(ErrorKind::RateLimited) => (text.limited, Vec::new()),
        Some(ErrorKind::Forbidden) => (text.not_here, Vec::new()),
        _ => (text.not_valid, Vec::new()),
    };
    let limited = api.is_some_and(|api| api.kind == ErrorKind::RateLimited);
    let normalized = crate::code::normalize(code).unwrap_or_default();
    el("div")
        .class("cc-unavailable")
        .attr("role", "status")
        .child(el("p").class("cc-problem-title").child(heading))
        .child(el("p").class("cc-problem-message").child(i18n::problem_message(lang, error)))
        .maybe(limited.then(|| paywall::account_buttons(None).into()))
        .maybe((!choices.is_empty()).then(|| {
            el("ul")
                .class("cc-choices")
                .children(choices.into_iter().map(|system| {
                    let label = format!("{} {}", system.label(), crate::code::display(system, &normalized));
                    el("li").child(opens("cc-button", code.to_string(), system, label)).into()
                }))
                .into()
        }))
}

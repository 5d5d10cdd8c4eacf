//! The picker's list: a listbox of results under the input (in the page's DOM, so the input's
//! `aria-controls` and `aria-activedescendant` can name it), the explanation when a header was
//! picked, and a button that opens the active result's card.

use leptos::prelude::*;

use super::state::Picker;
use crate::widget::{dom, i18n};

/// The list and its status line.
#[component]
pub fn Popup(
    /// The picker it belongs to.
    picker: Picker,
) -> impl IntoView {
    let lang = picker.settings.lang;
    let text = lang.search_text();
    let p = picker.clone();
    // One polite live region: the latest change to the field when there is one (a chip added
    // or removed, a header's children offered), else what the search found.
    let status = move || {
        let announced = p.announced.get();
        if !announced.is_empty() {
            return announced;
        }
        let problem = p.search.problem.get();
        if !problem.is_empty() {
            return problem;
        }
        p.search
            .shown
            .with(|s| s.as_ref().map(|s| i18n::search_status(lang, s.results.total, s.results.results.len())))
            .unwrap_or_default()
    };
    let p = picker.clone();
    let open = move || p.open();
    let p = picker.clone();
    let note = move || {
        p.header.get().map(|h| view! { <p class="cc-pick-note">{i18n::children_of(lang, &h.display_code)}</p> })
    };
    let p = picker.clone();
    let options = move || {
        let p = p.clone();
        p.hits()
            .into_iter()
            .enumerate()
            .map(|(i, hit)| {
                let (active, picked) = (p.option.index, p.clone());
                let chosen = hit.clone();
                view! {
                    <li
                        id=p.option_id(i)
                        role="option"
                        aria-selected=move || (active.get() == Some(i)).to_string()
                        on:mousedown=dom::keep_focus
                        on:click=move |_| picked.pick(&chosen)
                    >
                        <span class="cc-pick-code">{hit.display_code.clone()}</span>
                        <span class="cc-pick-title">{hit.title.clone()}</span>
                        {(!hit.billable).then(|| view! { <span class="cc-pick-tag">{text.header_short}</span> })}
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    let p = picker.clone();
    let details = move || {
        let hits = p.hits();
        hits.get(p.option.index.get().unwrap_or(0)).cloned().map(|hit| {
            let opener = p.clone();
            view! {
                <button
                    type="button"
                    class="cc-pick-open"
                    tabindex="-1"
                    on:mousedown=dom::keep_focus
                    on:click=move |_| opener.open_card(&hit.display_code, Some(hit.system))
                >
                    {i18n::open_card(lang, &hit.display_code)}
                </button>
            }
        })
    };
    let message = picker.message;
    let shown = picker.clone();
    let shows_message = move || shown.shows_message();
    view! {
        <p class="cc-pick-sr" role="status" aria-live="polite">{status}</p>
        // What the input's aria-describedby names while it is invalid.
        <p id=picker.message_id() class="cc-pick-message" hidden=move || !shows_message()>{move || message.get()}</p>
        <div class="cc-pick-box" hidden=move || !open()>
            {note}
            <ul id=picker.list_id() role="listbox" aria-label=text.matching_codes>
                {options}
            </ul>
            {details}
        </div>
    }
}

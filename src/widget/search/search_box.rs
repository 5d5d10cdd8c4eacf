//! The search field and its state: debounced typing, keyboard navigation of the results,
//! opening the card for a chosen one, and the status line.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::Card;
use super::filters::SearchFilters;
use super::results::ResultList;
use crate::api::{CodeSystem, SearchHit};
use crate::widget::app::WidgetConfig;
use crate::widget::client::{self, SearchRequest};
use crate::widget::hooks::{Search, use_active_option, use_debounced, use_search};
use crate::widget::i18n;

/// How long typing must pause before a search is sent.
const DEBOUNCE_MS: u32 = 180;

/// The search field, its filters, its status line and the listbox of results.
#[component]
pub fn SearchBox(
    /// The widget's settings (endpoint, deadline, language).
    config: WidgetConfig,
    /// The card module's handle: choosing a result opens the card through it.
    card: StoredValue<Card, LocalStorage>,
    /// The field's label (`data-label`); the widget's own words when absent.
    label: Option<String>,
) -> impl IntoView {
    let words = config.lang.search_text();
    let input = NodeRef::<html::Input>::new();
    let text = RwSignal::new(String::new());
    let system = RwSignal::new(String::new());
    let billable_only = RwSignal::new(false);
    // The query actually sent: follows `text` after a pause in typing.
    let settled = use_debounced(String::new(), DEBOUNCE_MS);
    let option = use_active_option();
    let active = option.index;
    let expanded = RwSignal::new(false);

    let request = Memo::new(move |_| SearchRequest {
        text: settled.settled.get().trim().to_string(),
        system: system.with(|id| CodeSystem::parse(id)),
        billable_only: billable_only.get(),
        limit: client::SEARCH_PAGE,
    });

    let lang = config.lang;
    let Search { shown, problem } = use_search(request, config.endpoint.clone(), config.timeout_ms, lang, active);

    let hits = move || shown.with(|s| s.as_ref().map(|s| s.results.results.clone()).unwrap_or_default());
    let loading = move || {
        let wanted = request.get();
        !wanted.text.is_empty()
            && shown.with(|s| s.as_ref().is_none_or(|s| s.request != wanted))
            && problem.with(String::is_empty)
    };
    let open_list = move || expanded.get() && !text.with(String::is_empty) && shown.with(Option::is_some);

    let open_card = move |hit: SearchHit| {
        if let Some(anchor) = input.get_untracked() {
            let anchor: HtmlElement = (*anchor).clone().unchecked_into();
            card.with_value(|card| card.show(&anchor, &hit.display_code, hit.system.id()));
        }
    };

    let on_input = move |event: web_sys::Event| {
        let value = event_target_value(&event);
        text.set(value.clone());
        expanded.set(true);
        settled.set(value);
    };
    let clear = move || {
        text.set(String::new());
        settled.set_now(String::new());
        active.set(None);
        expanded.set(false);
        problem.set(String::new());
        if let Some(input) = input.get_untracked() {
            input.set_value("");
        }
    };
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        let count = shown.with_untracked(|s| s.as_ref().map_or(0, |s| s.results.results.len()));
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" if count > 0 => {
                event.prevent_default();
                expanded.set(true);
                option.step(event.key() == "ArrowDown", count);
            }
            "Enter" if count > 0 => {
                let chosen = option.chosen();
                let hit = shown.with_untracked(|s| s.as_ref().and_then(|s| s.results.results.get(chosen).cloned()));
                if let Some(hit) = hit {
                    event.prevent_default();
                    open_card(hit);
                }
            }
            // With a card open, Esc belongs to the card (it closes and gives focus back here).
            "Escape" if !card.with_value(Card::is_open) => {
                event.prevent_default();
                clear();
            }
            _ => {}
        }
    };

    let status = move || {
        let problem = problem.get();
        if !problem.is_empty() {
            return problem;
        }
        if loading() {
            return words.searching.to_string();
        }
        shown
            .with(|s| s.as_ref().map(|s| i18n::search_status(lang, s.results.total, s.results.results.len())))
            .unwrap_or_default()
    };
    let label = label.unwrap_or_else(|| words.search_label.to_string());

    view! {
        <div class="cc-search" aria-busy=move || loading().to_string()>
            <label class="cc-search-label" for="cc-search-input">{label}</label>
            <div class="cc-search-row">
                <input
                    node_ref=input
                    id="cc-search-input"
                    class="cc-search-input"
                    type="search"
                    role="combobox"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=words.search_placeholder
                    aria-autocomplete="list"
                    aria-controls="cc-search-list"
                    aria-describedby="cc-search-status"
                    aria-expanded=move || open_list().to_string()
                    aria-activedescendant=move || active.get().filter(|_| open_list()).map(|i| format!("cc-search-option-{i}"))
                    on:input=on_input
                    on:keydown=on_keydown
                    on:focus=move |_| expanded.set(true)
                />
                <SearchFilters lang system billable_only />
            </div>
            <p id="cc-search-status" class="cc-search-status" role="status" aria-live="polite">{status}</p>
            <ResultList lang hits active open=open_list choose=Callback::new(open_card) />
        </div>
    }
}

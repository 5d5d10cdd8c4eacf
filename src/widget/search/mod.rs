//! The search box: `<div data-codecard-search>` on a page becomes a type-ahead code search
//! (ARIA combobox with a listbox popup) whose results open the card.
//!
//! Typing is debounced; each new query aborts the request of the one before, and the previous
//! results stay on screen until the new ones arrive, so the list does not flicker while typing.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::app::WidgetConfig;
use super::client::{self, SearchRequest};
use super::hooks::{Search, use_active_option, use_debounced, use_search};
use super::{dom, i18n};
use crate::api::{CodeSystem, SearchHit};

/// How long typing must pause before a search is sent.
const DEBOUNCE_MS: u32 = 180;

#[wasm_bindgen]
extern "C" {
    /// The card, which lives in the card module: the loader hands its `Widget` handle over.
    pub type Card;

    /// Opens the card for `code` next to `anchor`.
    #[wasm_bindgen(method)]
    pub fn show(this: &Card, anchor: &HtmlElement, code: &str, system: &str);

    /// Whether a card is open.
    #[wasm_bindgen(method, getter, js_name = isOpen)]
    pub fn is_open(this: &Card) -> bool;
}

/// Turns `element` into a search box in its own open shadow root (so the page's CSS cannot
/// reach it), with the styles, theme, language and endpoint of `options` (the JSON the card was
/// mounted with); results open `card`. The box lives until [`MountedSearch::destroy`].
#[wasm_bindgen]
pub fn mount_search(options: &str, element: HtmlElement, card: Card) -> Result<MountedSearch, JsValue> {
    let config = super::config(options)?;
    let container = dom::shadow_container(&element, &config.look(), "cc-root cc-search-root")?;
    let shadow = element.shadow_root().ok_or("codecard: the search box has no shadow root")?;
    let label = element.get_attribute("data-label");
    let card = StoredValue::new_local(card);
    let handle = leptos::mount::mount_to(container, move || {
        provide_context(config.lang);
        view! { <SearchBox config card label /> }
    });
    Ok(MountedSearch { shadow, mounted: Some(Box::new(SendWrapper::new(handle))) })
}

/// A mounted search box, held by the embed script so that teardown can remove it.
#[wasm_bindgen]
pub struct MountedSearch {
    shadow: web_sys::ShadowRoot,
    // Dropping it unmounts the view and disposes of its reactive graph.
    mounted: Option<Box<dyn std::any::Any>>,
}

#[wasm_bindgen]
impl MountedSearch {
    /// Unmounts the box and shows the element's own content again (through a slot).
    pub fn destroy(mut self) {
        self.mounted.take();
        // Nodes, not an HTML string: a page requiring Trusted Types refuses innerHTML.
        dom::empty(&self.shadow);
        if let Ok(slot) = leptos::prelude::document().create_element("slot") {
            let _ = self.shadow.append_child(&slot);
        }
    }
}

/// The search field, its filters, its status line and the listbox of results.
#[component]
fn SearchBox(
    /// The widget's settings (endpoint, deadline, language).
    config: WidgetConfig,
    /// The card module's handle: choosing a result opens the card through it.
    card: StoredValue<Card, LocalStorage>,
    /// The field's label (`data-label`); the widget's own words when absent.
    label: Option<String>,
) -> impl IntoView {
    let words = config.lang.text();
    let input = NodeRef::<html::Input>::new();
    let text = RwSignal::new(String::new());
    let system = RwSignal::new(None::<CodeSystem>);
    let billable_only = RwSignal::new(false);
    // The query actually sent: follows `text` after a pause in typing.
    let settled = use_debounced(String::new(), DEBOUNCE_MS);
    let option = use_active_option();
    let active = option.index;
    let expanded = RwSignal::new(false);

    let request = Memo::new(move |_| SearchRequest {
        text: settled.settled.get().trim().to_string(),
        system: system.get(),
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
            && problem.get().is_none()
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
        problem.set(None);
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
        if let Some(problem) = problem.get() {
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
                <select
                    class="cc-search-system"
                    aria-label=words.code_system
                    on:change=move |event| system.set(CodeSystem::parse(&event_target_value(&event)))
                >
                    <option value="">{words.all_systems}</option>
                    {CodeSystem::ALL.map(|s| view! { <option value=s.id()>{s.label()}</option> }).collect_view()}
                </select>
                <label class="cc-search-billable">
                    <input type="checkbox" on:change=move |event| billable_only.set(event_target_checked(&event)) />
                    {format!(" {}", words.billable_only)}
                </label>
            </div>
            <p id="cc-search-status" class="cc-search-status" role="status" aria-live="polite">{status}</p>
            <ul
                id="cc-search-list"
                class="cc-search-list"
                role="listbox"
                aria-label=words.matching_codes
                hidden=move || !open_list()
            >
                {move || {
                    hits()
                        .into_iter()
                        .enumerate()
                        .map(|(i, hit)| {
                            let selected = move || active.get() == Some(i);
                            let chosen = hit.clone();
                            view! {
                                <li
                                    id=format!("cc-search-option-{i}")
                                    class="cc-search-option"
                                    role="option"
                                    aria-selected=move || selected().to_string()
                                    data-code=hit.code.clone()
                                    data-system=hit.system.id()
                                    on:mousedown=|event| event.prevent_default()
                                    on:click=move |_| {
                                        active.set(Some(i));
                                        open_card(chosen.clone());
                                    }
                                >
                                    <span class="cc-search-code">{hit.display_code.clone()}</span>
                                    <span class="cc-search-sys">{hit.system.label()}</span>
                                    {(!hit.billable).then(|| view! { <span class="cc-search-header">{words.header_short}</span> })}
                                    <span class="cc-search-title">{marked(&hit)}</span>
                                    {hit.via.clone().map(|via| view! { <span class="cc-search-via">{super::i18n::search_via(super::i18n::current(), &via)}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// The title with its matched words in `<mark>`.
fn marked(hit: &SearchHit) -> impl IntoView + use<> {
    let chars: Vec<char> = hit.title.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0usize;
    for span in &hit.highlights {
        let (start, end) = ((span.start as usize).min(chars.len()), (span.end as usize).min(chars.len()));
        if start < at || end <= start {
            continue;
        }
        parts.push((chars[at..start].iter().collect::<String>(), false));
        parts.push((chars[start..end].iter().collect::<String>(), true));
        at = end;
    }
    parts.push((chars[at..].iter().collect::<String>(), false));
    parts
        .into_iter()
        .filter(|(text, _)| !text.is_empty())
        .map(|(text, mark)| if mark { view! { <mark>{text}</mark> }.into_any() } else { text.into_any() })
        .collect_view()
}

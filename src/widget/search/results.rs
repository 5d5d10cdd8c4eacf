//! The search box's listbox: one option per result, its matched words marked, and the index
//! path that found it when the title alone would not explain the match.

use leptos::prelude::*;

use crate::api::SearchHit;
use crate::widget::dom;
use crate::widget::i18n::{self, Lang};

/// The listbox of results; choosing one calls `choose` with its position and result.
#[component]
pub fn ResultList(
    /// The language the labels are in.
    lang: Lang,
    /// The results to list. (Plain closures, not `Signal`s: a `Signal` of a type compiles
    /// Leptos's memo code for that type too.)
    hits: impl Fn() -> Vec<SearchHit> + Send + Sync + 'static,
    /// The option the keyboard is on.
    active: RwSignal<Option<usize>>,
    /// Whether the list is shown.
    open: impl Fn() -> bool + Send + Sync + 'static,
    /// Called with a clicked result.
    choose: Callback<SearchHit>,
) -> impl IntoView {
    let words = lang.search_text();
    view! {
        <ul
            id="cc-search-list"
            class="cc-search-list"
            role="listbox"
            aria-label=words.matching_codes
            hidden=move || !open()
        >
            {move || {
                hits()
                    .into_iter()
                    .enumerate()
                    .map(|(i, hit)| view! { <ResultOption lang i hit active choose /> }.into_any())
                    .collect_view()
            }}
        </ul>
    }
}

/// One result: code, system, a header tag, the marked title and, when found through the
/// Alphabetic Index or a synonym, where from.
#[component]
fn ResultOption(
    lang: Lang,
    i: usize,
    hit: SearchHit,
    active: RwSignal<Option<usize>>,
    choose: Callback<SearchHit>,
) -> impl IntoView {
    let words = lang.search_text();
    let chosen = hit.clone();
    view! {
        <li
            id=format!("cc-search-option-{i}")
            class="cc-search-option"
            role="option"
            aria-selected=move || (active.get() == Some(i)).to_string()
            data-code=hit.code.clone()
            data-system=hit.system.id()
            on:mousedown=dom::keep_focus
            on:click=move |_| {
                active.set(Some(i));
                choose.run(chosen.clone());
            }
        >
            <span class="cc-search-code">{hit.display_code.clone()}</span>
            <span class="cc-search-sys">{hit.system.label()}</span>
            {(!hit.billable).then(|| view! { <span class="cc-search-header">{words.header_short}</span> })}
            <span class="cc-search-title">{marked(&hit)}</span>
            {hit.via.clone().map(|via| view! { <span class="cc-search-via">{i18n::search_via(lang, &via)}</span> })}
        </li>
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

//! The search box's filters: which code system, and billable codes only.

use leptos::prelude::*;

use crate::api::CodeSystem;
use crate::widget::i18n::Lang;

/// The system select and the billable-only check box, writing into the box's filter signals.
#[component]
pub fn SearchFilters(
    /// The language the labels are in.
    lang: Lang,
    /// The chosen system's id; empty searches all. (A `String`, a signal type the box has
    /// already: each value type of a signal compiles Leptos's signal code again.)
    system: RwSignal<String>,
    /// Whether only billable codes are listed.
    billable_only: RwSignal<bool>,
) -> impl IntoView {
    let words = lang.search_text();
    view! {
        <select
            class="cc-search-system"
            aria-label=words.code_system
            on:change=move |event| system.set(event_target_value(&event))
        >
            <option value="">{words.all_systems}</option>
            {CodeSystem::ALL.map(|s| view! { <option value=s.id()>{s.label()}</option> }.into_any()).collect_view()}
        </select>
        <label class="cc-search-billable">
            <input type="checkbox" on:change=move |event| billable_only.set(event_target_checked(&event)) />
            {format!(" {}", words.billable_only)}
        </label>
    }
}

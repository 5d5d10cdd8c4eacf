//! The search box's filters: which code system, and billable codes only.

use crate::api::CodeSystem;
use crate::widget::fixed::{El, el};
use crate::widget::i18n::Lang;

/// The system select (its value a system's id; empty searches all) and the billable-only check
/// box, in `lang`.
pub fn filters(lang: Lang) -> [El; 2] {
    let words = lang.search_text();
    let all = el("option").attr("value", "").child(words.all_systems);
    let options = CodeSystem::ALL.map(|s| el("option").attr("value", s.id()).child(s.label()).into());
    let select =
        el("select").class("cc-search-system").attr("aria-label", words.code_system).child(all).children(options);
    let billable = el("label")
        .class("cc-search-billable")
        .child(el("input").attr("type", "checkbox"))
        .child(format!(" {}", words.billable_only));
    [select, billable]
}

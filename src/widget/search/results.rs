//! The search box's options: one per result, its matched words marked, and the index path that
//! found it when the title alone would not explain the match.

use crate::api::SearchHit;
use crate::widget::fixed::{El, Node, el};
use crate::widget::i18n::{self, Lang};

/// The id of option `i`, which the field's `aria-activedescendant` names.
pub fn option_id(i: usize) -> String {
    format!("cc-search-option-{i}")
}

/// Result `i`: code, system, a header tag, the marked title and, when found through the
/// Alphabetic Index or a synonym, where from.
pub fn option(lang: Lang, i: usize, hit: &SearchHit) -> Node {
    let words = lang.search_text();
    let span = |class: &'static str| el("span").class(class);
    el("li")
        .attr("id", option_id(i))
        .class("cc-search-option")
        .attr("role", "option")
        .attr("aria-selected", "false")
        .attr("data-code", hit.code.as_str())
        .attr("data-system", hit.system.id())
        .child(span("cc-search-code").child(hit.display_code.as_str()))
        .child(span("cc-search-sys").child(hit.system.label()))
        .maybe((!hit.billable).then(|| span("cc-search-header").child(words.header_short).into()))
        .child(marked(span("cc-search-title"), hit))
        .maybe(hit.via.as_deref().map(|via| span("cc-search-via").child(i18n::search_via(lang, via)).into()))
        .into()
}

/// `into` holding the title, its matched words in `<mark>`.
fn marked(mut into: El, hit: &SearchHit) -> El {
    let chars: Vec<char> = hit.title.chars().collect();
    let mut at = 0usize;
    let plain = |into: El, from: usize, to: usize| {
        if from < to { into.child(chars[from..to].iter().collect::<String>()) } else { into }
    };
    for span in &hit.highlights {
        let (start, end) = ((span.start as usize).min(chars.len()), (span.end as usize).min(chars.len()));
        if start < at || end <= start {
            continue;
        }
        into = plain(into, at, start);
        into = into.child(el("mark").child(chars[start..end].iter().collect::<String>()));
        at = end;
    }
    plain(into, at, chars.len())
}

//! The picker's look. Its list and chips live in the page's own DOM, not in a shadow root: the
//! combobox's `aria-controls` and `aria-activedescendant` must name elements of the input's own
//! tree, and the chips' hidden inputs must belong to the page's form. So the styles go to the
//! document, once, as a constructed stylesheet (no `<style>` for a CSP to block), under
//! attribute selectors of our own.

use std::sync::atomic::{AtomicBool, Ordering};

const CSS: &str = "\
[data-codecard-pick]{position:absolute;z-index:2147483000;font:15px/1.4 system-ui,sans-serif;color:#1c2430;text-align:left}\
[data-codecard-pick] .cc-pick-box{margin:2px 0 0;background:#fff;border:1px solid #c9d1da;border-radius:8px;box-shadow:0 8px 24px rgba(16,24,40,.22);max-height:min(60vh,420px);overflow:auto}\
[data-codecard-pick] ul{list-style:none;margin:0;padding:4px 0}\
[data-codecard-pick] li{display:flex;gap:8px;align-items:baseline;padding:6px 10px;cursor:pointer}\
[data-codecard-pick] li:hover{background:#f0f4f9}\
[data-codecard-pick] li[aria-selected=true]{background:#e3edfa;outline:2px solid #1a5fb4;outline-offset:-2px}\
[data-codecard-pick] .cc-pick-code{font-weight:600;min-width:5.5em}\
[data-codecard-pick] .cc-pick-tag{font-size:12px;padding:0 6px;border-radius:4px;background:#fdf0d5;color:#5c3f00}\
[data-codecard-pick] .cc-pick-note{margin:0;padding:8px 10px;background:#fff8e6;color:#3d2f00;border-bottom:1px solid #e5e8ec}\
[data-codecard-pick] .cc-pick-open{display:block;width:100%;margin:0;padding:6px 10px;border:0;border-top:1px solid #e5e8ec;background:#f6f8fa;color:#174f96;font:inherit;text-align:left;cursor:pointer}\
[data-codecard-pick] .cc-pick-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
[data-codecard-chips] ul{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:6px 0 0;padding:0}\
[data-codecard-chips] li{display:inline-flex;align-items:center;gap:2px;padding:2px 2px 2px 10px;border-radius:999px;background:#e3edfa;color:#12325e;font:14px/1.4 system-ui,sans-serif}\
[data-codecard-chips] button{width:28px;height:28px;border:0;border-radius:50%;background:none;color:inherit;font:18px/1 system-ui,sans-serif;cursor:pointer}\
[data-codecard-chips] button:focus-visible{outline:2px solid #1a5fb4}";

/// Adds the picker's stylesheet to the document, the first time only.
pub fn adopt() {
    static ADOPTED: AtomicBool = AtomicBool::new(false);
    if ADOPTED.swap(true, Ordering::Relaxed) {
        return;
    }
    let Ok(sheet) = web_sys::CssStyleSheet::new() else { return };
    if sheet.replace_sync(CSS).is_err() {
        return;
    }
    let document = leptos::prelude::document();
    let sheets = document.adopted_style_sheets();
    sheets.push(&sheet);
    document.set_adopted_style_sheets(&sheets);
}

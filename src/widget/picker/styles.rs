//! The picker's look. Its list and chips live in the page's own DOM, not in a shadow root: the
//! combobox's `aria-controls` and `aria-activedescendant` must name elements of the input's own
//! tree (Chromium's accessibility tree drops both relations to an element in a shadow root, by
//! id or by element reference alike), and the chips' hidden inputs must belong to the page's
//! form. So the styles go to the document, as a constructed stylesheet (no `<style>` for a CSP
//! to block), under attribute selectors of our own, while a picker is mounted.
//!
//! The page's CSS is kept out by the cascade rather than by a shadow boundary: every rule here is
//! `!important` inside a cascade layer, and a layer's important declarations win over every
//! unlayered rule of the page, important or not, whatever its specificity. The elements are
//! first reset (`all: initial` on the hosts, `all: revert` inside: the browser's own defaults)
//! so that a property we do not set is not the page's either. Colours are custom properties,
//! swapped for the dark palette as the card's are (`data-theme`, else `prefers-color-scheme`).

use std::cell::RefCell;

const CSS: &str = "@layer codecard-picker{\
[data-codecard-pick],[data-codecard-chips]{all:initial!important;display:block!important;font:15px/1.4 system-ui,sans-serif!important;color:var(--cc-fg)!important;text-align:start!important;\
--cc-bg:#fff;--cc-fg:#1c2430;--cc-line:#c9d1da;--cc-hover:#f0f4f9;--cc-sel:#e3edfa;--cc-ring:#1a5fb4;--cc-tag:#fdf0d5;--cc-tag-fg:#5c3f00;--cc-note:#fff8e6;--cc-note-fg:#3d2f00;--cc-foot:#f6f8fa;--cc-link:#174f96;--cc-chip-fg:#12325e}\
[data-codecard-pick] *,[data-codecard-chips] *,[data-codecard-pick] ::before,[data-codecard-pick] ::after,[data-codecard-chips] ::before,[data-codecard-chips] ::after{all:revert!important}\
[data-codecard-pick]{position:absolute!important;z-index:2147483000!important}\
[data-codecard-pick] .cc-pick-box{margin:2px 0 0!important;background:var(--cc-bg)!important;border:1px solid var(--cc-line)!important;border-radius:8px!important;box-shadow:0 8px 24px rgba(16,24,40,.22)!important;max-height:var(--cc-pick-max,420px)!important;overflow:auto!important}\
[data-codecard-pick] ul{display:block!important;list-style:none!important;margin:0!important;padding:4px 0!important}\
[data-codecard-pick] li{display:flex!important;gap:8px!important;align-items:baseline!important;padding:6px 10px!important;cursor:pointer!important}\
[data-codecard-pick] li:hover{background:var(--cc-hover)!important}\
[data-codecard-pick] li[aria-selected=true]{background:var(--cc-sel)!important;outline:2px solid var(--cc-ring)!important;outline-offset:-2px!important}\
[data-codecard-pick] .cc-pick-code{font-weight:600!important;min-width:5.5em!important}\
[data-codecard-pick] .cc-pick-tag{font-size:12px!important;padding:0 6px!important;border-radius:4px!important;background:var(--cc-tag)!important;color:var(--cc-tag-fg)!important}\
[data-codecard-pick] .cc-pick-note{margin:0!important;padding:8px 10px!important;background:var(--cc-note)!important;color:var(--cc-note-fg)!important;border-bottom:1px solid var(--cc-line)!important}\
[data-codecard-pick] .cc-pick-message{margin:2px 0 0!important;padding:8px 10px!important;background:var(--cc-note)!important;color:var(--cc-note-fg)!important;border:1px solid var(--cc-line)!important;border-radius:8px!important}\
[data-codecard-pick] .cc-pick-open{display:block!important;width:100%!important;margin:0!important;padding:6px 10px!important;border:0!important;border-top:1px solid var(--cc-line)!important;background:var(--cc-foot)!important;color:var(--cc-link)!important;font:inherit!important;text-align:start!important;cursor:pointer!important}\
[data-codecard-pick] .cc-pick-sr{position:absolute!important;width:1px!important;height:1px!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important}\
[data-codecard-chips] ul{display:flex!important;flex-wrap:wrap!important;gap:6px!important;list-style:none!important;margin:6px 0 0!important;padding:0!important}\
[data-codecard-chips] li{display:inline-flex!important;align-items:center!important;gap:2px!important;padding:2px 2px 2px 10px!important;border-radius:999px!important;background:var(--cc-sel)!important;color:var(--cc-chip-fg)!important;font:14px/1.4 system-ui,sans-serif!important}\
[data-codecard-chips] button{width:28px!important;height:28px!important;padding:0!important;border:0!important;border-radius:50%!important;background:none!important;color:inherit!important;font:18px/1 system-ui,sans-serif!important;cursor:pointer!important}\
[data-codecard-chips] button:disabled{cursor:default!important;opacity:.5!important}\
[data-codecard-chips] button:focus-visible{outline:2px solid var(--cc-ring)!important}\
[data-codecard-pick] [hidden],[data-codecard-chips] [hidden]{display:none!important}\
[data-codecard-pick][data-theme=dark],[data-codecard-chips][data-theme=dark]{--cc-bg:#1d232b;--cc-fg:#e6ebf1;--cc-line:#3a4654;--cc-hover:#273140;--cc-sel:#22395a;--cc-ring:#8ab4f8;--cc-tag:#4a3a14;--cc-tag-fg:#fbe3a6;--cc-note:#3a3016;--cc-note-fg:#f5e6b8;--cc-foot:#232a33;--cc-link:#9cc2ff;--cc-chip-fg:#dbe8ff}\
@media(prefers-color-scheme:dark){[data-codecard-pick]:not([data-theme=light]),[data-codecard-chips]:not([data-theme=light]){--cc-bg:#1d232b;--cc-fg:#e6ebf1;--cc-line:#3a4654;--cc-hover:#273140;--cc-sel:#22395a;--cc-ring:#8ab4f8;--cc-tag:#4a3a14;--cc-tag-fg:#fbe3a6;--cc-note:#3a3016;--cc-note-fg:#f5e6b8;--cc-foot:#232a33;--cc-link:#9cc2ff;--cc-chip-fg:#dbe8ff}}}";

thread_local! {
    /// The stylesheet while pickers are mounted, and how many.
    static ADOPTED: RefCell<Option<(web_sys::CssStyleSheet, usize)>> = const { RefCell::new(None) };
}

/// Adds the picker's stylesheet to the document for one more picker (the first adds it).
pub fn adopt() {
    ADOPTED.with_borrow_mut(|adopted| {
        if let Some((_, count)) = adopted {
            *count += 1;
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
        *adopted = Some((sheet, 1));
    });
}

/// One picker fewer: the last one takes the stylesheet off the document.
pub fn release() {
    ADOPTED.with_borrow_mut(|adopted| {
        let Some((sheet, count)) = adopted else { return };
        *count -= 1;
        if *count > 0 {
            return;
        }
        let document = leptos::prelude::document();
        let kept: js_sys::Array = document
            .adopted_style_sheets()
            .iter()
            .filter(|s| s != AsRef::<wasm_bindgen::JsValue>::as_ref(sheet))
            .collect();
        document.set_adopted_style_sheets(&kept);
        *adopted = None;
    });
}

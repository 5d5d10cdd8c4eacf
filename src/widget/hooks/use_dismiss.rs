//! How a card is dismissed, following the WAI-ARIA APG non-modal dialog pattern: Esc, the close
//! button, a press outside, or moving focus out of it with Tab. Focus order stays natural: the
//! card sits, for the keyboard, right after its code.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::widget::app::{self, Target};
use crate::widget::dom::{self, Listener};

/// What the keyboard can reach in the dialog, in order.
const TABBABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                        textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Closes the card of `state` on Esc anywhere and on a press outside both the card and its code
/// (focus then returns to the code unless the press focused something else). Returns the
/// dialog's keydown handler for Tab: past the last control the card closes and focus moves on
/// to what follows the code; Shift+Tab before the first control closes it and returns to the
/// code.
pub fn use_dismiss(
    dialog: NodeRef<html::Div>,
    anchor: SendWrapper<HtmlElement>,
    state: RwSignal<Option<Target>>,
) -> impl Fn(KeyboardEvent) + Clone + 'static {
    let document: web_sys::EventTarget = document().into();
    let outside_anchor = anchor.clone();
    let listeners = vec![
        Listener::new(&document, "keydown", false, move |event| {
            if event.unchecked_ref::<KeyboardEvent>().key() == "Escape" {
                event.prevent_default();
                app::close(state, true);
            }
        }),
        Listener::new(&document, "pointerdown", true, move |event| {
            let inside = event.composed_path().iter().any(|node| {
                node.dyn_ref::<web_sys::Element>().is_some_and(|el| {
                    el.has_attribute("data-codecard-host")
                        || el.has_attribute("data-code")
                        || el == outside_anchor.unchecked_ref::<web_sys::Element>()
                })
            });
            if !inside {
                app::close(state, false);
                dom::return_focus_after_press(&outside_anchor);
            }
        }),
    ];
    let listeners = SendWrapper::new(listeners);
    on_cleanup(move || drop(listeners));

    move |event: KeyboardEvent| {
        if event.key() != "Tab" {
            return;
        }
        let Some(dialog) = dialog.get_untracked() else { return };
        let active =
            dialog.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok().and_then(|root| root.active_element());
        let controls = tabbable(&dialog);
        let is = |candidate: Option<&web_sys::Element>| candidate.is_some_and(|c| active.as_ref() == Some(c));
        if event.shift_key() {
            if active.is_none() || is(Some(&dialog)) || is(controls.first()) {
                event.prevent_default();
                app::close(state, true);
            }
        } else if is(controls.last()) {
            // Not prevented: with focus on the code, the browser's own Tab moves on from there.
            app::close(state, false);
            dom::focus_without_scrolling(&anchor);
        }
    }
}

/// The dialog's controls the keyboard reaches, in document order: enabled and rendered.
fn tabbable(dialog: &web_sys::Element) -> Vec<web_sys::Element> {
    let Ok(found) = dialog.query_selector_all(TABBABLE) else { return Vec::new() };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter(|el| el.get_client_rects().length() > 0)
        .collect()
}

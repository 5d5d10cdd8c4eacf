//! Where the list sits: under its input (over it when there is more room there), as wide as the
//! input but at least [`MIN_WIDTH`], starting at the input's inline-start edge (its right edge on
//! a right-to-left page), and always inside the visible viewport; kept there while the page or
//! a panel scrolls or the window resizes, and closed once the input is scrolled out of view.

use std::rc::Rc;

use web_sys::{EventTarget, HtmlElement, HtmlInputElement};

use super::state::Inner;
use crate::widget::dom::{self, Listener};
use crate::widget::hooks::{Viewport, anchor_in_view};

/// The narrowest list: room for a code and the start of its title.
const MIN_WIDTH: f64 = 320.0;
/// The list's distance from the viewport's edges.
const MARGIN: f64 = 8.0;
/// The tallest list.
const MAX_HEIGHT: f64 = 420.0;
/// Below this much room under the input, a list that wants more goes above it if there is more
/// room there.
const FLIP_BELOW: f64 = 200.0;

/// The list's box in viewport coordinates: left, top, width and the height it may take.
struct Spot {
    left: f64,
    top: f64,
    width: f64,
    max_height: f64,
}

/// Where a list that wants `wanted` pixels of height goes for an input at `input` (left, top,
/// right, bottom), in `view`.
fn spot(input: (f64, f64, f64, f64), rtl: bool, wanted: f64, view: &Viewport) -> Spot {
    let (left, top, right, bottom) = input;
    let (view_right, view_bottom) = (view.left + view.width, view.top + view.height);
    let width = (right - left).max(MIN_WIDTH).min(view.width - 2.0 * MARGIN).max(0.0);
    let start = if rtl { right - width } else { left };
    let left = start.min(view_right - MARGIN - width).max(view.left + MARGIN);
    let (below, above) = (view_bottom - MARGIN - bottom, top - MARGIN - view.top);
    let wanted = wanted.min(MAX_HEIGHT);
    if below >= wanted.min(FLIP_BELOW) || below >= above {
        Spot { left, top: bottom, width, max_height: below.clamp(0.0, MAX_HEIGHT) }
    } else {
        let max_height = above.min(MAX_HEIGHT);
        Spot { left, top: top - wanted.min(max_height), width, max_height }
    }
}

/// Places `popup` at `input`; false when the input is out of view (nothing placed). `fixed`:
/// the popup is positioned in the viewport (in a dialog), not in the page.
pub fn place(input: &HtmlInputElement, popup: &HtmlElement, fixed: bool) -> bool {
    let view = Viewport::current();
    if !input.is_connected() || !anchor_in_view(input, &view) {
        return false;
    }
    let Some(window) = web_sys::window() else { return false };
    let rtl = window
        .get_computed_style(input)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("direction").ok())
        .is_some_and(|direction| direction == "rtl");
    // Under CSS `zoom` (on the body, say) the input's box is measured zoomed, as the viewport
    // sees it, while the list's own lengths are zoomed once more when drawn: everything is
    // worked out in the viewport's pixels, then given to the list divided by its zoom.
    let zoom = css_zoom(popup);
    let r = input.get_bounding_client_rect();
    let at = |wanted| spot((r.left(), r.top(), r.right(), r.bottom()), rtl, wanted, &view);
    let (x, y) = if fixed { (0.0, 0.0) } else { (window.scroll_x().unwrap_or(0.0), window.scroll_y().unwrap_or(0.0)) };
    let style = popup.style();
    // Important: the page's stylesheets must not move the list (see styles).
    let set = |property, value: f64| {
        let _ = style.set_property_with_priority(property, &(dom::decimal(value / zoom, 2) + "px"), "important");
    };
    // The width first: the list's height depends on it (long titles wrap).
    set("width", at(0.0).width);
    // The height the list (or the field's message) wants, whatever it is capped at now: the
    // scroll heights of what shows, not of the live region (drawn first, and clipped).
    let wanted: f64 = dom::child_elements(popup)
        .iter()
        .filter(|part| !part.has_attribute("hidden") && part.get_attribute("role").as_deref() != Some("status"))
        .map(|part| f64::from(part.scroll_height()) + 4.0)
        .sum();
    let spot = at(wanted * zoom);
    for (property, value) in [("top", spot.top + y), ("left", spot.left + x), ("--cc-pick-max", spot.max_height)] {
        set(property, value);
    }
    true
}

/// The effective CSS zoom of `element` (its own and its ancestors'); 1 where the browser does
/// not say (`currentCSSZoom` is recent), as it was before browsers measured zoomed boxes.
fn css_zoom(element: &HtmlElement) -> f64 {
    js_sys::Reflect::get(element, &"currentCSSZoom".into())
        .ok()
        .and_then(|zoom| zoom.as_f64())
        .filter(|zoom| *zoom > 0.0)
        .unwrap_or(1.0)
}

/// Listeners that keep the list of `picker` at its input while it shows.
pub fn follow(picker: &Rc<Inner>) -> Vec<Listener> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let document: EventTarget = dom::document().into();
    let on = |target: &EventTarget, event, capture| {
        let picker = picker.clone();
        Listener::new(target, event, capture, move |_| {
            if picker.expanded() || picker.shows_message() {
                picker.place();
            }
        })
    };
    // Capture: `scroll` does not bubble, and a panel's scrolling moves the input too.
    let mut listeners = vec![on(&document, "scroll", true), on(window.as_ref(), "resize", false)];
    if let Some(vv) = window.visual_viewport() {
        let vv: EventTarget = vv.into();
        listeners.push(on(&vv, "resize", false));
        listeners.push(on(&vv, "scroll", false));
    }
    listeners
}

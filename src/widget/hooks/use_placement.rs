//! Where the card sits: next to its code (below, or above when there is no room below), or as a
//! bottom sheet on a narrow screen; kept there while the page scrolls, resizes or the card grows.
//!
//! Rectangles are measured in CSS pixels of the layout viewport (what `getBoundingClientRect`
//! returns); the room the card may take is the visual viewport, which on a phone can be smaller
//! than the layout viewport (a page wider than the screen) or drawn at a fraction of its size
//! (a page without `<meta name="viewport">`).

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{DomRect, Element, HtmlElement};

use crate::widget::dom::{Listener, ResizeWatch, VisibilityWatch, decimal};

/// Gap between the code and the card, in CSS pixels.
const GAP: f64 = 8.0;
/// Below this width, as the device shows it (CSS pixels at scale 1), the card is a bottom sheet.
const SHEET_BELOW: f64 = 520.0;
/// A bottom sheet takes at most this share of the visual viewport's height.
const SHEET_SHARE: f64 = 0.75;
/// A sheet moved to the top is capped to the room above its code, but never below this share.
const SHEET_MIN_SHARE: f64 = 0.4;

/// Where the card sits, as CSS lengths of the dialog element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placement {
    /// Not measured yet: drawn invisible so the first frame does not flash in a corner.
    Unplaced,
    /// Next to the code; `above` when flipped over it for lack of room below.
    At { top: f64, left: f64, max_height: f64, above: bool },
    /// A bottom sheet across the visual viewport, zoomed so that its text reads at its normal
    /// size whatever the page's scale. With `top`, a sheet at the top of the viewport instead:
    /// the page cannot scroll its code above a bottom sheet (a code near the end of the page).
    Sheet { bottom: f64, top: Option<f64>, left: f64, width: f64, max_height: f64, zoom: f64 },
}

impl Placement {
    /// The dialog's class.
    pub fn class(self) -> &'static str {
        match self {
            Placement::Sheet { top: Some(_), .. } => "cc-dialog cc-sheet cc-sheet-top",
            Placement::Sheet { .. } => "cc-dialog cc-sheet",
            Placement::At { above: true, .. } => "cc-dialog cc-above",
            Placement::At { .. } => "cc-dialog",
            Placement::Unplaced => "cc-dialog cc-unplaced",
        }
    }

    /// Sets the dialog's positioning properties to this placement's, through the CSSOM (which a
    /// page's CSP allows). One loop rather than six reactive `style:` attributes: each of those
    /// compiles Leptos's attribute code again for its own closure.
    fn apply(self, style: &web_sys::CssStyleDeclaration) {
        for property in ["top", "bottom", "left", "width", "max-height", "zoom"] {
            let _ = match self.length(property) {
                Some(value) => style.set_property(property, &value),
                None => style.remove_property(property).map(drop),
            };
        }
    }

    /// The value of one of the dialog's positioning properties (`top`, `bottom`, `left`,
    /// `width`, `max-height`, `zoom`), or `None` to leave it to the stylesheet.
    fn length(self, property: &str) -> Option<String> {
        let px = |v: f64| Some(decimal(v, 2) + "px");
        match (self, property) {
            (Placement::At { top, .. }, "top") => px(top),
            (Placement::At { left, .. } | Placement::Sheet { left, .. }, "left") => px(left),
            (Placement::At { max_height, .. } | Placement::Sheet { max_height, .. }, "max-height") => px(max_height),
            (Placement::Sheet { top: Some(top), .. }, "top") => px(top),
            (Placement::Sheet { top: Some(_), .. }, "bottom") => Some("auto".to_string()),
            (Placement::Sheet { bottom, .. }, "bottom") => px(bottom),
            (Placement::Sheet { width, .. }, "width") => px(width),
            (Placement::Sheet { zoom, .. }, "zoom") if (zoom - 1.0).abs() > 0.001 => Some(decimal(zoom, 4)),
            _ => None,
        }
    }
}

/// The visible part of the page: the visual viewport in layout-viewport coordinates, its scale,
/// and the height of the box fixed-position elements are placed in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// Pinch or initial scale: screen pixels per CSS pixel over the device's own ratio.
    pub scale: f64,
    /// The fixed-position containing block's height (the layout viewport).
    pub layout_height: f64,
}

impl Viewport {
    /// The current viewport of the window.
    pub fn current() -> Viewport {
        let window = window();
        let number = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
        let inner_w = number(window.inner_width()).unwrap_or(1024.0);
        let inner_h = number(window.inner_height()).unwrap_or(768.0);
        match window.visual_viewport() {
            Some(vv) if vv.width() > 0.0 && vv.scale() > 0.0 => Viewport {
                left: vv.offset_left(),
                top: vv.offset_top(),
                width: vv.width(),
                height: vv.height(),
                scale: vv.scale(),
                layout_height: inner_h,
            },
            _ => Viewport { left: 0.0, top: 0.0, width: inner_w, height: inner_h, scale: 1.0, layout_height: inner_h },
        }
    }

    /// Whether the device is narrow: the visual viewport's width at scale 1, which is the
    /// screen's width on a phone whether or not the page has a viewport tag.
    fn narrow(&self) -> bool {
        self.width * self.scale < SHEET_BELOW
    }
}

/// Computes the placement of a card `width` wide whose content is `height` tall for an anchor
/// at `anchor`: below the code if it fits, else above if that fits, else on whichever side has
/// more room, never over the code; shifted sideways to stay in view. `page_zoom` is the CSS zoom
/// the card inherits from the page, by which its own lengths are multiplied.
pub fn place(anchor: &DomRect, width: f64, height: f64, view: &Viewport, page_zoom: f64) -> Placement {
    if view.narrow() {
        // The sheet's own zoom undoes the page's zoom and scale, so its lengths are given in
        // units of 1 / scale layout pixels.
        let s = view.scale;
        return Placement::Sheet {
            bottom: (view.layout_height - view.top - view.height).max(0.0) * s,
            top: None,
            left: view.left * s,
            width: view.width * s,
            max_height: view.height * SHEET_SHARE * s,
            zoom: 1.0 / (page_zoom * s),
        };
    }
    let (view_top, view_bottom) = (view.top, view.top + view.height);
    let room_below = view_bottom - anchor.bottom() - 2.0 * GAP;
    let room_above = anchor.top() - view_top - 2.0 * GAP;
    let above = height > room_below && (height <= room_above || room_above > room_below);
    // A floor for viewports too short for any card: readable beats never touching the code.
    let max_height = if above { room_above } else { room_below }.max(60.0);
    let shown = height.min(max_height);
    let top = if above { anchor.top() - GAP - shown } else { anchor.bottom() + GAP };
    let left = anchor.left().min(view.left + view.width - width - GAP).max(view.left + GAP);
    Placement::At { top: top / page_zoom, left: left / page_zoom, max_height: max_height / page_zoom, above }
}

/// Whether some of `anchor` can be seen: not scrolled out of an ancestor that clips it (a
/// scrolling panel) nor out of the viewport. An anchor with no box (not rendered) counts as
/// seen: there is nothing to compare.
pub fn anchor_in_view(anchor: &Element, view: &Viewport) -> bool {
    let rect = anchor.get_bounding_client_rect();
    if rect.width() <= 0.0 && rect.height() <= 0.0 {
        return true;
    }
    let (mut left, mut top, mut right, mut bottom) = (rect.left(), rect.top(), rect.right(), rect.bottom());
    let mut clip = |r: (f64, f64, f64, f64)| {
        left = left.max(r.0);
        top = top.max(r.1);
        right = right.min(r.2);
        bottom = bottom.min(r.3);
    };
    clip((view.left, view.top, view.left + view.width, view.top + view.height));
    let window = window();
    let mut next = parent_across_shadow(anchor);
    while let Some(element) = next {
        if let Ok(Some(style)) = window.get_computed_style(&element) {
            let clips = |axis: &str| style.get_property_value(axis).is_ok_and(|v| v != "visible");
            if clips("overflow-x") || clips("overflow-y") {
                let r = element.get_bounding_client_rect();
                clip((r.left(), r.top(), r.right(), r.bottom()));
            }
        }
        next = parent_across_shadow(&element);
    }
    right > left && bottom > top
}

/// Scrolls the page (and any scrolling panel) so that `anchor`, at `at`, shows above a bottom
/// sheet `covered` pixels tall: a sheet over its own code hides what the reader asked about.
/// The margin is the code's own for this one call, then its style is as the page left it.
fn reveal_above(anchor: &HtmlElement, at: &DomRect, covered: f64, view: &Viewport) {
    if at.bottom() <= view.top + view.height - covered && at.top() >= view.top {
        return;
    }
    let (style, had_style) = (anchor.style(), anchor.has_attribute("style"));
    let before = style.get_property_value("scroll-margin-bottom").unwrap_or_default();
    let _ = style.set_property("scroll-margin-bottom", &(decimal(covered, 2) + "px"));
    anchor.scroll_into_view_with_bool(false);
    let _ = style.set_property("scroll-margin-bottom", &before);
    if !had_style {
        let _ = anchor.remove_attribute("style");
    }
}

/// The parent element, or the host of the shadow root `element` sits in; `None` at the root.
fn parent_across_shadow(element: &Element) -> Option<Element> {
    if let Some(parent) = element.parent_element() {
        return (parent.tag_name() != "HTML").then_some(parent);
    }
    element.parent_node()?.dyn_into::<web_sys::ShadowRoot>().ok().map(|shadow| shadow.host())
}

/// Places `dialog` next to `anchor` and keeps it there: on page and panel scrolling, window and
/// visual-viewport resizing and scrolling, and whenever the dialog changes size (content that
/// arrives or grows). `body` is the dialog's scrolling part, whose content decides the height
/// the card wants. Calls `lost` when the anchor leaves the page or is scrolled out of view, and
/// `placed` after every placement. Sets the dialog's class and lengths; returns a function that
/// re-places it now.
pub fn use_placement(
    dialog: NodeRef<html::Div>,
    body: NodeRef<html::Div>,
    anchor: SendWrapper<HtmlElement>,
    lost: impl Fn() + Clone + 'static,
    placed: impl Fn() + Clone + 'static,
) -> impl Fn() + Clone + 'static {
    // The placement drawn last. Nothing else reads it: a plain cell, applied to the dialog when
    // it changes, rather than a signal and an effect (Leptos's signal code for its type).
    let placement = std::rc::Rc::new(std::cell::Cell::new(Placement::Unplaced));
    // The sheet height the code was last made visible above.
    let revealed = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let watched = anchor.clone();
    let reposition = move || {
        // Runs from listeners and observers, which can fire after the card closed and its
        // reactive values were disposed: `try_` reads make that a no-op instead of a panic.
        let Some(dialog) = dialog.try_get_untracked().flatten() else { return };
        // Removed, or no longer rendered (display:none on it or an ancestor): nothing to point at.
        if !anchor.is_connected() || anchor.get_client_rects().length() == 0 {
            lost();
            return;
        }
        let view = Viewport::current();
        let sheet = matches!(placement.get(), Placement::Sheet { .. });
        if !view.narrow() && !sheet && !anchor_in_view(&anchor, &view) {
            lost();
            return;
        }
        let size = dialog.get_bounding_client_rect();
        // The height the content wants, whatever max-height caps the dialog at now: a card
        // measured under one side's cap and then moved to the other would grow over its code.
        let wanted = match body.try_get_untracked().flatten() {
            Some(body) => size.height() - f64::from(body.client_height()) + f64::from(body.scroll_height()),
            None => size.height(),
        };
        // The card sits in the page's CSS `zoom`, which scales its own `top`/`left`.
        let page_zoom = dialog
            .parent_element()
            .and_then(|parent| js_sys::Reflect::get(&parent, &"currentCSSZoom".into()).ok())
            .and_then(|z| z.as_f64())
            .filter(|z| *z > 0.0)
            .unwrap_or(1.0);
        let at = anchor.get_bounding_client_rect();
        let mut new = place(&at, size.width(), wanted, &view, page_zoom);
        if let Placement::Sheet { top, max_height, .. } = &mut new {
            let covered = wanted.min(view.height * SHEET_SHARE) + GAP;
            if covered > revealed.get() + 1.0 {
                revealed.set(covered);
                reveal_above(&anchor, &at, covered, &view);
            }
            // Measured again: the page may have scrolled, or not far enough.
            let at = anchor.get_bounding_client_rect();
            // A pixel of slack: the reveal puts the code's bottom exactly at the sheet's top, give
            // or take the rounding of the scroll position.
            if at.bottom() > view.top + view.height - covered + 1.0 {
                let room = (at.top() - view.top - 2.0 * GAP).max(view.height * SHEET_MIN_SHARE);
                *top = Some(view.top * view.scale);
                *max_height = max_height.min(room * view.scale);
            }
        }
        if placement.replace(new) != new {
            dialog.set_class_name(new.class());
            new.apply(&HtmlElement::style(&dialog));
        }
        placed();
    };

    // Once the dialog is in the document; removed with it.
    let start = reposition.clone();
    super::while_mounted(dialog, move |element| {
        let window: web_sys::EventTarget = window().into();
        let document: web_sys::EventTarget = document().into();
        let on = |target: &web_sys::EventTarget, event, capture| {
            let follow = start.clone();
            Listener::new(target, event, capture, move |_| follow())
        };
        let mut listeners = vec![on(&document, "scroll", true), on(&window, "resize", false)];
        if let Some(vv) = web_sys::window().and_then(|w| w.visual_viewport()) {
            let vv: web_sys::EventTarget = vv.into();
            listeners.push(on(&vv, "resize", false));
            listeners.push(on(&vv, "scroll", false));
        }
        let watch = ResizeWatch::new(&[&element], start.clone());
        // The code hidden (display: none) loses its box, and the card closes.
        let shown = VisibilityWatch::new(&watched, start.clone());
        Box::new((listeners, watch, shown))
    });
    reposition
}

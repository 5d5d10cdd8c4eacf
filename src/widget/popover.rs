//! The card's frame: a labelled dialog anchored to its code, with the lookup inside.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use super::app::{self, Target, WidgetConfig};
use super::client::{self, FetchError};
use super::dom::Listener;
use super::{CardView, Loading, Problem};
use crate::api::CodeSystem;

/// Gap between the code and the card, in CSS pixels.
const GAP: f64 = 8.0;
/// Below this viewport width the card is a bottom sheet instead of a popover.
const SHEET_BELOW: f64 = 520.0;

/// Where the card sits, in viewport coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Placement {
    /// Not measured yet: drawn invisible so the first frame does not flash in a corner.
    Unplaced,
    /// Fixed at `top`/`left`; `above` when flipped over the code for lack of room below.
    At { top: f64, left: f64, max_height: f64, above: bool },
    /// A bottom sheet on narrow screens.
    Sheet,
}

impl Placement {
    /// The placement in CSS pixels of an element under a CSS `zoom` of `zoom`.
    fn unzoomed(self, zoom: f64) -> Placement {
        match self {
            Placement::At { top, left, max_height, above } => {
                Placement::At { top: top / zoom, left: left / zoom, max_height: max_height / zoom, above }
            }
            other => other,
        }
    }
}

/// Computes the placement of a `width` × `height` card for an anchor at `anchor` in a
/// `viewport_w` × `viewport_h` viewport: below the code if it fits, else above if that fits,
/// else on whichever side has more room; shifted sideways to stay on screen.
fn place(anchor: &web_sys::DomRect, width: f64, height: f64, viewport_w: f64, viewport_h: f64) -> Placement {
    if viewport_w < SHEET_BELOW {
        return Placement::Sheet;
    }
    let room_below = viewport_h - anchor.bottom() - 2.0 * GAP;
    let room_above = anchor.top() - 2.0 * GAP;
    let above = height > room_below && (height <= room_above || room_above > room_below);
    let max_height = if above { room_above } else { room_below }.max(120.0);
    let shown = height.min(max_height);
    let top = if above { anchor.top() - GAP - shown } else { anchor.bottom() + GAP };
    let left = anchor.left().min(viewport_w - width - GAP).max(GAP);
    Placement::At { top, left, max_height, above }
}

/// The dialog for one target. Rebuilt for every new target; disposing of it aborts its
/// request and removes its listeners.
#[component]
pub fn Popover(
    /// What to show.
    target: Target,
    /// The widget's open/close state, to close or to move to a related code.
    state: RwSignal<Option<Target>>,
) -> impl IntoView {
    let config = expect_context::<WidgetConfig>();
    let dialog = NodeRef::<html::Div>::new();
    let placement = RwSignal::new(Placement::Unplaced);
    let anchor = target.anchor.clone();
    provide_context(app::CurrentAnchor(SendWrapper::new((*anchor).clone().into())));

    let reposition = {
        let anchor = anchor.clone();
        // Runs from listeners and animation frames, which can fire after the card closed and its
        // reactive values were disposed: `try_` reads make that a no-op instead of a panic.
        move || {
            let Some(dialog) = dialog.try_get_untracked().flatten() else { return };
            // A single-page app removed the code: the card has nothing left to point at.
            if !anchor.is_connected() {
                app::close(state, false);
                return;
            }
            let window = window();
            let viewport_w = window.inner_width().ok().and_then(|v| v.as_f64()).unwrap_or(1024.0);
            let viewport_h = window.inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(768.0);
            let size = dialog.get_bounding_client_rect();
            let placed = place(&anchor.get_bounding_client_rect(), size.width(), size.height(), viewport_w, viewport_h);
            // Rectangles are measured on screen, but a page's CSS `zoom` scales the card's own
            // `top`/`left`: divide by it so the card lands where it was measured to go.
            let zoom = js_sys::Reflect::get(&dialog, &"currentCSSZoom".into())
                .ok()
                .and_then(|z| z.as_f64())
                .filter(|z| *z > 0.0)
                .unwrap_or(1.0);
            let _ = placement.try_set(placed.unzoomed(zoom));
        }
    };

    // Place it and move focus into it once it is in the document.
    Effect::new({
        let reposition = reposition.clone();
        move |_| {
            if let Some(dialog) = dialog.get() {
                // The top layer: above every z-index, outside every overflow and transform of
                // the host page. Browsers without the Popover API keep the fixed position.
                let _ = dialog.show_popover();
                reposition();
                super::dom::focus_without_scrolling(&dialog);
            }
        }
    });

    // Follow the code while the page or any panel scrolls or the window resizes; close on Esc
    // and on a press outside both the card and its code.
    let listeners = {
        let window: web_sys::EventTarget = window().into();
        let document: web_sys::EventTarget = document().into();
        let follow = reposition.clone();
        let follow_resize = reposition.clone();
        let outside_anchor = anchor.clone();
        vec![
            Listener::new(&document, "scroll", true, move |_| follow()),
            Listener::new(&window, "resize", false, move |_| follow_resize()),
            Listener::new(&document, "keydown", false, move |event| {
                let key = event.unchecked_ref::<web_sys::KeyboardEvent>().key();
                if key == "Escape" {
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
                }
            }),
        ]
    };
    let listeners = SendWrapper::new(listeners);
    on_cleanup(move || drop(listeners));

    // The lookup. Each run gets its own AbortController; cleanup (card closed or refetched)
    // aborts whatever is still in flight.
    let lookup = {
        let code = target.code.clone();
        let system = target.system;
        let config = config.clone();
        let account = expect_context::<super::paywall::Account>();
        LocalResource::new(move || {
            // Log-in and log-out run the lookup again: the card unlocks (or locks) in place.
            account.version.track();
            let controller = web_sys::AbortController::new().ok();
            let on_abort = SendWrapper::new(controller.clone());
            on_cleanup(move || {
                if let Some(controller) = on_abort.take() {
                    controller.abort();
                }
            });
            let (code, config) = (code.clone(), config.clone());
            async move {
                let controller = controller.ok_or(FetchError::Unreachable)?;
                client::fetch_card(
                    &config.endpoint,
                    &code,
                    system,
                    config.site_key.as_deref(),
                    config.timeout_ms,
                    &controller,
                )
                .await
            }
        })
    };

    // Re-place when the content changes size (loading → card), and tell the host page when a
    // card arrives behind the paywall.
    Effect::new({
        let reposition = reposition.clone();
        let anchor = anchor.clone();
        move |_| {
            if let Some(Ok(card)) = lookup.get()
                && card.paywalled
            {
                let detail = serde_json::json!({
                    "code": card.display_code,
                    "system": card.system.id(),
                    "meter": card.meter.as_ref().map(|m| serde_json::json!({ "plan": m.plan.id(), "remaining": m.remaining, "limit": m.limit })),
                });
                super::dom::emit(&anchor, "codecard:paywall", &detail, false);
            }
            request_animation_frame(reposition.clone());
        }
    });

    let open_related = {
        let anchor = anchor.clone();
        Callback::new(move |(code, system): (String, Option<CodeSystem>)| {
            app::open(state, Target::new((*anchor).clone(), code, system));
        })
    };

    let written = target.code.clone();
    let for_unavailable = target.code.clone();
    let title = written.clone();
    let system_label = target.system.map(|s| s.label());
    let class = move || match placement.get() {
        Placement::Sheet => "cc-dialog cc-sheet",
        Placement::At { above: true, .. } => "cc-dialog cc-above",
        Placement::At { .. } => "cc-dialog",
        Placement::Unplaced => "cc-dialog cc-unplaced",
    };
    let coordinate = move |pick: fn(f64, f64, f64) -> f64| match placement.get() {
        Placement::At { top, left, max_height, .. } => Some(format!("{}px", pick(top, left, max_height).round())),
        _ => None,
    };

    view! {
        <div
            node_ref=dialog
            class=class
            role="dialog"
            aria-modal="false"
            aria-labelledby="cc-title"
            tabindex="-1"
            popover="manual"
            style:top=move || coordinate(|top, _, _| top)
            style:left=move || coordinate(|_, left, _| left)
            style:max-height=move || coordinate(|_, _, max| max)
        >
            <header class="cc-header">
                <h2 id="cc-title" class="cc-title">
                    <span class="cc-code">{title}</span>
                    {system_label.map(|label| view! { <span class="cc-system">{label}</span> })}
                </h2>
                <button
                    type="button"
                    class="cc-close"
                    aria-label=super::i18n::current().text().close
                    on:click=move |_| app::close(state, true)
                >
                    "×"
                </button>
            </header>
            <div class="cc-body">
                <Transition fallback=move || view! { <Loading code=written.clone() /> }>
                    <ErrorBoundary fallback=move |errors| {
                        view! { <Problem errors retry=Callback::new(move |()| lookup.refetch()) /> }
                    }>
                        {move || {
                            let code = for_unavailable.clone();
                            Suspend::new(async move {
                            match lookup.await {
                                Ok(card) => Ok(view! { <CardView card open_related /> }.into_any()),
                                Err(error) if !error.is_retryable() => {
                                    Ok(view! { <super::states::Unavailable error code open_related /> }.into_any())
                                }
                                Err(error) => Err(error),
                            }
                        })}}
                    </ErrorBoundary>
                </Transition>
            </div>
        </div>
    }
}

//! The card's frame: a labelled non-modal dialog anchored to its code, with the lookup inside.
//! Placement, dismissal and the scroll cue are hooks (`hooks/`); this file composes them.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::{JsCast, JsValue};

use super::app::{self, Target, WidgetConfig};
use super::auth::AccountPage;
use super::card::card_view;
use super::client::{self, FetchError};
use super::dom::Listener;
use super::fixed::{self, Action, Nodes, Press, el};
use super::hooks::{
    abortable_resource, effect, local_resource, use_dismiss, use_placement, use_scroll_cue, while_mounted,
};
use super::peek::{self, Peeks};
use super::states;
use crate::api::Card;

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
    let asking = config.ask.clone();
    let dialog = NodeRef::<html::Div>::new();
    let body = NodeRef::<html::Div>::new();
    let anchor = target.anchor.clone();

    let more = NodeRef::<html::Div>::new();
    let update_cue = use_scroll_cue(body, more);
    // A code removed by the page, or scrolled out of its panel or the viewport: the card has
    // nothing left to point at, and is never left floating off-screen.
    let lost = move || app::close(state, true);
    let reposition = use_placement(dialog, body, anchor.clone(), lost, update_cue);
    let on_tab = use_dismiss(dialog, anchor.clone(), state);

    // Show it in the top layer and move focus into it once it is in the document.
    effect({
        let reposition = reposition.clone();
        move || {
            if let Some(dialog) = dialog.get() {
                // The top layer: above every z-index, outside every overflow and transform of
                // the host page. Browsers without the Popover API keep the fixed position.
                let _ = dialog.show_popover();
                reposition();
                super::dom::focus_without_scrolling(&dialog);
            }
        }
    });

    // The lookup; log-in and log-out run it again, so the card unlocks (or locks) in place.
    let lookup = {
        let (code, system) = (target.code.clone(), target.system);
        let account = expect_context::<super::paywall::Account>();
        abortable_resource(
            move || account.version.track(),
            move |(), controller| {
                let (code, config) = (code.clone(), config.clone());
                async move {
                    let WidgetConfig { endpoint, site_key, timeout_ms, .. } = &config;
                    client::fetch_card(endpoint, &code, system, site_key.as_deref(), *timeout_ms, &controller).await
                }
            },
        )
    };

    // The public part, when a peek was kept or is on its way (the reader pointed at the code
    // first): shown until the lookup answers. A resource of the lookup's type (an error: no
    // public part), made the same way, so that the two share one copy of Leptos's async code.
    let peeked = use_context::<SendWrapper<std::rc::Rc<Peeks>>>().and_then(|p| p.claim(&target.code, target.system));
    let public = {
        let (written, system) = (target.code.clone(), target.system);
        local_resource(Box::new(move || {
            let (peeked, written) = (peeked.clone(), written.clone());
            Box::pin(async move { peek::card(peeked, &written, system).await.ok_or(FetchError::Aborted) })
        }))
    };
    let shown = Memo::new(move |_| Shown::of(lookup.get(), public.get().and_then(Result::ok)));

    // Re-place once the content has changed (loading → card), and tell the host page when a
    // card arrives behind the paywall. (Growth of the dialog itself re-places it at once.)
    effect({
        let anchor = anchor.clone();
        let reposition = reposition.clone();
        move || {
            request_animation_frame(reposition.clone());
            // Only what is shown is tracked: a change that leaves it as it was announces nothing.
            if let Shown::Card(card, Rest::Here) = shown.get()
                && card.paywalled
            {
                super::dom::emit(&anchor, "codecard:paywall", &paywall_detail(&card), false);
            }
        }
    });

    // Every button of the card is fixed markup that says what it does (see `fixed`): one
    // listener runs them all.
    let on_press = {
        let (anchor, account) = (anchor.clone(), expect_context::<super::paywall::Account>());
        move |event: web_sys::Event| match fixed::pressed(&event) {
            Some(Press::Open(code, system)) => app::open(state, Target::new((*anchor).clone(), code, system)),
            Some(Press::Do(Action::LogIn)) => account.open(AccountPage::Login),
            Some(Press::Do(Action::Register)) => account.open(AccountPage::Register),
            Some(Press::Do(Action::LogOut)) => account.log_out(),
            Some(Press::Do(Action::Retry)) => lookup.refetch(),
            Some(Press::Do(Action::Close)) => app::close(state, true),
            Some(Press::Do(Action::Ask)) => {
                if let (Some(ask), Shown::Card(card, _)) = (&asking, shown.get_untracked()) {
                    super::ask::ask(ask, &anchor, &card.display_code, card.system);
                }
            }
            None => {}
        }
    };

    // The dialog's keys (Tab) and presses (every fixed button): plain listeners on it, added once
    // it is in the document and removed with it (Leptos's delegated events would be the card
    // module's only use of their attaching code).
    while_mounted(dialog, move |dialog| {
        let (on_tab, on_press) = (on_tab.clone(), on_press.clone());
        Box::new([
            Listener::new(&dialog, "keydown", false, move |event| on_tab(event.unchecked_into())),
            Listener::new(&dialog, "click", false, move |event| on_press(event.unchecked_into())),
        ])
    });

    // The title names the code and its system: as the page wrote them until the card says.
    let written = target.code.clone();
    let heading = {
        let (written, system) = (written.clone(), target.system);
        move || {
            shown.with(|shown| match shown {
                Shown::Card(card, _) => (card.display_code.clone(), Some(card.system)),
                _ => (written.clone(), system),
            })
        }
    };
    let for_unavailable = target.code.clone();

    view! {
        <div
            node_ref=dialog
            // Its class and lengths follow the placement (`use_placement` sets them).
            class="cc-dialog cc-unplaced"
            role="dialog"
            aria-modal="false"
            aria-labelledby="cc-title"
            tabindex="-1"
            popover="manual"
        >
            <header class="cc-header">
                <h2 id="cc-title" class="cc-title">
                    {move || {
                        let (code, system) = heading();
                        let code = el("span").class("cc-code").child(code).into();
                        Nodes(std::iter::once(code).chain(system.map(|s| el("span").class("cc-system").child(s.label()).into())).collect())
                    }}
                </h2>
                {Nodes::from(fixed::button("cc-close", Action::Close, "×").attr("aria-label", super::i18n::current().text().close))}
            </header>
            <div class="cc-body" node_ref=body>
                {move || Nodes::from(match shown.get() {
                    Shown::Looking => states::loading(&written),
                    Shown::Card(card, rest) => {
                        let rest = match rest {
                            Rest::Here => None,
                            Rest::Coming => Some(states::loading_rest()),
                            Rest::Failed(error) => Some(states::problem(&error, Some(super::i18n::current().text().rest_failed))),
                        };
                        card_view(card, rest)
                    }
                    Shown::Failed(error) if !error.is_retryable() => states::unavailable(&error, &for_unavailable),
                    Shown::Failed(error) => states::problem(&error, None),
                })}
            </div>
            <div class="cc-more" aria-hidden="true" hidden="" node_ref=more>"↓"</div>
        </div>
    }
}

/// What the card's body shows, from the lookup's answer and the peek's. Compared, so that the
/// lookup answering with the card a peek already showed whole (an unmetered endpoint) changes
/// nothing on the page.
// (One value per open card, never in a collection: boxing the card would only add an allocation.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq)]
enum Shown {
    /// Neither has answered.
    Looking,
    /// A card: the lookup's, or the peek's public part and the state of the rest.
    Card(Card, Rest),
    /// The lookup failed and no peek shows anything.
    Failed(FetchError),
}

/// The state of what a card's public part leaves out.
#[derive(Clone, PartialEq)]
enum Rest {
    /// Nothing is left out: the lookup's card, or a peek of an unmetered endpoint.
    Here,
    /// The lookup is on its way.
    Coming,
    /// The lookup failed in a way a retry may fix.
    Failed(FetchError),
}

impl Shown {
    fn of(lookup: Option<Result<Card, FetchError>>, public: Option<Card>) -> Shown {
        // A peek that is not paywalled comes from an endpoint without the meter: the whole card.
        let whole = public.as_ref().is_some_and(|card| !card.paywalled);
        match (lookup, public) {
            (Some(Ok(card)), _) => Shown::Card(card, Rest::Here),
            (_, Some(card)) if whole => Shown::Card(card, Rest::Here),
            (Some(Err(error)), Some(card)) if error.is_retryable() => {
                Shown::Card(public_only(card), Rest::Failed(error))
            }
            (Some(Err(error)), _) => Shown::Failed(error),
            (None, Some(card)) => Shown::Card(public_only(card), Rest::Coming),
            (None, None) => Shown::Looking,
        }
    }
}

/// A peek's card as its public part shows: the locked list and the paywall wait for the
/// lookup, which says what this visitor may see.
fn public_only(card: Card) -> Card {
    Card { paywalled: false, sections: Vec::new(), meter: None, ..card }
}

/// The `detail` of `codecard:paywall` (keys in the order the host page has always seen them).
fn paywall_detail(card: &Card) -> JsValue {
    use super::dom::{object, or_null};
    let meter = card.meter.as_ref().map(|m| {
        object(&[("limit", or_null(m.limit)), ("plan", m.plan.id().into()), ("remaining", or_null(m.remaining))])
    });
    object(&[
        ("code", card.display_code.as_str().into()),
        ("meter", or_null(meter)),
        ("system", card.system.id().into()),
    ])
}

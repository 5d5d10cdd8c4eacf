//! Whether a scrolling element has more content below what is shown: the card shows a cue at its
//! foot until the reader has scrolled to the end.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::widget::dom::Listener;

/// Whether `body` scrolls at all, and whether more of it lies below what is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScrollCue {
    /// The content is taller than the box (the box must then take keyboard focus, so that
    /// keyboard users can scroll it).
    pub scrolls: bool,
    /// Content lies below: show the cue.
    pub more_below: bool,
}

/// The cue for `body`. Call the returned function when the content or the box may have changed
/// size; scrolling `body` updates it by itself. The signal is only for reading: handed out as it
/// is, since a `ReadSignal` of it would compile Leptos's reading code again for its type.
pub fn use_scroll_cue(body: NodeRef<html::Div>) -> (RwSignal<ScrollCue>, impl Fn() + Clone + 'static) {
    let cue = RwSignal::new(ScrollCue::default());
    let update = move || {
        if let Some(body) = body.try_get_untracked().flatten() {
            // A pixel of slack: fractional layout can leave scrollTop a hair short of the end.
            let hidden = body.scroll_height() - body.client_height();
            let now = ScrollCue { scrolls: hidden > 1, more_below: hidden - body.scroll_top() > 1 };
            if cue.try_get_untracked() != Some(now) {
                let _ = cue.try_set(now);
            }
        }
    };
    let on_scroll = update;
    // Dropped, and so removed, with the component.
    let listener = StoredValue::new(None::<SendWrapper<Listener>>);
    body.on_load(move |body| {
        let scroll = Listener::new(&body.into(), "scroll", false, move |_| on_scroll());
        listener.set_value(Some(SendWrapper::new(scroll)));
    });
    (cue, update)
}

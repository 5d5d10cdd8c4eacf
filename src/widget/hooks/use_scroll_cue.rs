//! Whether a scrolling element has more content below what is shown: the card shows a cue at its
//! foot until the reader has scrolled to the end.

use leptos::html;
use leptos::prelude::*;

use crate::widget::dom::Listener;

/// Keeps the cue of `body` on the page: `body` takes keyboard focus (`tabindex="0"`) while it
/// scrolls, and `more` (the cue at its foot) shows while content lies below. Call the returned
/// function when the content or the box may have changed size; scrolling `body` updates it by
/// itself. Set on the elements directly rather than through a signal and reactive attributes:
/// nothing else reads the cue, and a signal type and two attribute closures compiled Leptos's
/// code for each.
pub fn use_scroll_cue(body: NodeRef<html::Div>, more: NodeRef<html::Div>) -> impl Fn() + Clone + 'static {
    let update = move || {
        let (Some(body), Some(more)) = (body.try_get_untracked().flatten(), more.try_get_untracked().flatten()) else {
            return;
        };
        // A pixel of slack: fractional layout can leave scrollTop a hair short of the end.
        let hidden = body.scroll_height() - body.client_height();
        let _ = match hidden > 1 {
            true => body.set_attribute("tabindex", "0"),
            false => body.remove_attribute("tabindex"),
        };
        more.set_hidden(hidden - body.scroll_top() <= 1);
    };
    super::while_mounted(body, move |body| Box::new(Listener::new(&body.into(), "scroll", false, move |_| update())));
    update
}

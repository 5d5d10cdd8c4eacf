//! What a component sets up on one of its elements once it is in the document (listeners,
//! observers), kept while the component lives.

use std::any::Any;

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// Runs `start` with `node`'s element once it is in the document and keeps what it returns until
/// the component is disposed of: dropping it removes the listeners and observers it holds. (One
/// effect and one cleanup type for every caller, rather than `NodeRef::on_load`, which compiles
/// Leptos's effect code per closure.)
pub fn while_mounted(node: NodeRef<html::Div>, start: impl Fn(web_sys::HtmlDivElement) -> Box<dyn Any> + 'static) {
    super::effect(move || {
        if let Some(element) = node.get() {
            let kept = SendWrapper::new(start(element));
            on_cleanup(move || drop(kept));
        }
    });
}

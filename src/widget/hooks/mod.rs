//! Small reusable pieces of component logic, one per file, in the manner of leptos-use: each
//! `use_*` function sets up its signals and listeners in the calling component, and everything
//! it registers goes away when that component is disposed of.

mod abortable_resource;
mod effect;
mod use_dismiss;
mod use_placement;
mod use_scroll_cue;
mod while_mounted;

pub use abortable_resource::{abortable_resource, local_resource};
pub use effect::effect;
pub use use_dismiss::use_dismiss;
pub use use_placement::use_placement;
// The code picker keeps its list in view with the card's measures.
#[cfg(feature = "search-box")]
pub use use_placement::{Viewport, anchor_in_view};
pub use use_scroll_cue::use_scroll_cue;
pub use while_mounted::while_mounted;

//! Small reusable pieces of component logic, one per file, in the manner of leptos-use: each
//! `use_*` function sets up its signals and listeners in the calling component, and everything
//! it registers goes away when that component is disposed of.

mod abortable_resource;
mod debounced;
mod use_active_option;
mod use_dismiss;
mod use_placement;
mod use_scroll_cue;
mod use_search;

pub use abortable_resource::abortable_resource;
pub use debounced::{Debounced, use_debounced};
pub use use_active_option::{ActiveOption, use_active_option};
pub use use_dismiss::use_dismiss;
pub use use_placement::use_placement;
pub use use_scroll_cue::use_scroll_cue;
pub use use_search::{Search, use_search};

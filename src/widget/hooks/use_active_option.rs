//! The active option of a listbox driven from its combobox (`aria-activedescendant`): the arrow
//! keys move it, wrapping around; new results clear it.

use leptos::prelude::*;

/// Which option is active, if any.
#[derive(Clone, Copy)]
pub struct ActiveOption {
    /// The active option's index.
    pub index: RwSignal<Option<usize>>,
}

/// No option active at first.
pub fn use_active_option() -> ActiveOption {
    ActiveOption { index: RwSignal::new(None) }
}

impl ActiveOption {
    /// Moves to the next option (`down`) or the previous one among `count`; from none, to the
    /// first or the last.
    pub fn step(self, down: bool, count: usize) {
        if count == 0 {
            return;
        }
        self.index.update(|a| {
            *a = Some(match (*a, down) {
                (None, true) => 0,
                (None, false) => count - 1,
                (Some(i), true) => (i + 1) % count,
                (Some(i), false) => (i + count - 1) % count,
            })
        });
    }

    /// The option Enter chooses: the active one, else the first.
    pub fn chosen(self) -> usize {
        self.index.get_untracked().unwrap_or(0)
    }
}

//! A value that follows its input only once the input pauses (typing, say).

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// The settled value and the pending timer that will update it.
pub struct Debounced<T: Send + Sync + 'static> {
    /// The value after the pause; read it like any signal.
    pub settled: RwSignal<T>,
    pending: StoredValue<Option<SendWrapper<Timeout>>>,
    ms: u32,
}

impl<T: Send + Sync + 'static> Clone for Debounced<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Debounced<T> {}

/// A debounced value starting at `initial` that settles `ms` milliseconds after the last
/// [`Debounced::set`].
pub fn use_debounced<T: Send + Sync + 'static>(initial: T, ms: u32) -> Debounced<T> {
    Debounced { settled: RwSignal::new(initial), pending: StoredValue::new(None), ms }
}

impl<T: Send + Sync + 'static> Debounced<T> {
    /// Settles on `value` after the pause, unless another value comes first.
    pub fn set(&self, value: T) {
        let settled = self.settled;
        // Runs after a pause, when the component may be gone: then it does nothing.
        let timer = Timeout::new(self.ms, move || {
            let _ = settled.try_set(value);
        });
        // Replacing the pending timer drops (cancels) it.
        self.pending.set_value(Some(SendWrapper::new(timer)));
    }

    /// Settles on `value` at once, dropping any pending one.
    pub fn set_now(&self, value: T) {
        self.pending.set_value(None);
        self.settled.set(value);
    }
}

//! Password hashing with a bound: argon2id takes ~19 MiB and a core for a fraction of a second,
//! so a flood of log-ins must queue briefly and then be turned away, not run all at once.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::AppError;

/// How long a log-in waits for a free hashing slot before it is answered 503.
const WAIT: Duration = Duration::from_secs(2);

/// Slots for password hashes computed at once.
pub struct HashPermits {
    slots: Arc<Semaphore>,
}

impl HashPermits {
    /// `concurrency` hashes at once (at least one).
    pub fn new(concurrency: usize) -> HashPermits {
        HashPermits { slots: Arc::new(Semaphore::new(concurrency.max(1))) }
    }

    /// Runs `work` on the blocking pool once a slot is free; `Busy` if none frees up in time.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let slot = tokio::time::timeout(WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy { retry_after: 1 })?
            .map_err(|e| AppError::Internal(format!("hashing slots: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(slot);
            result
        })
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))
    }
}

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (the `mimalloc.h` of the v3
/// that libmimalloc-sys builds; the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the server's allocator (mimalloc) hand freed memory back to the OS at once rather than
/// after its default second: a log-in flood frees an argon2 buffer (~19 MiB) per hash, and with
/// the delay the buffers of the hashes run meanwhile stay resident (measured: 308 MB after a flood
/// of 500 log-ins, against 235 MB at once). Call once at start.
pub fn return_freed_memory_to_the_os() {
    // SAFETY: sets one of mimalloc's options, which may be changed at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set_and_its_default_is_mimallocs_second() {
        // The place is written by hand (the bindings do not name it): the option there must be
        // the purge delay, whose default in mimalloc v3's options.c is 1,000 ms, and setting it
        // must take.
        // SAFETY: reads and sets mimalloc options, which may be done at any time.
        unsafe {
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 1000);
            return_freed_memory_to_the_os();
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 0);
        }
    }
}

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

/// Makes the allocator hand large blocks (an argon2 buffer is ~19 MiB) back to the OS when they
/// are freed. glibc otherwise raises its mmap threshold to the largest block freed so far, after
/// which every hash buffer comes from the arena of whichever blocking thread ran it and stays
/// there: a log-in flood then leaves hundreds of MiB resident although only a few hashes ever
/// ran at once. Call once at start, before the runtime's threads exist.
pub fn return_large_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc tuning parameter; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

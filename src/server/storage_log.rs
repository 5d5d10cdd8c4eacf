//! Logging a storage outage without flooding the log: while the database is down every request
//! that needs it fails, and one line per request would bury everything else. The first failure
//! is logged at once; later ones are counted and summarised at most once per [`SUMMARY_EVERY`].
//! A failure after a quiet [`SUMMARY_EVERY`] is logged at once again (a new outage, or one that
//! went on without traffic).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::store::StoreError;

/// The shortest time between two log lines about an ongoing outage.
pub const SUMMARY_EVERY: Duration = Duration::from_secs(10);

/// When the last line was written and how many failures went unlogged since.
struct Logged {
    at: Instant,
    unlogged: u64,
}

static LAST: Mutex<Option<Logged>> = Mutex::new(None);

/// Logs a failure that means "unavailable, retry later" (the request got 503), or counts it
/// for the next summary.
pub fn unavailable(error: &StoreError) {
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let now = Instant::now();
    match last.as_mut() {
        Some(logged) if now.duration_since(logged.at) < SUMMARY_EVERY => logged.unlogged += 1,
        Some(logged) if logged.unlogged > 0 => {
            tracing::warn!(%error, failures = logged.unlogged + 1, "storage still unavailable; requests get 503");
            *logged = Logged { at: now, unlogged: 0 };
        }
        _ => {
            tracing::warn!(
                %error,
                "storage unavailable; requests get 503 (further failures are summarised every {} s)",
                SUMMARY_EVERY.as_secs()
            );
            *last = Some(Logged { at: now, unlogged: 0 });
        }
    }
}

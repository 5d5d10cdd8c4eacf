//! Forgetting what no longer counts, on a schedule: the views of meter periods older than the
//! ones kept, log-in and registration attempt counts of windows that have ended, expired
//! sessions, and the guest-cap counts of past hours.
//!
//! Every instance runs this; on a shared database that is harmless: each pass is a plain
//! `DELETE … WHERE period < …` (and `window_start < …`), idempotent, so two instances pruning at
//! once delete each row once between them and the later one finds nothing left.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use time::{Date, Month, OffsetDateTime};

use super::meter::Period;
use super::store::Store;
use super::unix_now;

/// The longest attempt window (registrations are counted per hour, log-ins per minute): a
/// window that started longer ago than this has ended.
const LONGEST_ATTEMPT_WINDOW: u64 = 3600;

/// What to prune and how often.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// The meter period whose views are kept.
    pub period: Period,
    /// Periods kept: the current one and `keep - 1` before it.
    pub keep: NonZeroU32,
    /// Time between passes (the first runs at start).
    pub every: Duration,
}

/// The key of the oldest period kept at `now`: the current period's key when `keep` is one,
/// the previous one's when two, and so on.
pub fn oldest_kept(period: Period, keep: NonZeroU32, now: u64) -> String {
    period.key(kept_since(period, keep, now))
}

/// An instant in the oldest period kept: `keep - 1` periods before `now` (for months, the first
/// second of that month). Views written under another `--meter-period` are pruned once older.
pub fn kept_since(period: Period, keep: NonZeroU32, now: u64) -> u64 {
    let back = u64::from(keep.get() - 1);
    match period {
        Period::Hour => now.saturating_sub(back * 3600),
        Period::Day => now.saturating_sub(back * 86_400),
        Period::Week => now.saturating_sub(back * 7 * 86_400),
        Period::Month => first_of_month_before(now, back),
    }
}

/// The first second of the month `back` months before the one holding `now`.
fn first_of_month_before(now: u64, back: u64) -> u64 {
    let today = OffsetDateTime::from_unix_timestamp(now as i64).unwrap_or(OffsetDateTime::UNIX_EPOCH).date();
    let months = i64::from(today.year()) * 12 + i64::from(today.month() as u8) - 1 - back as i64;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u8 + 1);
    let month = Month::try_from(month).expect("1..=12");
    match Date::from_calendar_date(year as i32, month, 1) {
        Ok(date) => date.midnight().assume_utc().unix_timestamp().max(0) as u64,
        Err(_) => 0,
    }
}

/// One pass: deletes views of periods before the kept ones, attempts of ended windows, expired
/// sessions and the guest-cap counts of past hours.
pub async fn prune_once(store: &dyn Store, schedule: Schedule, now: u64) {
    let oldest = oldest_kept(schedule.period, schedule.keep, now);
    match store.prune_views(&oldest, kept_since(schedule.period, schedule.keep, now)).await {
        Ok(views) => tracing::info!(views, oldest_kept = %oldest, "pruned views of old periods"),
        Err(error) => {
            super::metrics::store_error(&error);
            tracing::warn!(%error, "cannot prune old views; trying again at the next pass");
        }
    }
    match store.forget_attempts(now.saturating_sub(LONGEST_ATTEMPT_WINDOW)).await {
        Ok(attempts) => tracing::debug!(attempts, "forgot ended attempt windows"),
        Err(error) => {
            super::metrics::store_error(&error);
            tracing::warn!(%error, "cannot forget old attempt counts; trying again at the next pass");
        }
    }
    // The guest cap counts per hour (see `visitor`): counts of earlier hours are never read.
    match store.forget_expired(now, &Period::Hour.key(now)).await {
        Ok(rows) => tracing::debug!(rows, "forgot expired sessions and past guest counts"),
        Err(error) => {
            super::metrics::store_error(&error);
            tracing::warn!(%error, "cannot forget expired sessions; trying again at the next pass");
        }
    }
}

/// Prunes now and then every `schedule.every`, for as long as the runtime runs.
pub fn spawn(store: Arc<dyn Store>, schedule: Schedule) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(schedule.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            prune_once(&*store, schedule, unix_now()).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).expect("non-zero")
    }

    #[test]
    fn the_oldest_kept_period_steps_back_over_year_ends() {
        // 2026-01-15T12:00:00Z, a Thursday in ISO week 3.
        let now = 1_768_478_400;
        assert_eq!(oldest_kept(Period::Month, keep(1), now), "2026-01");
        assert_eq!(oldest_kept(Period::Month, keep(2), now), "2025-12");
        assert_eq!(oldest_kept(Period::Month, keep(14), now), "2024-12");
        assert_eq!(oldest_kept(Period::Week, keep(2), now), "2026-W02");
        assert_eq!(oldest_kept(Period::Day, keep(2), now), "2026-01-14");
    }
}

//! Group commit for views. Concurrent `record_view` calls for one identity and period, on one
//! instance, are gathered and recorded in one transaction with one commit (one flush of the
//! log to disk), in the order they arrived.
//!
//! Why: the quota makes every view of an identity wait for that identity's counter lock, and the
//! lock is held until the commit is durable. One at a time, a visitor's views can go no faster
//! than the disk flushes (a few hundred to a few thousand a second); gathered, one flush covers
//! every view that queued while the previous one ran. Each call is answered only once the
//! transaction holding its view has committed (or failed), so nothing acknowledged can be lost.
//! Different identities are never gathered together: they do not wait for each other anyway.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::{Identity, StoreError, StoreResult, ViewOutcome};

/// The most views recorded in one transaction; more wait for the next one.
const MOST_PER_BATCH: usize = 128;

/// One view to record: a code and the limit of the plan it is viewed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct View {
    pub code: String,
    pub limit: Option<u32>,
}

/// A backend's way to record several views of one identity in one transaction.
#[async_trait::async_trait]
pub(super) trait RecordViews: Clone + Send + Sync + 'static {
    /// Records `views` of `identity` in `period` in one atomic transaction; each outcome is
    /// what recording the views one after another, in this order, would give.
    async fn record_views(&self, identity: &Identity, period: &str, views: &[View]) -> StoreResult<Vec<ViewOutcome>>;
}

/// A view waiting for its batch, and where its outcome goes.
struct Waiting {
    view: View,
    reply: oneshot::Sender<StoreResult<ViewOutcome>>,
}

type Queues = Arc<Mutex<HashMap<(String, String), Vec<Waiting>>>>;

/// The views waiting, per identity and period. An entry exists while a task records that
/// queue's batches; a call that finds none starts one.
#[derive(Clone, Default)]
pub(super) struct ViewBatcher {
    queues: Queues,
}

impl ViewBatcher {
    /// Records one view through `backend`, in a batch with whatever else of the same identity
    /// and period is waiting; answers once that batch committed or failed.
    pub async fn record<B: RecordViews>(
        &self,
        backend: &B,
        identity: &Identity,
        period: &str,
        view: View,
    ) -> StoreResult<ViewOutcome> {
        let (reply, outcome) = oneshot::channel();
        let key = (identity.key(), period.to_string());
        let start = match lock(&self.queues).entry(key.clone()) {
            Entry::Occupied(mut queue) => {
                queue.get_mut().push(Waiting { view, reply });
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(vec![Waiting { view, reply }]);
                true
            }
        };
        if start {
            // A task of its own: the batches go on even when the request that started them is
            // dropped (its client left), and the requests queued behind it are still answered.
            let drain = Drain { queues: self.queues.clone(), key };
            tokio::spawn(drain.run(backend.clone(), identity.clone(), period.to_string()));
        }
        outcome.await.map_err(|_| StoreError::Abandoned)?
    }
}

/// The task that records one queue's batches until it is empty.
struct Drain {
    queues: Queues,
    key: (String, String),
}

impl Drain {
    async fn run<B: RecordViews>(self, backend: B, identity: Identity, period: String) {
        loop {
            let batch: Vec<Waiting> = {
                let mut queues = lock(&self.queues);
                let Some(queue) = queues.get_mut(&self.key) else { return };
                if queue.is_empty() {
                    queues.remove(&self.key);
                    return;
                }
                let take = queue.len().min(MOST_PER_BATCH);
                queue.drain(..take).collect()
            };
            let views: Vec<View> = batch.iter().map(|waiting| waiting.view.clone()).collect();
            match backend.record_views(&identity, &period, &views).await {
                Ok(outcomes) => {
                    for (waiting, outcome) in batch.into_iter().zip(outcomes) {
                        // A caller that gave up no longer listens; its view is recorded all the same.
                        let _ = waiting.reply.send(Ok(outcome));
                    }
                }
                Err(error) => {
                    // The database failed just now: the views queued meanwhile would meet the
                    // same failure after waiting for it, so they are answered at once too (a
                    // database that is down costs each request one deadline, not several).
                    let error = Arc::new(error);
                    let queued = lock(&self.queues).get_mut(&self.key).map(std::mem::take).unwrap_or_default();
                    for waiting in batch.into_iter().chain(queued) {
                        let _ = waiting.reply.send(Err(StoreError::Shared(error.clone())));
                    }
                }
            }
        }
    }
}

impl Drop for Drain {
    /// A backend that panicked ends the task: the views still queued are answered with an
    /// error (their senders drop) and the next call starts afresh, instead of waiting forever.
    fn drop(&mut self) {
        if std::thread::panicking() {
            lock(&self.queues).remove(&self.key);
        }
    }
}

fn lock(queues: &Queues) -> std::sync::MutexGuard<'_, HashMap<(String, String), Vec<Waiting>>> {
    // Nothing panics while holding it; if something did, the map is still consistent.
    queues.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What recording `views` one after another gives, for an identity that had used `used` views
/// and already viewed the codes in `seen`: each view's outcome, and the codes to add (each
/// once, in order). Reopening a code (seen before, or earlier in the batch) is free; a new
/// code is counted while under its limit, else refused.
pub(super) fn outcomes<'a>(
    mut used: u32,
    seen: &std::collections::HashSet<String>,
    views: &'a [View],
) -> (Vec<ViewOutcome>, Vec<&'a str>) {
    let mut added: Vec<&str> = Vec::new();
    let outcomes = views
        .iter()
        .map(|view| {
            if seen.contains(&view.code) || added.contains(&view.code.as_str()) {
                ViewOutcome { granted: true, counted: false, used }
            } else if view.limit.is_some_and(|limit| used >= limit) {
                ViewOutcome { granted: false, counted: false, used }
            } else {
                added.push(&view.code);
                used += 1;
                ViewOutcome { granted: true, counted: true, used }
            }
        })
        .collect();
    (outcomes, added)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn view(code: &str, limit: Option<u32>) -> View {
        View { code: code.into(), limit }
    }

    #[test]
    fn a_batch_counts_as_its_views_one_after_another() {
        let seen: HashSet<String> = ["OLD".to_string()].into();
        let views =
            [view("A", Some(3)), view("OLD", Some(3)), view("A", Some(3)), view("B", Some(3)), view("C", Some(3))];
        let (outcomes, added) = outcomes(1, &seen, &views);
        let granted = |counted, used| ViewOutcome { granted: true, counted, used };
        assert_eq!(
            outcomes,
            [
                granted(true, 2),
                granted(false, 2),
                granted(false, 2),
                granted(true, 3),
                ViewOutcome { granted: false, counted: false, used: 3 },
            ]
        );
        assert_eq!(added, ["A", "B"]);
    }

    #[test]
    fn at_the_limit_only_codes_already_viewed_are_granted() {
        let seen: HashSet<String> = ["OLD".to_string()].into();
        let views = [view("NEW", Some(2)), view("OLD", Some(2)), view("X", None)];
        let (outcomes, added) = outcomes(2, &seen, &views);
        assert_eq!(
            outcomes,
            [
                ViewOutcome { granted: false, counted: false, used: 2 },
                ViewOutcome { granted: true, counted: false, used: 2 },
                ViewOutcome { granted: true, counted: true, used: 3 },
            ]
        );
        assert_eq!(added, ["X"]);
    }
}

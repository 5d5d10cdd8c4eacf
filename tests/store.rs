//! One contract, two backends: every test here runs against a real SQLite file and against a
//! real PostgreSQL database (a throwaway cluster this test process starts, see
//! common/postgres.rs). The `both_backends!` macro writes each test twice.

#[path = "common/postgres.rs"]
mod postgres;

use std::sync::Arc;

use codecard::api::Plan;
use codecard::server::store::{
    Carry, Identity, NewAccount, PoolSettings, PostgresStore, SqliteStore, Store, ViewOutcome,
};

/// A store and whatever must outlive it (the SQLite file's folder).
struct Fixture {
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = SqliteStore::open(&dir.path().join("codecard.db")).unwrap();
    Fixture { store: Arc::new(store), _dir: Some(dir) }
}

async fn postgresql() -> Fixture {
    let url = postgres::database().await;
    let store = PostgresStore::connect(&url, PoolSettings::default()).await.unwrap();
    Fixture { store: Arc::new(store), _dir: None }
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let fixture = super::sqlite().await;
                    super::$name(fixture.store.clone()).await;
                }
            )*
        }
        mod postgresql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let fixture = super::postgresql().await;
                    super::$name(fixture.store.clone()).await;
                }
            )*
        }
    };
}

both_backends!(
    the_quota_is_exact_under_200_concurrent_first_views,
    one_code_opened_200_times_at_once_counts_once,
    reopening_a_code_is_free_and_a_new_period_starts_afresh,
    registering_copies_the_guest_views_without_counting_a_code_twice,
    charged_views_count_against_the_limit_and_never_lower_it,
    new_guests_per_address_are_capped_per_period_even_all_at_once,
    sessions_live_until_revoked_or_expired,
    emails_are_unique_whatever_their_case_and_plans_change,
    site_keys_are_added_listed_and_removed,
    a_setting_keeps_the_first_value_stored,
    pruning_removes_older_periods_only,
    pruning_removes_views_written_under_another_meter_period,
    pruning_forgets_expired_sessions_and_the_guest_counts_of_past_hours,
    registering_writes_the_account_its_views_and_its_session_in_one_transaction,
    the_store_answers_a_ping,
    attempts_are_limited_per_key_and_window_even_all_at_once,
);

const PERIOD: &str = "2026-11";

async fn the_quota_is_exact_under_200_concurrent_first_views(store: Arc<dyn Store>) {
    let guest = Identity::Guest("many".into());
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let (store, guest) = (store.clone(), guest.clone());
            tokio::spawn(async move { store.record_view(&guest, PERIOD, &format!("C{n}"), Some(5)).await.unwrap() })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| o.granted).count(), 5, "exactly the quota, never one more");
    assert_eq!(outcomes.iter().filter(|o| o.counted).count(), 5);
    assert!(outcomes.iter().all(|o| o.used <= 5));
    let after = store.record_view(&guest, PERIOD, "another", Some(5)).await.unwrap();
    assert_eq!(after, ViewOutcome { granted: false, counted: false, used: 5 });
}

async fn one_code_opened_200_times_at_once_counts_once(store: Arc<dyn Store>) {
    let guest = Identity::Guest("same".into());
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (store, guest) = (store.clone(), guest.clone());
            tokio::spawn(async move { store.record_view(&guest, PERIOD, "I10", Some(1)).await.unwrap() })
        })
        .collect();
    let mut counted = 0;
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(outcome.granted, "the one code is always granted");
        counted += outcome.counted as usize;
    }
    assert_eq!(counted, 1);
}

async fn reopening_a_code_is_free_and_a_new_period_starts_afresh(store: Arc<dyn Store>) {
    let guest = Identity::Guest("a".into());
    let first = store.record_view(&guest, PERIOD, "I10", Some(2)).await.unwrap();
    assert_eq!(first, ViewOutcome { granted: true, counted: true, used: 1 });
    let again = store.record_view(&guest, PERIOD, "I10", Some(2)).await.unwrap();
    assert_eq!(again, ViewOutcome { granted: true, counted: false, used: 1 });
    assert!(store.record_view(&guest, PERIOD, "E119", Some(2)).await.unwrap().granted);
    let over = store.record_view(&guest, PERIOD, "Z794", Some(2)).await.unwrap();
    assert_eq!(over, ViewOutcome { granted: false, counted: false, used: 2 });
    let reopened_at_the_limit = store.record_view(&guest, PERIOD, "I10", Some(2)).await.unwrap();
    assert_eq!(reopened_at_the_limit, ViewOutcome { granted: true, counted: false, used: 2 });
    assert!(store.record_view(&guest, "2026-12", "Z794", Some(2)).await.unwrap().counted);
}

async fn registering_copies_the_guest_views_without_counting_a_code_twice(store: Arc<dyn Store>) {
    let (guest, user) = (Identity::Guest("g".into()), Identity::User(7));
    store.record_view(&guest, PERIOD, "I10", None).await.unwrap();
    store.record_view(&guest, PERIOD, "E119", None).await.unwrap();
    store.record_view(&user, PERIOD, "I10", None).await.unwrap();
    store.copy_views(&guest, &user, PERIOD).await.unwrap();
    // I10 was in both: the account has two distinct codes, not three.
    let next = store.record_view(&user, PERIOD, "Z794", Some(3)).await.unwrap();
    assert_eq!(next, ViewOutcome { granted: true, counted: true, used: 3 });
    assert!(!store.record_view(&user, PERIOD, "E785", Some(3)).await.unwrap().granted);
    assert!(store.record_view(&user, PERIOD, "E119", Some(3)).await.unwrap().granted, "a copied code reopens free");
}

async fn charged_views_count_against_the_limit_and_never_lower_it(store: Arc<dyn Store>) {
    let user = Identity::User(1);
    store.record_view(&user, PERIOD, "I10", None).await.unwrap();
    store.record_view(&user, PERIOD, "E119", None).await.unwrap();
    store.charge_views(&user, PERIOD, 1).await.unwrap();
    assert_eq!(store.record_view(&user, PERIOD, "Z794", Some(3)).await.unwrap().used, 3);
    let other = Identity::User(2);
    store.charge_views(&other, PERIOD, 2).await.unwrap();
    assert!(!store.record_view(&other, PERIOD, "I10", Some(2)).await.unwrap().granted);
}

async fn new_guests_per_address_are_capped_per_period_even_all_at_once(store: Arc<dyn Store>) {
    let hour = "2026-11-24T10";
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { store.create_guest(&format!("g{n}"), "10.0.0.1", hour, 20, 0).await.unwrap() })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        created += task.await.unwrap() as usize;
    }
    assert_eq!(created, 20, "exactly the cap");
    assert!(store.create_guest("other", "10.0.0.2", hour, 20, 0).await.unwrap(), "another address has its own");
    assert!(store.create_guest("later", "10.0.0.1", "2026-11-24T11", 20, 0).await.unwrap(), "the next hour");
    assert!(!store.create_guest("none", "10.0.0.3", hour, 0, 0).await.unwrap(), "a cap of 0 creates none");
}

async fn sessions_live_until_revoked_or_expired(store: Arc<dyn Store>) {
    let user = store.create_user("ana@example.org", "hash", 100).await.unwrap().unwrap();
    store.create_session("s1", user.id, Some("https://clinic.example"), 100, 200).await.unwrap();
    store.create_session("s2", user.id, None, 100, 200).await.unwrap();
    let (found, origin) = store.session_user("s1", 150).await.unwrap().unwrap();
    assert_eq!((found.email.as_str(), origin.as_deref()), ("ana@example.org", Some("https://clinic.example")));
    assert_eq!(store.session_user("s2", 150).await.unwrap().unwrap().1, None);
    assert!(store.session_user("s1", 200).await.unwrap().is_none(), "expired at expires_at");
    store.delete_session("s1").await.unwrap();
    assert!(store.session_user("s1", 150).await.unwrap().is_none(), "revoked");
    assert!(store.session_user("s2", 150).await.unwrap().is_some(), "the other session lives on");
    assert!(store.session_user("nope", 150).await.unwrap().is_none());
}

async fn emails_are_unique_whatever_their_case_and_plans_change(store: Arc<dyn Store>) {
    let ana = store.create_user("Ana@Example.org", "h", 5).await.unwrap().unwrap();
    assert_eq!((ana.plan, ana.created_at), (Plan::Free, 5));
    assert!(store.create_user("ana@example.org", "h", 6).await.unwrap().is_none());
    assert_eq!(store.user_by_email("ANA@example.org").await.unwrap().unwrap().email, "Ana@Example.org");
    assert!(store.set_plan("ana@EXAMPLE.org", Plan::Paid).await.unwrap());
    assert!(!store.set_plan("nobody@example.org", Plan::Paid).await.unwrap());
    let bo = store.create_user("bo@example.org", "h", 7).await.unwrap().unwrap();
    assert_ne!(ana.id, bo.id);
    let users = store.users().await.unwrap();
    let listed: Vec<_> = users.iter().map(|u| (u.email.as_str(), u.plan)).collect();
    assert_eq!(listed, [("Ana@Example.org", Plan::Paid), ("bo@example.org", Plan::Free)], "oldest first");
}

async fn site_keys_are_added_listed_and_removed(store: Arc<dyn Store>) {
    let origins = vec!["https://a.example".to_string(), "http://127.0.0.1:8080".to_string()];
    store.add_site_key("ck_1", &origins, 1).await.unwrap();
    store.add_site_key("ck_2", &origins[..1], 2).await.unwrap();
    assert_eq!(store.site_key("ck_1").await.unwrap().unwrap().origins, origins);
    assert!(store.site_key("ck_x").await.unwrap().is_none());
    let keys: Vec<_> = store.site_keys().await.unwrap().into_iter().map(|k| k.key).collect();
    assert_eq!(keys, ["ck_1", "ck_2"]);
    assert!(store.remove_site_key("ck_1").await.unwrap());
    assert!(!store.remove_site_key("ck_1").await.unwrap());
    assert!(store.site_key("ck_1").await.unwrap().is_none());
}

async fn a_setting_keeps_the_first_value_stored(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(
                async move { store.setting_or_insert("token_secret", &format!("candidate {n}")).await.unwrap() },
            )
        })
        .collect();
    let mut values = std::collections::BTreeSet::new();
    for task in tasks {
        values.insert(task.await.unwrap());
    }
    assert_eq!(values.len(), 1, "every caller got the same value: {values:?}");
    let kept = values.into_iter().next().unwrap();
    assert_eq!(store.setting_or_insert("token_secret", "later").await.unwrap(), kept);
}

async fn pruning_removes_older_periods_only(store: Arc<dyn Store>) {
    let guest = Identity::Guest("p".into());
    for (period, code) in [("2026-09", "A00"), ("2026-09", "A01"), ("2026-10", "A02"), ("2026-11", "A03")] {
        store.record_view(&guest, period, code, None).await.unwrap();
    }
    assert_eq!(store.prune_views("2026-10", 0).await.unwrap(), 2);
    assert_eq!(store.prune_views("2026-10", 0).await.unwrap(), 0, "nothing left to prune");
    // The kept periods keep their views and counts.
    let kept = store.record_view(&guest, "2026-10", "A02", Some(1)).await.unwrap();
    assert_eq!(kept, ViewOutcome { granted: true, counted: false, used: 1 });
    assert!(!store.record_view(&guest, "2026-11", "B00", Some(1)).await.unwrap().granted);
    // A pruned period starts from nothing (it is never metered again in practice).
    assert!(store.record_view(&guest, "2026-09", "A05", Some(1)).await.unwrap().counted);
}

/// Week keys ("2026-W30") sort after month keys ("2026-10"): a comparison of keys alone would
/// keep views written under `--meter-period week` forever once the setting became `month`.
async fn pruning_removes_views_written_under_another_meter_period(store: Arc<dyn Store>) {
    let guest = Identity::Guest("w".into());
    store.record_view(&guest, "2026-W30", "A00", None).await.unwrap();
    store.record_view(&guest, "2026-11", "A01", None).await.unwrap();
    let now = codecard::server::unix_now();
    assert_eq!(store.prune_views("2026-10", now - 60).await.unwrap(), 0, "viewed after the oldest kept period began");
    assert_eq!(store.prune_views("2026-10", now + 60).await.unwrap(), 1, "the week's view, viewed before it");
    let again = store.record_view(&guest, "2026-W30", "A02", None).await.unwrap();
    assert_eq!(again.used, 1, "the week's count went with its views");
    assert!(!store.record_view(&guest, "2026-11", "A03", Some(1)).await.unwrap().granted, "the month's count stays");
}

async fn pruning_forgets_expired_sessions_and_the_guest_counts_of_past_hours(store: Arc<dyn Store>) {
    let user = store.create_user("ana@example.org", "hash", 100).await.unwrap().unwrap();
    store.create_session("expired", user.id, None, 100, 200).await.unwrap();
    store.create_session("live", user.id, None, 100, 900).await.unwrap();
    assert!(store.create_guest("g1", "10.0.0.1", "2026-11-24T10", 1, 100).await.unwrap());
    assert!(!store.create_guest("g2", "10.0.0.1", "2026-11-24T10", 1, 100).await.unwrap(), "at the cap");
    assert_eq!(store.forget_expired(500, "2026-11-24T11").await.unwrap(), 2, "one session, one address's count");
    assert!(store.session_user("expired", 150).await.unwrap().is_none(), "the row is gone");
    assert!(store.session_user("live", 150).await.unwrap().is_some());
    assert!(store.create_guest("g3", "10.0.0.1", "2026-11-24T10", 1, 100).await.unwrap(), "the count is gone");
    assert_eq!(store.forget_expired(500, "2026-11-24T10").await.unwrap(), 0, "the current hour's count stays");
}

/// The account, its carried views and its session are written together or not at all.
async fn registering_writes_the_account_its_views_and_its_session_in_one_transaction(store: Arc<dyn Store>) {
    let guest = Identity::Guest("r".into());
    store.record_view(&guest, PERIOD, "I10", None).await.unwrap();
    store.record_view(&guest, PERIOD, "E119", None).await.unwrap();
    let account = NewAccount {
        email: "new@clinic.example",
        password_hash: "hash",
        now: 100,
        period: PERIOD,
        carry: Carry::ViewsOf(guest),
        session_id: "s-new",
        origin: Some("https://clinic.example"),
        expires_at: 1000,
    };
    let user = store.register(&account).await.unwrap().expect("a new email registers");
    let (found, origin) = store.session_user("s-new", 150).await.unwrap().expect("its session");
    assert_eq!((found.id, origin.as_deref()), (user.id, Some("https://clinic.example")));
    let account_views = Identity::User(user.id);
    assert!(!store.record_view(&account_views, PERIOD, "I10", Some(2)).await.unwrap().counted, "a carried view");
    assert!(!store.record_view(&account_views, PERIOD, "Z794", Some(2)).await.unwrap().granted, "two carried");

    let taken = NewAccount { session_id: "s-taken", carry: Carry::Charge(1), ..account.clone() };
    assert!(store.register(&taken).await.unwrap().is_none(), "the email is taken");
    assert!(store.session_user("s-taken", 150).await.unwrap().is_none(), "and nothing else was written");

    // The session cannot be stored (its id is in use): the account must not be left behind.
    let clash = NewAccount { email: "second@clinic.example", carry: Carry::Charge(3), ..account.clone() };
    assert!(store.register(&clash).await.is_err());
    assert!(store.user_by_email("second@clinic.example").await.unwrap().is_none(), "no half-made account");

    let charged =
        NewAccount { email: "third@clinic.example", session_id: "s-third", carry: Carry::Charge(1), ..account };
    let third = Identity::User(store.register(&charged).await.unwrap().unwrap().id);
    assert!(!store.record_view(&third, PERIOD, "I10", Some(1)).await.unwrap().granted, "charged one view");
}

async fn attempts_are_limited_per_key_and_window_even_all_at_once(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.count_attempt("login:k", 600, 10).await.unwrap() })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        allowed += task.await.unwrap() as usize;
    }
    assert_eq!(allowed, 10, "exactly the limit");
    assert!(store.count_attempt("login:other", 600, 10).await.unwrap(), "another key has its own");
    assert!(store.count_attempt("login:k", 660, 10).await.unwrap(), "the next window starts afresh");
    assert_eq!(store.forget_attempts(660).await.unwrap(), 1, "the other key's old window");
    assert_eq!(store.forget_attempts(661).await.unwrap(), 1);
}

async fn the_store_answers_a_ping(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
}

/// PostgreSQL only: instances starting at once on a new database migrate it once, and a
/// restarted instance finds the schema and the data in place.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_migrations_are_safe_when_instances_start_together() {
    let url = postgres::database().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url, PoolSettings::default()).await })
        })
        .collect();
    let mut stores = Vec::new();
    for start in starts {
        stores.push(start.await.unwrap().expect("every instance starts"));
    }
    stores[0].create_user("a@b.example", "h", 0).await.unwrap();
    drop(stores);
    let again = PostgresStore::connect(&url, PoolSettings::default()).await.unwrap();
    assert_eq!(again.users().await.unwrap().len(), 1);
}

/// PostgreSQL only: concurrent views of one visitor are recorded in shared transactions (one
/// commit, one flush of the log, for every view that queued meanwhile), not one each: the
/// visitor's counter lock is held until the commit is durable, so one at a time a visitor's views
/// go no faster than the disk flushes. Each view row's `xmin` names the transaction that wrote it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_concurrent_views_of_one_visitor_share_commits() {
    let url = postgres::database().await;
    let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(&url, PoolSettings::default()).await.unwrap());
    let guest = Identity::Guest("busy".into());
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let (store, guest) = (store.clone(), guest.clone());
            tokio::spawn(async move { store.record_view(&guest, PERIOD, &format!("C{n}"), None).await.unwrap() })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().counted);
    }
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT COUNT(*), COUNT(DISTINCT xmin::text) FROM views WHERE identity = 'g:busy'", &[])
        .await
        .unwrap();
    let (views, transactions): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(views, 200);
    assert!(transactions < 100, "200 concurrent views took {transactions} transactions");
}

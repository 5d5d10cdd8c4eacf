//! The shared store: PostgreSQL through an async driver and a connection pool, for several
//! endpoint instances behind one load balancer. Calls run on the async workers directly.
//!
//! Concurrency: every transaction runs at PostgreSQL's default READ COMMITTED. Where a check and
//! a write must not interleave across instances, the statement that writes takes a row lock
//! first (`INSERT … ON CONFLICT … DO UPDATE` locks the conflicting row, and its `WHERE` and
//! `RETURNING` see the newest committed version of it, not the statement's snapshot); what is
//! read after that lock, in a later statement, sees everything the previous holder committed.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::migrations::POSTGRES as MIGRATIONS;
use super::view_batch::{self, RecordViews, View, ViewBatcher};
use super::{Carry, Identity, NewAccount, SiteKey, Store, StoreError, StoreErrorKind, StoreResult, User, ViewOutcome};
use crate::api::Plan;

/// Whether a PostgreSQL failure is passing: no connection, the server shutting down or
/// starting, out of connections or resources, a serialization failure or deadlock.
pub(super) fn error_kind(error: &tokio_postgres::Error) -> StoreErrorKind {
    let Some(code) = error.code() else {
        // No SQLSTATE: the connection failed, closed, or timed out.
        return StoreErrorKind::Unavailable;
    };
    let class = &code.code()[..2];
    let passing = matches!(class, "08" | "53" | "57" | "58")
        || [SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED].contains(code);
    if passing { StoreErrorKind::Unavailable } else { StoreErrorKind::Fault }
}

/// How the pool behaves. Every call a request makes is bounded by `call_timeout` (connecting
/// when the pool has no idle connection, and the statements), so that a database that is down,
/// or that stops answering without closing its connections, meets the visitor with a quick 503
/// instead of a hang; a connection that ran out of time is closed, never reused. Waiting for a
/// connection another request is using is bounded separately (`wait_timeout`): when the
/// database is up, a queue behind one visitor's row lock is work, not a failure. Start-up and
/// the admin commands connect with `connect_timeout` instead, which may be longer (a database
/// far away, or one still starting).
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// Connections at most, per instance.
    pub max_connections: usize,
    /// Longest time to connect at start and in the admin commands, when the URL gives no
    /// `connect_timeout` of its own.
    pub connect_timeout: Duration,
    /// Longest time one call of a request may take (connecting included); also the session's
    /// `statement_timeout`, so that the server gives up on it too.
    pub call_timeout: Duration,
    /// Longest wait for a connection another request is using.
    pub wait_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            connect_timeout: Duration::from_secs(2),
            call_timeout: Duration::from_millis(500),
            wait_timeout: Duration::from_secs(2),
        }
    }
}

/// A PostgreSQL database shared by any number of instances. Clones share the pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    settings: PoolSettings,
    /// Views waiting to be recorded, gathered per identity.
    views: ViewBatcher,
}

/// Any constant: the key of the advisory lock that serialises migrations across instances.
const MIGRATION_LOCK: i64 = 0x636f_6465_6361_7264; // "codecard"

/// How long the maintenance calls (migrations at start, the hourly pruning) may take: they may
/// wait for another instance's migration lock, or delete a month of views.
const MAINTENANCE_TIMEOUT: Duration = Duration::from_secs(300);

/// Runs `$body` (an expression of type `StoreResult<_>` that uses `$client`, a pooled
/// connection) within the store's per-call deadline, or `$limit`. A connection whose call ran
/// out of time is taken out of the pool and closed: its statements may still be queued on it,
/// and the next request would wait behind them.
macro_rules! call {
    ($store:expr, $client:ident, $body:block) => {
        call!($store, $client, limit = $store.settings.call_timeout, $body)
    };
    ($store:expr, $client:ident, limit = $limit:expr, $body:block) => {{
        let limit: Duration = $limit;
        #[allow(unused_mut)]
        let mut $client = $store.connection(limit).await?;
        let outcome: Result<StoreResult<_>, _> = tokio::time::timeout(limit, async { $body }).await;
        match outcome {
            Ok(result) => result,
            Err(_) => {
                drop(deadpool_postgres::Object::take($client));
                Err(StoreError::Deadline { after: limit })
            }
        }
    }};
}

impl PostgresStore {
    /// Connects to `url` and applies the migrations this database lacks. Several instances may
    /// start at once: one applies them while the others wait for its lock, then find them done.
    pub async fn connect(url: &str, settings: PoolSettings) -> StoreResult<PostgresStore> {
        let mut config: tokio_postgres::Config = url.parse().map_err(StoreError::BadUrl)?;
        let mut settings = settings;
        match config.get_connect_timeout() {
            Some(given) => settings.connect_timeout = *given,
            None => {
                config.connect_timeout(settings.connect_timeout);
            }
        }
        config.application_name("codecard");
        // A peer that vanished without closing (host down, partition) is noticed by the kernel
        // within about half a minute instead of the two hours of the defaults; the per-call
        // deadline answers the request long before that.
        config.keepalives(true);
        if config.get_keepalives_idle() == Duration::from_secs(2 * 60 * 60) {
            config.keepalives_idle(Duration::from_secs(10));
            config.keepalives_interval(Duration::from_secs(5));
            config.keepalives_retries(3);
        }
        // The server gives up on a statement when the endpoint does, and ends a transaction whose
        // client went silent (its row locks would otherwise block that visitor everywhere).
        let ms = settings.call_timeout.as_millis().max(1);
        let session = format!("-c statement_timeout={ms} -c idle_in_transaction_session_timeout={}", ms * 20);
        let options = match config.get_options() {
            Some(given) => format!("{given} {session}"),
            None => session,
        };
        config.options(options);
        // Fast recycling: a connection the server closed is dropped on return; checking each one
        // with a query first would cost a round trip per request. Connections that timed out are
        // closed by `call!`, so an idle one is either healthy or closed.
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(settings.max_connections)
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Url(e.to_string()))?;
        let store = PostgresStore { pool, settings, views: ViewBatcher::default() };
        store.migrate().await?;
        Ok(store)
    }

    /// A pooled connection: waits up to `wait_timeout` for a busy one, and gives connecting a new
    /// one `connect` at most.
    async fn connection(&self, connect: Duration) -> StoreResult<deadpool_postgres::Object> {
        let timeouts =
            Timeouts { wait: Some(self.settings.wait_timeout), create: Some(connect), recycle: Some(connect) };
        match self.pool.timeout_get(&timeouts).await {
            Ok(client) => Ok(client),
            Err(deadpool_postgres::PoolError::Timeout(deadpool_postgres::TimeoutType::Create)) => {
                Err(StoreError::Deadline { after: connect })
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn migrate(&self) -> StoreResult<()> {
        // At start the server may be slower to accept than a request's deadline allows; the
        // connection gets the connect timeout, the migrations as long as they need.
        let mut client = self.connection(self.settings.connect_timeout).await?;
        let tx = client.transaction().await?;
        // No server-side limit for the migrations (a second instance waits for the lock), and no
        // NOTICE ("relation … already exists, skipping") in every start's log.
        tx.batch_execute("SET LOCAL statement_timeout = 0; SET LOCAL client_min_messages = warning").await?;
        // Held until commit: a second instance starting now waits here, then sees the result.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS codecard_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let applied: i32 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM codecard_migrations", &[]).await?.get(0);
        let applied = applied as usize;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::NewerSchema { found: applied, known: MIGRATIONS.len() });
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            tx.batch_execute(migration).await?;
            let version = index as i32 + 1;
            tx.execute(
                "INSERT INTO codecard_migrations (version, applied_at) VALUES ($1, $2)",
                &[&version, &(super::super::unix_now() as i64)],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn user_from_row(row: &Row) -> User {
    let plan: String = row.get(3);
    User {
        id: row.get(0),
        email: row.get(1),
        password_hash: row.get(2),
        plan: Plan::parse(&plan).unwrap_or(Plan::Free),
        created_at: row.get::<_, i64>(4) as u64,
    }
}

fn site_key_from_row(row: &Row) -> SiteKey {
    let origins: String = row.get(1);
    SiteKey { key: row.get(0), origins: origins.split_whitespace().map(String::from).collect() }
}

/// Creates an account unless the email is taken (then no row).
const CREATE_USER: &str = "INSERT INTO users (email, password_hash, plan, created_at) VALUES ($1, $2, 'free', $3)
     ON CONFLICT ((lower(email))) DO NOTHING RETURNING id";

const CREATE_SESSION: &str =
    "INSERT INTO sessions (id, user_id, origin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

/// Counts at least `$3` views for identity `$1` in period `$2`.
const CHARGE_VIEWS: &str = "INSERT INTO view_counts (identity, period, used) VALUES ($1, $2, $3)
     ON CONFLICT (identity, period) DO UPDATE SET used = GREATEST(view_counts.used, EXCLUDED.used)";

/// Views before the oldest kept period `$1` of the same key length (the current
/// `--meter-period`, whose keys sort by time): a range on the `views (period)` index.
const PRUNE_VIEWS: &str = "DELETE FROM views WHERE period < $1 AND length(period) = length($1)";

/// Views of another key length (written under another setting; their keys sort apart from
/// these), by the time they were viewed, before `$2`: a scan of the table, once an hour.
const PRUNE_OTHER_VIEWS: &str = "DELETE FROM views WHERE length(period) <> length($1) AND viewed_at < $2";

/// The counts that go with them: by key, or for another key length once no view of theirs is left.
const PRUNE_VIEW_COUNTS: &str = "DELETE FROM view_counts c
     WHERE (length(c.period) = length($1) AND c.period < $1)
        OR (length(c.period) <> length($1)
            AND NOT EXISTS (SELECT 1 FROM views v WHERE v.identity = c.identity AND v.period = c.period))";

fn new_user(id: i64, email: &str, password_hash: &str, now: u64) -> User {
    User { id, email: email.to_string(), password_hash: password_hash.to_string(), plan: Plan::Free, created_at: now }
}

/// Copies the views of `from` in `period` to `to` and recounts `to`, under `to`'s counter lock.
async fn copy_views_in(
    tx: &tokio_postgres::Transaction<'_>,
    from: &Identity,
    to: &Identity,
    period: &str,
) -> StoreResult<()> {
    let (from, to) = (from.key(), to.key());
    tx.query_one(LOCK_COUNTER, &[&to, &period]).await?;
    tx.execute(
        "INSERT INTO views (identity, period, code, viewed_at)
         SELECT $2, period, code, viewed_at FROM views WHERE identity = $1 AND period = $3
         ON CONFLICT DO NOTHING",
        &[&from, &to, &period],
    )
    .await?;
    tx.execute(
        "UPDATE view_counts SET used = (SELECT COUNT(*) FROM views WHERE identity = $1 AND period = $2)
         WHERE identity = $1 AND period = $2",
        &[&to, &period],
    )
    .await?;
    Ok(())
}

/// What a failure says to an operator: the server's own words and SQLSTATE code when it
/// answered (a wrong password, a database that does not exist), else the driver's.
pub(super) fn describe(error: &tokio_postgres::Error) -> String {
    // The driver's own text is kept whole ("db error", then the server's message with any
    // DETAIL and HINT), so that a printer of the source chain finds each part already said.
    match error.as_db_error() {
        Some(db) => format!("{error}: {db} (SQLSTATE {})", db.code().code()),
        None => error.to_string(),
    }
}

/// Takes the lock on the counter row of `who` in `period` (creating it at 0) and returns the
/// views used. Every later statement of the transaction sees what earlier holders committed.
const LOCK_COUNTER: &str = "INSERT INTO view_counts (identity, period, used) VALUES ($1, $2, 0)
     ON CONFLICT (identity, period) DO UPDATE SET used = view_counts.used
     RETURNING used";

/// Which of the codes `$3` identity `$1` already viewed in period `$2`: one primary-key probe
/// per code. (Written as `code = ANY($3)` the planner may scan every view of the identity in
/// the period and filter, a cost that grows with the visitor's views.)
const SEEN: &str = "SELECT c.code FROM unnest($3::text[]) AS c (code)
     WHERE EXISTS (SELECT 1 FROM views v WHERE v.identity = $1 AND v.period = $2 AND v.code = c.code)";

/// Adds the views of codes `$3` (not yet viewed) and counts them, in one statement.
const ADD_VIEWS: &str = "WITH added AS (
         INSERT INTO views (identity, period, code, viewed_at)
         SELECT $1, $2, code, EXTRACT(EPOCH FROM now())::BIGINT FROM unnest($3::text[]) AS code
         ON CONFLICT DO NOTHING
         RETURNING 1)
     UPDATE view_counts SET used = used + (SELECT COUNT(*) FROM added) WHERE identity = $1 AND period = $2";

#[async_trait::async_trait]
impl RecordViews for PostgresStore {
    /// One transaction: lock the identity's counter row for the period, read which of the codes
    /// it already viewed (a later statement than the lock, so its snapshot holds every view the
    /// previous lock holder committed), then add the new codes within the limits and count them.
    /// The lock and the read go in one round trip (pipelined), the views and the count in one
    /// statement. Calls for one identity queue on that row lock, on any instance, so the limit is
    /// exact under READ COMMITTED; calls for different identities never wait for each other. A
    /// batch that adds nothing (codes reopened, or refused at the limit) rolls back: no flush.
    async fn record_views(&self, identity: &Identity, period: &str, views: &[View]) -> StoreResult<Vec<ViewOutcome>> {
        let who = identity.key();
        let codes: Vec<&str> = views.iter().map(|view| view.code.as_str()).collect();
        call!(self, client, {
            let (lock, seen, add) = tokio::try_join!(
                client.prepare_cached(LOCK_COUNTER),
                client.prepare_cached(SEEN),
                client.prepare_cached(ADD_VIEWS)
            )?;
            let tx = client.transaction().await?;
            let (counter, of_codes): (&[&(dyn ToSql + Sync)], &[&(dyn ToSql + Sync)]) =
                (&[&who, &period], &[&who, &period, &codes]);
            let (used, seen) = tokio::try_join!(tx.query_one(&lock, counter), tx.query(&seen, of_codes))?;
            let used = used.get::<_, i32>(0) as u32;
            let seen = seen.iter().map(|row| row.get(0)).collect();
            let (outcomes, added) = view_batch::outcomes(used, &seen, views);
            if added.is_empty() {
                tx.rollback().await?;
            } else {
                tx.execute(&add, &[&who, &period, &added]).await?;
                tx.commit().await?;
            }
            Ok(outcomes)
        })
    }
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    /// Gathered with the other views of the same identity and period waiting on this instance,
    /// and recorded with them in one transaction (see [`PostgresStore::record_views`]).
    async fn record_view(
        &self,
        identity: &Identity,
        period: &str,
        code: &str,
        limit: Option<u32>,
    ) -> StoreResult<ViewOutcome> {
        self.views.record(self, identity, period, View { code: code.to_string(), limit }).await
    }

    async fn copy_views(&self, from: &Identity, to: &Identity, period: &str) -> StoreResult<()> {
        call!(self, client, {
            let tx = client.transaction().await?;
            copy_views_in(&tx, from, to, period).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn charge_views(&self, identity: &Identity, period: &str, used: u32) -> StoreResult<()> {
        call!(self, client, {
            client.execute(CHARGE_VIEWS, &[&identity.key(), &period, &(used as i32)]).await?;
            Ok(())
        })
    }

    /// One statement: the address's counter row is created, restarted for a new period, or
    /// bumped while under the cap; at the cap the `WHERE` leaves it and nothing is returned.
    /// The upsert's row lock makes concurrent calls from any instance count one after another.
    async fn create_guest(&self, _id: &str, ip: &str, period: &str, cap: u32, _now: u64) -> StoreResult<bool> {
        if cap == 0 {
            return Ok(false);
        }
        call!(self, client, {
            let statement = client
                .prepare_cached(
                    "INSERT INTO guest_counts (ip, period, created) VALUES ($1, $2, 1)
                     ON CONFLICT (ip) DO UPDATE SET
                         created = CASE WHEN guest_counts.period = EXCLUDED.period THEN guest_counts.created + 1 ELSE 1 END,
                         period = EXCLUDED.period
                     WHERE guest_counts.period <> EXCLUDED.period OR guest_counts.created < $3
                     RETURNING created",
                )
                .await?;
            Ok(client.query_opt(&statement, &[&ip, &period, &(cap as i32)]).await?.is_some())
        })
    }

    async fn create_user(&self, email: &str, password_hash: &str, now: u64) -> StoreResult<Option<User>> {
        call!(self, client, {
            let row = client.query_opt(CREATE_USER, &[&email, &password_hash, &(now as i64)]).await?;
            Ok(row.map(|row| new_user(row.get(0), email, password_hash, now)))
        })
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        call!(self, client, {
            let statement = client
                .prepare_cached(
                    "SELECT id, email, password_hash, plan, created_at FROM users WHERE lower(email) = lower($1)",
                )
                .await?;
            Ok(client.query_opt(&statement, &[&email]).await?.as_ref().map(user_from_row))
        })
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        call!(self, client, {
            let rows =
                client.query("SELECT id, email, password_hash, plan, created_at FROM users ORDER BY id", &[]).await?;
            Ok(rows.iter().map(user_from_row).collect())
        })
    }

    async fn set_plan(&self, email: &str, plan: Plan) -> StoreResult<bool> {
        call!(self, client, {
            let changed = client
                .execute("UPDATE users SET plan = $2 WHERE lower(email) = lower($1)", &[&email, &plan.id()])
                .await?;
            Ok(changed > 0)
        })
    }

    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        origin: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> StoreResult<()> {
        call!(self, client, {
            client
                .execute(CREATE_SESSION, &[&session_id, &user_id, &origin, &(now as i64), &(expires_at as i64)])
                .await?;
            Ok(())
        })
    }

    /// One transaction: if the email is taken nothing was written (the transaction rolls back
    /// on drop); else the account, its carried views and its session commit together.
    async fn register(&self, account: &NewAccount<'_>) -> StoreResult<Option<User>> {
        call!(self, client, {
            let tx = client.transaction().await?;
            let now = account.now as i64;
            let Some(row) = tx.query_opt(CREATE_USER, &[&account.email, &account.password_hash, &now]).await? else {
                return Ok(None);
            };
            let user = new_user(row.get(0), account.email, account.password_hash, account.now);
            let identity = Identity::User(user.id);
            match &account.carry {
                Carry::ViewsOf(guest) => copy_views_in(&tx, guest, &identity, account.period).await?,
                Carry::Charge(used) => {
                    tx.execute(CHARGE_VIEWS, &[&identity.key(), &account.period, &(*used as i32)]).await?;
                }
                Carry::Nothing => {}
            }
            let expires_at = account.expires_at as i64;
            tx.execute(CREATE_SESSION, &[&account.session_id, &user.id, &account.origin, &now, &expires_at]).await?;
            tx.commit().await?;
            Ok(Some(user))
        })
    }

    async fn session_user(&self, session_id: &str, now: u64) -> StoreResult<Option<(User, Option<String>)>> {
        call!(self, client, {
            let statement = client
                .prepare_cached(
                    "SELECT u.id, u.email, u.password_hash, u.plan, u.created_at, s.origin
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.id = $1 AND s.expires_at > $2",
                )
                .await?;
            let row = client.query_opt(&statement, &[&session_id, &(now as i64)]).await?;
            Ok(row.map(|row| (user_from_row(&row), row.get(5))))
        })
    }

    async fn delete_session(&self, session_id: &str) -> StoreResult<()> {
        call!(self, client, {
            client.execute("DELETE FROM sessions WHERE id = $1", &[&session_id]).await?;
            Ok(())
        })
    }

    async fn add_site_key(&self, key: &str, origins: &[String], now: u64) -> StoreResult<()> {
        call!(self, client, {
            client
                .execute(
                    "INSERT INTO site_keys (key, origins, created_at) VALUES ($1, $2, $3)",
                    &[&key, &origins.join(" "), &(now as i64)],
                )
                .await?;
            Ok(())
        })
    }

    async fn site_key(&self, key: &str) -> StoreResult<Option<SiteKey>> {
        call!(self, client, {
            let statement = client.prepare_cached("SELECT key, origins FROM site_keys WHERE key = $1").await?;
            Ok(client.query_opt(&statement, &[&key]).await?.as_ref().map(site_key_from_row))
        })
    }

    async fn site_keys(&self) -> StoreResult<Vec<SiteKey>> {
        call!(self, client, {
            let statement =
                client.prepare_cached("SELECT key, origins FROM site_keys ORDER BY created_at, key").await?;
            Ok(client.query(&statement, &[]).await?.iter().map(site_key_from_row).collect())
        })
    }

    async fn remove_site_key(&self, key: &str) -> StoreResult<bool> {
        call!(self, client, { Ok(client.execute("DELETE FROM site_keys WHERE key = $1", &[&key]).await? > 0) })
    }

    /// Two statements: the insert waits for a concurrent one to commit (or roll back), and the
    /// select, with a snapshot taken after that, sees the value that won.
    async fn setting_or_insert(&self, name: &str, candidate: &str) -> StoreResult<String> {
        call!(self, client, {
            client
                .execute(
                    "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    &[&name, &candidate],
                )
                .await?;
            Ok(client.query_one("SELECT value FROM settings WHERE name = $1", &[&name]).await?.get(0))
        })
    }

    /// One upsert, like the guest cap: the row lock orders concurrent attempts from any instance.
    async fn count_attempt(&self, key: &str, window_start: u64, limit: u32) -> StoreResult<bool> {
        call!(self, client, {
            let statement = client
                .prepare_cached(
                    "INSERT INTO attempts (key, window_start, count) VALUES ($1, $2, 1)
                     ON CONFLICT (key) DO UPDATE SET
                         count = CASE WHEN attempts.window_start = EXCLUDED.window_start THEN attempts.count + 1 ELSE 1 END,
                         window_start = EXCLUDED.window_start
                     RETURNING count",
                )
                .await?;
            let count: i32 = client.query_one(&statement, &[&key, &(window_start as i64)]).await?.get(0);
            Ok(count as u32 <= limit)
        })
    }

    async fn forget_attempts(&self, before: u64) -> StoreResult<u64> {
        call!(self, client, {
            Ok(client.execute("DELETE FROM attempts WHERE window_start < $1", &[&(before as i64)]).await?)
        })
    }

    async fn prune_views(&self, oldest_kept: &str, kept_since: u64) -> StoreResult<u64> {
        call!(self, client, limit = MAINTENANCE_TIMEOUT, {
            let tx = client.transaction().await?;
            tx.batch_execute("SET LOCAL statement_timeout = 0").await?;
            let views = tx.execute(PRUNE_VIEWS, &[&oldest_kept]).await?
                + tx.execute(PRUNE_OTHER_VIEWS, &[&oldest_kept, &(kept_since as i64)]).await?;
            tx.execute(PRUNE_VIEW_COUNTS, &[&oldest_kept]).await?;
            tx.commit().await?;
            Ok(views)
        })
    }

    async fn forget_expired(&self, now: u64, guest_hour: &str) -> StoreResult<u64> {
        call!(self, client, limit = MAINTENANCE_TIMEOUT, {
            let tx = client.transaction().await?;
            tx.batch_execute("SET LOCAL statement_timeout = 0").await?;
            let sessions = tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&(now as i64)]).await?;
            let guests = tx.execute("DELETE FROM guest_counts WHERE period < $1", &[&guest_hour]).await?;
            tx.commit().await?;
            Ok(sessions + guests)
        })
    }

    async fn ping(&self) -> StoreResult<()> {
        call!(self, client, {
            client.simple_query("SELECT 1").await?;
            Ok(())
        })
    }

    fn pool_in_use(&self) -> Option<(usize, usize)> {
        let status = self.pool.status();
        Some((status.size.saturating_sub(status.available), status.max_size))
    }
}

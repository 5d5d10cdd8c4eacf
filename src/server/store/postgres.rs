//! The shared store: PostgreSQL through an async driver and a connection pool, for several
//! endpoint instances behind one load balancer. Calls run on the async workers directly.
//!
//! Concurrency: every transaction runs at PostgreSQL's default READ COMMITTED. Where a check and
//! a write must not interleave across instances, the statement that writes takes a row lock
//! first (`INSERT … ON CONFLICT … DO UPDATE` locks the conflicting row, and its `WHERE` and
//! `RETURNING` see the newest committed version of it, not the statement's snapshot); what is
//! read after that lock, in a later statement, sees everything the previous holder committed.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};

use super::migrations::POSTGRES as MIGRATIONS;
use super::{Identity, SiteKey, Store, StoreError, StoreErrorKind, StoreResult, User, ViewOutcome};
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

/// How the pool behaves. Connecting is given little time, so that a request meets a database
/// that is down with a quick 503 instead of hanging (a refused connection fails at once; the
/// timeout bounds an unreachable host). Waiting for a busy connection is given more: when the
/// database is up, a queue behind one visitor's row lock is work, not a failure.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// Connections at most, per instance.
    pub max_connections: usize,
    /// Longest time to connect, or to check a returned connection.
    pub connect_timeout: Duration,
    /// Longest wait for a connection another request is using.
    pub wait_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            connect_timeout: Duration::from_millis(300),
            wait_timeout: Duration::from_secs(2),
        }
    }
}

/// A PostgreSQL database shared by any number of instances.
pub struct PostgresStore {
    pool: Pool,
}

/// Any constant: the key of the advisory lock that serialises migrations across instances.
const MIGRATION_LOCK: i64 = 0x636f_6465_6361_7264; // "codecard"

impl PostgresStore {
    /// Connects to `url` and applies the migrations this database lacks. Several instances may
    /// start at once: one applies them while the others wait for its lock, then find them done.
    pub async fn connect(url: &str, settings: PoolSettings) -> StoreResult<PostgresStore> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| StoreError::Url(format!("{e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(settings.connect_timeout);
        }
        config.application_name("codecard");
        // Fast recycling: a connection the server closed is dropped on return; checking each one
        // with a query first would cost a round trip per request.
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(settings.max_connections)
            .wait_timeout(Some(settings.wait_timeout))
            .create_timeout(Some(settings.connect_timeout))
            .recycle_timeout(Some(settings.connect_timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Url(e.to_string()))?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        // At start the server may be slower to accept than the request timeout allows.
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
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

    /// Connections handed out right now, and the pool's size (for `/metrics`).
    pub fn pool_in_use(&self) -> (usize, usize) {
        let status = self.pool.status();
        (status.size.saturating_sub(status.available), status.max_size)
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

/// Takes the lock on the counter row of `who` in `period` (creating it at 0) and returns the
/// views used. Every later statement of the transaction sees what earlier holders committed.
const LOCK_COUNTER: &str = "INSERT INTO view_counts (identity, period, used) VALUES ($1, $2, 0)
     ON CONFLICT (identity, period) DO UPDATE SET used = view_counts.used
     RETURNING used";

#[async_trait::async_trait]
impl Store for PostgresStore {
    /// One transaction: lock the identity's counter row for the period, then (seeing every view
    /// the previous lock holders committed) either find the code already viewed, refuse at the
    /// limit, or add the view and bump the counter. Calls for one identity queue on that row
    /// lock, on any instance, so the limit is exact under READ COMMITTED; calls for different
    /// identities never wait for each other.
    async fn record_view(
        &self,
        identity: &Identity,
        period: &str,
        code: &str,
        limit: Option<u32>,
    ) -> StoreResult<ViewOutcome> {
        let who = identity.key();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let lock = tx.prepare_cached(LOCK_COUNTER).await?;
        let used = tx.query_one(&lock, &[&who, &period]).await?.get::<_, i32>(0) as u32;
        let insert = tx
            .prepare_cached(
                "INSERT INTO views (identity, period, code, viewed_at)
                 VALUES ($1, $2, $3, EXTRACT(EPOCH FROM now())::BIGINT)
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        let outcome = if limit.is_some_and(|limit| used >= limit) {
            // At the limit only a code already viewed is granted; nothing is written.
            let seen =
                tx.prepare_cached("SELECT 1 FROM views WHERE identity = $1 AND period = $2 AND code = $3").await?;
            let seen = tx.query_opt(&seen, &[&who, &period, &code]).await?.is_some();
            ViewOutcome { granted: seen, counted: false, used }
        } else if tx.execute(&insert, &[&who, &period, &code]).await? == 0 {
            ViewOutcome { granted: true, counted: false, used }
        } else {
            let bump =
                tx.prepare_cached("UPDATE view_counts SET used = used + 1 WHERE identity = $1 AND period = $2").await?;
            tx.execute(&bump, &[&who, &period]).await?;
            ViewOutcome { granted: true, counted: true, used: used + 1 }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn copy_views(&self, from: &Identity, to: &Identity, period: &str) -> StoreResult<()> {
        let (from, to) = (from.key(), to.key());
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
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
        tx.commit().await?;
        Ok(())
    }

    async fn charge_views(&self, identity: &Identity, period: &str, used: u32) -> StoreResult<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO view_counts (identity, period, used) VALUES ($1, $2, $3)
                 ON CONFLICT (identity, period) DO UPDATE SET used = GREATEST(view_counts.used, EXCLUDED.used)",
                &[&identity.key(), &period, &(used as i32)],
            )
            .await?;
        Ok(())
    }

    /// One statement: the address's counter row is created, restarted for a new period, or
    /// bumped while under the cap; at the cap the `WHERE` leaves it and nothing is returned.
    /// The upsert's row lock makes concurrent calls from any instance count one after another.
    async fn create_guest(&self, _id: &str, ip: &str, period: &str, cap: u32, _now: u64) -> StoreResult<bool> {
        if cap == 0 {
            return Ok(false);
        }
        let client = self.pool.get().await?;
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
    }

    async fn create_user(&self, email: &str, password_hash: &str, now: u64) -> StoreResult<Option<User>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "INSERT INTO users (email, password_hash, plan, created_at) VALUES ($1, $2, 'free', $3)
                 ON CONFLICT ((lower(email))) DO NOTHING RETURNING id",
                &[&email, &password_hash, &(now as i64)],
            )
            .await?;
        Ok(row.map(|row| User {
            id: row.get(0),
            email: email.to_string(),
            password_hash: password_hash.to_string(),
            plan: Plan::Free,
            created_at: now,
        }))
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(
                "SELECT id, email, password_hash, plan, created_at FROM users WHERE lower(email) = lower($1)",
            )
            .await?;
        Ok(client.query_opt(&statement, &[&email]).await?.as_ref().map(user_from_row))
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let client = self.pool.get().await?;
        let rows =
            client.query("SELECT id, email, password_hash, plan, created_at FROM users ORDER BY id", &[]).await?;
        Ok(rows.iter().map(user_from_row).collect())
    }

    async fn set_plan(&self, email: &str, plan: Plan) -> StoreResult<bool> {
        let client = self.pool.get().await?;
        let changed =
            client.execute("UPDATE users SET plan = $2 WHERE lower(email) = lower($1)", &[&email, &plan.id()]).await?;
        Ok(changed > 0)
    }

    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        origin: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> StoreResult<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO sessions (id, user_id, origin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&session_id, &user_id, &origin, &(now as i64), &(expires_at as i64)],
            )
            .await?;
        Ok(())
    }

    async fn session_user(&self, session_id: &str, now: u64) -> StoreResult<Option<(User, Option<String>)>> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(
                "SELECT u.id, u.email, u.password_hash, u.plan, u.created_at, s.origin
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id = $1 AND s.expires_at > $2",
            )
            .await?;
        let row = client.query_opt(&statement, &[&session_id, &(now as i64)]).await?;
        Ok(row.map(|row| (user_from_row(&row), row.get(5))))
    }

    async fn delete_session(&self, session_id: &str) -> StoreResult<()> {
        let client = self.pool.get().await?;
        client.execute("DELETE FROM sessions WHERE id = $1", &[&session_id]).await?;
        Ok(())
    }

    async fn add_site_key(&self, key: &str, origins: &[String], now: u64) -> StoreResult<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO site_keys (key, origins, created_at) VALUES ($1, $2, $3)",
                &[&key, &origins.join(" "), &(now as i64)],
            )
            .await?;
        Ok(())
    }

    async fn site_key(&self, key: &str) -> StoreResult<Option<SiteKey>> {
        let client = self.pool.get().await?;
        let statement = client.prepare_cached("SELECT key, origins FROM site_keys WHERE key = $1").await?;
        Ok(client.query_opt(&statement, &[&key]).await?.as_ref().map(site_key_from_row))
    }

    async fn site_keys(&self) -> StoreResult<Vec<SiteKey>> {
        let client = self.pool.get().await?;
        let statement = client.prepare_cached("SELECT key, origins FROM site_keys ORDER BY created_at, key").await?;
        Ok(client.query(&statement, &[]).await?.iter().map(site_key_from_row).collect())
    }

    async fn remove_site_key(&self, key: &str) -> StoreResult<bool> {
        let client = self.pool.get().await?;
        Ok(client.execute("DELETE FROM site_keys WHERE key = $1", &[&key]).await? > 0)
    }

    /// Two statements: the insert waits for a concurrent one to commit (or roll back), and the
    /// select, with a snapshot taken after that, sees the value that won.
    async fn setting_or_insert(&self, name: &str, candidate: &str) -> StoreResult<String> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &candidate],
            )
            .await?;
        Ok(client.query_one("SELECT value FROM settings WHERE name = $1", &[&name]).await?.get(0))
    }

    /// One upsert, like the guest cap: the row lock orders concurrent attempts from any instance.
    async fn count_attempt(&self, key: &str, window_start: u64, limit: u32) -> StoreResult<bool> {
        let client = self.pool.get().await?;
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
    }

    async fn forget_attempts(&self, before: u64) -> StoreResult<u64> {
        let client = self.pool.get().await?;
        Ok(client.execute("DELETE FROM attempts WHERE window_start < $1", &[&(before as i64)]).await?)
    }

    async fn prune_views(&self, oldest_kept: &str) -> StoreResult<u64> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let views = tx.execute("DELETE FROM views WHERE period < $1", &[&oldest_kept]).await?;
        tx.execute("DELETE FROM view_counts WHERE period < $1", &[&oldest_kept]).await?;
        tx.commit().await?;
        Ok(views)
    }

    async fn ping(&self) -> StoreResult<()> {
        let client = self.pool.get().await?;
        client.simple_query("SELECT 1").await?;
        Ok(())
    }
}

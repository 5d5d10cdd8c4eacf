//! The embedded default: one SQLite file in WAL mode, for one machine.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::migrations::SQLITE as MIGRATIONS;
use super::view_batch::{RecordViews, View, ViewBatcher};
use super::{Carry, Identity, NewAccount, SiteKey, Store, StoreError, StoreErrorKind, StoreResult, User, ViewOutcome};
use crate::api::Plan;

/// Whether an SQLite failure is passing: a lock another process holds, a file that cannot be
/// opened or written right now.
pub(super) fn error_kind(error: &rusqlite::Error) -> StoreErrorKind {
    match error {
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::OutOfMemory
            ) =>
        {
            StoreErrorKind::Unavailable
        }
        _ => StoreErrorKind::Fault,
    }
}

/// The embedded default: one SQLite file in WAL mode.
///
/// Durability: `synchronous=NORMAL` in WAL mode writes every commit to the WAL before the call
/// returns, so a killed process loses nothing it acknowledged; only an OS crash or power loss
/// can drop the last commits. One connection behind a mutex serialises writers in-process;
/// `BEGIN IMMEDIATE` serialises them across processes sharing the file. A visitor's views that
/// queue meanwhile are recorded together (`view_batch`): what that saves is mostly the hop to the
/// blocking pool and the wake-ups of threads contending for the connection, not the commit.
///
/// Its calls block, so the [`Store`] methods run them on tokio's blocking pool; the connection
/// is shared by clones.
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    /// The file opened, as the readiness check finds it again (`None`: not a file on disk).
    file: Option<Arc<OpenedFile>>,
    /// Views waiting to be recorded, gathered per identity.
    views: ViewBatcher,
}

/// A database file and the identity (device, inode) it had when it was opened.
struct OpenedFile {
    path: PathBuf,
    id: (u64, u64),
}

/// The device and inode of the file at `path`.
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
}

/// Checks and records one view inside a transaction.
fn record_view_in(
    tx: &rusqlite::Transaction<'_>,
    who: &str,
    period: &str,
    code: &str,
    limit: Option<u32>,
) -> rusqlite::Result<ViewOutcome> {
    let seen: bool = tx
        .prepare_cached("SELECT 1 FROM views WHERE identity = ?1 AND period = ?2 AND code = ?3")?
        .query_row(params![who, period, code], |_| Ok(()))
        .optional()?
        .is_some();
    let used = views_in(tx, who, period)?;
    Ok(if seen {
        ViewOutcome { granted: true, counted: false, used }
    } else if limit.is_some_and(|limit| used >= limit) {
        ViewOutcome { granted: false, counted: false, used }
    } else {
        tx.prepare_cached("INSERT INTO views (identity, period, code, viewed_at) VALUES (?1, ?2, ?3, unixepoch())")?
            .execute(params![who, period, code])?;
        tx.prepare_cached(
            "INSERT INTO view_counts (identity, period, used) VALUES (?1, ?2, 1)
             ON CONFLICT (identity, period) DO UPDATE SET used = used + 1",
        )?
        .execute(params![who, period])?;
        ViewOutcome { granted: true, counted: true, used: used + 1 }
    })
}

/// Creates the database file readable by its owner only (it holds the signing secret, sessions
/// and password hashes), and takes group and other access away from an existing one and from
/// WAL and shared-memory files an unclean stop left behind (SQLite reuses them as they are).
fn owner_only(path: &Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["-wal", "-shm"] {
        let side = path
            .with_file_name(format!("{}{suffix}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        if let Ok(meta) = std::fs::metadata(&side) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&side, std::fs::Permissions::from_mode(mode & 0o700))
                    .map_err(|e| StoreError::file(&side, "cannot restrict access", Some(e)))?;
                tracing::warn!(file = %side.display(), "a database side file was readable by others; now owner-only");
            }
        }
    }
    owner_only_main(path)
}

/// [`owner_only`] for the main file.
fn owner_only_main(path: &Path) -> StoreResult<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let fail = |e: std::io::Error| StoreError::file(path, "cannot create or restrict access", Some(e));
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(fail(e)),
    }
    let mode = std::fs::metadata(path).map_err(fail)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700)).map_err(fail)?;
        tracing::warn!(db = %path.display(), "the database was readable by others; now owner-only");
    }
    Ok(())
}

/// Opens a connection to `path` with the store's settings.
fn connect(path: &Path, busy_timeout: std::time::Duration) -> StoreResult<Connection> {
    owner_only(path)?;
    let connection = Connection::open(path)?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )?;
    connection.busy_timeout(busy_timeout)?;
    Ok(connection)
}

impl SqliteStore {
    /// Opens (creating it if needed) and migrates the database at `path`. A write waits up to
    /// 5 s for another process's lock before failing.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        SqliteStore::open_with_busy_timeout(path, std::time::Duration::from_secs(5))
    }

    /// [`SqliteStore::open`] with another wait for locks held by other connections.
    pub fn open_with_busy_timeout(path: &Path, busy_timeout: std::time::Duration) -> StoreResult<SqliteStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
            return Err(StoreError::file(path, format!("the folder {} does not exist", parent.display()), None));
        }
        let connection = Arc::new(Mutex::new(connect(path, busy_timeout)?));
        let file = file_id(path).map(|id| Arc::new(OpenedFile { path: path.to_path_buf(), id }));
        let store = SqliteStore { connection, file, views: ViewBatcher::default() };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&self) -> StoreResult<()> {
        let mut connection = self.lock();
        let applied: usize = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::NewerSchema { found: applied, known: MIGRATIONS.len() });
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", index + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back on
        // drop), so a poisoned mutex is safe to keep using.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let plan: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        password_hash: row.get(2)?,
        plan: Plan::parse(&plan).unwrap_or(Plan::Free),
        created_at: row.get(4)?,
    })
}

const USER_COLUMNS: &str = "id, email, password_hash, plan, created_at";

impl SqliteStore {
    /// The views of one batch, one after another, in one `IMMEDIATE` transaction.
    fn record_views(&self, identity: &Identity, period: &str, views: &[View]) -> StoreResult<Vec<ViewOutcome>> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let who = identity.key();
        let outcomes = views
            .iter()
            .map(|view| record_view_in(&tx, &who, period, &view.code, view.limit))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(outcomes)
    }

    fn copy_views(&self, from: &Identity, to: &Identity, period: &str) -> StoreResult<()> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        copy_views_in(&tx, from, to, period)?;
        tx.commit()?;
        Ok(())
    }

    fn charge_views(&self, identity: &Identity, period: &str, used: u32) -> StoreResult<()> {
        charge_views_in(&self.lock(), identity, period, used)?;
        Ok(())
    }

    /// One `IMMEDIATE` transaction: the account, its carried views and its session, or nothing.
    fn register(&self, account: &NewAccount<'_>) -> StoreResult<Option<User>> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(user) = create_user_in(&tx, account.email, account.password_hash, account.now)? else {
            return Ok(None);
        };
        let identity = Identity::User(user.id);
        match &account.carry {
            Carry::ViewsOf(guest) => copy_views_in(&tx, guest, &identity, account.period)?,
            Carry::Charge(used) => charge_views_in(&tx, &identity, account.period, *used)?,
            Carry::Nothing => {}
        }
        create_session_in(&tx, account.session_id, user.id, account.origin, account.now, account.expires_at)?;
        tx.commit()?;
        Ok(Some(user))
    }

    fn create_guest(&self, id: &str, ip: &str, period: &str, cap: u32, now: u64) -> StoreResult<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM guests WHERE ip = ?1 AND period <> ?2", params![ip, period])?;
        let created: u32 =
            tx.query_row("SELECT COUNT(*) FROM guests WHERE ip = ?1 AND period = ?2", params![ip, period], |row| {
                row.get(0)
            })?;
        if created >= cap {
            tx.commit()?;
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO guests (id, ip, period, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, ip, period, now],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn create_user(&self, email: &str, password_hash: &str, now: u64) -> StoreResult<Option<User>> {
        Ok(create_user_in(&self.lock(), email, password_hash, now)?)
    }

    fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        Ok(self
            .lock()
            .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"), params![email], user_from_row)
            .optional()?)
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
        let users = statement.query_map([], user_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(users)
    }

    fn set_plan(&self, email: &str, plan: Plan) -> StoreResult<bool> {
        Ok(self.lock().execute("UPDATE users SET plan = ?2 WHERE email = ?1", params![email, plan.id()])? > 0)
    }

    fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        origin: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> StoreResult<()> {
        Ok(create_session_in(&self.lock(), session_id, user_id, origin, now, expires_at)?)
    }

    fn session_user(&self, session_id: &str, now: u64) -> StoreResult<Option<(User, Option<String>)>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT u.id, u.email, u.password_hash, u.plan, u.created_at, s.origin
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id = ?1 AND s.expires_at > ?2",
                params![session_id, now],
                |row| Ok((user_from_row(row)?, row.get(5)?)),
            )
            .optional()?)
    }

    fn delete_session(&self, session_id: &str) -> StoreResult<()> {
        self.lock().execute("DELETE FROM sessions WHERE id = ?1", params![session_id])?;
        Ok(())
    }

    fn add_site_key(&self, key: &str, origins: &[String], now: u64) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO site_keys (key, origins, created_at) VALUES (?1, ?2, ?3)",
            params![key, origins.join(" "), now],
        )?;
        Ok(())
    }

    fn site_key(&self, key: &str) -> StoreResult<Option<SiteKey>> {
        Ok(self
            .lock()
            .query_row("SELECT key, origins FROM site_keys WHERE key = ?1", params![key], site_key_from_row)
            .optional()?)
    }

    fn site_keys(&self) -> StoreResult<Vec<SiteKey>> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT key, origins FROM site_keys ORDER BY created_at, key")?;
        let keys = statement.query_map([], site_key_from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(keys)
    }

    fn remove_site_key(&self, key: &str) -> StoreResult<bool> {
        Ok(self.lock().execute("DELETE FROM site_keys WHERE key = ?1", params![key])? > 0)
    }

    fn setting_or_insert(&self, name: &str, candidate: &str) -> StoreResult<String> {
        let connection = self.lock();
        connection.execute(
            "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, candidate],
        )?;
        Ok(connection.query_row("SELECT value FROM settings WHERE name = ?1", params![name], |row| row.get(0))?)
    }

    fn count_attempt(&self, key: &str, window_start: u64, limit: u32) -> StoreResult<bool> {
        let count: u32 = self.lock().query_row(
            "INSERT INTO attempts (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
                 window_start = excluded.window_start
             RETURNING count",
            params![key, window_start],
            |row| row.get(0),
        )?;
        Ok(count <= limit)
    }

    fn forget_attempts(&self, before: u64) -> StoreResult<u64> {
        Ok(self.lock().execute("DELETE FROM attempts WHERE window_start < ?1", params![before])? as u64)
    }

    fn prune_views(&self, oldest_kept: &str, kept_since: u64) -> StoreResult<u64> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Keys of the current `--meter-period` by key; keys of another length (written under
        // another setting, sorting apart) by time, and their counts once no view is left.
        let views = tx
            .execute("DELETE FROM views WHERE period < ?1 AND length(period) = length(?1)", params![oldest_kept])?
            + tx.execute(
                "DELETE FROM views WHERE length(period) <> length(?1) AND viewed_at < ?2",
                params![oldest_kept, kept_since],
            )?;
        tx.execute(
            "DELETE FROM view_counts
             WHERE (length(period) = length(?1) AND period < ?1)
                OR (length(period) <> length(?1) AND NOT EXISTS
                    (SELECT 1 FROM views v WHERE v.identity = view_counts.identity AND v.period = view_counts.period))",
            params![oldest_kept],
        )?;
        tx.commit()?;
        Ok(views as u64)
    }

    fn forget_expired(&self, now: u64, guest_hour: &str) -> StoreResult<u64> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sessions = tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
        let guests = tx.execute("DELETE FROM guests WHERE period < ?1", params![guest_hour])?;
        tx.commit()?;
        Ok((sessions + guests) as u64)
    }

    /// Reads from the file, and checks that the file is still the one at its path: an open
    /// connection keeps working on a deleted or replaced file, and every write would be lost.
    fn ping(&self) -> StoreResult<()> {
        self.lock().query_row("PRAGMA user_version", [], |_| Ok(()))?;
        if let Some(file) = &self.file
            && file_id(&file.path) != Some(file.id)
        {
            return Err(StoreError::file(&file.path, "the database file was removed or replaced", None));
        }
        Ok(())
    }

    /// Runs a blocking call on tokio's blocking pool, off the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&SqliteStore) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || call(&store)).await?
    }
}

/// Gathered per identity: one hop to the blocking pool, one lock of the connection and one
/// commit for every view of a visitor that queued meanwhile, instead of one each.
#[async_trait::async_trait]
impl RecordViews for SqliteStore {
    async fn record_views(&self, identity: &Identity, period: &str, views: &[View]) -> StoreResult<Vec<ViewOutcome>> {
        let (identity, period, views) = (identity.clone(), period.to_string(), views.to_vec());
        self.blocking(move |store| store.record_views(&identity, &period, &views)).await
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
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
        let (from, to, period) = (from.clone(), to.clone(), period.to_string());
        self.blocking(move |store| store.copy_views(&from, &to, &period)).await
    }

    async fn charge_views(&self, identity: &Identity, period: &str, used: u32) -> StoreResult<()> {
        let (identity, period) = (identity.clone(), period.to_string());
        self.blocking(move |store| store.charge_views(&identity, &period, used)).await
    }

    async fn create_guest(&self, id: &str, ip: &str, period: &str, cap: u32, now: u64) -> StoreResult<bool> {
        let (id, ip, period) = (id.to_string(), ip.to_string(), period.to_string());
        self.blocking(move |store| store.create_guest(&id, &ip, &period, cap, now)).await
    }

    async fn create_user(&self, email: &str, password_hash: &str, now: u64) -> StoreResult<Option<User>> {
        let (email, hash) = (email.to_string(), password_hash.to_string());
        self.blocking(move |store| store.create_user(&email, &hash, now)).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let email = email.to_string();
        self.blocking(move |store| store.user_by_email(&email)).await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        self.blocking(|store| store.users()).await
    }

    async fn set_plan(&self, email: &str, plan: Plan) -> StoreResult<bool> {
        let email = email.to_string();
        self.blocking(move |store| store.set_plan(&email, plan)).await
    }

    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        origin: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> StoreResult<()> {
        let (session_id, origin) = (session_id.to_string(), origin.map(str::to_string));
        self.blocking(move |store| store.create_session(&session_id, user_id, origin.as_deref(), now, expires_at)).await
    }

    async fn session_user(&self, session_id: &str, now: u64) -> StoreResult<Option<(User, Option<String>)>> {
        let session_id = session_id.to_string();
        self.blocking(move |store| store.session_user(&session_id, now)).await
    }

    async fn delete_session(&self, session_id: &str) -> StoreResult<()> {
        let session_id = session_id.to_string();
        self.blocking(move |store| store.delete_session(&session_id)).await
    }

    async fn add_site_key(&self, key: &str, origins: &[String], now: u64) -> StoreResult<()> {
        let (key, origins) = (key.to_string(), origins.to_vec());
        self.blocking(move |store| store.add_site_key(&key, &origins, now)).await
    }

    async fn site_key(&self, key: &str) -> StoreResult<Option<SiteKey>> {
        let key = key.to_string();
        self.blocking(move |store| store.site_key(&key)).await
    }

    async fn site_keys(&self) -> StoreResult<Vec<SiteKey>> {
        self.blocking(|store| store.site_keys()).await
    }

    async fn remove_site_key(&self, key: &str) -> StoreResult<bool> {
        let key = key.to_string();
        self.blocking(move |store| store.remove_site_key(&key)).await
    }

    async fn setting_or_insert(&self, name: &str, candidate: &str) -> StoreResult<String> {
        let (name, candidate) = (name.to_string(), candidate.to_string());
        self.blocking(move |store| store.setting_or_insert(&name, &candidate)).await
    }

    async fn count_attempt(&self, key: &str, window_start: u64, limit: u32) -> StoreResult<bool> {
        let key = key.to_string();
        self.blocking(move |store| store.count_attempt(&key, window_start, limit)).await
    }

    async fn forget_attempts(&self, before: u64) -> StoreResult<u64> {
        self.blocking(move |store| store.forget_attempts(before)).await
    }

    async fn prune_views(&self, oldest_kept: &str, kept_since: u64) -> StoreResult<u64> {
        let oldest_kept = oldest_kept.to_string();
        self.blocking(move |store| store.prune_views(&oldest_kept, kept_since)).await
    }

    async fn forget_expired(&self, now: u64, guest_hour: &str) -> StoreResult<u64> {
        let guest_hour = guest_hour.to_string();
        self.blocking(move |store| store.forget_expired(now, &guest_hour)).await
    }

    async fn register(&self, account: &NewAccount<'_>) -> StoreResult<Option<User>> {
        let owned = OwnedAccount::from(account);
        self.blocking(move |store| store.register(&owned.borrow())).await
    }

    async fn ping(&self) -> StoreResult<()> {
        self.blocking(|store| store.ping()).await
    }
}

/// Creates an account unless the email is taken.
fn create_user_in(
    connection: &Connection,
    email: &str,
    password_hash: &str,
    now: u64,
) -> rusqlite::Result<Option<User>> {
    let inserted = connection.execute(
        "INSERT INTO users (email, password_hash, plan, created_at) VALUES (?1, ?2, 'free', ?3)
         ON CONFLICT (email) DO NOTHING",
        params![email, password_hash, now],
    )?;
    Ok((inserted > 0).then(|| User {
        id: connection.last_insert_rowid(),
        email: email.to_string(),
        password_hash: password_hash.to_string(),
        plan: Plan::Free,
        created_at: now,
    }))
}

fn create_session_in(
    connection: &Connection,
    session_id: &str,
    user_id: i64,
    origin: Option<&str>,
    now: u64,
    expires_at: u64,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO sessions (id, user_id, origin, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![session_id, user_id, origin, now, expires_at],
    )?;
    Ok(())
}

/// Copies the views of `from` in `period` to `to` and recounts `to` (inside a transaction).
fn copy_views_in(connection: &Connection, from: &Identity, to: &Identity, period: &str) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT OR IGNORE INTO views (identity, period, code, viewed_at)
         SELECT ?2, period, code, viewed_at FROM views WHERE identity = ?1 AND period = ?3",
        params![from.key(), to.key(), period],
    )?;
    // `WHERE true` lets SQLite parse the upsert after a SELECT.
    connection.execute(
        "INSERT INTO view_counts (identity, period, used)
         SELECT ?1, ?2, COUNT(*) FROM views WHERE identity = ?1 AND period = ?2 AND true
         ON CONFLICT (identity, period) DO UPDATE SET used = excluded.used",
        params![to.key(), period],
    )?;
    Ok(())
}

/// Counts at least `used` views for `identity` in `period`.
fn charge_views_in(connection: &Connection, identity: &Identity, period: &str, used: u32) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO view_counts (identity, period, used) VALUES (?1, ?2, ?3)
         ON CONFLICT (identity, period) DO UPDATE SET used = max(used, excluded.used)",
        params![identity.key(), period, used],
    )?;
    Ok(())
}

/// A [`NewAccount`] that owns its text, to cross into the blocking pool.
struct OwnedAccount {
    email: String,
    password_hash: String,
    now: u64,
    period: String,
    carry: Carry,
    session_id: String,
    origin: Option<String>,
    expires_at: u64,
}

impl From<&NewAccount<'_>> for OwnedAccount {
    fn from(account: &NewAccount<'_>) -> Self {
        OwnedAccount {
            email: account.email.to_string(),
            password_hash: account.password_hash.to_string(),
            now: account.now,
            period: account.period.to_string(),
            carry: account.carry.clone(),
            session_id: account.session_id.to_string(),
            origin: account.origin.map(str::to_string),
            expires_at: account.expires_at,
        }
    }
}

impl OwnedAccount {
    fn borrow(&self) -> NewAccount<'_> {
        NewAccount {
            email: &self.email,
            password_hash: &self.password_hash,
            now: self.now,
            period: &self.period,
            carry: self.carry.clone(),
            session_id: &self.session_id,
            origin: self.origin.as_deref(),
            expires_at: self.expires_at,
        }
    }
}

/// How many codes the identity with key `who` viewed in `period` (the running count).
fn views_in(connection: &Connection, who: &str, period: &str) -> rusqlite::Result<u32> {
    let used = connection
        .prepare_cached("SELECT used FROM view_counts WHERE identity = ?1 AND period = ?2")?
        .query_row(params![who, period], |row| row.get(0))
        .optional()?;
    Ok(used.unwrap_or(0))
}

fn site_key_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SiteKey> {
    let origins: String = row.get(1)?;
    Ok(SiteKey { key: row.get(0)?, origins: origins.split_whitespace().map(String::from).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    impl SqliteStore {
        /// One view, as a batch of one: these tests call the store without a runtime.
        fn record_view(
            &self,
            identity: &Identity,
            period: &str,
            code: &str,
            limit: Option<u32>,
        ) -> StoreResult<ViewOutcome> {
            Ok(self.record_views(identity, period, &[View { code: code.into(), limit }])?[0])
        }
    }

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("test.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn views_count_new_codes_once_and_stop_at_the_limit() {
        let (_dir, store) = store();
        let guest = Identity::Guest("a".into());
        let first = store.record_view(&guest, "2026-11", "I10", Some(2)).unwrap();
        assert_eq!(first, ViewOutcome { granted: true, counted: true, used: 1 });
        let again = store.record_view(&guest, "2026-11", "I10", Some(2)).unwrap();
        assert_eq!(again, ViewOutcome { granted: true, counted: false, used: 1 });
        assert!(store.record_view(&guest, "2026-11", "E119", Some(2)).unwrap().granted);
        let over = store.record_view(&guest, "2026-11", "Z794", Some(2)).unwrap();
        assert_eq!(over, ViewOutcome { granted: false, counted: false, used: 2 });
        // A new period starts afresh.
        assert!(store.record_view(&guest, "2026-12", "Z794", Some(2)).unwrap().counted);
    }

    #[test]
    fn copied_views_keep_the_running_count_right() {
        let (_dir, store) = store();
        let (guest, user) = (Identity::Guest("g".into()), Identity::User(7));
        store.record_view(&guest, "2026-11", "I10", None).unwrap();
        store.record_view(&guest, "2026-11", "E119", None).unwrap();
        store.record_view(&user, "2026-11", "I10", None).unwrap();
        store.copy_views(&guest, &user, "2026-11").unwrap();
        // I10 was in both: the account has two distinct codes, not three.
        let next = store.record_view(&user, "2026-11", "Z794", Some(3)).unwrap();
        assert_eq!(next, ViewOutcome { granted: true, counted: true, used: 3 });
        assert!(!store.record_view(&user, "2026-11", "E785", Some(3)).unwrap().granted);
    }

    #[test]
    fn guests_per_ip_are_capped_per_period() {
        let (_dir, store) = store();
        assert!(store.create_guest("g1", "10.0.0.1", "2026-11", 2, 0).unwrap());
        assert!(store.create_guest("g2", "10.0.0.1", "2026-11", 2, 0).unwrap());
        assert!(!store.create_guest("g3", "10.0.0.1", "2026-11", 2, 0).unwrap());
        assert!(store.create_guest("g4", "10.0.0.2", "2026-11", 2, 0).unwrap());
        assert!(store.create_guest("g5", "10.0.0.1", "2026-12", 2, 0).unwrap());
    }

    #[test]
    fn guests_of_earlier_periods_are_forgotten() {
        let (_dir, store) = store();
        assert!(store.create_guest("g1", "10.0.0.1", "2026-11-24T10", 5, 0).unwrap());
        assert!(store.create_guest("g2", "10.0.0.1", "2026-11-24T11", 5, 0).unwrap());
        let rows: u32 = store.lock().query_row("SELECT COUNT(*) FROM guests", [], |row| row.get(0)).unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn charged_views_count_against_the_limit_and_never_lower_it() {
        let (_dir, store) = store();
        let user = Identity::User(1);
        store.record_view(&user, "2026-11", "I10", None).unwrap();
        store.record_view(&user, "2026-11", "E119", None).unwrap();
        store.charge_views(&user, "2026-11", 1).unwrap();
        assert_eq!(store.record_view(&user, "2026-11", "Z794", Some(3)).unwrap().used, 3);
        let other = Identity::User(2);
        store.charge_views(&other, "2026-11", 2).unwrap();
        assert!(!store.record_view(&other, "2026-11", "I10", Some(2)).unwrap().granted);
    }

    #[test]
    fn the_database_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let store = SqliteStore::open(&path).unwrap();
        store.create_user("a@b.c", "h", 0).unwrap();
        for file in ["test.db", "test.db-wal"] {
            let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
        }
        drop(store);
        // An existing file others could read is tightened on open, and so are the WAL and
        // shared-memory files an unclean stop left (SQLite reuses them as they are).
        for file in ["test.db", "test.db-wal", "test.db-shm"] {
            let side = dir.path().join(file);
            if !side.exists() {
                std::fs::write(&side, b"").unwrap();
            }
            std::fs::set_permissions(&side, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        // (Kept open: SQLite removes the side files when its last connection closes.)
        let _store = SqliteStore::open(&path).unwrap();
        for file in ["test.db", "test.db-wal", "test.db-shm"] {
            let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
        }
    }

    #[test]
    fn emails_are_unique_whatever_their_case() {
        let (_dir, store) = store();
        assert!(store.create_user("Ana@Example.org", "h", 0).unwrap().is_some());
        assert!(store.create_user("ana@example.org", "h", 0).unwrap().is_none());
        assert_eq!(store.user_by_email("ANA@example.org").unwrap().unwrap().email, "Ana@Example.org");
    }

    #[test]
    fn reopening_migrates_nothing_twice_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        SqliteStore::open(&path).unwrap().create_user("a@b.c", "h", 0).unwrap();
        let reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(reopened.users().unwrap().len(), 1);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let error = SqliteStore::open(Path::new("/nonexistent/folder/codecard.db")).err().unwrap();
        assert!(error.to_string().contains("does not exist"), "{error}");
    }

    #[test]
    fn errors_keep_the_driver_error_and_say_whether_to_retry() {
        use std::error::Error;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let store = SqliteStore::open_with_busy_timeout(&path, std::time::Duration::from_millis(50)).unwrap();
        let locker = Connection::open(&path).unwrap();
        locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let busy = store.record_view(&Identity::Guest("g".into()), "2026-11", "I10", None).unwrap_err();
        assert_eq!(busy.kind(), StoreErrorKind::Unavailable, "{busy}");
        let source = busy.source().expect("the SQLite error is kept");
        assert!(source.downcast_ref::<rusqlite::Error>().is_some(), "{source:?}");
        locker.execute_batch("ROLLBACK").unwrap();

        let broken = store
            .lock()
            .execute("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('s', 999, 0, 1)", []);
        let fault = StoreError::from(broken.unwrap_err());
        assert_eq!(fault.kind(), StoreErrorKind::Fault, "a broken constraint is a fault, not a retry: {fault}");
        let newer = StoreError::NewerSchema { found: 9, known: 3 };
        assert_eq!(newer.kind(), StoreErrorKind::Fault);
    }
}

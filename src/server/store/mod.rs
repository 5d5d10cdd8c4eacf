//! Everything the endpoint remembers: views, guests, accounts, sessions, site keys, settings.
//!
//! One async trait, [`Store`], two implementations: [`SqliteStore`], the embedded default for one
//! machine (its blocking calls run on tokio's blocking pool), and [`PostgresStore`], the shared
//! store for several instances (async driver and pool, no blocking hop). Every method is one short
//! transaction.

mod migrations;
mod postgres;
mod sqlite;
mod view_batch;

use std::path::PathBuf;
use std::sync::Arc;

pub use postgres::{PoolSettings, PostgresStore};
pub use sqlite::SqliteStore;

use crate::api::Plan;

/// Who is viewing: a guest (by the id in their visitor token) or an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// A visitor known only by a signed token.
    Guest(String),
    /// A registered account.
    User(i64),
}

impl Identity {
    /// The key the views table stores (`g:<id>` or `u:<id>`).
    pub fn key(&self) -> String {
        match self {
            Identity::Guest(id) => format!("g:{id}"),
            Identity::User(id) => format!("u:{id}"),
        }
    }
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Email address, as registered.
    pub email: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// The plan an administrator set (`free` at registration).
    pub plan: Plan,
    /// Registration time, seconds since the Unix epoch.
    pub created_at: u64,
}

/// What recording a view did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewOutcome {
    /// Whether the visitor may see the card: a code already viewed this period, or a new one
    /// within the quota.
    pub granted: bool,
    /// Whether this call used up a view (a new code, within the quota).
    pub counted: bool,
    /// Views used in the period after this call.
    pub used: u32,
}

/// What a new account starts with in the current period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Carry {
    /// The views of the guest that registered (its visitor token came along).
    ViewsOf(Identity),
    /// A count of views without codes (the guest's token did not come along).
    Charge(u32),
    /// Nothing (the meter is off).
    Nothing,
}

/// Everything a registration writes, in one transaction.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    /// The email, as given.
    pub email: &'a str,
    /// The argon2id PHC string.
    pub password_hash: &'a str,
    /// Registration time, Unix seconds.
    pub now: u64,
    /// The meter period the carried views belong to.
    pub period: &'a str,
    /// What the account starts with.
    pub carry: Carry,
    /// The first session's id.
    pub session_id: &'a str,
    /// The page origin the session is bound to.
    pub origin: Option<&'a str>,
    /// When the session expires, Unix seconds.
    pub expires_at: u64,
}

/// A site key and the page origins allowed to use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteKey {
    /// The public key the embed script carries.
    pub key: String,
    /// Allowed origins, e.g. `https://clinic.example`.
    pub origins: Vec<String>,
}

/// What a storage failure means for the request that met it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The database cannot be reached or is busy right now (locked, down, restarting, pool
    /// exhausted): the request is answered 503 `storage_unavailable` and may be retried.
    Unavailable,
    /// The database answered, but not as the endpoint expects (a schema from a newer codecard,
    /// a constraint it should never break, a value it cannot read): a fault, 500.
    Fault,
}

/// A storage failure, keeping the driver's error as its source. Nothing was counted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file or its folder cannot be used.
    #[error("{path}: {message}")]
    File {
        /// The database file.
        path: String,
        /// What is wrong with it.
        message: String,
        /// The system's error, when there is one.
        #[source]
        source: Option<std::io::Error>,
    },
    /// The database URL cannot be used.
    #[error("the database URL is not usable: {0}")]
    Url(String),
    /// The PostgreSQL URL cannot be read (the driver's reason names the part, never a value).
    #[error("the PostgreSQL URL is not usable")]
    BadUrl(#[source] tokio_postgres::Error),
    /// PostgreSQL did not answer in time: the call was given up and its connection closed.
    #[error("PostgreSQL did not answer within {} ms", after.as_millis())]
    Deadline {
        /// The time it had.
        after: std::time::Duration,
    },
    /// The database has migrations this codecard does not know.
    #[error("the database has schema version {found}, newer than this codecard ({known})")]
    NewerSchema {
        /// The version the database has.
        found: usize,
        /// The newest version this codecard knows.
        known: usize,
    },
    /// SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed or could not be reached; the message has the server's own words and
    /// its SQLSTATE code when it answered.
    #[error("PostgreSQL: {}", postgres::describe(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had in time.
    #[error("PostgreSQL pool: {0}")]
    Pool(#[source] deadpool_postgres::PoolError),
    /// A blocking storage task did not finish (it panicked or the runtime is stopping).
    #[error("storage task: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The task recording a batch of views ended without answering (it panicked, or the
    /// runtime is stopping).
    #[error("the task recording views ended without an answer")]
    Abandoned,
    /// The failure of a batch of views, given to every call in it (and to those queued behind).
    #[error(transparent)]
    Shared(Arc<StoreError>),
}

impl StoreError {
    /// Whether the failure is passing (retry later) or a fault.
    pub fn kind(&self) -> StoreErrorKind {
        use StoreErrorKind::{Fault, Unavailable};
        match self {
            StoreError::File { .. } | StoreError::Pool(_) | StoreError::Deadline { .. } => Unavailable,
            StoreError::Sqlite(error) => sqlite::error_kind(error),
            StoreError::Postgres(error) => postgres::error_kind(error),
            StoreError::Url(_)
            | StoreError::BadUrl(_)
            | StoreError::NewerSchema { .. }
            | StoreError::Task(_)
            | StoreError::Abandoned => Fault,
            StoreError::Shared(error) => error.kind(),
        }
    }

    fn file(path: &std::path::Path, message: impl Into<String>, source: Option<std::io::Error>) -> StoreError {
        StoreError::File { path: path.display().to_string(), message: message.into(), source }
    }
}

/// A connection the pool could not give: the driver's error when connecting failed (so that
/// the server's own words reach the operator), else the pool's.
impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => StoreError::Postgres(error),
            error => StoreError::Pool(error),
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The operations the endpoint needs from its database. Implementations must make
/// [`Store::record_view`] atomic: concurrent calls for one identity, from any number of
/// instances, never grant more than `limit` new codes in a period.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Records that `identity` opened `code` in `period`, unless that would exceed `limit` new
    /// codes (`None`: unlimited). Reopening a code already viewed in the period is free.
    async fn record_view(
        &self,
        identity: &Identity,
        period: &str,
        code: &str,
        limit: Option<u32>,
    ) -> StoreResult<ViewOutcome>;
    /// Copies the views of `from` in `period` to `to` (a guest who registers keeps its count).
    async fn copy_views(&self, from: &Identity, to: &Identity, period: &str) -> StoreResult<()>;
    /// Counts at least `used` views for `identity` in `period` without naming codes (an account
    /// registered without a guest token starts as if its guest had used the guest's views).
    async fn charge_views(&self, identity: &Identity, period: &str, used: u32) -> StoreResult<()>;
    /// Registers a new guest from `ip`, unless `ip` already created `cap` guests in `period`,
    /// and forgets what `ip` created in earlier periods (only the count matters).
    /// Returns whether the guest was created.
    async fn create_guest(&self, id: &str, ip: &str, period: &str, cap: u32, now: u64) -> StoreResult<bool>;
    /// Creates an account; `None` if the email is taken (emails compare case-insensitively).
    async fn create_user(&self, email: &str, password_hash: &str, now: u64) -> StoreResult<Option<User>>;
    /// The account with this email.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Every account, oldest first.
    async fn users(&self) -> StoreResult<Vec<User>>;
    /// Sets an account's plan; `false` if there is no such account.
    async fn set_plan(&self, email: &str, plan: Plan) -> StoreResult<bool>;
    /// Stores a session for `user_id`, valid until `expires_at`, bound to the page origin it
    /// was handed to (`None`: not bound, e.g. an API client).
    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        origin: Option<&str>,
        now: u64,
        expires_at: u64,
    ) -> StoreResult<()>;
    /// The account of a live session and the origin it is bound to: `None` if revoked or
    /// expired.
    async fn session_user(&self, session_id: &str, now: u64) -> StoreResult<Option<(User, Option<String>)>>;
    /// Revokes a session.
    async fn delete_session(&self, session_id: &str) -> StoreResult<()>;
    /// Adds a site key for `origins`.
    async fn add_site_key(&self, key: &str, origins: &[String], now: u64) -> StoreResult<()>;
    /// The origins of a site key; `None` if unknown.
    async fn site_key(&self, key: &str) -> StoreResult<Option<SiteKey>>;
    /// Every site key.
    async fn site_keys(&self) -> StoreResult<Vec<SiteKey>>;
    /// Removes a site key; `false` if unknown.
    async fn remove_site_key(&self, key: &str) -> StoreResult<bool>;
    /// A value of the endpoint's own settings, set to `candidate` if it has none yet. Every
    /// caller, on every instance, gets the value that was stored first.
    async fn setting_or_insert(&self, name: &str, candidate: &str) -> StoreResult<String>;
    /// Counts one attempt under `key` (log-in or registration, see `accounts`) in the window
    /// that starts at `window_start`; whether it is within `limit` attempts in that window. Kept
    /// in the store so that every instance counts against one limit.
    async fn count_attempt(&self, key: &str, window_start: u64, limit: u32) -> StoreResult<bool>;
    /// Forgets attempt counts of windows that started before `before`; how many went.
    async fn forget_attempts(&self, before: u64) -> StoreResult<u64>;
    /// Deletes the views and counts of periods before `oldest_kept`, the key of the oldest
    /// period kept, which began at `kept_since` (Unix seconds); returns how many view rows went.
    /// Keys of one period length sort by time; rows written under another `--meter-period`
    /// (keys of another shape, never read again) go once viewed before `kept_since`, and their
    /// counts once no view of theirs is left.
    async fn prune_views(&self, oldest_kept: &str, kept_since: u64) -> StoreResult<u64>;
    /// Deletes sessions expired at `now` and the guest-cap counts of hours before `guest_hour`
    /// (the current hour's key); how many rows went.
    async fn forget_expired(&self, now: u64, guest_hour: &str) -> StoreResult<u64>;
    /// Registers an account in one transaction: creates it (`None`, and nothing written, if the
    /// email is taken), carries its guest's views over, and opens its first session.
    async fn register(&self, account: &NewAccount<'_>) -> StoreResult<Option<User>>;
    /// Answers when the database can be used right now (the readiness check).
    async fn ping(&self) -> StoreResult<()>;
    /// Connections handed out right now and the pool's size, for `/metrics`; `None` for a
    /// store without a pool (SQLite's one connection).
    fn pool_in_use(&self) -> Option<(usize, usize)> {
        None
    }
}

/// Where the endpoint keeps its state, as `--database` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (a path, or `sqlite://path`).
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://…` or `postgresql://…`), kept as written.
    Postgres(String),
}

impl Database {
    /// Reads a `--database` value: a PostgreSQL URL, `sqlite://path`, or a file path.
    pub fn parse(text: &str) -> Database {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Database::Postgres(text.to_string())
        } else {
            Database::Sqlite(PathBuf::from(text.strip_prefix("sqlite://").unwrap_or(text)))
        }
    }

    /// Opens (creating and migrating where needed) the database.
    pub async fn open(&self, settings: PoolSettings) -> StoreResult<Arc<dyn Store>> {
        Ok(match self {
            Database::Sqlite(path) => {
                let path = path.clone();
                Arc::new(tokio::task::spawn_blocking(move || SqliteStore::open(&path)).await??)
            }
            Database::Postgres(url) => Arc::new(PostgresStore::connect(url, settings).await?),
        })
    }

    /// Whether it is a PostgreSQL URL with a password in it.
    pub fn has_password(&self) -> bool {
        matches!(self, Database::Postgres(url)
            if url.parse::<tokio_postgres::Config>().is_ok_and(|config| config.get_password().is_some()))
    }

    /// What to log about it: the file, or the server without the password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("SQLite {}", path.display()),
            Database::Postgres(url) => match url.parse::<tokio_postgres::Config>() {
                Ok(config) => {
                    let ports = config.get_ports();
                    let servers: Vec<String> = config
                        .get_hosts()
                        .iter()
                        .enumerate()
                        .map(|(n, host)| {
                            let port = ports.get(n).or(ports.first()).copied().unwrap_or(5432);
                            match host {
                                tokio_postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
                                tokio_postgres::config::Host::Unix(folder) => {
                                    format!("{}/.s.PGSQL.{port}", folder.display())
                                }
                            }
                        })
                        .collect();
                    let servers = if servers.is_empty() { "(default host)".to_string() } else { servers.join(",") };
                    format!("PostgreSQL {servers} database {}", config.get_dbname().unwrap_or("(default)"))
                }
                Err(_) => "PostgreSQL".into(),
            },
        }
    }
}

/// The signing secret shared by every instance on one database: created by the first to start.
pub async fn token_secret(store: &dyn Store) -> StoreResult<String> {
    store.setting_or_insert("token_secret", &super::tokens::random_id(32)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_the_backend() {
        assert_eq!(Database::parse("codecard.db"), Database::Sqlite("codecard.db".into()));
        assert_eq!(Database::parse("sqlite:///var/lib/c.db"), Database::Sqlite("/var/lib/c.db".into()));
        assert_eq!(Database::parse("postgres://u@h/db"), Database::Postgres("postgres://u@h/db".into()));
        assert_eq!(Database::parse("postgresql://u@h/db"), Database::Postgres("postgresql://u@h/db".into()));
        let described = Database::parse("postgres://u:hunter2@127.0.0.1:5432/db").describe();
        assert!(!described.contains("hunter2") && described.contains("db"), "{described}");
    }
}

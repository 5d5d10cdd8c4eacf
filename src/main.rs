//! The `codecard` command: `serve` runs the endpoint; `users` and `keys` administer it.

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use codecard::api::Plan;
use codecard::server::connections::ConnectionLimits;
use codecard::server::meter::{Period, Sections};
use codecard::server::{
    self, AppState, Catalog, DataSource, Database, MeterConfig, PoolSettings, ServerConfig, StaticDirs, Store,
    WidgetFiles,
};
use tracing_subscriber::EnvFilter;

// mimalloc rather than glibc's malloc: building the search index at start is mostly small
// allocations (see Cargo.toml), and freed memory goes back to the OS at once (see hashing).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Medical-code lookup cards for any web page: the endpoint and its admin tools.
#[derive(Parser)]
#[command(name = "codecard", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the JSON endpoint, the widget files, the account pages and the demo pages.
    Serve(Box<ServeArgs>),
    /// List accounts and set their plans.
    Users {
        #[command(flatten)]
        db: DbArg,
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Import a licensed or newer code-set file into a data folder for `serve --data-dir`.
    Import(ImportArgs),
    /// Manage site keys: which page origins may embed the card.
    Keys {
        #[command(flatten)]
        db: DbArg,
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Args)]
struct DbArg {
    /// The SQLite database file (created and migrated if missing).
    #[arg(long, env = "CODECARD_DB", default_value = "codecard.db", global = true)]
    db: PathBuf,
    /// The database instead of --db: postgres://user@host:port/name for PostgreSQL, the store
    /// several instances share; a path or sqlite://path for an SQLite file. Migrated at start.
    /// A --db given on the command line wins over CODECARD_DATABASE_URL from the environment.
    #[arg(long, env = "CODECARD_DATABASE_URL", global = true, hide_env_values = true)]
    database: Option<String>,
    /// PostgreSQL: connections this instance keeps at most (all instances together must stay
    /// below the server's max_connections, less what other clients need).
    #[arg(long, env = "CODECARD_DATABASE_POOL_SIZE", default_value = "16", global = true)]
    database_pool_size: NonZeroUsize,
    /// PostgreSQL: milliseconds one call of a request may take, connecting included, before the
    /// request gets 503 storage_unavailable and the connection is closed. Also the session's
    /// statement_timeout.
    #[arg(long, env = "CODECARD_DATABASE_TIMEOUT_MS", default_value = "500", global = true)]
    database_timeout_ms: NonZeroU64,
    /// Set from the command line's sources after parsing: --db was given on the command line.
    #[arg(skip)]
    db_on_command_line: bool,
}

impl DbArg {
    /// The database named: --database, unless it came from the environment and --db was given
    /// on the command line (an explicit flag wins over the environment).
    fn database(&self) -> Database {
        match &self.database {
            Some(url) if !self.db_on_command_line => Database::parse(url),
            _ => Database::Sqlite(self.db.clone()),
        }
    }

    fn pool(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.database_pool_size.get(),
            call_timeout: Duration::from_millis(self.database_timeout_ms.get()),
            ..PoolSettings::default()
        }
    }

    /// Reads where --db and --database came from (at any level of the subcommands, as they are
    /// global): both on the command line is an error; a --db on it wins over the environment.
    /// Warns when a password is on the command line, where every user of the machine sees it.
    fn resolve_sources(&mut self, matches: &clap::ArgMatches) -> anyhow::Result<()> {
        let from_command_line = |id: &str| {
            let mut level = Some(matches);
            while let Some(current) = level {
                if current.try_get_raw(id).is_ok_and(|v| v.is_some())
                    && current.value_source(id) == Some(ValueSource::CommandLine)
                {
                    return true;
                }
                level = current.subcommand().map(|(_, sub)| sub);
            }
            false
        };
        let (db, database) = (from_command_line("db"), from_command_line("database"));
        if db && database {
            anyhow::bail!("give --db or --database, not both");
        }
        self.db_on_command_line = db;
        if database && self.database.as_deref().is_some_and(|url| Database::parse(url).has_password()) {
            tracing::warn!(
                "the password in --database is visible in the process list; set CODECARD_DATABASE_URL instead"
            );
        }
        Ok(())
    }
}

#[derive(Args)]
struct ImportArgs {
    /// What the file holds: icd10cm or icd10pcs (CMS order file), icd10cm-tabular (the CDC's
    /// Tabular List XML, with --code-list), hcpcs (CMS ANWEB fixed-width file), cpt (a
    /// licensee's tab- or pipe-delimited descriptor file).
    #[arg(value_parser = server::import::ImportFormat::parse)]
    format: server::import::ImportFormat,
    /// The file to import.
    file: PathBuf,
    /// For icd10cm-tabular (required there): the release's official code list (one code a
    /// line), which the 7th-character codes are checked against.
    #[arg(long)]
    code_list: Option<PathBuf>,
    /// Accept an import that marks more than a tenth of the current codes deleted.
    #[arg(long)]
    allow_mass_deletion: bool,
    /// The release the file's codes belong to, e.g. FY2026 (ICD-10), 2026-01 (HCPCS), 2026 (CPT).
    #[arg(long)]
    release: String,
    /// The data folder to update (created, and filled with the embedded sets, if missing).
    #[arg(long, env = "CODECARD_DATA_DIR")]
    data_dir: PathBuf,
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Print every account: email, plan, registration date.
    List,
    /// Set an account's plan (`free` or `paid`).
    SetPlan {
        /// The account's email.
        email: String,
        /// The plan.
        #[arg(value_enum)]
        plan: AccountPlan,
    },
}

/// The plans an administrator can give an account (a guest is not an account).
#[derive(Clone, Copy, clap::ValueEnum)]
enum AccountPlan {
    Free,
    Paid,
}

impl From<AccountPlan> for Plan {
    fn from(plan: AccountPlan) -> Plan {
        match plan {
            AccountPlan::Free => Plan::Free,
            AccountPlan::Paid => Plan::Paid,
        }
    }
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a site key for one or more page origins (e.g. https://clinic.example).
    Add {
        /// The origins allowed to use the key.
        #[arg(required = true)]
        origins: Vec<String>,
    },
    /// Print every site key and its origins.
    List,
    /// Delete a site key.
    Remove {
        /// The key.
        key: String,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CODECARD_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArg,
    /// Folder with code-set files to use instead of the embedded ones (same file names as
    /// assets/data/).
    #[arg(long, env = "CODECARD_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Folder with the widget built by wasm-pack (codecard.js, codecard_bg.wasm).
    #[arg(long, env = "CODECARD_WIDGET_DIR", default_value = "pkg")]
    widget_dir: PathBuf,
    /// Folder with the demo host pages.
    #[arg(long, env = "CODECARD_WWW_DIR", default_value = "www")]
    www_dir: PathBuf,
    /// Serve every card complete, with no meter and no visitor tokens.
    #[arg(long, env = "CODECARD_NO_METER")]
    no_meter: bool,
    /// Answer `POST /demo/echo` with the form fields it receives (the demo's form target).
    #[arg(long, env = "CODECARD_DEMO_ECHO")]
    demo_echo: bool,
    /// Code views per period for a guest.
    #[arg(long, env = "CODECARD_GUEST_VIEWS", default_value_t = 1)]
    guest_views: u32,
    /// Code views per period for a free account, the guest's included.
    #[arg(long, env = "CODECARD_FREE_VIEWS", default_value_t = 6)]
    free_views: u32,
    /// Code views per period for a paid account (unlimited when not set).
    #[arg(long, env = "CODECARD_PAID_VIEWS")]
    paid_views: Option<u32>,
    /// When quotas reset (UTC).
    #[arg(long, env = "CODECARD_METER_PERIOD", value_enum, default_value = "month")]
    meter_period: Period,
    /// New guest identities one IP address (IPv6: one /64 network) may obtain per hour.
    #[arg(long, env = "CODECARD_NEW_GUESTS_PER_IP", default_value_t = 20)]
    new_guests_per_ip: u32,
    /// Sections a guest sees: `all` or a comma-separated list of section ids.
    #[arg(long, env = "CODECARD_GUEST_SECTIONS", default_value = "description,plain_language", value_parser = Sections::parse)]
    guest_sections: Sections,
    /// Sections a free account sees.
    #[arg(long, env = "CODECARD_FREE_SECTIONS", default_value = "description,plain_language,hierarchy,related,coding_notes", value_parser = Sections::parse)]
    free_sections: Sections,
    /// Sections a paid account sees.
    #[arg(long, env = "CODECARD_PAID_SECTIONS", default_value = "all", value_parser = Sections::parse)]
    paid_sections: Sections,
    /// Refuse card and search requests without a site key (see `codecard keys`).
    #[arg(long, env = "CODECARD_REQUIRE_SITE_KEY")]
    require_site_key: bool,
    /// Take client addresses from X-Forwarded-For; only behind a proxy that sets it.
    #[arg(long, env = "CODECARD_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// With --trust-forwarded-for: how many proxies in front append to X-Forwarded-For (the
    /// client is that many entries from the right).
    #[arg(long, env = "CODECARD_PROXY_HOPS", default_value = "1")]
    proxy_hops: NonZeroUsize,
    /// Send Strict-Transport-Security: set it when a proxy in front serves the endpoint over TLS.
    #[arg(long, env = "CODECARD_HSTS")]
    hsts: bool,
    /// Log-in attempts per minute for one email from one address (an address gets three
    /// times as many over all emails, an email five times as many from all addresses).
    #[arg(long, env = "CODECARD_LOGIN_ATTEMPTS_PER_MINUTE", default_value = "10")]
    login_attempts_per_minute: NonZeroU32,
    /// Accounts one address may register per hour.
    #[arg(long, env = "CODECARD_REGISTRATIONS_PER_HOUR", default_value = "5")]
    registrations_per_hour: NonZeroU32,
    /// Password hashes computed at once (each takes ~19 MiB and a core); further log-ins wait
    /// up to 2 s, then get 503 with Retry-After. Default: the cores less one.
    #[arg(long, env = "CODECARD_HASH_CONCURRENCY")]
    hash_concurrency: Option<NonZeroUsize>,
    /// Seconds a client has to send its request head; also how long an idle connection is kept.
    #[arg(long, env = "CODECARD_HEADER_TIMEOUT_SECS", default_value = "10")]
    header_timeout_secs: NonZeroU64,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "CODECARD_REQUEST_TIMEOUT_SECS", default_value = "30")]
    request_timeout_secs: NonZeroU64,
    /// Seconds one write to a client may wait before the connection is closed (a client that
    /// stops reading its answers cannot hold a connection).
    #[arg(long, env = "CODECARD_WRITE_TIMEOUT_SECS", default_value = "30")]
    write_timeout_secs: NonZeroU64,
    /// Connections open at once (lowered to fit the open-file limit); more wait to be accepted.
    #[arg(long, env = "CODECARD_MAX_CONNECTIONS", default_value = "8192")]
    max_connections: NonZeroUsize,
    /// Lifetime of a log-in session, in days.
    #[arg(long, env = "CODECARD_SESSION_DAYS", default_value_t = 30)]
    session_days: u64,
    /// Token signing secret (at least 32 characters); by default one is generated and kept in
    /// the database. Prefer the environment variable or --secret-file: a command line is
    /// visible to every user of the machine.
    #[arg(long, env = "CODECARD_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Where to serve `GET /metrics` (Prometheus text format), on a listener of its own; off
    /// when not set. Keep it on loopback or a private network: the figures are not for the public.
    #[arg(long, env = "CODECARD_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Meter periods whose views are kept: the current one and the ones before it (2: the
    /// current and the previous). Older views are deleted hourly.
    #[arg(long, env = "CODECARD_KEEP_PERIODS", default_value = "2")]
    keep_periods: NonZeroU32,
    /// Seconds between pruning passes (the first runs at start); for tests.
    #[arg(long, env = "CODECARD_PRUNE_INTERVAL_SECS", default_value = "3600", hide = true)]
    prune_interval_secs: NonZeroU64,
    /// A file holding the token signing secret (one line, at least 32 characters).
    #[arg(long, env = "CODECARD_SECRET_FILE", conflicts_with = "secret")]
    secret_file: Option<PathBuf>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("CODECARD_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let sources = match &mut cli.command {
        Command::Serve(args) => args.db.resolve_sources(&matches),
        Command::Users { db, .. } | Command::Keys { db, .. } => db.resolve_sources(&matches),
        Command::Import(_) => Ok(()),
    };
    if let Err(error) = sources {
        eprintln!("codecard: {}", causes(&error));
        return ExitCode::FAILURE;
    }
    let secret_on_command_line = matches
        .subcommand_matches("serve")
        .is_some_and(|serve| serve.value_source("secret") == Some(ValueSource::CommandLine));
    if secret_on_command_line {
        tracing::warn!("--secret is visible in the process list; set CODECARD_SECRET or use --secret-file instead");
    }
    let result = match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Users { db, command } => admin(&db, |store| Box::pin(users(store, command))),
        Command::Keys { db, command } => admin(&db, |store| Box::pin(keys(store, command))),
        Command::Import(args) => import(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("codecard: {}", causes(&error));
            ExitCode::FAILURE
        }
    }
}

/// What failed, then each cause, each said once: most of our error types already write their
/// source into their own message, so a cause already said is left out.
fn causes(error: &anyhow::Error) -> String {
    let mut said = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !said.contains(&text) {
            if !said.is_empty() {
                said.push_str(": ");
            }
            said.push_str(&text);
        }
    }
    said
}

type AdminTask = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>>>>;

/// Runs an administration command against the database `db` names.
fn admin(db: &DbArg, command: impl FnOnce(Arc<dyn Store>) -> AdminTask) -> anyhow::Result<()> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async {
        let store = open_store(db).await?;
        command(store).await
    })
}

async fn open_store(db: &DbArg) -> anyhow::Result<Arc<dyn Store>> {
    let database = db.database();
    database.open(db.pool()).await.with_context(|| format!("cannot open the database ({})", database.describe()))
}

async fn users(store: Arc<dyn Store>, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::List => {
            let users = store.users().await?;
            println!("{:<40} {:<5} registered", "email", "plan");
            for user in users {
                let date = time::OffsetDateTime::from_unix_timestamp(user.created_at as i64)
                    .map(|t| t.date().to_string())
                    .unwrap_or_default();
                println!("{:<40} {:<5} {date}", printable(&user.email), user.plan.id());
            }
            Ok(())
        }
        UsersCommand::SetPlan { email, plan } => {
            let plan = Plan::from(plan);
            if store.set_plan(&email, plan).await? {
                println!("{email} is now on the {} plan", plan.id());
                Ok(())
            } else {
                Err(anyhow::anyhow!("no account with the email {email}"))
            }
        }
    }
}

/// `text` with control and invisible characters (bidi overrides, zero-width spaces, line
/// separators) written as `\u{..}` escapes, so that stored text (an email registered before
/// emails were validated, say) can neither drive the administrator's terminal nor pass for
/// another address.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if codecard::server::accounts::is_hidden(c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

async fn keys(store: Arc<dyn Store>, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Add { origins } => {
            if let Some(bad) = origins.iter().find(|o| !server::site_keys::valid_origin(o)) {
                anyhow::bail!(
                    "{bad:?} is not an origin: write scheme, host and port only, e.g. https://clinic.example"
                );
            }
            let key = server::site_keys::new_key();
            store.add_site_key(&key, &origins, server::unix_now()).await?;
            println!("{key}");
            Ok(())
        }
        KeysCommand::List => {
            for key in store.site_keys().await? {
                println!("{}  {}", key.key, key.origins.join(" "));
            }
            Ok(())
        }
        KeysCommand::Remove { key } => {
            if store.remove_site_key(&key).await? {
                println!("removed {key}");
                Ok(())
            } else {
                Err(anyhow::anyhow!("no site key {key}"))
            }
        }
    }
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let request = server::import::Request {
        format: args.format,
        file: &args.file,
        data_dir: &args.data_dir,
        release: &args.release,
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        code_list: args.code_list.as_deref(),
        allow_mass_deletion: args.allow_mass_deletion,
    };
    match server::import::run(&request) {
        Ok(summary) => {
            println!(
                "imported {} {} codes ({} new) as {} into {}; {} codes of the previous set marked deleted; {} rows skipped",
                summary.imported,
                args.format.label(),
                summary.added,
                args.release.trim(),
                args.data_dir.join(&summary.file).display(),
                summary.deleted,
                summary.skipped
            );
            Ok(())
        }
        Err(error @ (server::import::ImportError::BadRows(_) | server::import::ImportError::BadCodeList(_))) => {
            let (file, rows) = match &error {
                server::import::ImportError::BadCodeList(rows) => {
                    (args.code_list.as_deref().unwrap_or(&args.file), rows)
                }
                server::import::ImportError::BadRows(rows) => (args.file.as_path(), rows),
                _ => unreachable!("matched above"),
            };
            const SHOWN: usize = 100;
            for row in rows.iter().take(SHOWN) {
                eprintln!("{}:{}: {}", file.display(), row.line, row.reason);
            }
            if rows.len() > SHOWN {
                eprintln!("... and {} more", rows.len() - SHOWN);
            }
            Err(anyhow::anyhow!("{} ({})", error, file.display()))
        }
        Err(e) => Err(anyhow::Error::new(e).context("import failed, nothing was changed")),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    server::hashing::return_freed_memory_to_the_os();
    let source = match &args.data_dir {
        Some(dir) => server::catalog::data_dir(dir)?,
        None => DataSource::Embedded,
    };
    let catalog = Catalog::load(&source).context("cannot load the code sets")?;
    for count in catalog.counts() {
        tracing::info!(system = %count.system, release = %count.release, codes = count.codes, "loaded");
    }
    let widget = WidgetFiles::load(&args.widget_dir);
    if !widget.missing().is_empty() {
        tracing::warn!(
            dir = %args.widget_dir.display(),
            missing = ?widget.missing(),
            "widget not built: the card cannot start until wasm-pack has built it"
        );
    }
    let secret = match &args.secret_file {
        Some(file) => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the secret file {}", file.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
        ),
        None => args.secret.clone(),
    };
    if secret.as_ref().is_some_and(|secret| secret.len() < 32) {
        anyhow::bail!("the signing secret must be at least 32 characters");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    let database = args.db.database();
    let store = runtime.block_on(open_store(&args.db))?;
    let config = ServerConfig {
        meter: MeterConfig {
            enabled: !args.no_meter,
            guest_views: args.guest_views,
            free_views: args.free_views.max(args.guest_views),
            paid_views: args.paid_views,
            period: args.meter_period,
            new_guests_per_ip: args.new_guests_per_ip,
            guest_sections: args.guest_sections,
            free_sections: args.free_sections,
            paid_sections: args.paid_sections,
            session_ttl: args.session_days * 86_400,
            ..MeterConfig::default()
        },
        require_site_key: args.require_site_key,
        trust_forwarded_for: args.trust_forwarded_for,
        proxy_hops: args.proxy_hops,
        attempts_per_minute: args.login_attempts_per_minute,
        registrations_per_hour: args.registrations_per_hour,
        hash_concurrency: args.hash_concurrency.map_or_else(server::default_hash_concurrency, NonZeroUsize::get),
        request_timeout: Duration::from_secs(args.request_timeout_secs.get()),
        hsts: args.hsts,
        secret: secret.map(String::into_bytes),
        demo_echo: args.demo_echo,
    };
    let state = runtime
        .block_on(AppState::new(Arc::new(catalog), Arc::new(widget), store, config))
        .context("cannot prepare the database")?;
    tracing::info!(db = %database.describe(), metered = !args.no_meter, "storage ready");
    let indexing = std::time::Instant::now();
    let index = state.search_index();
    tracing::info!(
        codes = index.len(),
        ms = indexing.elapsed().as_millis() as u64,
        mb = index.heap_bytes() / 1_000_000,
        "search index built"
    );
    let store = state.store.clone();
    let router = server::app(state, &StaticDirs { www: args.www_dir });
    let schedule = server::pruning::Schedule {
        period: args.meter_period,
        keep: args.keep_periods,
        every: Duration::from_secs(args.prune_interval_secs.get()),
    };
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(args.header_timeout_secs.get()),
        max_connections: server::connections::fit_file_limit(args.max_connections.get()),
        write_timeout: Duration::from_secs(args.write_timeout_secs.get()),
    };

    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        if let Some(metrics_addr) = args.metrics_addr {
            serve_metrics(metrics_addr, store.clone()).await?;
        }
        server::pruning::spawn(store, schedule);
        // Scripts and tests read the address from this line (`--addr 127.0.0.1:0` picks a port).
        tracing::info!("serving on http://{addr}/ (started in {} ms)", started.elapsed().as_millis());
        server::connections::serve(listener, router, limits, shutdown_signal()).await;
        Ok(())
    })
}

/// Installs the metrics recorder and serves `GET /metrics` on `addr`, apart from the endpoint.
async fn serve_metrics(addr: SocketAddr, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let handle = server::metrics::install().map_err(|e| anyhow::anyhow!(e)).context("cannot record metrics")?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let addr = listener.local_addr()?;
    // Tests read the port from this line (`--metrics-addr 127.0.0.1:0` picks one).
    tracing::info!("metrics on http://{addr}/metrics");
    let router = server::metrics::routes(handle, store);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

//! The JSON endpoint: code cards, the widget's files and the demo pages, as one axum router.

mod access_log;
mod account_pages;
pub mod accounts;
pub mod catalog;
pub mod connections;
mod demo_echo;
pub mod error;
pub mod fhir;
pub mod hashing;
pub mod import;
mod lookup;
pub mod meter;
pub mod metrics;
pub mod pruning;
mod query_text;
pub mod search;
pub mod site_keys;
mod storage_log;
pub mod store;
pub mod tokens;
pub mod visitor;
pub mod widget_files;

use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use catalog::{Catalog, DataSource};
pub use error::AppError;
pub use lookup::MAX_PEEKS;
pub use meter::MeterConfig;
pub use search::SearchIndex;
pub use store::{Database, PoolSettings, PostgresStore, SqliteStore, Store};
pub use widget_files::WidgetFiles;

/// How the endpoint meters, identifies and admits visitors.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Plans, quotas, periods and sections.
    pub meter: MeterConfig,
    /// Refuse card and search requests that carry no site key.
    pub require_site_key: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// How many trusted proxies append to `X-Forwarded-For`: the client is the entry this many
    /// places from the right (everything left of it was written by the client).
    pub proxy_hops: NonZeroUsize,
    /// Log-in attempts allowed per minute for one email from one address (the strict limit);
    /// an address gets three times as many over all emails, and an email five times as many
    /// from all addresses together, so no stranger can lock an owner out cheaply.
    pub attempts_per_minute: NonZeroU32,
    /// Accounts one address may register per hour.
    pub registrations_per_hour: NonZeroU32,
    /// Password hashes computed at once; more log-ins wait briefly, then get 503.
    pub hash_concurrency: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Send `Strict-Transport-Security` (behind a proxy that terminates TLS).
    pub hsts: bool,
    /// The token signing secret; `None` uses (and on first start creates) one in the database.
    pub secret: Option<Vec<u8>>,
    /// Mount `POST /demo/echo` (the demo pages' form target); off in production.
    pub demo_echo: bool,
}

/// Password hashes at once by default: one core is kept for card lookups.
pub fn default_hash_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            meter: MeterConfig::default(),
            require_site_key: false,
            trust_forwarded_for: false,
            proxy_hops: NonZeroUsize::MIN,
            attempts_per_minute: NonZeroU32::new(10).expect("non-zero"),
            registrations_per_hour: NonZeroU32::new(5).expect("non-zero"),
            hash_concurrency: default_hash_concurrency(),
            request_timeout: Duration::from_secs(30),
            hsts: false,
            secret: None,
            demo_echo: false,
        }
    }
}

/// What every handler shares. Cheap to clone: everything behind `Arc`s.
#[derive(Clone)]
pub struct AppState {
    /// The loaded code sets.
    pub catalog: Arc<Catalog>,
    /// The widget's loader, glue, wasm and styles.
    pub widget: Arc<WidgetFiles>,
    /// Views, accounts, sessions and site keys.
    pub store: Arc<dyn Store>,
    /// Signs and verifies visitor and session tokens.
    pub signer: Arc<tokens::Signer>,
    /// Metering and admission settings.
    pub config: Arc<ServerConfig>,
    /// Slows down password guessing and account farming.
    pub attempts: Arc<accounts::AttemptLimiter>,
    /// Bounds the password hashes computed at once (each takes ~19 MiB and a core).
    pub hashing: Arc<hashing::HashPermits>,
    /// The search index over `catalog`, built on first use (`codecard serve` builds it at start).
    search: Arc<OnceLock<SearchIndex>>,
}

impl AppState {
    /// Assembles the state; the signing secret comes from `config` or, failing that, from the
    /// store (created by the first instance to start, so tokens survive restarts and every
    /// instance on one database verifies the others' tokens).
    pub async fn new(
        catalog: Arc<Catalog>,
        widget: Arc<WidgetFiles>,
        store: Arc<dyn Store>,
        config: ServerConfig,
    ) -> Result<AppState, store::StoreError> {
        let secret = match &config.secret {
            Some(secret) => secret.clone(),
            None => store::token_secret(&*store).await?.into_bytes(),
        };
        Ok(AppState {
            catalog,
            widget,
            store,
            signer: Arc::new(tokens::Signer::new(secret)),
            attempts: Arc::new(accounts::AttemptLimiter::new(
                config.attempts_per_minute,
                config.registrations_per_hour,
            )),
            hashing: Arc::new(hashing::HashPermits::new(config.hash_concurrency)),
            config: Arc::new(config),
            search: Arc::new(OnceLock::new()),
        })
    }

    /// The search index, built from the catalog the first time it is needed.
    pub fn search_index(&self) -> &SearchIndex {
        self.search.get_or_init(|| SearchIndex::build(&self.catalog))
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Where the server finds the files it serves from disk.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    /// The demo host pages (`www/`).
    pub www: PathBuf,
}

/// The whole endpoint. Tests call this with `oneshot`; `codecard serve` binds it to a socket.
pub fn app(state: AppState, dirs: &StaticDirs) -> Router {
    let cards = Router::new()
        .route("/v1/codes/exists", post(lookup::exists).layer(DefaultBodyLimit::max(64 * 1024)))
        .route("/v1/codes/{code}", get(lookup::card_by_code))
        .route("/v1/codes/{system}/{code}", get(lookup::card_by_system_and_code))
        // The public part before the click (hover, focus, touch): unmetered, like search.
        .route("/v1/peek", get(lookup::peek_batch))
        .route("/v1/peek/{code}", get(lookup::peek_by_code))
        .route("/v1/peek/{system}/{code}", get(lookup::peek_by_system_and_code))
        .route("/v1/search", get(search::search))
        .route_layer(middleware::from_fn_with_state(state.clone(), site_keys::check))
        .route_layer(middleware::from_fn(query_text::require_utf8));
    let accounts = Router::new()
        .route("/v1/account/register", post(accounts::register))
        .route("/v1/account/login", post(accounts::login))
        .route("/v1/account/logout", post(accounts::logout))
        // Credentials are small; anything bigger is a mistake or an attack.
        .layer(DefaultBodyLimit::max(8 * 1024));
    let api = Router::new()
        .merge(cards)
        .merge(accounts)
        .route("/v1/health", get(lookup::health))
        .route("/v1/ready", get(lookup::ready))
        .route("/account/login", get(account_pages::login))
        .route("/account/register", get(account_pages::register))
        .route("/account/account.js", get(account_pages::script))
        .route("/account/account.css", get(account_pages::styles))
        .route("/widget/loader.js", get(widget_files::loader))
        .route("/widget/{build}/{file}", get(widget_files::versioned));
    // FHIR R4 terminology operations: OperationOutcome errors, their own fallbacks.
    let api = api.nest("/fhir", fhir::routes(&state));
    let api = if state.config.demo_echo { api.route("/demo/echo", post(demo_echo::echo)) } else { api };
    let pages = ServeDir::new(&dirs.www)
        .append_index_html_on_directories(true)
        .not_found_service(get(|| async { AppError::NotFound }).with_state(()));
    Router::new()
        .merge(api)
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                .service(pages),
        )
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        // Every handler is quick; one that is not (a stuck disk, say) frees its client anyway.
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(|_: tower::BoxError| async { AppError::Timeout }))
                .timeout(state.config.request_timeout),
        )
        .with_state(state.clone())
        // Outermost but for panics and nosniff, so preflights are answered before routing (a
        // route-level layer never sees an OPTIONS request for a GET-only route). Any site may
        // embed the card for now; site keys narrow this later.
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD, Method::POST])
                .allow_headers(Any)
                // A browser on another origin reads only the safelisted response headers unless
                // told: these are the ones a client acts on (keep a guest's visitor token, wait
                // before retrying, see why a token was refused).
                .expose_headers([
                    header::HeaderName::from_static(fhir::VISITOR_TOKEN_HEADER),
                    header::RETRY_AFTER,
                    header::WWW_AUTHENTICATE,
                ])
                .max_age(Duration::from_secs(86_400)),
        )
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(AppError::Internal("a handler panicked".into()))
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Only a proxy in front knows the page came over TLS; the operator says so with `--hsts`.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            state.config.hsts.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(middleware::from_fn(metrics::track))
        .layer(access_log::layer())
}

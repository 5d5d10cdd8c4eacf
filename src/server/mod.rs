//! The JSON endpoint: code cards, the widget's files and the demo pages, as one axum router.

pub mod catalog;
pub mod error;
mod lookup;
pub mod widget_files;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use catalog::{Catalog, DataSource};
pub use error::AppError;
pub use widget_files::WidgetFiles;

/// What every handler shares. Cheap to clone: everything behind `Arc`s.
#[derive(Clone)]
pub struct AppState {
    /// The loaded code sets.
    pub catalog: Arc<Catalog>,
    /// The widget's loader, glue, wasm and styles.
    pub widget: Arc<WidgetFiles>,
}

/// Where the server finds the files it serves from disk.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    /// The demo host pages (`www/`).
    pub www: PathBuf,
}

/// The whole endpoint. Tests call this with `oneshot`; `codecard serve` binds it to a socket.
pub fn app(state: AppState, dirs: &StaticDirs) -> Router {
    let api = Router::new()
        .route("/v1/health", get(lookup::health))
        .route("/v1/codes/{code}", get(lookup::card_by_code))
        .route("/v1/codes/{system}/{code}", get(lookup::card_by_system_and_code))
        .route("/widget/loader.js", get(widget_files::loader))
        .route("/widget/{build}/{file}", get(widget_files::versioned));
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
        .with_state(state)
        // Outermost but for panics and nosniff, so preflights are answered before routing (a
        // route-level layer never sees an OPTIONS request for a GET-only route). Any site may
        // embed the card for now; site keys narrow this later.
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD])
                .allow_headers(Any)
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
}

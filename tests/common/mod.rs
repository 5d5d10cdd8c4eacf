//! What the host tests share: the embedded catalog (loaded once per test binary) and app state
//! on a real SQLite file in a temporary folder.
#![allow(dead_code)]

pub mod client;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use codecard::server::{self, AppState, Catalog, DataSource, ServerConfig, SqliteStore, StaticDirs, WidgetFiles};

/// The embedded code sets, loaded once.
pub fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load(&DataSource::Embedded).expect("embedded data loads"))).clone()
}

/// The database file's name in a test's temporary folder.
pub const DATABASE: &str = "codecard.db";

/// The widget files as built into `pkg/`.
pub fn widget() -> Arc<WidgetFiles> {
    Arc::new(WidgetFiles::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pkg")))
}

/// A fresh database file (under target/, removed when the `TempDir` drops) and the state over
/// it. Keep the `TempDir` alive as long as the state.
pub fn state(config: ServerConfig) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = SqliteStore::open(&dir.path().join(DATABASE)).unwrap();
    let state = block_on(AppState::new(catalog(), widget(), Arc::new(store), config)).unwrap();
    (dir, state)
}

/// Runs `future` to completion on a runtime of its own, in a thread of its own, so that sync
/// helpers can be called from sync and async tests alike. (Only for what needs no runtime
/// afterwards: SQLite's calls find the caller's runtime each time.)
pub fn block_on<F: std::future::Future + Send>(future: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future))
            .join()
            .expect("the future does not panic")
    })
}

/// The whole endpoint over `state`, as `codecard serve` builds it.
pub fn router(state: AppState) -> Router {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    server::app(state, &StaticDirs { www: root.join("www") })
}

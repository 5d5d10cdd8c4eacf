//! Talking to the endpoint through `app()` + `oneshot`: one request in, the whole answer out.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use codecard::api::{Card, ErrorBody, ErrorKind, Session};
use codecard::server::{AppState, MeterConfig, ServerConfig, SqliteStore};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use tower::ServiceExt;

/// One answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Bytes,
    /// The body as text (lossy for binary files such as the wasm module).
    pub body: String,
}

impl Answer {
    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// A 200 card.
    pub fn card(&self) -> Card {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        self.json()
    }

    /// The kind of a JSON error.
    pub fn error(&self) -> ErrorKind {
        self.json::<ErrorBody>().error.kind
    }
}

/// Sends `request` to `app` and reads the whole answer.
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Answer { status, headers, bytes, body }
}

/// `GET uri`, with `Authorization: Bearer token` when given.
pub fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

/// `POST uri` with `body` of `content_type`, with `Authorization: Bearer token` when given.
pub fn post(uri: &str, content_type: &str, body: String, token: Option<&str>) -> Request<Body> {
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::from(body)).unwrap()
}

/// The endpoint over its own fresh database.
pub struct Client {
    pub app: Router,
    pub state: AppState,
    /// The SQLite file.
    pub database: PathBuf,
    _dir: tempfile::TempDir,
}

impl Client {
    pub fn new(config: ServerConfig) -> Client {
        let (dir, state) = super::state(config);
        Client { app: super::router(state.clone()), state, database: dir.path().join(super::DATABASE), _dir: dir }
    }

    /// The metered endpoint over a SQLite file whose writers wait at most `busy` for a lock, so
    /// that a test holding the lock sees the refusal quickly.
    pub fn with_busy_timeout(busy: Duration) -> Client {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let database = dir.path().join(super::DATABASE);
        let store = SqliteStore::open_with_busy_timeout(&database, busy).unwrap();
        let state =
            super::block_on(AppState::new(super::catalog(), super::widget(), Arc::new(store), ServerConfig::default()))
                .unwrap();
        Client { app: super::router(state.clone()), state, database, _dir: dir }
    }

    /// The views the database holds, counted by a connection of its own.
    pub fn views_in_database(&self) -> i64 {
        rusqlite::Connection::open(&self.database)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM views", [], |r| r.get(0))
            .unwrap()
    }

    /// The endpoint as `codecard serve` runs it by default: metered.
    pub fn metered() -> Client {
        Client::new(ServerConfig::default())
    }

    /// The endpoint with the meter off.
    pub fn unmetered() -> Client {
        Client::new(ServerConfig {
            meter: MeterConfig { enabled: false, ..MeterConfig::default() },
            ..Default::default()
        })
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        send(&self.app, request).await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Answer {
        self.send(get(uri, token)).await
    }

    pub async fn post_json(&self, uri: &str, body: serde_json::Value, token: Option<&str>) -> Answer {
        self.send(post(uri, "application/json", body.to_string(), token)).await
    }

    /// A new guest: the token its first card came with, and the card.
    pub async fn guest(&self, first_code: &str) -> (String, Card) {
        let card = self.get(&format!("/v1/codes/{first_code}"), None).await.card();
        (card.visitor_token.clone().expect("a visitor token on first contact"), card)
    }

    /// Registers `email` (password "correct horse"), carrying over `visitor`'s views.
    pub async fn register(&self, email: &str, visitor: Option<&str>) -> Session {
        let body = serde_json::json!({"email": email, "password": "correct horse", "visitor_token": visitor});
        let answer = self.post_json("/v1/account/register", body, None).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.json()
    }
}

/// One endpoint for every test of a test binary that only reads (built with the first caller's
/// configuration; a test binary uses one).
pub fn shared_router(config: impl FnOnce() -> ServerConfig) -> Router {
    static SHARED: OnceLock<(tempfile::TempDir, AppState)> = OnceLock::new();
    let (_, state) = SHARED.get_or_init(|| super::state(config()));
    super::router(state.clone())
}

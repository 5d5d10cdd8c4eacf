//! What operators rely on, over real HTTP against the real binary: `/metrics` on its own
//! listener, the readiness check, pruning on a schedule, and draining on SIGTERM.

#[path = "common/binary.rs"]
mod binary;

use std::process::Command;
use std::time::{Duration, Instant};

use binary::Server;
use codecard::api::{ErrorBody, ErrorKind, Ready};
use codecard::server::meter::Period;
use codecard::server::store::{Identity, SqliteStore, Store};

/// The metrics URL the server logged at start.
fn metrics_url(server: &Server) -> String {
    let line = server.wait_for_log("metrics on ").expect("the server logs its metrics address");
    line.split("metrics on ").nth(1).unwrap().split_whitespace().next().unwrap().to_string()
}

/// The value of the sample whose line starts with `series` (name and labels as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[test]
fn metrics_count_lookups_by_route_template_on_their_own_listener() {
    let server = Server::start(|c| {
        c.args(["--metrics-addr", "127.0.0.1:0"]);
    });
    let url = metrics_url(&server);
    assert!(!url.contains(server.addr().as_str()), "metrics share the public port: {url}");
    assert_eq!(server.get("/metrics").status(), 404, "the public port serves no metrics");

    // A guest sees one code in full per period; the second is paywalled.
    let client = reqwest::blocking::Client::new();
    let first = client.get(format!("{}/v1/codes/I10", server.base)).send().unwrap();
    let token = first.json::<codecard::api::Card>().unwrap().visitor_token.unwrap();
    let second = client.get(format!("{}/v1/codes/E11.9", server.base)).bearer_auth(&token).send().unwrap();
    assert_eq!(second.status(), 200);
    let login = client
        .post(format!("{}/v1/account/login", server.base))
        .json(&serde_json::json!({"email": "nobody@example.org", "password": "wrong password"}))
        .send()
        .unwrap();
    assert_eq!(login.status(), 401);

    let text = reqwest::blocking::get(&url).unwrap().text().unwrap();
    let requests = r#"codecard_http_requests_total{route="/v1/codes/{code}",status="200"}"#;
    assert_eq!(sample(&text, requests), Some(2.0), "{text}");
    assert_eq!(sample(&text, r#"codecard_http_requests_total{route="/v1/account/login",status="401"}"#), Some(1.0));
    assert_eq!(sample(&text, r#"codecard_http_request_duration_seconds_count{route="/v1/codes/{code}"}"#), Some(2.0));
    assert_eq!(sample(&text, "codecard_views_counted_total"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "codecard_paywalled_total"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "codecard_login_failures_total"), Some(1.0), "{text}");
    assert!(!text.contains("I10") && !text.contains("E11.9"), "a raw path became a label: {text}");
}

/// Alerting rules (a rate of store errors, of failed log-ins) need their series before the
/// first event; and a registration must move its counter.
#[test]
fn the_counters_alerts_use_are_exported_at_zero_from_the_start_and_a_registration_counts() {
    let server = Server::start(|c| {
        c.args(["--metrics-addr", "127.0.0.1:0"]);
    });
    let url = metrics_url(&server);
    let text = reqwest::blocking::get(&url).unwrap().text().unwrap();
    for series in [
        "codecard_registrations_total",
        "codecard_login_failures_total",
        r#"codecard_store_errors_total{kind="unavailable"}"#,
        r#"codecard_store_errors_total{kind="fault"}"#,
    ] {
        assert_eq!(sample(&text, series), Some(0.0), "{series} at start: {text}");
    }
    let registered = reqwest::blocking::Client::new()
        .post(format!("{}/v1/account/register", server.base))
        .json(&serde_json::json!({"email": "new@clinic.example", "password": "correct horse"}))
        .send()
        .unwrap();
    assert_eq!(registered.status(), 201);
    let text = reqwest::blocking::get(&url).unwrap().text().unwrap();
    assert_eq!(sample(&text, "codecard_registrations_total"), Some(1.0), "{text}");
}

#[test]
fn ready_answers_200_while_the_store_answers_and_503_once_the_database_file_is_gone() {
    let server = Server::start(|_| {});
    let ready = server.get("/v1/ready");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Ready>().unwrap().status, "ready");

    // The open connection would go on writing to a deleted file, losing every view.
    std::fs::remove_file(&server.db).unwrap();
    let ready = server.get("/v1/ready");
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<ErrorBody>().unwrap().error.kind, ErrorKind::StorageUnavailable);
    assert_eq!(server.get("/v1/health").status(), 200, "liveness does not depend on the database");
}

/// Opens the database file as a second writer and records `guest`'s view of `code` in `period`.
fn record(db: &std::path::Path, period: &str, code: &str) {
    let store = SqliteStore::open(db).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let guest = Identity::Guest("old".into());
    runtime.block_on(store.record_view(&guest, period, code, None)).unwrap();
}

fn views_in(db: &std::path::Path, period: &str) -> i64 {
    let connection = rusqlite::Connection::open(db).unwrap();
    connection.query_row("SELECT count(*) FROM views WHERE period = ?1", [period], |row| row.get(0)).unwrap()
}

#[test]
fn a_started_server_prunes_views_of_periods_it_does_not_keep_at_start_and_on_schedule() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db = dir.path().join("codecard.db");
    let now = codecard::server::unix_now();
    let (current, previous) = (Period::Day.key(now), Period::Day.key(now - 86_400));
    record(&db, "2000-01-01", "icd10cm:I10");
    record(&db, &previous, "icd10cm:I10");
    record(&db, &current, "icd10cm:I10");

    let server = Server::start(|c| {
        c.env("CODECARD_DB", &db).args(["--meter-period", "day", "--keep-periods", "2", "--prune-interval-secs", "1"]);
    });
    assert!(server.wait_for_log("pruned views").is_some(), "no pruning at start");
    assert_eq!(views_in(&db, "2000-01-01"), 0);
    assert_eq!((views_in(&db, &previous), views_in(&db, &current)), (1, 1), "kept periods were pruned");

    // A later pass finds views written since.
    record(&db, "2000-01-02", "icd10cm:I10");
    let deadline = Instant::now() + Duration::from_secs(10);
    while views_in(&db, "2000-01-02") > 0 {
        assert!(Instant::now() < deadline, "no pruning pass after the start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigterm_lets_an_in_flight_lookup_finish() {
    let server = Server::start(|_| {});
    // Another process holds the write lock: the guest's first lookup waits for it (up to 5 s).
    let lock = rusqlite::Connection::open(&server.db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let url = format!("{}/v1/codes/I10", server.base);
    let lookup = std::thread::spawn(move || {
        let response = reqwest::blocking::get(url).unwrap();
        (response.status(), response.json::<codecard::api::Card>().ok())
    });
    std::thread::sleep(Duration::from_millis(500));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert!(server.wait_for_log("shutting down").is_some());
    std::thread::sleep(Duration::from_millis(300));
    assert!(!lookup.is_finished(), "the lookup did not wait for the lock, so nothing was in flight");
    lock.execute_batch("ROLLBACK").unwrap();

    let (status, card) = lookup.join().unwrap();
    assert_eq!(status, 200, "the in-flight lookup was cut off");
    assert!(card.and_then(|card| card.long_description).is_some(), "the guest's first card is complete");
    let mut server = server;
    server.assert_exits_cleanly();
}

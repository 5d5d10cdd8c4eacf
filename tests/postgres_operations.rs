//! Operating the endpoint on PostgreSQL, with the real binary and a throwaway cluster: what the
//! operator is told when the database cannot be used, which database a command line names,
//! the connection settings that come from the URL and the flags, and a quiet start.

#[path = "common/binary.rs"]
mod binary;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/relay.rs"]
mod relay;

use std::process::{Command, Output};
use std::sync::atomic::Ordering;
use std::time::Duration;

use binary::Server;

/// Runs `codecard` with `args` and the environment variables `env`; its output.
fn codecard(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_codecard"));
    command.args(args).env("CODECARD_LOG", "info").env_remove("CODECARD_DATABASE_URL").env_remove("CODECARD_DB");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `users list` on `url` (PostgreSQL), on a thread of its own so that a relay on the test's
/// runtime keeps running.
async fn users_list(url: String) -> Output {
    tokio::task::spawn_blocking(move || codecard(&["users", "list", "--database", &url], &[])).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_errors_say_what_is_wrong_with_the_database_and_never_the_password() {
    let cluster = postgres::Cluster::start();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cases = [
        (format!("postgres://codecard:hunter2pw@127.0.0.1:{}/no_such_database", cluster.port), "3D000"),
        (format!("postgres://codecard:hunter2pw@127.0.0.1:{closed_port}/codecard"), "Connection refused"),
        ("postgres://codecard:hunter2pw@no-such-host.invalid:5432/codecard".to_string(), "lookup address"),
        ("postgres://codecard:hunter2pw@127.0.0.1:port/codecard".to_string(), "URL is not usable"),
    ];
    for (url, what) in cases {
        let output = codecard(&["users", "list"], &[("CODECARD_DATABASE_URL", &url)]);
        let said = stderr(&output);
        assert!(!output.status.success(), "{url}");
        assert!(said.contains(what), "{url}: the error does not say {what:?}: {said}");
        assert!(said.contains("cannot open the database (PostgreSQL"), "{url}: which database: {said}");
        assert!(!said.contains("hunter2pw"), "{url}: the password was printed: {said}");
    }
}

#[test]
fn a_db_on_the_command_line_wins_over_the_database_url_in_the_environment() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db = dir.path().join("explicit.db");
    let db = db.to_str().unwrap();
    // Nothing listens on port 1: had the environment won, the command would fail.
    let unreachable = [("CODECARD_DATABASE_URL", "postgres://codecard@127.0.0.1:1/codecard")];
    let output = codecard(&["keys", "add", "https://clinic.example", "--db", db], &unreachable);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::path::Path::new(db).exists(), "the key went into the SQLite file named on the command line");

    let both = codecard(&["keys", "list", "--db", db, "--database", "sqlite://other.db"], &[]);
    assert!(!both.status.success());
    assert!(stderr(&both).contains("--db or --database, not both"), "{}", stderr(&both));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_in_database_on_the_command_line_is_warned_about_and_not_in_the_environment() {
    let url = postgres::database().await.replace("postgres://codecard@", "postgres://codecard:pw@");
    let warning = "visible in the process list";
    let on_command_line = codecard(&["users", "list", "--database", &url], &[]);
    assert!(on_command_line.status.success(), "{}", stderr(&on_command_line));
    assert!(stderr(&on_command_line).contains(warning), "{}", stderr(&on_command_line));
    let in_environment = codecard(&["users", "list"], &[("CODECARD_DATABASE_URL", &url)]);
    assert!(in_environment.status.success(), "{}", stderr(&in_environment));
    assert!(!stderr(&in_environment).contains(warning), "{}", stderr(&in_environment));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_on_a_migrated_database_logs_no_notice() {
    let url = postgres::database().await;
    let first = codecard(&["users", "list", "--database", &url], &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let again = codecard(&["users", "list", "--database", &url], &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stderr(&again).contains("already exists"), "{}", stderr(&again));
}

/// Both spellings of a Unix socket: the percent-encoded folder as the host, and `?host=`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unix_socket_url_works_percent_encoded_or_as_a_host_parameter() {
    let cluster = postgres::Cluster::start();
    let tcp = cluster.database().await;
    let name = tcp.rsplit('/').next().unwrap();
    let socket = cluster.socket_dir();
    let encoded = socket.replace('/', "%2F");
    for url in [
        format!("postgres://codecard@{encoded}:{}/{name}", cluster.port),
        format!("postgres://codecard@/{name}?host={socket}&port={}", cluster.port),
    ] {
        let output = codecard(&["keys", "add", "https://clinic.example", "--database", &url], &[]);
        assert!(output.status.success(), "{url}: {}", stderr(&output));
    }
    let listed = codecard(&["keys", "list", "--database", &tcp], &[]);
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 2, "both keys are in the database over TCP");
}

/// A database that takes 1.5 s to answer a new connection (far away, or busy): reached when the
/// URL's connect_timeout allows it, refused in time when it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_connect_timeout_follows_the_url() {
    let cluster = postgres::Cluster::start();
    let direct = cluster.database().await;
    let (port, frozen) = relay::freezable(cluster.port).await;
    let through_relay = direct.replace(&format!(":{}/", cluster.port), &format!(":{port}/"));

    frozen.store(true, Ordering::SeqCst);
    let impatient = users_list(format!("{through_relay}?connect_timeout=1")).await;
    assert!(!impatient.status.success());
    assert!(stderr(&impatient).contains("did not answer within 1000 ms"), "{}", stderr(&impatient));

    let thaw = frozen.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        thaw.store(false, Ordering::SeqCst);
    });
    let patient = users_list(format!("{through_relay}?connect_timeout=5")).await;
    assert!(patient.status.success(), "{}", stderr(&patient));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_size_follows_the_flag() {
    let url = postgres::database().await;
    let server = Server::start(|c| {
        c.env("CODECARD_DATABASE_URL", &url).args(["--database-pool-size", "3", "--metrics-addr", "127.0.0.1:0"]);
    });
    let line = server.wait_for_log("metrics on ").expect("the server logs its metrics address");
    let metrics = line.split("metrics on ").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert!(text.lines().any(|l| l == "codecard_store_pool_connections 3"), "{text}");
}

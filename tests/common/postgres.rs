//! A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder, a server on a
//! free loopback port, a fresh database per test, everything stopped and removed at the end.
//!
//! The server refuses to run as root, so as root (CI, this machine) the cluster belongs to the
//! `postgres` user that Debian's package creates and every tool runs through `runuser`; as
//! anyone else the tools run directly. Missing binaries fail the test with what to install:
//! a PostgreSQL test that skipped itself would pass without checking anything.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// A running cluster; stopped (immediately: it holds nothing worth keeping) and removed on drop.
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The folder with initdb and pg_ctl: Debian's versioned folder (newest first), else PATH.
fn server_binaries() -> PathBuf {
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(Result::ok).map(|d| d.path().join("bin")).filter(|b| b.join("initdb").exists()).collect()
        })
        .unwrap_or_default();
    debian.sort_by_key(|bin| {
        bin.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok())
    });
    if let Some(bin) = debian.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed, so the PostgreSQL store \
             tests cannot run: run `bash .ci/setup` (it installs Debian's `postgresql` package) or \
             `apt-get install postgresql`"
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    /// Creates and starts a cluster of its own (for a test that stops and starts it).
    pub fn start() -> Cluster {
        let bin = server_binaries();
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("codecard-pg-").tempdir().unwrap();
        let data = dir.path().join("pg");
        std::fs::create_dir(&data).unwrap();
        if as_postgres {
            use std::os::unix::fs::PermissionsExt;
            // The postgres user must reach its folder: the temporary folder is root's, 0700.
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let chown = Command::new("chown").arg("postgres").arg(&data).status().expect("chown runs");
            assert!(chown.success(), "cannot give {} to the postgres user (does it exist?)", data.display());
        }
        let cluster = Cluster { bin, data, port: free_port(), as_postgres, _dir: dir };
        cluster.tool(
            "initdb",
            &["-D", &cluster.data_dir(), "-A", "trust", "-U", "codecard", "-E", "UTF8", "--no-locale", "--no-sync"],
        );
        cluster.start_server();
        cluster
    }

    fn data_dir(&self) -> String {
        self.data.display().to_string()
    }

    /// Runs a server tool as the cluster's owner; panics with its output if it fails.
    fn tool(&self, name: &str, args: &[&str]) {
        let program = self.bin.join(name);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        let output = command.args(args).current_dir(&self.data).output().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            output.status.success(),
            "{name} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the server (again) on its port, and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c full_page_writes=off",
            self.port,
            self.data_dir()
        );
        let log = self.data.join("server.log").display().to_string();
        self.tool("pg_ctl", &["-D", &self.data_dir(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// Stops the server at once, as a crash or `kill -9` of the postmaster would.
    pub fn stop_server(&self) {
        self.tool("pg_ctl", &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"]);
    }

    /// The folder of the server's Unix socket.
    pub fn socket_dir(&self) -> String {
        self.data_dir()
    }

    /// The URL of database `name` in this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://codecard@127.0.0.1:{}/{name}", self.port)
    }

    /// A new, empty database; its URL.
    pub async fn database(&self) -> String {
        create_database(&self.url("postgres")).await
    }

    /// The server's log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.stop_server()));
        }
    }
}

static SHARED: OnceLock<Mutex<Option<Cluster>>> = OnceLock::new();

extern "C" fn stop_shared_cluster() {
    if let Some(cell) = SHARED.get() {
        let cluster = cell.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        drop(cluster);
    }
}

/// The cluster this test process shares (started on first use, stopped and removed when the
/// process exits, whether its tests passed or panicked); a fresh database in it.
pub async fn database() -> String {
    let maintenance = {
        let cell = SHARED.get_or_init(|| {
            // SAFETY: registers a plain function; atexit has no other precondition.
            unsafe { libc::atexit(stop_shared_cluster) };
            // On a thread of its own: the caller may be on a single-threaded runtime.
            Mutex::new(Some(std::thread::spawn(Cluster::start).join().expect("the test cluster starts")))
        });
        let guard = cell.lock().unwrap();
        let cluster = guard.as_ref().expect("the shared cluster is running until exit");
        cluster.url("postgres")
    };
    create_database(&maintenance).await
}

/// Creates a database through the maintenance database at `postgres_url`; the new one's URL.
async fn create_database(postgres_url: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let (client, connection) = tokio_postgres::connect(postgres_url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test cluster at {postgres_url}: {e}"));
    let driver = tokio::spawn(connection);
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    drop(client);
    let _ = driver.await;
    format!("{}/{name}", postgres_url.rsplit_once('/').unwrap().0)
}

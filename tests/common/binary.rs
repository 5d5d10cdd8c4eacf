//! The real `codecard` binary on a free loopback port, for the tests over real TCP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running `codecard serve` on a free loopback port with a fresh database (unless the test
/// passes `--db`), killed on drop. Its log lines after start-up are kept in `log`.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub db: std::path::PathBuf,
    pub log: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Server {
    pub fn start(configure: impl FnOnce(&mut Command)) -> Server {
        let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let db = data.path().join("codecard.db");
        let mut command = Command::new(env!("CARGO_BIN_EXE_codecard"));
        command
            .arg("serve")
            .env("CODECARD_ADDR", "127.0.0.1:0")
            .env("CODECARD_DB", &db)
            .env("CODECARD_LOG", "info")
            .env_remove("CODECARD_DATA_DIR")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        configure(&mut command);
        let mut child = command.spawn().expect("codecard starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut base = None;
        let mut start_up = Vec::new();
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.split("serving on ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or_default();
                base = Some(url.trim_end_matches('/').to_string());
                break;
            }
            start_up.push(line.trim_end().to_string());
            line.clear();
        }
        let base = base.unwrap_or_else(|| panic!("codecard exited early: {:?}", child.wait()));
        // Keep reading, so the server never blocks on a full pipe and tests can read its log
        // (start-up lines included).
        let log = Arc::new(Mutex::new(start_up));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Server { child, base, db, log, _data: data }
    }

    /// Waits up to 10 s for the process to exit (after a SIGTERM, say) and checks it succeeded.
    pub fn assert_exits_cleanly(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                return;
            }
            assert!(std::time::Instant::now() < deadline, "still running 10 s after SIGTERM");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Waits up to 10 s for a log line containing `text`; the line.
    pub fn wait_for_log(&self, text: &str) -> Option<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Some(line) = self.log.lock().unwrap().iter().find(|line| line.contains(text)) {
                return Some(line.clone());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        reqwest::blocking::get(format!("{}{path}", self.base)).unwrap()
    }

    /// `host:port`, for raw TCP.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `codecard` with `args` against `db`; its stdout, or its stderr as the error.
pub fn admin(db: &std::path::Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_codecard")).args(args).env("CODECARD_DB", db).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() { Ok(stdout) } else { Err(stderr) }
}

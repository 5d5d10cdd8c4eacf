//! The real `codecard` binary over real TCP: start-up, configuration, garbage on the wire, shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use codecard::api::{Card, ErrorBody, ErrorKind, Health};

/// A running `codecard serve` on a free loopback port, killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(configure: impl FnOnce(&mut Command)) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_codecard"));
        command
            .arg("serve")
            .env("CODECARD_ADDR", "127.0.0.1:0")
            .env("CODECARD_LOG", "info")
            .env_remove("CODECARD_DATA_DIR")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        configure(&mut command);
        let mut child = command.spawn().expect("codecard starts");
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut base = None;
        for line in stderr.lines() {
            let line = line.unwrap();
            if let Some(rest) = line.split("serving on ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or_default();
                base = Some(url.trim_end_matches('/').to_string());
                break;
            }
        }
        let base = base.unwrap_or_else(|| panic!("codecard exited early: {:?}", child.wait()));
        Server { child, base }
    }

    fn get(&self, path: &str) -> reqwest::blocking::Response {
        reqwest::blocking::get(format!("{}{path}", self.base)).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serves_cards_over_http_with_the_embedded_data() {
    let server = Server::start(|_| {});
    let health: Health = server.get("/v1/health").json().unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.systems.iter().map(|s| s.codes).sum::<usize>() > 165_000, true);

    let response = server.get("/v1/codes/I10");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let card: Card = response.json().unwrap();
    assert_eq!(card.long_description.as_deref(), Some("Essential (primary) hypertension"));

    let response = server.get("/v1/codes/Z99.999");
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().unwrap();
    assert_eq!(body.error.kind, ErrorKind::UnknownCode);
}

#[test]
fn the_address_flag_beats_the_environment() {
    let server = Server::start(|c| {
        c.env("CODECARD_ADDR", "127.0.0.1:1").args(["--addr", "127.0.0.1:0"]);
    });
    assert!(server.base.starts_with("http://127.0.0.1:"));
    assert_eq!(server.get("/v1/health").status(), 200);
}

#[test]
fn garbage_on_the_wire_does_not_hurt_the_server() {
    let server = Server::start(|_| {});
    let addr = server.base.trim_start_matches("http://").to_string();
    for garbage in [&b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..], b"GET /v1/codes/I10 HTTP/9.9\r\n\r\n", b"\r\n\r\n\0\0\0"] {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream.write_all(garbage).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }
    // A request line far over any sane size is refused, not buffered forever.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let huge = format!("GET /v1/codes/{} HTTP/1.1\r\nHost: x\r\n\r\n", "A".repeat(1 << 20));
    let _ = stream.write_all(huge.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));

    assert_eq!(server.get("/v1/codes/E11.9").status(), 200, "still serving");
}

#[test]
fn a_missing_data_folder_is_a_clear_start_up_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_codecard"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir", "/nonexistent/codecard-data"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/codecard-data: not a folder"), "{stderr}");
}

#[test]
fn a_corrupt_data_file_names_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("codecard-bad-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data");
    for entry in std::fs::read_dir(&data).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let cpt = std::fs::read_to_string(data.join("cpt-demo.tsv")).unwrap();
    std::fs::write(dir.join("cpt-demo.tsv"), format!("{cpt}9921X\tonly two fields\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_codecard"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("CODECARD_DATA_DIR", &dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = cpt.lines().count() + 1;
    assert!(stderr.contains(&format!("cpt-demo.tsv, line {line}: expected 7 tab-separated fields")), "{stderr}");
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = Server::start(|_| {});
    assert_eq!(server.get("/v1/health").status(), 200);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

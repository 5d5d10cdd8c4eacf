//! The real `codecard` binary over real TCP: start-up, configuration, garbage on the wire, shutdown.

#[path = "common/binary.rs"]
mod binary;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use binary::{Server, admin};
use codecard::api::{Card, ErrorBody, ErrorKind, Health, Plan};

#[test]
fn serves_cards_over_http_with_the_embedded_data() {
    let server = Server::start(|_| {});
    let health: Health = server.get("/v1/health").json().unwrap();
    assert_eq!(health.status, "ok");
    assert!(health.systems.iter().map(|s| s.codes).sum::<usize>() > 165_000);

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
    for garbage in
        [&b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..], b"GET /v1/codes/I10 HTTP/9.9\r\n\r\n", b"\r\n\r\n\0\0\0"]
    {
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

/// Runs `codecard serve` with `args` (and `configure` for its environment), expects it to
/// refuse to start, and returns what it said.
fn start_up_error(args: &[&str], configure: impl FnOnce(&mut Command)) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_codecard"));
    command.args(["serve", "--addr", "127.0.0.1:0"]).args(args);
    configure(&mut command);
    let output = command.output().unwrap();
    assert!(!output.status.success(), "codecard started with {args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_missing_data_folder_is_a_clear_start_up_error() {
    let stderr = start_up_error(&["--data-dir", "/nonexistent/codecard-data"], |_| {});
    assert!(stderr.contains("/nonexistent/codecard-data: not a folder"), "{stderr}");
}

#[test]
fn a_misspelt_section_flag_is_a_start_up_error_naming_the_section_ids() {
    let stderr = start_up_error(&["--free-sections", "description,hierachy"], |_| {});
    assert!(stderr.contains("\"hierachy\" is not a section id"), "{stderr}");
    assert!(stderr.contains("plain_language"), "{stderr}");
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
    let stderr = start_up_error(&[], |c| {
        c.env("CODECARD_DATA_DIR", &dir);
    });
    let _ = std::fs::remove_dir_all(&dir);
    let line = cpt.lines().count() + 1;
    assert!(stderr.contains(&format!("cpt-demo.tsv, line {line}: expected 7 tab-separated fields")), "{stderr}");
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = Server::start(|_| {});
    assert_eq!(server.get("/v1/health").status(), 200);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    server.assert_exits_cleanly();
}

#[test]
fn the_admin_commands_manage_plans_and_site_keys_of_a_running_server() {
    let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db = data.path().join("codecard.db");
    let server = Server::start(|c| {
        c.arg("--db").arg(&db);
    });
    let client = reqwest::blocking::Client::new();

    // Plans: an account registered over HTTP, upgraded from the command line.
    let session: codecard::api::Session = client
        .post(format!("{}/v1/account/register", server.base))
        .json(&serde_json::json!({"email": "coder@clinic.example", "password": "correct horse"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(session.plan, Plan::Free);
    let error = admin(&db, &["users", "set-plan", "nobody@clinic.example", "paid"]).unwrap_err();
    assert!(error.contains("no account with the email nobody@clinic.example"), "{error}");
    for not_a_plan in ["gold", "guest"] {
        let error = admin(&db, &["users", "set-plan", "coder@clinic.example", not_a_plan]).unwrap_err();
        assert!(error.contains("[possible values: free, paid]"), "{error}");
    }
    admin(&db, &["users", "set-plan", "coder@clinic.example", "paid"]).unwrap();
    let list = admin(&db, &["users", "list"]).unwrap();
    assert!(list.lines().any(|l| l.starts_with("coder@clinic.example") && l.contains(" paid ")), "{list}");
    let card: Card =
        client.get(format!("{}/v1/codes/I10", server.base)).bearer_auth(&session.token).send().unwrap().json().unwrap();
    assert_eq!(card.meter.unwrap().plan, Plan::Paid, "the running server sees the new plan");

    // Site keys.
    let error = admin(&db, &["keys", "add", "clinic.example"]).unwrap_err();
    assert!(error.contains("is not an origin"), "{error}");
    let key = admin(&db, &["keys", "add", "https://clinic.example", "https://portal.clinic.example"]).unwrap();
    let key = key.trim();
    assert!(key.starts_with("ck_"), "{key}");
    assert!(
        admin(&db, &["keys", "list"])
            .unwrap()
            .contains(&format!("{key}  https://clinic.example https://portal.clinic.example"))
    );
    let status = |origin: &str| {
        client
            .get(format!("{}/v1/codes/I10", server.base))
            .header("x-codecard-key", key)
            .header("origin", origin)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(status("https://portal.clinic.example"), 200);
    assert_eq!(status("https://elsewhere.example"), 403);
    admin(&db, &["keys", "remove", key]).unwrap();
    assert_eq!(status("https://portal.clinic.example"), 403, "a removed key admits nobody");
    assert!(admin(&db, &["keys", "remove", key]).unwrap_err().contains("no site key"));
}

#[test]
fn nothing_acknowledged_is_lost_when_the_server_is_killed_under_load() {
    let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db = data.path().join("codecard.db");
    let start = || {
        Server::start(|c| {
            c.arg("--db").arg(&db).args(["--guest-views", "1000000"]);
        })
    };
    let mut server = start();
    let first: Card = server.get("/v1/codes/I10").json().unwrap();
    let token = first.visitor_token.expect("a visitor token");
    let guest = token.split('.').nth(1).unwrap().to_string();

    // Eight clients open distinct codes as fast as they can, noting every view the server
    // acknowledged as counted, until the server dies under them.
    let catalog = codecard::server::Catalog::load(&codecard::server::DataSource::Embedded).unwrap();
    let codes: Vec<String> = catalog.icd10cm_codes().skip(1).take(40_000).map(String::from).collect();
    let acknowledged = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for chunk in codes.chunks(codes.len() / 8) {
            let (base, token, acknowledged) = (&server.base, &token, &acknowledged);
            scope.spawn(move || {
                let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
                for code in chunk {
                    let Ok(response) = client.get(format!("{base}/v1/codes/icd10cm/{code}")).bearer_auth(token).send()
                    else {
                        return;
                    };
                    let Ok(card) = response.json::<Card>() else { return };
                    if card.meter.is_some_and(|m| m.counted) {
                        acknowledged.lock().unwrap().push(format!("icd10cm:{code}"));
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1500));
        server.child.kill().unwrap(); // SIGKILL: no shutdown, no checkpoint
        server.child.wait().unwrap();
    });
    let acknowledged = acknowledged.into_inner().unwrap();
    assert!(acknowledged.len() > 100, "the load ran: {} views", acknowledged.len());

    // The database is intact and holds every acknowledged view.
    let connection = rusqlite::Connection::open(&db).unwrap();
    let check: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(check, "ok");
    let stored: std::collections::HashSet<String> = connection
        .prepare("SELECT code FROM views WHERE identity = ?1")
        .unwrap()
        .query_map([format!("g:{guest}")], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|code| !stored.contains(*code)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged views lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        lost.first()
    );
    drop(connection);

    // The restarted server knows the guest (the signing secret is in the database) and its views.
    let restarted = start();
    let again: Card = reqwest::blocking::Client::new()
        .get(format!("{}/v1/codes/{}", restarted.base, acknowledged[0].trim_start_matches("icd10cm:")))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(!again.meter.unwrap().counted, "already viewed before the crash");
}

#[test]
fn a_database_in_a_missing_folder_is_a_clear_start_up_error() {
    let stderr = start_up_error(&["--db", "/nonexistent/codecard/codecard.db"], |_| {});
    assert!(stderr.contains("the folder /nonexistent/codecard does not exist"), "{stderr}");
}

#[test]
fn a_page_of_the_previous_build_still_gets_its_own_files() {
    let widget = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let dir = widget.path().to_str().unwrap().to_string();
    let deploy = |glue: &str, wasm: &[u8]| {
        std::fs::write(widget.path().join("codecard.js"), glue).unwrap();
        std::fs::write(widget.path().join("codecard_bg.wasm"), wasm).unwrap();
        std::fs::write(widget.path().join("codecard_search.js"), "// search glue").unwrap();
        std::fs::write(widget.path().join("codecard_search_bg.wasm"), b"\0asm search").unwrap();
        Server::start(|c| {
            c.args(["--widget-dir", &dir]);
        })
    };
    let first = deploy("// glue one", b"\0asm one");
    let old = build_id(&first.get("/widget/loader.js").text().unwrap());
    drop(first);

    // Redeployed with other files: a page that loaded the old loader asks for the old build.
    let second = deploy("// glue two", b"\0asm two");
    let new = build_id(&second.get("/widget/loader.js").text().unwrap());
    assert_ne!(old, new);
    let response = second.get(&format!("/widget/{old}/codecard.js"));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.text().unwrap(), "// glue one");
    assert_eq!(&second.get(&format!("/widget/{old}/codecard_bg.wasm")).bytes().unwrap()[..], b"\0asm one");
    assert!(second.get(&format!("/widget/{old}/codecard.css")).text().unwrap().contains(":host"));
    assert_eq!(second.get(&format!("/widget/{new}/codecard.js")).text().unwrap(), "// glue two");

    // A build no longer kept (or never built) gets the current files, not cached.
    let response = second.get("/widget/0123456789abcdef/codecard.js");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.text().unwrap(), "// glue two");
    assert_eq!(second.get("/widget/..%2F..%2Fx/codecard.js").text().unwrap(), "// glue two");
    assert_eq!(second.get(&format!("/widget/{old}/secret.txt")).status(), 404);
}

/// The build id the loader names (its only 16-hex-digit string literal).
fn build_id(loader: &str) -> String {
    loader
        .split('"')
        .find(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
        .expect("a build id in the loader")
        .to_string()
}

fn get_accepting(url: &str, accept_encoding: Option<&str>) -> reqwest::blocking::Response {
    let client = reqwest::blocking::Client::new();
    let request = client.get(url);
    let request = match accept_encoding {
        Some(value) => request.header("Accept-Encoding", value),
        None => request,
    };
    request.send().unwrap()
}

#[test]
fn widget_files_are_sent_as_the_builds_precompressed_copies() {
    // A widget folder as build_widget leaves it: the files and their brotli 11 and gzip 9 copies.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let wasm: Vec<u8> = (0..200_000u32).flat_map(|i| (i.wrapping_mul(2_654_435_761) >> 7).to_le_bytes()).collect();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    brotli::BrotliCompress(&mut &wasm[..], &mut br, &params).unwrap();
    let gz = b"gzip copy written by the build".to_vec();
    std::fs::write(dir.path().join("codecard_bg.wasm"), &wasm).unwrap();
    std::fs::write(dir.path().join("codecard_bg.wasm.br"), &br).unwrap();
    std::fs::write(dir.path().join("codecard_bg.wasm.gz"), &gz).unwrap();
    std::fs::write(dir.path().join("codecard.js"), "export default function init() {}\n").unwrap();
    let server = Server::start(|c| {
        c.arg("--widget-dir").arg(dir.path());
    });
    let loader = server.get("/widget/loader.js").text().unwrap();
    let url = format!("{}/widget/{}/codecard_bg.wasm", server.base, build_id(&loader));

    let response = get_accepting(&url, Some("gzip, deflate, br, zstd"));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["vary"], "accept-encoding");
    assert_eq!(response.headers()["content-length"], br.len().to_string().as_str());
    assert_eq!(response.bytes().unwrap(), br);

    let response = get_accepting(&url, Some("gzip"));
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.bytes().unwrap(), gz);

    for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0")] {
        let response = get_accepting(&url, accept);
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("content-encoding").is_none(), "{accept:?}");
        assert_eq!(response.headers()["vary"], "accept-encoding");
        assert_eq!(response.bytes().unwrap(), wasm, "{accept:?}");
    }
}

#[test]
fn the_loader_and_styles_are_sent_in_brotli_that_decodes_to_the_identity_bytes() {
    let server = Server::start(|_| {});
    let loader = server.get("/widget/loader.js").text().unwrap();
    for url in [
        format!("{}/widget/loader.js", server.base),
        format!("{}/widget/{}/codecard.css", server.base, build_id(&loader)),
    ] {
        let identity = get_accepting(&url, None).bytes().unwrap();
        let response = get_accepting(&url, Some("br"));
        assert_eq!(response.headers()["content-encoding"], "br", "{url}");
        assert_eq!(response.headers()["vary"], "accept-encoding", "{url}");
        let compressed = response.bytes().unwrap();
        assert!(compressed.len() < identity.len() / 2, "{url}");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &compressed[..], &mut decoded).unwrap();
        assert_eq!(decoded, identity, "{url}");
    }
}

/// A request head beyond what the README's Security section says the HTTP layer reads (hyper's
/// 32 KiB buffer; heads up to 48 KiB pass) is refused there with a bare 431, before any route:
/// there is no JSON body to give, and the server goes on serving.
#[test]
fn a_peek_batch_with_a_query_string_over_the_head_limit_is_431_and_the_server_goes_on() {
    let server = Server::start(|_| {});
    let codes = vec!["I10"; 50].join(",");
    let response = server.get(&format!("/v1/peek?codes={codes}&pad={}", "a".repeat(60_000)));
    assert_eq!(response.status().as_u16(), 431);
    assert_eq!(server.get(&format!("/v1/peek?codes={codes}")).status().as_u16(), 200);
}

/// Review (passes): the batch over real HTTP on the metered binary, as an attacker would send it:
/// NUL, percent-encoded commas and slashes, duplicates, mixed systems, an ambiguous code, a
/// forged token. Each entry is either the public part (paywalled, every section locked, no
/// meter, no token) or an error in its place; nothing counts a view or makes a guest.
#[test]
fn a_peek_batch_of_odd_entries_over_http_holds_only_public_parts_and_errors_and_makes_no_guest() {
    use codecard::api::{PeekBatch, Peeked};
    let server = Server::start(|_| {});
    // A guest whose one view is spent: a batch that counted a view would make I10 "viewed".
    let first: Card = server.get("/v1/codes/Z00.00").json().unwrap();
    let guest = first.visitor_token.expect("a new guest");
    let query = "I10,%00,I10%2CE11.65,icd10cm%2FE1165,cpt/99213,hcpcs/G0008,0016070,J1100,E11..9,Z99.999,i10,I10";
    let response = reqwest::blocking::Client::new()
        .get(format!("{}/v1/peek?codes={query}", server.base))
        .bearer_auth(&guest)
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    assert!(response.headers().get("x-codecard-visitor-token").is_none());
    let batch: PeekBatch = response.json().unwrap();
    let kinds: Vec<Option<ErrorKind>> = batch
        .peeks
        .iter()
        .map(|entry| match entry {
            Peeked::Card(card) => {
                assert!(card.paywalled && card.meter.is_none() && card.visitor_token.is_none(), "{card:?}");
                assert!(card.sections.iter().all(|s| s.content.is_none()), "{card:?}");
                assert!(card.hierarchy.is_empty() && card.axes.is_empty() && card.plain_language.is_none(), "{card:?}");
                None
            }
            Peeked::Error(body) => Some(body.error.kind),
        })
        .collect();
    use ErrorKind::*;
    assert_eq!(
        kinds,
        [
            None,
            Some(MalformedCode),
            None,
            None,
            None,
            None,
            None,
            None,
            Some(AmbiguousCode),
            Some(MalformedCode),
            Some(UnknownCode),
            None,
            None
        ]
    );
    let forged = reqwest::blocking::Client::new()
        .get(format!("{}/v1/peek?codes=I10", server.base))
        .bearer_auth("g.forged.1.x")
        .send()
        .unwrap();
    assert_eq!(forged.status(), 200, "the batch reads no token");
    let reopened: Card = reqwest::blocking::Client::new()
        .get(format!("{}/v1/codes/I10", server.base))
        .bearer_auth(&guest)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(reopened.paywalled, "the batch counted no view of I10 for the guest: {reopened:?}");
}

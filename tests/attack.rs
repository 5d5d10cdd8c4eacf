//! The real `codecard` binary over real TCP on 127.0.0.1, attacked: slow and idle connections,
//! log-in floods, spoofed addresses, account farming, stolen or misdirected sessions. Every
//! attack is bounded in count and time and stops by itself.

#[path = "common/binary.rs"]
mod binary;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use binary::{Server, admin};
use codecard::api::{Card, ErrorBody, ErrorKind, SearchResults, Session};
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::json;

/// A status and the raw body of one answer.
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn kind(&self) -> ErrorKind {
        serde_json::from_str::<ErrorBody>(&self.body).unwrap_or_else(|_| panic!("an error: {}", self.body)).error.kind
    }

    fn card(&self) -> Card {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        serde_json::from_str(&self.body).unwrap()
    }

    fn session(&self) -> Session {
        assert!(self.status.is_success(), "{} {}", self.status, self.body);
        serde_json::from_str(&self.body).unwrap()
    }
}

fn send(request: RequestBuilder) -> Answer {
    let response = request.timeout(Duration::from_secs(20)).send().unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    Answer { status, headers, body: response.text().unwrap() }
}

fn get(server: &Server, path: &str) -> RequestBuilder {
    Client::new().get(format!("{}{path}", server.base))
}

fn post(server: &Server, path: &str, body: serde_json::Value) -> RequestBuilder {
    Client::new().post(format!("{}{path}", server.base)).json(&body)
}

fn credentials(email: &str, password: &str) -> serde_json::Value {
    json!({"email": email, "password": password})
}

#[test]
fn half_sent_requests_and_idle_connections_are_closed_after_the_header_timeout() {
    let server = Server::start(|c| {
        c.args(["--header-timeout-secs", "1"]);
    });
    for sent in [&b"GET /v1/health HTTP/1.1\r\nHost: x\r\n"[..], b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"] {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream.write_all(sent).unwrap();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        assert!(read.is_ok(), "the server still holds the connection: {read:?}");
    }
}

#[test]
fn real_requests_are_answered_while_2000_slow_connections_are_held() {
    use std::os::unix::process::CommandExt;
    const HELD: usize = 2000;
    rlimit::increase_nofile_limit(HELD as u64 + 256).unwrap();
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
    assert!(hard > HELD as u64 + 256, "the machine allows {hard} open files");
    // The server starts with a soft limit far below the connections it will be sent, as it
    // would under a default ulimit; it must raise the limit itself.
    let server = Server::start(|c| unsafe {
        c.pre_exec(move || rlimit::setrlimit(rlimit::Resource::NOFILE, 512, hard));
    });
    let addr = server.addr().parse().unwrap();
    let mut held = Vec::with_capacity(HELD);
    for n in 0..HELD {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("the server stopped accepting after {n} connections: {e}"));
        stream.write_all(b"GET /v1/codes/I10 HTTP/1.1\r\nHost: x\r\n").unwrap();
        held.push(stream);
    }
    let client = Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    for _ in 0..20 {
        let answer = client.get(format!("{}/v1/codes/I10", server.base)).send();
        assert_eq!(answer.map(|a| a.status()).ok(), Some(StatusCode::OK), "with {} connections held", held.len());
    }
}

/// Log-ins sent at once by the flood test.
const FLOOD: usize = 300;

#[test]
fn a_log_in_flood_is_shed_with_503_and_retry_after_while_cards_are_served() {
    let server = Server::start(|c| {
        c.args(["--hash-concurrency", "1", "--login-attempts-per-minute", "100000"]);
    });
    send(post(&server, "/v1/account/register", credentials("owner@clinic.example", "correct horse"))).session();
    let card = send(get(&server, "/v1/codes/I10")).card();
    let token = card.visitor_token.unwrap();
    let answers: Vec<Answer> = std::thread::scope(|scope| {
        let cards = scope.spawn(|| {
            (0..20).map(|_| send(get(&server, "/v1/codes/I10").bearer_auth(&token)).status).collect::<Vec<_>>()
        });
        // More hashes than one slot gets through in the 2 s a log-in waits for it, with a wide
        // margin: a hash takes some 17 ms here, so 300 of them take about 5 s.
        let logins: Vec<_> = (0..FLOOD)
            .map(|_| {
                scope.spawn(|| {
                    send(post(&server, "/v1/account/login", credentials("owner@clinic.example", "wrong horse")))
                })
            })
            .collect();
        assert!(cards.join().unwrap().iter().all(|s| *s == StatusCode::OK), "cards are served during the flood");
        logins.into_iter().map(|l| l.join().unwrap()).collect()
    });
    let shed: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!shed.is_empty(), "{FLOOD} log-ins at once, one hash at a time: some must be turned away");
    for answer in &shed {
        assert_eq!(answer.kind(), ErrorKind::Busy);
        assert_eq!(answer.headers["retry-after"], "1");
    }
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::SERVICE_UNAVAILABLE || a.kind() == ErrorKind::InvalidCredentials)
    );
}

#[test]
fn an_email_too_long_to_exist_is_refused_before_it_is_hashed_or_remembered() {
    let server = Server::start(|_| {});
    let email = format!("{}@example.org", "a".repeat(4000));
    for path in ["/v1/account/login", "/v1/account/register"] {
        let answer = send(post(&server, path, credentials(&email, "correct horse")));
        assert_eq!((answer.status, answer.kind()), (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput), "{path}");
    }
}

#[test]
fn a_session_is_handed_only_to_an_exact_origin_and_refused_from_any_other() {
    let server = Server::start(|_| {});
    let register = |origin: &str| {
        let mut body = credentials("ana@clinic.example", "correct horse");
        body["origin"] = origin.into();
        send(post(&server, "/v1/account/register", body))
    };
    for bad in ["*", "https://clinic.example/", "https://clinic.example (your clinic)", "null"] {
        let answer = register(bad);
        assert_eq!((answer.status, answer.kind()), (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput), "{bad}");
    }
    let session = register("https://clinic.example").session();
    let from = |origin: &str| send(get(&server, "/v1/codes/I10").bearer_auth(&session.token).header("origin", origin));
    assert_eq!(from("https://clinic.example").card().meter.unwrap().account.as_deref(), Some("ana@clinic.example"));
    let stolen = from("https://elsewhere.example");
    assert_eq!((stolen.status, stolen.kind()), (StatusCode::UNAUTHORIZED, ErrorKind::InvalidToken));
    let logout = send(
        post(&server, "/v1/account/logout", json!({}))
            .bearer_auth(&session.token)
            .header("origin", "https://elsewhere.example"),
    );
    assert_eq!(logout.status, StatusCode::UNAUTHORIZED, "nor can another page log it out");
}

#[test]
fn with_site_keys_a_session_goes_only_to_an_origin_of_the_key_the_widget_sent() {
    let server = Server::start(|_| {});
    send(post(&server, "/v1/account/register", credentials("ana@clinic.example", "correct horse"))).session();
    let key = admin(&server.db, &["keys", "add", "https://clinic.example"]).unwrap().trim().to_string();
    let login = |origin: &str, key: Option<&str>| {
        let mut body = credentials("ana@clinic.example", "correct horse");
        body["origin"] = origin.into();
        if let Some(key) = key {
            body["site_key"] = key.into();
        }
        send(post(&server, "/v1/account/login", body))
    };
    for (origin, key) in [
        ("https://elsewhere.example", Some(key.as_str())),
        ("https://elsewhere.example", None),
        ("https://clinic.example", None),
        ("https://clinic.example", Some("ck_unknown")),
    ] {
        let answer = login(origin, key);
        assert_eq!((answer.status, answer.kind()), (StatusCode::FORBIDDEN, ErrorKind::Forbidden), "{origin} {key:?}");
    }
    login("https://clinic.example", Some(&key)).session();
}

#[test]
fn the_client_address_is_the_one_the_proxy_appended_and_garbage_is_refused() {
    let server = Server::start(|c| {
        c.args(["--trust-forwarded-for", "--new-guests-per-ip", "2"]);
    });
    let from = |forwarded: &str| send(get(&server, "/v1/codes/I10").header("x-forwarded-for", forwarded));
    // The client writes whatever it likes on the left; the proxy appends the real address.
    let statuses: Vec<StatusCode> = (0..3).map(|n| from(&format!("10.9.9.{n}, 203.0.113.7")).status).collect();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    for garbage in ["nonsense", "203.0.113.7, 999.0.0.1", "203.0.113.7, <script>"] {
        let answer = from(garbage);
        assert_eq!((answer.status, answer.kind()), (StatusCode::BAD_REQUEST, ErrorKind::BadRequest), "{garbage}");
    }
    let huge = from(&format!("{}203.0.113.8", "1.2.3.4, ".repeat(10_000)));
    assert_eq!(huge.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
}

#[test]
fn ipv6_guests_count_per_64_network() {
    let server = Server::start(|c| {
        c.args(["--trust-forwarded-for", "--new-guests-per-ip", "2"]);
    });
    let from = |address: &str| send(get(&server, "/v1/codes/I10").header("x-forwarded-for", address)).status;
    let same_network: Vec<StatusCode> = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"].map(from).into();
    assert_eq!(same_network, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    assert_eq!(from("2001:db8:1:3::1"), StatusCode::OK, "the next /64 is another subscriber");
}

#[test]
fn head_requests_and_preflights_create_no_guest_and_spend_no_view() {
    let server = Server::start(|c| {
        c.args(["--new-guests-per-ip", "1"]);
    });
    let client = Client::new();
    for _ in 0..3 {
        let head = client.head(format!("{}/v1/codes/I10", server.base)).send().unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        let preflight = client
            .request(reqwest::Method::OPTIONS, format!("{}/v1/codes/I10", server.base))
            .header("origin", "https://any.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .unwrap();
        assert!(preflight.status().is_success(), "{}", preflight.status());
    }
    let card = send(get(&server, "/v1/codes/I10")).card();
    let meter = card.meter.unwrap();
    assert_eq!((meter.counted, meter.remaining), (true, Some(0)), "the first real view is the guest's first");
}

#[test]
fn one_address_registers_few_accounts_and_a_tokenless_one_gets_no_extra_views() {
    let server = Server::start(|_| {});
    let register = |n: usize| {
        send(post(&server, "/v1/account/register", credentials(&format!("farm{n}@example.org"), "correct horse")))
    };
    let first = register(0).session();
    for n in 1..5 {
        register(n).session();
    }
    let sixth = register(5);
    assert_eq!((sixth.status, sixth.kind()), (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited));
    // Six views for a free account, the guest's one included: registered without a guest's
    // token, the account counts that one as used.
    let meter = send(get(&server, "/v1/codes/I10").bearer_auth(&first.token)).card().meter.unwrap();
    assert_eq!((meter.remaining, meter.limit), (Some(4), Some(6)));
}

#[test]
fn emails_with_control_characters_are_refused_and_never_printed_raw() {
    // Refused registrations count towards the hourly limit: allow more than are tried here.
    let server = Server::start(|c| {
        c.args(["--registrations-per-hour", "100"]);
    });
    for bad in [
        "ana\u{1b}[2J@example.org",
        "ana\u{0}@example.org",
        "\"a\u{7}\"@example.org",
        // Invisible characters that make one address pass for another, in a list or a log.
        "admin\u{202e}moc.elpmaxe@evil.com",
        "ana\u{200b}@example.org",
        "ana\u{feff}@example.org",
        "a\u{2028}b@example.org",
    ] {
        let answer = send(post(&server, "/v1/account/register", credentials(bad, "correct horse")));
        assert_eq!((answer.status, answer.kind()), (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput), "{bad:?}");
    }
    // An email stored before emails were validated is printed escaped.
    let connection = rusqlite::Connection::open(&server.db).unwrap();
    connection
        .execute(
            "INSERT INTO users (email, password_hash, created_at) VALUES (?1, 'x', 0)",
            ["old\u{1b}]0;owned\u{7}@example.org"],
        )
        .unwrap();
    let list = admin(&server.db, &["users", "list"]).unwrap();
    assert!(!list.contains('\u{1b}') && !list.contains('\u{7}'), "{list:?}");
    assert!(list.contains("old\\u{1b}]0;owned\\u{7}@example.org"), "{list}");
}

#[test]
fn a_client_that_stops_reading_its_answers_loses_the_connection() {
    let server = Server::start(|c| {
        c.args(["--max-connections", "2", "--write-timeout-secs", "2"]);
    });
    // Both connection slots take thousands of pipelined searches and never read an answer:
    // the answers fill the socket buffers and the server's writes stall.
    let request = b"GET /v1/search?q=a&limit=50 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3000);
    let stalled: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
            let _ = stream.write_all(&request);
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    // A real request gets a slot once a stalled write times out.
    let answer = send(get(&server, "/v1/health"));
    assert_eq!(answer.status, StatusCode::OK);
    drop(stalled);
}

#[test]
fn wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another() {
    let server = Server::start(|c| {
        c.args(["--trust-forwarded-for", "--login-attempts-per-minute", "3"]);
    });
    let login = |from: &str, password: &str| {
        send(
            post(&server, "/v1/account/login", credentials("owner@clinic.example", password))
                .header("x-forwarded-for", from),
        )
    };
    send(post(&server, "/v1/account/register", credentials("owner@clinic.example", "correct horse"))).session();
    let attacker: Vec<StatusCode> = (0..4).map(|_| login("203.0.113.9", "wrong horse").status).collect();
    assert_eq!(attacker.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{attacker:?}");
    login("198.51.100.4", "correct horse").session();
}

#[test]
fn the_database_is_owner_only_and_the_secret_can_come_from_a_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, format!("{}\n", "s".repeat(40))).unwrap();
    let with_secret = |c: &mut Command| {
        c.arg("--secret-file").arg(&secret);
    };
    let first = Server::start(with_secret);
    let token = send(get(&first, "/v1/codes/I10")).card().visitor_token.unwrap();
    let mode = std::fs::metadata(&first.db).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    // Another database, the same secret file: the token is still recognised.
    let second = Server::start(with_secret);
    let again = send(get(&second, "/v1/codes/I10").bearer_auth(&token)).card();
    assert!(again.visitor_token.is_none(), "the guest token verified under the secret from the file");
}

#[test]
fn a_required_site_key_covers_search_and_hsts_is_sent_when_asked() {
    let server = Server::start(|c| {
        c.args(["--require-site-key", "--hsts"]);
    });
    let search = send(get(&server, "/v1/search?q=diabetes"));
    assert_eq!((search.status, search.kind()), (StatusCode::FORBIDDEN, ErrorKind::Forbidden));
    let health = send(get(&server, "/v1/health"));
    assert_eq!(health.headers["strict-transport-security"], "max-age=31536000");
    let plain = Server::start(|_| {});
    assert!(!send(get(&plain, "/v1/health")).headers.contains_key("strict-transport-security"));
}

#[test]
fn the_access_log_has_method_path_status_and_latency_but_no_token() {
    let server = Server::start(|_| {});
    let token = send(get(&server, "/v1/codes/I10")).card().visitor_token.unwrap();
    send(get(&server, "/v1/codes/E11.9?system=icd10cm").bearer_auth(&token));
    std::thread::sleep(Duration::from_millis(200));
    let log = server.log.lock().unwrap().join("\n");
    let line = log.lines().find(|l| l.contains("path=/v1/codes/E11.9")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("method=GET") && line.contains("status=200") && line.contains("ms="), "{line}");
    assert!(!line.contains("system=icd10cm"), "no query strings: {line}");
    assert!(!log.contains(token.split('.').nth(3).unwrap()), "a token reached the log");
}

#[test]
fn a_paywalled_card_carries_the_public_title_search_shows_and_search_nothing_gated() {
    let server = Server::start(|_| {});
    let token = send(get(&server, "/v1/codes/I10")).card().visitor_token.unwrap();
    let paywalled = send(get(&server, "/v1/codes/E11.65").bearer_auth(&token));
    let card = paywalled.card();
    assert!(card.paywalled);
    let found: SearchResults = serde_json::from_str(&send(get(&server, "/v1/search?q=E11.65")).body).unwrap();
    assert_eq!(card.long_description.as_deref(), Some(found.results[0].title.as_str()));
    let listing = send(get(&server, "/v1/search?q=E11&limit=50")).body;
    for gated in ["Endocrine, nutritional", "E08-E13", "poor control", "Use additional code"] {
        assert!(!paywalled.body.contains(gated), "{gated:?} in the paywalled card: {}", paywalled.body);
        assert!(!listing.contains(gated), "{gated:?} in search: {listing}");
    }
}

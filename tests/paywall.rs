//! The meter and accounts through `app()` + `oneshot`, on a real SQLite file: quotas, periods,
//! sections per plan, tokens, accounts, site keys, concurrency, and the leak test on raw JSON.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use codecard::api::{ErrorKind, Plan, SectionId};
use codecard::server::tokens::TokenKind;
use codecard::server::{MeterConfig, ServerConfig, unix_now};
use serde_json::json;

use common::client::{self, Client};

#[tokio::test]
async fn a_guest_gets_a_token_one_view_and_the_numbers_of_the_seed_sites_sentence() {
    let client = Client::metered();
    let first = client.get("/v1/codes/I10", None).await;
    assert_eq!(first.headers[header::CACHE_CONTROL], "private, no-store", "metered answers are per visitor");
    let card = first.card();
    assert_eq!(card.long_description.as_deref(), Some("Essential (primary) hypertension"));
    let meter = card.meter.unwrap();
    assert_eq!((meter.plan, meter.remaining, meter.limit, meter.counted), (Plan::Guest, Some(0), Some(1), true));
    // "Register free account to get 5 more views": the widget words it from these numbers.
    assert_eq!(meter.free_limit, Some(6));
    assert!(card.visitor_token.is_some());
}

#[tokio::test]
async fn the_second_new_code_is_paywalled_and_carries_only_its_public_title() {
    let client = Client::metered();
    let (token, _) = client.guest("I10").await;
    let answer = client.get("/v1/codes/E11.65", Some(&token)).await;
    let card = answer.card();
    assert!(card.paywalled);
    assert_eq!((card.display_code.as_str(), card.system.id()), ("E11.65", "icd10cm"));
    let meter = card.meter.unwrap();
    assert_eq!((meter.plan, meter.remaining, meter.limit, meter.free_limit), (Plan::Guest, Some(0), Some(1), Some(6)));
    // The title is public (search shows it); the short description, hierarchy and sections are not.
    assert_eq!(card.long_description.as_deref(), Some("Type 2 diabetes mellitus with hyperglycemia"));
    assert_eq!(card.short_description, None);
    for gated in ["Diabetes mellitus", "Endocrine", "E11.69", "E08-E13"] {
        assert!(!answer.body.contains(gated), "{gated:?} leaked: {}", answer.body);
    }
    assert!(card.sections.iter().all(|s| s.content.is_none()), "every section is locked");
    assert!(card.visitor_token.is_none(), "a known guest gets no new token");
}

#[tokio::test]
async fn a_paywalled_card_keeps_its_public_index_terms() {
    let client = Client::metered();
    let (token, _) = client.guest("I10").await;
    let card = client.get("/v1/codes/R55", Some(&token)).await.card();
    assert!(card.paywalled);
    for term in ["Collapse", "Fainting", "Blackout"] {
        assert!(card.also_indexed_as.iter().any(|t| t == term), "{term} in {:?}", card.also_indexed_as);
    }
}

#[tokio::test]
async fn a_guest_sees_the_index_terms_of_a_card_without_the_hierarchy() {
    let client = Client::metered();
    let answer = client.get("/v1/codes/R55", None).await;
    let card = answer.card();
    assert!(!card.paywalled);
    assert!(card.hierarchy.is_empty(), "the hierarchy stays locked for guests");
    for term in ["Collapse", "Fainting", "Blackout"] {
        assert!(card.also_indexed_as.iter().any(|t| t == term), "{term} in {:?}", card.also_indexed_as);
    }
}

#[tokio::test]
async fn reopening_a_code_viewed_this_period_is_free() {
    let client = Client::metered();
    let (token, _) = client.guest("I10").await;
    let again = client.get("/v1/codes/i10", Some(&token)).await.card();
    assert!(!again.paywalled);
    let meter = again.meter.unwrap();
    assert_eq!((meter.remaining, meter.counted), (Some(0), false));
    // Unknown and malformed codes cost nothing either.
    assert_eq!(client.get("/v1/codes/Z99.999", Some(&token)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get("/v1/codes/I10", Some(&token)).await.card().meter.unwrap().remaining, Some(0));
}

#[tokio::test]
async fn guests_see_descriptions_but_not_the_hierarchy_or_related_codes() {
    let client = Client::metered();
    let answer = client.get("/v1/codes/E11.65", None).await;
    let card = answer.card();
    assert!(card.long_description.is_some());
    assert!(card.hierarchy.is_empty());
    let locked: Vec<&str> = card.sections.iter().filter(|s| s.content.is_none()).map(|s| s.id.id()).collect();
    assert_eq!(locked, ["hierarchy", "related", "coding_notes", "coding_tips"]);
    for gated in ["Endocrine, nutritional", "E08-E13", "E11.69", "poor control"] {
        assert!(!answer.body.contains(gated), "{gated:?} leaked: {}", answer.body);
    }
    // A PCS card's axes are part of its hierarchy.
    let pcs = Client::metered().get("/v1/codes/0DTJ4ZZ", None).await;
    assert!(pcs.card().axes.is_empty());
    assert!(!pcs.body.contains("Gastrointestinal System"), "{}", pcs.body);
}

#[tokio::test]
async fn a_guests_raw_json_carries_no_coding_note_text_and_a_free_account_gets_the_notes() {
    let client = Client::metered();
    let guest = client.get("/v1/codes/E11.9", None).await;
    let visitor = guest.card().visitor_token.expect("a visitor token");
    let notes =
        guest.card().sections.into_iter().find(|s| s.id == SectionId::CodingNotes).expect("a locked notes section");
    assert_eq!(notes.content, None);
    for note in
        ["type 1 diabetes mellitus", "E10.-", "Z79.4", "insulin", "excludes1", "use_additional_code", "Endocrine"]
    {
        assert!(!guest.body.contains(note), "{note:?} leaked: {}", guest.body);
    }
    let session = client.register("notes@clinic.example", Some(&visitor)).await;
    let free = client.get("/v1/codes/E11.9", Some(&session.token)).await;
    assert!(free.body.contains("insulin (Z79.4)"), "free accounts see the notes: {}", free.body);
}

#[tokio::test]
async fn forged_altered_and_expired_tokens_are_401() {
    let client = Client::metered();
    let (token, _) = client.guest("I10").await;
    let signer = &client.state.signer;
    let foreign = codecard::server::tokens::Signer::new(b"another secret of enough length!".to_vec());
    let id = signer.verify(&token, unix_now()).unwrap().id;
    for bad in [
        token.replacen("g.", "g.x", 1),
        format!("{token}x"),
        foreign.sign(TokenKind::Guest, &id, unix_now() + 3600),
        signer.sign(TokenKind::Guest, &id, unix_now() - 1),
        "not-a-token".to_string(),
    ] {
        let answer = client.get("/v1/codes/I10", Some(&bad)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(answer.error(), ErrorKind::InvalidToken);
    }
    let basic = client
        .send(Request::get("/v1/codes/I10").header(header::AUTHORIZATION, "Basic YTpi").body(Body::empty()).unwrap())
        .await;
    assert_eq!((basic.status, basic.error()), (StatusCode::UNAUTHORIZED, ErrorKind::InvalidToken));
}

#[tokio::test]
async fn new_guest_identities_are_capped_per_address() {
    let client = Client::new(ServerConfig {
        meter: MeterConfig { new_guests_per_ip: 2, ..MeterConfig::default() },
        trust_forwarded_for: true,
        ..ServerConfig::default()
    });
    let from = |ip: &str| Request::get("/v1/codes/I10").header("x-forwarded-for", ip).body(Body::empty()).unwrap();
    assert_eq!(client.send(from("203.0.113.7")).await.status, StatusCode::OK);
    assert_eq!(client.send(from("203.0.113.7")).await.status, StatusCode::OK);
    let third = client.send(from("203.0.113.7")).await;
    assert_eq!((third.status, third.error()), (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited));
    assert_eq!(client.send(from("198.51.100.1")).await.status, StatusCode::OK, "other addresses are not affected");
}

/// The seconds a 429 asks the client to wait, from its `Retry-After` (RFC 6585 says a 429 may
/// carry one; clients and proxies back off by it instead of retrying at once).
fn retry_after(answer: &client::Answer) -> u64 {
    let value = answer.headers.get(header::RETRY_AFTER).expect("a 429 carries Retry-After");
    value.to_str().unwrap().parse().expect("Retry-After in seconds")
}

#[tokio::test]
async fn a_capped_address_is_told_to_retry_after_the_hour_it_was_capped_in() {
    let client = Client::new(ServerConfig {
        meter: MeterConfig { new_guests_per_ip: 1, ..MeterConfig::default() },
        ..ServerConfig::default()
    });
    assert_eq!(client.get("/v1/codes/I10", None).await.status, StatusCode::OK);
    let capped = client.get("/v1/codes/I10", None).await;
    assert_eq!(capped.status, StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&capped);
    assert!((1..=3600).contains(&wait), "until the hour's cap ends: {wait}");
}

#[tokio::test]
async fn a_rate_limited_log_in_is_told_to_retry_after_at_most_a_minute() {
    let client = Client::new(ServerConfig { attempts_per_minute: 1.try_into().unwrap(), ..ServerConfig::default() });
    let attempt =
        || client.post_json("/v1/account/login", json!({"email": "x@clinic.example", "password": "guess guess"}), None);
    assert_eq!(attempt().await.status, StatusCode::UNAUTHORIZED);
    let limited = attempt().await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&limited);
    assert!((1..=60).contains(&wait), "until the next attempt is allowed: {wait}");
}

#[tokio::test]
async fn a_rate_limited_registration_is_told_to_retry_after_at_most_an_hour() {
    let client = Client::new(ServerConfig { registrations_per_hour: 1.try_into().unwrap(), ..ServerConfig::default() });
    let register = |email: &str| {
        client.post_json("/v1/account/register", json!({"email": email, "password": "correct horse battery"}), None)
    };
    assert_eq!(register("one@clinic.example").await.status, StatusCode::CREATED);
    let limited = register("two@clinic.example").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&limited);
    assert!((1..=3600).contains(&wait), "until the next registration is allowed: {wait}");
}

#[tokio::test]
async fn registering_carries_the_guest_views_over_and_counts_down_five_more() {
    let client = Client::metered();
    let (visitor, _) = client.guest("I10").await;
    assert!(client.get("/v1/codes/E11.65", Some(&visitor)).await.card().paywalled);
    let session = client.register("Ana@Clinic.example", Some(&visitor)).await;
    assert_eq!((session.plan, session.email.as_str()), (Plan::Free, "Ana@Clinic.example"));

    // The card the guest was on now opens: the second of six views.
    let card = client.get("/v1/codes/E11.65", Some(&session.token)).await.card();
    assert!(!card.paywalled);
    assert!(!card.hierarchy.is_empty(), "free accounts see the hierarchy");
    let meter = card.meter.unwrap();
    assert_eq!(
        (meter.plan, meter.remaining, meter.account.as_deref()),
        (Plan::Free, Some(4), Some("Ana@Clinic.example"))
    );
    assert_eq!(meter.limit, Some(6));
    for (code, remaining) in [("E11.9", 3), ("Z79.4", 2), ("E78.5", 1), ("I21.9", 0)] {
        let meter = client.get(&format!("/v1/codes/{code}"), Some(&session.token)).await.card().meter.unwrap();
        assert_eq!(meter.remaining, Some(remaining), "{code}");
    }
    let seventh = client.get("/v1/codes/I63.9", Some(&session.token)).await;
    assert!(seventh.card().paywalled, "the 7th new code is locked");
    assert!(!seventh.body.contains("Cerebrovascular diseases"), "only the title is public: {}", seventh.body);
    assert!(!client.get("/v1/codes/I10", Some(&session.token)).await.card().paywalled, "viewed codes still open");
}

#[tokio::test]
async fn plans_decide_the_sections_and_paid_is_unlimited() {
    let client = Client::metered();
    let session = client.register("coder@clinic.example", None).await;
    let free = client.get("/v1/codes/I10", Some(&session.token)).await;
    let tips = free.card().sections.into_iter().find(|s| s.id == SectionId::CodingTips).expect("a coding tips section");
    assert!(tips.content.is_none(), "coding tips are for paid plans");
    assert!(!free.body.contains("combination categories"), "{}", free.body);

    assert!(client.state.store.set_plan("CODER@clinic.example", Plan::Paid).await.unwrap());
    let paid = client.get("/v1/codes/I10", Some(&session.token)).await;
    assert!(paid.body.contains("combination categories"), "paid accounts see coding tips");
    let meter = paid.card().meter.unwrap();
    assert_eq!((meter.plan, meter.remaining), (Plan::Paid, None));
    assert_eq!(meter.limit, None);
    for code in ["E11.9", "E11.65", "Z79.4", "E78.5", "I21.9", "I63.9", "0DTJ4ZZ"] {
        assert!(!client.get(&format!("/v1/codes/{code}"), Some(&session.token)).await.card().paywalled, "{code}");
    }
}

#[tokio::test]
async fn log_in_does_not_tell_unknown_emails_from_wrong_passwords() {
    let client = Client::metered();
    client.register("ana@clinic.example", None).await;
    let wrong_password = client
        .post_json("/v1/account/login", json!({"email": "ana@clinic.example", "password": "wrong horse"}), None)
        .await;
    let unknown_email = client
        .post_json("/v1/account/login", json!({"email": "bob@clinic.example", "password": "wrong horse"}), None)
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong_password.status, &wrong_password.body), (unknown_email.status, &unknown_email.body));
    assert_eq!(wrong_password.error(), ErrorKind::InvalidCredentials);
    let right = client
        .post_json("/v1/account/login", json!({"email": "ANA@clinic.example", "password": "correct horse"}), None)
        .await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
}

#[tokio::test]
async fn log_in_attempts_are_rate_limited() {
    let client = Client::new(ServerConfig { attempts_per_minute: 3.try_into().unwrap(), ..ServerConfig::default() });
    let attempt =
        || client.post_json("/v1/account/login", json!({"email": "x@clinic.example", "password": "guess guess"}), None);
    for _ in 0..3 {
        assert_eq!(attempt().await.status, StatusCode::UNAUTHORIZED);
    }
    let limited = attempt().await;
    assert_eq!((limited.status, limited.error()), (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited));
}

#[tokio::test]
async fn logging_out_revokes_the_session() {
    let client = Client::metered();
    let session = client.register("ana@clinic.example", None).await;
    assert_eq!(client.get("/v1/codes/I10", Some(&session.token)).await.status, StatusCode::OK);
    let out = client.post_json("/v1/account/logout", json!({}), Some(&session.token)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    let after = client.get("/v1/codes/I10", Some(&session.token)).await;
    assert_eq!((after.status, after.error()), (StatusCode::UNAUTHORIZED, ErrorKind::InvalidToken));
    let again = client.post_json("/v1/account/logout", json!({}), Some(&session.token)).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registration_input_errors_are_clear() {
    let client = Client::metered();
    client.register("ana@clinic.example", None).await;
    let cases = [
        (
            json!({"email": "ANA@clinic.example", "password": "another one"}),
            StatusCode::CONFLICT,
            ErrorKind::EmailTaken,
        ),
        (json!({"email": "not an email", "password": "long enough"}), StatusCode::BAD_REQUEST, ErrorKind::InvalidInput),
        (json!({"email": "bob@clinic.example", "password": "short"}), StatusCode::BAD_REQUEST, ErrorKind::InvalidInput),
        (json!({"email": "bob@clinic.example"}), StatusCode::BAD_REQUEST, ErrorKind::InvalidInput),
    ];
    for (body, status, kind) in cases {
        let answer = client.post_json("/v1/account/register", body.clone(), None).await;
        assert_eq!((answer.status, answer.error()), (status, kind), "{body}");
    }
    let garbage = client
        .send(
            Request::post("/v1/account/register")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{nope"))
                .unwrap(),
        )
        .await;
    assert_eq!((garbage.status, garbage.error()), (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput));
    let huge = json!({"email": "bob@clinic.example", "password": "x".repeat(64 * 1024)});
    let answer = client.post_json("/v1/account/register", huge, None).await;
    assert_eq!((answer.status, answer.error()), (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::PayloadTooLarge));
}

#[tokio::test]
async fn site_keys_admit_only_their_origins() {
    let client = Client::metered();
    client.state.store.add_site_key("ck_demo", &["https://clinic.example".to_string()], 0).await.unwrap();
    let request = |key: Option<&str>, origin: Option<&str>| {
        let mut request = Request::get("/v1/codes/I10");
        if let Some(key) = key {
            request = request.header("x-codecard-key", key);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        request.body(Body::empty()).unwrap()
    };
    assert_eq!(client.send(request(Some("ck_demo"), Some("https://clinic.example"))).await.status, StatusCode::OK);
    for (key, origin) in [
        (Some("ck_demo"), Some("https://evil.example")),
        (Some("ck_demo"), None),
        (Some("ck_unknown"), Some("https://clinic.example")),
    ] {
        let answer = client.send(request(key, origin)).await;
        assert_eq!(
            (answer.status, answer.error()),
            (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            "{key:?} {origin:?}"
        );
    }
    assert_eq!(client.send(request(None, Some("https://evil.example"))).await.status, StatusCode::OK, "keys optional");

    let strict = Client::new(ServerConfig { require_site_key: true, ..ServerConfig::default() });
    let answer = strict.send(request(None, Some("https://clinic.example"))).await;
    assert_eq!((answer.status, answer.error()), (StatusCode::FORBIDDEN, ErrorKind::Forbidden));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_first_views_grant_exactly_the_quota() {
    let client = Client::new(ServerConfig {
        meter: MeterConfig { guest_views: 5, free_views: 5, ..MeterConfig::default() },
        ..ServerConfig::default()
    });
    let (token, _) = client.guest("I10").await; // one of the five
    let codes: Vec<String> = client.state.catalog.icd10cm_codes().take(201).skip(1).map(String::from).collect();
    let tasks: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let (app, token) = (client.app.clone(), token.clone());
            tokio::spawn(async move {
                let answer = client::send(&app, client::get(&format!("/v1/codes/icd10cm/{code}"), Some(&token))).await;
                !answer.card().paywalled
            })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        granted += task.await.unwrap() as usize;
    }
    assert_eq!(granted, 4, "exactly the four views left, never one more");
}

#[tokio::test]
async fn a_locked_database_is_a_503_and_counts_nothing() {
    let client = Client::with_busy_timeout(Duration::from_millis(200));
    // A guest with no views spent yet: the guest quota is one view.
    let (token, _) = client.guest("I10").await;
    assert_eq!(client.views_in_database(), 1);

    let locker = rusqlite::Connection::open(&client.database).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let refused = client.get("/v1/codes/E11.9", Some(&token)).await;
    assert_eq!((refused.status, refused.error()), (StatusCode::SERVICE_UNAVAILABLE, ErrorKind::StorageUnavailable));
    locker.execute_batch("ROLLBACK").unwrap();

    assert_eq!(client.views_in_database(), 1, "the refused request recorded no view");
    // The endpoint recovers once the lock is gone (`card()` insists on a 200).
    let card = client.get("/v1/codes/I10", Some(&token)).await.card();
    assert!(!card.paywalled && !card.meter.unwrap().counted, "I10 reopens free");
}

#[tokio::test]
async fn the_account_pages_are_strict_and_same_origin() {
    let client = Client::metered();
    for path in ["/account/login", "/account/register"] {
        let page = client.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(page.body.contains(r#"type="password""#));
        assert!(!page.body.contains("{{"), "every placeholder filled");
    }
}

#[tokio::test]
async fn the_register_page_states_the_endpoints_own_quotas_and_password_length() {
    let client = Client::new(ServerConfig {
        meter: MeterConfig { guest_views: 2, free_views: 12, ..MeterConfig::default() },
        ..ServerConfig::default()
    });
    let page = client.get("/account/register", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("A free account gets 10 more code views."), "{}", page.body);
    assert!(!page.body.contains("5 more"), "{}", page.body);
    assert!(page.body.contains("At least 8 characters") && page.body.contains(r#"minlength="8""#), "{}", page.body);
}

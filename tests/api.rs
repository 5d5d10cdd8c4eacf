//! The endpoint through `app()` + `oneshot`: every route, every error kind, the real data.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use codecard::api::Plan;
use codecard::api::{
    Card, CodeRef, CodeSystem, ErrorBody, ErrorKind, Health, NoteGroup, NoteKind, NoteLevel, NoteSource, NoteText,
    PeekBatch, Peeked, SectionContent, SeventhCharacters, SeventhValue,
};
use codecard::server::{MeterConfig, ServerConfig};
use common::client::{self, Client};

/// The endpoint with the meter off: these tests are about the code data and the HTTP surface;
/// tests/paywall.rs covers the meter.
fn app() -> Router {
    client::shared_router(|| ServerConfig {
        meter: MeterConfig { enabled: false, ..MeterConfig::default() },
        ..ServerConfig::default()
    })
}

async fn send(method: Method, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request =
        Request::builder().method(method).uri(uri).header("Origin", "https://clinic.example").body(Body::empty());
    let answer = client::send(&app(), request.unwrap()).await;
    (answer.status, answer.headers, answer.bytes.to_vec())
}

async fn card(uri: &str) -> Card {
    let (status, headers, body) = send(Method::GET, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&body));
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    serde_json::from_slice(&body).expect("a card")
}

async fn error(uri: &str, method: Method) -> (StatusCode, ErrorBody) {
    let (status, headers, body) = send(method, uri).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{uri}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{uri}");
    (status, serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{uri}: JSON error body, got {body:?}")))
}

#[tokio::test]
async fn i10_is_essential_hypertension() {
    let card = card("/v1/codes/I10").await;
    assert_eq!(card.system, CodeSystem::Icd10cm);
    assert_eq!(card.display_code, "I10");
    assert!(card.billable);
    assert_eq!(card.long_description.as_deref(), Some("Essential (primary) hypertension"));
    assert_eq!(card.release, "FY2026 (April 1, 2026 update)");
    let block = card.hierarchy.iter().find(|l| l.level == codecard::api::Level::Block).expect("a block");
    assert_eq!(block.code, "I10-I1A");
    assert!(card.hierarchy[0].title.starts_with("Chapter 9: Diseases of the circulatory system"));
}

#[tokio::test]
async fn dotted_undotted_and_lower_case_forms_give_the_same_card() {
    let dotted = card("/v1/codes/E11.9").await;
    assert_eq!(dotted, card("/v1/codes/E119").await);
    assert_eq!(dotted, card("/v1/codes/e11.9").await);
    assert_eq!(dotted, card("/v1/codes/icd10cm/e119").await);
    assert_eq!(dotted, card("/v1/codes/E11.9?system=ICD-10-CM").await);
    assert_eq!(dotted.code, "E119");
    assert_eq!(dotted.display_code, "E11.9");
    assert_eq!(dotted.long_description.as_deref(), Some("Type 2 diabetes mellitus without complications"));
}

#[tokio::test]
async fn icd10cm_hierarchy_runs_chapter_block_category() {
    let card = card("/v1/codes/E11.65").await;
    let chain: Vec<(&str, &str)> = card.hierarchy.iter().map(|l| (l.level.id(), l.code.as_str())).collect();
    assert_eq!(
        chain,
        vec![("chapter", "E00-E89"), ("block", "E08-E13"), ("category", "E11"), ("subcategory", "E11.6")]
    );
    assert_eq!(card.hierarchy[1].title, "Diabetes mellitus");
    // A billable code lists its siblings, not itself.
    let Some(SectionContent::Codes { codes }) = &card.sections[0].content else { panic!("related codes") };
    assert!(codes.iter().any(|c| c.display_code == "E11.69"));
    assert!(codes.iter().all(|c| c.display_code != "E11.65"));
}

#[tokio::test]
async fn a_category_header_is_not_billable_and_lists_its_children() {
    let card = card("/v1/codes/E11").await;
    assert!(!card.billable);
    assert!(card.descriptor_note.unwrap().contains("not valid on a claim"));
    let Some(SectionContent::Codes { codes }) = &card.sections[0].content else { panic!("children") };
    let children: Vec<&str> = codes.iter().map(|c| c.display_code.as_str()).collect();
    assert!(children.contains(&"E11.0") && children.contains(&"E11.9"), "{children:?}");
    assert!(!children.contains(&"E11.65"), "grandchildren are not children");
}

#[tokio::test]
async fn a_single_category_block_wins_over_an_enclosing_range() {
    // C7A sorts inside C76-C80 but is a block of its own.
    let card = card("/v1/codes/C7A.00").await;
    let block = card.hierarchy.iter().find(|l| l.level == codecard::api::Level::Block).unwrap();
    assert_eq!(block.code, "C7A");
}

#[tokio::test]
async fn pcs_code_carries_its_seven_axes() {
    let card = card("/v1/codes/0DTJ4ZZ").await;
    assert_eq!(card.system, CodeSystem::Icd10pcs);
    assert_eq!(card.long_description.as_deref(), Some("Resection of Appendix, Percutaneous Endoscopic Approach"));
    let axes: Vec<(u8, &str, &str, &str)> =
        card.axes.iter().map(|a| (a.position, a.name.as_str(), a.value.as_str(), a.label.as_str())).collect();
    assert_eq!(
        axes,
        vec![
            (1, "Section", "0", "Medical and Surgical"),
            (2, "Body System", "D", "Gastrointestinal System"),
            (3, "Root Operation", "T", "Resection"),
            (4, "Body Part", "J", "Appendix"),
            (5, "Approach", "4", "Percutaneous Endoscopic"),
            (6, "Device", "Z", "No Device"),
            (7, "Qualifier", "Z", "No Qualifier"),
        ]
    );
    assert!(card.axes[2].definition.as_deref().unwrap().starts_with("Cutting out or off, without replacement"));
    assert_eq!(card.hierarchy.len(), 3);
}

#[tokio::test]
async fn cpt_demo_cards_carry_no_official_descriptor() {
    let card = card("/v1/codes/37243").await;
    assert_eq!(card.system, CodeSystem::Cpt);
    assert_eq!(card.long_description, None, "official CPT text only comes from a licensed import");
    assert!(card.descriptor_note.unwrap().contains("licensed"));
    assert!(card.plain_language.is_some());
    assert!(card.attribution.contains("American Medical Association"));
}

#[tokio::test]
async fn hcpcs_demo_codes_resolve() {
    let card = card("/v1/codes/hcpcs/A4253").await;
    assert_eq!(card.system, CodeSystem::Hcpcs);
    let short = card.short_description.unwrap();
    assert!(short.to_lowercase().contains("strip"), "{short}");
}

#[tokio::test]
async fn a_code_in_two_systems_asks_which_one() {
    // J11.00 (influenza, ICD-10-CM) and J1100 (dexamethasone, HCPCS) share the undotted form.
    let (status, body) = error("/v1/codes/J1100", Method::GET).await;
    assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(body.error.kind, ErrorKind::AmbiguousCode);
    assert_eq!(body.error.candidates, vec![CodeSystem::Icd10cm, CodeSystem::Hcpcs]);
    assert_eq!(card("/v1/codes/J1100?system=hcpcs").await.system, CodeSystem::Hcpcs);
    assert_eq!(card("/v1/codes/J11.00").await.system, CodeSystem::Icd10cm, "a dot means ICD-10-CM");
}

#[tokio::test]
async fn malformed_codes_are_400() {
    for uri in ["/v1/codes/E11..9", "/v1/codes/%3Cscript%3E", "/v1/codes/123", "/v1/codes/cpt/E11.9", "/v1/codes/9921"]
    {
        let (status, body) = error(uri, Method::GET).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body.error.kind, ErrorKind::MalformedCode, "{uri}");
        assert!(!body.error.message.is_empty());
    }
}

#[tokio::test]
async fn unknown_systems_and_bad_paths_are_400() {
    let (status, body) = error("/v1/codes/snomed/44054006", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::BAD_REQUEST, ErrorKind::UnknownSystem));
    let (status, body) = error("/v1/codes/I10?system=loinc", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::BAD_REQUEST, ErrorKind::UnknownSystem));
    let (status, body) = error("/v1/codes/%FF%FE", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::BAD_REQUEST, ErrorKind::BadRequest));
}

#[tokio::test]
async fn unknown_codes_are_404() {
    let (status, body) = error("/v1/codes/Z99.999", Method::GET).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body.error.kind, ErrorKind::UnknownCode);
    assert_eq!(body.error.message, "Z99.999 is not a code in ICD-10-CM.");
    let (status, body) = error("/v1/codes/00000", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::NOT_FOUND, ErrorKind::UnknownCode));
}

#[tokio::test]
async fn unknown_routes_are_json_404_and_wrong_methods_json_405() {
    let (status, body) = error("/v1/nothing-here", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::NOT_FOUND, ErrorKind::NotFound));
    let (status, body) = error("/v1/codes/I10", Method::POST).await;
    assert_eq!((status, body.error.kind), (StatusCode::METHOD_NOT_ALLOWED, ErrorKind::MethodNotAllowed));
    let (status, body) = error("/v1/codes/I10", Method::DELETE).await;
    assert_eq!((status, body.error.kind), (StatusCode::METHOD_NOT_ALLOWED, ErrorKind::MethodNotAllowed));
}

#[tokio::test]
async fn cards_allow_any_origin_and_cache_briefly() {
    let (status, headers, _) = send(Method::GET, "/v1/codes/I10").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn another_origin_may_read_the_headers_a_client_acts_on() {
    let (_, headers, _) = send(Method::GET, "/v1/codes/I10").await;
    let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS].to_str().unwrap().to_ascii_lowercase();
    for name in ["x-codecard-visitor-token", "retry-after", "www-authenticate"] {
        assert!(exposed.split(',').any(|h| h.trim() == name), "{name} not in {exposed}");
    }
}

#[tokio::test]
async fn a_refused_token_is_401_with_a_bearer_challenge() {
    let client = Client::new(ServerConfig::default());
    let answer = client.get("/v1/codes/I10", Some("forged.token")).await;
    assert_eq!((answer.status, answer.error()), (StatusCode::UNAUTHORIZED, ErrorKind::InvalidToken));
    assert_eq!(answer.headers[header::WWW_AUTHENTICATE], "Bearer realm=\"codecard\", error=\"invalid_token\"");
}

#[tokio::test]
async fn preflight_requests_are_answered() {
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/codes/I10")
        .header("Origin", "https://clinic.example")
        .header("Access-Control-Request-Method", "GET")
        .body(Body::empty());
    let answer = client::send(&app(), preflight.unwrap()).await;
    assert!(answer.status.is_success());
    assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn health_reports_the_full_code_sets() {
    let (status, _, body) = send(Method::GET, "/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    let health: Health = serde_json::from_slice(&body).unwrap();
    let count = |system| health.systems.iter().find(|s| s.system == system).unwrap().codes;
    // The April 2026 release (98,186 codes) and the 12 FY2025 codes it deleted, kept and marked.
    assert_eq!(count(CodeSystem::Icd10cm), 98_198);
    assert_eq!(count(CodeSystem::Icd10pcs), 68_367);
    assert!(count(CodeSystem::Cpt) >= 20);
    assert!(count(CodeSystem::Hcpcs) >= 20);
}

#[tokio::test]
async fn the_loader_names_an_immutable_build_directory() {
    let (status, headers, body) = send(Method::GET, "/widget/loader.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    let loader = String::from_utf8(body).unwrap();
    assert!(!loader.contains("__CODECARD_BUILD__"));
    // The build id is the only 16-hex-digit string literal in the loader (minified or not).
    let build = loader
        .split('"')
        .find(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
        .expect("a build id")
        .to_string();
    assert_eq!(build.len(), 16);

    let (status, headers, body) = send(Method::GET, &format!("/widget/{build}/codecard.css")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert!(String::from_utf8(body).unwrap().contains(".cc-dialog"));
    // A stale build id still gets the file, but must not be cached for a year.
    let (_, headers, _) = send(Method::GET, "/widget/0000000000000000/codecard.css").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (status, body) = error("/widget/0000000000000000/secrets.txt", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::NOT_FOUND, ErrorKind::NotFound));
}

#[tokio::test]
async fn demo_pages_are_served_and_missing_pages_are_json_404() {
    let (status, headers, body) = send(Method::GET, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(String::from_utf8(body).unwrap().contains("/widget/loader.js"));
    let (status, body) = error("/no-such-page.html", Method::GET).await;
    assert_eq!((status, body.error.kind), (StatusCode::NOT_FOUND, ErrorKind::NotFound));
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let request = Request::builder().uri("/v1/codes/0DTJ4ZZ").header("Accept-Encoding", "br").body(Body::empty());
    let answer = client::send(&app(), request.unwrap()).await;
    assert_eq!(answer.headers[header::CONTENT_ENCODING], "br");
}

async fn post_json(uri: &str, body: &str) -> (StatusCode, Vec<u8>) {
    let answer = client::send(&app(), client::post(uri, "application/json", body.to_string(), None)).await;
    (answer.status, answer.bytes.to_vec())
}

#[tokio::test]
async fn exists_confirms_detected_codes_in_one_batch() {
    let body = r#"{"codes":[
        {"code":"E11.9","system":"icd10cm"},{"code":"E11.9"},{"code":"Z99.999","system":"icd10cm"},
        {"code":"99214","system":"cpt"},{"code":"12345","system":"cpt"},{"code":"J1100","system":"hcpcs"},
        {"code":"J11.00","system":"hcpcs"},{"code":"0DTJ4ZZ","system":"icd10pcs"},{"code":"A1C","system":"icd10cm"},
        {"code":"<b>","system":"cpt"}]}"#;
    let (status, answer) = post_json("/v1/codes/exists", body).await;
    assert_eq!(status, StatusCode::OK);
    let answer: codecard::api::ExistsAnswer = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer.known, [true, true, false, true, false, true, false, true, false, false]);
}

#[tokio::test]
async fn exists_refuses_oversized_and_malformed_batches() {
    let many = format!(r#"{{"codes":[{}]}}"#, vec![r#"{"code":"I10"}"#; 1001].join(","));
    let (status, body) = post_json("/v1/codes/exists", &many).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&body));
    let (status, _) = post_json("/v1/codes/exists", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// `POST /demo/echo` with a form body on an endpoint built with or without `demo_echo`.
async fn post_form(demo_echo: bool, body: &str) -> (StatusCode, Vec<u8>) {
    let echo = Client::new(ServerConfig { demo_echo, ..ServerConfig::default() });
    let answer =
        echo.send(client::post("/demo/echo", "application/x-www-form-urlencoded", body.to_string(), None)).await;
    (answer.status, answer.bytes.to_vec())
}

#[tokio::test]
async fn demo_echo_shows_a_forms_fields_in_order_with_repeated_names_escaped() {
    let (status, body) = post_form(true, "patient=Ana+Ruiz&dx=E11.9&dx=I10&note=%3Cb%3E%26").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let page = String::from_utf8(body).unwrap();
    assert!(
        page.contains(
            r#"<pre id="fields">[["patient","Ana Ruiz"],["dx","E11.9"],["dx","I10"],["note","&lt;b&gt;&amp;"]]</pre>"#
        ),
        "{page}"
    );
}

#[tokio::test]
async fn demo_echo_is_not_mounted_by_default() {
    let (status, body) = post_form(false, "dx=E11.9").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{}", String::from_utf8_lossy(&body));
    assert!(!String::from_utf8_lossy(&body).contains("E11.9"));
}

/// Every refused token answers the same 401 `invalid_token`; the reason stays with the error
/// for the operator's log, from the one place tokens are verified.
#[test]
fn a_refused_token_keeps_why_it_was_refused() {
    use axum::http::{HeaderMap, HeaderValue};
    use codecard::server::AppError;
    use codecard::server::tokens::{Refusal, Signer, TokenError, TokenKind};
    use codecard::server::visitor::{self, ClientIp};

    let (_dir, state) = common::state(ServerConfig::default());
    let now = 1_800_000_000;
    let ip = ClientIp("203.0.113.7".into());
    let user = common::block_on(state.store.create_user("refused@example.com", "not-a-hash", now)).unwrap().unwrap();
    common::block_on(state.store.create_session("bound", user.id, Some("https://clinic.example"), now, now + 3600))
        .unwrap();
    let refusal = |authorization: &str, origin: Option<&str>| {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        match common::block_on(visitor::resolve(&state, &headers, &ip, now)) {
            Err(AppError::InvalidToken(refusal)) => refusal,
            Err(other) => panic!("{authorization}: {other:?}"),
            Ok(_) => panic!("{authorization}: accepted"),
        }
    };
    let bearer = |kind, id: &str, expires| format!("Bearer {}", state.signer.sign(kind, id, expires));

    assert_eq!(refusal("Basic dXNlcjpwdw==", None), Refusal::NotBearer);
    assert_eq!(refusal("Bearer nonsense", None), Refusal::Token(TokenError::Malformed));
    let forged = Signer::new(b"x".repeat(32)).sign(TokenKind::Guest, "abc", now + 60);
    assert_eq!(refusal(&format!("Bearer {forged}"), None), Refusal::Token(TokenError::BadSignature));
    assert_eq!(refusal(&bearer(TokenKind::Guest, "abc", now - 1), None), Refusal::Token(TokenError::Expired));
    assert_eq!(refusal(&bearer(TokenKind::Session, "logged-out", now + 60), None), Refusal::Revoked);
    let session = bearer(TokenKind::Session, "bound", now + 60);
    assert_eq!(refusal(&session, Some("https://elsewhere.example")), Refusal::OtherOrigin);

    let guest = state.signer.sign(TokenKind::Guest, "abc", now + 60);
    let logout = common::block_on(visitor::session_user(&state, &guest, None, now));
    assert!(matches!(logout, Err(AppError::InvalidToken(Refusal::NotASession))), "{:?}", logout.err());
}

/// The contract itself: each kind of section content reads back as written, chosen by its
/// `type`; a `type` without its field, or an unknown `type`, is refused rather than read as empty.
#[test]
fn section_contents_read_back_by_type_and_a_type_without_its_field_is_refused() {
    let contents = [
        SectionContent::Text { paragraphs: vec!["Code first the underlying condition.".into(), "Second.".into()] },
        SectionContent::Codes {
            codes: vec![CodeRef {
                system: CodeSystem::Icd10cm,
                display_code: "E11.9".into(),
                title: "Type 2 diabetes mellitus without complications".into(),
            }],
        },
        SectionContent::Notes {
            groups: vec![NoteGroup {
                kind: NoteKind::Excludes1,
                from: Some(NoteSource { level: NoteLevel::Category, code: "S72".into() }),
                notes: vec![NoteText { text: "traumatic amputation of hip and thigh (S78.-)".into(), codes: vec![] }],
            }],
            seventh: Some(SeventhCharacters {
                defined_at: "S72".into(),
                this: Some(SeventhValue {
                    character: "A".into(),
                    meaning: "initial encounter for closed fracture".into(),
                }),
                placeholder: false,
                values: vec![SeventhValue {
                    character: "A".into(),
                    meaning: "initial encounter for closed fracture".into(),
                }],
            }),
        },
        SectionContent::Notes { groups: vec![], seventh: None },
    ];
    for content in contents {
        let json = serde_json::to_string(&content).unwrap();
        assert_eq!(serde_json::from_str::<SectionContent>(&json).unwrap(), content, "{json}");
    }
    for (json, missing) in [
        (r#"{"type":"text","codes":[]}"#, "paragraphs"),
        (r#"{"type":"codes","paragraphs":[]}"#, "codes"),
        (r#"{"type":"notes","seventh":null}"#, "groups"),
        (r#"{"type":"table","paragraphs":[]}"#, "unknown variant `table`"),
    ] {
        let error = serde_json::from_str::<SectionContent>(json).unwrap_err().to_string();
        assert!(error.contains(missing), "{json}: {error}");
    }
}

/// `GET /v1/peek/...` on a metered endpoint, asked by a paid session: the public part a visitor
/// with no views left receives, never more, and no view counted.
#[tokio::test]
async fn a_peek_carries_no_gated_content_even_for_a_paid_session_and_counts_no_view() {
    let client = Client::metered();
    let session = client.register("peek@clinic.example", None).await;
    assert!(client.state.store.set_plan("peek@clinic.example", Plan::Paid).await.unwrap());
    for uri in ["/v1/peek/E11.65", "/v1/peek/icd10cm/e1165", "/v1/peek/E1165?system=ICD-10-CM"] {
        let answer = client.get(uri, Some(&session.token)).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert_eq!(answer.headers[header::CACHE_CONTROL], "public, max-age=300", "the same for every visitor");
        let card = answer.card();
        assert!(card.paywalled, "{uri}: a peek is the public part");
        assert_eq!((card.meter, card.visitor_token), (None, None));
        assert_eq!(card.long_description.as_deref(), Some("Type 2 diabetes mellitus with hyperglycemia"));
        assert!(card.sections.iter().all(|s| s.content.is_none()), "{uri}: every section locked");
        for gated in ["Diabetes mellitus", "Endocrine", "E11.69", "E08-E13", "insulin", "Use additional"] {
            assert!(!answer.body.contains(gated), "{uri}: {gated:?} leaked: {}", answer.body);
        }
    }
    assert_eq!(client.views_in_database(), 0, "a peek counts no view");
    // The same session's card is whole, and its view is counted then, once.
    let card = client.get("/v1/codes/E11.65", Some(&session.token)).await.card();
    assert!(!card.paywalled && card.meter.unwrap().counted);
    assert_eq!(client.views_in_database(), 1);
}

/// A peek is exactly the paywalled card without the meter, creates no guest (the per-address cap
/// on new guests is untouched by many peeks) and leaves a guest's one view where it was.
#[tokio::test]
async fn a_peek_is_the_paywalled_card_without_a_meter_and_creates_no_guest() {
    let client = Client::metered();
    for _ in 0..25 {
        let peek = client.get("/v1/peek/I10", None).await;
        assert_eq!(peek.status, StatusCode::OK);
        assert!(peek.card().visitor_token.is_none(), "no guest from a peek");
    }
    let (token, first) = client.guest("I10").await;
    assert!(!first.paywalled && first.meter.unwrap().counted, "the guest still has its one view");
    let walled = client.get("/v1/codes/E11.65", Some(&token)).await.card();
    assert!(walled.paywalled);
    let peek = client.get("/v1/peek/E11.65", Some(&token)).await.card();
    assert_eq!(peek, Card { meter: None, ..walled });
    assert_eq!(client.views_in_database(), 1);
}

/// Unmetered, nothing is gated: the peek is the whole card, with the code errors of a lookup.
#[tokio::test]
async fn an_unmetered_peek_is_the_whole_card_and_reports_code_errors_like_a_lookup() {
    let whole = card("/v1/codes/E11.65").await;
    assert_eq!(card("/v1/peek/E11.65").await, whole);
    assert!(!whole.paywalled);
    for (uri, status, kind) in [
        ("/v1/peek/E11..9", StatusCode::BAD_REQUEST, ErrorKind::MalformedCode),
        ("/v1/peek/Z99.999", StatusCode::NOT_FOUND, ErrorKind::UnknownCode),
        ("/v1/peek/nope/I10", StatusCode::BAD_REQUEST, ErrorKind::UnknownSystem),
        ("/v1/peek/J1100", StatusCode::MULTIPLE_CHOICES, ErrorKind::AmbiguousCode),
    ] {
        let (got, body) = error(uri, Method::GET).await;
        assert_eq!((got, body.error.kind), (status, kind), "{uri}");
    }
}

/// The peek sits behind the same admission as the other unmetered routes: a required site key
/// covers it as it covers search, and a key admits only its origins.
#[tokio::test]
async fn a_required_site_key_covers_the_peek_as_it_covers_search() {
    let strict = Client::new(ServerConfig { require_site_key: true, ..ServerConfig::default() });
    strict.state.store.add_site_key("ck_peek", &["https://clinic.example".to_string()], 0).await.unwrap();
    let request = |uri: &str, key: Option<&str>| {
        let mut request = Request::get(uri).header(header::ORIGIN, "https://clinic.example");
        if let Some(key) = key {
            request = request.header("x-codecard-key", key);
        }
        request.body(Body::empty()).unwrap()
    };
    for uri in ["/v1/peek/I10", "/v1/peek?codes=I10,E11.9", "/v1/search?q=I10"] {
        let refused = strict.send(request(uri, None)).await;
        assert_eq!((refused.status, refused.error()), (StatusCode::FORBIDDEN, ErrorKind::Forbidden), "{uri}");
        assert_eq!(strict.send(request(uri, Some("ck_peek"))).await.status, StatusCode::OK, "{uri}");
    }
}

/// The entries of a `GET /v1/peek?codes=...` answer, after its status and cache header.
fn peek_batch(answer: &client::Answer) -> Vec<Peeked> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "public, max-age=300", "the same for every visitor");
    answer.json::<PeekBatch>().peeks
}

/// The codes in view, peeked in one request on a metered endpoint: each entry is the public
/// part whoever asks (nobody, a guest with views left, a paid session), nothing gated leaks,
/// no view is counted and no guest created; the guest's one view is still there afterwards.
#[tokio::test]
async fn a_peek_batch_carries_no_gated_content_for_any_visitor_and_counts_no_view() {
    let client = Client::metered();
    let session = client.register("batch@clinic.example", None).await;
    assert!(client.state.store.set_plan("batch@clinic.example", Plan::Paid).await.unwrap());
    let guest = client.get("/v1/peek?codes=I10", None).await;
    assert!(!guest.body.contains("visitor_token"), "no guest from a batch: {}", guest.body);
    let uri = "/v1/peek?codes=E11.65,icd10cm/e1165,I10";
    let anonymous = peek_batch(&client.get(uri, None).await);
    // Asked for a code the reader opened (`open`): metered, its entry is still the public part.
    let opened = client.get(&uri.replace("?", "?open&"), None).await;
    assert_eq!(peek_batch(&opened), anonymous, "open changes nothing where views are metered");
    assert_eq!(anonymous.len(), 3);
    for token in [Some(session.token.as_str()), None] {
        let answer = client.get(uri, token).await;
        assert_eq!(peek_batch(&answer), anonymous, "the same for every visitor");
        for gated in ["Diabetes mellitus", "Endocrine", "E11.69", "E08-E13", "insulin", "Use additional", "I10-I1A"] {
            assert!(!answer.body.contains(gated), "{gated:?} leaked: {}", answer.body);
        }
    }
    for (entry, title) in anonymous.iter().zip([
        "Type 2 diabetes mellitus with hyperglycemia",
        "Type 2 diabetes mellitus with hyperglycemia",
        "Essential (primary) hypertension",
    ]) {
        let Peeked::Card(card) = entry else { panic!("a card, got {entry:?}") };
        assert!(card.paywalled, "{title}: the public part");
        assert_eq!((&card.meter, &card.visitor_token), (&None, &None));
        assert_eq!(card.long_description.as_deref(), Some(title));
        assert!(card.sections.iter().all(|s| s.content.is_none()), "{title}: every section locked");
        assert!(card.hierarchy.is_empty());
    }
    assert_eq!(client.views_in_database(), 0, "a batch counts no view");
    let (_, first) = client.guest("E11.65").await;
    assert!(!first.paywalled && first.meter.unwrap().counted, "a new guest still has its one view");
    assert_eq!(client.views_in_database(), 1);
}

/// Unmetered, the batch still carries each code's public part only: it is fetched for codes
/// merely in view, most never opened, so it stays small; the click's own lookup brings the rest.
/// Each code is answered in its place: a code without a card gets the single peek's error there
/// and the others their cards; so does an empty entry (a page's element with an empty
/// `data-code` in view must not cost the other codes their peeks).
#[tokio::test]
async fn a_peek_batch_answers_each_code_in_place_with_its_own_error_and_only_the_public_part() {
    let uri = "/v1/peek?codes=I10,Z99.999,E11..9,nope/I10,J1100,cpt/99213,I10,,%20";
    let entries = peek_batch(&unmetered(uri).await);
    let kind = |entry: &Peeked| match entry {
        Peeked::Error(body) => Some(body.error.kind),
        Peeked::Card(_) => None,
    };
    let kinds: Vec<Option<ErrorKind>> = entries.iter().map(kind).collect();
    assert_eq!(
        kinds,
        [
            None,
            Some(ErrorKind::UnknownCode),
            Some(ErrorKind::MalformedCode),
            Some(ErrorKind::UnknownSystem),
            Some(ErrorKind::AmbiguousCode),
            None,
            None,
            Some(ErrorKind::MalformedCode),
            Some(ErrorKind::MalformedCode)
        ]
    );
    let Peeked::Error(ambiguous) = &entries[4] else { unreachable!() };
    assert!(ambiguous.error.candidates.len() > 1, "{ambiguous:?}");
    let whole = card("/v1/codes/I10").await;
    let Peeked::Card(i10) = &entries[0] else { unreachable!() };
    assert!(i10.paywalled && i10.sections.iter().all(|s| s.content.is_none()), "{i10:?}");
    assert_eq!((i10.code.as_str(), i10.long_description.as_ref()), ("I10", whole.long_description.as_ref()));
    assert_eq!(entries[6], entries[0], "a code asked twice is answered twice");
    let Peeked::Card(cpt) = &entries[5] else { unreachable!() };
    assert_eq!((cpt.system, cpt.code.as_str()), (CodeSystem::Cpt, "99213"));
}

/// `open` says the first code is the one the reader opened (the loader's batch on a cold click):
/// where nothing is metered its entry is the whole card, as its single peek there, so the card
/// needs no lookup; the other codes, merely in view, keep their public parts.
#[tokio::test]
async fn a_peek_batch_asked_with_open_carries_the_first_codes_whole_card_where_nothing_is_metered() {
    let entries = peek_batch(&unmetered("/v1/peek?open&codes=I10,E11.9").await);
    let Peeked::Card(first) = &entries[0] else { panic!("a card, got {:?}", entries[0]) };
    assert_eq!(**first, card("/v1/codes/I10").await, "the whole card");
    assert!(!first.paywalled && first.sections.iter().any(|s| s.content.is_some()));
    let Peeked::Card(second) = &entries[1] else { panic!("a card, got {:?}", entries[1]) };
    assert!(second.paywalled && second.sections.iter().all(|s| s.content.is_none()), "{second:?}");
}

/// A list the endpoint cannot answer code by code is refused whole, with a sentence that says
/// why: no `codes`, an empty list, more codes than one request may carry.
#[tokio::test]
async fn a_peek_batch_without_codes_or_over_the_limit_is_400() {
    let over = vec!["I10"; codecard::server::MAX_PEEKS + 1].join(",");
    let most = vec!["I10"; codecard::server::MAX_PEEKS].join(",");
    assert_eq!(card_count(&format!("/v1/peek?codes={most}")).await, codecard::server::MAX_PEEKS);
    for (uri, says) in [
        ("/v1/peek".to_string(), "codes"),
        ("/v1/peek?codes=".to_string(), "codes"),
        (format!("/v1/peek?codes={over}"), "At most 50"),
    ] {
        let (status, body) = error(&uri, Method::GET).await;
        assert_eq!((status, body.error.kind), (StatusCode::BAD_REQUEST, ErrorKind::BadRequest), "{uri}");
        assert!(body.error.message.contains(says), "{uri}: {}", body.error.message);
    }
}

async fn card_count(uri: &str) -> usize {
    peek_batch(&unmetered(uri).await).iter().filter(|p| matches!(p, Peeked::Card(_))).count()
}

/// `GET uri` from the unmetered endpoint, the whole answer.
async fn unmetered(uri: &str) -> client::Answer {
    client::send(&app(), client::get(uri, None)).await
}

#[tokio::test]
async fn a_query_string_that_is_not_utf8_once_decoded_is_400_bad_request() {
    // axum's Query decodes lossily: without a check, `ab%ffcd` would be searched as "ab�cd".
    for uri in ["/v1/search?q=%ff%fe", "/v1/search?q=ab%ffcd", "/v1/codes/I10?system=%c3"] {
        let (status, body) = error(uri, Method::GET).await;
        assert_eq!((status, body.error.kind), (StatusCode::BAD_REQUEST, ErrorKind::BadRequest), "{uri}");
    }
}

/// A shared cache keys what it keeps by the address and the headers `Vary` names. An answer a
/// required site key admitted, and that a shared cache may keep (the peek, search, an unmetered
/// card), must name the key header there: else the cache hands it to the next page asking at
/// that address without a key, which the endpoint itself refuses.
#[tokio::test]
async fn a_cacheable_answer_behind_a_required_site_key_varies_by_the_key() {
    let strict = Client::new(ServerConfig {
        require_site_key: true,
        meter: MeterConfig { enabled: false, ..MeterConfig::default() },
        ..ServerConfig::default()
    });
    strict.state.store.add_site_key("ck_vary", &["https://clinic.example".to_string()], 0).await.unwrap();
    for uri in ["/v1/peek/I10", "/v1/peek?codes=I10,E11.9", "/v1/search?q=I10", "/v1/codes/I10"] {
        let request = Request::get(uri)
            .header(header::ORIGIN, "https://clinic.example")
            .header("x-codecard-key", "ck_vary")
            .body(Body::empty())
            .unwrap();
        let answer = strict.send(request).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert!(answer.headers[header::CACHE_CONTROL].to_str().unwrap().starts_with("public"), "{uri}");
        let varies: Vec<String> = answer
            .headers
            .get_all(header::VARY)
            .iter()
            .flat_map(|v| v.to_str().unwrap().split(',').map(|name| name.trim().to_ascii_lowercase()))
            .collect();
        assert!(varies.iter().any(|name| name == "x-codecard-key"), "{uri}: Vary {varies:?}");
    }
}

//! The widget in real headless Chromium (`wasm-pack test --headless --chrome`), against the
//! real endpoint started by the test command (`CODECARD_TEST_ENDPOINT`, fixed at compile time).
#![cfg(target_arch = "wasm32")]

use codecard::api::{CodeSystem, ErrorKind};
use codecard::widget::client::{self, FetchError};
use codecard::widget::decode;
use codecard::widget::{CardView, Widget, mount};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const ENDPOINT: &str = match option_env!("CODECARD_TEST_ENDPOINT") {
    Some(endpoint) => endpoint,
    None => "http://127.0.0.1:8080",
};
/// A loopback port nothing listens on: the endpoint is down.
const DOWN: &str = "http://127.0.0.1:9";
/// A `data:` URL answers every path with the path itself: 200, not JSON.
const GARBAGE: &str = "data:application/json,not-json";

fn styles() -> String {
    format!("{ENDPOINT}/widget/current/codecard.css")
}

/// A code element on the page, like the ones the loader enhances.
fn code_element(code: &str) -> HtmlElement {
    let el: HtmlElement = document().create_element("span").unwrap().unchecked_into();
    el.set_attribute("data-code", code).unwrap();
    el.set_attribute("tabindex", "0").unwrap();
    el.set_text_content(Some(code));
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// The widget's shadow root content, as text.
fn card_text() -> String {
    shadow_query(".cc-dialog").map(|d| d.text_content().unwrap_or_default()).unwrap_or_default()
}

fn shadow_query(selector: &str) -> Option<Element> {
    let host = document().query_selector("[data-codecard-host]").unwrap()?;
    host.shadow_root()?.query_selector(selector).unwrap()
}

/// Waits (up to 10 s) until `done` holds; the lookups are real HTTP round trips.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        gloo_timers_sleep(50).await;
    }
    panic!("timed out waiting for {what}; card text: {:?}", card_text());
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn fresh_widget(endpoint: &str) -> Widget {
    if let Some(old) = document().query_selector("[data-codecard-host]").unwrap() {
        old.remove();
    }
    let options = serde_json::json!({ "endpoint": endpoint, "stylesUrl": styles(), "timeoutMs": 8000, "lang": "en" });
    mount(&options.to_string(), None).unwrap()
}

#[wasm_bindgen_test]
async fn fetches_a_real_card() {
    let controller = web_sys::AbortController::new().unwrap();
    let card = client::fetch_card(ENDPOINT, "e11.9", None, None, 8000, &controller).await.unwrap();
    assert_eq!(card.system, CodeSystem::Icd10cm);
    assert_eq!(card.display_code, "E11.9");
}

#[wasm_bindgen_test]
async fn card_view_renders_a_fetched_card() {
    let controller = web_sys::AbortController::new().unwrap();
    let card = client::fetch_card(ENDPOINT, "0DTJ4ZZ", None, None, 8000, &controller).await.unwrap();
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! { <CardView card /> }
    });
    let text = parent.text_content().unwrap();
    assert!(text.contains("Resection of Appendix, Percutaneous Endoscopic Approach"), "{text}");
    assert!(text.contains("Gastrointestinal System"), "{text}");
    assert_eq!(parent.query_selector_all(".cc-axes tr").unwrap().length(), 7);
    assert!(text.contains("public domain"), "{text}");
}

#[wasm_bindgen_test]
fn a_paywalled_card_shows_its_index_terms() {
    let card: codecard::api::Card = serde_json::from_value(serde_json::json!({
        "code": "R55", "display_code": "R55", "system": "icd10cm", "release": "FY2026", "billable": true,
        "short_description": null, "long_description": "Syncope and collapse", "descriptor_note": null,
        "plain_language": null, "hierarchy": [], "axes": [], "attribution": "", "sections": [], "meter": null,
        "also_indexed_as": ["Collapse", "Fainting"], "paywalled": true
    }))
    .unwrap();
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! { <CardView card /> }
    });
    let line = parent.query_selector("[data-paywalled] .cc-also-indexed").unwrap().expect("the Index line");
    assert_eq!(line.text_content().unwrap(), "Also indexed as: Collapse · Fainting");
}

#[wasm_bindgen_test]
async fn opening_a_code_shows_its_card_in_a_shadow_root_and_esc_returns_focus() {
    let widget = fresh_widget(ENDPOINT);
    let anchor = code_element("I10");
    widget.open(anchor.clone(), "I10".into(), None, None);
    assert_eq!(anchor.get_attribute("aria-expanded").as_deref(), Some("true"));
    until("the I10 card", || card_text().contains("Essential (primary) hypertension")).await;
    let dialog = shadow_query("[role=dialog]").unwrap();
    assert_eq!(dialog.get_attribute("aria-labelledby").as_deref(), Some("cc-title"));
    // Focus is inside the dialog (in the shadow root, so the document sees the host focused).
    let focused = document().active_element().unwrap();
    assert!(focused.has_attribute("data-codecard-host"), "focus moved into the card");

    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    init.set_composed(true);
    let esc = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    dialog.dispatch_event(&esc).unwrap();
    until("the card to close", || shadow_query(".cc-dialog").is_none()).await;
    assert!(!widget.is_open());
    assert_eq!(anchor.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(document().active_element().unwrap(), anchor.unchecked_into::<Element>());
    widget.destroy();
    assert!(document().query_selector("[data-codecard-host]").unwrap().is_none(), "destroy removes the host");
}

#[wasm_bindgen_test]
async fn an_unknown_code_says_not_found_without_a_retry() {
    let widget = fresh_widget(ENDPOINT);
    widget.open(code_element("Z99.999"), "Z99.999".into(), None, None);
    until("the not-found state", || card_text().contains("Code not found")).await;
    assert!(card_text().contains("Z99.999 is not a code in ICD-10-CM."), "{}", card_text());
    assert!(shadow_query(".cc-problem button").is_none());
    widget.destroy();
}

#[wasm_bindgen_test]
async fn a_malformed_code_is_refused_without_a_request() {
    let result = client::card_url(ENDPOINT, "E11..9", None);
    assert_eq!(result, Err(FetchError::MalformedCode("E11..9".into())));
    let widget = fresh_widget(DOWN);
    widget.open(code_element("E11..9"), "E11..9".into(), None, None);
    until("the malformed state", || card_text().contains("Not a valid code")).await;
    widget.destroy();
}

#[wasm_bindgen_test]
async fn an_endpoint_that_is_down_shows_an_error_with_retry() {
    let widget = fresh_widget(DOWN);
    widget.open(code_element("I10"), "I10".into(), None, None);
    until("the error state", || card_text().contains("cannot be reached")).await;
    let retry: HtmlElement = shadow_query(".cc-problem button").expect("a retry button").unchecked_into();
    assert_eq!(retry.text_content().as_deref(), Some("Try again"));
    retry.click();
    // The retry runs the lookup again and fails again, cleanly.
    until("the error after retry", || card_text().contains("cannot be reached")).await;
    widget.destroy();
}

#[wasm_bindgen_test]
async fn a_garbled_answer_is_reported_not_rendered() {
    let controller = web_sys::AbortController::new().unwrap();
    let error = client::fetch_card(GARBAGE, "I10", None, None, 8000, &controller).await.unwrap_err();
    assert_eq!(error, FetchError::Garbled { status: 200 });
    let widget = fresh_widget(GARBAGE);
    widget.open(code_element("I10"), "I10".into(), None, None);
    until("the garbled state", || card_text().contains("cannot read")).await;
    widget.destroy();
}

#[wasm_bindgen_test]
async fn an_ambiguous_code_offers_each_system() {
    let controller = web_sys::AbortController::new().unwrap();
    let error = client::fetch_card(ENDPOINT, "J1100", None, None, 8000, &controller).await.unwrap_err();
    assert!(matches!(&error, FetchError::Api { status: 300, error } if error.kind == ErrorKind::AmbiguousCode));
    let widget = fresh_widget(ENDPOINT);
    widget.open(code_element("J1100"), "J1100".into(), None, None);
    until("the choices", || card_text().contains("Which code system?")).await;
    let hcpcs: HtmlElement = shadow_query(".cc-choices li:nth-child(2) button").unwrap().unchecked_into();
    assert_eq!(hcpcs.text_content().as_deref(), Some("HCPCS Level II J1100"));
    hcpcs.click();
    until("the HCPCS card", || card_text().contains("dexamethasone")).await;
    widget.destroy();
}

#[wasm_bindgen_test]
async fn a_request_aborted_by_its_controller_ends_as_aborted() {
    let controller = web_sys::AbortController::new().unwrap();
    let request = client::fetch_card(ENDPOINT, "I10", None, None, 8000, &controller);
    controller.abort();
    assert_eq!(request.await.unwrap_err(), FetchError::Aborted);
}

/// A second endpoint started by the test command with the meter on (guests get one view).
const METERED: &str = match option_env!("CODECARD_TEST_METERED_ENDPOINT") {
    Some(endpoint) => endpoint,
    None => "http://127.0.0.1:8081",
};

#[wasm_bindgen_test]
async fn a_refused_token_falls_back_to_a_fresh_guest_identity() {
    use codecard::widget::auth::{self, TokenSlot};
    auth::store(METERED, TokenSlot::Visitor, "g.forged.99999999999.AAAA");
    auth::store(METERED, TokenSlot::Session, "s.forged.99999999999.AAAA");
    let controller = web_sys::AbortController::new().unwrap();
    let card = client::fetch_card(METERED, "I10", None, None, 8000, &controller).await.unwrap();
    assert!(!card.paywalled, "a fresh guest has its one view");
    let fresh = auth::token(METERED, TokenSlot::Visitor).expect("the new visitor token is kept");
    assert_eq!(Some(&fresh), card.visitor_token.as_ref());
    assert!(auth::token(METERED, TokenSlot::Session).is_none(), "the refused session is forgotten");
    // The kept token is used next time: the guest's one view is gone.
    let second = client::fetch_card(METERED, "E11.9", None, None, 8000, &controller).await.unwrap();
    assert!(second.paywalled);
    assert_eq!(auth::token(METERED, TokenSlot::Visitor), Some(fresh));
}

#[wasm_bindgen_test]
async fn the_widget_shows_the_paywall_from_a_metered_endpoint() {
    use codecard::widget::auth::{self, TokenSlot};
    auth::forget(METERED, TokenSlot::Visitor);
    let widget = fresh_widget(METERED);
    widget.open(code_element("I10"), "I10".into(), None, None);
    until("the meter", || card_text().contains("0 code page views remaining.")).await;
    assert!(card_text().contains("Essential (primary) hypertension"), "{}", card_text());
    // Guests see the hierarchy as a locked section.
    assert!(card_text().contains("Register to view content"), "{}", card_text());
    widget.open(code_element("E11.9"), "E11.9".into(), None, None);
    until("the paywall", || card_text().contains("Register to view this code")).await;
    let text = card_text();
    assert!(
        text.contains("Guest accounts are limited to 1 page view. Register free account to get 5 more views."),
        "{text}"
    );
    assert!(!text.contains("without complications"), "no gated text: {text}");
    assert!(shadow_query(".cc-paywall .cc-actions").is_some(), "Log in and Register buttons");
    widget.destroy();
}

#[wasm_bindgen_test]
fn language_tags_pick_the_card_language() {
    use codecard::widget::i18n::Lang;
    assert_eq!(Lang::from_tag("es-MX"), Lang::Es);
    assert_eq!(Lang::from_tag("ES"), Lang::Es);
    assert_eq!(Lang::from_tag("en-US"), Lang::En);
    assert_eq!(Lang::from_tag("fr"), Lang::En);
    assert_eq!(Lang::from_tag(""), Lang::En);
}

#[wasm_bindgen_test]
fn a_search_result_says_how_it_was_found_in_the_card_language() {
    use codecard::widget::i18n::{Lang, search_via};
    let via = "Index: Bedwetting → Enuresis";
    assert_eq!(search_via(Lang::En, via), "from the index: Bedwetting, see Enuresis");
    assert_eq!(search_via(Lang::Es, via), "del índice: Bedwetting, véase Enuresis");
    assert_eq!(search_via(Lang::Es, "Synonym: htn → hypertension"), "leído como: htn significa hypertension");
    assert_eq!(search_via(Lang::En, "Tabular: Boil NOS"), "from the Tabular List: Boil NOS");
}

#[wasm_bindgen_test]
fn the_spanish_guest_meter_says_how_many_more_views_an_account_gives() {
    use codecard::api::{Meter, Plan};
    use codecard::widget::i18n::{Lang, meter_message};
    let guest = |free_limit| Meter {
        plan: Plan::Guest,
        remaining: Some(0),
        limit: Some(1),
        free_limit,
        counted: false,
        account: None,
    };
    assert_eq!(
        meter_message(Lang::Es, &guest(Some(6))),
        "Quedan 0 consultas de códigos. Los invitados tienen 1 consulta. Cree una cuenta gratuita para obtener 5 consultas más."
    );
    assert!(meter_message(Lang::Es, &guest(Some(2))).ends_with("obtener 1 consulta más."));
    assert!(meter_message(Lang::Es, &guest(Some(1))).ends_with("Los invitados tienen 1 consulta."));
    assert!(meter_message(Lang::Es, &guest(None)).ends_with("obtener más."));
}

#[wasm_bindgen_test]
fn the_english_meter_is_the_seed_sites_sentence_worded_from_the_numbers() {
    use codecard::api::{Meter, Plan};
    use codecard::widget::i18n::{Lang, meter_message};
    let meter =
        |plan, remaining, limit| Meter { plan, remaining, limit, free_limit: Some(6), counted: true, account: None };
    assert_eq!(
        meter_message(Lang::En, &meter(Plan::Guest, Some(0), Some(1))),
        "0 code page views remaining. Guest accounts are limited to 1 page view. Register free account to get 5 more views."
    );
    assert!(meter_message(Lang::En, &meter(Plan::Guest, Some(1), Some(1))).starts_with("1 code page view remaining."));
    assert_eq!(
        meter_message(Lang::En, &meter(Plan::Free, Some(4), Some(6))),
        "4 code page views remaining. Free accounts are limited to 6 page views. Upgrade to a paid plan for unlimited views."
    );
    assert_eq!(meter_message(Lang::En, &meter(Plan::Paid, None, None)), "Unlimited code page views.");
}

/// What the loader hands over with a cold click: `[answer, code]`, the answer a promise of the
/// batch peek of `code` at `endpoint` with `open` (the clicked code first, here alone).
fn peek_of(endpoint: &'static str, code: &'static str) -> js_sys::Array {
    let batch = client::peek_batch_url(endpoint, &[client::peek_url(endpoint, code, None).unwrap()]).unwrap();
    handed(fetched(batch.replace("?codes=", "?open&codes=")), code)
}

/// The single peek of `code` at `endpoint`, as the widget fetches it on a hover.
fn single_peek(endpoint: &'static str, code: &'static str) -> js_sys::Promise {
    fetched(client::peek_url(endpoint, code, None).unwrap())
}

/// A promise of the JSON value at `url`, fetched as the widget fetches a peek.
fn fetched(url: String) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let controller = web_sys::AbortController::new().unwrap();
        client::fetch_peek(&url, None, 8000, &controller).await.map_err(|e| e.to_string().into())
    })
}

/// `[answer, code]`, as the loader hands a batch over.
fn handed(answer: js_sys::Promise, code: &str) -> js_sys::Array {
    js_sys::Array::of2(&answer, &code.into())
}

#[wasm_bindgen_test]
fn peek_addresses_follow_the_card_addresses() {
    assert_eq!(client::peek_url("https://x.org/", "e11.9", None).unwrap(), "https://x.org/v1/peek/icd10cm/E119");
    assert_eq!(
        client::peek_url("https://x.org", "99214", Some(CodeSystem::Cpt)).unwrap(),
        "https://x.org/v1/peek/cpt/99214"
    );
    assert_eq!(client::peek_url("https://x.org", "I10", None).unwrap(), "https://x.org/v1/peek/I10");
    assert!(matches!(client::peek_url("https://x.org", "E11..9", None), Err(FetchError::MalformedCode(_))));
}

#[wasm_bindgen_test]
async fn a_metered_peek_is_the_public_part_and_spends_no_view() {
    use codecard::api::Card;
    use codecard::widget::auth::{self, TokenSlot};
    auth::forget(METERED, TokenSlot::Visitor);
    let value = wasm_bindgen_futures::JsFuture::from(single_peek(METERED, "E11.65")).await.unwrap();
    let card = <Card as decode::FromJs>::from_js(value, "card").unwrap();
    assert!(card.paywalled && card.meter.is_none() && card.visitor_token.is_none());
    assert_eq!(card.long_description.as_deref(), Some("Type 2 diabetes mellitus with hyperglycemia"));
    assert!(auth::token(METERED, TokenSlot::Visitor).is_none(), "no guest from a peek");
    // The guest's one view is still there.
    let controller = web_sys::AbortController::new().unwrap();
    let first = client::fetch_card(METERED, "E11.65", None, None, 8000, &controller).await.unwrap();
    assert!(!first.paywalled && first.meter.unwrap().counted);
}

/// The lookup's endpoint down, then answering garbage: the peek's public part stays, with the
/// error and Try again for the rest.
#[wasm_bindgen_test]
async fn a_handed_over_peek_stays_with_an_error_for_the_rest_when_the_lookup_fails() {
    for (endpoint, message) in [(DOWN, "cannot be reached"), (GARBAGE, "cannot read")] {
        let widget = fresh_widget(endpoint);
        widget.open(code_element("I10"), "I10".into(), None, Some(peek_of(METERED, "I10")));
        until("the error for the rest", || card_text().contains("The rest of this card could not be loaded")).await;
        let text = card_text();
        assert!(text.contains("Essential (primary) hypertension"), "the public part stays: {text}");
        assert!(text.contains(message), "{endpoint}: {text}");
        assert!(shadow_query(".cc-card .cc-problem button").is_some(), "Try again");
        widget.destroy();
    }
}

/// An unmetered endpoint's entry for the opened code is the whole card: shown whole, whatever
/// the lookup then does.
#[wasm_bindgen_test]
async fn an_unmetered_batch_handed_over_is_shown_as_the_whole_card() {
    let widget = fresh_widget(DOWN);
    widget.open(code_element("I10"), "I10".into(), None, Some(peek_of(ENDPOINT, "I10")));
    until("the whole card", || card_text().contains("Coding tips")).await;
    gloo_timers_sleep(300).await;
    assert!(!card_text().contains("could not be loaded"), "{}", card_text());
    widget.destroy();
}

#[wasm_bindgen_test]
async fn a_handed_over_peek_that_is_no_card_is_ignored_and_the_lookup_shows_the_card() {
    let widget = fresh_widget(ENDPOINT);
    // An error's JSON, as the loader hands over a failed batch, and a value that is no object.
    let error = js_sys::JSON::parse(r#"{"error":{"kind":"unknown_code","message":"x"}}"#).unwrap();
    for peek in [js_sys::Promise::resolve(&error), js_sys::Promise::resolve(&wasm_bindgen::JsValue::UNDEFINED)] {
        widget.open(code_element("I10"), "I10".into(), None, Some(handed(peek, "I10")));
        until("the I10 card", || card_text().contains("Essential (primary) hypertension")).await;
        assert!(!card_text().contains("could not be loaded"), "{}", card_text());
        widget.close();
    }
    widget.destroy();
}

/// The body of `GET {url}` as text, whatever its status.
async fn body_of(url: &str) -> String {
    let response = gloo_net::http::Request::get(url).send().await.unwrap();
    response.text().await.unwrap()
}

/// `text` read by the widget's own reader and by serde (what the server wrote it with): the
/// same value, or both refuse it.
fn read_both_ways<T>(text: &str) -> Option<T>
where
    T: decode::FromJs + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours = decode::from_text::<T>(text).ok();
    assert_eq!(ours, serde_json::from_str::<T>(text).ok(), "{text}");
    ours
}

/// Every kind of answer the card and the search box read, from the real endpoints: cards of each
/// system (ICD-10-PCS axes, 7th characters, coding notes, related codes, index terms, a category
/// header), a metered card with its meter and visitor token, a peek, the errors, a search page.
#[wasm_bindgen_test]
async fn the_widget_reads_every_kind_of_real_answer_as_serde_does() {
    for path in [
        "codes/icd10cm/S72001A",
        "codes/icd10cm/E1165",
        "codes/icd10cm/E11",
        "codes/R55",
        "codes/icd10pcs/0DTJ4ZZ",
        "codes/cpt/99214",
        "codes/hcpcs/J1100",
        "peek/icd10cm/T36.0X1A",
    ] {
        let card = read_both_ways::<codecard::api::Card>(&body_of(&format!("{ENDPOINT}/v1/{path}")).await);
        assert!(card.is_some(), "{path} is read");
    }
    let card = read_both_ways::<codecard::api::Card>(&body_of(&format!("{METERED}/v1/codes/I10")).await).unwrap();
    assert!(card.meter.is_some() && card.visitor_token.is_some(), "{card:?}");
    for path in ["codes/J1100", "codes/icd10cm/Z9999", "codes/E11.A1B2C3"] {
        let error = read_both_ways::<codecard::api::ErrorBody>(&body_of(&format!("{ENDPOINT}/v1/{path}")).await);
        assert!(error.is_some(), "{path}'s error is read");
    }
    let found = read_both_ways::<codecard::api::SearchResults>(
        &body_of(&format!("{ENDPOINT}/v1/search?q=diabetes%20latent&limit=20")).await,
    );
    assert!(found.is_some_and(|found| found.results.iter().any(|hit| hit.via.is_some())));
}

/// Answers that are not what the endpoint sends are refused as serde refuses them, and absent
/// fields that serde fills in are filled in the same way.
#[wasm_bindgen_test]
async fn the_widget_refuses_and_fills_in_what_serde_does() {
    let good = body_of(&format!("{ENDPOINT}/v1/codes/icd10cm/S72001A")).await;
    let card: serde_json::Value = serde_json::from_str(&good).unwrap();
    let changed = |path: &str, value: Option<serde_json::Value>| {
        let mut card = card.clone();
        let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
        let object = card.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(value) => object.insert(key.to_string(), value),
            None => object.remove(key),
        };
        card.to_string()
    };
    use serde_json::json;
    let cases = [
        ("code", None, false),
        ("system", Some(json!("icd11")), false),
        ("billable", Some(json!("yes")), false),
        ("paywalled", Some(json!(null)), false),
        ("paywalled", None, true),
        ("also_indexed_as", None, true),
        ("deleted_in", Some(json!(null)), true),
        ("meter", Some(json!({ "plan": "guest", "remaining": 2, "limit": 3, "counted": true })), true),
        ("meter", Some(json!({ "plan": "guest", "remaining": -1, "limit": 3, "counted": true })), false),
        ("meter", Some(json!({ "plan": "guest", "remaining": 1.5, "limit": 3, "counted": true })), false),
        ("hierarchy", Some(json!(null)), false),
        ("hierarchy", Some(json!([{ "level": "chapter", "code": "S00-T88" }])), false),
        ("axes", Some(json!({})), false),
        ("sections", Some(json!([{ "id": "related", "content": { "type": "video" } }])), false),
        ("sections", Some(json!([{ "id": "related", "content": { "type": "codes" } }])), false),
        ("sections", Some(json!([{ "id": "related", "content": null }])), true),
        ("sections", Some(json!([{ "id": "coding_tips", "content": { "type": "text", "paragraphs": ["a"] } }])), true),
        ("sections", Some(json!([{ "id": "x_ray", "content": null }])), false),
        ("unknown_field", Some(json!(1)), true),
    ];
    for (path, value, read) in cases {
        let text = changed(path, value.clone());
        assert_eq!(read_both_ways::<codecard::api::Card>(&text).is_some(), read, "{path} = {value:?}");
    }
    for text in ["", "not json", "[]", "null", "\"card\""] {
        assert_eq!(read_both_ways::<codecard::api::Card>(text), None, "{text:?}");
    }
}

/// The dialog's CSS lengths and zoom, written with integers only, read as Rust's float printing
/// of the rounded value wrote them (except that a value rounding to zero is `0`, never `-0`).
#[wasm_bindgen_test]
fn css_numbers_are_the_rounded_value_as_rust_prints_it() {
    let mut values = vec![0.0, 1.0, -1.0, 0.5, 0.005, 0.004, -0.004, 0.1, 0.07, 12.3456, 1.25, 1e-9, 99999.999, -8.5];
    values.extend((-2000..2000).map(|i| f64::from(i) * 0.3037));
    for v in values {
        for places in [2u32, 4] {
            let scale = 10f64.powi(places as i32);
            let rounded = (v * scale).round() / scale;
            let expected = if rounded == 0.0 { "0".to_string() } else { format!("{rounded}") };
            assert_eq!(codecard::widget::decimal(v, places), expected, "{v} to {places} places");
        }
    }
}

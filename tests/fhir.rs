//! The FHIR R4 terminology operations through `app()` + `oneshot`: every operation, every
//! error path as an OperationOutcome with its status, and the meter on `$lookup`.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use codecard::api::Card;
use codecard::server::{MeterConfig, ServerConfig};
use common::client::{self, Answer, Client};
use serde_json::{Value, json};

const CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const PCS: &str = "http://www.cms.gov/Medicare/Coding/ICD10";
const CPT: &str = "http://www.ama-assn.org/go/cpt";
const HCPCS: &str = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

/// What FHIR answers are checked for.
trait FhirAnswer {
    /// A 200 FHIR resource of type `kind`.
    fn resource(&self, kind: &str) -> Value;
    /// An OperationOutcome error: (status, issue code, text).
    fn outcome(&self) -> (StatusCode, String, String);
}

impl FhirAnswer for Answer {
    fn resource(&self, kind: &str) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(self.headers[header::CONTENT_TYPE], "application/fhir+json");
        let json: Value = self.json();
        assert_eq!(json["resourceType"], kind, "{}", self.body);
        json
    }

    fn outcome(&self) -> (StatusCode, String, String) {
        assert_eq!(self.headers[header::CONTENT_TYPE], "application/fhir+json", "{}", self.body);
        assert_eq!(self.headers[header::CACHE_CONTROL], "no-store");
        let json: Value = self.json();
        assert_eq!(json["resourceType"], "OperationOutcome", "{}", self.body);
        let issue = &json["issue"][0];
        assert_eq!(issue["severity"], "error");
        (self.status, issue["code"].as_str().unwrap().into(), issue["details"]["text"].as_str().unwrap().into())
    }
}

/// `POST uri` with a FHIR resource.
async fn post(client: &Client, uri: &str, body: Value) -> Answer {
    client.send(client::post(uri, "application/fhir+json", body.to_string(), None)).await
}

/// `system|code` in a query string.
fn lookup_uri(system: &str, code: &str) -> String {
    format!("/fhir/CodeSystem/$lookup?system={system}&code={code}")
}

/// The value of output parameter `name`.
fn param<'a>(parameters: &'a Value, name: &str) -> &'a Value {
    let found = parameters["parameter"].as_array().unwrap().iter().find(|p| p["name"] == name);
    found.unwrap_or_else(|| panic!("no parameter {name} in {parameters}"))
}

/// Every `property` of a $lookup answer as (code, value as text).
fn properties(parameters: &Value) -> Vec<(String, String)> {
    let list = parameters["parameter"].as_array().unwrap();
    list.iter()
        .filter(|p| p["name"] == "property")
        .map(|p| {
            let parts = p["part"].as_array().unwrap();
            let code = parts.iter().find(|x| x["name"] == "code").unwrap()["valueCode"].as_str().unwrap().to_string();
            let value = parts.iter().find(|x| x["name"] == "value").unwrap();
            let text = ["valueCode", "valueString", "valueBoolean"]
                .iter()
                .find_map(|k| value.get(*k))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .unwrap();
            (code, text)
        })
        .collect()
}

fn values<'a>(props: &'a [(String, String)], code: &str) -> Vec<&'a str> {
    props.iter().filter(|(c, _)| c == code).map(|(_, v)| v.as_str()).collect()
}

#[tokio::test]
async fn metadata_is_an_r4_capability_statement_naming_the_terminology_operations() {
    let statement = Client::unmetered().get("/fhir/metadata", None).await.resource("CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    assert_eq!(statement["kind"], "instance");
    let resources = statement["rest"][0]["resource"].as_array().unwrap();
    let ops = |kind: &str| -> Vec<String> {
        let resource = resources.iter().find(|r| r["type"] == kind).unwrap();
        resource["operation"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ops("CodeSystem"), ["lookup", "validate-code"]);
    assert_eq!(ops("ValueSet"), ["expand", "validate-code"]);
}

#[tokio::test]
async fn metadata_in_terminology_mode_lists_each_system_uri_with_its_loaded_release() {
    let client = Client::unmetered();
    let caps = client.get("/fhir/metadata?mode=terminology", None).await.resource("TerminologyCapabilities");
    let systems: Vec<(&str, &str)> = caps["codeSystem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["uri"].as_str().unwrap(), s["version"][0]["code"].as_str().unwrap()))
        .collect();
    assert_eq!(systems.iter().map(|s| s.0).collect::<Vec<_>>(), [CM, PCS, CPT, HCPCS]);
    assert_eq!(systems[0].1, "FY2026 (April 1, 2026 update)");
    assert_eq!(caps["expansion"]["paging"], true);
    let (status, code, _) = client.get("/fhir/metadata?mode=everything", None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "value"));
}

#[tokio::test]
async fn a_code_system_is_not_present_content_with_the_loaded_release_and_its_count() {
    let client = Client::unmetered();
    let cm = client.get("/fhir/CodeSystem/icd10cm", None).await.resource("CodeSystem");
    assert_eq!(cm["url"], CM);
    assert_eq!(cm["content"], "not-present");
    assert_eq!(cm["version"], "FY2026 (April 1, 2026 update)");
    assert_eq!(cm["count"], 98_186);
    assert_eq!(cm["valueSet"], format!("{CM}?fhir_vs"));
    let cpt = client.get("/fhir/CodeSystem/cpt", None).await.resource("CodeSystem");
    assert!(cpt["copyright"].as_str().unwrap().contains("licensed import"), "{cpt}");
    let (status, code, _) = client.get("/fhir/CodeSystem/snomed", None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not-found"));
}

#[tokio::test]
async fn code_system_search_finds_by_url_and_reports_parameters_it_ignored() {
    let client = Client::unmetered();
    let all = client.get("/fhir/CodeSystem", None).await.resource("Bundle");
    assert_eq!((all["type"].as_str(), all["total"].as_u64()), (Some("searchset"), Some(4)));
    let one = client.get(&format!("/fhir/CodeSystem?url={PCS}&publisher=x"), None).await.resource("Bundle");
    assert_eq!(one["total"], 1);
    assert_eq!(one["entry"][0]["resource"]["id"], "icd10pcs");
    assert_eq!(one["entry"][1]["search"]["mode"], "outcome");
    assert!(one["entry"][1]["resource"]["issue"][0]["details"]["text"].as_str().unwrap().contains("publisher"));
}

#[tokio::test]
async fn lookup_gives_display_designations_parent_and_the_inherited_coding_notes() {
    let answer = Client::unmetered().get(&lookup_uri(CM, "E11.9"), None).await;
    let out = answer.resource("Parameters");
    assert_eq!(param(&out, "name")["valueString"], "ICD-10-CM");
    assert_eq!(param(&out, "version")["valueString"], "FY2026 (April 1, 2026 update)");
    assert_eq!(param(&out, "display")["valueString"], "Type 2 diabetes mellitus without complications");
    let designations = out["parameter"].as_array().unwrap().iter().filter(|p| p["name"] == "designation").count();
    assert_eq!(designations, 2, "long and short descriptions");
    let props = properties(&out);
    assert_eq!(values(&props, "parent"), ["E11"]);
    assert_eq!(values(&props, "notSelectable"), ["false"]);
    assert!(values(&props, "use-additional-code").contains(&"insulin (Z79.4)"), "{props:?}");
    assert!(values(&props, "excludes1").iter().any(|n| n.contains("E11.A")), "{props:?}");
    assert_eq!(answer.headers[header::CACHE_CONTROL], "public, max-age=300", "unmetered answers may be cached");
}

#[tokio::test]
async fn lookup_of_a_category_names_its_children_and_marks_it_not_selectable() {
    let out = Client::unmetered().get(&lookup_uri(CM, "E11"), None).await.resource("Parameters");
    let props = properties(&out);
    let children = values(&props, "child");
    assert!(children.contains(&"E11.9") && children.contains(&"E11.6"), "{children:?}");
    assert!(!children.contains(&"E11.65"), "E11.65 is a grandchild (under E11.6)");
    assert_eq!(values(&props, "notSelectable"), ["true"]);
    // A 7th-character code's parent skips the placeholder levels that are not codes.
    let s = Client::unmetered().get(&lookup_uri(CM, "S00.00XA"), None).await.resource("Parameters");
    assert_eq!(values(&properties(&s), "parent"), ["S00.00"]);
}

#[tokio::test]
async fn lookup_by_post_parameters_with_a_coding_answers_as_get_does() {
    let client = Client::unmetered();
    let body = json!({"resourceType": "Parameters", "parameter": [
        {"name": "coding", "valueCoding": {"system": CM, "code": "I10"}},
        {"name": "property", "valueCode": "parent"}
    ]});
    let posted = post(&client, "/fhir/CodeSystem/$lookup", body).await.resource("Parameters");
    let got = client.get(&format!("{}&property=parent", lookup_uri(CM, "I10")), None).await.resource("Parameters");
    assert_eq!(posted, got);
    // I10 is a category (its block is a range, not a code) and only `parent` was asked for.
    assert!(properties(&got).is_empty(), "{got}");
    assert!(got["parameter"].as_array().unwrap().iter().all(|p| p["name"] != "designation"));
}

#[tokio::test]
async fn cpt_lookup_gives_codecards_summary_and_says_the_descriptor_needs_a_licensed_import() {
    let out = Client::unmetered().get(&lookup_uri(CPT, "99214"), None).await.resource("Parameters");
    let designations: Vec<&Value> =
        out["parameter"].as_array().unwrap().iter().filter(|p| p["name"] == "designation").collect();
    assert_eq!(designations.len(), 1, "the summary only: no official (AMA) descriptor without a licensed import");
    let note = values(&properties(&out), "descriptor-note").join(" ");
    assert!(note.contains("licensed AMA data file"), "{note}");
}

#[tokio::test]
async fn lookup_errors_are_operation_outcomes_with_the_endpoints_statuses() {
    let client = Client::unmetered();
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (lookup_uri(CM, "E11.99"), StatusCode::NOT_FOUND, "not-found"),
        (lookup_uri(CM, "99214"), StatusCode::BAD_REQUEST, "code-invalid"),
        (lookup_uri("http://snomed.info/sct", "44054006"), StatusCode::BAD_REQUEST, "not-supported"),
        ("/fhir/CodeSystem/$lookup?code=E11.9".into(), StatusCode::BAD_REQUEST, "required"),
        (format!("/fhir/CodeSystem/$lookup?system={CM}"), StatusCode::BAD_REQUEST, "required"),
        (format!("{}&colour=blue", lookup_uri(CM, "E11.9")), StatusCode::BAD_REQUEST, "not-supported"),
        (format!("{}&version=FY2019", lookup_uri(CM, "E11.9")), StatusCode::BAD_REQUEST, "not-supported"),
        (format!("{}&code=I10", lookup_uri(CM, "E11.9")), StatusCode::BAD_REQUEST, "invalid"),
        ("/fhir/Patient/1".into(), StatusCode::NOT_FOUND, "not-found"),
    ];
    for (uri, status, code) in cases {
        let (got, issue, text) = client.get(&uri, None).await.outcome();
        assert_eq!((got, issue.as_str()), (status, code), "{uri}: {text}");
        assert!(!text.is_empty());
    }
    let delete = client.send(Request::delete("/fhir/CodeSystem/$lookup").body(Body::empty()).unwrap()).await;
    assert_eq!(delete.outcome().0, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn post_bodies_that_are_not_parameters_are_refused_clearly() {
    let client = Client::unmetered();
    let (status, _, text) =
        post(&client, "/fhir/CodeSystem/$lookup", json!({"resourceType": "Patient"})).await.outcome();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("Parameters"), "{text}");
    for kind in ["text/plain", "application/fhir+xml"] {
        let other = Request::post("/fhir/ValueSet/$expand").header(header::CONTENT_TYPE, kind);
        let (status, code, text) = client.send(other.body(Body::from("<Parameters/>")).unwrap()).await.outcome();
        assert_eq!((status, code.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-supported"), "{kind}");
        assert!(text.contains("application/fhir+json"), "{text}");
    }
    let (status, _, text) =
        post(&client, "/fhir/ValueSet/$expand", json!({"resourceType": "Parameters", "parameter": {}})).await.outcome();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("array"), "{text}");
    let both = format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs");
    let body = json!({"resourceType": "Parameters", "parameter": [{"name": "filter", "valueString": "asthma"}]});
    let (status, _, text) = post(&client, &both, body).await.outcome();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("not both"), "{text}");
    let huge =
        json!({"resourceType": "Parameters", "parameter": [{"name": "filter", "valueString": "x".repeat(70_000)}]});
    let (status, code, _) = post(&client, "/fhir/ValueSet/$expand", huge).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too-large"));
    let resource = json!({"resourceType": "Parameters", "parameter": [{"name": "valueSet", "resource": {"resourceType": "ValueSet"}}]});
    let (status, code, _) = post(&client, "/fhir/ValueSet/$expand", resource).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "not-supported"));
}

/// `$validate-code` on the ICD-10-CM code system: (result, message, display).
async fn validate(client: &Client, query: &str) -> (bool, Option<String>, Option<String>) {
    let answer = client.get(&format!("/fhir/CodeSystem/$validate-code?url={CM}&{query}"), None).await;
    let out = answer.resource("Parameters");
    let text = |name: &str| {
        out["parameter"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["valueString"].as_str().unwrap().to_string())
    };
    (param(&out, "result")["valueBoolean"].as_bool().unwrap(), text("message"), text("display"))
}

#[tokio::test]
async fn validate_code_accepts_a_code_as_written_and_gives_its_display() {
    let client = Client::unmetered();
    let (result, message, display) = validate(&client, "code=E11.9").await;
    assert!(result);
    assert_eq!(message, None);
    assert_eq!(display.as_deref(), Some("Type 2 diabetes mellitus without complications"));
    let (result, _, _) =
        validate(&client, "code=E11.9&display=type%202%20diabetes%20mellitus%20%20without%20complications").await;
    assert!(result, "displays compare ignoring case and spacing");
}

#[tokio::test]
async fn validate_code_rejects_a_wrong_display_and_names_the_right_one() {
    let (result, message, display) = validate(&Client::unmetered(), "code=E11.9&display=Diabetes").await;
    assert!(!result);
    assert!(message.unwrap().contains("Wrong display \"Diabetes\""));
    assert_eq!(display.as_deref(), Some("Type 2 diabetes mellitus without complications"));
}

#[tokio::test]
async fn validate_code_says_false_for_unknown_malformed_and_differently_written_codes() {
    let client = Client::unmetered();
    let (result, message, display) = validate(&client, "code=e119").await;
    assert!(!result && display.is_some());
    assert!(message.unwrap().contains("the code is E11.9"));
    let (result, message, display) = validate(&client, "code=E11.99").await;
    assert!(!result && display.is_none());
    assert_eq!(message.as_deref(), Some("E11.99 is not a code of ICD-10-CM."));
    let (result, message, _) = validate(&client, "code=hello").await;
    assert!(!result);
    assert!(message.unwrap().contains("not a well-formed ICD-10-CM code"));
}

#[tokio::test]
async fn validate_code_treats_a_header_as_valid_unless_abstract_is_false() {
    let client = Client::unmetered();
    let (result, message, _) = validate(&client, "code=E11").await;
    assert!(result);
    assert!(message.unwrap().contains("category header"));
    let (result, _, _) = validate(&client, "code=E11&abstract=false").await;
    assert!(!result);
}

#[tokio::test]
async fn value_set_validate_code_checks_membership_of_the_implicit_value_set() {
    let client = Client::unmetered();
    let vs = format!("/fhir/ValueSet/$validate-code?url={HCPCS}?fhir_vs");
    let yes = client.get(&format!("{vs}&system={HCPCS}&code=J1100"), None).await.resource("Parameters");
    assert_eq!(param(&yes, "result")["valueBoolean"], true);
    let other = client.get(&format!("{vs}&system={CM}&code=J11.00"), None).await.resource("Parameters");
    assert_eq!(param(&other, "result")["valueBoolean"], false, "an ICD-10-CM code is not in the HCPCS value set");
    let (status, code, _) =
        client.get("/fhir/ValueSet/$validate-code?url=http://example.org/vs&code=A", None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "not-supported"));
}

/// A `$expand` of the ICD-10-CM value set.
async fn expand(client: &Client, query: &str) -> Value {
    let answer = client.get(&format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&{query}"), None).await;
    answer.resource("ValueSet")["expansion"].clone()
}

fn codes(expansion: &Value) -> Vec<String> {
    expansion["contains"]
        .as_array()
        .map_or_else(Vec::new, |c| c.iter().map(|e| e["code"].as_str().unwrap().to_string()).collect())
}

#[tokio::test]
async fn expand_with_a_filter_pages_through_the_search_ranking() {
    let client = Client::unmetered();
    let first = expand(&client, "filter=type%202%20diabetes&count=5").await;
    let second = expand(&client, "filter=type%202%20diabetes&count=5&offset=5").await;
    let both = expand(&client, "filter=type%202%20diabetes&count=10").await;
    assert_eq!(first["total"], both["total"]);
    assert!(first["total"].as_u64().unwrap() > 10);
    assert_eq!((first["offset"].as_u64(), second["offset"].as_u64()), (Some(0), Some(5)));
    assert_eq!([codes(&first), codes(&second)].concat(), codes(&both));
    assert!(codes(&both).iter().all(|c| c.starts_with("E11")), "{:?}", codes(&both));
    let entry = &first["contains"][0];
    assert_eq!(entry["system"], CM);
    assert!(entry["display"].as_str().unwrap().to_lowercase().contains("type 2 diabetes"));
}

#[tokio::test]
async fn expand_without_a_filter_lists_every_current_code_in_code_order() {
    let client = Client::unmetered();
    let page = expand(&client, "count=3").await;
    assert_eq!(page["total"], 98_186);
    assert_eq!(codes(&page), ["A00", "A00.0", "A00.1"]);
    assert_eq!(page["contains"][0]["abstract"], true, "a category header cannot be picked for a claim");
    let last = expand(&client, "count=3&offset=98185").await;
    assert_eq!(codes(&last).len(), 1);
    let billable = expand(&client, "count=3&excludeNotForUI=true").await;
    assert_eq!(codes(&billable), ["A00.0", "A00.1", "A00.9"]);
    assert!(billable["total"].as_u64().unwrap() < 98_186);
    let none = expand(&client, "count=0").await;
    assert_eq!((none["total"].as_u64(), codes(&none).len()), (Some(98_186), 0));
}

#[tokio::test]
async fn expand_refuses_bad_parameters_with_a_400_naming_them() {
    let client = Client::unmetered();
    let long = "a".repeat(201);
    let cases = [
        ("/fhir/ValueSet/$expand?filter=x".to_string(), "required"),
        ("/fhir/ValueSet/$expand?url=http://example.org/vs".into(), "not-supported"),
        (format!("/fhir/ValueSet/$expand?url={CM}"), "not-supported"),
        (format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&count=1001"), "value"),
        (format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&count=ten"), "value"),
        (format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&filter=flu&offset=1001"), "value"),
        (format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&filter={long}"), "too-long"),
        (format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&sort=code"), "not-supported"),
    ];
    for (uri, issue) in cases {
        let (status, code, _) = client.get(&uri, None).await.outcome();
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, issue), "{uri}");
    }
}

/// Whether the raw text of an answer contains any of `texts`.
fn contains_any(body: &str, texts: &[&str]) -> Option<String> {
    texts.iter().find(|t| body.contains(*t)).map(|t| t.to_string())
}

#[tokio::test]
async fn a_guests_lookup_carries_no_gated_text_and_counts_a_view() {
    let client = Client::new(ServerConfig::default());
    let first = client.get(&lookup_uri(CM, "E11.9"), None).await;
    let out = first.resource("Parameters");
    assert_eq!(first.headers[header::CACHE_CONTROL], "private, no-store");
    let token = first.headers["x-codecard-visitor-token"].to_str().unwrap().to_string();
    // A guest sees descriptions, not the hierarchy or the coding notes.
    let leak = contains_any(&first.body, &["\"parent\"", "\"child\"", "Z79.4", "Written at", "excludes1"]);
    assert_eq!(leak, None, "gated text in a guest's lookup: {}", first.body);
    assert_eq!(param(&out, "display")["valueString"], "Type 2 diabetes mellitus without complications");
    let issue = &param(&out, "issues")["resource"]["issue"][0];
    assert_eq!(issue["code"], "suppressed");
    assert!(issue["details"]["text"].as_str().unwrap().contains("parent and child"));

    // That was the guest's one view: the next new code, as a card, is paywalled.
    let card: Card = serde_json::from_str(&client.get("/v1/codes/I10", Some(&token)).await.body).unwrap();
    assert!(card.paywalled, "the FHIR lookup used the guest's view");
    // And a lookup past the quota is the code and its title only.
    let paywalled = client.get(&lookup_uri(CM, "I10"), Some(&token)).await;
    let out = paywalled.resource("Parameters");
    assert_eq!(param(&out, "display")["valueString"], "Essential (primary) hypertension");
    // The title is public (what search shows); a designation may repeat it, nothing more.
    let designations: Vec<&serde_json::Value> =
        out["parameter"].as_array().unwrap().iter().filter(|p| p["name"] == "designation").collect();
    assert!(
        designations.iter().all(|d| d.to_string().contains("Essential (primary) hypertension")),
        "{designations:?}"
    );
    let issue = &param(&out, "issues")["resource"]["issue"][0];
    assert!(issue["details"]["text"].as_str().unwrap().contains("Code views left this period: 0 of 1 (guest plan)."));
    let leak = contains_any(&paywalled.body, &["I10-I1A", "Chapter 9", "hypertensive", "\"parent\""]);
    assert_eq!(leak, None, "gated text past the quota: {}", paywalled.body);
    // Re-opening the code the guest viewed stays free and complete (descriptions).
    let again = client.get(&lookup_uri(CM, "E11.9"), Some(&token)).await.resource("Parameters");
    assert!(again["parameter"].as_array().unwrap().iter().any(|p| p["name"] == "designation"));
}

#[tokio::test]
async fn validate_and_expand_are_not_metered() {
    let client = Client::new(ServerConfig::default());
    for code in ["E11.9", "I10", "J45.909", "N39.0"] {
        let answer = client.get(&format!("/fhir/CodeSystem/$validate-code?url={CM}&code={code}"), None).await;
        assert_eq!(param(&answer.resource("Parameters"), "result")["valueBoolean"], true);
        assert!(!answer.headers.contains_key("x-codecard-visitor-token"));
    }
    let page = client.get(&format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&filter=asthma"), None).await;
    assert_eq!(page.headers[header::CACHE_CONTROL], "public, max-age=300");
    // The guest's one view is still there for a lookup.
    let first = client.get(&lookup_uri(CM, "E11.9"), None).await.resource("Parameters");
    assert!(first["parameter"].as_array().unwrap().iter().any(|p| p["name"] == "designation"));
}

#[tokio::test]
async fn a_bad_token_is_401_login_and_a_missing_site_key_is_403_forbidden() {
    let client = Client::new(ServerConfig::default());
    let refused = client.get(&lookup_uri(CM, "E11.9"), Some("forged.token")).await;
    assert_eq!(refused.headers[header::WWW_AUTHENTICATE], "Bearer realm=\"codecard\", error=\"invalid_token\"");
    let (status, code, _) = refused.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "login"));
    let keyed = Client::new(ServerConfig { require_site_key: true, ..ServerConfig::default() });
    let (status, code, text) = keyed.get(&lookup_uri(CM, "E11.9"), None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"), "{text}");
    let expansion = keyed.get(&format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&count=1"), None).await;
    assert_eq!(expansion.status, StatusCode::OK, "search-like operations need no site key, as /v1/search");
}

#[tokio::test]
async fn too_many_new_guests_is_429_throttled_with_retry_after() {
    let client = Client::new(ServerConfig {
        meter: MeterConfig { new_guests_per_ip: 1, ..MeterConfig::default() },
        ..ServerConfig::default()
    });
    assert_eq!(client.get(&lookup_uri(CM, "E11.9"), None).await.status, StatusCode::OK);
    let throttled = client.get(&lookup_uri(CM, "E11.9"), None).await;
    let wait: u64 = throttled.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let (status, code, _) = throttled.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "throttled"));
}

#[tokio::test]
async fn a_locked_database_is_503_transient_and_counts_nothing() {
    let client = Client::with_busy_timeout(Duration::from_millis(200));
    let token = client.get(&lookup_uri(CM, "I10"), None).await.headers["x-codecard-visitor-token"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(client.views_in_database(), 1);
    let locker = rusqlite::Connection::open(&client.database).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, code, _) = client.get(&lookup_uri(CM, "E11.9"), Some(&token)).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::SERVICE_UNAVAILABLE, "transient"));
    locker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(client.views_in_database(), 1, "the refused lookup recorded no view");
}

#[tokio::test]
async fn asked_for_xml_the_answer_is_406_in_json() {
    let client = Client::unmetered();
    let expand = format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&count=1");
    for format in ["xml", "application/fhir%2Bxml", "ttl"] {
        let (status, code, text) = client.get(&format!("{expand}&_format={format}"), None).await.outcome();
        assert_eq!((status, code.as_str()), (StatusCode::NOT_ACCEPTABLE, "not-supported"), "{format}");
        assert!(text.contains("JSON only"), "{text}");
    }
    let xml = Request::get(&expand).header(header::ACCEPT, "application/fhir+xml").body(Body::empty()).unwrap();
    assert_eq!(client.send(xml).await.outcome().0, StatusCode::NOT_ACCEPTABLE);
    for (accept, format) in [
        ("application/fhir+json", "json"),
        ("application/json+fhir", "json"),
        ("application/fhir+xml;q=0.9, */*;q=0.1", "application/fhir%2Bjson"),
    ] {
        let request = Request::get(format!("{expand}&_format={format}")).header(header::ACCEPT, accept);
        client.send(request.body(Body::empty()).unwrap()).await.resource("ValueSet");
    }
}

#[tokio::test]
async fn pretty_and_summary_false_are_accepted_and_other_summaries_are_refused() {
    let client = Client::unmetered();
    let expand = format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&count=1");
    let plain = client.get(&expand, None).await.resource("ValueSet");
    let pretty = client.get(&format!("{expand}&_pretty=true&_summary=false"), None).await.resource("ValueSet");
    assert_eq!(pretty["expansion"]["contains"], plain["expansion"]["contains"]);
    client.get("/fhir/metadata?_pretty=false&_summary=false", None).await.resource("CapabilityStatement");
    let (status, code, text) = client.get(&format!("{expand}&_summary=true"), None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "not-supported"));
    assert!(text.contains("_summary=true is not supported"), "{text}");
}

#[tokio::test]
async fn validate_code_and_lookup_at_the_instance_level_take_the_system_from_the_id() {
    let client = Client::unmetered();
    let out = client.get("/fhir/CodeSystem/icd10cm/$validate-code?code=E11.9", None).await.resource("Parameters");
    assert_eq!(param(&out, "result")["valueBoolean"], true);
    let out = client.get("/fhir/CodeSystem/icd10cm/$lookup?code=E11.9", None).await.resource("Parameters");
    assert_eq!(param(&out, "display")["valueString"], "Type 2 diabetes mellitus without complications");
    let coding =
        json!({"resourceType": "Parameters", "parameter": [{"name": "coding", "valueCoding": {"code": "99214"}}]});
    let out = post(&client, "/fhir/CodeSystem/cpt/$validate-code", coding).await.resource("Parameters");
    assert_eq!(param(&out, "result")["valueBoolean"], true);
    let (status, code, _) =
        client.get(&format!("/fhir/CodeSystem/icd10cm/$validate-code?url={CPT}&code=99214"), None).await.outcome();
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "invalid"));
    let (status, _, _) = client.get("/fhir/CodeSystem/snomed/$validate-code?code=1", None).await.outcome();
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_coding_in_a_query_is_written_system_bar_code() {
    let client = Client::unmetered();
    let out =
        client.get(&format!("/fhir/CodeSystem/$validate-code?coding={CM}|E11.9"), None).await.resource("Parameters");
    assert_eq!(param(&out, "result")["valueBoolean"], true, "{out}");
    let out = client.get(&format!("/fhir/CodeSystem/$lookup?coding={CM}|E11.9"), None).await.resource("Parameters");
    assert_eq!(param(&out, "display")["valueString"], "Type 2 diabetes mellitus without complications");
}

#[tokio::test]
async fn cpt_display_other_than_codecards_summary_is_not_judged_without_licensed_text() {
    let client = Client::unmetered();
    let ama = "Office or other outpatient visit for the evaluation and management of an established patient";
    let uri = format!("/fhir/CodeSystem/$validate-code?url={CPT}&code=99214&display={}", ama.replace(' ', "%20"));
    let out = client.get(&uri, None).await.resource("Parameters");
    assert_eq!(param(&out, "result")["valueBoolean"], true, "{out}");
    let issue = &param(&out, "issues")["resource"]["issue"][0];
    assert_eq!((issue["severity"].as_str(), issue["code"].as_str()), (Some("information"), Some("informational")));
    assert!(issue["details"]["text"].as_str().unwrap().contains("not checked"), "{issue}");
    // ICD-10-CM's descriptions are public: a wrong display there is still false.
    let (result, _, _) = validate(&client, "code=E11.9&display=Diabetes").await;
    assert!(!result);
}

#[tokio::test]
async fn cpt_display_is_checked_against_an_imported_licensed_descriptor() {
    use codecard::server::import::{self, ImportFormat};
    use codecard::server::{AppState, Catalog, DataSource, SqliteStore};
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("cpt.txt"));
    // A fake descriptor written for this test: never AMA text.
    std::fs::write(&file, "99213|FAKE TEST DESCRIPTOR for an office visit\n").unwrap();
    import::run(&import::Request {
        format: ImportFormat::parse("cpt").unwrap(),
        file: &file,
        data_dir: &data,
        release: "2026",
        progress: false,
        code_list: None,
        allow_mass_deletion: true,
    })
    .unwrap();
    let catalog = std::sync::Arc::new(Catalog::load(&DataSource::Dir(data)).unwrap());
    let store = std::sync::Arc::new(SqliteStore::open(&dir.path().join(common::DATABASE)).unwrap());
    let config = ServerConfig { meter: MeterConfig { enabled: false, ..MeterConfig::default() }, ..Default::default() };
    let state = common::block_on(AppState::new(catalog, common::widget(), store, config)).unwrap();
    let app = common::router(state);
    let check = |display: &str| {
        let uri = format!("/fhir/CodeSystem/cpt/$validate-code?code=99213&display={}", display.replace(' ', "%20"));
        let app = app.clone();
        async move { client::send(&app, client::get(&uri, None)).await.resource("Parameters") }
    };
    let out = check("fake test descriptor for an office visit").await;
    assert_eq!(param(&out, "result")["valueBoolean"], true, "{out}");
    assert!(out["parameter"].as_array().unwrap().iter().all(|p| p["name"] != "issues"), "{out}");
    let out = check("Some other visit").await;
    assert_eq!(param(&out, "result")["valueBoolean"], false, "with licensed text, a display is judged: {out}");
}

#[tokio::test]
async fn an_offset_out_of_range_names_the_real_bound() {
    let uri = format!("/fhir/ValueSet/$expand?url={CM}?fhir_vs&offset=99999999999");
    let (status, _, text) = Client::unmetered().get(&uri, None).await.outcome();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("from 0 to 2147483647"), "{text}");
}

#[tokio::test]
async fn a_query_string_that_is_not_utf8_once_decoded_is_400_invalid() {
    let client = Client::new(ServerConfig::default());
    for uri in [
        "/fhir/ValueSet/$expand?url=http://hl7.org/fhir/sid/icd-10-cm?fhir_vs&filter=ab%ffcd",
        "/fhir/CodeSystem/$lookup?system=http://hl7.org/fhir/sid/icd-10-cm&code=I1%ff",
    ] {
        let (status, code, _) = client.get(uri, None).await.outcome();
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "invalid"), "{uri}");
    }
}

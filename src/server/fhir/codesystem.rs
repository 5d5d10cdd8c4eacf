//! The `CodeSystem` resources of the loaded systems: `content: not-present` (the codes are
//! reached through the operations, not listed), `version` the loaded release, `count` the
//! codes in it. Read by id (`icd10cm`, `icd10pcs`, `cpt`, `hcpcs`) or searched by `url`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::lookup::PROPERTIES;
use super::outcome::{FhirError, IssueType, OperationOutcome, Severity};
use super::{Fhir, public, release, systems};
use crate::api::CodeSystem;
use crate::server::{AppError, AppState};

/// The R4 `CodeSystem` resource, without concepts.
#[derive(Debug, Serialize)]
#[serde(tag = "resourceType", rename = "CodeSystem", rename_all = "camelCase")]
pub struct CodeSystemResource {
    id: &'static str,
    url: &'static str,
    identifier: Vec<Identifier>,
    version: String,
    name: &'static str,
    title: &'static str,
    status: &'static str,
    experimental: bool,
    publisher: &'static str,
    copyright: &'static str,
    case_sensitive: bool,
    value_set: String,
    hierarchy_meaning: &'static str,
    content: &'static str,
    count: usize,
    property: Vec<PropertyDefinition>,
}

/// `Identifier`: the system's OID.
#[derive(Debug, Serialize)]
struct Identifier {
    system: &'static str,
    value: String,
}

/// `CodeSystem.property`: a property `$lookup` may return.
#[derive(Debug, Serialize)]
struct PropertyDefinition {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'static str>,
    description: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The resource of `system`.
pub fn resource(state: &AppState, system: CodeSystem) -> CodeSystemResource {
    let names = systems::names(system);
    CodeSystemResource {
        id: system.id(),
        url: names.uri,
        identifier: vec![Identifier { system: "urn:ietf:rfc:3986", value: format!("urn:oid:{}", names.oid) }],
        version: release::loaded(state, system).release,
        name: names.name,
        title: names.title,
        status: "active",
        experimental: false,
        publisher: names.publisher,
        copyright: names.copyright,
        // Codes are matched as written: E11.9, not e119 (see $validate-code).
        case_sensitive: true,
        value_set: systems::implicit_value_set(system),
        hierarchy_meaning: "is-a",
        content: "not-present",
        count: state.search_index().current_count(system),
        property: PROPERTIES
            .iter()
            .map(|(code, kind, uri, description)| PropertyDefinition { code, uri: *uri, description, kind })
            .collect(),
    }
}

/// `GET /fhir/CodeSystem/{id}`.
pub async fn read(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, FhirError> {
    let Path(id) = id.map_err(|e| AppError::BadRequest(e.body_text()))?;
    // The ids are the systems' own (`icd10cm`, ...); anything else is not here.
    let system = CodeSystem::ALL.into_iter().find(|s| s.id() == id).ok_or(AppError::NotFound)?;
    Ok(public(Fhir(resource(&state, system)).into_response()))
}

/// The search parameters `GET /fhir/CodeSystem` understands.
#[derive(Debug, serde::Deserialize)]
pub struct SearchParams {
    url: Option<String>,
    #[serde(rename = "_id")]
    id: Option<String>,
    version: Option<String>,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, String>,
}

/// The R4 `Bundle` of a search.
#[derive(Debug, Serialize)]
#[serde(tag = "resourceType", rename = "Bundle")]
pub struct Bundle {
    #[serde(rename = "type")]
    kind: &'static str,
    total: usize,
    entry: Vec<Entry>,
}

#[derive(Debug, Serialize)]
struct Entry {
    resource: EntryResource,
    search: EntrySearch,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum EntryResource {
    CodeSystem(Box<CodeSystemResource>),
    Outcome(OperationOutcome),
}

#[derive(Debug, Serialize)]
struct EntrySearch {
    mode: &'static str,
}

/// `GET /fhir/CodeSystem?url=&_id=&version=`: the loaded systems that match. As FHIR search
/// does, parameters it does not know are ignored, and an `outcome` entry says which.
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, FhirError> {
    let Query(params) = params.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut entry: Vec<Entry> = CodeSystem::ALL
        .into_iter()
        .filter(|s| params.url.as_deref().is_none_or(|u| u == systems::system_uri(*s)))
        .filter(|s| params.id.as_deref().is_none_or(|i| i == s.id()))
        .map(|s| resource(&state, s))
        .filter(|r| params.version.as_deref().is_none_or(|v| v == r.version))
        .map(|r| Entry { resource: EntryResource::CodeSystem(Box::new(r)), search: EntrySearch { mode: "match" } })
        .collect();
    let total = entry.len();
    let ignored: Vec<&str> = params.other.keys().map(String::as_str).filter(|k| *k != "_format").collect();
    if !ignored.is_empty() {
        let text = format!("Ignored the search parameters this server does not support: {}.", ignored.join(", "));
        entry.push(Entry {
            resource: EntryResource::Outcome(OperationOutcome::one(Severity::Warning, IssueType::NotSupported, text)),
            search: EntrySearch { mode: "outcome" },
        });
    }
    Ok(public(Fhir(Bundle { kind: "searchset", total, entry }).into_response()))
}

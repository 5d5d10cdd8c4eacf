//! `GET /fhir/metadata`: what this server does, as a CapabilityStatement, or with
//! `?mode=terminology` as TerminologyCapabilities (the systems, their versions, paging and
//! text filters of `$expand`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::outcome::{FhirError, IssueType};
use super::params::Inputs;
use super::{FHIR_VERSION, Fhir, now_datetime, release, systems};
use crate::api::CodeSystem;
use crate::server::AppState;

const SOFTWARE: &str = "codecard";
const DESCRIPTION: &str =
    "codecard: FHIR R4 terminology operations over ICD-10-CM, ICD-10-PCS, CPT® (demo set) and HCPCS Level II";

/// `software`.
#[derive(Debug, Serialize)]
struct Software {
    name: &'static str,
    version: &'static str,
}

/// `implementation` (required when `kind` is `instance`).
#[derive(Debug, Serialize)]
struct Implementation {
    description: &'static str,
}

/// The R4 `CapabilityStatement`.
#[derive(Debug, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
struct CapabilityStatement {
    status: &'static str,
    date: String,
    kind: &'static str,
    instantiates: Vec<&'static str>,
    software: Software,
    implementation: Implementation,
    fhir_version: &'static str,
    format: Vec<&'static str>,
    rest: Vec<Rest>,
}

#[derive(Debug, Serialize)]
struct Rest {
    mode: &'static str,
    resource: Vec<RestResource>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RestResource {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interaction: Vec<Interaction>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    search_param: Vec<SearchParam>,
    operation: Vec<Operation>,
}

#[derive(Debug, Serialize)]
struct Interaction {
    code: &'static str,
}

#[derive(Debug, Serialize)]
struct SearchParam {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Debug, Serialize)]
struct Operation {
    name: &'static str,
    definition: &'static str,
}

/// The R4 `TerminologyCapabilities`.
#[derive(Debug, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
struct TerminologyCapabilities {
    status: &'static str,
    date: String,
    kind: &'static str,
    software: Software,
    implementation: Implementation,
    code_system: Vec<TerminologySystem>,
    expansion: ExpansionCapabilities,
    code_search: &'static str,
    validate_code: ValidateCodeCapabilities,
}

#[derive(Debug, Serialize)]
struct TerminologySystem {
    uri: &'static str,
    version: Vec<SystemVersion>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SystemVersion {
    code: String,
    is_default: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExpansionCapabilities {
    hierarchical: bool,
    paging: bool,
    text_filter: &'static str,
}

#[derive(Debug, Serialize)]
struct ValidateCodeCapabilities {
    translations: bool,
}

/// `GET /fhir/metadata?mode=`.
pub async fn metadata(State(state): State<AppState>, mut inputs: Inputs) -> Result<Response, FhirError> {
    let mode = inputs.text("mode")?;
    inputs.finish("metadata")?;
    let software = Software { name: SOFTWARE, version: env!("CARGO_PKG_VERSION") };
    let implementation = Implementation { description: DESCRIPTION };
    let response = match mode.as_deref() {
        None | Some("full") | Some("normative") => Fhir(capability_statement(software, implementation)).into_response(),
        Some("terminology") => Fhir(terminology(&state, software, implementation)).into_response(),
        Some(other) => {
            return Err(FhirError::invalid(
                "mode",
                IssueType::Value,
                format!("mode {other:?} is not one of full, normative, terminology."),
            ));
        }
    };
    Ok(super::public(response))
}

fn capability_statement(software: Software, implementation: Implementation) -> CapabilityStatement {
    let op = |name, definition| Operation { name, definition };
    CapabilityStatement {
        status: "active",
        date: now_datetime(),
        kind: "instance",
        instantiates: vec!["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        software,
        implementation,
        fhir_version: FHIR_VERSION,
        format: vec!["json"],
        rest: vec![Rest {
            mode: "server",
            resource: vec![
                RestResource {
                    kind: "CodeSystem",
                    interaction: vec![Interaction { code: "read" }, Interaction { code: "search-type" }],
                    search_param: vec![
                        SearchParam { name: "url", kind: "uri" },
                        SearchParam { name: "version", kind: "token" },
                        SearchParam { name: "_id", kind: "token" },
                    ],
                    operation: vec![
                        op("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup"),
                        op("validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code"),
                    ],
                },
                RestResource {
                    kind: "ValueSet",
                    interaction: Vec::new(),
                    search_param: Vec::new(),
                    operation: vec![
                        op("expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand"),
                        op("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"),
                    ],
                },
            ],
        }],
    }
}

fn terminology(state: &AppState, software: Software, implementation: Implementation) -> TerminologyCapabilities {
    TerminologyCapabilities {
        status: "active",
        date: now_datetime(),
        kind: "instance",
        software,
        implementation,
        code_system: CodeSystem::ALL
            .into_iter()
            .map(|s| TerminologySystem {
                uri: systems::system_uri(s),
                version: vec![SystemVersion { code: release::loaded(state, s).release, is_default: true }],
            })
            .collect(),
        expansion: ExpansionCapabilities {
            hierarchical: false,
            paging: true,
            text_filter: "The filter is codecard's search: a code or its beginning (E11 lists E11 and the codes \
                under it), or words of the description, with prefixes, common misspellings and lay synonyms; \
                results are ranked best first.",
        },
        code_search: "all",
        validate_code: ValidateCodeCapabilities { translations: false },
    }
}

//! `ValueSet/$expand` over each system's implicit all-codes value set (`<uri>?fhir_vs`). With a
//! `filter`, the codes come from the search index, ranked as `/v1/search` ranks them; without,
//! in code order. Codes a newer release deleted are not in the loaded release's value set.
//! Like search, not metered: each entry is a code and its title. `excludeNotForUI=true` leaves
//! out what cannot be picked for a claim (ICD-10-CM category headers), which otherwise come
//! marked `abstract`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::outcome::{FhirError, IssueType};
use super::params::Inputs;
use super::{Fhir, now_datetime, public, systems};
use crate::api::CodeSystem;
use crate::code;
use crate::server::search::{MAX_OFFSET, MAX_QUERY_CHARS, Query};
use crate::server::{AppError, AppState};

/// Codes per page when `count` is not given.
pub const DEFAULT_COUNT: usize = 100;
/// The most codes one page may hold.
pub const MAX_COUNT: usize = 1000;

/// The R4 `ValueSet` resource, as an expansion.
#[derive(Debug, Serialize)]
#[serde(tag = "resourceType", rename = "ValueSet")]
pub struct ValueSet {
    url: String,
    title: String,
    status: &'static str,
    expansion: Expansion,
}

/// `ValueSet.expansion`.
#[derive(Debug, Serialize)]
struct Expansion {
    timestamp: String,
    total: usize,
    offset: usize,
    parameter: Vec<ExpansionParameter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contains: Vec<Contains>,
}

/// `ValueSet.expansion.parameter`: the parameters that shaped the expansion.
#[derive(Debug, Serialize)]
struct ExpansionParameter {
    name: &'static str,
    #[serde(flatten)]
    value: ExpansionValue,
}

#[derive(Debug, Serialize)]
enum ExpansionValue {
    #[serde(rename = "valueString")]
    String(String),
    #[serde(rename = "valueInteger")]
    Integer(usize),
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
}

/// `ValueSet.expansion.contains`: one code.
#[derive(Debug, Serialize)]
struct Contains {
    system: &'static str,
    #[serde(rename = "abstract", skip_serializing_if = "std::ops::Not::not")]
    not_selectable: bool,
    code: String,
    display: String,
}

/// `GET|POST /fhir/ValueSet/$expand?url=<system>?fhir_vs&filter=&count=&offset=&excludeNotForUI=`.
pub async fn expand(State(state): State<AppState>, mut inputs: Inputs) -> Result<Response, FhirError> {
    let (system, _) = inputs.value_set()?;
    let filter = inputs.text("filter")?;
    let count = inputs.number("count", 0, MAX_COUNT)?.unwrap_or(DEFAULT_COUNT);
    // FHIR's `integer` is 32-bit: its largest value is the bound (past the end is an empty page).
    let offset = inputs.number("offset", 0, i32::MAX as usize)?.unwrap_or(0);
    let billable_only = inputs.boolean("excludeNotForUI")?.unwrap_or(false);
    inputs.ignore(&["displayLanguage", "excludeNested", "activeOnly"]);
    inputs.finish("$expand")?;
    Ok(public(Fhir(expansion(&state, system, filter.as_deref(), count, offset, billable_only)?).into_response()))
}

/// One page of `system`'s implicit value set; public so the benchmark can time it in process.
pub fn expansion(
    state: &AppState,
    system: CodeSystem,
    filter: Option<&str>,
    count: usize,
    offset: usize,
    billable_only: bool,
) -> Result<ValueSet, FhirError> {
    let index = state.search_index();
    let uri = systems::system_uri(system);
    let contains = |key: &str, title: &str, billable: bool| Contains {
        system: uri,
        not_selectable: !billable,
        code: code::display(system, key),
        display: title.to_string(),
    };
    let mut parameter = vec![
        ExpansionParameter { name: "count", value: ExpansionValue::Integer(count) },
        ExpansionParameter { name: "offset", value: ExpansionValue::Integer(offset) },
    ];
    if billable_only {
        parameter.push(ExpansionParameter { name: "excludeNotForUI", value: ExpansionValue::Boolean(true) });
    }
    let (total, contains) = match filter {
        Some(text) => {
            if text.chars().count() > MAX_QUERY_CHARS {
                return Err(FhirError::new(
                    AppError::QueryTooLong { max: MAX_QUERY_CHARS },
                    IssueType::TooLong,
                    "filter",
                ));
            }
            if offset > MAX_OFFSET {
                return Err(FhirError::invalid(
                    "offset",
                    IssueType::Value,
                    format!("With a filter, offset goes up to {MAX_OFFSET}: nobody reads further down a ranking."),
                ));
            }
            parameter.insert(0, ExpansionParameter { name: "filter", value: ExpansionValue::String(text.into()) });
            let found = index.search(&Query { text, system: Some(system), billable_only, offset, limit: count });
            (found.total, found.hits.iter().map(|h| contains(&h.code, &h.title, h.billable)).collect())
        }
        None if billable_only => {
            let (total, page) = index.current_billable_page(system, offset, count);
            (total, page.iter().map(|e| contains(e.key, e.title, e.billable)).collect())
        }
        None => {
            let page = index.current_page(system, offset, count);
            (index.current_count(system), page.iter().map(|e| contains(e.key, e.title, e.billable)).collect())
        }
    };
    Ok(ValueSet {
        url: systems::implicit_value_set(system),
        title: format!("All {} codes", system.label()),
        status: "active",
        expansion: Expansion { timestamp: now_datetime(), total, offset, parameter, contains },
    })
}

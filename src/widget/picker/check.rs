//! Checking a code typed or pasted into the field without picking it. The check asks the search
//! route, which is not metered and answers titles only: validating a field never spends one of
//! the visitor's views and never reveals a card.

use super::choice::Choice;
use crate::api::CodeSystem;
use crate::code;
use crate::widget::client::{self, FetchError, SearchRequest};

/// What the field's text turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// A code of an accepted system, billable or allowed anyway: the field shows it in its
    /// written form.
    Known(Choice),
    /// Not shaped like any code.
    NotACode,
    /// Shaped like a code, but no accepted system has it.
    Unknown,
    /// A category header where only billable codes are allowed.
    Header(Choice),
    /// The endpoint could not be asked: the field is left as the person wrote it (the form is
    /// not blocked by an outage of ours).
    Unverified,
}

/// Looks `written` up among `systems` (every system when empty).
pub async fn check(
    endpoint: &str,
    timeout_ms: u32,
    written: &str,
    systems: &[CodeSystem],
    billable_only: bool,
) -> Verdict {
    let Some(key) = code::normalize(written).filter(|key| !code::candidate_systems(key).is_empty()) else {
        return Verdict::NotACode;
    };
    let request = SearchRequest {
        text: key.clone(),
        system: if let [one] = systems { Some(*one) } else { None },
        billable_only: false,
        // A code-shaped query lists the code itself first; a few more cover the same key in
        // several systems.
        limit: 5,
    };
    let Ok(abort) = web_sys::AbortController::new() else { return Verdict::Unverified };
    match client::fetch_results(endpoint, &request, timeout_ms, &abort).await {
        Ok(results) => results
            .results
            .iter()
            .find(|hit| hit.code == key && (systems.is_empty() || systems.contains(&hit.system)))
            .map_or(Verdict::Unknown, |hit| {
                if billable_only && !hit.billable { Verdict::Header(hit.into()) } else { Verdict::Known(hit.into()) }
            }),
        Err(FetchError::Api { .. }) => Verdict::Unknown,
        Err(_) => Verdict::Unverified,
    }
}

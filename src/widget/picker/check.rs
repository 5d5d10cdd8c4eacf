//! Checking a code typed or pasted into the field without picking it. The check asks the search
//! route, which is not metered and answers titles only: validating a field never spends one of
//! the visitor's views and never reveals a card.

use super::choice::Choice;
use crate::api::{CodeSystem, SearchHit};
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
    /// The same key in several accepted systems, and the written form does not say which.
    Ambiguous(Vec<CodeSystem>),
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
        Ok(results) => match exact(&results.results, written, systems) {
            Exact::None => Verdict::Unknown,
            Exact::Several(systems) => Verdict::Ambiguous(systems),
            Exact::One(hit) if billable_only && !hit.billable => Verdict::Header(hit.into()),
            Exact::One(hit) => Verdict::Known(hit.into()),
        },
        Err(FetchError::Api { .. }) => Verdict::Unknown,
        Err(_) => Verdict::Unverified,
    }
}

/// Which of some hits is the code `written` itself.
pub enum Exact<'a> {
    None,
    One(&'a SearchHit),
    /// In these systems, each writing it its own way, none the way it was typed.
    Several(Vec<CodeSystem>),
}

/// The hit among `systems` (every system when empty) that is the code `written`. One key can be
/// two codes (`J1100` is HCPCS's J1100 and ICD-10-CM's J11.00): the system that writes it exactly
/// as typed wins, and when none does the answer is [`Exact::Several`], never a silent pick.
pub fn exact<'a>(hits: &'a [SearchHit], written: &str, systems: &[CodeSystem]) -> Exact<'a> {
    let Some(key) = code::normalize(written) else { return Exact::None };
    let same: Vec<&SearchHit> =
        hits.iter().filter(|h| h.code == key && (systems.is_empty() || systems.contains(&h.system))).collect();
    let as_typed: Vec<&SearchHit> =
        same.iter().copied().filter(|h| h.display_code.eq_ignore_ascii_case(written.trim())).collect();
    match (&same[..], &as_typed[..]) {
        ([], _) => Exact::None,
        ([one], _) | (_, [one]) => Exact::One(one),
        (several, _) => Exact::Several(several.iter().map(|h| h.system).collect()),
    }
}

/// Whether `written` has the shape of a code of some system (rather than being words).
pub fn code_shaped(written: &str) -> bool {
    code::normalize(written).is_some_and(|key| !code::candidate_systems(&key).is_empty())
}

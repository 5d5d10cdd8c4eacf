//! `CodeSystem/$validate-code` and `ValueSet/$validate-code` (over the implicit all-codes value
//! sets). Like search, not metered: the answer is yes or no, the code's title (`display`) and
//! a message, nothing a search would not show.
//!
//! `result` is false, with a `message`, for a code that is not in the loaded release (unknown,
//! malformed, or deleted), for a code written otherwise than the system writes it (`e119` for
//! `E11.9`: FHIR codes are case- and punctuation-sensitive; the message gives the right form),
//! for a category header when `abstract` is false, and, as FHIR specifies, for a `display`
//! that is not one of the code's descriptions (compared ignoring case and spacing). `display`
//! always carries the right title when the code is known.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::outcome::{FhirError, IssueType, OperationOutcome, Severity};
use super::params::{Inputs, Target, system_of};
use super::types::{Parameter, Parameters, Value};
use super::{Fhir, public, release, systems};
use crate::api::CodeSystem;
use crate::code;
use crate::server::AppState;

/// `GET|POST /fhir/CodeSystem/$validate-code?url=<system>&code=` (or `coding`), with
/// `version`, `display`, `abstract`.
pub async fn code_system(State(state): State<AppState>, mut inputs: Inputs) -> Result<Response, FhirError> {
    let target = inputs.target("url")?;
    answer(&state, target, inputs, "CodeSystem/$validate-code")
}

/// `GET|POST /fhir/CodeSystem/{id}/$validate-code?code=`: the same, for the system `id` names.
pub async fn instance(
    state: State<AppState>,
    Path(id): Path<String>,
    mut inputs: Inputs,
) -> Result<Response, FhirError> {
    inputs.instance(&id, "url")?;
    code_system(state, inputs).await
}

/// `GET|POST /fhir/ValueSet/$validate-code?url=<system>?fhir_vs&system=&code=` (or `coding`).
pub async fn value_set(State(state): State<AppState>, mut inputs: Inputs) -> Result<Response, FhirError> {
    let (value_set, url) = inputs.value_set()?;
    // The system may be left out: the implicit value set has one.
    let (code, coding) = (inputs.text("code")?, inputs.coding("coding")?);
    let system = match (&coding, inputs.text("system")?) {
        (Some(coding), _) => coding.system.clone(),
        (None, system) => system,
    };
    let mut target = match (code, coding) {
        (Some(code), None) => Target { system: value_set, code },
        (None, Some(coding)) => Target { system: value_set, code: coding.code.unwrap_or_default() },
        _ => {
            return Err(FhirError::invalid(
                "code",
                IssueType::Required,
                "Give either code (with its system) or coding.".into(),
            ));
        }
    };
    target.code = target.code.trim().to_string();
    if let Some(uri) = system {
        let named = system_of(&uri, "system")?;
        if named != value_set {
            let message = format!(
                "{} is a {} code; the value set {url} holds {} codes only.",
                target.code,
                named.label(),
                value_set.label()
            );
            inputs.ignore(&["version", "display", "abstract", "date", "displayLanguage", "systemVersion"]);
            inputs.finish("ValueSet/$validate-code")?;
            return Ok(reply(false, Some(message), None));
        }
    }
    answer(&state, target, inputs, "ValueSet/$validate-code")
}

/// Validates `target` with the remaining parameters.
fn answer(state: &AppState, target: Target, mut inputs: Inputs, operation: &str) -> Result<Response, FhirError> {
    let version = inputs.text("version")?.or(inputs.text("systemVersion")?);
    let display = inputs.text("display")?;
    let abstract_ok = inputs.boolean("abstract")?.unwrap_or(true);
    inputs.ignore(&["date", "displayLanguage"]);
    inputs.finish(operation)?;
    release::check(state, target.system, version.as_deref(), "version")?;
    let Target { system, code: written } = target;
    let label = system.label();
    let Some(key) = code::normalize(&written).filter(|k| code::fits(system, k)) else {
        return Ok(reply(false, Some(format!("{written:?} is not a well-formed {label} code.")), None));
    };
    let index = state.search_index();
    let proper = code::display(system, &key);
    let Some(entry) = index.code(system, &key) else {
        return Ok(reply(false, Some(format!("{proper} is not a code of {label}.")), None));
    };
    let title = Some(entry.title.to_string());
    if let Some(deleted_in) =
        entry.deleted.then(|| state.catalog.card(system, &key)).flatten().and_then(|c| c.deleted_in)
    {
        let message = format!("{proper} was deleted from {label} in {deleted_in}.");
        return Ok(reply(false, Some(message), title));
    }
    if written != proper {
        let message = format!("{written:?} is not written as {label} writes it: the code is {proper}.");
        return Ok(reply(false, Some(message), title));
    }
    if !entry.billable && !abstract_ok {
        let message = format!("{proper} is a category header: not valid on a claim; use a code below it.");
        return Ok(reply(false, Some(message), title));
    }
    let mut unchecked = None;
    if let Some(display) = display {
        let card = state.catalog.card(system, &key);
        // CPT's official descriptors are the AMA's licensed text: without an imported file,
        // codecard holds only its own summary, so a display that differs from it (most likely
        // the AMA descriptor) cannot be judged either way.
        let licensed_text = system != CodeSystem::Cpt || card.as_ref().is_some_and(|c| c.long_description.is_some());
        let valid: Vec<String> = std::iter::once(entry.title.to_string())
            .chain(card.into_iter().flat_map(|c| [c.short_description, c.long_description]).flatten())
            .collect();
        if !valid.iter().any(|v| same_text(v, &display)) && !licensed_text {
            unchecked = Some(OperationOutcome::one(
                Severity::Information,
                IssueType::Informational,
                format!(
                    "The display {display:?} was not checked: this endpoint holds no licensed CPT® descriptors, \
                     only codecard's own summary ({:?}).",
                    entry.title
                ),
            ));
        } else if !valid.iter().any(|v| same_text(v, &display)) {
            let message = format!(
                "Wrong display {display:?} for {}#{proper}: it should be {:?}.",
                systems::system_uri(system),
                entry.title
            );
            return Ok(reply(false, Some(message), title));
        }
    }
    let note = (!entry.billable).then(|| format!("{proper} is a category header: not valid on a claim."));
    Ok(reply_with(true, note, title, unchecked))
}

/// Whether two descriptions are the same text, ignoring case and spacing.
fn same_text(a: &str, b: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    words(a) == words(b)
}

/// The `Parameters` answer: `result`, `message`, `display`.
fn reply(result: bool, message: Option<String>, display: Option<String>) -> Response {
    reply_with(result, message, display, None)
}

/// [`reply`], with an `issues` OperationOutcome when something was left unchecked.
fn reply_with(
    result: bool,
    message: Option<String>,
    display: Option<String>,
    issues: Option<OperationOutcome>,
) -> Response {
    let mut parameters = Parameters { parameter: vec![Parameter::value("result", Value::Boolean(result))] };
    parameters.parameter.extend(message.map(|m| Parameter::value("message", Value::String(m))));
    parameters.parameter.extend(display.map(|d| Parameter::value("display", Value::String(d))));
    parameters.parameter.extend(issues.map(Parameter::issues));
    public(Fhir(parameters).into_response())
}

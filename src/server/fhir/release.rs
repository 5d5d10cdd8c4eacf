//! Which release of a system is loaded: the FHIR `version` of its CodeSystem.

use super::outcome::{FhirError, IssueType};
use crate::api::{CodeSystem, SystemCount};
use crate::server::{AppError, AppState};

/// The loaded release of `system` and how many codes it holds.
pub fn loaded(state: &AppState, system: CodeSystem) -> SystemCount {
    state.catalog.counts().into_iter().find(|c| c.system == system).expect("every system is loaded")
}

/// Checks a `version` parameter against the loaded release: this server holds one release of
/// each system, so asking for another is a 400 that says which one it has.
pub fn check(state: &AppState, system: CodeSystem, version: Option<&str>, parameter: &str) -> Result<(), FhirError> {
    let Some(version) = version else { return Ok(()) };
    let release = loaded(state, system).release;
    if version.trim() == release {
        return Ok(());
    }
    Err(FhirError::new(
        AppError::BadRequest(format!(
            "This server holds {} version {release:?} only, not {version:?}.",
            system.label()
        )),
        IssueType::NotSupported,
        parameter,
    ))
}

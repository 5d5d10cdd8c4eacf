//! A picked code and what the page hears about it: the `codecard:select` event, whose detail
//! carries a FHIR `Coding` so an EHR can store the pick as it stores any coded value.

use serde::Serialize;

use crate::api::{CodeSystem, SearchHit};

/// A code the field holds (or, in multiple mode, one of its chips).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The key (`E119`).
    pub code: String,
    /// The written form (`E11.9`): what the form submits.
    pub display_code: String,
    /// Its system.
    pub system: CodeSystem,
    /// Its title.
    pub title: String,
}

impl From<&SearchHit> for Choice {
    fn from(hit: &SearchHit) -> Choice {
        Choice {
            code: hit.code.clone(),
            display_code: hit.display_code.clone(),
            system: hit.system,
            title: hit.title.clone(),
        }
    }
}

/// A FHIR R4 `Coding`: the system's HL7 Terminology URI and the code as FHIR writes it (ICD-10-CM
/// dotted, as the `/fhir` routes answer it).
#[derive(Serialize)]
struct Coding<'a> {
    system: &'static str,
    code: &'a str,
    display: &'a str,
}

/// The detail of `codecard:select`.
#[derive(Serialize)]
pub struct Selected<'a> {
    code: &'a str,
    display_code: &'a str,
    system: &'static str,
    title: &'a str,
    coding: Coding<'a>,
}

impl Choice {
    /// The `codecard:select` detail for this code (written straight to a JS object by
    /// [`crate::widget::dom::emit`]: no serde_json in the module).
    pub fn detail(&self) -> Selected<'_> {
        Selected {
            code: &self.code,
            display_code: &self.display_code,
            system: self.system.id(),
            title: &self.title,
            coding: Coding { system: self.system.fhir_uri(), code: &self.display_code, display: &self.title },
        }
    }
}

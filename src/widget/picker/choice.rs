//! A picked code and what the page hears about it: the `codecard:select` event, whose detail
//! carries a FHIR `Coding` so an EHR can store the pick as it stores any coded value.

use wasm_bindgen::JsValue;

use crate::api::{CodeSystem, SearchHit};
use crate::widget::dom::object;

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

impl Choice {
    /// The `codecard:select` detail for this code, with a FHIR R4 `Coding`: the system's HL7
    /// Terminology URI and the code as FHIR writes it (ICD-10-CM dotted, as the `/fhir` routes
    /// answer it).
    pub fn detail(&self) -> JsValue {
        let coding = object(&[
            ("system", self.system.fhir_uri().into()),
            ("code", self.display_code.as_str().into()),
            ("display", self.title.as_str().into()),
        ]);
        object(&[
            ("code", self.code.as_str().into()),
            ("display_code", self.display_code.as_str().into()),
            ("system", self.system.id().into()),
            ("title", self.title.as_str().into()),
            ("coding", coding),
        ])
    }
}

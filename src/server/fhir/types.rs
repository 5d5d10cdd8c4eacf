//! The FHIR R4 data types and the `Parameters` resource the operations answer with.

use serde::{Deserialize, Serialize};

use super::outcome::OperationOutcome;

/// `Coding`: a code in a system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// The code system's URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code system's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    /// A coding of `code` in `system`, with its text.
    pub fn new(system: &str, code: &str, display: &str) -> Coding {
        Coding { system: Some(system.into()), version: None, code: Some(code.into()), display: Some(display.into()) }
    }
}

/// `CodeableConcept`, as this server uses it: a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeableConcept {
    /// The text.
    pub text: String,
}

impl CodeableConcept {
    /// A concept of text only.
    pub fn text(text: String) -> CodeableConcept {
        CodeableConcept { text }
    }
}

/// The `Parameters` resource: the output of `$lookup` and `$validate-code`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(tag = "resourceType")]
pub struct Parameters {
    /// The output parameters, in the operation's order.
    pub parameter: Vec<Parameter>,
}

/// One parameter: a value, a resource, or parts.
#[derive(Clone, Debug, Serialize)]
pub struct Parameter {
    /// The parameter's name as the operation defines it.
    pub name: String,
    /// Its value, when it has one (`valueString`, `valueCode`, ...).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// A resource, for `issues`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<OperationOutcome>,
    /// Named parts, for `designation` and `property`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub part: Vec<Parameter>,
}

/// A parameter's value, named by its FHIR type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Value {
    /// `valueString`.
    #[serde(rename = "valueString")]
    String(String),
    /// `valueCode`.
    #[serde(rename = "valueCode")]
    Code(String),
    /// `valueBoolean`.
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    /// `valueCoding`.
    #[serde(rename = "valueCoding")]
    Coding(Coding),
}

impl Parameter {
    /// A parameter with a value.
    pub fn value(name: &str, value: Value) -> Parameter {
        Parameter { name: name.into(), value: Some(value), resource: None, part: Vec::new() }
    }

    /// A parameter made of parts.
    pub fn parts(name: &str, part: Vec<Parameter>) -> Parameter {
        Parameter { name: name.into(), value: None, resource: None, part }
    }

    /// The `issues` parameter: an OperationOutcome carried inside a successful answer.
    pub fn issues(outcome: OperationOutcome) -> Parameter {
        Parameter { name: "issues".into(), value: None, resource: Some(outcome), part: Vec::new() }
    }
}

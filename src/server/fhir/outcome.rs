//! `OperationOutcome`: how every FHIR error answers. The status and the sentence come from the
//! endpoint's `AppError`, so a refusal means the same on `/v1` and on `/fhir`; only the FHIR
//! issue type is chosen here.

use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::Fhir;
use super::types::CodeableConcept;
use crate::api::ErrorKind;
use crate::server::AppError;

/// The R4 `OperationOutcome` resource.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "resourceType")]
pub struct OperationOutcome {
    /// At least one issue (the resource requires one).
    pub issue: Vec<Issue>,
}

/// One issue of an [`OperationOutcome`].
#[derive(Clone, Debug, Serialize)]
pub struct Issue {
    /// How bad it is.
    pub severity: Severity,
    /// What kind of issue.
    pub code: IssueType,
    /// The sentence for people.
    pub details: CodeableConcept,
    /// The operation parameter at fault, when one is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

/// `OperationOutcome.issue.severity` (the R4 value set, as far as this server uses it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation answered, with a caveat.
    Warning,
    /// For the reader's information.
    Information,
}

/// `OperationOutcome.issue.code`: the R4 `IssueType` codes this server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueType {
    /// Content invalid against the specification or a profile.
    Invalid,
    /// Nothing wrong: something the reader should know.
    Informational,
    /// A required element is missing.
    Required,
    /// An element value is invalid (a number out of range, a wrong type).
    Value,
    /// A text is too long.
    TooLong,
    /// A code is not valid (malformed, or not of the system it is said to be of).
    CodeInvalid,
    /// A reference (here: a code) could not be resolved.
    NotFound,
    /// The operation, parameter or system is not supported.
    NotSupported,
    /// Several matches where one was expected.
    MultipleMatches,
    /// The client needs to authenticate afresh.
    Login,
    /// The client is not permitted.
    Forbidden,
    /// Too many requests.
    Throttled,
    /// A temporary failure; retry.
    Transient,
    /// An unexpected fault on the server.
    Exception,
    /// The request is larger than the server accepts.
    TooLarge,
    /// A conflict with existing content.
    Duplicate,
    /// Some content was left out because of access rules (the meter).
    Suppressed,
    /// The request took longer than the endpoint allows.
    Timeout,
}

impl IssueType {
    /// The issue type of each endpoint error kind.
    fn of(kind: ErrorKind) -> IssueType {
        match kind {
            ErrorKind::MalformedCode => IssueType::CodeInvalid,
            ErrorKind::UnknownSystem => IssueType::NotSupported,
            ErrorKind::BadRequest | ErrorKind::InvalidInput => IssueType::Invalid,
            ErrorKind::UnknownCode | ErrorKind::NotFound => IssueType::NotFound,
            ErrorKind::AmbiguousCode => IssueType::MultipleMatches,
            ErrorKind::MethodNotAllowed | ErrorKind::NotAcceptable | ErrorKind::UnsupportedMediaType => {
                IssueType::NotSupported
            }
            ErrorKind::InvalidToken | ErrorKind::InvalidCredentials => IssueType::Login,
            ErrorKind::EmailTaken => IssueType::Duplicate,
            ErrorKind::Forbidden => IssueType::Forbidden,
            ErrorKind::PayloadTooLarge => IssueType::TooLarge,
            ErrorKind::RateLimited => IssueType::Throttled,
            ErrorKind::StorageUnavailable | ErrorKind::Busy => IssueType::Transient,
            ErrorKind::Timeout => IssueType::Timeout,
            ErrorKind::Internal => IssueType::Exception,
            ErrorKind::EmptyQuery => IssueType::Required,
            ErrorKind::QueryTooLong => IssueType::TooLong,
        }
    }
}

impl OperationOutcome {
    /// An outcome of one issue.
    pub fn one(severity: Severity, code: IssueType, text: String) -> OperationOutcome {
        OperationOutcome {
            issue: vec![Issue { severity, code, details: CodeableConcept::text(text), expression: Vec::new() }],
        }
    }
}

/// A FHIR operation's failure: an endpoint error, with a more precise issue type and the
/// parameter at fault where the operation knows them.
#[derive(Debug)]
pub struct FhirError {
    error: AppError,
    code: IssueType,
    parameter: Option<String>,
}

impl FhirError {
    /// `error`, reported with issue type `code` about operation parameter `parameter`.
    pub fn new(error: AppError, code: IssueType, parameter: &str) -> FhirError {
        FhirError { error, code, parameter: Some(parameter.to_string()) }
    }

    /// A 400 about `parameter`: `message` says what is wrong with it.
    pub fn invalid(parameter: &str, code: IssueType, message: String) -> FhirError {
        FhirError::new(AppError::BadRequest(message), code, parameter)
    }
}

impl From<AppError> for FhirError {
    fn from(error: AppError) -> FhirError {
        let code = IssueType::of(error.kind());
        FhirError { error, code, parameter: None }
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        self.error.log();
        let status = self.error.kind().status();
        let issue = Issue {
            severity: Severity::Error,
            code: self.code,
            details: CodeableConcept::text(self.error.message()),
            expression: self.parameter.into_iter().collect(),
        };
        let mut response = Fhir(OperationOutcome { issue: vec![issue] }).into_response();
        *response.status_mut() = status;
        self.error.add_headers(&mut response);
        response
    }
}

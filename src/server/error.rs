//! The one error type of the endpoint: every failure becomes a JSON body with a stable kind.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::store::StoreErrorKind;
use crate::api::{ApiError, CodeSystem, ErrorBody, ErrorKind};

/// Everything a request can fail with. Handlers return `Result<_, AppError>`; the response is
/// always `application/json`, never an HTML page.
#[derive(Debug)]
pub enum AppError {
    /// The text cannot be a code of the requested (or any) system.
    MalformedCode {
        /// What the client sent.
        written: String,
        /// The system it was checked against, if the client named one.
        system: Option<CodeSystem>,
    },
    /// The client named a system the endpoint does not know.
    UnknownSystem(String),
    /// A malformed query string or path.
    BadRequest(String),
    /// A well-formed code that is not in the code set.
    UnknownCode {
        /// The code as people write it.
        display: String,
        /// The systems that were searched.
        searched: Vec<CodeSystem>,
    },
    /// The code exists in several systems.
    AmbiguousCode {
        /// The code as sent.
        written: String,
        /// The systems that have it.
        candidates: Vec<CodeSystem>,
    },
    /// The bearer token is forged, altered, expired or revoked.
    InvalidToken,
    /// Log-in failed; deliberately silent on whether the email exists.
    InvalidCredentials,
    /// A registration field is unacceptable; the message says which and why.
    InvalidInput(String),
    /// Registration with an email that has an account.
    EmailTaken,
    /// A site key refuses the request; the message says why.
    Forbidden(String),
    /// The request body is over the limit.
    PayloadTooLarge,
    /// Too many attempts or new guests; the message says what to do.
    RateLimited(String),
    /// The database failed; the detail is logged, not sent. Its kind decides the status: 503
    /// when it is passing, 500 when it is a fault.
    Storage(super::store::StoreError),
    /// No such route.
    NotFound,
    /// The route exists, not for this method.
    MethodNotAllowed,
    /// A fault on our side; the detail is logged, not sent.
    Internal(String),
    /// A search without text.
    EmptyQuery,
    /// A search text over the limit.
    QueryTooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// Work of this kind is at capacity (password hashing); the client retries later.
    Busy {
        /// Seconds to wait, sent as `Retry-After`.
        retry_after: u64,
    },
    /// The request took longer than the endpoint allows.
    Timeout,
}

impl AppError {
    /// The status and the body this error answers with; the FHIR routes word the same pair as
    /// an `OperationOutcome`, so a status is decided here only.
    pub(crate) fn status_and_body(&self) -> (StatusCode, ApiError) {
        let error = |kind, message: String| ApiError { kind, message, candidates: Vec::new() };
        match self {
            AppError::MalformedCode { written, system } => (
                StatusCode::BAD_REQUEST,
                error(
                    ErrorKind::MalformedCode,
                    match system {
                        Some(system) => format!("{written:?} is not a well-formed {} code.", system.label()),
                        None => format!("{written:?} is not a well-formed ICD-10-CM, ICD-10-PCS, CPT® or HCPCS code."),
                    },
                ),
            ),
            AppError::UnknownSystem(name) => (
                StatusCode::BAD_REQUEST,
                error(
                    ErrorKind::UnknownSystem,
                    format!("Unknown code system {name:?}; use icd10cm, icd10pcs, cpt or hcpcs."),
                ),
            ),
            AppError::BadRequest(detail) => (StatusCode::BAD_REQUEST, error(ErrorKind::BadRequest, detail.clone())),
            AppError::UnknownCode { display, searched } => {
                let names: Vec<&str> = searched.iter().map(|s| s.label()).collect();
                (
                    StatusCode::NOT_FOUND,
                    error(ErrorKind::UnknownCode, format!("{display} is not a code in {}.", names.join(" or "))),
                )
            }
            AppError::AmbiguousCode { written, candidates } => {
                let names: Vec<&str> = candidates.iter().map(|s| s.label()).collect();
                (
                    StatusCode::MULTIPLE_CHOICES,
                    ApiError {
                        kind: ErrorKind::AmbiguousCode,
                        message: format!("{written} is a code in {}; choose a system.", names.join(" and ")),
                        candidates: candidates.clone(),
                    },
                )
            }
            AppError::InvalidToken => (
                StatusCode::UNAUTHORIZED,
                error(ErrorKind::InvalidToken, "The visitor or session token is not valid; start a new one.".into()),
            ),
            AppError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                error(ErrorKind::InvalidCredentials, "Email or password is incorrect.".into()),
            ),
            AppError::InvalidInput(message) => {
                (StatusCode::BAD_REQUEST, error(ErrorKind::InvalidInput, message.clone()))
            }
            AppError::EmailTaken => (
                StatusCode::CONFLICT,
                error(ErrorKind::EmailTaken, "An account with this email already exists. Log in instead.".into()),
            ),
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, error(ErrorKind::Forbidden, message.clone())),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                error(ErrorKind::PayloadTooLarge, "The request is larger than this endpoint accepts.".into()),
            ),
            AppError::RateLimited(message) => {
                (StatusCode::TOO_MANY_REQUESTS, error(ErrorKind::RateLimited, message.clone()))
            }
            // A fault answers as any other internal error; its detail is logged, not sent.
            AppError::Storage(failure) if failure.kind() == StoreErrorKind::Fault => {
                AppError::Internal(String::new()).status_and_body()
            }
            AppError::Storage(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                error(
                    ErrorKind::StorageUnavailable,
                    "The view counter is unavailable right now; nothing was counted. Try again shortly.".into(),
                ),
            ),
            AppError::NotFound => {
                (StatusCode::NOT_FOUND, error(ErrorKind::NotFound, "There is nothing at this address.".into()))
            }
            AppError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                error(ErrorKind::MethodNotAllowed, "This address does not accept that method.".into()),
            ),
            AppError::EmptyQuery => (
                StatusCode::BAD_REQUEST,
                error(ErrorKind::EmptyQuery, "Type a code or some words to search for (q).".into()),
            ),
            AppError::QueryTooLong { max } => (
                StatusCode::BAD_REQUEST,
                error(ErrorKind::QueryTooLong, format!("The search text is longer than {max} characters.")),
            ),
            AppError::Busy { retry_after } => (
                StatusCode::SERVICE_UNAVAILABLE,
                error(
                    ErrorKind::Busy,
                    format!("The code service is busy with other log-ins. Try again in {retry_after} s."),
                ),
            ),
            AppError::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                error(ErrorKind::Timeout, "The request took too long. Try again shortly.".into()),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                error(ErrorKind::Internal, "The code service had an internal error. Try again later.".into()),
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let (status, error) = self.status_and_body();
        let mut response = (status, Json(ErrorBody { error })).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        if let AppError::Busy { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        }
        response
    }
}

impl AppError {
    /// Logs the detail that the answer leaves out (faults on our side only).
    pub(crate) fn log(&self) {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Storage(error) => {
                tracing::error!(error = %error, source = ?std::error::Error::source(error), "storage error")
            }
            _ => {}
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.status_and_body().1.message)
    }
}

impl std::error::Error for AppError {}

impl From<super::store::StoreError> for AppError {
    fn from(error: super::store::StoreError) -> Self {
        AppError::Storage(error)
    }
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::InvalidInput(rejection.body_text())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let response = AppError::Internal("disk on fire at /secret/path".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let (_, body) = AppError::Internal("disk on fire at /secret/path".into()).status_and_body();
        assert_eq!(body.kind, ErrorKind::Internal);
        assert!(!body.message.contains("secret"));
    }
}

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
    /// The bearer token is forged, altered, expired or revoked; why is logged, not sent.
    InvalidToken(super::tokens::Refusal),
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
    /// Too many attempts or new guests: which limit turned the request away, and the seconds
    /// until it lets the client in again, sent as `Retry-After`.
    RateLimited {
        /// The limit that was reached.
        limit: Limit,
        /// Seconds to wait (at least 1).
        retry_after: u64,
    },
    /// The database failed; the detail is logged, not sent. Unavailable (down, busy, locked)
    /// answers 503 and may be retried; a fault answers as any internal error.
    Storage(super::store::StoreError),
    /// The readiness check's store ping failed: 503 whatever the cause, so that the load
    /// balancer sends no traffic until the store answers again.
    NotReady(super::store::StoreError),
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
    /// The client asked for a format the endpoint does not write; says which it does.
    NotAcceptable(String),
    /// The body is in a format the endpoint does not read; says which it does.
    UnsupportedMediaType(String),
}

impl ErrorKind {
    /// The HTTP status every error of this kind answers with; decided here only (the FHIR
    /// routes word the same status as an `OperationOutcome`).
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::MalformedCode
            | ErrorKind::UnknownSystem
            | ErrorKind::BadRequest
            | ErrorKind::InvalidInput
            | ErrorKind::EmptyQuery
            | ErrorKind::QueryTooLong => StatusCode::BAD_REQUEST,
            ErrorKind::UnknownCode | ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::AmbiguousCode => StatusCode::MULTIPLE_CHOICES,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::InvalidToken | ErrorKind::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ErrorKind::EmailTaken => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::StorageUnavailable | ErrorKind::Busy | ErrorKind::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }
}

/// The limits that answer 429, each with what the client is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Log-in attempts per minute (per address, email, or both).
    LogIn,
    /// New accounts per hour from one address.
    Registration,
    /// New guest identities per hour from one address.
    NewGuests,
}

impl Limit {
    /// The fixed window the limit is counted in where it is shared through the store, in
    /// seconds: a minute for log-ins, an hour for registrations and new guests.
    pub(crate) fn window(self) -> u64 {
        match self {
            Limit::LogIn => 60,
            Limit::Registration | Limit::NewGuests => 3600,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Limit::LogIn => "Too many attempts. Wait a minute and try again.",
            Limit::Registration => "Too many new accounts from your network. Try again in an hour.",
            Limit::NewGuests => {
                "Too many new guest visitors from your network this hour. Log in or register a free account to keep viewing codes."
            }
        }
    }
}

/// Seconds until the window of `limit` that holds `now` ends: what a client that reached the
/// limit waits (at least 1, as `Retry-After: 0` would invite a retry at once).
pub(crate) fn until_window_ends(now: u64, limit: Limit) -> u64 {
    (limit.window() - now % limit.window()).max(1)
}

impl AppError {
    /// The stable kind clients branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::MalformedCode { .. } => ErrorKind::MalformedCode,
            AppError::UnknownSystem(_) => ErrorKind::UnknownSystem,
            AppError::BadRequest(_) => ErrorKind::BadRequest,
            AppError::UnknownCode { .. } => ErrorKind::UnknownCode,
            AppError::AmbiguousCode { .. } => ErrorKind::AmbiguousCode,
            AppError::InvalidToken(_) => ErrorKind::InvalidToken,
            AppError::InvalidCredentials => ErrorKind::InvalidCredentials,
            AppError::InvalidInput(_) => ErrorKind::InvalidInput,
            AppError::EmailTaken => ErrorKind::EmailTaken,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::PayloadTooLarge => ErrorKind::PayloadTooLarge,
            AppError::RateLimited { .. } => ErrorKind::RateLimited,
            AppError::Storage(failure) if failure.kind() == StoreErrorKind::Fault => ErrorKind::Internal,
            AppError::Storage(_) | AppError::NotReady(_) => ErrorKind::StorageUnavailable,
            AppError::NotFound => ErrorKind::NotFound,
            AppError::MethodNotAllowed => ErrorKind::MethodNotAllowed,
            AppError::Internal(_) => ErrorKind::Internal,
            AppError::EmptyQuery => ErrorKind::EmptyQuery,
            AppError::QueryTooLong { .. } => ErrorKind::QueryTooLong,
            AppError::Busy { .. } => ErrorKind::Busy,
            AppError::Timeout => ErrorKind::Timeout,
            AppError::NotAcceptable(_) => ErrorKind::NotAcceptable,
            AppError::UnsupportedMediaType(_) => ErrorKind::UnsupportedMediaType,
        }
    }

    /// What the client is told; faults on our side keep their detail to the log.
    pub fn message(&self) -> String {
        let names = |systems: &[CodeSystem]| systems.iter().map(|s| s.label()).collect::<Vec<_>>();
        match self {
            AppError::MalformedCode { written, system: Some(system) } => {
                format!("{written:?} is not a well-formed {} code.", system.label())
            }
            AppError::MalformedCode { written, system: None } => {
                format!("{written:?} is not a well-formed ICD-10-CM, ICD-10-PCS, CPT® or HCPCS code.")
            }
            AppError::UnknownSystem(name) => {
                format!("Unknown code system {name:?}; use icd10cm, icd10pcs, cpt or hcpcs.")
            }
            AppError::BadRequest(detail) | AppError::InvalidInput(detail) => detail.clone(),
            AppError::Forbidden(detail) => detail.clone(),
            AppError::RateLimited { limit, .. } => limit.message().into(),
            AppError::UnknownCode { display, searched } => {
                format!("{display} is not a code in {}.", names(searched).join(" or "))
            }
            AppError::AmbiguousCode { written, candidates } => {
                format!("{written} is a code in {}; choose a system.", names(candidates).join(" and "))
            }
            AppError::InvalidToken(_) => "The visitor or session token is not valid; start a new one.".into(),
            AppError::InvalidCredentials => "Email or password is incorrect.".into(),
            AppError::EmailTaken => "An account with this email already exists. Log in instead.".into(),
            AppError::PayloadTooLarge => "The request is larger than this endpoint accepts.".into(),
            AppError::Storage(failure) if failure.kind() == StoreErrorKind::Fault => {
                "The code service had an internal error. Try again later.".into()
            }
            AppError::Storage(_) => {
                "The view counter is unavailable right now; nothing was counted. Try again shortly.".into()
            }
            AppError::NotReady(_) => "The view counter's database does not answer; this instance is not ready.".into(),
            AppError::NotFound => "There is nothing at this address.".into(),
            AppError::MethodNotAllowed => "This address does not accept that method.".into(),
            AppError::EmptyQuery => "Type a code or some words to search for (q).".into(),
            AppError::QueryTooLong { max } => format!("The search text is longer than {max} characters."),
            AppError::Busy { retry_after } => {
                format!("The code service is busy with other log-ins. Try again in {retry_after} s.")
            }
            AppError::Timeout => "The request took too long. Try again shortly.".into(),
            AppError::NotAcceptable(message) | AppError::UnsupportedMediaType(message) => message.clone(),
            AppError::Internal(_) => "The code service had an internal error. Try again later.".into(),
        }
    }

    /// The status and the body this error answers with.
    pub(crate) fn status_and_body(&self) -> (StatusCode, ApiError) {
        let kind = self.kind();
        let candidates = match self {
            AppError::AmbiguousCode { candidates, .. } => candidates.clone(),
            _ => Vec::new(),
        };
        (kind.status(), ApiError { kind, message: self.message(), candidates })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let (status, error) = self.status_and_body();
        let mut response = (status, Json(ErrorBody { error })).into_response();
        self.add_headers(&mut response);
        response
    }
}

impl AppError {
    /// The headers an error answer carries besides its body, on `/v1` and `/fhir` alike: never
    /// cached, `Retry-After` when the client should wait, and the `WWW-Authenticate` challenge
    /// every 401 must carry (RFC 9110): the credentials this endpoint takes are bearer tokens.
    pub(crate) fn add_headers(&self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        match self {
            AppError::Busy { retry_after } | AppError::RateLimited { retry_after, .. } => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
            }
            AppError::InvalidToken(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer realm=\"codecard\", error=\"invalid_token\""),
                );
            }
            AppError::InvalidCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"codecard\""));
            }
            _ => {}
        }
    }
}

impl AppError {
    /// Logs the detail that the answer leaves out: faults on our side as errors, a database that
    /// is unavailable once and then in summaries (see `storage_log`), why a token was refused at
    /// debug level (every forged token would otherwise fill the log).
    pub(crate) fn log(&self) {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Storage(error) | AppError::NotReady(error) => {
                super::metrics::store_error(error);
                match error.kind() {
                    StoreErrorKind::Unavailable => super::storage_log::unavailable(error),
                    StoreErrorKind::Fault => {
                        tracing::error!(error = %error, source = ?std::error::Error::source(error), "storage error")
                    }
                }
            }
            AppError::InvalidToken(refusal) => tracing::debug!(%refusal, "token refused"),
            _ => {}
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
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

impl From<super::tokens::Refusal> for AppError {
    fn from(refusal: super::tokens::Refusal) -> AppError {
        AppError::InvalidToken(refusal)
    }
}

impl From<super::tokens::TokenError> for AppError {
    fn from(error: super::tokens::TokenError) -> AppError {
        AppError::InvalidToken(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let response = AppError::Internal("disk on fire at /secret/path".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let error = AppError::Internal("disk on fire at /secret/path".into());
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(!error.message().contains("secret"));
    }
}

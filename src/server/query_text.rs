//! Query strings must be UTF-8 once percent-decoded. axum's `Query` decodes lossily (a byte that
//! is not UTF-8 becomes U+FFFD), so without this check `q=ab%ffcd` would be searched as other
//! text and answered 200; the README promises 400 for an undecodable query.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppError;

/// A 400 for a query string whose percent-decoded bytes are not UTF-8.
pub fn check(uri: &Uri) -> Result<(), AppError> {
    match uri.query().map(|query| percent_encoding::percent_decode_str(query).decode_utf8()) {
        Some(Err(_)) => Err(AppError::BadRequest("The query string is not UTF-8 once percent-decoded.".into())),
        _ => Ok(()),
    }
}

/// [`check`] in front of a router's handlers.
pub async fn require_utf8(request: Request, next: Next) -> Response {
    match check(request.uri()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

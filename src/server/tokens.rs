//! Signed bearer tokens: visitor tokens for guests and session tokens for accounts.
//!
//! A token is `{kind}.{id}.{expires}.{mac}`: `kind` is `g` (guest) or `s` (session), `id` a
//! random identifier, `expires` seconds since the Unix epoch, and `mac` the base64url
//! HMAC-SHA256 of everything before it under the endpoint's secret. A guest token needs no
//! database look-up to verify; a session token is also checked against the sessions table, so
//! logging out revokes it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a token identifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A guest's visitor token.
    Guest,
    /// A logged-in account's session.
    Session,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Guest => "g",
            TokenKind::Session => "s",
        }
    }
}

/// A token that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Guest or session.
    pub kind: TokenKind,
    /// The guest or session id.
    pub id: String,
    /// Expiry, seconds since the Unix epoch.
    pub expires: u64,
}

/// Why a token failed verification. Clients treat every case alike (drop it, start afresh);
/// the distinction is for logs and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not of the token shape at all.
    #[error("not a token")]
    Malformed,
    /// The signature does not match: forged or altered.
    #[error("the signature does not match")]
    BadSignature,
    /// Past its expiry.
    #[error("expired")]
    Expired,
}

/// Why a request's bearer token was refused: the token itself, or what it stands for. The
/// answer is the same `invalid_token` for every case; this is logged for operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No `Authorization: Bearer <token>` where one is needed, or a header of another shape.
    #[error("no bearer token in the Authorization header")]
    NotBearer,
    /// The token failed verification.
    #[error("the token is refused: {0}")]
    Token(#[from] TokenError),
    /// A guest's token where only a session will do (log-out).
    #[error("a guest token where a session token is needed")]
    NotASession,
    /// A well-signed session token whose session was logged out or has expired.
    #[error("the session was logged out or has expired")]
    Revoked,
    /// A session bound to one page origin sent from another.
    #[error("the session is bound to another page origin")]
    OtherOrigin,
}

/// Signs and verifies tokens with one secret.
#[derive(Clone)]
pub struct Signer {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    /// A signer for `secret` (at least 32 bytes of randomness in production).
    pub fn new(secret: impl Into<Vec<u8>>) -> Signer {
        Signer { secret: secret.into() }
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(payload.as_bytes());
        mac
    }

    /// A token of `kind` for `id`, valid until `expires`.
    pub fn sign(&self, kind: TokenKind, id: &str, expires: u64) -> String {
        let payload = format!("{}.{id}.{expires}", kind.prefix());
        let tag = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{tag}")
    }

    /// Checks a token's shape, signature (in constant time) and expiry at `now`.
    pub fn verify(&self, token: &str, now: u64) -> Result<Verified, TokenError> {
        if token.len() > 256 {
            return Err(TokenError::Malformed);
        }
        let (payload, tag) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
        let mut parts = payload.split('.');
        let (Some(prefix), Some(id), Some(expires), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let kind = match prefix {
            "g" => TokenKind::Guest,
            "s" => TokenKind::Session,
            _ => return Err(TokenError::Malformed),
        };
        let expires: u64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(TokenError::Malformed);
        }
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| TokenError::Malformed)?;
        self.mac(payload).verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
        if expires <= now {
            return Err(TokenError::Expired);
        }
        Ok(Verified { kind, id: id.to_string(), expires })
    }
}

/// A new random identifier: `bytes` bytes of OS randomness, base64url.
pub fn random_id(bytes: usize) -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let signer = Signer::new(b"k".repeat(32));
        let token = signer.sign(TokenKind::Guest, "abc", 100);
        assert_eq!(signer.verify(&token, 99), Ok(Verified { kind: TokenKind::Guest, id: "abc".into(), expires: 100 }));
        assert_eq!(signer.verify(&token, 100), Err(TokenError::Expired));
    }

    #[test]
    fn altered_or_foreign_tokens_are_refused() {
        let signer = Signer::new(b"k".repeat(32));
        let token = signer.sign(TokenKind::Guest, "abc", 100);
        // Another id, a later expiry, another kind: each breaks the signature.
        for altered in [token.replace("abc", "abd"), token.replace(".100.", ".999."), token.replacen('g', "s", 1)] {
            assert_eq!(signer.verify(&altered, 0), Err(TokenError::BadSignature), "{altered}");
        }
        let other = Signer::new(b"x".repeat(32)).sign(TokenKind::Guest, "abc", 100);
        assert_eq!(signer.verify(&other, 0), Err(TokenError::BadSignature));
        for junk in ["", "g", "g.abc.100", "g.abc.100.!!", "x.abc.100.AAAA", "g.a b.100.AAAA", "g.abc.soon.AAAA"] {
            assert_eq!(signer.verify(junk, 0), Err(TokenError::Malformed), "{junk:?}");
        }
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_id(16), random_id(16));
        assert_eq!(random_id(16).len(), 22);
    }
}

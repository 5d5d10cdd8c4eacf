//! Accounts: register, log in, log out. Called only by the endpoint's own account pages
//! (`/account/...`), so credentials never pass through the host page.

use std::num::NonZeroU32;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::store::Identity;
use super::tokens::{self, TokenKind};
use super::visitor::{self, ClientIp};
use super::{AppError, AppState, unix_now};
use crate::api::{Credentials, Session};

/// Log-in and registration attempts per client address, to slow down password guessing.
pub struct AttemptLimiter {
    by_ip: DefaultKeyedRateLimiter<String>,
    by_email: DefaultKeyedRateLimiter<String>,
}

impl AttemptLimiter {
    /// Allows `per_minute` attempts a minute per address and per email, in bursts of as many.
    pub fn new(per_minute: NonZeroU32) -> AttemptLimiter {
        let quota = Quota::per_minute(per_minute);
        AttemptLimiter { by_ip: RateLimiter::keyed(quota), by_email: RateLimiter::keyed(quota) }
    }

    fn check(&self, ip: &str, email: Option<&str>) -> Result<(), AppError> {
        let limited = || AppError::RateLimited("Too many attempts. Wait a minute and try again.".into());
        self.by_ip.check_key(&ip.to_string()).map_err(|_| limited())?;
        if let Some(email) = email {
            self.by_email.check_key(&email.to_ascii_lowercase()).map_err(|_| limited())?;
        }
        Ok(())
    }
}

fn credentials(body: Result<Json<Credentials>, JsonRejection>) -> Result<Credentials, AppError> {
    let Json(credentials) = body?;
    Ok(Credentials { email: credentials.email.trim().to_string(), ..credentials })
}

/// A plausible email address: one `@`, something before it, a dot after it, no spaces.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    (3..=254).contains(&email.len())
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
}

const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 256;

fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash to verify against when the email is unknown, so that a wrong email takes as long as
/// a wrong password and the timing does not tell which emails have accounts.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&tokens::random_id(24)).unwrap_or_default())
}

async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("hashing task: {e}")))
}

/// Opens a session for `user_id` and returns it.
async fn open_session(state: &AppState, user: &super::store::User) -> Result<Session, AppError> {
    let now = unix_now();
    let expires_at = now + state.config.meter.session_ttl;
    let id = tokens::random_id(24);
    let (session_id, user_id) = (id.clone(), user.id);
    state.store_call(move |store| store.create_session(&session_id, user_id, now, expires_at)).await?;
    Ok(Session {
        token: state.signer.sign(TokenKind::Session, &id, expires_at),
        email: user.email.clone(),
        plan: user.plan,
        expires_at,
    })
}

/// `POST /v1/account/register`: creates a free account and logs it in. The guest's views of
/// the current period carry over, so registering never resets the meter.
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<(StatusCode, Json<Session>), AppError> {
    let credentials = credentials(body)?;
    state.attempts.check(&ip.0, None)?;
    if !valid_email(&credentials.email) {
        return Err(AppError::InvalidInput("Enter an email address such as name@example.org.".into()));
    }
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&credentials.password.chars().count()) {
        return Err(AppError::InvalidInput(format!(
            "Choose a password of at least {MIN_PASSWORD} characters (at most {MAX_PASSWORD})."
        )));
    }
    let password = credentials.password.clone();
    let hash = hashing(move || hash_password(&password)).await??;
    let (email, now) = (credentials.email.clone(), unix_now());
    let user =
        state.store_call(move |store| store.create_user(&email, &hash, now)).await?.ok_or(AppError::EmailTaken)?;

    // A valid visitor token brings the guest's views along; a bad one is ignored here (the
    // account is created either way, and the token is the widget's to replace).
    let guest = credentials
        .visitor_token
        .as_deref()
        .and_then(|token| state.signer.verify(token, now).ok())
        .filter(|verified| verified.kind == TokenKind::Guest);
    if let Some(guest) = guest {
        let period = state.config.meter.period.key(now);
        let (from, to) = (Identity::Guest(guest.id), Identity::User(user.id));
        state.store_call(move |store| store.copy_views(&from, &to, &period)).await?;
    }
    Ok((StatusCode::CREATED, Json(open_session(&state, &user).await?)))
}

/// `POST /v1/account/login`. Unknown email and wrong password get the same answer, after the
/// same work.
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<Json<Session>, AppError> {
    let credentials = credentials(body)?;
    state.attempts.check(&ip.0, Some(&credentials.email))?;
    let email = credentials.email.clone();
    let user = state.store_call(move |store| store.user_by_email(&email)).await?;
    let stored = user.as_ref().map_or_else(|| decoy_hash().to_string(), |user| user.password_hash.clone());
    let password = credentials.password.clone();
    let matches = hashing(move || password_matches(&password, &stored)).await?;
    match user {
        Some(user) if matches => Ok(Json(open_session(&state, &user).await?)),
        _ => Err(AppError::InvalidCredentials),
    }
}

/// `POST /v1/account/logout`: revokes the session of the bearer token.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode, AppError> {
    let token = visitor::bearer(&headers)?.ok_or(AppError::InvalidToken)?;
    let (session_id, _) = visitor::session_user(&state, token, unix_now()).await?;
    state.store_call(move |store| store.delete_session(&session_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        for good in ["ana@example.org", "a.b+c@clinic.example.co"] {
            assert!(valid_email(good), "{good}");
        }
        for bad in ["", "ana", "ana@", "@example.org", "ana@example", "ana @example.org", "a@b@c.org", "ana@.org"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(password_matches("correct horse", &hash));
        assert!(!password_matches("wrong horse", &hash));
        assert!(!password_matches("correct horse", "not a hash"));
    }
}

//! Accounts: register, log in, log out. Called only by the endpoint's own account pages
//! (`/account/...`), so credentials never pass through the host page.

use std::num::NonZeroU32;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode, header};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use super::error::{Limit, until_window_ends};
use super::store::{Carry, Identity, NewAccount};
use super::tokens::{self, Refusal, TokenKind};
use super::visitor::{self, ClientIp};
use super::{AppError, AppState, site_keys, unix_now};
use crate::api::{Credentials, Session};

type Keyed<C> = RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Checks between two sweeps of keys whose limits have fully recovered.
const SWEEP_EVERY: u64 = 1024;

/// Log-in and registration attempts, limited per address, per email and per both, so that
/// guessing is slow, accounts cannot be farmed, and no stranger can lock an owner out cheaply.
pub struct AttemptLimiter<C: Clock = DefaultClock> {
    /// The strict limit: one email from one address.
    by_ip_and_email: Keyed<C>,
    /// One address over all emails (password spraying).
    by_ip: Keyed<C>,
    /// One email from all addresses together: looser, it is the one a stranger could exhaust.
    by_email: Keyed<C>,
    /// Registrations from one address.
    registrations: Keyed<C>,
    checks: AtomicU64,
}

impl AttemptLimiter {
    /// `per_minute` log-ins a minute for one email from one address (three times as many per
    /// address, five times as many per email), and `registrations_per_hour` per address.
    pub fn new(per_minute: NonZeroU32, registrations_per_hour: NonZeroU32) -> AttemptLimiter {
        AttemptLimiter::with_clock(per_minute, registrations_per_hour, DefaultClock::default())
    }
}

impl<C: Clock + Clone> AttemptLimiter<C> {
    fn with_clock(per_minute: NonZeroU32, registrations_per_hour: NonZeroU32, clock: C) -> AttemptLimiter<C> {
        let times = |n: u32| Quota::per_minute(per_minute.saturating_mul(NonZeroU32::new(n).expect("non-zero")));
        AttemptLimiter {
            by_ip_and_email: RateLimiter::dashmap_with_clock(times(1), clock.clone()),
            by_ip: RateLimiter::dashmap_with_clock(times(3), clock.clone()),
            by_email: RateLimiter::dashmap_with_clock(times(5), clock.clone()),
            registrations: RateLimiter::dashmap_with_clock(Quota::per_hour(registrations_per_hour), clock),
            checks: AtomicU64::new(0),
        }
    }

    /// Forgets, now and then, every key whose limit has fully recovered, so that memory follows
    /// the attempts of the last minutes, not every address and email ever seen.
    fn sweep_now_and_then(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
    }

    fn sweep(&self) {
        for limiter in [&self.by_ip_and_email, &self.by_ip, &self.by_email, &self.registrations] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    #[cfg(test)]
    fn keys(&self) -> usize {
        [&self.by_ip_and_email, &self.by_ip, &self.by_email, &self.registrations].iter().map(|l| l.len()).sum()
    }

    /// A log-in attempt for `email` (already checked to be of bounded length) from `ip`.
    fn check_login(&self, ip: &str, email: &str) -> Result<(), AppError> {
        self.sweep_now_and_then();
        let email = email.to_lowercase();
        let limited = |limiter: &Keyed<C>, key: &str| refuse(limiter, key, Limit::LogIn);
        limited(&self.by_ip_and_email, &format!("{ip} {email}"))?;
        limited(&self.by_ip, ip)?;
        limited(&self.by_email, &email)
    }

    /// A registration from `ip`.
    fn check_registration(&self, ip: &str) -> Result<(), AppError> {
        self.sweep_now_and_then();
        refuse(&self.registrations, ip, Limit::Registration)
    }
}

/// Takes one attempt from `key`'s allowance, or refuses with the whole seconds until the
/// limiter lets the next one through.
fn refuse<C: Clock>(limiter: &Keyed<C>, key: &str, limit: Limit) -> Result<(), AppError> {
    limiter.check_key(&key.to_string()).map_err(|not_until| {
        let wait = not_until.wait_time_from(limiter.clock().now());
        AppError::RateLimited { limit, retry_after: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1) }
    })
}

/// The same limits as [`AttemptLimiter`], counted in the store per fixed window (a minute for
/// log-ins, an hour for registrations), so that instances sharing a database share them: two
/// instances must not give a guesser twice the attempts. The in-process limiter stays in front,
/// so a flood is turned away before it costs the database a write. Keys are hashed: the table
/// holds no address or email.
async fn check_shared(state: &AppState, checks: &[(&str, String, u32)], limit: Limit) -> Result<(), AppError> {
    use sha2::Digest;
    let now = unix_now();
    let window_start = now - now % limit.window();
    for (kind, subject, allowed) in checks {
        let digest = sha2::Sha256::digest(subject.as_bytes());
        let key = format!("{kind}:{}", digest[..16].iter().map(|b| format!("{b:02x}")).collect::<String>());
        if !state.store.count_attempt(&key, window_start, *allowed).await? {
            return Err(AppError::RateLimited { limit, retry_after: until_window_ends(now, limit) });
        }
    }
    Ok(())
}

/// [`check_shared`] for a log-in attempt: per email and address, per address, per email.
async fn check_shared_login(state: &AppState, ip: &str, email: &str) -> Result<(), AppError> {
    let per_minute = state.config.attempts_per_minute.get();
    let email = email.to_lowercase();
    let checks = [
        ("login", format!("{ip} {email}"), per_minute),
        ("login-ip", ip.to_string(), per_minute.saturating_mul(3)),
        ("login-email", email, per_minute.saturating_mul(5)),
    ];
    check_shared(state, &checks, Limit::LogIn).await
}

/// The longest email address there can be (RFC 5321 path limit).
const MAX_EMAIL: usize = 254;

fn credentials(body: Result<Json<Credentials>, JsonRejection>) -> Result<Credentials, AppError> {
    let Json(credentials) = body?;
    let email = credentials.email.trim().to_string();
    // Checked before the email is used as a rate-limit key, so keys stay small.
    if email.len() > MAX_EMAIL {
        return Err(AppError::InvalidInput(format!("An email address has at most {MAX_EMAIL} characters.")));
    }
    Ok(Credentials { email, ..credentials })
}

/// An email address by RFC 5322 (no display name, no IP literal, a dot in the domain) with
/// nothing a terminal would act on and nothing invisible (one address must not pass for another).
fn valid_email(email: &str) -> bool {
    let options = email_address::Options::default().with_required_tld().without_domain_literal().without_display_text();
    email.len() <= MAX_EMAIL
        && !email.chars().any(is_hidden)
        && email_address::EmailAddress::parse_with_options(email, options).is_ok()
}

/// Whether `c` is a control character or one that changes how text around it shows without
/// showing itself: bidi controls, zero-width and invisible format characters, line and
/// paragraph separators, the byte-order mark.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}')
}

pub(crate) const MIN_PASSWORD: usize = 8;
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

/// Opens a session for `user`, bound to `origin` (the page it is handed to), and returns it.
async fn open_session(
    state: &AppState,
    user: &super::store::User,
    origin: Option<String>,
) -> Result<Session, AppError> {
    let now = unix_now();
    let expires_at = now + state.config.meter.session_ttl;
    let id = tokens::random_id(24);
    state.store.create_session(&id, user.id, origin.as_deref(), now, expires_at).await?;
    Ok(session_of(state, user, &id, expires_at))
}

/// The answer that hands session `id` of `user` to the client.
fn session_of(state: &AppState, user: &super::store::User, id: &str, expires_at: u64) -> Session {
    Session {
        token: state.signer.sign(TokenKind::Session, id, expires_at),
        email: user.email.clone(),
        plan: user.plan,
        expires_at,
    }
}

/// `POST /v1/account/register`: creates a free account and logs it in. The guest's views of
/// the current period carry over, so registering never resets the meter.
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<(StatusCode, Json<Session>), AppError> {
    let credentials = credentials(body)?;
    state.attempts.check_registration(&ip.0)?;
    check_shared(&state, &[("register", ip.0.clone(), state.config.registrations_per_hour.get())], Limit::Registration)
        .await?;
    if !valid_email(&credentials.email) {
        return Err(AppError::InvalidInput("Enter an email address such as name@example.org.".into()));
    }
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&credentials.password.chars().count()) {
        return Err(AppError::InvalidInput(format!(
            "Choose a password of at least {MIN_PASSWORD} characters (at most {MAX_PASSWORD})."
        )));
    }
    let origin = site_keys::session_origin(&state, &credentials).await?;
    let password = credentials.password.clone();
    let hash = state.hashing.run(move || hash_password(&password)).await??;
    let now = unix_now();
    // A valid visitor token brings the guest's views along; a bad one is ignored here (the
    // account is created either way, and the token is the widget's to replace).
    let guest = credentials
        .visitor_token
        .as_deref()
        .and_then(|token| state.signer.verify(token, now).ok())
        .filter(|verified| verified.kind == TokenKind::Guest);
    let carry = match guest {
        Some(guest) => Carry::ViewsOf(Identity::Guest(guest.id)),
        // Without its guest's token, an account starts as if that guest had used its views:
        // registering from a fresh browser must not give more than registering as a guest.
        None if state.config.meter.enabled => Carry::Charge(state.config.meter.guest_views),
        None => Carry::Nothing,
    };
    let period = state.config.meter.period.key(now);
    let expires_at = now + state.config.meter.session_ttl;
    let session_id = tokens::random_id(24);
    // One transaction: a failure part way leaves no account without its views or session.
    let account = NewAccount {
        email: &credentials.email,
        password_hash: &hash,
        now,
        period: &period,
        carry,
        session_id: &session_id,
        origin: origin.as_deref(),
        expires_at,
    };
    let user = state.store.register(&account).await?.ok_or(AppError::EmailTaken)?;
    let session = session_of(&state, &user, &session_id, expires_at);
    super::metrics::registered();
    Ok((StatusCode::CREATED, Json(session)))
}

/// `POST /v1/account/login`. Unknown email and wrong password get the same answer, after the
/// same work.
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<Json<Session>, AppError> {
    let credentials = credentials(body)?;
    state.attempts.check_login(&ip.0, &credentials.email)?;
    check_shared_login(&state, &ip.0, &credentials.email).await?;
    let origin = site_keys::session_origin(&state, &credentials).await?;
    let user = state.store.user_by_email(&credentials.email).await?;
    let stored = user.as_ref().map_or_else(|| decoy_hash().to_string(), |user| user.password_hash.clone());
    let password = credentials.password.clone();
    let matches = state.hashing.run(move || password_matches(&password, &stored)).await?;
    match user {
        Some(user) if matches => Ok(Json(open_session(&state, &user, origin).await?)),
        _ => {
            super::metrics::login_failed();
            Err(AppError::InvalidCredentials)
        }
    }
}

/// `POST /v1/account/logout`: revokes the session of the bearer token.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode, AppError> {
    let token = visitor::bearer(&headers)?.ok_or(AppError::InvalidToken(Refusal::NotBearer))?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let (session_id, _) = visitor::session_user(&state, token, origin, unix_now()).await?;
    state.store.delete_session(&session_id).await?;
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
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana @example.org",
            "a@b@c.org",
            "ana@.org",
            "ana\u{1b}[2J@example.org",
            "\"ana\u{0}\"@example.org",
            "Ana <ana@example.org>",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn limiter_keys_are_forgotten_once_their_limits_recover() {
        let clock = governor::clock::FakeRelativeClock::default();
        let per_minute = NonZeroU32::new(2).unwrap();
        let limiter = AttemptLimiter::with_clock(per_minute, per_minute, clock.clone());
        for n in 0..50 {
            limiter.check_login(&format!("10.0.0.{n}"), &format!("user{n}@example.org")).unwrap();
        }
        assert!(limiter.keys() >= 150);
        clock.advance(std::time::Duration::from_secs(61));
        limiter.sweep();
        assert_eq!(limiter.keys(), 0);
    }

    #[test]
    fn one_address_cannot_lock_an_email_out_for_everyone() {
        let limiter = AttemptLimiter::new(NonZeroU32::new(2).unwrap(), NonZeroU32::new(1).unwrap());
        for _ in 0..2 {
            limiter.check_login("203.0.113.9", "owner@example.org").unwrap();
        }
        assert!(limiter.check_login("203.0.113.9", "owner@example.org").is_err());
        assert!(limiter.check_login("198.51.100.4", "owner@example.org").is_ok(), "the owner's own address");
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

//! Who is asking: the bearer token of a request, or a new guest identity for first contact.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::store::{Identity, User};
use super::tokens::{self, TokenKind};
use super::{AppError, AppState};
use crate::api::Plan;

/// The client's IP address: the socket peer, or the first `X-Forwarded-For` entry when the
/// server is configured to trust a proxy in front of it. `unknown` when neither is known (tests
/// that call the router directly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
            if let Some(first) = forwarded.and_then(|v| v.split(',').next()).map(str::trim).filter(|v| !v.is_empty()) {
                return Ok(ClientIp(first.to_string()));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".into())))
    }
}

/// The identity behind a request.
#[derive(Clone, Debug)]
pub struct Visitor {
    /// Whose views are counted.
    pub identity: Identity,
    /// The plan that sets the quota and the sections.
    pub plan: Plan,
    /// The account's email, for a logged-in visitor.
    pub account: Option<String>,
    /// A visitor token issued by this request, to hand to the widget.
    pub issued_token: Option<String>,
}

/// The bearer token of a request: `None` without an `Authorization` header; an error when the
/// header is there but is not a bearer token.
pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| AppError::InvalidToken)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(AppError::InvalidToken),
    }
}

/// The account behind a session token, if the token is a live session.
pub async fn session_user(state: &AppState, token: &str, now: u64) -> Result<(String, User), AppError> {
    let verified = state.signer.verify(token, now).map_err(|_| AppError::InvalidToken)?;
    if verified.kind != TokenKind::Session {
        return Err(AppError::InvalidToken);
    }
    let id = verified.id.clone();
    let user = state.store_call(move |store| store.session_user(&id, now)).await?.ok_or(AppError::InvalidToken)?;
    Ok((verified.id, user))
}

/// Resolves the visitor of a request: an account from a session token, a guest from a visitor
/// token, or a new guest (limited per IP address and period) when there is no token.
pub async fn resolve(state: &AppState, headers: &HeaderMap, ip: &ClientIp, now: u64) -> Result<Visitor, AppError> {
    match bearer(headers)? {
        Some(token) if token.starts_with("s.") => {
            let (_, user) = session_user(state, token, now).await?;
            Ok(Visitor {
                identity: Identity::User(user.id),
                plan: user.plan,
                account: Some(user.email),
                issued_token: None,
            })
        }
        Some(token) => {
            let verified = state.signer.verify(token, now).map_err(|_| AppError::InvalidToken)?;
            if verified.kind != TokenKind::Guest {
                return Err(AppError::InvalidToken);
            }
            Ok(Visitor { identity: Identity::Guest(verified.id), plan: Plan::Guest, account: None, issued_token: None })
        }
        None => {
            let meter = &state.config.meter;
            let id = tokens::random_id(16);
            let period = meter.period.key(now);
            let (cap, guest, address) = (meter.new_guests_per_ip, id.clone(), ip.0.clone());
            let created =
                state.store_call(move |store| store.create_guest(&guest, &address, &period, cap, now)).await?;
            if !created {
                return Err(AppError::RateLimited(
                    "Too many guest visitors from your network this period. Log in or register a free account to keep viewing codes."
                        .into(),
                ));
            }
            let token = state.signer.sign(TokenKind::Guest, &id, now + meter.visitor_token_ttl);
            Ok(Visitor { identity: Identity::Guest(id), plan: Plan::Guest, account: None, issued_token: Some(token) })
        }
    }
}

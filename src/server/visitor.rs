//! Who is asking: the bearer token of a request, or a new guest identity for first contact.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

use super::error::{Limit, until_window_ends};
use super::store::{Identity, User};
use super::tokens::{self, Refusal, TokenKind, Verified};
use super::{AppError, AppState};
use crate::api::Plan;

/// Who a request counts against for per-address limits: the client's IP address (the socket
/// peer, or the address the trusted proxy appended to `X-Forwarded-For`), an IPv6 address cut
/// to its /64 network (one subscriber's share, which it can rotate through freely). `unknown`
/// when no address is known (tests that call the router directly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl ClientIp {
    /// The limit key of `ip`.
    pub fn of(ip: IpAddr) -> ClientIp {
        match ip.to_canonical() {
            IpAddr::V4(v4) => ClientIp(v4.to_string()),
            IpAddr::V6(v6) => {
                let network = Ipv6Addr::from(v6.to_bits() & !((1u128 << 64) - 1));
                ClientIp(format!("{network}/64"))
            }
        }
    }
}

/// The address `hops` places from the right of `X-Forwarded-For` values: each trusted proxy
/// appends the address it received the request from, so entries further left are whatever the
/// client wrote. `None` when the header is absent (the request did not pass the proxy).
fn forwarded_for(headers: &HeaderMap, hops: usize) -> Option<Result<IpAddr, AppError>> {
    let values: Vec<&HeaderValue> = headers.get_all("x-forwarded-for").iter().collect();
    if values.is_empty() {
        return None;
    }
    let garbage = || AppError::BadRequest("X-Forwarded-For does not end in a client address.".into());
    let entries: Vec<&str> = values
        .iter()
        .flat_map(|v| v.to_str().unwrap_or_default().split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let entry = entries.len().checked_sub(hops).map(|at| entries[at]);
    Some(entry.and_then(parse_address).ok_or_else(garbage))
}

/// An address as proxies write it: `192.0.2.1`, `2001:db8::1`, or either with a port.
fn parse_address(entry: &str) -> Option<IpAddr> {
    entry.parse().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(forwarded) = forwarded_for(&parts.headers, state.config.proxy_hops.get())
        {
            return forwarded.map(ClientIp::of);
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| ClientIp::of(addr.ip()));
        Ok(peer.unwrap_or_else(|| ClientIp("unknown".into())))
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
    let value = value.to_str().map_err(|_| Refusal::NotBearer)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(Refusal::NotBearer.into()),
    }
}

/// The session id and account of a session token (log-out needs the id).
pub async fn session_user(
    state: &AppState,
    token: &str,
    origin: Option<&str>,
    now: u64,
) -> Result<(String, User), AppError> {
    let verified = state.signer.verify(token, now)?;
    if verified.kind != TokenKind::Session {
        return Err(Refusal::NotASession.into());
    }
    let user = live_session(state, &verified.id, origin, now).await?;
    Ok((verified.id, user))
}

/// The account behind a verified session id, if the session is live and used from the page
/// origin it was handed to. `origin` is the request's `Origin` header: browsers send it on every
/// cross-origin request, so a bound session sent from any other page is refused.
async fn live_session(state: &AppState, session_id: &str, origin: Option<&str>, now: u64) -> Result<User, AppError> {
    let (user, bound_to) = state.store.session_user(session_id, now).await?.ok_or(Refusal::Revoked)?;
    if bound_to.as_deref().zip(origin).is_some_and(|(bound, origin)| bound != origin) {
        return Err(Refusal::OtherOrigin.into());
    }
    Ok(user)
}

/// Resolves the visitor of a request: an account from a session token, a guest from a visitor
/// token, or a new guest (limited per IP address and period) when there is no token.
pub async fn resolve(state: &AppState, headers: &HeaderMap, ip: &ClientIp, now: u64) -> Result<Visitor, AppError> {
    let token = bearer(headers)?;
    match token.map(|token| state.signer.verify(token, now)).transpose()? {
        Some(Verified { kind: TokenKind::Session, id, .. }) => {
            let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
            let user = live_session(state, &id, origin, now).await?;
            Ok(Visitor {
                identity: Identity::User(user.id),
                plan: user.plan,
                account: Some(user.email),
                issued_token: None,
            })
        }
        Some(Verified { kind: TokenKind::Guest, id, .. }) => {
            Ok(Visitor { identity: Identity::Guest(id), plan: Plan::Guest, account: None, issued_token: None })
        }
        None => {
            let meter = &state.config.meter;
            let id = tokens::random_id(16);
            // The cap counts per hour, so a shared address that others spent recovers soon.
            let hour = super::meter::Period::Hour.key(now);
            let created = state.store.create_guest(&id, &ip.0, &hour, meter.new_guests_per_ip, now).await?;
            if !created {
                return Err(AppError::RateLimited {
                    limit: Limit::NewGuests,
                    retry_after: until_window_ends(now, Limit::NewGuests),
                });
            }
            let token = state.signer.sign(TokenKind::Guest, &id, now + meter.visitor_token_ttl);
            Ok(Visitor { identity: Identity::Guest(id), plan: Plan::Guest, account: None, issued_token: Some(token) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str], hops: usize) -> Option<Result<String, String>> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        forwarded_for(&headers, hops).map(|r| r.map(|ip| ClientIp::of(ip).0).map_err(|e| format!("{e:?}")))
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxies_appended() {
        assert_eq!(forwarded(&[], 1), None);
        assert_eq!(forwarded(&["1.1.1.1, 203.0.113.7"], 1), Some(Ok("203.0.113.7".into())));
        assert_eq!(forwarded(&["1.1.1.1", "203.0.113.7"], 1), Some(Ok("203.0.113.7".into())));
        assert_eq!(forwarded(&["1.1.1.1, 203.0.113.7, 10.0.0.2"], 2), Some(Ok("203.0.113.7".into())));
        assert_eq!(forwarded(&["203.0.113.7:4711"], 1), Some(Ok("203.0.113.7".into())));
        assert_eq!(forwarded(&["[2001:db8::1]:443"], 1), Some(Ok("2001:db8::/64".into())));
        for garbage in ["nonsense", "1.1.1.1, 999.1.1.1", ", ,"] {
            assert!(matches!(forwarded(&[garbage], 1), Some(Err(_))), "{garbage}");
        }
        assert!(matches!(forwarded(&["203.0.113.7"], 2), Some(Err(_))), "fewer entries than proxies");
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a = ClientIp::of("2001:db8:1:2:aaaa::1".parse().unwrap());
        assert_eq!(a, ClientIp::of("2001:db8:1:2:ffff:1:2:3".parse().unwrap()));
        assert_ne!(a, ClientIp::of("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(ClientIp::of("::ffff:192.0.2.1".parse().unwrap()).0, "192.0.2.1");
    }
}

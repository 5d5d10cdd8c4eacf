//! codecard: an embeddable medical-code lookup card and the endpoint that serves it.
//!
//! One package, two builds:
//! - feature `csr` (wasm32, built by wasm-pack): the Leptos widget in [`widget`];
//! - feature `server` (the default): the axum endpoint in [`server`] and the `codecard` CLI.
//!
//! Both compile [`api`], the JSON contract, and [`code`], the rules for what a code looks like.

pub mod api;
pub mod code;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "csr")]
pub mod widget;

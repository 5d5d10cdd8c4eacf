//! `POST /demo/echo`: answers a form's fields, in the order the browser sent them, so the demo
//! pages (and the Playwright tests on them) can show what a native form submission carried.
//! Mounted only under `codecard serve --demo-echo`: a production endpoint has no use for it.
//!
//! The answer is a page (the browser navigates to it), with the fields as JSON in its
//! `<pre id="fields">`: `[["dx","E11.9"],["dx","I10"]]`.

use axum::Form;
use axum::response::Html;

/// Echoes an `application/x-www-form-urlencoded` body.
pub async fn echo(Form(fields): Form<Vec<(String, String)>>) -> Html<String> {
    let json = serde_json::to_string(&fields).unwrap_or_default();
    let escaped = json.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Form received</title>\
         <link rel=\"icon\" href=\"data:,\"></head><body><h1>Form received</h1><pre id=\"fields\">{escaped}</pre></body></html>"
    ))
}

//! The endpoint's JSON read into the contract's types ([`crate::api`]) straight from the value
//! the browser's `JSON.parse` gives, field by field.
//!
//! Serde's derived visitors over `serde-wasm-bindgen` (used before) cost the card module about
//! 50 KB of code before wasm-opt (a visitor, a field enum and a map loop per struct); reading
//! each field by name costs a fraction of that. Serde still names the enums' variants (`rename_all` in
//! `api.rs` stays the one list), read here through serde's own string deserializer. What this
//! reads must match what serde reads: `tests/web.rs` decodes the endpoint's real answers both
//! ways and compares them.

use serde::Deserialize;
use serde::de::IntoDeserializer;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{
    ApiError, Axis, Card, CodeRef, CodeSystem, ErrorBody, ErrorKind, HierarchyLevel, Highlight, Level, Meter, NoteCode,
    NoteGroup, NoteKind, NoteLevel, NoteSource, NoteText, Plan, SearchHit, SearchResults, Section, SectionContent,
    SectionId, Session, SeventhCharacters, SeventhValue,
};

/// Why a value could not be read: the name of the field that is missing or of the wrong type
/// (or of the type, for a value that is not an object).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bad(pub &'static str);

/// A type read from a parsed JSON value.
pub trait FromJs: Sized {
    /// `value` as `Self`; `what` names it in the error.
    fn from_js(value: JsValue, what: &'static str) -> Result<Self, Bad>;
}

/// JSON text as `T`: the browser's `JSON.parse`, then [`FromJs`].
pub fn from_text<T: FromJs>(text: &str) -> Result<T, Bad> {
    T::from_js(js_sys::JSON::parse(text).map_err(|_| Bad("JSON"))?, "JSON")
}

/// The fields of one JSON object.
pub struct Object(JsValue);

impl Object {
    /// `value` when it is an object (not `null`, not an array).
    pub fn new(value: JsValue, what: &'static str) -> Result<Object, Bad> {
        if value.is_object() && !js_sys::Array::is_array(&value) { Ok(Object(value)) } else { Err(Bad(what)) }
    }

    /// The field `name`; `undefined` when absent.
    fn get(&self, name: &str) -> JsValue {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A field that must be there.
    pub fn req<T: FromJs>(&self, name: &'static str) -> Result<T, Bad> {
        T::from_js(self.get(name), name)
    }

    /// A field that may be absent or `null` (serde's reading of an `Option` field).
    pub fn opt<T: FromJs>(&self, name: &'static str) -> Result<Option<T>, Bad> {
        let value = self.get(name);
        if value.is_null() || value.is_undefined() { Ok(None) } else { T::from_js(value, name).map(Some) }
    }

    /// A field with `#[serde(default)]`: its type's default when absent.
    pub fn or_default<T: FromJs + Default>(&self, name: &'static str) -> Result<T, Bad> {
        self.or_else(name, T::default)
    }

    /// A field with `#[serde(default = "...")]`: `default()` when absent.
    pub fn or_else<T: FromJs>(&self, name: &'static str, default: impl FnOnce() -> T) -> Result<T, Bad> {
        let value = self.get(name);
        if value.is_undefined() { Ok(default()) } else { T::from_js(value, name) }
    }
}

impl FromJs for String {
    fn from_js(value: JsValue, what: &'static str) -> Result<String, Bad> {
        value.as_string().ok_or(Bad(what))
    }
}

impl FromJs for bool {
    fn from_js(value: JsValue, what: &'static str) -> Result<bool, Bad> {
        value.as_bool().ok_or(Bad(what))
    }
}

/// A whole number from 0 to `max`.
fn whole(value: &JsValue, max: f64, what: &'static str) -> Result<f64, Bad> {
    value.as_f64().filter(|n| n.fract() == 0.0 && (0.0..=max).contains(n)).ok_or(Bad(what))
}

impl FromJs for u8 {
    fn from_js(value: JsValue, what: &'static str) -> Result<u8, Bad> {
        whole(&value, u8::MAX.into(), what).map(|n| n as u8)
    }
}

impl FromJs for u32 {
    fn from_js(value: JsValue, what: &'static str) -> Result<u32, Bad> {
        whole(&value, u32::MAX.into(), what).map(|n| n as u32)
    }
}

impl FromJs for u64 {
    fn from_js(value: JsValue, what: &'static str) -> Result<u64, Bad> {
        // JSON numbers past 2^53 are not exact in JS: none is sent (seconds since 1970).
        whole(&value, 9_007_199_254_740_991.0, what).map(|n| n as u64)
    }
}

impl FromJs for usize {
    fn from_js(value: JsValue, what: &'static str) -> Result<usize, Bad> {
        whole(&value, u32::MAX.into(), what).map(|n| n as usize)
    }
}

impl<T: FromJs> FromJs for Vec<T> {
    fn from_js(value: JsValue, what: &'static str) -> Result<Vec<T>, Bad> {
        let array: js_sys::Array = value.dyn_into().map_err(|_| Bad(what))?;
        array.iter().map(|item| T::from_js(item, what)).collect()
    }
}

/// Nothing to read (a `204`'s body, say): any value will do.
impl FromJs for () {
    fn from_js(_: JsValue, _: &'static str) -> Result<(), Bad> {
        Ok(())
    }
}

/// Enums are strings on the wire; serde's derive (with `api.rs`'s `rename_all`) maps them.
macro_rules! from_serde_name {
    ($($ty:ty),* $(,)?) => {$(
        impl FromJs for $ty {
            fn from_js(value: JsValue, what: &'static str) -> Result<$ty, Bad> {
                let name = value.as_string().ok_or(Bad(what))?;
                let name: serde::de::value::StringDeserializer<Unnamed> = name.into_deserializer();
                <$ty>::deserialize(name).map_err(|_| Bad(what))
            }
        }
    )*};
}

/// Serde's error for an unknown variant, without its message: serde's errors format their
/// message (the unexpected value, floats included) only when asked to, and nothing asks here,
/// so neither that code nor core's float printing is linked in.
#[derive(Debug)]
struct Unnamed;

impl std::fmt::Display for Unnamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not one of the names serde knows")
    }
}

impl std::error::Error for Unnamed {}

impl serde::de::Error for Unnamed {
    fn custom<T: std::fmt::Display>(_: T) -> Unnamed {
        Unnamed
    }
}

from_serde_name!(CodeSystem, Level, SectionId, NoteKind, NoteLevel, Plan, ErrorKind);

impl FromJs for Card {
    fn from_js(value: JsValue, what: &'static str) -> Result<Card, Bad> {
        let o = Object::new(value, what)?;
        Ok(Card {
            code: o.req("code")?,
            display_code: o.req("display_code")?,
            system: o.req("system")?,
            release: o.req("release")?,
            billable: o.req("billable")?,
            short_description: o.opt("short_description")?,
            long_description: o.opt("long_description")?,
            descriptor_note: o.opt("descriptor_note")?,
            plain_language: o.opt("plain_language")?,
            hierarchy: o.req("hierarchy")?,
            axes: o.req("axes")?,
            attribution: o.req("attribution")?,
            sections: o.req("sections")?,
            meter: o.opt("meter")?,
            deleted_in: o.opt("deleted_in")?,
            also_indexed_as: o.or_default("also_indexed_as")?,
            paywalled: o.or_default("paywalled")?,
            visitor_token: o.opt("visitor_token")?,
        })
    }
}

impl FromJs for HierarchyLevel {
    fn from_js(value: JsValue, what: &'static str) -> Result<HierarchyLevel, Bad> {
        let o = Object::new(value, what)?;
        Ok(HierarchyLevel { level: o.req("level")?, code: o.req("code")?, title: o.req("title")? })
    }
}

impl FromJs for Axis {
    fn from_js(value: JsValue, what: &'static str) -> Result<Axis, Bad> {
        let o = Object::new(value, what)?;
        Ok(Axis {
            position: o.req("position")?,
            name: o.req("name")?,
            value: o.req("value")?,
            label: o.req("label")?,
            definition: o.opt("definition")?,
        })
    }
}

impl FromJs for Section {
    fn from_js(value: JsValue, what: &'static str) -> Result<Section, Bad> {
        let o = Object::new(value, what)?;
        Ok(Section { id: o.req("id")?, content: o.opt("content")? })
    }
}

impl FromJs for SectionContent {
    fn from_js(value: JsValue, what: &'static str) -> Result<SectionContent, Bad> {
        let o = Object::new(value, what)?;
        Ok(match o.req::<String>("type")?.as_str() {
            "text" => SectionContent::Text { paragraphs: o.req("paragraphs")? },
            "codes" => SectionContent::Codes { codes: o.req("codes")? },
            "notes" => SectionContent::Notes { groups: o.req("groups")?, seventh: o.opt("seventh")? },
            _ => return Err(Bad("type")),
        })
    }
}

impl FromJs for CodeRef {
    fn from_js(value: JsValue, what: &'static str) -> Result<CodeRef, Bad> {
        let o = Object::new(value, what)?;
        Ok(CodeRef { system: o.req("system")?, display_code: o.req("display_code")?, title: o.req("title")? })
    }
}

impl FromJs for NoteGroup {
    fn from_js(value: JsValue, what: &'static str) -> Result<NoteGroup, Bad> {
        let o = Object::new(value, what)?;
        Ok(NoteGroup { kind: o.req("kind")?, from: o.opt("from")?, notes: o.req("notes")? })
    }
}

impl FromJs for NoteSource {
    fn from_js(value: JsValue, what: &'static str) -> Result<NoteSource, Bad> {
        let o = Object::new(value, what)?;
        Ok(NoteSource { level: o.req("level")?, code: o.req("code")? })
    }
}

impl FromJs for NoteText {
    fn from_js(value: JsValue, what: &'static str) -> Result<NoteText, Bad> {
        let o = Object::new(value, what)?;
        Ok(NoteText { text: o.req("text")?, codes: o.or_default("codes")? })
    }
}

impl FromJs for NoteCode {
    fn from_js(value: JsValue, what: &'static str) -> Result<NoteCode, Bad> {
        let o = Object::new(value, what)?;
        Ok(NoteCode { start: o.req("start")?, end: o.req("end")?, code: o.req("code")? })
    }
}

impl FromJs for SeventhCharacters {
    fn from_js(value: JsValue, what: &'static str) -> Result<SeventhCharacters, Bad> {
        let o = Object::new(value, what)?;
        Ok(SeventhCharacters {
            defined_at: o.req("defined_at")?,
            this: o.opt("this")?,
            placeholder: o.req("placeholder")?,
            values: o.req("values")?,
        })
    }
}

impl FromJs for SeventhValue {
    fn from_js(value: JsValue, what: &'static str) -> Result<SeventhValue, Bad> {
        let o = Object::new(value, what)?;
        Ok(SeventhValue { character: o.req("character")?, meaning: o.req("meaning")? })
    }
}

impl FromJs for Meter {
    fn from_js(value: JsValue, what: &'static str) -> Result<Meter, Bad> {
        let o = Object::new(value, what)?;
        Ok(Meter {
            plan: o.req("plan")?,
            remaining: o.opt("remaining")?,
            limit: o.opt("limit")?,
            free_limit: o.opt("free_limit")?,
            counted: o.req("counted")?,
            account: o.opt("account")?,
        })
    }
}

impl FromJs for Session {
    fn from_js(value: JsValue, what: &'static str) -> Result<Session, Bad> {
        let o = Object::new(value, what)?;
        Ok(Session {
            token: o.req("token")?,
            email: o.req("email")?,
            plan: o.req("plan")?,
            expires_at: o.req("expires_at")?,
        })
    }
}

impl FromJs for ErrorBody {
    fn from_js(value: JsValue, what: &'static str) -> Result<ErrorBody, Bad> {
        Ok(ErrorBody { error: Object::new(value, what)?.req("error")? })
    }
}

impl FromJs for ApiError {
    fn from_js(value: JsValue, what: &'static str) -> Result<ApiError, Bad> {
        let o = Object::new(value, what)?;
        Ok(ApiError { kind: o.req("kind")?, message: o.req("message")?, candidates: o.or_default("candidates")? })
    }
}

impl FromJs for SearchResults {
    fn from_js(value: JsValue, what: &'static str) -> Result<SearchResults, Bad> {
        let o = Object::new(value, what)?;
        Ok(SearchResults {
            query: o.req("query")?,
            total: o.req("total")?,
            offset: o.req("offset")?,
            limit: o.req("limit")?,
            complete: o.req("complete")?,
            results: o.req("results")?,
        })
    }
}

impl FromJs for SearchHit {
    fn from_js(value: JsValue, what: &'static str) -> Result<SearchHit, Bad> {
        let o = Object::new(value, what)?;
        Ok(SearchHit {
            code: o.req("code")?,
            display_code: o.req("display_code")?,
            system: o.req("system")?,
            billable: o.req("billable")?,
            title: o.req("title")?,
            highlights: o.req("highlights")?,
            via: o.opt("via")?,
        })
    }
}

impl FromJs for Highlight {
    fn from_js(value: JsValue, what: &'static str) -> Result<Highlight, Bad> {
        let o = Object::new(value, what)?;
        Ok(Highlight { start: o.req("start")?, end: o.req("end")? })
    }
}

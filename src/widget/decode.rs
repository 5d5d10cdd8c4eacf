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

    /// The field `name`; `undefined` when absent. Own fields only: a property the host page put
    /// on `Object.prototype` is not a field of the answer.
    fn get(&self, name: &str) -> JsValue {
        let key = JsValue::from_str(name);
        if !js_sys::Object::has_own(self.0.unchecked_ref::<js_sys::Object>(), &key) {
            return JsValue::UNDEFINED;
        }
        js_sys::Reflect::get(&self.0, &key).unwrap_or(JsValue::UNDEFINED)
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
        // A plain loop: `collect` into a `Result` compiled an iterator adapter per item type.
        let mut items = Vec::with_capacity(array.length() as usize);
        for i in 0..array.length() {
            items.push(T::from_js(array.get(i), what)?);
        }
        Ok(items)
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

/// `impl FromJs` for a struct read from a JSON object, one field per line: `field: how`, where
/// `how` is an [`Object`] method (`req`, `opt`, `or_default`, or `or_else(default)`) and the
/// field's JSON name is its Rust name, or the one given as `field = "name"`.
macro_rules! from_object {
    ($ty:ty { $($field:ident $(= $name:literal)?: $how:ident $(($default:expr))?),* $(,)? }) => {
        impl $crate::widget::decode::FromJs for $ty {
            fn from_js(
                value: wasm_bindgen::JsValue,
                what: &'static str,
            ) -> Result<$ty, $crate::widget::decode::Bad> {
                let o = $crate::widget::decode::Object::new(value, what)?;
                Ok(Self {
                    $($field: o.$how(
                        $crate::widget::decode::from_object!(@name $field $($name)?) $(, $default)?
                    )?),*
                })
            }
        }
    };
    (@name $field:ident $name:literal) => { $name };
    (@name $field:ident) => { stringify!($field) };
}
pub(crate) use from_object;

from_object!(Card {
    code: req,
    display_code: req,
    system: req,
    release: req,
    billable: req,
    short_description: opt,
    long_description: opt,
    descriptor_note: opt,
    plain_language: opt,
    hierarchy: req,
    axes: req,
    attribution: req,
    sections: req,
    meter: opt,
    deleted_in: opt,
    also_indexed_as: or_default,
    paywalled: or_default,
    visitor_token: opt,
});
from_object!(HierarchyLevel { level: req, code: req, title: req });
from_object!(Axis { position: req, name: req, value: req, label: req, definition: opt });
from_object!(Section { id: req, content: opt });
from_object!(CodeRef { system: req, display_code: req, title: req });
from_object!(NoteGroup { kind: req, from: opt, notes: req });
from_object!(NoteSource { level: req, code: req });
from_object!(NoteText { text: req, codes: or_default });
from_object!(NoteCode { start: req, end: req, code: req });
from_object!(SeventhCharacters { defined_at: req, this: opt, placeholder: req, values: req });
from_object!(SeventhValue { character: req, meaning: req });
from_object!(Meter { plan: req, remaining: opt, limit: opt, free_limit: opt, counted: req, account: opt });
from_object!(Session { token: req, email: req, plan: req, expires_at: req });
from_object!(ErrorBody { error: req });
from_object!(ApiError { kind: req, message: req, candidates: or_default });
from_object!(SearchResults { query: req, total: req, offset: req, limit: req, complete: req, results: req });
from_object!(SearchHit {
    code: req,
    display_code: req,
    system: req,
    billable: req,
    title: req,
    highlights: req,
    via: opt,
});
from_object!(Highlight { start: req, end: req });

/// Serde's reading of this internally tagged enum (`api.rs`'s `SectionContentWire`): the `type`
/// beside the variant's fields.
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

//! Operation input: the query string of a GET, or the `Parameters` resource of a POST, read
//! into one list so each operation reads its parameters the same way either way. Every
//! parameter must be used or knowingly ignored: one an operation does not know is a 400 that
//! names it, never silently dropped.

use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request};
use axum::http::{Method, StatusCode, header};
use serde_json::Value as Json;

use super::outcome::{FhirError, IssueType};
use super::systems;
use super::types::Coding;
use crate::api::CodeSystem;
use crate::server::AppError;

/// One input value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Input {
    /// A primitive, as text (`valueString`, `valueUri`, `valueCode`, `valueBoolean`, ...).
    Text(String),
    /// A `valueCoding`.
    Coding(Coding),
}

/// The parameters of one operation call, in the order sent.
#[derive(Debug, Default)]
pub struct Inputs {
    items: Vec<(String, Input)>,
}

impl<S: Send + Sync> FromRequest<S> for Inputs {
    type Rejection = FhirError;

    async fn from_request(request: Request, state: &S) -> Result<Inputs, FhirError> {
        if request.method() != Method::POST {
            let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
                .map_err(|e| FhirError::from(AppError::BadRequest(e.body_text())))?;
            let items = pairs
                .into_iter()
                .map(|(name, value)| match (name.as_str(), value.split_once('|')) {
                    // A coding in a query is FHIR's token form: `system|code`.
                    ("coding", Some((system, code))) => {
                        let system = Some(system.to_string()).filter(|s| !s.is_empty());
                        (name, Input::Coding(Coding { system, code: Some(code.to_string()), ..Coding::default() }))
                    }
                    _ => (name, Input::Text(value)),
                })
                .collect();
            return Ok(Inputs { items });
        }
        // Two sources of parameters would leave one silently unread.
        if request.uri().query().is_some_and(|q| !q.is_empty()) {
            return Err(AppError::BadRequest(
                "Send the operation's parameters either in the query (GET) or in a Parameters body (POST), not both."
                    .into(),
            )
            .into());
        }
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/fhir+json") || v.starts_with("application/json"));
        if !json {
            return Err(AppError::UnsupportedMediaType(
                "Send the operation's input as a Parameters resource in application/fhir+json.".into(),
            )
            .into());
        }
        let body = Bytes::from_request(request, state).await.map_err(|e| {
            FhirError::from(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(e.body_text())
            })
        })?;
        Inputs::from_parameters(&body)
    }
}

impl Inputs {
    /// Reads a `Parameters` resource.
    fn from_parameters(body: &[u8]) -> Result<Inputs, FhirError> {
        let invalid = |message: String| FhirError::from(AppError::BadRequest(message));
        let json: Json = serde_json::from_slice(body).map_err(|e| invalid(format!("The body is not JSON: {e}.")))?;
        if json.get("resourceType").and_then(Json::as_str) != Some("Parameters") {
            return Err(invalid("The body must be a Parameters resource (resourceType \"Parameters\").".into()));
        }
        let parameters = match json.get("parameter") {
            None => &[][..],
            Some(Json::Array(parameters)) => parameters.as_slice(),
            Some(_) => return Err(invalid("Parameters.parameter must be an array of parameters.".into())),
        };
        let mut items = Vec::new();
        for parameter in parameters {
            let Some(name) = parameter.get("name").and_then(Json::as_str) else {
                return Err(invalid("Every parameter needs a name.".into()));
            };
            let Some(object) = parameter.as_object() else { unreachable!("a parameter with a name is an object") };
            let values: Vec<(&String, &Json)> = object.iter().filter(|(k, _)| k.starts_with("value")).collect();
            let input = match values.as_slice() {
                [(kind, value)] if kind.as_str() == "valueCoding" => Input::Coding(
                    serde_json::from_value((*value).clone())
                        .map_err(|e| invalid(format!("Parameter {name}: not a Coding ({e}).")))?,
                ),
                [(_, Json::String(text))] => Input::Text(text.clone()),
                [(_, Json::Bool(flag))] => Input::Text(flag.to_string()),
                [(_, Json::Number(number))] => Input::Text(number.to_string()),
                _ => {
                    return Err(FhirError::invalid(
                        name,
                        IssueType::NotSupported,
                        format!("Parameter {name}: only one primitive value or a valueCoding is accepted here."),
                    ));
                }
            };
            items.push((name.to_string(), input));
        }
        Ok(Inputs { items })
    }

    /// Takes every value of `name`.
    fn take_all(&mut self, name: &str) -> Vec<Input> {
        let (taken, kept) = std::mem::take(&mut self.items).into_iter().partition(|(n, _)| n == name);
        self.items = kept;
        taken.into_iter().map(|(_, input)| input).collect()
    }

    /// The one text value of `name`, if sent; an empty value counts as not sent.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, FhirError> {
        let mut values = self.take_all(name);
        if values.len() > 1 {
            return Err(FhirError::invalid(name, IssueType::Invalid, format!("Parameter {name} may be given once.")));
        }
        match values.pop() {
            None => Ok(None),
            Some(Input::Text(text)) => Ok(Some(text).filter(|t| !t.trim().is_empty())),
            Some(Input::Coding(_)) => Err(FhirError::invalid(
                name,
                IssueType::Value,
                format!("Parameter {name} is a primitive, not a Coding."),
            )),
        }
    }

    /// Every text value of `name` (a repeating parameter such as `property`).
    pub fn texts(&mut self, name: &str) -> Result<Vec<String>, FhirError> {
        self.take_all(name)
            .into_iter()
            .map(|input| match input {
                Input::Text(text) => Ok(text),
                Input::Coding(_) => Err(FhirError::invalid(
                    name,
                    IssueType::Value,
                    format!("Parameter {name} is a primitive, not a Coding."),
                )),
            })
            .collect()
    }

    /// The `valueCoding` of `name`, if sent.
    pub fn coding(&mut self, name: &str) -> Result<Option<Coding>, FhirError> {
        let mut values = self.take_all(name);
        match (values.pop(), values.is_empty()) {
            (None, _) => Ok(None),
            (Some(Input::Coding(coding)), true) => Ok(Some(coding)),
            (Some(_), _) => {
                Err(FhirError::invalid(name, IssueType::Value, format!("Parameter {name} must be one valueCoding.")))
            }
        }
    }

    /// The boolean `name`, if sent.
    pub fn boolean(&mut self, name: &str) -> Result<Option<bool>, FhirError> {
        match self.text(name)?.as_deref() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(FhirError::invalid(
                name,
                IssueType::Value,
                format!("Parameter {name} must be true or false, not {other:?}."),
            )),
        }
    }

    /// The whole number `name` in `min..=max`, if sent.
    pub fn number(&mut self, name: &str, min: usize, max: usize) -> Result<Option<usize>, FhirError> {
        let Some(text) = self.text(name)? else { return Ok(None) };
        match text.trim().parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(FhirError::invalid(
                name,
                IssueType::Value,
                format!("Parameter {name} must be a whole number from {min} to {max}, not {text:?}."),
            )),
        }
    }

    /// Drops parameters that change nothing here (`displayLanguage`: every text is English).
    pub fn ignore(&mut self, names: &[&str]) {
        self.items.retain(|(name, _)| !names.contains(&name.as_str()));
    }

    /// The system of an instance-level call (`CodeSystem/{id}/$lookup`): `id` names it, and is
    /// given to the operation as its `parameter` (`system` or `url`). A different system sent as
    /// well is a contradiction, refused; an unknown id is not here (404).
    pub fn instance(&mut self, id: &str, parameter: &str) -> Result<(), FhirError> {
        let system = CodeSystem::ALL.into_iter().find(|s| s.id() == id).ok_or(AppError::NotFound)?;
        let uri = systems::system_uri(system);
        let sent = self.text(parameter)?;
        if let Some(other) = sent.filter(|other| systems::from_uri(other) != Some(system)) {
            return Err(FhirError::invalid(
                parameter,
                IssueType::Invalid,
                format!("CodeSystem/{id} is {uri}; the parameter {parameter} names another system ({other:?})."),
            ));
        }
        let mut in_coding = false;
        for (name, input) in &mut self.items {
            if let (true, Input::Coding(coding)) = (name == "coding", input) {
                in_coding = true;
                match coding.system.as_deref() {
                    None => coding.system = Some(uri.to_string()),
                    Some(other) if systems::from_uri(other) != Some(system) => {
                        return Err(FhirError::invalid(
                            "coding",
                            IssueType::Invalid,
                            format!("CodeSystem/{id} is {uri}; the coding names another system ({other:?})."),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        // A coding carries its own system; a code takes the instance's.
        if !in_coding {
            self.items.push((parameter.to_string(), Input::Text(uri.to_string())));
        }
        Ok(())
    }

    /// Refuses whatever parameter the operation did not read.
    pub fn finish(self, operation: &str) -> Result<(), FhirError> {
        match self.items.first() {
            None => Ok(()),
            Some((name, _)) => Err(FhirError::invalid(
                name,
                IssueType::NotSupported,
                format!("{operation} does not take the parameter {name:?} here."),
            )),
        }
    }

    /// The implicit all-codes value set named by `url` (`<system URI>?fhir_vs`): its system,
    /// and the url as sent.
    pub fn value_set(&mut self) -> Result<(CodeSystem, String), FhirError> {
        let known = || CodeSystem::ALL.map(systems::implicit_value_set).join(", ");
        let url = self.text("url")?.ok_or_else(|| {
            FhirError::invalid("url", IssueType::Required, format!("Name the value set (url): {}.", known()))
        })?;
        let system = systems::from_value_set(&url).ok_or_else(|| {
            FhirError::invalid(
                "url",
                IssueType::NotSupported,
                format!("{url:?} is not a value set this server knows; it knows {}.", known()),
            )
        })?;
        Ok((system, url))
    }

    /// The code to work on: `system` and `code`, or a `coding` (one or the other). `system` is
    /// named by `system_param` (`system` for `$lookup`, `url` for `CodeSystem/$validate-code`).
    pub fn target(&mut self, system_param: &str) -> Result<Target, FhirError> {
        let (system, code, coding) = (self.text(system_param)?, self.text("code")?, self.coding("coding")?);
        let (uri, code, parameter) = match (system, code, coding) {
            (uri, Some(code), None) => (uri, code, system_param),
            (None, None, Some(coding)) => (coding.system, coding.code.unwrap_or_default(), "coding"),
            (_, None, None) => {
                return Err(FhirError::invalid(
                    "code",
                    IssueType::Required,
                    "Give the code: code (with its system) or coding.".into(),
                ));
            }
            _ => {
                return Err(FhirError::invalid(
                    "coding",
                    IssueType::Invalid,
                    "Give either code (with its system) or coding, not both.".into(),
                ));
            }
        };
        let Some(uri) = uri.filter(|u| !u.trim().is_empty()) else {
            return Err(FhirError::invalid(
                parameter,
                IssueType::Required,
                format!("Name the code system ({system_param}): one of {}.", systems::known()),
            ));
        };
        let system = system_of(&uri, parameter)?;
        Ok(Target { system, code: code.trim().to_string() })
    }
}

/// A code and the system it is said to be of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The system.
    pub system: CodeSystem,
    /// The code as sent (trimmed).
    pub code: String,
}

/// The system whose URI is `uri`, or a 400 naming the ones this server knows.
pub fn system_of(uri: &str, parameter: &str) -> Result<CodeSystem, FhirError> {
    systems::from_uri(uri).ok_or_else(|| {
        FhirError::invalid(
            parameter,
            IssueType::NotSupported,
            format!("{uri:?} is not a code system this server knows; it knows {}.", systems::known()),
        )
    })
}

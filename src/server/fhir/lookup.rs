//! `CodeSystem/$lookup`: a code's details, which is a view. It goes through the card path
//! (`lookup::lookup`, then `lookup::entitled`): the same bearer tokens, the same count, the same
//! redaction by plan. What the visitor's plan withholds is absent from the answer, and an
//! `issues` OperationOutcome (`suppressed`) says what and why; past the quota the answer is the
//! code and its title only (what search shows anyone), still 200.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};

use super::outcome::{FhirError, IssueType, OperationOutcome, Severity};
use super::params::Inputs;
use super::types::{Coding, Parameter, Parameters, Value};
use super::{Fhir, release};
use crate::api::{Card, CodeSystem, Meter, NoteGroup, NoteKind, NoteLevel, SectionContent, SectionId};
use crate::server::search::CodeEntry;
use crate::server::visitor::ClientIp;
use crate::server::{AppError, AppState, lookup as cards};

/// The response header carrying a visitor token this lookup issued (a guest's first view):
/// send it back as `Authorization: Bearer ...` so later lookups count against the same guest.
pub const VISITOR_TOKEN_HEADER: &str = "x-codecard-visitor-token";

/// SNOMED CT's designation uses, the R4 binding for `designation.use`.
const SNOMED: &str = "http://snomed.info/sct";

/// `GET|POST /fhir/CodeSystem/{id}/$lookup?code=`: the same, for the system `id` names.
pub async fn instance(
    state: State<AppState>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut inputs: Inputs,
) -> Result<Response, FhirError> {
    inputs.instance(&id, "system")?;
    lookup(state, ip, method, headers, inputs).await
}

/// `GET|POST /fhir/CodeSystem/$lookup?system=&code=` (or `coding`), with `version` and
/// `property` (repeating: only those properties; `designation` for the designations).
pub async fn lookup(
    State(state): State<AppState>,
    ip: ClientIp,
    method: Method,
    headers: HeaderMap,
    mut inputs: Inputs,
) -> Result<Response, FhirError> {
    let target = inputs.target("system")?;
    let version = inputs.text("version")?;
    let wanted = inputs.texts("property")?;
    inputs.ignore(&["date", "displayLanguage"]);
    inputs.finish("$lookup")?;
    release::check(&state, target.system, version.as_deref(), "version")?;
    let card = cards::lookup(&state, &target.code, Some(target.system)).map_err(|e| at_code(e, "code"))?;
    let index = state.search_index();
    let entry = index
        .code(card.system, &card.code)
        .ok_or_else(|| AppError::Internal(format!("{} {} has a card but no index entry", card.system, card.code)))?;
    let card = cards::entitled(&state, &method, &headers, &ip, card).await?;
    let token = card.visitor_token.clone();
    let visible = Visible::of(&state, &card);
    let mut parameters = Parameters::default();
    let out = &mut parameters.parameter;
    out.push(Parameter::value("name", Value::String(card.system.label().into())));
    out.push(Parameter::value("version", Value::String(release::loaded(&state, card.system).release)));
    out.push(Parameter::value("display", Value::String(entry.title.into())));
    if wants(&wanted, "designation") {
        out.extend(designations(&card));
    }
    out.extend(
        properties(&state, &card, &entry, &visible)
            .into_iter()
            .filter(|p| wants(&wanted, p.code))
            .map(Prop::into_parameter),
    );
    if let Some(issues) = visible.withheld(&card) {
        out.push(Parameter::issues(issues));
    }
    let mut response = Fhir(parameters).into_response();
    cards::cache_by_visitor(&state, response.headers_mut());
    if let Some(value) = token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(VISITOR_TOKEN_HEADER, value);
    }
    Ok(response)
}

/// Points a code error at the parameter that carried the code.
fn at_code(error: AppError, parameter: &str) -> FhirError {
    let code = match &error {
        AppError::UnknownCode { .. } => IssueType::NotFound,
        _ => IssueType::CodeInvalid,
    };
    FhirError::new(error, code, parameter)
}

/// Whether the client asked for `code` (no `property` parameter: everything).
fn wants(wanted: &[String], code: &str) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| w == code)
}

/// What the visitor's plan lets this answer carry.
struct Visible {
    description: bool,
    plain_language: bool,
    hierarchy: bool,
    notes: bool,
}

impl Visible {
    fn of(state: &AppState, card: &Card) -> Visible {
        let config = &state.config.meter;
        // No meter on the card: the endpoint does not meter, everything is visible.
        let allowed = |part: SectionId| {
            card.meter.as_ref().is_none_or(|m| !card.paywalled && config.sections(m.plan).includes(part))
        };
        Visible {
            description: allowed(SectionId::Description),
            plain_language: allowed(SectionId::PlainLanguage),
            hierarchy: allowed(SectionId::Hierarchy),
            notes: allowed(SectionId::CodingNotes),
        }
    }

    /// The `issues` of an answer cut by the meter: what was left out, and the meter's sentence.
    fn withheld(&self, card: &Card) -> Option<OperationOutcome> {
        let meter = card.meter.as_ref()?;
        let text = if card.paywalled {
            format!("{} Only the code and its title are returned.", allowance(meter))
        } else {
            let left_out: Vec<&str> = [
                (!self.description, "designations"),
                (!self.plain_language, "plain-language"),
                (!self.hierarchy, "parent and child"),
                (!self.notes, "coding notes"),
            ]
            .into_iter()
            .filter_map(|(out, what)| out.then_some(what))
            .collect();
            if left_out.is_empty() {
                return None;
            }
            format!("Not included in the {} plan: {}. {}", meter.plan.id(), left_out.join(", "), allowance(meter))
        };
        Some(OperationOutcome::one(Severity::Warning, IssueType::Suppressed, text))
    }
}

/// The meter in a sentence for a FHIR client's log (the card's own sentence is worded by the
/// widget, in the page's language).
fn allowance(meter: &Meter) -> String {
    match (meter.remaining, meter.limit) {
        (Some(remaining), Some(limit)) => {
            format!("Code views left this period: {remaining} of {limit} ({} plan).", meter.plan.id())
        }
        _ => "Code views are unlimited.".into(),
    }
}

/// The short and long descriptions as designations.
fn designations(card: &Card) -> Vec<Parameter> {
    let designation = |code: &str, display: &str, value: &str| {
        Parameter::parts(
            "designation",
            vec![
                Parameter::value("language", Value::Code("en".into())),
                Parameter::value("use", Value::Coding(Coding::new(SNOMED, code, display))),
                Parameter::value("value", Value::String(value.into())),
            ],
        )
    };
    let mut out = Vec::new();
    if let Some(long) = &card.long_description {
        out.push(designation("900000000000003001", "Fully specified name", long));
    }
    if let Some(short) = &card.short_description {
        out.push(designation("900000000000013009", "Synonym", short));
    }
    out
}

/// One `property` of the answer.
struct Prop {
    code: &'static str,
    value: Value,
    description: Option<String>,
}

impl Prop {
    fn new(code: &'static str, value: Value) -> Prop {
        Prop { code, value, description: None }
    }

    fn into_parameter(self) -> Parameter {
        let mut part =
            vec![Parameter::value("code", Value::Code(self.code.into())), Parameter::value("value", self.value)];
        part.extend(self.description.map(|d| Parameter::value("description", Value::String(d))));
        Parameter::parts("property", part)
    }
}

/// Every property the visitor may see: status, hierarchy, notes, texts.
fn properties(state: &AppState, card: &Card, entry: &CodeEntry, visible: &Visible) -> Vec<Prop> {
    let mut props = vec![
        Prop::new("inactive", Value::Boolean(entry.deleted)),
        // ICD-10-CM category headers cannot go on a claim.
        Prop::new("notSelectable", Value::Boolean(!entry.billable)),
    ];
    if visible.hierarchy {
        let index = state.search_index();
        let code = |e: CodeEntry| Prop {
            code: "",
            value: Value::Code(crate::code::display(e.system, e.key)),
            description: Some(e.title.to_string()),
        };
        props.extend(index.parent(card.system, &card.code).map(|p| Prop { code: "parent", ..code(p) }));
        props.extend(index.children(card.system, &card.code).into_iter().map(|c| Prop { code: "child", ..code(c) }));
    }
    if visible.plain_language {
        props.extend(card.plain_language.clone().map(|t| Prop::new("plain-language", Value::String(t))));
    }
    if visible.description {
        // For CPT®: that the official descriptor needs a licensed import; for headers: why.
        props.extend(card.descriptor_note.clone().map(|t| Prop::new("descriptor-note", Value::String(t))));
    }
    if visible.notes && card.system == CodeSystem::Icd10cm {
        props.extend(notes(card));
    }
    props
}

/// The Tabular List's notes that apply to the code, one property each, named by kind; a note
/// written above the code says where in its description.
fn notes(card: &Card) -> Vec<Prop> {
    let Some(SectionContent::Notes { groups, seventh }) =
        card.sections.iter().find(|s| s.id == SectionId::CodingNotes).and_then(|s| s.content.as_ref())
    else {
        return Vec::new();
    };
    let mut props: Vec<Prop> = groups.iter().flat_map(group).collect();
    if let Some(seventh) = seventh {
        props.extend(seventh.values.iter().map(|v| Prop {
            code: "seventh-character",
            value: Value::String(format!("{}: {}", v.character, v.meaning)),
            description: Some(format!("7th character defined at {}", seventh.defined_at)),
        }));
    }
    props
}

fn group(group: &NoteGroup) -> impl Iterator<Item = Prop> + '_ {
    let code = match group.kind {
        NoteKind::Includes => "includes",
        NoteKind::InclusionTerm => "inclusion-term",
        NoteKind::Excludes1 => "excludes1",
        NoteKind::Excludes2 => "excludes2",
        NoteKind::CodeFirst => "code-first",
        NoteKind::UseAdditionalCode => "use-additional-code",
        NoteKind::CodeAlso => "code-also",
        NoteKind::Note => "note",
        NoteKind::SeventhCharacterNote => "seventh-character-note",
    };
    let from = group.from.as_ref().map(|from| {
        let level = match from.level {
            NoteLevel::Chapter => "chapter",
            NoteLevel::Block => "block",
            NoteLevel::Category => "category",
            NoteLevel::Subcategory => "subcategory",
        };
        format!("Written at {level} {}", from.code)
    });
    group.notes.iter().map(move |note| Prop {
        code,
        value: Value::String(note.text.clone()),
        description: from.clone(),
    })
}

/// The properties `$lookup` can return, for the CodeSystem resource and the capability
/// statement: (code, FHIR type, URI where FHIR defines it, description).
pub const PROPERTIES: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "inactive",
        "boolean",
        Some("http://hl7.org/fhir/concept-properties#inactive"),
        "A newer release deleted the code.",
    ),
    (
        "notSelectable",
        "boolean",
        Some("http://hl7.org/fhir/concept-properties#notSelectable"),
        "A category header: not valid on a claim.",
    ),
    ("parent", "code", Some("http://hl7.org/fhir/concept-properties#parent"), "The code directly above."),
    ("child", "code", Some("http://hl7.org/fhir/concept-properties#child"), "A code directly below."),
    ("plain-language", "string", None, "A plain-language explanation written by codecard."),
    (
        "descriptor-note",
        "string",
        None,
        "Why a descriptor is missing or limited (CPT®: the official descriptor needs a licensed import).",
    ),
    ("includes", "string", None, "ICD-10-CM Tabular List: Includes."),
    ("inclusion-term", "string", None, "ICD-10-CM Tabular List: inclusion term."),
    ("excludes1", "string", None, "ICD-10-CM Tabular List: Excludes1."),
    ("excludes2", "string", None, "ICD-10-CM Tabular List: Excludes2."),
    ("code-first", "string", None, "ICD-10-CM Tabular List: Code first."),
    ("use-additional-code", "string", None, "ICD-10-CM Tabular List: Use additional code."),
    ("code-also", "string", None, "ICD-10-CM Tabular List: Code also."),
    ("note", "string", None, "ICD-10-CM Tabular List: note."),
    ("seventh-character-note", "string", None, "ICD-10-CM Tabular List: 7th character note."),
    ("seventh-character", "string", None, "ICD-10-CM: a valid 7th character and its meaning."),
];

//! The JSON contract between the endpoint and the widget.
//!
//! Both sides compile this one module: the server serialises these types and the widget
//! deserialises them, so a field renamed here is renamed everywhere at once. Field names are
//! `snake_case` on the wire; enums are lower-case strings.

use serde::{Deserialize, Serialize};

/// A medical code system the endpoint can serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeSystem {
    /// ICD-10-CM: US diagnosis codes (public domain, CDC/CMS).
    Icd10cm,
    /// ICD-10-PCS: US inpatient procedure codes (public domain, CMS).
    Icd10pcs,
    /// CPT®: procedure codes of the American Medical Association (licensed text).
    Cpt,
    /// HCPCS Level II: supplies, drugs and services (public domain, CMS).
    Hcpcs,
}

impl CodeSystem {
    /// Every system, in the order used when a code's shape fits several.
    pub const ALL: [CodeSystem; 4] = [
        CodeSystem::Icd10cm,
        CodeSystem::Icd10pcs,
        CodeSystem::Cpt,
        CodeSystem::Hcpcs,
    ];

    /// The identifier used in URLs and JSON (`icd10cm`, `icd10pcs`, `cpt`, `hcpcs`).
    pub fn id(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "icd10cm",
            CodeSystem::Icd10pcs => "icd10pcs",
            CodeSystem::Cpt => "cpt",
            CodeSystem::Hcpcs => "hcpcs",
        }
    }

    /// The name a person reads (`ICD-10-CM`, `CPT®`, ...).
    pub fn label(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "ICD-10-CM",
            CodeSystem::Icd10pcs => "ICD-10-PCS",
            CodeSystem::Cpt => "CPT®",
            CodeSystem::Hcpcs => "HCPCS Level II",
        }
    }

    /// Parses an identifier as written by people and pages: case, dashes, dots and spaces are
    /// ignored, so `ICD-10-CM`, `icd10cm` and `icd 10 cm` all name the same system.
    pub fn parse(text: &str) -> Option<CodeSystem> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match key.as_str() {
            "icd10cm" | "cm" => Some(CodeSystem::Icd10cm),
            "icd10pcs" | "pcs" => Some(CodeSystem::Icd10pcs),
            "cpt" => Some(CodeSystem::Cpt),
            "hcpcs" | "hcpcs2" | "hcpcsii" | "hcpcslevelii" | "hcpcslevel2" => Some(CodeSystem::Hcpcs),
            _ => None,
        }
    }
}

impl std::fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Everything the lookup card shows for one code: the body of `GET /v1/codes/...`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The code without punctuation, upper case (`E119`): the key the endpoint looks up.
    pub code: String,
    /// The code as people write it (`E11.9`).
    pub display_code: String,
    /// The code system the code belongs to.
    pub system: CodeSystem,
    /// The code-set release this entry comes from (`FY2025`, `demo`).
    pub release: String,
    /// Whether the code can be reported on a claim; `false` for category headers.
    pub billable: bool,
    /// The short (abbreviated) descriptor.
    pub short_description: String,
    /// The full descriptor. For CPT this is the licensed official descriptor when one has been
    /// imported, otherwise `None` (see `descriptor_note`).
    pub long_description: Option<String>,
    /// Why `long_description` is missing, e.g. that the official CPT® descriptor comes from a
    /// licensed import.
    pub descriptor_note: Option<String>,
    /// A plain-language explanation for patients, when the data has one.
    pub plain_language: Option<String>,
    /// Ancestors from the broadest (chapter, section) down to the direct parent.
    pub hierarchy: Vec<HierarchyLevel>,
    /// ICD-10-PCS only: the meaning of each of the code's seven characters.
    pub axes: Vec<Axis>,
    /// The copyright or provenance line for the system's text.
    pub attribution: String,
    /// Further sections; a section the visitor is not entitled to arrives locked, without content.
    pub sections: Vec<Section>,
    /// The visitor's view meter, when the endpoint meters views.
    pub meter: Option<Meter>,
}

/// One ancestor of a code in its classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HierarchyLevel {
    /// What kind of level this is (`chapter`, `block`, `category`, `section`, ...).
    pub level: String,
    /// The level's code or range (`E08-E13`, `E11`, `0`).
    pub code: String,
    /// The level's title.
    pub title: String,
}

/// The meaning of one character of an ICD-10-PCS code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// Position of the character in the code, 1 to 7.
    pub position: u8,
    /// The axis name (`Section`, `Body System`, `Root Operation`, `Body Part`, `Approach`,
    /// `Device`, `Qualifier`).
    pub name: String,
    /// The character at that position.
    pub value: String,
    /// What the character means at that position.
    pub label: String,
    /// A definition, where the classification gives one (root operations).
    pub definition: Option<String>,
}

/// A card section beyond the descriptions: guidelines, modifiers, crosswalks, payment, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// A stable identifier (`guidelines`, `crosswalk`, ...).
    pub id: String,
    /// The title shown on the card, also when locked.
    pub title: String,
    /// `None` when the visitor's plan does not include this section: the server then sends
    /// no part of its content.
    pub content: Option<SectionContent>,
}

/// The content of an unlocked section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SectionContent {
    /// Paragraphs of text.
    Text {
        /// The paragraphs.
        paragraphs: Vec<String>,
    },
    /// A list of related codes.
    Codes {
        /// The related codes with their short descriptors.
        codes: Vec<CodeRef>,
    },
}

/// A reference to another code, with enough text to show it in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    /// The code's system.
    pub system: CodeSystem,
    /// The code as people write it.
    pub display_code: String,
    /// Its short descriptor.
    pub title: String,
}

/// How many new code cards the visitor may still open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meter {
    /// The visitor's plan (`guest`, `free`, `paid`).
    pub plan: String,
    /// Views left in the period; `None` for an unlimited plan.
    pub remaining: Option<u32>,
    /// The sentence the card shows, already worded for the plan.
    pub message: String,
}

/// The body of every error answer: `{"error": {"kind": ..., "message": ...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ApiError,
}

/// A machine-readable kind and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// The stable kind clients branch on.
    pub kind: ErrorKind,
    /// A short sentence a person can read.
    pub message: String,
    /// For `ambiguous_code`: the systems in which the code exists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CodeSystem>,
}

/// The stable, machine-readable error kinds of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 400: the text cannot be a code of the requested (or any) system.
    MalformedCode,
    /// 400: the `system` is not one the endpoint knows.
    UnknownSystem,
    /// 400: a query parameter is malformed.
    BadRequest,
    /// 404: the code is well formed but not in the code set.
    UnknownCode,
    /// 300: the code exists in several systems; pass `system` to choose.
    AmbiguousCode,
    /// 404: no such endpoint.
    NotFound,
    /// 405: the endpoint exists but not for this method.
    MethodNotAllowed,
    /// 500: a fault on the server.
    Internal,
}

/// The body of `GET /v1/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// How many codes each loaded system holds.
    pub systems: Vec<SystemCount>,
}

/// The size of one loaded code set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemCount {
    /// The system.
    pub system: CodeSystem,
    /// The release loaded.
    pub release: String,
    /// How many codes (headers included).
    pub codes: usize,
}

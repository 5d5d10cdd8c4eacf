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
    pub const ALL: [CodeSystem; 4] = [CodeSystem::Icd10cm, CodeSystem::Icd10pcs, CodeSystem::Cpt, CodeSystem::Hcpcs];

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

    /// The canonical URI FHIR (HL7 Terminology) gives the system: `Coding.system`.
    pub fn fhir_uri(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "http://hl7.org/fhir/sid/icd-10-cm",
            CodeSystem::Icd10pcs => "http://www.cms.gov/Medicare/Coding/ICD10",
            CodeSystem::Cpt => "http://www.ama-assn.org/go/cpt",
            CodeSystem::Hcpcs => "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        }
    }

    /// Parses an identifier as written by people and pages: case, dashes, dots and spaces are
    /// ignored, so `ICD-10-CM`, `icd10cm` and `icd 10 cm` all name the same system.
    pub fn parse(text: &str) -> Option<CodeSystem> {
        let key: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
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
///
/// Also the body of `GET /v1/peek/...`, the public part the widget fetches before a click
/// (hover, focus, touch): unmetered and the same for every visitor, it is what a visitor with no
/// views left receives (`paywalled: true`, no `meter`, no `visitor_token`), whatever token comes
/// with it; from an endpoint without the meter, where nothing is gated, it is the whole card
/// (`paywalled: false`).
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
    /// The short (abbreviated) descriptor; `None` when the `description` section is locked,
    /// unless it is the code's public title (a CPT code without an imported descriptor).
    pub short_description: Option<String>,
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
    /// The built-in parts above (`description`, `plain_language`, `hierarchy`) appear here as
    /// locked sections when the visitor's plan does not include them, and are then empty above.
    pub sections: Vec<Section>,
    /// The visitor's view meter, when the endpoint meters views.
    pub meter: Option<Meter>,
    /// The release in which the code was deleted from its code set, when a newer release
    /// dropped it; the card is kept so that old records still resolve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_in: Option<String>,
    /// ICD-10-CM: up to five Alphabetic Index terms that lead to the code (`Collapse`,
    /// `Fainting`, `Blackout` for R55). Public, like any printed index: never metered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_indexed_as: Vec<String>,
    /// True when the visitor has no views left for a code not yet viewed: the card then carries
    /// the code, its system, its public title (the description search shows) and the meter, and
    /// every section is locked.
    #[serde(default)]
    pub paywalled: bool,
    /// A visitor token the widget must keep (per endpoint) and send back as
    /// `Authorization: Bearer ...`; present only when the endpoint issued a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_token: Option<String>,
}

/// One ancestor of a code in its classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HierarchyLevel {
    /// What kind of level this is.
    pub level: Level,
    /// The level's code or range (`E08-E13`, `E11`, `0`).
    pub code: String,
    /// The level's title.
    pub title: String,
}

/// The kinds of level a code's classification chain has, across the code systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// ICD-10-CM: a chapter (`E00-E89`).
    Chapter,
    /// ICD-10-CM: a block of categories (`E08-E13`).
    Block,
    /// ICD-10-CM: a three-character category (`E11`).
    Category,
    /// ICD-10-CM: a subcategory (`E11.6`, `E11.65`).
    Subcategory,
    /// ICD-10-PCS, CPT and HCPCS: a section.
    Section,
    /// CPT: a subsection.
    Subsection,
    /// ICD-10-PCS: the body system (2nd character).
    BodySystem,
    /// ICD-10-PCS: the root operation (3rd character).
    RootOperation,
}

impl Level {
    /// The identifier used in JSON (and as the widget's `data-level`).
    pub fn id(self) -> &'static str {
        match self {
            Level::Chapter => "chapter",
            Level::Block => "block",
            Level::Category => "category",
            Level::Subcategory => "subcategory",
            Level::Section => "section",
            Level::Subsection => "subsection",
            Level::BodySystem => "body_system",
            Level::RootOperation => "root_operation",
        }
    }
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

/// The parts of a card a plan can see or not: the built-in parts (descriptions, plain
/// language, hierarchy) and the sections the catalog adds. The widget words their titles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum SectionId {
    /// The short and long descriptors and the descriptor note.
    Description,
    /// The plain-language text.
    PlainLanguage,
    /// The classification chain and, for ICD-10-PCS, the seven axes.
    Hierarchy,
    /// Related codes (ICD-10-CM: the category's other codes).
    Related,
    /// Coding tips.
    CodingTips,
    /// ICD-10-CM: the Tabular List's instructional notes and 7th characters.
    CodingNotes,
}

impl SectionId {
    /// The identifier used in JSON, on the command line and as the widget's `data-section`.
    pub fn id(self) -> &'static str {
        match self {
            SectionId::Description => "description",
            SectionId::PlainLanguage => "plain_language",
            SectionId::Hierarchy => "hierarchy",
            SectionId::Related => "related",
            SectionId::CodingTips => "coding_tips",
            SectionId::CodingNotes => "coding_notes",
        }
    }
}

/// A card section beyond the descriptions: related codes, coding tips, coding notes; or a
/// locked stub (no content) for a built-in part the visitor's plan does not include.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Which section this is; the widget words its title.
    pub id: SectionId,
    /// `None` when the visitor's plan does not include this section: the server then sends
    /// no part of its content.
    pub content: Option<SectionContent>,
}

/// The content of an unlocked section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "SectionContentWire")]
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
    /// The Tabular List's instructional notes that apply to the code, nearest first.
    Notes {
        /// The notes, grouped by kind and by where they are written.
        groups: Vec<NoteGroup>,
        /// The 7th characters the code's category requires, when it requires them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seventh: Option<SeventhCharacters>,
    },
}

/// [`SectionContent`] as read: the tag beside every variant's fields. Serde's own reading of an
/// internally tagged enum buffers the object and reads every type inside it a second way, which
/// doubled the notes' decoding code in the widget; this reads the object once, in one pass.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
struct SectionContentWire {
    #[serde(rename = "type")]
    kind: SectionContentKind,
    paragraphs: Option<Vec<String>>,
    codes: Option<Vec<CodeRef>>,
    groups: Option<Vec<NoteGroup>>,
    seventh: Option<SeventhCharacters>,
}

/// The `type` of a [`SectionContent`].
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SectionContentKind {
    Text,
    Codes,
    Notes,
}

impl TryFrom<SectionContentWire> for SectionContent {
    type Error = &'static str;

    fn try_from(wire: SectionContentWire) -> Result<SectionContent, &'static str> {
        match wire.kind {
            SectionContentKind::Text => {
                Ok(SectionContent::Text { paragraphs: wire.paragraphs.ok_or("missing field `paragraphs`")? })
            }
            SectionContentKind::Codes => {
                Ok(SectionContent::Codes { codes: wire.codes.ok_or("missing field `codes`")? })
            }
            SectionContentKind::Notes => Ok(SectionContent::Notes {
                groups: wire.groups.ok_or("missing field `groups`")?,
                seventh: wire.seventh,
            }),
        }
    }
}

/// The kinds of instructional note in the ICD-10-CM Tabular List. The widget words them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// "Includes": further defines or gives examples of the content.
    Includes,
    /// Inclusion terms: conditions for which the code is to be used.
    InclusionTerm,
    /// "Excludes1": never code together with the excluded condition.
    Excludes1,
    /// "Excludes2": not included here, but may be coded together.
    Excludes2,
    /// "Code first": the underlying condition is sequenced first.
    CodeFirst,
    /// "Use additional code": add a code for the manifestation or detail.
    UseAdditionalCode,
    /// "Code also": a second code may be needed; sequencing depends on the encounter.
    CodeAlso,
    /// A general note.
    Note,
    /// A note on the 7th character.
    SeventhCharacterNote,
}

/// The level of the Tabular List a note is written at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteLevel {
    /// A chapter (`E00-E89`).
    Chapter,
    /// A block of categories (`E08-E13`).
    Block,
    /// A three-character category (`E11`).
    Category,
    /// A subcategory or code above this one (`E11.6`).
    Subcategory,
}

/// Notes of one kind written at one place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteGroup {
    /// What kind of note.
    pub kind: NoteKind,
    /// Where the notes are written when it is above the code itself (inherited); `None` for
    /// notes written at the code.
    pub from: Option<NoteSource>,
    /// The notes, in the book's order.
    pub notes: Vec<NoteText>,
}

/// Where an inherited note is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSource {
    /// The level.
    pub level: NoteLevel,
    /// The chapter's, block's or code's own code as printed (`E11`, `E08-E13`).
    pub code: String,
}

/// One note, with the codes it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteText {
    /// The note as the Tabular List prints it (English).
    pub text: String,
    /// The codes, categories and ranges named in `text` that the endpoint can open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<NoteCode>,
}

/// A code named inside a note: `(Z79.4)`, `(E08.-)`, `(I60-I69)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteCode {
    /// The span of the note's text naming it, counted in Unicode characters.
    pub start: u32,
    /// The character after the span.
    pub end: u32,
    /// The code to open: the code itself, the category of `E08.-`, the first category of a range.
    pub code: String,
}

/// The 7th characters a category requires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhCharacters {
    /// Where they are defined, as printed (`S72`).
    pub defined_at: String,
    /// This code's own 7th character and its meaning, for a 7-character code.
    pub this: Option<SeventhValue>,
    /// Whether the code uses the placeholder `X` to reach the 7th position (`T36.0X1A`).
    pub placeholder: bool,
    /// Every valid 7th character, in the book's order.
    pub values: Vec<SeventhValue>,
}

/// One 7th character and its meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeventhValue {
    /// The character (`A`).
    pub character: String,
    /// Its meaning ("initial encounter for closed fracture").
    pub meaning: String,
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

/// A visitor's plan: what they may see and how many codes they may open per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// Anyone, identified by a visitor token only.
    Guest,
    /// A registered account.
    Free,
    /// An account an administrator upgraded.
    Paid,
}

impl Plan {
    /// The identifier used in JSON and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Plan::Guest => "guest",
            Plan::Free => "free",
            Plan::Paid => "paid",
        }
    }

    /// Parses `guest`, `free` or `paid` (any case).
    pub fn parse(text: &str) -> Option<Plan> {
        match text.trim().to_ascii_lowercase().as_str() {
            "guest" => Some(Plan::Guest),
            "free" => Some(Plan::Free),
            "paid" => Some(Plan::Paid),
            _ => None,
        }
    }
}

/// How many new code cards the visitor may still open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meter {
    /// The visitor's plan.
    pub plan: Plan,
    /// Views left in the period; `None` for an unlimited plan.
    pub remaining: Option<u32>,
    /// Views the plan allows per period; `None` for an unlimited plan.
    pub limit: Option<u32>,
    /// Views per period of a free account, a guest's included (so a guest's card can say how
    /// many more an account gives, in any language); `None` from an endpoint that does not say.
    #[serde(default)]
    pub free_limit: Option<u32>,
    /// Whether this answer used up one view (`false` for a code already viewed in the period).
    pub counted: bool,
    /// The logged-in account's email; `None` for a guest.
    pub account: Option<String>,
}

/// The body of `POST /v1/account/register` and `POST /v1/account/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account's email address.
    pub email: String,
    /// The password, sent only to the endpoint's own account pages.
    pub password: String,
    /// The guest's visitor token, so that the guest's views in this period carry over.
    #[serde(default)]
    pub visitor_token: Option<String>,
    /// The page origin the account page hands the session to; the session is then valid only
    /// from that origin. `None` for a client that keeps the session itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The site key of the widget that opened the account page; with site keys in use, `origin`
    /// must be one of its origins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_key: Option<String>,
}

/// A logged-in session: the answer to a successful register or log-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The session token; the widget sends it as `Authorization: Bearer ...`.
    pub token: String,
    /// The account's email address.
    pub email: String,
    /// The account's plan.
    pub plan: Plan,
    /// When the session expires, in seconds since the Unix epoch.
    pub expires_at: u64,
}

/// The body of `GET /v1/peek?codes=...`: the public parts of the codes in view on a page, one
/// entry per code asked, in the order asked. A code that has no card (unknown, malformed,
/// ambiguous, an unknown system) gets its error in its place; the others are answered all the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeekBatch {
    /// One entry per code asked.
    pub peeks: Vec<Peeked>,
}

/// One code's entry in a [`PeekBatch`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Peeked {
    /// The card's public part, as `GET /v1/peek/...` answers it.
    Card(Box<Card>),
    /// Why the code has no card, as the single peek would answer it.
    Error(ErrorBody),
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
    /// 401: the bearer token is forged, altered, expired or revoked; drop it and retry without.
    InvalidToken,
    /// 401: log-in failed (the message never says whether the email exists).
    InvalidCredentials,
    /// 400: a registration field is unacceptable (email shape, password length).
    InvalidInput,
    /// 409: registration with an email that already has an account.
    EmailTaken,
    /// 403: the site key does not allow the page's origin, is unknown, or is required and missing.
    Forbidden,
    /// 413: the request body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// 429: too many attempts or new guest identities from this address; try again later.
    RateLimited,
    /// 503: the view counter's database is unavailable; nothing was counted.
    StorageUnavailable,
    /// 500: a fault on the server.
    Internal,
    /// 400: a search without any text to search for.
    EmptyQuery,
    /// 400: a search text longer than the endpoint accepts.
    QueryTooLong,
    /// 503: the endpoint is at capacity for this work (password hashing); retry after the
    /// `Retry-After` seconds.
    Busy,
    /// 503: the request took longer than the endpoint allows; nothing was counted.
    Timeout,
    /// 406: the client accepts only a format the endpoint does not write (FHIR XML).
    NotAcceptable,
    /// 415: the request body is in a format the endpoint does not read (FHIR XML).
    UnsupportedMediaType,
}

/// The body of `POST /v1/codes/exists`: candidate codes found in a page's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistsRequest {
    /// At most 1,000 candidates.
    pub codes: Vec<CodeQuery>,
}

/// A code as written, with the system it was detected as, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeQuery {
    /// The code as written.
    pub code: String,
    /// The system to check; any system the code's shape fits when absent.
    #[serde(default)]
    pub system: Option<CodeSystem>,
}

/// The answer to [`ExistsRequest`]: one flag per candidate, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistsAnswer {
    /// Whether each candidate is a code of its system.
    pub known: Vec<bool>,
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

/// The body of `GET /v1/ready` when the instance can take traffic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// Always `ready` (an instance that is not answers 503 `storage_unavailable`).
    pub status: String,
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

/// The body of `GET /v1/search`: one page of ranked matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The search text as received.
    pub query: String,
    /// How many codes match in all (every page together).
    pub total: usize,
    /// The index of the first result of this page within all matches.
    pub offset: usize,
    /// The most results a page holds, as requested.
    pub limit: usize,
    /// False when no code matched every word, so the results match only some of them.
    pub complete: bool,
    /// The matches, best first.
    pub results: Vec<SearchHit>,
}

/// One code found by a search. Only the title travels here: the card stays behind the meter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The code without punctuation, upper case (`E119`).
    pub code: String,
    /// The code as people write it (`E11.9`).
    pub display_code: String,
    /// The code's system.
    pub system: CodeSystem,
    /// Whether the code can be reported on a claim; `false` for ICD-10-CM category headers.
    pub billable: bool,
    /// The code's description.
    pub title: String,
    /// The parts of `title` the search matched, in order and not overlapping.
    pub highlights: Vec<Highlight>,
    /// How the search found the code, present only when its title does not hold every word of
    /// the query; `None` when the title matched. A header's unspecified child listed just
    /// before it says how the header was found. A kind, a colon, then what matched:
    /// - `Index: …`: an ICD-10-CM Alphabetic Index path (`Index: Hernia, umbilical`); a "see"
    ///   cross-reference followed is an arrow (`Index: Bedwetting → Enuresis`), and so is one
    ///   whose main term only names another (`Index: Blood, in, urine → Hematuria`). A category
    ///   the entry leads to ("M21.61-") and the codes offered under it carry the same text;
    /// - `Tabular: …`: an inclusion term or "includes" phrase of the Tabular List
    ///   (`Tabular: Fear of spiders`);
    /// - `Synonym: …`: the synonym list's reading of the query, each entry used as
    ///   `typed words → words searched`, joined by `; ` (`Synonym: htn → hypertension`,
    ///   `Synonym: blood clot leg → embolism thrombosis deep veins lower extremity`; filler
    ///   words skipped inside a phrase are not shown).
    ///
    /// Clients word the kind in their language; the server sends no sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A span of a title, counted in Unicode characters (not bytes, not UTF-16 units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// The first character of the span.
    pub start: u32,
    /// The character after the span.
    pub end: u32,
}

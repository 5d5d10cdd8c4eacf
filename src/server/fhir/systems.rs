//! The code systems as FHIR names them: the canonical URIs of HL7 Terminology (THO), their
//! OIDs, and the implicit all-codes value set of each.

use crate::api::CodeSystem;

/// What FHIR calls one of our systems.
pub struct SystemNames {
    /// The canonical URI (`Coding.system`).
    pub uri: &'static str,
    /// The OID HL7 registered for it.
    pub oid: &'static str,
    /// A computable name.
    pub name: &'static str,
    /// The title.
    pub title: &'static str,
    /// Who publishes it.
    pub publisher: &'static str,
    /// Its copyright and licensing, as this server serves it.
    pub copyright: &'static str,
}

/// The FHIR names of `system` (URIs as THO's CodeSystem and NamingSystem resources give them).
pub fn names(system: CodeSystem) -> SystemNames {
    match system {
        CodeSystem::Icd10cm => SystemNames {
            uri: CodeSystem::Icd10cm.fhir_uri(),
            oid: "2.16.840.1.113883.6.90",
            name: "ICD10CM",
            title: "International Classification of Diseases, 10th Revision, Clinical Modification (ICD-10-CM)",
            publisher: "National Center for Health Statistics (CDC) and CMS",
            copyright: "ICD-10-CM is published by the CDC National Center for Health Statistics and CMS; public domain.",
        },
        CodeSystem::Icd10pcs => SystemNames {
            uri: CodeSystem::Icd10pcs.fhir_uri(),
            oid: "2.16.840.1.113883.6.4",
            name: "ICD10PCS",
            title: "ICD-10 Procedure Coding System (ICD-10-PCS)",
            publisher: "Centers for Medicare & Medicaid Services (CMS)",
            copyright: "ICD-10-PCS is published by CMS; public domain.",
        },
        CodeSystem::Cpt => SystemNames {
            uri: CodeSystem::Cpt.fhir_uri(),
            oid: "2.16.840.1.113883.6.12",
            name: "CPT",
            title: "Current Procedural Terminology (CPT®)",
            publisher: "American Medical Association",
            copyright: "CPT® is a registered trademark of the American Medical Association. This server carries no \
                AMA text unless its operator imported a licensed AMA data file: displays are summaries written \
                by codecard, and the official CPT® descriptor needs a licensed import.",
        },
        CodeSystem::Hcpcs => SystemNames {
            uri: CodeSystem::Hcpcs.fhir_uri(),
            oid: "2.16.840.1.113883.6.285",
            name: "HCPCSLevelII",
            title: "Healthcare Common Procedure Coding System (HCPCS) Level II",
            publisher: "Centers for Medicare & Medicaid Services (CMS)",
            copyright: "HCPCS Level II is published by CMS; public domain.",
        },
    }
}

/// The canonical URI of `system`.
pub fn system_uri(system: CodeSystem) -> &'static str {
    names(system).uri
}

/// The system whose canonical URI is `uri`.
pub fn from_uri(uri: &str) -> Option<CodeSystem> {
    CodeSystem::ALL.into_iter().find(|s| system_uri(*s) == uri.trim())
}

/// The implicit value set of every code of `system`, as FHIR defines it: `<uri>?fhir_vs`.
pub fn implicit_value_set(system: CodeSystem) -> String {
    format!("{}?fhir_vs", system_uri(system))
}

/// The system whose implicit all-codes value set `url` is (`<uri>?fhir_vs`, nothing more).
pub fn from_value_set(url: &str) -> Option<CodeSystem> {
    from_uri(url.trim().strip_suffix("?fhir_vs")?)
}

/// The systems as a list for messages: "http://... (ICD-10-CM), ...".
pub fn known() -> String {
    CodeSystem::ALL.iter().map(|s| format!("{} ({})", system_uri(*s), s.label())).collect::<Vec<_>>().join(", ")
}

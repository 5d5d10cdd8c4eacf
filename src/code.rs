//! What a code may look like in each system, and how written forms map to the lookup key.
//!
//! Shared by the endpoint (to answer 400 before looking anything up) and the widget (to
//! refuse a malformed `data-code` without a round trip).

use crate::api::CodeSystem;

/// Turns a code as written (`e11.9`, ` E119 `) into its lookup key (`E119`): upper case, no
/// surrounding space, no ICD dot. Returns `None` when anything else is off, e.g. a dot in the
/// wrong place, inner spaces or characters no code system uses.
pub fn normalize(written: &str) -> Option<String> {
    let trimmed = written.trim();
    if trimmed.is_empty() || trimmed.len() > 16 {
        return None;
    }
    let upper = trimmed.to_ascii_uppercase();
    let key = match upper.split_once('.') {
        // ICD-10-CM writes its dot after the three-character category, and only there.
        Some((category, rest)) if category.len() == 3 && !rest.is_empty() && !rest.contains('.') => {
            format!("{category}{rest}")
        }
        Some(_) => return None,
        None => upper,
    };
    key.bytes().all(|b| b.is_ascii_alphanumeric()).then_some(key)
}

/// Whether `key` (already normalised) has the shape of a code of `system`.
pub fn fits(system: CodeSystem, key: &str) -> bool {
    let b = key.as_bytes();
    match system {
        // A letter, two characters of the category (digit then digit-or-letter, or, since
        // FY2026's QA0, letter then digit), then up to four more.
        CodeSystem::Icd10cm => {
            (3..=7).contains(&b.len())
                && b[0].is_ascii_uppercase()
                && ((b[1].is_ascii_digit() && b[2].is_ascii_alphanumeric())
                    || (b[1].is_ascii_uppercase() && b[2].is_ascii_digit()))
                && b[3..].iter().all(u8::is_ascii_alphanumeric)
        }
        // Exactly seven characters of 0-9 and A-Z without I and O, the first one a section
        // (0-9 medical and surgical and related, B-D and F-H ancillary, X new technology).
        CodeSystem::Icd10pcs => {
            b.len() == 7
                && matches!(b[0], b'0'..=b'9' | b'B' | b'C' | b'D' | b'F' | b'G' | b'H' | b'X')
                && b.iter().all(|c| (c.is_ascii_digit() || c.is_ascii_uppercase()) && *c != b'I' && *c != b'O')
        }
        // Five digits (Category I), or four digits and F (II), T (III) or U (PLA).
        CodeSystem::Cpt => {
            b.len() == 5
                && b[..4].iter().all(u8::is_ascii_digit)
                && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'))
        }
        // A letter A-V (no I, no O... CMS uses A-V) and four digits.
        CodeSystem::Hcpcs => b.len() == 5 && (b'A'..=b'V').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit),
    }
}

/// The systems whose code shape `key` fits, in [`CodeSystem::ALL`] order.
pub fn candidate_systems(key: &str) -> Vec<CodeSystem> {
    CodeSystem::ALL.into_iter().filter(|s| fits(*s, key)).collect()
}

/// The written form of a lookup key in its system: ICD-10-CM gets its dot back (`E119` →
/// `E11.9`); other systems are written as their keys.
pub fn display(system: CodeSystem, key: &str) -> String {
    if system == CodeSystem::Icd10cm && key.len() > 3 {
        format!("{}.{}", &key[..3], &key[3..])
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_space_and_the_icd_dot() {
        assert_eq!(normalize(" e11.9 ").as_deref(), Some("E119"));
        assert_eq!(normalize("E119").as_deref(), Some("E119"));
        assert_eq!(normalize("0DTJ4ZZ").as_deref(), Some("0DTJ4ZZ"));
    }

    #[test]
    fn refuses_misplaced_dots_and_stray_characters() {
        for bad in
            ["", "   ", "E1.19", "E11.", ".E11", "E11.9.1", "E11 9", "E11-9", "<b>", "99213;", "x".repeat(40).as_str()]
        {
            assert_eq!(normalize(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shapes_pick_the_right_systems() {
        assert_eq!(candidate_systems("I10"), vec![CodeSystem::Icd10cm]);
        assert_eq!(candidate_systems("S72001A"), vec![CodeSystem::Icd10cm]);
        assert_eq!(candidate_systems("0DTJ4ZZ"), vec![CodeSystem::Icd10pcs]);
        assert_eq!(candidate_systems("37243"), vec![CodeSystem::Cpt]);
        assert_eq!(candidate_systems("0001F"), vec![CodeSystem::Cpt]);
        assert_eq!(candidate_systems("J1100"), vec![CodeSystem::Icd10cm, CodeSystem::Hcpcs]);
        assert!(candidate_systems("123").is_empty());
        assert!(candidate_systems("ZZZZ").is_empty());
    }

    #[test]
    fn display_restores_the_icd_dot_only() {
        assert_eq!(display(CodeSystem::Icd10cm, "E119"), "E11.9");
        assert_eq!(display(CodeSystem::Icd10cm, "I10"), "I10");
        assert_eq!(display(CodeSystem::Hcpcs, "J1100"), "J1100");
    }

    #[test]
    fn system_names_parse_loosely() {
        assert_eq!(CodeSystem::parse("ICD-10-CM"), Some(CodeSystem::Icd10cm));
        assert_eq!(CodeSystem::parse("icd10pcs"), Some(CodeSystem::Icd10pcs));
        assert_eq!(CodeSystem::parse("CPT"), Some(CodeSystem::Cpt));
        assert_eq!(CodeSystem::parse("HCPCS Level II"), Some(CodeSystem::Hcpcs));
        assert_eq!(CodeSystem::parse("snomed"), None);
    }
}

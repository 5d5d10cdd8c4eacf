//! The ICD-10-CM Tabular List's inclusion terms and "includes" phrases as ways into their code:
//! "high blood pressure" reaches I10 because the Tabular List lists it under I10. They rank
//! below the code's own title ([`WayKind::InclusionTerm`]).

use super::ways_in::{WayIn, WayKind};
use crate::api::CodeSystem;
use crate::server::catalog::Catalog;

/// One way in per inclusion term of every live ICD-10-CM code.
pub fn load(catalog: &Catalog) -> Vec<WayIn> {
    catalog
        .icd10cm()
        .inclusion_terms()
        .filter(|(_, text)| !text.ends_with(':'))
        .map(|(code, text)| {
            let (phrase, optional) = split_modifiers(text);
            WayIn {
                system: CodeSystem::Icd10cm,
                code: code.to_string(),
                phrase,
                alternatives: String::new(),
                optional,
                label: text.to_string(),
                kind: WayKind::InclusionTerm,
                prominence: 0,
            }
        })
        .collect()
}

/// Splits "hypertension (arterial) (benign)" into the words a query must cover and the
/// nonessential modifiers in parentheses or brackets, which may match but are never needed.
fn split_modifiers(text: &str) -> (String, String) {
    let (mut phrase, mut optional) = (String::new(), String::new());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => optional.push(c),
            _ => phrase.push(c),
        }
        if matches!(c, ')' | ']') {
            optional.push(' ');
        }
    }
    (phrase.split_whitespace().collect::<Vec<_>>().join(" "), optional.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::split_modifiers;

    #[test]
    fn nonessential_modifiers_are_optional_words() {
        assert_eq!(
            split_modifiers("hypertension (arterial) (benign) [essential]"),
            ("hypertension".into(), "arterial benign essential".into())
        );
        assert_eq!(split_modifiers("high blood pressure"), ("high blood pressure".into(), "".into()));
    }
}

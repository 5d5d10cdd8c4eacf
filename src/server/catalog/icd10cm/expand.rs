//! The code list of a Tabular List release: every `<diag>`, and the 7-character codes its
//! 7th-character definitions make of the codes below them (S72.001 → S72.001A … S72.001S;
//! T36.0X1 → T36.0X1A; S30.1 → S30.1XXA).

use std::collections::{BTreeMap, HashSet};

use super::Row;
use super::tabular::Tabular;
use crate::api::CodeSystem;
use crate::code;

/// Every code of the release as rows of the ICD-10-CM file, release columns empty. `only`, the
/// official code list where given, drops the extensions it lacks (a few categories restrict the
/// 7th characters of some codes in their guidelines, not in the XML); a listed code the XML does
/// not produce is an error. Short descriptions come from `previous` where the code keeps its
/// title; a new or retitled code shows its title as short description too.
pub fn rows(
    tabular: &Tabular,
    previous: &BTreeMap<String, Row>,
    only: Option<&HashSet<String>>,
) -> Result<Vec<Row>, String> {
    let mut rows: Vec<Row> = Vec::with_capacity(100_000);
    let mut push = |code: String, billable: bool, title: String| {
        let short = match previous.get(&code) {
            Some(old) if old.long_description == title => old.short_description.clone(),
            _ => title.clone(),
        };
        rows.push(Row {
            code_dotted: code::display(CodeSystem::Icd10cm, &code),
            code,
            billable,
            short_description: short,
            long_description: title,
            release: String::new(),
            deleted_in: String::new(),
        });
    };
    for code in &tabular.order {
        let diag = &tabular.diags[code];
        let scope = (3..=code.len()).rev().find_map(|len| tabular.diags.get(&code[..len])?.seventh.clone());
        let extended = scope.as_ref().filter(|_| !diag.has_children && code.len() < 7);
        push(code.to_string(), !diag.has_children && extended.is_none(), diag.title.to_string());
        if let Some(seventh) = extended {
            let base = format!("{code:X<6}");
            for (character, meaning) in &seventh.values {
                let extension = format!("{base}{character}");
                if only.is_none_or(|list| list.contains(&extension)) {
                    push(extension, true, format!("{}, {meaning}", diag.title));
                }
            }
        }
    }
    if let Some(list) = only {
        let produced: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        let mut missing: Vec<&String> = list.iter().filter(|c| !produced.contains(c.as_str())).collect();
        if !missing.is_empty() {
            missing.sort();
            let shown: Vec<&str> = missing.iter().take(10).map(|c| c.as_str()).collect();
            return Err(format!(
                "{} codes of the code list are not in the Tabular List, e.g. {}",
                missing.len(),
                shown.join(", ")
            ));
        }
    }
    Ok(rows)
}

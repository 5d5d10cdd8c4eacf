//! The code list of a Tabular List release: every `<diag>`, and the 7-character codes its
//! 7th-character definitions make of the codes below them (S72.001 → S72.001A … S72.001S;
//! T36.0X1 → T36.0X1A; S30.1 → S30.1XXA).

use std::collections::{BTreeMap, HashSet};

use super::Row;
use super::tabular::Tabular;
use crate::api::CodeSystem;
use crate::code;

/// Every code of the release as rows of the ICD-10-CM file, release columns empty. `list`, the
/// release's official code list, drops the 7th-character extensions it lacks (a few codes take
/// fewer characters by guideline, not by the XML: S06 codes with death take only A). The two
/// must otherwise agree: every diag is listed, every listed code is produced, and the list drops
/// at most 1% of the extensions (more means the wrong list or a truncated one). Each row's short
/// description is its title until [`keep_short_descriptions`].
pub fn rows(tabular: &Tabular, list: &HashSet<String>) -> Result<Vec<Row>, String> {
    let mut rows: Vec<Row> = Vec::with_capacity(100_000);
    let mut push = |code: String, billable: bool, title: String| {
        let short = title.clone();
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
    let (mut extensions, mut dropped) = (0usize, Vec::new());
    for code in &tabular.order {
        let diag = &tabular.diags[code];
        if !list.contains(code.as_ref()) {
            return Err(format!(
                "{} is in the Tabular List but not in the code list",
                code::display(CodeSystem::Icd10cm, code)
            ));
        }
        let scope = (3..=code.len()).rev().find_map(|len| tabular.diags.get(&code[..len])?.seventh.clone());
        let extended = scope.as_ref().filter(|_| !diag.has_children && code.len() < 7);
        push(code.to_string(), !diag.has_children && extended.is_none(), diag.title.to_string());
        if let Some(seventh) = extended {
            let base = format!("{code:X<6}");
            for (character, meaning) in &seventh.values {
                let extension = format!("{base}{character}");
                extensions += 1;
                if list.contains(&extension) {
                    push(extension, true, format!("{}, {meaning}", diag.title));
                } else {
                    dropped.push(extension);
                }
            }
        }
    }
    if dropped.len() * 100 > extensions {
        return Err(format!(
            "the code list lacks {} of the {extensions} 7th-character codes the Tabular List defines, e.g. {}",
            dropped.len(),
            dropped.iter().take(5).map(|c| code::display(CodeSystem::Icd10cm, c)).collect::<Vec<_>>().join(", ")
        ));
    }
    let produced: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut missing: Vec<&String> = list.iter().filter(|c| !produced.contains(c.as_str())).collect();
    if !missing.is_empty() {
        missing.sort();
        let shown: Vec<String> = missing.iter().take(10).map(|c| code::display(CodeSystem::Icd10cm, c)).collect();
        return Err(format!(
            "{} codes of the code list are not in the Tabular List, e.g. {}",
            missing.len(),
            shown.join(", ")
        ));
    }
    Ok(rows)
}

/// Short descriptions come from `previous` where the code keeps its title (only the CMS order
/// file has them); a new or retitled code keeps its title as short description.
pub fn keep_short_descriptions(rows: &mut [Row], previous: &BTreeMap<String, Row>) {
    for row in rows {
        if let Some(old) = previous.get(&row.code).filter(|old| old.long_description == row.long_description) {
            row.short_description = old.short_description.clone();
        }
    }
}

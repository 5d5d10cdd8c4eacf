//! Demo "Coding tips": paragraphs codecard wrote for a few codes, a paid-plan section.

use std::collections::HashMap;

use serde::Deserialize;

use super::source::{DataSource, LoadError, files};
use crate::api::CodeSystem;

/// One line of the tips file.
#[derive(Debug, Deserialize)]
struct Row {
    system: String,
    code: String,
    tip: String,
}

/// Tips by system and code, in file order.
#[derive(Default)]
pub struct Tips {
    by_code: HashMap<(CodeSystem, Box<str>), Vec<Box<str>>>,
}

impl Tips {
    /// Loads the tips, refusing one for a code no set holds.
    pub fn load(source: &DataSource, known: impl Fn(CodeSystem, &str) -> bool) -> Result<Tips, LoadError> {
        let file = files::CODING_TIPS_DEMO;
        let mut tips = Tips::default();
        for (line, row) in source.rows::<Row>(file)? {
            let system = CodeSystem::parse(&row.system)
                .ok_or_else(|| LoadError::row(file, line, format!("{:?} is not a code system", row.system)))?;
            if !known(system, &row.code) {
                return Err(LoadError::row(
                    file,
                    line,
                    format!("{} is not a loaded {} code", row.code, system.label()),
                ));
            }
            tips.by_code.entry((system, row.code.into())).or_default().push(row.tip.into());
        }
        Ok(tips)
    }

    /// The tips for `key` in `system`, if any.
    pub fn of(&self, system: CodeSystem, key: &str) -> Option<&[Box<str>]> {
        self.by_code.get(&(system, key.into())).map(Vec::as_slice)
    }
}

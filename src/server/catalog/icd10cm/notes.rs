//! The "Coding notes" section of an ICD-10-CM card: every instructional note that applies to
//! the code, its own first, then those inherited from its subcategories, category, block and
//! chapter (a note applies to every code below where it is written); the 7th characters; and
//! the codes named inside notes, so the widget can open them.

use super::Icd10cm;
use super::tabular::Notes;
use crate::api::{
    CodeSystem, NoteCode, NoteGroup, NoteLevel, NoteSource, NoteText, Section, SectionContent, SectionId,
    SeventhCharacters, SeventhValue,
};
use crate::code;
use crate::server::catalog::codes::CodeList;

impl Icd10cm {
    /// The notes section of `key`, or `None` when no note and no 7th character applies.
    pub(super) fn notes(&self, key: &str) -> Option<Section> {
        let mut groups = Vec::new();
        for (from, notes) in self.note_places(key) {
            for (kind, texts) in &notes.0 {
                groups.push(NoteGroup {
                    kind: *kind,
                    from: from.clone(),
                    notes: texts.iter().map(|t| self.note_text(t)).collect(),
                });
            }
        }
        let seventh = self.seventh(key);
        if groups.is_empty() && seventh.is_none() {
            return None;
        }
        Some(Section { id: SectionId::CodingNotes, content: Some(SectionContent::Notes { groups, seventh }) })
    }

    /// Where notes for `key` are written, nearest first: the code, each shorter code above it,
    /// the block, the chapter.
    fn note_places(&self, key: &str) -> Vec<(Option<NoteSource>, &Notes)> {
        let diags = &self.tabular.diags;
        let mut places = Vec::new();
        if let Some(own) = diags.get(key) {
            places.push((None, &own.notes));
        }
        for len in (3..key.len()).rev() {
            if let Some(diag) = diags.get(&key[..len]) {
                let level = if len == 3 { NoteLevel::Category } else { NoteLevel::Subcategory };
                let code = code::display(CodeSystem::Icd10cm, &key[..len]);
                places.push((Some(NoteSource { level, code }), &diag.notes));
            }
        }
        if let Some(block) = self.block_of(key) {
            places.push((Some(NoteSource { level: NoteLevel::Block, code: block.range.to_string() }), &block.notes));
            let chapter = &self.tabular.chapters[block.chapter];
            places.push((
                Some(NoteSource { level: NoteLevel::Chapter, code: chapter.range.to_string() }),
                &chapter.notes,
            ));
        }
        places.retain(|(_, notes)| !notes.is_empty());
        places
    }

    /// The 7th characters that apply to `key`: defined at it or the nearest code above it.
    fn seventh(&self, key: &str) -> Option<SeventhCharacters> {
        let diags = &self.tabular.diags;
        let defined = (3..=key.len()).rev().find_map(|len| diags.get(&key[..len])?.seventh.clone())?;
        // A 7-character code below a definition that is not a diag itself got its last
        // character from the definition; an X in the 5th or 6th place holds an empty position.
        let extended = key.len() == 7 && !diags.contains_key(key);
        let meaning = |c: char| defined.values.iter().find(|(v, _)| *v == c).map(|(_, m)| m.to_string());
        let this = extended
            .then(|| key.chars().last())
            .flatten()
            .and_then(|c| meaning(c).map(|m| SeventhValue { character: c.to_string(), meaning: m }));
        Some(SeventhCharacters {
            defined_at: code::display(CodeSystem::Icd10cm, &defined.defined_at),
            this,
            placeholder: extended && key[4..6].contains('X'),
            // For a 7-character code, only the characters its base really takes: some codes take
            // fewer by guideline (S06 codes with death: A only), which the code list says.
            values: defined
                .values
                .iter()
                .filter(|(c, _)| !extended || self.entries.contains(format!("{}{c}", &key[..6]).as_str()))
                .map(|(c, m)| SeventhValue { character: c.to_string(), meaning: m.to_string() })
                .collect(),
        })
    }

    /// A note with the codes it names that the set holds. A note that continues its heading
    /// (", if applicable, postprocedural sepsis" under "Code first") loses its leading comma.
    fn note_text(&self, text: &str) -> NoteText {
        let text = text.trim_start_matches([',', ' ']);
        let codes = code_references(text)
            .into_iter()
            .filter(|(_, _, key)| self.entries.contains(key.as_str()))
            .map(|(start, end, key)| NoteCode {
                start: start as u32,
                end: end as u32,
                code: code::display(CodeSystem::Icd10cm, &key),
            })
            .collect();
        NoteText { text: text.to_string(), codes }
    }
}

/// Finds code references in a note: `Z79.4`, `E08.-`, `O24.4-`, `I60-I69`, `N18.1-N18.6`, and the
/// looser forms the book also prints (`F11.-F17.-`, `I01.0 -I01.9`, `I70.2--I70.7-`, `S92.-with`).
/// Each is `(start, end, key)` in characters, `key` the code to open (the first code of a range,
/// the category of `E08.-`), normalised.
pub fn code_references(text: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    // Past the end reads as NUL, which no rule below matches (a space would loop forever).
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    // A code: letter, digit, letter-or-digit (or letter, letter, digit: QA0), then optionally a
    // dot and 1 to 4 more.
    let code_at = |i: usize| -> Option<usize> {
        let category = at(i).is_ascii_uppercase()
            && ((at(i + 1).is_ascii_digit() && at(i + 2).is_ascii_alphanumeric())
                || (at(i + 1).is_ascii_uppercase() && at(i + 2).is_ascii_digit()));
        if !category || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            return None;
        }
        let mut end = i + 3;
        if at(end) == '.' && at(end + 1).is_ascii_alphanumeric() {
            end += 1;
            while end < chars.len() && chars[end].is_ascii_alphanumeric() && end < i + 8 {
                end += 1;
            }
        }
        Some(end)
    };
    // `.-` or `-` after a code: "to be completed".
    let open_end = |end: usize| -> usize {
        if at(end) == '.' && at(end + 1) == '-' {
            end + 2
        } else if at(end) == '-' && code_at(end + 1).is_none() && at(end + 1) != '-' {
            end + 1
        } else {
            end
        }
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(first_end) = code_at(i) else {
            i += 1;
            continue;
        };
        let mut end = open_end(first_end);
        // A range: spaces, one or two dashes, spaces, a second code (`.-F98.3` has no dash).
        let mut j = end;
        while at(j) == ' ' {
            j += 1;
        }
        let dashes = (0..2).take_while(|k| at(j + k) == '-').count();
        let second = if dashes > 0 || (end > first_end && at(end - 1) == '-') {
            let mut k = j + dashes;
            while at(k) == ' ' {
                k += 1;
            }
            code_at(k)
        } else {
            None
        };
        if let Some(second_end) = second {
            end = open_end(second_end);
        }
        // A code ends at a non-alphanumeric character, or right after its "-".
        if at(end).is_ascii_alphanumeric() && at(end - 1) != '-' {
            i = end;
            continue;
        }
        let written: String = chars[i..first_end].iter().collect();
        if let Some(key) = code::normalize(&written) {
            found.push((i, end, key));
        }
        i = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::code_references;

    fn refs(text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        code_references(text).into_iter().map(|(s, e, key)| (chars[s..e].iter().collect(), key)).collect()
    }

    #[test]
    fn codes_categories_and_ranges_in_notes_are_found() {
        assert_eq!(refs("insulin (Z79.4)"), [("Z79.4".into(), "Z794".into())]);
        assert_eq!(refs("diabetes due to underlying condition (E08.-)"), [("E08.-".into(), "E08".into())]);
        assert_eq!(refs("gestational diabetes (O24.4-)"), [("O24.4-".into(), "O244".into())]);
        assert_eq!(refs("sequelae (I60-I69)"), [("I60-I69".into(), "I60".into())]);
        assert_eq!(refs("stage (N18.1-N18.6)"), [("N18.1-N18.6".into(), "N181".into())]);
        assert_eq!(
            refs("(K50.-, K51.-) and T36-T65 with fifth or sixth character 5"),
            [("K50.-".into(), "K50".into()), ("K51.-".into(), "K51".into()), ("T36-T65".into(), "T36".into())]
        );
    }

    #[test]
    fn the_looser_forms_the_book_prints_are_one_reference_each() {
        assert_eq!(refs("(F11.-F17.-)"), [("F11.-F17.-".into(), "F11".into())]);
        assert_eq!(refs("(F98.2.-F98.3)"), [("F98.2.-F98.3".into(), "F982".into())]);
        assert_eq!(refs("(I01.0 -I01.9)"), [("I01.0 -I01.9".into(), "I010".into())]);
        assert_eq!(refs("(I70.2--I70.7-)"), [("I70.2--I70.7-".into(), "I702".into())]);
        assert_eq!(refs("S06.0- to S06.8-code"), [("S06.0-".into(), "S060".into()), ("S06.8-".into(), "S068".into())]);
        assert_eq!(refs("(S92.-with 7th character B)"), [("S92.-".into(), "S92".into())]);
        assert_eq!(refs("genetic variants (QA0.-)"), [("QA0.-".into(), "QA0".into())]);
    }

    #[test]
    fn words_that_look_like_codes_inside_words_are_not_codes() {
        assert!(refs("COVID19A, AB12C and X1Y2").is_empty());
        assert_eq!(refs("HIV disease (B20)"), [("B20".into(), "B20".into())]);
    }
}

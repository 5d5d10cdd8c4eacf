//! The CDC's ICD-10-CM Tabular List XML: chapters, blocks (`<section>`), every `<diag>` with its
//! title and instructional notes, and the 7th-character definitions.
//!
//! Read with `quick-xml`'s streaming reader: one pass over the 10 MB file, keeping only what the
//! cards need, instead of a DOM of the whole document.

use std::collections::HashMap;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use crate::api::{CodeSystem, NoteKind};
use crate::code;

/// The notes written at one place of the Tabular List, by kind, in document order.
#[derive(Clone, Debug, Default)]
pub struct Notes(pub Vec<(NoteKind, Vec<Box<str>>)>);

impl Notes {
    fn push(&mut self, kind: NoteKind, text: Box<str>) {
        match self.0.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, texts)) => texts.push(text),
            None => self.0.push((kind, vec![text])),
        }
    }

    /// Whether no note is written here.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The 7th characters a category (or subcategory) requires, with their meanings.
#[derive(Clone, Debug, Default)]
pub struct SeventhCharacters {
    /// Where they are defined (normalised code).
    pub defined_at: Box<str>,
    /// The characters and what each means, in the book's order.
    pub values: Vec<(char, Box<str>)>,
}

/// A chapter of the Tabular List.
#[derive(Clone, Debug)]
pub struct Chapter {
    /// The chapter's number (`4`).
    pub number: Box<str>,
    /// Its title without the trailing range.
    pub title: Box<str>,
    /// The range of categories it spans (`E00-E89`).
    pub range: Box<str>,
    /// The notes written at the chapter.
    pub notes: Notes,
}

/// A block (the XML's `<section>`) of categories.
#[derive(Clone, Debug)]
pub struct Block {
    /// Index of its chapter in [`Tabular::chapters`].
    pub chapter: usize,
    /// The range (`E08-E13`) or the one category (`C7A`).
    pub range: Box<str>,
    /// Its title without the trailing range.
    pub title: Box<str>,
    /// The notes written at the block.
    pub notes: Notes,
}

/// A `<diag>`: a category, subcategory or code.
#[derive(Clone, Debug)]
pub struct Diag {
    /// Its title.
    pub title: Box<str>,
    /// Index of its block in [`Tabular::blocks`].
    pub block: usize,
    /// The notes written at it.
    pub notes: Notes,
    /// The 7th characters defined here, if any.
    pub seventh: Option<Arc<SeventhCharacters>>,
    /// Whether other diags sit below it.
    pub has_children: bool,
}

/// Everything read from the Tabular List.
#[derive(Clone, Debug, Default)]
pub struct Tabular {
    /// The chapters in order.
    pub chapters: Vec<Chapter>,
    /// The blocks in order.
    pub blocks: Vec<Block>,
    /// Every diag by normalised code (`E119`).
    pub diags: HashMap<Box<str>, Diag>,
    /// The diags' codes in document order.
    pub order: Vec<Box<str>>,
}

/// Why the XML could not be read: the 1-based line and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct TabularError {
    /// The line at fault.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The longest text an element may hold: the longest note of the real file is a few hundred
/// characters, so anything much longer is not a Tabular List.
const MAX_TEXT: usize = 4096;

/// Which element's text is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Capture {
    None,
    Name,
    Desc,
    Note,
    Extension(char),
}

/// Whose notes the elements being read belong to.
#[derive(Clone, Copy)]
enum Owner {
    Nothing,
    Chapter(usize),
    Block(usize),
    Diag(usize),
}

/// A diag being read: its code is known once `<name>` has been read.
struct OpenDiag {
    code: Option<Box<str>>,
    title: Box<str>,
    notes: Notes,
    seventh: Option<Arc<SeventhCharacters>>,
    position: u64,
    has_children: bool,
}

/// The element names of the note kinds, as the XML writes them.
fn note_kind(name: &[u8]) -> Option<NoteKind> {
    Some(match name {
        b"includes" => NoteKind::Includes,
        b"inclusionTerm" => NoteKind::InclusionTerm,
        b"excludes1" => NoteKind::Excludes1,
        b"excludes2" => NoteKind::Excludes2,
        b"codeFirst" => NoteKind::CodeFirst,
        b"useAdditionalCode" => NoteKind::UseAdditionalCode,
        b"codeAlso" => NoteKind::CodeAlso,
        b"notes" => NoteKind::Note,
        b"sevenChrNote" => NoteKind::SeventhCharacterNote,
        _ => return None,
    })
}

/// Splits "Diabetes mellitus (E08-E13)" into the title and the range in parentheses.
fn split_range(desc: &str) -> (&str, &str) {
    match desc.trim_end().strip_suffix(')').and_then(|d| d.rsplit_once(" (")) {
        Some((title, range)) if range.contains('-') || range.len() == 3 => (title.trim(), range),
        _ => (desc.trim(), ""),
    }
}

/// Reads the whole Tabular List XML.
pub fn parse(xml: &[u8]) -> Result<Tabular, TabularError> {
    // Counted only when an error names a line: counting for every element would be quadratic.
    let line_at = |position: u64| xml[..(position as usize).min(xml.len())].iter().filter(|b| **b == b'\n').count() + 1;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut tabular = Tabular::default();
    let mut open: Vec<OpenDiag> = Vec::new();
    let mut owner = Owner::Nothing;
    let mut kind: Option<NoteKind> = None;
    let mut in_seventh_def = false;
    let mut skip_depth = 0usize;
    let mut root_seen = false;
    let mut capture = Capture::None;
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        let position = reader.buffer_position();
        let fail = |reason: String| TabularError { line: line_at(position), reason };
        let event = reader.read_event_into(&mut buf).map_err(|e| fail(format!("not well-formed XML: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(ref e) if skip_depth > 0 => {
                let _ = e;
                skip_depth += 1;
            }
            Event::End(_) if skip_depth > 0 => skip_depth -= 1,
            Event::Start(ref e) if !root_seen => {
                if e.name().as_ref() != b"ICD10CM.tabular" {
                    let root = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    return Err(fail(format!("the root element is <{root}>, not <ICD10CM.tabular>")));
                }
                root_seen = true;
            }
            Event::Start(ref e) => {
                let name = e.name();
                match name.as_ref() {
                    b"introduction" | b"sectionIndex" | b"visualImpairment" => skip_depth = 1,
                    b"chapter" => {
                        tabular.chapters.push(Chapter {
                            number: "".into(),
                            title: "".into(),
                            range: "".into(),
                            notes: Notes::default(),
                        });
                        owner = Owner::Chapter(tabular.chapters.len() - 1);
                    }
                    b"section" => {
                        let chapter = tabular
                            .chapters
                            .len()
                            .checked_sub(1)
                            .ok_or_else(|| fail("a section outside any chapter".into()))?;
                        let range = attribute(e, b"id").ok_or_else(|| fail("a section without its id".into()))?;
                        tabular.blocks.push(Block {
                            chapter,
                            range: range.into(),
                            title: "".into(),
                            notes: Notes::default(),
                        });
                        owner = Owner::Block(tabular.blocks.len() - 1);
                    }
                    b"diag" => {
                        if tabular.blocks.is_empty() {
                            return Err(fail("a diag outside any section".into()));
                        }
                        if let Some(parent) = open.last_mut() {
                            parent.has_children = true;
                        }
                        open.push(OpenDiag {
                            code: None,
                            title: "".into(),
                            notes: Notes::default(),
                            seventh: None,
                            position,
                            has_children: false,
                        });
                        owner = Owner::Diag(open.len() - 1);
                    }
                    b"name" => capture = Capture::Name,
                    b"desc" => capture = Capture::Desc,
                    b"sevenChrDef" => in_seventh_def = true,
                    b"extension" if in_seventh_def => {
                        let value = attribute(e, b"char").unwrap_or_default();
                        let mut chars = value.chars();
                        let character = match (chars.next(), chars.next()) {
                            (Some(c), None) if c.is_ascii_alphanumeric() => c.to_ascii_uppercase(),
                            _ => {
                                return Err(fail(format!(
                                    "an extension's char must be one letter or digit, not {value:?}"
                                )));
                            }
                        };
                        capture = Capture::Extension(character);
                    }
                    b"note" if kind.is_some() => capture = Capture::Note,
                    other => {
                        if let Some(k) = note_kind(other) {
                            kind = Some(k);
                        }
                    }
                }
                text.clear();
            }
            Event::Text(t) if capture != Capture::None => {
                let decoded = t.decode().map_err(|e| fail(format!("text is not UTF-8: {e}")))?;
                text.push_str(&decoded);
                if text.len() > MAX_TEXT {
                    return Err(fail(format!("a text longer than {MAX_TEXT} characters: not a Tabular List")));
                }
            }
            Event::GeneralRef(r) if capture != Capture::None => {
                let name = r.decode().map_err(|e| fail(format!("text is not UTF-8: {e}")))?;
                match quick_xml::escape::resolve_predefined_entity(&name) {
                    Some(resolved) => text.push_str(resolved),
                    None => match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => return Err(fail(format!("unknown entity &{name};"))),
                    },
                }
            }
            Event::End(ref e) => {
                let value = std::mem::take(&mut text);
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                match e.name().as_ref() {
                    b"name" if capture == Capture::Name => {
                        match owner {
                            Owner::Chapter(i) => tabular.chapters[i].number = value.into(),
                            Owner::Diag(i) => {
                                let key = code::normalize(&value)
                                    .filter(|k| code::fits(CodeSystem::Icd10cm, k))
                                    .ok_or_else(|| fail(format!("{value:?} is not an ICD-10-CM code")))?;
                                // A code sits below the code it extends: E11.65 under E11.6.
                                if let Some(parent) = i.checked_sub(1).and_then(|p| open[p].code.as_deref())
                                    && !(key.len() > parent.len() && key.starts_with(parent))
                                {
                                    return Err(fail(format!("{value} does not extend the code it sits under")));
                                }
                                open[i].code = Some(key.into());
                            }
                            _ => {}
                        }
                        capture = Capture::None;
                    }
                    b"desc" if capture == Capture::Desc => {
                        match owner {
                            Owner::Chapter(i) => {
                                let (title, range) = split_range(&value);
                                (tabular.chapters[i].title, tabular.chapters[i].range) = (title.into(), range.into());
                            }
                            Owner::Block(i) => tabular.blocks[i].title = split_range(&value).0.into(),
                            Owner::Diag(i) => open[i].title = value.into(),
                            Owner::Nothing => {}
                        }
                        capture = Capture::None;
                    }
                    b"note" if capture == Capture::Note => {
                        let notes = match owner {
                            Owner::Chapter(i) => &mut tabular.chapters[i].notes,
                            Owner::Block(i) => &mut tabular.blocks[i].notes,
                            Owner::Diag(i) => &mut open[i].notes,
                            Owner::Nothing => return Err(fail("a note outside any chapter".into())),
                        };
                        if let (Some(k), false) = (kind, value.is_empty()) {
                            notes.push(k, value.into());
                        }
                        capture = Capture::None;
                    }
                    b"extension" => {
                        if let (Capture::Extension(character), Owner::Diag(i)) = (capture, owner) {
                            let diag = &mut open[i];
                            let defined_at =
                                diag.code.clone().ok_or_else(|| fail("a sevenChrDef before the diag's name".into()))?;
                            let seventh = diag
                                .seventh
                                .get_or_insert_with(|| Arc::new(SeventhCharacters { defined_at, values: Vec::new() }));
                            Arc::make_mut(seventh).values.push((character, value.into()));
                        }
                        capture = Capture::None;
                    }
                    b"sevenChrDef" => in_seventh_def = false,
                    b"diag" => {
                        let diag = open.pop().expect("a diag was opened");
                        let code = diag.code.ok_or_else(|| TabularError {
                            line: line_at(diag.position),
                            reason: "a diag without its name".into(),
                        })?;
                        if diag.title.is_empty() {
                            return Err(TabularError {
                                line: line_at(diag.position),
                                reason: format!("{code}: a diag without its desc"),
                            });
                        }
                        let entry = Diag {
                            title: diag.title,
                            block: tabular.blocks.len() - 1,
                            notes: diag.notes,
                            seventh: diag.seventh,
                            has_children: diag.has_children,
                        };
                        if tabular.diags.insert(code.clone(), entry).is_some() {
                            return Err(TabularError {
                                line: line_at(diag.position),
                                reason: format!("{code} appears twice"),
                            });
                        }
                        tabular.order.push(code);
                        owner = match open.len() {
                            0 => Owner::Block(tabular.blocks.len() - 1),
                            n => Owner::Diag(n - 1),
                        };
                    }
                    b"section" => owner = Owner::Chapter(tabular.chapters.len() - 1),
                    b"chapter" => owner = Owner::Nothing,
                    other if note_kind(other).is_some() => kind = None,
                    _ => {}
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if tabular.chapters.is_empty() || tabular.diags.is_empty() {
        return Err(TabularError { line: 1, reason: "no chapters or diags: not an ICD-10-CM Tabular List".into() });
    }
    Ok(tabular)
}

fn attribute(element: &BytesStart, name: &[u8]) -> Option<String> {
    element.try_get_attribute(name).ok().flatten().and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

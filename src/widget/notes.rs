//! The "Coding notes" section: the Tabular List's instructional notes, grouped by kind and by
//! where they are written, with the codes they name as buttons that open those codes, and the
//! 7th characters. Fixed markup (see `fixed`): the card handles the buttons' clicks.

use super::fixed::{El, Node, el, opens};
use super::i18n;
use crate::api::{CodeSystem, NoteGroup, NoteKind, NoteText, SeventhCharacters};

/// The notes (nearest first) and 7th characters (when the code's category requires them) of a
/// code.
pub fn notes(groups: Vec<NoteGroup>, seventh: Option<SeventhCharacters>) -> Vec<Node> {
    groups.into_iter().map(group).chain(seventh.map(seventh_characters)).map(Node::from).collect()
}

/// One kind of note written at one place.
fn group(group: NoteGroup) -> El {
    let words = i18n::current().notes();
    let (kind, explanation) = match group.kind {
        NoteKind::Excludes1 => ("excludes1", Some(words.excludes1)),
        NoteKind::Excludes2 => ("excludes2", Some(words.excludes2)),
        _ => ("note", None),
    };
    el("div")
        .class("cc-notes")
        .attr("data-kind", kind)
        .child(el("p").class("cc-notes-head").child(el("strong").child((words.kinds)(group.kind))))
        // Where an inherited note is written, on its own line: beside the heading it read as
        // part of the instruction ("Code first from category A40").
        .maybe(group.from.map(|from| {
            el("p").class("cc-notes-from").child(format!("{} {}", (words.from)(from.level), from.code)).into()
        }))
        .maybe(explanation.map(|e| el("p").class("cc-notes-explain").child(e).into()))
        .child(
            el("ul")
                .attr("lang", "en")
                .children(group.notes.into_iter().map(|note| el("li").children(note_line(note)).into())),
        )
}

/// A note's text with the codes it names as buttons.
fn note_line(note: NoteText) -> Vec<Node> {
    let chars: Vec<char> = note.text.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0usize;
    for code in note.codes {
        let (start, end) = (code.start as usize, (code.end as usize).min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        parts.push(Node::from(chars[at..start].iter().collect::<String>()));
        let written: String = chars[start..end].iter().collect();
        parts.push(opens("cc-link cc-note-code", code.code, CodeSystem::Icd10cm, written).into());
        at = end;
    }
    parts.push(chars[at..].iter().collect::<String>().into());
    parts
}

/// The 7th characters: this code's, the placeholder rule, every valid one.
fn seventh_characters(seventh: SeventhCharacters) -> El {
    let words = i18n::current().notes();
    el("div")
        .class("cc-notes cc-seventh")
        .child(el("p").class("cc-notes-head").child(el("strong").child(words.seventh)))
        .maybe(seventh.this.map(|this| {
            el("p")
                .class("cc-seventh-this")
                .child(words.this_code)
                .child(": ")
                .child(el("span").class("cc-char").child(this.character))
                .child(" ")
                .child(el("span").attr("lang", "en").child(this.meaning))
                .into()
        }))
        .maybe(seventh.placeholder.then(|| el("p").class("cc-notes-explain").child(words.placeholder).into()))
        .child(el("p").class("cc-notes-explain").child(format!("{} {}:", words.valid_for, seventh.defined_at)))
        .child(
            el("dl").class("cc-seventh-values").attr("lang", "en").children(
                seventh.values.into_iter().flat_map(|v| {
                    [el("dt").class("cc-char").child(v.character).into(), el("dd").child(v.meaning).into()]
                }),
            ),
        )
}

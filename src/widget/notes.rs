//! The "Coding notes" section: the Tabular List's instructional notes, grouped by kind and by
//! where they are written, with the codes they name as buttons that open those codes, and the
//! 7th characters.

use leptos::prelude::*;

use super::i18n;
use crate::api::{CodeSystem, NoteGroup, NoteKind, NoteText, SeventhCharacters};

/// The notes and 7th characters of a code.
#[component]
pub fn Notes(
    /// The notes, nearest first.
    groups: Vec<NoteGroup>,
    /// The 7th characters, when the code's category requires them.
    seventh: Option<SeventhCharacters>,
    /// Opens another code in the card.
    open_related: Callback<(String, Option<CodeSystem>)>,
) -> impl IntoView {
    view! {
        {groups.into_iter().map(|group| view! { <Group group open_related /> }.into_any()).collect_view()}
        {seventh.map(|seventh| view! { <Seventh seventh /> }.into_any())}
    }
}

/// One kind of note written at one place.
#[component]
fn Group(group: NoteGroup, open_related: Callback<(String, Option<CodeSystem>)>) -> impl IntoView {
    let words = i18n::current().notes();
    let explanation = match group.kind {
        NoteKind::Excludes1 => Some(words.excludes1),
        NoteKind::Excludes2 => Some(words.excludes2),
        _ => None,
    };
    let kind = match group.kind {
        NoteKind::Excludes1 => "excludes1",
        NoteKind::Excludes2 => "excludes2",
        _ => "note",
    };
    view! {
        <div class="cc-notes" data-kind=kind>
            <p class="cc-notes-head"><strong>{(words.kinds)(group.kind)}</strong></p>
            // Where an inherited note is written, on its own line: beside the heading it read as
            // part of the instruction ("Code first from category A40").
            {group.from.map(|from| view! { <p class="cc-notes-from">{format!("{} {}", (words.from)(from.level), from.code)}</p> }.into_any())}
            {explanation.map(|e| view! { <p class="cc-notes-explain">{e}</p> }.into_any())}
            <ul lang="en">
                {group.notes.into_iter().map(|note| view! { <li><NoteLine note open_related /></li> }.into_any()).collect_view()}
            </ul>
        </div>
    }
}

/// A note's text with the codes it names as buttons.
#[component]
fn NoteLine(note: NoteText, open_related: Callback<(String, Option<CodeSystem>)>) -> impl IntoView {
    let chars: Vec<char> = note.text.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0usize;
    for code in note.codes {
        let (start, end) = (code.start as usize, (code.end as usize).min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        parts.push(chars[at..start].iter().collect::<String>().into_any());
        let written: String = chars[start..end].iter().collect();
        let target = code.code;
        parts.push(
            view! {
                <button type="button" class="cc-link cc-note-code" data-opens=target.clone()
                    on:click=move |_| open_related.run((target.clone(), Some(CodeSystem::Icd10cm)))>
                    {written}
                </button>
            }
            .into_any(),
        );
        at = end;
    }
    parts.push(chars[at..].iter().collect::<String>().into_any());
    parts.collect_view()
}

/// The 7th characters: this code's, the placeholder rule, every valid one.
#[component]
fn Seventh(seventh: SeventhCharacters) -> impl IntoView {
    let words = i18n::current().notes();
    view! {
        <div class="cc-notes cc-seventh">
            <p class="cc-notes-head"><strong>{words.seventh}</strong></p>
            {seventh.this.map(|this| view! {
                <p class="cc-seventh-this">
                    {words.this_code} ": " <span class="cc-char">{this.character}</span> " " <span lang="en">{this.meaning}</span>
                </p>
            }.into_any())}
            {seventh.placeholder.then(|| view! { <p class="cc-notes-explain">{words.placeholder}</p> }.into_any())}
            <p class="cc-notes-explain">{format!("{} {}:", words.valid_for, seventh.defined_at)}</p>
            <dl class="cc-seventh-values" lang="en">
                {seventh.values.into_iter().map(|v| view! { <dt class="cc-char">{v.character}</dt><dd>{v.meaning}</dd> }.into_any()).collect_view()}
            </dl>
        </div>
    }
}

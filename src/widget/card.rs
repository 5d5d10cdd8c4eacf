//! The loaded card: descriptions, plain language, hierarchy, PCS axes, sections, attribution.

use leptos::prelude::*;

use super::ask::ask_button;
use super::fixed::{self, El, Node, Nodes, el};
use super::paywall::{locked_sections, meter_bar, paywall};
use super::{i18n, notes};
use crate::api::{Axis, Card, HierarchyLevel, Section, SectionContent};

/// Renders a card the endpoint sent: everything the visitor is entitled to, locked notices for
/// the rest, and the meter.
#[component]
pub fn CardView(
    /// The card.
    card: Card,
    /// Shown where the sections go: the state of the rest of a card of which only the public
    /// part (a peek) is here yet.
    #[prop(optional)]
    rest: Option<El>,
) -> impl IntoView {
    Nodes::from(card_view(card, rest))
}

/// The card as [`CardView`] draws it. Its buttons (related codes, the codes notes name, the
/// account and ask actions) do what they carry: see [`fixed::pressed`].
pub fn card_view(card: Card, rest: Option<El>) -> El {
    let Card {
        display_code,
        system,
        release,
        billable,
        deleted_in,
        short_description,
        long_description,
        descriptor_note,
        plain_language,
        hierarchy,
        also_indexed_as,
        axes,
        attribution,
        sections,
        meter,
        paywalled,
        ..
    } = card;
    let plan = meter.as_ref().map(|m| m.plan);
    let text = i18n::current().text();
    let asking = use_context::<super::WidgetConfig>().is_some_and(|config| config.ask.is_some());
    let ask = || asking.then(|| ask_button().into());
    // Locked sections are listed once, by title, under one notice (the title shows the system,
    // so no badge repeats it).
    let (locked, sections): (Vec<Section>, Vec<Section>) = sections.into_iter().partition(|s| s.content.is_none());
    let lang = i18n::current();
    let locked_titles: Vec<String> = locked.iter().map(|s| lang.section_title(s.id, billable).to_string()).collect();
    let locked = (!locked_titles.is_empty()).then(|| locked_sections(locked_titles, plan).into());
    // Public like the title: shown on a paywalled card too.
    let also_indexed = (!also_indexed_as.is_empty()).then(|| indexed_terms(also_indexed_as).into());
    let card = el("div").class("cc-card").attr("data-code", display_code).attr("data-system", system.id());
    if paywalled {
        return card
            .attr("data-paywalled", "")
            .maybe(meter.map(|meter| paywall(meter).into()))
            .maybe(ask())
            .maybe(locked)
            .maybe(also_indexed);
    }
    // A code a newer release deleted says so instead of billable/header: it is kept only so that
    // old records resolve.
    let (status, status_class) = match &deleted_in {
        Some(release) => (format!("{} {release}", text.deleted_in), "cc-badge cc-deleted"),
        None if billable => (text.billable.to_string(), "cc-badge cc-billable"),
        None => (text.header.to_string(), "cc-badge cc-header-code"),
    };
    let shown_description = long_description.clone().or_else(|| short_description.clone());
    let show_short = matches!((&long_description, &short_description), (Some(long), Some(short)) if long != short);
    card.child(
        el("p")
            .class("cc-meta")
            .child(el("span").class(status_class).child(status))
            .child(el("span").class("cc-release").child(release)),
    )
    .maybe(shown_description.map(|description| {
        el("section")
            .class("cc-section")
            .attr("aria-labelledby", "cc-description")
            .child(el("h3").attr("id", "cc-description").child(if long_description.is_some() {
                text.official
            } else {
                text.summary
            }))
            .child(el("p").class("cc-description").child(description))
            .maybe(show_short.then(|| {
                el("p")
                    .class("cc-short")
                    .child(el("span").class("cc-label").child(text.short))
                    .maybe(short_description.map(Node::from))
                    .into()
            }))
            .maybe(descriptor_note.map(|note| el("p").class("cc-note").child(note).into()))
            .into()
    }))
    .maybe(plain_language.map(|plain| {
        el("section")
            .class("cc-section")
            .attr("aria-labelledby", "cc-plain")
            .child(el("h3").attr("id", "cc-plain").child(text.plain))
            .child(el("p").child(plain))
            .into()
    }))
    .maybe((!hierarchy.is_empty()).then(|| hierarchy_section(hierarchy).into()))
    .maybe((!axes.is_empty()).then(|| axes_section(axes).into()))
    .maybe(rest.map(Node::from))
    .children(sections.into_iter().map(|section| card_section(section, billable).into()))
    .maybe(locked)
    .maybe(ask())
    .maybe(also_indexed)
    .child(el("footer").class("cc-attribution").child(attribution))
    .maybe(meter.map(|meter| meter_bar(meter).into()))
}

/// The Alphabetic Index terms that lead to the code, on one line.
fn indexed_terms(terms: Vec<String>) -> El {
    el("p").class("cc-also-indexed").child(i18n::current().text().also_indexed_as).child(terms.join(" · "))
}

/// The chain of ancestors, broadest first.
fn hierarchy_section(levels: Vec<HierarchyLevel>) -> El {
    el("section")
        .class("cc-section")
        .attr("aria-labelledby", "cc-hierarchy")
        .child(el("h3").attr("id", "cc-hierarchy").child(i18n::current().text().hierarchy))
        .child(el("ol").class("cc-hierarchy").children(levels.into_iter().map(|level| {
            el("li")
                .attr("data-level", level.level.id())
                .child(el("span").class("cc-hcode").child(level.code))
                .child(" ")
                .child(el("span").class("cc-htitle").child(level.title))
                .into()
        })))
}

/// The seven characters of an ICD-10-PCS code and what each means.
fn axes_section(axes: Vec<Axis>) -> El {
    let rows = axes.into_iter().map(|axis| {
        el("tr")
            .child(el("th").attr("scope", "row").child(el("span").class("cc-char").child(axis.value)))
            .child(el("td").class("cc-axis-name").child(axis.name))
            .child(
                el("td")
                    .child(axis.label)
                    .maybe(axis.definition.map(|d| el("span").class("cc-definition").child(d).into())),
            )
            .into()
    });
    el("section")
        .class("cc-section")
        .attr("aria-labelledby", "cc-axes")
        .child(el("h3").attr("id", "cc-axes").child(i18n::current().text().axes))
        .child(el("table").class("cc-axes").child(el("tbody").children(rows)))
}

/// A further section the visitor may see (locked ones are listed by [`LockedSections`]).
fn card_section(section: Section, billable: bool) -> El {
    let Section { id, content } = section;
    let heading_id = format!("cc-section-{}", id.id());
    let heading = el("h3").attr("id", heading_id.clone()).child(i18n::current().section_title(id, billable));
    let section = el("section")
        .class("cc-section")
        .attr("aria-labelledby", heading_id)
        .attr("data-section", id.id())
        .child(heading);
    match content {
        None => section,
        Some(SectionContent::Text { paragraphs }) => {
            section.children(paragraphs.into_iter().map(|p| el("p").child(p).into()))
        }
        Some(SectionContent::Codes { codes }) => {
            section.child(el("ul").class("cc-related").children(codes.into_iter().map(|code| {
                el("li")
                    .child(fixed::opens("cc-link", code.display_code.clone(), code.system, code.display_code))
                    .child(" ")
                    .child(el("span").child(code.title))
                    .into()
            })))
        }
        Some(SectionContent::Notes { groups, seventh }) => section.children(notes::notes(groups, seventh)),
    }
}

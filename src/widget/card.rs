//! The loaded card: descriptions, plain language, hierarchy, PCS axes, sections, attribution.

use leptos::prelude::*;

use super::fixed::{self, El, Node, Nodes, el};
use super::paywall::{LockedSections, MeterBar, Paywall};
use super::{i18n, notes};
use crate::api::{Axis, Card, CodeSystem, HierarchyLevel, Section, SectionContent};

/// Renders a card the endpoint sent: everything the visitor is entitled to, locked notices for
/// the rest, and the meter.
#[component]
pub fn CardView(
    /// The card.
    card: Card,
    /// Opens another code in the same place (related codes and the codes notes name are
    /// buttons: see [`fixed::opens`]).
    open_related: Callback<(String, Option<CodeSystem>)>,
    /// Shown where the sections go: the state of the rest of a card of which only the public
    /// part (a peek) is here yet.
    #[prop(default = None)]
    rest: Option<AnyView>,
) -> impl IntoView {
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
    let ask = asking.then(|| view! { <super::ask::AskButton code=display_code.clone() system /> }.into_any());
    // Locked sections are listed once, by title, under one notice (the title shows the system,
    // so no badge repeats it).
    let (locked, sections): (Vec<Section>, Vec<Section>) = sections.into_iter().partition(|s| s.content.is_none());
    let lang = i18n::current();
    let locked_titles: Vec<String> = locked.iter().map(|s| lang.section_title(s.id, billable).to_string()).collect();
    let locked = (!locked_titles.is_empty()).then(|| view! { <LockedSections titles=locked_titles plan /> }.into_any());
    // Public like the title: shown on a paywalled card too.
    let also_indexed = (!also_indexed_as.is_empty()).then(|| indexed_terms(also_indexed_as));
    if paywalled {
        return view! {
            <div class="cc-card" data-code=display_code data-system=system.id() data-paywalled="">
                {meter.map(|meter| view! { <Paywall meter /> }.into_any())}
                {ask}
                {locked}
                {also_indexed}
            </div>
        }
        .into_any();
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
    let head = Nodes(
        [
            Some(
                el("p")
                    .class("cc-meta")
                    .child(el("span").class(status_class).child(status))
                    .child(el("span").class("cc-release").child(release)),
            ),
            shown_description.map(|description| {
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
            }),
            plain_language.map(|plain| {
                el("section")
                    .class("cc-section")
                    .attr("aria-labelledby", "cc-plain")
                    .child(el("h3").attr("id", "cc-plain").child(text.plain))
                    .child(el("p").child(plain))
            }),
            (!hierarchy.is_empty()).then(|| hierarchy_section(hierarchy)),
            (!axes.is_empty()).then(|| axes_section(axes)),
        ]
        .into_iter()
        .flatten()
        .map(Node::from)
        .collect(),
    );
    let body = Nodes(sections.into_iter().map(|section| card_section(section, billable).into()).collect());
    let footer = Nodes::from(el("footer").class("cc-attribution").child(attribution));
    view! {
        <div class="cc-card" data-code=display_code.clone() data-system=system.id()
            on:click=move |event| if let Some(code) = fixed::opened(&event) { open_related.run(code) }>
            {head}
            {rest}
            {body}
            {locked}
            {ask}
            {also_indexed}
            {footer}
            {meter.map(|meter| view! { <MeterBar meter /> }.into_any())}
        </div>
    }
    .into_any()
}

/// The Alphabetic Index terms that lead to the code, on one line.
fn indexed_terms(terms: Vec<String>) -> Nodes {
    el("p").class("cc-also-indexed").child(i18n::current().text().also_indexed_as).child(terms.join(" · ")).into()
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

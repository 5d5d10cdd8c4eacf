//! The loaded card: descriptions, plain language, hierarchy, PCS axes, sections, attribution.

use leptos::prelude::*;

use super::i18n;
use super::paywall::{LockedSections, MeterBar, Paywall};
use crate::api::{Axis, Card, CodeSystem, HierarchyLevel, Section, SectionContent};

/// Renders a card the endpoint sent: everything the visitor is entitled to, locked notices for
/// the rest, and the meter.
#[component]
pub fn CardView(
    /// The card.
    card: Card,
    /// Opens another code in the same place (related codes are buttons).
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
    let also_indexed =
        (!also_indexed_as.is_empty()).then(|| view! { <AlsoIndexedAs terms=also_indexed_as /> }.into_any());
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
    view! {
        <div class="cc-card" data-code=display_code.clone() data-system=system.id()>
            <p class="cc-meta">
                <span class=status_class>{status}</span>
                <span class="cc-release">{release}</span>
            </p>
            {shown_description.map(|description| view! {
                <section class="cc-section" aria-labelledby="cc-description">
                    <h3 id="cc-description">{if long_description.is_some() { text.official } else { text.summary }}</h3>
                    <p class="cc-description">{description}</p>
                    {show_short.then(|| view! { <p class="cc-short"><span class="cc-label">{text.short}</span>{short_description}</p> }.into_any())}
                    {descriptor_note.map(|note| view! { <p class="cc-note">{note}</p> }.into_any())}
                </section>
            }.into_any())}
            {plain_language.map(|plain| view! {
                <section class="cc-section" aria-labelledby="cc-plain">
                    <h3 id="cc-plain">{text.plain}</h3>
                    <p>{plain}</p>
                </section>
            }.into_any())}
            {(!hierarchy.is_empty()).then(|| view! { <Hierarchy levels=hierarchy /> }.into_any())}
            {(!axes.is_empty()).then(|| view! { <Axes axes /> }.into_any())}
            {rest}
            {sections.into_iter().map(|section| view! { <CardSection section billable open_related /> }.into_any()).collect_view()}
            {locked}
            {ask}
            {also_indexed}
            <footer class="cc-attribution">{attribution}</footer>
            {meter.map(|meter| view! { <MeterBar meter /> }.into_any())}
        </div>
    }
    .into_any()
}

/// The Alphabetic Index terms that lead to the code, on one line.
#[component]
fn AlsoIndexedAs(terms: Vec<String>) -> impl IntoView {
    view! { <p class="cc-also-indexed">{i18n::current().text().also_indexed_as}{terms.join(" · ")}</p> }
}

/// The chain of ancestors, broadest first.
#[component]
fn Hierarchy(levels: Vec<HierarchyLevel>) -> impl IntoView {
    view! {
        <section class="cc-section" aria-labelledby="cc-hierarchy">
            <h3 id="cc-hierarchy">{i18n::current().text().hierarchy}</h3>
            <ol class="cc-hierarchy">
                {levels.into_iter().map(|level| view! {
                    <li data-level=level.level.id()>
                        <span class="cc-hcode">{level.code}</span>
                        " "
                        <span class="cc-htitle">{level.title}</span>
                    </li>
                }.into_any()).collect_view()}
            </ol>
        </section>
    }
}

/// The seven characters of an ICD-10-PCS code and what each means.
#[component]
fn Axes(axes: Vec<Axis>) -> impl IntoView {
    view! {
        <section class="cc-section" aria-labelledby="cc-axes">
            <h3 id="cc-axes">{i18n::current().text().axes}</h3>
            <table class="cc-axes">
                <tbody>
                    {axes.into_iter().map(|axis| view! {
                        <tr>
                            <th scope="row"><span class="cc-char">{axis.value}</span></th>
                            <td class="cc-axis-name">{axis.name}</td>
                            <td>
                                {axis.label}
                                {axis.definition.map(|d| view! { <span class="cc-definition">{d}</span> }.into_any())}
                            </td>
                        </tr>
                    }.into_any()).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// A further section the visitor may see (locked ones are listed by [`LockedSections`]).
#[component]
fn CardSection(
    section: Section,
    billable: bool,
    open_related: Callback<(String, Option<CodeSystem>)>,
) -> impl IntoView {
    let Section { id, content } = section;
    let heading_id = format!("cc-section-{}", id.id());
    let labelled_by = heading_id.clone();
    let body = match content {
        None => ().into_any(),
        Some(SectionContent::Text { paragraphs }) => {
            paragraphs.into_iter().map(|p| view! { <p>{p}</p> }.into_any()).collect_view().into_any()
        }
        Some(SectionContent::Codes { codes }) => view! {
            <ul class="cc-related">
                {codes.into_iter().map(|code| {
                    let (written, system) = (code.display_code.clone(), code.system);
                    view! {
                        <li>
                            <button type="button" class="cc-link" on:click=move |_| open_related.run((written.clone(), Some(system)))>
                                {code.display_code}
                            </button>
                            " "
                            <span>{code.title}</span>
                        </li>
                    }
                    .into_any()
                }).collect_view()}
            </ul>
        }
        .into_any(),
        Some(SectionContent::Notes { groups, seventh }) => {
            view! { <super::notes::Notes groups seventh open_related /> }.into_any()
        }
    };
    view! {
        <section class="cc-section" aria-labelledby=labelled_by data-section=id.id()>
            <h3 id=heading_id>{i18n::current().section_title(id, billable)}</h3>
            {body}
        </section>
    }
}

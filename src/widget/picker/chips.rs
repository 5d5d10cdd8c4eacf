//! Multiple mode: the picked codes as chips after the input, each with a remove button (a real
//! button, so Tab reaches it and Enter or Space removes it) and a hidden input carrying the
//! field's `name`, so the form submits one field per code (`dx=E11.9&dx=I10`).

use leptos::prelude::*;

use super::state::Picker;
use crate::widget::i18n;

/// The chips.
#[component]
pub fn Chips(
    /// The picker they belong to.
    picker: Picker,
) -> impl IntoView {
    let lang = picker.settings.lang;
    let name = picker.name();
    // An input outside its form (`form="claim"`): the chips' inputs belong to the same form.
    let form = picker.settings.input.get_attribute("form");
    let p = picker.clone();
    let chips = move || {
        let p = p.clone();
        p.picked
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, choice)| {
                let (remover, locked, disabled) = (p.clone(), p.locked, p.disabled);
                view! {
                    <li>
                        <span title=choice.title.clone()>{choice.display_code.clone()}</span>
                        <button
                            type="button"
                            disabled=move || locked.get()
                            aria-label=i18n::remove_chip(lang, &choice.display_code, &choice.title)
                            on:click=move |_| remover.remove_and_refocus(i)
                        >
                            "×"
                        </button>
                        // Disabled with the field: a disabled field is not submitted.
                        <input
                            type="hidden"
                            name=name.clone()
                            form=form.clone()
                            value=choice.display_code.clone()
                            disabled=move || disabled.get()
                        />
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    view! {
        <ul aria-label=i18n::picked_codes(lang) hidden=move || picker.picked.with(Vec::is_empty)>
            {chips}
        </ul>
    }
}

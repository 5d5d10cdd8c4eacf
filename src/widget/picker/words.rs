//! The picker's own words in English and Spanish, keyed by the widget's [`Lang`]: validation
//! messages (shown by the browser from `setCustomValidity`), the chips' and buttons' names.

use crate::api::CodeSystem;
use crate::widget::i18n::Lang;

/// The systems a field accepts, as a person reads them: "ICD-10-CM" or "ICD-10-CM or CPT®".
fn systems_text(lang: Lang, systems: &[CodeSystem]) -> String {
    let labels: Vec<&str> = systems.iter().map(|s| s.label()).collect();
    labels.join(if lang == Lang::Es { " o " } else { " or " })
}

/// The field holds text that cannot be a code at all.
pub fn not_a_code(lang: Lang, written: &str) -> String {
    match lang {
        Lang::En => format!("“{written}” is not a code. Type a code or words, then pick a code from the list."),
        Lang::Es => format!("«{written}» no es un código. Escriba un código o palabras y elija un código de la lista."),
    }
}

/// The field holds a well-formed code that the accepted systems do not have.
pub fn unknown(lang: Lang, written: &str, systems: &[CodeSystem]) -> String {
    let systems = systems_text(lang, systems);
    match lang {
        Lang::En => format!("“{written}” is not a code in {systems}."),
        Lang::Es => format!("«{written}» no es un código de {systems}."),
    }
}

/// The field holds a key that several accepted systems write differently (J1100, J11.00).
pub fn ambiguous(lang: Lang, written: &str, systems: &[CodeSystem]) -> String {
    let systems = systems_text(lang, systems);
    match lang {
        Lang::En => {
            format!("“{written}” is a code in {systems}: type it as that system writes it, or pick it from the list.")
        }
        Lang::Es => format!(
            "«{written}» es un código de {systems}: escríbalo como lo escribe ese sistema, o elíjalo de la lista."
        ),
    }
}

/// The field holds a category header, and the field takes only billable codes.
pub fn header(lang: Lang, display_code: &str) -> String {
    match lang {
        Lang::En => format!(
            "{display_code} is a category header: it cannot go on a claim. Pick one of the more specific codes under it."
        ),
        Lang::Es => format!(
            "{display_code} es un encabezado de categoría: no se puede facturar. Elija uno de los códigos más específicos que contiene."
        ),
    }
}

/// Above a header's billable children, in the list.
pub fn children_of(lang: Lang, display_code: &str) -> String {
    match lang {
        Lang::En => format!("{display_code} is a category header and cannot go on a claim. Billable codes under it:"),
        Lang::Es => format!(
            "{display_code} es un encabezado de categoría y no se puede facturar. Códigos facturables que contiene:"
        ),
    }
}

/// The button that opens the active result's card.
pub fn open_card(lang: Lang, display_code: &str) -> String {
    match lang {
        Lang::En => format!("Details of {display_code} (Alt+Enter)"),
        Lang::Es => format!("Detalles de {display_code} (Alt+Intro)"),
    }
}

/// A chip's remove button.
pub fn remove(lang: Lang, display_code: &str, title: &str) -> String {
    match lang {
        Lang::En => format!("Remove {display_code} {title}"),
        Lang::Es => format!("Quitar {display_code} {title}"),
    }
}

/// Said by the live region when a chip is added.
pub fn added(lang: Lang, display_code: &str, title: &str) -> String {
    match lang {
        Lang::En => format!("{display_code} {title} added"),
        Lang::Es => format!("{display_code} {title} añadido"),
    }
}

/// Said by the live region when a chip is removed.
pub fn removed(lang: Lang, display_code: &str, title: &str) -> String {
    match lang {
        Lang::En => format!("{display_code} {title} removed"),
        Lang::Es => format!("{display_code} {title} quitado"),
    }
}

/// The list of chips.
pub fn picked(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Picked codes",
        Lang::Es => "Códigos elegidos",
    }
}

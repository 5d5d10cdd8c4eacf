//! The card's own words in English and Spanish. Code descriptions come from the code sets and
//! stay in English; everything the widget itself says is here.

use serde::Deserialize;

use super::client::FetchError;
use crate::api::{ErrorKind, Meter, NoteKind, NoteLevel, Plan, SectionId};

/// A language the card speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The language for a BCP 47 tag (`es-MX` → Spanish); English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("es")) { Lang::Es } else { Lang::En }
    }

    /// The tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The card's strings in this language.
    pub fn text(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }

    /// The search box's and the code picker's strings in this language.
    pub fn search_text(self) -> &'static SearchStrings {
        match self {
            Lang::En => &SEARCH_EN,
            Lang::Es => &SEARCH_ES,
        }
    }
}

/// The widget's language, provided as context by `mount`; English where none is provided
/// (a component rendered on its own, as in tests).
pub fn current() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

/// Every fixed string of the card.
pub struct Strings {
    /// The close button's accessible name.
    pub close: &'static str,
    /// Before the code while loading: "Looking up".
    pub looking_up: &'static str,
    /// Heading of a failed lookup.
    pub problem: &'static str,
    /// The retry button.
    pub try_again: &'static str,
    /// Under a card's public part while the rest is on its way.
    pub loading_rest: &'static str,
    /// Heading when the rest of a card, whose public part shows, could not be loaded.
    pub rest_failed: &'static str,
    /// Heading for an unknown code.
    pub not_found: &'static str,
    /// Heading for a malformed code.
    pub not_valid: &'static str,
    /// Heading when a code exists in several systems.
    pub which_system: &'static str,
    /// Heading when too many guests came from one address.
    pub limited: &'static str,
    /// Heading when a site key refuses the page.
    pub not_here: &'static str,
    /// Badge of a billable code.
    pub billable: &'static str,
    /// Badge of a category header.
    pub header: &'static str,
    /// Badge of a deleted code, before the release that deleted it.
    pub deleted_in: &'static str,
    /// Heading of the official descriptor.
    pub official: &'static str,
    /// Heading when only a summary is available.
    pub summary: &'static str,
    /// Label before the short descriptor.
    pub short: &'static str,
    /// Heading of the plain-language text.
    pub plain: &'static str,
    /// Heading of the hierarchy.
    pub hierarchy: &'static str,
    /// Heading of the PCS axes.
    pub axes: &'static str,
    /// "Log in".
    pub log_in: &'static str,
    /// "Register free account".
    pub register: &'static str,
    /// "Log out".
    pub log_out: &'static str,
    /// Before the account's email.
    pub logged_in_as: &'static str,
    /// Accessible name of the meter.
    pub views: &'static str,
    /// Paywall heading for a guest.
    pub paywall_guest: &'static str,
    /// Paywall heading for an account.
    pub paywall_member: &'static str,
    /// Locked section, guest: title and text.
    pub locked_guest: (&'static str, &'static str),
    /// Locked section, account: title and text.
    pub locked_member: (&'static str, &'static str),
    /// The "Ask about this code" button.
    pub ask: &'static str,
    /// Before the Index entry that found a search result.
    pub from_index: &'static str,
    /// Before the Index terms a card lists.
    pub also_indexed_as: &'static str,
    /// Title of the related codes: of a billable code (its siblings), of a header (its children).
    pub related: (&'static str, &'static str),
    /// Title of the coding tips.
    pub tips: &'static str,
}

/// The search box's and the code picker's own words (a module of their own: the card's words stay
/// out of it, and these out of the card's).
pub struct SearchStrings {
    /// The search field's label when the page gives none.
    pub search_label: &'static str,
    /// The search field's placeholder.
    pub search_placeholder: &'static str,
    /// The system filter's accessible name.
    pub code_system: &'static str,
    /// The system filter's "any system" choice.
    pub all_systems: &'static str,
    /// The billable filter.
    pub billable_only: &'static str,
    /// The result list's accessible name.
    pub matching_codes: &'static str,
    /// A result that is a category header.
    pub header_short: &'static str,
    /// While a search is on its way.
    pub searching: &'static str,
}

static SEARCH_EN: SearchStrings = SearchStrings {
    search_label: "Search medical codes",
    search_placeholder: "Code or words, e.g. E11.9 or heart attack",
    code_system: "Code system",
    all_systems: "All systems",
    billable_only: "Billable only",
    matching_codes: "Matching codes",
    header_short: "header",
    searching: "Searching…",
};

static SEARCH_ES: SearchStrings = SearchStrings {
    search_label: "Buscar códigos médicos",
    search_placeholder: "Código o palabras, p. ej. E11.9 o infarto",
    code_system: "Sistema de codificación",
    all_systems: "Todos los sistemas",
    billable_only: "Solo facturables",
    matching_codes: "Códigos encontrados",
    header_short: "encabezado",
    searching: "Buscando…",
};

static EN: Strings = Strings {
    close: "Close",
    looking_up: "Looking up",
    problem: "This code could not be looked up",
    try_again: "Try again",
    loading_rest: "Loading the rest of this card…",
    rest_failed: "The rest of this card could not be loaded",
    not_found: "Code not found",
    not_valid: "Not a valid code",
    which_system: "Which code system?",
    limited: "Code views are limited",
    not_here: "Not available on this site",
    billable: "Billable",
    header: "Header: not billable",
    deleted_in: "Deleted in",
    official: "Official description",
    summary: "Summary",
    short: "Short: ",
    plain: "In plain language",
    hierarchy: "Where it belongs",
    axes: "What each character means",
    log_in: "Log in",
    register: "Register free account",
    log_out: "Log out",
    logged_in_as: "Logged in as",
    views: "Code page views",
    paywall_guest: "Register to view this code",
    paywall_member: "You have used this period's code views",
    locked_guest: ("Register to view content", "Create a free account to unlock this content"),
    locked_member: ("Upgrade to view content", "A paid plan unlocks this content"),
    ask: "Ask about this code",
    from_index: "from the index: ",
    also_indexed_as: "Also indexed as: ",
    related: ("Other codes in this category", "Codes in this category"),
    tips: "Coding tips",
};

static ES: Strings = Strings {
    close: "Cerrar",
    looking_up: "Buscando",
    problem: "No se pudo consultar este código",
    try_again: "Reintentar",
    loading_rest: "Cargando el resto de esta ficha…",
    rest_failed: "No se pudo cargar el resto de esta ficha",
    not_found: "Código no encontrado",
    not_valid: "Código no válido",
    which_system: "¿Qué sistema de codificación?",
    limited: "Las consultas de códigos están limitadas",
    not_here: "No disponible en este sitio",
    billable: "Facturable",
    header: "Encabezado: no facturable",
    deleted_in: "Eliminado en",
    official: "Descripción oficial",
    summary: "Resumen",
    short: "Corta: ",
    plain: "En lenguaje sencillo",
    hierarchy: "Dónde se clasifica",
    axes: "Qué significa cada carácter",
    log_in: "Iniciar sesión",
    register: "Crear cuenta gratuita",
    log_out: "Cerrar sesión",
    logged_in_as: "Sesión iniciada como",
    views: "Consultas de códigos",
    paywall_guest: "Regístrese para ver este código",
    paywall_member: "Ha usado las consultas de este período",
    locked_guest: ("Regístrese para ver el contenido", "Cree una cuenta gratuita para desbloquear este contenido"),
    locked_member: ("Mejore su plan para ver el contenido", "Un plan de pago desbloquea este contenido"),
    ask: "Preguntar sobre este código",
    from_index: "del índice: ",
    also_indexed_as: "También en el índice como: ",
    related: ("Otros códigos de esta categoría", "Códigos de esta categoría"),
    tips: "Consejos de codificación",
};

impl Lang {
    /// The title of a card section; `billable` tells a code's siblings from a header's children.
    pub fn section_title(self, id: SectionId, billable: bool) -> &'static str {
        let text = self.text();
        match id {
            SectionId::Description => text.official,
            SectionId::PlainLanguage => text.plain,
            SectionId::Hierarchy => text.hierarchy,
            SectionId::Related if billable => text.related.0,
            SectionId::Related => text.related.1,
            SectionId::CodingTips => text.tips,
            SectionId::CodingNotes => self.notes().heading,
        }
    }
}

/// The meter sentence from the meter's numbers; in English as on the seed site, word for word:
/// "0 code page views remaining. Guest accounts are limited to 1 page view. Register free
/// account to get 5 more views."
pub fn meter_message(lang: Lang, meter: &Meter) -> String {
    let (Some(remaining), Some(limit)) = (meter.remaining, meter.limit) else {
        return match lang {
            Lang::En => "Unlimited code page views.",
            Lang::Es => "Consultas de códigos ilimitadas.",
        }
        .into();
    };
    // How many more an account gives a guest; an endpoint that does not send the free quota
    // gets the sentence without the number.
    let more = meter.free_limit.map(|free| free.saturating_sub(limit));
    let plural = |n: u32, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    match lang {
        Lang::En => {
            let left = format!("{} remaining.", plural(remaining, "code page view", "code page views"));
            let limited = plural(limit, "page view", "page views");
            match meter.plan {
                Plan::Guest => {
                    let register = match more {
                        Some(0) => String::new(),
                        Some(more) => {
                            format!(" Register free account to get {}.", plural(more, "more view", "more views"))
                        }
                        None => " Register free account to get more views.".into(),
                    };
                    format!("{left} Guest accounts are limited to {limited}.{register}")
                }
                Plan::Free => format!(
                    "{left} Free accounts are limited to {limited}. Upgrade to a paid plan for unlimited views."
                ),
                Plan::Paid => format!("{left} Your plan is limited to {limited}."),
            }
        }
        Lang::Es => {
            let left = if remaining == 1 {
                "Queda 1 consulta de códigos.".to_string()
            } else {
                format!("Quedan {remaining} consultas de códigos.")
            };
            let limited = plural(limit, "consulta", "consultas");
            match meter.plan {
                Plan::Guest => {
                    let register = match more {
                        Some(0) => String::new(),
                        Some(more) => format!(
                            " Cree una cuenta gratuita para obtener {}.",
                            plural(more, "consulta más", "consultas más")
                        ),
                        None => " Cree una cuenta gratuita para obtener más.".into(),
                    };
                    format!("{left} Los invitados tienen {limited}.{register}")
                }
                Plan::Free => {
                    format!("{left} Las cuentas gratuitas tienen {limited}. Un plan de pago no tiene límite.")
                }
                Plan::Paid => format!("{left} Su plan tiene {limited}."),
            }
        }
    }
}

/// The search box's status line for `total` matches of which `shown` are listed.
pub fn search_status(lang: Lang, total: usize, shown: usize) -> String {
    match (lang, total) {
        (Lang::En, 0) => "No codes match.".into(),
        (Lang::En, 1) => "1 code found.".into(),
        (Lang::En, _) if total > shown => format!("{total} codes found, showing the best {shown}."),
        (Lang::En, _) => format!("{total} codes found."),
        (Lang::Es, 0) => "Ningún código coincide.".into(),
        (Lang::Es, 1) => "1 código encontrado.".into(),
        (Lang::Es, _) if total > shown => format!("{total} códigos encontrados; se muestran los {shown} mejores."),
        (Lang::Es, _) => format!("{total} códigos encontrados."),
    }
}

/// How a search result was found, worded from what the server sends (a kind, `Index`,
/// `Tabular` or `Synonym`, then the entry, with `→` for a cross-reference or a rewriting):
/// `Index: Bedwetting → Enuresis` becomes "from the index: Bedwetting, see Enuresis".
pub fn search_via(lang: Lang, via: &str) -> String {
    let (kind, entry) = via.split_once(": ").unwrap_or(("", via));
    let (from, see) = match (lang, kind) {
        (_, "Index") => (lang.text().from_index, if lang == Lang::Es { ", véase " } else { ", see " }),
        (Lang::En, "Tabular") => ("from the Tabular List: ", " → "),
        (Lang::Es, "Tabular") => ("de la lista tabular: ", " → "),
        (Lang::En, "Synonym") => ("read as: ", " means "),
        (Lang::Es, "Synonym") => ("leído como: ", " significa "),
        _ => ("", " → "),
    };
    format!("{from}{}", entry.replace(" → ", see))
}

/// A sentence for a failed lookup: the endpoint's (English) message, or in Spanish by kind.
pub fn problem_message(lang: Lang, error: &FetchError) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        FetchError::MalformedCode(written) => format!("“{written}” no es un código médico válido."),
        FetchError::Api { error, .. } => match error.kind {
            ErrorKind::UnknownCode => "Este código no existe en el sistema de codificación.".into(),
            ErrorKind::MalformedCode => "No es un código médico válido.".into(),
            ErrorKind::AmbiguousCode => "Este código existe en varios sistemas; elija uno.".into(),
            ErrorKind::RateLimited => {
                "Demasiados visitantes desde su red. Inicie sesión o cree una cuenta gratuita.".into()
            }
            ErrorKind::Forbidden => "Este sitio no está autorizado para consultar códigos.".into(),
            ErrorKind::StorageUnavailable => "El contador de consultas no está disponible. Inténtelo de nuevo.".into(),
            _ => "El servicio de códigos respondió con un error. Inténtelo de nuevo.".into(),
        },
        FetchError::Unreachable => "No se puede acceder al servicio de códigos en este momento.".into(),
        FetchError::Timeout { .. } => "El servicio de códigos no respondió a tiempo.".into(),
        FetchError::Garbled { .. } => "El servicio de códigos envió una respuesta ilegible.".into(),
        FetchError::Aborted => "La consulta se canceló.".into(),
    }
}

/// The words of the "Coding notes" section: the note kinds, where an inherited note is
/// written, the plain explanation of Excludes1 and Excludes2, and the 7th characters. The notes
/// themselves are the Tabular List's, in English.
pub struct NoteStrings {
    /// The section's heading.
    pub heading: &'static str,
    /// "Includes", "Inclusion terms", ... by [`NoteKind`].
    pub kinds: fn(NoteKind) -> &'static str,
    /// One plain sentence on Excludes1.
    pub excludes1: &'static str,
    /// One plain sentence on Excludes2.
    pub excludes2: &'static str,
    /// "from category E11": the level words before the code.
    pub from: fn(NoteLevel) -> &'static str,
    /// Heading of the 7th characters.
    pub seventh: &'static str,
    /// Before this code's own 7th character.
    pub this_code: &'static str,
    /// The placeholder rule.
    pub placeholder: &'static str,
    /// Before the list of every valid 7th character, then the code they are defined at.
    pub valid_for: &'static str,
}

impl Lang {
    /// The words of the notes section in this language.
    pub fn notes(self) -> &'static NoteStrings {
        match self {
            Lang::En => &NOTES_EN,
            Lang::Es => &NOTES_ES,
        }
    }
}

static NOTES_EN: NoteStrings = NoteStrings {
    heading: "Coding notes",
    kinds: |kind| match kind {
        NoteKind::Includes => "Includes",
        NoteKind::InclusionTerm => "Inclusion terms",
        NoteKind::Excludes1 => "Excludes1",
        NoteKind::Excludes2 => "Excludes2",
        NoteKind::CodeFirst => "Code first",
        NoteKind::UseAdditionalCode => "Use additional code",
        NoteKind::CodeAlso => "Code also",
        NoteKind::Note => "Note",
        NoteKind::SeventhCharacterNote => "7th-character note",
    },
    excludes1: "Not coded here: do not report these with this code, unless the two conditions are unrelated \
                (guideline I.A.12.a); if unclear, query the provider.",
    excludes2: "Not part of this code, but both may be reported when the patient has both conditions.",
    from: |level| match level {
        NoteLevel::Chapter => "Written at chapter",
        NoteLevel::Block => "Written at block",
        NoteLevel::Category => "Written at category",
        NoteLevel::Subcategory => "Written at subcategory",
    },
    seventh: "7th character",
    this_code: "This code's 7th character",
    placeholder: "This code uses the placeholder X to fill the empty positions before the 7th character.",
    valid_for: "Valid 7th characters, defined at",
};

static NOTES_ES: NoteStrings = NoteStrings {
    heading: "Notas de codificación",
    kinds: |kind| match kind {
        NoteKind::Includes => "Incluye",
        NoteKind::InclusionTerm => "Términos de inclusión",
        NoteKind::Excludes1 => "Excluye1",
        NoteKind::Excludes2 => "Excluye2",
        NoteKind::CodeFirst => "Codifique primero",
        NoteKind::UseAdditionalCode => "Use un código adicional",
        NoteKind::CodeAlso => "Codifique también",
        NoteKind::Note => "Nota",
        NoteKind::SeventhCharacterNote => "Nota sobre el 7.º carácter",
    },
    excludes1: "No se codifica aquí: no reporte estos códigos con este, salvo que las dos afecciones no estén \
                relacionadas (directriz I.A.12.a); si no está claro, consulte al médico.",
    excludes2: "No forma parte de este código, pero ambos pueden reportarse si el paciente tiene las dos afecciones.",
    from: |level| match level {
        NoteLevel::Chapter => "Escrita en el capítulo",
        NoteLevel::Block => "Escrita en el bloque",
        NoteLevel::Category => "Escrita en la categoría",
        NoteLevel::Subcategory => "Escrita en la subcategoría",
    },
    seventh: "7.º carácter",
    this_code: "7.º carácter de este código",
    placeholder: "Este código usa el marcador X para llenar las posiciones vacías antes del 7.º carácter.",
    valid_for: "Valores válidos del 7.º carácter, definidos en",
};

// The code picker's words (in the search box's module only): its validation messages (shown by
// the browser from `setCustomValidity`), its chips' and buttons' names and what its live region
// says.
#[cfg(feature = "search-box")]
pub use picker::*;

#[cfg(feature = "search-box")]
mod picker {
    use super::Lang;
    use crate::api::CodeSystem;

    /// The systems a field accepts, as a person reads them: "ICD-10-CM" or "ICD-10-CM or CPT®".
    fn systems_text(lang: Lang, systems: &[CodeSystem]) -> String {
        let labels: Vec<&str> = systems.iter().map(|s| s.label()).collect();
        labels.join(if lang == Lang::Es { " o " } else { " or " })
    }

    /// The field holds text that cannot be a code at all.
    pub fn not_a_code(lang: Lang, written: &str) -> String {
        match lang {
            Lang::En => format!("“{written}” is not a code. Type a code or words, then pick a code from the list."),
            Lang::Es => {
                format!("«{written}» no es un código. Escriba un código o palabras y elija un código de la lista.")
            }
        }
    }

    /// The field holds a well-formed code that the accepted systems do not have.
    pub fn unknown_code(lang: Lang, written: &str, systems: &[CodeSystem]) -> String {
        let systems = systems_text(lang, systems);
        match lang {
            Lang::En => format!("“{written}” is not a code in {systems}."),
            Lang::Es => format!("«{written}» no es un código de {systems}."),
        }
    }

    /// The field holds a key that several accepted systems write differently (J1100, J11.00).
    pub fn ambiguous_code(lang: Lang, written: &str, systems: &[CodeSystem]) -> String {
        let systems = systems_text(lang, systems);
        match lang {
            Lang::En => {
                format!(
                    "“{written}” is a code in {systems}: type it as that system writes it, or pick it from the list."
                )
            }
            Lang::Es => format!(
                "«{written}» es un código de {systems}: escríbalo como lo escribe ese sistema, o elíjalo de la lista."
            ),
        }
    }

    /// The field holds a category header, and the field takes only billable codes.
    pub fn header_code(lang: Lang, display_code: &str) -> String {
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
            Lang::En => {
                format!("{display_code} is a category header and cannot go on a claim. Billable codes under it:")
            }
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
    pub fn remove_chip(lang: Lang, display_code: &str, title: &str) -> String {
        match lang {
            Lang::En => format!("Remove {display_code} {title}"),
            Lang::Es => format!("Quitar {display_code} {title}"),
        }
    }

    /// Said by the live region when a chip is added (`added`) or removed.
    pub fn chip_changed(lang: Lang, display_code: &str, title: &str, added: bool) -> String {
        let done = match (lang, added) {
            (Lang::En, true) => "added",
            (Lang::En, false) => "removed",
            (Lang::Es, true) => "añadido",
            (Lang::Es, false) => "quitado",
        };
        format!("{display_code} {title} {done}")
    }

    /// The list of chips.
    pub fn picked_codes(lang: Lang) -> &'static str {
        match lang {
            Lang::En => "Picked codes",
            Lang::Es => "Códigos elegidos",
        }
    }
}

//! The widget: a Leptos card in a shadow root, driven by the embed script (`assets/loader.js`).
//!
//! The loader owns the page side (finding codes, making them buttons, loading this module on
//! demand) and calls [`mount`] once, then [`Widget::open`] for each click. Everything rendered
//! here lives in one shadow root, so the host page's CSS cannot reach it.
//!
//! The crate builds two modules (`build_widget`): the card (feature `csr`), which a first click
//! needs, and the search box and code picker (feature `search-box`), which load only on pages
//! that have one. They talk to the card through the loader's JS API, the card module's [`Widget`] handle
//! (its `show` and `isOpen`), so neither module carries the other's code.

// Each module compiles the shared sources but exports only its own entry points; the linker
// drops the rest, and what one module leaves unused is not dead in the other.
#![cfg_attr(feature = "search-box", allow(dead_code, unused_imports))]

pub mod auth;
pub mod client;

mod app;
mod ask;
mod card;
pub mod decode;
mod dom;
mod fixed;
mod hooks;
pub mod i18n;
mod in_view;
mod notes;
mod paywall;
mod peek;
#[cfg(feature = "search-box")]
mod picker;
mod popover;
#[cfg(feature = "search-box")]
mod search;
mod states;
#[cfg(feature = "search-box")]
mod typeahead;

pub use app::{App, Target, Theme, WidgetConfig};
pub use card::CardView;
pub use dom::decimal;
#[cfg(feature = "search-box")]
pub use picker::mount_picker;
pub use popover::Popover;
#[cfg(feature = "search-box")]
pub use search::mount_search;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::api::CodeSystem;

/// The handle the loader holds: one per page, shared by every code on it.
#[cfg(not(feature = "search-box"))]
#[wasm_bindgen]
pub struct Widget {
    target: RwSignal<Option<Target>>,
    host: HtmlElement,
    peeks: std::rc::Rc<peek::Peeks>,
    // Dropping it stops watching the codes in view.
    in_view: std::cell::RefCell<Option<in_view::InView>>,
    // Dropping it unmounts the view and disposes of its reactive graph.
    mounted: std::cell::RefCell<Option<Box<dyn std::any::Any>>>,
}

#[cfg(not(feature = "search-box"))]
#[wasm_bindgen]
impl Widget {
    /// Opens the card for `code` next to `anchor`, or closes it when it is already open there.
    /// `system` is a system name (`icd10cm`, `cpt`, ...) or empty to infer it from the code.
    /// `peek`: the batch the loader started with the click while this module loaded,
    /// `[answer, code, ...]` (see [`peek::Peeks::adopt`]): this card's public part, shown until
    /// the lookup answers, and those of the codes in view.
    pub fn open(&self, anchor: HtmlElement, code: String, system: Option<String>, peek: Option<js_sys::Array>) {
        let system = system.as_deref().and_then(CodeSystem::parse);
        if let Some(batch) = peek {
            self.peeks.adopt(batch);
        }
        let same = self.target.with_untracked(|open| {
            open.as_ref().is_some_and(|t| *t.anchor == anchor && t.code == code && t.system == system)
        });
        if same {
            app::close(self.target, true);
        } else {
            dom::rehost(&self.host, &anchor);
            app::open(self.target, Target::new(anchor, code, system));
        }
    }

    /// Opens the card for `code` next to `anchor`, even when it is already open there (a search
    /// box's result chosen again). `system` as for [`Widget::open`].
    pub fn show(&self, anchor: HtmlElement, code: String, system: Option<String>) {
        dom::rehost(&self.host, &anchor);
        app::open(self.target, Target::new(anchor, code, system.as_deref().and_then(CodeSystem::parse)));
    }

    /// The reader points at the code element `code`, presses it or focuses it (`event`:
    /// `pointerover`, `pointerdown` or `focusin`): its card's public part is fetched once the
    /// pointer rests there, and at once for a press or a touch, which a click follows within a
    /// moment, so that the click shows it at once.
    pub fn peek(&self, code: HtmlElement, event: web_sys::Event) {
        let written = code.get_attribute("data-code").unwrap_or_default();
        let system = code.get_attribute("data-code-system").and_then(|s| CodeSystem::parse(&s));
        let touch = event.dyn_ref::<web_sys::PointerEvent>().is_some_and(|e| e.pointer_type() == "touch");
        self.peeks.point(&written, system, touch || event.type_() == "pointerdown");
    }

    /// Closes the card, if open, and gives focus back to its code.
    pub fn close(&self) {
        app::close(self.target, true);
    }

    /// Whether a card is open.
    #[wasm_bindgen(getter, js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.target.with_untracked(Option::is_some)
    }

    /// Removes everything the widget added to the page. It borrows the handle rather than taking
    /// it: a page's handler of `codecard:open` or `codecard:close` may call it while `open` or
    /// `close` (which fired the event) still holds the handle, and taking it then would throw.
    /// The handle itself is freed when the loader lets go of it.
    pub fn destroy(&self) {
        app::close(self.target, false);
        self.in_view.take();
        self.peeks.clear();
        self.mounted.take();
        self.host.remove();
    }
}

/// What the embed script passes to [`mount`], as JSON (camelCase keys).
#[derive(Clone, Debug)]
pub struct MountOptions {
    /// Base URL of the JSON API.
    pub endpoint: String,
    /// The address of the stylesheet applied inside the shadow roots.
    pub styles_url: String,
    /// Its text, fetched by the loader (over `connect-src`, so a page's `style-src` need not
    /// admit the endpoint); without it the shadow roots link the address.
    pub styles: String,
    /// How long a lookup may take before the card says so, in milliseconds.
    pub timeout_ms: u32,
    /// The embed script's public site key.
    pub site_key: Option<String>,
    /// `light`, `dark` or `auto` (follow `prefers-color-scheme`).
    pub theme: Option<String>,
    /// A language tag (`en`, `es`, `es-MX`); the browser's language when absent.
    pub lang: Option<String>,
    /// Show "Ask about this code".
    pub ask: bool,
    /// The URL template the ask action opens (`{code}`, `{system}`).
    pub ask_url: Option<String>,
}

decode::from_object!(MountOptions {
    endpoint: req,
    styles_url = "stylesUrl": req,
    styles: or_default,
    timeout_ms = "timeoutMs": or_else(|| 8000),
    site_key = "siteKey": opt,
    theme: opt,
    lang: opt,
    ask: or_default,
    ask_url = "askUrl": opt,
});

/// The settings in `options`, the JSON of [`MountOptions`] (the same for the card and the
/// search boxes of one instance).
fn config(options: &str) -> Result<WidgetConfig, JsValue> {
    let options: MountOptions = decode::from_text(options).map_err(|decode::Bad(field)| {
        JsValue::from_str(&format!("codecard: bad options: {field} is missing or wrong"))
    })?;
    let lang = match options.lang.as_deref().filter(|tag| !tag.is_empty()) {
        Some(tag) => i18n::Lang::from_tag(tag),
        None => i18n::Lang::from_tag(&web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default()),
    };
    Ok(WidgetConfig {
        endpoint: options.endpoint.trim_end_matches('/').to_string(),
        timeout_ms: options.timeout_ms.max(1),
        site_key: options.site_key.filter(|key| !key.is_empty()),
        ask: (options.ask || options.ask_url.is_some()).then_some(ask::Ask { url: options.ask_url }),
        lang,
        theme: options.theme.as_deref().and_then(Theme::parse),
        styles: dom::Styles { text: options.styles, url: options.styles_url },
    })
}

/// Creates the widget's shadow root at the end of `<body>` and mounts the Leptos app in it.
/// `options` is the JSON of [`MountOptions`]; `root`, the element (or document) whose codes the
/// loader manages: the public parts of those in view are fetched before any click.
#[cfg(not(feature = "search-box"))]
#[wasm_bindgen]
pub fn mount(options: &str, root: Option<web_sys::Node>) -> Result<Widget, JsValue> {
    let config = config(options)?;
    let (host, container) = dom::shadow_host(&config.look())?;
    let target = RwSignal::new(None::<Target>);
    let context = config.clone();
    let peeks = peek::Peeks::new(config.endpoint.clone(), config.site_key.clone(), config.timeout_ms);
    let shared = SendWrapper::new(peeks.clone());
    let handle = leptos::mount::mount_to(container, move || {
        let account = paywall::Account::new(context.endpoint.clone(), context.site_key.clone(), context.timeout_ms);
        account.listen();
        provide_context(account);
        provide_context(shared.clone());
        provide_context(context.lang);
        provide_context(context);
        view! { <App target /> }
    });
    let in_view = root.and_then(|root| in_view::InView::start(&root, &peeks));
    let mounted: Box<dyn std::any::Any> = Box::new(SendWrapper::new(handle));
    Ok(Widget { target, host, peeks, in_view: in_view.into(), mounted: Some(mounted).into() })
}

//! The meter line, the paywall and locked sections (fixed markup, see `fixed`), and the account
//! actions behind their buttons (log in and register in a popup on the endpoint's origin, log
//! out), which the card's frame runs.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use super::auth::{self, AccountPage, TokenSlot};
use super::dom::Listener;
use super::fixed::{Action, El, button, el};
use super::i18n;
use crate::api::{Meter, Plan};

/// Account state shared by every card of one widget, provided as context by the root.
#[derive(Clone)]
pub struct Account {
    /// Everything that is not reactive, in a plain cell (a `StoredValue` compiled Leptos's arena
    /// code for its type). Dropped with the widget's root, and the popup listener with it.
    stored: SendWrapper<Rc<RefCell<Stored>>>,
    timeout_ms: u32,
    /// Bumped whenever the stored session changes; lookups track it and run again, so a card
    /// unlocks the moment the popup reports a new account. A `usize`, the type of Leptos's own
    /// refetch counter in every resource, so that the two share one copy of the signal code.
    pub version: RwSignal<usize>,
}

/// What [`Account`] keeps between calls.
struct Stored {
    endpoint: String,
    site_key: Option<String>,
    /// The log-in or registration popup this widget opened last.
    popup: Option<web_sys::Window>,
    listener: Option<Listener>,
}

impl Account {
    /// Account state for `endpoint`; call [`Account::listen`] to accept sessions from popups.
    pub fn new(endpoint: String, site_key: Option<String>, timeout_ms: u32) -> Account {
        let stored = Stored { endpoint, site_key, popup: None, listener: None };
        Account { stored: SendWrapper::new(Rc::new(RefCell::new(stored))), timeout_ms, version: RwSignal::new(0) }
    }

    fn endpoint(&self) -> String {
        self.stored.borrow().endpoint.clone()
    }

    /// Listens for the session message of the account popup: only from the endpoint's origin
    /// and only from the window this widget opened.
    pub fn listen(&self) {
        let endpoint = self.endpoint();
        let Some(expected_origin) = auth::origin_of(&endpoint) else { return };
        let target: web_sys::EventTarget = window().into();
        // Weak: the listener is kept in what it reads.
        let (stored, version) = (Rc::downgrade(&self.stored), self.version);
        let listener = Listener::new(&target, "message", false, move |event| {
            let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::MessageEvent>(&event) else { return };
            let Some(stored) = stored.upgrade() else { return };
            let from_popup = stored.borrow().popup.as_ref().is_some_and(|p| auth::from_window(event, p));
            if !from_popup {
                return;
            }
            if let Some(session) = auth::session_from_message(event, &expected_origin) {
                auth::store(&endpoint, TokenSlot::Session, &session.token);
                version.update(|v| *v += 1);
            }
        });
        self.stored.borrow_mut().listener = Some(listener);
    }

    /// Opens the log-in or registration page in a popup.
    pub fn open(&self, page: AccountPage) {
        let mut stored = self.stored.borrow_mut();
        stored.popup = auth::open_account_page(&stored.endpoint, page, stored.site_key.as_deref());
    }

    /// Logs out; the card shows the guest meter again.
    pub fn log_out(&self) {
        let (endpoint, timeout_ms, version) = (self.endpoint(), self.timeout_ms, self.version);
        leptos::task::spawn_local(async move {
            // Failure to reach the endpoint still logs out locally; nothing more to report.
            let _ = super::client::log_out(&endpoint, timeout_ms).await;
            version.update(|v| *v += 1);
        });
    }
}

/// "Log in" and "Register free account" for a guest; the account and "Log out" for a member.
pub fn account_buttons(email: Option<String>) -> El {
    let text = i18n::current().text();
    match email {
        Some(email) => el("p")
            .class("cc-account")
            .child(el("span").class("cc-account-email").child(format!("{} {email}", text.logged_in_as)))
            .child(button("cc-link", Action::LogOut, text.log_out)),
        None => el("p")
            .class("cc-actions")
            .child(button("cc-button cc-secondary", Action::LogIn, text.log_in))
            .child(button("cc-button", Action::Register, text.register)),
    }
}

/// The meter under a card the visitor may see.
pub fn meter_bar(meter: Meter) -> El {
    let unlimited = meter.remaining.is_none();
    let lang = i18n::current();
    el("aside")
        .class("cc-meter")
        .attr("aria-label", lang.text().views)
        .child(el("p").class("cc-meter-message").child(i18n::meter_message(lang, &meter)))
        .maybe((!unlimited || meter.account.is_some()).then(|| account_buttons(meter.account).into()))
}

/// What a card shows instead of its content when the visitor's views are used up.
pub fn paywall(meter: Meter) -> El {
    let lang = i18n::current();
    let heading = match meter.plan {
        Plan::Guest => lang.text().paywall_guest,
        _ => lang.text().paywall_member,
    };
    el("section")
        .class("cc-paywall")
        .attr("aria-labelledby", "cc-paywall-title")
        .child(el("h3").attr("id", "cc-paywall-title").child(heading))
        .child(el("p").class("cc-meter-message").child(i18n::meter_message(lang, &meter)))
        .child(account_buttons(meter.account))
}

/// One notice for every section the visitor's plan (`None`: no meter) does not include, naming
/// them by their titles, in card order.
pub fn locked_sections(titles: Vec<String>, plan: Option<Plan>) -> El {
    let strings = i18n::current().text();
    let (title, text) = match plan {
        Some(Plan::Free | Plan::Paid) => strings.locked_member,
        _ => strings.locked_guest,
    };
    el("section")
        .class("cc-section cc-locked")
        .attr("aria-labelledby", "cc-locked-title")
        .attr("data-locked", "")
        .child(el("h3").attr("id", "cc-locked-title").class("cc-locked-title").child(title))
        .child(el("p").child(format!("{text}:")))
        .child(el("ul").class("cc-locked-list").children(titles.into_iter().map(|title| el("li").child(title).into())))
}

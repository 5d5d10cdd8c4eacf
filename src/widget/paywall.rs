//! The meter line, the paywall and locked sections, and the account actions behind their
//! buttons (log in and register in a popup on the endpoint's origin, log out).

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use super::auth::{self, AccountPage, TokenSlot};
use super::dom::Listener;
use super::i18n;
use crate::api::{Meter, Plan};

/// Account state shared by every card of one widget, provided as context by the root.
#[derive(Clone, Copy)]
pub struct Account {
    /// One stored value for everything that is not reactive: Leptos's arena code is compiled
    /// once per stored type.
    stored: StoredValue<Stored>,
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
    popup: Option<SendWrapper<web_sys::Window>>,
    listener: Option<SendWrapper<Listener>>,
}

impl Account {
    /// Account state for `endpoint`; call [`Account::listen`] to accept sessions from popups.
    pub fn new(endpoint: String, site_key: Option<String>, timeout_ms: u32) -> Account {
        Account {
            stored: StoredValue::new(Stored { endpoint, site_key, popup: None, listener: None }),
            timeout_ms,
            version: RwSignal::new(0),
        }
    }

    fn endpoint(self) -> String {
        self.stored.with_value(|stored| stored.endpoint.clone())
    }

    /// Listens for the session message of the account popup: only from the endpoint's origin
    /// and only from the window this widget opened.
    pub fn listen(self) {
        let endpoint = self.endpoint();
        let Some(expected_origin) = auth::origin_of(&endpoint) else { return };
        let target: web_sys::EventTarget = window().into();
        let listener = Listener::new(&target, "message", false, move |event| {
            let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::MessageEvent>(&event) else { return };
            let from_popup =
                self.stored.with_value(|stored| stored.popup.as_ref().is_some_and(|p| auth::from_window(event, p)));
            if !from_popup {
                return;
            }
            if let Some(session) = auth::session_from_message(event, &expected_origin) {
                auth::store(&self.endpoint(), TokenSlot::Session, &session.token);
                self.version.update(|v| *v += 1);
            }
        });
        self.stored.update_value(|stored| stored.listener = Some(SendWrapper::new(listener)));
    }

    /// Opens the log-in or registration page in a popup.
    pub fn open(self, page: AccountPage) {
        let popup = self
            .stored
            .with_value(|stored| auth::open_account_page(&stored.endpoint, page, stored.site_key.as_deref()));
        self.stored.update_value(|stored| stored.popup = popup.map(SendWrapper::new));
    }

    /// Logs out; the card shows the guest meter again.
    pub fn log_out(self) {
        let (endpoint, timeout_ms, version) = (self.endpoint(), self.timeout_ms, self.version);
        leptos::task::spawn_local(async move {
            // Failure to reach the endpoint still logs out locally; nothing more to report.
            let _ = super::client::log_out(&endpoint, timeout_ms).await;
            version.update(|v| *v += 1);
        });
    }
}

/// "Log in" and "Register free account" for a guest; the account and "Log out" for a member.
#[component]
pub fn AccountButtons(
    /// The logged-in account's email; `None` for a guest.
    email: Option<String>,
) -> impl IntoView {
    let account = expect_context::<Account>();
    let text = i18n::current().text();
    match email {
        Some(email) => view! {
            <p class="cc-account">
                <span class="cc-account-email">{format!("{} {email}", text.logged_in_as)}</span>
                <button type="button" class="cc-link" on:click=move |_| account.log_out()>{text.log_out}</button>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="cc-actions">
                <button type="button" class="cc-button cc-secondary" on:click=move |_| account.open(AccountPage::Login)>
                    {text.log_in}
                </button>
                <button type="button" class="cc-button" on:click=move |_| account.open(AccountPage::Register)>
                    {text.register}
                </button>
            </p>
        }
        .into_any(),
    }
}

/// The meter under a card the visitor may see.
#[component]
pub fn MeterBar(
    /// The visitor's meter.
    meter: Meter,
) -> impl IntoView {
    let unlimited = meter.remaining.is_none();
    let lang = i18n::current();
    view! {
        <aside class="cc-meter" aria-label=lang.text().views>
            <p class="cc-meter-message">{i18n::meter_message(lang, &meter)}</p>
            {(!unlimited || meter.account.is_some()).then(|| view! { <AccountButtons email=meter.account.clone() /> }.into_any())}
        </aside>
    }
}

/// What a card shows instead of its content when the visitor's views are used up.
#[component]
pub fn Paywall(
    /// The visitor's meter.
    meter: Meter,
) -> impl IntoView {
    let lang = i18n::current();
    let heading = match meter.plan {
        Plan::Guest => lang.text().paywall_guest,
        _ => lang.text().paywall_member,
    };
    view! {
        <section class="cc-paywall" aria-labelledby="cc-paywall-title">
            <h3 id="cc-paywall-title">{heading}</h3>
            <p class="cc-meter-message">{i18n::meter_message(lang, &meter)}</p>
            <AccountButtons email=meter.account.clone() />
        </section>
    }
}

/// One notice for every section the visitor's plan does not include, naming them.
#[component]
pub fn LockedSections(
    /// The locked sections' titles, in card order.
    titles: Vec<String>,
    /// The visitor's plan, which decides the wording.
    plan: Option<Plan>,
) -> impl IntoView {
    let strings = i18n::current().text();
    let (title, text) = match plan {
        Some(Plan::Free | Plan::Paid) => strings.locked_member,
        _ => strings.locked_guest,
    };
    view! {
        <section class="cc-section cc-locked" aria-labelledby="cc-locked-title" data-locked="">
            <h3 id="cc-locked-title" class="cc-locked-title">{title}</h3>
            <p>{format!("{text}:")}</p>
            <ul class="cc-locked-list">
                {titles.into_iter().map(|title| view! { <li>{title}</li> }.into_any()).collect_view()}
            </ul>
        </section>
    }
}

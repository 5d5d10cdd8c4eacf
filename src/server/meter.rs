//! The paywall: plans, quotas, periods, which card sections each plan sees, and the redaction
//! that makes sure a response for a visitor who is not entitled carries none of the gated text.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use crate::api::{Card, Meter, Plan, Section};

/// The card parts the server can lock, by section id. Sections the catalog adds (e.g.
/// `related`, `coding_tips`) are gated by their own ids the same way.
pub mod parts {
    /// The short and long descriptors and the descriptor note.
    pub const DESCRIPTION: &str = "description";
    /// The plain-language text.
    pub const PLAIN_LANGUAGE: &str = "plain_language";
    /// The classification chain and, for ICD-10-PCS, the seven axes.
    pub const HIERARCHY: &str = "hierarchy";
}

/// When quotas start afresh (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    /// Calendar month.
    Month,
    /// ISO week.
    Week,
    /// Calendar day.
    Day,
    /// Clock hour: how the per-address cap on new guests recovers (never a meter period).
    #[value(skip)]
    Hour,
}

impl Period {
    /// The key of the period holding `unix_seconds` (`2026-11`, `2026-W48`, `2026-11-24`).
    pub fn key(self, unix_seconds: u64) -> String {
        let at = OffsetDateTime::from_unix_timestamp(unix_seconds as i64).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        match self {
            Period::Month => format!("{:04}-{:02}", at.year(), at.month() as u8),
            Period::Week => {
                let (year, week, _) = at.to_iso_week_date();
                format!("{year:04}-W{week:02}")
            }
            Period::Day => format!("{:04}-{:02}-{:02}", at.year(), at.month() as u8, at.day()),
            Period::Hour => format!("{:04}-{:02}-{:02}T{:02}", at.year(), at.month() as u8, at.day(), at.hour()),
        }
    }
}

/// Which sections a plan sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sections {
    /// Every section.
    All,
    /// Only these section ids.
    Only(BTreeSet<String>),
}

impl Sections {
    /// Parses `all` or a comma-separated list of section ids.
    pub fn parse(text: &str) -> Result<Sections, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Sections::All);
        }
        let ids: BTreeSet<String> =
            text.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()).collect();
        if let Some(bad) = ids.iter().find(|id| !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
            return Err(format!("{bad:?} is not a section id (lower-case letters and _)"));
        }
        Ok(Sections::Only(ids))
    }

    /// Whether section `id` is included.
    pub fn includes(&self, id: &str) -> bool {
        match self {
            Sections::All => true,
            Sections::Only(ids) => ids.contains(id),
        }
    }
}

/// The meter's configuration; defaults as the product sells it.
#[derive(Clone, Debug)]
pub struct MeterConfig {
    /// Whether views are metered at all. Off, every card is complete and no token is issued.
    pub enabled: bool,
    /// Code views per period for a guest.
    pub guest_views: u32,
    /// Code views per period for a free account, guest views included.
    pub free_views: u32,
    /// Code views per period for a paid account; `None` is unlimited.
    pub paid_views: Option<u32>,
    /// When quotas reset.
    pub period: Period,
    /// New guest identities one IP address may obtain per period (clearing storage to farm
    /// views runs into this).
    pub new_guests_per_ip: u32,
    /// What a guest sees of a card.
    pub guest_sections: Sections,
    /// What a free account sees.
    pub free_sections: Sections,
    /// What a paid account sees.
    pub paid_sections: Sections,
    /// How long a visitor token lives, in seconds.
    pub visitor_token_ttl: u64,
    /// How long a log-in session lives, in seconds.
    pub session_ttl: u64,
}

impl Default for MeterConfig {
    fn default() -> Self {
        let only = |ids: &[&str]| Sections::Only(ids.iter().map(|s| s.to_string()).collect());
        MeterConfig {
            enabled: true,
            guest_views: 1,
            free_views: 6,
            paid_views: None,
            period: Period::Month,
            new_guests_per_ip: 20,
            guest_sections: only(&[parts::DESCRIPTION, parts::PLAIN_LANGUAGE]),
            free_sections: only(&[
                parts::DESCRIPTION,
                parts::PLAIN_LANGUAGE,
                parts::HIERARCHY,
                "related",
                "coding_notes",
            ]),
            paid_sections: Sections::All,
            visitor_token_ttl: 400 * 86_400,
            session_ttl: 30 * 86_400,
        }
    }
}

impl MeterConfig {
    /// The views a plan allows per period; `None` is unlimited.
    pub fn limit(&self, plan: Plan) -> Option<u32> {
        match plan {
            Plan::Guest => Some(self.guest_views),
            Plan::Free => Some(self.free_views),
            Plan::Paid => self.paid_views,
        }
    }

    /// The sections a plan sees.
    pub fn sections(&self, plan: Plan) -> &Sections {
        match plan {
            Plan::Guest => &self.guest_sections,
            Plan::Free => &self.free_sections,
            Plan::Paid => &self.paid_sections,
        }
    }

    /// The meter sentence, worded as on the seed site: "0 code page views remaining. Guest
    /// accounts are limited to 1 page view. Register free account to get 5 more views."
    pub fn message(&self, plan: Plan, remaining: Option<u32>) -> String {
        let views = |n: u32, what: &str| if n == 1 { format!("1 {what} view") } else { format!("{n} {what} views") };
        let Some(remaining) = remaining else {
            return "Unlimited code page views.".into();
        };
        let left = format!("{} remaining.", views(remaining, "code page"));
        match (plan, self.limit(plan)) {
            (Plan::Guest, Some(limit)) => {
                let more = self.free_views.saturating_sub(limit);
                let register = if more > 0 {
                    format!(" Register free account to get {more} more {}.", if more == 1 { "view" } else { "views" })
                } else {
                    String::new()
                };
                format!("{left} Guest accounts are limited to {}.{register}", views(limit, "page"))
            }
            (Plan::Free, Some(limit)) => {
                format!(
                    "{left} Free accounts are limited to {}. Upgrade to a paid plan for unlimited views.",
                    views(limit, "page")
                )
            }
            (_, Some(limit)) => format!("{left} Your plan is limited to {}.", views(limit, "page")),
            (_, None) => "Unlimited code page views.".into(),
        }
    }
}

/// The title a locked built-in part shows.
fn part_title(id: &str) -> &'static str {
    match id {
        parts::DESCRIPTION => "Official description",
        parts::PLAIN_LANGUAGE => "In plain language",
        _ => "Where it belongs",
    }
}

/// Removes from `card` everything `sections` does not include, leaving a locked stub (title
/// only) in its place. With `paywalled`, everything but the code, its system and its public
/// title goes.
///
/// The title (what search shows: the full description, or for CPT the licensed descriptor or
/// else codecard's summary) is public, as in any printed code book; it stays in the field it
/// came from. Everything else of the description part is gated.
pub fn redact(mut card: Card, sections: &Sections, paywalled: bool) -> Card {
    let allowed = |id: &str| !paywalled && sections.includes(id);
    // Index terms are public for any plan, but a paywalled card carries no text at all.
    if paywalled {
        card.also_indexed_as.clear();
    }
    let mut locked = Vec::new();
    if !allowed(parts::DESCRIPTION) {
        // The title is the long description where there is one, else the short one.
        let had = if card.long_description.is_some() {
            card.short_description.take().is_some()
        } else {
            card.descriptor_note.is_some()
        };
        card.descriptor_note = None;
        if had {
            locked.push(parts::DESCRIPTION);
        }
    }
    if !allowed(parts::PLAIN_LANGUAGE) && card.plain_language.take().is_some() {
        locked.push(parts::PLAIN_LANGUAGE);
    }
    if !(allowed(parts::HIERARCHY) || card.hierarchy.is_empty() && card.axes.is_empty()) {
        card.hierarchy.clear();
        card.axes.clear();
        locked.push(parts::HIERARCHY);
    }
    for section in &mut card.sections {
        if !allowed(&section.id) {
            section.content = None;
        }
    }
    let stubs = locked.into_iter().map(|id| Section { id: id.into(), title: part_title(id).into(), content: None });
    card.sections.splice(0..0, stubs);
    card.paywalled = paywalled;
    card
}

/// The meter a card carries.
pub fn meter(config: &MeterConfig, plan: Plan, used: u32, counted: bool, account: Option<String>) -> Meter {
    let limit = config.limit(plan);
    let remaining = limit.map(|limit| limit.saturating_sub(used));
    let free_limit = Some(config.free_views);
    Meter { plan, remaining, limit, free_limit, counted, message: config.message(plan, remaining), account }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guest_message_matches_the_seed_site_word_for_word() {
        let config = MeterConfig::default();
        assert_eq!(
            config.message(Plan::Guest, Some(0)),
            "0 code page views remaining. Guest accounts are limited to 1 page view. Register free account to get 5 more views."
        );
        assert!(config.message(Plan::Guest, Some(1)).starts_with("1 code page view remaining."));
        assert_eq!(
            config.message(Plan::Free, Some(4)),
            "4 code page views remaining. Free accounts are limited to 6 page views. Upgrade to a paid plan for unlimited views."
        );
        assert_eq!(config.message(Plan::Paid, None), "Unlimited code page views.");
    }

    #[test]
    fn periods_are_utc_months_weeks_and_days() {
        // 2026-11-24T19:20:00Z is a Tuesday in ISO week 48.
        let t = 1_795_548_000;
        assert_eq!(Period::Month.key(t), "2026-11");
        assert_eq!(Period::Week.key(t), "2026-W48");
        assert_eq!(Period::Day.key(t), "2026-11-24");
        assert_eq!(Period::Hour.key(t), "2026-11-24T19");
        // One second before midnight on 31 December stays in December.
        assert_eq!(Period::Month.key(1_798_761_599), "2026-12");
        assert_eq!(Period::Month.key(1_798_761_600), "2027-01");
    }

    #[test]
    fn section_lists_parse() {
        assert_eq!(Sections::parse("all"), Ok(Sections::All));
        assert!(Sections::parse("description, hierarchy").unwrap().includes("hierarchy"));
        assert!(!Sections::parse("description").unwrap().includes("related"));
        assert!(Sections::parse("descr<ption").is_err());
    }
}

//! The paywall: plans, quotas, periods, which card sections each plan sees, and the redaction
//! that makes sure a response for a visitor who is not entitled carries none of the gated text.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use clap::ValueEnum;

use crate::api::{Card, Meter, Plan, Section, SectionId};

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
    /// Only these sections.
    Only(BTreeSet<SectionId>),
}

impl Sections {
    /// Parses `all` or a comma-separated list of section ids; an id that is not one (a typo
    /// such as `hierachy`) is an error, so that a misspelt flag stops the start instead of
    /// silently locking a section.
    pub fn parse(text: &str) -> Result<Sections, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Sections::All);
        }
        let known = || {
            SectionId::value_variants().iter().filter_map(|id| id.to_possible_value()).map(|v| v.get_name().to_string())
        };
        text.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                SectionId::from_str(id, true).map_err(|_| {
                    format!(
                        "{id:?} is not a section id; use all or some of: {}",
                        known().collect::<Vec<_>>().join(", ")
                    )
                })
            })
            .collect::<Result<_, _>>()
            .map(Sections::Only)
    }

    /// Whether section `id` is included.
    pub fn includes(&self, id: SectionId) -> bool {
        match self {
            Sections::All => true,
            Sections::Only(ids) => ids.contains(&id),
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
        let only = |ids: &[SectionId]| Sections::Only(ids.iter().copied().collect());
        MeterConfig {
            enabled: true,
            guest_views: 1,
            free_views: 6,
            paid_views: None,
            period: Period::Month,
            new_guests_per_ip: 20,
            guest_sections: only(&[SectionId::Description, SectionId::PlainLanguage]),
            free_sections: only(&[
                SectionId::Description,
                SectionId::PlainLanguage,
                SectionId::Hierarchy,
                SectionId::Related,
                SectionId::CodingNotes,
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
}

/// Removes from `card` everything `sections` does not include, leaving a locked stub (title
/// only) in its place. With `paywalled`, everything but the code, its system, its public
/// title and its Index terms goes.
///
/// The title (what search shows: the full description, or for CPT the licensed descriptor or
/// else codecard's summary) is public, as in any printed code book; it stays in the field it
/// came from. Everything else of the description part is gated.
pub fn redact(mut card: Card, sections: &Sections, paywalled: bool) -> Card {
    let allowed = |id: SectionId| !paywalled && sections.includes(id);
    // The Index terms (`also_indexed_as`) stay whatever the plan or quota: they are what any
    // printed index shows, public like the title.
    let mut locked = Vec::new();
    if !allowed(SectionId::Description) {
        // The title is the long description where there is one, else the short one.
        let had = if card.long_description.is_some() {
            card.short_description.take().is_some()
        } else {
            card.descriptor_note.is_some()
        };
        card.descriptor_note = None;
        if had {
            locked.push(SectionId::Description);
        }
    }
    if !allowed(SectionId::PlainLanguage) && card.plain_language.take().is_some() {
        locked.push(SectionId::PlainLanguage);
    }
    if !(allowed(SectionId::Hierarchy) || card.hierarchy.is_empty() && card.axes.is_empty()) {
        card.hierarchy.clear();
        card.axes.clear();
        locked.push(SectionId::Hierarchy);
    }
    for section in &mut card.sections {
        if !allowed(section.id) {
            section.content = None;
        }
    }
    let stubs = locked.into_iter().map(|id| Section { id, content: None });
    card.sections.splice(0..0, stubs);
    card.paywalled = paywalled;
    card
}

/// The meter a card carries.
pub fn meter(config: &MeterConfig, plan: Plan, used: u32, counted: bool, account: Option<String>) -> Meter {
    let limit = config.limit(plan);
    let remaining = limit.map(|limit| limit.saturating_sub(used));
    let free_limit = Some(config.free_views);
    Meter { plan, remaining, limit, free_limit, counted, account }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(Sections::parse("description, hierarchy").unwrap().includes(SectionId::Hierarchy));
        assert!(!Sections::parse("description").unwrap().includes(SectionId::Related));
        assert!(Sections::parse("descr<ption").is_err());
    }

    #[test]
    fn a_misspelt_section_id_is_an_error_naming_the_valid_ones() {
        let error = Sections::parse("description,hierachy").unwrap_err();
        assert!(error.contains("\"hierachy\" is not a section id"), "{error}");
        assert!(error.contains("plain_language") && error.contains("coding_notes"), "{error}");
    }
}

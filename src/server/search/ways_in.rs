//! Extra ways into a code: phrases other than its title that lead to it, each saying where it
//! comes from. The search index matches them like titles and ranks a code by its best way in.
//!
//! Today the ICD-10-CM Alphabetic Index feeds them ([`super::index_terms`]); the Tabular
//! List's inclusion terms can come through the same door with [`WayKind::InclusionTerm`].

use crate::api::CodeSystem;

/// Where a way in comes from: how strongly it counts, and how a result names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WayKind {
    /// A path of the ICD-10-CM Alphabetic Index: main term, then subterms.
    AlphabeticIndex,
    /// An inclusion term of the ICD-10-CM Tabular List.
    InclusionTerm,
}

impl WayKind {
    /// Added to the rank of a code whose way in a query covers entirely (every word typed
    /// whole). An Index path is how coders look a word up: covering one is stronger evidence
    /// than the rarity of the words (so `fits` finds "Fit" before "Cysticercosis, with,
    /// epileptiform fits") and than a title covered as well. An inclusion term is weaker than
    /// the title itself (the title adds its full coverage, 3.0).
    pub(super) fn full_match(self) -> f32 {
        match self {
            WayKind::AlphabeticIndex => 4.0,
            WayKind::InclusionTerm => -0.5,
        }
    }

    /// The source as a result names it: `Index` in `"via": "Index: Hernia, umbilical"`.
    pub fn source(self) -> &'static str {
        match self {
            WayKind::AlphabeticIndex => "Index",
            WayKind::InclusionTerm => "Tabular",
        }
    }
}

/// One way into a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WayIn {
    /// The code's system.
    pub system: CodeSystem,
    /// The code (normalised, loaded, not deleted) it leads to.
    pub code: String,
    /// The words a query must cover to match the way in completely.
    pub phrase: String,
    /// Other forms of those words (`hernial` beside `hernia`, `umbilical` beside `umbilicus`):
    /// they match as the phrase's words do, but a query need not name them.
    pub alternatives: String,
    /// Words that may match but are never needed and count less (nonessential modifiers).
    pub optional: String,
    /// How a person reads it (`Hernia, umbilical`): a result found through it says
    /// `"via": "Index: Hernia, umbilical"`.
    pub label: String,
    /// Where it comes from.
    pub kind: WayKind,
    /// Order among one code's ways when a card lists them, lowest first (main terms before
    /// subterms, direct entries before cross-references).
    pub prominence: u16,
}

impl WayIn {
    /// What a result found through it says: `Index: Hernia, umbilical`.
    pub fn via(&self) -> String {
        format!("{}: {}", self.kind.source(), self.label)
    }
}

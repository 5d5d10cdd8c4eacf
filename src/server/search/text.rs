//! Words: how descriptions and queries are cut into the terms the index stores.
//!
//! One function cuts both sides, so a word in a query can only ever be compared with a word
//! cut the same way from a title.

/// A word of a text: its folded form and where it sits, in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Lower case ASCII letters and digits (accents folded, everything else dropped).
    pub term: String,
    /// The first character of the word in the original text.
    pub start: u32,
    /// The character after the word.
    pub end: u32,
}

/// Cuts `text` into words: runs of letters and digits. An apostrophe inside a word is dropped
/// (`Crohn's` → `crohns`), so possessives match either way; everything else separates words.
/// Each word is folded to ASCII (`deunicode`: Ménière → meniere, Sjögren → sjogren) and British
/// spellings to American ones (see [`us_spelling`]), so that both sides of a comparison agree.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let i = i as u32;
        if let Some(folded) = fold(c) {
            let word = current.get_or_insert_with(|| Word { term: String::new(), start: i, end: i });
            word.term.push_str(folded);
            word.end = i + 1;
        } else if (c == '\'' || c == '’')
            && current.is_some()
            && chars.peek().is_some_and(|(_, next)| fold(*next).is_some())
        {
            // Inside a word: keep going.
        } else if let Some(word) = current.take() {
            out.push(word);
        }
    }
    out.extend(current);
    for word in &mut out {
        us_spelling(&mut word.term);
        if let Some(spelled) = ordinal_word(&word.term) {
            word.term = spelled.to_string();
        }
    }
    out
}

/// An ordinal written with digits as its word (`2nd` → `second`): clinicians write "2nd degree
/// burn", long titles say "second degree" and short descriptions "1st carpometacarp".
fn ordinal_word(term: &str) -> Option<&'static str> {
    const ORDINALS: [(&str, &str); 10] = [
        ("1st", "first"),
        ("2nd", "second"),
        ("3rd", "third"),
        ("4th", "fourth"),
        ("5th", "fifth"),
        ("6th", "sixth"),
        ("7th", "seventh"),
        ("8th", "eighth"),
        ("9th", "ninth"),
        ("10th", "tenth"),
    ];
    ORDINALS.iter().find(|(digits, _)| *digits == term).map(|(_, word)| *word)
}

/// The terms of `text`, without positions.
pub fn terms(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.term).collect()
}

/// Lower-case ASCII for a character that is part of a word (`é` → `e`, `æ` → `ae`, `ß` → `ss`);
/// `None` for anything else. ASCII is handled without a table look-up.
fn fold(c: char) -> Option<&'static str> {
    const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    if c.is_ascii() {
        let at = match c.to_ascii_lowercase() {
            d @ '0'..='9' => d as usize - '0' as usize,
            l @ 'a'..='z' => 10 + l as usize - 'a' as usize,
            _ => return None,
        };
        return Some(&ASCII[at..at + 1]);
    }
    if !c.is_alphanumeric() {
        return None;
    }
    // Letters only: deunicode also spells out symbols; it gives capitals for capitals.
    let ascii = deunicode::deunicode_char(c)?;
    let ok = !ascii.is_empty() && ascii.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        return Some(ascii);
    }
    let lower = deunicode::deunicode_char(c.to_lowercase().next()?)?;
    (!lower.is_empty() && lower.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())).then_some(lower)
}

/// Rewrites a British spelling into the American one the code sets use, in place:
/// `haemorrhoids` → `hemorrhoids`, `anaemia` → `anemia`, `paediatric` → `pediatric`,
/// `oesophagitis` → `esophagitis`, `diarrhoea` → `diarrhea`, `coeliac` → `celiac`,
/// `foetal` → `fetal`, `tumour` → `tumor`, `goitre` → `goiter`, `immunisation` → `immunization`.
/// Applied to titles and queries alike. A leading `ae` (aerobic) and a final `ae` (vertebrae)
/// stay, so a half-typed word still reaches the full one by prefix.
pub fn us_spelling(term: &mut String) {
    const WORDS: [(&str, &str); 12] = [
        ("tumour", "tumor"),
        ("tumours", "tumors"),
        ("colour", "color"),
        ("behaviour", "behavior"),
        ("behavioural", "behavioral"),
        ("labour", "labor"),
        ("odour", "odor"),
        ("goitre", "goiter"),
        ("centre", "center"),
        ("fibre", "fiber"),
        ("manoeuvre", "maneuver"),
        ("grey", "gray"),
    ];
    if let Some((_, us)) = WORDS.iter().find(|(uk, _)| uk == term) {
        *term = (*us).to_string();
        return;
    }
    if !term.contains("ae") && !term.contains("oe") && !term.contains("isation") && !term.contains("ysed") {
        return;
    }
    let mut out = term.clone();
    if out.starts_with("oe") && out.len() > 3 {
        out.remove(0);
    }
    for (uk, us) in [
        ("rrhoea", "rrhea"),
        ("foet", "fet"),
        ("coel", "cel"),
        ("amoeb", "ameb"),
        ("isation", "ization"),
        ("ysed", "yzed"),
    ] {
        if out.contains(uk) {
            out = out.replace(uk, us);
        }
    }
    // `ae` inside a word: anaemia, haem-, paediatric, gynaecology, caecum, ischaemic.
    while let Some(at) = out.get(1..).and_then(|rest| rest.find("ae")).map(|i| i + 1).filter(|at| at + 2 < out.len()) {
        out.replace_range(at..at + 2, "e");
    }
    *term = out;
}

/// The other number of a word: `corns` → `corn`, `bell` → `bells`, `injuries` → `injury`,
/// `feet` → `foot`; for an adjective in `-y`, its noun too (`itchy` → `itch`).
pub fn other_numbers(term: &str) -> Vec<String> {
    const IRREGULAR: [(&str, &str); 4] = [("feet", "foot"), ("teeth", "tooth"), ("lice", "louse"), ("women", "woman")];
    if let Some((a, b)) = IRREGULAR.iter().find(|(a, b)| *a == term || *b == term) {
        return vec![if *a == term { b } else { a }.to_string()];
    }
    if term.len() < 3 || term.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    if let Some(stem) = term.strip_suffix("ies") {
        vec![format!("{stem}y")]
    } else if let Some(stem) = term.strip_suffix("es").filter(|s| s.ends_with(['s', 'x', 'z', 'h'])) {
        vec![stem.to_string()]
    } else if let Some(stem) = term.strip_suffix('s').filter(|s| !s.ends_with(['s', 'u', 'i'])) {
        vec![stem.to_string()]
    } else if let Some(stem) = term.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u'])) {
        // Also the noun of an everyday adjective: `itchy` → `itch`, `lumpy` → `lump`.
        let mut forms = vec![format!("{stem}ies")];
        if stem.len() >= 4 {
            forms.push(stem.to_string());
        }
        forms
    } else if term.ends_with(['s', 'x', 'z', 'h']) {
        vec![format!("{term}es")]
    } else {
        vec![format!("{term}s")]
    }
}

/// Other forms of a word that people use for the same thing: without `-ed`, `-ing` or
/// `-ness` (`sprained` → `sprain`, `bruised` → `bruise`, `bleeding` → `bleed`), or with `-ness`
/// (`hoarse` → `hoarseness`). Only forms of four letters or more; the caller keeps those the
/// dictionary has.
pub fn word_forms(term: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(stem) = term.strip_suffix("ed") {
        // `dislocated` → "Dislocation", `obstructed` → "Obstruction": the Index names the
        // condition by its noun.
        out.extend([stem.to_string(), format!("{stem}e")]);
        if stem.len() >= 4 {
            out.push(format!("{stem}ion"));
        }
    } else if let Some(stem) = term.strip_suffix("ing") {
        out.extend([stem.to_string(), format!("{stem}e")]);
    } else if let Some(stem) = term.strip_suffix("ness") {
        out.push(stem.to_string());
    } else if !term.ends_with('s') {
        out.push(format!("{term}ness"));
    }
    out.retain(|w| w.len() >= 4 && w != term);
    out
}

/// The noun of an anatomical adjective in `-al` and back (`sacral` ↔ `sacrum`, `rectal` ↔
/// `rectum`): the Index and the titles name a site either way ("Fracture, sacrum", "sacral
/// region"). Only stems of three letters or more, so `ovum` has no `oval`.
pub fn site_forms(term: &str) -> Option<String> {
    let (stem, other) = match (term.strip_suffix("al"), term.strip_suffix("um")) {
        (Some(stem), _) => (stem, "um"),
        (None, Some(stem)) => (stem, "al"),
        (None, None) => return None,
    };
    (stem.len() >= 3 && stem.is_ascii()).then(|| format!("{stem}{other}"))
}

/// Words of everyday questions and complaints that name no condition (`why do my ears ring`,
/// `what causes a stiff neck`, `i keep feeling faint`, `really bad`): dropped from a query that
/// has other words, after the synonym list has read it. Titles do not use them as details.
pub fn is_filler(term: &str) -> bool {
    matches!(
        term,
        "my" | "i"
            | "im"
            | "ive"
            | "me"
            | "mine"
            | "we"
            | "you"
            | "your"
            | "why"
            | "what"
            | "whats"
            | "how"
            | "do"
            | "does"
            | "did"
            | "have"
            | "has"
            | "had"
            | "got"
            | "getting"
            | "get"
            | "keeps"
            | "keep"
            | "causes"
            | "cause"
            | "can"
            | "cant"
            | "it"
            | "its"
            | "are"
            | "am"
            | "this"
            | "that"
            | "there"
            | "when"
            | "feel"
            | "feels"
            | "felt"
            | "feeling"
            | "really"
            | "very"
            | "been"
            | "keeping"
    )
}

/// How many distinct words of a title are details a query must name to cover it: not generic
/// words, and not words the title marks as inessential. ICD titles put nonessential modifiers
/// in parentheses and alternative names in brackets (`Acute nasopharyngitis [common cold]`),
/// and a negated detail (`without status migrainosus`, `not intractable`) is the default, not
/// a detail; such spans run to the next comma.
pub fn specific_words(title: &str) -> usize {
    let mut specific: Vec<String> = Vec::new();
    for (word, aside, negated) in read_title(title) {
        if !aside && !negated && !is_generic(&word.term) && !specific.contains(&word.term) {
            specific.push(word.term);
        }
    }
    specific.len()
}

/// The words a title only names to deny (`failure` in `... without heart failure`, `intractable`
/// in `not intractable`): a query naming one asks for the opposite of that title, unless the
/// query says `without` or `not` too.
pub fn negated_words(title: &str) -> Vec<String> {
    let read = read_title(title);
    let mut negated: Vec<String> = read
        .iter()
        .filter(|(word, _, negated)| *negated && !is_generic(&word.term))
        .map(|(word, _, _)| word.term.clone())
        .filter(|term| !read.iter().any(|(other, _, negated)| !negated && other.term == *term))
        .collect();
    negated.sort_unstable();
    negated.dedup();
    negated
}

/// A word without what spelling adds to its sound: doubled letters once, and the silent `h`
/// after `r` (`hemorrhoids` → `hemoroids`, `diarrhea` → `diarea`), for comparing misspellings.
pub fn skeleton(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let last = out.chars().last();
        if last == Some(c) || (c == 'h' && last == Some('r')) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether a query word asks for a negated detail (see [`negated_words`]).
pub fn negates(term: &str) -> bool {
    matches!(term, "without" | "not" | "no")
}

/// A title's words, each with whether it is an aside (in parentheses or brackets, or a side
/// the title leaves open) and whether it is negated (after `without` or `not`, to the next
/// comma or `with`). The negating words themselves are left out.
fn read_title(title: &str) -> Vec<(Word, bool, bool)> {
    let chars: Vec<char> = title.chars().collect();
    let mut depth = 0i32;
    let mut negated = false;
    let mut previous_end = 0usize;
    let mut out = Vec::new();
    let all = words(title);
    // A title ending in an inner `unspecified` and one word names the side or part it leaves
    // open (`Otitis media, unspecified, unspecified ear`, `Pain in unspecified knee`): the
    // default, not a detail, so a query naming no side finds that code as covered as its header.
    let left_open = match all.as_slice() {
        [_, .., before, last] if before.term == "unspecified" => {
            chars[before.end as usize..last.start as usize].iter().all(|c| c.is_whitespace())
        }
        _ => false,
    };
    let count = all.len();
    for (n, word) in all.into_iter().enumerate() {
        let open = left_open && n + 1 == count;
        for &c in &chars[previous_end..word.start as usize] {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = (depth - 1).max(0),
                ',' | ';' | ':' => negated = false,
                _ => {}
            }
        }
        previous_end = word.end as usize;
        match word.term.as_str() {
            "without" | "not" => {
                negated = true;
                continue;
            }
            // "without cholecystitis with obstruction": the detail after "with" is real.
            "with" => negated = false,
            _ => {}
        }
        out.push((word, depth > 0 || open, negated));
    }
    out
}

/// Whether a title is about a condition's context rather than the condition: a family or
/// personal history, a screening, a risk (`Family history of ischemic heart disease ...`).
pub fn names_a_context(title: &str) -> bool {
    const CONTEXTS: [&str; 3] = ["family history", "personal history", "risk for "];
    let title = title.to_ascii_lowercase();
    CONTEXTS.iter().any(|c| title.starts_with(c)) || title.contains("screening")
}

/// Whether a title is a family history (`Family history of colonic polyps`): what `history of`
/// means only when the query says whose, for an unqualified history is the patient's own.
pub fn names_a_family_history(title: &str) -> bool {
    title.get(..14).is_some_and(|start| start.eq_ignore_ascii_case("family history"))
}

/// Whether a query word says the history is a relative's (see [`names_a_family_history`]).
pub fn asks_for_family_history(term: &str) -> bool {
    matches!(term, "family" | "familial" | "fh" | "fhx" | "relative" | "relatives" | "mother" | "father" | "sibling")
}

/// Whether a title is a later encounter for an injury: its 7th character says "subsequent
/// encounter" or "sequela" rather than "initial encounter".
pub fn names_a_later_encounter(title: &str) -> bool {
    let title = title.to_ascii_lowercase();
    title.ends_with(", sequela") || title.contains(", subsequent encounter")
}

/// Whether a query word asks for a later encounter (see [`names_a_later_encounter`]).
pub fn asks_for_later_encounter(term: &str) -> bool {
    matches!(term, "sequela" | "sequelae" | "subsequent" | "late" | "healing" | "followup" | "follow")
}

/// Whether a query word asks for such a context (see [`names_a_context`]).
pub fn asks_for_context(term: &str) -> bool {
    matches!(term, "history" | "hx" | "family" | "personal" | "screening" | "screen" | "risk")
}

/// Words too common to tell codes apart and never what a person is looking for.
pub fn is_stopword(term: &str) -> bool {
    matches!(term, "a" | "an" | "and" | "as" | "at" | "by" | "for" | "in" | "is" | "of" | "on" | "or" | "the" | "to")
}

/// Words of a title that say "no more detail than this". A title's unmatched generic words do
/// not count against it, so the plain code (`Type 2 diabetes mellitus without complications`)
/// wins over a specific one (`... with hyperglycemia`) when a query names no detail.
pub fn is_generic(term: &str) -> bool {
    matches!(
        term,
        "unspecified"
            | "without"
            | "complication"
            | "complications"
            | "not"
            | "elsewhere"
            | "classified"
            | "site"
            | "part"
            | "primary"
            | "essential"
            | "initial"
            | "encounter"
            | "mellitus"
            | "disorder"
            | "disease"
            | "type"
            | "stated"
            | "specified"
            | "as"
            | "nos"
            | "acute"
            | "uncomplicated"
            | "organism"
            | "closed"
            // A subsequent encounter that says nothing of healing is "with routine healing"
            // (ICD-10-CM guidelines: 7th character D), not delayed healing, nonunion or malunion.
            | "routine"
            | "healing"
            | "nec"
            // The intent to code when none is stated (ICD-10-CM guidelines, chapter 19).
            | "accidental"
            | "unintentional"
    ) || is_stopword(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_character_offsets() {
        let w = words("Ménière's disease, left ear");
        let terms: Vec<&str> = w.iter().map(|w| w.term.as_str()).collect();
        assert_eq!(terms, ["menieres", "disease", "left", "ear"]);
        assert_eq!((w[0].start, w[0].end), (0, 9));
        assert_eq!((w[1].start, w[1].end), (10, 17));
    }

    #[test]
    fn words_only_named_to_be_denied_are_negated() {
        assert_eq!(negated_words("Other migraine, intractable, without status migrainosus"), ["migrainosus", "status"]);
        let heart =
            "Hypertensive heart and chronic kidney disease without heart failure, with stage 5 chronic kidney disease";
        assert_eq!(negated_words(heart), ["failure"]);
        assert!(
            negated_words("Migraine, not intractable, with status migrainosus").contains(&"intractable".to_string())
        );
        assert!(
            negated_words("Calculus of gallbladder without cholecystitis with obstruction")
                .contains(&"cholecystitis".to_string())
        );
        assert!(
            !negated_words("Calculus of gallbladder without cholecystitis with obstruction")
                .contains(&"obstruction".to_string())
        );
    }

    #[test]
    fn a_skeleton_drops_doubled_and_silent_letters() {
        assert_eq!(skeleton("hemorrhoids"), "hemoroids");
        assert_eq!(skeleton("hemmoroids"), "hemoroids");
        assert_eq!(skeleton("diabeetis"), "diabetis");
    }

    #[test]
    fn inessential_words_are_not_details() {
        assert_eq!(specific_words("Acute nasopharyngitis [common cold]"), 1);
        assert_eq!(specific_words("Essential (primary) hypertension"), 1);
        assert_eq!(specific_words("Migraine, unspecified, not intractable, without status migrainosus"), 1);
        assert_eq!(specific_words("Type 2 diabetes mellitus with hyperglycemia"), 4);
        assert_eq!(specific_words("Otitis media, unspecified, unspecified ear"), 2);
        assert_eq!(specific_words("Pain in unspecified knee"), 1);
        assert_eq!(specific_words("Otitis media, unspecified, bilateral"), 3);
        assert_eq!(specific_words("Unspecified fracture of unspecified toe(s), sequela"), 3);
        assert_eq!(specific_words("Unspecified fracture of shaft of right femur"), 4);
        assert_eq!(specific_words("Toxic effect of venom of black widow spider, accidental (unintentional)"), 6);
    }

    #[test]
    fn british_spellings_become_american() {
        assert_eq!(
            terms("haemorrhoids oesophagitis anaemia paediatric diarrhoea coeliac goitre immunisation"),
            ["hemorrhoids", "esophagitis", "anemia", "pediatric", "diarrhea", "celiac", "goiter", "immunization"]
        );
        // A leading or final `ae` stays: `aerobic`, `vertebrae` still reach their words by prefix.
        assert_eq!(terms("aerobic vertebrae"), ["aerobic", "vertebrae"]);
    }

    #[test]
    fn any_latin_letter_folds_to_ascii() {
        assert_eq!(
            terms("Ménière Sjögren Ångström Łódź Straße"),
            ["meniere", "sjogren", "angstrom", "lodz", "strasse"]
        );
    }

    #[test]
    fn a_word_has_its_other_number() {
        assert_eq!(other_numbers("corns"), ["corn"]);
        assert_eq!(other_numbers("bell"), ["bells"]);
        assert_eq!(other_numbers("injuries"), ["injury"]);
        assert_eq!(other_numbers("feet"), ["foot"]);
        assert_eq!(other_numbers("boxes"), ["box"]);
        assert_eq!(other_numbers("itchy"), ["itchies", "itch"]);
        assert!(other_numbers("abscess").iter().all(|w| w != "absces"));
    }

    #[test]
    fn a_site_adjective_has_its_noun_and_back() {
        assert_eq!(site_forms("sacral").as_deref(), Some("sacrum"));
        assert_eq!(site_forms("rectum").as_deref(), Some("rectal"));
        assert_eq!(site_forms("ovum"), None);
        assert_eq!(site_forms("knee"), None);
    }

    #[test]
    fn a_word_has_its_everyday_forms() {
        assert_eq!(word_forms("sprained"), ["sprain", "spraine", "sprainion"]);
        assert!(word_forms("dislocated").contains(&"dislocation".to_string()));
        assert_eq!(word_forms("bleeding"), ["bleed", "bleede"]);
        assert_eq!(word_forms("hoarse"), ["hoarseness"]);
        assert!(word_forms("bed").is_empty());
    }

    #[test]
    fn punctuation_separates_words() {
        assert_eq!(terms("E11.9 (primary) w/o 2-view"), ["e11", "9", "primary", "w", "o", "2", "view"]);
    }
}

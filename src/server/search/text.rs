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
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let i = i as u32;
        if let Some(folded) = fold(c) {
            let word = current.get_or_insert_with(|| Word { term: String::new(), start: i, end: i });
            word.term.push(folded);
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
    out
}

/// The terms of `text`, without positions.
pub fn terms(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.term).collect()
}

/// Lower-cases ASCII and folds the accented Latin letters medical titles use (Ménière,
/// Sjögren); `None` for anything that is not part of a word.
fn fold(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    let base = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ö' | 'Ó' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ü' => 'u',
        _ => return None,
    };
    Some(base)
}

/// How many distinct words of a title are details a query must name to cover it: not generic
/// words, and not words the title marks as inessential. ICD titles put nonessential modifiers
/// in parentheses and alternative names in brackets (`Acute nasopharyngitis [common cold]`),
/// and a negated detail (`without status migrainosus`, `not intractable`) is the default, not
/// a detail; such spans run to the next comma.
pub fn specific_words(title: &str) -> usize {
    let chars: Vec<char> = title.chars().collect();
    let mut depth = 0i32;
    let mut negated = false;
    let mut previous_end = 0usize;
    let mut specific: Vec<String> = Vec::new();
    for word in words(title) {
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
        if depth == 0 && !negated && !is_generic(&word.term) && !specific.contains(&word.term) {
            specific.push(word.term);
        }
    }
    specific.len()
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
    fn inessential_words_are_not_details() {
        assert_eq!(specific_words("Acute nasopharyngitis [common cold]"), 1);
        assert_eq!(specific_words("Essential (primary) hypertension"), 1);
        assert_eq!(specific_words("Migraine, unspecified, not intractable, without status migrainosus"), 1);
        assert_eq!(specific_words("Type 2 diabetes mellitus with hyperglycemia"), 4);
    }

    #[test]
    fn punctuation_separates_words() {
        assert_eq!(terms("E11.9 (primary) w/o 2-view"), ["e11", "9", "primary", "w", "o", "2", "view"]);
    }
}

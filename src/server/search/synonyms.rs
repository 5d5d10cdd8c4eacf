//! Lay terms and coding abbreviations, rewritten into the words the code sets use.
//!
//! The list (`assets/data/search-synonyms.tsv`) is written by codecard and holds only what the
//! ICD-10-CM Alphabetic Index lacks: coding abbreviations ("w/o" → "without", "fx" →
//! "fracture", "htn"), lay words for procedures and supplies (CPT, HCPCS, ICD-10-PCS), and the
//! few lay phrases the Index words differently. It is compiled in.

use super::text;

const LIST: &str = include_str!("../../../assets/data/search-synonyms.tsv");

/// What one stretch of a query means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// A word as typed: matched exactly, as a prefix or with a typo.
    Typed(String),
    /// A word the synonym list put there, matched exactly. `also` is the typed word it stands
    /// for, kept as an alternative when one word stands for one word (`fx` → `fracture`: short
    /// descriptions say "fx" too).
    Rewritten {
        /// The word the code sets use.
        term: String,
        /// The typed word, when it is an alternative.
        also: Option<String>,
        /// The typed words the phrase took, shared by each word of its meaning: a meaning is
        /// as strong a match as the words it stands for (`passed out` → `syncope` must not lose
        /// to a title that merely has "pass" and "out").
        stands_for: Share,
    },
}

/// The typed words a rewritten phrase stands for, and among how many meaning words they are
/// shared.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Share {
    /// The typed words, fillers left out.
    pub words: Vec<String>,
    /// How many words the phrase's meaning has.
    pub among: usize,
}

/// The synonym list, keyed by its phrases' words.
pub struct Synonyms {
    /// (phrase words, replacement words), longest phrases first so "blood clot in leg" wins
    /// over a shorter entry that starts the same way.
    entries: Vec<(Vec<String>, Vec<String>)>,
}

/// A word with its other forms (see [`same_word`]), worked out once rather than per comparison.
struct Forms<'a> {
    word: &'a str,
    others: Vec<String>,
}

impl<'a> Forms<'a> {
    fn of(word: &'a str) -> Forms<'a> {
        let others = if word.len() > 3 {
            text::other_numbers(word).into_iter().chain(text::word_forms(word)).collect()
        } else {
            Vec::new()
        };
        Forms { word, others }
    }
}

impl Synonyms {
    /// The built-in list.
    pub fn builtin() -> Synonyms {
        let mut entries: Vec<(Vec<String>, Vec<String>)> = LIST
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once('\t'))
            // The query loses its stopwords before rewriting; so do the phrases.
            .map(|(from, to)| (content_terms(from), content_terms(to)))
            .filter(|(from, to)| !from.is_empty() && !to.is_empty())
            .collect();
        entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Synonyms { entries }
    }

    /// How many entries the list has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rewrites the query's words: at each position the longest phrase of the list that starts
    /// there (a word in either number: `period pains` is `period pain`) is replaced by its
    /// meaning; other words stay as typed. Also says which entries were used (`htn →
    /// hypertension`), for the result to name.
    pub fn rewrite(&self, words: &[String]) -> (Vec<Part>, Vec<String>) {
        let mut parts = Vec::new();
        let mut applied = Vec::new();
        let forms: Vec<Forms> = words.iter().map(|w| Forms::of(w)).collect();
        let mut i = 0;
        while i < words.len() {
            let found = self.entries.iter().find_map(|(from, to)| Some((from, to, phrase_at(from, &forms[i..])?)));
            match found {
                Some((from, to, used)) => {
                    let one_for_one = from.len() == 1 && to.len() == 1;
                    let said: Vec<&str> = words[i..i + used]
                        .iter()
                        .filter(|w| !text::is_filler(w) || from.contains(w))
                        .map(String::as_str)
                        .collect();
                    let share = Share { words: said.iter().map(|w| w.to_string()).collect(), among: to.len() };
                    for term in to {
                        parts.push(Part::Rewritten {
                            term: term.clone(),
                            also: one_for_one.then(|| from[0].clone()),
                            stands_for: share.clone(),
                        });
                    }
                    applied.push(format!("{} → {}", said.join(" "), to.join(" ")));
                    i += used;
                }
                None => {
                    parts.push(Part::Typed(words[i].clone()));
                    i += 1;
                }
            }
        }
        (parts, applied)
    }
}

/// How many of `words` the list phrase `from` takes when it starts at the first of them: the
/// phrase's words in order, each in any of its forms, with everyday filler words between them
/// skipped (`blood clot in my leg` is `blood clot in leg`); `None` when it does not start there.
fn phrase_at(from: &[String], words: &[Forms]) -> Option<usize> {
    let mut at = 0;
    for (n, listed) in from.iter().enumerate() {
        while n > 0 && words.get(at).is_some_and(|w| text::is_filler(w.word) && !same_word(listed, w)) {
            at += 1;
        }
        if !same_word(listed, words.get(at)?) {
            return None;
        }
        at += 1;
    }
    Some(at)
}

/// Whether a typed word is a list word, in either number or another everyday form
/// (`sightedness` for `sighted`, `ringing` for `ring` and back, `passing` for `passed`: two
/// forms of one verb share its stem).
fn same_word(listed: &str, typed: &Forms) -> bool {
    listed == typed.word
        || (!typed.others.is_empty()
            && (typed.others.iter().any(|w| w == listed)
                || listed.strip_prefix(typed.word).is_some_and(|rest| {
                    matches!(rest, "ing" | "ed" | "ness") || (rest == "d" && typed.word.ends_with('e'))
                })
                || (ends_as_verb(listed)
                    && ends_as_verb(typed.word)
                    && text::word_forms(listed).iter().any(|stem| typed.others.contains(stem)))))
}

/// Whether a word ends like a form of a verb (`passed`, `passing`), whose stem it shares with
/// the verb's other forms.
fn ends_as_verb(word: &str) -> bool {
    word.ends_with("ed") || word.ends_with("ing")
}

/// The words of `phrase` that are not stopwords.
fn content_terms(phrase: &str) -> Vec<String> {
    text::terms(phrase).into_iter().filter(|t| !text::is_stopword(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(query: &str) -> Vec<Part> {
        Synonyms::builtin().rewrite(&text::terms(query)).0
    }

    /// A rewritten word standing for `typed`, shared among `among` words.
    fn rewritten(term: &str, also: Option<&str>, typed: &[&str], among: usize) -> Part {
        let words = typed.iter().map(|w| w.to_string()).collect();
        Part::Rewritten { term: term.into(), also: also.map(Into::into), stands_for: Share { words, among } }
    }

    #[test]
    fn lay_phrases_become_clinical_words() {
        let parts = rewrite("old mini stroke");
        assert_eq!(parts[0], Part::Typed("old".into()));
        assert_eq!(parts[1], rewritten("transient", None, &["mini", "stroke"], 4));
        assert_eq!(parts[2], rewritten("cerebral", None, &["mini", "stroke"], 4));
    }

    #[test]
    fn abbreviations_keep_the_typed_word_as_an_alternative() {
        assert_eq!(rewrite("fx")[0], rewritten("fracture", Some("fx"), &["fx"], 1));
        let parts = rewrite("diabetes w/o complications");
        assert_eq!(parts[1], rewritten("without", None, &["w", "o"], 1));
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn a_phrase_matches_other_word_forms_and_skips_fillers_between_its_words() {
        let (parts, applied) = Synonyms::builtin().rewrite(&text::terms("ringing my ears"));
        assert_eq!(parts, [rewritten("tinnitus", None, &["ringing", "ears"], 1)]);
        assert_eq!(applied, ["ringing ears → tinnitus"]);
        assert_eq!(rewrite("ears ring"), [rewritten("tinnitus", None, &["ears", "ring"], 1)]);
        // A filler is not skipped before a phrase starts.
        assert_eq!(rewrite("my ears ring")[0], Part::Typed("my".into()));
    }

    #[test]
    fn a_phrase_matches_in_either_number_and_says_it_was_used() {
        let (parts, applied) = Synonyms::builtin().rewrite(&text::terms("period pains"));
        assert_eq!(parts, [rewritten("dysmenorrhea", None, &["period", "pains"], 1)]);
        assert_eq!(applied, ["period pains → dysmenorrhea"]);
    }

    #[test]
    fn a_phrase_matches_another_form_of_its_verb() {
        let (parts, applied) = Synonyms::builtin().rewrite(&text::terms("passing out"));
        assert_eq!(parts, [rewritten("syncope", None, &["passing", "out"], 1)]);
        assert_eq!(applied, ["passing out → syncope"]);
    }
}

//! ICD-10-CM coding notes from the April 2026 Tabular List: inherited notes nearest first,
//! codes inside notes, 7th characters, every code of the official list, the gating of the
//! section, and the `icd10cm-tabular` import.

mod common;

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use codecard::api::{Card, CodeSystem, NoteGroup, NoteKind, NoteLevel, SectionContent, SeventhCharacters};
use codecard::server::import::{self, BadRow, ImportError, ImportFormat, Request};
use codecard::server::{Catalog, DataSource};

fn card(code: &str) -> Card {
    common::catalog().card(CodeSystem::Icd10cm, code).unwrap_or_else(|| panic!("{code} has a card"))
}

/// The notes section of a card: its groups and 7th characters.
fn notes(code: &str) -> (Vec<NoteGroup>, Option<SeventhCharacters>) {
    let card = card(code);
    let section = card
        .sections
        .iter()
        .find(|s| s.id == codecard::api::SectionId::CodingNotes)
        .unwrap_or_else(|| panic!("{code}: notes"));
    match section.content.clone() {
        Some(SectionContent::Notes { groups, seventh }) => (groups, seventh),
        other => panic!("{code}: notes content, got {other:?}"),
    }
}

fn group<'a>(groups: &'a [NoteGroup], kind: NoteKind, from: Option<&str>) -> &'a NoteGroup {
    groups
        .iter()
        .find(|g| g.kind == kind && g.from.as_ref().map(|f| f.code.as_str()) == from)
        .unwrap_or_else(|| panic!("a {kind:?} group from {from:?} in {groups:#?}"))
}

#[test]
fn cards_name_the_april_2026_release() {
    assert_eq!(card("E119").release, "FY2026 (April 1, 2026 update)");
    assert!(card("E119").attribution.contains("FY2026 (April 1, 2026 update)"));
}

#[test]
fn e11_9_inherits_the_e11_excludes1_list_and_the_use_additional_code_note_with_z79_4_as_a_code() {
    let (groups, _) = notes("E119");
    let excludes = group(&groups, NoteKind::Excludes1, Some("E11"));
    assert_eq!(excludes.from.as_ref().unwrap().level, NoteLevel::Category);
    assert!(excludes.notes.iter().any(|n| n.text == "type 1 diabetes mellitus (E10.-)"), "{excludes:#?}");
    let e10 = excludes.notes.iter().find(|n| n.text.starts_with("type 1")).unwrap();
    assert_eq!(e10.codes[0].code, "E10");
    let additional = group(&groups, NoteKind::UseAdditionalCode, Some("E11"));
    let insulin = additional.notes.iter().find(|n| n.text == "insulin (Z79.4)").expect("the insulin note");
    let chars: Vec<char> = insulin.text.chars().collect();
    let code = &insulin.codes[0];
    assert_eq!(
        (chars[code.start as usize..code.end as usize].iter().collect::<String>(), code.code.as_str()),
        ("Z79.4".into(), "Z79.4")
    );
}

#[test]
fn inherited_notes_come_nearest_first_and_say_where_they_are_written() {
    let (groups, _) = notes("E1165");
    let order: Vec<Option<NoteLevel>> = groups.iter().map(|g| g.from.as_ref().map(|f| f.level)).collect();
    let rank = |level: Option<NoteLevel>| match level {
        None => 0,
        Some(NoteLevel::Subcategory) => 1,
        Some(NoteLevel::Category) => 2,
        Some(NoteLevel::Block) => 3,
        Some(NoteLevel::Chapter) => 4,
    };
    assert!(order.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{order:?}");
    // Chapter 4's notes reach every code in it.
    assert!(
        groups.iter().any(|g| g.from.as_ref().is_some_and(|f| f.level == NoteLevel::Chapter && f.code == "E00-E89"))
    );
}

#[test]
fn i10_lists_high_blood_pressure_as_an_inclusion() {
    let (groups, _) = notes("I10");
    let terms = group(&groups, NoteKind::Includes, None);
    assert!(terms.notes.iter().any(|n| n.text.contains("high blood pressure")), "{terms:#?}");
}

#[test]
fn s72_001a_shows_its_seventh_character_and_the_others() {
    let (_, seventh) = notes("S72001A");
    let seventh = seventh.expect("7th characters");
    assert_eq!(seventh.defined_at, "S72");
    let this = seventh.this.expect("its own 7th character");
    assert_eq!((this.character.as_str(), this.meaning.as_str()), ("A", "initial encounter for closed fracture"));
    assert!(!seventh.placeholder);
    assert_eq!(seventh.values.len(), 16);
    assert!(seventh.values.iter().any(|v| v.character == "S" && v.meaning == "sequela"));
    // The header above it lists the characters but has none of its own.
    let (_, header) = notes("S72001");
    assert!(header.is_some_and(|h| h.this.is_none() && h.values.len() == 16));
}

#[test]
fn a_placeholder_x_is_reported_where_the_code_needs_it() {
    let (_, seventh) = notes("T360X1A");
    let seventh = seventh.expect("7th characters");
    assert!(seventh.placeholder);
    assert_eq!(seventh.this.unwrap().character, "A");
}

#[test]
fn every_code_of_the_april_2026_code_list_has_a_card() {
    let mut text = String::new();
    flate2::read::GzDecoder::new(&include_bytes!("../assets/data/icd10cm-codes-2026-04.txt.gz")[..])
        .read_to_string(&mut text)
        .unwrap();
    let catalog = common::catalog();
    // Chapters are numbers and blocks ranges; a one-category block (B10) repeats its category.
    let codes: HashSet<&str> =
        text.lines().filter(|l| !l.contains('-') && !l.bytes().all(|b| b.is_ascii_digit())).collect();
    assert_eq!(codes.len(), 98_186);
    let missing: Vec<&&str> = codes.iter().filter(|c| catalog.card(CodeSystem::Icd10cm, c).is_none()).collect();
    assert!(missing.is_empty(), "{} codes without a card, e.g. {:?}", missing.len(), &missing[..missing.len().min(10)]);
    // FY2026's new letter-letter category.
    assert_eq!(card("QA00101").release, "FY2026 (April 1, 2026 update)");
}

#[test]
fn codes_the_2026_release_deleted_are_kept_and_marked() {
    let gone = card("S301XXA");
    assert_eq!(gone.deleted_in.as_deref(), Some("FY2026 (April 1, 2026 update)"));
    assert_eq!(gone.release, "FY2025");
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

fn import_tabular(
    file: &Path,
    dir: &Path,
    code_list: &Path,
    allow_mass_deletion: bool,
) -> Result<import::Summary, ImportError> {
    import::run(&Request {
        format: ImportFormat::Icd10cmTabular,
        file,
        data_dir: dir,
        release: "FY2026 test",
        progress: false,
        code_list: Some(code_list),
        allow_mass_deletion,
    })
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn importing_the_shared_tabular_xml_reproduces_the_embedded_set() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data");
    let dir = temp();
    let data = dir.path().join("data");
    let summary =
        import_tabular(&root.join("icd10cm-tabular.xml.gz"), &data, &root.join("icd10cm-codes-2026-04.txt.gz"), false)
            .unwrap();
    assert_eq!((summary.imported, summary.added, summary.deleted), (98_186, 0, 0), "{summary:?}");
    let imported = Catalog::load(&DataSource::Dir(data)).unwrap();
    let embedded = common::catalog();
    for code in ["E119", "S72001A", "QA00101", "I10", "T360X1A"] {
        let (mut a, b) =
            (imported.card(CodeSystem::Icd10cm, code).unwrap(), embedded.card(CodeSystem::Icd10cm, code).unwrap());
        a.release = b.release.clone();
        a.attribution = b.attribution.clone();
        assert_eq!(a, b, "{code}");
    }
}

/// A small Tabular List: chapter 9, block I10-I1A, and the given diags.
fn doc(diags: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<ICD10CM.tabular>\n<chapter><name>9</name><desc>Diseases of the circulatory system (I00-I99)</desc>\n\
         <section id=\"I10-I1A\"><desc>Hypertensive diseases (I10-I1A)</desc>\n{diags}</section></chapter>\n</ICD10CM.tabular>\n"
    )
}

/// A data folder holding a one-code import (I10), and the list that goes with it.
fn seeded(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("data");
    let good = dir.join("good.xml");
    std::fs::write(&good, doc("<diag><name>I10</name><desc>Essential (primary) hypertension</desc></diag>\n")).unwrap();
    let list = dir.join("codes.txt");
    std::fs::write(&list, "I10-I1A\nI10\n").unwrap();
    import_tabular(&good, &data, &list, true).unwrap();
    (data, good, list)
}

#[test]
fn broken_tabular_files_are_refused_by_line_and_change_nothing() {
    let dir = temp();
    let (data, _, list) = seeded(dir.path());
    let before = files(&data);
    let cases = [
        ("not-xml.xml", doc("<diag><name>I10</name><desc>x</desc>\n</section>"), 6),
        ("no-name.xml", doc("<diag><desc>Essential (primary) hypertension</desc></diag>\n"), 5),
        (
            "twice.xml",
            doc("<diag><name>I10</name><desc>a</desc></diag>\n<diag><name>I10</name><desc>b</desc></diag>\n"),
            6,
        ),
        (
            "wrong-root.xml",
            doc("<diag><name>I10</name><desc>a</desc></diag>\n").replace("ICD10CM.tabular", "ICD10PCS.tabular"),
            2,
        ),
        (
            "not-a-child.xml",
            doc("<diag><name>I10</name><desc>a</desc>\n<diag><name>K21.0</name><desc>b</desc></diag></diag>\n"),
            6,
        ),
        (
            "two-char-extension.xml",
            doc(
                "<diag><name>I10</name><desc>a</desc>\n<sevenChrDef><extension char=\"AA\">x</extension></sevenChrDef></diag>\n",
            ),
            6,
        ),
        ("long-text.xml", doc(&format!("<diag><name>I10</name><desc>{}</desc></diag>\n", "a".repeat(10_000))), 5),
    ];
    for (name, text, line) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        match import_tabular(&path, &data, &list, true) {
            Err(ImportError::BadRows(rows)) => {
                assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [line], "{name}: {rows:?}");
            }
            other => panic!("{name}: refused by line, got {other:?}"),
        }
        assert_eq!(files(&data), before, "{name} changed the data folder");
    }
}

#[test]
fn a_code_list_that_disagrees_with_the_tabular_list_is_refused() {
    let dir = temp();
    let (data, good, list) = seeded(dir.path());
    let before = files(&data);
    // A listed code the XML lacks, a diag the list lacks, an empty list, junk in the list.
    for (text, expected) in [
        ("I10\nI11\n", "I11"),
        ("I11\n", "I10 is in the Tabular List but not in the code list"),
        ("\n", "holds no ICD-10-CM codes"),
    ] {
        std::fs::write(&list, text).unwrap();
        match import_tabular(&good, &data, &list, true) {
            Err(ImportError::Invalid(message)) => assert!(message.contains(expected), "{text:?}: {message}"),
            other => panic!("{text:?}: refused, got {other:?}"),
        }
    }
    std::fs::write(&list, "I10\nnot a code\n").unwrap();
    let Err(ImportError::BadCodeList(rows)) = import_tabular(&good, &data, &list, true) else { panic!("bad list") };
    assert_eq!(rows, [BadRow { line: 2, reason: "\"not a code\" is not an ICD-10-CM code".into() }]);
    assert_eq!(files(&data), before);
}

#[test]
fn a_code_list_missing_many_seventh_character_codes_is_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data");
    let dir = temp();
    let data = dir.path().join("data");
    let list = dir.path().join("no-7th.txt");
    // The real list without its injury codes with a 7th character (S00-S99): the XML defines
    // 51,000 extensions, and this drops most of them.
    let mut text = String::new();
    flate2::read::GzDecoder::new(&std::fs::read(root.join("icd10cm-codes-2026-04.txt.gz")).unwrap()[..])
        .read_to_string(&mut text)
        .unwrap();
    std::fs::write(
        &list,
        text.lines().filter(|l| !(l.starts_with('S') && l.len() == 7)).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    match import_tabular(&root.join("icd10cm-tabular.xml.gz"), &data, &list, false) {
        Err(ImportError::Invalid(message)) => assert!(message.contains("7th-character codes"), "{message}"),
        other => panic!("refused, got {other:?}"),
    }
    assert!(!data.exists(), "a refused import does not even create the data folder");
}

#[test]
fn an_import_that_would_delete_most_of_the_set_needs_allow_mass_deletion() {
    let dir = temp();
    let data = dir.path().join("data");
    let one = dir.path().join("one.xml");
    std::fs::write(&one, doc("<diag><name>I10</name><desc>Essential (primary) hypertension</desc></diag>\n")).unwrap();
    let list = dir.path().join("codes.txt");
    std::fs::write(&list, "I10\n").unwrap();
    match import_tabular(&one, &data, &list, false) {
        Err(ImportError::Invalid(message)) => assert!(message.contains("--allow-mass-deletion"), "{message}"),
        other => panic!("refused, got {other:?}"),
    }
    let summary = import_tabular(&one, &data, &list, true).unwrap();
    assert_eq!(summary.imported, 1);
}

#[test]
fn a_gzip_bomb_is_refused_before_it_fills_memory() {
    let dir = temp();
    let bomb = dir.path().join("bomb.xml.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&bomb).unwrap(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..80 {
        std::io::Write::write_all(&mut gz, &zeros).unwrap();
    }
    gz.finish().unwrap();
    let list = dir.path().join("codes.txt");
    std::fs::write(&list, "I10\n").unwrap();
    match import_tabular(&bomb, &dir.path().join("data"), &list, true) {
        Err(ImportError::Invalid(message)) => assert!(message.contains("larger than 64 MB"), "{message}"),
        other => panic!("refused, got {other:?}"),
    }
}

#[test]
fn codes_with_a_restricted_seventh_character_list_only_the_ones_they_take() {
    // S06 codes with death before regaining consciousness take A only (the code list says so).
    let (_, seventh) = notes("S061X7A");
    let values: Vec<String> = seventh.unwrap().values.into_iter().map(|v| v.character).collect();
    assert_eq!(values, ["A"]);
}

#[test]
fn a_deleted_code_is_not_billable() {
    let gone = card("S301XXA");
    assert!(gone.deleted_in.is_some());
    assert!(!gone.billable);
}

#[test]
fn a_note_continuing_its_heading_loses_its_leading_comma() {
    let (groups, _) = notes("A400");
    let code_first = groups.iter().find(|g| g.kind == NoteKind::CodeFirst).expect("a code-first note");
    assert!(code_first.notes.iter().all(|n| !n.text.starts_with(',')), "{code_first:#?}");
    assert!(code_first.notes.iter().any(|n| n.text.starts_with("if applicable")), "{code_first:#?}");
}

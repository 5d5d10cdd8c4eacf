//! `codecard import` on files in the real CMS layouts (and a CPT® licensee-style file whose
//! descriptors are fake text written here): good rows, bad rows with their line numbers,
//! nothing half-imported, releases and deleted codes.

use std::path::Path;
use std::process::Command;

use codecard::api::CodeSystem;
use codecard::server::catalog::icd10cm;
use codecard::server::import::{self, BadRow, ImportError, ImportFormat, Request};
use codecard::server::{Catalog, DataSource, SearchIndex, search};

/// A line of a CMS ICD-10 order file (fixed width).
fn order_line(order: usize, code: &str, billable: bool, short: &str, long: &str) -> String {
    // CMS short descriptions are ASCII; a title new in FY2026 may not be (Sézary).
    let short: String = short.chars().filter(char::is_ascii).take(60).collect();
    format!("{order:05} {code:<7} {} {short:<60} {long}\n", u8::from(billable))
}

fn run(system: CodeSystem, file: &Path, dir: &Path, release: &str) -> Result<import::Summary, ImportError> {
    let format = ImportFormat::parse(system.id()).unwrap();
    import::run(&Request { format, file, data_dir: dir, release, progress: false, code_list: None })
}

/// The release of the embedded ICD-10-CM set.
fn icd10cm_release() -> String {
    Catalog::load(&DataSource::Embedded).unwrap().counts()[0].release.clone()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// Every file in `dir`, with its bytes: to prove a failed import changed nothing.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    files.sort();
    files
}

/// The embedded ICD-10-CM set as a CMS order file, with I10 retitled, A00.0 dropped and a new
/// code added: what a next fiscal year's file looks like.
fn next_icd10cm_release(path: &Path) {
    let current: Vec<(usize, icd10cm::Row)> = DataSource::Embedded.rows(icd10cm::FILE).unwrap();
    let mut out = String::new();
    let mut order = 0;
    for (_, row) in current {
        // A release file lists the codes it has, not those an earlier release deleted.
        if row.code == "A000" || !row.deleted_in.is_empty() {
            continue;
        }
        order += 1;
        let long = if row.code == "I10" {
            "Essential (primary) hypertension, retitled for the test"
        } else {
            &row.long_description
        };
        out += &order_line(order, &row.code, row.billable, &row.short_description, long);
        if row.code == "U071" {
            order += 1;
            out +=
                &order_line(order, "U0799", true, "Test-only new code", "Test-only new code added by a later release");
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_new_icd10cm_release_updates_titles_adds_codes_and_flags_deleted_ones() {
    let dir = temp();
    let data = dir.path().join("data");
    let file = dir.path().join("icd10cm_order_2026.txt");
    next_icd10cm_release(&file);
    let summary = run(CodeSystem::Icd10cm, &file, &data, "FY2027").unwrap();
    assert_eq!((summary.added, summary.deleted), (1, 1), "{summary:?}");
    assert_eq!(summary.imported, 98_186);

    let catalog = Catalog::load(&DataSource::Dir(data.clone())).unwrap();
    let i10 = catalog.card(CodeSystem::Icd10cm, "I10").unwrap();
    assert_eq!(i10.release, "FY2027");
    assert!(i10.long_description.unwrap().ends_with("retitled for the test"));
    assert_eq!(i10.deleted_in, None);
    let gone = catalog.card(CodeSystem::Icd10cm, "A000").expect("deleted codes are kept");
    assert_eq!((gone.release.as_str(), gone.deleted_in.as_deref()), (icd10cm_release().as_str(), Some("FY2027")));
    let json = serde_json::to_value(&gone).unwrap();
    assert_eq!(json["deleted_in"], "FY2027", "the card JSON says so");
    assert_eq!(catalog.card(CodeSystem::Icd10cm, "U0799").unwrap().release, "FY2027");
    let counts = catalog.counts();
    assert_eq!(counts[0].release, "FY2027");
    // The other sets were seeded from the embedded ones and still load.
    assert_eq!(counts[1].codes, 68_367);

    // Search leaves deleted codes out and finds the new one.
    let index = SearchIndex::build(&catalog);
    let find =
        |text| index.search(&search::Query { text, system: None, billable_only: false, offset: 0, limit: 50 }).hits;
    assert!(find("A00.0").iter().all(|h| h.code != "A000"));
    assert_eq!(find("U07.99")[0].code, "U0799");

    // A later release keeps the release a code was deleted in.
    let summary = run(CodeSystem::Icd10cm, &file, &data, "FY2028").unwrap();
    assert_eq!((summary.added, summary.deleted), (0, 0));
    let catalog = Catalog::load(&DataSource::Dir(data.clone())).unwrap();
    assert_eq!(catalog.card(CodeSystem::Icd10cm, "A000").unwrap().deleted_in.as_deref(), Some("FY2027"));
    assert_eq!(catalog.card(CodeSystem::Icd10cm, "I10").unwrap().release, "FY2028");
}

#[test]
fn bad_rows_are_all_reported_by_line_and_nothing_is_imported() {
    let dir = temp();
    let data = dir.path().join("data");
    // A first, good import so that there is a set to protect.
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        order_line(1, "0016070", true, "Bypass Cereb Vent to Nasophar", "Bypass Cerebral Ventricle to Nasopharynx")
            + &order_line(2, "001", false, "Central Nervous System, Bypass", "Central Nervous System, Bypass"),
    )
    .unwrap();
    run(CodeSystem::Icd10pcs, &good, &data, "FY2026").unwrap();
    let before = snapshot(&data);

    let bad = dir.path().join("bad.txt");
    let mut text = order_line(1, "E119", true, "Type 2 diabetes", "Type 2 diabetes mellitus without complications");
    text += &order_line(2, "I10", true, "Essential hypertension", "Essential (primary) hypertension");
    text += "00003 E1165   1 too short\n";
    text += &order_line(4, "E1165", true, "T2DM w hyperglycemia", "Type 2 diabetes mellitus with hyperglycemia");
    text += &order_line(5, "E1122", true, "x", "y").replacen(" 1 ", " 7 ", 1);
    text += &order_line(6, "E11.9", true, "dotted code", "A code written with its dot");
    text += &order_line(7, "I10", true, "again", "The same code twice");
    std::fs::write(&bad, text).unwrap();
    let Err(ImportError::BadRows(rows)) = run(CodeSystem::Icd10cm, &bad, &data, "FY2026") else {
        panic!("bad rows refuse the import")
    };
    let lines: Vec<usize> = rows.iter().map(|r: &BadRow| r.line).collect();
    assert_eq!(lines, [3, 5, 6, 7], "{rows:?}");
    assert!(rows[0].reason.contains("78 characters"), "{}", rows[0].reason);
    assert!(rows[1].reason.contains("header flag"), "{}", rows[1].reason);
    assert!(rows[3].reason.contains("repeats line 2"), "{}", rows[3].reason);
    assert_eq!(snapshot(&data), before, "the data folder is untouched, no temporary files left");
}

#[test]
fn icd10pcs_order_files_skip_tables_and_new_codes_get_axes_from_known_ones() {
    let dir = temp();
    let data = dir.path().join("data");
    let file = dir.path().join("icd10pcs_order_2026.txt");
    let text = order_line(1, "001", false, "Central Nervous System and Cranial Nerves, Bypass", "Bypass table")
        + &order_line(2, "0016070", true, "Bypass Cereb Vent", "Bypass Cerebral Ventricle to Nasopharynx, Open")
        // Not in FY2025: the qualifier character (K) is new in this context.
        + &order_line(3, "001607K", true, "Bypass Cereb Vent, Test", "Bypass Cerebral Ventricle, test-only code");
    std::fs::write(&file, text).unwrap();
    let summary = run(CodeSystem::Icd10pcs, &file, &data, "FY2026").unwrap();
    assert_eq!((summary.imported, summary.added, summary.skipped), (2, 1, 1));
    assert_eq!(summary.deleted, 68_366);
    let catalog = Catalog::load(&DataSource::Dir(data)).unwrap();
    let new = catalog.card(CodeSystem::Icd10pcs, "001607K").unwrap();
    assert_eq!(new.axes[2].label, "Bypass");
    assert_eq!(new.axes[3].label, "Cerebral Ventricle");
    assert_eq!(new.axes[6].label, "", "an unseen character is not guessed");
    assert_eq!(catalog.card(CodeSystem::Icd10pcs, "0016071").unwrap().deleted_in.as_deref(), Some("FY2026"));
}

/// A CMS HCPCS ANWEB record: code, sequence, record id, long text line, short text.
fn hcpcs_record(code: &str, sequence: u32, record: char, long: &str, short: &str) -> String {
    format!("{code:<5}{sequence:05}{record}{long:<80}{short:<28}{:<40}\n", "")
}

#[test]
fn hcpcs_release_files_join_continuations_and_skip_modifiers_and_dental_codes() {
    let dir = temp();
    let data = dir.path().join("data");
    let file = dir.path().join("HCPC2026_JAN_ANWEB.txt");
    let text = [
        hcpcs_record("A0428", 100, '3', "Ambulance service, basic life support, non-emergency transport, (BLS)", "Bls"),
        hcpcs_record(
            "A4253",
            100,
            '3',
            "Blood glucose test or reagent strips for home blood glucose monitor, per 50",
            "Blood glucose/reagent strips",
        ),
        hcpcs_record("A4253", 200, '4', "strips", ""),
        hcpcs_record(
            "AA",
            100,
            '7',
            "Anesthesia services performed personally by anesthesiologist",
            "Anes perf by anesthesiologist",
        ),
        hcpcs_record("D0120", 100, '3', "Dental text is not ours to ship", "Dental"),
        hcpcs_record("J9999", 100, '3', "Test-only drug code added in 2026", "Test drug"),
    ]
    .concat();
    std::fs::write(&file, text).unwrap();
    let summary = run(CodeSystem::Hcpcs, &file, &data, "2026-01").unwrap();
    assert_eq!((summary.imported, summary.added, summary.skipped), (3, 1, 2), "{summary:?}");
    let catalog = Catalog::load(&DataSource::Dir(data)).unwrap();
    let strips = catalog.card(CodeSystem::Hcpcs, "A4253").unwrap();
    assert!(strips.long_description.unwrap().ends_with("per 50 strips"));
    assert_eq!(strips.release, "2026-01");
    assert!(!catalog.contains(CodeSystem::Hcpcs, "D0120"));
    assert_eq!(catalog.card(CodeSystem::Hcpcs, "J9999").unwrap().hierarchy[0].code, "J0000-J9999");
    assert_eq!(catalog.card(CodeSystem::Hcpcs, "J1100").unwrap().deleted_in.as_deref(), Some("2026-01"));
}

#[test]
fn a_cpt_licensee_file_adds_the_official_descriptor() {
    let dir = temp();
    let data = dir.path().join("data");
    // Fake descriptors written for this test: never AMA text.
    let tab = dir.path().join("cpt-2026.txt");
    std::fs::write(
        &tab,
        "CPT Code\tLong Descriptor\tConsumer Friendly Descriptor\n\
         99213\tFAKE TEST DESCRIPTOR for an office visit\tFake consumer text one\n\
         12345\tFAKE TEST DESCRIPTOR for a made-up procedure\tFake consumer text two\n",
    )
    .unwrap();
    let summary = run(CodeSystem::Cpt, &tab, &data, "2026").unwrap();
    assert_eq!((summary.imported, summary.added), (2, 1));
    let catalog = Catalog::load(&DataSource::Dir(data.clone())).unwrap();
    let visit = catalog.card(CodeSystem::Cpt, "99213").unwrap();
    assert_eq!(visit.long_description.as_deref(), Some("FAKE TEST DESCRIPTOR for an office visit"));
    assert_eq!(visit.descriptor_note, None);
    assert!(visit.plain_language.unwrap().starts_with("A follow-up visit"), "codecard's own text is kept");
    let new = catalog.card(CodeSystem::Cpt, "12345").unwrap();
    assert_eq!(new.plain_language.as_deref(), Some("Fake consumer text two"));
    assert_eq!(new.hierarchy[0].title, "Surgery");
    assert_eq!(catalog.card(CodeSystem::Cpt, "99214").unwrap().deleted_in.as_deref(), Some("2026"));

    // Pipe-delimited without a header; a bad code is reported by line.
    let pipe = dir.path().join("cpt-pipe.txt");
    std::fs::write(&pipe, "99213|FAKE TEST DESCRIPTOR\n9921|FAKE TEST DESCRIPTOR\n99214|\n").unwrap();
    let Err(ImportError::BadRows(rows)) = run(CodeSystem::Cpt, &pipe, &data, "2027") else { panic!("bad rows") };
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn the_command_line_reports_bad_lines_and_a_summary() {
    let dir = temp();
    let data = dir.path().join("data");
    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        order_line(1, "I10", true, "Essential hypertension", "Essential (primary) hypertension") + "junk\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_codecard"))
        .args(["import", "icd10cm"])
        .arg(&bad)
        .args(["--release", "FY2026", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.txt:2:"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    let good = dir.path().join("good.txt");
    std::fs::write(&good, order_line(1, "I10", true, "Essential hypertension", "Essential (primary) hypertension"))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_codecard"))
        .args(["import", "ICD-10-CM"])
        .arg(&good)
        .args(["--release", "FY2026", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("imported 1 ICD-10-CM codes") && stdout.contains("98185"), "{stdout}");
}

//! The README's nginx sample for two instances is checked by nginx itself (`nginx -t`), so that
//! an operator who copies it gets a configuration nginx accepts. The certificate paths are
//! pointed at a throwaway self-signed pair; everything else is tested as written.

use std::path::Path;
use std::process::Command;

/// The README's first ```nginx block.
fn sample() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```nginx\n").expect("the README has an nginx sample") + "```nginx\n".len();
    let length = readme[start..].find("```").unwrap();
    readme[start..start + length].to_string()
}

/// A program the test needs; a missing one fails with what to install (a test that skipped
/// itself would pass without checking anything).
fn program(name: &str) -> &str {
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).chain(["/usr/sbin".into()]).any(|dir| dir.join(name).exists())
    });
    assert!(found, "{name} is not installed: run `bash .ci/setup` (it installs Debian's nginx-light and openssl)");
    name
}

#[test]
fn the_readme_nginx_sample_passes_nginx_t() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    let made = Command::new(program("openssl"))
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=codes.example.org"])
        .args(["-keyout", &at("key.pem"), "-out", &at("cert.pem")])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let sample = sample();
    let mut certificates = 0;
    let server: String = sample
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.first().copied() {
                Some("ssl_certificate") => {
                    certificates += 1;
                    format!("ssl_certificate {};", at("cert.pem"))
                }
                Some("ssl_certificate_key") => {
                    certificates += 1;
                    format!("ssl_certificate_key {};", at("key.pem"))
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(certificates, 2, "the sample names its certificate and key: {sample}");
    std::fs::write(at("codecard.conf"), server).unwrap();
    // The frame a Debian nginx.conf gives a conf.d file, with every path in the temporary folder.
    let temp_paths = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|kind| format!("{kind}_temp_path {};", at(kind)))
        .collect::<String>();
    let main = format!(
        "pid {pid};\nerror_log {log};\nevents {{}}\nhttp {{\n access_log off;\n {temp_paths}\n include {conf};\n}}\n",
        pid = at("nginx.pid"),
        log = at("error.log"),
        conf = at("codecard.conf"),
    );
    std::fs::write(at("nginx.conf"), main).unwrap();
    let nginx =
        if Path::new("/usr/sbin/nginx").exists() { "/usr/sbin/nginx".to_string() } else { program("nginx").into() };
    let checked = Command::new(nginx)
        .args(["-t", "-p", &at(""), "-e", &at("error.log"), "-c", &at("nginx.conf")])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success() && said.contains("test is successful"), "nginx -t: {said}");
}

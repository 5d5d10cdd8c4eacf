//! The files a host page downloads: the loader, the wasm-bindgen glue, the wasm and the styles.
//!
//! The loader keeps a stable address (`/widget/loader.js`) and a short cache life, so a fix
//! reaches every page within minutes. Everything it loads lives under `/widget/{build}/`, where
//! `build` is a hash of the files' contents: those addresses never change meaning, so browsers
//! may keep them for a year.
//!
//! A page that loaded the loader before a redeploy asks for the previous build's files later
//! (the card module loads on first use): each build's files are kept in `builds/{build}/` of the
//! widget folder, and such a page gets exactly the files its loader was built with, never the
//! new glue with the old wasm or the reverse.
//!
//! Those files never change while the server runs, so they are served precompressed: the build
//! writes brotli (quality 11) and gzip (level 9) copies next to the wasm-pack outputs
//! (`.ci/precompress.js`), and the loader and styles, which the server itself finishes, are
//! compressed once at start. A request gets the smallest copy its `Accept-Encoding` admits; the
//! router's on-the-fly compression then leaves the answer alone and serves only dynamic answers.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use sha2::{Digest, Sha256};

use super::{AppError, AppState};

/// The embed script's source, with `__CODECARD_BUILD__` standing for the build hash. The build
/// minifies it into the widget folder as `loader.js`, which is served when present.
const LOADER_SOURCE: &str = include_str!("../../assets/loader.js");
/// The card's styles, applied inside its shadow root.
const STYLES: &str = include_str!("../../assets/codecard.css");

/// The wasm-pack outputs the loader imports: the card's module and the search box's.
const PKG_FILES: [&str; 4] = ["codecard.js", "codecard_bg.wasm", "codecard_search.js", "codecard_search_bg.wasm"];

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// How many builds the widget folder keeps (the current one included): a loader is cached five
/// minutes, so a page can ask for any build deployed since it was opened, which for a page left
/// open over several deploys can be more than one back.
const KEPT_BUILDS: usize = 8;

/// One file as served: its bytes and, when there are any, its compressed copies.
struct Encoded {
    identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// The content codings the server has copies in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Br,
    Gzip,
    Identity,
}

impl Encoded {
    /// Compresses `identity` now (brotli 11, gzip 9): for the small files the server finishes
    /// itself, where it takes milliseconds.
    fn compress(identity: Bytes) -> Encoded {
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, size_hint: identity.len(), ..Default::default() };
        brotli::BrotliCompress(&mut &identity[..], &mut br, &params).expect("brotli into memory");
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&identity).expect("gzip into memory");
        let gzip = gzip.finish().expect("gzip into memory");
        Encoded { identity, br: Some(br.into()), gzip: Some(gzip.into()) }
    }

    /// Reads `name` from `dir` with the `.br` and `.gz` copies the build wrote next to it. A
    /// missing copy is not an error: that coding is then compressed on the fly.
    fn read(dir: &Path, name: &str) -> std::io::Result<Encoded> {
        let identity = Bytes::from(std::fs::read(dir.join(name))?);
        let copy = |ext: &str| std::fs::read(dir.join(format!("{name}.{ext}"))).ok().map(Bytes::from);
        Ok(Encoded { identity, br: copy("br"), gzip: copy("gz") })
    }

    /// The copy to send for a request's `Accept-Encoding`, with its `Content-Encoding`.
    fn negotiate(&self, request: &HeaderMap) -> (Option<&'static str>, Bytes) {
        match (preferred(request, self.br.is_some(), self.gzip.is_some()), &self.br, &self.gzip) {
            (Coding::Br, Some(br), _) => (Some("br"), br.clone()),
            (Coding::Gzip, _, Some(gzip)) => (Some("gzip"), gzip.clone()),
            _ => (None, self.identity.clone()),
        }
    }

    /// Answers with the copy `request` admits; every copy says it varies by `Accept-Encoding`,
    /// so a shared cache never hands brotli to a client that did not ask for it.
    fn respond(&self, request: &HeaderMap, content_type: &'static str, cache: &'static str) -> Response {
        let (coding, body) = self.negotiate(request);
        let mut response = (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            body,
        )
            .into_response();
        if let Some(coding) = coding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}

/// The coding to answer in, among those there is a copy in: brotli before gzip (smaller), each
/// only when `Accept-Encoding` lists it (or `*`) with a non-zero weight (RFC 9110, 12.5.3).
fn preferred(request: &HeaderMap, have_br: bool, have_gzip: bool) -> Coding {
    let mut weights = HashMap::new();
    for item in
        request.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        weights.insert(name, weight);
    }
    let accepts = |name: &str| weights.get(name).or_else(|| weights.get("*")).is_some_and(|&q| q > 0.0);
    if have_br && accepts("br") {
        Coding::Br
    } else if have_gzip && (accepts("gzip") || accepts("x-gzip")) {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// The widget's files, read once at start.
pub struct WidgetFiles {
    build: String,
    loader: Encoded,
    files: HashMap<&'static str, Encoded>,
    missing: Vec<&'static str>,
    /// Where the files of this and earlier builds are kept: `{pkg_dir}/builds/`.
    archive: PathBuf,
}

impl WidgetFiles {
    /// Reads the wasm-pack output from `pkg_dir`. Missing files are not fatal (the server still
    /// answers the API); they are listed by [`WidgetFiles::missing`] and answer 404.
    pub fn load(pkg_dir: &Path) -> WidgetFiles {
        let mut files = HashMap::new();
        let mut missing = Vec::new();
        files.insert("codecard.css", Encoded::compress(Bytes::from_static(STYLES.as_bytes())));
        for name in PKG_FILES {
            match Encoded::read(pkg_dir, name) {
                Ok(file) => {
                    files.insert(name, file);
                }
                Err(_) => missing.push(name),
            }
        }
        // SHA-256, not `DefaultHasher`: the name must stay the same for the same files across
        // Rust releases and server instances, or caches and load balancers disagree.
        let mut hasher = Sha256::new();
        let mut names: Vec<_> = files.keys().collect();
        names.sort();
        for name in names {
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((files[name].identity.len() as u64).to_le_bytes());
            hasher.update(&files[name].identity);
        }
        let build: String = hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
        let template = std::fs::read_to_string(pkg_dir.join("loader.js")).unwrap_or_else(|_| LOADER_SOURCE.to_string());
        let loader = Encoded::compress(Bytes::from(template.replace("__CODECARD_BUILD__", &build)));
        let archive = pkg_dir.join("builds");
        if missing.is_empty()
            && let Err(error) = keep(&archive, &build, &files)
        {
            tracing::warn!(dir = %archive.display(), %error, "the widget's files could not be kept for pages of this build after the next deploy");
        }
        WidgetFiles { build, loader, files, missing, archive }
    }

    /// A file of an earlier build, with the compressed copies kept beside it; `None` when that
    /// build is not kept.
    async fn previous(&self, build: &str, name: &str) -> Option<Encoded> {
        // A build is 16 hex digits: nothing else reaches the file system.
        if build.len() != 16 || !build.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let dir = self.archive.join(build);
        let name = name.to_string();
        tokio::task::spawn_blocking(move || Encoded::read(&dir, &name).ok()).await.ok().flatten()
    }

    /// The wasm-pack outputs that were not found (the widget cannot start without them).
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }
}

/// Writes `files` (each with its compressed copies) to `archive/{build}/`, each through a
/// temporary file so that a reader never sees half of one, then removes the oldest builds
/// beyond [`KEPT_BUILDS`].
fn keep(archive: &Path, build: &str, files: &HashMap<&'static str, Encoded>) -> std::io::Result<()> {
    let dir = archive.join(build);
    std::fs::create_dir_all(&dir)?;
    for (name, file) in files {
        let copies = [
            (String::new(), Some(&file.identity)),
            (".br".into(), file.br.as_ref()),
            (".gz".into(), file.gzip.as_ref()),
        ];
        for (ext, bytes) in copies {
            let Some(bytes) = bytes else { continue };
            let path = dir.join(format!("{name}{ext}"));
            if !path.exists() {
                let partial = dir.join(format!("{name}{ext}.partial"));
                std::fs::write(&partial, bytes)?;
                std::fs::rename(&partial, &path)?;
            }
        }
    }
    let mut builds: Vec<_> = std::fs::read_dir(archive)?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let modified = entry.metadata().ok()?.modified().ok()?;
            Some((modified, entry.path()))
        })
        .filter(|(_, path)| path.is_dir() && *path != dir)
        .collect();
    builds.sort_by_key(|build| std::cmp::Reverse(build.0));
    for (_, old) in builds.into_iter().skip(KEPT_BUILDS - 1) {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /widget/loader.js`.
pub async fn loader(State(state): State<AppState>, request: HeaderMap) -> Response {
    state.widget.loader.respond(&request, "text/javascript; charset=utf-8", "public, max-age=300")
}

/// `GET /widget/{build}/{file}`: immutable for the current build and for a kept earlier one. A
/// page whose loader is older than every kept build still gets the current files, uncached,
/// rather than a broken card.
pub async fn versioned(
    State(state): State<AppState>,
    UrlPath((build, file)): UrlPath<(String, String)>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let (name, current) = state.widget.files.get_key_value(file.as_str()).ok_or(AppError::NotFound)?;
    if build == state.widget.build {
        return Ok(current.respond(&request, content_type(name), IMMUTABLE));
    }
    Ok(match state.widget.previous(&build, name).await {
        Some(kept) => kept.respond(&request, content_type(name), IMMUTABLE),
        None => current.respond(&request, content_type(name), "no-cache"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn brotli_is_preferred_when_accepted_and_present() {
        assert_eq!(preferred(&accept("gzip, deflate, br, zstd"), true, true), Coding::Br);
        assert_eq!(preferred(&accept("gzip, deflate, br"), false, true), Coding::Gzip);
        assert_eq!(preferred(&accept("*"), true, true), Coding::Br);
    }

    #[test]
    fn a_zero_weight_refuses_a_coding() {
        assert_eq!(preferred(&accept("br;q=0, gzip"), true, true), Coding::Gzip);
        assert_eq!(preferred(&accept("br;q=0, gzip;q=0.0"), true, true), Coding::Identity);
        assert_eq!(preferred(&accept("*;q=0"), true, true), Coding::Identity);
    }

    #[test]
    fn no_accept_encoding_means_identity() {
        assert_eq!(preferred(&HeaderMap::new(), true, true), Coding::Identity);
        assert_eq!(preferred(&accept("identity"), true, true), Coding::Identity);
    }
}

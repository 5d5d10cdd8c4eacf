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

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use sha2::{Digest, Sha256};

use super::{AppError, AppState};

/// The embed script's source, with `__CODECARD_BUILD__` standing for the build hash. The build
/// minifies it into the widget folder as `loader.js`, which is served when present.
const LOADER_SOURCE: &str = include_str!("../../assets/loader.js");
/// The card's styles, applied inside its shadow root.
const STYLES: &str = include_str!("../../assets/codecard.css");

/// The wasm-pack outputs the loader imports.
const PKG_FILES: [&str; 2] = ["codecard.js", "codecard_bg.wasm"];

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// How many builds the widget folder keeps (the current one included): a loader is cached five
/// minutes, so a page can ask for any build deployed since it was opened, which for a page left
/// open over several deploys can be more than one back.
const KEPT_BUILDS: usize = 8;

/// The widget's files, read once at start.
pub struct WidgetFiles {
    build: String,
    loader: Bytes,
    files: HashMap<&'static str, Bytes>,
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
        files.insert("codecard.css", Bytes::from_static(STYLES.as_bytes()));
        for name in PKG_FILES {
            match std::fs::read(pkg_dir.join(name)) {
                Ok(bytes) => {
                    files.insert(name, Bytes::from(bytes));
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
            hasher.update((files[name].len() as u64).to_le_bytes());
            hasher.update(&files[name]);
        }
        let build: String = hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
        let template = std::fs::read_to_string(pkg_dir.join("loader.js")).unwrap_or_else(|_| LOADER_SOURCE.to_string());
        let loader = Bytes::from(template.replace("__CODECARD_BUILD__", &build));
        let archive = pkg_dir.join("builds");
        if missing.is_empty()
            && let Err(error) = keep(&archive, &build, &files)
        {
            tracing::warn!(dir = %archive.display(), %error, "the widget's files could not be kept for pages of this build after the next deploy");
        }
        WidgetFiles { build, loader, files, missing, archive }
    }

    /// A file of an earlier build, from the archive; `None` when that build is not kept.
    async fn previous(&self, build: &str, name: &str) -> Option<Bytes> {
        // A build is 16 hex digits: nothing else reaches the file system.
        if build.len() != 16 || !build.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        tokio::fs::read(self.archive.join(build).join(name)).await.ok().map(Bytes::from)
    }

    /// The wasm-pack outputs that were not found (the widget cannot start without them).
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }
}

/// Writes `files` to `archive/{build}/` (each through a temporary file, so a reader never sees
/// half of one), then removes the oldest builds beyond [`KEPT_BUILDS`].
fn keep(archive: &Path, build: &str, files: &HashMap<&'static str, Bytes>) -> std::io::Result<()> {
    let dir = archive.join(build);
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in files {
        let path = dir.join(name);
        if !path.exists() {
            let partial = dir.join(format!("{name}.partial"));
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, &path)?;
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
    builds.sort_by(|a, b| b.0.cmp(&a.0));
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
pub async fn loader(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        state.widget.loader.clone(),
    )
        .into_response()
}

/// `GET /widget/{build}/{file}`: immutable for the current build and for a kept earlier one. A
/// page whose loader is older than every kept build still gets the current files, uncached,
/// rather than a broken card.
pub async fn versioned(
    State(state): State<AppState>,
    UrlPath((build, file)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let (name, current) = state.widget.files.get_key_value(file.as_str()).ok_or(AppError::NotFound)?;
    let (cache, bytes) = if build == state.widget.build {
        (IMMUTABLE, current.clone())
    } else {
        match state.widget.previous(&build, name).await {
            Some(kept) => (IMMUTABLE, kept),
            None => ("no-cache", current.clone()),
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type(name))),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response())
}

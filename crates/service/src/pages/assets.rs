//! The pages' static files: the DSFR's (from the npm package `@gouvfr/dsfr`, a folder on disk,
//! [`crate::Config::assets_dir`]) and Passerelle's own stylesheet and script (embedded), all
//! under one versioned prefix, `/static/<DSFR version>-<hash>/`, so that they can be cached for
//! a year: a new DSFR or a change to Passerelle's files gives new URLs.
//!
//! The version is known when the binary is built: the DSFR's version and the integrity hash
//! that `web/package-lock.json` pins (what `npm ci` installs and checks), and the content of
//! Passerelle's own files. A folder given with `--assets` that holds another version of the DSFR
//! is served all the same, with a warning at start: its URLs would not change with its content.
//!
//! Static files are the only responses with a cache header of their own and the only
//! compressed ones; pages and API answers keep `no-store` and are sent as they are (a page
//! mixes secrets, the anti-forgery token, with text a request can choose, which compression
//! would let an observer of sizes guess: BREACH).

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};

use crate::AppState;

const STYLESHEET: &str = include_str!("../../static/passerelle.css");
const SCRIPT: &str = include_str!("../../static/passerelle.js");
const PACKAGE_LOCK: &str = include_str!("../../../../web/package-lock.json");

/// The cache header of static files: a year, never revalidated (their URLs change with them).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The DSFR's icon categories the pages use, each a stylesheet of
/// `utility/icons/icons-<category>/` (a few kilobytes, where the stylesheet of all icons weighs
/// 350 KB). A test checks that every `fr-icon-` class of the templates is defined in one of
/// them: a template using an icon of another category adds that category here.
pub const ICON_CATEGORIES: &[&str] = &["arrows", "system", "user"];

/// Where the pages find their static files.
pub struct Assets {
    /// The versioned prefix, `/static/<version>`, without a trailing slash.
    pub prefix: String,
    /// The DSFR version this build was made for (from `web/package-lock.json`).
    pub dsfr_version: String,
    /// The icon stylesheets the pages link, relative to the DSFR's folder.
    pub icon_stylesheets: Vec<String>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let lock: serde_json::Value = serde_json::from_str(PACKAGE_LOCK).unwrap_or_default();
    let dsfr = lock.pointer("/packages/node_modules~1@gouvfr~1dsfr");
    let field = |name: &str| {
        dsfr.and_then(|d| d.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let dsfr_version = field("version");
    let mut hash = Sha256::new();
    for part in [
        dsfr_version.as_str(),
        &field("integrity"),
        STYLESHEET,
        SCRIPT,
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    let digest: String = hash
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    Assets {
        prefix: format!("/static/{dsfr_version}-{digest}"),
        dsfr_version,
        icon_stylesheets: ICON_CATEGORIES
            .iter()
            .map(|c| format!("utility/icons/icons-{c}/icons-{c}.min.css"))
            .collect(),
    }
});

/// The static files' URLs, for templates (through `Chrome`) and tests.
pub fn assets() -> &'static Assets {
    &ASSETS
}

/// The versioned static files: Passerelle's own, and the DSFR's folder when there is one.
///
/// Compressed as they are sent (tower-http's `CompressionLayer`: brotli at quality 4, gzip at
/// level 6), rather than compressed once at start into memory. Their URLs are immutable, so a
/// browser downloads each file once per release, and the work (for the DSFR's 728 KB
/// stylesheet, 12 ms of one core in brotli, 19 ms in gzip) is paid once per browser and
/// release, not per page view. Compressing ahead would put that work on every start (the tests
/// start hundreds of servers) and keep in memory copies of a 2,500-file folder of which a page
/// needs a dozen, or need a second list of those files to keep in step with the templates. A
/// proxy in front may keep the compressed answers: they carry `Vary: Accept-Encoding`. Fonts
/// (WOFF2, already compressed) and images other than SVG are sent as they are.
pub fn routes(dir: Option<PathBuf>) -> Router<Arc<AppState>> {
    let prefix = &assets().prefix;
    if let Some(dir) = &dir {
        check_version(dir, &assets().dsfr_version);
    }
    let files = Router::new()
        .route(&format!("{prefix}/passerelle.css"), get(stylesheet))
        .route(&format!("{prefix}/passerelle.js"), get(script));
    let files = match dir {
        Some(dir) => files.nest_service(
            &format!("{prefix}/dsfr"),
            tower_http::services::ServeDir::new(dir).append_index_html_on_directories(false),
        ),
        None => files,
    };
    files.layer(axum::middleware::from_fn(immutable)).layer(
        CompressionLayer::new()
            .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
    )
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// The year-long cache header on the files found (and on "not modified"); a missing file's
/// answer keeps the router's `no-store`.
async fn immutable(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    response
}

/// Warns when the DSFR folder served is not the version this build's URLs are made for (its
/// stylesheet begins with `DSFR v<version>`).
fn check_version(dir: &Path, expected: &str) {
    let head = std::fs::read(dir.join("dsfr.min.css"))
        .map(|bytes| String::from_utf8_lossy(bytes.get(..512).unwrap_or(&bytes)).into_owned())
        .unwrap_or_default();
    if !head.contains(&format!("DSFR v{expected} ")) {
        tracing::warn!(
            dir = %dir.display(),
            expected,
            "the DSFR's folder is not the version web/package-lock.json pins: browsers that \
             cached the files of this build's URLs keep them"
        );
    }
}

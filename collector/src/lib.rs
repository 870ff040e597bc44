//! The collector behind `rewind serve`. It receives the SDK's batches (`POST /v1/ingest`), stores
//! them through `object_store` (a local directory or an S3-compatible bucket), keeps a session
//! index, serves the read API, `/health` and `/metrics`, and serves the viewer (`www/`) and the
//! built npm package (`/pkg/`, `/pkg-record/`, `/js/`).
//!
//! Modules: [`api`] error responses, [`auth`] keys, [`limits`] limits and the rate limiter,
//! [`wire`] the batch envelope, [`durable`] synced local writes and the directory lock,
//! [`ingest`] the ingest handler, [`redact`] server-side redaction and the stored-string cap,
//! [`store`] storage layout,
//! [`index`] the session index (SQLite or PostgreSQL), [`analysis`] the background per-session
//! analysis that fills it, [`read`] the read API and deletion, [`share`] signed share links,
//! [`mcp`] the MCP server for AI agents (`/v1/mcp`), [`retention`] the retention sweep,
//! [`metrics`] counters.

pub mod analysis;
pub mod api;
pub mod auth;
pub mod durable;
pub mod index;
pub mod ingest;
pub mod limits;
pub mod mcp;
pub mod metrics;
pub mod read;
pub mod redact;
pub mod retention;
pub mod share;
pub mod store;
pub mod wire;

use auth::Keys;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;
use index::{Index, IndexConfig};
use limits::{
    RateLimiter, DEFAULT_BURST_PER_KEY, DEFAULT_MAX_SEQ, DEFAULT_RATE_PER_KEY, MAX_INFLIGHT_BODY_KIB,
    MAX_INFLIGHT_DECODES, MAX_REDACTING_KIB, MAX_SEQ,
};
use metrics::Metrics;
use redact::{Policy, DEFAULT_MAX_STORED_STRING_BYTES};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use store::{Store, StoreConfig};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

/// Stack size of the runtime's threads, in bytes: the analysis endpoint parses node trees
/// recursively (up to `rewind::model::MAX_NODE_DEPTH` levels), like `rewind analyze`.
const THREAD_STACK_BYTES: usize = 16 << 20;

/// How long browsers may cache a CORS preflight answer: 1 day (Chromium caps it at 2 hours).
const CORS_MAX_AGE: Duration = Duration::from_secs(86_400);

/// Arguments of `rewind serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8377", value_name = "ADDR")]
    pub addr: SocketAddr,

    /// Local data directory (created if missing): sessions/YYYY/MM/DD/{session_id}/{seq}.json.gz
    /// and the session index, index.sqlite (unless --index names another database).
    #[arg(long, default_value = "rewind-data", value_name = "DIR")]
    pub data_dir: PathBuf,

    /// Store in an S3-compatible bucket instead of --data-dir: s3://bucket/prefix. Credentials
    /// and region come from the AWS_* environment variables.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,

    /// The session index database: postgres://user:password@host:port/db (for several
    /// collectors sharing one --store), or sqlite:PATH [default: sqlite in --data-dir].
    #[arg(long, value_name = "URL")]
    pub index: Option<String>,

    /// Seconds without a new batch after which a session is analysed in the background (pages,
    /// rage/dead/error clicks, findings for the index).
    #[arg(long, default_value_t = analysis::DEFAULT_ANALYSIS_IDLE_SECS, value_name = "SECS")]
    pub analysis_idle_secs: u64,

    /// Endpoint of an S3-compatible server (MinIO, R2, …), e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<String>,

    /// Public (ingest-only) key; repeat for several apps. Env: REWIND_PUBLIC_KEY
    /// (comma-separated). Generated and printed when not given.
    #[arg(long = "public-key", value_name = "KEY")]
    pub public_keys: Vec<String>,

    /// Read key (list and read sessions). Env: REWIND_READ_KEY. Generated when not given.
    #[arg(long, value_name = "KEY")]
    pub read_key: Option<String>,

    /// Admin key (read and delete sessions). Env: REWIND_ADMIN_KEY. Generated when not given.
    #[arg(long, value_name = "KEY")]
    pub admin_key: Option<String>,

    /// Origin allowed to POST batches from a browser (CORS), e.g. https://shop.example; repeat
    /// for several, `*` for any. Without it only pages served by this collector can send.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,

    /// Origin allowed to use the read API (list and read sessions) from a browser page, e.g. a
    /// viewer embedded in https://admin.example; repeat for several. Explicit origins only
    /// (no `*`), no cookies. Without it only pages served by this collector can read.
    #[arg(long = "read-cors-origin", value_name = "ORIGIN")]
    pub read_cors_origins: Vec<String>,

    /// Sustained ingest rate per public key, in batches per second (0: no limit).
    #[arg(long, default_value_t = DEFAULT_RATE_PER_KEY, value_name = "N")]
    pub rate_limit: f64,

    /// Burst per public key, in batches [default: 2 s worth of --rate-limit, 2000 by default].
    #[arg(long, value_name = "N")]
    pub rate_burst: Option<f64>,

    /// Delete sessions whose last event is older than N days (swept at startup and hourly).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: Option<u32>,

    /// Store batches as the SDK sent them: no server-side redaction. By default the collector
    /// strips URL query strings and fragments and replaces emails, card numbers, phone numbers,
    /// SSNs and tokens in every event (and the envelope's distinct_id) with [REDACTED:kind]
    /// before anything is written, with the recorder's own privacy rules.
    #[arg(long)]
    pub no_server_redaction: bool,

    /// Longest string stored, in bytes (text, attribute values, payloads); a longer one keeps
    /// its first N bytes followed by "…[TRUNCATED:<original length> bytes]". 0: no cap.
    #[arg(long, default_value_t = DEFAULT_MAX_STORED_STRING_BYTES, value_name = "BYTES")]
    pub max_stored_string_bytes: usize,

    /// Largest batch `seq` accepted per session; later batches are refused with 413 and a
    /// reason, and nothing of them is stored.
    #[arg(long, default_value_t = DEFAULT_MAX_SEQ, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=MAX_SEQ))]
    pub max_seq: u64,

    /// Seconds a connection may take to send a complete request head, counted from its opening
    /// or its previous response: also the idle timeout of keep-alive connections.
    #[arg(long, default_value_t = limits::HEADER_READ_TIMEOUT.as_secs(), value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,

    /// Seconds an ingest request may take to send its body (408 after).
    #[arg(long, default_value_t = limits::BODY_READ_TIMEOUT.as_secs(), value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: u64,

    /// Most connections open at once; one past it is closed immediately.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_CONNECTIONS as u64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,

    /// Serve /metrics to anyone. By default it needs the read or the admin key (X-Rewind-Key
    /// or Authorization: Bearer), like the read API.
    #[arg(long)]
    pub metrics_public: bool,

    /// File holding the secret that signs share links (its text, trimmed, at least 32 bytes).
    /// Env: REWIND_SHARE_SECRET (the secret itself). Without either, a secret is generated once
    /// into DATA_DIR/share-secret (mode 0600) and reused. Changing it revokes every link.
    #[arg(long, value_name = "FILE")]
    pub share_secret_file: Option<PathBuf>,

    /// The viewer's address as its users reach it, which share links point to, e.g.
    /// https://replay.example/ behind a proxy [default: http://HOST/ of the request].
    #[arg(long, value_name = "URL")]
    pub share_url: Option<String>,

    /// Directory served at / (the viewer and demo app) [default: ./www if it exists].
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// Directory holding the built npm package (pkg/, pkg-record/, js/), served at /pkg/,
    /// /pkg-record/ and /js/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub package_dir: PathBuf,
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    /// The keys.
    pub keys: Keys,
    /// Batches.
    pub store: Store,
    /// The session index.
    pub index: Index,
    /// Per-key ingest rate limit.
    pub limiter: RateLimiter,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// KiB of ingest bodies held at once ([`MAX_INFLIGHT_BODY_KIB`]).
    pub body_budget: Semaphore,
    /// Longest time an ingest body may take to arrive (`--body-timeout-secs`).
    pub body_timeout: Duration,
    /// Batches decoded at once ([`MAX_INFLIGHT_DECODES`]).
    pub decode_slots: Semaphore,
    /// Wakes the background analysis ([`analysis`]).
    pub analysis: analysis::AnalysisQueue,
    /// Server-side redaction and the stored-string cap ([`redact`]).
    pub policy: Policy,
    /// Largest `seq` accepted (`--max-seq`).
    pub max_seq: u64,
    /// `/metrics` without a key (`--metrics-public`).
    pub metrics_public: bool,
    /// KiB of batch JSON being redacted at once ([`MAX_REDACTING_KIB`]).
    pub redact_budget: Semaphore,
    /// Reads in flight per key and analyses at once ([`read::ReadSlots`]).
    pub reads: read::ReadSlots,
    /// Share links ([`share`]); `None`: `POST /v1/sessions/{id}/share` answers 404 and share
    /// tokens are refused (`rewind serve` always sets it).
    pub share: Option<share::ShareLinks>,
}

impl AppState {
    /// A state over `store` and `index` with the given keys and rate limit, and the defaults of
    /// everything else (redaction on, [`DEFAULT_MAX_SEQ`], `/metrics` behind a key).
    pub fn new(store: Store, index: Index, keys: Keys, limiter: RateLimiter) -> Self {
        AppState {
            keys,
            store,
            index,
            limiter,
            metrics: Metrics::default(),
            body_budget: Semaphore::new(MAX_INFLIGHT_BODY_KIB as usize),
            body_timeout: limits::BODY_READ_TIMEOUT,
            decode_slots: Semaphore::new(MAX_INFLIGHT_DECODES),
            analysis: analysis::AnalysisQueue::default(),
            policy: Policy::default(),
            max_seq: DEFAULT_MAX_SEQ,
            metrics_public: false,
            redact_budget: Semaphore::new(MAX_REDACTING_KIB as usize),
            reads: read::ReadSlots::default(),
            share: None,
        }
    }

    #[cfg(test)]
    pub(crate) async fn for_tests(store: Store) -> Self {
        let keys = Keys { public: vec!["p".repeat(16)], read: "r".repeat(16), admin: "a".repeat(16) };
        let index = Index::open(&IndexConfig::Memory).await.expect("in-memory index");
        AppState::new(store, index, keys, RateLimiter::new(0.0, 1.0))
    }
}

/// Where static files come from.
#[derive(Debug, Default)]
pub struct StaticDirs {
    /// Served at `/` (the viewer and demo app), if any.
    pub www: Option<PathBuf>,
    /// `(mount, dir)` pairs: `/pkg`, `/pkg-record`, `/js` of the built npm package.
    pub package: Vec<(&'static str, PathBuf)>,
}

/// `--cors-origin` values (ingest): `*` for any origin, else each as a browser sends it
/// (a trailing `/` is dropped). Any scheme is accepted (an extension page may record).
fn ingest_origins(origins: &[String]) -> Result<AllowOrigin, String> {
    if origins.iter().any(|o| o == "*") {
        return Ok(AllowOrigin::any());
    }
    let list: Result<Vec<HeaderValue>, String> = origins
        .iter()
        .map(|o| HeaderValue::from_str(o.trim_end_matches('/')).map_err(|_| format!("--cors-origin {o:?}")))
        .collect();
    Ok(AllowOrigin::list(list?))
}

/// `--read-cors-origin` values: explicit web origins only (`http(s)://host[:port]`, no path,
/// query or `*`; a trailing `/` is dropped), because whoever the list names can read every
/// session with a read key. Errors name the flag and the value.
fn read_origins(origins: &[String]) -> Result<AllowOrigin, String> {
    let list = origins
        .iter()
        .map(|o| {
            if o == "*" {
                return Err("--read-cors-origin: `*` is not allowed: list the origins that may read sessions".into());
            }
            let origin = o.trim().trim_end_matches('/');
            let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            if !rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', '*', ' ', '@'])) {
                return Err(format!(
                    "--read-cors-origin {o:?}: expected an origin such as https://admin.example or http://127.0.0.1:8080"
                ));
            }
            HeaderValue::from_str(origin).map_err(|_| format!("--read-cors-origin {o:?}: not a valid header value"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(AllowOrigin::list(list))
}

/// The router: the API, then static files. `cors` are `--cors-origin` (ingest) and
/// `read_cors` `--read-cors-origin` (the read API). Tests drive it in-process
/// (`collector/tests/router.rs`).
///
/// # Errors
/// A CORS origin that is not valid for its flag, named with the flag.
pub fn router(
    state: Arc<AppState>,
    cors: &[String],
    read_cors: &[String],
    dirs: &StaticDirs,
) -> Result<Router, String> {
    let ingest_cors = CorsLayer::new()
        .allow_origin(ingest_origins(cors)?)
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::CONTENT_ENCODING, HeaderName::from_static(auth::KEY_HEADER)])
        .expose_headers([header::RETRY_AFTER])
        .max_age(CORS_MAX_AGE);
    // Creating a share link is a read-key POST with a JSON body, from the same origins.
    let share_cors = CorsLayer::new()
        .allow_origin(read_origins(read_cors)?)
        .allow_methods([Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static(auth::KEY_HEADER)])
        .max_age(CORS_MAX_AGE);
    // Reading only (GET; deleting stays same-origin), the key in a header (never a cookie:
    // no Access-Control-Allow-Credentials), for listed origins only. With no origin listed
    // the layer answers no one, which is the browser's same-origin default.
    let read_cors = CorsLayer::new()
        .allow_origin(read_origins(read_cors)?)
        .allow_methods([Method::GET])
        .allow_headers([header::AUTHORIZATION, HeaderName::from_static(auth::KEY_HEADER)])
        .max_age(CORS_MAX_AGE);
    let ingest = Router::new().route("/v1/ingest", post(ingest::handle)).layer(ingest_cors);
    let read = Router::new()
        .route("/v1/sessions", get(read::list))
        .route("/v1/sessions/{id}", get(read::get).delete(read::delete))
        .route("/v1/sessions/{id}/analysis", get(read::analysis))
        .layer(read_cors);
    let share = Router::new().route("/v1/sessions/{id}/share", post(share::create)).layer(share_cors);
    let mut app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/metrics", get(metrics_handler))
        .merge(read)
        .merge(share)
        .merge(mcp::routes(state.clone()))
        .merge(ingest);
    // Static files are public code (the viewer, the npm package's JS and wasm) and carry no
    // secret, so any origin may load them: an app on another origin can then
    // `import { mountViewer } from 'https://collector/viewer.js'`, whose modules, player and
    // wasm load from the collector too (module scripts and wasm fetches need CORS). Reading
    // sessions still needs that origin in --read-cors-origin.
    let public = |dir: &PathBuf| {
        let any = HeaderValue::from_static("*");
        SetResponseHeader::if_not_present(ServeDir::new(dir), header::ACCESS_CONTROL_ALLOW_ORIGIN, any)
    };
    for (mount, dir) in &dirs.package {
        app = app.nest_service(mount, public(dir));
    }
    if let Some(www) = &dirs.www {
        app = app.fallback_service(public(www));
    }
    Ok(app.layer(CatchPanicLayer::new()).with_state(state))
}

/// `GET /metrics`: the read or admin key unless `--metrics-public` (the counters say how much
/// traffic the collector takes and why it refuses requests).
async fn metrics_handler(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, api::ApiError> {
    use axum::response::IntoResponse;
    if !state.metrics_public {
        auth::authorize(&state.keys, &headers, auth::Need::Read)?;
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render()).into_response())
}

/// Runs `rewind serve` until Ctrl-C or SIGTERM.
///
/// # Errors
/// One line naming the bad option or what failed at start (bind, store, keys); the binary
/// prints it and exits 2.
pub fn run(args: &ServeArgs) -> Result<(), String> {
    // The CLI's default hook ends the process on a panic; a server answers 500 instead
    // (CatchPanicLayer) and keeps serving.
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        eprintln!("rewind serve: internal error{place}; the request failed, please report this bug");
    }));
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK_BYTES).build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(args)),
        Err(e) => Err(format!("cannot start the runtime: {e}")),
    }
}

/// A key from the flag, else the environment variable, else generated (`true` when generated).
fn key_or_generate(flag: Option<&String>, env: &str, kind: &str) -> Result<(String, bool), String> {
    if let Some(key) = flag.cloned().or_else(|| std::env::var(env).ok().filter(|k| !k.trim().is_empty())) {
        return Ok((key.trim().to_string(), false));
    }
    Ok((auth::generate_key(kind)?, true))
}

async fn serve(args: &ServeArgs) -> Result<(), String> {
    let mut public: Vec<String> = args.public_keys.clone();
    if public.is_empty() {
        if let Ok(env) = std::env::var("REWIND_PUBLIC_KEY") {
            public = env.split(',').map(str::trim).filter(|k| !k.is_empty()).map(String::from).collect();
        }
    }
    let public_generated = public.is_empty();
    if public_generated {
        public.push(auth::generate_key("public")?);
    }
    let (read, read_generated) = key_or_generate(args.read_key.as_ref(), "REWIND_READ_KEY", "read")?;
    let (admin, admin_generated) = key_or_generate(args.admin_key.as_ref(), "REWIND_ADMIN_KEY", "admin")?;
    let keys = Keys { public, read, admin };
    keys.validate()?;

    let store_config = match &args.store {
        Some(url) => StoreConfig::parse_url(url, args.s3_endpoint.clone())?,
        None => StoreConfig::Local(args.data_dir.clone()),
    };
    // One collector per local directory: taken before anything is written, held until exit.
    let _lock = match &store_config {
        StoreConfig::Local(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            Some(durable::DirLock::acquire(dir)?)
        }
        StoreConfig::S3 { .. } => None,
    };
    // After the lock: two starts must not both generate a secret.
    std::fs::create_dir_all(&args.data_dir).map_err(|e| format!("{}: {e}", args.data_dir.display()))?;
    let env_secret = std::env::var("REWIND_SHARE_SECRET").ok();
    let (share_secret, share_source) =
        share::load_secret(args.share_secret_file.as_deref(), env_secret, &args.data_dir)?;
    let share_url = args.share_url.as_deref().map(share_viewer_url).transpose()?;
    let started = std::time::SystemTime::now();
    let store = Store::open(&store_config)?;
    if let Some(root) = store.local_root().map(Path::to_path_buf) {
        // Staging files of writes a crash interrupted; in the background, so a large data
        // directory does not delay the start (only files older than this process go).
        tokio::task::spawn_blocking(move || {
            let removed = durable::clean_staging(&root, started);
            if removed > 0 {
                eprintln!("rewind serve: removed {removed} staging files left by interrupted writes");
            }
        });
    }
    let index_config = IndexConfig::parse(args.index.as_deref(), &args.data_dir)?;
    let index = Index::open(&index_config).await?;
    match index::legacy::import(&index, &store).await {
        Ok(0) => {}
        Ok(n) => eprintln!("rewind serve: imported {n} sessions from index/*.json into the index database"),
        Err(e) => return Err(format!("cannot import index/*.json into the index database: {e}")),
    }
    if !args.rate_limit.is_finite() || args.rate_limit < 0.0 {
        return Err("--rate-limit must be a number of batches per second, 0 or more".into());
    }
    let burst = args.rate_burst.unwrap_or(if args.rate_limit == DEFAULT_RATE_PER_KEY {
        DEFAULT_BURST_PER_KEY
    } else {
        (2.0 * args.rate_limit).max(1.0)
    });
    let dirs = static_dirs(args.www.as_deref(), &args.package_dir)?;
    let mut state = AppState::new(store, index, keys, RateLimiter::new(args.rate_limit, burst));
    state.policy = Policy { redact: !args.no_server_redaction, max_string_bytes: args.max_stored_string_bytes };
    state.max_seq = args.max_seq;
    state.metrics_public = args.metrics_public;
    state.body_timeout = Duration::from_secs(args.body_timeout_secs);
    state.share = Some(share::ShareLinks { secret: share_secret, viewer_url: share_url });
    let state = Arc::new(state);
    let app = router(state.clone(), &args.cors_origins, &args.read_cors_origins, &dirs)?;

    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let generated = [public_generated, read_generated, admin_generated];
    print_startup(addr, &state, &dirs, args, burst, generated, &share_source);
    analysis::spawn(state.clone(), Duration::from_secs(args.analysis_idle_secs));
    if let Some(days) = args.retention_days {
        retention::spawn(state.clone(), days);
    }
    let connections = Connections {
        header_timeout: Duration::from_secs(args.header_timeout_secs),
        max: usize::try_from(args.max_connections).unwrap_or(usize::MAX).min(Semaphore::MAX_PERMITS),
    };
    serve_http1(listener, app, connections, shutdown_signal()).await;
    eprintln!("rewind serve: stopped");
    Ok(())
}

/// The connection limits (`--header-timeout-secs`, `--max-connections`).
#[derive(Clone, Copy, Debug)]
pub struct Connections {
    /// [`limits::HEADER_READ_TIMEOUT`] by default.
    pub header_timeout: Duration,
    /// [`limits::DEFAULT_MAX_CONNECTIONS`] by default.
    pub max: usize,
}

/// Accepts connections and serves `app` on each, HTTP/1.1 only (hyper's http1 connection:
/// an HTTP/2 preface, cleartext h2c, is answered as a malformed HTTP/1 request), with the
/// header-read (and idle) timeout and at most `limits.max` connections; one past it is closed
/// at once. Returns after `shutdown` and the requests in flight (at most
/// [`limits::SHUTDOWN_GRACE`]).
pub async fn serve_http1(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Connections,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(Semaphore::new(limits.max));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset before accept: wait a
                // little instead of spinning.
                eprintln!("rewind serve: accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream); // past --max-connections
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(limits::SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// `--share-url`: an `http(s)://` URL without a fragment (the link's fragment is the token).
fn share_viewer_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let web = url.starts_with("https://") || url.starts_with("http://");
    if !web || url.contains(['#', ' ']) {
        return Err(format!("--share-url {url:?}: expected the viewer's address, e.g. https://replay.example/"));
    }
    Ok(url.to_string())
}

fn static_dirs(www: Option<&Path>, package_dir: &Path) -> Result<StaticDirs, String> {
    let www = match www {
        Some(dir) if dir.is_dir() => Some(dir.to_path_buf()),
        Some(dir) => return Err(format!("--www {}: not a directory", dir.display())),
        None => Some(PathBuf::from("www")).filter(|d| d.is_dir()),
    };
    let package = [("/pkg", "pkg"), ("/pkg-record", "pkg-record"), ("/js", "js")]
        .into_iter()
        .map(|(mount, sub)| (mount, package_dir.join(sub)))
        .filter(|(_, dir)| dir.is_dir())
        .collect();
    Ok(StaticDirs { www, package })
}

fn print_startup(
    addr: SocketAddr,
    state: &AppState,
    dirs: &StaticDirs,
    args: &ServeArgs,
    burst: f64,
    generated: [bool; 3],
    share_source: &share::SecretSource,
) {
    let url = format!("http://{addr}");
    let keys = &state.keys;
    let shown = |key: &str, generated: bool, flag: &str, env: &str| {
        if generated {
            format!("{key}  (generated)")
        } else {
            format!("(set by {flag} or {env}; not shown)")
        }
    };
    let mut out = String::new();
    out.push_str("rewind serve: session replay collector\n");
    out.push_str(&format!("  listening on {url}\n"));
    out.push_str(&format!("  ingest      POST {url}/v1/ingest   (X-Rewind-Key: a public key)\n"));
    out.push_str(&format!("  sessions    GET  {url}/v1/sessions (read or admin key)\n"));
    let secret = match share_source {
        share::SecretSource::File(path) => format!("from {}", path.display()),
        share::SecretSource::Env => "from REWIND_SHARE_SECRET".to_string(),
        share::SecretSource::Generated(path) => format!("generated into {}", path.display()),
        share::SecretSource::DataDir(path) => format!("from {}", path.display()),
    };
    out.push_str(&format!("  share links POST {url}/v1/sessions/ID/share (read key); secret {secret} (not shown)\n"));
    out.push_str(&format!("  MCP         {url}{}   (Authorization: Bearer <read key>)\n", mcp::MCP_PATH));
    match &dirs.www {
        Some(www) => out.push_str(&format!("  viewer      {url}/   ({})\n", www.display())),
        None => out.push_str("  viewer      (no www directory)\n"),
    }
    for (mount, dir) in &dirs.package {
        out.push_str(&format!("  package     {url}{mount}/   ({})\n", dir.display()));
    }
    let metrics_access = if args.metrics_public { "public" } else { "read or admin key" };
    out.push_str(&format!("  health      {url}/health   metrics {url}/metrics ({metrics_access})\n"));
    out.push_str(&format!("  data        {}\n", state.store.description));
    out.push_str(&format!("  index       {}\n", state.index.description));
    for key in &keys.public {
        // Public keys ship in web pages: always shown.
        out.push_str(&format!("  public key  {key}{}\n", if generated[0] { "  (generated)" } else { "" }));
    }
    out.push_str(&format!("  read key    {}\n", shown(&keys.read, generated[1], "--read-key", "REWIND_READ_KEY")));
    out.push_str(&format!("  admin key   {}\n", shown(&keys.admin, generated[2], "--admin-key", "REWIND_ADMIN_KEY")));
    let cors =
        if args.cors_origins.is_empty() { "none (same origin only)".to_string() } else { args.cors_origins.join(" ") };
    out.push_str(&format!("  CORS        {cors}\n"));
    let read_cors = if args.read_cors_origins.is_empty() {
        "none (same origin only)".to_string()
    } else {
        args.read_cors_origins.join(" ")
    };
    out.push_str(&format!("  read CORS   {read_cors}\n"));
    if args.rate_limit > 0.0 {
        out.push_str(&format!("  rate limit  {} batches/s per public key, burst {burst}\n", args.rate_limit));
    } else {
        out.push_str("  rate limit  off\n");
    }
    let redaction = if args.no_server_redaction {
        "off (--no-server-redaction: batches are stored as sent)"
    } else {
        "on (URL queries stripped; emails, cards, phones, SSNs, tokens redacted)"
    };
    out.push_str(&format!("  redaction   {redaction}\n"));
    let cap = match args.max_stored_string_bytes {
        0 => "no cap".to_string(),
        n => format!("{n} bytes"),
    };
    out.push_str(&format!("  strings     {cap} at most per stored string; seq at most {}\n", args.max_seq));
    out.push_str(&format!(
        "  connections at most {}; request head within {} s (idle keep-alive too); ingest body within {} s\n",
        args.max_connections, args.header_timeout_secs, args.body_timeout_secs
    ));
    match args.retention_days {
        Some(days) => out.push_str(&format!("  retention   {days} days\n")),
        None => out.push_str("  retention   off (sessions are kept)\n"),
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("rewind serve: shutting down");
}

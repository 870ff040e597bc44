//! The MCP server: rewind's sessions for AI agents, over Streamable HTTP at `/v1/mcp` on
//! `rewind serve` (and over stdio through `rewind mcp`, which forwards every call here).
//!
//! Authentication is the read API's: `Authorization: Bearer <read key>` (or `X-Rewind-Key`),
//! checked in constant time ([`crate::auth::authorize`]) before the MCP layer sees the request;
//! no key or an unknown one is 401, a public key 403. A key has at most
//! [`crate::limits::MAX_READS_PER_KEY`] requests in flight, as on the read API.
//!
//! Tools (see each module; every input field documents its unit):
//! - [`sessions`]: `search_sessions` (the index, through the read API's filter) and
//!   `get_session_summary`;
//! - [`timeline`]: `get_session_timeline` (the analyzer's markdown timeline) and `get_page_at`
//!   (the page at a moment as a text outline, from the player's virtual DOM);
//! - [`cohorts`]: `get_friction_report` and `compare_cohorts` (the bundle's report and
//!   comparison).
//!
//! What an agent gets is bounded and redacted ([`output`]): every list and text has a cap (a
//! named constant), and a result that was cut says `"truncated": true` with a `cursor` to pass
//! back for the next page. Results are built from the analyzer's redacted outputs, index counts
//! and the outline renderer, never from events: no rrweb event leaves through this server, and
//! every string in a result passes through the privacy module's redaction once more.
//!
//! The HTTP transport runs statelessly (no MCP session kept between requests, JSON responses),
//! so memory does not grow with clients and any collector sharing the store can answer. Browser
//! requests (with an `Origin` header) are refused: MCP clients are programs, and the key must
//! not be usable from a page. The `Host` header is not checked (rmcp's DNS-rebinding guard for
//! unauthenticated local servers): the collector is reached by whatever name its operator
//! gives it, and every request must carry the read key.

pub mod cohorts;
pub mod filter;
pub mod load;
pub mod output;
pub mod sessions;
pub mod timeline;

use crate::auth::{authorize, Need};
use crate::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use cohorts::CompareParams;
use filter::FilterPage;
use load::SessionCache;
use output::tool_result;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{tool, tool_handler, tool_router, ServerHandler};
use sessions::SummaryParams;
use std::sync::Arc;
use timeline::{PageAtParams, TimelineParams};

/// Where the server is mounted.
pub const MCP_PATH: &str = "/v1/mcp";

/// Largest MCP request body, in bytes: 64 KiB. Tool arguments are a few filters; a larger body
/// is refused with 413 before it is parsed.
pub const MAX_MCP_REQUEST_BYTES: usize = 64 << 10;

/// What the server tells agents at `initialize`.
const INSTRUCTIONS: &str = "Recorded web sessions (rrweb) of this collector, analysed by rewind. Start with \
search_sessions (filters: user, from/to dates, url, has errors/rage/dead clicks, min duration, free-text query), \
then get_session_summary, get_session_timeline (a window in seconds from the session's start) and get_page_at \
(what the user saw at a moment). get_friction_report ranks frustration across sessions; compare_cohorts compares \
two groups. Times in results are seconds from the session's start unless named *_at (ISO 8601). Results are \
redacted and capped: when `truncated` is true, call again with the returned `cursor`.";

/// The tools, over one collector's state.
#[derive(Clone)]
pub struct RewindMcp {
    state: Arc<AppState>,
    cache: Arc<SessionCache>,
    #[allow(dead_code)] // read by the code #[tool_handler] generates
    tool_router: ToolRouter<Self>,
}

impl std::fmt::Debug for RewindMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RewindMcp").finish_non_exhaustive()
    }
}

#[tool_router]
impl RewindMcp {
    /// The tools over `state`, sharing `cache` with every other request.
    pub fn new(state: Arc<AppState>, cache: Arc<SessionCache>) -> Self {
        RewindMcp { state, cache, tool_router: Self::tool_router() }
    }

    #[tool(
        description = "Find recorded sessions, newest first. Filter by user, start date range, a visited URL, \
        signals (errors, rage, dead, error_clicks), minimum duration in seconds, or free text over page URLs, page \
        titles and the user id. `limit`: 1 to 50 sessions per page (default 20). Each row: session_id, user, started_at (ISO 8601), duration_s, entry_url, counts of \
        errors, pages, rage/dead/error clicks and findings by kind. Paged: pass `cursor` back while `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn search_sessions(&self, Parameters(params): Parameters<FilterPage>) -> CallToolResult {
        tool_result(sessions::search(&self.state, params).await)
    }

    #[tool(
        description = "One session in brief: its row (user, times, counts), the pages visited with titles, the \
        analyzer's counts (actions, clicks, inputs, console errors) and its frustration findings (rage, dead and \
        error clicks, u-turns, thrashed cursor, excessive scrolling, form abandonment), each with offset_s (seconds \
        from the session's start), element, page and evidence lines. Findings are paged: pass `cursor` back while \
        `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_session_summary(&self, Parameters(params): Parameters<SummaryParams>) -> CallToolResult {
        tool_result(sessions::summary(&self.state, &self.cache, params).await)
    }

    #[tool(
        description = "The session's timeline in markdown, one `{seconds}s: {what the user did}` line per action \
        (clicks with the element's label, typed entries with values redacted, navigations, scrolls, console errors, \
        failed requests; rage bursts and repeats folded). Optionally only a window (start_s, end_s: seconds from \
        the session's start) and only some action kinds. Paged by lines: pass `cursor` back while `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_session_timeline(&self, Parameters(params): Parameters<TimelineParams>) -> CallToolResult {
        tool_result(timeline::timeline(&self.state, &self.cache, params).await)
    }

    #[tool(
        description = "What the user saw at time t_s (seconds from the session's start), rebuilt from the recording \
        by rewind's player: the page URL, viewport, scroll position and a compact text outline of the page \
        (headings, links with targets, buttons with labels and disabled state, form fields with values masked and \
        checkbox state, alerts, open dialogs, images' alt text, text runs), indented by container (form, nav, \
        main, dialog). Paged by lines: pass `cursor` back while `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_page_at(&self, Parameters(params): Parameters<PageAtParams>) -> CallToolResult {
        tool_result(timeline::page_at(&self.state, params).await)
    }

    #[tool(
        description = "Frustration across sessions: every finding (rage, dead and error clicks, u-turns, thrashed \
        cursor, excessive scrolling, form abandonment) of the newest 50 sessions matching the filter, grouped by \
        kind, element and page and ranked by how many users hit each group, with example findings and their \
        evidence. `limit`: 1 to 25 groups per page (default 10). Paged by groups: pass `cursor` back while `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_friction_report(&self, Parameters(params): Parameters<FilterPage>) -> CallToolResult {
        tool_result(cohorts::friction(&self.state, &self.cache, params).await)
    }

    #[tool(
        description = "Compare two groups of sessions (each: the newest 50 matching its filter) by what their users \
        did: for each activity label (`action:element@/normalized/path`, e.g. `click:button@/cart`), its count in \
        cohort A and B, the difference (A - B) and the rate per session in each; largest difference first. Paged: \
        pass `cursor` back while `truncated`.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn compare_cohorts(&self, Parameters(params): Parameters<CompareParams>) -> CallToolResult {
        tool_result(cohorts::compare(&self.state, &self.cache, params).await)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for RewindMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rewind", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// The `/v1/mcp` routes: the Streamable HTTP service behind the read-key check.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let cache = Arc::new(SessionCache::default());
    let tools_state = state.clone();
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .disable_allowed_hosts()
        .enforce_origin_validation()
        .with_max_request_body_bytes(MAX_MCP_REQUEST_BYTES);
    let service: StreamableHttpService<RewindMcp, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(RewindMcp::new(tools_state.clone(), cache.clone())),
        Default::default(),
        config,
    );
    Router::new().nest_service(MCP_PATH, service).layer(axum::middleware::from_fn_with_state(state, require_read_key))
}

/// The read key or 401/403 ([`authorize`]), and a read slot of that key held while the request
/// is answered (429 past [`crate::limits::MAX_READS_PER_KEY`]).
async fn require_read_key(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let role = match authorize(&state.keys, request.headers(), Need::Read) {
        Ok(role) => role,
        Err(e) => return e.into_response(),
    };
    let _slot = match state.reads.take(role) {
        Ok(slot) => slot,
        Err(e) => return e.into_response(),
    };
    next.run(request).await
}

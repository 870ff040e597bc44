//! `rewind mcp --collector URL`: the collector's MCP tools for a local agent over stdio.
//!
//! A proxy, so the tools exist once (in the collector, `rewind_collector::mcp`): this process
//! is an MCP server on stdin/stdout whose `tools/list` and `tools/call` are forwarded to the
//! collector's Streamable HTTP endpoint (`/v1/mcp`) by an MCP client, both from the official
//! SDK (`rmcp`). Answers come back as the collector gave them: bounded, redacted, no events.
//!
//! The collector and its read key are the global options of every collector client command
//! (`--collector`/`REWIND_COLLECTOR`, `REWIND_READ_KEY`/`--read-key-file`: [`crate::remote`]).
//! The key never comes from the command line or the URL (process lists and URLs end up in
//! logs), and is sent only in the `Authorization` header. Nothing is written to stdout but MCP
//! messages; diagnostics go to stderr, without the key. http:// and https:// collectors (TLS
//! through rustls with the `ring` provider, the system's root certificates).

use crate::EXIT_BAD_INPUT;
use clap::Args;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorData, ListToolsResult, PaginatedRequestParams, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{RoleClient, RoleServer, ServerHandler, ServiceExt};
use std::process::ExitCode;

use crate::remote::{CollectorArgs, ReadKey, COLLECTOR_ENV, READ_KEY_ENV};
/// The collector's MCP path (`rewind_collector::mcp::MCP_PATH`; repeated so the proxy builds
/// without the collector).
const MCP_PATH: &str = "/v1/mcp";

/// Arguments of `rewind mcp`: none of its own; the collector is the global `--collector`.
#[derive(Debug, Args)]
pub struct McpArgs {}

/// The stdio server: every tool request is answered by the collector.
struct Proxy {
    remote: RunningService<RoleClient, ()>,
}

impl ServerHandler for Proxy {
    fn get_info(&self) -> ServerConfig {
        let mut config = ServerConfig::new(ServerCapabilities::builder().enable_tools().build());
        if let Some(remote) = self.remote.peer_info() {
            if let Some(info) = &remote.server_info {
                config.server_info = info.clone();
            }
            config.instructions = remote.instructions.clone();
        }
        config
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.remote.list_tools(request).await.map_err(upstream)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.remote.call_tool_once(request).await.map_err(upstream)
    }
}

/// A failed forward as the stdio client sees it (the collector's own tool errors come back as
/// results, not through here).
fn upstream(e: rmcp::ServiceError) -> ErrorData {
    match e {
        rmcp::ServiceError::McpError(error) => error,
        other => ErrorData::internal_error(format!("the collector did not answer: {other}"), None),
    }
}

/// The collector's MCP URL from `--collector` or the environment: `http://host:port` plus
/// [`MCP_PATH`] (a URL already ending in it is kept).
fn endpoint(collector: &CollectorArgs) -> Result<String, String> {
    let base = collector
        .collector
        .clone()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("give the collector with --collector URL or {COLLECTOR_ENV}"))?;
    let base = base.trim().trim_end_matches('/');
    // The collector client's own check: http or https, a host, no userinfo, query or fragment.
    crate::remote::parse_base_url(base).map_err(|e| e.to_string())?;
    Ok(if base.ends_with(MCP_PATH) { base.to_string() } else { format!("{base}{MCP_PATH}") })
}

/// Runs the proxy until the client closes stdin. Exit 2 with one line when the collector or
/// the key is missing, or the collector refuses or cannot be reached at start.
pub fn run(_args: &McpArgs, collector: &CollectorArgs) -> ExitCode {
    let fail = |why: String| {
        eprintln!("rewind: mcp: {why}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    let url = match endpoint(collector) {
        Ok(url) => url,
        Err(why) => return fail(why),
    };
    let key = match ReadKey::load(collector.read_key_file.as_deref()) {
        Ok(key) => key.expose().to_string(),
        Err(e) => return fail(e.to_string()),
    };
    // rmcp's reqwest is built without a crypto provider (cli/Cargo.toml); an Err means one is
    // installed already, which serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(serve(url, key)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => fail(why),
    }
}

/// One line for a failed start: the collector refused the key (401, 403) or could not be
/// reached. rmcp reports an unauthorised initialize as "Auth required" (its transport's
/// answer to a 401 without an OAuth challenge) inside nested transport errors, hence the text.
fn refusal(url: &str, error: &str) -> String {
    if error.contains("Auth required") || error.contains("401") {
        format!("{url}: the collector refused the read key (401 Unauthorized): check {READ_KEY_ENV}")
    } else if error.contains("403") {
        format!("{url}: the collector refused the read key (403 Forbidden): {READ_KEY_ENV} must be the read key")
    } else {
        format!("{url}: cannot connect: {error}")
    }
}

async fn serve(url: String, key: String) -> Result<(), String> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header(key),
    );
    let remote = ().serve(transport).await.map_err(|e| refusal(&url, &e.to_string()))?;
    let server = Proxy { remote }.serve(rmcp::transport::stdio()).await.map_err(|e| format!("stdio: {e}"))?;
    server.waiting().await.map_err(|e| format!("stdio: {e}"))?;
    Ok(())
}

#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test rewind. Idempotent: every step checks
# first, so a second run costs seconds.
#
#   scripts/setup.sh          everything: Rust wasm target, wasm-pack, wasm-bindgen-cli,
#                             nightly Rust + cargo-fuzz, Chromium + ChromeDriver, npm packages
#   scripts/setup.sh build    what building the npm package's wasm and the CLI needs (no
#                             browser; npm packages, for binaryen's wasm-opt): scripts/run.sh
#   scripts/setup.sh native   only what the native CLI needs (a Rust toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

command -v cargo >/dev/null || { log "cargo not found: install Rust (rustup) first"; exit 1; }
[ "${1:-}" = native ] && exit 0

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack"
  cargo install wasm-pack
fi

# wasm-pack would download wasm-bindgen from GitHub, which this kind of machine cannot reach;
# a wasm-bindgen on PATH at exactly the version in Cargo.lock is used instead.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want"
fi

# npm packages: scripts/build-record.sh runs binaryen's wasm-opt (devDependency `binaryen`);
# the tests need playwright-core and rrweb.
if ! [ -x node_modules/.bin/wasm-opt ] || ! [ -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

[ "${1:-}" = build ] && exit 0

# The fuzz smoke run (scripts/fuzz.sh, run by scripts/test.sh) needs the nightly toolchain
# (libFuzzer's coverage instrumentation uses unstable rustc flags) and cargo-fuzz. Missing
# either is an error, not a skipped step.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "installing the nightly Rust toolchain (for cargo-fuzz)"
  rustup toolchain install nightly --profile minimal ||
    { log "ERROR: no nightly Rust toolchain, which scripts/fuzz.sh needs"; exit 1; }
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2 --locked ||
    { log "ERROR: cargo-fuzz could not be installed, which scripts/fuzz.sh needs"; exit 1; }
fi

if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  log "installing chromium and chromium-driver"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# `rewind export`'s lake is read back by the real DuckDB in cli/tests/export.rs.
if ! python3 -c 'import duckdb' 2>/dev/null; then
  log "installing duckdb (Python package, reads the Parquet lake in cli/tests/export.rs)"
  python3 -m pip install --quiet --disable-pip-version-check duckdb
fi

# The MCP server is tested through the official Python SDK's client (cli/tests/serve_mcp.rs runs
# cli/tests/serve/mcp_client.py), pinned: its API changes between major versions.
if ! python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("mcp") != "2.3.0")' 2>/dev/null; then
  log "installing mcp 2.3.0 (Python MCP SDK, the client of cli/tests/serve_mcp.rs)"
  python3 -m pip install --quiet --disable-pip-version-check 'mcp==2.3.0'
fi

# The collector's PostgreSQL index tests (cli/tests/serve_index.rs, serve_s3.rs) start their own
# server from Debian's postgresql package (initdb in a temporary directory, as `nobody` when root).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql (index database tests)"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# The collector's S3 test (cli/tests/serve_s3.rs) runs against moto's S3-compatible server.
if ! command -v moto_server >/dev/null; then
  log "installing moto[server] (S3-compatible test server)"
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]'
  if command -v pyenv >/dev/null; then pyenv rehash; fi
fi

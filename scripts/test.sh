#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), checks the Rust formatting and runs every test:
#   1. native Rust tests (core unit tests, fixture timelines, CLI integration tests), then a
#      short run of each fuzz target (scripts/fuzz.sh; long runs in FUZZING.md)
#   2. the wasm build tested in headless Chromium (wasm-bindgen-test): wasm == native
#   3. the npm package's JS tests (node:test) against the release wasm build
#   4. end-to-end tests in headless Chromium: consent, masking, rrweb Replayer compatibility, React,
#      delivery to the real collector, the demo app and the viewer
#   5. the npm package as web developers get it (tests/consumers, a fast subset: the tarball's
#      contents and lint, a plain ESM page, the latest Vite's build and dev server, Node 20/22
#      analysis; `npm run test:consumers` runs the whole matrix)
#   6. README's first command (scripts/run.sh) as a smoke test
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "formatting (rustfmt, the toolchain's default component)"
cargo fmt --all -- --check

step "native tests"
# The criterion bench runs once as a smoke test here; a 1 MiB input is enough for that.
REWIND_BENCH_MB=1 cargo test --workspace --all-targets --quiet
cargo test --workspace --doc --quiet
# The CLI's optional parts (serve, export, mcp) are features: it must also build without them.
cargo check --quiet -p rewind-cli --no-default-features

step "collector memory goals (release: the real binary under the hostile patterns, peak RSS < 1 GB)"
cargo test --release --quiet -p rewind-cli --test serve_memory --test serve_memory_worker -- --ignored

step "fuzz smoke run (cargo-fuzz on nightly, 15 s per target)"
scripts/fuzz.sh 15

step "wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome -- --test web --test record_web --test play_web

step "npm package build and JS tests"
npm run --silent build:wasm
cargo build --quiet -p rewind-cli
npm run --silent test:js

step "end-to-end tests in headless Chromium"
npm run --silent test:e2e

step "the packed npm package in consumer projects (fast subset)"
node --test --test-concurrency=1 tests/consumers/package.test.mjs tests/consumers/plain-esm.test.mjs \
  tests/consumers/vite-latest.test.mjs tests/consumers/node.test.mjs

step "quickstart: scripts/run.sh smoke test"
node --test tests/quickstart.test.mjs

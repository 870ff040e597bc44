#!/usr/bin/env bash
# The main job, for now: build the rewind CLI and print the timeline of every recording in
# fixtures/ (real rrweb recordings made in Chromium). Extra arguments are passed to
# `rewind analyze`, e.g. `scripts/run.sh --format json`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh native
cargo build --release --quiet -p rewind-cli
exec target/release/rewind analyze "$@" fixtures/*.json

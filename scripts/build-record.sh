#!/usr/bin/env bash
# Builds the recorder-only wasm (`pkg-record/`, `npm run build:wasm-record`) and the own wasm of
# network capture and of error-triggered buffering (`pkg-record/rewind_network*`,
# `pkg-record/rewind_buffering*`, both opt-in, see below) with cargo and the
# wasm-bindgen CLI directly instead of wasm-pack, for one thing wasm-pack has no switch for:
# `--remove-name-section` (the names wasm-bindgen writes for its own shims; rustc's are gone
# already, `strip = true` in the release-small profile). Without `strip`, wasm-bindgen would
# see the `target_features` section and use multi-value returns: 2 KB less glue, but 0.2 KB
# more gzip in all (measured). `--encode-into always`: strings go to wasm memory through
# `TextEncoder#encodeInto` (every browser since 2020) without the fallback copy path.
# Same output files as `wasm-pack build --target web --out-name rewind_record
# --no-pack`. Then binaryen's wasm-opt (the npm devDependency `binaryen`, or $WASM_OPT) on the
# recorder's wasm: -O1 with shrink level 2, plus dead-argument elimination, redundant-set
# elimination, constant propagation and global effects, to a fixed point: −2.3 KB gzip. -Oz,
# -Os and -O2 make the .wasm up to 28 KB smaller raw but 1.1–1.6 KB larger gzipped (their
# inlining, function merging and code folding break the repeats deflate finds), and so do
# --reorder-functions and multi-value returns. Sizes: BENCHMARKS.md, "Recorder vs rrweb.record".
set -euo pipefail
cd "$(dirname "$0")/.."

wasm_opt=${WASM_OPT:-node_modules/.bin/wasm-opt}
if ! [ -x "$wasm_opt" ]; then
  echo "build-record: wasm-opt not found at $wasm_opt (the npm devDependency binaryen); run scripts/setup.sh build" >&2
  exit 1
fi

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "build-record: wasm-bindgen $want is needed (found: ${have:-none}); run scripts/setup.sh build" >&2
  exit 1
fi

# Panic locations name their source file; without the machine's registry and checkout
# directories in front (`miniz_oxide-0.9.1/src/deflate/core.rs`) the .wasm is 37 B smaller
# gzipped and the same on every machine. `--config` adds to .cargo/config.toml's rustflags
# (a RUSTFLAGS variable would replace them).
# The recorder's code is iterative (no recursive parser), so it takes rustc's default 1 MiB
# stack, not the 4 MiB that .cargo/config.toml reserves for the analyzer's recursive decoder:
# a wasm memory never shrinks, and the stack is part of it from the start (wasm-ld takes the
# last `-z stack-size`).
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
cargo build --lib --target wasm32-unknown-unknown --profile release-small \
  --no-default-features --features record \
  --config "target.wasm32-unknown-unknown.rustflags=['--remap-path-prefix=$registry/=', '--remap-path-prefix=$PWD/=', '-C', 'link-arg=-zstack-size=1048576']"
target_dir=$(cargo metadata --no-deps --format-version 1 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
wasm-bindgen --target web --out-dir pkg-record --out-name rewind_record \
  --remove-name-section --remove-producers-section --encode-into always \
  "$target_dir/wasm32-unknown-unknown/release-small/rewind.wasm"
node scripts/shorten-imports.mjs pkg-record/rewind_record_bg.wasm pkg-record/rewind_record.js
# The features rustc's wasm32 output uses (its `target_features` section is stripped, so they
# are named here); an instruction outside them fails validation rather than shipping.
"$wasm_opt" --generate-global-effects -O1 -s 2 --dae-optimizing --rse --precompute-propagate --converge --strip-debug --strip-producers \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
  pkg-record/rewind_record_bg.wasm -o pkg-record/rewind_record_bg.wasm

# Network capture's own wasm (feature `network`: the `privacy::network` policy), loaded by
# js/network.js only when `capture.network` is on (and by js/vitals.js and js/console.js, with
# console capture's `src/wasm/console.rs`), so the recorder above carries none of it.
cargo build --lib --target wasm32-unknown-unknown --profile release-small \
  --no-default-features --features network \
  --config "target.wasm32-unknown-unknown.rustflags=['--remap-path-prefix=$registry/=', '--remap-path-prefix=$PWD/=']"
wasm-bindgen --target web --out-dir pkg-record --out-name rewind_network \
  --remove-name-section --remove-producers-section --encode-into always \
  "$target_dir/wasm32-unknown-unknown/release-small/rewind.wasm"

# Error-triggered buffering's own wasm (feature `buffering`: the `transport::buffer` policy),
# loaded by js/buffering.js only when `sampling.onError > 0` with `ingestBaseUrl`. Its code is
# not recursive: a 64 KiB stack, not 1 MiB of linear memory more for every page that buffers.
cargo build --lib --target wasm32-unknown-unknown --profile release-small \
  --no-default-features --features buffering \
  --config "target.wasm32-unknown-unknown.rustflags=['--remap-path-prefix=$registry/=', '--remap-path-prefix=$PWD/=', '-C', 'link-arg=-zstack-size=65536']"
wasm-bindgen --target web --out-dir pkg-record --out-name rewind_buffering \
  --remove-name-section --remove-producers-section --encode-into always \
  "$target_dir/wasm32-unknown-unknown/release-small/rewind.wasm"
printf '*' > pkg-record/.gitignore

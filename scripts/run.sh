#!/usr/bin/env bash
# The main job: build what is needed (the recorder and analyzer wasm, the rewind CLI) and run
# the collector `rewind serve` on 127.0.0.1 with a local data directory and fresh keys. It
# serves the demo app (www/demo/, which records itself through the real SDK after its consent
# banner) and the viewer (www/), which lists the recorded sessions and their analysis.
#
#   REWIND_ADDR   listen address             (default 127.0.0.1:8377)
#   REWIND_DATA   data directory             (default ./rewind-data)
#   REWIND_PUBLIC_KEY / REWIND_READ_KEY / REWIND_ADMIN_KEY   keys (default: fresh random ones)
# Extra arguments go to `rewind serve` (see `rewind serve --help`), e.g. --retention-days 30.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh build
printf '\033[1m== building the npm package (wasm) and the rewind CLI\033[0m\n' >&2
npm run --silent build:wasm
cargo build --release --quiet -p rewind-cli

random_key() { printf '%s_%s' "$1" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"; }
addr="${REWIND_ADDR:-127.0.0.1:8377}"
data="${REWIND_DATA:-rewind-data}"
public_key="${REWIND_PUBLIC_KEY:-$(random_key pk)}"
read_key="${REWIND_READ_KEY:-$(random_key rk)}"
admin_key="${REWIND_ADMIN_KEY:-$(random_key ak)}"
url="http://$addr"

cat >&2 <<MSG

  rewind quickstart
  demo app  $url/demo/#key=$public_key
            (click "Allow" on its consent banner, then use the shop)
  viewer    $url/#readKey=$read_key
  keys      public $public_key
            read   $read_key
            admin  $admin_key
  data      $data/

MSG
exec target/release/rewind serve --addr "$addr" --data-dir "$data" --www www --package-dir . \
  --public-key "$public_key" --read-key "$read_key" --admin-key "$admin_key" "$@"

#!/usr/bin/env bash
# Coverage-guided fuzzing of the analyzer and the player's core (fuzz/, cargo-fuzz + libFuzzer on
# the nightly toolchain; scripts/setup.sh fuzz installs cargo-fuzz). Results: FUZZING.md.
#
#   scripts/fuzz.sh                 smoke run (CI): build, then each target for 15 s
#   scripts/fuzz.sh SECONDS [T…]    each target T (default: all) for SECONDS, one after another
#
# Seeds are made at run time from the repository's recordings (fuzz/seed.sh); fuzz/corpus and
# fuzz/artifacts are not committed. A panic, an arithmetic overflow (checks stay on) or a seek
# that differs from a straight replay stops the run with a non-zero exit and the input in
# fuzz/artifacts/<target>/; minimise it with `cargo +nightly fuzz tmin -s none -a <target> <file>`
# and add it to tests/fuzz_regressions.rs. Long runs on a shared machine: `nice -n 19`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyze_bytes analyze_events play_bytes play_events ingest_roundtrip)

# No sanitizer: rewind has no `unsafe` code, so AddressSanitizer would only slow the search;
# panics, overflow checks (-a: debug assertions) and the harness's own assertions are the oracle.
flags=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${flags[@]}"
fuzz/seed.sh
for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  # -timeout: an input that takes 10 s is a hang. -jobs is not used: one process per target.
  log=fuzz/artifacts/$t/run.log
  if ! cargo +nightly fuzz run "${flags[@]}" "$t" -- -dict=fuzz/rrweb.dict -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz target $t failed: the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  echo "$t: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${seconds} s, no failure"
done

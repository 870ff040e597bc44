#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs made from the repository's recordings, at run time
# (the corpus itself is not committed): fixtures/*.json and rrweb's own test recordings in
# fixtures/rrweb (vendored), each as JSON, as JSON Lines and gzipped. The
# structure-aware targets (*_events) start from a few byte patterns of their own; ingest_roundtrip
# from the same recordings wrapped in the SDK's batch envelope (decompressed, as ingest reads it).
set -euo pipefail
cd "$(dirname "$0")"
for target in analyze_bytes play_bytes; do
  dir=corpus/$target
  mkdir -p "$dir"
  for f in ../fixtures/*.json ../fixtures/rrweb/*.json; do
    [ -f "$f" ] || continue
    stem=$(basename "$f" .json)
    [ "$stem" = index ] && continue
    cp "$f" "$dir/$stem.json"
    gzip -9c "$f" >"$dir/$stem.json.gz"
    python3 -c 'import json,sys; [print(json.dumps(e)) for e in json.load(open(sys.argv[1]))]' "$f" \
      >"$dir/$stem.jsonl" 2>/dev/null || rm -f "$dir/$stem.jsonl"
  done
done
for target in analyze_events play_events; do
  dir=corpus/$target
  mkdir -p "$dir"
  for i in 0 1 2 3 4 5 6 7; do
    head -c $((64 << i)) /dev/zero | tr '\0' "\\$(printf %03o $((i * 31 + 7)))" >"$dir/seed-$i"
  done
done
dir=corpus/ingest_roundtrip
mkdir -p "$dir"
for f in ../fixtures/*.json ../fixtures/rrweb/*.json; do
  [ -f "$f" ] || continue
  stem=$(basename "$f" .json)
  [ "$stem" = index ] && continue
  { printf '{"session_id":"fuzz-%s","window_id":"w","seq":0,"app_id":"a","sdk_version":"0.1.0","sent_at":1,"events":' "$stem"
    tr -d '\n' <"$f"
    printf '}'; } >"$dir/$stem.json"
done

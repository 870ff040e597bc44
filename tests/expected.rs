//! Pins the native analysis of every recording in `tests/support/fixtures.rs` to the committed
//! `tests/expected/<stem>.json` (the replay JSON plus a newline). `tests/web.rs` asserts the wasm
//! build produces the same bytes in Chromium, so together they prove wasm == native.
//!
//! After an intended analyzer change: `UPDATE_EXPECTED=1 cargo test --test expected`, then
//! review `git diff tests/expected`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::{env, fs};

include!("support/fixtures.rs");

const FIXTURES: &[(&str, &str)] = &with_fixtures!(fixture_path);
const REGENERATE: &str = "UPDATE_EXPECTED=1 cargo test --test expected";

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected")
}

/// What the wasm `analyzeJson(bytes, stem)` and `rewind analyze --format json` produce: the
/// replay JSON, with the file stem as replay id when the recording has no session id.
fn native_replay_json(path: &str, stem: &str) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // Decoded while analysed, as both do (tests/stream.rs: the same as decoding first).
    let options = rewind::analyze::AnalyzeOptions::default();
    let analysis = rewind::analyze::analyze_bytes_with(&bytes, Some(stem), options);
    analysis.unwrap_or_else(|e| panic!("{path}: {e}")).to_replay_json()
}

#[test]
fn expected_files_match_the_native_analyzer() {
    let update = env::var_os("UPDATE_EXPECTED").is_some();
    let dir = expected_dir();
    let mut stale = Vec::new();
    for &(stem, path) in FIXTURES {
        let want = native_replay_json(path, stem) + "\n";
        let file = dir.join(format!("{stem}.json"));
        if update {
            fs::create_dir_all(&dir).unwrap();
            fs::write(&file, &want).unwrap();
        } else if fs::read_to_string(&file).ok().as_deref() != Some(want.as_str()) {
            stale.push(stem);
        }
    }
    assert!(
        stale.is_empty(),
        "tests/expected differs from the native analyzer for {stale:?}.\n\
         If the analyzer change is intended, regenerate with `{REGENERATE}` and review `git diff tests/expected`."
    );
}

#[test]
fn every_fixture_is_listed_once_and_every_expected_file_has_a_fixture() {
    let listed: BTreeSet<&str> = FIXTURES.iter().map(|&(stem, _)| stem).collect();
    assert_eq!(listed.len(), FIXTURES.len(), "a stem appears twice in tests/support/fixtures.rs");

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stems = |dir: &Path| -> Vec<String> {
        let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
        let mut out: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".json").map(String::from))
            .collect();
        out.sort();
        out
    };
    let mut unlisted = Vec::new();
    for dir in ["fixtures", "fixtures/rrweb"] {
        for stem in stems(&root.join(dir)) {
            // index.json in the vendored rrweb fixtures lists the recordings; it is not one.
            let is_listing = dir == "fixtures/rrweb" && stem == "index";
            if !is_listing && !listed.contains(stem.as_str()) {
                unlisted.push(format!("{dir}/{stem}.json"));
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "recordings without pinned output: {unlisted:?}.\n\
         Add each to tests/support/fixtures.rs, then run `{REGENERATE}`."
    );

    let orphans: Vec<String> =
        stems(&expected_dir()).into_iter().filter(|stem| !listed.contains(stem.as_str())).collect();
    assert!(orphans.is_empty(), "tests/expected has files for unlisted recordings: {orphans:?}; delete them");
}

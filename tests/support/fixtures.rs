// The recordings whose analysis is pinned byte for byte in `tests/expected/<stem>.json` — the one
// list both `tests/expected.rs` (native) and `tests/web.rs` (wasm, in headless Chromium) read, so
// wasm == native is checked on exactly the same files. Replay ids are the file stems (the CLI's rule
// for recordings without a session id).
//
// `with_fixtures!(m)` expands to an array of `m!(dir, stem)`, `dir` relative to the crate root.
// Adding a recording: add its line, run `UPDATE_EXPECTED=1 cargo test --test expected`, review
// `git diff tests/expected`. `tests/expected.rs` fails when a `fixtures/*.json` or vendored rrweb
// fixture is missing from this list.
macro_rules! with_fixtures {
    ($each:ident) => {
        [
            // rrweb's own test recordings (fixtures/rrweb, vendored; index.json there is a listing).
            $each!("fixtures/rrweb", "adopted-style-sheet-empty-replace.emptyReplaceEvents"),
            $each!("fixtures/rrweb", "adopted-style-sheet-empty-replace.emptyReplaceSyncEvents"),
            $each!("fixtures/rrweb", "adopted-style-sheet-modification"),
            $each!("fixtures/rrweb", "adopted-style-sheet"),
            $each!("fixtures/rrweb", "bad-style"),
            $each!("fixtures/rrweb", "bad-textarea"),
            $each!("fixtures/rrweb", "canvas-in-iframe"),
            $each!("fixtures/rrweb", "custom-element-define-class"),
            $each!("fixtures/rrweb", "dialog-playback"),
            $each!("fixtures/rrweb", "document-replacement"),
            $each!("fixtures/rrweb", "hover"),
            $each!("fixtures/rrweb", "iframe-shadowdom-hover"),
            $each!("fixtures/rrweb", "iframe"),
            $each!("fixtures/rrweb", "input"),
            $each!("fixtures/rrweb", "nested-style-declaration"),
            $each!("fixtures/rrweb", "ordering"),
            $each!("fixtures/rrweb", "scroll-with-parent-styles"),
            $each!("fixtures/rrweb", "scroll"),
            $each!("fixtures/rrweb", "selection"),
            $each!("fixtures/rrweb", "shadow-dom"),
            $each!("fixtures/rrweb", "style-declaration-missing-rule"),
            $each!("fixtures/rrweb", "style-sheet-rule-events"),
            $each!("fixtures/rrweb", "style-sheet-text-mutation"),
            $each!("fixtures/rrweb", "video-playback-on-full-snapshot"),
            $each!("fixtures/rrweb", "video-playback"),
            $each!("fixtures/rrweb", "webgl"),
            // Real rrweb 2.1.1 recordings made in Chromium by fixtures/record/record.mjs.
            $each!("fixtures", "checklist-rerender"),
            $each!("fixtures", "checkout-dynamic"),
            $each!("fixtures", "console-error"),
            $each!("fixtures", "dead-button"),
            $each!("fixtures", "hesitant-signup"),
            $each!("fixtures", "login-form"),
            $each!("fixtures", "payment"),
            $each!("fixtures", "rage-after-click"),
            $each!("fixtures", "scroll-select"),
            $each!("fixtures", "select-text"),
            $each!("fixtures", "signup-terms"),
            $each!("fixtures", "spa-navigation"),
            $each!("fixtures", "todo-entries"),
            $each!("fixtures", "touch"),
            $each!("fixtures", "u-turn"),
        ]
    };
}

// `(stem, absolute path)` of one recording: `const FIXTURES: &[(&str, &str)] =
// &with_fixtures!(fixture_path);` in the native tests (the wasm test embeds the files instead).
#[allow(unused_macros)]
macro_rules! fixture_path {
    ($dir:literal, $stem:literal) => {
        ($stem, concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $stem, ".json"))
    };
}

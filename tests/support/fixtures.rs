// The recordings whose analysis is pinned byte for byte in `tests/expected/<stem>.json` — the one
// list both `tests/expected.rs` (native) and `tests/web.rs` (wasm, in headless Chromium) read, so
// wasm == native is checked on exactly the same files. Replay ids are the file stems (the CLI's rule
// for recordings without a session id).
//
// `with_fixtures!(m)` expands to an array of `m!(dir, stem)`, `dir` relative to the crate root.
// Adding a recording: add its line, run `UPDATE_EXPECTED=1 cargo test --test expected`, review
// `git diff tests/expected`. `tests/expected.rs` fails when a `fixtures/*.json` or shared rrweb
// fixture is missing from this list.
macro_rules! with_fixtures {
    ($each:ident) => {
        [
            // rrweb's own test recordings (../shared/rrweb-fixtures, except index.json: a listing).
            $each!("../shared/rrweb-fixtures", "adopted-style-sheet-empty-replace.emptyReplaceEvents"),
            $each!("../shared/rrweb-fixtures", "adopted-style-sheet-empty-replace.emptyReplaceSyncEvents"),
            $each!("../shared/rrweb-fixtures", "adopted-style-sheet-modification"),
            $each!("../shared/rrweb-fixtures", "adopted-style-sheet"),
            $each!("../shared/rrweb-fixtures", "bad-style"),
            $each!("../shared/rrweb-fixtures", "bad-textarea"),
            $each!("../shared/rrweb-fixtures", "canvas-in-iframe"),
            $each!("../shared/rrweb-fixtures", "custom-element-define-class"),
            $each!("../shared/rrweb-fixtures", "dialog-playback"),
            $each!("../shared/rrweb-fixtures", "document-replacement"),
            $each!("../shared/rrweb-fixtures", "hover"),
            $each!("../shared/rrweb-fixtures", "iframe-shadowdom-hover"),
            $each!("../shared/rrweb-fixtures", "iframe"),
            $each!("../shared/rrweb-fixtures", "input"),
            $each!("../shared/rrweb-fixtures", "nested-style-declaration"),
            $each!("../shared/rrweb-fixtures", "ordering"),
            $each!("../shared/rrweb-fixtures", "scroll-with-parent-styles"),
            $each!("../shared/rrweb-fixtures", "scroll"),
            $each!("../shared/rrweb-fixtures", "selection"),
            $each!("../shared/rrweb-fixtures", "shadow-dom"),
            $each!("../shared/rrweb-fixtures", "style-declaration-missing-rule"),
            $each!("../shared/rrweb-fixtures", "style-sheet-rule-events"),
            $each!("../shared/rrweb-fixtures", "style-sheet-text-mutation"),
            $each!("../shared/rrweb-fixtures", "video-playback-on-full-snapshot"),
            $each!("../shared/rrweb-fixtures", "video-playback"),
            $each!("../shared/rrweb-fixtures", "webgl"),
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

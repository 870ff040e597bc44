//! Structure-aware: the bytes choose an rrweb recording (`rewind_fuzz::gen`), whose JSON
//! goes through `rewind_fuzz::play_all`, so inputs reach the tree and analysis code instead of
//! stopping in the JSON parser.
#![no_main]

use arbitrary::Unstructured;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let Ok(recording) = rewind_fuzz::gen::recording(&mut Unstructured::new(bytes)) else { return };
    rewind_fuzz::play_all(&serde_json::to_vec(&recording).expect("generated JSON serializes"));
});

//! Raw bytes as a decompressed ingest body → `rewind_fuzz::ingest_roundtrip`: whatever the
//! collector accepts, its read paths read back whole.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| rewind_fuzz::ingest_roundtrip(bytes));

//! Raw bytes (JSON, JSON Lines, gzip, or anything) → `rewind_fuzz::play_all`. Seeded from the
//! repository's recordings (fuzz/seed.sh) with the rrweb dictionary (fuzz/rrweb.dict).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| rewind_fuzz::play_all(bytes));

//! Damaged recordings never panic: every prefix length and many single-byte corruptions of the
//! Chromium-recorded fixtures either decode and analyse or return a `DecodeError`.

use std::path::PathBuf;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    assert!(out.len() >= 6);
    out
}

#[test]
fn truncations_never_panic() {
    for (name, bytes) in fixtures() {
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            if let Ok(a) = rewind::analyze_bytes(&bytes[..cut]) {
                assert!(a.session.n_events > 0 || cut < 3, "{name} cut at {cut}");
            }
        }
    }
}

#[test]
fn byte_corruptions_never_panic() {
    // A fixed linear congruential sequence: the same corruptions on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let replacements = b"{}[]\",:0-9eE.tfn \\";
    for (_, bytes) in fixtures() {
        for _ in 0..150 {
            let mut damaged = bytes.clone();
            let at = next() % damaged.len();
            damaged[at] = replacements[next() % replacements.len()];
            let _ = rewind::analyze_bytes(&damaged);
        }
    }
}

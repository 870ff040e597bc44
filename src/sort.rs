//! One small sort for the recorder's wasm.
//!
//! `slice::sort_unstable` (pattern-defeating quicksort with its insertion, small-sort network
//! and heapsort fallbacks) costs ~3.9 KB of the recorder's wasm for its one instantiation
//! (`twiggy dominators`, BENCHMARKS.md "Recorder size now"); this heapsort is a few hundred
//! bytes, O(n log n) in every case and in place. It is not stable: callers sort keys that are
//! unique (they end with the item's index).

/// Sorts `v` in ascending order (heapsort).
pub fn heapsort<T: Ord>(v: &mut [T]) {
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Moves `v[root]` down the max-heap `v[..end]` to where its children are not greater.
fn sift_down<T: Ord>(v: &mut [T], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && v[child] < v[child + 1] {
            child += 1;
        }
        if v[root] >= v[child] {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::heapsort;

    #[test]
    fn sorts_like_the_standard_library() {
        // A small linear congruential generator: many lengths, duplicates, runs, reversed.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        for len in (0..40).chain([100, 257, 1000]) {
            for range in [2, 10, 1_000_000] {
                let mut v: Vec<(usize, usize, usize)> =
                    (0..len).map(|i| (next(range) as usize, next(range) as usize, i)).collect();
                let mut expected = v.clone();
                expected.sort_unstable();
                heapsort(&mut v);
                assert_eq!(v, expected, "len {len}, range {range}");
            }
            let mut rev: Vec<u32> = (0..len as u32).rev().collect();
            heapsort(&mut rev);
            assert!(rev.windows(2).all(|w| w[0] <= w[1]), "reversed, len {len}");
        }
    }
}

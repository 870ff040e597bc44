//! The binary's allocator: mimalloc, with memory given back to the system soon after it is
//! freed.
//!
//! Why not glibc's malloc: `rewind analyze` decodes on one thread and analyses on another
//! (`rewind::analyze::analyze_reader_with`), so most memory is allocated by the first thread
//! and freed by the second. glibc frees such memory under its arena's lock, which the
//! allocating thread holds most of the time: on a 50 MB recording the two threads spent a
//! fifth of their time waiting on each other and the command took 1.5× as long as on one
//! thread. mimalloc frees across threads without a lock (BENCHMARKS.md, "Analyzer vs JSON
//! parse").
//!
//! Two of mimalloc's options are changed from their defaults (its `mimalloc.h`, `mi_option_e`):
//! - `arena_eager_commit` 0: arenas commit memory as it is used, not all at once;
//! - `arena_purge_mult` 1: freed arena memory is returned after `purge_delay` (1 s), not ten
//!   times that.
//!
//! With the defaults, the peak RSS of `rewind analyze` on the 50 MB recording was 2.1–2.2×
//! the file (past its 2× goal); with these, 1.7×. The first allocation, before `main`, reserves an
//! arena, so the options are set from an ELF constructor that runs before mimalloc's own
//! (`.init_array` entries run in priority order, and mimalloc's has priority 101 or none).
//! Elsewhere than Linux, mimalloc's defaults apply. `cli/tests/analyze.rs` checks the options
//! by name (`MIMALLOC_VERBOSE=1`).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` (mimalloc.h `mi_option_e`: values are fixed, new options
/// are appended and retired ones keep their place as `deprecated_*`).
pub const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// `mi_option_arena_purge_mult`, as above.
pub const MI_OPTION_ARENA_PURGE_MULT: libmimalloc_sys::mi_option_t = 24;

extern "C" fn set_options() {
    // SAFETY: plain setters of mimalloc's option table, valid at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_PURGE_MULT, 1);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00099"]
static SET_OPTIONS: extern "C" fn() = set_options;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_are_set_before_main() {
        // SAFETY: a getter of mimalloc's option table.
        let (commit, mult) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT),
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_PURGE_MULT),
            )
        };
        if cfg!(target_os = "linux") {
            assert_eq!((commit, mult), (0, 1));
        }
        // The global allocator is mimalloc's: a block it hands out is one mimalloc knows.
        let block: Box<[u8]> = vec![0u8; 100].into_boxed_slice();
        // SAFETY: asks mimalloc whether it owns a live pointer.
        assert!(unsafe { libmimalloc_sys::mi_is_in_heap_region(block.as_ptr().cast()) });
    }
}

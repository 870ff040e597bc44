//! The recorder (wasm only): DOM snapshot, mutation and event observers, in rrweb's format.

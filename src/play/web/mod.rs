//! The player's browser edge (wasm32 only): the recorded page rebuilt in a sandboxed iframe
//! ([`dom`]), the overlay canvas over it ([`overlay`]), and the player that drives both.

mod dom;
mod overlay;
pub mod player;

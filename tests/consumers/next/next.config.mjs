// Nothing for rewind-replay: Next.js bundles the package's .wasm files as assets.
export default {};

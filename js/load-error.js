// Why a wasm build did not load, in words that name the fix (not part of the public API). A
// separate module, imported only after a load failed, so it costs the recorder's page nothing.

const RECORDER = 'pkg-record/rewind_record';

/**
 * The error to report for a failed load of the wasm build `build` (default: the recorder's):
 * `error` is what the browser, Node or wasm-bindgen threw; the original is kept as `cause`. In
 * jsdom or happy-dom (whose fetch cannot load the wasm) the recorder's failure instead warns
 * once and returns an error marked `quiet`, which the SDK does not report to `onError`.
 *
 * @param {unknown} error
 * @param {string} [build] the glue's path in the package, without `.js`
 * @returns {Error}
 */
export function loadError(error, build = RECORDER) {
  if (build === RECORDER && emulatedDom()) {
    // jsdom and happy-dom emulate a DOM but are no page: the recorder is a documented no-op there.
    warnEmulatedDom();
    return Object.assign(new Error('rewind: not recording in a DOM emulation (jsdom or happy-dom)', { cause: error }), { quiet: true });
  }
  const text = String(error?.message ?? error);
  let why;
  let see = 'Bundlers';
  if (/Content.Security.Policy|unsafe-eval/i.test(text)) {
    // Chromium: "Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not
    // an allowed source of script"; Firefox and Safari word it alike. 'wasm-unsafe-eval' (CSP 3)
    // allows WebAssembly without allowing JavaScript eval.
    why = `the page's Content-Security-Policy refused to compile WebAssembly: add 'wasm-unsafe-eval' to its script-src (e.g. script-src 'self' 'wasm-unsafe-eval')`;
    see = 'Content-Security-Policy';
  } else if (/magic word|magic number/i.test(text)) {
    // What came back was not a .wasm file, typically a dev server's index.html for a missing path.
    why = `${build}_bg.wasm was not WebAssembly where the SDK looked for it (a bundler moved the JavaScript away from its .wasm: for Vite's dev server add optimizeDeps: { exclude: ['rewind-replay'] }, or pass the wasm's URL as the \`wasm\` option)`;
  } else if (error?.code === 'ENOENT') {
    // Node: a bundle for Node has import.meta.url pointing at the bundle, not at the package.
    why = `${build}_bg.wasm is not at ${error.path ?? 'the path beside the package'} (a bundle for Node must leave rewind-replay external, e.g. esbuild --packages=external, or pass the wasm to init())`;
  } else {
    return error instanceof Error ? error : new Error(`rewind: ${text}`);
  }
  const explained = new Error(`rewind: ${why}; see "${see}" in the rewind-replay README. (${text})`, { cause: error });
  if (error?.code !== undefined) explained.code = error.code; // e.g. Node's ENOENT, for callers that test it
  return explained;
}

/** jsdom and happy-dom say who they are in their user agent. */
function emulatedDom() {
  return typeof navigator !== 'undefined' && /\bjsdom\/|HappyDOM\//.test(String(navigator.userAgent));
}

/** One console warning for a DOM emulation (jsdom, happy-dom), where the SDK records nothing. */
let warned = false;
function warnEmulatedDom() {
  if (warned) return;
  warned = true;
  console.warn('rewind: this is a DOM emulation (jsdom or happy-dom), not a browser: the session recorder is a no-op here (optIn() resolves false); see "Test runners" in the rewind-replay README.');
}

// Runs the wasm analyzer (js/analyze.js) off the main thread, so a big recording never freezes
// the viewer while it is analysed. One message in, one out: `{id, task, input, replayId}` →
// `{id, result}` or `{id, error}`; `task` is `analyze` (the analysis) or `rage` (the number of
// rage-click bursts, see sources.js `rageClicks`). `analyzeUrl` arrives in the worker's own URL
// (`?analyze=`). When the analyzer itself does not load here (e.g. an app's bundler moved it),
// the answer is `{id, error, failed: true}`: the page then runs the analysis on its own thread.
import { rageClicks } from './rage.js';

const analyzeUrl = new URL(self.location.href).searchParams.get('analyze');
// A URL known only at run time: bundlers must leave this import to the browser.
const analyzer = import(/* webpackIgnore: true */ /* @vite-ignore */ analyzeUrl);
analyzer.catch(() => {}); // reported per message below, not as an unhandled rejection

self.onmessage = async ({ data: { id, task, input, replayId } }) => {
  let module;
  try {
    module = await analyzer;
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error), failed: true });
    return;
  }
  try {
    const result = task === 'rage' ? await rageClicks(module, input, replayId) : await module.analyze(input, replayId);
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};

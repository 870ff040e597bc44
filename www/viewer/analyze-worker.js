// Runs the wasm analyzer (js/analyze.js) off the main thread, so a big recording never freezes
// the viewer while it is analysed. One message in, one out: `{id, input, replayId}` →
// `{id, result}` or `{id, error}`. `analyzeUrl` arrives in the worker's own URL (`?analyze=`).
const analyzeUrl = new URL(self.location.href).searchParams.get('analyze');
const analyzer = import(analyzeUrl);

self.onmessage = async ({ data: { id, input, replayId } }) => {
  try {
    const { analyze } = await analyzer;
    self.postMessage({ id, result: await analyze(input, replayId) });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};

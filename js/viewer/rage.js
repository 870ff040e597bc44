// Rage-click bursts of one opened recording, by the analyzer's own definition (the bundle's
// `rageClicks()` with its defaults: 3 clicks within 1,000 ms within 30 px, the same count the
// collector keeps as `n_rage_clicks`), so a file's row gets the badge a collector's row gets.

/**
 * The number of rage-click bursts in `input` (text or bytes of one recording).
 * @param {typeof import('../analyze.js')} analyzer the loaded js/analyze.js module
 * @returns {Promise<number>} rejects with the decoder's error for a bad recording
 */
export async function rageClicks(analyzer, input, replayId) {
  const bundle = await analyzer.createBundle([{ input, replayId }]);
  try {
    return bundle.rageClicks().length;
  } finally {
    bundle.free?.();
  }
}

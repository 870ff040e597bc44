// The consumer app every browser entry of the matrix builds (copied into each project's src/ by
// ../support.mjs): what a web developer does with the package. It records after consent,
// analyses a fixture (./fixture.js, made from fixtures/console-error.json), mounts the player on
// what it recorded and the viewer on the fixture, then leaves its findings in
// `window.__consumer` for the test to read. Every step records its own error, so a failure says
// which step broke.
import { init } from 'rewind-replay';
import { analyzeEvents } from 'rewind-replay/analyze';
import { createPlayer } from 'rewind-replay/player';
import { mountViewer } from 'rewind-replay/viewer';
import fixture from './fixture.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records with `init()` (no React) and checks the rest. */
export async function run() {
  const events = [];
  const out = { errors: [] };
  try {
    const replay = init({ onEvents: (batch) => events.push(...batch), onEventsIntervalMs: 0, onError: (e) => out.errors.push(`onError: ${e?.message ?? e}`) });
    out.recordingBeforeConsent = replay.isRecording();
    out.recording = await replay.optIn({ source: 'consumer-test' });
    document.getElementById('go').click();
    await sleep(200);
    await replay.flush();
  } catch (error) {
    out.errors.push(`record: ${error?.stack ?? error}`);
  }
  await afterRecording(events, out);
}

/** Analyses the fixture, plays `events` and mounts the viewer; sets `window.__consumer`. */
export async function afterRecording(events, out = { errors: [] }) {
  out.eventTypes = [...new Set(events.map((e) => e.type))].sort();
  try {
    const analysis = await analyzeEvents(fixture, 'fixture');
    out.fixtureActions = analysis.actions.length;
  } catch (error) {
    out.errors.push(`analyze: ${error?.stack ?? error}`);
  }
  try {
    const player = await createPlayer(document.getElementById('stage'), events);
    out.playerMounted = Boolean(document.querySelector('#stage iframe')) && player.duration() >= 0;
  } catch (error) {
    out.errors.push(`player: ${error?.stack ?? error}`);
  }
  try {
    mountViewer(document.getElementById('viewer'), { source: { files: [{ name: 'fixture.json', text: JSON.stringify(fixture) }] } });
    out.viewerMounted = Boolean(document.querySelector('#viewer .rw-viewer'));
    // viewer.css is loaded (imported by the bundle, or linked by the page).
    out.viewerStyled = getComputedStyle(document.querySelector('#viewer .rw-viewer')).getPropertyValue('--rw-accent').trim();
  } catch (error) {
    out.errors.push(`viewer: ${error?.stack ?? error}`);
  }
  window.__consumer = out;
  return out;
}

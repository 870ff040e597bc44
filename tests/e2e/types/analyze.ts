// Compiled (never run) by types.test.mjs: rewind-replay/analyze, /player and /viewer as a
// consumer uses them.
import { analyze, analyzeEvents, createBundle, init, version, type Action, type Analysis, type Finding } from '../../../js/analyze.js';
import { createPlayer, SPEEDS, type PlayerHandle } from '../../../js/player.js';
import { mountViewer, type ViewerHandle } from '../../../js/viewer.js';
import type { RecordedEvent } from '../../../js/index.js';

async function run(text: string, bytes: Uint8Array, events: RecordedEvent[]) {
  await init();
  await init(new URL('file:///x.wasm'));
  const a: Analysis = await analyze(text, 'r1', { redact: false });
  const b: Analysis = await analyze(bytes);
  const c = await analyzeEvents(events, 'r2');
  const first: Action | undefined = a.actions[0];
  const when: number | undefined = first?.t_ms;
  const id: string = a.session.replay_id;
  const duration: number = b.session.duration_s;
  const lines: string = c.summaryMarkdown;
  const v: string = await version();
  const bundle = await createBundle([text, { input: bytes, replayId: 'x' }, { events, replayId: 'y' }]);
  const rage: Finding[] = bundle.rageClicks({ threshold: 3, windowMs: 1000 });
  const csv: string = bundle.export('sessions', 'csv');
  const some = bundle.where({ min_duration_s: 5 }).filter((r) => r.session.n_actions > 0).sample(2, 7);
  const report = some.report({ top: 5 });
  const n: number = report.n_replays;
  bundle.free();
  // @ts-expect-error tables are named
  bundle.export('clicks');
  // @ts-expect-error the replay id is a string
  await analyze(text, 5);
  const player: PlayerHandle = await createPlayer(document.body, events, { speed: SPEEDS[1], skipInactive: true });
  player.seek(1000);
  // @ts-expect-error speeds are 1, 2, 4 or 8
  await createPlayer(document.body, text, { speed: 3 });
  const viewer: ViewerHandle = mountViewer(document.body, { source: { collector: { baseUrl: 'https://replay.example' }, files: [{ name: 'a.json', text }] } });
  await viewer.openFiles([new Blob([text])]);
  viewer.destroy();
  // @ts-expect-error a source is an object
  mountViewer(document.body, { source: 'https://replay.example' });
  return [when, id, duration, lines, v, rage, csv, n];
}
console.log(run);

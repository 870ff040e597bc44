// An app's unit test under Vitest + jsdom that imports rewind-replay without mocking it: the
// recorder is a no-op with one warning, and the analyzer works (it runs in Node).
import { readFileSync } from 'node:fs';
import { expect, test, vi } from 'vitest';
import { init } from 'rewind-replay';
import { analyze } from 'rewind-replay/analyze';

test('the recorder is a documented no-op under jsdom: one warning, no error', async () => {
  const warn = vi.spyOn(console, 'warn');
  const error = vi.spyOn(console, 'error');
  const onError = vi.fn();
  const replay = init({ onEvents: () => {}, onError });
  expect(await replay.optIn()).toBe(false);
  // A second recorder (one per page: after stop()) fails to load quietly too, without a second warning.
  await replay.stop();
  expect(await init({ onEvents: () => {}, onError }).optIn()).toBe(false);
  await vi.waitFor(() => expect(warn).toHaveBeenCalled());
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0][0])).toMatch(/jsdom or happy-dom.*no-op/);
  expect(onError).not.toHaveBeenCalled();
  expect(error).not.toHaveBeenCalled();
  expect(replay.isRecording()).toBe(false);
  expect(replay.addCustomEvent('x')).toBe(false);
  expect(replay.stats()).toBe(null);
});

test('the analyzer runs under Vitest', async () => {
  const analysis = await analyze(readFileSync(process.env.REWIND_FIXTURE, 'utf8'), 'fixture');
  expect(analysis.actions.length).toBeGreaterThan(0);
});

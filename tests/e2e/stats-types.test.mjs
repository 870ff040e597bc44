// stats() and deliveryStats() against their types: the counters the wasm Recorder and Transport
// (Rust) return in Chromium have exactly the fields, and field types, of the RecorderStats and
// DeliveryStats interfaces in js/index.d.ts (read with the TypeScript compiler).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { newPage, root, setup, skipReason, until } from './support.mjs';

let ts;
try {
  ts = (await import('typescript')).default;
} catch {
  // reported as the skip reason
}
const skip = skipReason('real') ?? (ts ? false : 'needs typescript (npm ci)');

/** `{field: 'number' | 'string' | 'boolean' | 'object'}` of `interface name` in js/index.d.ts. */
function declared(name) {
  const file = new URL('js/index.d.ts', root);
  const source = ts.createSourceFile('index.d.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(found, `interface ${name} in js/index.d.ts`);
  const kinds = {
    [ts.SyntaxKind.NumberKeyword]: 'number', [ts.SyntaxKind.StringKeyword]: 'string', [ts.SyntaxKind.BooleanKeyword]: 'boolean',
  };
  return Object.fromEntries(found.members.map((m) => {
    assert.ok(!m.questionToken, `${name}.${m.name.getText()} is always present`);
    return [m.name.getText(), kinds[m.type.kind] ?? 'object'];
  }));
}

const shape = (value) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v]));

test('stats() and deliveryStats() return exactly RecorderStats and DeliveryStats', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/form.html`);
  await page.waitForFunction(() => window.__ready === true);
  const before = await page.evaluate(async (origin) => {
    window.__init({ ingestBaseUrl: origin, publicKey: 'pk_test', onError: () => {} });
    const idle = { stats: window.rw.stats(), delivery: window.rw.deliveryStats() };
    await window.rw.optIn();
    return idle;
  }, server.origin);
  assert.deepEqual(before, { stats: null, delivery: null }, 'null before recording');
  await page.click('#submit');
  // The test server answers the ingest POST with 404: a batch refused for good fills droppedByReason.
  const { stats, delivery } = await until(async () => {
    const got = await page.evaluate(async () => {
      await window.rw.flush();
      return { stats: window.rw.stats(), delivery: window.rw.deliveryStats() };
    });
    return Object.keys(got.delivery?.droppedByReason ?? {}).length > 0 && got;
  }, 15_000, 'a refused batch in deliveryStats()');
  assert.deepEqual(shape(stats), declared('RecorderStats'));
  assert.deepEqual(shape(delivery), declared('DeliveryStats'));
  assert.ok(Object.values(delivery.droppedByReason).every((n) => typeof n === 'number'));
});

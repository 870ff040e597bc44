// The packed tarball itself: publint and arethetypeswrong are clean, it carries the package
// README (not the repository's) and the LICENSE, and nothing ships that the exports do not reach
// (every file is an export target or imported by one, following `import`, `import()`,
// `export … from` and `new URL('…', import.meta.url)`).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import test from 'node:test';
import { pack, repo, run, skipReason, work } from './support.mjs';

const skip = skipReason({ browser: false });

function unpack() {
  const dir = join(work, 'unpacked');
  mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', pack(), '-C', dir]);
  return join(dir, 'package');
}

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

/** Export targets of package.json `exports` (conditions flattened; patterns expanded). */
function exportTargets(pkg, all) {
  const out = [];
  const walk = (value) => {
    if (typeof value === 'string') {
      const target = normalize(value);
      if (target.includes('*')) {
        const re = new RegExp(`^${target.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('\\*', '.*').replace('*', '.*')}$`);
        out.push(...all.filter((f) => re.test(f)));
      } else out.push(target);
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return out;
}

const REFERENCE = /(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\)/g;

test('the tarball: README, LICENSE, and nothing the exports do not reach', { skip }, () => {
  const dir = unpack();
  const all = files(dir).sort();
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /^# rewind-replay\n/, 'the package README, not the repository one');
  assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), readFileSync(join(repo, 'js/README.md'), 'utf8'));
  assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} rewind contributors/);
  assert.equal(readFileSync(join(repo, 'README.md'), 'utf8').startsWith('```sh\nscripts/run.sh'), true, 'the repository README is back after packing');

  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const reached = new Set(['package.json', 'README.md', 'LICENSE']);
  const queue = exportTargets(pkg, all);
  while (queue.length) {
    const file = queue.pop();
    if (reached.has(file)) continue;
    assert.ok(all.includes(file), `${file} is referenced but not in the tarball`);
    reached.add(file);
    if (!/\.(js|cjs|ts|cts)$/.test(file)) continue;
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(REFERENCE)) {
      let target = normalize(join(dirname(file), m[1] ?? m[2]));
      // A .d.ts names its sibling module `./x.js`: the types are `x.d.ts` (or only they exist).
      if (/\.d\.c?ts$/.test(file) || !all.includes(target)) target = target.replace(/\.js$/, '.d.ts');
      if (all.includes(target)) queue.push(target);
    }
  }
  assert.deepEqual(all.filter((f) => !reached.has(f)), [], 'shipped but unreachable');
  assert.deepEqual(all.filter((f) => /^pkg.*\.d\.ts$/.test(f)), [], 'no wasm-bindgen .d.ts');
});

test('publint and arethetypeswrong are clean (npm run lint:package)', { skip }, () => {
  // Both exit non-zero on any problem (publint --strict: warnings too); run() throws then.
  const out = run('npm', ['run', '--silent', 'lint:package'], { cwd: repo });
  assert.match(out, /All good!/);
});

// Shortens the names under which the recorder's wasm imports its JavaScript functions, in the
// .wasm and in the wasm-bindgen glue that provides them (step of scripts/build-record.sh).
//
// wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` (the hash keeps the names
// unique across crates). The recorder has ~220 of them, each written twice — in the .wasm's
// import section and as a key of the glue's import object, which no JS minifier may rename —
// and the hex digits do not compress: ~4 KB of the gzipped .wasm and ~2.7 KB of the gzipped
// bundled glue (BENCHMARKS.md, "Recorder vs rrweb.record", session 4). Here they become
// `a`, `b`, … `Z`, `ab`, …, in import order, and their module `./rewind_record_bg.js` becomes
// `a`. Nothing else changes: the code and the other sections are copied as they are.
//
//   node scripts/shorten-imports.mjs pkg-record/rewind_record_bg.wasm pkg-record/rewind_record.js
//
// Fails (and writes nothing) unless each renamed import is exactly one key of the glue's import
// object, so a wasm-bindgen that lays its glue out differently stops the build instead of
// producing a module that cannot be instantiated.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) {
  console.error('usage: shorten-imports.mjs MODULE.wasm GLUE.js');
  process.exit(2);
}
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, 'utf8');

function readU32(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}
function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}
function name(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s += letters[n % letters.length];
    n = Math.floor(n / letters.length);
  } while (n);
  return s;
}
// Skips a limits field (tables, memories): flags, minimum, maximum if flag bit 0 is set.
function skipLimits(buf, pos) {
  const flags = buf[pos++];
  [, pos] = readU32(buf, pos);
  if (flags & 1) [, pos] = readU32(buf, pos);
  return pos;
}

// The module the glue provides its imports as: `./rewind_record_bg.js` (key of the import object).
const glueModule = `./${basename(jsPath, '.js')}_bg.js`;
const moduleKey = `\n        "${glueModule}": import0,\n`;
if (js.split(moduleKey).length !== 2) throw new Error(`${jsPath}: no import object "${glueModule}"`);
js = js.replace(moduleKey, '\n        a: import0,\n');

if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a wasm module`);
const parts = [wasm.subarray(0, 8)];
const renamed = new Map();
let pos = 8;
while (pos < wasm.length) {
  const id = wasm[pos];
  const [size, start] = readU32(wasm, pos + 1);
  const end = start + size;
  if (id !== 2) {
    parts.push(wasm.subarray(pos, end));
    pos = end;
    continue;
  }
  let p = start;
  let count;
  [count, p] = readU32(wasm, p);
  const body = [u32(count)];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = readU32(wasm, p);
    let module = wasm.toString('utf8', p, p + len);
    p += len;
    [len, p] = readU32(wasm, p);
    const field = wasm.toString('utf8', p, p + len);
    p += len;
    const descStart = p;
    const kind = wasm[p++];
    if (kind === 0) [, p] = readU32(wasm, p); // function: type index
    else if (kind === 1) p = skipLimits(wasm, p + 1); // table: reftype, limits
    else if (kind === 2) p = skipLimits(wasm, p); // memory: limits
    else if (kind === 3) p += 2; // global: value type, mutability
    else if (kind === 4) [, p] = readU32(wasm, p + 1); // tag: attribute, type index
    else throw new Error(`${wasmPath}: unknown import kind ${kind}`);
    let short = field;
    if (module === glueModule) {
      short = name(renamed.size);
      renamed.set(field, short);
      module = 'a';
    }
    body.push(u32(Buffer.byteLength(module)), Buffer.from(module), u32(Buffer.byteLength(short)), Buffer.from(short), wasm.subarray(descStart, p));
  }
  if (p !== end) throw new Error(`${wasmPath}: import section not read to its end`);
  const section = Buffer.concat(body);
  parts.push(Buffer.from([2]), u32(section.length), section);
  pos = end;
}

for (const [long, short] of renamed) {
  const key = new RegExp(`^(\\s+)${long}(: function\\b)`, 'gm');
  const hits = js.match(key)?.length ?? 0;
  if (hits !== 1 || js.split(long).length !== 2) {
    throw new Error(`${jsPath}: import ${long} is not exactly one key of the import object`);
  }
  js = js.replace(key, `$1${short}$2`);
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
console.error(`shorten-imports: ${renamed.size} imports renamed`);

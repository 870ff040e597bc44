// esbuild for the browser: one ESM bundle with code splitting, plus the page.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  outdir: 'dist',
  logLevel: 'warning',
});
// The line rewind-replay needs with esbuild, which leaves `new URL('…wasm', import.meta.url)` as
// it is: the .wasm files beside the bundle.
for (const wasm of ['pkg/rewind_bg.wasm', 'pkg-record/rewind_record_bg.wasm', 'pkg-record/rewind_network_bg.wasm']) {
  copyFileSync(`node_modules/rewind-replay/${wasm}`, `dist/${wasm.split('/').pop()}`);
}
const html = readFileSync('src/index.html', 'utf8');
writeFileSync('dist/index.html', html.replace('</head>', '<link rel="stylesheet" href="main.css">\n</head>'));

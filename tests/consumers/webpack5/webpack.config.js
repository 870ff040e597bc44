import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  context: fileURLToPath(new URL('./src/', import.meta.url)),
  entry: './main.js',
  output: { path: fileURLToPath(new URL('./dist/', import.meta.url)), filename: 'main.js', publicPath: 'auto', clean: true },
  // Only for `import 'rewind-replay/viewer.css'` (webpack 5's built-in CSS); the SDK itself needs
  // nothing: webpack copies the .wasm files it finds in `new URL('…', import.meta.url)`.
  experiments: { css: true },
  performance: { hints: false },
};

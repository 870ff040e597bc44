import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src',
  build: { outDir: '../dist', emptyOutDir: true },
  // The one line rewind-replay needs with Vite: the dev server's dependency pre-bundling would
  // move the package's JavaScript to node_modules/.vite/deps/, away from its .wasm files.
  optimizeDeps: { exclude: ['rewind-replay'] },
});

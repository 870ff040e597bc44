// The same app without the one line (only for the test that the SDK explains what is missing).
import { defineConfig } from 'vite';

export default defineConfig({ root: 'src', cacheDir: '../node_modules/.vite-pre-bundled' });

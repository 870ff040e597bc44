// Consumer: Vite (8.4.1), dev server and build (tests/consumers/vite-latest).
import { viteTests } from './vite.mjs';

viteTests('vite-latest');

// Consumer: Vite (6.4.6), dev server and build (tests/consumers/vite6).
import { viteTests } from './vite.mjs';

viteTests('vite6');

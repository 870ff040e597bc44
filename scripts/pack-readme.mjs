// npm pack / npm publish: the tarball carries the package README (js/README.md), written for
// npm users, instead of the repository's README.md (which opens with scripts/run.sh). npm
// always packs the root README, so `prepack` swaps the two and `postpack` swaps them back:
//
//   node scripts/pack-readme.mjs swap      (prepack)
//   node scripts/pack-readme.mjs restore   (postpack)
//
// The repository's README waits in .README.repository.md meanwhile; a pack that died between
// the two steps is repaired by the next run of either.
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const readme = `${root}README.md`;
const kept = `${root}.README.repository.md`;
const pkg = `${root}js/README.md`;

function restore() {
  if (existsSync(kept)) renameSync(kept, readme);
}

const step = process.argv[2];
if (step === 'swap') {
  restore();
  renameSync(readme, kept);
  copyFileSync(pkg, readme);
} else if (step === 'restore') {
  restore();
} else {
  console.error('usage: node scripts/pack-readme.mjs swap|restore');
  process.exit(2);
}

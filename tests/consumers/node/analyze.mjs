// Node analysis: rewind-replay/analyze on a recording file; prints the replay JSON (the same
// text as one element of `rewind analyze --format json`'s `replays`).
import { readFileSync } from 'node:fs';
import { analyzeToJson } from 'rewind-replay/analyze';

process.stdout.write(await analyzeToJson(readFileSync(process.argv[2]), process.argv[3]));

#!/usr/bin/env node
// Runs every in-process benchmark (bench/*.bench.ts, compiled to dist/bench/*.bench.js by
// `npm run build`: tsx's module wrappers slow hot loops ~3x, so we time compiled JS) one
// after another, each in its own process so one cannot warm or pollute the other. Each benchmark measures its own
// baseline in the same run and writes bench/results/<name>.json; this script then
// collects the headline figures into bench/results/summary.json and charts them in
// summary.md and summary.svg (bench/qemu/summary.ts, which the QEMU runs write through too).
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const only = process.argv.slice(2);
const compiled = join(here, '..', 'dist', 'bench');
if (!existsSync(compiled)) {
  console.error('bench: dist/bench is missing; run `npm run build` first');
  process.exit(1);
}
const benches = readdirSync(compiled)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(compiled, file)], {
    stdio: 'inherit',
    cwd: join(here, '..'),
  });
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${file} failed (exit ${r.status})`);
  }
}
const { writeSummary } = await import(pathToFileURL(join(compiled, 'qemu', 'summary.js')).href);
const summary = writeSummary(results);
console.log(`\nsummary: ${JSON.stringify(summary, null, 2)}`);
process.exit(failed ? 1 : 0);

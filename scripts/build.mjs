#!/usr/bin/env node
// Build everything `npm install` / `npm test` need, from a clean checkout, offline:
//   1. the DSL parser from dsl/grammar.peggy (peggy, ES module + .d.ts),
//   2. the native VFIO addon (optional: without a C compiler the rest still works),
//   3. the TypeScript sources into dist/,
//   4. oclif.manifest.json from the compiled commands (fast `nicdl --help`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(label, cmd, args, { optional = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    if (optional) {
      console.warn(`build: ${label} failed (optional, continuing)`);
      return false;
    }
    console.error(`build: ${label} failed`);
    process.exit(r.status ?? 1);
  }
  return true;
}

if (existsSync(join(root, 'dsl/grammar.peggy'))) {
  run('parser', bin('peggy'), [
    '--format',
    'es',
    '--dts',
    '--return-types',
    '{"*": "any"}',
    '-o',
    'dsl/parser.js',
    'dsl/grammar.peggy',
  ]);
}
if (existsSync(join(root, 'runtime/native/build.mjs'))) {
  run('native addon', process.execPath, ['runtime/native/build.mjs'], { optional: true });
}
run('typescript', process.execPath, [
  join(root, 'node_modules/typescript/bin/tsc'),
  '-p',
  'tsconfig.json',
]);
run('cli manifest', process.execPath, [join(root, 'scripts/cli-manifest.mjs')]);

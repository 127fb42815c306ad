#!/usr/bin/env node
// Builds the native addon with the system C compiler and the Node-API headers from
// node_modules (node-api-headers): no node-gyp, nothing downloaded. Output:
// runtime/native/build/nicdl_native.node. Exits non-zero with one line saying why when
// it cannot build; scripts/build.mjs treats that as optional (no VFIO, all else works).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'nicdl_native.c');
const outDir = join(here, 'build');
const output = join(outDir, 'nicdl_native.node');

function fail(why) {
  console.warn(`native addon: not built: ${why}`);
  process.exit(1);
}

if (process.platform !== 'linux') fail(`VFIO is Linux-only (platform is ${process.platform})`);

let includeDir;
try {
  const require = createRequire(import.meta.url);
  includeDir = require('node-api-headers').include_dir;
} catch {
  fail('node-api-headers is not installed (npm install)');
}

const upToDate =
  existsSync(output) &&
  statSync(output).mtimeMs >= statSync(source).mtimeMs &&
  statSync(output).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs;
if (upToDate && !process.argv.includes('--force')) process.exit(0);

mkdirSync(outDir, { recursive: true });
const cc = process.env.CC || 'cc';
const args = [
  '-shared',
  '-fPIC',
  '-O2',
  '-std=c11',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-fvisibility=hidden',
  '-I',
  includeDir,
  '-o',
  output,
  source,
];
const r = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.error) fail(`${cc}: ${r.error.message} (install a C compiler, e.g. apt-get install gcc)`);
if (r.status !== 0) fail(`${cc} exited with status ${r.status}`);

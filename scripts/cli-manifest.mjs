#!/usr/bin/env node
// Writes oclif.manifest.json: every command's id, summary, flags and args, read from the
// built command classes (dist/cli/commands.js). With it, oclif answers `nicdl --help` and
// finds commands without importing any command module, which is most of the CLI's
// start-up. Run by scripts/build.mjs after tsc; bin/run.js drops a manifest older than
// the compiled commands so a tsc-only rebuild cannot serve stale flags or miss a command.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
});
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`cli manifest: ${Object.keys(plugin.manifest.commands).length} commands`);

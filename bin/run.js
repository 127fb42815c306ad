#!/usr/bin/env node
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its starting size (1 MiB semi-spaces) instead of letting
// it grow to 16 MiB ones while the JIT warms up: the drivers' hot paths allocate nothing,
// so a bigger nursery buys nothing but resident memory (`load --serve` peaked at 82.6 MiB
// RSS with growth, under 75 with a 2 MiB cap; bench/qemu/soak.mjs). Unlike the semi-space
// size, the growth factor is read at every resize, so setting it here still takes effect.
setFlagsFromString('--semi-space-growth-factor=1');
const { execute } = await import('@oclif/core');

dropStaleManifest(new URL('../', import.meta.url));
await execute({ dir: import.meta.url });

/**
 * oclif trusts oclif.manifest.json (written by `npm run build`) for help and for which
 * commands exist. After a tsc-only rebuild it can be older than the compiled commands;
 * then it is removed and oclif reads the command classes instead (slower start-up, right
 * answers). A published package has equal timestamps everywhere and keeps its manifest.
 */
function dropStaleManifest(root) {
  const manifest = new URL('oclif.manifest.json', root);
  const commandsDir = new URL('dist/cli/commands/', root);
  try {
    const builtMs = statSync(manifest).mtimeMs;
    const compiled = [
      new URL('dist/cli/commands.js', root),
      ...readdirSync(commandsDir).map((f) => new URL(f, commandsDir)),
    ];
    if (compiled.some((f) => statSync(f).mtimeMs > builtMs)) unlinkSync(manifest);
  } catch {
    // no manifest, no dist, or a read-only install: leave it to oclif
  }
}

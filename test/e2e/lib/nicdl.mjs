// What of nicdl exists yet: scenarios for a command are skipped (and reported as skipped)
// until the command is registered in the built CLI (dist/cli/commands.js).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Names of the commands in dist/cli/commands.js (COMMANDS map); [] before a build. */
export async function builtCommands(projectRoot) {
  const file = join(projectRoot, 'dist', 'cli', 'commands.js');
  if (!existsSync(file)) return [];
  const mod = await import(pathToFileURL(file).href);
  return Object.keys(mod.COMMANDS ?? {});
}

/** Why a scenario cannot run yet (missing commands), or null if it can. */
export function missingRequirement(requires, commands) {
  const missing = (requires?.nicdl ?? []).filter((c) => !commands.includes(c));
  return missing.length
    ? `needs nicdl command${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (not in dist/cli/commands.js yet)`
    : null;
}

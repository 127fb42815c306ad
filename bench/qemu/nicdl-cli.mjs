// What the built nicdl CLI offers (dist/cli/commands.js, the explicit command map): the
// bench runs nicdl's rows only for commands and flags that exist, and says which are
// missing otherwise, so it picks up `pktgen`, `recv` and `ping` as they land.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** { commands: Map(name -> flag names) } or { error } when the CLI cannot be loaded. */
export async function nicdlCapabilities(projectRoot) {
  const file = join(projectRoot, 'dist', 'cli', 'commands.js');
  if (!existsSync(file))
    return { commands: new Map(), error: 'dist/cli/commands.js is missing (npm run build)' };
  try {
    const { COMMANDS } = await import(pathToFileURL(file).href);
    const commands = new Map(
      Object.entries(COMMANDS ?? {}).map(([name, cls]) => [name, Object.keys(cls.flags ?? {})]),
    );
    return { commands };
  } catch (e) {
    return {
      commands: new Map(),
      error: `dist/cli/commands.js does not load: ${e.message.split('\n')[0]}`,
    };
  }
}

/** Why `command` with `flags` cannot run yet, or null when it can. */
export function missing(caps, command, flags = []) {
  const have = caps.commands.get(command);
  if (!have)
    return `nicdl has no \`${command}\` command in dist/cli/commands.js yet${caps.error ? ` (${caps.error})` : ''}`;
  const absent = flags.filter((f) => !have.includes(f));
  return absent.length
    ? `nicdl ${command} has no ${absent.map((f) => `--${f}`).join(', ')} flag yet`
    : null;
}

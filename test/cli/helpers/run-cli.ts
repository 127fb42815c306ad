/**
 * Run a nicdl command class in-process through oclif (flag parsing, the base class's
 * error handling and cleanups), capturing what it prints and the exit code it asks for.
 */
import { vi } from 'vitest';
import type { Command } from '@oclif/core';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  result: unknown;
}

const root = new URL('../../../', import.meta.url).pathname;

export async function runCli(cmd: Command.Class, argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const capture =
    (into: string[]) =>
    (...args: unknown[]) =>
      void into.push(`${args.map(String).join(' ')}\n`);
  vi.spyOn(console, 'log').mockImplementation(capture(out));
  vi.spyOn(console, 'error').mockImplementation(capture(err));
  const writeErr = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write);
  let exitCode = 0;
  let result: unknown;
  try {
    result = await cmd.run(argv, root);
  } catch (e) {
    const exit = (e as { oclif?: { exit?: number } }).oclif?.exit;
    if (exit === undefined) {
      writeErr(`unexpected error: ${(e as Error).stack}\n`);
      exitCode = -1;
    } else {
      exitCode = exit;
      // oclif's own errors (flag parsing) are thrown for the bin script to print.
      // this.exit(n) throws oclif's ExitError (code EEXIT): nothing to print for it.
      if ((e as { code?: string }).code !== 'EEXIT') err.push(`${(e as Error).message}\n`);
    }
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout: out.join(''), stderr: err.join(''), exitCode, result };
}

/** The one error line a failed command prints, e.g. "nicdl: error E_FRAME_SIZE: …". */
export function errorLine(run: CliRun): string {
  return run.stderr
    .split('\n')
    .filter((l) => l.startsWith('nicdl: error'))
    .join('\n');
}

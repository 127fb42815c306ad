/**
 * Run a nicdl command class in-process through oclif (flag parsing, the base class's
 * error handling and cleanups), capturing what it prints and the exit code it asks for.
 * Shared by the CLI tests (test/cli, test/runtime, test/generators) and the language
 * commands' tests (test/lang). Much cheaper than spawning the binary: spawn bin/run.js
 * only for what only a real process shows (exit status, no stack trace).
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
  const captureChunk = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
  vi.spyOn(console, 'log').mockImplementation(capture(out));
  vi.spyOn(console, 'error').mockImplementation(capture(err));
  const writeErr = process.stderr.write.bind(process.stderr);
  // `fmt --stdout` writes raw text to process.stdout, not through console.log.
  vi.spyOn(process.stdout, 'write').mockImplementation(captureChunk(out));
  vi.spyOn(process.stderr, 'write').mockImplementation(captureChunk(err));
  // check, fmt, ir and test fail by setting process.exitCode rather than throwing.
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  let exitCode = 0;
  let result: unknown;
  try {
    result = await cmd.run(argv, root);
    exitCode = Number(process.exitCode ?? 0);
  } catch (e) {
    const exit = (e as { oclif?: { exit?: number } }).oclif?.exit;
    if (exit === undefined) {
      // A bug, not a user error: its stack goes to the real stderr and the run reports -1.
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
    process.exitCode = exitCodeBefore;
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

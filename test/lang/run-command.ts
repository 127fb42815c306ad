/**
 * Runs a command class in-process, as `nicdl` would (oclif flag parsing, the base class),
 * capturing what it prints and the exit code it leaves. Much cheaper than spawning the
 * binary; test/lang/cli.test.ts still spawns bin/run.js for what only a process shows.
 */
import type { Command } from '@oclif/core';
import { vi } from 'vitest';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;

export async function runCommand(cmd: Command.Class, argv: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const line =
    (into: string[]) =>
    (...args: unknown[]) =>
      void into.push(`${args.map(String).join(' ')}\n`);
  const chunk = (into: string[]) =>
    ((c: string | Uint8Array) => {
      into.push(String(c));
      return true;
    }) as typeof process.stdout.write;
  vi.spyOn(console, 'log').mockImplementation(line(out));
  vi.spyOn(console, 'error').mockImplementation(line(err));
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk(out));
  vi.spyOn(process.stderr, 'write').mockImplementation(chunk(err));
  const before = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await cmd.run(argv, ROOT);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    const exit = (e as { oclif?: { exit?: number } }).oclif?.exit;
    if (exit === undefined) throw e;
    code = exit;
  } finally {
    vi.restoreAllMocks();
    process.exitCode = before;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

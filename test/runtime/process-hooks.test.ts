/**
 * However a process with an open device ends, the device is closed first: signals exit
 * with 128+N after closing, crashes still print their error and fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'nicdl-hooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = join(import.meta.dirname, 'fixtures/hooked-process.ts');

function run(mode: string) {
  const marker = join(dir, `${mode}.marker`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode, marker], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  let closes = '';
  try {
    closes = readFileSync(marker, 'utf8');
  } catch {
    // never closed
  }
  return { status: r.status, signal: r.signal, stderr: r.stderr, closes };
}

describe('process hooks', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])('%s closes the device once and exits with %i', (signal, code) => {
    const r = run(signal);
    expect(r.closes).toBe('closed\n');
    expect(r.status).toBe(code);
  });

  it('an uncaught exception closes the device, and Node still reports the error', () => {
    const r = run('throw');
    expect(r.closes).toBe('closed\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('driver bug');
  });

  it('an unhandled rejection closes the device too', () => {
    const r = run('reject');
    expect(r.closes).toBe('closed\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('async driver bug');
  });

  it('a normal exit closes a device the program forgot', () => {
    const r = run('exit');
    expect(r.closes).toBe('closed\n');
    expect(r.status).toBe(0);
  });
});

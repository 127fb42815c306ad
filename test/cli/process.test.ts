/**
 * The built binary as a user runs it (`node bin/run.js`, needs `npm run build`): the
 * README's main job finishes in seconds, and Ctrl-C / SIGTERM end runs in order — a
 * summary, then one error line and exit 128+N for a run stopped before its end, exit 0
 * for a run whose end Ctrl-C is.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const built = existsSync(`${root}dist/cli/commands/load.js`);

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the CLI; when `signalAfter` matches stderr or stdout, send `signal`. */
function nicdl(
  args: string[],
  signalAfter?: { text: RegExp; signal: NodeJS.Signals },
): Promise<Ended> {
  const start = performance.now();
  // As a user runs it: vitest's NODE_ENV=test would make oclif look for TypeScript sources.
  const env = { ...process.env, NODE_ENV: 'production' };
  const child = spawn(process.execPath, ['bin/run.js', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const check = () => {
    if (signalAfter && !signalled && signalAfter.text.test(stdout + stderr)) {
      signalled = true;
      child.kill(signalAfter.signal);
    }
  };
  child.stdout.on('data', (d) => ((stdout += d), check()));
  child.stderr.on('data', (d) => ((stderr += d), check()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - start })),
  );
}

describe.skipIf(!built)('nicdl as a process (dist/)', () => {
  it('`nicdl load` with no arguments exits 0 within a few seconds', async () => {
    const r = await nicdl(['load']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('self-test PASS');
    expect(r.stderr).toBe('');
    expect(r.ms).toBeLessThan(5000);
  });

  it('Ctrl-C during a timed pktgen: summary, one error line, exit 130', async () => {
    const r = await nicdl(['pktgen', '--duration', '30'], {
      text: /pktgen\s+1 s:/,
      signal: 'SIGINT',
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^sent [\d,]+ frames of 60 bytes in [\d.]+ s/m);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('nicdl: error'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^nicdl: error E_INTERRUPTED: pktgen \([\d.]+ of 30 s\) stopped by SIGINT$/,
      ),
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('SIGTERM ends `load --serve` in order, exit 0', async () => {
    const r = await nicdl(['load', '--no-selftest', '--serve'], {
      text: /serving on sim/,
      signal: 'SIGTERM',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^stopped by SIGTERM after [\d.]+ s: received 0 frames/m);
  });
});

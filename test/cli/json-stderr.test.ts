/**
 * With --json, stdout carries the JSON document only, but what a user watches or must be
 * warned about still reaches stderr: the live rates of `stats --watch` (found silent until
 * Ctrl-C while writing the QEMU bench, test/e2e/scenarios/22-nicdl-recv-stats.mjs).
 */
import { describe, expect, it } from 'vitest';
import Stats from '../../cli/commands/stats.js';
import { runCli } from './helpers/run-cli.js';

describe('--json keeps stderr for people', () => {
  it('stats --watch --json: rate lines on stderr, one JSON document on stdout', async () => {
    const r = await runCli(Stats, ['--watch', '--samples', '1', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^watching sim \(Ctrl-C to stop\)$/m);
    expect(r.stderr).toMatch(/^\s+1 s {2}/m);
    expect((JSON.parse(r.stdout) as { samples: unknown[] }).samples).toHaveLength(1);
  });
});

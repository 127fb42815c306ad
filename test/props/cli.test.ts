/**
 * `nicdl test` as a user runs it (node bin/run.js, built dist/): a clean spec passes with
 * exit 0 and says how far it went; a spec with a defect (RS at bit 2) exits 1 with the
 * shrunk program and one replay command, and that command, run as printed, reproduces
 * the same failure; flags are checked; --json gives the report as data.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { mutatedE1000, REPO } from './helpers/specs.js';
import { rsAtBit2 } from './mutants/rs-at-bit-2.js';

function nicdl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/run.js', ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The words of a printed shell command (plain words and single-quoted ones). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

const mutant = mutatedE1000(rsAtBit2.patchSpec!);
afterAll(() => mutant.cleanup());

describe('nicdl test', () => {
  it('passes a correct spec: every ring on the model and on the twin, with the wraparounds reached', () => {
    const r = nicdl('test', 'drivers/e1000/e1000.nicdl', '--runs', '3', '--seed', '5');
    expect(r.code, r.stderr).toBe(0);
    for (const id of [
      'tx (tx) on model',
      'tx (tx) on e1000-twin',
      'rx (rx) on model',
      'rx (rx) on e1000-twin',
    ]) {
      expect(r.stdout).toMatch(
        new RegExp(
          `^ok   ring ${id.replace(/[()]/g, '\\$&')}: 3 runs, \\d+ commands, \\d+ posts, \\d+ wraparounds`,
          'm',
        ),
      );
    }
    expect(r.stdout).toMatch(
      /^e1000: 4 ring properties passed: 12 runs, \d+ wraparounds, seed 5, \d+ ms$/m,
    );
  });

  it('fails a spec with RS at bit 2: exit 1, the shrunk program, and a replay command that reproduces it', () => {
    const r = nicdl('test', mutant.path, '--runs', '10', '--seed', '3', '--ring', 'tx');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL ring tx \(tx\) on e1000-twin: run \d+ failed/m);
    expect(r.stdout).toContain(
      'without writing its done bit: the descriptor did not ask for a status report',
    );
    expect(r.stdout).toMatch(
      /counterexample \(\d+-slot ring, 2 commands, the last one fails\):\n {7}post\(\d+\)\n {7}flush\(\)\n/,
    );
    const replay = /^ {5}replay: (nicdl test .*)$/m.exec(r.stdout)?.[1];
    expect(replay).toMatch(
      new RegExp(
        `^nicdl test ${mutant.path} --ring tx --device e1000-twin --seed 3 --path '[0-9:]*~[A-Za-z0-9+/:]*'$`,
      ),
    );
    const again = nicdl(...words(replay!).slice(1));
    expect(again.code).toBe(1);
    const failure = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('     '))
        .join('\n');
    expect(failure(again.stdout)).toBe(
      failure(
        r.stdout
          .split('\nok ')[0]
          .split(/\n(?=FAIL)/)
          .pop()!,
      ),
    );
  });

  it('--report-every pins the report intervals of a TX ring that batches reports, and a replay keeps them', () => {
    const ok = nicdl(
      'test',
      'drivers/e1000/e1000.nicdl',
      ...['--ring', 'tx', '--device', 'model', '--runs', '4', '--seed', '5', '--report-every', '4'],
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^ok {3}ring tx \(tx\) on model: 4 runs, .*, 4 runs reporting every 4 \(\d+ slots unreported\)/m,
    );
    // RS at bit 2 leaves cmd.RS unlike in the three TX formats: the ring cannot batch, runs report every descriptor.
    const pinned = nicdl(
      'test',
      mutant.path,
      ...['--ring', 'tx', '--runs', '10', '--seed', '3', '--report-every', '1'],
    );
    expect(pinned.code).toBe(1);
    expect(pinned.stdout).toMatch(
      new RegExp(
        `replay: nicdl test ${mutant.path} --ring tx --device e1000-twin --report-every 1 --seed 3 --path '`,
      ),
    );
  });

  it('gives the report as data with --json', () => {
    const r = nicdl('test', 'examples/blinky.nicdl', '--runs', '2', '--seed', '9', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      seed: number;
      properties: Array<{ ring: string; device: string; stats: { runs: number } }>;
    };
    expect(report).toMatchObject({ ok: true, seed: 9 });
    expect(report.properties.map((p) => [p.ring, p.device, p.stats.runs])).toEqual([
      ['rx', 'model', 2],
    ]);
  });

  it('refuses what it cannot do in one line', () => {
    const cases: [string[], RegExp][] = [
      [['--path', '0:1~A:B'], /E_TEST_PATH_WITHOUT_SEED/],
      [['--ring', 'nope'], /E_TEST_NO_RING: e1000 has no ring nope \(its rings: tx, rx\)/],
      [['--device', 'e1000e-twin'], /E_TEST_NO_DEVICE/],
      [['--seed', '1', '--path', 'abc', '--ring', 'tx', '--device', 'model'], /E_TEST_BAD_PATH/],
    ];
    for (const [flags, message] of cases) {
      const r = nicdl('test', 'drivers/e1000/e1000.nicdl', ...flags);
      expect(r.code, flags.join(' ')).toBe(1);
      // One line (oclif's own " ›" warnings about running from source aside), no stack trace.
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.trimStart().startsWith('›'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

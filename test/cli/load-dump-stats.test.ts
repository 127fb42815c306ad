/**
 * `nicdl load`, `dump` and `stats` on the e1000 twin, in-process through oclif: what a
 * user sees after bring-up, the self-test's verdict, the decoded registers, the counters.
 */
import { describe, expect, it } from 'vitest';
import Dump from '../../cli/commands/dump.js';
import Load from '../../cli/commands/load.js';
import Stats from '../../cli/commands/stats.js';
import { DRIVERS } from '../../drivers/index.js';
import { errorLine, runCli } from './helpers/run-cli.js';

describe('nicdl load', () => {
  it('with no arguments brings the e1000 twin up and passes the loopback self-test', async () => {
    const r = await runCli(Load, []);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^e1000 \(82540EM\) on sim/m);
    expect(r.stdout).toContain('MAC        52:54:00:12:34:56');
    expect(r.stdout).toContain('link       up, 1000 Mb/s full duplex');
    expect(r.stdout).toContain('rx queue   256 descriptors x 2048-byte buffers');
    expect(r.stdout).toMatch(/DMA\s+[\d.]+ (KiB|MiB) in \d+ regions/);
    expect(r.stdout).toContain('sent 1,000, received 1,000: all intact and in order');
    expect(r.stdout).toMatch(/GPRC \+1,000/);
    expect(r.stdout).toMatch(/GPTC \+1,000/);
    expect(r.stdout).toContain('self-test PASS');
  });

  it('--json gives the set-up and the self-test result as data; ring flags are honoured', async () => {
    const r = await runCli(Load, [
      '--rx-ring',
      '64',
      '--tx-ring',
      '128',
      '--frames',
      '300',
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as {
      nic: { rxRing: number; txRing: number; mac: string };
      selftest: { ok: boolean; received: number; mismatches: number };
    };
    expect(data.nic).toMatchObject({ rxRing: 64, txRing: 128, mac: '52:54:00:12:34:56' });
    expect(data.selftest).toMatchObject({ ok: true, received: 300, mismatches: 0 });
  });

  it('refuses a bad --coalesce and an unknown --driver with one line', async () => {
    const bad = await runCli(Load, ['--coalesce', 'fast']);
    expect(bad.exitCode).toBe(1);
    expect(errorLine(bad)).toMatch(
      /^nicdl: error E_BAD_FLAG: --coalesce fast: expected latency, throughput, off/,
    );
    const unknown = await runCli(Load, ['--driver', 'rtl8139']);
    expect(unknown.exitCode).toBe(1);
    expect(errorLine(unknown)).toBe(
      `nicdl: error E_UNKNOWN_DRIVER: no driver named 'rtl8139'; available: ${DRIVERS.map((d) => d.name).join(', ')}`,
    );
    expect(DRIVERS.map((d) => d.name)).toContain('e1000');
    expect(unknown.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('nicdl dump', () => {
  it('decodes CTRL and STATUS by field and enum name', async () => {
    const r = await runCli(Dump, ['--register', 'CTRL', '--register', 'STATUS']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('0x00000  CTRL'))).toMatch(/0x00000241\s+rw/);
    expect(lines.find((l) => l.startsWith('0x00008  STATUS'))).toMatch(/0x00000083\s+ro/);
    expect(r.stdout).toMatch(/^\s+SLU\s+\[6\]\s+rw\s+1$/m);
    expect(r.stdout).toMatch(/^\s+LU\s+\[1\]\s+ro\s+1$/m);
    expect(r.stdout).toMatch(/^\s+SPEED\s+\[7:6\]\s+ro\s+2  S1000$/m);
    expect(r.stdout).toMatch(/^\s+PCIXSPD\s+\[15:14\]\s+ro\s+0  MHZ_66$/m);
  });

  it('does not read clear-on-read registers unless asked, and never write-only ones', async () => {
    const r = await runCli(Dump, ['--json']);
    const regs = (
      JSON.parse(r.stdout) as {
        registers: Array<{ name: string; skipped?: string; value?: number }>;
      }
    ).registers;
    const byName = (n: string) => regs.find((x) => x.name === n);
    expect(byName('ICR')).toMatchObject({ skipped: 'read-clears' });
    expect(byName('GPRC')).toMatchObject({ skipped: 'read-clears' });
    expect(byName('ICR')?.value).toBeUndefined();
    expect(byName('IMC')).toMatchObject({ skipped: 'write-only' });
    expect(regs.filter((x) => x.name.startsWith('MTA['))).toHaveLength(128);

    const rc = await runCli(Dump, [
      '--include-rc',
      '--register',
      'ICR',
      '--register',
      'GORC',
      '--json',
    ]);
    const read = (
      JSON.parse(rc.stdout) as { registers: Array<{ name: string; value?: number; hex?: string }> }
    ).registers;
    expect(read.map((x) => x.name)).toEqual(['ICR', 'GORC']);
    expect(read[1].hex).toMatch(/^0x[0-9a-f]{16}$/);
    expect(read.every((x) => typeof x.value === 'number')).toBe(true);
    const warned = await runCli(Dump, ['--include-rc', '--register', 'ICR']);
    expect(warned.stderr).toMatch(/reading clears interrupt causes and statistics counters/);
  });

  it('--diff shows only registers away from their reset value; --up shows the driver set-up', async () => {
    const asFound = await runCli(Dump, ['--diff', '--json']);
    const up = await runCli(Dump, ['--diff', '--up', '--json']);
    const names = (run: typeof up) =>
      (
        JSON.parse(run.stdout) as { registers: Array<{ name: string; differs: boolean }> }
      ).registers.map((x) => x.name);
    expect(names(asFound)).toContain('STATUS');
    expect(names(asFound)).not.toContain('TCTL');
    expect(names(up)).toEqual(expect.arrayContaining(['TCTL', 'RCTL', 'TDLEN', 'RDLEN', 'RDT']));
    expect(names(up).length).toBeLessThan(387 / 2);
  });

  it('names an unknown register', async () => {
    const r = await runCli(Dump, ['--register', 'NOPE']);
    expect(r.exitCode).toBe(1);
    expect(errorLine(r)).toMatch(
      /^nicdl: error E_UNKNOWN_REGISTER: no register NOPE in the spec \(known: CTRL, STATUS/,
    );
  });
});

describe('nicdl stats', () => {
  it('--json gives every hardware counter by spec name as a number', async () => {
    const r = await runCli(Stats, ['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = (
      JSON.parse(r.stdout) as {
        statistics: {
          hardware: Record<string, unknown>;
          rings: Array<{ name: string; size: number }>;
        };
      }
    ).statistics;
    expect(Object.keys(s.hardware)).toEqual(
      expect.arrayContaining(['GPRC', 'GPTC', 'GORC', 'GOTC', 'MPC', 'RNBC']),
    );
    expect(Object.values(s.hardware).every((v) => typeof v === 'number')).toBe(true);
    expect(s.rings.map((x) => x.size)).toEqual([256, 256]);
  });

  it('--watch reports once a second', async () => {
    const r = await runCli(Stats, ['--watch', '--samples', '1', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { samples: unknown[] }).samples).toHaveLength(1);
    const text = await runCli(Stats, []);
    expect(text.stdout).toMatch(/^ring tx0: 256 descriptors, 0 in flight/m);
  });
});

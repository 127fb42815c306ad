/**
 * Language front end figures:
 * - parse + check of drivers/e1000/e1000.nicdl, warm (goal < 50 ms);
 * - a generated 10,000-register spec (goal < 2 s) beside a 1,000-register one: the ratio
 *   should be near 10 (cost linear in the spec's size);
 * - `nicdl --help` start-up (goal < 300 ms), beside `node -e 0` in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileSpec } from '../spec/index.js';
import { compare, goal, measure, writeResult } from './harness.js';

const E1000 = 'drivers/e1000/e1000.nicdl';
const NS_PER_MS = 1e6;
const REG_BYTES = 4;
const FIELDS_PER_REGISTER = 3;

/** A device with `count` documented registers of three fields each, and a sequence per hundred. */
function generatedSpec(count: number): string {
  const barBytes = Math.max(128 * 1024, count * REG_BYTES * 2);
  const lines = ['device gen {', `  bar 0 mmio ${barBytes}`];
  for (let i = 0; i < count; i++) {
    const off = `0x${(i * REG_BYTES).toString(16).padStart(5, '0')}`;
    lines.push(`  /// register ${i}`, `  register R${i} @ ${off} : u32 rw reset 0x10 {`);
    for (let f = 0; f < FIELDS_PER_REGISTER; f++)
      lines.push(`    F${f} [${f * 8 + 7}:${f * 8}]${f === 0 ? ' reset 0x10' : ''}`);
    lines.push('  }');
    if (i % 100 === 99)
      lines.push(
        `  sequence s${i} {`,
        `    write R${i} { F0 = 1, F1 = 2 }`,
        `    wait R${i}.F2 == 0 within 1 ms`,
        '  }',
      );
  }
  lines.push('}', '');
  return lines.join('\n');
}

function checkOnce(text: string, file: string): void {
  const r = compileSpec(text, file);
  if (!r.ir)
    throw new Error(
      `${file} did not check clean: ${r.diagnostics
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
}

const e1000 = readFileSync(E1000, 'utf8');
const e1000Check = measure((n) => {
  for (let i = 0; i < n; i++) checkOnce(e1000, E1000);
}, 20);

const spec1k = generatedSpec(1_000);
const spec10k = generatedSpec(10_000);
const oneK = measure(() => checkOnce(spec1k, 'gen1k.nicdl'), 1, 7, 2);
const tenK = measure(() => checkOnce(spec10k, 'gen10k.nicdl'), 1, 5, 1);

const spawn = (args: string[]) => () => {
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
};
const startup = compare(spawn(['bin/run.js', '--help']), spawn(['-e', '0']), 1, 7);

const e1000Ms = e1000Check.nsPerOp / NS_PER_MS;
const tenKMs = tenK.nsPerOp / NS_PER_MS;
const oneKMs = oneK.nsPerOp / NS_PER_MS;
const helpMs = startup.candidateNs / NS_PER_MS;
writeResult('lang', {
  e1000: {
    bytes: e1000.length,
    lines: e1000.split('\n').length,
    checkMs: e1000Ms,
    goal: goal(e1000Ms, 50),
  },
  generated: {
    registers1k: { bytes: spec1k.length, checkMs: oneKMs },
    registers10k: { bytes: spec10k.length, checkMs: tenKMs, goal: goal(tenKMs, 2000) },
    ratio10kTo1k: tenKMs / oneKMs,
  },
  startup: {
    helpMs,
    nodeMs: startup.baselineNs / NS_PER_MS,
    overNodeMs: helpMs - startup.baselineNs / NS_PER_MS,
    goal: goal(helpMs, 300),
  },
  headline: {
    lang_e1000_check_ms: round(e1000Ms),
    lang_10k_registers_ms: round(tenKMs),
    lang_10k_over_1k: round(tenKMs / oneKMs),
    cli_help_ms: round(helpMs),
    cli_node_baseline_ms: round(startup.baselineNs / NS_PER_MS),
  },
});

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

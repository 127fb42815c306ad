/**
 * Shared helpers for benchmarks: timing with warm-up, a same-run baseline, and the JSON
 * result file. Every figure is reported beside a baseline measured in the same process,
 * because absolute times on shared 2-core machines are not stable.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder with package.json), whether run from bench/ or dist/bench/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export interface Timing {
  /** Median nanoseconds per operation over the samples. */
  nsPerOp: number;
  samples: number[];
}

/** Runs `fn(iterations)` `samples` times after `warmup` runs; returns median ns per op. */
export function measure(
  fn: (iterations: number) => void,
  iterations: number,
  samples = 7,
  warmup = 3,
): Timing {
  for (let i = 0; i < warmup; i++) fn(iterations);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    fn(iterations);
    out.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  const sorted = [...out].sort((a, b) => a - b);
  return { nsPerOp: sorted[Math.floor(sorted.length / 2)], samples: out };
}

/**
 * Interleaves candidate and baseline runs (ABAB...) so drift in machine load hits both;
 * returns each median and candidate/baseline ratio.
 */
export function compare(
  candidate: (n: number) => void,
  baseline: (n: number) => void,
  iterations: number,
  rounds = 9,
): { candidateNs: number; baselineNs: number; ratio: number } {
  for (let i = 0; i < 3; i++) {
    candidate(iterations);
    baseline(iterations);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = process.hrtime.bigint();
    candidate(iterations);
    a.push(Number(process.hrtime.bigint() - t0) / iterations);
    t0 = process.hrtime.bigint();
    baseline(iterations);
    b.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const candidateNs = med(a);
  const baselineNs = med(b);
  return { candidateNs, baselineNs, ratio: candidateNs / baselineNs };
}

/** A goal: `value` against `limit`, kept in the JSON so a reader sees pass/fail at once. */
export function goal(
  value: number,
  limit: number,
  comparison: '<=' | '>=' = '<=',
): { value: number; limit: number; met: boolean } {
  return { value, limit, met: comparison === '<=' ? value <= limit : value >= limit };
}

/** Writes bench/results/<name>.json. `headline` entries are merged into summary.json. */
export function writeResult(
  name: string,
  data: Record<string, unknown> & { headline?: Record<string, number | null> },
): void {
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const body = { name, date: new Date().toISOString(), node: process.version, ...data };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(body, null, 2) + '\n');
  console.log(JSON.stringify(body, null, 2));
}

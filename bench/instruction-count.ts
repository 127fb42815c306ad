/**
 * Instructions per packet, counted by valgrind's callgrind: where `perf stat` cannot count
 * (this VM has no PMU), callgrind counts every instruction the process executes. Unlike a
 * time, the count does not move with the other load on a shared machine, so it can tell
 * the driver from the hand-written loop apart to a few instructions where the timed ratio
 * swings by 10% and more from run to run. It counts instructions, not cycles: a load that
 * misses the cache counts as one, and fewer instructions need not mean less time.
 *
 * The child (instruction-runner.ts) runs one side of one configuration: a warm-up, then
 * two windows of `small` and `large` packets, each counted alone (callgrind zeroes its
 * counts at the window's start and writes them out at its end). The difference of the two
 * counts over the difference in packets is the loop's own count per packet: what a window
 * costs besides its packets (the calls that mark it, a loop's start) cancels.
 * `--single-threaded` keeps V8's compiler on the main thread, so every run compiles the
 * same code at the same points (three runs agreed to 0.15%), and a long warm-up leaves
 * nothing to compile in the windows (a later compile would count as the loop's).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { WARMUP_PACKETS } from './driver-loops.js';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'instruction-runner.js');
const execFileAsync = promisify(execFile);

export interface InstructionCountOptions {
  /** Packets in the smaller and the larger counted window. */
  small: number;
  large: number;
  /** Packets run before the first window (V8 optimizes the loop here). */
  warmup: number;
}

export const DEFAULT_COUNT_OPTIONS: InstructionCountOptions = {
  small: 100_000,
  large: 300_000,
  warmup: WARMUP_PACKETS,
};

/** Whether valgrind is installed (Debian's valgrind package; the benchmark skips without it). */
export function callgrindAvailable(): boolean {
  const r = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The instructions callgrind counted in each window of one run of the child. */
async function windowCounts(args: string[]): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nicdl-callgrind-'));
  try {
    const out = join(dir, 'callgrind.out');
    try {
      await execFileAsync(
        'valgrind',
        [
          '--tool=callgrind',
          `--callgrind-out-file=${out}`,
          '--zero-before=uv_os_getpriority',
          '--dump-before=uv_uptime',
          // V8 writes code and then runs it: valgrind must notice code that changed.
          '--smc-check=all-non-file',
          process.execPath,
          '--single-threaded',
          RUNNER,
          ...args,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? e);
      throw new Error(`callgrind run failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    // Dumps are numbered from 1 in the order they were written: one per window.
    return [1, 2].map((part) => {
      const m = /^summary:\s*(\d+)/m.exec(readFileSync(`${out}.${part}`, 'utf8'));
      if (!m) throw new Error(`callgrind dump ${part} has no summary line`);
      return Number(m[1]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per packet of one side of one driver-loops configuration. */
export async function instructionsPerPacket(
  side: 'driver' | 'hand',
  mode: string,
  burst: number,
  frameBytes: number,
  options: InstructionCountOptions = DEFAULT_COUNT_OPTIONS,
): Promise<number> {
  const [small, large] = await windowCounts([
    side,
    mode,
    String(burst),
    String(frameBytes),
    String(options.small),
    String(options.large),
    String(options.warmup),
  ]);
  return (large - small) / (options.large - options.small);
}

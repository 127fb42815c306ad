// The child that bench/instruction-count.ts runs under callgrind, run here without it:
// each side of each mode must run its warm-up and both windows and exit cleanly, or the
// benchmark's instruction counts fail after minutes of valgrind.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Built by `npm test` (scripts/build.mjs) before vitest runs.
const RUNNER = new URL('../../dist/bench/instruction-runner.js', import.meta.url).pathname;

describe('instruction-runner', () => {
  for (const side of ['driver', 'hand']) {
    for (const mode of ['fwd', 'rx', 'txz']) {
      it(`runs the ${side} side of ${mode} through its warm-up and both windows`, () => {
        const out = execFileSync(
          process.execPath,
          ['--single-threaded', RUNNER, side, mode, '32', '60', '200', '600', '1000'],
          { encoding: 'utf8' },
        );
        // rx sums the frames' bytes it was handed: 60 per frame; fwd and txz sum none.
        const sink = Number(out.trim());
        if (mode === 'rx') expect(sink).toBeGreaterThanOrEqual(60 * (1000 + 200 + 600));
        else expect(sink).toBe(0);
      });
    }
  }
});

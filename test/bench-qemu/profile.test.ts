// Hot functions from a V8 CPU profile, as the QEMU bench summarises nicdl's --cpu-prof.
import { describe, expect, it } from 'vitest';
import { hotFunctions } from '../../bench/qemu/profile.js';

const frame = (functionName: string, url: string, lineNumber: number) => ({
  functionName,
  url,
  lineNumber,
});

describe('hotFunctions', () => {
  it('sums self time per function across call paths, largest first', () => {
    const profile = {
      startTime: 0,
      endTime: 100_000, // 100 ms over 10 samples
      nodes: [
        { id: 1, callFrame: frame('(root)', '', -1), hitCount: 0 },
        {
          id: 2,
          callFrame: frame('transmit', 'file:///share/dist/drivers/e1000/tx.js', 41),
          hitCount: 3,
        },
        { id: 3, callFrame: frame('', 'file:///share/dist/cli/x.js', 0), hitCount: 1 },
        {
          id: 4,
          callFrame: frame('transmit', 'file:///share/dist/drivers/e1000/tx.js', 41),
          hitCount: 4,
        },
        { id: 5, callFrame: frame('(garbage collector)', '', -1), hitCount: 2 },
      ],
    };
    expect(hotFunctions(profile, 2)).toEqual([
      { where: 'transmit (dist/drivers/e1000/tx.js:42)', selfMs: 70, percent: 70 },
      { where: '(garbage collector)', selfMs: 20, percent: 20 },
    ]);
    expect(hotFunctions(profile)[2].where).toBe('(anonymous) (dist/cli/x.js:1)');
  });
  it('is empty for a profile without samples', () => {
    expect(hotFunctions({ startTime: 0, endTime: 1, nodes: [] })).toEqual([]);
  });
});

/**
 * NDL210: a BAR register not aligned to its access size. Accesses are single aligned
 * moves (runtime/types.ts Mmio); a split u64 is two 32-bit accesses, so 4 is enough.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { bytesOf, hex4 } from './util.js';

const WORD_BYTES = 4;

export const registerAlignment: Check = {
  name: 'register-alignment',
  run(ctx) {
    for (const r of ctx.model.registers) {
      if (r.broken || r.ir.space) continue;
      const bytes = Math.min(bytesOf(r), WORD_BYTES);
      const misaligned =
        r.ir.offset % bytes !== 0 || (r.ir.array !== undefined && r.ir.array.stride % bytes !== 0);
      if (misaligned)
        ctx.report(
          diag('NDL210', r.node.offset.loc, { name: r.ir.name, offset: hex4(r.ir.offset), bytes }),
        );
    }
  },
};

/**
 * NDL405: a descriptor field not aligned to its own size. Generated codecs read fields
 * as single aligned typed-array elements of the DMA view (and the hardware's formats
 * are naturally aligned).
 */
import { diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS } from '../lower/context.js';
import type { Check } from '../model.js';
import { BITS_PER_BYTE } from './util.js';

/** A u64 is accessed as two 32-bit halves. */
const MAX_ALIGN_BYTES = 4;

export const descriptorAlignment: Check = {
  name: 'descriptor-alignment',
  run(ctx) {
    for (const d of ctx.model.descriptors) {
      for (const f of [...d.fields, ...(d.writeback ?? [])]) {
        const bytes = Math.min(WIDTH_BITS[f.ir.type] / BITS_PER_BYTE, MAX_ALIGN_BYTES);
        if (f.ir.offset % bytes !== 0)
          ctx.report(
            diag('NDL405', f.node.offset.loc, { name: f.ir.name, offset: f.ir.offset, bytes }),
          );
      }
    }
  },
};

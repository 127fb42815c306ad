/** NDL403: a descriptor field that ends past the descriptor's size. */
import { diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS } from '../lower/context.js';
import type { Check } from '../model.js';
import { BITS_PER_BYTE } from './util.js';

export const descriptorBounds: Check = {
  name: 'descriptor-bounds',
  run(ctx) {
    for (const d of ctx.model.descriptors) {
      if (d.broken && d.ir.size === 1) continue;
      for (const f of [...d.fields, ...(d.writeback ?? [])]) {
        const bytes = WIDTH_BITS[f.ir.type] / BITS_PER_BYTE;
        if (f.ir.offset + bytes > d.ir.size) {
          ctx.report(
            diag('NDL403', f.node.offset.loc, {
              name: f.ir.name,
              type: f.ir.type,
              offset: f.ir.offset,
              size: d.ir.size,
              descriptor: d.ir.name,
            }),
          );
        }
      }
    }
  },
};

/**
 * NDL411: `on post` puts the buffer address in a field narrower than 64 bits, or the
 * posted length in a field that cannot hold the largest buffer.
 */
import { diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS, fits } from '../lower/context.js';
import type { Check } from '../model.js';

const ADDRESS_BITS = 64;

export const postFieldSize: Check = {
  name: 'post-field-size',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      for (const p of ring.post) {
        const width = WIDTH_BITS[p.ir.type];
        const args = { field: p.ir.field, type: p.ir.type };
        if (p.ir.source === 'buffer' && width < ADDRESS_BITS) {
          ctx.report(
            diag('NDL411', p.node.field.loc, { ...args, what: 'a 64-bit buffer address' }),
          );
        }
        const max = ring.ir.buffer?.max;
        if (p.ir.source === 'length' && max !== undefined && !fits(max, width)) {
          ctx.report(
            diag('NDL411', p.node.field.loc, {
              ...args,
              what: `a length of up to ${max} bytes (buffer max)`,
            }),
          );
        }
      }
    }
  },
};

/** NDL213: array elements closer than their own size; NDL214: `stride` on a register that is not an array. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { bytesOf } from './util.js';

export const arrayStride: Check = {
  name: 'array-stride',
  run(ctx) {
    for (const r of ctx.model.registers) {
      if (r.node.stride && !r.node.count) {
        ctx.report(diag('NDL214', r.node.stride.loc, { name: r.ir.name }));
        continue;
      }
      const arr = r.ir.array;
      if (!arr || r.broken || r.ir.space) continue;
      if (arr.stride < bytesOf(r)) {
        ctx.report(
          diag('NDL213', (r.node.stride ?? r.node.name).loc, {
            name: r.ir.name,
            stride: arr.stride,
            bytes: bytesOf(r),
          }),
        );
      }
    }
  },
};

/** NDL419: every descriptor format of a ring shares one slot, so all must have one size. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringFormats: Check = {
  name: 'ring-formats',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const [first, ...rest] = ring.formats;
      if (!first) continue;
      for (const d of rest) {
        if (d.ir.size === first.ir.size) continue;
        const id = ring.node.formats.find((f) => f.name === d.ir.name) ?? ring.node.name;
        ctx.report(
          diag('NDL419', id.loc, {
            ring: ring.ir.name,
            name: d.ir.name,
            size: d.ir.size,
            first: first.ir.name,
            firstSize: first.ir.size,
          }),
        );
      }
    }
  },
};

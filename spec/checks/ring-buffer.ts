/** NDL412: a ring's default buffer size larger than its maximum. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringBuffer: Check = {
  name: 'ring-buffer',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const b = ring.ir.buffer;
      const node = ring.node.props.find((p) => p.kind === 'buffer');
      if (!b || !node || node.kind !== 'buffer' || b.default <= b.max) continue;
      ctx.report(
        diag('NDL412', node.default.loc, { ring: ring.ir.name, default: b.default, max: b.max }),
      );
    }
  },
};

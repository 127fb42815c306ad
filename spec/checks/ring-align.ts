/**
 * NDL421: a ring base alignment that is not a power of two. NDL408 (warning): ring sizes
 * grow in steps that break the alignment, so rings laid out back to back in one DMA
 * region would not all be aligned.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringAlign: Check = {
  name: 'ring-align',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const align = ring.ir.align;
      const node = ring.node.props.find((p) => p.kind === 'align');
      if (align === undefined) continue;
      const span = node && node.kind === 'align' ? node.value.loc : ring.node.name.loc;
      if (align < 1 || (align & (align - 1)) !== 0) {
        ctx.report(diag('NDL421', span, { ring: ring.ir.name, align }));
        continue;
      }
      const step = ring.ir.count?.step;
      if (step === undefined || !ring.desc) continue;
      const stepBytes = step * ring.desc.ir.size;
      if (stepBytes % align !== 0)
        ctx.report(diag('NDL408', span, { ring: ring.ir.name, stepBytes, align }));
    }
  },
};

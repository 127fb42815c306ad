/** NDL208: a u64 register that is not `split`; NDL209: `split` on anything but u64. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

const SPLIT_WIDTH = 64;

export const splitWidth: Check = {
  name: 'split-width',
  run(ctx) {
    for (const r of ctx.model.registers) {
      const split = r.node.mods.find((m) => m.kind === 'split');
      if (r.ir.width === SPLIT_WIDTH && !split)
        ctx.report(diag('NDL208', r.node.width.loc, { name: r.ir.name }));
      if (r.ir.width !== SPLIT_WIDTH && split)
        ctx.report(diag('NDL209', split.loc, { name: r.ir.name, width: r.node.width.value }));
    }
  },
};

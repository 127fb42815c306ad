/** NDL420: a two-meaning descriptor must give exactly `read { … }` then `writeback { … }`. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const descriptorLayouts: Check = {
  name: 'descriptor-layouts',
  run(ctx) {
    for (const d of ctx.model.descriptors) {
      const layouts = d.node.layouts;
      if (!layouts) continue;
      const order = layouts.map((l) => l.which.value).join(',');
      if (order !== 'read,writeback') {
        const wrong = layouts.find((l, i) => l.which.value !== ['read', 'writeback'][i]);
        ctx.report(diag('NDL420', (wrong?.which ?? d.node.name).loc, { name: d.ir.name }));
      }
    }
  },
};

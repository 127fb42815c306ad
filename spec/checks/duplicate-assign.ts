/** NDL507: one field assigned twice in one `write { … }` or `modify { … }`. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const duplicateAssign: Check = {
  name: 'duplicate-assign',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const n = step.node;
        if (n.kind !== 'write' && n.kind !== 'modify') continue;
        const seen = new Set<string>();
        for (const a of n.fields ?? []) {
          if (seen.has(a.field.name))
            ctx.report(diag('NDL507', a.field.loc, { field: a.field.name }));
          seen.add(a.field.name);
        }
      }
    }
  },
};

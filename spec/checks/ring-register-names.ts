/** NDL103: a ring names a register that does not exist. */
import { diag } from '../../dsl/diagnostics.js';
import { didYouMean } from '../../dsl/suggest.js';
import type { Check } from '../model.js';

export const ringRegisterNames: Check = {
  name: 'ring-register-names',
  run(ctx) {
    const names = ctx.model.byName.register;
    for (const ring of ctx.model.rings) {
      for (const r of ring.regs) {
        if (r.reg || ctx.model.poisoned.has(r.name)) continue;
        ctx.report(
          diag('NDL103', r.span, { name: r.name }, { hint: didYouMean(r.name, names.keys()) }),
        );
      }
    }
  },
};

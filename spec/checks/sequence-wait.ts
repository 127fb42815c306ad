/**
 * NDL501: a `wait` with no time limit (a dead device would hang the driver forever);
 * NDL505 (warning): a poll interval no shorter than the limit, so it polls once.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const sequenceWait: Check = {
  name: 'sequence-wait',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const n = step.node;
        if (n.kind !== 'wait' || step.ir.op !== 'wait') continue;
        const target = n.field ? `${n.target.reg.name}.${n.field.name}` : n.target.reg.name;
        if (!n.within) {
          ctx.report(
            diag(
              'NDL501',
              n.loc,
              { target },
              { hint: `e.g. 'wait ${target} ${n.cmp.value} … within 10 ms'` },
            ),
          );
          continue;
        }
        if (step.ir.timeoutUs < 1) {
          ctx.report(diag('NDL501', n.within.loc, { target }));
          continue;
        }
        if (n.every && step.ir.intervalUs >= step.ir.timeoutUs) {
          ctx.report(
            diag('NDL505', n.every.loc, { every: step.ir.intervalUs, within: step.ir.timeoutUs }),
          );
        }
      }
    }
  },
};

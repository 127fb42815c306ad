/**
 * NDL506: array registers are reached one element at a time (`MTA[3]`): an element index
 * is required on an array, refused on a plain register, and must be below the count.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const sequenceIndex: Check = {
  name: 'sequence-index',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        const n = step.node;
        if (!reg || reg.broken || !('target' in n)) continue;
        const t = n.target;
        const arr = reg.ir.array;
        const index = 'index' in step.ir ? step.ir.index : undefined;
        if (arr && !t.index) {
          ctx.report(
            diag('NDL506', t.loc, {
              register: reg.ir.name,
              problem: `missing; it is an array of ${arr.count}: name one element, as in '${reg.ir.name}[0]'`,
            }),
          );
        } else if (!arr && t.index) {
          ctx.report(
            diag('NDL506', t.index.loc, {
              register: reg.ir.name,
              problem: 'not an array, so it takes no index',
            }),
          );
        } else if (arr && t.index && index !== undefined && index >= arr.count) {
          ctx.report(
            diag('NDL506', t.index.loc, {
              register: reg.ir.name,
              problem: `${index} is out of range (0..${arr.count - 1})`,
            }),
          );
        }
      }
    }
  },
};

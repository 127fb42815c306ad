/**
 * NDL110 (warning): a parameter no step uses; NDL111 (warning): a parameter named like a
 * constant, which it hides inside the sequence.
 */
import { diag } from '../../dsl/diagnostics.js';
import { walk } from '../../dsl/walk.js';
import type { Check } from '../model.js';

export const sequenceParams: Check = {
  name: 'sequence-params',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      const used = new Set<string>();
      walk(seq.node.steps, (obj) => {
        if (obj.kind === 'name') used.add(obj.name as string);
      });
      const callsPassing = new Set<string>();
      for (const step of seq.steps) {
        if (step.ir.op !== 'call') continue;
        const callee = ctx.model.byName.sequence.get(step.ir.sequence);
        for (const p of callee?.ir.params ?? []) callsPassing.add(p);
      }
      for (const p of seq.node.params) {
        if (!used.has(p.name) && !callsPassing.has(p.name))
          ctx.report(diag('NDL110', p.loc, { name: p.name, sequence: seq.ir.name }));
        if (ctx.model.byName.constant.has(p.name))
          ctx.report(diag('NDL111', p.loc, { name: p.name }));
      }
    }
  },
};

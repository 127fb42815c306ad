/**
 * NDL108: a call of a sequence that does not exist; NDL502: sequences that call
 * themselves, directly or through others (the cycle is named); NDL503: a call of a
 * sequence with a parameter the caller cannot pass on (parameters pass by name).
 */
import { diag } from '../../dsl/diagnostics.js';
import { didYouMean } from '../../dsl/suggest.js';
import type { Check, CheckContext, SequenceModel } from '../model.js';

export const sequenceCalls: Check = {
  name: 'sequence-calls',
  run(ctx) {
    const byName = ctx.model.byName.sequence;
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const n = step.node;
        if (n.kind !== 'call') continue;
        const callee = byName.get(n.name.name);
        if (!callee) {
          if (!ctx.model.poisoned.has(n.name.name))
            ctx.report(
              diag(
                'NDL108',
                n.name.loc,
                { name: n.name.name },
                { hint: didYouMean(n.name.name, byName.keys()) },
              ),
            );
          continue;
        }
        for (const p of callee.ir.params) {
          if (!seq.ir.params.includes(p))
            ctx.report(diag('NDL503', n.name.loc, { name: callee.ir.name, param: p }));
        }
      }
    }
    findCycles(ctx);
  },
};

/** Depth-first search over the call graph; each cycle is reported once, at its first call. */
function findCycles(ctx: CheckContext): void {
  const byName = ctx.model.byName.sequence;
  const state = new Map<SequenceModel, 'active' | 'done'>();
  const stack: SequenceModel[] = [];
  const visit = (seq: SequenceModel): void => {
    state.set(seq, 'active');
    stack.push(seq);
    for (const step of seq.steps) {
      const n = step.node;
      if (n.kind !== 'call') continue;
      const callee = byName.get(n.name.name);
      if (!callee) continue;
      if (state.get(callee) === 'active') {
        const cycle = [...stack.slice(stack.indexOf(callee)), callee]
          .map((s) => s.ir.name)
          .join(' → ');
        ctx.report(diag('NDL502', n.name.loc, { cycle }));
      } else if (!state.has(callee)) {
        visit(callee);
      }
    }
    stack.pop();
    state.set(seq, 'done');
  };
  for (const seq of ctx.model.sequences) if (!state.has(seq)) visit(seq);
}

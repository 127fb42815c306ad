/** NDL504: a constant written to (or awaited from) a register or field that cannot hold it. */
import type { Span } from '../../dsl/ast.js';
import { bits, diag } from '../../dsl/diagnostics.js';
import { fits, hex } from '../lower/context.js';
import type { Check, CheckContext } from '../model.js';
import { fieldBits } from './util.js';

export const sequenceValueFit: Check = {
  name: 'sequence-value-fit',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        const n = step.node;
        if (!reg) continue;
        for (const a of step.assigns) {
          if (a.value !== undefined)
            check(
              ctx,
              a.value,
              fieldBits(a.field.ir),
              `field '${reg.ir.name}.${a.field.ir.name}'`,
              a.span,
            );
        }
        if (
          n.kind === 'write' &&
          n.value &&
          step.ir.op === 'write' &&
          step.ir.value.kind === 'const'
        ) {
          check(ctx, step.ir.value.value, reg.ir.width, `register '${reg.ir.name}'`, n.value.loc);
        }
        if (n.kind === 'wait' && step.ir.op === 'wait' && step.ir.value.kind === 'const') {
          const bits = step.field ? fieldBits(step.field.ir) : reg.ir.width;
          const what = step.field
            ? `field '${reg.ir.name}.${step.field.ir.name}'`
            : `register '${reg.ir.name}'`;
          if (!n.field || step.field) check(ctx, step.ir.value.value, bits, what, n.value.loc);
        }
      }
    }
  },
};

function check(ctx: CheckContext, value: number, width: number, target: string, span: Span): void {
  if (!fits(value, width))
    ctx.report(diag('NDL504', span, { value: hex(value), target, width: bits(width) }));
}

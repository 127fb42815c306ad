/**
 * NDL301: a sequence writes a register that ignores writes (ro, rc); NDL302: it sets a
 * field that is read-only in a register that is otherwise writable.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { fieldAccess, targetSpan, writable, writes, writtenFields } from './util.js';

export const sequenceWritesReadonly: Check = {
  name: 'sequence-writes-readonly',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        if (!reg || !writes(step)) continue;
        const fields = writtenFields(step);
        const regWritable = writable(reg.ir.access);
        // A read-only register may still hold writable fields (an access override).
        const anyWritableField = fields.some((f) => writable(fieldAccess(reg, f.field.ir)));
        if (!regWritable && !anyWritableField) {
          ctx.report(
            diag('NDL301', targetSpan(step), {
              sequence: seq.ir.name,
              register: reg.ir.name,
              access: reg.ir.access,
            }),
          );
          continue;
        }
        for (const f of fields) {
          if (writable(fieldAccess(reg, f.field.ir))) continue;
          ctx.report(
            diag('NDL302', f.span, {
              sequence: seq.ir.name,
              register: reg.ir.name,
              field: f.field.ir.name,
            }),
          );
        }
      }
    }
  },
};

/**
 * NDL306 (warning): a read-modify-write of a register with clear-on-read bits: the read
 * half clears them (e.g. interrupt causes), which is rarely what a modify means.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { isReadModifyWrite, targetSpan } from './util.js';

export const modifyReadClear: Check = {
  name: 'modify-read-clear',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        if (!reg || !isReadModifyWrite(step)) continue;
        const rc = reg.ir.access === 'rc' || reg.fields.some((f) => f.ir.access === 'rc');
        if (rc)
          ctx.report(diag('NDL306', targetSpan(step), { register: reg.ir.name, access: 'rc' }));
      }
    }
  },
};

/**
 * NDL308 (warning): a read-modify-write of a write-1-to-clear register writes back every
 * 1 it read, clearing bits the sequence did not name (svd2rust masks these out; a
 * sequence should write the bits it means instead).
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { isReadModifyWrite, targetSpan } from './util.js';

export const modifyWriteOneClear: Check = {
  name: 'modify-write-one-clear',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        if (!reg || !isReadModifyWrite(step)) continue;
        if (reg.ir.access === 'w1c' || reg.fields.some((f) => f.ir.access === 'w1c')) {
          ctx.report(
            diag(
              'NDL308',
              targetSpan(step),
              { register: reg.ir.name, access: 'w1c', effect: 'clearing every bit that was set' },
              { hint: `use 'write ${reg.ir.name} { … }' to clear only the bits meant` },
            ),
          );
        }
      }
    }
  },
};

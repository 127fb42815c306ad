/** NDL307: a read, wait or modify of a write-only register (its reads are undefined). */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { fieldAccess, reads, readable, targetSpan } from './util.js';

export const sequenceReadsWriteonly: Check = {
  name: 'sequence-reads-writeonly',
  run(ctx) {
    for (const seq of ctx.model.sequences) {
      for (const step of seq.steps) {
        const reg = step.reg;
        if (!reg || !reads(step)) continue;
        const access =
          step.ir.op === 'wait' && step.field ? fieldAccess(reg, step.field.ir) : reg.ir.access;
        if (readable(access)) continue;
        const verb =
          step.ir.op === 'wait' ? 'polls' : step.ir.op === 'modify' ? 'reads (to modify)' : 'reads';
        ctx.report(
          diag('NDL307', targetSpan(step), { sequence: seq.ir.name, verb, register: reg.ir.name }),
        );
      }
    }
  },
};

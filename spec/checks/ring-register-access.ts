/**
 * NDL303: a ring head the driver cannot read (it learns progress from it); NDL304: a
 * tail the driver cannot write as a plain value (it hands slots over through it);
 * NDL305: base or length registers the driver cannot program.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Access } from '../ir.js';
import type { Check } from '../model.js';
import { readable, writable } from './util.js';

/** A tail or base register must store the value written: w1c/w1s act on bits instead. */
const storesValue = (a: Access) => writable(a) && a !== 'w1c' && a !== 'w1s';

export const ringRegisterAccess: Check = {
  name: 'ring-register-access',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      for (const r of ring.regs) {
        if (!r.reg) continue;
        const access = r.reg.ir.access;
        const args = { ring: ring.ir.name, register: r.name, access };
        if (r.role === 'head' && !readable(access)) ctx.report(diag('NDL303', r.span, args));
        else if (r.role === 'tail' && !storesValue(access))
          ctx.report(diag('NDL304', r.span, args));
        else if (r.role !== 'head' && r.role !== 'tail' && !storesValue(access))
          ctx.report(diag('NDL305', r.span, { ...args, role: r.role }));
      }
    }
  },
};

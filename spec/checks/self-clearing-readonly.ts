/** NDL309 (warning): a self-clearing bit software cannot write, so nothing ever sets it. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { fieldAccess, writable } from './util.js';

export const selfClearingReadonly: Check = {
  name: 'self-clearing-readonly',
  run(ctx) {
    for (const r of ctx.model.registers) {
      for (const f of r.fields) {
        if (!f.ir.selfClearing || writable(fieldAccess(r, f.ir))) continue;
        const mod = f.node.mods.find((m) => m.kind === 'selfClearing');
        ctx.report(
          diag('NDL309', mod?.loc ?? f.node.name.loc, { field: `${r.ir.name}.${f.ir.name}` }),
        );
      }
    }
  },
};

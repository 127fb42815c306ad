/**
 * NDL215: a register wider than the registers of its indirect space; NDL216: a register
 * placed both in a space and in a BAR.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const registerSpace: Check = {
  name: 'register-space',
  run(ctx) {
    for (const r of ctx.model.registers) {
      const inMod = r.node.mods.find((m) => m.kind === 'in');
      if (!inMod) continue;
      const bar = r.node.mods.find((m) => m.kind === 'bar');
      if (bar) ctx.report(diag('NDL216', bar.loc, { name: r.ir.name, space: inMod.space.name }));
      const space = ctx.model.byName.space.get(inMod.space.name);
      if (space && r.ir.width !== space.ir.width) {
        ctx.report(
          diag('NDL215', r.node.width.loc, {
            name: r.ir.name,
            width: r.ir.width,
            space: space.ir.name,
            spaceWidth: space.ir.width,
          }),
        );
      }
    }
  },
};

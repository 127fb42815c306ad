/** NDL211: a register in a BAR the device does not declare; NDL212: a register past its BAR's end. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';
import { bytesOf, hex4 } from './util.js';

export const registerBar: Check = {
  name: 'register-bar',
  run(ctx) {
    const bars = ctx.model.bars;
    // A library file declares no BARs; its registers are checked where it is imported.
    if (bars.length === 0) return;
    for (const r of ctx.model.registers) {
      if (r.broken || r.ir.space) continue;
      const bar = bars.find((b) => b.ir.index === r.ir.bar);
      const barMod = r.node.mods.find((m) => m.kind === 'bar');
      const span = barMod?.loc ?? r.node.name.loc;
      if (!bar) {
        ctx.report(diag('NDL211', span, { name: r.ir.name, bar: r.ir.bar }));
        continue;
      }
      const count = r.ir.array?.count ?? 1;
      const stride = r.ir.array?.stride ?? 0;
      const end = r.ir.offset + (count - 1) * stride + bytesOf(r);
      if (end > bar.ir.size) {
        ctx.report(
          diag('NDL212', r.node.offset.loc, {
            name: r.ir.name,
            end: hex4(end),
            bar: r.ir.bar,
            size: bar.ir.size,
          }),
        );
      }
    }
  },
};

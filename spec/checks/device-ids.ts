/**
 * NDL217: a PCI id beyond 16 bits or a BAR index beyond 5 (PCI has six BARs) or a BAR
 * of size 0; NDL218: one BAR declared twice.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

const PCI_ID_MAX = 0xffff;
const BAR_INDEX_MAX = 5;

export const deviceIds: Check = {
  name: 'device-ids',
  run(ctx) {
    for (const p of ctx.model.pci) {
      if (p.vendor > PCI_ID_MAX)
        ctx.report(
          diag('NDL217', p.node.vendor.loc, {
            what: 'PCI vendor id',
            value: p.vendor,
            range: '0..0xFFFF',
          }),
        );
      if (p.device > PCI_ID_MAX)
        ctx.report(
          diag('NDL217', p.node.device.loc, {
            what: 'PCI device id',
            value: p.device,
            range: '0..0xFFFF',
          }),
        );
    }
    const seen = new Set<number>();
    for (const b of ctx.model.bars) {
      if (b.ir.index > BAR_INDEX_MAX)
        ctx.report(
          diag('NDL217', b.node.index.loc, {
            what: 'BAR index',
            value: b.ir.index,
            range: `0..${BAR_INDEX_MAX}`,
          }),
        );
      if (b.ir.size < 1)
        ctx.report(
          diag('NDL217', b.node.size.loc, {
            what: 'BAR size',
            value: b.ir.size,
            range: 'at least 1 byte',
          }),
        );
      if (seen.has(b.ir.index)) ctx.report(diag('NDL218', b.node.index.loc, { index: b.ir.index }));
      seen.add(b.ir.index);
    }
  },
};

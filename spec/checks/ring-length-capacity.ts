/**
 * NDL406: the largest ring (count max × descriptor size, in bytes) does not fit in the
 * length register. When the register declares fields, the bytes must fit the bits they
 * cover (TDLEN.LEN is [19:7]: at most 0xFFF80 bytes, in 128-byte units), and every
 * allowed ring length must be a whole number of those units (NDL407).
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringLengthCapacity: Check = {
  name: 'ring-length-capacity',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const reg = ring.regs.find((r) => r.role === 'length')?.reg;
      const count = ring.ir.count;
      const node = ring.node.props.find((p) => p.kind === 'count');
      if (!reg || reg.broken || !count || !ring.desc || !node || node.kind !== 'count') continue;
      const size = ring.desc.ir.size;
      const fields = reg.fields.map((f) => f.ir);
      const lsb = fields.length > 0 ? Math.min(...fields.map((f) => f.lsb)) : 0;
      const msb = fields.length > 0 ? Math.max(...fields.map((f) => f.msb)) : reg.ir.width - 1;
      const limit = 2 ** (msb + 1) - 2 ** lsb;
      const unit = 2 ** lsb;
      const bytes = count.max * size;
      if (bytes > limit) {
        ctx.report(
          diag('NDL406', node.max.loc, {
            ring: ring.ir.name,
            count: count.max,
            bytes,
            register: reg.ir.name,
            limit,
          }),
        );
      } else if ((count.step * size) % unit !== 0 || (count.min * size) % unit !== 0) {
        ctx.report(
          diag('NDL407', (node.step ?? node.min).loc, {
            ring: ring.ir.name,
            problem: `${count.step} descriptors of ${size} bytes is not a whole number of the ${unit}-byte units '${reg.ir.name}' counts in`,
          }),
        );
      }
    }
  },
};

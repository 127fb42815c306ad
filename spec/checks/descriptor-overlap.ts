/** NDL404: two fields of one descriptor layout share a byte. */
import { diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS } from '../lower/context.js';
import type { Check, CheckContext, DescFieldModel } from '../model.js';
import { BITS_PER_BYTE } from './util.js';

export const descriptorOverlap: Check = {
  name: 'descriptor-overlap',
  run(ctx) {
    for (const d of ctx.model.descriptors) {
      layout(ctx, d.fields);
      if (d.writeback) layout(ctx, d.writeback);
    }
  },
};

const end = (f: DescFieldModel) => f.ir.offset + WIDTH_BITS[f.ir.type] / BITS_PER_BYTE;
const bytes = (f: DescFieldModel) => `${f.ir.offset}..${end(f) - 1}`;

function layout(ctx: CheckContext, fields: readonly DescFieldModel[]): void {
  const sorted = [...fields].sort((a, b) => a.ir.offset - b.ir.offset);
  let widest: DescFieldModel | undefined;
  for (const f of sorted) {
    if (widest && f.ir.offset < end(widest)) {
      const [first, second] = widest.node.loc.start <= f.node.loc.start ? [widest, f] : [f, widest];
      ctx.report(
        diag(
          'NDL404',
          second.node.name.loc,
          {
            name: second.ir.name,
            range: bytes(second),
            other: first.ir.name,
            otherRange: bytes(first),
          },
          {
            notes: [{ message: `'${first.ir.name}' is declared here`, span: first.node.name.loc }],
          },
        ),
      );
    }
    if (!widest || end(f) > end(widest)) widest = f;
  }
}

/**
 * NDL202: two bit fields of one register (or one descriptor field, or one fieldset) share
 * a bit. Two fields a register takes from one fieldset are checked once, on the fieldset;
 * a register's own field that overlaps a shared one is reported at the register's field.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check, CheckContext, FieldModel } from '../model.js';
import { bitsText } from './util.js';

export const fieldOverlap: Check = {
  name: 'field-overlap',
  run(ctx) {
    for (const r of ctx.model.registers) overlaps(ctx, r.fields);
    for (const s of ctx.model.fieldsets) overlaps(ctx, s.fields);
    for (const d of ctx.model.descriptors)
      for (const f of [...d.fields, ...(d.writeback ?? [])]) overlaps(ctx, f.bits);
  },
};

function overlaps(ctx: CheckContext, fields: readonly FieldModel[]): void {
  const sorted = [...fields]
    .filter((f) => f.ir.msb >= f.ir.lsb)
    .sort((a, b) => a.ir.lsb - b.ir.lsb);
  let widest: FieldModel | undefined;
  for (const f of sorted) {
    if (widest && f.ir.lsb <= widest.ir.msb && !(f.via && widest.via)) {
      const [first, second] = declaredFirst(widest, f);
      ctx.report(
        diag(
          'NDL202',
          second.node.name.loc,
          {
            name: second.ir.name,
            bits: bitsText(second.ir),
            other: first.ir.name,
            otherBits: bitsText(first.ir),
          },
          {
            notes: [{ message: `'${first.ir.name}' is declared here`, span: first.node.name.loc }],
          },
        ),
      );
    }
    if (!widest || f.ir.msb > widest.ir.msb) widest = f;
  }
}

/** Shared fields count as declared before the register's own (they come first in its layout). */
function declaredFirst(a: FieldModel, b: FieldModel): [FieldModel, FieldModel] {
  if (a.via && !b.via) return [a, b];
  if (b.via && !a.via) return [b, a];
  return a.node.loc.start <= b.node.loc.start ? [a, b] : [b, a];
}

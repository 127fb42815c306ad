/**
 * NDL203: a field reaches past its register (or descriptor field); NDL219: the same for
 * a field a register takes from a fieldset, reported at the register's `fields NAME`;
 * NDL207: `[LSB:MSB]` written backwards (for a fieldset's field, once, on the fieldset).
 */
import type { Ident } from '../../dsl/ast.js';
import { bits, diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS } from '../lower/context.js';
import type { Check, CheckContext, FieldModel } from '../model.js';
import { bitsText } from './util.js';

export const fieldBounds: Check = {
  name: 'field-bounds',
  run(ctx) {
    for (const r of ctx.model.registers) {
      check(ctx, r.fields, `register '${r.ir.name}'`, r.ir.width);
      for (const f of r.fields) if (f.via) beyondShared(ctx, f, f.via, r.ir.name, r.ir.width);
    }
    // A fieldset has no width of its own: only the order of its bit ranges is checked here.
    for (const s of ctx.model.fieldsets) check(ctx, s.fields, '', Infinity);
    for (const d of ctx.model.descriptors) {
      for (const f of [...d.fields, ...(d.writeback ?? [])])
        check(ctx, f.bits, `'${d.ir.name}.${f.ir.name}'`, WIDTH_BITS[f.ir.type]);
    }
  },
};

function check(
  ctx: CheckContext,
  fields: readonly FieldModel[],
  owner: string,
  width: number,
): void {
  for (const f of fields) {
    if (f.via) continue;
    const bitsNode = f.node.lsb ?? f.node.msb;
    if (f.ir.msb < f.ir.lsb) {
      ctx.report(
        diag(
          'NDL207',
          {
            ...f.node.msb.loc,
            endLine: bitsNode.loc.endLine,
            endCol: bitsNode.loc.endCol,
            end: bitsNode.loc.end,
          },
          { msb: f.ir.msb, lsb: f.ir.lsb },
        ),
      );
    } else if (f.ir.msb >= width) {
      ctx.report(
        diag('NDL203', f.node.msb.loc, {
          name: f.ir.name,
          bits: bitsText(f.ir),
          owner,
          width: bits(width),
        }),
      );
    }
  }
}

function beyondShared(
  ctx: CheckContext,
  f: FieldModel,
  via: Ident,
  register: string,
  width: number,
): void {
  if (f.ir.msb < f.ir.lsb || f.ir.msb < width) return;
  ctx.report(
    diag(
      'NDL219',
      via.loc,
      { name: f.ir.name, bits: bitsText(f.ir), fieldset: via.name, register, width: bits(width) },
      { notes: [{ message: `'${f.ir.name}' is declared here`, span: f.node.name.loc }] },
    ),
  );
}

/** NDL205: an enum value wider than its field. */
import { bits, diag } from '../../dsl/diagnostics.js';
import { fits } from '../lower/context.js';
import type { Check, FieldModel } from '../model.js';
import { fieldBits } from './util.js';

/** Enum values are 32-bit in the IR. */
const ENUM_VALUE_BITS = 32;

export const enumFit: Check = {
  name: 'enum-fit',
  run(ctx) {
    const all: FieldModel[] = [];
    // A fieldset's enums are checked once, on the fieldset, not in every register using it.
    for (const r of ctx.model.registers) all.push(...r.fields.filter((f) => !f.via));
    for (const s of ctx.model.fieldsets) all.push(...s.fields);
    for (const d of ctx.model.descriptors)
      for (const f of [...d.fields, ...(d.writeback ?? [])]) all.push(...f.bits);
    for (const f of all) {
      const width = Math.min(fieldBits(f.ir), ENUM_VALUE_BITS);
      for (const m of f.node.mods) {
        if (m.kind !== 'enum') continue;
        for (const v of m.values) {
          const value =
            v.value.kind === 'num'
              ? v.value.value
              : f.ir.enum?.find((e) => e.name === v.name.name)?.value;
          if (value === undefined || Number.isNaN(value) || fits(value, width)) continue;
          ctx.report(
            diag('NDL205', v.value.loc, {
              name: v.name.name,
              value: v.value.kind === 'num' ? v.value.raw : value,
              field: f.ir.name,
              width: bits(width),
            }),
          );
        }
      }
    }
  },
};

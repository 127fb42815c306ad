/**
 * NDL204: a reset value wider than its register or field. NDL206: a register `reset`
 * that disagrees with a field's own `reset` (the field's bits of the register reset
 * must equal the field reset).
 */
import type { NumExpr, Span } from '../../dsl/ast.js';
import { bits, diag } from '../../dsl/diagnostics.js';
import { fits, hex } from '../lower/context.js';
import type { Check } from '../model.js';
import { bitsText, fieldBits } from './util.js';

/** Field values are 32-bit in the IR (a wider field's reset comes from the register's). */
const FIELD_VALUE_BITS = 32;

export const resetFit: Check = {
  name: 'reset-fit',
  run(ctx) {
    for (const r of ctx.model.registers) {
      const regReset = r.node.mods.find((m) => m.kind === 'reset');
      if (regReset && !fits(r.ir.reset, r.ir.width)) {
        ctx.report(
          diag('NDL204', resetSpan(regReset.value), {
            owner: `register '${r.ir.name}'`,
            value: hex(r.ir.reset),
            width: bits(r.ir.width),
          }),
        );
        continue;
      }
      for (const f of r.fields) {
        const mod = f.node.mods.find((m) => m.kind === 'reset');
        if (!mod || f.ir.reset === undefined) continue;
        const width = Math.min(fieldBits(f.ir), FIELD_VALUE_BITS);
        if (!fits(f.ir.reset, width)) {
          ctx.report(
            diag('NDL204', resetSpan(mod.value), {
              owner: `field '${f.ir.name}'`,
              value: hex(f.ir.reset),
              width: bits(width),
            }),
          );
          continue;
        }
        if (!regReset) continue;
        const inReg = Number(
          (BigInt(r.ir.reset) >> BigInt(f.ir.lsb)) & ((1n << BigInt(fieldBits(f.ir))) - 1n),
        );
        if (inReg !== f.ir.reset) {
          ctx.report(
            diag(
              'NDL206',
              resetSpan(mod.value),
              {
                field: f.ir.name,
                fieldReset: hex(f.ir.reset),
                regReset: hex(r.ir.reset),
                bitsValue: hex(inReg),
                bits: bitsText(f.ir),
              },
              {
                notes: [
                  { message: 'the register reset is given here', span: resetSpan(regReset.value) },
                ],
              },
            ),
          );
        }
      }
    }
  },
};

function resetSpan(n: NumExpr): Span {
  return n.loc;
}

/**
 * NDL201: two registers share bytes. Array elements count one by one, so registers may
 * interleave (RAL/RAH pairs at stride 8); a split u64 covers 8 bytes. Registers of an
 * indirect space overlap when they share a register number.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check, RegisterModel } from '../model.js';
import { bytesOf, hex4 } from './util.js';

/** Elements listed one by one up to this many per array; a larger array counts as one span. */
const MAX_ELEMENTS = 4096;

interface Piece {
  start: number;
  end: number;
  reg: RegisterModel;
  index?: number;
}

export const registerOverlap: Check = {
  name: 'register-overlap',
  run(ctx) {
    const places = new Map<string, Piece[]>();
    for (const reg of ctx.model.registers) {
      if (reg.broken) continue;
      const place = reg.ir.space ? `space ${reg.ir.space}` : `bar ${reg.ir.bar}`;
      const list = places.get(place) ?? [];
      places.set(place, list);
      list.push(...pieces(reg));
    }
    const reported = new Set<string>();
    for (const list of places.values()) {
      list.sort((a, b) => a.start - b.start || a.end - b.end);
      let widest: Piece | undefined;
      for (const p of list) {
        if (widest && p.start < widest.end && widest.reg !== p.reg) {
          const [first, second] =
            widest.reg.node.loc.start <= p.reg.node.loc.start ? [widest, p] : [p, widest];
          const key = `${first.reg.ir.name}\0${second.reg.ir.name}`;
          if (!reported.has(key)) {
            reported.add(key);
            ctx.report(
              diag(
                'NDL201',
                second.reg.node.name.loc,
                {
                  what: second.reg.ir.counter ? 'counter' : 'register',
                  name: label(second),
                  range: range(second),
                  other: label(first),
                  otherRange: range(first),
                },
                {
                  notes: [
                    {
                      message: `'${first.reg.ir.name}' is declared here`,
                      span: first.reg.node.name.loc,
                    },
                  ],
                },
              ),
            );
          }
        }
        if (!widest || p.end > widest.end) widest = p;
      }
    }
  },
};

function pieces(reg: RegisterModel): Piece[] {
  const size = reg.ir.space ? 1 : bytesOf(reg);
  const base = reg.ir.offset;
  const arr = reg.ir.array;
  if (!arr) return [{ start: base, end: base + size, reg }];
  if (arr.count > MAX_ELEMENTS)
    return [{ start: base, end: base + (arr.count - 1) * arr.stride + size, reg }];
  const out: Piece[] = [];
  for (let i = 0; i < arr.count; i++)
    out.push({ start: base + i * arr.stride, end: base + i * arr.stride + size, reg, index: i });
  return out;
}

function label(p: Piece): string {
  return p.index === undefined ? p.reg.ir.name : `${p.reg.ir.name}[${p.index}]`;
}

function range(p: Piece): string {
  return p.reg.ir.space
    ? `${p.reg.ir.space} register ${p.start}`
    : `${hex4(p.start)}..${hex4(p.end - 1)}`;
}

/**
 * An in-memory BAR that behaves as the IR says each bit does: ro bits ignore writes,
 * rw bits store them, w1c bits clear where 1 is written, w1s bits set, wo bits store but
 * read as 0, rc registers clear on read. Every access is logged, so tests can assert
 * what generated code did on the bus (one tail write per burst, never a head write...).
 * Deliberately independent of the device twin: the generators are checked against the
 * IR's meaning, not against another implementation of it.
 */
import type { Device, Register } from '../../../spec/ir.js';
import type { Mmio } from '../../../runtime/types.js';
import { fieldAccess, fieldMask } from '../../../generators/layout.js';

export interface BitClasses {
  ro: number;
  rw: number;
  wo: number;
  rc: number;
  w1c: number;
  w1s: number;
}

export interface Word {
  reg: Register;
  /** Array element (0 for plain registers). */
  index: number;
  /** 0 = the low (or only) word, 1 = the high word of a split register. */
  half: 0 | 1;
  classes: BitClasses;
}

export type Access = { op: 'r' | 'w'; offset: number; value: number };

/** Per-bit access classes of one 32-bit word of `reg`. */
export function bitClasses(reg: Register, half: 0 | 1): BitClasses {
  const c: BitClasses = { ro: 0, rw: 0, wo: 0, rc: 0, w1c: 0, w1s: 0 };
  let covered = 0;
  if (half === 0 && reg.width <= 32) {
    for (const f of reg.fields) {
      const m = fieldMask(f);
      c[fieldAccess(reg, f)] |= m;
      covered |= m;
    }
  }
  c[reg.access] |= ~covered;
  for (const k of Object.keys(c) as Array<keyof BitClasses>) c[k] >>>= 0;
  return c;
}

export class SemanticMmio implements Mmio {
  readonly size: number;
  readonly log: Access[] = [];
  private readonly words = new Map<number, Word>();
  private readonly values = new Map<number, number>();

  constructor(ir: Device, bar = 0) {
    this.size = ir.bars.find((b) => b.index === bar)?.size ?? 0x2_0000;
    for (const reg of ir.registers) {
      if (reg.space !== undefined || reg.bar !== bar) continue;
      const count = reg.array?.count ?? 1;
      for (let i = 0; i < count; i++) {
        const base = reg.offset + i * (reg.array?.stride ?? 0);
        const halves: Array<0 | 1> = reg.width === 64 ? [0, 1] : [0];
        for (const half of halves) {
          const off = base + half * 4;
          this.words.set(off, { reg, index: i, half, classes: bitClasses(reg, half) });
          const reset =
            reg.width === 64
              ? half === 0
                ? reg.reset % 2 ** 32
                : Math.floor(reg.reset / 2 ** 32)
              : reg.reset;
          this.values.set(off, reset >>> 0);
        }
      }
    }
  }

  /** The register word at `offset` (throws for an address no register covers). */
  word(offset: number): Word {
    const w = this.words.get(offset);
    if (!w) throw new Error(`SemanticMmio: no register at 0x${offset.toString(16)}`);
    return w;
  }

  /** Backdoor: the stored bits, as the device holds them (no side effects, not logged). */
  peek(offset: number): number {
    this.word(offset);
    return this.values.get(offset)!;
  }

  /** Backdoor: set the stored bits as the device would (not logged). */
  poke(offset: number, value: number): void {
    this.word(offset);
    this.values.set(offset, value >>> 0);
  }

  read32(offset: number): number {
    const w = this.word(offset);
    const v = this.values.get(offset)!;
    this.log.push({ op: 'r', offset, value: v });
    const c = w.classes;
    if (c.rc !== 0) this.values.set(offset, (v & ~c.rc) >>> 0);
    return (v & ~c.wo) >>> 0;
  }

  write32(offset: number, value: number): void {
    const w = this.word(offset);
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new Error(
        `SemanticMmio: write of ${value} to 0x${offset.toString(16)} is not an unsigned 32-bit value`,
      );
    }
    this.log.push({ op: 'w', offset, value });
    const c = w.classes;
    let v = this.values.get(offset)!;
    v = (v & ~(c.rw | c.wo)) | (value & (c.rw | c.wo));
    v &= ~(value & c.w1c);
    v |= value & c.w1s;
    this.values.set(offset, v >>> 0);
  }

  /** Writes logged at `offset`. */
  writesTo(offset: number): number[] {
    return this.log.filter((a) => a.op === 'w' && a.offset === offset).map((a) => a.value);
  }
}

/**
 * An outside oracle for register semantics: what one software access does to each bit,
 * worked out bit by bit straight from the IR's registers and fields (not from the twin's
 * precomputed masks), and a fast-check property that every register word of an IR
 * behaves that way on a twin with no behaviour plugin.
 */
import fc from 'fast-check';
import type { Access, Device as IrDevice, Register } from '../../../spec/ir.js';
import { NullPlugin, openSimDevice, type SimDevice } from '../../../runtime/sim/index.js';

export interface WordUnderTest {
  name: string;
  register: Register;
  /** Byte offset in the BAR, or register number in the space. */
  offset: number;
  space?: string;
  half?: 'lo' | 'hi';
  /** Per bit 0..31: its access (undefined beyond the register's width) and self-clearing flag. */
  bits: { access: Access | undefined; selfClearing: boolean }[];
}

function bitsOf(register: Register, half: 'lo' | 'hi' | undefined): WordUnderTest['bits'] {
  const base = half === 'hi' ? 32 : 0;
  const width = register.width === 64 ? 32 : register.width;
  return Array.from({ length: 32 }, (_, b) => {
    if (b >= width) return { access: undefined, selfClearing: false };
    const field = register.fields.find((f) => f.lsb <= base + b && base + b <= f.msb);
    return { access: field?.access ?? register.access, selfClearing: field?.selfClearing ?? false };
  });
}

/** Every 32-bit word the IR declares: array elements and split halves included. */
export function wordsOf(ir: IrDevice): WordUnderTest[] {
  const out: WordUnderTest[] = [];
  for (const register of ir.registers) {
    const unit = register.space ? 1 : 4;
    const count = register.array?.count ?? 1;
    for (let e = 0; e < count; e++) {
      const offset = register.offset + e * (register.array?.stride ?? 0);
      const name = register.array ? `${register.name}[${e}]` : register.name;
      const halves: ('lo' | 'hi' | undefined)[] =
        register.split || register.width === 64 ? ['lo', 'hi'] : [undefined];
      halves.forEach((half, i) =>
        out.push({
          name: half ? `${name}.${half}` : name,
          register,
          offset: offset + i * unit,
          space: register.space,
          half,
          bits: bitsOf(register, half),
        }),
      );
    }
  }
  return out;
}

const bit = (value: number, b: number) => (value >>> b) & 1;

/** Expected stored value after software writes `x` over stored `s` (self-clearing applied). */
export function expectedAfterWrite(w: WordUnderTest, s: number, x: number): number {
  let out = 0;
  w.bits.forEach(({ access, selfClearing }, b) => {
    let v: number;
    if (access === undefined) v = 0;
    else if (access === 'rw' || access === 'wo') v = bit(x, b);
    else if (access === 'w1c') v = bit(x, b) ? 0 : bit(s, b);
    else if (access === 'w1s') v = bit(x, b) ? 1 : bit(s, b);
    else v = bit(s, b); // ro, rc: writes do not change the bit
    if (selfClearing && access !== 'ro' && access !== 'rc' && bit(x, b)) v = 0;
    out |= v << b;
  });
  return out >>> 0;
}

/** Expected value a software read returns for stored `s`. */
export function expectedRead(w: WordUnderTest, s: number): number {
  let out = 0;
  w.bits.forEach(({ access }, b) => {
    if (access !== undefined && access !== 'wo') out |= bit(s, b) << b;
  });
  return out >>> 0;
}

/** Expected stored value after a read of a (non-split) word. */
export function expectedAfterRead(w: WordUnderTest, s: number): number {
  let out = 0;
  w.bits.forEach(({ access }, b) => {
    if (access !== 'rc') out |= bit(s, b) << b;
  });
  return (out & (s >>> 0)) >>> 0;
}

function widthMask(w: WordUnderTest): number {
  return w.bits.reduce((m, { access }, b) => (access === undefined ? m : (m | (1 << b)) >>> 0), 0);
}

interface Access32 {
  peek(): number;
  poke(v: number): void;
  read(): number;
  write(v: number): void;
}

function accessor(dev: SimDevice, w: WordUnderTest): Access32 {
  if (w.space !== undefined) {
    const space = dev.regs.space(w.space);
    return {
      peek: () => space.peek(w.offset),
      poke: (v) => space.poke(w.offset, v),
      read: () => space.read(w.offset),
      // A space write reports the self-clearing bits; the device (here: none) clears them.
      write: (v) => {
        const sc = space.write(w.offset, v);
        if (sc) space.poke(w.offset, space.peek(w.offset) & ~sc);
      },
    };
  }
  const bar = dev.bar(w.register.bar);
  const file = dev.regs.bar(w.register.bar);
  return {
    peek: () => file.peek(w.offset),
    poke: (v) => file.poke(w.offset, v),
    read: () => bar.read32(w.offset),
    write: (v) => bar.write32(w.offset, v),
  };
}

/** Runs for each word: 20 by default, NICDL_PROP_RUNS to raise it. */
export const RUNS_PER_WORD = Number(process.env.NICDL_PROP_RUNS ?? 20);

/**
 * Property: for every word of `ir`, writes and reads do to each bit what its access
 * kind says, ro/rc writes are reported, and split counters read as one 64-bit value.
 */
export function checkEveryWord(ir: IrDevice, seed?: number): { words: number } {
  const dev = openSimDevice(ir, new NullPlugin());
  const words = wordsOf(ir);
  const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
  for (const w of words) {
    const io = accessor(dev, w);
    const mask = widthMask(w);
    fc.assert(
      fc.property(u32, u32, (stored, written) => {
        const s = (stored & mask) >>> 0;
        const x = written >>> 0;
        // write
        io.poke(s);
        const violationsBefore = dev.violations.total;
        io.write(x);
        const reported = dev.violations.total > violationsBefore;
        if (io.peek() !== expectedAfterWrite(w, s, x))
          throw new Error(
            `${w.name}: write 0x${x.toString(16)} over 0x${s.toString(16)} stored 0x${io.peek().toString(16)}, expected 0x${expectedAfterWrite(w, s, x).toString(16)}`,
          );
        const wholeRo = w.register.access === 'ro' || w.register.access === 'rc';
        const roChanged = w.bits.some(
          ({ access }, b) =>
            access === 'ro' && w.register.access !== 'ro' && bit(s, b) !== bit(x, b),
        );
        if (reported !== (wholeRo || roChanged))
          throw new Error(
            `${w.name}: violation reported=${reported}, expected ${wholeRo || roChanged}`,
          );
        // read (split halves are checked as pairs below)
        if (w.half === undefined) {
          io.poke(s);
          const got = io.read();
          if (got !== expectedRead(w, s))
            throw new Error(`${w.name}: read 0x${got.toString(16)} of stored 0x${s.toString(16)}`);
          if (io.peek() !== expectedAfterRead(w, s))
            throw new Error(`${w.name}: after read stored 0x${io.peek().toString(16)}`);
        }
        return true;
      }),
      { numRuns: RUNS_PER_WORD, seed },
    );
    if (w.half === 'lo') checkSplitPair(dev, w, seed);
  }
  return { words: words.length };
}

/** Low then high read give one 64-bit value; a clear-on-read pair is then zero. */
function checkSplitPair(dev: SimDevice, lo: WordUnderTest, seed?: number): void {
  const file = dev.regs.bar(lo.register.bar);
  const bar = dev.bar(lo.register.bar);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff_ffff }),
      fc.integer({ min: 0, max: 0xffff_ffff }),
      (low, high) => {
        file.poke(lo.offset, low);
        file.poke(lo.offset + 4, high);
        const gotLow = bar.read32(lo.offset);
        file.poke(lo.offset + 4, (high + 1) >>> 0); // the counter moves between the two reads
        const gotHigh = bar.read32(lo.offset + 4);
        if (gotLow !== low >>> 0 || gotHigh !== high >>> 0)
          throw new Error(`${lo.name}: read 0x${gotHigh.toString(16)}:${gotLow.toString(16)}`);
        const cleared = lo.register.access === 'rc';
        if (cleared && (file.peek(lo.offset) !== 0 || file.peek(lo.offset + 4) !== 0))
          throw new Error(`${lo.name}: not cleared by the high read`);
        return true;
      },
    ),
    { numRuns: RUNS_PER_WORD, seed },
  );
}

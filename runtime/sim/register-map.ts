/**
 * Turns the IR's registers into per-word access masks: the twin's register file works on
 * 32-bit words, and every word of a BAR (or register of an indirect space) gets one
 * WordSpec saying which of its bits are read-only, write-only, clear-on-read,
 * write-1-to-clear, write-1-to-set or self-clearing. Register arrays become one spec
 * per element ("MTA[3]"), split 64-bit registers one per half ("GORC.lo", "GORC.hi").
 */
import type { Access, Device, Register } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';

const WORD_BITS = 32;
const BYTES_PER_WORD = 4;
const TWO_POW_32 = 2 ** 32;

export interface WordSpec {
  /** Display name: "CTRL", "MTA[3]", "GORC.lo". */
  name: string;
  register: Register;
  /** Array element index (0 for a plain register). */
  element: number;
  /** Which half of a split 64-bit register this word is. */
  half: 'lo' | 'hi' | undefined;
  /** Register-level access (fields may override bits of it). */
  access: Access;
  /** Reset value of this word. */
  reset: number;
  /** Bits that exist (u8/u16 registers use the low bits of the word). */
  widthMask: number;
  ro: number;
  wo: number;
  rc: number;
  w1c: number;
  w1s: number;
  /** Plain read/write bits: everything in widthMask not covered by the masks above. */
  rw: number;
  /** Self-clearing bits. */
  sc: number;
  /** Bits made read-only by a field override (for violation reports on rw registers). */
  fieldRo: number;
}

/** Mask of bits lsb..msb (inclusive) of a 32-bit word, as an unsigned number. */
export function bitMask(lsb: number, msb: number): number {
  const width = msb - lsb + 1;
  if (width <= 0) return 0;
  if (width >= WORD_BITS) return 0xffff_ffff;
  return ((2 ** width - 1) * 2 ** lsb) >>> 0;
}

/** The part of a 64-bit field range [lsb, msb] that falls in the word starting at bit `base`. */
function maskInWord(lsb: number, msb: number, base: number): number {
  const lo = Math.max(lsb, base);
  const hi = Math.min(msb, base + WORD_BITS - 1);
  return hi < lo ? 0 : bitMask(lo - base, hi - base);
}

interface Masks {
  ro: number;
  wo: number;
  rc: number;
  w1c: number;
  w1s: number;
}

function addAccess(masks: Masks, access: Access, bits: number): void {
  // Each bit ends up in exactly one access class: clear it from all, then set it in one.
  masks.ro &= ~bits;
  masks.wo &= ~bits;
  masks.rc &= ~bits;
  masks.w1c &= ~bits;
  masks.w1s &= ~bits;
  if (access !== 'rw') masks[access] |= bits;
}

function widthMaskOf(register: Register): number {
  return register.width >= WORD_BITS ? 0xffff_ffff : bitMask(0, register.width - 1);
}

function wordSpec(register: Register, element: number, half: 'lo' | 'hi' | undefined): WordSpec {
  const base = half === 'hi' ? WORD_BITS : 0;
  const widthMask = widthMaskOf(register);
  const masks: Masks = { ro: 0, wo: 0, rc: 0, w1c: 0, w1s: 0 };
  addAccess(masks, register.access, widthMask);
  let sc = 0;
  let fieldRo = 0;
  for (const field of register.fields) {
    const bits = maskInWord(field.lsb, field.msb, base) & widthMask;
    if (bits === 0) continue;
    if (field.access !== undefined) addAccess(masks, field.access, bits);
    if (field.access === 'ro' && register.access !== 'ro') fieldRo |= bits;
    if (field.selfClearing) sc |= bits;
  }
  for (const key of Object.keys(masks) as (keyof Masks)[]) masks[key] >>>= 0;
  const rw = (widthMask & ~(masks.ro | masks.wo | masks.rc | masks.w1c | masks.w1s)) >>> 0;
  const suffix = register.array ? `[${element}]` : '';
  const halfName = half ? `.${half}` : '';
  const reset =
    half === 'hi'
      ? Math.floor(register.reset / TWO_POW_32) >>> 0
      : (register.reset % TWO_POW_32) >>> 0;
  return {
    name: `${register.name}${suffix}${halfName}`,
    register,
    element,
    half,
    access: register.access,
    reset: (reset & widthMask) >>> 0,
    widthMask,
    ...masks,
    rw,
    sc: sc >>> 0,
    fieldRo: fieldRo >>> 0,
  };
}

/** One placed word: its byte offset (BAR) or register number (space), and its spec. */
export interface PlacedWord {
  offset: number;
  spec: WordSpec;
}

/** Every word a register occupies: array elements, and both halves of a split register. */
export function placeRegister(register: Register, unitBytes: number): PlacedWord[] {
  const count = register.array?.count ?? 1;
  const stride = register.array?.stride ?? 0;
  const split = register.split || register.width === 64;
  const out: PlacedWord[] = [];
  for (let element = 0; element < count; element++) {
    const offset = register.offset + element * stride;
    if (!split) {
      out.push({ offset, spec: wordSpec(register, element, undefined) });
      continue;
    }
    out.push({ offset, spec: wordSpec(register, element, 'lo') });
    out.push({ offset: offset + unitBytes, spec: wordSpec(register, element, 'hi') });
  }
  return out;
}

/** Words of the registers that live in BAR `bar`, checked against the BAR's size. */
export function barWords(ir: Device, bar: number, sizeBytes: number): PlacedWord[] {
  const words: PlacedWord[] = [];
  for (const register of ir.registers) {
    if (register.space !== undefined || register.bar !== bar) continue;
    for (const word of placeRegister(register, BYTES_PER_WORD)) {
      if (word.offset % BYTES_PER_WORD !== 0 || word.offset + BYTES_PER_WORD > sizeBytes) {
        throw new NicdlError(
          'E_SIM_REGISTER_PLACEMENT',
          `register ${word.spec.name} at 0x${word.offset.toString(16)} is not a 4-byte aligned word inside BAR ${bar} (${sizeBytes} bytes)`,
          ExitCode.usage,
          { register: word.spec.name, offset: word.offset, bar },
        );
      }
      words.push(word);
    }
  }
  return words;
}

/** Words of the registers in the indirect space `space` (offsets are register numbers). */
export function spaceWords(ir: Device, space: string): PlacedWord[] {
  return ir.registers.filter((r) => r.space === space).flatMap((r) => placeRegister(r, 1));
}

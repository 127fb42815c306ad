/**
 * Every BAR register of a spec read from a device and decoded by field and enum name, as
 * `ethtool -d` does for kernel drivers, for any device the IR describes.
 *
 * Reading is not always harmless: `rc` registers (interrupt causes, statistics) clear on
 * read, so they are read only when asked (`includeRc`); `wo` registers read back
 * undefined values and are never read. Registers of indirect spaces (PHY, EEPROM) are
 * reached through other registers, not the BAR, and are listed apart.
 */
import type { Device as IrDevice, Field, Register } from '../spec/ir.js';
import type { Device } from '../runtime/types.js';

/** Why a register has no value in the dump. */
export type DumpSkip = 'write-only' | 'read-clears';

export interface DecodedField {
  name: string;
  /** "[9:8]" or "[6]". */
  bits: string;
  value: number;
  /** The enum name of `value`, when the field has an enum that names it. */
  enumName?: string;
  access: string;
  doc?: string;
}

export interface DumpedRegister {
  /** "CTRL", or "RAL[3]" for an array element. */
  name: string;
  bar: number;
  offset: number;
  width: number;
  access: string;
  /** Reset value from the spec. */
  reset: number;
  /** The value read (64-bit split registers: exact below 2^53), absent when not read. */
  value?: number;
  /** The value read as hex, 8 or 16 digits. */
  hex?: string;
  skipped?: DumpSkip;
  /** Read and different from the reset value. */
  differs: boolean;
  /** Set bits that no field of the spec covers (reserved bits read as 1). */
  unknownBits?: number;
  fields: DecodedField[];
  doc?: string;
  ref?: string;
}

export interface DumpOptions {
  /** Read rc registers too (clears interrupt causes and statistics counters). */
  includeRc?: boolean;
}

const BITS_PER_BYTE = 8;
const WORD_BYTES = 4;
const TWO_POW_32 = 2 ** 32;

/** Read and decode every BAR register of `ir` from `device`, in (bar, offset) order. */
export function dumpRegisters(
  ir: IrDevice,
  device: Device,
  options: DumpOptions = {},
): DumpedRegister[] {
  const out: DumpedRegister[] = [];
  for (const reg of barRegisters(ir)) {
    const count = reg.array?.count ?? 1;
    for (let i = 0; i < count; i++) {
      const offset = reg.offset + i * (reg.array?.stride ?? 0);
      const name = reg.array ? `${reg.name}[${i}]` : reg.name;
      out.push(dumpOne(reg, name, offset, device, options));
    }
  }
  return out;
}

/** Registers of the BAR (not of an indirect space), sorted by (bar, offset). */
export function barRegisters(ir: IrDevice): Register[] {
  return ir.registers
    .filter((r) => r.space === undefined)
    .sort((a, b) => a.bar - b.bar || a.offset - b.offset);
}

/** Names of the indirect spaces and how many registers each holds (not dumped). */
export function indirectSpaces(ir: IrDevice): Array<{ space: string; registers: number }> {
  const counts = new Map<string, number>();
  for (const r of ir.registers)
    if (r.space !== undefined) counts.set(r.space, (counts.get(r.space) ?? 0) + 1);
  return [...counts].map(([space, registers]) => ({ space, registers }));
}

function dumpOne(
  reg: Register,
  name: string,
  offset: number,
  device: Device,
  options: DumpOptions,
): DumpedRegister {
  const base: DumpedRegister = {
    name,
    bar: reg.bar,
    offset,
    width: reg.width,
    access: reg.access,
    reset: reg.reset,
    differs: false,
    fields: [],
    ...(reg.doc ? { doc: firstSentence(reg.doc) } : {}),
    ...(reg.ref ? { ref: reg.ref } : {}),
  };
  if (reg.access === 'wo') return { ...base, skipped: 'write-only' };
  if (reg.access === 'rc' && !options.includeRc) return { ...base, skipped: 'read-clears' };
  const value = readRegister(device, reg, offset);
  return {
    ...base,
    value,
    hex: hex(value, reg.width),
    differs: value !== reg.reset,
    fields: reg.fields.map((f) => decodeField(f, value, reg.access)),
    ...unknown(reg, value),
  };
}

/**
 * One register's value. 64-bit split registers read the low word first: the datasheet
 * latches the high word on the low read. Narrow registers read their aligned word.
 */
export function readRegister(device: Device, reg: Register, offset: number): number {
  const mmio = device.bar(reg.bar);
  if (reg.width === 64) {
    const lo = mmio.read32(offset);
    const hi = mmio.read32(offset + WORD_BYTES);
    return hi * TWO_POW_32 + lo;
  }
  const aligned = offset - (offset % WORD_BYTES);
  const word = mmio.read32(aligned);
  if (reg.width === 32) return word >>> 0;
  const shift = (offset - aligned) * BITS_PER_BYTE;
  return (word >>> shift) & (2 ** reg.width - 1);
}

export function decodeField(field: Field, value: number, registerAccess: string): DecodedField {
  const v = fieldValue(value, field.lsb, field.msb);
  const name = field.enum?.find((e) => e.value === v)?.name;
  return {
    name: field.name,
    bits: field.msb === field.lsb ? `[${field.lsb}]` : `[${field.msb}:${field.lsb}]`,
    value: v,
    ...(name ? { enumName: name } : {}),
    access: field.access ?? registerAccess,
    ...(field.doc ? { doc: firstSentence(field.doc) } : {}),
  };
}

/** Bits lsb..msb of `value` (msb < 53; values above 32 bits use arithmetic, not shifts). */
export function fieldValue(value: number, lsb: number, msb: number): number {
  const width = msb - lsb + 1;
  return Math.floor(value / 2 ** lsb) % 2 ** width;
}

/** The bits the spec's fields cover (for registers with fields). */
export function fieldMask(fields: readonly Field[]): number {
  let mask = 0;
  for (const f of fields) for (let b = f.lsb; b <= f.msb && b < 32; b++) mask |= 1 << b;
  return mask >>> 0;
}

function unknown(reg: Register, value: number): { unknownBits?: number } {
  if (reg.fields.length === 0 || reg.width > 32) return {};
  const bits = (value & ~fieldMask(reg.fields)) >>> 0;
  return bits ? { unknownBits: bits } : {};
}

export function hex(value: number, widthBits: number): string {
  const digits = widthBits / 4;
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

/** The doc comment's first sentence, on one line. */
function firstSentence(doc: string): string {
  const text = doc.replace(/\s+/g, ' ').trim();
  const end = text.search(/[.:](\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}

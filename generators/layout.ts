/**
 * Facts every generator derives from the IR the same way: field masks, the access a
 * field really has, which bits a read-modify-write must not write back, the register
 * order, the reserved bit ranges a table shows. One definition here keeps the TypeScript,
 * the C header, the docs and the tests in agreement.
 */
import type { Access, Descriptor, DescriptorField, Device, Field, Register } from '../spec/ir.js';
import { NicdlError } from '../spec/errors.js';

/** Bits of a register as software sees one 32-bit access. */
export const WORD_BITS = 32;
/** 2^32: the weight of the high word of a split 64-bit value. */
export const TWO_POW_32 = 0x1_0000_0000;

/** Width of a field in bits. */
export function fieldWidth(f: Pick<Field, 'lsb' | 'msb'>): number {
  return f.msb - f.lsb + 1;
}

/** The field's largest value (all its bits set), as a non-negative number. */
export function fieldMax(f: Pick<Field, 'lsb' | 'msb'>): number {
  return 2 ** fieldWidth(f) - 1;
}

/** The field's bits in place, as an unsigned 32-bit number (fields above bit 31: 0). */
export function fieldMask(f: Pick<Field, 'lsb' | 'msb'>): number {
  if (f.lsb >= WORD_BITS) return 0;
  const top = Math.min(f.msb, WORD_BITS - 1);
  return ((2 ** (top - f.lsb + 1) - 1) * 2 ** f.lsb) >>> 0;
}

/** The access a field really has: its own override, else its register's. */
export function fieldAccess(reg: Pick<Register, 'access'>, f: Pick<Field, 'access'>): Access {
  return f.access ?? reg.access;
}

/** Software may read it without undefined results (`wo` reads are undefined). */
export function canRead(access: Access): boolean {
  return access !== 'wo';
}

/** Software writes change it (`ro` writes are ignored, `rc` has no write meaning). */
export function canWrite(access: Access): boolean {
  return access !== 'ro' && access !== 'rc';
}

/** A read changes the device state: the read is destructive. */
export function readClears(access: Access): boolean {
  return access === 'rc';
}

/** The meaning of this access kind, in words, for docs and JSDoc. */
export function accessMeaning(access: Access): string {
  switch (access) {
    case 'ro':
      return 'read only; writes are ignored';
    case 'rw':
      return 'read/write';
    case 'wo':
      return 'write only; reads are undefined';
    case 'rc':
      return 'clear on read: reading returns the bits and clears them';
    case 'w1c':
      return 'write 1 to clear; writing 0 leaves the bit';
    case 'w1s':
      return 'write 1 to set; writing 0 leaves the bit';
  }
}

/** Fields sorted from the least significant bit up. */
export function fieldsByLsb(reg: Pick<Register, 'fields'>): Field[] {
  return [...reg.fields].sort((a, b) => a.lsb - b.lsb);
}

/** True when every value the field's bits can hold has an enum name. */
export function enumIsTotal(f: Field): boolean {
  if (!f.enum) return false;
  const seen = new Set(f.enum.map((e) => e.value));
  return seen.size === fieldMax(f) + 1;
}

/**
 * Bits a read-modify-write keeps from what it read. It drops bits whose write has a side
 * effect when written back (svd2rust's modify bitmaps):
 * - `w1c` bits: writing back a 1 read from them would clear a pending event;
 * - self-clearing bits: writing back a 1 read while the action runs would start it again;
 * - `wo` bits: what a read returns there is undefined.
 */
export function modifyKeepMask(reg: Register): number {
  let drop = 0;
  for (const f of reg.fields) {
    const a = fieldAccess(reg, f);
    if (a === 'w1c' || a === 'wo' || f.selfClearing) drop |= fieldMask(f);
  }
  if (reg.access === 'w1c' || reg.access === 'wo') return 0;
  return ~drop >>> 0;
}

/** Registers in a BAR (not in an indirect space), sorted by BAR then offset. */
export function barRegisters(ir: Device): Register[] {
  return ir.registers
    .filter((r) => r.space === undefined)
    .sort((a, b) => a.bar - b.bar || a.offset - b.offset || a.name.localeCompare(b.name));
}

/** Registers of indirect spaces, sorted by space then register number. */
export function spaceRegisters(ir: Device): Register[] {
  return ir.registers
    .filter((r) => r.space !== undefined)
    .sort(
      (a, b) =>
        (a.space ?? '').localeCompare(b.space ?? '') ||
        a.offset - b.offset ||
        a.name.localeCompare(b.name),
    );
}

/** The byte offset of element `index` of a register (0 for a plain register). */
export function elementOffset(reg: Register, index = 0): number {
  return reg.offset + index * (reg.array?.stride ?? 0);
}

/** The register width used for its bit layout: a split 64-bit register is shown as 64. */
export function layoutWidth(reg: Register): number {
  return reg.width;
}

/** A run of bits with no field, for "reserved" rows. */
export interface BitRun {
  lsb: number;
  msb: number;
}

/** Bit ranges of `width` not covered by any field, from the top down. */
export function reservedRuns(
  fields: readonly Pick<Field, 'lsb' | 'msb'>[],
  width: number,
): BitRun[] {
  const used = new Array<boolean>(width).fill(false);
  for (const f of fields) for (let b = f.lsb; b <= Math.min(f.msb, width - 1); b++) used[b] = true;
  const runs: BitRun[] = [];
  let b = width - 1;
  while (b >= 0) {
    if (used[b]) {
      b--;
      continue;
    }
    const msb = b;
    while (b >= 0 && !used[b]) b--;
    runs.push({ lsb: b + 1, msb });
  }
  return runs;
}

/** Bits of a descriptor field type. */
export function typeBits(type: DescriptorField['type']): number {
  return { u8: 8, u16: 16, u32: 32, u64: 64 }[type];
}

/** Bytes of a descriptor field type. */
export function typeBytes(type: DescriptorField['type']): number {
  return typeBits(type) / 8;
}

/** Every descriptor field layout of a format: `read` then, if any, `writeback`. */
export function descriptorLayouts(
  d: Descriptor,
): Array<{ kind: 'read' | 'writeback'; fields: DescriptorField[] }> {
  const out: Array<{ kind: 'read' | 'writeback'; fields: DescriptorField[] }> = [
    { kind: 'read', fields: d.fields },
  ];
  if (d.writeback) out.push({ kind: 'writeback', fields: d.writeback });
  return out;
}

/** A register by name, or a typed error naming what referred to it. */
export function registerNamed(ir: Device, name: string, usedBy: string): Register {
  const reg = ir.registers.find((r) => r.name === name);
  if (!reg)
    throw new NicdlError(
      'E_GEN_UNKNOWN_REGISTER',
      `${usedBy} names register ${name}, which the spec does not declare`,
    );
  return reg;
}

/** A descriptor format by name, or a typed error naming what referred to it. */
export function descriptorNamed(ir: Device, name: string, usedBy: string): Descriptor {
  const d = ir.descriptors.find((x) => x.name === name);
  if (!d)
    throw new NicdlError(
      'E_GEN_UNKNOWN_DESCRIPTOR',
      `${usedBy} names descriptor ${name}, which the spec does not declare`,
    );
  return d;
}

/** BAR size in bytes for the register's BAR (the largest BAR when unknown). */
export function barSize(ir: Device, bar: number): number {
  const b = ir.bars.find((x) => x.index === bar);
  return b ? b.size : Math.max(0x1_0000, ...ir.bars.map((x) => x.size));
}

function sortFields(fields: Field[]): Field[] {
  return [...fields]
    .sort((a, b) => a.lsb - b.lsb || a.name.localeCompare(b.name))
    .map((f) =>
      f.enum
        ? {
            ...f,
            enum: [...f.enum].sort((a, b) => a.value - b.value || a.name.localeCompare(b.name)),
          }
        : f,
    );
}

function sortDescFields(fields: DescriptorField[]): DescriptorField[] {
  return [...fields]
    .sort((a, b) => a.offset - b.offset || a.name.localeCompare(b.name))
    .map((f) => ({ ...f, bits: sortFields(f.bits) }));
}

/**
 * The IR in the one order every generator writes it in: registers by (space, BAR,
 * offset), fields by bit, enum values by value, descriptor fields by offset. Generators
 * start from this, so output never depends on the order a spec declared things in.
 */
export function normalize(ir: Device): Device {
  return {
    ...ir,
    registers: [...ir.registers]
      .sort(
        (a, b) =>
          (a.space ?? '').localeCompare(b.space ?? '') ||
          a.bar - b.bar ||
          a.offset - b.offset ||
          a.name.localeCompare(b.name),
      )
      .map((r) => ({ ...r, fields: sortFields(r.fields) })),
    descriptors: ir.descriptors.map((d) => ({
      ...d,
      fields: sortDescFields(d.fields),
      ...(d.writeback ? { writeback: sortDescFields(d.writeback) } : {}),
    })),
  };
}

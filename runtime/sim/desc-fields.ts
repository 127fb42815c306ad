/**
 * Little-endian descriptor fields as the IR types them (u8, u16, u32, u64), read from and
 * written to a descriptor's bytes. A u64 is read as a number (exact below 2^53, which
 * every IOVA is); bit masks of a u64 field apply to its low word, as the generators do.
 */
import type { DescBitRef } from '../../spec/ir.js';

export type DescFieldType = DescBitRef['type'];

const TWO_POW_32 = 2 ** 32;
const HIGH_WORD_OFFSET = 4;

export function readDescField(view: DataView, at: number, type: DescFieldType): number {
  switch (type) {
    case 'u8':
      return view.getUint8(at);
    case 'u16':
      return view.getUint16(at, true);
    case 'u32':
      return view.getUint32(at, true);
    case 'u64':
      return view.getUint32(at, true) + view.getUint32(at + HIGH_WORD_OFFSET, true) * TWO_POW_32;
  }
}

export function writeDescField(
  view: DataView,
  at: number,
  type: DescFieldType,
  value: number,
): void {
  switch (type) {
    case 'u8':
      return view.setUint8(at, value & 0xff);
    case 'u16':
      return view.setUint16(at, value & 0xffff, true);
    case 'u32':
      return view.setUint32(at, value >>> 0, true);
    case 'u64':
      view.setUint32(at, value % TWO_POW_32, true);
      view.setUint32(at + HIGH_WORD_OFFSET, Math.floor(value / TWO_POW_32), true);
  }
}

/** The part of a field's value a bit mask can see (u64: the low word). */
export function maskable(value: number, type: DescFieldType): number {
  return type === 'u64' ? (value % TWO_POW_32) >>> 0 : value >>> 0;
}

/** The largest value a field of `type` holds (u64: 2^53 - 1, what a number keeps exactly). */
export function fieldLimit(type: DescFieldType): number {
  switch (type) {
    case 'u8':
      return 0xff;
    case 'u16':
      return 0xffff;
    case 'u32':
      return 0xffff_ffff;
    case 'u64':
      return Number.MAX_SAFE_INTEGER;
  }
}

/** `value` as a field of `type` stores it (truncated to its width). */
export function asStored(value: number, type: DescFieldType): number {
  if (type === 'u64') return value;
  return (value % (fieldLimit(type) + 1)) >>> 0;
}

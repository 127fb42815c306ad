/**
 * How a descriptor field of a slot is reached in DMA memory, as TypeScript expressions
 * over the region's typed-array views (`u8`, `u16`, `u32`, or `view` for an unaligned
 * field). Index arithmetic is folded: a u16 at byte 8 of a 16-byte descriptor is
 * `u16[(slot << 3) | 4]`. Descriptor codecs and ring classes both use these, so a field's
 * address is computed in exactly one place. Typed arrays are little-endian on the x86
 * hosts the runtime supports, as the device's descriptors are; DataView accesses say so.
 */
import type { DescriptorField } from '../../spec/ir.js';
import { TWO_POW_32 } from '../layout.js';
import { hex } from '../emit.js';

export type FieldType = DescriptorField['type'];

/** Which typed-array views the expressions use (so classes cache only those). */
export type ViewName = 'u8' | 'u16' | 'u32' | 'view';

export interface FieldStorage {
  /** Expression reading the whole field (a number; u64 exact below 2^53). */
  read: string;
  /** Statements writing `value` (an expression evaluated once) to the whole field. */
  write(value: string): string[];
  /** For u64: the low and high 32-bit word lvalues. */
  words?: { lo: string; hi: string };
  /** An lvalue for fields stored in one typed-array element (undefined for u64/unaligned). */
  lvalue?: string;
  /** The typed array and index of `lvalue` (or of the u64's low word, and `hiIndex` of its high word). */
  element?: { array: string; index: string; hiIndex?: string };
  views: ViewName[];
}

/**
 * `slot * k + c` with the trivial parts dropped. Where k is a power of two (as every
 * descriptor size so far) it is written `(slot << n) | c`: the same number, as c < k and
 * a ring's slot times its descriptor size is far below 2^31, but V8's optimized code
 * checks a multiply and an add for overflow, and a shift and an OR it need not (about 12
 * instructions a forwarded frame, callgrind fwd b32).
 */
function index(slot: string, perSlot: number, constant: number): string {
  if (perSlot === 1) return constant === 0 ? slot : `${slot} + ${constant}`;
  const shift = Math.log2(perSlot);
  if (!Number.isInteger(shift)) {
    return constant === 0 ? `${slot} * ${perSlot}` : `${slot} * ${perSlot} + ${constant}`;
  }
  return constant === 0 ? `${slot} << ${shift}` : `(${slot} << ${shift}) | ${constant}`;
}

/**
 * Storage of a field at byte `offset` of a `size`-byte descriptor, in slot `slot`
 * (an identifier), through views on `self` (e.g. `this.`).
 */
export function fieldStorage(
  self: string,
  size: number,
  offset: number,
  type: FieldType,
  slot = 'slot',
): FieldStorage {
  const bytes = { u8: 1, u16: 2, u32: 4, u64: 8 }[type];
  const unit = type === 'u64' ? 4 : bytes;
  const aligned = offset % unit === 0 && size % unit === 0;
  if (type === 'u8') {
    const i = index(slot, size, offset);
    const lv = `${self}u8[${i}]`;
    return {
      read: lv,
      write: (v) => [`${lv} = ${v};`],
      lvalue: lv,
      element: { array: `${self}u8`, index: i },
      views: ['u8'],
    };
  }
  if (!aligned) {
    const at = index(slot, size, offset);
    if (type === 'u64') {
      const atHi = index(slot, size, offset + 4);
      const lo = `${self}view.getUint32(${at}, true)`;
      const hi = `${self}view.getUint32(${atHi}, true)`;
      return {
        read: `${hi} * ${hex(TWO_POW_32, 9)} + ${lo}`,
        write: (v) => [
          `${self}view.setUint32(${at}, ${v} >>> 0, true);`,
          `${self}view.setUint32(${atHi}, Math.floor(${v} / ${hex(TWO_POW_32, 9)}), true);`,
        ],
        views: ['view'],
      };
    }
    const bits = type === 'u16' ? 16 : 32;
    return {
      read: `${self}view.getUint${bits}(${at}, true)`,
      write: (v) => [`${self}view.setUint${bits}(${at}, ${v}, true);`],
      views: ['view'],
    };
  }
  if (type === 'u16' || type === 'u32') {
    const view = type === 'u16' ? 'u16' : 'u32';
    const i = index(slot, size / unit, offset / unit);
    const lv = `${self}${view}[${i}]`;
    return {
      read: lv,
      write: (v) => [`${lv} = ${v};`],
      lvalue: lv,
      element: { array: `${self}${view}`, index: i },
      views: [view],
    };
  }
  const loIndex = index(slot, size / 4, offset / 4);
  const hiIndex = index(slot, size / 4, offset / 4 + 1);
  const lo = `${self}u32[${loIndex}]`;
  const hi = `${self}u32[${hiIndex}]`;
  return {
    read: `${hi} * ${hex(TWO_POW_32, 9)} + ${lo}`,
    write: (v) => [`${lo} = ${v} >>> 0;`, `${hi} = Math.floor(${v} / ${hex(TWO_POW_32, 9)});`],
    words: { lo, hi },
    element: { array: `${self}u32`, index: loIndex, hiIndex },
    views: ['u32'],
  };
}

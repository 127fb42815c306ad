/**
 * The index arithmetic generated codecs and rings use to reach a descriptor field
 * (generators/ts/dma.ts): each read and write expression, evaluated over real views, must
 * touch exactly the field's bytes of the slot asked for, for descriptor sizes that are
 * powers of two (written as shifts) and those that are not, aligned and unaligned fields.
 */
import { describe, expect, it } from 'vitest';
import { fieldStorage, type FieldType } from '../../generators/ts/dma.js';

const SLOTS = 300;
const BYTES: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

interface Views {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  view: DataView;
}

function views(size: number): Views {
  const buffer = new ArrayBuffer(size * SLOTS);
  return {
    u8: new Uint8Array(buffer),
    u16: new Uint16Array(buffer),
    u32: new Uint32Array(buffer),
    view: new DataView(buffer),
  };
}

/** The field's value read byte by byte, little-endian, as the device lays it out. */
function expected(v: Views, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + v.u8[at + i];
  return value;
}

const cases: { size: number; offset: number; type: FieldType }[] = [
  { size: 16, offset: 12, type: 'u8' },
  { size: 16, offset: 8, type: 'u16' },
  { size: 16, offset: 8, type: 'u32' },
  { size: 16, offset: 0, type: 'u64' },
  { size: 16, offset: 8, type: 'u64' },
  { size: 16, offset: 3, type: 'u16' },
  { size: 16, offset: 5, type: 'u32' },
  { size: 16, offset: 7, type: 'u64' },
  { size: 32, offset: 28, type: 'u32' },
  { size: 24, offset: 16, type: 'u64' },
  { size: 24, offset: 22, type: 'u16' },
  { size: 12, offset: 8, type: 'u32' },
  { size: 12, offset: 2, type: 'u64' },
];

describe('descriptor field storage', () => {
  it.each(cases)('$type at byte $offset of a $size-byte descriptor', ({ size, offset, type }) => {
    const st = fieldStorage('o.', size, offset, type);
    const read = new Function('o', 'slot', `return ${st.read};`) as (o: Views, s: number) => number;
    const write = new Function('o', 'slot', 'value', st.write('value').join('\n')) as (
      o: Views,
      s: number,
      value: number,
    ) => void;
    const bytes = BYTES[type];
    for (const slot of [0, 1, 7, 8, 255, SLOTS - 1]) {
      const v = views(size);
      for (let i = 0; i < v.u8.length; i++) v.u8[i] = (i * 37 + 11) & 0xff;
      const at = slot * size + offset;
      if (type === 'u64') {
        // Numbers are exact below 2^53, as the codecs say of u64 fields.
        v.u8[at + 7] = 0;
        v.u8[at + 6] &= 0x1f;
      }
      const before = v.u8.slice();
      expect(read(v, slot)).toBe(expected(v, at, bytes));
      const value = type === 'u64' ? 0x12_3456_789a_bcde : 2 ** (8 * bytes) - 3;
      write(v, slot, value);
      expect(expected(v, at, bytes)).toBe(value);
      expect(read(v, slot)).toBe(value);
      for (let i = 0; i < v.u8.length; i++)
        if (i < at || i >= at + bytes) expect(v.u8[i], `byte ${i}`).toBe(before[i]);
    }
  });

  it('writes power-of-two strides as shifts, others as multiplies', () => {
    expect(fieldStorage('this.', 16, 8, 'u16').read).toBe('this.u16[(slot << 3) | 4]');
    expect(fieldStorage('this.', 16, 0, 'u32').read).toBe('this.u32[slot << 2]');
    expect(fieldStorage('this.', 24, 16, 'u32').read).toBe('this.u32[slot * 6 + 4]');
  });
});

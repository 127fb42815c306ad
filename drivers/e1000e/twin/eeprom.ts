/**
 * NVM reads through EERD in the 8257x layout (START bit 0, DONE bit 1, ADDR bits 15:2,
 * DATA bits 31:16), over the same 64-word image as the e1000 twin's (MAC in words 0-2,
 * checksum word making words 0x00-0x3F sum to 0xBABA), which QEMU's e1000e also uses.
 */
import { EERD } from './bits.js';

const U16_MASK = 0xffff;

/** EERD after software writes `value`: a read with START completes at once. */
export function eerdAfterWrite(words: Uint16Array, value: number): number {
  const address = (value >>> EERD.ADDR_SHIFT) & EERD.ADDR_MASK;
  if ((value & EERD.START) === 0) return (address << EERD.ADDR_SHIFT) >>> 0;
  const data = address < words.length ? words[address] : 0;
  return (
    (EERD.START |
      EERD.DONE |
      (address << EERD.ADDR_SHIFT) |
      ((data & U16_MASK) << EERD.DATA_SHIFT)) >>>
    0
  );
}

/**
 * The e1000's configuration EEPROM as the twin models it: 64 16-bit words (the
 * 82540EM/82545EM Microwire part), the MAC in words 0..2, the PCI ids, and a checksum
 * word that makes words 0x00..0x3F sum to 0xBABA (8254x SDM rev 4.0 §5.6, §5.6.35).
 * Software reads it one word at a time through EERD (§13.4.4).
 */
import { EERD } from './bits.js';

export const EEPROM_WORDS = 64;
export const EEPROM_CHECKSUM_WORD = 0x3f;
export const EEPROM_SUM = 0xbaba;

/** Word addresses, §5.6 Table 5-2. */
export const EEPROM_WORD = {
  MAC: 0x00,
  SUBSYSTEM_ID: 0x0b,
  SUBSYSTEM_VENDOR: 0x0c,
  DEVICE_ID: 0x0d,
  VENDOR_ID: 0x0e,
} as const;

export interface EepromIds {
  vendor: number;
  device: number;
  subsystemVendor: number;
  subsystemDevice: number;
}

const MAC_BYTES = 6;
const U16_MASK = 0xffff;

export function buildEeprom(mac: Uint8Array, ids: EepromIds): Uint16Array {
  const words = new Uint16Array(EEPROM_WORDS);
  // Each word holds two MAC bytes, the lower-numbered byte in bits 7:0 (§5.6.1).
  for (let i = 0; i < MAC_BYTES / 2; i++)
    words[EEPROM_WORD.MAC + i] = mac[2 * i] | (mac[2 * i + 1] << 8);
  words[EEPROM_WORD.SUBSYSTEM_ID] = ids.subsystemDevice;
  words[EEPROM_WORD.SUBSYSTEM_VENDOR] = ids.subsystemVendor;
  words[EEPROM_WORD.DEVICE_ID] = ids.device;
  words[EEPROM_WORD.VENDOR_ID] = ids.vendor;
  let sum = 0;
  for (let i = 0; i < EEPROM_CHECKSUM_WORD; i++) sum += words[i];
  words[EEPROM_CHECKSUM_WORD] = (EEPROM_SUM - sum) & U16_MASK;
  return words;
}

/** The MAC as the hardware loads it from the EEPROM into RAL0/RAH0 (§13.5.2). */
export function macFromEeprom(words: Uint16Array): Uint8Array {
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < MAC_BYTES / 2; i++) {
    mac[2 * i] = words[EEPROM_WORD.MAC + i] & 0xff;
    mac[2 * i + 1] = words[EEPROM_WORD.MAC + i] >> 8;
  }
  return mac;
}

/**
 * EERD after software writes `value`: with START, the read completes — DONE set, DATA
 * holding the word (0 for an address past the EEPROM's end), START and ADDR kept.
 * Without START the written value just stays (DONE and DATA are read-only).
 */
export function eerdAfterWrite(words: Uint16Array, value: number): number {
  if ((value & EERD.START) === 0)
    return (value & ~(EERD.DONE | (U16_MASK << EERD.DATA_SHIFT))) >>> 0;
  const address = (value >>> EERD.ADDR_SHIFT) & EERD.ADDR_MASK;
  const data = address < words.length ? words[address] : 0;
  const kept = value & (EERD.START | (EERD.ADDR_MASK << EERD.ADDR_SHIFT));
  return (kept | EERD.DONE | (data << EERD.DATA_SHIFT)) >>> 0;
}

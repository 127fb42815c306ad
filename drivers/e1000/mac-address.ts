/**
 * The station address. First choice: the EEPROM, read word by word through EERD with the
 * spec's read_eeprom_word sequence (8254x SDM §5.3.1, §13.4.4), checked against the
 * EEPROM checksum (§5.6.35: words 0x00..0x3F sum to EEPROM_SUM). Fallback, as Linux and
 * DPDK accept: RAL0/RAH0, which the device loads from the EEPROM at reset (§13.5.2) —
 * used when EERD never answers or the checksum is wrong, if RAH0.AV says RAL0 holds an
 * address. Neither: E_TIMEOUT naming EERD, or E_EEPROM.
 */
import type { Clock, Mmio } from '../../runtime/types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { MAC_BYTES } from '../../runtime/packet/mac.js';
import {
  EE_CHECKSUM,
  EE_MAC,
  EEPROM_SUM,
  EERD,
  RAH,
  read_eeprom_word,
  type Registers,
} from './generated/index.js';
import { asRegisterTimeout } from './errors.js';

export type MacSource = 'eeprom' | 'ral0';

export interface StationAddress {
  mac: Uint8Array;
  source: MacSource;
  /** Why the EEPROM was not used, when it was not. */
  eepromProblem?: string;
}

const BYTE_BITS = 8;
const BYTE_MASK = 0xff;
const WORD_MASK = 0xffff;
/** EEPROM words covered by the checksum: 0 through the checksum word (§5.6.35). */
const CHECKSUMMED_WORDS = EE_CHECKSUM.offset + 1;
/** Bytes of the MAC held in RAL (the rest are RAH.ADDR_HI), §13.5.2. */
const RAL_BYTES = 4;

/** Reads one EEPROM word. */
export type EepromWordReader = (addr: number) => Promise<number>;

/**
 * Read the station address: EEPROM first, RAL0/RAH0 as the fallback. `readWord` reads
 * one EEPROM word (default: this device's EERD); a device whose EERD is laid out
 * differently but whose EEPROM map and RAL0/RAH0 are the same (the 82574L) passes its own.
 */
export async function readStationAddress(
  mmio: Mmio,
  regs: Registers,
  clock: Clock,
  readWord: EepromWordReader = (addr) => readEepromWord(mmio, regs, clock, addr),
): Promise<StationAddress> {
  let problem: unknown;
  try {
    return { mac: await macFromEeprom(readWord), source: 'eeprom' };
  } catch (e) {
    problem = e;
  }
  const fallback = macFromReceiveAddress(regs);
  if (fallback) return { mac: fallback, source: 'ral0', eepromProblem: (problem as Error).message };
  throw problem;
}

/** EEPROM words 0..0x3F through EERD, checksum verified, MAC from words EE_MAC[0..2]. */
async function macFromEeprom(readWord: EepromWordReader): Promise<Uint8Array> {
  const words = new Uint16Array(CHECKSUMMED_WORDS);
  let sum = 0;
  for (let addr = 0; addr < CHECKSUMMED_WORDS; addr++) {
    words[addr] = await readWord(addr);
    sum = (sum + words[addr]) & WORD_MASK;
  }
  if (sum !== EEPROM_SUM) {
    throw new NicdlError(
      'E_EEPROM',
      `EEPROM checksum is wrong: words 0..${CHECKSUMMED_WORDS - 1} sum to 0x${sum.toString(16)}, expected 0x${EEPROM_SUM.toString(16)} (8254x SDM §5.6.35)`,
      ExitCode.deviceFault,
      { sum, expected: EEPROM_SUM },
    );
  }
  // §5.6.1: each word little-endian, word 0 holds MAC bytes 0 (bits 7:0) and 1.
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < EE_MAC.count; i++) {
    const word = words[EE_MAC.offset + i * EE_MAC.stride];
    mac[2 * i] = word & BYTE_MASK;
    mac[2 * i + 1] = word >>> BYTE_BITS;
  }
  return mac;
}

/** One EEPROM word: EERD START + ADDR, poll DONE (the spec's sequence), then DATA. */
async function readEepromWord(
  mmio: Mmio,
  regs: Registers,
  clock: Clock,
  addr: number,
): Promise<number> {
  try {
    await read_eeprom_word(mmio, clock, { addr });
  } catch (e) {
    throw asRegisterTimeout(e, 'EERD', `EEPROM read of word ${addr}`);
  }
  return EERD.DATA.get(regs.EERD.read());
}

/** RAL0/RAH0 when RAH0.AV marks them valid and they are not all zero; else undefined. */
function macFromReceiveAddress(regs: Registers): Uint8Array | undefined {
  const rah = regs.RAH.read(0);
  if (!RAH.AV.get(rah)) return undefined;
  const ral = regs.RAL.read(0);
  const high = RAH.ADDR_HI.get(rah);
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < RAL_BYTES; i++) mac[i] = (ral >>> (i * BYTE_BITS)) & BYTE_MASK;
  mac[RAL_BYTES] = high & BYTE_MASK;
  mac[RAL_BYTES + 1] = high >>> BYTE_BITS;
  return mac.some((b) => b !== 0) ? mac : undefined;
}

/** Program receive address 0 with `mac`, valid (RAH.AV), matched on the destination (§13.5.2, §13.5.3). */
export function writeStationAddress(regs: Registers, mac: Uint8Array): void {
  let low = 0;
  for (let i = 0; i < RAL_BYTES; i++) low |= mac[i] << (i * BYTE_BITS);
  regs.RAL.write(0, low >>> 0);
  const high = mac[RAL_BYTES] | (mac[RAL_BYTES + 1] << BYTE_BITS);
  regs.RAH.writeFields(0, (w) => w.ADDR_HI(high).AV(1));
}

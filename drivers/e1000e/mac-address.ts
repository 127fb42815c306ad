/**
 * The station address: NVM words 0-2 read through EERD in the 8257x layout (the spec's
 * read_eeprom_word), checked against the NVM checksum (words 0x00-0x3F sum to
 * EEPROM_SUM); fallback, as on the e1000, the RAL0/RAH0 the device loads at reset.
 */
import type { Clock, Mmio } from '../../runtime/types.js';
import { MAC_BYTES } from '../../runtime/packet/mac.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { asRegisterTimeout } from '../e1000/errors.js';
import type { MacSource, StationAddress } from '../e1000/mac-address.js';
import {
  EE_CHECKSUM,
  EE_MAC,
  EEPROM_SUM,
  EERD,
  RAH,
  read_eeprom_word,
  type Registers,
} from './generated/index.js';

const BYTE_BITS = 8;
const BYTE_MASK = 0xff;
const WORD_MASK = 0xffff;
const RAL_BYTES = 4;

export type { MacSource, StationAddress };

export async function readStationAddress(
  mmio: Mmio,
  regs: Registers,
  clock: Clock,
): Promise<StationAddress> {
  try {
    return { mac: await macFromNvm(mmio, regs, clock), source: 'eeprom' };
  } catch (e) {
    const mac = macFromRal0(regs);
    if (!mac) throw e;
    return { mac, source: 'ral0', eepromProblem: (e as Error).message };
  }
}

async function macFromNvm(mmio: Mmio, regs: Registers, clock: Clock): Promise<Uint8Array> {
  const words = new Uint16Array(EE_CHECKSUM.offset + 1);
  let sum = 0;
  for (let addr = 0; addr < words.length; addr++) {
    try {
      await read_eeprom_word(mmio, clock, { addr });
    } catch (e) {
      throw asRegisterTimeout(e, 'EERD', `NVM read of word ${addr}`);
    }
    words[addr] = EERD.DATA.get(regs.EERD.read());
    sum = (sum + words[addr]) & WORD_MASK;
  }
  if (sum !== EEPROM_SUM) {
    throw new NicdlError(
      'E_EEPROM',
      `NVM checksum is wrong: words 0..${words.length - 1} sum to 0x${sum.toString(16)}, expected 0x${EEPROM_SUM.toString(16)}`,
      ExitCode.deviceFault,
      {
        sum,
      },
    );
  }
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < EE_MAC.count; i++) {
    mac[2 * i] = words[EE_MAC.offset + i] & BYTE_MASK;
    mac[2 * i + 1] = words[EE_MAC.offset + i] >>> BYTE_BITS;
  }
  return mac;
}

function macFromRal0(regs: Registers): Uint8Array | undefined {
  const rah = regs.RAH.read(0);
  if (!RAH.AV.get(rah)) return undefined;
  const ral = regs.RAL.read(0);
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < RAL_BYTES; i++) mac[i] = (ral >>> (i * BYTE_BITS)) & BYTE_MASK;
  mac[RAL_BYTES] = RAH.ADDR_HI.get(rah) & BYTE_MASK;
  mac[RAL_BYTES + 1] = RAH.ADDR_HI.get(rah) >>> BYTE_BITS;
  return mac.some((b) => b !== 0) ? mac : undefined;
}

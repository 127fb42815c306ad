/**
 * The station address, as the e1000 finds it (NVM words 0-2 checked against the NVM
 * checksum, else RAL0/RAH0: the same map on the 82574L), each NVM word read through the
 * 8257x EERD with e1000e.nicdl's read_eeprom_word.
 */
import type { Clock, Mmio } from '../../runtime/types.js';
import { asRegisterTimeout } from '../e1000/errors.js';
import type { Registers as SharedRegisters } from '../e1000/generated/index.js';
import { readStationAddress as readWithReader, type StationAddress } from '../e1000/mac-address.js';
import { EERD, read_eeprom_word, type Registers } from './generated/index.js';

export type { MacSource } from '../e1000/mac-address.js';

export function readStationAddress(
  mmio: Mmio,
  regs: Registers,
  shared: SharedRegisters,
  clock: Clock,
): Promise<StationAddress> {
  return readWithReader(mmio, shared, clock, async (addr) => {
    try {
      await read_eeprom_word(mmio, clock, { addr });
    } catch (e) {
      throw asRegisterTimeout(e, 'EERD', `NVM read of word ${addr}`);
    }
    return EERD.DATA.get(regs.EERD.read());
  });
}

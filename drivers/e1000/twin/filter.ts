/**
 * Receive filtering (8254x SDM rev 4.0 §3.2.1, §13.4.22, §13.5): exact matches against
 * the 16 receive addresses with RAH.AV, the 4096-bit multicast hash (MTA, bits chosen by
 * RCTL.MO), broadcast (RCTL.BAM), unicast/multicast promiscuous (UPE/MPE), and the VLAN
 * filter (VFTA, when RCTL.VFE).
 */
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { RAH, RCTL } from './bits.js';
import { ETH, isBroadcast } from './ethernet.js';
import { RECEIVE_ADDRESSES, RECEIVE_ADDRESS_STRIDE, REG, WORD_BYTES } from './registers.js';

const BITS_PER_WORD = 32;
const HASH_MASK = 0xfff;
const VLAN_ID_MASK = 0xfff;
/** Right shift of (byte5 << 8 | byte4) that selects the MTA hash for each RCTL.MO value, §13.4.22. */
const MO_SHIFTS = [4, 3, 2, 0] as const;
const GROUP_BIT = 0x01;

/** The 12-bit MTA index of a destination address under multicast offset `mo`. */
export function multicastHash(frame: Uint8Array, mo: number): number {
  const bits = (frame[ETH.DST + 5] << 8) | frame[ETH.DST + 4];
  return (bits >> MO_SHIFTS[mo & 3]) & HASH_MASK;
}

function matchesReceiveAddress(file: BarFile, frame: Uint8Array): boolean {
  const low = frame[0] | (frame[1] << 8) | (frame[2] << 16) | (frame[3] << 24);
  const high = frame[4] | (frame[5] << 8);
  for (let i = 0; i < RECEIVE_ADDRESSES; i++) {
    const rah = file.peek(REG.RAH0 + i * RECEIVE_ADDRESS_STRIDE);
    if ((rah & RAH.AV) === 0) continue;
    if (
      (rah & RAH.ADDR_MASK) === high &&
      file.peek(REG.RAL0 + i * RECEIVE_ADDRESS_STRIDE) === low >>> 0
    )
      return true;
  }
  return false;
}

/** Whether the destination address of `frame` passes the filters. */
export function addressAccepted(file: BarFile, frame: Uint8Array): boolean {
  const rctl = file.peek(REG.RCTL);
  if (isBroadcast(frame)) {
    if (rctl & RCTL.BAM) return true;
  } else if (frame[ETH.DST] & GROUP_BIT) {
    if (rctl & RCTL.MPE) return true;
  } else if (rctl & RCTL.UPE) {
    return true;
  }
  if (matchesReceiveAddress(file, frame)) return true;
  if ((frame[ETH.DST] & GROUP_BIT) === 0) return false;
  const hash = multicastHash(frame, (rctl >> RCTL.MO_SHIFT) & RCTL.MO_MASK);
  const entry = file.peek(REG.MTA + Math.floor(hash / BITS_PER_WORD) * WORD_BYTES);
  return ((entry >>> (hash % BITS_PER_WORD)) & 1) === 1;
}

/** Whether a frame tagged with `tci` passes the VLAN filter (always, when RCTL.VFE is off). */
export function vlanAccepted(file: BarFile, tci: number): boolean {
  if ((file.peek(REG.RCTL) & RCTL.VFE) === 0) return true;
  const vid = tci & VLAN_ID_MASK;
  const entry = file.peek(REG.VFTA + Math.floor(vid / BITS_PER_WORD) * WORD_BYTES);
  return ((entry >>> (vid % BITS_PER_WORD)) & 1) === 1;
}

/**
 * Receive filters (8254x SDM §3.2.1, §13.5): unicast and multicast promiscuous (RCTL.UPE,
 * RCTL.MPE), the 4096-bucket multicast hash (MTA, bits chosen by RCTL.MO, §13.5.1), the
 * exact-match receive addresses (RAL/RAH with AV, §13.5.2-3) and the VLAN filter (VFTA,
 * enabled by RCTL.VFE, §13.5.4). MTA and VFTA are read-modify-written per entry; RCTL bits
 * go through ReceiveControl, which writes only on a change (QEMU pauses RX after each).
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { MAC_BYTES } from '../../runtime/packet/mac.js';
import { MTA, RAL, VFTA, type Registers } from './generated/index.js';
import { FILTER_BITS_PER_ENTRY, MTA_HASH_BUCKETS, MTA_HASH_SHIFT } from './datasheet.js';
import { MULTICAST_OFFSET, type ReceiveControl } from './receive-control.js';

const BYTE_BITS = 8;
/** Address bytes 4 and 5 hold bits 47:32, where every RCTL.MO window lies (§13.5.1). */
const HASH_BYTE_LOW = 4;
const HASH_BYTE_HIGH = 5;
const GROUP_BIT = 0x01;
/** VLAN IDs are 12 bits (IEEE 802.1Q): one VFTA bit each. */
const VLAN_IDS = VFTA.count * FILTER_BITS_PER_ENTRY;

/** The MTA bucket of multicast address `mac` under multicast offset `mo` (§13.5.1). */
export function multicastHash(mac: Uint8Array, mo: keyof typeof MTA_HASH_SHIFT): number {
  const bits = (mac[HASH_BYTE_HIGH] << BYTE_BITS) | mac[HASH_BYTE_LOW];
  return (bits >>> MTA_HASH_SHIFT[mo]) & (MTA_HASH_BUCKETS - 1);
}

/**
 * Bring-up state of the filters (§14.4): receive addresses 1..15 invalid, every VLAN
 * filter bit clear. RAL0/RAH0 hold the station address; init_mac cleared the MTA.
 */
export function clearFilterTables(regs: Registers): void {
  for (let i = 1; i < RAL.count; i++) {
    regs.RAL.write(i, 0);
    regs.RAH.write(i, 0);
  }
  for (let i = 0; i < VFTA.count; i++) regs.VFTA.write(i, 0);
}

/** Unicast and multicast promiscuous on or off (one RCTL write if it changes). */
export function setPromiscuous(rctl: ReceiveControl, on: boolean): boolean {
  return rctl.update((w) => w.UPE(on ? 1 : 0).MPE(on ? 1 : 0));
}

/** Accept multicast address `mac`: set its MTA bucket. Throws E_BAD_MULTICAST for a unicast address. */
export function addMulticast(regs: Registers, mac: Uint8Array): number {
  if (mac.length !== MAC_BYTES || (mac[0] & GROUP_BIT) === 0) {
    throw new NicdlError(
      'E_BAD_MULTICAST',
      'addMulticast needs a multicast address (group bit set in the first octet, e.g. 01:00:5e:00:00:01)',
      ExitCode.usage,
      {
        bytes: Array.from(mac),
      },
    );
  }
  const hash = multicastHash(mac, MULTICAST_OFFSET);
  const entry = Math.floor(hash / FILTER_BITS_PER_ENTRY);
  const bit = 1 << (hash % FILTER_BITS_PER_ENTRY);
  regs.MTA.modify(entry, (v) => v | bit);
  return hash;
}

/** Forget every multicast address (MTA all zero). */
export function clearMulticast(regs: Registers): void {
  for (let i = 0; i < MTA.count; i++) regs.MTA.write(i, 0);
}

/**
 * Accept tagged frames only for `vlans` (VFTA bits, then RCTL.VFE on); an empty list turns
 * the filter off (VFE off: every tag accepted). Throws E_VLAN_ID for an ID outside 0..4095.
 */
export function setVlanFilter(
  regs: Registers,
  rctl: ReceiveControl,
  vlans: readonly number[],
): void {
  const words = new Uint32Array(VFTA.count);
  for (const id of vlans) {
    if (!Number.isInteger(id) || id < 0 || id >= VLAN_IDS) {
      throw new NicdlError(
        'E_VLAN_ID',
        `VLAN ${id} is not a VLAN ID (0..${VLAN_IDS - 1})`,
        ExitCode.usage,
        { vlan: id },
      );
    }
    words[Math.floor(id / FILTER_BITS_PER_ENTRY)] |= 1 << (id % FILTER_BITS_PER_ENTRY);
  }
  for (let i = 0; i < VFTA.count; i++) regs.VFTA.write(i, words[i]);
  rctl.update((w) => w.VFE(vlans.length > 0 ? 1 : 0));
}

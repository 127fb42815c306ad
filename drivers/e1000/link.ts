/**
 * Link state. The MAC's view is STATUS (8254x SDM §13.4.2: LU, FD, SPEED), one register
 * read, cheap enough for `link()` at any time. The PHY's own view comes over MDIC
 * (§13.4.7): its identifier, PHY_STATUS (link latches low: read twice, IEEE 802.3
 * 22.2.4.2.13) and the 88E1011's resolved speed and duplex in PHY_SPEC_STATUS.
 */
import type { LinkState } from '../../runtime/nic.js';
import {
  PHY_ID1,
  PHY_ID2,
  PHY_SPEC_STATUS,
  PHY_STATUS,
  STATUS,
  type Registers,
} from './generated/index.js';
import { SPEED_MBPS } from './datasheet.js';
import type { Mdio } from './mdio.js';

/** What the PHY reports, read over MDIC at bring-up (and on request). */
export interface PhyInfo {
  /** PHY_ID1 and PHY_ID2 as one 32-bit identifier (OUI, model, revision). */
  id: number;
  linkUp: boolean;
  /** Resolved speed and duplex (valid when `resolved`). */
  resolved: boolean;
  speedMbps: number;
  fullDuplex: boolean;
}

const ID_HIGH_SHIFT = 16;

/** The link as the MAC sees it, from STATUS. */
export function linkFromStatus(regs: Registers): LinkState {
  const status = regs.STATUS.read();
  const up = STATUS.LU.get(status) === 1;
  return {
    up,
    speedMbps: up ? (SPEED_MBPS[STATUS.SPEED.get(status)] ?? 0) : 0,
    fullDuplex: up && STATUS.FD.get(status) === 1,
  };
}

/** The PHY's identifier and its view of the link (several MDIC transactions). */
export async function readPhyInfo(mdio: Mdio): Promise<PhyInfo> {
  const id = ((await mdio.read(PHY_ID1)) * 2 ** ID_HIGH_SHIFT + (await mdio.read(PHY_ID2))) >>> 0;
  // LINK_STATUS latches low until read: the first read reports any drop, the second now.
  await mdio.read(PHY_STATUS);
  const status = await mdio.read(PHY_STATUS);
  const spec = await mdio.read(PHY_SPEC_STATUS);
  const resolved = PHY_SPEC_STATUS.RESOLVED.get(spec) === 1;
  return {
    id,
    linkUp: PHY_STATUS.LINK_STATUS.get(status) === 1,
    resolved,
    speedMbps: resolved ? (SPEED_MBPS[PHY_SPEC_STATUS.SPEED.get(spec)] ?? 0) : 0,
    fullDuplex: resolved && PHY_SPEC_STATUS.DUPLEX.get(spec) === 1,
  };
}

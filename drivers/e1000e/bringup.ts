/**
 * Bring-up of the 82574L, in the 8257x drivers' order, from e1000e.nicdl's sequences
 * where the spec has them and the e1000's modules for what the two share:
 *
 *   1. reset (sequence `reset`: quiesce, GIO master disable and drain, CTRL.RST, NVM
 *      auto-read), bus mastering on, `driver_loaded` (CTRL_EXT.DRV_LOAD), `link_up`.
 *   2. station address (NVM through the 8257x EERD, else RAL0/RAH0), written back with
 *      AV; `init_mac` (MTA, flow-control address/type, VLAN EtherType); the other receive
 *      addresses and the VLAN table cleared; statistics zeroed.
 *   3. link (`wait_link`; still down is an answer, not an error), the PHY's view.
 *   4. receive: moderation (ITR, RDTR, RADV, TIDV, TADV, and EITR per MSI-X vector),
 *      RSS key and table then `enable_rss` (extended descriptors, PCSD, MRQC), each
 *      queue's ring filled (RDT = count - 1).
 *   5. transmit: each queue's ring (TDH = TDT = 0), then `init_tx` (TARC enables, TIPG,
 *      TCTL).
 *   6. RCTL written once (the e1000's composition: EN, BAM, SECRC, buffer size...; DTYP
 *      stays 00b, which with RFCTL.EXTEN means extended descriptors), `route_msix`
 *      (IVAR, EIAC), then the causes unmasked in interrupt mode (MSI-X queue causes too).
 */
import type { Clock, Device, Mmio } from '../../runtime/types.js';
import { SequenceTimeoutError } from '../../runtime/index.js';
import { writeCoalescing } from '../e1000/coalescing.js';
import { clearFilterTables } from '../e1000/filters.js';
import type { InterruptControl } from '../e1000/interrupts.js';
import { readPhyInfo, type PhyInfo } from '../e1000/link.js';
import { writeStationAddress } from '../e1000/mac-address.js';
import type { Mdio } from '../e1000/mdio.js';
import { ReceiveControl } from '../e1000/receive-control.js';
import type { RxQueue } from '../e1000/rx.js';
import type { TxQueue } from '../e1000/tx.js';
import type { Registers as SharedRegisters } from '../e1000/generated/index.js';
import type { E1000eConfig } from './config.js';
import {
  driver_loaded,
  EITR,
  init_mac,
  init_tx,
  link_up,
  reset,
  route_msix,
  wait_link,
  type Registers,
} from './generated/index.js';
import { readStationAddress, type MacSource } from './mac-address.js';
import { enableRss } from './rss.js';
import type { HardwareCounters82574 } from './stats.js';

export interface BringUpParts {
  device: Device;
  mmio: Mmio;
  /** The 82574L's own registers (e1000e.nicdl). */
  regs: Registers;
  /** The registers it shares with the 8254x, through the e1000's generated accessors. */
  shared: SharedRegisters;
  clock: Clock;
  config: E1000eConfig;
  mdio: Mdio;
  tx: readonly TxQueue[];
  rx: readonly RxQueue[];
  rctl: ReceiveControl;
  irq: InterruptControl;
  /** Interrupts arrive on per-queue MSI-X vectors (msix-vectors.ts), not one line. */
  msix: boolean;
  hardware: HardwareCounters82574;
}

export interface BringUpResult {
  mac: Uint8Array;
  macSource: MacSource;
  eepromProblem?: string;
  phy: PhyInfo;
  linkUp: boolean;
}

export async function bringUp(p: BringUpParts): Promise<BringUpResult> {
  const { mmio, regs, shared, clock, config } = p;
  await reset(mmio, clock);
  p.rctl.cleared();
  p.device.enableBusMaster();
  await driver_loaded(mmio, clock);
  await link_up(mmio, clock);

  const station = await readStationAddress(mmio, regs, shared, clock);
  writeStationAddress(shared, station.mac);
  await init_mac(mmio, clock);
  clearFilterTables(shared);
  p.hardware.restart();

  const linkUp = await waitForLink(mmio, clock);
  const phy = await readPhyInfo(p.mdio);

  const moderation = writeCoalescing(shared, config.coalescing);
  for (let v = 0; v < EITR.count; v++) regs.EITR.writeFields(v, (w) => w.INTERVAL(moderation.ITR));
  await enableRss(mmio, regs, clock, config.queues, config.checksumOffload);
  for (const rx of p.rx) rx.start();

  for (const tx of p.tx) tx.init();
  await init_tx(mmio, clock);

  p.rctl.write(ReceiveControl.initial(config));
  await route_msix(mmio, clock);
  p.irq.enable();
  // With MSI-X the queues signal RXQ0/RXQ1 (and the rest OTHER) instead of RXT0.
  if (p.irq.interruptDriven) regs.IMS.setFields((w) => w.RXQ0(1).RXQ1(1).OTHER(1));
  // On MSI-X vectors, every unmasked cause that is not a queue's raises OTHER (ICR.OTHER,
  // e1000e.nicdl): RXT0 and RXDMT0, which every receive sets, would fire the "other"
  // vector beside the queue's. They stay masked; LSC and RXO are what OTHER is for.
  if (p.msix) regs.IMC.writeFields((w) => w.RXT0(1).RXDMT0(1));
  return {
    mac: station.mac,
    macSource: station.source,
    eepromProblem: station.eepromProblem,
    phy,
    linkUp,
  };
}

/** wait_link, with "still down" as an answer rather than an error. */
async function waitForLink(mmio: Mmio, clock: Clock): Promise<boolean> {
  try {
    await wait_link(mmio, clock);
    return true;
  } catch (e) {
    if (e instanceof SequenceTimeoutError) return false;
    throw e;
  }
}

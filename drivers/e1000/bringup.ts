/**
 * Bring-up, in the order of the 8254x SDM's initialization chapter (§14) and the Linux and
 * DPDK drivers, from the spec's sequences where the spec has them:
 *
 *   1. reset (sequence `reset`, §13.4.1): mask interrupts, RX/TX off, CTRL.RST, wait for it
 *      to clear and the EEPROM auto-load, mask again, clear ICR. QEMU's reset restores
 *      almost nothing, so every register relied on is programmed below.
 *   2. bus mastering on (PCI command register): the device may DMA from here on.
 *   3. general configuration (§14.3, sequence `link_up`): the MAC follows the PHY's link.
 *   4. station address: EEPROM via EERD, fallback RAL0/RAH0; RAL0/RAH0 written with AV;
 *      sequence `init_mac` (MTA cleared, flow-control address/type, VLAN EtherType);
 *      receive addresses 1-15 and the VLAN table cleared (§14.4). Statistics zeroed.
 *   5. link (sequence `wait_link`, §13.4.2): a link still down after its time limit is not
 *      an error — link() reports it. Then the PHY's view over MDIC.
 *   6. receive (§14.4): moderation timers, RXCSUM, the ring (RDH = RDT = 0, a buffer in
 *      every slot but one, RDT = count - 1). Step 8 enables it.
 *   7. transmit (§14.5): the ring (TDH = TDT = 0), TIPG for copper, TCTL: enable, pad
 *      short packets, collision threshold, collision distance for the link's duplex.
 *   8. RCTL, written once and last (QEMU ignores RX for 1 s after every RCTL write), then
 *      the interrupt causes unmasked when in interrupt mode.
 *
 * The spec's init_tx / init_rx sequences are not used as such: the ring runtime programs
 * base, length, head and tail (and resets its own indices), and init_rx's RCTL value is
 * fixed (2048-byte buffers, no LPE, no promiscuous), where the driver composes RCTL
 * from its configuration.
 */
import type { Clock, Device, Mmio } from '../../runtime/types.js';
import { SequenceTimeoutError } from '../../runtime/index.js';
import { ETH_HEADER_BYTES } from '../../runtime/packet/ethernet.js';
import {
  init_mac,
  link_up,
  reset,
  STATUS,
  TCTL_COLD_FULL_DUPLEX,
  TCTL_COLD_HALF_DUPLEX,
  TCTL_CT_RECOMMENDED,
  TIPG_IPGR1_COPPER,
  TIPG_IPGR2_COPPER,
  TIPG_IPGT_COPPER,
  wait_link,
  type Registers,
} from './generated/index.js';
import { writeCoalescing } from './coalescing.js';
import type { E1000Config } from './config.js';
import { clearFilterTables } from './filters.js';
import type { InterruptControl } from './interrupts.js';
import { readPhyInfo, type PhyInfo } from './link.js';
import { readStationAddress, writeStationAddress, type MacSource } from './mac-address.js';
import type { Mdio } from './mdio.js';
import { ReceiveControl } from './receive-control.js';
import type { RxQueue } from './rx.js';
import type { HardwareCounters } from './stats.js';
import type { TxQueue } from './tx.js';

export interface BringUpParts {
  device: Device;
  mmio: Mmio;
  regs: Registers;
  clock: Clock;
  config: E1000Config;
  mdio: Mdio;
  tx: TxQueue;
  rx: RxQueue;
  rctl: ReceiveControl;
  irq: InterruptControl;
  hardware: HardwareCounters;
}

export interface BringUpResult {
  mac: Uint8Array;
  macSource: MacSource;
  /** Why the EEPROM's address was not used, when it was not. */
  eepromProblem?: string;
  phy: PhyInfo;
  /** Whether STATUS.LU came up within wait_link's time limit. */
  linkUp: boolean;
}

export async function bringUp(p: BringUpParts): Promise<BringUpResult> {
  const { mmio, regs, clock, config } = p;
  await reset(mmio, clock); // step 1, §13.4.1
  p.rctl.cleared();
  p.device.enableBusMaster(); // step 2
  await link_up(mmio, clock); // step 3, §14.3

  const station = await readStationAddress(mmio, regs, clock); // step 4
  writeStationAddress(regs, station.mac);
  await init_mac(mmio, clock);
  clearFilterTables(regs);
  p.hardware.restart();

  const linkUp = await waitForLink(mmio, clock); // step 5
  const phy = await readPhyInfo(p.mdio);

  writeCoalescing(regs, config.coalescing); // step 6, §14.4
  regs.RXCSUM.writeFields((w) =>
    w
      .PCSS(ETH_HEADER_BYTES)
      .IPOFLD(config.checksumOffload ? 1 : 0)
      .TUOFLD(config.checksumOffload ? 1 : 0),
  );
  p.rx.start();

  p.tx.init(); // step 7, §14.5
  writeTransmitControl(regs);

  p.rctl.write(ReceiveControl.initial(config)); // step 8: RCTL once, last
  p.irq.enable();
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

/** TIPG for copper and TCTL (§13.4.33-34, §14.5); the collision distance follows the duplex. */
function writeTransmitControl(regs: Registers): void {
  regs.TIPG.writeFields((w) =>
    w.IPGT(TIPG_IPGT_COPPER).IPGR1(TIPG_IPGR1_COPPER).IPGR2(TIPG_IPGR2_COPPER),
  );
  const fullDuplex = STATUS.FD.get(regs.STATUS.read()) === 1;
  regs.TCTL.writeFields((w) =>
    w
      .EN(1)
      .PSP(1)
      .CT(TCTL_CT_RECOMMENDED)
      .COLD(fullDuplex ? TCTL_COLD_FULL_DUPLEX : TCTL_COLD_HALF_DUPLEX),
  );
}

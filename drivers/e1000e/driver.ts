/**
 * The 82574L NicDriver: two receive and two transmit queues, each an e1000 queue object
 * (TxQueue, RxQueue) over the rings of rings.ts, with the e1000's checksum, filter,
 * moderation, PHY, loopback and interrupt modules on the registers the two devices share.
 * What is the 82574L's own — queue selection, RSS, MSI-X routing, the NVM layout —
 * comes from e1000e.nicdl's generated code.
 *
 * Queues: transmit and queueFrame go to queue 0 unless told; receive and reclaim without
 * a queue serve every queue in turn (RxMeta.queue says which), with one a single queue.
 */
import type {
  CoalescingProfile,
  LinkState,
  LoopbackMode,
  NicDriver,
  NicStatistics,
  RxMeta,
  TxBuffers,
  TxOffload,
} from '../../runtime/nic.js';
import type { Clock, Device, DmaRegion, Mmio } from '../../runtime/types.js';
import type { Device as IrDevice } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { formatMac, parseMac } from '../../runtime/packet/mac.js';
import { VLAN_TAG_BYTES } from '../../runtime/packet/ethernet.js';
import { BufferPool } from '../e1000/buffer-pool.js';
import { writeCoalescing } from '../e1000/coalescing.js';
import type { E1000Facts } from '../e1000/driver.js';
import { closedError } from '../e1000/errors.js';
import { addMulticast, setPromiscuous, setVlanFilter } from '../e1000/filters.js';
import {
  registers as sharedRegisters,
  type Registers as SharedRegisters,
} from '../e1000/generated/index.js';
import { InterruptControl } from '../e1000/interrupts.js';
import { linkFromStatus, readPhyInfo, type PhyInfo } from '../e1000/link.js';
import { Loopback } from '../e1000/loopback.js';
import { Mdio } from '../e1000/mdio.js';
import { ReceiveControl } from '../e1000/receive-control.js';
import { RxChecksum } from '../e1000/rx-checksum.js';
import { RxQueue } from '../e1000/rx.js';
import type { DriverParts } from '../e1000/stats.js';
import { TxChecksum } from '../e1000/tx-checksum.js';
import { TxQueueBuffers } from '../e1000/tx-buffers.js';
import { TxQueue } from '../e1000/tx.js';
import { bringUp } from './bringup.js';
import type { E1000eConfig } from './config.js';
import { disable, EITR, registers, type Registers } from './generated/index.js';
import { MsixVectors } from './msix-vectors.js';
import { allocateRxRing, allocateTxRing } from './rings.js';
import { HardwareCounters82574, statistics } from './stats.js';

const BAR0 = 0;
/** ICR's offset (e1000e.nicdl `register ICR @ 0x00C0`): writing 1 to a cause clears it. */
const ICR_OFFSET = 0x00c0;

/**
 * Clear what ICR still holds (write 1 to clear) and unmask the MSI-X causes again: see
 * msix-vectors.ts for why QEMU's 82574L needs both before it sends another message.
 */
function rearmMsix(mmio: Mmio, regs: Registers): void {
  mmio.write32(ICR_OFFSET, regs.ICR.readAndClear());
  regs.IMS.setFields((w) => w.RXQ0(1).RXQ1(1).OTHER(1));
}

/** What open() found about the device (as the e1000 driver reports it). */
export type E1000eFacts = E1000Facts;

export class E1000eDriver implements NicDriver {
  readonly name: string;
  readonly mac: string;
  private closed = false;
  /** Next queue receive() without a queue starts from (round robin). */
  private nextRx = 0;
  /** Zero-copy access to each queue's TX pool, made on first use. */
  private readonly zeroCopy: (TxQueueBuffers | undefined)[] = [];

  private constructor(
    readonly ir: IrDevice,
    readonly device: Device,
    readonly clock: Clock,
    readonly config: E1000eConfig,
    readonly facts: E1000eFacts,
    private readonly mmio: Mmio,
    private readonly regs: Registers,
    private readonly shared: SharedRegisters,
    private readonly parts: DriverParts[],
    private readonly mdio: Mdio,
    private readonly loopback: Loopback,
    private readonly regions: DmaRegion[],
    mac: Uint8Array,
    /** Per-vector MSI-X interrupts, when the backend gave them. */
    private readonly vectors: MsixVectors | undefined,
  ) {
    this.name = ir.name;
    this.mac = formatMac(mac);
  }

  /** Allocate every queue's rings and buffers, bring the device up; on failure quiesce and free. */
  static async open(
    device: Device,
    ir: IrDevice,
    config: E1000eConfig,
    clock: Clock,
    warnings: string[],
  ): Promise<E1000eDriver> {
    const mmio = device.bar(BAR0);
    const regs = registers(mmio);
    const shared = sharedRegisters(mmio);
    const dma = device.dma;
    const regions: DmaRegion[] = [];
    const keep = <T extends { region: DmaRegion }>(x: T): T => (regions.push(x.region), x);
    try {
      const rctl = new ReceiveControl(shared, clock);
      // Per-vector MSI-X sources when the backend has them, else its single interrupt.
      const vectors =
        config.mode === 'interrupt'
          ? MsixVectors.open(device, config.queues, () => rearmMsix(mmio, regs))
          : undefined;
      const source = config.mode === 'interrupt' ? (vectors ?? device.interrupts?.()) : undefined;
      const irq = new InterruptControl(shared, clock, config.mode, source);
      const hardware = new HardwareCounters82574(mmio);
      const startUs = clock.nowUs();
      const parts: DriverParts[] = [];
      for (let q = 0; q < config.queues; q++) {
        const ringOptions = { checked: config.checkedRings };
        const txRing = keep(
          allocateTxRing(mmio, dma, q, {
            ...ringOptions,
            count: config.txRingSize,
            reportEvery: config.txReportEvery,
          }),
        );
        const rxRing = keep(
          allocateRxRing(mmio, dma, q, {
            ...ringOptions,
            count: config.rxRingSize,
            bufferBytes: config.rxBufferBytes,
          }),
        );
        const txPool = keep(
          BufferPool.allocate(dma, config.txRingSize, config.txBufferBytes, `tx${q}`),
        );
        const rxPool = keep(
          BufferPool.allocate(dma, config.rxRingSize, config.rxBufferBytes, `rx${q}`),
        );
        const txChecksum = new TxChecksum(config.checksumOffload);
        const rxChecksum = new RxChecksum();
        const tx = new TxQueue(txRing, txPool, txChecksum, config.maxFrameBytes);
        // A tagged frame may be 4 bytes longer than the untagged maximum.
        const rx = new RxQueue(
          rxRing,
          rxPool,
          rxChecksum,
          config.maxFrameBytes + VLAN_TAG_BYTES,
          q,
        );
        parts.push({ tx, rx, txChecksum, rxChecksum, irq, rctl, dma, hardware, clock, startUs });
      }
      const mdio = new Mdio(mmio, shared, clock);
      const tx = parts.map((p) => p.tx);
      const rx = parts.map((p) => p.rx);
      const up = await bringUp({
        device,
        mmio,
        regs,
        shared,
        clock,
        config,
        mdio,
        tx,
        rx,
        rctl,
        irq,
        msix: vectors !== undefined,
        hardware,
      });
      if (config.mode === 'interrupt' && !irq.interruptDriven)
        warnings.push('interrupt mode asked, but the backend has no interrupts: polling instead');
      if (up.eepromProblem) warnings.push(`MAC address from RAL0/RAH0: ${up.eepromProblem}`);
      if (!up.linkUp) warnings.push('link is down');
      const facts: E1000eFacts = {
        macSource: up.macSource,
        eepromProblem: up.eepromProblem,
        phy: up.phy,
        warnings,
      };
      const loopback = new Loopback(mmio, shared, mdio, rctl, clock);
      return new E1000eDriver(
        ir,
        device,
        clock,
        config,
        facts,
        mmio,
        regs,
        shared,
        parts,
        mdio,
        loopback,
        regions,
        up.mac,
        vectors,
      );
    } catch (e) {
      await quiesce(mmio, device, clock);
      for (const region of regions) dma.free(region);
      throw e;
    }
  }

  link(): LinkState {
    this.checkOpen('link');
    return linkFromStatus(this.shared);
  }

  /** The PHY's view of the link, read again over MDIC. */
  async phy(): Promise<PhyInfo> {
    this.checkOpen('phy');
    return readPhyInfo(this.mdio);
  }

  transmit(frames: readonly Uint8Array[], offload?: TxOffload, queue = 0): number {
    return this.part('transmit', queue).tx.transmit(frames, offload);
  }

  /** Queue one frame without the doorbell (e.g. while forwarding); false when full. */
  queueFrame(frame: Uint8Array, offload?: TxOffload, queue = 0): boolean {
    return this.part('queueFrame', queue).tx.queue(frame, offload);
  }

  flushTransmit(queue = 0): void {
    this.part('flushTransmit', queue).tx.flush();
  }

  /** Scatter-gather: one frame from `segments`; false, queueing nothing, when full. */
  transmitGather(segments: readonly Uint8Array[], offload?: TxOffload, queue = 0): boolean {
    return this.part('transmitGather', queue).tx.transmitGather(segments, offload);
  }

  /** Zero-copy transmit from queue `queue`'s TX buffers; flushTransmit(queue) rings. */
  txBuffers(queue = 0): TxBuffers {
    const tx = this.part('txBuffers', queue).tx;
    return (this.zeroCopy[queue] ??= new TxQueueBuffers(tx));
  }

  reclaim(queue?: number): number {
    if (queue !== undefined) return this.part('reclaim', queue).tx.reclaim();
    this.checkOpen('reclaim');
    let frames = 0;
    for (const p of this.parts) frames += p.tx.reclaim();
    return frames;
  }

  receive(max: number, onFrame: (frame: Uint8Array, meta: RxMeta) => void, queue?: number): number {
    if (queue !== undefined) return this.part('receive', queue).rx.receive(max, onFrame);
    this.checkOpen('receive');
    const n = this.parts.length;
    let delivered = 0;
    for (let i = 0; i < n && delivered < max; i++)
      delivered += this.parts[(this.nextRx + i) % n].rx.receive(max - delivered, onFrame);
    this.nextRx = (this.nextRx + 1) % n;
    return delivered;
  }

  async waitForReceive(timeoutMs: number): Promise<void> {
    this.checkOpen('waitForReceive');
    await this.parts[0].irq.wait(timeoutMs, () => this.parts.some((p) => p.rx.ready()));
  }

  async setLoopback(mode: LoopbackMode): Promise<void> {
    this.checkOpen('setLoopback');
    await this.loopback.set(mode);
  }

  get loopbackMode(): LoopbackMode {
    return this.loopback.mode;
  }

  setPromiscuous(on: boolean): void {
    this.checkOpen('setPromiscuous');
    setPromiscuous(this.parts[0].rctl, on);
  }

  addMulticast(mac: string): void {
    this.checkOpen('addMulticast');
    addMulticast(this.shared, parseMac(mac));
  }

  setVlanFilter(vlans: readonly number[]): void {
    this.checkOpen('setVlanFilter');
    setVlanFilter(this.shared, this.parts[0].rctl, vlans);
  }

  /** The e1000's five moderation registers, and each MSI-X vector's EITR like ITR. */
  setCoalescing(profile: CoalescingProfile): void {
    this.checkOpen('setCoalescing');
    const v = writeCoalescing(this.shared, profile);
    for (let i = 0; i < EITR.count; i++) this.regs.EITR.writeFields(i, (w) => w.INTERVAL(v.ITR));
    this.config.coalescing = profile;
  }

  statistics(): NicStatistics {
    this.checkOpen('statistics');
    const stats = statistics(this.parts);
    if (this.vectors) Object.assign(stats.driver, this.vectors.statistics());
    return stats;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await quiesce(this.mmio, this.device, this.clock);
      for (const region of this.regions) this.device.dma.free(region);
      this.regions.length = 0;
    } finally {
      await this.device.close();
    }
  }

  /** Queue `queue`'s parts; E_QUEUE outside 0..queues-1, E_CLOSED after close(). */
  private part(what: string, queue: number): DriverParts {
    this.checkOpen(what);
    const p = this.parts[queue];
    if (p === undefined || !Number.isInteger(queue)) {
      throw new NicdlError(
        'E_QUEUE',
        `queue ${queue} does not exist: this 82574L runs ${this.parts.length} queue(s) per direction (0..${this.parts.length - 1})`,
        ExitCode.usage,
        {
          queue,
          queues: this.parts.length,
        },
      );
    }
    return p;
  }

  private checkOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }
}

/** Stop DMA whatever the state: the spec's `disable` sequence if the BAR answers, then bus mastering off. */
async function quiesce(mmio: Mmio, device: Device, clock: Clock): Promise<void> {
  try {
    await disable(mmio, clock);
  } catch {
    // The BAR may be gone already; bus mastering off below still stops DMA.
  }
  device.quiesce();
}

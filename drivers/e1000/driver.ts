/**
 * The e1000 NicDriver: owns the parts (rings, pools, RCTL, interrupts, counters) and
 * delegates each call to the file that holds that concern. open() allocates and brings
 * the device up; close() quiesces it, frees the DMA memory and closes the backend.
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
import { formatMac, parseMac } from '../../runtime/packet/mac.js';
import { VLAN_TAG_BYTES } from '../../runtime/packet/ethernet.js';
import { disable, registers, RxRing, TxRing, type Registers } from './generated/index.js';
import { bringUp } from './bringup.js';
import { BufferPool } from './buffer-pool.js';
import { writeCoalescing } from './coalescing.js';
import type { E1000Config } from './config.js';
import { closedError, queueError } from './errors.js';
import { addMulticast, setPromiscuous, setVlanFilter } from './filters.js';
import { InterruptControl } from './interrupts.js';
import { linkFromStatus, readPhyInfo, type PhyInfo } from './link.js';
import { Loopback } from './loopback.js';
import type { MacSource } from './mac-address.js';
import { Mdio } from './mdio.js';
import { ReceiveControl } from './receive-control.js';
import { RxChecksum } from './rx-checksum.js';
import { RxQueue } from './rx.js';
import { HardwareCounters, statistics, type DriverParts } from './stats.js';
import { TxChecksum } from './tx-checksum.js';
import { TxQueueBuffers } from './tx-buffers.js';
import { TxQueue } from './tx.js';

const BAR0 = 0;

/** What open() found about the device, besides the NicDriver contract. */
export interface E1000Facts {
  macSource: MacSource;
  eepromProblem?: string;
  phy: PhyInfo;
  /** Problems worth showing a user that did not stop bring-up. */
  warnings: string[];
}

export class E1000Driver implements NicDriver {
  readonly name: string;
  readonly mac: string;
  readonly facts: E1000Facts;
  private closed = false;
  /** The queues, straight from a field: queueFrame() and receive() run once per frame or burst. */
  private readonly tx: TxQueue;
  private readonly rx: RxQueue;
  /** Zero-copy access to the TX pool, made on first use. */
  private zeroCopy: TxQueueBuffers | undefined;

  private constructor(
    readonly ir: IrDevice,
    readonly device: Device,
    readonly clock: Clock,
    readonly config: E1000Config,
    private readonly mmio: Mmio,
    private readonly regs: Registers,
    private readonly parts: DriverParts,
    private readonly mdio: Mdio,
    private readonly loopback: Loopback,
    private readonly regions: DmaRegion[],
    mac: Uint8Array,
    facts: E1000Facts,
  ) {
    this.name = ir.name;
    this.mac = formatMac(mac);
    this.facts = facts;
    this.tx = parts.tx;
    this.rx = parts.rx;
  }

  /** Allocate rings and buffers on `device`, bring it up; on failure quiesce and free. */
  static async open(
    device: Device,
    ir: IrDevice,
    config: E1000Config,
    clock: Clock,
    warnings: string[],
  ): Promise<E1000Driver> {
    const mmio = device.bar(BAR0);
    const regs = registers(mmio);
    const dma = device.dma;
    const regions: DmaRegion[] = [];
    try {
      const ringOptions = { checked: config.checkedRings };
      const txRing = TxRing.allocate(mmio, dma, {
        ...ringOptions,
        count: config.txRingSize,
        reportEvery: config.txReportEvery,
      });
      regions.push(txRing.region);
      const rxRing = RxRing.allocate(mmio, dma, {
        ...ringOptions,
        count: config.rxRingSize,
        bufferBytes: config.rxBufferBytes,
      });
      regions.push(rxRing.region);
      const txPool = BufferPool.allocate(dma, config.txRingSize, config.txBufferBytes, 'tx');
      regions.push(txPool.region);
      const rxPool = BufferPool.allocate(dma, config.rxRingSize, config.rxBufferBytes, 'rx');
      regions.push(rxPool.region);

      const txChecksum = new TxChecksum(config.checksumOffload);
      const rxChecksum = new RxChecksum();
      const tx = new TxQueue(txRing, txPool, txChecksum, config.maxFrameBytes);
      // A tagged frame may be 4 bytes longer than the untagged maximum.
      const rx = new RxQueue(rxRing, rxPool, rxChecksum, config.maxFrameBytes + VLAN_TAG_BYTES);
      const rctl = new ReceiveControl(regs, clock);
      const irq = new InterruptControl(
        regs,
        clock,
        config.mode,
        config.mode === 'interrupt' ? device.interrupts?.() : undefined,
      );
      const hardware = new HardwareCounters(mmio);
      const mdio = new Mdio(mmio, regs, clock);
      const up = await bringUp({
        device,
        mmio,
        regs,
        clock,
        config,
        mdio,
        tx,
        rx,
        rctl,
        irq,
        hardware,
      });
      if (config.mode === 'interrupt' && !irq.interruptDriven)
        warnings.push('interrupt mode asked, but the backend has no interrupts: polling instead');
      if (up.eepromProblem) warnings.push(`MAC address from RAL0/RAH0: ${up.eepromProblem}`);
      if (!up.linkUp) warnings.push('link is down');
      const parts: DriverParts = {
        tx,
        rx,
        txChecksum,
        rxChecksum,
        irq,
        rctl,
        dma,
        hardware,
        clock,
        startUs: clock.nowUs(),
      };
      const loopback = new Loopback(mmio, regs, mdio, rctl, clock);
      const facts: E1000Facts = {
        macSource: up.macSource,
        eepromProblem: up.eepromProblem,
        phy: up.phy,
        warnings,
      };
      return new E1000Driver(
        ir,
        device,
        clock,
        config,
        mmio,
        regs,
        parts,
        mdio,
        loopback,
        regions,
        up.mac,
        facts,
      );
    } catch (e) {
      await quiesce(mmio, device, clock);
      for (const region of regions) dma.free(region);
      throw e;
    }
  }

  link(): LinkState {
    this.checkOpen('link');
    return linkFromStatus(this.regs);
  }

  /** The PHY's view of the link, read again over MDIC. */
  async phy(): Promise<PhyInfo> {
    this.checkOpen('phy');
    return readPhyInfo(this.mdio);
  }

  transmit(frames: readonly Uint8Array[], offload?: TxOffload, queue = 0): number {
    if (this.closed) throw closedError('transmit');
    if (queue !== 0) throw queueError(queue);
    return this.parts.tx.transmit(frames, offload);
  }

  /**
   * Queue one frame without the doorbell, e.g. from inside a receive callback when
   * forwarding (the frame view is valid only there); false when the ring or pool is full.
   * flushTransmit() then hands everything queued to the device with one TDT write.
   */
  queueFrame(frame: Uint8Array, offload?: TxOffload, queue = 0): boolean {
    // One branch on the per-frame path; refuse() says which check failed.
    if (this.closed || queue !== 0) this.refuse('queueFrame', queue);
    return this.tx.queue(frame, offload);
  }

  flushTransmit(queue = 0): void {
    if (this.closed || queue !== 0) this.refuse('flushTransmit', queue);
    this.tx.flush();
  }

  /**
   * Scatter-gather: queue one frame made of `segments` (each from its own buffers, EOP on
   * the last descriptor). Returns false, queueing nothing, when the ring or pool is full.
   */
  transmitGather(segments: readonly Uint8Array[], offload?: TxOffload, queue = 0): boolean {
    if (this.closed) throw closedError('transmitGather');
    if (queue !== 0) throw queueError(queue);
    return this.parts.tx.transmitGather(segments, offload);
  }

  /** Zero-copy transmit from the TX pool's buffers (tx-buffers.ts); flushTransmit() rings. */
  txBuffers(queue = 0): TxBuffers {
    if (this.closed) throw closedError('txBuffers');
    if (queue !== 0) throw queueError(queue);
    return (this.zeroCopy ??= new TxQueueBuffers(this.parts.tx));
  }

  reclaim(queue = 0): number {
    if (this.closed) throw closedError('reclaim');
    if (queue !== 0) throw queueError(queue);
    return this.parts.tx.reclaim();
  }

  receive(max: number, onFrame: (frame: Uint8Array, meta: RxMeta) => void, queue = 0): number {
    if (this.closed || queue !== 0) this.refuse('receive', queue);
    return this.rx.receive(max, onFrame);
  }

  async waitForReceive(timeoutMs: number): Promise<void> {
    this.checkOpen('waitForReceive');
    const rx = this.parts.rx;
    await this.parts.irq.wait(timeoutMs, () => rx.ready());
  }

  async setLoopback(mode: LoopbackMode): Promise<void> {
    this.checkOpen('setLoopback');
    await this.loopback.set(mode);
  }

  /** The loopback mode in force. */
  get loopbackMode(): LoopbackMode {
    return this.loopback.mode;
  }

  setPromiscuous(on: boolean): void {
    this.checkOpen('setPromiscuous');
    setPromiscuous(this.parts.rctl, on);
  }

  addMulticast(mac: string): void {
    this.checkOpen('addMulticast');
    addMulticast(this.regs, parseMac(mac));
  }

  setVlanFilter(vlans: readonly number[]): void {
    this.checkOpen('setVlanFilter');
    setVlanFilter(this.regs, this.parts.rctl, vlans);
  }

  setCoalescing(profile: CoalescingProfile): void {
    this.checkOpen('setCoalescing');
    writeCoalescing(this.regs, profile);
    this.config.coalescing = profile;
  }

  /** Under QEMU, received frames are held until this time (µs, driver clock) after an RCTL write. */
  get rxQuietUntilUs(): number {
    return this.parts.rctl.quietUntilUs;
  }

  statistics(): NicStatistics {
    this.checkOpen('statistics');
    return statistics(this.parts);
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

  private checkOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }

  /** The error for a call on a closed driver (checked first) or a queue it does not have. */
  private refuse(what: string, queue: number): never {
    if (this.closed) throw closedError(what);
    throw queueError(queue);
  }
}

/**
 * Stop the device's DMA whatever state it is in: the spec's `disable` sequence (IMC all,
 * RCTL 0, TCTL 0, flush, §13.4.22) if the BAR still answers, then bus mastering off.
 */
async function quiesce(mmio: Mmio, device: Device, clock: Clock): Promise<void> {
  try {
    await disable(mmio, clock);
  } catch {
    // The BAR may be gone already; bus mastering off below still stops DMA.
  }
  device.quiesce();
}

/**
 * The device twin: a `Device` (runtime/types.ts) built from an IR and a behaviour
 * plugin. Drivers open it exactly as they open a VFIO device; tests also get the
 * wire (inject and collect frames), the clock (virtual time), the event log and the
 * records of faults, violations and unknown accesses.
 *
 *   const dev = openSimDevice(ir, createE1000Twin(), { log: true });
 *   dev.enableBusMaster();
 *   ... driver code on dev.bar(0), dev.dma, dev.clock ...
 *   dev.receive(frame);          // a frame arrives from the wire
 *   dev.wire.take();             // frames the device transmitted
 *   dev.log?.events();           // what happened, in order
 */
import type { Device as IrDevice } from '../../spec/ir.js';
import type { Device, InterruptSource, Mmio, PciIdentity } from '../types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { SimClock, type ClockMode } from './clock.js';
import { ConfigSpace, PCI_COMMAND_MASTER, type ConfigIdentity } from './config-space.js';
import { CpuWriteTracker } from './cpu-write-tracker.js';
import { SimDmaAllocator } from './dma-allocator.js';
import { EventLog, type EventLogOptions } from './event-log.js';
import { SimInterruptSource } from './interrupts.js';
import { IovaSpace } from './iova-space.js';
import { SimMmio } from './mmio.js';
import type { RxOutcome, SimContext, SimPlugin } from './plugin.js';
import { BoundedList, type DmaFault, type UnknownAccess, type Violation } from './records.js';
import { RegisterFile } from './register-file.js';
import { Wire, type WireOptions } from './wire.js';

export interface SimDeviceOptions {
  /** 'virtual' (default): time moves only when someone sleeps. 'real': wall-clock time. */
  time?: ClockMode;
  /** Keep an event log (true, or its options). Default off: costs nothing when off. */
  log?: boolean | EventLogOptions;
  /** Log CPU stores into DMA memory between register accesses (needs `log`; slow). */
  trackCpuWrites?: boolean;
  wire?: WireOptions;
  /** First IOVA the DMA allocator hands out (default 4 GiB). */
  iovaBase?: number;
  /** PCI identity; default the IR's first PCI id. */
  identity?: Partial<ConfigIdentity>;
  /** Faults, violations and unknown accesses kept (each; the rest are counted). Default 1000. */
  keepRecords?: number;
}

export class SimDevice implements Device {
  readonly backend = 'sim';
  readonly identity: PciIdentity;
  readonly clock: SimClock;
  readonly regs: RegisterFile;
  readonly dma: SimDmaAllocator;
  /** The device side of DMA (what the device can reach, and its faults). */
  readonly iova: IovaSpace;
  readonly wire: Wire;
  readonly log: EventLog | null;
  readonly faults: BoundedList<DmaFault>;
  readonly violations: BoundedList<Violation>;
  readonly unknownAccesses: BoundedList<UnknownAccess>;
  private readonly mmios = new Map<number, SimMmio>();
  private readonly config: ConfigSpace;
  private readonly irq: SimInterruptSource;
  private readonly tracker: CpuWriteTracker | undefined;
  private closed = false;

  constructor(
    readonly ir: IrDevice,
    readonly plugin: SimPlugin,
    options: SimDeviceOptions = {},
  ) {
    const keep = options.keepRecords;
    this.faults = new BoundedList(keep);
    this.violations = new BoundedList(keep);
    this.unknownAccesses = new BoundedList(keep);
    this.clock = new SimClock(options.time ?? 'virtual');
    const now = () => this.clock.nowUs();
    this.log = options.log ? new EventLog(now, options.log === true ? {} : options.log) : null;
    this.regs = new RegisterFile(ir, (v, where) => this.recordViolation(v.code, v.message, where));
    this.iova = new IovaSpace(this.faults, now);
    this.iova.log = this.log;
    this.dma = new SimDmaAllocator(this.iova, { iovaBase: options.iovaBase });
    this.wire = new Wire(options.wire);
    this.wire.log = this.log;
    this.irq = new SimInterruptSource(this.clock);
    this.irq.log = this.log;
    const tracker =
      options.trackCpuWrites && this.log ? new CpuWriteTracker(this.iova, this.log) : undefined;
    if (tracker) this.iova.observer = tracker;
    this.tracker = tracker;
    const env = {
      clock: this.clock,
      log: this.log,
      tracker,
      unknown: this.unknownAccesses,
      isClosed: () => this.closed,
    };
    for (const index of this.regs.barIndexes())
      this.mmios.set(index, new SimMmio(this.regs.bar(index), env));

    const pci = ir.pci[0];
    const identity: ConfigIdentity = {
      vendor: pci?.vendor ?? 0,
      device: pci?.device ?? 0,
      ...options.identity,
    };
    this.identity = { address: 'sim', ...identity };
    const bars = ir.bars
      .filter((b) => b.kind === 'mmio')
      .map((b) => ({ index: b.index, size: b.size }));
    this.config = new ConfigSpace(identity, bars, (command) => {
      this.iova.busMaster = (command & PCI_COMMAND_MASTER) !== 0;
    });

    plugin.attach(this.context());
    if (plugin.onTimeAdvance) this.clock.onAdvance((nowUs) => plugin.onTimeAdvance?.(nowUs));
    plugin.powerOn();
  }

  bar(index: number): Mmio {
    return this.mmio(index);
  }

  /** The twin's Mmio of a BAR, with claim/watch for plugins and tests. */
  mmio(index: number): SimMmio {
    const mmio = this.mmios.get(index);
    if (!mmio) {
      throw new NicdlError(
        'E_SIM_NO_BAR',
        `the device ${this.ir.name} has no memory BAR ${index}`,
        ExitCode.usage,
        { bar: index },
      );
    }
    return mmio;
  }

  configRead(offset: number, width: 1 | 2 | 4): number {
    return this.config.read(offset, width);
  }

  configWrite(offset: number, width: 1 | 2 | 4, value: number): void {
    this.config.write(offset, width, value);
  }

  enableBusMaster(): void {
    this.config.updateCommand(PCI_COMMAND_MASTER, 0);
  }

  quiesce(): void {
    this.config.updateCommand(0, PCI_COMMAND_MASTER);
  }

  interrupts(): InterruptSource {
    return this.irq;
  }

  /**
   * With `trackCpuWrites`: log the CPU's stores into DMA memory now, not only at the next
   * register access — e.g. before the device acts on its own, so a store into memory
   * the device owns is seen while it still owns it. No-op without tracking.
   */
  scanCpuWrites(): void {
    this.tracker?.scan();
  }

  /** Interrupts signalled since open. */
  get interruptsSignalled(): number {
    return this.irq.signalled;
  }

  /** A frame arrives from the wire (Ethernet header first, no FCS). */
  receive(frame: Uint8Array): RxOutcome {
    if (this.closed) return 'dropped';
    if (!this.clock.isVirtual) this.clock.runDue();
    // Logged around the plugin's work, so the DMA that delivers the frame sits between.
    this.log?.push({ kind: 'frame-in', length: frame.length });
    const outcome = this.plugin.receive(frame);
    this.log?.push({ kind: 'frame-in-outcome', outcome });
    return outcome;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.quiesce();
    this.closed = true;
    this.plugin.close?.();
    this.clock.cancelAll();
    this.irq.close();
    this.dma.freeAll();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private context(): SimContext {
    return {
      ir: this.ir,
      regs: this.regs,
      dma: this.iova,
      clock: this.clock,
      wire: this.wire,
      log: this.log,
      claimRead: (bar, offset, handler) => this.mmio(bar).claimRead(offset, handler),
      claimWrite: (bar, offset, handler) => this.mmio(bar).claimWrite(offset, handler),
      watchWrite: (bar, offset, watcher) => this.mmio(bar).watchWrite(offset, watcher),
      deferSelfClear: (bar, offset, mask, delayUs) =>
        this.mmio(bar).deferSelfClear(offset, mask, delayUs),
      signalInterrupt: () => this.irq.signal(),
      violation: (code, message, detail = {}) => this.recordViolation(code, message, detail),
      note: (message) => this.log?.push({ kind: 'note', message }),
    };
  }

  private recordViolation(
    code: string,
    message: string,
    detail: Omit<Violation, 'code' | 'message' | 'timeUs'>,
  ): void {
    this.violations.push({ code, message, ...detail, timeUs: this.clock.nowUs() });
    this.log?.push({ kind: 'violation', code, message });
  }
}

/** Open a twin of the device `ir` with the behaviour of `plugin`. */
export function openSimDevice(
  ir: IrDevice,
  plugin: SimPlugin,
  options: SimDeviceOptions = {},
): SimDevice {
  return new SimDevice(ir, plugin, options);
}

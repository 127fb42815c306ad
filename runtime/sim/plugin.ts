/**
 * The behaviour-plugin interface of the twin. The register file (from the IR) gives
 * every register its storage and access semantics; a plugin adds what the device
 * *does*: it claims or watches register offsets, moves data through the device-side
 * DMA space, sends frames to the wire, takes frames from it, keeps counters, and raises
 * interrupts. A plugin belongs to a driver package (drivers/<nic>/twin); nothing here is
 * specific to one NIC.
 *
 * Hook order for a software register write at a watched or plain offset:
 *   1. the event log records the write;
 *   2. the register file applies the IR's semantics (ro ignored and reported, w1c...);
 *   3. the watcher runs with the written value and the previous stored value;
 *   4. self-clearing bits the write set are cleared — unless the watcher deferred them
 *      with deferSelfClear(), in which case they clear after the chosen virtual delay.
 * At a claimed offset the plugin's handler replaces steps 2-4 entirely (it owns the
 * register's semantics, as hardware would, whatever the spec says).
 */
import type { Device as IrDevice } from '../../spec/ir.js';
import type { SimClock } from './clock.js';
import type { EventLog } from './event-log.js';
import type { IovaSpace } from './iova-space.js';
import type { RegisterFile } from './register-file.js';
import type { Wire } from './wire.js';

/** Returns the value software reads at `offset`. */
export type ReadHandler = (offset: number) => number;
/** Handles a software write of `value` at `offset` in place of the register file. */
export type WriteHandler = (value: number, offset: number) => void;
/** Runs after the register file stored a software write; `previous` is the value before it. */
export type WriteWatcher = (value: number, previous: number, offset: number) => void;

/** What became of a frame handed to the device. Plugins may use their own strings. */
export type RxOutcome = 'delivered' | 'queued' | 'dropped' | (string & {});

export interface SimContext {
  /** The IR the twin was built from (for plugins that want names; behaviour should not depend on it). */
  readonly ir: IrDevice;
  readonly regs: RegisterFile;
  /** The device side of DMA: every access checked against what is mapped. */
  readonly dma: IovaSpace;
  readonly clock: SimClock;
  readonly wire: Wire;
  /** The event log, or null when logging is off (check before building anything to log). */
  readonly log: EventLog | null;
  /** Take over software reads of one register word. */
  claimRead(bar: number, offset: number, handler: ReadHandler): void;
  /** Take over software writes of one register word. */
  claimWrite(bar: number, offset: number, handler: WriteHandler): void;
  /** Be told after the register file stored a software write. */
  watchWrite(bar: number, offset: number, watcher: WriteWatcher): void;
  /** From a watcher: clear these self-clearing bits after `delayUs` instead of at once. */
  deferSelfClear(bar: number, offset: number, mask: number, delayUs: number): void;
  /** Signal one interrupt (the plugin decides causes, masks and moderation). */
  signalInterrupt(): void;
  /** Record something the software did that the hardware would not accept. */
  violation(
    code: string,
    message: string,
    detail?: { bar?: number; offset?: number; register?: string; value?: number },
  ): void;
  /** A free-form line in the event log (no-op when logging is off). */
  note(message: string): void;
}

export interface SimPlugin {
  readonly name: string;
  /** Called once when the twin opens: claim and watch registers, keep the context. */
  attach(ctx: SimContext): void;
  /**
   * Put the device in its power-on state. Called once after attach, after the register
   * file was reset to the IR's reset values: poke whatever the hardware sets itself.
   */
  powerOn(): void;
  /** A frame arrives from the wire (without FCS). */
  receive(frame: Uint8Array): RxOutcome;
  /** Time moved forward (virtual or real), after the timers due were run. */
  onTimeAdvance?(nowUs: number): void;
  /** The twin is closing: drop timers and references. */
  close?(): void;
}

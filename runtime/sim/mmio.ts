/**
 * Mmio for one BAR of the twin: each read32/write32 goes through the event log, the
 * plugin's claims and watchers, and the register file's IR semantics (see plugin.ts for
 * the order). Offsets the IR does not declare still work as storage and are recorded as
 * unknown accesses.
 */
import type { Mmio } from '../types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { SimClock } from './clock.js';
import type { CpuWriteTracker } from './cpu-write-tracker.js';
import type { EventLog } from './event-log.js';
import type { ReadHandler, WriteHandler, WriteWatcher } from './plugin.js';
import type { BoundedList, UnknownAccess } from './records.js';
import type { BarFile } from './register-file.js';

const BYTES_PER_WORD = 4;
const NO_WRITE = -1;

/** What the Mmio shares with the rest of the twin. */
export interface MmioEnvironment {
  clock: SimClock;
  log: EventLog | null;
  tracker: CpuWriteTracker | undefined;
  unknown: BoundedList<UnknownAccess>;
  isClosed(): boolean;
}

export class SimMmio implements Mmio {
  readonly size: number;
  private readonly readHandlers: (ReadHandler | undefined)[];
  private readonly writeHandlers: (WriteHandler | undefined)[];
  private readonly watchers: (WriteWatcher | undefined)[];
  /** Word being written while its watcher runs, and the self-clearing bits it deferred. */
  private writingWord = NO_WRITE;
  private deferredMask = 0;

  constructor(
    readonly file: BarFile,
    private readonly env: MmioEnvironment,
  ) {
    this.size = file.size;
    const words = Math.ceil(file.size / BYTES_PER_WORD);
    this.readHandlers = new Array(words).fill(undefined);
    this.writeHandlers = new Array(words).fill(undefined);
    this.watchers = new Array(words).fill(undefined);
  }

  read32(offset: number): number {
    this.before(offset);
    const w = offset >>> 2;
    const handler = this.readHandlers[w];
    const value = handler !== undefined ? handler(offset) >>> 0 : this.file.read(offset);
    if (!this.file.declared(offset)) this.recordUnknown(offset, 'read', value);
    const log = this.env.log;
    if (log !== null)
      log.push({
        kind: 'mmio-read',
        bar: this.file.index,
        offset,
        name: this.file.nameAt(offset),
        value,
      });
    return value;
  }

  write32(offset: number, value: number): void {
    this.before(offset);
    const x = value >>> 0;
    const log = this.env.log;
    // Logged first, so the DMA and frames the write triggers follow it in the log.
    if (log !== null)
      log.push({
        kind: 'mmio-write',
        bar: this.file.index,
        offset,
        name: this.file.nameAt(offset),
        value: x,
      });
    if (!this.file.declared(offset)) this.recordUnknown(offset, 'write', x);
    const w = offset >>> 2;
    const handler = this.writeHandlers[w];
    if (handler !== undefined) {
      handler(x, offset);
      return;
    }
    const previous = this.file.peek(offset);
    const selfClearing = this.file.write(offset, x);
    const watcher = this.watchers[w];
    if (watcher !== undefined) {
      this.writingWord = w;
      this.deferredMask = 0;
      try {
        watcher(x, previous, offset);
      } finally {
        this.writingWord = NO_WRITE;
      }
    }
    const clearNow = selfClearing & ~this.deferredMask;
    if (clearNow !== 0) this.file.clearBits(offset, clearNow);
    this.deferredMask = 0;
  }

  claimRead(offset: number, handler: ReadHandler): void {
    this.readHandlers[this.word(offset)] = handler;
  }

  claimWrite(offset: number, handler: WriteHandler): void {
    this.writeHandlers[this.word(offset)] = handler;
  }

  watchWrite(offset: number, watcher: WriteWatcher): void {
    this.watchers[this.word(offset)] = watcher;
  }

  /** Clear `mask` at `offset` after `delayUs`; if called from that word's watcher, not at once. */
  deferSelfClear(offset: number, mask: number, delayUs: number): void {
    const w = this.word(offset);
    if (w === this.writingWord) this.deferredMask |= mask;
    this.env.clock.schedule(delayUs, () => this.file.clearBits(offset, mask));
  }

  private word(offset: number): number {
    this.checkOffset(offset);
    return offset >>> 2;
  }

  private before(offset: number): void {
    if (this.env.isClosed()) {
      throw new NicdlError(
        'E_SIM_CLOSED',
        `BAR ${this.file.index} access at 0x${offset.toString(16)} after the twin was closed`,
        ExitCode.usage,
        { offset },
      );
    }
    this.checkOffset(offset);
    if (!this.env.clock.isVirtual) this.env.clock.runDue();
    this.env.tracker?.scan();
  }

  private checkOffset(offset: number): void {
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset + BYTES_PER_WORD > this.size ||
      (offset & 3) !== 0
    ) {
      throw new NicdlError(
        'E_SIM_MMIO_RANGE',
        `BAR ${this.file.index} access at ${offset} is outside the BAR (${this.size} bytes) or not 4-byte aligned`,
        ExitCode.usage,
        { offset, bar: this.file.index },
      );
    }
  }

  private recordUnknown(offset: number, direction: 'read' | 'write', value: number): void {
    this.env.unknown.push({
      bar: this.file.index,
      offset,
      direction,
      value,
      timeUs: this.env.clock.nowUs(),
    });
    this.env.log?.push({ kind: 'unknown-access', bar: this.file.index, offset, direction, value });
  }
}

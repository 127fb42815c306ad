/**
 * The twin's event log: an ordered record of what crossed the device boundary —
 * register reads and writes, the device's own DMA (with the bytes it fetched), IOMMU
 * faults, access violations, frames, interrupts, and (optionally) CPU stores into DMA
 * memory detected between register accesses. Tests read it to check ordering, e.g.
 * "the descriptor was written before the tail moved" or "the device fetched a stale
 * descriptor".
 *
 * The log is bounded: it keeps the newest `capacity` events (a ring) and counts the
 * ones it dropped. A device opened without a log pays nothing: every producer checks
 * `log !== null` before building an event.
 */

export type DmaDirection = 'read' | 'write';

interface Stamp {
  /** Position in the whole run (never reused, also counts dropped events). */
  seq: number;
  /** Device time (virtual or real) in microseconds. */
  timeUs: number;
}

/** A device DMA transfer that the IOMMU let through. */
export interface DmaTransfer {
  iova: number;
  length: number;
  /** What the plugin says the access is for, e.g. "tx-desc", "rx-data". */
  tag: string;
  /** The first bytes moved (up to the log's `dmaDataBytes`). */
  data: Uint8Array;
}

export type SimEvent = Stamp &
  (
    | { kind: 'mmio-read'; bar: number; offset: number; name: string | undefined; value: number }
    | { kind: 'mmio-write'; bar: number; offset: number; name: string | undefined; value: number }
    | ({ kind: 'dma-read' } & DmaTransfer)
    | ({ kind: 'dma-write' } & DmaTransfer)
    | {
        kind: 'dma-fault';
        iova: number;
        length: number;
        direction: DmaDirection;
        tag: string;
        reason: string;
      }
    | { kind: 'cpu-write'; iova: number; length: number }
    | { kind: 'violation'; code: string; message: string }
    | {
        kind: 'unknown-access';
        bar: number;
        offset: number;
        direction: DmaDirection;
        value: number;
      }
    | { kind: 'frame-out'; length: number }
    | { kind: 'frame-in'; length: number }
    | { kind: 'frame-in-outcome'; outcome: string }
    | { kind: 'interrupt'; count: number }
    | { kind: 'note'; message: string }
  );

export type SimEventKind = SimEvent['kind'];

/** Distributes Omit over the union so each variant keeps its own fields. */
type Unstamped<E> = E extends unknown ? Omit<E, 'seq' | 'timeUs'> : never;
export type SimEventInput = Unstamped<SimEvent>;

export interface EventLogOptions {
  /** Events kept (oldest dropped first). Default 100 000. */
  capacity?: number;
  /** Bytes of each DMA transfer copied into its event. Default 64. */
  dmaDataBytes?: number;
}

const DEFAULT_CAPACITY = 100_000;
const DEFAULT_DMA_DATA_BYTES = 64;

/** Told of each event as it is recorded (see EventLog.subscribe). */
export type EventListener = (event: SimEvent) => void;

export class EventLog {
  readonly capacity: number;
  readonly dmaDataBytes: number;
  private readonly ring: SimEvent[] = [];
  private listeners: EventListener[] = [];
  /** Index in `ring` of the oldest event once the ring is full. */
  private start = 0;
  private nextSeq = 0;
  private droppedCount = 0;

  constructor(
    private readonly now: () => number,
    options: EventLogOptions = {},
  ) {
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_CAPACITY);
    this.dmaDataBytes = Math.max(0, options.dmaDataBytes ?? DEFAULT_DMA_DATA_BYTES);
  }

  push(event: SimEventInput): void {
    const stamped = { ...event, seq: this.nextSeq++, timeUs: this.now() } as SimEvent;
    if (this.listeners.length !== 0) for (const listener of this.listeners) listener(stamped);
    if (this.ring.length < this.capacity) {
      this.ring.push(stamped);
      return;
    }
    this.ring[this.start] = stamped;
    this.start = (this.start + 1) % this.capacity;
    this.droppedCount++;
  }

  /** A copy of the first `dmaDataBytes` of a transfer, for a dma-read/dma-write event. */
  snapshot(bytes: Uint8Array, offset: number, length: number): Uint8Array {
    return bytes.slice(offset, offset + Math.min(length, this.dmaDataBytes));
  }

  /**
   * Calls `listener` with every event as it is recorded, before later events exist: for
   * checks that need the state of the world at that moment (e.g. which slots the device
   * owned when a CPU write was seen). Returns the function that unsubscribes it.
   */
  subscribe(listener: EventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Every kept event, oldest first. */
  events(): SimEvent[] {
    return [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }

  /** Kept events of the given kinds, oldest first, typed by kind. */
  ofKind<K extends SimEventKind>(...kinds: K[]): Extract<SimEvent, { kind: K }>[] {
    const wanted = new Set<string>(kinds);
    return this.events().filter((e): e is Extract<SimEvent, { kind: K }> => wanted.has(e.kind));
  }

  /** Events dropped because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Events recorded in total (kept or dropped). */
  get total(): number {
    return this.nextSeq;
  }

  clear(): void {
    this.ring.length = 0;
    this.start = 0;
  }
}

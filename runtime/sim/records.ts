/**
 * What the twin holds against the software that drives it: IOMMU faults, access
 * violations and accesses to offsets the spec does not declare. Kept whether or not
 * the event log is on (they are rare, and they are what a test wants to see first),
 * bounded so a runaway driver cannot exhaust memory.
 */
import type { DmaDirection } from './event-log.js';

export interface DmaFault {
  iova: number;
  length: number;
  direction: DmaDirection;
  /** What the device was doing, as the plugin tagged it (e.g. "tx-data"). */
  tag: string;
  /** "unmapped", "out-of-range" (runs past the end of a mapping), "freed", "bus-master-off". */
  reason: string;
  timeUs: number;
}

export interface Violation {
  /** Stable code, e.g. "E_SIM_RO_WRITE", or a plugin's own ("E1000_HEAD_WRITE"). */
  code: string;
  message: string;
  bar?: number;
  offset?: number;
  register?: string;
  value?: number;
  timeUs: number;
}

export interface UnknownAccess {
  bar: number;
  offset: number;
  direction: DmaDirection;
  value: number;
  timeUs: number;
}

const DEFAULT_KEEP = 1000;

/** A list that keeps the first `keep` items and counts the rest. */
export class BoundedList<T> {
  readonly items: T[] = [];
  private count = 0;

  constructor(private readonly keep: number = DEFAULT_KEEP) {}

  push(item: T): void {
    this.count++;
    if (this.items.length < this.keep) this.items.push(item);
  }

  /** Items recorded in total, including those not kept. */
  get total(): number {
    return this.count;
  }

  clear(): void {
    this.items.length = 0;
    this.count = 0;
  }
}

/**
 * The plain model the suite runs beside the generated ring: a list of posted slots,
 * oldest first, each with the state the device left it in. It is what the ring and the
 * device must agree with after every step — simple enough to be obviously right.
 *
 *   filled    software wrote the slot; the tail register does not cover it yet
 *   handed    the tail register covers it: the device owns it
 *   consumed  the device took it (read the buffer, or wrote a frame into it)
 *   late      the device moved its head past it but has not written the done bit yet
 *   passed    the device moved its head past it and, the slot asking for no status
 *             report, writes no done bit: it is back with the reported slot covering it
 *   done      the done bit is written: software may take it back, and must
 *
 * With batched status reports (TX, RingOptions.reportEvery > 1) only some slots carry the
 * report bit. A slot may be taken back once the first reported slot at or after it — the
 * one covering it — is done, and not before.
 */

export type SlotState = 'filled' | 'handed' | 'consumed' | 'late' | 'passed' | 'done';

export interface PostedSlot {
  /** Post number in this run; also the cookie given to post(). */
  id: number;
  slot: number;
  iova: number;
  /** Bytes posted (TX: the fragment; RX: the buffer size offered). */
  length: number;
  /** TX: the last descriptor of its frame. */
  last: boolean;
  /** An unmapped buffer, posted on purpose to provoke a DMA fault. */
  poisoned: boolean;
  /** Index of the buffer in the run's pool (-1 for a poisoned one). */
  buffer: number;
  state: SlotState;
  /** Whether the device decoded it at hand-over (sides that decode descriptors). */
  fetched: boolean;
  /**
   * Whether it carries the report bit, as found at hand-over (flush); always true on rings
   * without one, and on RX rings.
   */
  reported: boolean;
  /** RX: what the device wrote. */
  rx?: { length: number; eop: boolean; errors: number; data: Uint8Array };
}

export interface RunStats {
  posts: number;
  completions: number;
  /** Times the software tail went from the last slot back to slot 0 (resets excluded). */
  wraparounds: number;
  /** Times the device head did the same. */
  headWraps: number;
  resets: number;
  refusedPosts: number;
  poisonedPosts: number;
  lateCompletions: number;
  /** TX slots handed over without the report bit (batched status reports). */
  unreportedSlots: number;
  rxFrames: number;
  rxDropped: number;
  commands: number;
}

export function emptyStats(): RunStats {
  return {
    posts: 0,
    completions: 0,
    wraparounds: 0,
    headWraps: 0,
    resets: 0,
    refusedPosts: 0,
    poisonedPosts: 0,
    lateCompletions: 0,
    unreportedSlots: 0,
    rxFrames: 0,
    rxDropped: 0,
    commands: 0,
  };
}

export class RingModel {
  /** Posted and not yet taken back, oldest first. */
  readonly slots: PostedSlot[] = [];
  /** Next slot software fills. */
  next = 0;
  /** What software last wrote to the tail register. */
  tailWritten = 0;
  readonly stats = emptyStats();
  private nextId = 0;

  constructor(readonly count: number) {}

  get inFlight(): number {
    return this.slots.length;
  }

  /** Posts the ring must accept now: one slot always stays empty. */
  get free(): number {
    return this.count - 1 - this.slots.length;
  }

  /** Filled and not yet handed over. */
  get pending(): number {
    let n = 0;
    for (let i = this.slots.length - 1; i >= 0 && this.slots[i].state === 'filled'; i--) n++;
    return n;
  }

  /** Oldest slot not yet taken back (the ring's `clean`). */
  get clean(): number {
    return this.slots.length > 0 ? this.slots[0].slot : this.next;
  }

  /** Where the device's head must be: the first slot it still owns, or the tail when it owns none. */
  expectedHead(): number {
    const owned = this.slots.find((s) => s.state === 'handed' || s.state === 'consumed');
    return owned ? owned.slot : this.tailWritten;
  }

  post(iova: number, length: number, last: boolean, poisoned: boolean, buffer: number): PostedSlot {
    const slot: PostedSlot = {
      id: this.nextId++,
      slot: this.next,
      iova,
      length,
      last,
      poisoned,
      buffer,
      state: 'filled',
      fetched: false,
      reported: false,
    };
    this.slots.push(slot);
    this.next = (this.next + 1) % this.count;
    if (this.next === 0) this.stats.wraparounds++;
    this.stats.posts++;
    if (poisoned) this.stats.poisonedPosts++;
    return slot;
  }

  /** The id the next post will get (the cookie to pass). */
  peekId(): number {
    return this.nextId;
  }

  /** A flush: every filled slot is handed over. Returns them. */
  flush(): PostedSlot[] {
    const handed = this.slots.filter((s) => s.state === 'filled');
    for (const s of handed) s.state = 'handed';
    this.tailWritten = this.next;
    return handed;
  }

  /** The oldest slot in `state`, if any. */
  oldest(state: SlotState): PostedSlot | undefined {
    return this.slots.find((s) => s.state === state);
  }

  /**
   * Slots at the front software may take back now, and must: each one up to a reported
   * slot whose done bit is written.
   */
  reclaimable(): number {
    let n = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s.reported) continue;
      if (s.state !== 'done') break;
      n = i + 1;
    }
    return n;
  }

  /** The reported slot covering the one at `index` of `slots` (the first at or after it). */
  coverOf(index: number): PostedSlot | undefined {
    for (let i = index; i < this.slots.length; i++)
      if (this.slots[i].reported) return this.slots[i];
    return undefined;
  }

  /** Takes the oldest slot back. */
  take(): PostedSlot {
    this.stats.completions++;
    return this.slots.shift()!;
  }

  /** Handed over and not yet consumed. */
  unconsumed(): number {
    return this.slots.filter((s) => s.state === 'handed').length;
  }

  /** A ring reset: everything posted is forgotten. Returns what was. */
  reset(): PostedSlot[] {
    const dropped = this.slots.splice(0);
    this.next = 0;
    this.tailWritten = 0;
    this.stats.resets++;
    return dropped;
  }
}
